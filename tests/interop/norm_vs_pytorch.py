#!/usr/bin/env python3
"""batch_norm, dropout and fold_batch_norm against PyTorch (issue 15).

Runs norm_runner (the C++ half), which prints, for each case, what ctnn
computes (hex floats) from values drawn from a seed; PyTorch (float64, CPU)
computes the same from the same values:

  batch_norm_train  torch.nn.BatchNorm1d/2d in train mode on the batch:
                    y, dγ, dβ and dx by autograd for E = Σ dy·y, and the running
                    statistics after the step (momentum, unbiased variance)
  batch_norm_eval   the same module in eval mode on one sample
  dropout           y = x·mask/(1 − p) and dx = dy·mask/(1 − p) with ctnn's mask
                    (PyTorch's generator cannot be matched; what is compared is
                    the arithmetic given the mask), the mask's density, and the
                    identity at inference (nn.Dropout in eval mode)
  fold_*            torch.nn.utils.fusion.fuse_conv_bn_weights / the same
                    formula for Linear: W', b', and the folded model's output

Tolerance, per compared vector v (each output, parameter gradient, input
gradient, running statistic, folded parameter):

    |ctnn − torch| <= ULPS · n · (u_ctnn + u_64) · max(max|v_torch|, B)

B = max|dy|·max_c |γ_c|/σ_c (the magnitude of dx's terms) for the training
dx, which may cancel to almost 0 (a batch of two normalises to ±1 whatever
x is), else 0;
u the unit roundoff (2^-53 double, 2^-24 float), n the number of terms the
batch statistics sum over (N·S: each normalised value carries the rounding
of a mean and a variance of n terms, first order (n−1)·u relative to the
values' magnitude), ULPS = 4. ctnn follows PyTorch's CPU kernels
(two-pass mean and variance, y = x·α + (β − μ·α), PyTorch's backward
formula), so in double the measured errors are far below this: the
worst ratio |ctnn − torch| / ((u_ctnn + u_64) · max|v|) is printed per case
and in the last line:

    norm cases=<n> values=<m> worst_ulps=<r> failures=<f>
"""
import subprocess
import sys

import torch

ULPS = 4.0
U = {"double": 2.0 ** -53, "float": 2.0 ** -24}
U64 = 2.0 ** -53


def parse(text):
    cases, current = [], None
    for line in text.splitlines():
        head, *rest = line.split()
        if head == "case":
            current = {"kind": rest[0], "scalar": rest[1], "sizes": [int(v) for v in rest[2:]]}
            cases.append(current)
        else:
            current[head] = torch.tensor([float.fromhex(v) for v in rest], dtype=torch.float64)
    return cases


def bn_module(channels, rank, momentum):
    cls = torch.nn.BatchNorm2d if rank == 3 else torch.nn.BatchNorm1d
    return cls(channels, eps=1e-5, momentum=momentum).double()


def load_bn(m, p, c):
    with torch.no_grad():
        m.weight.copy_(p[0:c])
        m.bias.copy_(p[c:2 * c])
        m.running_mean.copy_(p[2 * c:3 * c])
        m.running_var.copy_(p[3 * c:4 * c])


