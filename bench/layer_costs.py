#!/usr/bin/env python3
"""Clang steps / GCC ops of one SGD training step of each new layer (issue 15).

For each network of bench/constexpr_cost/layer_costs.cpp it finds by bisection
(to 0.5 %) the smallest -fconstexpr-steps (Clang) or -fconstexpr-ops-limit
(GCC) under which the evaluation with STEPS=1 and with STEPS=2 compiles; the
difference is the cost of one training step.
Usage: bench/layer_costs.py <compiler> [include dir ...]   (default: include/)
"""
import os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNIPPET = os.path.join(ROOT, "bench", "constexpr_cost", "layer_costs.cpp")
NAMES = ["conv2d<2,3,3,1,1> on 2x6x6", "conv1d<2,4,3,1,1> on 2x16", "conv2d<2,2,1> + max_pool2d<2> on 2x8x8",
         "conv2d<2,2,1> + avg_pool2d<2> on 2x8x8", "conv2d<2,2,1> on 2x8x8", "gru<4>, 8 steps x 1",
         "lstm<4>, 8 steps x 1"]


def is_gcc(cxx):
    return "g++" in os.path.basename(cxx) and "clang" not in cxx


def compiles(cxx, inc, layer, steps, limit):
    flag = f"-fconstexpr-ops-limit={limit}" if is_gcc(cxx) else f"-fconstexpr-steps={limit}"
    cmd = [cxx, "-std=c++20", "-fsyntax-only", flag, f"-I{inc}", f"-DLAYER={layer}", f"-DSTEPS={steps}", SNIPPET]
    if is_gcc(cxx):
        cmd.insert(2, "-fconstexpr-loop-limit=2147483647")
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def needed(cxx, inc, layer, steps, lo, hi):
    while not compiles(cxx, inc, layer, steps, hi):
        lo, hi = hi, hi * 2
    while hi - lo > max(50, lo // 200):
        mid = (lo + hi) // 2
        if compiles(cxx, inc, layer, steps, mid):
            hi = mid
        else:
            lo = mid
    return hi


def main():
    cxx = sys.argv[1] if len(sys.argv) > 1 else "clang++-19"
    incs = sys.argv[2:] or [os.path.join(ROOT, "include")]
    scale = 12 if is_gcc(cxx) else 1
    for layer, name in enumerate(NAMES):
        for inc in incs:
            one = needed(cxx, inc, layer, 1, 1000 * scale, 30000 * scale)
            two = needed(cxx, inc, layer, 2, one, 2 * one)
            print(f"{cxx}\t{inc}\t{name}\t{one}\t{two}\tper step {two - one}", flush=True)


if __name__ == "__main__":
    main()
