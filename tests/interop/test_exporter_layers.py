"""tools/ctnn-export on the layer families of issue 15: Conv1d, Conv2d, MaxPool/AvgPool 1d and 2d, Flatten,
BatchNorm1d/2d (folded), Dropout (dropped), GRU and LSTM. Run by ctest, once per compiler:

    test_exporter_layers.py <tools dir> <scratch dir> <C++ compiler> <include dir>...

For each model (a small one per family, a digits-sized CNN, a GRU and an LSTM model), in float and in
double, it writes the self-verifying header, compiles one program that includes them all (compiling is the
check: every header static_asserts ctnn's outputs against PyTorch's), and runs it: the program prints, per
header, the largest |ctnn - PyTorch| and the largest ratio of that difference to the header's tolerance
(must be <= 1). The same models also go through the command line (TorchScript, --input-shape).

BatchNorm is exported both ways: folded (the default) and kept as ctnn::batch_norm (batch_norm="keep").

Negative controls, each must fail to compile naming a reference input: a GRU with its r and z gates
exchanged, a convolution with its kernel transposed, a BatchNorm left out of the fold, an LSTM with its
f and g gates exchanged, a kept batch_norm with gamma and beta exchanged.
"""

import os
import re
import subprocess
import sys
import time

tools, scratch, compiler, includes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path.insert(0, tools)
import ctnn_export  # noqa: E402
import torch  # noqa: E402

nn = torch.nn
torch.manual_seed(15)
torch.set_num_threads(1)
os.makedirs(scratch, exist_ok=True)
failures = []
started = time.process_time()


def randomise_batch_norm(model):
    """Running statistics and affine parameters far from the identity, so that a wrong fold shows."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-1.0, 1.0)
                m.running_var.uniform_(0.3, 3.0)
                m.weight.uniform_(0.5, 2.0)
                m.bias.uniform_(-1.0, 1.0)
    return model.eval()


def models():
    """(name, module, input shape)"""
    yield "digits_cnn", randomise_batch_norm(nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64, 10), nn.Softmax(dim=1))), (1, 8, 8)
    yield "conv2d_family", randomise_batch_norm(nn.Sequential(
        nn.Conv2d(2, 3, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(3), nn.Tanh(), nn.AvgPool2d(2, 1),
        nn.Conv2d(3, 2, 2), nn.Sigmoid(), nn.Flatten(), nn.Linear(2 * 2 * 2, 3))), (2, 7, 7)
    yield "conv1d_family", randomise_batch_norm(nn.Sequential(
        nn.Conv1d(2, 4, 3, padding=1), nn.BatchNorm1d(4), nn.ELU(0.5), nn.MaxPool1d(2),
        nn.Conv1d(4, 3, 3, stride=2), nn.LeakyReLU(0.1), nn.AvgPool1d(2), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(3, 4), nn.BatchNorm1d(4), nn.GELU(approximate="tanh"))), (2, 12)
    yield "gru_model", nn.Sequential(nn.GRU(2, 8, batch_first=True), nn.Linear(8, 1)).eval(), (16, 2)
    yield "lstm_model", nn.Sequential(nn.LSTM(3, 6), nn.Tanh(), nn.Flatten(), nn.Linear(8 * 6, 2),
                                      nn.Softmax(dim=-1)).eval(), (8, 3)


def scale_up(model):
    """Weights x2 so that the gates and activations leave their linear range."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "weight" in name and p.dim() > 1:
                p.mul_(2.0)
    return model


def kept_models():
    """BatchNorm kept as ctnn::batch_norm (batch_norm="keep", --batch-norm keep), also where it cannot be
    folded (after an activation), with PyTorch's momentum and eps other than the defaults."""
    yield "digits_cnn_kept", next(models())[1], (1, 8, 8)
    yield "batch_norm_kept", randomise_batch_norm(nn.Sequential(
        nn.Conv1d(2, 3, 3), nn.Tanh(), nn.BatchNorm1d(3, eps=1e-3, momentum=0.01), nn.Flatten(),
        nn.Linear(3 * 6, 4), nn.ReLU(), nn.BatchNorm1d(4), nn.Linear(4, 2))), (2, 8)


