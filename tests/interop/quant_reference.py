#!/usr/bin/env python3
"""An independent reference for ctnn's int8 quantisation (ctnn/quant), in
NumPy and plain Python integers, written from the TensorFlow Lite
quantisation specification and gemmlowp's fixed-point definitions, not from
ctnn's code.

    quant_reference.py random <dump>     random networks: every integer re-derived and compared
    quant_reference.py digits <dump>     the digits classifier: the same, then PyTorch's own
                                         post-training static quantisation of the same network
    quant_reference.py control <dump>    negative control: one of ctnn's outputs changed by one
                                         must be reported as the one difference

The dump comes from tests/interop/quant_dump.cpp. From it this script takes
the float weights and biases, the calibration inputs and the test inputs,
and ctnn's results. It then derives, on its own:
  * the activation ranges, by a float64 forward pass over the calibration set,
    compared with ctnn's (which ran in float32, so they agree to a relative
    1e-5, not to the bit); the scales are derived from ctnn's ranges, so that
    a one-ulp difference in a float32 sum cannot move a zero point;
  * each tensor's int8 scale and zero point (gemmlowp's ChooseQuantizationParams);
  * per output channel the symmetric weight scale and the int8 weight codes;
  * the int32 bias codes, and the bias with the input zero point folded in;
  * the requantisation multipliers and shifts (TFLite's QuantizeMultiplier);
  * the input codes of every test input;
  * the int8 outputs, by the specification's unfolded integer arithmetic
    (acc = b + sum (x - z_in) w, SaturatingRoundingDoublingHighMul,
    RoundingDivideByPOT, + z_out, clamp),
and requires every one of them to equal ctnn's, bit for bit. Exit status 1 on
any difference, 0 otherwise; the counts are printed.
"""
import math
import sys

import numpy as np

QMIN, QMAX = -128, 127


# --- the specification --------------------------------------------------------

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


# --- reading the dump -----------------------------------------------------------

def parse(path):
    networks, current, layer = [], None, None
    with open(path) as f:
        for line in f:
            tag, *rest = line.split()
            if tag == "network":
                current = {"id": int(rest[0]), "architecture": rest[1], "calibration": [], "layers": [],
                           "inputs": [], "codes": [], "outputs": [], "labels": []}
                networks.append(current)
            elif tag == "end":
                if int(rest[0]) != len(networks):
                    raise SystemExit(f"{path}: truncated dump ({len(networks)} networks, end says {rest[0]})")
                return networks
            elif tag in ("calibration", "input"):
                current["calibration" if tag == "calibration" else "inputs"].append([float.fromhex(v) for v in rest])
            elif tag in ("ranges_min", "ranges_max"):
                current[tag] = [float.fromhex(v) for v in rest]
            elif tag == "layer":
                layer = {"in": int(rest[0]), "out": int(rest[1]), "relu": rest[2] == "1"}
                current["layers"].append(layer)
            elif tag in ("float_weights", "float_bias"):
                layer[tag] = np.array([float.fromhex(v) for v in rest])
            elif tag in ("weights", "bias", "specification_bias", "multiplier", "shift"):
                layer[tag] = [int(v) for v in rest]
            elif tag == "quantisation":
                layer["input"] = (float.fromhex(rest[0]), int(rest[1]))
                layer["output"] = (float.fromhex(rest[2]), int(rest[3]))
                layer["activation"] = (int(rest[4]), int(rest[5]))
            elif tag in ("codes", "output"):
                current["codes" if tag == "codes" else "outputs"].append([int(v) for v in rest])
            elif tag == "label":
                current["labels"].append(int(rest[0]))
            elif tag == "accuracy":
                current["accuracy"] = tuple(int(v) for v in rest)
    raise SystemExit(f"{path}: no end record")


# --- the reference ---------------------------------------------------------------

def float_forward(layers, x):
    """float64 forward, returning the input and every quantised layer's output."""
    tensors = [np.asarray(x, dtype=np.float64)]
    for l in layers:
        w = l["float_weights"].reshape(l["in"], l["out"])
        y = tensors[-1] @ w + l["float_bias"]
        if l["relu"]:
            y = np.maximum(y, 0.0)
        tensors.append(y)
    return tensors


def derive(net):
    """Every quantisation parameter, from the float network and the ranges."""
    derived = []
    for k, l in enumerate(net["layers"]):
        s_in, z_in = choose_quantization_params(net["ranges_min"][k], net["ranges_max"][k])
        s_out, z_out = choose_quantization_params(net["ranges_min"][k + 1], net["ranges_max"][k + 1])
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


