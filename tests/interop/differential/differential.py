#!/usr/bin/env python3
"""Differential test of ctnn against PyTorch autograd (issue 13). See README.md.

  differential.py generate --seed S --cases N --batches B --out DIR
      writes DIR/batch_<k>.cpp (many cases per translation unit), DIR/main.cpp
      and DIR/cases.json (the cases, for the comparison);
  differential.py compare --runner EXE --cases DIR/cases.json [--known FILE] [--strict]
      runs EXE, compares every case with PyTorch and prints counts per category;
  differential.py run --seed S --cases N --cxx g++ --include DIR...
      both, compiling the batches itself (for working on the test by hand).

The last line of `compare` is
  differential cases=<n> mismatches=<m> false_alarms=<f> false_passes=<p>
Its exit status is 0 when every category seen is listed in the known-issues
file (all are failures with --strict), 1 otherwise.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# What ctnn has (names as in ctnn/grad/loss.hpp and ctnn/core/layers.hpp)
# ---------------------------------------------------------------------------
ACTIVATIONS = ["identity", "relu", "leaky_relu", "elu", "sigmoid", "tanh", "gelu", "softmax"]
LOSSES = ["mse", "mae", "huber", "bce", "sce"]
LEAKY = [(1, 100), (1, 5), (1, 4), (3, 10)]
ELU = [(1, 1), (1, 2), (3, 2), (1, 10)]
HUBER = [(1, 1), (1, 2), (2, 1), (1000, 1), (1, 10)]
LOSS_CXX = {"mse": "ctnn::mse", "mae": "ctnn::mae", "bce": "ctnn::binary_cross_entropy_with_logits",
            "sce": "ctnn::softmax_cross_entropy"}

U = {"double": 2.0 ** -53, "float": 2.0 ** -24}
BIG = {"double": 1e308, "float": 2e38}
# Values of activation inputs in the tails (issue 13: x = ±20, ±30, ±40, ±700 ...).
TAILS = {"double": [20, 30, 37, 40, 100, 700, 710, 750], "float": [10, 20, 30, 40, 88, 90, 100]}


def as_type(v, scalar):
    return float(np.float32(v)) if scalar == "float" else float(v)


def layer_cxx(layer):
    if layer["kind"] == "dense":
        return "ctnn::dense<%d, %d>" % (layer["in"], layer["out"])
    name = layer["name"]
    if name in ("leaky_relu", "elu"):
        return "ctnn::%s<%d, %d>" % (name, layer["p"][0], layer["p"][1])
    return "ctnn::" + name


def loss_cxx(loss):
    if loss["name"] == "huber":
        return "ctnn::huber<%d, %d>" % tuple(loss["p"])
    return LOSS_CXX[loss["name"]]


def net_cxx(case):
    return "ctnn::network<%s, %s>" % (case["scalar"], ", ".join(layer_cxx(l) for l in case["layers"]))


def literal(v, scalar):
    f = "f" if scalar == "float" else ""
    if math.isnan(v):
        return "__builtin_nan%s(\"\")" % f
    if math.isinf(v):
        return ("-" if v < 0 else "") + "__builtin_inf%s()" % f
    return v.hex() + f


def dense_layers(case):
    """(layer position, In, Out, parameter offset) of every dense layer."""
    out, offset = [], 0
    for i, l in enumerate(case["layers"]):
        if l["kind"] == "dense":
            out.append((i, l["in"], l["out"], offset))
            offset += l["in"] * l["out"] + l["out"]
    return out


def parameter_count(case):
    return sum(i * o + o for _, i, o, _ in dense_layers(case))


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------
def activation(rng, name):
    l = {"kind": "act", "name": name}
    if name == "leaky_relu":
        l["p"] = list(rng.choice(LEAKY))
    elif name == "elu":
        l["p"] = list(rng.choice(ELU))
    return l


def make_case(rng, cid, sibling_of=None):
    """A random network, loss, parameters, input and target, with edge values.
    A sibling has its elder's network type and loss (so the compiler
    instantiates them once for both) and its own values and edges."""
    if sibling_of is None:
        scalar = "float" if rng.random() < 0.4 else "double"
        loss_name = rng.choice(LOSSES)
        loss = {"name": loss_name}
        if loss_name == "huber":
            loss["p"] = list(rng.choice(HUBER))
        depth = rng.randint(1, 4)
        widths = [rng.randint(1, 32) for _ in range(depth + 2)]
        if loss_name == "sce" and widths[-1] < 2:
            widths[-1] = rng.randint(2, 32)
        layers = []
        for l in range(depth):
            layers.append({"kind": "dense", "in": widths[l], "out": widths[l + 1]})
            layers.append(activation(rng, rng.choice(ACTIVATIONS)))
        layers.append({"kind": "dense", "in": widths[depth], "out": widths[depth + 1]})
        if loss_name in ("mse", "mae", "huber") and rng.random() < 0.3:
            layers.append(activation(rng, rng.choice(ACTIVATIONS)))
    else:
        scalar, loss = sibling_of["scalar"], dict(sibling_of["loss"])
        loss_name = loss["name"]
        layers = [dict(l) for l in sibling_of["layers"]]
    case = {"id": cid, "scalar": scalar, "layers": layers, "loss": loss, "tags": [],
            "fixed_type": sibling_of is not None}
    n_in0, n_out = layers[0]["in"], layers[-1]["out"] if layers[-1]["kind"] == "dense" else layers[-2]["out"]

    params = []
    for _, n_in, n_o, _ in dense_layers(case):
        gain = rng.uniform(0.5, 2.0)
        params += [rng.gauss(0, gain / math.sqrt(n_in)) for _ in range(n_in * n_o)]
        params += [rng.gauss(0, 0.3) for _ in range(n_o)]
    x = [rng.gauss(0, 1) for _ in range(n_in0)]
    if loss_name == "bce":
        d = [float(rng.randint(0, 1)) if rng.random() < 0.7 else rng.random() for _ in range(n_out)]
    elif loss_name == "sce":
        if rng.random() < 0.7:
            d = [0.0] * n_out
            d[rng.randrange(n_out)] = 1.0
        else:
            d = [rng.random() for _ in range(n_out)]
            s = sum(d)
            d = [v / s for v in d]
    else:
        d = [rng.gauss(0, 1) for _ in range(n_out)]
    case["params"], case["x"], case["d"] = params, x, d

    edges = []
    if rng.random() < 0.12:
        edges.append("large_loss")  # first: it scales what the others set exactly
    if rng.random() < 0.3:
        edges.append("kink")
    if rng.random() < 0.35:
        edges.append("tail")
    if loss_name in ("mae", "huber") and rng.random() < 0.5:
        edges.append("loss_kink")
    if loss_name in ("bce", "sce") and rng.random() < 0.35:
        edges.append("extreme_logits")
    if rng.random() < 0.02:
        edges.append("nan_input")
    if loss_name == "mse" and rng.random() < 0.04:
        edges.append("tiny_gradient")
    for e in edges:
        EDGES[e](rng, case)
    del case["fixed_type"]
    # Every value as the network's scalar type holds it.
    for key in ("params", "x", "d"):
        case[key] = [as_type(v, scalar) for v in case[key]]
    return case


def zero_column(case, layer_pos, j, bias):
    """Makes neuron j of the dense layer at layer_pos compute exactly `bias`."""
    for pos, n_in, n_out, off in dense_layers(case):
        if pos == layer_pos:
            for i in range(n_in):
                case["params"][off + i * n_out + j] = 0.0
            case["params"][off + n_in * n_out + j] = bias
            return
    raise AssertionError("no dense layer at %d" % layer_pos)


def hidden_activations(case, names=None):
    return [i for i, l in enumerate(case["layers"])
            if l["kind"] == "act" and i >= 1 and case["layers"][i - 1]["kind"] == "dense"
            and (names is None or l["name"] in names)]


def edge_kink(rng, case):
    """Pre-activations exactly 0 at ReLU, leaky ReLU and ELU."""
    kinked = ("relu", "leaky_relu", "elu")
    where = hidden_activations(case, kinked)
    if not where and case["fixed_type"]:
        return
    if not where:
        i = rng.choice(hidden_activations(case))
        case["layers"][i] = activation(rng, rng.choice(kinked))
        where = [i]
    i = rng.choice(where)
    width = case["layers"][i - 1]["out"]
    for j in rng.sample(range(width), rng.randint(1, min(3, width))):
        zero_column(case, i - 1, j, 0.0)
    case["tags"].append("kink:" + case["layers"][i]["name"])


def edge_tail(rng, case):
    """Activation inputs far in the tails."""
    where = hidden_activations(case)
    i = rng.choice(where)
    if rng.random() < 0.5 and not case["fixed_type"]:  # make the tail activation a smooth one
        case["layers"][i] = activation(rng, rng.choice(["elu", "sigmoid", "tanh", "gelu", "softmax"]))
    width = case["layers"][i - 1]["out"]
    values = []
    for j in rng.sample(range(width), rng.randint(1, min(3, width))):
        v = rng.choice(TAILS[case["scalar"]]) * rng.choice([-1, 1])
        zero_column(case, i - 1, j, float(v))
        values.append(v)
    case["tags"].append("tail:%s:%s" % (case["layers"][i]["name"], ",".join(map(str, values))))


def strip_output_activation(case):
    """False when the output has an activation that must stay (a sibling)."""
    if case["layers"][-1]["kind"] == "act":
        if case["fixed_type"]:
            return False
        case["layers"].pop()
    return True


def edge_loss_kink(rng, case):
    """MAE with the output (almost) equal to the target; Huber with |e| (almost) = delta."""
    if not strip_output_activation(case):
        return
    last = len(case["layers"]) - 1
    n_out = case["layers"][last]["out"]
    scalar = case["scalar"]
    eps_choices = [0.0, 1e-8, -1e-8, 1e-10, 3e-7] if scalar == "double" else [0.0, 1e-4, -1e-4, 1e-3]
    for k in rng.sample(range(n_out), rng.randint(1, min(3, n_out))):
        c = rng.choice([0.75, -1.5, 0.375, 2.0, 0.0])
        zero_column(case, last, k, c)
        eps = rng.choice(eps_choices)
        if case["loss"]["name"] == "mae":
            case["d"][k] = c + eps
        else:
            n, dn = case["loss"]["p"]
            delta = as_type(as_type(n, scalar) / as_type(dn, scalar), scalar)
            case["d"][k] = as_type(c - rng.choice([-1, 1]) * delta, scalar) + eps
    case["tags"].append("loss_kink")


def edge_extreme_logits(rng, case):
    """Logits of ±1e308 (double) / ±2e38 (float), ±inf."""
    last = len(case["layers"]) - 1
    n_out = case["layers"][last]["out"]
    big = BIG[case["scalar"]]
    inf = float("inf")
    if case["loss"]["name"] == "bce":
        for k in rng.sample(range(n_out), rng.randint(1, min(3, n_out))):
            zero_column(case, last, k, rng.choice([big, -big, inf, -inf]))
            case["d"][k] = rng.choice([0.0, 1.0, 0.5])
        case["tags"].append("extreme_logits:bce")
        return
    t = rng.randrange(n_out)
    others = [j for j in range(n_out) if j != t]
    pattern = rng.choice(["confident", "minus_inf", "random"])
    case["d"] = [0.0] * n_out
    case["d"][t] = 1.0
    if pattern == "confident":  # a correct prediction at extreme logits
        zero_column(case, last, t, big)
        for j in rng.sample(others, rng.randint(1, len(others))):
            zero_column(case, last, j, -big)
    elif pattern == "minus_inf":  # -inf on a class whose target is 0
        for j in rng.sample(others, rng.randint(1, len(others))):
            zero_column(case, last, j, -inf)
    else:
        j = rng.randrange(n_out)
        zero_column(case, last, j, rng.choice([big, -big]))
    case["tags"].append("extreme_logits:sce:" + pattern)


def edge_large_loss(rng, case):
    if case["loss"]["name"] in ("mse", "mae", "huber"):
        scale = 10 ** rng.uniform(2, 4)
        case["d"] = [v * scale for v in case["d"]]
    else:
        last = dense_layers(case)[-1]
        _, n_in, n_out, off = last
        scale = 10 ** rng.uniform(2, 4)
        for k in range(off, off + n_in * n_out + n_out):
            case["params"][k] *= scale
    case["tags"].append("large_loss")


def edge_nan_input(rng, case):
    case["x"][rng.randrange(len(case["x"]))] = float("nan")
    case["tags"].append("nan_input")


def edge_tiny_gradient(rng, case):
    if not strip_output_activation(case):
        return
    last = len(case["layers"]) - 1
    for k in range(case["layers"][last]["out"]):
        zero_column(case, last, k, 0.0)
        case["d"][k] = 1e-170 if case["scalar"] == "double" else 1e-20
    case["tags"].append("tiny_gradient")


EDGES = {"kink": edge_kink, "tail": edge_tail, "loss_kink": edge_loss_kink, "extreme_logits": edge_extreme_logits,
         "large_loss": edge_large_loss, "nan_input": edge_nan_input, "tiny_gradient": edge_tiny_gradient}


def generate_cases(seed, count):
    """`count` cases; each network type is used by 1 to 4 cases (2.5 on
    average), which divides the compile time by about as much."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < count:
        elder = make_case(rng, len(cases))
        cases.append(elder)
        for _ in range(min(rng.randint(0, 3), count - len(cases))):
            cases.append(make_case(rng, len(cases), sibling_of=elder))
    return cases