def expected(case):
    """PyTorch's values for the case: a dict name -> tensor (flat)."""
    kind, s = case["kind"], case["sizes"]
    if kind == "batch_norm_train":
        momentum, batch, shape = s[0] / 10.0, s[1], s[2:]
        c = shape[0]
        m = bn_module(c, len(shape), momentum)
        load_bn(m, case["p"], c)
        m.train()
        x = case["x"].reshape(batch, *shape).clone().requires_grad_(True)
        y = m(x)
        y.backward(case["dy"].reshape(batch, *shape))
        dp = torch.cat([m.weight.grad, m.bias.grad, torch.zeros(2 * c, dtype=torch.float64)])
        state = torch.cat([m.running_mean.detach(), m.running_var.detach()])
        n = batch * (x.numel() // (batch * c))
        # dx's terms have magnitude |dy|·|γ|/σ_batch: its scale (dx itself may
        # cancel to almost 0, e.g. a batch of 2 normalises to ±1 whatever x is).
        dims = [0] + list(range(2, x.dim()))
        invstd = torch.rsqrt(x.detach().var(dim=dims, unbiased=False) + 1e-5)
        term = (m.weight.detach().abs() * invstd).max().item() * case["dy"].abs().max().item()
        return {"y": y.detach().flatten(), "dp": dp, "dx": x.grad.flatten(), "state": state,
                "scale:dx": term}, n
    if kind == "batch_norm_eval":
        shape = s
        c = shape[0]
        m = bn_module(c, len(shape), 0.1)
        load_bn(m, case["p"], c)
        m.eval()
        x = case["x"].reshape(1, *shape).clone().requires_grad_(True)
        y = m(x)
        y.backward(case["dy"].reshape(1, *shape))
        dp = torch.cat([m.weight.grad, m.bias.grad, torch.zeros(2 * c, dtype=torch.float64)])
        return {"y": y.detach().flatten(), "dp": dp, "dx": x.grad.flatten()}, x.numel() // c
    if kind == "dropout":
        num, den, size = s
        p = num / den
        mask = case["mask"]
        drop = torch.nn.Dropout(p)
        drop.eval()
        x = case["x"].clone().requires_grad_(True)
        # PyTorch's dropout kernel: input * mask * (1 / (1 - p)), mask from its own generator.
        y = x * mask * (1.0 / (1.0 - p))
        y.backward(case["dy"])
        kept = mask.sum().item() / size
        # the mask's density: within 4 standard deviations of 1 - p
        sd = ((p * (1 - p)) / size) ** 0.5
        if abs(kept - (1 - p)) > 4 * sd:
            raise AssertionError(f"dropout mask density {kept} for p={p}, n={size}")
        return {"y": y.detach(), "dx": x.grad, "inference": drop(case["x"])}, 1
    if kind.startswith("fold_"):
        p = case["p"]
        with torch.no_grad():
            if kind == "fold_dense":
                fin, fout = s
                w = p[: fin * fout].reshape(fin, fout).t()  # ctnn: W[in][out]
                b = p[fin * fout: fin * fout + fout]
                bn = p[fin * fout + fout:]
                c = fout
                lin = torch.nn.Linear(fin, fout).double()
                lin.weight.copy_(w)
                lin.bias.copy_(b)
                m = bn_module(c, 1, 0.1)
                load_bn(m, bn, c)
                m.eval()
                scale = m.weight * torch.rsqrt(m.running_var + m.eps)
                w2 = lin.weight * scale.unsqueeze(1)
                b2 = (lin.bias - m.running_mean) * scale + m.bias
                folded = torch.cat([w2.t().flatten(), b2])
                y = torch.nn.functional.linear(case["x"], w2, b2)
                y_ref = m(lin(case["x"].reshape(1, fin))).flatten()
            else:
                if kind == "fold_conv2d":
                    cin, cout, k, h, w_ = s
                    conv = torch.nn.Conv2d(cin, cout, k).double()
                    shape_x = (1, cin, h, w_)
                    wshape = (cout, cin, k, k)
                    rank = 3
                else:
                    cin, cout, k, length = s
                    conv = torch.nn.Conv1d(cin, cout, k).double()
                    shape_x = (1, cin, length)
                    wshape = (cout, cin, k)
                    rank = 2
                nw = cout * cin * k ** (2 if rank == 3 else 1)
                conv.weight.copy_(p[:nw].reshape(wshape))
                conv.bias.copy_(p[nw:nw + cout])
                m = bn_module(cout, rank, 0.1)
                load_bn(m, p[nw + cout:], cout)
                m.eval()
                conv.eval()
                w2, b2 = torch.nn.utils.fusion.fuse_conv_bn_weights(
                    conv.weight, conv.bias, m.running_mean, m.running_var, m.eps, m.weight, m.bias)
                folded = torch.cat([w2.flatten(), b2])
                fused = torch.nn.utils.fusion.fuse_conv_bn_eval(conv, m)
                y = fused(case["x"].reshape(shape_x)).flatten()
                y_ref = m(conv(case["x"].reshape(shape_x))).flatten()
            # The folded model computes what the unfolded one does (PyTorch's own check).
            if not torch.allclose(y, y_ref, rtol=1e-12, atol=1e-12):
                raise AssertionError("PyTorch's folded model differs from its unfolded one")
            return {"dp": folded, "y": y}, 2
    raise ValueError(kind)


def main():
    runner = sys.argv[1]
    out = subprocess.run([runner], check=True, capture_output=True, text=True).stdout
    cases = parse(out)
    failures = values = 0
    worst_all = 0.0
    for case in cases:
        want, n = expected(case)
        u = U[case["scalar"]] + U64
        worst = 0.0
        for name, ref in want.items():
            if name.startswith("scale:"):
                continue
            got = case[name]
            if got.shape != ref.shape:
                print(f"FAIL {case['kind']} {case['scalar']} {case['sizes']} {name}: {got.shape} vs {ref.shape}")
                failures += 1
                continue
            scale = max(ref.abs().max().item(), want.get("scale:" + name, 0.0))
            err = (got - ref).abs().max().item()
            values += got.numel()
            ratio = err / (u * scale) if scale > 0 else (0.0 if err == 0 else float("inf"))
            worst = max(worst, ratio)
            if err > ULPS * max(n, 1) * u * scale:
                print(f"FAIL {case['kind']} {case['scalar']} {case['sizes']} {name}: "
                      f"max |ctnn - torch| = {err:.3g}, {ratio:.2f} ulps of max|v| = {scale:.3g} (n = {n})")
                failures += 1
        worst_all = max(worst_all, worst)
        print(f"{case['kind']} {case['scalar']} {' '.join(map(str, case['sizes']))}: worst {worst:.2f} ulps")
    print(f"norm cases={len(cases)} values={values} worst_ulps={worst_all:.2f} failures={failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
