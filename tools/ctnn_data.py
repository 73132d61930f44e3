#!/usr/bin/env python3
"""ctnn-data: a CSV file -> a C++ header of constexpr arrays for ctnn.

    tools/ctnn-data data.csv --label species -o data.hpp

reads data.csv (header row optional, delimiter detected), takes one column as
the label (by name or 0-based index; the last one by default) and the others
as features, splits the rows into a training and a test part (stratified by
class, with a seed), and writes data.hpp: namespace `data` (from the output's
name, or --namespace) with

    train_features, test_features    std::array<std::array<scalar, feature_count>, N>, the values as read
    train_labels, test_labels        class indices (std::uint8_t or std::uint16_t)
    class_names, feature_names       std::string_view; label i is class_names[i]
    standardise                      ctnn::standardiser fitted on the training rows (in C++, at compile time)
    train_inputs, test_inputs        what to train on: standardised features (--standardise apply)
    train_targets, test_targets      ctnn::one_hot rows (or ctnn::binary_targets with --targets binary)
    checksum                         of the arrays, static_assert-ed: an edited header does not compile

Class labels are mapped to indices in sorted order (numerically when every
label is a number, else as text) unless --classes gives the order; the
mapping is written down as class_names. With --regression the label is a
number to predict: train_targets holds it as a one-value row.

Any problem with the input is one line on standard error, with the file's
line number where there is one, and exit status 2 (never a traceback).
Python's standard library only.
"""
import argparse
import csv
import fractions
import hashlib
import io
import math
import os
import re
import struct
import sys
import tempfile

TOOL = "ctnn-data"


class DataError(Exception):
    """A problem with the input or the arguments: one line, exit status 2."""


# ---------------------------------------------------------------------------
# Numbers, as ctnn/data/csv.hpp reads them
# ---------------------------------------------------------------------------

NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def is_number(text):
    return NUMBER.match(text.strip(" \t")) is not None


def float32_bits(value):
    """The bits of the float nearest to a Fraction (ties to even); None on overflow or underflow to 0."""
    sign = 1 if value < 0 else 0
    a = abs(value)
    if a == 0:
        return sign << 31
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if a < fractions.Fraction(2) ** e:
        e -= 1
    lsb = max(e - 23, -149)
    scaled = a / (fractions.Fraction(2) ** lsb)
    q = scaled.numerator // scaled.denominator
    rest = scaled - q
    if rest > fractions.Fraction(1, 2) or (rest == fractions.Fraction(1, 2) and q % 2 == 1):
        q += 1
    if q == 1 << 24:
        q, lsb = 1 << 23, lsb + 1
    if q == 0:
        return None
    if lsb > 104:  # q * 2^lsb >= 2^128: beyond the largest float, (2^24 - 1) * 2^104
        return None
    if q < 1 << 23:  # subnormal
        return (sign << 31) | q
    return (sign << 31) | ((lsb + 23 + 127) << 23) | (q - (1 << 23))