def write_sources(cases, batches, out):
    os.makedirs(out, exist_ok=True)
    per = [[] for _ in range(batches)]
    # Cases of one network type go to one batch (one instantiation); batches
    # are balanced by the number of types, the compile time's main term.
    groups = {}
    for c in cases:
        groups.setdefault((net_cxx(c), loss_cxx(c["loss"])), []).append(c)
    load = [0.0] * batches
    for key in sorted(groups, key=lambda k: -len(groups[k][0]["layers"])):
        k = min(range(batches), key=lambda b: load[b])
        per[k] += groups[key]
        load[k] += len(groups[key][0]["layers"]) * (2 if groups[key][0]["scalar"] == "float" else 1)
    for k, batch in enumerate(per):
        lines = ['// Generated by differential.py: do not edit.', '#include "runner.hpp"', "",
                 "void differential_batch_%d() {" % k]
        for c in sorted(batch, key=lambda c: c["id"]):
            s = c["scalar"]
            lines.append("    {  // case %d %s" % (c["id"], " ".join(c["tags"])))
            lines.append("        using net = %s;" % net_cxx(c))
            lines.append("        static constexpr std::array<%s, net::parameter_count> p{%s};"
                         % (s, ", ".join(literal(v, s) for v in c["params"])))
            lines.append("        static constexpr net::input_type x{%s};" % ", ".join(literal(v, s) for v in c["x"]))
            lines.append("        static constexpr net::output_type d{%s};" % ", ".join(literal(v, s) for v in c["d"]))
            lines.append("        differential::run<net, %s>(%d, p, x, d);" % (loss_cxx(c["loss"]), c["id"]))
            lines.append("    }")
        lines.append("}")
        path = os.path.join(out, "batch_%d.cpp" % k)
        text = "\n".join(lines) + "\n"
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
    main = ['// Generated by differential.py: do not edit.', '#include "runner.hpp"', ""]
    main += ["void differential_batch_%d();" % k for k in range(batches)]
    main += ["", "int main() {",
             "    differential::print_tolerances();"]
    main += ["    differential_batch_%d();" % k for k in range(batches)]
    main += ["    return 0;", "}"]
    text = "\n".join(main) + "\n"
    path = os.path.join(out, "main.cpp")
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump([{**c, "params": [v.hex() for v in c["params"]], "x": [v.hex() for v in c["x"]],
                    "d": [v.hex() for v in c["d"]]} for c in cases], f)


