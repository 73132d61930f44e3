#!/usr/bin/env python3
"""Writes a dataset shipped with scikit-learn as a C++ header of constexpr arrays.

The headers in examples/iris/ and examples/digits/ were made with this script
from Debian 12's python3-sklearn 1.2.1+dfsg-1 (sklearn/datasets/data/; `apt-get
download python3-sklearn` and `dpkg-deb -x` give the files without installing):

    python3 make_data_header.py iris   iris.csv       > iris_data.hpp
    python3 make_data_header.py digits digits.csv.gz  > ../digits/digits_data.hpp

The examples never read a system path: the data lives in the repository.

The script checks what it reads (every row's cell count, every number, the
row count each data set must have) and writes a checksum of the arrays that
the header static_asserts (ctnn::checksum, ctnn/data/dataset.hpp), so a header
that lost, gained or changed a row does not compile. A problem is one line on
standard error with the file's line number, exit status 2. For a data set of
your own, use tools/ctnn-data, which also splits and standardises.
"""
import gzip
import hashlib
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
from ctnn_data import Bytes, DataError, Scalar, checksum  # noqa: E402

ATTRIBUTION = {
    "iris": """// The Iris data set: R. A. Fisher, "The use of multiple measurements in
// taxonomic problems", Annals of Eugenics 7(2), 179-188 (1936); donated to the
// UCI Machine Learning Repository by Michael Marshall (1988). As distributed
// with scikit-learn (sklearn/datasets/data/iris.csv, BSD-3-Clause, (c) 2007-2019
// the scikit-learn developers), which follows Fisher's paper (and R), not
// UCI's copy with its two wrong data points. 150 samples, 50 per class;
// features in cm: sepal length, sepal width, petal length, petal width;
// classes 0 setosa, 1 versicolor, 2 virginica.""",
    "digits": """// Optical recognition of handwritten digits: E. Alpaydin and C. Kaynak
// (1998), the test set of the UCI Machine Learning Repository's data set
// (https://archive.ics.uci.edu/ml/datasets/Optical+Recognition+of+Handwritten+Digits,
// CC BY 4.0). As distributed with scikit-learn (sklearn/datasets/data/
// digits.csv.gz, BSD-3-Clause, (c) 2007-2019 the scikit-learn developers).
// 1797 samples of 8x8 = 64 pixel counts in 0..16 (row by row), classes 0..9.""",
}


# Rows each data set must have, and its features per row.
EXPECTED = {"iris": (150, 4), "digits": (1797, 64)}


def read(name, path):
    """(rows of feature texts, labels, checksum words of features, of labels)."""
    try:
        raw = open(path, "rb").read()
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror}")
    try:
        text = (gzip.decompress(raw) if path.endswith(".gz") else raw).decode()
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: not a (gzipped) UTF-8 text file: {e}")
    count, features = EXPECTED[name]
    lines = text.strip().splitlines()
    first = 1
    if name == "iris":  # header line: 150,4,setosa,versicolor,virginica
        if not lines:
            raise DataError(f"{path}: the file is empty")
        head = lines[0].split(",")
        if head[:2] != [str(count), str(features)]:
            raise DataError(f"{path}:1: the header should begin with {count},{features}: {lines[0]!r}")
        lines, first = lines[1:], 2
    if len(lines) != count:
        raise DataError(f"{path}: {len(lines)} data rows, but {name} has {count}")
    double = Scalar("double")
    rows, labels, feature_words = [], [], []
    for number, line in enumerate(lines, first):
        cells = line.split(",")
        if len(cells) != features + 1:
            raise DataError(f"{path}:{number}: {len(cells)} cells, but {name} has {features} features and a label")
        words = []
        for column, cell in enumerate(cells[:features], 1):
            try:
                value, word, _ = double.parse(cell)
            except ValueError as e:
                raise DataError(f"{path}:{number}: column {column}: {cell!r} {e}")
            if name == "digits":
                if value != int(value) or not 0 <= value <= 16:
                    raise DataError(f"{path}:{number}: column {column}: {cell!r} is not a pixel count 0..16")
                word = int(value)
            words.append(word)
        try:
            label = float(cells[features])
        except ValueError:
            label = -1.0
        if label != int(label) or not 0 <= label < (3 if name == "iris" else 10):
            raise DataError(f"{path}:{number}: column {features + 1}: {cells[features]!r} is not a class label")
        rows.append(cells[:features])
        labels.append(int(label))
        feature_words.append(words)
    return raw, rows, labels, feature_words


def generate(name, path):
    raw, rows, labels, feature_words = read(name, path)
    features = EXPECTED[name][1]
    scalar = "double" if name == "iris" else "std::uint8_t"
    n = len(rows)
    out = [
        f"// {name}_data.hpp - generated by examples/iris/make_data_header.py; do not edit (a checksum below",
        "// stops an edited header, or one that lost or gained a row, from compiling).",
        f"// Source file: {path.split('/')[-1]}, SHA-256 {hashlib.sha256(raw).hexdigest()}",
        "//",
        ATTRIBUTION[name],
        "#pragma once",
        "",
        "#include <ctnn/data/dataset.hpp>",
        "",
        "#include <array>",
        "#include <cstddef>",
        "#include <cstdint>",
        "",
        f"namespace {name}_data {{",
        "",
        f"inline constexpr std::size_t sample_count = {n};",
        f"inline constexpr std::size_t feature_count = {features};",
        "",
        f"inline constexpr std::array<std::array<{scalar}, {features}>, {n}> features{{{{",
    ]
    for r in rows:
        out.append("    {" + ", ".join(r) + "},")
    out.append("}};")
    out.append("")
    out.append(f"inline constexpr std::array<std::uint8_t, {n}> labels{{")
    text_labels = [str(label) for label in labels]
    for i in range(0, n, 40):
        out.append("    " + ", ".join(text_labels[i:i + 40]) + ",")
    out.append("};")
    out.append("")
    value = checksum(feature_words if name == "iris" else Bytes(feature_words), Bytes(labels))
    out.append(f"inline constexpr std::uint64_t checksum = 0x{value:016x}u;")
    out.append("static_assert(ctnn::checksum(features, labels) == checksum,")
    out.append(f'              "{name}_data.hpp: the data differ from what make_data_header.py wrote '
               '(a value edited, a row lost or added)");')
    out.append("")
    out.append(f"}} // namespace {name}_data")
    return "\n".join(out)


def main(argv):
    if len(argv) != 3 or argv[1] not in EXPECTED:
        print("usage: make_data_header.py iris|digits <source file>  (writes the header to standard output)",
              file=sys.stderr)
        return 2
    try:
        print(generate(argv[1], argv[2]))
    except DataError as e:
        print(f"make_data_header.py: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