namespaces = []
for mode, family in (("fold", models), ("keep", kept_models)):
    for name, model, shape in family():
        scale_up(model)
        for scalar in ("float", "double"):
            namespace = "%s_%s" % (name, scalar)
            module = model if scalar == "float" else model.double()
            ctnn_export.export_header(module, os.path.join(scratch, namespace + ".hpp"), scalar=scalar,
                                      namespace=namespace, input_size=shape, references=4, batch_norm=mode)
            namespaces.append(namespace)

# The command line: a TorchScript archive of the CNN, --input-shape.
cnn = next(m for n, m, s in models() if n == "conv2d_family")
script = os.path.join(scratch, "conv2d_script.pt")
torch.jit.script(cnn).save(script)
if ctnn_export.main([script, "-o", os.path.join(scratch, "conv2d_cli.hpp"), "--input-shape", "2,7,7",
                     "--references", "3", "--namespace", "conv2d_cli"]) != 0:
    failures.append("ctnn-export conv2d_script.pt --input-shape 2,7,7 failed")
namespaces.append("conv2d_cli")
python_seconds = time.process_time() - started


def compile_and_run(names, program):
    source = os.path.join(scratch, program + ".cpp")
    with open(source, "w") as f:
        f.write("#include <cmath>\n#include <cstdio>\n")
        for n in names:
            f.write('#include "%s.hpp"\n' % n)
        f.write("""
template <class M, class X, class Y>
void report(const char* name, const M& model, const X& xs, const Y& ys, const Y& ts) {
    double difference = 0, ratio = 0;
    for (std::size_t k = 0; k < xs.size(); ++k) {
        const auto y = model.forward(xs[k]);
        for (std::size_t j = 0; j < y.size(); ++j) {
            const double d = std::fabs(double(y[j]) - double(ys[k][j]));
            difference = d > difference ? d : difference;
            ratio = d / double(ts[k][j]) > ratio ? d / double(ts[k][j]) : ratio;
        }
    }
    std::printf("%s max_abs_difference=%.3g max_difference_over_tolerance=%.3g\\n", name, difference, ratio);
}
#define REPORT(ns) report(#ns, ns::model, ns::reference_inputs, ns::reference_outputs, ns::reference_tolerances)
int main() {
""")
        for n in names:
            f.write("    REPORT(%s);\n" % n)
        f.write("}\n")
    binary = os.path.join(scratch, program)
    command = [compiler, "-std=c++20", "-O1", "-ffp-contract=off"]
    command += ["-I" + d for d in includes if d not in ("/usr/include", "/usr/local/include")]
    command += ["-I" + scratch, source, "-o", binary]
    t = time.time()
    result = subprocess.run(command, capture_output=True, text=True)
    print("compiled %d headers with %s in %.1f s" % (len(names), os.path.basename(compiler), time.time() - t))
    if result.returncode != 0:
        failures.append("the exported headers do not compile:\n" + result.stderr[-3000:])
        return
    run = subprocess.run([binary], capture_output=True, text=True)
    print(run.stdout, end="")
    for line in run.stdout.splitlines():
        ratio = float(line.rsplit("=", 1)[1])
        if not ratio <= 1.0:
            failures.append("beyond tolerance at run time: " + line)
    if run.returncode != 0 or len(run.stdout.splitlines()) != len(names):
        failures.append("the program failed: " + run.stderr[-1000:])


compile_and_run(namespaces, "layers_program")