def load_cases(path):
    with open(path) as f:
        cases = json.load(f)
    for c in cases:
        for key in ("params", "x", "d"):
            c[key] = [float.fromhex(v) for v in c[key]]
    return cases


# ---------------------------------------------------------------------------
# Reference: PyTorch autograd in float64, with accurate formulas
# ---------------------------------------------------------------------------
import torch  # noqa: E402  (after the generator, which needs no torch)

torch.set_default_dtype(torch.float64)


def t_sigmoid(x):
    e = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def n_sigmoid(x):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class Elementwise(torch.autograd.Function):
    """An activation with value and derivative from accurate formulas (the
    formulas are in ACT below; autograd chains them like any PyTorch op)."""

    @staticmethod
    def forward(ctx, x, spec):
        ctx.save_for_backward(x)
        ctx.spec = spec
        return torch.from_numpy(spec.value(x.detach().numpy()))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d = torch.from_numpy(ctx.spec.d1(x.detach().numpy()))
        return g * d, None


class Act:
    """f, f', |f''| and the scale of f and f' (the sum of the magnitudes of the
    terms of a numerically stable formula for each), for one activation in one
    scalar type (the constants as ctnn rounds them to that type)."""

    def __init__(self, layer, scalar):
        self.name = layer["name"]
        p = layer.get("p", (1, 1))
        self.a = as_type(as_type(p[0], scalar) / as_type(p[1], scalar), scalar)
        self.k = as_type(0.7978845608028654, scalar)
        self.c = as_type(0.044715, scalar)
        self.kink = self.name in ("relu", "leaky_relu", "elu")

    def _u(self, x):
        return self.k * (x + self.c * x * x * x)

    def value(self, x):
        n = self.name
        with np.errstate(all="ignore"):
            if n == "identity":
                return x.copy()
            if n == "relu":
                return np.where(np.isnan(x), x, np.where(x > 0, x, 0.0))  # NaN stays NaN, as in PyTorch
            if n == "leaky_relu":
                return np.where(x > 0, x, self.a * x)
            if n == "elu":
                return np.where(x > 0, x, self.a * np.expm1(np.minimum(x, 0)))
            if n == "sigmoid":
                return n_sigmoid(x)
            if n == "tanh":
                return np.tanh(x)
            if n == "gelu":
                return x * n_sigmoid(2 * self._u(x))
        raise KeyError(n)

    def d1(self, x):
        n = self.name
        with np.errstate(all="ignore"):
            if n == "identity":
                return np.ones_like(x)
            if n == "relu":
                return np.where(x > 0, 1.0, np.where(np.isnan(x), x, 0.0))
            if n == "leaky_relu":
                return np.where(x > 0, 1.0, np.where(np.isnan(x), x, self.a))
            if n == "elu":
                return np.where(x > 0, 1.0, self.a * np.exp(np.minimum(x, 0)))
            if n == "sigmoid":
                return n_sigmoid(x) * n_sigmoid(-x)
            if n == "tanh":
                return 1 / np.cosh(x) ** 2
            if n == "gelu":
                v = 2 * self._u(x)
                du = self.k * (1 + 3 * self.c * x * x)
                s = n_sigmoid(v) * n_sigmoid(-v)
                return n_sigmoid(v) + np.where(s == 0, 0.0, x * s * 2 * du)
        raise KeyError(n)

    def d2(self, x):
        """|f''| (0 on the linear pieces)."""
        n = self.name
        with np.errstate(all="ignore"):
            if n in ("identity", "relu", "leaky_relu"):
                return np.zeros_like(x)
            if n == "elu":
                return np.where(x > 0, 0.0, self.a * np.exp(np.minimum(x, 0)))
            if n == "sigmoid":
                s = n_sigmoid(x) * n_sigmoid(-x)
                return np.abs(s * (n_sigmoid(-x) - n_sigmoid(x)))
            if n == "tanh":
                return np.abs(2 * np.tanh(x) / np.cosh(x) ** 2)
            if n == "gelu":
                v = 2 * self._u(x)
                du = self.k * (1 + 3 * self.c * x * x)
                ddu = 6 * self.k * self.c * x
                s1 = n_sigmoid(v) * n_sigmoid(-v)
                s2 = s1 * np.abs(n_sigmoid(-v) - n_sigmoid(v))
                r = 2 * s1 * np.abs(du) * 2 + np.abs(x) * (s2 * 4 * du * du + s1 * 2 * np.abs(ddu))
                return np.where(s1 == 0, 0.0, r)
        raise KeyError(n)

    def jump(self):
        """|f'(0+) − f'(0−)| at the kink."""
        if self.name == "relu":
            return 1.0
        if self.name in ("leaky_relu", "elu"):
            return abs(1 - self.a)
        return 0.0

    def value_scale(self, x):
        return np.abs(self.value(x))

    def d1_scale(self, x):
        if self.name == "gelu":
            with np.errstate(all="ignore"):
                v = 2 * self._u(x)
                du = self.k * (1 + 3 * self.c * x * x)
                s = n_sigmoid(v) * n_sigmoid(-v)
                return n_sigmoid(v) + np.where(s == 0, 0.0, np.abs(x * s * 2 * du))
        return np.abs(self.d1(x))

    def cancellation(self, x):
        """How many ulps ctnn's formulas (today's: dy·(y + α), y·(1 − y),
        1 − y², ½x(1 + tanh u)) lose at x: used only to name a mismatch."""
        n = self.name
        with np.errstate(all="ignore"):
            if n == "elu":
                return np.where(x < 0, np.exp(np.minimum(-x, 700)), 1.0)
            if n == "sigmoid":
                return np.exp(np.minimum(np.abs(x), 700))
            if n == "tanh":
                return np.cosh(np.minimum(np.abs(x), 350)) ** 2
            if n == "gelu":
                return np.where(x < 0, np.exp(np.minimum(2 * np.abs(self._u(x)), 700)), 1.0)
        return np.ones_like(x)


