#!/usr/bin/env python3
"""Run ctnn's benchmarks and write docs/benchmarks.md with two plots.

Usually run through the CMake target (see docs/benchmarks.md):

    cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_BENCHMARKS=ON
    cmake --build build/bench --target bench_report

Directly: bench_report.py --bench build/bench/bench/ctnn_bench
          [--portable build/bench/bench/ctnn_bench_portable] [--docs docs]
          [--also "clang++-19=build/bench-clang/bench/ctnn_bench"]  (more builds,
           e.g. another compiler: a section each, their own raw lines)
          [--reuse]  (re-read the JSON of the last run instead of running again)
       bench_report.py --compare before.json after.json   (before/after table)

Prints one line per network and scalar type (from the -O3 -march=native
build):
    scaling params=<P> scalar=<float|double> forward_ns=<> backprop_ns=<>
    numerical_ns=<> ratio=<numerical/backprop> backprop_over_forward=<>
    eigen_forward_ns=<> eigen_backprop_ns=<>
then one line per batch row (a step on a batch of 32, per sample; GFLOP/s of
ctnn's batch step; the fused multiply-add peak of the same run):
    batch params=<P> scalar=<> batch=<B> step_ns_per_sample=<>
    eigen_step_ns_per_sample=<> gflops=<> peak_gflops=<>
and one line per optimiser row (a batch-1 step with that optimiser, beside
the SGD step of the same network):
    optimiser name=<momentum|nesterov|adagrad|rmsprop|adam> params=<P>
    scalar=<> step_ns=<> sgd_step_ns=<>
Times are medians of CPU time over the repetitions (the machine is shared:
CPU time leaves out the time the process waited for a core). Numerical
steps above the benchmark's parameter limit are not run; their time is
extrapolated as numerical_ns = 2·P·forward_ns and marked with "~".
Plots use matplotlib (Debian's python3-matplotlib: run with /usr/bin/python3)
or, failing that, gnuplot.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys

REPETITIONS = 5


def run_benchmark(binary, out_json, min_time, repetitions, bench_filter):
    # Repetitions interleaved in random order (Google Benchmark >= 1.6): on a
    # shared machine a burst of load falls on every benchmark alike, not on
    # all repetitions of one.
    cmd = [binary, f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true",
           "--benchmark_enable_random_interleaving=true",
           f"--benchmark_min_time={min_time}", f"--benchmark_out={out_json}", "--benchmark_out_format=json"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    print("running:", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    # The load at the end, beside Google Benchmark's load at the start.
    with open(out_json) as f:
        data = json.load(f)
    try:
        with open("/proc/loadavg") as f:
            data["context"]["load_avg_end"] = f.read().split()[:3]
    except OSError:
        pass
    data["context"]["command"] = " ".join(cmd)
    with open(out_json, "w") as f:
        json.dump(data, f, indent=1)


def load(path):
    with open(path) as f:
        data = json.load(f)
    medians = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name", "median") != "median" or b.get("error_occurred"):
            continue
        name = b["run_name"]
        # "ctnn_numerical/784-50-10/float/iterations:1" -> drop the suffix
        parts = [p for p in name.split("/") if not p.startswith("iterations:")]
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        medians["/".join(parts)] = {
            "cpu_ns": b["cpu_time"] * scale,
            "real_ns": b["real_time"] * scale,
            "flops": b.get("FLOPS"),
            "params": b.get("params"),
        }
    return data["context"], medians


def peak(medians, kind, scalar):
    best = None
    for name, m in medians.items():
        parts = name.split("/")
        if parts[0] == f"peak_{kind}" and parts[2] == scalar:
            if best is None or m["flops"] > best[1]:
                best = (parts[1], m["flops"])
    return best  # (width, FLOP/s)


def rows(medians):
    nets = {}
    for name, m in medians.items():
        parts = name.split("/")
        if len(parts) != 3 or parts[0].startswith("peak_"):
            continue
        what, net, scalar = parts
        nets.setdefault((net, scalar), {})[what] = m
    out = []
    for (net, scalar), r in nets.items():
        needed = ["ctnn_forward", "ctnn_step", "eigen_forward", "eigen_step"]
        if not all(k in r for k in needed):
            continue
        p = int(round(r["ctnn_forward"]["params"]))
        fwd, step = r["ctnn_forward"]["cpu_ns"], r["ctnn_step"]["cpu_ns"]
        if "ctnn_numerical" in r:
            num, extrapolated = r["ctnn_numerical"]["cpu_ns"], False
        else:
            num, extrapolated = 2 * p * fwd, True
        out.append({
            "net": net, "scalar": scalar, "params": p, "depth": net.count("-"),
            "forward_ns": fwd, "backprop_ns": step, "numerical_ns": num, "extrapolated": extrapolated,
            "ratio": num / step, "backprop_over_forward": step / fwd,
            "eigen_forward_ns": r["eigen_forward"]["cpu_ns"], "eigen_backprop_ns": r["eigen_step"]["cpu_ns"],
            "forward_flops": r["ctnn_forward"]["flops"], "step_flops": r["ctnn_step"]["flops"],
            "eigen_forward_flops": r["eigen_forward"]["flops"], "eigen_step_flops": r["eigen_step"]["flops"],
            # one step on a batch of 32, per sample
            "batch_ns": r["ctnn_batch32"]["cpu_ns"] / 32 if "ctnn_batch32" in r else None,
            "eigen_batch_ns": r["eigen_batch32"]["cpu_ns"] / 32 if "eigen_batch32" in r else None,
            "batch_flops": r["ctnn_batch32"]["flops"] if "ctnn_batch32" in r else None,
            "eigen_batch_flops": r["eigen_batch32"]["flops"] if "eigen_batch32" in r else None,
            # batch-1 steps with the other optimisers (fused through the gradient sink)
            "optimisers": {k[len("ctnn_opt_"):]: v["cpu_ns"] for k, v in r.items() if k.startswith("ctnn_opt_")},
        })
    out.sort(key=lambda r: (r["scalar"] != "float", r["params"], r["depth"]))
    return out


def fmt_ns(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.3g} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.3g} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3g} µs"
    return f"{ns:.3g} ns"


def scaling_line(r):
    return (f"scaling params={r['params']} scalar={r['scalar']} forward_ns={r['forward_ns']:.4g} "
            f"backprop_ns={r['backprop_ns']:.4g} numerical_ns={'~' if r['extrapolated'] else ''}{r['numerical_ns']:.4g} "
            f"ratio={r['ratio']:.4g} backprop_over_forward={r['backprop_over_forward']:.3g} "
            f"eigen_forward_ns={r['eigen_forward_ns']:.4g} eigen_backprop_ns={r['eigen_backprop_ns']:.4g}")


def batch_line(r, peaks):
    pk = peaks.get(r["scalar"])
    return (f"batch params={r['params']} scalar={r['scalar']} batch=32 step_ns_per_sample={r['batch_ns']:.4g} "
            f"eigen_step_ns_per_sample={r['eigen_batch_ns']:.4g} gflops={r['batch_flops'] / 1e9:.4g} "
            f"peak_gflops={pk / 1e9 if pk else float('nan'):.4g}")


def optimiser_lines(r):
    return [f"optimiser name={name} params={r['params']} scalar={r['scalar']} step_ns={ns:.4g} "
            f"sgd_step_ns={r['backprop_ns']:.4g}" for name, ns in sorted(r["optimisers"].items())]


def raw_lines(rs, peaks):
    out = [scaling_line(r) for r in rs]
    out += [batch_line(r, peaks) for r in rs if r["batch_ns"] and r["eigen_batch_ns"]]
    for r in rs:
        out += optimiser_lines(r)
    return out


def targets_19(rs, peaks):
    """Each target of issue 19 as (text, met, detail)."""
    res = []
    def ratio_target(text, key, ekey):
        sel = [r for r in rs if r.get(key) and r.get(ekey)]
        bad = [r for r in sel if r[key] > r[ekey]]
        res.append((text, bool(sel) and not bad,
                    ("missed by " + ", ".join(f"{r['net']}/{r['scalar']} ({r[key] / r[ekey]:.2f}×)" for r in bad))
                    if bad else (f"worst {max(r[key] / r[ekey] for r in sel):.2f}×" if sel else "not measured")))
    ratio_target("forward ≤ 1.0 × hand-written Eigen, every size", "forward_ns", "eigen_forward_ns")
    ratio_target("SGD step ≤ 1.0 × hand-written Eigen, every size", "backprop_ns", "eigen_backprop_ns")
    ratio_target("batch-32 step per sample ≤ 1.0 × hand-written Eigen, every size", "batch_ns", "eigen_batch_ns")
    wide = [r for r in rs if r["net"] == "64-256-256-10" and r["scalar"] == "float"]
    pk = peaks.get("float")
    if wide and pk:
        r = wide[0]
        f = r["forward_flops"] / pk
        res.append(("64-256-256-10 float forward ≥ 40 % of the fused peak", f >= 0.40, f"{100 * f:.0f} %"))
        if r["batch_flops"]:
            b = r["batch_flops"] / pk
            res.append(("64-256-256-10 float batch-32 step ≥ 50 % of the fused peak", b >= 0.50, f"{100 * b:.0f} %"))
    note = [r for r in rs if r["net"] == "2-10-1"]
    if note:
        res.append(("2-10-1 forward ≤ 6 ns", all(r["forward_ns"] <= 6 for r in note),
                    ", ".join(f"{r['scalar']}: {r['forward_ns']:.1f} ns" for r in note)))
        res.append(("2-10-1 SGD step ≤ 30 ns", all(r["backprop_ns"] <= 30 for r in note),
                    ", ".join(f"{r['scalar']}: {r['backprop_ns']:.1f} ns" for r in note)))
    with_adam = [r for r in rs if "adam" in r["optimisers"]]
    if with_adam:
        bad = [r for r in with_adam if r["optimisers"]["adam"] > 1.3 * r["backprop_ns"]]
        res.append(("Adam step ≤ 1.3 × SGD step, every size", not bad,
                    ("missed by " + ", ".join(f"{r['net']}/{r['scalar']} ({r['optimisers']['adam'] / r['backprop_ns']:.2f}×)"
                                              for r in bad)) if bad else
                    f"worst {max(r['optimisers']['adam'] / r['backprop_ns'] for r in with_adam):.2f}×"))
    return res


def targets(rs):
    """Each target of issue 6 as (text, met, detail)."""
    res = []
    bad = [r for r in rs if r["backprop_over_forward"] > 3]
    res.append(("backprop step ≤ 3 × forward pass, every size", not bad,
                "missed by " + ", ".join(f"{r['net']}/{r['scalar']} ({r['backprop_over_forward']:.2f}×)" for r in bad)
                if bad else "worst " + f"{max(r['backprop_over_forward'] for r in rs):.2f}×"))
    bad = [r for r in rs if r["ratio"] < 2 * r["params"] / 3]
    res.append(("numerical/backprop ≥ 2P/3, every size", not bad,
                "missed by " + ", ".join(f"{r['net']}/{r['scalar']} ({r['ratio']:.3g} < {2 * r['params'] / 3:.3g})" for r in bad)
                if bad else "smallest margin " + f"{min(r['ratio'] / (2 * r['params'] / 3) for r in rs):.2f}× the bound"))
    for kind, key, ekey in (("forward", "forward_ns", "eigen_forward_ns"), ("backprop step", "backprop_ns", "eigen_backprop_ns")):
        bad = [r for r in rs if r[key] > 1.25 * r[ekey]]
        res.append((f"ctnn {kind} ≤ 1.25 × hand-written Eigen, every size", not bad,
                    "missed by " + ", ".join(f"{r['net']}/{r['scalar']} ({r[key] / r[ekey]:.2f}×)" for r in bad)
                    if bad else f"worst {max(r[key] / r[ekey] for r in rs):.2f}×"))
        smallest = [r for r in rs if r["params"] == min(x["params"] for x in rs)]
        slow = [r for r in smallest if r[key] >= r[ekey]]
        res.append((f"ctnn {kind} faster than Eigen at the smallest network", not slow,
                    ", ".join(f"{r['scalar']}: {r[key] / r[ekey]:.2f}×" for r in smallest)))
    note = [r for r in rs if r["net"] == "2-10-1"]
    res.append(("2-10-1 backprop step well under 100 ns", all(r["backprop_ns"] < 100 for r in note),
                ", ".join(f"{r['scalar']}: {r['backprop_ns']:.0f} ns" for r in note)))
    return res


def table(rs, peaks):
    lines = ["| network | P | scalar | forward | backprop step | numerical step | numerical / backprop | 2P/3 "
             "| backprop / forward | Eigen forward | Eigen step | ctnn/Eigen forward | ctnn/Eigen step "
             "| forward GFLOP/s (% of peak) | step GFLOP/s (% of peak) | Eigen step GFLOP/s (% of peak) |",
             "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for r in rs:
        pk = peaks.get(r["scalar"])
        def g(f):
            if f is None:
                return "–"
            s = f"{f / 1e9:.3g}"
            return s + (f" ({100 * f / pk:.0f}%)" if pk else "")
        lines.append(
            f"| {r['net']} | {r['params']:,} | {r['scalar']} | {fmt_ns(r['forward_ns'])} | {fmt_ns(r['backprop_ns'])} "
            f"| {'~' if r['extrapolated'] else ''}{fmt_ns(r['numerical_ns'])} | {r['ratio']:,.0f} | {2 * r['params'] / 3:,.0f} "
            f"| {r['backprop_over_forward']:.2f} | {fmt_ns(r['eigen_forward_ns'])} | {fmt_ns(r['eigen_backprop_ns'])} "
            f"| {r['forward_ns'] / r['eigen_forward_ns']:.2f} | {r['backprop_ns'] / r['eigen_backprop_ns']:.2f} "
            f"| {g(r['forward_flops'])} | {g(r['step_flops'])} | {g(r['eigen_step_flops'])} |")
    if any(r["batch_ns"] for r in rs):
        lines += ["", "Batch of 32 (`ctnn::train_batch`: mean gradient of 32 samples, one SGD update; the Eigen peer "
                  "does the same with 32-column matrices), time per sample:", "",
                  "| network | P | scalar | ctnn batch-32 step / sample | vs ctnn batch-1 step | Eigen batch-32 step / sample "
                  "| ctnn/Eigen | ctnn GFLOP/s (% of peak) | Eigen GFLOP/s (% of peak) |",
                  "|---|--:|---|--:|--:|--:|--:|--:|--:|"]
        for r in rs:
            if not r["batch_ns"]:
                continue
            pk = peaks.get(r["scalar"])
            def g2(f):
                return "–" if f is None else f"{f / 1e9:.3g}" + (f" ({100 * f / pk:.0f}%)" if pk else "")
            lines.append(f"| {r['net']} | {r['params']:,} | {r['scalar']} | {fmt_ns(r['batch_ns'])} "
                         f"| {r['batch_ns'] / r['backprop_ns']:.2f} | {fmt_ns(r['eigen_batch_ns'])} "
                         f"| {r['batch_ns'] / r['eigen_batch_ns']:.2f} | {g2(r['batch_flops'])} | {g2(r['eigen_batch_flops'])} |")
    names = sorted({n for r in rs for n in r["optimisers"]})
    if names:
        lines += ["", "Batch-1 step with each optimiser (all fused into the backward pass through the gradient sink), "
                  "time and ratio to the SGD step:", "",
                  "| network | P | scalar | SGD | " + " | ".join(names) + " |",
                  "|---|--:|---|--:|" + "--:|" * len(names)]
        for r in rs:
            cells = [f"{fmt_ns(r['optimisers'][n])} ({r['optimisers'][n] / r['backprop_ns']:.2f}×)"
                     if n in r["optimisers"] else "–" for n in names]
            lines.append(f"| {r['net']} | {r['params']:,} | {r['scalar']} | {fmt_ns(r['backprop_ns'])} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(rs, docs):
    ratio_png = os.path.join(docs, "benchmark_ratio.png")
    time_png = os.path.join(docs, "benchmark_time.png")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return plot_gnuplot(rs, ratio_png, time_png)
    fig, ax = plt.subplots(figsize=(7, 5))
    for scalar, marker in (("float", "o"), ("double", "s")):
        sel = [r for r in rs if r["scalar"] == scalar]
        ax.scatter([r["params"] for r in sel], [r["ratio"] for r in sel], marker=marker, label=f"measured, {scalar}")
        for r in sel:
            if r["extrapolated"]:
                ax.annotate("extrapolated", (r["params"], r["ratio"]), fontsize=7, textcoords="offset points", xytext=(4, -10))
    ps = sorted({r["params"] for r in rs})
    lo, hi = ps[0] / 1.5, ps[-1] * 1.5
    ax.plot([lo, hi], [2 * lo / 3, 2 * hi / 3], "k--", label="2P/3 (backprop = 3 forward passes)")
    ax.plot([lo, hi], [2 * lo, 2 * hi], "k:", label="2P (backprop = 1 forward pass)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("parameters P")
    ax.set_ylabel("numerical step time / backprop step time")
    ax.set_title("ctnn: numerical differentiation vs backprop, one sample")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(ratio_png, dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    for ax, scalar in zip(axes, ("float", "double")):
        sel = [r for r in rs if r["scalar"] == scalar]
        sel.sort(key=lambda r: r["params"])
        x = [r["params"] for r in sel]
        ax.plot(x, [r["backprop_ns"] for r in sel], "o-", label="ctnn backprop step")
        ax.plot(x, [r["eigen_backprop_ns"] for r in sel], "s--", label="Eigen backprop step")
        ax.plot(x, [r["forward_ns"] for r in sel], "o-", label="ctnn forward")
        ax.plot(x, [r["eigen_forward_ns"] for r in sel], "s--", label="Eigen forward")
        if all(r["batch_ns"] for r in sel):
            ax.plot(x, [r["batch_ns"] for r in sel], "^-", label="ctnn batch-32 step / sample")
            ax.plot(x, [r["eigen_batch_ns"] for r in sel], "v--", label="Eigen batch-32 step / sample")
        for r in sel:
            ax.annotate(r["net"], (r["params"], r["backprop_ns"]), fontsize=7, textcoords="offset points", xytext=(4, 4))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("parameters P")
        ax.set_title(scalar)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("time per sample (ns, median CPU time)")
    axes[0].legend(fontsize=7)
    fig.suptitle("ctnn vs hand-written Eigen, per sample, -O3 -march=native")
    fig.tight_layout()
    fig.savefig(time_png, dpi=110)
    plt.close(fig)
    return ratio_png, time_png


def plot_gnuplot(rs, ratio_png, time_png):
    if not shutil.which("gnuplot"):
        print("no matplotlib and no gnuplot: plots not made", file=sys.stderr)
        return None, None
    data = "\n".join(f"{r['params']} {r['ratio']} {r['backprop_ns']} {r['eigen_backprop_ns']} "
                     f"{r['forward_ns']} {r['eigen_forward_ns']} {1 if r['scalar'] == 'float' else 2}" for r in sorted(rs, key=lambda r: r["params"]))
    script = f"""