def bits_to_float32(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


class Scalar:
    """double or float: parsing a cell exactly as C++ does, the literal, the checksum word."""

    def __init__(self, name):
        self.name = name

    def round(self, x):
        """x rounded to the scalar type (an operation's result computed in double, rounded once: exact for
        +, -, *, / and sqrt of floats, as double has more than 2 * 24 + 2 bits)."""
        if self.name == "double":
            return x
        try:
            return struct.unpack("<f", struct.pack("<f", x))[0]
        except OverflowError:
            raise DataError("a standardised value overflows float")

    def value(self, x):
        """(value, checksum word, C++ literal) of a value already exact in the scalar type."""
        if self.name == "double":
            return x, struct.unpack("<Q", struct.pack("<d", x))[0], repr(x)
        literal = "%.9g" % x  # 9 significant digits read back as the same float
        if not any(c in literal for c in ".e"):
            literal += ".0"
        return x, struct.unpack("<I", struct.pack("<f", x))[0], literal + "f"

    def parse(self, text):
        """(value as a Python float, checksum word, C++ literal), or raises ValueError with a reason."""
        text = text.strip(" \t")
        if not NUMBER.match(text):
            raise ValueError("is not a decimal number" if text else "is empty, not a number")
        nonzero = any(c in "123456789" for c in re.split("[eE]", text)[0])
        if self.name == "double":
            value = float(text)
            if math.isinf(value):
                raise ValueError("is too large for double")
            if value == 0 and nonzero:
                raise ValueError("is too small for double (it would be read as 0)")
            return value, struct.unpack("<Q", struct.pack("<d", value))[0], repr(value)
        bits = float32_bits(fractions.Fraction(text))
        if bits is None:
            raise ValueError("is too large for float" if abs(fractions.Fraction(text)) > 1
                             else "is too small for float (it would be read as 0)")
        literal = text.lstrip("+")
        if not any(c in literal for c in ".eE"):
            literal += ".0"
        return bits_to_float32(bits), bits, literal + "f"


# ---------------------------------------------------------------------------
# The checksum of ctnn::checksum (ctnn/data/dataset.hpp)
# ---------------------------------------------------------------------------

MASK = (1 << 64) - 1


def checksum_step(h, w):
    h = ((h ^ (w & MASK)) * 0x100000001B3) & MASK
    return h ^ (h >> 29)


class Bytes(list):
    """An array of 1-byte integers (std::uint8_t): ctnn::checksum packs them 8 to a word."""


def checksum(*arrays):
    """ctnn::checksum: each array a nested list of checksum words (or a Bytes of nested lists of byte values)."""
    h = 0xCBF29CE484222325
    for array in arrays:
        flat, level = [], array
        while isinstance(level, list):  # sizes, outermost first
            h = checksum_step(h, len(level))
            level = level[0] if level else None

        def flatten(x):
            if isinstance(x, list):
                for e in x:
                    flatten(e)
            else:
                flat.append(x)
        flatten(array)
        if isinstance(array, Bytes):
            for i in range(0, len(flat), 8):
                h = checksum_step(h, sum((v & 0xFF) << (8 * k) for k, v in enumerate(flat[i:i + 8])))
        else:
            for w in flat:
                h = checksum_step(h, w)
    return h


# ---------------------------------------------------------------------------
# Reading the CSV file
# ---------------------------------------------------------------------------

class Table:
    def __init__(self):
        self.header = None  # list of names, or None
        self.rows = []      # list of (line number, list of cell texts)
        self.delimiter = ","
        self.sha256 = ""


def detect_delimiter(first_line):
    counts = {d: 0 for d in ",;\t|"}
    quoted = False
    for c in first_line:
        if c == '"':
            quoted = not quoted
        elif not quoted and c in counts:
            counts[c] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def describe_delimiter(d):
    return {"\t": "tab", ",": "','", ";": "';'", "|": "'|'", " ": "space"}.get(d, repr(d))


def read_table(path, delimiter=None, header=None):
    """The cells of every non-blank record; header: True, False or None (detect later)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror}")
    table = Table()
    table.sha256 = hashlib.sha256(raw).hexdigest()
    if raw.startswith(b"\x1f\x8b"):
        import gzip
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise DataError(f"{path}: a damaged gzip file: {e}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x})")
    if "\0" in text:
        line = text[:text.index("\0")].count("\n") + 1
        raise DataError(f"{path}:{line}: a NUL byte: this is not a text file")
    if not text.strip():
        raise DataError(f"{path}: the file is empty")
    first_line = next(line for line in text.splitlines() if line.strip())
    if delimiter is None:
        delimiter = detect_delimiter(first_line)
    table.delimiter = delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            line = start
            start = reader.line_num + 1
            if not cells or all(not c.strip(" \t") for c in cells) and len(cells) == 1:
                continue
            table.rows.append((line, [c.strip(" \t") for c in cells]))
    except csv.Error as e:
        raise DataError(f"{path}:{start}: malformed CSV: {e}")
    return table


def parse_label_argument(label, header, width, path):
    """The 0-based label column."""
    if label is None:
        return width - 1
    if header is not None and label in header:
        return header.index(label)
    if re.fullmatch(r"-?[0-9]+", label):
        index = int(label)
        if index < 0:
            index += width
        if not 0 <= index < width:
            raise DataError(f"{path}: --label {label}: the rows have {width} columns (0 to {width - 1})")
        return index
    if header is None:
        raise DataError(f"{path}: --label {label}: the file has no header row to find a column by name "
                        f"(give the column's 0-based index, or --header)")
    raise DataError(f"{path}: --label {label}: no such column; the columns are: " + ", ".join(header))


# ---------------------------------------------------------------------------
# The data set
# ---------------------------------------------------------------------------

class SplitMix64:
    """ctnn::splitmix64 (ctnn/core/random.hpp): the same split at every run."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return ((self.next() >> 32) * n) >> 32

    def shuffle(self, items):
        for i in range(len(items), 1, -1):
            j = self.below(i)
            items[i - 1], items[j] = items[j], items[i - 1]


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
CPP_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline
int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch template this
thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while xor
xor_eq std ctnn""".split())


def check_identifier(name, what):
    if not IDENTIFIER.match(name) or name in CPP_KEYWORDS or name.startswith("__") or re.match(r"_[A-Z]", name):
        raise DataError(f"{what} {name!r} is not a usable C++ identifier (letters, digits and _, not a keyword, "
                        f"not reserved)")
    return name


def cpp_string(text):
    """A C++ string literal of any text: escaped, so it cannot leave its quotes."""
    out = []
    for c in text:
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif 32 <= ord(c) < 127:
            out.append(c)
        else:
            for b in c.encode("utf-8"):
                out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def comment_text(text):
    """Text safe inside a // comment: printable ASCII, no trailing backslash."""
    safe = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    return safe.rstrip("\\") + ("?" if safe.endswith("\\") else "")


def label_sort_key(value):
    return float(value) if is_number(value) else value


def build(args):
    scalar = Scalar(args.scalar)
    path = args.csv
    table = read_table(path, args.delimiter, args.header)
    first_line, first = table.rows[0]
    width = len(first)
    if width < 2:
        raise DataError(f"{path}:{first_line}: only one column with delimiter {describe_delimiter(table.delimiter)} "
                        f"(is that the file's delimiter? give it with --delimiter); a label and at least one "
                        f"feature are needed")
    # Header: given, or detected (a non-number among the cells that are not the label).
    has_header = args.header
    label_arg = args.label
    if has_header is None:
        if label_arg is not None and not re.fullmatch(r"-?[0-9]+", label_arg):
            if label_arg not in first and all(is_number(c) for c in first):
                raise DataError(f"{path}:{first_line}: --label {label_arg}: the file has no header row to find a "
                                f"column by name (its first line holds numbers only); give the column's 0-based "
                                f"index")
            has_header = True  # a column found by name: the first row must name it
        else:
            probe = width - 1 if label_arg is None else int(label_arg) % width if -width <= int(label_arg) < width \
                else None
            has_header = any(not is_number(c) for i, c in enumerate(first) if i != probe)
    header = first if has_header else None
    rows = table.rows[1:] if has_header else table.rows
    if header is not None and len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        raise DataError(f"{path}:{first_line}: the header names column {duplicate!r} twice")
    if not rows:
        raise DataError(f"{path}: no data rows" + (" (only a header)" if has_header else ""))
    label = parse_label_argument(label_arg, header, width, path)
    for line, cells in rows:
        if len(cells) != width:
            raise DataError(f"{path}:{line}: {len(cells)} cells, but the {'header' if has_header else 'first row'} "
                            f"(line {first_line}) has {width} (delimiter {describe_delimiter(table.delimiter)})")
    if args.expect_rows is not None and len(rows) != args.expect_rows:
        raise DataError(f"{path}: {len(rows)} data rows, but --expect-rows {args.expect_rows}")
    names = header if header is not None else [f"column {i}" for i in range(width)]
    feature_columns = [i for i in range(width) if i != label]

    def cell_error(line, column, text, reason):
        return DataError(f"{path}:{line}: column {column + 1} ({names[column]}): {text!r} {reason}")

    features = []  # per row: list of (value, word, literal)
    for line, cells in rows:
        row = []
        for i in feature_columns:
            try:
                row.append(scalar.parse(cells[i]))
            except ValueError as e:
                raise cell_error(line, i, cells[i], str(e))
        features.append(row)

    raw_labels = [cells[label] for _, cells in rows]
    if args.regression:
        targets = []
        for (line, cells), text in zip(rows, raw_labels):
            try:
                targets.append(scalar.parse(text))
            except ValueError as e:
                raise cell_error(line, label, text, str(e))
        classes = None
    else:
        for (line, _), text in zip(rows, raw_labels):
            if text == "":
                raise cell_error(line, label, text, "is an empty label")
        if args.classes is not None:
            classes = args.classes
            if len(set(classes)) != len(classes):
                raise DataError("--classes names a class twice")
            for (line, _), text in zip(rows, raw_labels):
                if text not in classes:
                    raise cell_error(line, label, text, "is none of --classes " + ",".join(classes))
        else:
            found = set(raw_labels)
            numeric = all(is_number(t) for t in found)
            if numeric:
                by_value = {}
                for t in found:
                    by_value.setdefault(float(t), []).append(t)
                for value, spellings in by_value.items():
                    if len(spellings) > 1:
                        raise DataError(f"{path}: labels {' and '.join(sorted(spellings))} are the same number: "
                                        f"write each class one way")
            classes = sorted(found, key=(lambda t: float(t)) if numeric else (lambda t: t))
        if len(classes) < 2:
            raise DataError(f"{path}: the label column ({names[label]}) holds one class only: {classes[0]!r}")
        if len(classes) > 65535:
            raise DataError(f"{path}: {len(classes)} classes in the label column ({names[label]}): is it a "
                            f"number to predict? use --regression")
        index = {c: i for i, c in enumerate(classes)}
        targets = [index[t] for t in raw_labels]
        if args.targets == "binary" and len(classes) != 2:
            raise DataError(f"--targets binary needs two classes, the label column has {len(classes)}")

    # Split: per class (stratified), the rows of each class shuffled by
    # ctnn::splitmix64(seed), round(fraction * count) of them to the test part.
    n = len(rows)
    if not 0 <= args.test_fraction < 1:
        raise DataError(f"--test-fraction {args.test_fraction}: must be in [0, 1)")
    gen = SplitMix64(args.seed)
    test = set()
    if args.test_fraction > 0:
        groups = [list(range(n))] if args.regression else \
            [[r for r in range(n) if targets[r] == c] for c in range(len(classes))]
        for group in groups:
            gen.shuffle(group)
            test.update(group[:int(math.floor(args.test_fraction * len(group) + 0.5))])
        if not test:
            raise DataError(f"--test-fraction {args.test_fraction} leaves no test rows among {n}: give a larger "
                            f"fraction, or 0 for no split")
        if len(test) == n:
            raise DataError(f"--test-fraction {args.test_fraction} leaves no training rows")
    train_rows = [r for r in range(n) if r not in test]
    test_rows = [r for r in range(n) if r in test]
    return dict(table=table, path=path, header=header, names=names, label=label, feature_columns=feature_columns,
                features=features, targets=targets, classes=classes, rows=rows, train=train_rows, test=test_rows,
                scalar=scalar)


def format_rows(rows, indent="    "):
    return "\n".join(indent + "{" + ", ".join(v[2] for v in row) + "}," for row in rows)


def format_list(values, per_line=20, indent="    "):
    return "\n".join(indent + ", ".join(values[i:i + per_line]) + "," for i in range(0, len(values), per_line))


def standardisation(scalar, rows, nx):
    """ctnn::standardiser<T, NX>::fit (ctnn/data/dataset.hpp), operation by operation in T: (mean, stddev)."""
    r = scalar.round
    mean, sd = [0.0] * nx, [0.0] * nx
    for row in rows:
        for i in range(nx):
            mean[i] = r(mean[i] + row[i][0])
    count = r(float(len(rows)))
    mean = [r(m / count) for m in mean]
    for row in rows:
        for i in range(nx):
            e = r(row[i][0] - mean[i])
            sd[i] = r(sd[i] + r(e * e))
    sd = [r(math.sqrt(r(v / count))) for v in sd]
    return mean, sd


def standardised(scalar, row, mean, sd):
    """ctnn::standardiser::operator(): (x - mean) / stddev in T, or x - mean for a constant feature."""
    r = scalar.round
    return [scalar.value(r(r(x[0] - m) / s) if s > 0 else r(x[0] - m)) for x, m, s in zip(row, mean, sd)]


def write_header(d, args, namespace):
    scalar = d["scalar"]
    nx = len(d["feature_columns"])
    split = bool(d["test"])
    parts = [("train", d["train"]), ("test", d["test"])] if split else [("all", d["train"])]
    regression = args.regression
    label_type = None
    if not regression:
        label_type = "std::uint8_t" if len(d["classes"]) <= 256 else "std::uint16_t"
    fit_rows = [d["features"][r] for r in parts[0][1]]
    standardiser = None
    if args.standardise != "none":
        mean, sd = standardisation(scalar, fit_rows, nx)
        standardiser = ([scalar.value(m) for m in mean], [scalar.value(v) for v in sd])
        statistics = (mean, sd)

    out = []
    source = os.path.basename(d["path"])
    out.append(f"// {comment_text(os.path.basename(args.output))} - generated by tools/ctnn-data; do not edit: the "
               f"checksum below")
    out.append("// stops an edited header (a value changed, a row lost or added) from compiling.")
    out.append(f"// Source: {comment_text(source)}, SHA-256 {d['table'].sha256},")
    out.append(f"// {len(d['rows'])} data rows (lines {d['rows'][0][0]} to {d['rows'][-1][0]}), delimiter "
               f"{describe_delimiter(d['table'].delimiter)}, label column {d['label']} "
               f"({comment_text(d['names'][d['label']])}).")
    if split:
        how = "shuffled" if regression else "stratified by class"
        out.append(f"// Split: {len(d['train'])} training and {len(d['test'])} test rows, {how}, "
                   f"ctnn::splitmix64 seed {args.seed}; each part in file order.")
    if args.standardise == "apply":
        out.append("// Inputs: standardised with the mean and standard deviation of the "
                   f"{'training ' if split else ''}rows (`standardise`; apply it to new inputs too).")
    elif args.standardise == "store":
        out.append("// Inputs: as read; `standardise` (fitted on the "
                   f"{'training ' if split else ''}rows) is there to apply.")
    else:
        out.append("// Inputs: as read.")
    out.append("#pragma once")
    out.append("")
    out.append("#include <ctnn/data/dataset.hpp>")
    out.append("")
    out.append("#include <array>")
    out.append("#include <cstddef>")
    out.append("#include <cstdint>")
    out.append("#include <string_view>")
    out.append("")
    out.append(f"namespace {namespace} {{")
    out.append("")
    out.append(f"using scalar = {scalar.name};")
    out.append(f"inline constexpr std::size_t feature_count = {nx};")
    if not regression:
        out.append(f"inline constexpr std::size_t class_count = {len(d['classes'])};")
    out.append(f"inline constexpr std::size_t sample_count = {len(d['rows'])};")
    for name, rows in parts:
        out.append(f"inline constexpr std::size_t {name}_count = {len(rows)};")
    out.append("")
    out.append("inline constexpr std::array<std::string_view, feature_count> feature_names{")
    out.append(format_list([cpp_string(d["names"][i]) for i in d["feature_columns"]], 8) + "\n};")
    if not regression:
        out.append("// Label i is class i: class_names[i] in the CSV file.")
        out.append("inline constexpr std::array<std::string_view, class_count> class_names{")
        out.append(format_list([cpp_string(c) for c in d["classes"]], 8) + "\n};")
    out.append("")
    words = []
    checked = []
    if standardiser is not None:
        out.append("// standardise(x) = (x - mean) / stddev per feature (x - mean where stddev is 0):")
        out.append("// ctnn::standardiser<scalar, feature_count>::fit of the "
                   f"{'training ' if split else ''}rows as read, to the last bit.")
        out.append("inline constexpr ctnn::standardiser<scalar, feature_count> standardise{")
        out.append("    {" + ", ".join(v[2] for v in standardiser[0]) + "},")
        out.append("    {" + ", ".join(v[2] for v in standardiser[1]) + "},")
        out.append("};")
        out.append("")
        words += [[v[1] for v in standardiser[0]], [v[1] for v in standardiser[1]]]
        checked += ["standardise.mean", "standardise.stddev"]
    for name, rows in parts:
        prefix = "" if name == "all" else name + "_"
        title = {"train": "Training rows", "test": "Test rows", "all": "All rows"}[name]
        if args.standardise == "apply":
            values = [standardised(scalar, d["features"][r], *statistics) for r in rows]
            out.append(f"// {title}, standardised (CSV line of each: {prefix}lines).")
        else:
            values = [d["features"][r] for r in rows]
            out.append(f"// {title} as read (CSV line of each: {prefix}lines).")
        out.append(f"inline constexpr std::array<std::array<scalar, feature_count>, {name}_count> "
                   f"{prefix}inputs{{{{")
        out.append(format_rows(values))
        out.append("}};")
        words.append([[v[1] for v in row] for row in values])
        checked.append(f"{prefix}inputs")
        if regression:
            out.append(f"inline constexpr std::array<std::array<scalar, 1>, {name}_count> {prefix}targets{{{{")
            out.append(format_list(["{" + d["targets"][r][2] + "}" for r in rows], 10))
            out.append("}};")
            words.append([[d["targets"][r][1]] for r in rows])
            checked.append(f"{prefix}targets")
        else:
            out.append(f"inline constexpr std::array<{label_type}, {name}_count> {prefix}labels{{")
            out.append(format_list([str(d["targets"][r]) for r in rows], 30))
            out.append("};")
            label_words = [d["targets"][r] for r in rows]
            words.append(Bytes(label_words) if label_type == "std::uint8_t" else label_words)
            checked.append(f"{prefix}labels")
        out.append(f"inline constexpr std::array<std::uint32_t, {name}_count> {prefix}lines{{")
        out.append(format_list([str(d["rows"][r][0]) for r in rows], 20))
        out.append("};")
        words.append([d["rows"][r][0] for r in rows])
        checked.append(f"{prefix}lines")
        if not regression:
            if args.targets == "binary":
                out.append(f"inline constexpr auto {prefix}targets = ctnn::binary_targets<scalar>({prefix}labels);")
            else:
                out.append(f"inline constexpr auto {prefix}targets = ctnn::one_hot<class_count, scalar>"
                           f"({prefix}labels);")
        out.append("")
    out.append(f"inline constexpr std::uint64_t checksum = 0x{checksum(*words):016x}u;")
    out.append(f"static_assert(ctnn::checksum({', '.join(checked)}) == checksum,")
    out.append(f'              "{namespace}: the data differ from what tools/ctnn-data wrote (a value was edited, '
               f'or a row lost or added): generate the header again");')
    out.append("")
    out.append(f"}} // namespace {namespace}")
    return "\n".join(out) + "\n"


def write_output(path, text):
    """Writes path through a new temporary file in its folder (no links followed), then renames."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise DataError(f"-o {path}: is a folder")
    if not os.path.isdir(folder):
        raise DataError(f"-o {path}: the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".ctnn-data-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise DataError(f"-o {path}: cannot write: {e.strerror}")


def parser():
    p = argparse.ArgumentParser(
        prog=TOOL, description="Turn a CSV file into a C++ header of constexpr arrays for ctnn: features, "
        "labels or targets, a stratified train/test split, standardisation, class names and a checksum that "
        "the header static_asserts.",
        epilog="Exit status: 0 written; 2 a problem with the input or the arguments (one line on stderr, with "
        "the CSV line number). The header includes <ctnn/data/dataset.hpp>.")
    p.add_argument("csv", help="the CSV file (UTF-8; .gz accepted)")
    p.add_argument("-o", "--output", required=True, help="the header to write")
    p.add_argument("--label", help="the label column: a header name or a 0-based index (negative: from the end); "
                   "default: the last column")
    p.add_argument("--namespace", help="the C++ namespace (default: the output file's name without .hpp)")
    p.add_argument("--delimiter", help="the cell delimiter, one character or 'tab' (default: detected from the "
                   "first line among , ; tab |)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--header", dest="header", action="store_const", const=True,
                   help="the first row is a header (default: detected: a header has a cell that is not a number)")
    g.add_argument("--no-header", dest="header", action="store_const", const=False, help="the first row is data")
    p.add_argument("--scalar", choices=["double", "float"], default="double", help="the feature type (default double)")
    p.add_argument("--test-fraction", type=float, default=0.2,
                   help="the part of each class held out for testing (default 0.2; 0: no split, arrays all_*)")
    p.add_argument("--seed", type=int, default=0, help="the split's seed (ctnn::splitmix64; default 0)")
    p.add_argument("--standardise", choices=["apply", "store", "none"], default="apply",
                   help="apply: *_inputs are standardised with the training rows' mean and deviation (default); "
                   "store: *_inputs are the raw features, `standardise` is there to apply; none: no standardiser")
    p.add_argument("--targets", choices=["one_hot", "binary"], default="one_hot",
                   help="one_hot: one output per class (default); binary: two classes, one output "
                   "(class_names[1] is 1), ctnn::binary_targets")
    p.add_argument("--classes", help="the class names in label order, comma-separated (default: sorted)")
    p.add_argument("--regression", action="store_true", help="the label is a number to predict, not a class")
    p.add_argument("--expect-rows", type=int, help="fail unless the file has exactly this many data rows")
    return p


def main(argv=None):
    p = parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:  # argparse: usage errors exit 2, --help exits 0
        return e.code if isinstance(e.code, int) else 2
    try:
        if args.delimiter is not None:
            if args.delimiter in ("tab", "\\t"):
                args.delimiter = "\t"
            if len(args.delimiter) != 1 or args.delimiter in "\"\r\n" or args.delimiter.isalnum() or \
                    args.delimiter in ".-+":
                raise DataError(f"--delimiter {args.delimiter!r}: one character other than a quote, a letter, a "
                                f"digit, '.', '+', '-' or a line break")
        if args.classes is not None:
            args.classes = args.classes.split(",")
        if args.regression and (args.classes is not None or args.targets != "one_hot"):
            raise DataError("--regression takes neither --classes nor --targets")
        if not 0 <= args.seed < 2 ** 64:
            raise DataError(f"--seed {args.seed}: must be in [0, 2^64)")
        if not math.isfinite(args.test_fraction):
            raise DataError(f"--test-fraction {args.test_fraction}: must be in [0, 1)")
        namespace = args.namespace
        if namespace is None:
            namespace = os.path.basename(args.output)
            namespace = namespace[:-4] if namespace.endswith(".hpp") else namespace.rsplit(".", 1)[0]
            what = "the namespace from the output's name"
        else:
            what = "--namespace"
        check_identifier(namespace, what + (" (give one with --namespace)" if args.namespace is None else ""))
        if os.path.exists(args.output) and os.path.exists(args.csv) and os.path.samefile(args.output, args.csv):
            raise DataError(f"-o {args.output}: that is the input file")
        d = build(args)
        write_output(args.output, write_header(d, args, namespace))
    except DataError as e:
        print(f"{TOOL}: error: {e}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"{TOOL}: error: the input is nested too deeply", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"{TOOL}: error: the input is too large for this machine's memory", file=sys.stderr)
        return 2
    except Exception as e:  # a bug of this tool: still one line, and a status of its own
        print(f"{TOOL}: internal error (please report it with the input): {type(e).__name__}: {e}",
              file=sys.stderr)
        return 3
    d_count = (len(d["train"]), len(d["test"]))
    print(f"{TOOL}: wrote {args.output}: namespace {namespace}, {len(d['rows'])} rows "
          f"({d_count[0]} training, {d_count[1]} test), {len(d['feature_columns'])} features"
          + ("" if args.regression else f", {len(d['classes'])} classes"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
