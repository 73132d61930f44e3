"""tools/ctnn-export refuses what it cannot convert, with a message naming the layer, and writes
nothing; its number formatting and the text loader are exact. Run by ctest:

    test_exporter.py <tools dir> <scratch dir> [<C++ compiler> <include dir>...]

With a compiler, also checks that the self-verification is not vacuous: a header whose weights were
converted wrongly (not transposed) must fail to compile, naming the reference input.
"""

import contextlib
import io
import os
import subprocess
import sys

tools, scratch = sys.argv[1], sys.argv[2]
sys.path.insert(0, tools)
import ctnn_export  # noqa: E402
import numpy  # noqa: E402
import torch  # noqa: E402

nn = torch.nn
os.makedirs(scratch, exist_ok=True)
failures = []


def refuses(module, *expected, **options):
    """export_header(module) must raise ExportError whose message contains every `expected` piece."""
    target = os.path.join(scratch, "refused.hpp")
    if os.path.exists(target):
        os.remove(target)
    try:
        ctnn_export.export_header(module, target, **options)
    except ctnn_export.ExportError as error:
        message = str(error)
        missing = [piece for piece in expected if piece not in message]
        if missing:
            failures.append("message %r lacks %r" % (message, missing))
        if os.path.exists(target):
            failures.append("a header was written although the export failed: %s" % message)
        print("refused as expected: %s" % message)
        return
    failures.append("exported %s although it should have been refused" % (module,))


class Doubled(nn.Linear):
    def forward(self, x):
        return 2 * super().forward(x)


class NotSequential(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)

    def forward(self, x):
        return self.linear(x)


refuses(nn.Sequential(nn.Conv3d(1, 2, 3), nn.ReLU()), "layer 0", "Conv3d", "supported:")
# Issue 15's layers: what ctnn's forms cannot express is refused, naming the layer.
refuses(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU()), "Conv2d", "input_size=(C, L)")  # no input shape
refuses(nn.Sequential(nn.Conv2d(1, 2, (3, 2))), "layer 0", "kernel size", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Conv2d(1, 2, 3, dilation=2)), "layer 0", "dilation", input_size=(1, 9, 9))
refuses(nn.Sequential(nn.Conv2d(2, 2, 3, groups=2)), "layer 0", "groups", input_size=(2, 5, 5))
refuses(nn.Sequential(nn.Conv2d(1, 2, 3, padding="same")), "layer 0", "padding='same'", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, padding_mode="reflect")), "reflect", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Conv2d(2, 2, 3)), "takes 2 channels", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Conv1d(1, 2, 3)), "layer 0", "C x L", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Linear(3, 2)), "layer 1", "nn.Flatten()", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Conv2d(1, 2, 7)), "larger than the padded input", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.MaxPool2d(2, padding=1)), "layer 0", "padding=0", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.MaxPool2d(2, ceil_mode=True)), "layer 0", "ceil_mode", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.AvgPool2d(2, divisor_override=3)), "divisor_override", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Flatten(0)), "start_dim=1", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.GRU(2, 3, num_layers=2)), "layer 0", "num_layers=1", input_size=(4, 2))
refuses(nn.Sequential(nn.LSTM(2, 3, bidirectional=True)), "layer 0", "bidirectional", input_size=(4, 2))
refuses(nn.Sequential(nn.LSTM(2, 3, proj_size=2)), "layer 0", "proj_size", input_size=(4, 2))
refuses(nn.Sequential(nn.GRU(3, 3)), "takes 3 features", input_size=(4, 2))
refuses(nn.Sequential(nn.Conv1d(1, 2, 2), nn.GRU(3, 3)), "layer 1", "needs a sequence", input_size=(1, 4))
refuses(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8)), "layer 2", "directly before it")
refuses(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm1d(2)), "layer 1", "BatchNorm2d", input_size=(1, 5, 5))
refuses(nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8, track_running_stats=False)), "layer 1",
        "running statistics")
refuses(nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(6)), "layer 1", "normalises 6 features")
refuses(nn.Sequential(nn.Dropout(), nn.Dropout()), "only Dropouts", input_size=4)
refuses(nn.Sequential(nn.GRU(2, 3), nn.Softmax(dim=-1)), "layer 1", "over a vector", input_size=(4, 2))
refuses(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(10, 1)), "layer 2", "Linear(in_features=10",
        "takes 10 inputs", "layer 0", "produces 8")
refuses(nn.Sequential(nn.Linear(4, 8), nn.Softmax(dim=-1), nn.Linear(8, 2)), "layer 1", "Softmax must be the last")
refuses(nn.Sequential(nn.Linear(4, 8), nn.Softmax(dim=0)), "layer 1", "dim=0")
refuses(nn.Sequential(nn.Linear(4, 8), nn.GELU()), "layer 1", "approximate='tanh'")
refuses(nn.Sequential(nn.Linear(4, 8), nn.LogSoftmax(dim=-1)), "layer 1", "LogSoftmax")
refuses(nn.Sequential(nn.Linear(4, 8), nn.Sequential(nn.ReLU(), nn.Hardtanh())), "layer 1.1", "Hardtanh")
refuses(nn.Sequential(Doubled(4, 8)), "layer 0", "Doubled", "subclass of Linear")
refuses(nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(1e-30)), "layer 1", "negative_slope")
refuses(NotSequential(), "NotSequential", "nn.Sequential")
refuses(nn.Sequential(), "empty")
refuses(nn.Sequential(nn.ReLU()), "input size")
with torch.no_grad():
    broken = nn.Sequential(nn.Linear(2, 2))
    broken[0].weight[0, 0] = float("nan")
refuses(broken, "layer 0", "non-finite")
refuses(nn.Sequential(nn.Linear(2, 2)), "namespace", namespace="int")

