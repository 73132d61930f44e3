"""ctnn-export model.onnx: ONNX import (issue 15). Run by ctest:

    test_exporter_onnx.py <tools dir> <scratch dir> <C++ compiler> <include dir>...

Exits 0 with "SKIPPED" on its last line when the onnx package is missing (Debian: python3-onnx).

1. Same header as the direct path. Each model goes to ONNX with torch.onnx.export and back through
   ctnn-export; the header must equal, byte for byte, the one exported from the PyTorch module, except the
   first line (which names the source file). Models: an MLP, a Conv1d/pool/BatchNorm model, a digits-sized
   CNN with BatchNorm2d, a GRU model and an LSTM model (the gate reorderings are checked here: a wrong
   order changes every weight line). Exported with training=TrainingMode.PRESERVE, which keeps
   BatchNormalization nodes (also with --batch-norm keep); the CNN's Dropout is not in the ONNX graph, so its header lacks the
   "+ Dropout(...) (dropped)" note in two comment lines: that is the whole, expected, difference.
2. The default export (TrainingMode.EVAL) folds a BatchNorm into the Conv in float32 in torch.onnx.export:
   the weights then differ from ctnn-export's fold (in double, rounded once) in the last bits; the test
   prints how many weights differ and by how much, and compiles that header (it verifies itself).
3. Hostile and broken files, each refused with one line and exit status 2, nothing written: not protobuf,
   truncated, a tensor in an external file (pointing at a file the test made: its content must not reach
   anything), an unsupported op (named with its node), a custom operator domain, a subgraph (If), an Expand
   to 2^40 elements, a residual Add of two activations, a GRU with linear_before_reset=0, a weight whose
   shape does not match, a second graph input. Node names holding a newline, "*/", "??/" and a
   #define reach the header only escaped in comments; that header compiles.
"""

import contextlib
import difflib
import io
import os
import subprocess
import sys
import warnings

tools, scratch, compiler, includes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
try:
    import onnx  # noqa: F401
    from onnx import TensorProto, helper, numpy_helper
except ImportError as error:
    print("SKIPPED: no onnx package (%s); on Debian: apt-get install python3-onnx" % error)
    sys.exit(0)
sys.path.insert(0, tools)
import ctnn_export  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

warnings.simplefilter("ignore")
nn = torch.nn
torch.manual_seed(151)
torch.set_num_threads(1)
os.makedirs(scratch, exist_ok=True)
failures = []
include_flags = ["-I" + d for d in includes if d not in ("/usr/include", "/usr/local/include")]


def path(name):
    return os.path.join(scratch, name)


def randomise_batch_norm(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-1.0, 1.0)
                m.running_var.uniform_(0.3, 3.0)
                m.weight.uniform_(0.5, 2.0)
                m.bias.uniform_(-1.0, 1.0)
    return model.eval()


class Recurrent(nn.Module):
    """What a user exports to ONNX for a Sequential holding a GRU/LSTM: each recurrent layer's output
    sequence goes on (nn.Sequential itself cannot run them: they return tuples)."""

    def __init__(self, sequential):
        super().__init__()
        self.seq = sequential

    def forward(self, x):
        for m in self.seq:
            x = m(x)[0] if isinstance(m, (nn.GRU, nn.LSTM)) else m(x)
        return x


models = [
    ("onnx_mlp", nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 8), nn.LeakyReLU(0.1), nn.Linear(8, 3),
                               nn.Softmax(dim=-1)).eval(), (4,)),
    ("onnx_conv1d", randomise_batch_norm(nn.Sequential(
        nn.Conv1d(2, 4, 3, padding=1), nn.BatchNorm1d(4), nn.ELU(0.5), nn.MaxPool1d(2), nn.Conv1d(4, 3, 3, stride=2),
        nn.Sigmoid(), nn.AvgPool1d(2), nn.Flatten(), nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU())), (2, 12)),
    ("onnx_digits_cnn", randomise_batch_norm(nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64, 10), nn.Softmax(dim=1))), (1, 8, 8)),
    ("onnx_gru", nn.Sequential(nn.GRU(2, 8, batch_first=True), nn.Tanh(), nn.Linear(8, 1)).eval(), (12, 2)),
    ("onnx_lstm", nn.Sequential(nn.LSTM(3, 6, batch_first=True), nn.Flatten(), nn.Linear(6 * 5, 2)).eval(), (5, 3)),
]