def t_softplus(x):
    """log(1 + e^x), stable at any x including ±inf; derivative σ(x)."""

    class SP(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))

        @staticmethod
        def backward(ctx, g):
            (z,) = ctx.saved_tensors
            return torch.where(g == 0, torch.zeros_like(g), g * t_sigmoid(z))

    return SP.apply(x)


def t_loss(case, y, d):
    name = case["loss"]["name"]
    n = y.shape[0]
    if name == "mse":
        return ((y - d) ** 2).sum() / (2 * n)
    if name == "mae":
        return torch.abs(y - d).sum() / n
    if name == "huber":
        delta = huber_delta(case)
        a = torch.abs(y - d)
        return torch.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta)).sum() / n
    if name == "bce":
        zero = torch.zeros_like(y)
        return (torch.where(d > 0, d * t_softplus(-y), zero) + torch.where(d < 1, (1 - d) * t_softplus(y), zero)).sum() / n
    if name == "sce":
        lse = torch.logsumexp(y, 0)
        return torch.where(d != 0, d * (lse - y), torch.zeros_like(y)).sum()
    raise KeyError(name)


def huber_delta(case):
    p = case["loss"]["p"]
    s = case["scalar"]
    return as_type(as_type(p[0], s) / as_type(p[1], s), s)


def reference(case):
    """PyTorch forward, loss and gradient in float64, and for every quantity
    its error bound per unit roundoff (README: tolerances)."""
    P = torch.tensor(case["params"], requires_grad=True)
    x = torch.tensor(case["x"])
    d = torch.tensor(case["d"])
    vals, acts, offs = [x], [], []
    v = x
    offset = 0
    for l in case["layers"]:
        if l["kind"] == "dense":
            i, o = l["in"], l["out"]
            W = P[offset:offset + i * o].reshape(i, o)
            b = P[offset + i * o:offset + i * o + o]
            offs.append(offset)
            offset += i * o + o
            v = v @ W + b
            acts.append(None)
        elif l["name"] == "softmax":
            v = torch.softmax(v, 0)
            acts.append("softmax")
        else:
            spec = Act(l, case["scalar"])
            v = Elementwise.apply(v, spec)
            acts.append(spec)
        v.retain_grad()
        vals.append(v)
    y = v
    E = t_loss(case, y, d)
    params_finite = all(math.isfinite(p) for p in case["params"])
    E.backward(retain_graph=True)
    g = P.grad.detach().numpy().copy()
    douts = [t.grad.detach().numpy().copy() if t.grad is not None else np.zeros(t.shape) for t in vals[1:]]
    # The injected error: dE/dy[0] · 1.01, as differential::one_percent_off does.
    with torch.no_grad():
        gy = torch.zeros_like(y)
        gy[0] = douts[-1][0] * 0.01
    P.grad = None
    torch.autograd.backward(y, gy)
    delta_injected = P.grad.detach().numpy().copy()

    ref = {"y": y.detach().numpy(), "loss": float(E), "grad": g, "injected_delta": delta_injected,
           "params_finite": params_finite}
    ref.update(bounds(case, [t.detach().numpy() for t in vals], douts, acts, offs))
    return ref