set terminal pngcairo size 800,560
$d << EOD
{data}
EOD
set logscale xy; set grid; set xlabel "parameters P"
set output "{ratio_png}"; set ylabel "numerical / backprop"
plot $d u 1:($7==1?$2:1/0) w p pt 7 t "float", $d u 1:($7==2?$2:1/0) w p pt 5 t "double", 2*x/3 dt 2 lc rgb "black" t "2P/3"
set output "{time_png}"; set ylabel "ns per sample"
plot $d u 1:($7==1?$3:1/0) w lp t "ctnn step (float)", $d u 1:($7==1?$4:1/0) w lp t "Eigen step (float)", \\
     $d u 1:($7==1?$5:1/0) w lp t "ctnn forward (float)", $d u 1:($7==1?$6:1/0) w lp t "Eigen forward (float)"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return ratio_png, time_png


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        fields = dict(l.split(":", 1) for l in out.splitlines() if ":" in l)
        model = fields.get("Model name", "").strip()
        hyp = fields.get("Hypervisor vendor", "").strip()
        return model + (f" (virtualised: {hyp})" if hyp else "") + f", {os.cpu_count()} CPUs"
    except OSError:
        return platform.processor()


def plausible_peaks(rs, medians, fallback=None):
    """The fused peak of this run per scalar type, unless some measured row
    ran faster than it (the peak kernel did not reach the machine's peak with
    this build): then the fallback's (the main run's, same machine). Returns
    (peaks, note)."""
    peaks = {s: (peak(medians, "fused", s) or (None, None))[1] for s in ("float", "double")}
    notes = []
    for s in ("float", "double"):
        best = max((f for r in rs if r["scalar"] == s
                    for f in (r["forward_flops"], r["step_flops"], r["eigen_forward_flops"], r["eigen_step_flops"],
                              r["batch_flops"], r["eigen_batch_flops"]) if f), default=0)
        if peaks[s] and best > peaks[s] and fallback and fallback.get(s):
            notes.append(f"{s}: this build's fused peak ({peaks[s] / 1e9:.0f} GFLOP/s) is below a measured row "
                         f"({best / 1e9:.0f} GFLOP/s), so % of peak uses the main run's ({fallback[s] / 1e9:.0f})")
            peaks[s] = fallback[s]
    return peaks, "; ".join(notes)


