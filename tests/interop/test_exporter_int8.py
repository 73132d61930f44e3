"""ctnn-export --int8 (issue 16): the header declares the float network and int8_model =
ctnn::quantise(model, ranges of the embedded calibration set), and static_asserts that the compiled int8
network reproduces, bit for bit, the int8 outputs the exporter computed with the specification's integer
arithmetic (tools/ctnn_quant.py). Run by ctest:

    test_exporter_int8.py <tools dir> <scratch dir> <C++ compiler> <include dir>...

Checks:
  * a trained 8-24-16-4 ReLU classifier exported with --int8 through the command line (calibration as
    .npy and as text), from ONNX (the same header as from the PyTorch module, but the first line) and the Python
    API (a tensor); the headers compile and run: the program prints
    the int8 network's agreement with the float network's argmax and ctnn::max_output_difference;
  * tools/ctnn_quant.py (the exporter's copy of the arithmetic) against tests/interop/quant_reference.py
    (the reference tested bit for bit against ctnn): the same scales, codes, multipliers and int8 outputs;
  * negative controls that must not compile: an int8 reference output changed by one; ranges that are not
    the calibration set's;
  * refusals, one line and exit status 2, nothing written: --int8 without --calibration, --calibration
    without --int8, a model with a Conv2d / a final Softmax / a Tanh, a calibration file of the wrong width,
    an empty one, a non-finite value, and a pickled .npy (object array: numpy.load(allow_pickle=False)
    refuses it, and its payload never runs).
"""

import contextlib
import io
import os
import pickle
import subprocess
import sys

tools, scratch, compiler, includes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, tools)
sys.path.insert(0, here)
import ctnn_export  # noqa: E402
import ctnn_quant  # noqa: E402
import numpy as np  # noqa: E402
import quant_reference  # noqa: E402
import torch  # noqa: E402

nn = torch.nn
torch.manual_seed(16)
torch.set_num_threads(1)
os.makedirs(scratch, exist_ok=True)
failures = []
include_flags = ["-I" + d for d in includes if d not in ("/usr/include", "/usr/local/include")]


def path(name):
    return os.path.join(scratch, name)


# A small classifier: four Gaussian blobs in 8-D.
generator = torch.Generator().manual_seed(7)
centres = 2.0 * torch.randn(4, 8, generator=generator)
labels = torch.randint(0, 4, (800,), generator=generator)
x = centres[labels] + torch.randn(800, 8, generator=generator)
model = nn.Sequential(nn.Linear(8, 24), nn.ReLU(), nn.Linear(24, 16), nn.ReLU(), nn.Linear(16, 4))
optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
for _ in range(100):
    optimiser.zero_grad()
    nn.functional.cross_entropy(model(x[:600]), labels[:600]).backward()
    optimiser.step()
model.eval()
calibration = x[:200]
held_out = x[600:616]
np.save(path("calibration.npy"), calibration.numpy())
with open(path("calibration.txt"), "w") as f:
    for row in calibration.tolist():
        f.write(" ".join(float(v).hex() for v in row) + "\n")
torch.jit.script(model).save(path("classifier.pt"))

headers = []
for name, arguments in (("int8_npy", ["--calibration", path("calibration.npy")]),
                        ("int8_text", ["--calibration", path("calibration.txt"), "--scalar", "double"])):
    status = ctnn_export.main([path("classifier.pt"), "-o", path(name + ".hpp"), "--int8", "--namespace", name,
                              "--references", "8"] + arguments)
    if status != 0:
        failures.append("ctnn-export --int8 %s failed" % " ".join(arguments))
    headers.append(name)
ctnn_export.export_header(model, path("int8_api.hpp"), namespace="int8_api", int8=True, calibration=calibration,
                          reference_inputs=held_out)
headers.append("int8_api")

# From ONNX: the same --int8 header as from TorchScript, but the first line (the source file's name).
try:
    import onnx  # noqa: F401
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x[:1], path("classifier.onnx"))
    if ctnn_export.main([path("classifier.onnx"), "-o", path("int8_onnx.hpp"), "--int8", "--namespace", "int8_npy",
                         "--references", "8", "--calibration", path("calibration.npy")]) != 0:
        failures.append("ctnn-export classifier.onnx --int8 failed")
    else:
        direct = ctnn_export.export_header(model, None, namespace="int8_npy", int8=True, references=8,
                                           calibration=np.load(path("calibration.npy")))
        with open(path("int8_onnx.hpp")) as f:
            same = f.read().splitlines()[1:] == direct.splitlines()[1:]
        if same:
            print("--int8 from ONNX: the same header as from the PyTorch module (but the first line)")
        else:
            failures.append("--int8 from ONNX differs from --int8 from the PyTorch module")