def bounds(case, vals, douts, acts, offs):
    """Running error bounds (Higham-style, first order), per unit roundoff u,
    for the forward output, loss and gradient. Each elementary step adds its
    own rounding (c·u·scale) to the propagated input errors:
      dense z = b + Σ x·W:   e_z = |W|ᵀe_x + (n + 2)·(|W|ᵀ|x| + |b|)
      activation a = f(z):   e_a = |f'(z)|·e_z + C_F·scale_f(z)
      backward dz = f'·da:   e_dz = |f'|·e_da + |f''|·|da|·e_z + C_D·scale_f'(z)·|da|
    with C_F, C_D (a few ulps) what a good implementation of the activation
    and of its derivative achieves over the whole range; the dense, softmax and
    loss steps have term-magnitude bounds (what any summation order gives)."""
    C_F, C_D = 8.0, 16.0
    layers = case["layers"]
    fwd = 1.0
    e = np.zeros_like(vals[0])
    errs = [e]
    kink_jump_fwd = []
    di = 0
    for li, l in enumerate(layers):
        xin = vals[li]
        if l["kind"] == "dense":
            i, o = l["in"], l["out"]
            off = offs[di]
            di += 1
            W = np.abs(np.array(case["params"][off:off + i * o]).reshape(i, o))
            b = np.abs(np.array(case["params"][off + i * o:off + i * o + o]))
            with np.errstate(all="ignore"):
                e = e @ W + fwd * (i + 2) * (np.abs(xin) @ W + b)
        elif acts[li] == "softmax":
            p = vals[li + 1]
            n = len(p)
            e = p * (e + np.dot(p, e)) + fwd * (n + 4) * 2 * p
        else:
            f = acts[li]
            with np.errstate(all="ignore"):
                lip = np.maximum(np.abs(f.d1(xin)), np.abs(f.d1(xin + e)), np.abs(f.d1(xin - e)))
                lip = np.maximum(lip, np.abs(f.d1(xin - e)))
                e = lip * e + C_F * f.value_scale(xin)
        # A value that is exactly ±inf (an infinite logit) is compared exactly.
        e = np.where(np.isinf(vals[li + 1]), 0.0, np.nan_to_num(e, nan=np.inf))
        errs.append(e)
    y = vals[-1]
    ey = errs[-1]
    d = np.array(case["d"])
    name = case["loss"]["name"]
    n = len(y)
    with np.errstate(all="ignore"):
        if name == "mse":
            r = y - d
            eE = np.sum(np.abs(r) * ey) / n + (n + 4) * np.sum(r * r) / (2 * n)
            gy = r / n
            egy = ey / n + 2 * np.abs(gy)
        elif name == "mae":
            r = y - d
            eE = np.sum(ey) / n + (n + 3) * np.sum(np.abs(r)) / n
            gy = np.sign(r) / n
            egy = np.where((np.abs(r) <= ey) & (r != 0), 2.0 / n, 0.0) + np.abs(gy)
        elif name == "huber":
            delta = huber_delta(case)
            r = y - d
            a = np.abs(r)
            terms = np.where(a <= delta, 0.5 * a * a, delta * (a + 0.5 * delta))
            eE = np.sum(np.minimum(a, delta) * ey) / n + (n + 5) * np.sum(terms) / n
            gy = np.clip(r, -delta, delta) / n
            egy = np.where(a < delta, ey, 0.0) / n + 3 * np.abs(gy)
        elif name == "bce":
            s = n_sigmoid(y)
            terms = np.abs(np.maximum(y, 0)) + np.abs(y * d) + np.log1p(np.exp(-np.abs(y)))
            eE = np.sum(np.abs(s - d) * ey) / n + (n + 6) * np.sum(terms) / n
            gy = (s - d) / n
            egy = s * n_sigmoid(-y) * ey / n + 8 * (s + np.abs(d)) / n
        else:  # sce
            m = np.max(y)
            lse = m + np.log(np.sum(np.exp(y - m)))
            p = np.exp(y - lse)
            tot = np.sum(d)
            gy = p * tot - d
            dd = d != 0
            eE = np.sum(np.abs(gy) * ey) + (n + 8) * np.sum(np.where(dd, np.abs(d) * (np.abs(lse) + np.abs(y)), 0.0))
            egy = p * tot * (ey + np.dot(p, ey)) + (n + 8) * (p * tot + np.abs(d))
    # Backward.
    grad_err = np.zeros(parameter_count(case))
    g_err = np.nan_to_num(egy, nan=np.inf)
    di = len(offs)
    for li in range(len(layers) - 1, -1, -1):
        l = layers[li]
        xin, ex = vals[li], errs[li]
        gout = douts[li]  # dE/d(output of layer li)
        with np.errstate(all="ignore"):
            if l["kind"] == "dense":
                di -= 1
                i, o = l["in"], l["out"]
                off = offs[di]
                W = np.abs(np.array(case["params"][off:off + i * o]).reshape(i, o))
                gW = np.outer(np.abs(xin), g_err) + np.outer(ex, np.abs(gout)) + np.outer(np.abs(xin), np.abs(gout))
                grad_err[off:off + i * o] = gW.reshape(-1)
                grad_err[off + i * o:off + i * o + o] = g_err
                g_err = W @ g_err + (o + 2) * (W @ np.abs(gout))
            elif acts[li] == "softmax":
                p = vals[li + 1]
                ep = errs[li + 1]
                nn = len(p)
                s = np.dot(p, gout)
                g_err = (p * (g_err + np.dot(p, g_err)) + np.abs(gout - s) * ep + p * np.dot(np.abs(gout), ep)
                         + (nn + 4) * p * (np.abs(gout) + np.dot(p, np.abs(gout))))
            else:
                f = acts[li]
                d1 = np.abs(f.d1(xin))
                jump = np.where((np.abs(xin) <= ex) & (xin != 0), f.jump(), 0.0) if f.kink else 0.0
                g_err = (d1 * g_err + f.d2(xin) * np.abs(gout) * ex + C_D * f.d1_scale(xin) * np.abs(gout)
                         + jump * np.abs(gout))
        g_err = np.nan_to_num(g_err, nan=np.inf)
    return {"y_err": ey, "loss_err": float(np.nan_to_num(eE, nan=np.inf)), "grad_err": grad_err}


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------
K = 2.0  # safety factor over the first-order bound
FLOOR = {"double": 1e-300, "float": 1e-35}  # underflow: subnormal results lose relative precision
FAILURES = ["none", "mismatch", "zero_gradient", "loss_did_not_change", "nothing_checked", "non_finite",
            "gradient_too_small"]


