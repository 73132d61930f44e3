#!/usr/bin/python3
"""Compile cost of self-verifying headers: exports an MLP of the given widths (random weights, ReLU,
Softmax at the end) and compiles the header with each compiler, reporting user CPU time and peak
memory. Not run by the tests (it takes minutes); the figures are in docs/interop.md.

    bench/measure_export.py 784 256 128 10 [--scalar float] [--references N] [--compilers g++ clang++-19]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(here), "tools"))
import ctnn_export  # noqa: E402
import torch  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("widths", type=int, nargs="+")
parser.add_argument("--scalar", default="float")
parser.add_argument("--references", type=int)
parser.add_argument("--compilers", nargs="+", default=["g++", "clang++-14", "clang++-19"])
args = parser.parse_args()

torch.manual_seed(0)
layers = []
for a, b in zip(args.widths, args.widths[1:]):
    layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
layers[-1] = torch.nn.Softmax(dim=-1)
model = torch.nn.Sequential(*layers)
parameters = sum(p.numel() for p in model.parameters())
with tempfile.TemporaryDirectory() as directory:
    header = os.path.join(directory, "big.hpp")
    start = time.time()
    ctnn_export.export_header(model, header, scalar=args.scalar, references=args.references)
    export_seconds = time.time() - start
    references = ctnn_export.default_references(parameters) if args.references is None else args.references
    source = os.path.join(directory, "big.cpp")
    with open(source, "w") as f:
        f.write('#include "big.hpp"\nint main() { return 0; }\n')
    print("%s: %d parameters, %s, %d reference inputs, header %.1f MB, export %.1f s"
          % ("-".join(map(str, args.widths)), parameters, args.scalar, references,
             os.path.getsize(header) / 1e6, export_seconds))
    include = os.path.join(os.path.dirname(here), "include")
    for compiler in args.compilers:
        run = subprocess.run(["/usr/bin/time", "-f", "%U %M", compiler, "-std=c++20", "-O2", "-ffp-contract=off",
                              "-I", include, "-c", source, "-o", os.devnull], capture_output=True, text=True)
        user, peak = run.stderr.strip().splitlines()[-1].split()
        status = "ok" if run.returncode == 0 else "FAILED: " + next(
            (l for l in run.stderr.splitlines() if "error" in l), "?")[:200]
        print("  %-11s %6.1f s user  %5d MB  %s" % (compiler, float(user), int(peak) // 1024, status))
