#!/usr/bin/env python3
"""ctnn::gru and ctnn::lstm against torch.nn.GRU and torch.nn.LSTM, in double.

    test_recurrent.py <recurrent_runner>

The runner (recurrent_runner.cpp) prints, for each case, ctnn's parameters
(PyTorch's order and layout: weight_ih, weight_hh, bias_ih, bias_hh), input,
target, output (every step's hidden state), loss (½·mean of squared errors),
parameter gradient and input gradient, as hex floats. This script copies the
parameters into a one-layer torch module as they are (no reordering: the
layouts are the same), runs the same window from a zero state, and compares
every entry.

Tolerance, per entry: |ctnn − PyTorch| ≤ 8 ulps of max(|PyTorch's value|,
the largest |value| of the same tensor), where the tensors are the output,
each of PyTorch's four parameter tensors' gradients, and the input gradient;
the loss within 16 ulps of itself. Why at the tensor's scale: ctnn and PyTorch
sum in different orders (PyTorch through BLAS) and use different exp/tanh
(both within about an ulp), so an entry that is a small difference of larger
terms (a hidden state near 0, a gradient entry that nearly cancels) carries
the rounding of those terms: the error is a few ulps of the tensor's
magnitude, not of the entry's. Measured on these cases: at most 4 ulps at
the tensor's scale, median 1-3 ulps of the entry itself; the loss within 7
ulps. The loss is a sum of up to 512 squared errors, summed in order by ctnn
and pairwise by PyTorch.

A negative control runs first: the same comparison with the GRU's r and z
rows exchanged when copying (a gate-order mistake) must fail.
Exit status 0 when every entry of every case is within tolerance.
"""
import subprocess
import sys

import numpy as np
import torch

ULPS = 8
LOSS_ULPS = 16


def read_cases(runner):
    lines = subprocess.run([runner], capture_output=True, text=True, check=True).stdout.splitlines()
    cases, case = [], None
    for line in lines:
        key, *rest = line.split()
        if key == "case":
            case = {"kind": rest[0], "steps": int(rest[1]), "features": int(rest[2]), "hidden": int(rest[3])}
            cases.append(case)
        else:
            case[key] = np.array([float.fromhex(v) for v in rest])
    return cases


def torch_reference(case, swap_rz=False):
    steps, features, hidden = case["steps"], case["features"], case["hidden"]
    module = (torch.nn.GRU if case["kind"] == "gru" else torch.nn.LSTM)(features, hidden, batch_first=True).double()
    tensors = [module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0, module.bias_hh_l0]
    p, at = case["parameters"], 0
    with torch.no_grad():
        for t in tensors:
            values = torch.from_numpy(p[at:at + t.numel()].copy()).reshape(t.shape)
            if swap_rz:
                values = torch.cat([values[hidden:2 * hidden], values[:hidden], values[2 * hidden:]])
            t.copy_(values)
            at += t.numel()
    assert at == len(p), f"{case['kind']}: {len(p)} parameters, PyTorch has {at}"
    x = torch.from_numpy(case["input"].copy()).reshape(1, steps, features).requires_grad_(True)
    d = torch.from_numpy(case["target"].copy()).reshape(1, steps, hidden)
    y, _ = module(x, None)  # zero initial state
    loss = ((y - d) ** 2).sum() / (2 * steps * hidden)
    loss.backward()
    sizes = [t.numel() for t in tensors]
    return {
        "output": [y.detach().numpy().ravel()],
        "gradient": [t.grad.numpy().ravel() for t in tensors],
        "input_gradient": [x.grad.numpy().ravel()],
        "loss": loss.item(),
        "sizes": sizes,
    }


def compare(case, ref):
    """Worst error in ulps at the tensor's scale, per quantity, and whether all pass."""
    report, ok = {}, True
    for name in ("output", "gradient", "input_gradient"):
        ours, at, worst = case[name], 0, 0.0
        for theirs in ref[name]:
            mine = ours[at:at + len(theirs)]
            at += len(theirs)
            scale = np.maximum(np.abs(theirs), np.abs(theirs).max())
            ulps = np.abs(mine - theirs) / np.spacing(scale)
            worst = max(worst, float(ulps.max()))
        assert at == len(ours)
        report[name] = worst
        ok = ok and worst <= ULPS
    loss_ulps = abs(case["loss"][0] - ref["loss"]) / np.spacing(abs(ref["loss"]))
    report["loss"] = float(loss_ulps)
    ok = ok and loss_ulps <= LOSS_ULPS
    return report, ok


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    torch.set_num_threads(1)
    cases = read_cases(sys.argv[1])

    control = next(c for c in cases if c["kind"] == "gru")
    report, ok = compare(control, torch_reference(control, swap_rz=True))
    if ok:
        print("negative control FAILED: a GRU with r and z exchanged passed the comparison")
        return 1
    print(f"negative control: r and z exchanged is caught (output off by {report['output']:.3g} ulps)")

    all_ok = True
    for case in cases:
        report, ok = compare(case, torch_reference(case))
        all_ok = all_ok and ok
        print(f"{case['kind']:4} steps={case['steps']:2} features={case['features']} hidden={case['hidden']:2}: "
              + " ".join(f"{k}={v:.2f}" for k, v in report.items())
              + (" ulps  ok" if ok else f" ulps  BEYOND TOLERANCE ({ULPS} ulps at the tensor's scale, loss {LOSS_ULPS})"))
    print(f"recurrent cases={len(cases)} {'passed' if all_ok else 'FAILED'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