def parse_output(text):
    out, tol = {}, {}
    cur = None
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "tolerance":
            tol[w[1]] = [float.fromhex(v) for v in w[2:6]]  # step, absolute, relative, loss_ulps
        elif w[0] == "case":
            cur = {"checks": {}}
            out[int(w[1])] = cur
        elif w[0] in ("y", "grad"):
            cur[w[0]] = np.array([float.fromhex(v) for v in w[1:]])
        elif w[0] == "loss":
            cur["loss"] = float.fromhex(w[1])
        elif w[0] == "check":
            failure = int(w[3])
            cur["checks"][w[1]] = {"passed": w[2] == "1",
                                   "failure": FAILURES[failure] if failure < len(FAILURES) else str(failure),
                                   "worst_index": int(w[4]), "worst_backprop": float.fromhex(w[5]),
                                   "worst_numerical": float.fromhex(w[6]), "checked": int(w[7]),
                                   "skipped": int(w[8]), "shrunk": int(w[9]) if len(w) > 9 else 0}
        elif w[0] == "end":
            cur["complete"] = True
    return out, tol


def disagree(ours, ref, tol):
    """Indices where ctnn's value is outside ref ± tol (NaN only matches NaN,
    an infinity only the same infinity)."""
    ours, ref, tol = np.atleast_1d(ours), np.atleast_1d(ref), np.atleast_1d(tol)
    bad = []
    for k in range(len(ref)):
        a, b = ours[k], ref[k]
        if math.isnan(b) or math.isnan(a):
            ok = math.isnan(a) and math.isnan(b)
        elif math.isinf(b) or math.isinf(a):
            ok = a == b
        else:
            ok = abs(a - b) <= tol[k]
        if not ok:
            bad.append(k)
    return bad


def feature(case, ref):
    """The most likely cause of a mismatch, for the category's name."""
    if any(math.isnan(v) for v in case["x"]):
        return "nan_input"
    if case["loss"]["name"] in ("bce", "sce"):
        y = ref["y"]
        if np.any(~np.isfinite(y)) or np.any(np.abs(y) > 1e30):
            return "extreme_logits"
    best, worst = None, 8.0  # amplification (ulps lost) below which nothing is named
    vals = ref["vals"]
    for li, l in enumerate(case["layers"]):
        if l["kind"] == "act" and l["name"] not in ("softmax",):
            f = Act(l, case["scalar"])
            with np.errstate(all="ignore"):
                a = np.nan_to_num(f.cancellation(vals[li]), nan=0.0)
            if a.size and np.max(a) > worst:
                best, worst = l["name"] + "_cancellation", float(np.max(a))
    return best or "unexplained"