# 1. The same header both ways.
identical = 0
for name, model, shape in models:
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(1.5)
    script_input = torch.randn((1,) + shape)
    exported = Recurrent(model) if any(isinstance(m, (nn.GRU, nn.LSTM)) for m in model) else model
    onnx_path = path(name + ".onnx")
    torch.onnx.export(exported, script_input, onnx_path, training=torch.onnx.TrainingMode.PRESERVE)
    direct = ctnn_export.export_header(model, path(name + "_direct.hpp"), namespace=name,
                                       input_size=shape if len(shape) > 1 else None, source=name + ".onnx")
    status = ctnn_export.main([onnx_path, "-o", path(name + ".hpp"), "--namespace", name])
    if status != 0:
        failures.append("ctnn-export %s.onnx failed" % name)
        continue
    with open(path(name + ".hpp")) as f:
        imported = f.read()
    a, b = direct.splitlines()[1:], imported.splitlines()[1:]
    difference = [l for l in difflib.unified_diff(a, b, lineterm="", n=0) if l[:1] in "+-" and l[:3] not in ("---", "+++")]
    expected_difference = all("Dropout(" in l for l in difference if l.startswith("-")) and \
        len(difference) == 2 * sum(1 for l in difference if l.startswith("-"))
    if not difference:
        identical += 1
        print("%s: the header from ONNX is the direct path's, byte for byte (but the first line)" % name)
    elif name == "onnx_digits_cnn" and expected_difference and \
            [l[1:].replace(" + Dropout(p=0.25, inplace=False) (dropped)", "") for l in difference if l[0] == "-"] == \
            [l[1:] for l in difference if l[0] == "+"]:
        identical += 1
        print("%s: the same header but for %d comment lines: the direct path notes the Dropout, which is not in "
              "the ONNX graph" % (name, len(difference) // 2))
    else:
        failures.append("%s: the header from ONNX differs from the direct path's:\n%s" % (name, "\n".join(difference[:12])))

# BatchNorm kept (--batch-norm keep) from ONNX too.
name, model, shape = models[1]
direct = ctnn_export.export_header(model, None, namespace="kept", input_size=shape, batch_norm="keep")
if ctnn_export.main([path(name + ".onnx"), "-o", path("onnx_kept.hpp"), "--namespace", "kept",
                     "--batch-norm", "keep"]) != 0:
    failures.append("ctnn-export %s.onnx --batch-norm keep failed" % name)
else:
    with open(path("onnx_kept.hpp")) as f:
        if f.read().splitlines()[1:] != direct.splitlines()[1:] or "ctnn::batch_norm<" not in direct:
            failures.append("--batch-norm keep: the header from ONNX differs from the direct path's")
        else:
            print("--batch-norm keep: the header from ONNX is the direct path's (but the first line)")

# 2. The default export folds BatchNorm2d into the Conv itself (float32).
name, model, shape = models[2]
torch.onnx.export(model, torch.randn((1,) + shape), path("onnx_folded.onnx"))
if ctnn_export.main([path("onnx_folded.onnx"), "-o", path("onnx_folded.hpp"), "--namespace", "onnx_folded"]) != 0:
    failures.append("ctnn-export onnx_folded.onnx failed")
ours = ctnn_export.convert(model, shape)
theirs = ctnn_export.convert(ctnn_export.load_onnx(path("onnx_folded.onnx"))[0], shape)
w_ours = np.asarray(ctnn_export._rounded(ours[0]["weight"], "float"))
w_theirs = np.asarray(theirs[0]["weight"])
differing = int((w_ours != w_theirs).sum())
relative = float(np.max(np.abs(w_ours - w_theirs) / np.abs(w_ours)))
print("TrainingMode.EVAL (torch.onnx folds BatchNorm2d into the Conv in float32): %d of %d folded weights differ "
      "from ctnn-export's fold (double, rounded once), by at most %.2g relative (%.1f float ulps)"
      % (differing, w_ours.size, relative, relative / 2 ** -24))

# Compile the headers: they verify themselves against PyTorch running the imported model.
source = path("onnx_headers.cpp")
with open(source, "w") as f:
    for n in [m[0] for m in models] + ["onnx_folded"]:
        f.write('#include "%s.hpp"\n' % n)
    f.write("int main() {}\n")
result = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-ffp-contract=off"] + include_flags
                        + ["-I" + scratch, source], capture_output=True, text=True)
if result.returncode != 0:
    failures.append("the headers imported from ONNX do not compile:\n" + result.stderr[-3000:])
else:
    print("the %d headers imported from ONNX compile (each verifies itself)" % (len(models) + 1))


# 3. Hostile and broken files.
def graph_model(nodes, inputs, outputs, initializers=(), opset=14, domain_opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)] + list(domain_opsets))


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array, dtype=np.float32), name)