# Negative controls: a wrong conversion must not compile.
def control(name, model, shape, mutate, scalar="double", batch_norm="fold"):
    convert = ctnn_export.convert

    def wrong(module, input_size=None, **options):
        layers = convert(module, input_size, **options)
        mutate(layers)
        return layers

    ctnn_export.convert = wrong
    try:
        header = os.path.join(scratch, name + ".hpp")
        ctnn_export.export_header(model.double() if scalar == "double" else model, header, scalar=scalar,
                                  namespace=name, input_size=shape, references=2, batch_norm=batch_norm)
    finally:
        ctnn_export.convert = convert
    source = os.path.join(scratch, name + ".cpp")
    with open(source, "w") as f:
        f.write('#include "%s.hpp"\n' % name)
    command = [compiler, "-std=c++20", "-fsyntax-only", "-ffp-contract=off"]
    command += ["-I" + d for d in includes if d not in ("/usr/include", "/usr/local/include")] + [source]
    result = subprocess.run(command, capture_output=True, text=True)
    expected = "%s: ctnn's forward pass differs from PyTorch's on reference input" % name
    if result.returncode == 0 or expected not in result.stderr:
        failures.append("control %s compiled, or failed otherwise:\n%s" % (name, result.stderr[-2000:]))
    else:
        print("control %s: caught (%s)" % (name, next(l for l in result.stderr.splitlines() if expected in l).strip()))


def swap_rows(values, rows, a, b, block):
    """Exchanges gate blocks a and b (each `block` rows of `rows`-long... ) in a flat [gates*H][n] tensor."""
    out = list(values)
    width = len(values) // rows
    for r in range(block):
        ra, rb = (a * block + r) * width, (b * block + r) * width
        out[ra:ra + width], out[rb:rb + width] = values[rb:rb + width], values[ra:ra + width]
    return out


def swap_gates(layers, a, b):
    for layer in layers:
        if layer["kind"] in ("gru", "lstm"):
            f, h = layer["features"], layer["hidden"]
            gates = 3 if layer["kind"] == "gru" else 4
            p, sizes, at, out = layer["parameters"], [gates * h * f, gates * h * h, gates * h, gates * h], 0, []
            for size in sizes:
                out += swap_rows(p[at:at + size], gates * h, a, b, h)
                at += size
            layer["parameters"] = out


def transpose_kernels(layers):
    for layer in layers:
        if layer["kind"] == "conv2d":
            k = layer["kernel"]
            w = layer["weight"]
            layer["weight"] = [w[(i // (k * k)) * k * k + (i % k) * k + (i % (k * k)) // k] for i in range(len(w))]
            return


def unfold(layers):
    """The Linear's / Conv's own weights, as if the BatchNorm were not there."""
    for layer in layers:
        folded = layer.get("folded")
        if folded:
            s = folded["scale"]
            if layer["kind"] == "dense":
                layer["weight"] = [[v / s[j] for v in row] for j, row in enumerate(layer["weight"])]
            else:
                per = len(layer["weight"]) // len(s)
                layer["weight"] = [v / s[i // per] for i, v in enumerate(layer["weight"])]
            layer["bias"] = folded["bias_before"]
            return


gru = nn.Sequential(nn.GRU(2, 4, batch_first=True), nn.Linear(4, 1)).eval()
lstm = nn.Sequential(nn.LSTM(2, 4, batch_first=True), nn.Flatten(), nn.Linear(12, 2)).eval()
conv = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2)).eval()
folded = randomise_batch_norm(nn.Sequential(nn.Conv1d(1, 3, 3), nn.BatchNorm1d(3), nn.Flatten(), nn.Linear(12, 2)))
for m in (gru, lstm, conv, folded):
    scale_up(m)
control("control_gru_rz", gru, (5, 2), lambda layers: swap_gates(layers, 0, 1))
control("control_lstm_fg", lstm, (3, 2), lambda layers: swap_gates(layers, 1, 2))
control("control_conv_transposed", conv, (1, 4, 4), transpose_kernels, scalar="float")
control("control_not_folded", folded, (1, 6), unfold, scalar="float")


def swap_statistics(layers):
    """gamma and beta exchanged in a kept batch_norm."""
    for layer in layers:
        if layer["kind"] == "batch_norm":
            c, p = layer["channels"], layer["parameters"]
            layer["parameters"] = p[c:2 * c] + p[:c] + p[2 * c:]
            return


control("control_kept_gamma_beta", folded, (1, 6), swap_statistics, scalar="float", batch_norm="keep")

print("python user CPU time (exports): %.1f s" % python_seconds)
if failures:
    print("\n".join("FAILED: " + f for f in failures))
    sys.exit(1)
print("test_exporter_layers.py: all checks passed")