def analyse(case, got, tols):
    scalar = case["scalar"]
    u_net = U[scalar]
    ref = reference(case)
    ref["vals"] = ref_vals(case)
    unit = K * (u_net + U["double"])
    floor = FLOOR[scalar]
    result = {"id": case["id"], "mismatch": [], "false_alarm": [], "false_pass": [], "notes": []}
    details = []
    if not got or not got.get("complete"):
        result["mismatch"].append("mismatch.runner_incomplete")
        return result, ["runner output incomplete"]
    y_tol = unit * ref["y_err"] + floor
    g_tol = unit * ref["grad_err"] + floor
    l_tol = unit * ref["loss_err"] + floor
    bad_y = disagree(got["y"], ref["y"], y_tol)
    bad_l = disagree([got["loss"]], [ref["loss"]], [l_tol])
    bad_g = disagree(got["grad"], ref["grad"], g_tol)
    for what, bad, ours, theirs, tol in (("forward", bad_y, got["y"], ref["y"], y_tol),
                                         ("loss", bad_l, [got["loss"]], [ref["loss"]], [l_tol]),
                                         ("gradient", bad_g, got["grad"], ref["grad"], g_tol)):
        if bad:
            k = max(bad, key=lambda k: abs(ours[k] - theirs[k]) / tol[k] if np.isfinite(ours[k] - theirs[k]) else math.inf)
            details.append("%s differs at %d of %d entries; worst [%d]: ctnn %s, PyTorch %s, tolerance %.3g"
                           % (what, len(bad), len(theirs), k, fmt(ours[k]), fmt(theirs[k]), tol[k]))
    if bad_y or bad_l or bad_g:
        result["mismatch"].append("mismatch." + feature(case, ref))
    gradient_ok = not bad_g and not bad_l
    ref_finite = (math.isfinite(ref["loss"]) and np.all(np.isfinite(ref["grad"])) and ref["params_finite"]
                  and all(math.isfinite(v) for v in case["x"]))
    E = abs(ref["loss"])
    for name, chk in got["checks"].items():
        injected = name.endswith("_injected")
        kind = name.replace("_injected", "")
        step, atol, rtol, kappa = (tols["float" if kind == "float" else "double"] + [0.0])[:4]
        u_c = U["float" if kind == "float" else "double"]
        if not ref_finite:
            continue  # the check is expected to fail (non_finite) and may: nothing to judge
        w = np.abs(np.array(case["params"]))
        h = step * np.maximum(1.0, w)
        # What a central difference can resolve: its rounding error is about
        # u·|E|/h (README: false passes); an error 100 times that is visible.
        noise = np.maximum(4 * u_c * max(E, 1e-300) / h, 1e-300)
        g = ref["grad"] + (ref["injected_delta"] if injected else 0.0)
        wrong = ref["injected_delta"] if injected else (got["grad"] - ref["grad"] if not gradient_ok else 0 * g)
        with np.errstate(all="ignore"):
            wrong = np.nan_to_num(np.abs(wrong), nan=0.0, posinf=0.0)
            resolvable_error = np.max(np.nan_to_num(wrong / noise), initial=0.0) >= 100
            resolvable_gradient = np.max(np.nan_to_num(np.abs(g) / noise), initial=0.0) >= 100
        tag = "%s check" % name
        if injected or not gradient_ok:
            if not gradient_ok and (injected or kind_scalar(kind) != scalar):
                continue  # nothing injected into a wrong gradient; a float net's double check recomputes it
            if chk["passed"] and resolvable_error:
                k = int(np.argmax(wrong / noise))
                within = wrong[k] <= atol + rtol * abs(g[k])
                cat = ("false_pass.below_tolerance" if within else
                       "false_pass.kink_skipped" if chk["skipped"] > 0 else "false_pass.other")
                result["false_pass"].append(cat)
                details.append("%s passed a gradient wrong by %s at [%d] (gradient %s, resolvable: rounding noise %.3g; "
                               "%d parameters checked, %d skipped at kinks)"
                               % (tag, fmt(wrong[k]), k, fmt(g[k]), noise[k], chk["checked"], chk["skipped"]))
            continue
        if chk["passed"]:
            continue
        f = chk["failure"]
        if np.all(ref["grad"] == 0) or f == "nothing_checked":
            continue
        vacuous = f in ("zero_gradient", "loss_did_not_change", "gradient_too_small")
        if vacuous and (chk["skipped"] > 0 or chk["shrunk"] > 0):
            continue  # every parameter that moves the loss may have been skipped at a kink, or
            # checked with a step shrunk there (10…10⁴ times the rounding allowance)
        if f == "gradient_too_small":
            # Deserved when no entry exceeds the check's own declared allowance
            # (absolute + relative·|g| + κ·2u·(|E₊| + |E₋|)/2h, with E at w for
            # E±, and a factor 2 for the loss at w ± h being larger): the check
            # then says truthfully that it cannot tell this gradient from 0.
            g_abs = np.abs(ref["grad"])
            allowance = atol + rtol * g_abs + kappa * 2 * u_c * 2 * E / (2 * h)
            if np.all(g_abs <= 2 * allowance):
                continue
        if f == "mismatch":
            cat = classify_false_alarm(case, ref, chk, kind, u_c, h)
        elif vacuous:
            # "zero everywhere" / "loss did not change" for a nonzero gradient:
            # issue 13 wants a gradient too small to check reported as such.
            cat = "false_alarm.tiny_gradient"
        elif f == "non_finite" or resolvable_gradient:
            cat = "false_alarm." + f
        else:
            continue  # another reason (a new one?) for a gradient too small to resolve
        result["false_alarm"].append(cat)
        wi = chk["worst_index"]
        details.append("%s failed (%s) on a correct gradient: worst [%d] backprop %s, numerical %s, PyTorch %s, "
                       "loss %s; %d parameters checked, %d skipped at kinks; largest |gradient| %s"
                       % (tag, f, wi, fmt(chk["worst_backprop"]), fmt(chk["worst_numerical"]),
                          fmt(ref["grad"][wi]) if wi < len(ref["grad"]) else "?", fmt(ref["loss"]),
                          chk["checked"], chk["skipped"], fmt(np.max(np.abs(ref["grad"])))))
    return result, details


def kind_scalar(kind):
    return "float" if kind == "float" else "double"


def ref_vals(case):
    x = np.array(case["x"])
    vals = [x]
    v = x
    di = dense_layers(case)
    k = 0
    with np.errstate(all="ignore"):
        for l in case["layers"]:
            if l["kind"] == "dense":
                _, i, o, off = di[k]
                k += 1
                W = np.array(case["params"][off:off + i * o]).reshape(i, o)
                v = v @ W + np.array(case["params"][off + i * o:off + i * o + o])
            elif l["name"] == "softmax":
                m = np.max(v)
                e = np.exp(v - m)
                v = e / np.sum(e)
            else:
                v = Act(l, case["scalar"]).value(v)
            vals.append(v)
    return vals


def classify_false_alarm(case, ref, chk, kind, u_c, h):
    """Why a check failed on a correct gradient. `rounding` bounds the error of
    the central difference that comes from evaluating E in the check's
    precision: |Ê(w ± h) − E(w ± h)| <= u·e_E (e_E: the loss's error bound
    per unit roundoff), so the quotient is off by up to u·e_E/h."""
    wi = chk["worst_index"]
    diff = abs(chk["worst_backprop"] - chk["worst_numerical"])
    rounding = K * u_c * ref["loss_err"] / h[wi] if wi < len(h) else 0.0
    if case["loss"]["name"] in ("mae", "huber") and diff > rounding:
        r = np.abs(ref["y"] - np.array(case["d"]))
        kink = 0.0 if case["loss"]["name"] == "mae" else huber_delta(case)
        if np.any(np.abs(r - kink) <= 1e-3 * np.maximum(1.0, r)):
            return "false_alarm.loss_kink"
    if kind == "float":
        return "false_alarm.float_tolerance"
    if diff <= rounding:
        return "false_alarm.rounding"
    return "false_alarm.other"


def fmt(v):
    v = float(v)
    return ("%.17g" % v) if math.isfinite(v) else str(v)


def reproduction(case, got, details, repro_dir):
    """The failing case: what it is, what differs, and a standalone program."""
    s = case["scalar"]
    n = parameter_count(case)
    lines = ["--- case %d (%s; %s)" % (case["id"], s, " ".join(case["tags"]) or "random, no edge values"),
             "    using net = %s;  // %d parameters" % (net_cxx(case), n),
             "    loss: %s" % loss_cxx(case["loss"]),
             "    x = {%s};" % ", ".join(literal(v, s) for v in case["x"]),
             "    d = {%s};" % ", ".join(literal(v, s) for v in case["d"])]
    if n <= 64:
        lines.append("    parameters = {%s};" % ", ".join(literal(v, s) for v in case["params"]))
    for d in details:
        lines.append("    " + d)
    if repro_dir:
        os.makedirs(repro_dir, exist_ok=True)
        path = os.path.join(repro_dir, "case_%d.cpp" % case["id"])
        with open(path, "w") as f:
            f.write(repro_program(case, details))
        lines.append("    reproduction: %s" % path)
    return "\n".join(lines)