x_in = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
y_out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])
w = tensor("w", np.ones((2, 4)))
b = tensor("b", np.zeros(2))
gemm = helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="/0/Gemm", transB=1)


def save(name, model_proto):
    with open(path(name), "wb") as f:
        f.write(model_proto.SerializeToString())
    return path(name)


secret = path("secret.bin")
with open(secret, "wb") as f:
    f.write(np.full(8, 7.0, dtype=np.float32).tobytes())
external = tensor("w", np.ones((2, 4)))
external.ClearField("raw_data")
external.data_location = TensorProto.EXTERNAL
for key, value in (("location", "secret.bin"),):
    entry = external.external_data.add()
    entry.key, entry.value = key, value
hostile_names = "/0\nstatic_assert(false);/Gemm"
cases = [
    ("garbage.onnx", b"\x08\x07garbage\xff\xff\xff not protobuf", "not an ONNX model"),
    ("truncated.onnx", graph_model([gemm], [x_in], [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 2])],
                                   [w, b]).SerializeToString()[:40], "not an ONNX model"),
    ("external.onnx", graph_model([gemm], [x_in], [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 2])],
                                  [external, b]), "external file"),
    ("unsupported.onnx", graph_model([gemm, helper.make_node("HardSwish", ["h"], ["y"], name="/1/HardSwish")],
                                     [x_in], [y_out], [w, b]), "node 1 '/1/HardSwish' (HardSwish): ctnn-export cannot import HardSwish"),
    ("domain.onnx", graph_model([gemm, helper.make_node("Evil", ["h"], ["y"], name="evil", domain="com.evil")],
                                [x_in], [y_out], [w, b], domain_opsets=[helper.make_opsetid("com.evil", 1)]),
     "operator set 'com.evil'"),
    ("subgraph.onnx", graph_model([gemm, helper.make_node(
        "If", ["h"], ["y"], name="if", then_branch=helper.make_graph([], "t", [], []),
        else_branch=helper.make_graph([], "e", [], []))], [x_in], [y_out], [w, b]), "holds a subgraph"),
    ("expand.onnx", graph_model([helper.make_node("Constant", [], ["s"], value=numpy_helper.from_array(
        np.array([1 << 20, 1 << 20], dtype=np.int64))), helper.make_node("Constant", [], ["one"], value=tensor("v", [1.0])),
        helper.make_node("Expand", ["one", "s"], ["big"], name="expand"), gemm], [x_in],
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 2])], [w, b]), "node 2 'expand' (Expand): a shape of"),
    ("residual.onnx", graph_model([helper.make_node("Gemm", ["x", "w4", "b4"], ["h"], name="/0/Gemm", transB=1),
                                   helper.make_node("Add", ["h", "x"], ["y"], name="/1/Add")],
                                  [x_in], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
                                  [tensor("w4", np.eye(4)), tensor("b4", np.zeros(4))]),
     "node 1 '/1/Add' (Add): reads 'x', which is neither a constant nor the value the chain computes"),
    ("gru_reset.onnx", graph_model([helper.make_node("Transpose", ["x"], ["xt"], name="/0/Transpose", perm=[1, 0, 2]),
                                    helper.make_node("GRU", ["xt", "W", "R"], ["y", ""], name="/0/GRU", hidden_size=2,
                                                     linear_before_reset=0)],
                                   [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 2])],
                                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 1, 1, 2])],
                                   [tensor("W", np.ones((1, 6, 2))), tensor("R", np.ones((1, 6, 2)))]),
     "node 1 '/0/GRU' (GRU): ctnn's gru is PyTorch's: forward, default activations, no clip, linear_before_reset=1"),
    ("shape.onnx", graph_model([helper.make_node("Gemm", ["x", "w5", "b"], ["h"], name="/0/Gemm", transB=1)],
                               [x_in], [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 2])],
                               [tensor("w5", np.ones((2, 5))), b]), "node 0 '/0/Gemm' (Gemm): takes 5 inputs but"),
    ("two_inputs.onnx", graph_model([gemm], [x_in, helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 4])],
                                    [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 2])], [w, b]),
     "the graph has 2 inputs"),
]
for name, content, expected in cases:
    model_path = save(name, content) if not isinstance(content, bytes) else path(name)
    if isinstance(content, bytes):
        with open(model_path, "wb") as f:
            f.write(content)
    output = path("refused.hpp")
    if os.path.exists(output):
        os.remove(output)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        status = ctnn_export.main([model_path, "-o", output])
    message = errors.getvalue()
    if status != 2 or expected not in message or message.count("\n") != 1 or os.path.exists(output) \
            or "internal error" in message:
        failures.append("%s: status %d, stderr %r (expected %r)" % (name, status, message, expected))
    else:
        print("refused as expected: %s" % message.strip())