except ImportError:
    print("no onnx package: the ONNX --int8 comparison is skipped")

# The exporter's arithmetic against quant_reference.py's, on this network.
layers = ctnn_export.convert(model)
rows = ctnn_export._rounded(calibration.tolist(), "float")
inputs = ctnn_export._rounded(held_out.tolist(), "float")
_, ours = ctnn_export._int8_section(layers, "float", rows, inputs, "check")
blocks = ctnn_export.int8_blocks(layers)
net = {"layers": [{"in": b["in"], "out": b["out"], "relu": b["relu"],
                   "float_weights": np.asarray(ctnn_export._rounded(b["layer"]["weight"], "float")).T.reshape(-1),
                   "float_bias": np.asarray(ctnn_export._rounded(b["layer"]["bias"], "float"))} for b in blocks],
       "ranges_min": ours["ranges"][0], "ranges_max": ours["ranges"][1]}
theirs = quant_reference.derive(net)
same = all(a[k] == b[k] for a, b in zip(ours["derived"], theirs)
           for k in ("input", "output", "bias", "specification_bias", "multiplier", "shift", "activation"))
same = same and all((a["codes"] == b["codes"]).all() for a, b in zip(ours["derived"], theirs))
s_in, z_in = theirs[0]["input"]
reference_outputs = [quant_reference.int8_forward(theirs, quant_reference.quantise_input(v, s_in, z_in))
                     for v in inputs]
same = same and reference_outputs == ours["outputs"]
if not same:
    failures.append("tools/ctnn_quant.py and tests/interop/quant_reference.py disagree")
else:
    print("tools/ctnn_quant.py = tests/interop/quant_reference.py on this network: %d layers, %d int8 outputs"
          % (len(theirs), sum(len(v) for v in reference_outputs)))
print("ranges (ctnn's order, float): min %s max %s" % (["%.6g" % v for v in ours["ranges"][0]],
                                                       ["%.6g" % v for v in ours["ranges"][1]]))

# Compile and run: int8 argmax against float argmax, and ctnn's worst output difference.
source = path("int8_program.cpp")
with open(source, "w") as f:
    f.write("#include <cstdio>\n")
    for n in headers:
        f.write('#include "%s.hpp"\n' % n)
    f.write("""
template <class M, class Q, class X>
void report(const char* name, const M& model, const Q& q, const X& xs) {
    std::size_t agree = 0;
    for (const auto& x : xs) {
        const auto y = model.forward(x);
        const auto yq = q.forward(q.quantise_input(x));
        std::size_t a = 0, b = 0;
        for (std::size_t j = 1; j < y.size(); ++j) {
            if (y[j] > y[a]) a = j;
            if (yq[j] > yq[b]) b = j;
        }
        agree += a == b;
    }
    const auto d = ctnn::max_output_difference(model, q, xs);
    std::printf("%s int8_argmax_agrees=%zu/%zu max_output_difference=%g steps=%g\\n", name, agree, xs.size(),
                d.maximum, d.in_steps);
}
#define REPORT(ns) report(#ns, ns::model, ns::int8_model, ns::calibration_inputs)
int main() {
""")
    for n in headers:
        f.write("    REPORT(%s);\n" % n)
    f.write("}\n")
result = subprocess.run([compiler, "-std=c++20", "-O1", "-ffp-contract=off"] + include_flags
                        + ["-I" + scratch, source, "-o", path("int8_program")], capture_output=True, text=True)
if result.returncode != 0:
    failures.append("the --int8 headers do not compile:\n" + result.stderr[-3000:])
else:
    run = subprocess.run([path("int8_program")], capture_output=True, text=True)
    print(run.stdout, end="")
    if run.returncode != 0 or len(run.stdout.splitlines()) != len(headers):
        failures.append("the int8 program failed: " + run.stderr[-1000:])


def must_not_compile(name, text, expected):
    with open(path(name + ".hpp"), "w") as f:
        f.write(text)
    with open(path(name + ".cpp"), "w") as f:
        f.write('#include "%s.hpp"\n' % name)
    result = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-ffp-contract=off"] + include_flags
                            + [path(name + ".cpp")], capture_output=True, text=True)
    if result.returncode == 0 or expected not in result.stderr:
        failures.append("control %s compiled, or failed otherwise:\n%s" % (name, result.stderr[-2000:]))
    else:
        print("control %s: caught (%s)" % (name, next(l for l in result.stderr.splitlines() if expected in l).strip()))


