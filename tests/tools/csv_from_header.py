#!/usr/bin/env python3
"""Writes a data header of the examples (features, labels) back as a CSV file:
    csv_from_header.py examples/digits/digits_data.hpp digits.csv
one row per sample, the features then the label, no header row."""
import re
import sys


def main(header, out):
    text = open(header).read()
    features = re.search(r"features\{\{\n(.*?)\n\}\};", text, re.S).group(1)
    rows = [re.findall(r"[-0-9.e+]+", line) for line in features.splitlines()]
    labels = re.findall(r"[0-9]+", re.search(r"labels\{\n(.*?)\n\};", text, re.S).group(1))
    if len(rows) != len(labels):
        sys.exit(f"csv_from_header.py: {len(rows)} rows but {len(labels)} labels in {header}")
    with open(out, "w") as f:
        for row, label in zip(rows, labels):
            f.write(",".join(row + [label]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