def section(title, ctx, rs, medians, fallback_peaks=None):
    peaks, peak_note = plausible_peaks(rs, medians, fallback_peaks)
    flags = ctx.get('ctnn_flags', '?')
    levels = [f for f in flags.split() if f.startswith("-O")]
    effective = f" (the last `-O` wins: {levels[-1]})" if len(levels) > 1 else ""
    out = [f"### {title}", "",
           f"Flags: `{flags}`{effective}; compiler {ctx.get('ctnn_compiler', '?')}; "
           f"Eigen {ctx.get('eigen_version', '?')} using {ctx.get('eigen_simd', '?')}.", "",
           f"Run {ctx.get('date', '?')}; load average at the start {ctx.get('load_avg', '?')}, at the end "
           f"{ctx.get('load_avg_end', '?')}; command `{ctx.get('command', '?')}`.", ""]
    out.append("Peak multiply-add throughput measured in the same run (GFLOP/s, best vector width):")
    out.append("")
    out.append("| scalar | fused (FMA where the flags allow; the machine's limit) | separate multiply and add (-ffp-contract=off, ctnn's limit) |")
    out.append("|---|--:|--:|")
    for s in ("float", "double"):
        f, sep = peak(medians, "fused", s), peak(medians, "separate", s)
        out.append(f"| {s} | {f[1] / 1e9:.0f} ({f[0]}) | {sep[1] / 1e9:.0f} ({sep[0]}) |" if f and sep else f"| {s} | – | – |")
    out.append("")
    if peak_note:
        out.append(f"**The peak kernel did not reach the machine's peak in this build** ({peak_note}).")
        out.append("")
    out.append(table(rs, peaks))
    out.append("")
    out.append("Targets (issue 6):")
    out.append("")
    for text, met, detail in targets(rs):
        out.append(f"- {'**met**' if met else '**missed**'}: {text} — {detail}")
    out.append("")
    out.append("Targets (issue 19; what limits each missed row: see the notes at the end):")
    out.append("")
    for text, met, detail in targets_19(rs, peaks):
        out.append(f"- {'**met**' if met else '**missed**'}: {text} — {detail}")
    out.append("")
    return "\n".join(out)


