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
With --model it instead checks ctnn::fit_cost (include/ctnn/train/chunking.hpp)
against measured costs of one compile-time chunk of ctnn::fit
(bench/constexpr_cost/fit_costs.cpp): for the calibration shapes and for
shapes the calibration never saw, it prints measured and predicted cost and
fails (exit 1) when a check shape is off by more than 25 %. --fit-model also
prints the coefficients fitted to the calibration shapes (least squares on
relative error, no negative coefficient), ready for chunking.hpp.
Usage: bench/constexpr_cost.py [--compilers g++ clang++-19] [--markdown FILE] [--model | --fit-model]
"""
import argparse, os, resource, shutil, subprocess, sys, time, glob

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNIPPET = os.path.join(ROOT, "bench", "constexpr_cost", "note_costs.cpp")
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


# ---- the cost model of ctnn::fit_in_chunks -------------------------------
FIT_SNIPPET = os.path.join(ROOT, "bench", "constexpr_cost", "fit_costs.cpp")

COEFFS = ["per_sample", "per_layer", "per_weight", "per_input_gradient", "per_unit", "per_transcendental",
          "per_batch", "per_parameter_batch", "per_parameter_state", "per_parameter_root", "per_epoch",
          "per_sample_epoch", "per_chunk", "per_state_value"]
OPT_SHAPE = {"sgd": (0, False), "momentum": (1, False), "adagrad": (1, True), "rmsprop": (1, True), "adam": (2, True)}
DEFAULTS = dict(IN=4, HIDDEN=16, HIDDEN2=0, OUT=3, ACT="relu", LOSS="mse", OPT="adam", SAMPLES=120, BATCH=16, EPOCHS=1)

# Calibration: each varies one thing from the 4-16-3 baseline.
CALIBRATION = ["EPOCHS=0", "EPOCHS=1", "EPOCHS=2", "OPT=sgd", "OPT=sgd BATCH=1", "OPT=adam BATCH=1",
               "OPT=momentum BATCH=1", "OPT=adagrad BATCH=1", "OPT=rmsprop BATCH=1", "OPT=sgd BATCH=120",
               "HIDDEN=64", "IN=16", "OUT=10", "HIDDEN2=16", "ACT=tanh", "LOSS=softmax_cross_entropy", "SAMPLES=240"]
# Checks: shapes the calibration did not see.
CHECKS = ["IN=13 LOSS=softmax_cross_entropy SAMPLES=124", "EPOCHS=3",
          "IN=64 HIDDEN=32 OUT=10 LOSS=softmax_cross_entropy SAMPLES=50 BATCH=10",
          "IN=2 HIDDEN=8 OUT=1 ACT=sigmoid SAMPLES=4 BATCH=4 EPOCHS=20", "IN=8 HIDDEN=24 HIDDEN2=12 OUT=2 OPT=momentum SAMPLES=60 BATCH=8",
          "IN=2 HIDDEN=40 OUT=1 ACT=tanh OPT=rmsprop SAMPLES=100 BATCH=5"]


def config(text):
    c = dict(DEFAULTS)
    for item in text.split():
        k, v = item.split("=")
        c[k] = int(v) if v.isdigit() else v
    return c


def features(c):
    """The cost model's features of one evaluation (mirrors ctnn::fit_cost)."""
    layers = [(c["IN"], c["HIDDEN"], True), (c["HIDDEN"], c["HIDDEN"], False)]
    if c["HIDDEN2"]:
        layers += [(c["HIDDEN"], c["HIDDEN2"], True), (c["HIDDEN2"], c["HIDDEN2"], False)]
        last = c["HIDDEN2"]
    else:
        last = c["HIDDEN"]
    layers.append((last, c["OUT"], True))
    P = sum(i * o + o for i, o, dense in layers if dense)
    cheap_act = c["ACT"] in ("relu", "identity")
    f = dict.fromkeys(COEFFS, 0.0)
    N, B, E = c["SAMPLES"], c["BATCH"], c["EPOCHS"]
    nb = (N + B - 1) // B
    states, root = OPT_SHAPE[c["OPT"]]
    f["per_chunk"] = 1
    f["per_state_value"] = P * (1 + states) + N
    f["per_epoch"] = E
    f["per_sample_epoch"] = E * N
    f["per_sample"] = E * N
    f["per_layer"] = E * N * len(layers)
    for k, (i, o, dense) in enumerate(layers):
        f["per_unit"] += E * N * (i + o)
        if dense:
            f["per_weight"] += E * N * i * o
            if k > 0:
                f["per_input_gradient"] += E * N * i * o
        elif not cheap_act:
            f["per_transcendental"] += E * N * o
    if c["LOSS"] != "mse":
        f["per_transcendental"] += E * N * c["OUT"]
    f["per_batch"] = E * nb
    f["per_parameter_batch"] = E * nb * P
    f["per_parameter_state"] = E * nb * P * states
    f["per_parameter_root"] = E * nb * P * (1 if root else 0)
    return f