def repro_program(case, details):
    s = case["scalar"]
    return """// Differential test case %d (%s): %s
// %s
// Build: g++ -std=c++20 -ffp-contract=off -I<ctnn>/include case_%d.cpp
#include <ctnn/ctnn.hpp>
#include <cstdio>

using net_t = %s;
using loss_t = %s;

int main() {
    net_t net{};
    net.parameters = {%s};
    const net_t::input_type x{%s};
    const net_t::output_type d{%s};
    const auto y = net.forward(x);
    for (auto v : y) std::printf("y %%a\\n", static_cast<double>(v));
    const auto bp = ctnn::backprop(net, loss_t{}, x, d);
    std::printf("loss %%a\\n", static_cast<double>(bp.loss));
    for (std::size_t k = 0; k < bp.gradient.size(); ++k)
        std::printf("grad[%%zu] %%a\\n", k, static_cast<double>(bp.gradient[k]));
    const auto r = ctnn::gradient_check(net, loss_t{}, x, d);
    std::printf("gradient_check: %%s (%%s), worst [%%zu] backprop %%a numerical %%a\\n", r.passed ? "passed" : "failed",
                ctnn::describe(r.failure), r.worst_index, r.worst_backprop, r.worst_numerical);
}
""" % (case["id"], s, " ".join(case["tags"]) or "random", "\n// ".join(details), case["id"], net_cxx(case),
       loss_cxx(case["loss"]), ", ".join(literal(v, s) for v in case["params"]),
       ", ".join(literal(v, s) for v in case["x"]), ", ".join(literal(v, s) for v in case["d"]))


def compare(args):
    cases = load_cases(args.cases)
    t0 = time.time()
    proc = subprocess.run([args.runner], capture_output=True, text=True)
    t_run = time.time() - t0
    outputs, tols = parse_output(proc.stdout)
    if proc.returncode != 0:
        print("runner exited with status %d; stderr:\n%s" % (proc.returncode, proc.stderr[-2000:]))
    known = set()
    if args.known and os.path.exists(args.known):
        for line in open(args.known):
            line = line.split("#")[0].strip()
            if line:
                known.add(line)
    counts = {}
    n_mis = n_fa = n_fp = 0
    shown = {}
    t1 = time.time()
    for case in cases:
        got = outputs.get(case["id"])
        result, details = analyse(case, got, tols)
        cats = result["mismatch"] + result["false_alarm"] + result["false_pass"]
        n_mis += bool(result["mismatch"])
        n_fa += len(result["false_alarm"])
        n_fp += len(result["false_pass"])
        for c in cats:
            counts[c] = counts.get(c, 0) + 1
        for c in sorted(set(cats)):
            shown.setdefault(c, 0)
            if shown[c] < args.show:
                shown[c] += 1
                print("[%s]" % c)
                print(reproduction(case, got, details, args.repro_dir))
    t_cmp = time.time() - t1
    print("\n== per category (%s) ==" % ("strict: none tolerated" if args.strict else "known issues: " + (args.known or "none")))
    unexpected = []
    for c in sorted(counts):
        tolerated = c in known and not args.strict
        print("%-45s %5d  %s" % (c, counts[c], "tolerated (known issue)" if tolerated else "NOT TOLERATED"))
        if not tolerated:
            unexpected.append(c)
    for c in sorted(known - set(counts)):
        print("%-45s %5d  listed in the known issues but not seen: remove it?" % (c, 0))
    print("runner %.1f s, comparison %.1f s; seed %s" % (t_run, t_cmp, args.seed if args.seed is not None else "?"))
    print("differential cases=%d mismatches=%d false_alarms=%d false_passes=%d" % (len(cases), n_mis, n_fa, n_fp))
    return 1 if unexpected or proc.returncode != 0 else 0


def run_all(args):
    out = args.out or tempfile.mkdtemp(prefix="ctnn_differential_")
    t0 = time.time()
    cases = generate_cases(args.seed, args.cases)
    write_sources(cases, args.batches, out)
    flags = ["-std=c++20", "-ffp-contract=off", args.opt, "-I" + HERE] + ["-I" + i for i in args.include]

    def build(k):
        src = os.path.join(out, "batch_%d.cpp" % k)
        obj = src[:-4] + ".o"
        t = time.time()
        subprocess.run(["nice", args.cxx, *flags, "-c", src, "-o", obj], check=True)
        return obj, time.time() - t

    srcs = list(range(args.batches))
    with ThreadPoolExecutor(args.jobs) as pool:
        objs = list(pool.map(build, srcs))
    for obj, t in objs:
        print("compiled %s in %.1f s" % (os.path.basename(obj), t))
    exe = os.path.join(out, "runner")
    subprocess.run([args.cxx, *flags, os.path.join(out, "main.cpp"), *[o for o, _ in objs], "-o", exe], check=True)
    print("generated and built in %.1f s" % (time.time() - t0))
    args.runner = exe
    args.cases = os.path.join(out, "cases.json")
    return compare(args)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--seed", type=int, default=13)
    g.add_argument("--cases", type=int, default=500)
    g.add_argument("--batches", type=int, default=8)
    g.add_argument("--out", required=True)
    for p in (sub.add_parser("compare"), sub.add_parser("run")):
        p.add_argument("--known", default=os.path.join(HERE, "known_issues.txt"))
        p.add_argument("--strict", action="store_true", help="tolerate no category, whatever known_issues.txt says")
        p.add_argument("--show", type=int, default=2, help="reproductions printed per category")
        p.add_argument("--seed", type=int, default=None)
        p.add_argument("--repro-dir", help="write a standalone program per reproduction printed here")
        if p.prog.endswith("compare"):
            p.add_argument("--runner", required=True)
            p.add_argument("--cases", required=True)
        else:
            p.set_defaults(seed=13)
            p.add_argument("--cases", type=int, default=500)
            p.add_argument("--batches", type=int, default=8)
            p.add_argument("--jobs", type=int, default=2)
            p.add_argument("--cxx", default="g++")
            p.add_argument("--opt", default="-O1")
            p.add_argument("--include", action="append", default=[])
            p.add_argument("--out")
    args = ap.parse_args()
    if args.cmd == "generate":
        write_sources(generate_cases(args.seed, args.cases), args.batches, args.out)
        return 0
    if args.cmd == "compare":
        return compare(args)
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