def compare(before_json, after_json):
    """Before/after table of two runs of the same benchmarks (e.g. the library
    and a modified copy built with -DCTNN_BENCH_INCLUDE_OVERRIDE=...)."""
    _, a = load(before_json)
    _, b = load(after_json)
    ra = {(r["net"], r["scalar"]): r for r in rows(a)}
    print("| network | scalar | forward before | after | Eigen | step before | after | Eigen "
          "| step/forward before | after | ctnn/Eigen step before | after |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows(b):
        o = ra.get((r["net"], r["scalar"]))
        if not o:
            continue
        print(f"| {r['net']} | {r['scalar']} | {fmt_ns(o['forward_ns'])} | {fmt_ns(r['forward_ns'])} "
              f"| {fmt_ns(r['eigen_forward_ns'])} | {fmt_ns(o['backprop_ns'])} | {fmt_ns(r['backprop_ns'])} "
              f"| {fmt_ns(r['eigen_backprop_ns'])} | {o['backprop_over_forward']:.2f} | {r['backprop_over_forward']:.2f} "
              f"| {o['backprop_ns'] / o['eigen_backprop_ns']:.2f} | {r['backprop_ns'] / r['eigen_backprop_ns']:.2f} |")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        return compare(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="the -O3 -march=native benchmark binary")
    ap.add_argument("--portable", help="the -O2 benchmark binary (optional second table)")
    ap.add_argument("--also", action="append", default=[], metavar="LABEL=BINARY",
                    help="another build (e.g. clang++-19=path/to/ctnn_bench): a section and raw lines of its own")
    ap.add_argument("--docs", default="docs")
    ap.add_argument("--min-time", default="0.1", help="--benchmark_min_time per repetition (s)")
    ap.add_argument("--repetitions", type=int, default=REPETITIONS)
    ap.add_argument("--filter", default="", help="--benchmark_filter (default: everything)")
    ap.add_argument("--reuse", action="store_true", help="re-read the JSON of the last run")
    ap.add_argument("--analysis", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "analysis.md"),
                    help="hand-written findings appended to the report")
    args = ap.parse_args()

    runs = [("native", args.bench, "-O3 -march=native (main figures)")]
    if args.portable:
        runs.append(("portable", args.portable, "-O2, baseline x86-64"))
    for k, extra in enumerate(args.also):
        label, _, binary = extra.rpartition("=")  # (the label may hold "-march=native")
        runs.append((f"also{k}", binary, label))
    results = []
    for tag, binary, title in runs:
        out_json = os.path.join(os.path.dirname(os.path.abspath(binary)), f"bench_{tag}.json")
        if not args.reuse:
            run_benchmark(binary, out_json, args.min_time, args.repetitions, args.filter)
        ctx, medians = load(out_json)
        results.append((tag, title, ctx, medians, rows(medians)))

    native_rows = results[0][4]
    native_peaks = {sc: (peak(results[0][3], "fused", sc) or (None, None))[1] for sc in ("float", "double")}
    for line in raw_lines(native_rows, native_peaks):
        print(line)
    extra_raw = []
    for tag, title, c, medians, rs in results[1:]:
        if not tag.startswith("also"):
            continue
        pk, _ = plausible_peaks(rs, medians, native_peaks)
        extra_raw.append(f"# {title}: {c.get('ctnn_compiler', '?')}, {c.get('ctnn_flags', '?')}")
        extra_raw.extend(raw_lines(rs, pk))
    for line in extra_raw:
        print(line)

    os.makedirs(args.docs, exist_ok=True)
    ratio_png, time_png = plot(native_rows, args.docs)
    ctx = results[0][2]
    date = ctx.get("date", datetime.datetime.now().isoformat())
    md = ["# Benchmarks", "",
          "Generated by `scripts/bench_report.py` (CMake target `bench_report`); the hand-written part at the end "
          "comes from `bench/analysis.md`. Do not edit the figures by hand: rerun",
          "",
          "```sh",
          "cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_BENCHMARKS=ON",
          "cmake --build build/bench --target bench_report",
          "```",
          "",
          f"- Date: {date}",
          f"- Machine: {cpu_model()}; load average at the start {ctx.get('load_avg', '?')} (a shared machine: figures are "
          f"medians of CPU time over {args.repetitions} repetitions, ratios compare runs of one binary)",
          f"- Compiler: {ctx.get('ctnn_compiler', '?')}; every target also has `-ffp-contract=off` (ctnn rounds at run "
          "time as it does in constant evaluation) and the project's warnings",
          "- One sample per step (batch 1) in the main table; a batch of 32 (`ctnn::train_batch`) in the second.",
          "- Networks: ReLU between dense layers, identity output, ½·mean-squared-error loss, SGD (lr 0.01); inputs "
          "cycle through 64 random samples unknown to the compiler. `~` marks a numerical step that was not run "
          "(P above 50,000) and is extrapolated as 2P × forward.",
          "- FLOPs counted: a multiply-add is 2; forward 2M (M = Σ inputs·outputs of the dense layers); backprop step "
          "2M + 2M (weight gradient) + 2(M − M₁) (input gradients, none for the first layer) + 2P (update); "
          "% of peak is against the fused (FMA) peak of the same scalar type measured in the same run.",
          "",
          "## Figures", ""]
    for tag, title, c, medians, rs in results:
        md.append(section(title, c, rs, medians, native_peaks))
    md.append("## Plots")
    md.append("")
    if ratio_png:
        md.append(f"![numerical / backprop against P]({os.path.basename(ratio_png)})")
        md.append("")
        md.append(f"![time per sample, ctnn and Eigen]({os.path.basename(time_png)})")
        md.append("")
    md.append("## Raw lines")
    md.append("")
    md.append("```")
    md.append(f"# {results[0][2].get('ctnn_compiler', '?')}, {results[0][2].get('ctnn_flags', '?')}")
    md.extend(raw_lines(native_rows, native_peaks))
    md.extend(extra_raw)
    md.append("```")
    md.append("")
    if os.path.exists(args.analysis):
        with open(args.analysis) as f:
            md.append(f.read())
    with open(os.path.join(args.docs, "benchmarks.md"), "w") as f:
        f.write("\n".join(md))
    print(f"wrote {os.path.join(args.docs, 'benchmarks.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