def solve(rows, values, names):
    """Least squares, coefficients kept >= 0 (drop negatives and refit)."""
    active = list(names)
    while True:
        n = len(active)
        A = [[sum(r[a] * r[b] / (v * v) for r, v in zip(rows, values)) for b in active] for a in active]
        y = [sum(r[a] * 1.0 / v for r, v in zip(rows, values)) for a in active]  # relative error weighting
        for i in range(n):
            A[i][i] += 1e-12 * (A[i][i] + 1)
        # Gaussian elimination
        M = [A[i] + [y[i]] for i in range(n)]
        for i in range(n):
            p = max(range(i, n), key=lambda r: abs(M[r][i]))
            M[i], M[p] = M[p], M[i]
            if abs(M[i][i]) < 1e-300:
                continue
            for r in range(n):
                if r != i:
                    f = M[r][i] / M[i][i]
                    for k in range(i, n + 1):
                        M[r][k] -= f * M[i][k]
        x = {a: (M[i][n] / M[i][i] if abs(M[i][i]) > 1e-300 else 0.0) for i, a in enumerate(active)}
        neg = [a for a in active if x[a] < 0]
        if not neg:
            return {a: x.get(a, 0.0) for a in names}
        worst = min(neg, key=lambda a: x[a])
        active.remove(worst)


def predict(coef, f):
    return sum(coef[k] * f[k] for k in COEFFS)


def fit_needed(cxx, text):
    """Measured cost of fit_costs.cpp's evaluation for one shape (bisection to 1 %)."""
    defines = text.split()
    lo = hi = 4000
    while not compiles(cxx, defines, hi, FIT_SNIPPET):
        lo, hi = hi, hi * 4
    while hi - lo > max(200, lo // 100):
        mid = (lo + hi) // 2
        if compiles(cxx, defines, mid, FIT_SNIPPET):
            hi = mid
        else:
            lo = mid
    return hi


def fit_predicted(cxx, text):
    """ctnn::fit_cost's prediction for the compiler `cxx` (a program it compiles and runs)."""
    exe = os.path.join("/tmp", f"ctnn_fit_prediction_{os.getpid()}")
    cmd = [cxx, "-std=c++20", "-DPREDICT", *INCLUDES, *[f"-D{d}" for d in text.split()], FIT_SNIPPET, "-o", exe]
    subprocess.run(cmd, check=True)
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    os.unlink(exe)
    return float(out)


def model_report(compilers, refit):
    failed = False
    for cxx in compilers:
        measured = {t: fit_needed(cxx, t) for t in CALIBRATION + CHECKS}
        if refit:
            coef = solve([features(config(t)) for t in CALIBRATION], [measured[t] for t in CALIBRATION], COEFFS)
            print(f"{cxx}: fitted coefficients")
            for k in COEFFS:
                print(f"    .{k} = {coef[k]:.4g},")
        print(f"| {cxx} | shape | measured | predicted | error |")
        print("|---|---|---|---|---|")
        for t in CALIBRATION + CHECKS:
            p = fit_predicted(cxx, t)
            err = p / measured[t] - 1
            kind = "check" if t in CHECKS else "calibration"
            print(f"| {kind} | {t} | {measured[t]:,} | {p:,.0f} | {100 * err:+.1f} % |", flush=True)
            if t in CHECKS and abs(err) > 0.25:
                failed = True
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compilers", nargs="*")
    ap.add_argument("--markdown", help="write the tables to this file")
    ap.add_argument("--skip-files", action="store_true", help="skip the per-file compile cost table")
    ap.add_argument("--files-only", action="store_true", help="only the per-file compile cost table")
    ap.add_argument("--model", action="store_true", help="check ctnn::fit_cost against measured costs")
    ap.add_argument("--fit-model", action="store_true", help="as --model, and print fitted coefficients")
    args = ap.parse_args()
    compilers = args.compilers or [c for c in ["g++", "clang++-14", "clang++-16", "clang++-19"] if shutil.which(c)]
    if args.model or args.fit_model:
        sys.exit(1 if model_report(compilers, args.fit_model) else 0)

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