with open(path("int8_api.hpp")) as f:
    good = f.read().replace("int8_api", "PLACEHOLDER")
# One int8 output changed by one.
marker = "int8_reference_outputs{{\n    {{"
at = good.index(marker) + len(marker)
end = good.index(",", at) if good.index(",", at) < good.index("}", at) else good.index("}", at)
first = int(good[at:end])
changed = good[:at] + str(first + 1 if first < 127 else first - 1) + good[end:]
must_not_compile("control_int8_output", changed.replace("PLACEHOLDER", "control_int8_output"),
                 "control_int8_output: ctnn's int8 network differs from the integer reference on int8 reference input 0")
# Ranges that are not the calibration set's (the largest input value doubled).
line = next(l for l in good.splitlines() if "int8_ranges{" in l)
maxima = line.split("}}, {{")[1].split(",")
value = float.fromhex(maxima[0].strip())
wrong = line.replace("}}, {{" + maxima[0], "}}, {{" + (2 * value).hex(), 1)
must_not_compile("control_int8_ranges", good.replace(line, wrong).replace("PLACEHOLDER", "control_int8_ranges"),
                 "control_int8_ranges: ctnn::calibrate over calibration_inputs does not give int8_ranges")


# Refusals.
class Payload:
    def __reduce__(self):
        return (os.system, ("touch %s" % path("PAYLOAD_RAN"),))


np.save(path("hostile.npy"), np.array([Payload()], dtype=object), allow_pickle=True)
np.save(path("wide.npy"), np.zeros((4, 9)))
np.save(path("empty.npy"), np.zeros((0, 8)))
np.save(path("nan.npy"), np.full((2, 8), np.nan))
torch.jit.script(nn.Sequential(nn.Linear(8, 4), nn.Softmax(dim=-1))).save(path("softmax.pt"))
torch.jit.script(nn.Sequential(nn.Linear(8, 4), nn.Tanh())).save(path("tanh.pt"))
torch.jit.script(nn.Sequential(nn.Conv1d(1, 1, 3), nn.Flatten(), nn.Linear(6, 2))).save(path("conv.pt"))
cases = [
    ([path("classifier.pt"), "--int8"], "--int8 needs --calibration FILE"),
    ([path("classifier.pt"), "--calibration", path("calibration.npy")], "--calibration is for --int8"),
    ([path("softmax.pt"), "--int8", "--calibration", path("calibration.npy")], "layer 1 (RecursiveScriptModule(original_name=Softmax)): --int8"),
    ([path("tanh.pt"), "--int8", "--calibration", path("calibration.npy")], "layer 1 (RecursiveScriptModule(original_name=Tanh)): --int8"),
    ([path("conv.pt"), "--int8", "--calibration", path("calibration.npy"), "--input-shape", "1,8"], "layer 0 (RecursiveScriptModule(original_name=Conv1d)): --int8"),
    ([path("classifier.pt"), "--int8", "--calibration", path("wide.npy")], "has 9 values; the network takes 8"),
    ([path("classifier.pt"), "--int8", "--calibration", path("empty.npy")], "holds no calibration samples"),
    ([path("classifier.pt"), "--int8", "--calibration", path("nan.npy")], "not finite"),
    ([path("classifier.pt"), "--int8", "--calibration", path("hostile.npy")], "not a readable .npy array"),
]
for arguments, expected in cases:
    output = path("refused.hpp")
    if os.path.exists(output):
        os.remove(output)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = ctnn_export.main(arguments[:1] + ["-o", output] + arguments[1:])
    message = errors.getvalue()
    if status != 2 or expected not in message or message.count("\n") != 1 or os.path.exists(output):
        failures.append("%s: status %d, stderr %r (expected %r)" % (" ".join(arguments[1:]), status, message, expected))
    else:
        print("refused as expected: %s" % message.strip())
if os.path.exists(path("PAYLOAD_RAN")):
    failures.append("the pickled .npy's payload ran")
try:
    ctnn_export.export_header(model, path("refused.hpp"), int8=True)
    failures.append("export_header(int8=True) without a calibration set succeeded")
except ctnn_export.ExportError as error:
    print("refused as expected: %s" % error)

if failures:
    print("\n".join("FAILED: " + f for f in failures))
    sys.exit(1)
print("test_exporter_int8.py: all checks passed")
