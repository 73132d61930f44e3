"""ctnn_quant - the integer arithmetic of ctnn's int8 quantisation (ctnn/quant), for ctnn-export --int8.

A copy of the specification functions of tests/interop/quant_reference.py (an independent NumPy
implementation of the TensorFlow Lite quantisation specification and gemmlowp's fixed-point
definitions, written from the specification, not from ctnn's code, and tested bit for bit against ctnn
on 250 random networks): the tool must not import from tests/. tests/interop/test_exporter_int8.py checks
that this copy and quant_reference.py give the same integers for the exported networks.

derive(layers, ranges_min, ranges_max) takes layers as {"in", "out", "relu", "float_weights" (W[in][out],
flat), "float_bias"} and the ranges of the input and of each layer's output; int8_forward and
quantise_input as in quant_reference.py.
"""
import math

import numpy as np

QMIN, QMAX = -128, 127


def round_half_away(x):
    """std::round / TfLiteRound: to nearest, ties away from zero (numpy's
    round is to even, so it is not used)."""
    t = math.trunc(x)
    f = x - t
    if f >= 0.5:
        return t + 1
    if f <= -0.5:
        return t - 1
    return t


def choose_quantization_params(rmin, rmax):
    """gemmlowp ChooseQuantizationParams for [QMIN, QMAX]: the range must
    contain 0; the zero point comes from the end with the smaller error."""
    rmin = min(rmin, 0.0)
    rmax = max(rmax, 0.0)
    if not (rmax - rmin > 0.0):
        return 1.0, QMIN
    scale = (rmax - rmin) / (QMAX - QMIN)
    zp_from_min = QMIN - rmin / scale
    zp_from_max = QMAX - rmax / scale
    err_min = abs(QMIN) + abs(rmin / scale)
    err_max = abs(QMAX) + abs(rmax / scale)
    zp = zp_from_min if err_min < err_max else zp_from_max
    if zp < QMIN:
        return scale, QMIN
    if zp > QMAX:
        return scale, QMAX
    return scale, round_half_away(zp)


def quantize_multiplier(m):
    """TFLite QuantizeMultiplier: m = q * 2^shift, q in [0.5, 1) as Q31."""
    if not m > 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    q_fixed = round_half_away(q * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        return (1 << 31) - 1, 30
    return q_fixed, shift


def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul, on int64 arrays."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    overflow = (a == b) & (a == -(1 << 31))
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    v = ab + nudge
    # C++ division: truncation toward zero.
    high = np.where(v >= 0, v >> 31, -((-v) >> 31))
    return np.where(overflow, (1 << 31) - 1, high)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp RoundingDivideByPOT, elementwise exponents."""
    x = np.asarray(x, dtype=np.int64)
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x, multiplier, shift):
    x = np.asarray(x, dtype=np.int64)
    shift = np.asarray(shift, dtype=np.int64)
    left = np.where(shift > 0, shift, 0)
    right = np.where(shift > 0, 0, -shift)
    # x * 2^left, saturated to int32 (TFLite's would overflow; ctnn documents saturation)
    shifted = np.clip(x << left, -(1 << 31), (1 << 31) - 1)
    return rounding_divide_by_pot(srdhm(shifted, multiplier), right)


def derive(layers, ranges_min, ranges_max):
    """Every quantisation parameter, from the float network and the ranges."""
    derived = []
    for k, l in enumerate(layers):
        s_in, z_in = choose_quantization_params(ranges_min[k], ranges_max[k])
        s_out, z_out = choose_quantization_params(ranges_min[k + 1], ranges_max[k + 1])
        w = l["float_weights"].reshape(l["in"], l["out"])
        codes = np.zeros((l["out"], l["in"]), dtype=np.int64)
        spec_bias, folded, multipliers, shifts = [], [], [], []
        for j in range(l["out"]):
            largest = float(np.max(np.abs(w[:, j])))
            s_w = largest / 127.0 if largest > 0.0 else 1.0
            for i in range(l["in"]):
                codes[j, i] = min(127, max(-127, round_half_away(float(w[i, j]) / s_w)))
            bias_scale = s_in * s_w
            b = min((1 << 31) - 1, max(-(1 << 31), round_half_away(float(l["float_bias"][j]) / bias_scale)))
            spec_bias.append(b)
            folded.append(min((1 << 31) - 1, max(-(1 << 31), b - z_in * int(codes[j].sum()))))
            m, s = quantize_multiplier(bias_scale / s_out)
            multipliers.append(m)
            shifts.append(s)
        act_min = max(QMIN, z_out) if l["relu"] else QMIN
        derived.append({"input": (s_in, z_in), "output": (s_out, z_out), "codes": codes, "bias": folded,
                        "specification_bias": spec_bias, "multiplier": multipliers, "shift": shifts,
                        "activation": (act_min, QMAX), "relu": l["relu"]})
    return derived


def quantise_input(x, scale, zero_point):
    return [min(QMAX, max(QMIN, round_half_away(float(v) / scale) + zero_point)) for v in x]


def int8_forward(derived, codes):
    x = np.asarray(codes, dtype=np.int64)
    for d in derived:
        acc = np.asarray(d["specification_bias"], dtype=np.int64) + (d["codes"] @ (x - d["input"][1]))
        acc = np.clip(acc, -(1 << 31), (1 << 31) - 1)  # (the accumulators fit: checked by ctnn's tests)
        y = multiply_by_quantized_multiplier(acc, d["multiplier"], d["shift"]) + d["output"][1]
        x = np.clip(y, d["activation"][0], d["activation"][1])
    return [int(v) for v in x]