def check(networks):
    """Counts of networks, test inputs and differences (each difference printed)."""
    differences, inputs, worst_range = 0, 0, 0.0

    def differ(net, what, ours, theirs):
        nonlocal differences
        differences += 1
        if differences <= 20:
            print(f"DIFFERENCE network {net['id']} ({net['architecture']}) {what}: reference {ours}, ctnn {theirs}")

    for net in networks:
        # Ranges: float64 here against ctnn's float32.
        lo = [math.inf] * (len(net["layers"]) + 1)
        hi = [-math.inf] * (len(net["layers"]) + 1)
        for x in net["calibration"]:
            for t, v in enumerate(float_forward(net["layers"], x)):
                lo[t] = min(lo[t], float(v.min()))
                hi[t] = max(hi[t], float(v.max()))
        for t in range(len(lo)):
            span = max(abs(lo[t]), abs(hi[t]), 1e-30)
            err = max(abs(lo[t] - net["ranges_min"][t]), abs(hi[t] - net["ranges_max"][t])) / span
            worst_range = max(worst_range, err)
            if err > 1e-5:
                differ(net, f"range of tensor {t}", (lo[t], hi[t]), (net["ranges_min"][t], net["ranges_max"][t]))
        derived = derive(net)
        for k, (d, l) in enumerate(zip(derived, net["layers"])):
            if d["input"] != l["input"] or d["output"] != l["output"]:
                differ(net, f"layer {k} scales and zero points", (d["input"], d["output"]), (l["input"], l["output"]))
            if d["activation"] != l["activation"]:
                differ(net, f"layer {k} clamp", d["activation"], l["activation"])
            if [int(v) for v in d["codes"].reshape(-1)] != l["weights"]:
                differ(net, f"layer {k} weight codes", "...", "...")
            for name in ("bias", "specification_bias", "multiplier", "shift"):
                if d[name] != l[name]:
                    differ(net, f"layer {k} {name}", d[name], l[name])
        s_in, z_in = derived[0]["input"]
        for n, x in enumerate(net["inputs"]):
            codes = quantise_input(x, s_in, z_in)
            if codes != net["codes"][n]:
                differ(net, f"input codes of test input {n}", codes, net["codes"][n])
            y = int8_forward(derived, codes)
            if y != net["outputs"][n]:
                differ(net, f"int8 output of test input {n}", y, net["outputs"][n])
            inputs += 1
    return differences, inputs, worst_range, derived


def pytorch_accuracy(net, engine):
    """PyTorch's own post-training static quantisation (eager mode) of the same
    float network, calibrated on the same images: accuracy on the held-out set."""
    import torch
    import torch.ao.quantization as tq

    if engine not in torch.backends.quantized.supported_engines:
        return None
    torch.backends.quantized.engine = engine
    layers = []
    for l in net["layers"]:
        linear = torch.nn.Linear(l["in"], l["out"])
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(l["float_weights"].reshape(l["in"], l["out"]).T, dtype=torch.float32))
            linear.bias.copy_(torch.tensor(l["float_bias"], dtype=torch.float32))
        layers.append(linear)
        if l["relu"]:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(tq.QuantStub(), *layers, tq.DeQuantStub()).eval()
    fuse = [[str(k), str(k + 1)] for k, m in enumerate(model) if isinstance(m, torch.nn.ReLU) is False
            and k + 1 < len(model) and isinstance(model[k + 1], torch.nn.ReLU)]
    if fuse:
        model = tq.fuse_modules(model, fuse)
    model.qconfig = tq.get_default_qconfig(engine)
    prepared = tq.prepare(model)
    with torch.no_grad():
        prepared(torch.tensor(net["calibration"], dtype=torch.float32))
        quantised = tq.convert(prepared)
        y = quantised(torch.tensor(net["inputs"], dtype=torch.float32))
    predictions = y.argmax(dim=1).tolist()
    correct = sum(int(p == t) for p, t in zip(predictions, net["labels"]))
    per_channel = "per-channel" if "per_channel" in str(model.qconfig.weight).lower() else "per-tensor"
    return correct, per_channel


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("random", "digits", "control"):
        print(__doc__)
        return 2
    mode, path = sys.argv[1], sys.argv[2]
    networks = parse(path)
    if mode == "control":
        victim = networks[len(networks) // 2]
        victim["outputs"][3][0] += 1 if victim["outputs"][3][0] < QMAX else -1
        differences = check(networks)[0]
        if differences != 1:
            print(f"FAILED: the changed output gave {differences} differences, not 1")
            return 1
        print("ok: an int8 output changed by one is caught")
        return 0
    differences, inputs, worst_range, derived = check(networks)
    outputs = [v for net in networks for y in net["outputs"] for v in y]
    shifts = [s for net in networks for l in net["layers"] for s in l["shift"]]
    zero_points = [l["input"][1] for net in networks for l in net["layers"]]
    print(f"coverage: {sum(v == QMIN for v in outputs)} of {len(outputs)} outputs at -128 and "
          f"{sum(v == QMAX for v in outputs)} at 127 (clamped), shifts {min(shifts)}..{max(shifts)}, "
          f"input zero points {min(zero_points)}..{max(zero_points)}")
    architectures = sorted({n["architecture"] for n in networks})
    print(f"{len(networks)} networks ({', '.join(architectures)}), {inputs} test inputs: "
          f"{differences} differences from ctnn in quantisation parameters, input codes or int8 outputs; "
          f"ranges agree to a relative {worst_range:.2e} (float64 here, float32 in ctnn)")
    if mode == "digits":
        net = networks[0]
        float_correct, ctnn_correct, total = net["accuracy"]
        reference_correct = 0
        for n, x in enumerate(net["inputs"]):
            y = int8_forward(derived, quantise_input(x, *derived[0]["input"]))
            reference_correct += int(int(np.argmax(y)) == net["labels"][n])
        print(f"digits, held-out set of {total}: float {float_correct / total:.4f}, ctnn int8 "
              f"{ctnn_correct / total:.4f}, this reference's int8 {reference_correct / total:.4f}")
        for engine in ("fbgemm", "qnnpack", "onednn"):
            result = pytorch_accuracy(net, engine)
            if result is None:
                print(f"PyTorch {engine}: not available in this build of torch")
            else:
                correct, weights = result
                print(f"PyTorch post-training static quantisation ({engine}, default qconfig, {weights} weights): "
                      f"int8 {correct / total:.4f}")
        if reference_correct != ctnn_correct:
            differences += 1
    if differences:
        print("FAILED: ctnn's int8 arithmetic differs from the reference")
        return 1
    print("ok: ctnn's int8 quantisation and inference equal the reference bit for bit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
