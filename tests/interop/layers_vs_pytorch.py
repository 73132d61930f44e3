#!/usr/bin/env python3
"""conv1d, conv2d, max/avg pooling (1-D and 2-D) and flatten against PyTorch (issue 15).

Runs layers_runner (the C++ half), which prints, for each case, one ctnn layer's
output y, parameter gradient dp and input gradient dx for given parameters p,
input x and output gradient dy, in float and in double. PyTorch (float64)
computes the same from the same values (a float case's values are exactly
representable in float64) with the matching torch.nn module and autograd.

Tolerance, per compared value q (each output, each parameter's and each
input's gradient):

    double:  |ctnn - torch| <= 4 * (u_ctnn + u_64) * B(q)
    float:   |ctnn - torch| <= max(4, n) * (u_ctnn + u_64) * B(q)

with u the unit roundoff (2^-53 double, 2^-24 float), n the most terms any
value of the case sums (the first-order bound of a float sum in any order:
float errors grow with the number of terms where double's, measured against
the same B, stay below 2 ulps here), and B(q)
the sum of the magnitudes of the terms that make q (the same operation on
|p|, |x|, |dy|, computed by PyTorch: for a convolution's output
|b| + sum |W||x|, for its weight gradient sum |dy||x|, for a max pool's input
gradient the sum of |dy| over the windows whose maximum it is). Every value
is a sum (or a copy, or a sum divided by the window size), and a sum's error
is at most (n-1)·u·B for any order; ctnn and PyTorch add in different orders,
so this asks for "a few ulps of the terms' magnitude", not bit equality.
Max pooling's forward is a copy: it must be exact (B = 0 allowance for y is
replaced by equality). The worst ratio |ctnn - torch| / ((u_ctnn + u_64)·B)
is printed per case. Last line:

    layers cases=<n> values=<m> worst_ulps=<r> failures=<f>
"""
import subprocess
import sys

import torch

ULPS = 4.0


def terms(case):
    """The most terms a value of the case sums (y, a parameter's or an input's gradient)."""
    kind, s = case["kind"], case["sizes"]
    if kind.startswith("conv"):
        cin, cout, k = s[0], s[1], s[2]
        taps = k * k if kind == "conv2d" else k
        positions = case["y"].numel() // cout
        return max(cin * taps + 1, positions, cout * taps)
    if kind.startswith(("max_pool", "avg_pool")):
        return s[0] * s[0] if kind.endswith("2d") else s[0]
    return 1
U = {"double": 2.0 ** -53, "float": 2.0 ** -24}
U64 = 2.0 ** -53


def parse(text):
    cases, current = [], None
    for line in text.splitlines():
        head, *rest = line.split()
        if head == "case":
            current = {"kind": rest[0], "sizes": [int(v) for v in rest[1:-1]], "scalar": rest[-1]}
            cases.append(current)
        else:
            current[head] = torch.tensor([float.fromhex(v) for v in rest], dtype=torch.float64)
    return cases


def module_for(case):
    kind, s = case["kind"], case["sizes"]
    if kind == "conv2d":
        cin, cout, k, stride, pad, h, w = s
        return torch.nn.Conv2d(cin, cout, k, stride, pad).double(), (1, cin, h, w)
    if kind == "conv1d":
        cin, cout, k, stride, pad, length = s
        return torch.nn.Conv1d(cin, cout, k, stride, pad).double(), (1, cin, length)
    if kind in ("max_pool2d", "avg_pool2d"):
        k, stride, c, h, w = s
        cls = torch.nn.MaxPool2d if kind == "max_pool2d" else torch.nn.AvgPool2d
        return cls(k, stride), (1, c, h, w)
    if kind in ("max_pool1d", "avg_pool1d"):
        k, stride, c, length = s
        cls = torch.nn.MaxPool1d if kind == "max_pool1d" else torch.nn.AvgPool1d
        return cls(k, stride), (1, c, length)
    if kind == "flatten":
        c, h, w = s
        return torch.nn.Flatten(), (1, c, h, w)
    raise ValueError(kind)


def load(module, p):
    params = list(module.parameters())
    at = 0
    for t in params:
        n = t.numel()
        with torch.no_grad():
            t.copy_(p[at:at + n].reshape(t.shape))
        at += n
    assert at == p.numel(), "parameter count differs from PyTorch's"


def evaluate(module, p, x, dy, shape, abs_values):
    """y, dp, dx by autograd. With abs_values: the magnitudes B (the same
    operation on |p|, |x|, |dy|; a max pool keeps the argmax of x)."""
    load(module, p.abs() if abs_values else p)
    for t in module.parameters():
        t.grad = None
    pooling_max = isinstance(module, (torch.nn.MaxPool1d, torch.nn.MaxPool2d))
    xt = (x.abs() if abs_values and not pooling_max else x).reshape(shape).clone().requires_grad_(True)
    y = module(xt)
    y.backward((dy.abs() if abs_values else dy).reshape(y.shape))
    if abs_values:
        y = y.abs()
    dp = torch.cat([t.grad.flatten() for t in module.parameters()]) if p.numel() else torch.zeros(0)
    return y.detach().flatten(), dp, xt.grad.flatten()


def main():
    runner = sys.argv[1]
    out = subprocess.run([runner, *sys.argv[2:]], check=True, capture_output=True, text=True).stdout
    cases = parse(out)
    values = failures = 0
    worst_overall = 0.0
    for case in cases:
        module, shape = module_for(case)
        ref = evaluate(module, case["p"], case["x"], case["dy"], shape, False)
        mag = evaluate(module, case["p"], case["x"], case["dy"], shape, True)
        unit = U[case["scalar"]] + U64
        worst = 0.0
        for name, got, want, bound in zip(("y", "dp", "dx"), (case["y"], case["dp"], case["dx"]), ref, mag):
            if got.numel() != want.numel():
                print(f"FAIL {case['kind']} {case['sizes']} {case['scalar']}: {name} has {got.numel()} values, "
                      f"PyTorch {want.numel()}")
                failures += 1
                continue
            values += got.numel()
            err = (got - want).abs()
            allowance = (ULPS if case["scalar"] == "double" else max(ULPS, terms(case))) * unit * bound
            exact = name == "y" and case["kind"].startswith("max_pool")
            bad = (err > 0) if exact else (err > allowance)
            ratio = torch.where(bound > 0, err / (unit * bound), torch.where(err > 0, torch.inf, 0.0))
            worst = max(worst, float(ratio.max()) if ratio.numel() else 0.0)
            if bool(bad.any()):
                i = int(torch.nonzero(bad)[0])
                print(f"FAIL {case['kind']} {case['sizes']} {case['scalar']}: {name}[{i}] ctnn {float(got[i])!r} "
                      f"torch {float(want[i])!r} allowance {float(allowance[i]):.3g}")
                failures += int(bad.sum())
        worst_overall = max(worst_overall, worst)
        print(f"{case['kind']:<11} {' '.join(map(str, case['sizes'])):<16} {case['scalar']:<6} "
              f"worst {worst:.3f} ulps of the terms' magnitude")
    print(f"layers cases={len(cases)} values={values} worst_ulps={worst_overall:.3f} failures={failures}")
    return 1 if failures or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
