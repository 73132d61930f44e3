#!/usr/bin/env python3
"""Measures what ctnn's compile-time work costs each compiler.

For every compiler given (default: g++, clang++-14, clang++-16, clang++-19 when
installed) it reports
  * the Clang steps (-fconstexpr-steps) or GCC operations (-fconstexpr-ops-limit)
    one constant evaluation needs, found by bisection, for the study note's
    network: gradient check, 50 backprop steps, 50 numerical-diff steps
    (each minus the cost of setting up the network and data);
  * steps per parameter per SGD step (from a wide 2-H-1 network);
  * the largest 2-H-1 network that trains 50 backprop steps in ONE constant
    evaluation under the compiler's default limits;
  * compile seconds and peak memory of each file in tests/static/.
Usage: scripts/constexpr_cost.py [--compilers g++ clang++-19] [--markdown FILE]
"""
import argparse, os, resource, shutil, subprocess, sys, time, glob

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNIPPET = os.path.join(ROOT, "scripts", "constexpr_cost", "note_costs.cpp")
INCLUDES = ["-I" + os.path.join(ROOT, "include"), "-I" + os.path.join(ROOT, "examples", "common"),
            "-I" + os.path.join(ROOT, "tests", "common")]

CLANG_DEFAULT = 1048576
GCC_DEFAULT = 33554432


def is_gcc(cxx):
    return "g++" in os.path.basename(cxx) and "clang" not in cxx


def limit_flag(cxx, n):
    return f"-fconstexpr-ops-limit={n}" if is_gcc(cxx) else f"-fconstexpr-steps={n}"


def compiles(cxx, defines, limit=None, source=SNIPPET):
    cmd = [cxx, "-std=c++20", "-fsyntax-only", *INCLUDES, *[f"-D{d}" for d in defines], source]
    if limit is not None:
        cmd.insert(2, limit_flag(cxx, limit))
        if is_gcc(cxx):
            cmd.insert(2, "-fconstexpr-loop-limit=2147483647")
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def needed(cxx, defines):
    """Smallest limit under which the snippet compiles (within 0.5%)."""
    lo, hi = 1000, 1000
    while not compiles(cxx, defines, hi):
        lo, hi = hi, hi * 4
        if hi > 4_000_000_000:
            return None
    while hi - lo > max(100, lo // 200):
        mid = (lo + hi) // 2
        if compiles(cxx, defines, mid):
            hi = mid
        else:
            lo = mid
    return hi


def largest_default(cxx):
    """Largest H such that 2-H-1 trains 50 backprop steps at default limits."""
    lo, hi = 1, 2
    while compiles(cxx, ["WHAT=backprop", f"HIDDEN={hi}"]):
        lo, hi = hi, hi * 2
        if hi > 1 << 14:
            return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if compiles(cxx, ["WHAT=backprop", f"HIDDEN={mid}"]):
            lo = mid
        else:
            hi = mid
    return lo


def compile_cost(cxx, source):
    """Wall seconds and peak memory (MB) of compiling one test file."""
    cmd = [cxx, "-std=c++20", "-fsyntax-only", *INCLUDES, source]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.monotonic()
    ok = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - t0
    peak_kb = int(ok.stderr.strip().splitlines()[-1]) if ok.returncode == 0 else 0
    return seconds, peak_kb / 1024, ok.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compilers", nargs="*")
    ap.add_argument("--markdown", help="write the tables to this file")
    ap.add_argument("--skip-files", action="store_true", help="skip the per-file compile cost table")
    ap.add_argument("--files-only", action="store_true", help="only the per-file compile cost table")
    args = ap.parse_args()
    compilers = args.compilers or [c for c in ["g++", "clang++-14", "clang++-16", "clang++-19"] if shutil.which(c)]

    out = []
    out.append("| compiler | unit | setup | gradient check | 50 backprop steps | 50 numerical steps | "
               "per parameter per backprop step | largest 2-H-1 in one evaluation (default limits) |")
    out.append("|---|---|---|---|---|---|---|---|")
    for cxx in ([] if args.files_only else compilers):
        unit = "GCC ops" if is_gcc(cxx) else "Clang steps"
        setup = needed(cxx, ["WHAT=setup"])
        check = needed(cxx, ["WHAT=check"])
        bp = needed(cxx, ["WHAT=backprop"])
        num = needed(cxx, ["WHAT=numerical"])
        # Per parameter per step, from a wide network where layer overheads vanish.
        wide_h = 200
        p = 4 * wide_h + 1
        w0 = needed(cxx, ["WHAT=backprop", f"HIDDEN={wide_h}", "STEPS=0"])
        w50 = needed(cxx, ["WHAT=backprop", f"HIDDEN={wide_h}", "STEPS=50"])
        per = (w50 - w0) / (50 * p)
        h = largest_default(cxx)
        out.append(f"| {cxx} | {unit} | {setup:,} | {check - setup:,} | {bp - setup:,} | {num - setup:,} | "
                   f"{per:.1f} | H = {h} ({4 * h + 1:,} parameters) |")
        print(out[-1], flush=True)

    if not args.skip_files:
        out.append("")
        out.append("| file | " + " | ".join(compilers) + " |")
        out.append("|---|" + "---|" * len(compilers))
        for source in sorted(glob.glob(os.path.join(ROOT, "tests", "static", "*.cpp"))):
            cells = []
            for cxx in compilers:
                s, mb, ok = compile_cost(cxx, source)
                cells.append(f"{s:.1f} s, {mb:.0f} MB" if ok else "FAILS")
            out.append(f"| tests/static/{os.path.basename(source)} | " + " | ".join(cells) + " |")
            print(out[-1], flush=True)

    text = "\n".join(out) + "\n"
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    else:
        print()
        print(text)


if __name__ == "__main__":
    main()