# The command line: exit status 2, the message on stderr, no header written.
model_path = os.path.join(scratch, "dropout.pt")
torch.save(nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.1), nn.Hardswish()), model_path)
state_path = os.path.join(scratch, "state.pt")
torch.save(nn.Sequential(nn.Linear(3, 3)).state_dict(), state_path)
environment = dict(os.environ, CTNN_PYTHON=sys.executable)
output = os.path.join(scratch, "cli.hpp")
if os.path.exists(output):
    os.remove(output)
run = subprocess.run([os.path.join(tools, "ctnn-export"), model_path, "-o", output, "--trust-pickle"],
                     capture_output=True, text=True, env=environment)
expected = "layer 2 (Hardswish())"
if run.returncode != 2 or expected not in run.stderr or os.path.exists(output):
    failures.append("ctnn-export %s: status %d, stderr %r" % (model_path, run.returncode, run.stderr))
else:
    print("command line refused as expected: %s" % run.stderr.strip().splitlines()[0])
# The same code in this process (a second torch import would cost a second or more).
errors = io.StringIO()
with contextlib.redirect_stderr(errors):
    status = ctnn_export.main([state_path, "-o", output])
if status != 2 or "state_dict" not in errors.getvalue() or os.path.exists(output):
    failures.append("ctnn-export %s: status %d, stderr %r" % (state_path, status, errors.getvalue()))

# Literals read back to the very same value.
generator = numpy.random.default_rng(5)
values = numpy.concatenate([generator.standard_normal(2000) * 10.0 ** generator.integers(-40, 38, 2000),
                            [0.1, 1.0, 3.0, 1e-45, 1.17549435e-38, 3.4028235e38, 16777217.0, -0.0]])
for v in values.astype(numpy.float32):
    text = ctnn_export._literal(float(v), "float")
    if not text.endswith("f") or numpy.float32(text[:-1]) != v:
        failures.append("float literal %s != %r" % (text, v))
for v in generator.standard_normal(2000) * 10.0 ** generator.integers(-300, 300, 2000):
    if float(ctnn_export._literal(float(v), "double")) != v:
        failures.append("double literal of %r" % v)

# The text loader: what save_text writes loads back to the same module, bit for bit.
zoo = nn.Sequential(nn.Tanh(), nn.Linear(3, 4), nn.LeakyReLU(0.125), nn.Linear(4, 4), nn.ELU(2.0), nn.Linear(4, 2),
                    nn.GELU(approximate="tanh"), nn.Sigmoid(), nn.Identity(), nn.Softmax(dim=-1))
for dtype in (torch.float32, torch.float64):
    source = zoo.to(dtype)
    text = ctnn_export.save_text(source)
    loaded = ctnn_export.load_text(text)
    same = all(torch.equal(a, b) for a, b in zip(source.state_dict().values(), loaded.state_dict().values()))
    x = torch.randn(5, 3, dtype=dtype)
    if not same or not torch.equal(source(x), loaded(x)) or ctnn_export.save_text(loaded) != text:
        failures.append("save_text / load_text round trip (%s)" % dtype)
for bad, expected in (("ctnn-network 2\n", "version"), ("ctnn-network 1\nscalar half\n", "half"),
                      ("ctnn-network 1\nscalar float\ninput 2\nlayers 1\ndense 3 1\n", "dense takes 3"),
                      ("ctnn-network 1\nscalar float\ninput 1\nlayers 1\ndense 1 2\n0x1p+0\n", "expected 2 values")):
    try:
        ctnn_export.load_text(bad)
        failures.append("load_text accepted %r" % bad)
    except ctnn_export.ExportError as error:
        if expected not in str(error):
            failures.append("load_text: %r lacks %r" % (str(error), expected))

# The self-check catches a wrong conversion: PyTorch's [out][in] weight used without transposing.
if len(sys.argv) > 3:
    compiler, includes = sys.argv[3], sys.argv[4:]
    square = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))
    convert = ctnn_export.convert

    def untransposed(module, input_size=None):
        layers = convert(module, input_size)
        for layer in layers:
            if layer["kind"] == "dense" and layer["inputs"] == layer["outputs"]:
                layer["weight"] = [list(row) for row in zip(*layer["weight"])]
        return layers

    results = {}
    for name, converter in (("correct", convert), ("untransposed", untransposed)):
        ctnn_export.convert = converter
        header = os.path.join(scratch, name + ".hpp")
        ctnn_export.export_header(square, header, namespace=name)
        ctnn_export.convert = convert
        source = os.path.join(scratch, name + ".cpp")
        with open(source, "w") as f:
            f.write('#include "%s.hpp"\n' % name)
        command = [compiler, "-std=c++20", "-fsyntax-only", "-ffp-contract=off"]
        # The compiler's own directories are searched anyway; naming them with -I would reorder them.
        command += ["-I" + d for d in includes if d not in ("/usr/include", "/usr/local/include")] + [source]
        results[name] = subprocess.run(command, capture_output=True, text=True)
    if results["correct"].returncode != 0:
        failures.append("the correct header does not compile:\n" + results["correct"].stderr[-2000:])
    bad = results["untransposed"]
    expected = "untransposed: ctnn's forward pass differs from PyTorch's on reference input"
    if bad.returncode == 0 or expected not in bad.stderr:
        failures.append("a header with untransposed weights compiled, or failed otherwise:\n" + bad.stderr[-2000:])
    else:
        print("self-check caught untransposed weights: %s" % next(l for l in bad.stderr.splitlines() if expected in l))

if failures:
    print("\n".join("FAILED: " + f for f in failures))
    sys.exit(1)
print("test_exporter.py: all checks passed")