# Names from the file reach the header only escaped, in comments.
named = [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name=hostile_names, transB=1),
         helper.make_node("Relu", ["h"], ["h2"], name="/*/ ??/\n#define static_assert(...)\n/Relu"),
         helper.make_node("Relu", ["h2"], ["y"], name="/training/Relu")]  # an attribute of nn.Sequential
hostile = save("names.onnx", graph_model(named, [x_in], [y_out], [w, b]))
if ctnn_export.main([hostile, "-o", path("onnx_names.hpp"), "--namespace", "onnx_names"]) != 0:
    failures.append("names.onnx was refused")
else:
    with open(path("onnx_names.hpp")) as f:
        text = f.read()
    bad = [l for l in text.splitlines() if l.startswith("#") and not l.startswith(("#pragma once", "#include"))
           or l.rstrip().endswith("\\") or "??/" in l or l.startswith("static_assert(false")]
    with open(path("onnx_names.cpp"), "w") as f:
        f.write('#include "onnx_names.hpp"\n')
    result = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-ffp-contract=off"] + include_flags
                            + [path("onnx_names.cpp")], capture_output=True, text=True)
    if bad or result.returncode != 0:
        failures.append("hostile node names: lines %r, compiler: %s" % (bad, result.stderr[-1000:]))
    else:
        print("hostile node names: escaped in comments; the header compiles")

if identical != len(models):
    failures.append("%d of %d models gave the direct path's header" % (identical, len(models)))
if failures:
    print("\n".join("FAILED: " + f for f in failures))
    sys.exit(1)
print("test_exporter_onnx.py: all checks passed")
