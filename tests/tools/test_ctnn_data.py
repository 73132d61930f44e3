#!/usr/bin/env python3
"""tools/ctnn-data and examples/iris/make_data_header.py, as a user would run them.

    test_ctnn_data.py <repository> <scratch folder> <c++ compiler> [boost include dirs...]

Each malformed input must give exit status 2 and one line on standard error
that names the problem and its line, never a traceback. Generated headers
must compile; a header that lost a row must not (with its unchanged twin
compiling). Prints 'N passed, N failed' and exits 1 on any failure.
"""
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(sys.argv[1])
SCRATCH = pathlib.Path(sys.argv[2])
CXX = sys.argv[3]
# Default system folders stay out of -isystem: repeating /usr/include breaks #include_next <stdlib.h>.
BOOST = [d for d in sys.argv[4:] if os.path.normpath(d) not in ("/usr/include", "/usr/local/include")]
TOOL = [sys.executable, str(ROOT / "tools" / "ctnn-data")]
MAKE = [sys.executable, str(ROOT / "examples" / "iris" / "make_data_header.py")]
IRIS = ROOT / "tests" / "tools" / "data" / "iris.csv"

passed, failed = 0, []


def check(name, condition, detail=""):
    global passed
    if condition:
        passed += 1
    else:
        failed.append(f"{name}: {detail}")
        print(f"FAILED {name}: {detail}")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def compiles(header, extra=""):
    source = SCRATCH / (pathlib.Path(header).stem + "_check.cpp")
    source.write_text(f'#include "{header}"\n{extra}\n')
    flags = [f"-I{ROOT / 'include'}"] + [f"-isystem{d}" for d in BOOST]
    r = run([CXX, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", *flags, str(source)])
    return r.returncode == 0, r.stderr


def write(name, text, mode="w"):
    path = SCRATCH / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def expect_error(name, args, *needles):
    """Exit 2, one line on stderr holding every needle, no traceback, no output file left."""
    out = SCRATCH / ("".join(c if c.isalnum() else "_" for c in name) + "_out.hpp")
    if out.exists():
        out.unlink()
    r = run(TOOL + [str(a) for a in args] + ["-o", str(out)])
    lines = r.stderr.strip().splitlines()
    check(f"{name}: exit status 2", r.returncode == 2, f"exit {r.returncode}, stderr {r.stderr!r}")
    check(f"{name}: no traceback", "Traceback" not in r.stderr, r.stderr)
    check(f"{name}: one line", len(lines) == 1, r.stderr)
    for needle in needles:
        check(f"{name}: says {needle!r}", needle in r.stderr, r.stderr)
    check(f"{name}: nothing written", not out.exists() and not list(SCRATCH.glob(".ctnn-data-*")), "")


def main():
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)

    # --- the shipped data sets -------------------------------------------
    out = SCRATCH / "iris_data.hpp"
    r = run(TOOL + [str(IRIS), "--label", "species", "-o", str(out)])
    check("iris: exit 0", r.returncode == 0, r.stderr)
    check("iris: summary", "150 rows (120 training, 30 test), 4 features, 3 classes" in r.stdout, r.stdout)
    ok, err = compiles(out, "static_assert(iris_data::class_names[0] == \"setosa\");\n"
                            "static_assert(iris_data::train_targets.size() == 120);")
    check("iris: the header compiles", ok, err)
    # The same rows through --label 4, a header detected, and through a tab-separated copy.
    tabs = write("iris_tabs.tsv", IRIS.read_text().replace(",", "\t"))
    r = run(TOOL + [str(tabs), "--label", "4", "-o", str(SCRATCH / "iris_tabs.hpp")])
    check("iris tabs: exit 0", r.returncode == 0, r.stderr)
    check("iris tabs: same data", (SCRATCH / "iris_tabs.hpp").read_text().split("#pragma once")[1] ==
          out.read_text().split("#pragma once")[1].replace("iris_data", "iris_tabs"), "differs")

    digits_csv = SCRATCH / "digits.csv"
    r = run([sys.executable, str(ROOT / "tests" / "tools" / "csv_from_header.py"),
             str(ROOT / "examples" / "digits" / "digits_data.hpp"), str(digits_csv)])
    check("digits: csv written", r.returncode == 0, r.stderr)
    for variant, args in [("digits", []), ("digits_float", ["--scalar", "float", "--standardise", "store"]),
                          ("digits_all", ["--test-fraction", "0", "--standardise", "none"])]:
        out = SCRATCH / f"{variant}.hpp"
        r = run(TOOL + [str(digits_csv), "--label", "64", "-o", str(out)] + args)
        check(f"{variant}: exit 0", r.returncode == 0, r.stderr)
        check(f"{variant}: 1797 rows", "1797 rows" in r.stdout and "10 classes" in r.stdout, r.stdout)
        ok, err = compiles(out)
        check(f"{variant}: the header compiles", ok, err[:2000])

    # --- binary targets, regression, class order, float ------------------
    binary = write("binary.csv", "x;y;sick\n0.5;1;no\n-1;2;yes\n0.25;-3;no\n2;0;yes\n1;1;yes\n3;3;no\n")
    out = SCRATCH / "binary_data.hpp"
    r = run(TOOL + [str(binary), "--label", "sick", "--targets", "binary", "--classes", "no,yes",
                    "--test-fraction", "0.34", "-o", str(out)])
    check("binary: exit 0", r.returncode == 0, r.stderr)
    ok, err = compiles(out, "static_assert(binary_data::train_targets[0].size() == 1);\n"
                            "static_assert(binary_data::class_names[1] == \"yes\");")
    check("binary: compiles, one output", ok, err)
    regression = write("house.csv", "rooms,area,price\n3,70.5,210000\n2,45,150000\n4,99.9,330000\n"
                                    "1,30,99000\n5,120,401000.5\n")
    out = SCRATCH / "house.hpp"
    r = run(TOOL + [str(regression), "--regression", "--scalar", "float", "--seed", "9", "-o", str(out)])
    check("regression: exit 0", r.returncode == 0, r.stderr)
    ok, err = compiles(out, "static_assert(house::train_targets[0].size() == 1);")
    check("regression: compiles", ok, err)
    hostile = write("hostile.csv", '"a\\\nb","*/ #define X","label"\n1,2,"x\\"\n3,4,"y"\n5,6,"x\\"\n7,8,"y"\n')
    out = SCRATCH / "hostile.hpp"
    r = run(TOOL + [str(hostile), "--test-fraction", "0.5", "-o", str(out)])
    check("hostile names: exit 0", r.returncode == 0, r.stderr)
    ok, err = compiles(out, 'static_assert(hostile::class_names[0] == "x\\\\");')
    check("hostile names: escaped, compiles", ok, err)

    # --- a header that lost a row does not compile -----------------------
    good = (SCRATCH / "iris_data.hpp").read_text()
    lines = good.splitlines(keepends=True)
    first_row = next(i for i, l in enumerate(lines) if l.startswith("    {") and "train_inputs" in lines[i - 1])
    lost = write("iris_lost.hpp", "".join(lines[:first_row] + lines[first_row + 1:]))
    ok, err = compiles(lost)
    check("tool header with a lost row: does not compile", not ok, "it compiled")
    check("tool header with a lost row: says why", "generate the header again" in err, err[:2000])
    edited = write("iris_edited.hpp", good.replace(lines[first_row], lines[first_row].replace("1", "2", 1), 1))
    ok, err = compiles(edited)
    check("tool header with an edited value: does not compile", not ok and "generate the header again" in err,
          err[:2000])

    for example in ["iris", "digits"]:
        header = ROOT / "examples" / example / f"{example}_data.hpp"
        text = header.read_text()
        ok, err = compiles(header)
        check(f"examples' {example}_data.hpp: compiles (the twin)", ok, err[:2000])
        rows = text.splitlines(keepends=True)
        row = next(i for i, l in enumerate(rows) if l.startswith("    {"))
        ok, err = compiles(write(f"{example}_lost.hpp", "".join(rows[:row + 3] + rows[row + 4:])))
        check(f"examples' {example}_data.hpp with a lost row: does not compile", not ok and "a row lost" in err,
              err[:2000])

    # --- make_data_header.py: row counts checked, errors as messages -----
    iris_source = write("iris_sklearn.csv", "150,4,setosa,versicolor,virginica\n" + "".join(
        f"{','.join(r[:4])},{['setosa', 'versicolor', 'virginica'].index(r[4])}\n"
        for r in (l.split(",") for l in IRIS.read_text().strip().splitlines()[1:])))
    r = run(MAKE + ["iris", str(iris_source)])
    check("make_data_header: iris exit 0", r.returncode == 0, r.stderr)
    check("make_data_header: same rows as the shipped header",
          r.stdout.split("#pragma once")[1] ==
          (ROOT / "examples" / "iris" / "iris_data.hpp").read_text().split("#pragma once")[1], "differs")
    source_lines = iris_source.read_text().splitlines(keepends=True)
    for name, text, needles in [
        ("a row missing", "".join(source_lines[:-1]), ["149 data rows, but iris has 150"]),
        ("a ragged row", "".join(source_lines[:5] + ["5.0,3.4,0\n"] + source_lines[6:]), [":6:", "3 cells"]),
        ("a non-number", "".join(source_lines[:7] + ["5.0,x,1.5,0.2,0\n"] + source_lines[8:]), [":8:", "'x'"]),
        ("an empty file", "", ["empty"]),
    ]:
        path = write("make_" + name.replace(" ", "_") + ".csv", text)
        r = run(MAKE + ["iris", str(path)])
        check(f"make_data_header, {name}: exit 2, no traceback", r.returncode == 2 and "Traceback" not in r.stderr,
              f"{r.returncode} {r.stderr}")
        for needle in needles:
            check(f"make_data_header, {name}: says {needle!r}", needle in r.stderr, r.stderr)

    # --- malformed input: exit 2, one line, the line number --------------
    expect_error("ragged row", [write("ragged.csv", "a,b,label\n1,2,0\n3,4\n5,6,1\n")], ":3:", "2 cells", "has 3")
    expect_error("too many cells", [write("wide.csv", "a,b,label\n1,2,0\n3,4,1,9\n")], ":3:", "4 cells")
    expect_error("non-numeric cell", [write("text.csv", "a,b,label\n1,2,0\n3,four,1\n")], ":3:", "column 2 (b)",
                 "'four'", "not a decimal number")
    expect_error("empty cell", [write("hole.csv", "a,b,label\n1,2,0\n3,,1\n")], ":3:", "empty")
    expect_error("nan", [write("nan.csv", "a,b,label\n1,nan,0\n3,4,1\n")], ":2:", "'nan'")
    expect_error("overflow", [write("huge.csv", "a,b,label\n1,1e999,0\n3,4,1\n")], ":2:", "too large")
    expect_error("underflow", [write("tiny.csv", "a,b,label\n1,1e-999,0\n3,4,1\n")], ":2:", "too small")
    expect_error("float overflow", [write("f.csv", "a,b,label\n1,1e39,0\n3,4,1\n"), "--scalar", "float"],
                 ":2:", "too large for float")
    expect_error("empty file", [write("empty.csv", "")], "empty")
    expect_error("blank file", [write("blank.csv", "\n  \n\n")], "empty")
    expect_error("header only", [write("header_only.csv", "a,b,label\n")], "no data rows")
    expect_error("missing label column", [IRIS, "--label", "kind"], "--label kind", "no such column",
                 "sepal_length")
    expect_error("label index out of range", [IRIS, "--label", "7"], "5 columns")
    expect_error("label by name, no header", [write("noheader.csv", "1,2,0\n3,4,1\n"), "--label", "kind"],
                 "no header row")
    expect_error("wrong delimiter", [write("semicolons.csv", "a;b;label\n1;2;0\n3;4;1\n"), "--delimiter", ","],
                 ":1:", "only one column", "--delimiter")
    expect_error("bad delimiter argument", [IRIS, "--delimiter", "ab"], "--delimiter")
    expect_error("unterminated quote", [write("quote.csv", 'a,b,label\n1,2,0\n3,"4,1\n')], ":3:", "malformed CSV")
    expect_error("not UTF-8", [write("latin1.csv", b"a,b,label\n1,2,0\n3,4,\xe9\n", "wb")], ":3:", "UTF-8")
    expect_error("NUL byte", [write("nul.csv", "a,b,label\n1,2,0\n3,\0,1\n")], ":3:", "NUL")
    expect_error("one class", [write("one.csv", "a,b,label\n1,2,0\n3,4,0\n")], "one class")
    expect_error("same label two ways", [write("spell.csv", "a,b,label\n1,2,1\n3,4,1.0\n5,6,0\n")],
                 "same number")
    expect_error("duplicate header", [write("dup.csv", "a,a,label\n1,2,0\n3,4,1\n")], ":1:", "twice")
    expect_error("unknown class", [IRIS, "--label", "species", "--classes", "setosa,versicolor"], ":102:",
                 "virginica")
    expect_error("binary with 3 classes", [IRIS, "--label", "species", "--targets", "binary"], "two classes")
    expect_error("test fraction", [IRIS, "--test-fraction", "1.5"], "--test-fraction")
    expect_error("no test rows", [write("small.csv", "a,label\n1,0\n2,1\n"), "--test-fraction", "0.1"],
                 "no test rows")
    expect_error("negative seed", [IRIS, "--seed", "-1"], "--seed")
    expect_error("missing file", [SCRATCH / "nowhere.csv"], "cannot read")
    r = run(TOOL + [str(IRIS), "-o", str(SCRATCH / "1data.hpp")])
    check("bad namespace: exit 2, one line", r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and
          "identifier" in r.stderr, r.stderr)
    r = run(TOOL + [str(IRIS), "-o", str(SCRATCH / "no" / "such" / "dir.hpp")])
    check("missing folder: exit 2", r.returncode == 2 and "does not exist" in r.stderr, r.stderr)
    copy = write("same.csv", IRIS.read_text())
    r = run(TOOL + [str(copy), "-o", str(copy)])
    check("output == input: refused", r.returncode == 2 and copy.read_text() == IRIS.read_text(), r.stderr)
    r = run(TOOL + ["--help"])
    check("--help: exit 0 with usage", r.returncode == 0 and "--label" in r.stdout and "--standardise" in r.stdout,
          r.stderr)
    r = run(TOOL + [str(IRIS), "--no-such-option", "-o", str(SCRATCH / "x.hpp")])
    check("unknown option: exit 2, no traceback", r.returncode == 2 and "Traceback" not in r.stderr, r.stderr)

    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
