#!/usr/bin/python3
"""ctnn_export - PyTorch <-> ctnn.

PyTorch -> ctnn: `export_header(module, ...)` turns an `nn.Sequential` of
`Linear`, `Conv1d`/`Conv2d`, pooling, `Flatten`, `BatchNorm` (folded or kept),
`Dropout` (dropped), `GRU`/`LSTM` layers and the activations ctnn has into one
C++ header holding a `constexpr ctnn::network` with the trained weights, plus
reference inputs/outputs computed by PyTorch and `static_assert`s that ctnn's
forward pass reproduces them: the header verifies itself when it is compiled.
With int8=True (--int8) and a calibration set it also declares the int8 network
ctnn::quantise makes of it, verified bit for bit against an integer reference.

ONNX -> ctnn: `load_onnx(path)` rebuilds the equivalent nn.Sequential from an
ONNX graph of the same layers (parsed by the onnx package, data only), which
then exports as above: `ctnn-export model.onnx -o model.hpp`.

ctnn -> PyTorch: `load_text(path)` reads the text format that
`ctnn::write_text` (include/ctnn/serialize.hpp) writes into the equivalent
`nn.Sequential`; `save_text(module, path)` writes that format from PyTorch.

Anything that cannot be converted exactly (a Conv3d, a dilated convolution, a
mismatched size, ...) raises `ExportError` with a message naming the layer;
no header is written. See docs/interop.md.

Command line (tools/ctnn-export is a wrapper that finds a Python with torch):
    ctnn-export model.pt -o model.hpp [--scalar float|double] [--namespace NAME]
    ctnn-export model.txt -o model.hpp        # a network written by ctnn::write_text
    ctnn-export cnn.pt -o cnn.hpp --input-shape 1,8,8 [--batch-norm fold|keep]
    ctnn-export model.onnx -o model.hpp
    ctnn-export mlp.pt -o mlp.hpp --int8 --calibration calibration.npy

Untrusted input (docs/security.md): a model file is data. TorchScript archives are read with
torch.jit.load and other torch.save files with torch.load(weights_only=True), neither of which runs
Python code from the file; a module pickled whole (torch.save(model)) can only be loaded by a full
unpickle, which runs whatever code the file names, so it is refused unless the caller opts in
(--trust-pickle, load_module(..., trust_pickle=True)). Every text that reaches the header is a
checked identifier, a number, or escaped so that it cannot leave its comment. Every error is one
line on stderr and exit status 2.
"""

import argparse
import fractions
import io
import math
import os
import re
import sys

__all__ = ["ExportError", "convert", "export_header", "load_module", "load_onnx", "load_text", "save_text", "main"]

FORMAT_MAGIC = "ctnn-network"
FORMAT_VERSION = 1

SUPPORTED = ("Linear, Conv1d, Conv2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, Flatten, GRU, LSTM, "
             "BatchNorm1d/2d (folded into the Linear or Conv before it), Dropout (dropped), ReLU, LeakyReLU, ELU, "
             "GELU(approximate='tanh'), Sigmoid, Tanh, Identity, and Softmax over the features as the last layer")

# Unit roundoff of each scalar type, and the smallest normal number.
_UNIT_ROUNDOFF = {"float": 2.0 ** -24, "double": 2.0 ** -53}
_SMALLEST_NORMAL = {"float": 2.0 ** -126, "double": 2.0 ** -1022}
# Accuracy assumed of one elementary function (exp, tanh, sigmoid) in ulps, for
# either implementation: ctnn::math is within 2 ulps; PyTorch's vectorised
# kernels are within a few.
_FUNCTION_ULPS = 4


class ExportError(Exception):
    """The module cannot be converted to ctnn exactly; the message says why and names the layer."""


def _escaped(text):
    """`text` as printable ASCII that cannot leave a // comment or a message line: every character
    outside ' '..'~', and '\\' and '?' (line splices, trigraphs), becomes \\xNN, \\uNNNN or
    \\UNNNNNNNN. So there is no raw newline or carriage return, and no backslash except as the start
    of such an escape, never at the end of a line."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if 0x20 <= code < 0x7F and ch not in "\\?":
            out.append(ch)
        elif code < 0x100:
            out.append("\\x%02x" % code)
        elif code < 0x10000:
            out.append("\\u%04x" % code)
        else:
            out.append("\\U%08x" % code)
    return "".join(out)


def _printable(text):
    """`text` for a message line: control and non-ASCII characters escaped (a terminal shows it as is)."""
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else _escaped(ch) for ch in str(text))


def _first_line(error):
    """The first line of an exception's message, for messages that embed one (torch's are long)."""
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= 300 else text[:300] + "..."


# ---------------------------------------------------------------------------
# PyTorch module -> list of layer descriptions
# ---------------------------------------------------------------------------

def _torch():
    try:
        import torch  # noqa: F401
    except ImportError as error:  # pragma: no cover - reported to the user
        raise ExportError("ctnn-export needs PyTorch (`import torch` failed: %s); on Debian: "
                          "apt-get install python3-torch" % error)
    return torch


def _kind(module):
    """The PyTorch class name of a module, also for a TorchScript (scripted) module."""
    torch = _torch()
    if isinstance(module, torch.jit.ScriptModule):
        return getattr(module, "original_name", type(module).__name__)
    return type(module).__name__


def _is_exactly(module, name):
    """True when `module` is torch.nn.<name> itself (or its scripted form), not a subclass that may
    override forward()."""
    torch = _torch()
    if isinstance(module, torch.jit.ScriptModule):
        return getattr(module, "original_name", None) == name
    cls = getattr(torch.nn, name, None)
    return cls is not None and type(module) is cls


def _flatten(module, prefix=""):
    """(name, module) for each leaf of nested nn.Sequential containers, in order."""
    if _is_exactly(module, "Sequential"):
        for child_name, child in module.named_children():
            yield from _flatten(child, prefix + child_name if not prefix else prefix + "." + child_name)
    else:
        yield (prefix or "0"), module


def _rational(value, what):
    """A fraction Numerator/Denominator that is `value` exactly as a double (ctnn takes slopes and
    alphas as pairs of integers)."""
    if not math.isfinite(value):
        raise ExportError("%s is %r; ctnn needs a finite ratio of two integers" % (what, value))
    f = fractions.Fraction(value).limit_denominator(2 ** 31)
    if float(f) != float(value) or abs(f.numerator) >= 2 ** 62:
        raise ExportError("%s: %r is not a fraction of two integers below 2^31, which ctnn's "
                          "template parameters need" % (what, value))
    return f.numerator, f.denominator


def _describe(module):
    return "%s" % (module,) if len(str(module)) < 80 else _kind(module)


def _tensor(leaf, attribute, where):
    """leaf.<attribute> as a float64 tensor, refusing what would be converted silently wrong: a missing
    tensor, complex or non-floating-point values."""
    torch = _torch()
    try:
        value = getattr(leaf, attribute)
    except AttributeError:
        value = None
    if value is None:
        return None
    if not isinstance(value, torch.Tensor):
        raise ExportError("%s: its %s is a %s, not a tensor" % (where, attribute, type(value).__name__))
    if value.is_complex():
        raise ExportError("%s: its %s is complex (%s); ctnn's scalars are real" % (where, attribute, value.dtype))
    if not value.is_floating_point():
        raise ExportError("%s: its %s has dtype %s, not a floating-point type" % (where, attribute, value.dtype))
    return value.detach().to("cpu", torch.float64)


def _size(value, what, where):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExportError("%s: %s is %r, not an integer" % (where, what, value))
    if value < 1:
        raise ExportError("%s: %s is %d; a ctnn::dense layer needs at least one input and one output"
                          % (where, what, value))
    return value


class Layers(list):
    """convert()'s result: the layer descriptions, and `input_shape`, the network's input shape (a tuple:
    (n,) for a vector, (C, L) or (Steps, Features), (C, H, W))."""
    input_shape = None


def _shape_argument(input_size):
    """input_size= as a tuple of positive integers, or None: an int n is (n,)."""
    if input_size is None:
        return None
    values = input_size if isinstance(input_size, (tuple, list)) else (input_size,)
    if not 1 <= len(values) <= 3 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
        raise ExportError("input_size must be a positive integer or a shape of 1 to 3 positive integers "
                          "(C, L), (Steps, Features) or (C, H, W), not %s" % _printable(repr(input_size)))
    return tuple(values)


def _pair(value, what, where):
    """A kernel size, stride or padding that ctnn takes as one number: an int, or a tuple of equal ints."""
    if isinstance(value, (tuple, list)):
        if len(set(value)) != 1:
            raise ExportError("%s: %s is %s; ctnn's layers take the same %s along every axis"
                              % (where, what, tuple(value), what))
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExportError("%s: %s is %r, not an integer" % (where, what, value))
    return value


def convert(module, input_size=None, batch_norm="fold"):
    """Checks `module` and returns its ctnn description (a Layers list, with .input_shape): one dict per
    ctnn layer:
        {"kind": "dense", "inputs": n, "outputs": m, "weight": [out][in] floats, "bias": [out] floats}
            (with "each_step": steps when it applies to every step of a sequence, after a GRU/LSTM)
        {"kind": "conv1d" | "conv2d", "in_channels", "out_channels", "kernel", "stride", "padding",
         "weight": flat [out][in][k]([k]) floats, "bias": [out] floats}
        {"kind": "max_pool1d" | "max_pool2d" | "avg_pool1d" | "avg_pool2d", "kernel", "stride"}
        {"kind": "flatten"}
        {"kind": "gru" | "lstm", "features", "hidden", "steps", "parameters": weight_ih, weight_hh,
         bias_ih, bias_hh flattened (PyTorch's layout, copied as is)}
        {"kind": "relu" | "sigmoid" | "tanh" | "identity" | "gelu" | "softmax"}
        {"kind": "leaky_relu" | "elu", "ratio": (numerator, denominator)}
    each with "name" (its path in the Sequential, e.g. "2" or "block.1"), "torch" (its repr) and "shape"
    (its output shape). A BatchNorm is folded into the Linear or convolution before it (its "folded"
    holds the BatchNorm's description), or with batch_norm="keep" is a layer of its own:
        {"kind": "batch_norm", "channels": C, "momentum": (n, d), "epsilon": (n, d),
         "parameters": gamma, beta, running_mean, running_var}
    a Dropout is dropped (noted in the "torch" text of a neighbour).
    Raises ExportError, naming the layer, for anything ctnn cannot reproduce."""
    torch = _torch()
    if batch_norm not in ("fold", "keep"):
        raise ExportError("batch_norm must be 'fold' or 'keep', not %s" % _printable(repr(batch_norm)))
    given = _shape_argument(input_size)
    if not (_is_exactly(module, "Sequential") or _is_exactly(module, "Linear")):
        raise ExportError("ctnn-export converts a torch.nn.Sequential (or a single Linear); got %s. "
                          "Put the layers of your model in an nn.Sequential to export it." % _kind(module))
    layers = Layers()
    leaves = list(_flatten(module))
    if not leaves:
        raise ExportError("the Sequential is empty: there is nothing to export")
    # The shape flowing between layers: None until known; "role" says how a rank-2 shape is read
    # ("channels" after a convolution, "sequence" after a GRU/LSTM, None: not yet decided).
    shape, role = given, None
    if shape is None:
        first = next((leaf for _, leaf in leaves if _is_exactly(leaf, "Linear")), None)
        for _, leaf in leaves:
            if _is_exactly(leaf, "Linear"):
                shape = (int(leaf.in_features),)
                break
            if not _is_elementwise(leaf):
                if _kind(leaf) in ("Conv1d", "Conv2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "Flatten",
                                   "GRU", "LSTM", "BatchNorm1d", "BatchNorm2d"):
                    raise ExportError("the Sequential starts with %s, whose input shape ctnn-export cannot infer: give "
                                      "it with input_size=(C, L) / (Steps, Features) / (C, H, W) (--input-shape)"
                                      % _kind(leaf))
                shape = (1,)  # a layer ctnn cannot convert: refused below, naming it
                break
        if first is None and shape is None:
            raise ExportError("the Sequential has no Linear layer, so its input size is unknown: "
                              "give it with input_size= (--input-size)")
    layers.input_shape = shape
    before = "the input (shape %s)" % (_shape_text(shape),)
    pending = []  # Dropouts before any ctnn layer: noted on the next one
    for position, (name, leaf) in enumerate(leaves):
        kind = _kind(leaf)
        where = "layer %s (%s)" % (name, _describe(leaf))
        entry = {"name": name, "torch": _describe(leaf)}
        last = position == len(leaves) - 1 or all(_is_dropout(l) for _, l in leaves[position + 1:])
        try:
            result = _convert_leaf(torch, leaf, kind, where, entry, last, shape, role, before, layers, batch_norm)
        except ExportError:
            raise
        except Exception as error:  # a hand-made (TorchScript, pickled) module with odd attributes
            raise ExportError("%s: cannot read it (%s: %s)" % (where, type(error).__name__, _first_line(error)))
        if result == "dropped":
            if layers:
                layers[-1]["torch"] += " + %s (dropped)" % entry["torch"]
            else:
                pending.append(entry["torch"] + " (dropped)")
            continue
        if result == "folded":
            continue
        shape, role = entry.pop("_shape"), entry.pop("_role", role)
        entry["shape"] = shape
        if pending:
            entry["torch"] = " + ".join(pending) + " + " + entry["torch"]
            pending = []
        layers.append(entry)
        if entry["kind"] not in _ELEMENTWISE_KINDS:
            before = "layer %s (%s)" % (name, entry["torch"])
    if not layers:
        raise ExportError("the Sequential holds only Dropouts: there is nothing to export")
    return layers


_ELEMENTWISE_KINDS = ("relu", "sigmoid", "tanh", "identity", "gelu", "leaky_relu", "elu")


def _is_elementwise(leaf):
    return any(_is_exactly(leaf, name) for name in ("ReLU", "Sigmoid", "Tanh", "Identity", "LeakyReLU", "ELU", "GELU")) \
        or _is_dropout(leaf)


def _is_dropout(leaf):
    return any(_is_exactly(leaf, name) for name in ("Dropout", "Dropout1d", "Dropout2d", "AlphaDropout"))


def _shape_text(shape):
    return "x".join(str(d) for d in shape) if shape else "unknown"


def _product(values):
    result = 1
    for v in values:
        result *= v
    return result


def _parameters(leaf, names, where):
    """The float64 tensors leaf.<name> for each name (None where absent), checked finite."""
    torch = _torch()
    tensors = [_tensor(leaf, n, where) for n in names]
    for n, t in zip(names, tensors):
        if t is not None and not bool(torch.isfinite(t).all()):
            raise ExportError("%s: its %s holds a non-finite value (inf or NaN)" % (where, n))
    return tensors


def _fold_batch_norm(torch, leaf, where, layers, shape):
    """Folds an eval-mode BatchNorm into the Linear or convolution just before it:
    W' = W * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps), per output channel."""
    if not layers or layers[-1]["kind"] not in ("dense", "conv1d", "conv2d") or layers[-1].get("folded"):
        raise ExportError("%s: ctnn folds a BatchNorm into the Linear or Conv directly before it; here it "
                          "follows %s. Move it, or fold it yourself" % (where, "nothing" if not layers else
                                                                         layers[-1]["torch"]))
    previous = layers[-1]
    channels = previous["outputs"] if previous["kind"] == "dense" else previous["out_channels"]
    if previous["kind"] == "dense" and previous.get("each_step"):
        raise ExportError("%s: a BatchNorm over a sequence's steps is not supported" % where)
    expected = {"dense": "BatchNorm1d", "conv1d": "BatchNorm1d", "conv2d": "BatchNorm2d"}[previous["kind"]]
    if not _is_exactly(leaf, expected):
        raise ExportError("%s: after %s a BatchNorm is %s" % (where, previous["torch"], expected))
    if int(leaf.num_features) != channels:
        raise ExportError("%s: normalises %d features but %s gives %d" % (where, int(leaf.num_features),
                                                                          previous["torch"], channels))
    mean, var, gamma, beta = _parameters(leaf, ("running_mean", "running_var", "weight", "bias"), where)
    if mean is None or var is None:
        raise ExportError("%s: has no running statistics (track_running_stats=False): it normalises with the "
                          "batch's statistics even in eval mode, which a one-sample network cannot" % where)
    for t, n in ((mean, "running_mean"), (var, "running_var"), (gamma, "weight"), (beta, "bias")):
        if t is not None and tuple(t.shape) != (channels,):
            raise ExportError("%s: its %s has shape %s, not [%d]" % (where, n, tuple(t.shape), channels))
    eps = float(leaf.eps)
    if not (math.isfinite(eps) and eps >= 0) or bool((var + eps <= 0).any()):
        raise ExportError("%s: var + eps is not positive" % where)
    if gamma is None:
        gamma = torch.ones(channels, dtype=torch.float64)
    if beta is None:
        beta = torch.zeros(channels, dtype=torch.float64)
    s = gamma / torch.sqrt(var + eps)
    weight = torch.tensor(previous["weight"], dtype=torch.float64).reshape(channels, -1)
    bias = torch.tensor(previous["bias"], dtype=torch.float64)
    new_weight = weight * s[:, None]
    new_bias = (bias - mean) * s + beta
    if not (bool(torch.isfinite(new_weight).all()) and bool(torch.isfinite(new_bias).all())):
        raise ExportError("%s: folding it gives a non-finite weight" % where)
    previous["weight"] = new_weight.tolist() if previous["kind"] == "dense" else new_weight.reshape(-1).tolist()
    previous["bias"] = new_bias.tolist()
    previous["folded"] = {"scale": s.tolist(), "mean": mean.tolist(), "beta": beta.tolist(),
                          "bias_before": bias.tolist()}
    previous["torch"] += " + %s (folded)" % _describe(leaf)


def _keep_batch_norm(torch, leaf, kind, where, entry, shape, role):
    """A BatchNorm as ctnn::batch_norm<MomentumNum, MomentumDen, EpsilonNum, EpsilonDen> (inference: the
    running statistics). Its channels are the shape's first dimension (a vector's features)."""
    rank = len(shape)
    if role == "sequence" or (kind == "BatchNorm2d") != (rank == 3) or rank > 3:
        raise ExportError("%s: normalises a value of shape %s; ctnn::batch_norm takes %s" % (
            where, _shape_text(shape), "C x H x W" if kind == "BatchNorm2d" else "a vector or C x L"))
    channels = shape[0]
    if int(leaf.num_features) != channels:
        raise ExportError("%s: normalises %d features but the value before it has %d channels"
                          % (where, int(leaf.num_features), channels))
    mean, var, gamma, beta = _parameters(leaf, ("running_mean", "running_var", "weight", "bias"), where)
    if mean is None or var is None:
        raise ExportError("%s: has no running statistics (track_running_stats=False): it normalises with the "
                          "batch's statistics even in eval mode, which a one-sample network cannot" % where)
    for t, n in ((mean, "running_mean"), (var, "running_var"), (gamma, "weight"), (beta, "bias")):
        if t is not None and tuple(t.shape) != (channels,):
            raise ExportError("%s: its %s has shape %s, not [%d]" % (where, n, tuple(t.shape), channels))
    if gamma is None:
        gamma = torch.ones(channels, dtype=torch.float64)
    if beta is None:
        beta = torch.zeros(channels, dtype=torch.float64)
    eps = float(leaf.eps)
    if not eps > 0:
        raise ExportError("%s: ctnn::batch_norm needs a positive eps, not %r" % (where, eps))
    if bool((var + eps <= 0).any()):
        raise ExportError("%s: running_var + eps is not positive" % where)
    momentum = 0.1 if leaf.momentum is None else float(leaf.momentum)  # None (a cumulative mean): training only
    if not 0 <= momentum <= 1:
        raise ExportError("%s: momentum %r is not in [0, 1]" % (where, momentum))
    entry.update(kind="batch_norm", channels=channels, epsilon=_rational(eps, where + ": eps"),
                 momentum=_rational(momentum, where + ": momentum"),
                 parameters=gamma.tolist() + beta.tolist() + mean.tolist() + var.tolist(), _shape=shape)


def _convert_leaf(torch, leaf, kind, where, entry, last, shape, role, before, layers, batch_norm="fold"):
    """Fills `entry` (with "_shape", "_role": the output's) or returns "dropped" / "folded"."""
    rank = len(shape)
    if _is_exactly(leaf, "Linear"):
        n_in = _size(int(leaf.in_features), "in_features", where)
        n_out = _size(int(leaf.out_features), "out_features", where)
        weight = _tensor(leaf, "weight", where)
        if weight is None:
            raise ExportError("%s: has no weight" % where)
        if tuple(weight.shape) != (n_out, n_in):
            raise ExportError("%s: its weight has shape %s, not [out_features, in_features] = [%d, %d]"
                              % (where, tuple(weight.shape), n_out, n_in))
        bias = _tensor(leaf, "bias", where)
        if bias is None:
            bias = torch.zeros(n_out, dtype=torch.float64)
        if tuple(bias.shape) != (n_out,):
            raise ExportError("%s: its bias has shape %s, not [out_features] = [%d]"
                              % (where, tuple(bias.shape), n_out))
        if not (torch.isfinite(weight).all() and torch.isfinite(bias).all()):
            raise ExportError("%s: holds a non-finite weight or bias (inf or NaN)" % where)
        entry.update(kind="dense", inputs=n_in, outputs=n_out, weight=weight.tolist(), bias=bias.tolist())
        if rank == 2 and role == "sequence":
            # PyTorch's Linear on [N, Steps, Features] applies to every step: ctnn::each_step<dense>.
            if n_in != shape[1]:
                raise ExportError("%s: takes %d inputs but each step of %s has %d features"
                                  % (where, n_in, before, shape[1]))
            entry.update(each_step=shape[0], _shape=(shape[0], n_out))
        elif rank > 1:
            raise ExportError("%s: follows %s, whose output has shape %s; PyTorch's Linear would apply to its "
                              "last dimension only. Put an nn.Flatten() before it" % (where, before, _shape_text(shape)))
        else:
            if n_in != shape[0]:
                raise ExportError("%s: takes %d inputs but %s produces %d" % (where, n_in, before, shape[0]))
            entry.update(_shape=(n_out,), _role=None)
    elif _is_exactly(leaf, "Conv1d") or _is_exactly(leaf, "Conv2d"):
        dims = 1 if kind == "Conv1d" else 2
        c_in = _size(int(leaf.in_channels), "in_channels", where)
        c_out = _size(int(leaf.out_channels), "out_channels", where)
        k = _pair(leaf.kernel_size, "the kernel size", where)
        s = _pair(leaf.stride, "the stride", where)
        padding = leaf.padding
        if isinstance(padding, str):
            raise ExportError("%s: padding=%r; ctnn needs a number (zero padding on both sides)" % (where, padding))
        p = _pair(padding, "the padding", where)
        if _pair(leaf.dilation, "the dilation", where) != 1 or int(leaf.groups) != 1:
            raise ExportError("%s: ctnn's convolutions have no dilation and no groups" % where)
        if getattr(leaf, "padding_mode", "zeros") != "zeros":
            raise ExportError("%s: padding_mode=%r; ctnn pads with zeros" % (where, leaf.padding_mode))
        if k < 1 or s < 1 or p < 0:
            raise ExportError("%s: kernel %d, stride %d, padding %d: ctnn needs kernel and stride >= 1" % (where, k, s, p))
        if rank != dims + 1 or role == "sequence":
            raise ExportError("%s: needs an input of shape %s, but %s gives %s"
                              % (where, "C x L" if dims == 1 else "C x H x W", before, _shape_text(shape)))
        if shape[0] != c_in:
            raise ExportError("%s: takes %d channels but %s gives %d" % (where, c_in, before, shape[0]))
        spatial = shape[1:]
        if any(k > d + 2 * p for d in spatial):
            raise ExportError("%s: the kernel (%d) is larger than the padded input %s" % (where, k, _shape_text(shape)))
        weight, bias = _parameters(leaf, ("weight", "bias"), where)
        if weight is None:
            raise ExportError("%s: has no weight" % where)
        if tuple(weight.shape) != (c_out, c_in) + (k,) * dims:
            raise ExportError("%s: its weight has shape %s, not %s" % (where, tuple(weight.shape),
                                                                      (c_out, c_in) + (k,) * dims))
        if bias is None:
            bias = torch.zeros(c_out, dtype=torch.float64)
        if tuple(bias.shape) != (c_out,):
            raise ExportError("%s: its bias has shape %s, not [%d]" % (where, tuple(bias.shape), c_out))
        out = tuple((d + 2 * p - k) // s + 1 for d in spatial)
        entry.update(kind="conv%dd" % dims, in_channels=c_in, out_channels=c_out, kernel=k, stride=s, padding=p,
                     outputs=c_out, weight=weight.reshape(-1).tolist(), bias=bias.tolist(),
                     _shape=(c_out,) + out, _role="channels")
    elif kind in ("MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d") and _is_exactly(leaf, kind):
        dims = int(kind[-2])
        k = _pair(leaf.kernel_size, "the kernel size", where)
        s = _pair(leaf.stride if leaf.stride is not None else leaf.kernel_size, "the stride", where)
        if _pair(leaf.padding, "the padding", where) != 0 or bool(leaf.ceil_mode):
            raise ExportError("%s: ctnn's pooling has no padding and drops windows that do not fit (padding=0, "
                              "ceil_mode=False)" % where)
        if kind.startswith("Max"):
            if _pair(leaf.dilation, "the dilation", where) != 1 or bool(getattr(leaf, "return_indices", False)):
                raise ExportError("%s: ctnn's max pooling has no dilation and returns no indices" % where)
        elif getattr(leaf, "divisor_override", None) is not None:
            raise ExportError("%s: divisor_override is not supported" % where)
        if k < 1 or s < 1:
            raise ExportError("%s: kernel and stride must be at least 1" % where)
        if rank != dims + 1 or role == "sequence":
            raise ExportError("%s: needs an input of shape %s, but %s gives %s"
                              % (where, "C x L" if dims == 1 else "C x H x W", before, _shape_text(shape)))
        if any(k > d for d in shape[1:]):
            raise ExportError("%s: the window (%d) is larger than the input %s" % (where, k, _shape_text(shape)))
        out = tuple((d - k) // s + 1 for d in shape[1:])
        entry.update(kind=("max_pool%dd" if kind.startswith("Max") else "avg_pool%dd") % dims, kernel=k, stride=s,
                     _shape=(shape[0],) + out, _role="channels")
    elif _is_exactly(leaf, "Flatten"):
        if int(leaf.start_dim) != 1 or int(leaf.end_dim) != -1:
            raise ExportError("%s: ctnn::flatten is Flatten(start_dim=1, end_dim=-1)" % where)
        entry.update(kind="flatten", _shape=(_product(shape),), _role=None)
    elif kind in ("GRU", "LSTM") and _is_exactly(leaf, kind):
        if rank != 2 or role == "channels":
            raise ExportError("%s: needs a sequence (input shape Steps x Features) but %s gives %s"
                              % (where, before, _shape_text(shape)))
        features, hidden = int(leaf.input_size), int(leaf.hidden_size)
        if int(leaf.num_layers) != 1 or bool(leaf.bidirectional) or int(getattr(leaf, "proj_size", 0) or 0) != 0:
            raise ExportError("%s: ctnn's %s is one layer, one direction, no projection (num_layers=1, "
                              "bidirectional=False, proj_size=0); stack layers in the Sequential instead"
                              % (where, kind.lower()))
        if features != shape[1]:
            raise ExportError("%s: takes %d features per step but %s gives %d" % (where, features, before, shape[1]))
        _size(hidden, "hidden_size", where)
        gates = 3 if kind == "GRU" else 4
        names = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        tensors = _parameters(leaf, names, where)
        expected = [(gates * hidden, features), (gates * hidden, hidden), (gates * hidden,), (gates * hidden,)]
        values = []
        for n, t, e in zip(names, tensors, expected):
            if t is None:
                if n.startswith("weight"):
                    raise ExportError("%s: has no %s" % (where, n))
                t = torch.zeros(e, dtype=torch.float64)
            if tuple(t.shape) != e:
                raise ExportError("%s: its %s has shape %s, not %s" % (where, n, tuple(t.shape), e))
            values.extend(t.reshape(-1).tolist())
        entry.update(kind=kind.lower(), features=features, hidden=hidden, steps=shape[0], parameters=values,
                     batch_first=bool(leaf.batch_first), _shape=(shape[0], hidden), _role="sequence")
    elif _is_dropout(leaf):
        return "dropped"
    elif kind in ("BatchNorm1d", "BatchNorm2d") and _is_exactly(leaf, kind):
        if batch_norm == "keep":
            _keep_batch_norm(torch, leaf, kind, where, entry, shape, role)
        else:
            _fold_batch_norm(torch, leaf, where, layers, shape)
            return "folded"
    elif _is_exactly(leaf, "ReLU"):
        entry.update(kind="relu")
    elif _is_exactly(leaf, "Sigmoid"):
        entry.update(kind="sigmoid")
    elif _is_exactly(leaf, "Tanh"):
        entry.update(kind="tanh")
    elif _is_exactly(leaf, "Identity"):
        entry.update(kind="identity")
    elif _is_exactly(leaf, "LeakyReLU"):
        entry.update(kind="leaky_relu", ratio=_rational(float(leaf.negative_slope), where + ": negative_slope"))
    elif _is_exactly(leaf, "ELU"):
        alpha = float(leaf.alpha)
        if not alpha > 0:  # also NaN
            raise ExportError("%s: ctnn::elu needs a positive alpha, not %r" % (where, alpha))
        entry.update(kind="elu", ratio=_rational(alpha, where + ": alpha"))
    elif _is_exactly(leaf, "GELU"):
        if getattr(leaf, "approximate", "none") != "tanh":
            raise ExportError("%s: ctnn::gelu is the tanh form; use nn.GELU(approximate='tanh') "
                              "(the exact form needs erf, which ctnn does not have)" % where)
        entry.update(kind="gelu")
    elif _is_exactly(leaf, "Softmax"):
        if leaf.dim not in (-1, 1):
            raise ExportError("%s: ctnn::softmax is over the features of one sample; export "
                              "Softmax(dim=-1) or Softmax(dim=1), not dim=%r" % (where, leaf.dim))
        if not last:
            raise ExportError("%s: Softmax must be the last layer" % where)
        if rank != 1:
            raise ExportError("%s: ctnn::softmax is over a vector; %s gives shape %s (put an nn.Flatten() before it)"
                              % (where, before, _shape_text(shape)))
        entry.update(kind="softmax")
    elif kind in ("Softmax2d", "LogSoftmax", "Softmin"):
        raise ExportError("%s: ctnn cannot convert %s; only Softmax over the features is supported"
                          % (where, kind))
    else:
        subclass = ""
        for base in ("Linear", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "Softmax", "Sequential", "Conv1d", "Conv2d",
                     "GRU", "LSTM", "BatchNorm1d", "BatchNorm2d", "Dropout", "Flatten", "MaxPool2d", "AvgPool2d"):
            cls = getattr(torch.nn, base)
            if isinstance(leaf, cls):
                subclass = " (a subclass of %s, whose forward() may differ)" % base
        raise ExportError("%s: ctnn cannot convert %s%s; supported: %s" % (where, kind, subclass, SUPPORTED))
    if "_shape" not in entry:  # an element-wise activation keeps the shape
        entry["_shape"] = shape
    return None


PICKLE_RISK = ("unpickling it runs whatever code the file names (loading a model file can take over the "
               "account that runs the export)")


def load_module(path, trust_pickle=False):
    """A module from a file: a TorchScript archive (torch.jit.script(model).save(path)), ctnn's text
    format, or, only with trust_pickle=True, a module pickled whole by torch.save(model).

    Nothing from an untrusted file runs as Python: TorchScript is read by torch.jit.load and anything
    else by torch.load(weights_only=True), which rebuilds only tensors and plain containers. A module
    pickled whole needs a full unpickle, which executes any callable the file names; it is refused
    unless `trust_pickle` (the command line's --trust-pickle). A state_dict is refused: it holds no
    architecture."""
    torch = _torch()
    with open(path, "rb") as f:
        head = f.read(4096)
    if not head:
        raise ExportError("%s is empty" % path)
    # Text (ctnn's format, or a mistake): read as ctnn text, never unpickled. torch.save writes binary.
    if head.lstrip().startswith((FORMAT_MAGIC.encode(), b"#")) or (
            head and all(32 <= b < 127 or b in b"\t\r\n" for b in head)):
        with open(path, "rb") as f:
            return load_text(f.read(), where=path)
    import zipfile
    try:
        is_zip = zipfile.is_zipfile(path)
        if is_zip:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:  # a damaged archive
        raise ExportError("%s: not a readable zip archive (%s)" % (path, _first_line(error)))
    if is_zip and any(name.endswith("/constants.pkl") for name in names):
        try:
            return torch.jit.load(path, map_location="cpu")  # a TorchScript archive: no Python runs
        except Exception as error:
            raise ExportError("%s: cannot load the TorchScript archive (%s)" % (path, _first_line(error)))
    import pickle
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        what = _first_line(error)
        reason = what.split("WeightsUnpickler error: ", 1)[-1].strip()
        if not trust_pickle:
            if "Unsupported class " not in what:
                raise ExportError("%s: not a PyTorch model file (%s)" % (path, reason))
            # Something beyond tensors and containers: most often a module saved whole.
            found = what.rsplit("Unsupported class ", 1)[1].strip()
            raise ExportError("%s holds pickled Python objects (%s) that only a full unpickle can load, and %s: "
                              "refused. Save the model as TorchScript (torch.jit.script(model).save(path)) or "
                              "pass --trust-pickle if you made the file or trust whoever did"
                              % (path, found, PICKLE_RISK))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                obj = torch.load(path, map_location="cpu", weights_only=False)  # opted in: runs the pickle
        except Exception as error:
            raise ExportError("%s: not a PyTorch model file (%s)" % (path, _first_line(error)))
    except Exception as error:
        raise ExportError("%s: not a PyTorch model file (%s)" % (path, _first_line(error)))
    if isinstance(obj, dict):
        raise ExportError("%s holds a state_dict (only weights, no layers): save the module as TorchScript, "
                          "torch.jit.script(model).save(path)" % path)
    if not isinstance(obj, torch.nn.Module):
        raise ExportError("%s holds a %s, not a torch.nn.Module" % (path, type(obj).__name__))
    return obj


# ---------------------------------------------------------------------------
# ONNX -> the equivalent torch.nn.Sequential (then the same export as from PyTorch)
# ---------------------------------------------------------------------------

ONNX_SUPPORTED = ("Gemm, MatMul (+ Add), Conv, MaxPool, AveragePool, Flatten, Reshape (to [batch, -1]), "
                  "BatchNormalization, Dropout, Identity, Relu, Sigmoid, Tanh, LeakyRelu, Elu, Softmax, GRU, LSTM, "
                  "zero Pad, and the bookkeeping torch.onnx.export writes around them (Constant, Shape, Gather, "
                  "Unsqueeze, Squeeze, Concat, Expand, ConstantOfShape, Cast, Transpose)")
# At most this many elements in a tensor the importer builds itself (Expand, ConstantOfShape).
_ONNX_MAX_ELEMENTS = 1 << 24


def _short_decimal(value):
    """The shortest decimal that rounds to `value` as a float32 (ONNX stores attributes such as epsilon or
    a slope as float32): 1e-05 for float32(1e-5), as PyTorch's module had it."""
    import numpy as np
    return float(np.format_float_positional(np.float32(value), unique=True, trim="-"))


def load_onnx(path):
    """An ONNX model file as (nn.Sequential, input shape): the equivalent PyTorch modules, with the weights
    copied (GRU and LSTM gates reordered from ONNX's z, r, h and i, o, f, c to PyTorch's r, z, n and i, f, g,
    o), to be exported as a PyTorch model. The file is parsed by the onnx package (protobuf: data only, no
    code runs); external data files are refused (they would be read from paths the file names); every
    node must be one ctnn can express, in one chain from the one input to the one output; anything else
    is an ExportError naming the node and its op."""
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as error:
        raise ExportError("importing ONNX needs the onnx package (`import onnx` failed: %s); on Debian: "
                          "apt-get install python3-onnx" % error)
    import numpy as np
    torch = _torch()
    shown = _printable(path)
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as error:  # protobuf's DecodeError and others
        raise ExportError("%s: not an ONNX model (%s: %s)" % (shown, type(error).__name__, _first_line(error)))
    graph = model.graph
    if not model.HasField("graph") or not graph.node:
        raise ExportError("%s: not an ONNX model (no graph, or a graph without nodes)" % shown)
    for opset in model.opset_import:
        if opset.domain not in ("", "ai.onnx"):
            raise ExportError("%s: uses the operator set %s; ctnn-export imports the standard ONNX operators only"
                              % (shown, _printable(repr(opset.domain))))
    opset = max([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] or [1])
    if len(graph.sparse_initializer):
        raise ExportError("%s: holds sparse initializers, which ctnn-export does not import" % shown)

    def tensor_value(t, what):
        if onnx.external_data_helper.uses_external_data(t):
            raise ExportError("%s: %s keeps its data in an external file; refused (the path would come from the "
                              "model file): save the model with its weights inside" % (shown, what))
        if t.data_type not in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.INT64,
                               onnx.TensorProto.INT32, onnx.TensorProto.FLOAT16):
            raise ExportError("%s: %s has element type %d; ctnn-export reads float, double and integer tensors"
                              % (shown, what, t.data_type))
        if any(d < 0 for d in t.dims) or _product(t.dims) > _ONNX_MAX_ELEMENTS:
            raise ExportError("%s: %s has dimensions %s" % (shown, what, list(t.dims)))
        try:
            return np.array(numpy_helper.to_array(t))
        except Exception as error:
            raise ExportError("%s: %s cannot be read (%s)" % (shown, what, _first_line(error)))

    consts = {}
    for t in graph.initializer:
        consts[t.name] = tensor_value(t, "initializer %s" % _printable(repr(t.name)))
    inputs = [i for i in graph.input if i.name not in consts]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ExportError("%s: the graph has %d inputs and %d outputs (besides its weights); ctnn networks have one "
                          "of each" % (shown, len(inputs), len(graph.output)))
    dims = inputs[0].type.tensor_type.shape.dim
    shape = []
    for k, d in enumerate(dims):
        if d.HasField("dim_value") and d.dim_value > 0:
            shape.append(int(d.dim_value))
        elif k == 0:
            shape.append(1)  # the batch: any size
        else:
            raise ExportError("%s: the input's dimension %d has no fixed size; ctnn's sizes are compile-time constants"
                              % (shown, k))
    if not 2 <= len(shape) <= 4:
        raise ExportError("%s: the input has %d dimensions; ctnn-export imports [batch, features], [batch, C, L], "
                          "[batch, steps, features] and [batch, C, H, W]" % (shown, len(shape)))
    if _product(shape) > _ONNX_MAX_ELEMENTS:
        raise ExportError("%s: the input is too large" % shown)
    input_shape = tuple(shape[1:])
    current, forbidden = inputs[0].name, {}
    state = {"seq_major": False, "direction_axis": None}
    entries = []  # [name, kind, arguments]
    used_names = set()

    def fail(node, index, message):
        raise ExportError("%s: node %d %s (%s): %s" % (shown, index, _printable(repr(node.name)), _printable(node.op_type),
                                                      message))

    def attributes(node):
        out = {}
        for a in node.attribute:
            if a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                raise ExportError("%s: node %s (%s) holds a subgraph; ctnn-export imports plain chains of layers"
                                  % (shown, _printable(repr(node.name)), _printable(node.op_type)))
            if a.type == onnx.AttributeProto.TENSOR:
                out[a.name] = tensor_value(a.t, "the attribute %s of node %s" % (_printable(a.name),
                                                                                 _printable(repr(node.name))))
            elif a.type in (onnx.AttributeProto.FLOAT, onnx.AttributeProto.INT, onnx.AttributeProto.STRING,
                            onnx.AttributeProto.FLOATS, onnx.AttributeProto.INTS, onnx.AttributeProto.STRINGS):
                out[a.name] = onnx.helper.get_attribute_value(a)
            else:
                raise ExportError("%s: node %s (%s): attribute %s of an unsupported type"
                                  % (shown, _printable(repr(node.name)), _printable(node.op_type), _printable(a.name)))
        return out

    def layer_name(node, index):
        match = re.fullmatch(r"/(?:.*/)?([^/]+)/[A-Za-z]+(?:_[0-9]+)?", node.name)
        name = match.group(1).rsplit(".", 1)[-1] if match else ""
        # A module name: plain, and not one of nn.Sequential's own attributes ("training", "forward", ...).
        if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name) or hasattr(_torch().nn.Sequential(), name):
            name = str(len(entries))
        while name in used_names:
            name += "_"
        used_names.add(name)
        return name

    def const(node, index, name, what):
        if name not in consts:
            fail(node, index, "its %s (%s) is not a constant" % (what, _printable(repr(name))))
        return consts[name]

    def ints(values):
        return [int(v) for v in values]

    for index, node in enumerate(graph.node):
        if node.domain not in ("", "ai.onnx"):
            fail(node, index, "an operator of the domain %s; ctnn-export imports standard ONNX operators only"
                 % _printable(repr(node.domain)))
        op = node.op_type
        a = attributes(node)
        ins = list(node.input)
        for name in ins:
            if name in forbidden:
                fail(node, index, "reads %s, %s" % (_printable(repr(name)), forbidden[name]))
        reads_data = current in ins
        for name in ins:
            if name and name != current and name not in consts:
                fail(node, index, "reads %s, which is neither a constant nor the value the chain computes: ctnn "
                                  "networks are one chain of layers" % _printable(repr(name)))
        outs = list(node.output)
        if not reads_data:
            # Bookkeeping on constants.
            try:
                if op == "Constant":
                    if "value" not in a:
                        fail(node, index, "a Constant without a tensor value")
                    value = a["value"]
                elif op == "Identity":
                    value = consts[ins[0]]
                elif op == "Gather":
                    value = np.take(consts[ins[0]], consts[ins[1]], axis=int(a.get("axis", 0)))
                elif op in ("Unsqueeze", "Squeeze"):
                    axes = a.get("axes") if "axes" in a else (ints(consts[ins[1]]) if len(ins) > 1 and ins[1] else None)
                    value = consts[ins[0]]
                    if op == "Unsqueeze":
                        for axis in sorted(axes):
                            value = np.expand_dims(value, axis)
                    else:
                        value = np.squeeze(value, axis=tuple(axes) if axes is not None else None)
                elif op == "Concat":
                    value = np.concatenate([consts[i] for i in ins], axis=int(a["axis"]))
                elif op in ("Expand", "ConstantOfShape"):
                    target = ints(consts[ins[1]] if op == "Expand" else consts[ins[0]])
                    if any(d < 0 for d in target) or _product(target) > _ONNX_MAX_ELEMENTS:
                        fail(node, index, "a shape of %s elements" % _product(target))
                    fill = consts[ins[0]] if op == "Expand" else a.get("value", np.zeros(1, dtype=np.float32))
                    value = np.broadcast_to(fill, np.broadcast_shapes(fill.shape, tuple(target))).copy() \
                        if op == "Expand" else np.full(target, fill.reshape(-1)[0], dtype=fill.dtype)
                elif op == "Cast":
                    kinds = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.DOUBLE: np.float64,
                             onnx.TensorProto.INT64: np.int64, onnx.TensorProto.INT32: np.int32}
                    if int(a.get("to", 0)) not in kinds:
                        fail(node, index, "a Cast to type %s" % a.get("to"))
                    value = consts[ins[0]].astype(kinds[int(a["to"])])
                elif op == "Reshape":
                    value = consts[ins[0]].reshape(ints(consts[ins[1]]))
                else:
                    fail(node, index, "ctnn-export cannot import %s; supported: %s" % (_printable(op), ONNX_SUPPORTED))
            except ExportError:
                raise
            except Exception as error:  # shapes that do not fit: numpy's message
                fail(node, index, "cannot evaluate it (%s: %s)" % (type(error).__name__, _first_line(error)))
            if value.size > _ONNX_MAX_ELEMENTS:
                fail(node, index, "a constant of %d elements" % value.size)
            consts[outs[0]] = value
            continue

        if op == "Shape":
            consts[outs[0]] = np.array(shape, dtype=np.int64)
            continue
        if ins[0] != current and op != "Add":
            fail(node, index, "the chain's value must be its first input")
        for extra in outs[1:]:
            if extra:
                forbidden[extra] = "the second output of node %s (%s), which ctnn does not compute" % (
                    _printable(repr(node.name)), _printable(op))
        rank = len(shape)
        name = None
        if op in ("Identity",):
            pass
        elif op == "Pad":
            pads = a.get("pads") if "pads" in a else (ints(const(node, index, ins[1], "pads")) if len(ins) > 1 else [])
            if a.get("mode", b"constant") not in (b"constant", "constant") or any(int(p) != 0 for p in pads):
                fail(node, index, "a Pad that pads (ctnn pads only inside Conv, with zeros)")
        elif op == "Dropout":
            ratio = float(a.get("ratio", 0.5)) if len(ins) < 2 or not ins[1] else float(const(node, index, ins[1], "ratio"))
            if a.get("seed") is not None or (len(ins) > 2 and ins[2] and bool(const(node, index, ins[2], "training_mode"))):
                fail(node, index, "a Dropout in training mode")
            entries.append([layer_name(node, index), "Dropout", dict(p=_short_decimal(ratio))])
        elif op in ("Relu", "Sigmoid", "Tanh"):
            entries.append([layer_name(node, index), {"Relu": "ReLU"}.get(op, op), {}])
        elif op in ("LeakyRelu", "Elu"):
            alpha = _short_decimal(a.get("alpha", 0.01 if op == "LeakyRelu" else 1.0))
            entries.append([layer_name(node, index), "LeakyReLU" if op == "LeakyRelu" else "ELU",
                            dict(negative_slope=alpha) if op == "LeakyRelu" else dict(alpha=alpha)])
        elif op == "Softmax":
            axis = int(a.get("axis", 1 if opset < 13 else -1))
            if rank != 2 or axis not in (1, -1):
                fail(node, index, "a Softmax over axis %d of a %d-dimensional value; ctnn's softmax is over the "
                                  "features of a vector" % (axis, rank))
            entries.append([layer_name(node, index), "Softmax", dict(dim=axis)])
        elif op == "Gemm":
            if float(a.get("alpha", 1.0)) != 1.0 or float(a.get("beta", 1.0)) != 1.0 or int(a.get("transA", 0)):
                fail(node, index, "a Gemm with alpha, beta or transA; ctnn-export imports y = x W^T + b")
            if rank != 2:
                fail(node, index, "a Gemm of a %d-dimensional value" % rank)
            w = const(node, index, ins[1], "weight")
            if w.ndim != 2:
                fail(node, index, "a weight of shape %s" % (w.shape,))
            w = w if int(a.get("transB", 0)) else w.T
            b = const(node, index, ins[2], "bias") if len(ins) > 2 and ins[2] else None
            if b is not None:
                if b.size != w.shape[0] or b.ndim > 2:
                    fail(node, index, "a bias of shape %s for %d outputs" % (b.shape, w.shape[0]))
                b = b.reshape(-1)
            if w.shape[1] != shape[1]:
                fail(node, index, "takes %d inputs but the value before it has %d" % (w.shape[1], shape[1]))
            entries.append([layer_name(node, index), "Linear", dict(weight=w, bias=b)])
            shape = [1, int(w.shape[0])]
        elif op == "MatMul":
            w = const(node, index, ins[1], "weight")
            if w.ndim != 2 or rank not in (2, 3) or shape[-1] != w.shape[0]:
                fail(node, index, "a MatMul of shapes %s and %s; ctnn-export imports x W for a weight W [in][out] "
                                  "matching the value's last dimension" % (shape, list(w.shape)))
            entries.append([layer_name(node, index), "Linear", dict(weight=w.T, bias=None, matmul=True)])
            shape = shape[:-1] + [int(w.shape[1])]
        elif op == "Add":
            other = ins[1] if ins[0] == current else ins[0]
            b = const(node, index, other, "addend")
            last = entries[-1] if entries else None
            if last is None or last[1] != "Linear" or not last[2].get("matmul") or last[2]["bias"] is not None:
                fail(node, index, "an Add that is not the bias of a MatMul (ctnn networks are a chain of layers)")
            if b.size != shape[-1] or (b.ndim > 1 and any(d != 1 for d in b.shape[:-1])):
                fail(node, index, "a bias of shape %s for %d outputs" % (b.shape, shape[-1]))
            last[2]["bias"] = b.reshape(-1)
        elif op == "Conv":
            w = const(node, index, ins[1], "weight")
            dims = w.ndim - 2
            if dims not in (1, 2) or rank != dims + 2:
                fail(node, index, "a %d-dimensional convolution of a %d-dimensional value" % (max(dims, 0), rank))
            if a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                fail(node, index, "auto_pad; ctnn-export needs explicit pads")
            k = ints(a.get("kernel_shape", w.shape[2:]))
            strides = ints(a.get("strides", [1] * dims))
            pads = ints(a.get("pads", [0] * 2 * dims))
            if len(set(k)) != 1 or len(set(strides)) != 1 or len(set(pads)) != 1 or int(a.get("group", 1)) != 1 \
                    or any(d != 1 for d in ints(a.get("dilations", [1] * dims))) or list(w.shape[2:]) != k:
                fail(node, index, "kernel %s, strides %s, pads %s, group %s: ctnn's convolutions are square, with "
                                  "one stride and one zero padding on every side, no groups, no dilation"
                     % (k, strides, pads, a.get("group", 1)))
            b = const(node, index, ins[2], "bias") if len(ins) > 2 and ins[2] else None
            if int(w.shape[1]) != shape[1]:
                fail(node, index, "takes %d channels but the value before it has %d" % (w.shape[1], shape[1]))
            entries.append([layer_name(node, index), "Conv%dd" % dims,
                            dict(weight=w, bias=b, stride=strides[0], padding=pads[0])])
            out = [(d + 2 * pads[0] - k[0]) // strides[0] + 1 for d in shape[2:]]
            if any(d < 1 for d in out):
                fail(node, index, "the kernel is larger than the padded input")
            shape = [1, int(w.shape[0])] + out
        elif op in ("MaxPool", "AveragePool"):
            dims = rank - 2
            k = ints(a.get("kernel_shape", []))
            strides = ints(a.get("strides", [1] * dims))
            if dims not in (1, 2) or len(k) != dims or len(set(k)) != 1 or len(set(strides)) != 1 \
                    or any(p != 0 for p in ints(a.get("pads", []))) or int(a.get("ceil_mode", 0)) \
                    or any(d != 1 for d in ints(a.get("dilations", []))) or int(a.get("storage_order", 0)) \
                    or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                fail(node, index, "kernel %s, strides %s: ctnn's pooling is square, one stride, no padding, "
                                  "floor mode" % (k, strides))
            if any(k[0] > d for d in shape[2:]):
                fail(node, index, "the window is larger than the input")
            entries.append([layer_name(node, index), ("MaxPool%dd" if op == "MaxPool" else "AvgPool%dd") % dims,
                            dict(kernel_size=k[0], stride=strides[0])])
            shape = shape[:2] + [(d - k[0]) // strides[0] + 1 for d in shape[2:]]
        elif op in ("Flatten", "Reshape"):
            if state["seq_major"] or state["direction_axis"] is not None:
                fail(node, index, "flattens a sequence stored step-major; export with batch_first=True")
            if op == "Flatten":
                if int(a.get("axis", 1)) != 1:
                    fail(node, index, "Flatten(axis=%d); ctnn's flatten keeps the batch (axis=1)" % int(a["axis"]))
            else:
                target = ints(const(node, index, ins[1], "shape"))
                resolved = [shape[k] if t == 0 and k < rank else t for k, t in enumerate(target)]
                if len(resolved) != 2 or resolved[0] not in (1, -1) or resolved[1] not in (-1, _product(shape[1:])):
                    fail(node, index, "a Reshape to %s; ctnn-export imports only Reshape to [batch, -1] (a Flatten)"
                         % target)
            if rank > 2:
                entries.append([layer_name(node, index), "Flatten", {}])
            shape = [1, _product(shape[1:])]
        elif op == "BatchNormalization":
            if int(a.get("training_mode", 0)) or any(o for o in outs[1:]):
                fail(node, index, "a BatchNormalization in training mode")
            scale, bias, mean, var = (const(node, index, ins[k], w) for k, w in
                                      ((1, "scale"), (2, "bias"), (3, "mean"), (4, "variance")))
            if rank not in (2, 3, 4) or any(t.shape != (shape[1],) for t in (scale, bias, mean, var)):
                fail(node, index, "normalises %s with statistics of shapes %s" % (shape, [t.shape for t in
                                                                                        (scale, bias, mean, var)]))
            momentum = float("%.6g" % (1.0 - _short_decimal(a.get("momentum", 0.9))))
            entries.append([layer_name(node, index), "BatchNorm%dd" % (2 if rank == 4 else 1),
                            dict(eps=_short_decimal(a.get("epsilon", 1e-5)), momentum=momentum, weight=scale,
                                 bias=bias, mean=mean, var=var)])
        elif op == "Transpose":
            perm = ints(a.get("perm", list(range(rank))[::-1]))
            if perm == list(range(rank)):
                pass
            elif rank == 3 and perm == [1, 0, 2] and state["direction_axis"] is None:
                state["seq_major"] = not state["seq_major"]
                shape = [shape[1], shape[0], shape[2]]
            else:
                fail(node, index, "a Transpose %s; ctnn-export imports only the batch/step exchange torch.onnx.export "
                                  "writes around a recurrent layer" % perm)
        elif op == "Squeeze":
            axes = a.get("axes") if "axes" in a else (ints(const(node, index, ins[1], "axes"))
                                                      if len(ins) > 1 and ins[1] else None)
            if axes is None or [int(x) % rank for x in axes] != [state["direction_axis"]]:
                fail(node, index, "a Squeeze other than of a recurrent layer's direction axis")
            del shape[state["direction_axis"]]
            state["direction_axis"] = None
        elif op in ("GRU", "LSTM"):
            gates = 3 if op == "GRU" else 4
            if rank != 3 or state["direction_axis"] is not None:
                fail(node, index, "a %s of a %d-dimensional value" % (op, rank))
            layout = int(a.get("layout", 0))
            if layout != (0 if state["seq_major"] else 1):
                fail(node, index, "reads the sequence batch-major with layout=0 (or step-major with layout=1); "
                                  "export the model with a batch-first input, [batch, steps, features] "
                                  "(batch_first=True)")
            hidden = int(a.get("hidden_size", 0))
            if a.get("direction", b"forward") not in (b"forward", "forward") or "clip" in a or "activations" in a \
                    or int(a.get("input_forget", 0)) or (op == "GRU" and int(a.get("linear_before_reset", 0)) != 1):
                fail(node, index, "ctnn's %s is PyTorch's: forward, default activations, no clip%s"
                     % (op.lower(), ", linear_before_reset=1" if op == "GRU" else ", no coupled input and forget gate"))
            w, r = const(node, index, ins[1], "W"), const(node, index, ins[2], "R")
            features = shape[2]
            if hidden < 1 or w.shape != (1, gates * hidden, features) or r.shape != (1, gates * hidden, hidden):
                fail(node, index, "W %s and R %s for hidden_size %d and %d features per step"
                     % (w.shape, r.shape, hidden, features))
            b = const(node, index, ins[3], "B") if len(ins) > 3 and ins[3] else None
            if b is not None and b.shape != (1, 2 * gates * hidden):
                fail(node, index, "B of shape %s" % (b.shape,))
            for k, what in ((4, "sequence_lens"),):
                if len(ins) > k and ins[k]:
                    fail(node, index, "takes sequence_lens; ctnn's windows have a fixed number of steps")
            for k, what in ((5, "initial_h"), (6, "initial_c"), (7, "P (peepholes)")):
                if len(ins) > k and ins[k] and bool(np.any(const(node, index, ins[k], what) != 0)):
                    fail(node, index, "a non-zero %s; ctnn's recurrent layers start from zero and have no "
                                      "peepholes" % what)
            order = [1, 0, 2] if op == "GRU" else [0, 2, 3, 1]  # PyTorch's gate k is ONNX's gate order[k]

            def reorder(m):
                m = np.asarray(m)
                return np.concatenate([m[g * hidden:(g + 1) * hidden] for g in order], axis=0)

            b = b.reshape(-1) if b is not None else None
            entries.append([layer_name(node, index), op, dict(
                input_size=features, hidden_size=hidden, weight_ih=reorder(w[0]), weight_hh=reorder(r[0]),
                bias_ih=None if b is None else reorder(b[:gates * hidden]),
                bias_hh=None if b is None else reorder(b[gates * hidden:]))])
            if layout == 0:
                shape = [shape[0], 1, shape[1], hidden]
                state["direction_axis"] = 1
            else:
                shape = [shape[0], shape[1], 1, hidden]
                state["direction_axis"] = 2
        else:
            fail(node, index, "ctnn-export cannot import %s; supported: %s" % (_printable(op), ONNX_SUPPORTED))
        current = outs[0]
    if graph.output[0].name != current:
        raise ExportError("%s: the graph's output %s is not the end of its chain of layers"
                          % (shown, _printable(repr(graph.output[0].name))))
    if state["seq_major"] or state["direction_axis"] is not None:
        raise ExportError("%s: the output is a sequence stored step-major; export with batch_first=True" % shown)
    if not entries:
        raise ExportError("%s: the graph computes nothing ctnn-export can convert" % shown)
    return _onnx_sequential(entries, torch), input_shape


def _onnx_sequential(entries, torch):
    """The nn.Sequential of the imported layers, named as the ONNX nodes' module paths where they have one."""
    import collections
    import numpy as np
    nn = torch.nn
    dtype = torch.float32
    for _, _, arguments in entries:
        for value in arguments.values():
            if isinstance(value, np.ndarray) and value.dtype == np.float64:
                dtype = torch.float64

    def tensor(value):
        return torch.from_numpy(np.ascontiguousarray(value, dtype=np.float64)).to(dtype)

    modules = collections.OrderedDict()
    with torch.no_grad():
        for name, kind, arguments in entries:
            if kind == "Linear":
                w, b = arguments["weight"], arguments["bias"]
                module = nn.Linear(int(w.shape[1]), int(w.shape[0]), bias=b is not None, dtype=dtype)
                module.weight.copy_(tensor(w))
                if b is not None:
                    module.bias.copy_(tensor(b))
            elif kind in ("Conv1d", "Conv2d"):
                w, b = arguments["weight"], arguments["bias"]
                module = getattr(nn, kind)(int(w.shape[1]), int(w.shape[0]), int(w.shape[2]), stride=arguments["stride"],
                                           padding=arguments["padding"], bias=b is not None, dtype=dtype)
                module.weight.copy_(tensor(w))
                if b is not None:
                    module.bias.copy_(tensor(b))
            elif kind in ("BatchNorm1d", "BatchNorm2d"):
                module = getattr(nn, kind)(int(arguments["mean"].shape[0]), eps=arguments["eps"],
                                           momentum=arguments["momentum"], dtype=dtype)
                for attribute, key in (("weight", "weight"), ("bias", "bias"), ("running_mean", "mean"),
                                       ("running_var", "var")):
                    getattr(module, attribute).copy_(tensor(arguments[key]))
            elif kind in ("GRU", "LSTM"):
                module = getattr(nn, kind)(arguments["input_size"], arguments["hidden_size"], batch_first=True,
                                           bias=arguments["bias_ih"] is not None, dtype=dtype)
                for attribute in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    if arguments[attribute] is not None:
                        getattr(module, attribute + "_l0").copy_(tensor(arguments[attribute]))
            else:
                module = getattr(nn, kind)(**arguments)
            modules[name] = module
    return nn.Sequential(modules).eval()


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

def _literal(value, scalar):
    """The shortest decimal C++ literal that reads back as exactly `value` (already representable in
    `scalar`)."""
    if not math.isfinite(value):
        raise ExportError("cannot write the non-finite value %r" % value)
    if scalar == "float":
        import numpy
        text = numpy.format_float_scientific(numpy.float32(value), unique=True, trim="-")
        mantissa, exponent = text.split("e")
        exponent = int(exponent)
        text = mantissa if exponent == 0 else "%se%d" % (mantissa, exponent)
        if "." not in text and "e" not in text:
            text += ".0"
        assert numpy.float32(float(text)) == numpy.float32(value)
        return text + "f"
    text = repr(float(value))
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _rounded(values, scalar):
    """`values` (nested lists) rounded to `scalar`, as Python floats."""
    if scalar == "double":
        return values
    import numpy
    with numpy.errstate(over="ignore"):  # a value beyond float's range becomes inf; callers check
        return numpy.asarray(values, dtype=numpy.float32).astype(numpy.float64).tolist()


# ---------------------------------------------------------------------------
# Tolerance: an a-priori bound on |ctnn - PyTorch|
# ---------------------------------------------------------------------------

def error_bounds(layers, inputs, scalar, shape=None):
    """For each reference input, a bound on the difference between two implementations of the network
    in `scalar` that sum each dot product in any order and compute each elementary function to within
    _FUNCTION_ULPS ulps. Dense layer of n inputs: each implementation is within
    gamma(n+1) * (|x|.|W| + |b|) of the exact result (Higham, Accuracy and Stability, 3.1), plus the
    propagated input error |W|^T e; element-wise activations propagate e times their largest slope and
    add their own rounding. A convolution is a dense layer of Cin*K^d + 1 terms per output (zero padding
    adds nothing); max pooling passes the largest error of its window, average pooling the mean error plus
    gamma(K^d) of the mean |x|; GRU and LSTM propagate, step by step, the errors of their two affine maps
    (as dense layers) through each gate's function and products (_recurrent_bounds). A BatchNorm folded
    into its layer adds 4u of the terms (the folded weights rounded, PyTorch's own normalisation).
    First-order; the caller doubles it for safety."""
    import numpy as np
    u = _UNIT_ROUNDOFF[scalar]
    fn = 2.0 * _FUNCTION_ULPS * u  # relative error of one function value, both sides
    x = np.asarray(inputs, dtype=np.float64)
    if shape is not None and len(shape) > 1:
        x = x.reshape((x.shape[0],) + tuple(shape))
    d = np.zeros_like(x)
    gamma = lambda n: n * u / (1.0 - n * u)  # noqa: E731
    for layer in layers:
        kind = layer["kind"]
        if kind == "dense":
            w = np.asarray(layer["weight"], dtype=np.float64).T  # [in][out]
            b = np.asarray(layer["bias"], dtype=np.float64)
            n = layer["inputs"] + 1
            terms = np.abs(x) @ np.abs(w) + np.abs(b)
            d = d @ np.abs(w) + 2.0 * gamma(n) * terms
            x = x @ w + b
            if layer.get("folded"):
                d = d + _folded_error(layer, terms, u)
        elif kind in ("conv1d", "conv2d"):
            x, d = _conv_bounds(layer, x, d, u, gamma)
        elif kind in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"):
            x, d = _pool_bounds(layer, x, d, u, gamma)
        elif kind == "flatten":
            x, d = x.reshape(x.shape[0], -1), d.reshape(d.shape[0], -1)
        elif kind in ("gru", "lstm"):
            x, d = _recurrent_bounds(layer, x, d, u, fn, gamma)
        elif kind == "batch_norm":
            # y = x * a + (beta - mean * a), a = gamma / sqrt(var + eps): a few roundings of each term, and
            # eps itself rounded to the scalar in ctnn (PyTorch adds it in double).
            c = layer["channels"]
            p = np.asarray(layer["parameters"], dtype=np.float64)
            g, beta, mean, var = p[:c], p[c:2 * c], p[2 * c:3 * c], p[3 * c:]
            eps = layer["epsilon"][0] / layer["epsilon"][1]
            a = g / np.sqrt(var + eps)
            view = (1, c) + (1,) * (x.ndim - 2)
            a_, beta_, mean_ = a.reshape(view), beta.reshape(view), mean.reshape(view)
            y = x * a_ + (beta_ - mean_ * a_)
            d = np.abs(a_) * d + 8.0 * u * (np.abs(x * a_) + np.abs(beta_) + np.abs(mean_ * a_)) \
                + np.abs(x - mean_) * np.abs(a_) * (eps * u / (var + eps)).reshape(view)
            x = y
        elif kind in ("relu", "identity"):
            x = np.maximum(x, 0.0) if kind == "relu" else x
        elif kind == "leaky_relu":
            slope = layer["ratio"][0] / layer["ratio"][1]
            y = np.where(x > 0, x, slope * x)
            d = d * max(1.0, abs(slope)) + 4.0 * u * np.abs(y)
            x = y
        elif kind == "sigmoid":
            x = 1.0 / (1.0 + np.exp(-x))
            d = 0.25 * d + fn * np.abs(x)
        elif kind == "tanh":
            x = np.tanh(x)
            d = d + fn * np.abs(x)
        elif kind == "elu":
            alpha = layer["ratio"][0] / layer["ratio"][1]
            y = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
            # PyTorch forms exp(x) - 1: an absolute error of about alpha * u near 0.
            d = d * max(1.0, alpha) + fn * np.abs(y) + 4.0 * alpha * u
            x = y
        elif kind == "gelu":
            c = math.sqrt(2.0 / math.pi)
            y = 0.5 * x * (1.0 + np.tanh(c * (x + 0.044715 * x ** 3)))
            # |gelu'| < 1.13; 1 + tanh cancels for negative x: absolute error ~ u |x|.
            d = 1.13 * d + 4.0 * fn * np.abs(y) + 8.0 * u * np.abs(x)
            x = y
        elif kind == "softmax":
            z = np.exp(x - x.max(axis=-1, keepdims=True))
            s = z / z.sum(axis=-1, keepdims=True)
            # |d s_i| <= s_i (|d x_i| + sum_j s_j |d x_j|) <= 2 s_i max|d x|; the sum of n exponentials
            # adds n roundings, each exp its own error.
            n = x.shape[-1]
            d = s * (2.0 * d.max(axis=-1, keepdims=True) + 2.0 * (n + 2) * u + 2.0 * fn)
            x = s
        else:  # pragma: no cover - convert() admits nothing else
            raise ExportError("no error model for layer kind %r" % kind)
    return d.reshape(d.shape[0], -1)


def _folded_error(layer, terms, u):
    """The extra difference a folded BatchNorm makes: the folded weights rounded to the scalar (u of each
    term) and PyTorch's normalisation (y - mean) * s + beta, a few roundings of |s|(|y| + |mean|) + |beta|."""
    import numpy as np
    folded = layer["folded"]
    s = np.abs(np.asarray(folded["scale"]))
    extra = np.abs(np.asarray(folded["mean"])) * s + np.abs(np.asarray(folded["bias_before"])) * s \
        + np.abs(np.asarray(folded["beta"]))
    if terms.ndim > 2:  # a convolution's [N, C, ...]
        extra = extra.reshape((1, -1) + (1,) * (terms.ndim - 2))
    return 4.0 * u * (terms + extra)


def _conv_bounds(layer, x, d, u, gamma):
    import numpy as np
    torch = _torch()
    f = torch.nn.functional
    dims = 1 if layer["kind"] == "conv1d" else 2
    c_out, c_in, k = layer["out_channels"], layer["in_channels"], layer["kernel"]
    w = torch.tensor(layer["weight"], dtype=torch.float64).reshape((c_out, c_in) + (k,) * dims)
    b = torch.tensor(layer["bias"], dtype=torch.float64)
    conv = f.conv1d if dims == 1 else f.conv2d
    options = dict(stride=layer["stride"], padding=layer["padding"])
    tx, td = torch.from_numpy(x), torch.from_numpy(d)
    y = conv(tx, w, b, **options)
    terms = conv(tx.abs(), w.abs(), b.abs(), **options).numpy()
    n = c_in * k ** dims + 1
    d = conv(td, w.abs(), None, **options).numpy() + 2.0 * gamma(n) * terms
    if layer.get("folded"):
        d = d + _folded_error(layer, terms, u)
    return y.numpy(), d


def _pool_bounds(layer, x, d, u, gamma):
    torch = _torch()
    f = torch.nn.functional
    dims = int(layer["kind"][-2])
    k, s = layer["kernel"], layer["stride"]
    tx, td = torch.from_numpy(x), torch.from_numpy(d)
    if layer["kind"].startswith("max"):
        pool = f.max_pool1d if dims == 1 else f.max_pool2d
        return pool(tx, k, s).numpy(), pool(td, k, s).numpy()  # |max(a + e) - max(a)| <= max |e|
    pool = f.avg_pool1d if dims == 1 else f.avg_pool2d
    y = pool(tx, k, s)
    d = pool(td, k, s) + 2.0 * (gamma(k ** dims) * pool(tx.abs(), k, s) + u * y.abs())
    return y.numpy(), d.numpy()


def _recurrent_bounds(layer, x, d, u, fn, gamma):
    """GRU / LSTM over the window from a zero state: the values (batch-first) and the error bound of every
    step's hidden state, first-order, propagated through the gates."""
    import numpy as np
    features, hidden = layer["features"], layer["hidden"]
    gates = 3 if layer["kind"] == "gru" else 4
    p = np.asarray(layer["parameters"], dtype=np.float64)
    rows = gates * hidden
    wi = p[:rows * features].reshape(rows, features)
    at = rows * features
    wh = p[at:at + rows * hidden].reshape(rows, hidden)
    at += rows * hidden
    bi, bh = p[at:at + rows], p[at + rows:at + 2 * rows]
    samples, steps = x.shape[0], x.shape[1]
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    h = np.zeros((samples, hidden))
    eh_state = np.zeros_like(h)
    c = np.zeros_like(h)
    ec = np.zeros_like(h)
    ys, ds = [], []
    H = hidden
    for t in range(steps):
        xt, dt = x[:, t, :], d[:, t, :]
        ai = xt @ wi.T + bi
        ei = dt @ np.abs(wi).T + 2.0 * gamma(features + 1) * (np.abs(xt) @ np.abs(wi).T + np.abs(bi))
        ah = h @ wh.T + bh
        eh = eh_state @ np.abs(wh).T + 2.0 * gamma(hidden + 1) * (np.abs(h) @ np.abs(wh).T + np.abs(bh))
        if layer["kind"] == "gru":
            pre = ai[:, :2 * H] + ah[:, :2 * H]
            epre = ei[:, :2 * H] + eh[:, :2 * H] + 2.0 * u * np.abs(pre)
            rz = sigmoid(pre)
            erz = 0.25 * epre + fn * rz
            r, z, er, ez = rz[:, :H], rz[:, H:], erz[:, :H], erz[:, H:]
            hn = ah[:, 2 * H:]
            inner = ai[:, 2 * H:] + r * hn
            einner = ei[:, 2 * H:] + np.abs(hn) * er + np.abs(r) * eh[:, 2 * H:] \
                + 4.0 * u * (np.abs(r * hn) + np.abs(inner))
            n = np.tanh(inner)
            en = einner + fn * np.abs(n)
            new = (1.0 - z) * n + z * h
            eh_state = (np.abs(n) + np.abs(h)) * ez + np.abs(1.0 - z) * en + np.abs(z) * eh_state \
                + 6.0 * u * (np.abs((1.0 - z) * n) + np.abs(z * h) + np.abs(new))
            h = new
        else:
            pre = ai + ah
            epre = ei + eh + 2.0 * u * np.abs(pre)
            i, f, g, o = (sigmoid(pre[:, :H]), sigmoid(pre[:, H:2 * H]), np.tanh(pre[:, 2 * H:3 * H]),
                          sigmoid(pre[:, 3 * H:]))
            ei_, ef, eg, eo = (0.25 * epre[:, :H] + fn * i, 0.25 * epre[:, H:2 * H] + fn * f,
                               epre[:, 2 * H:3 * H] + fn * np.abs(g), 0.25 * epre[:, 3 * H:] + fn * o)
            new_c = f * c + i * g
            ec = np.abs(c) * ef + f * ec + np.abs(g) * ei_ + i * eg + 4.0 * u * (np.abs(f * c) + np.abs(i * g))
            c = new_c
            tc = np.tanh(c)
            etc = ec + fn * np.abs(tc)
            h = o * tc
            eh_state = np.abs(tc) * eo + o * etc + 2.0 * u * np.abs(h)
        ys.append(h)
        ds.append(eh_state)
    return np.stack(ys, axis=1), np.stack(ds, axis=1)


# ---------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------

_CXX_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
char16_t char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
co_return co_yield decltype default delete do double dynamic_cast else enum explicit export extern false
float for friend goto if inline int long mutable namespace new noexcept not not_eq nullptr operator or
or_eq private protected public register reinterpret_cast requires return short signed sizeof static
static_assert static_cast struct switch template this thread_local throw true try typedef typeid
typename union unsigned using virtual void volatile wchar_t while xor xor_eq typeof std ctnn""".split())


def _check_identifier(name, what="namespace"):
    """`name` if it is a C++ identifier (or several joined by ::) that is safe to write into the header:
    ASCII letters, digits and _, not starting with a digit, not a keyword (nor std or ctnn), not
    reserved to the implementation (no __ anywhere, no _ followed by a capital, no leading _ in the
    global namespace). Raises ExportError otherwise."""
    if not isinstance(name, str):
        raise ExportError("%s must be a string, not %s" % (what, type(name).__name__))
    shown = "'%s'" % _printable(name)
    if not name:
        raise ExportError("%s is empty; it must be a C++ identifier" % what)
    if not name.isascii():
        raise ExportError("%s %s is not ASCII; it must be a C++ identifier of the letters A-Z a-z, digits "
                          "and _" % (what, shown))
    for index, part in enumerate(name.split("::")):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            raise ExportError("%s %s is not a C++ identifier (letters, digits and _, not starting with a digit; "
                              "nested namespaces joined by ::)" % (what, shown))
        if "__" in part or re.match(r"_[A-Z]", part) or (index == 0 and part.startswith("_")):
            raise ExportError("%s %s: %r is reserved to the C++ implementation (__ anywhere, _ and a capital "
                              "letter, or _ first in the global namespace)" % (what, shown, part))
        if part in _CXX_KEYWORDS:
            raise ExportError("%s %s: %r is reserved (a C++ keyword, or std or ctnn)" % (what, shown, part))
    return name


def _namespace_from(path):
    """A valid namespace from a file's name: ASCII letters, digits and single underscores."""
    stem = os.path.splitext(os.path.basename(path))[0] if path else "model"
    namespace = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", stem)).strip("_")
    if not namespace or not re.match(r"[A-Za-z]", namespace) or namespace in _CXX_KEYWORDS:
        namespace = ("model_" + namespace).rstrip("_")
    return namespace


def ctnn_spec(layer):
    """The ctnn layer specification of one layer description, e.g. "ctnn::dense<4, 16>"."""
    kind = layer["kind"]
    if kind == "dense":
        spec = "ctnn::dense<%d, %d>" % (layer["inputs"], layer["outputs"])
        return "ctnn::each_step<%s>" % spec if layer.get("each_step") else spec
    if kind in ("conv1d", "conv2d"):
        return "ctnn::%s<%d, %d, %d, %d, %d>" % (kind, layer["in_channels"], layer["out_channels"], layer["kernel"],
                                                 layer["stride"], layer["padding"])
    if kind in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"):
        return "ctnn::%s<%d, %d>" % (kind, layer["kernel"], layer["stride"])
    if kind in ("gru", "lstm"):
        return "ctnn::%s<%d>" % (kind, layer["hidden"])
    if kind == "batch_norm":
        return "ctnn::batch_norm<%d, %d, %d, %d>" % (layer["momentum"] + layer["epsilon"])
    if "ratio" in layer:
        return "ctnn::%s<%d, %d>" % (kind, layer["ratio"][0], layer["ratio"][1])
    return "ctnn::" + kind


def layer_parameters(layer):
    """The layer's parameters in ctnn's order (flat), as floats: dense W[in][out] then bias; a convolution
    PyTorch's weight [out][in][k]([k]) as is, then bias; GRU/LSTM weight_ih, weight_hh, bias_ih, bias_hh."""
    kind = layer["kind"]
    if kind == "dense":
        n_in, n_out, weight = layer["inputs"], layer["outputs"], layer["weight"]
        return [weight[j][i] for i in range(n_in) for j in range(n_out)] + list(layer["bias"])
    if kind in ("conv1d", "conv2d"):
        return list(layer["weight"]) + list(layer["bias"])
    if kind in ("gru", "lstm", "batch_norm"):
        return list(layer["parameters"])
    return []


def parameter_count(layers):
    return sum(len(layer_parameters(layer)) for layer in layers)


def _input_shape(layers, input_size=None):
    shape = getattr(layers, "input_shape", None)
    if shape is None:  # a list from elsewhere (a replaced convert()): dense layers only
        shape = _shape_argument(input_size) or (next(l["inputs"] for l in layers if l["kind"] == "dense"),)
    return tuple(shape)


def network_type(layers, scalar, input_size):
    """The ctnn::network type; input_size: the input's shape (a tuple) or width."""
    shape = input_size if isinstance(input_size, (tuple, list)) else (input_size,)
    specs = [ctnn_spec(layer) for layer in layers]
    if layers[0]["kind"] != "dense" or len(shape) > 1:
        specs.insert(0, "ctnn::input<%s>" % ", ".join(str(d) for d in shape))
    return "ctnn::network<%s, %s>" % (scalar, ", ".join(specs))


def _wrap(items, indent, width=100):
    """Comma-separated `items` as lines of at most `width` characters."""
    lines, line = [], indent
    for item in items:
        piece = item + ","
        if len(line) + len(piece) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += piece + " "
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _reference_inputs(count, width, seed, scalar):
    torch = _torch()
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(count, width, generator=generator, dtype=torch.float64)
    return _rounded(values.tolist(), scalar)


def _pytorch_outputs(module, inputs, scalar, shape=None):
    """The module's own outputs (not a re-implementation's), in `scalar` precision. The inputs are
    [samples][features]; each is given to the module in its shape [samples, *shape]. A Sequential holding
    a GRU or LSTM (which returns a tuple, so the Sequential cannot run as a whole) runs leaf by leaf, each
    recurrent layer contributing its output sequence (batch_first, or transposed to and from it)."""
    import copy
    import warnings
    torch = _torch()
    dtype = torch.float32 if scalar == "float" else torch.float64
    try:
        reference = copy.deepcopy(module)
    except Exception:  # some scripted modules cannot be copied; .to() then changes the original
        reference = module
    with warnings.catch_warnings():  # converting a scripted module warns about .grad
        warnings.simplefilter("ignore")
        reference = reference.to(dtype)
    reference.eval()
    x = torch.tensor(inputs, dtype=dtype)
    if shape is not None and len(shape) > 1:
        x = x.reshape((len(inputs),) + tuple(shape))
    leaves = [leaf for _, leaf in _flatten(reference)]
    with torch.no_grad():
        if any(_kind(leaf) in ("GRU", "LSTM") for leaf in leaves):
            y = x
            for leaf in leaves:
                if _kind(leaf) in ("GRU", "LSTM"):
                    if leaf.batch_first:
                        y = leaf(y)[0]
                    else:
                        y = leaf(y.transpose(0, 1))[0].transpose(0, 1)
                else:
                    y = leaf(y)
        else:
            y = reference(x)
    if y.dim() > 2:
        y = y.reshape(y.shape[0], -1)
    if y.dim() != 2:
        raise ExportError("the module's output has shape %s, expected [samples, features]" % (tuple(y.shape),))
    return y.to(torch.float64).tolist()


# Above this many parameters one forward pass in a constant expression exceeds the compilers' default
# limits (GCC 12 -fconstexpr-ops-limit=2^25, Clang -fconstexpr-steps=2^20): 535,818 parameters
# (784-512-256-10) compile, 1,059,850 (1024-1024-10) do not.
CONSTEXPR_PARAMETER_LIMIT = 600000


# At most this many reference inputs (each costs the compiler one forward pass).
MAX_REFERENCES = 1000


def default_references(parameter_count):
    """8 reference inputs, fewer for large networks: each costs one forward pass in the compiler (GCC 12:
    about 1 s and 40 MB per 100k parameters)."""
    return max(2, min(8, 8 * 50000 // max(1, parameter_count)))


def export_header(module, path=None, *, scalar="float", namespace=None, references=None, reference_inputs=None,
                  seed=0, input_size=None, source=None, int8=False, calibration=None, batch_norm="fold"):
    """Writes (to `path`, if given) and returns the text of a self-verifying ctnn header for `module`.

    scalar            "float" or "double": the network's scalar type (weights are rounded to it)
    namespace         C++ namespace of the declarations (default: from the file name, else "model")
    references        how many reference inputs to draw from N(0, 1) with `seed` (0: no self-check;
                      default: default_references(), 8 up to 50k parameters, then fewer, at least 2)
    reference_inputs  or the reference inputs themselves: [samples][features] (e.g. real data)
    seed              0 <= seed < 2^64
    input_size        needed only when the Sequential has no Linear layer
    source            what to name as the origin in the header's first comment (escaped there)
    batch_norm        "fold": each BatchNorm folded into the Linear/Conv before it (default); "keep": a
                      ctnn::batch_norm layer with the running statistics
    int8              also declare int8_model = ctnn::quantise(model, ranges of `calibration`), verified
                      bit for bit against the exporter's integer reference (dense + ReLU/Identity only)
    calibration       with int8 (required): calibration inputs, [samples][features] (e.g. training data)

    `path` is written only if everything succeeds, through a new temporary file in its folder that
    replaces it at the end (see _write_atomically); a folder, '' or an existing symlink's target is
    never written.
    """
    torch = _torch()
    if scalar not in ("float", "double"):
        raise ExportError("scalar must be 'float' or 'double', not %r" % (scalar,))
    if path is not None:
        _check_output(path)
    if namespace is None:
        namespace = _namespace_from(path)
    _check_identifier(namespace)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 64:
        raise ExportError("the seed must be an integer from 0 to 2^64 - 1, not %s" % _printable(repr(seed)))
    if references is not None and (isinstance(references, bool) or not isinstance(references, int)
                                   or not 0 <= references <= MAX_REFERENCES):
        raise ExportError("the number of reference inputs must be an integer from 1 to %d (0: no self-check), "
                          "not %s" % (MAX_REFERENCES, _printable(repr(references))))
    if calibration is not None and not int8:
        raise ExportError("calibration inputs are for int8=True (--int8)")
    if int8 and calibration is None:
        raise ExportError("--int8 needs a calibration set (--calibration FILE, calibration=): the inputs whose "
                          "activation ranges set the int8 scales, e.g. a few hundred training samples. Without one "
                          "the ranges would be guesses, and the int8 network as wrong as they are")
    layers = convert(module, input_size) if batch_norm == "fold" else convert(module, input_size, batch_norm=batch_norm)
    shape = _input_shape(layers, input_size)
    width = _product(shape)
    if int8:
        int8_blocks(layers)
        if isinstance(calibration, torch.Tensor):
            calibration = calibration.detach().to("cpu", torch.float64).reshape(calibration.shape[0], -1).tolist()
        elif hasattr(calibration, "tolist"):  # a NumPy array
            calibration = [list(numpy_row) for numpy_row in
                           __import__("numpy").asarray(calibration, dtype="float64").reshape(len(calibration), -1)]
        try:
            calibration = [[float(v) for v in row] for row in calibration]
        except (TypeError, ValueError) as error:
            raise ExportError("the calibration inputs must be rows of real numbers (%s)" % _first_line(error))
        if not calibration or len(calibration) > MAX_CALIBRATION:
            raise ExportError("the calibration set must hold 1 to %d samples, not %d" % (MAX_CALIBRATION,
                                                                                         len(calibration)))
        for k, row in enumerate(calibration):
            if len(row) != width:
                raise ExportError("calibration sample %d has %d values; the network takes %d" % (k, len(row), width))
        calibration = _rounded(calibration, scalar)
        if not all(math.isfinite(v) for row in calibration for v in row):
            raise ExportError("a calibration sample holds a value that is not a finite %s" % scalar)
    out_width = _product(layers[-1]["shape"]) if "shape" in layers[-1] else next(
        l["outputs"] for l in reversed(layers) if l["kind"] == "dense")

    inputs_given = reference_inputs is not None
    if inputs_given:
        if isinstance(reference_inputs, torch.Tensor):
            if reference_inputs.is_complex():
                raise ExportError("the reference inputs are complex; ctnn's scalars are real")
            reference_inputs = reference_inputs.detach().to("cpu", torch.float64).tolist()
        try:
            reference_inputs = [[float(v) for v in row] for row in reference_inputs]
        except (TypeError, ValueError) as error:
            raise ExportError("the reference inputs must be rows of real numbers (%s)" % _first_line(error))
        if not reference_inputs:
            raise ExportError("no reference inputs were given; the header would verify nothing (to export "
                              "without a self-check, ask for none: references=0, --no-self-check)")
        if len(reference_inputs) > MAX_REFERENCES:
            raise ExportError("%d reference inputs; at most %d (each costs the compiler a forward pass)"
                              % (len(reference_inputs), MAX_REFERENCES))
        for k, row in enumerate(reference_inputs):
            if len(row) != width:
                raise ExportError("reference input %d has %d features; the network takes %d" % (k, len(row), width))
        reference_inputs = _rounded(reference_inputs, scalar)
        for k, row in enumerate(reference_inputs):
            if not all(math.isfinite(v) for v in row):
                raise ExportError("reference input %d holds a value that is not a finite %s" % (k, scalar))
    else:
        if references is None:
            references = default_references(parameter_count(layers))
        reference_inputs = _reference_inputs(references, width, seed, scalar) if references > 0 else []
    count = len(reference_inputs)

    parameters = parameter_count(layers)
    too_big = count > 0 and parameters > CONSTEXPR_PARAMETER_LIMIT
    if too_big:
        print("ctnn-export: warning: %d parameters: verifying them at compile time may exceed the compilers' "
              "default constexpr limits; compile with -fconstexpr-ops-limit=2147483647 (GCC) or "
              "-fconstexpr-steps=2147483647 (Clang), or export with --no-self-check" % parameters,
              file=sys.stderr)
    outputs, tolerances = [], []
    if count:
        outputs = _rounded(_pytorch_outputs(module, reference_inputs, scalar, shape), scalar)
        if len(outputs[0]) != out_width:
            raise ExportError("the module produces %d outputs, but its layers say %d" % (len(outputs[0]), out_width))
        for k, row in enumerate(outputs):
            if not all(math.isfinite(v) for v in row):
                raise ExportError("PyTorch's output for reference input %d is not finite" % k)
        bounds = error_bounds(layers, reference_inputs, scalar, shape)
        tiny = 4.0 * _SMALLEST_NORMAL[scalar]
        tolerances = _rounded((2.0 * bounds + tiny).tolist(), scalar)

    lit = lambda v: _literal(v, scalar)  # noqa: E731
    net_type = network_type(layers, scalar, shape)
    origin = _escaped(source) if source is not None else "a torch.nn module"
    guard = "verification"
    out = io.StringIO()
    w = out.write
    # Every text from the model or the caller goes through _escaped (comments) or _check_identifier.
    w("// Generated by tools/ctnn-export (PyTorch %s) from %s. Do not edit.\n"
      % (_escaped(torch.__version__), origin))
    w("//\n// PyTorch:  %s\n" % _escaped(" -> ".join(l["torch"] for l in layers)))
    w("// ctnn:     %s\n" % net_type)
    w("//          %d parameters; dense weights are PyTorch's Linear.weight transposed ([in][out]).\n"
      % parameters)
    if any(l.get("folded") for l in layers):
        w("//          BatchNorm folded: W' = W * s, b' = (b - mean) * s + beta, s = gamma / sqrt(var + eps) per\n"
          "//          output channel, computed in double, then rounded to %s.\n" % scalar)
    if count:
        w("//\n// Self-verifying: compiling this header evaluates ctnn's forward pass on %d reference inputs\n"
          "// and static_asserts that every output is within the tolerance of PyTorch's own output:\n"
          "//   |ctnn - pytorch| <= 2 * B + 4 * (smallest normal %s),  with B the first-order bound on the\n"
          "// difference of two implementations that sum each dot product in any order (gamma(n+1) * sum\n"
          "// of |x_i * w_ij| + |b_j| per dense layer, propagated; %d ulps per exp/tanh/sigmoid).\n"
          % (count, scalar, _FUNCTION_ULPS))
        if any(l["kind"] not in ("dense",) + _ELEMENTWISE_KINDS + ("softmax",) for l in layers):
            w("// A convolution counts as a dense layer of Cin*K^d + 1 terms; pooling, batch_norm and the\n"
              "// GRU/LSTM gates propagate the bound as docs/interop.md (The tolerance) derives.\n")
    if too_big:
        w("// This network is larger than the default constexpr limits allow to verify: compile with\n"
          "// -fconstexpr-ops-limit=2147483647 (GCC) or -fconstexpr-steps=2147483647 (Clang).\n")
    w("#pragma once\n\n#include <ctnn/ctnn.hpp>\n\n#include <array>\n#include <cstddef>\n%s\n"
      % ("#include <cstdint>\n#include <type_traits>\n" if int8 else ""))
    w("namespace %s {\n\n" % namespace)
    w("using model_type = %s;\n\n" % net_type)
    w("inline constexpr model_type model{{{\n")
    for layer in layers:
        kind = layer["kind"]
        if kind == "dense":
            n_in, n_out = layer["inputs"], layer["outputs"]
            weight = _rounded(layer["weight"], scalar)
            w("    // layer %s: %s -> %s: W[in][out] (Linear.weight transposed), then bias\n"
              % (_escaped(layer["name"]), _escaped(layer["torch"]), ctnn_spec(layer)))
            for i in range(n_in):
                for line in _wrap([lit(weight[j][i]) for j in range(n_out)], "    "):
                    w(line + "\n")
            for line in _wrap([lit(v) for v in _rounded(layer["bias"], scalar)], "    "):
                w(line + "\n")
        elif kind in ("conv1d", "conv2d", "gru", "lstm", "batch_norm"):
            what = ("weight [out][in][kernel]%s as PyTorch's, then bias" % ("[kernel]" if kind == "conv2d" else "")
                    if kind.startswith("conv") else "gamma, beta, running_mean, running_var" if kind == "batch_norm" else
                    "weight_ih, weight_hh, bias_ih, bias_hh as PyTorch's (gates %s)" % ("r, z, n" if kind == "gru"
                                                                                       else "i, f, g, o"))
            w("    // layer %s: %s -> %s: %s\n" % (_escaped(layer["name"]), _escaped(layer["torch"]),
                                                  ctnn_spec(layer), what))
            for line in _wrap([lit(v) for v in _rounded(layer_parameters(layer), scalar)], "    "):
                w(line + "\n")
    w("}}};\n\n")
    w("inline constexpr std::size_t reference_count = %d;\n" % count)
    if count:
        def table(name, rows, element):
            w("inline constexpr std::array<model_type::%s, reference_count> %s{{\n" % (element, name))
            for row in rows:
                w("    {{%s}},\n" % ", ".join(lit(v) for v in row))
            w("}};\n")
        w("// Reference inputs, rounded to %s%s.\n"
          % (scalar, "" if inputs_given else ": drawn from N(0, 1) with seed %d" % seed))
        table("reference_inputs", reference_inputs, "input_type")
        w("// PyTorch's outputs for them.\n")
        table("reference_outputs", outputs, "output_type")
        w("// How far ctnn's output may be from PyTorch's (see the top of this file).\n")
        table("reference_tolerances", tolerances, "output_type")
        w("\nnamespace %s {\n" % guard)
        w("// True iff ctnn's output for reference input k is within the tolerance of PyTorch's.\n")
        w("constexpr bool matches_pytorch(std::size_t k) noexcept {\n"
          "    const model_type::output_type y = model.forward(reference_inputs[k]);\n"
          "    for (std::size_t j = 0; j < y.size(); ++j) {\n"
          "        const model_type::scalar d = y[j] - reference_outputs[k][j];\n"
          "        if (!((d < model_type::scalar(0) ? -d : d) <= reference_tolerances[k][j])) return false;  // also catches NaN\n"
          "    }\n"
          "    return true;\n"
          "}\n"
          "} // namespace %s\n\n" % guard)
        for k in range(count):
            w('static_assert(%s::matches_pytorch(%d), "%s: ctnn\'s forward pass differs from PyTorch\'s '
              'on reference input %d");\n' % (guard, k, namespace, k))
    if int8:
        section, _ = _int8_section(layers, scalar, calibration, reference_inputs, namespace)
        w(section)
    w("\n} // namespace %s\n" % namespace)
    text = out.getvalue()
    if path is not None:
        _write_atomically(path, text)
    return text


# ---------------------------------------------------------------------------
# int8 (issue 16): ctnn's constexpr quantisation, verified against an integer reference
# ---------------------------------------------------------------------------

MAX_CALIBRATION = 1000


def int8_blocks(layers):
    """The quantisable blocks of a converted network: dense layers each followed by nothing, relu or identity
    (what ctnn::quantise takes). Raises ExportError naming the first layer that is not."""
    blocks, k = [], 0
    while k < len(layers):
        layer = layers[k]
        if layer["kind"] != "dense" or layer.get("each_step"):
            raise ExportError("layer %s (%s): --int8: ctnn quantises dense layers, each optionally followed by "
                              "ReLU or Identity, and nothing else (a final Softmax does not change the argmax: "
                              "export the model without it)" % (_printable(layer["name"]), _printable(layer["torch"])))
        relu = k + 1 < len(layers) and layers[k + 1]["kind"] == "relu"
        consumed = 2 if k + 1 < len(layers) and layers[k + 1]["kind"] in ("relu", "identity") else 1
        blocks.append({"in": layer["inputs"], "out": layer["outputs"], "relu": relu, "layer": layer})
        k += consumed
    return blocks


def _ctnn_forward_ranges(blocks, inputs, scalar):
    """The activation ranges ctnn::calibrate records ([0] the input, [k + 1] block k's output), from a
    forward pass in `scalar` summed in ctnn's order (bias first, then input 0, 1, ...; each product and sum
    rounded, as ctnn compiled with -ffp-contract=off): the same values bit for bit on ctnn's default
    multiply-add path."""
    import numpy as np
    dtype = np.float32 if scalar == "float" else np.float64
    x = np.asarray(inputs, dtype=dtype)
    lo, hi = [float(x.min())], [float(x.max())]
    for block in blocks:
        layer = block["layer"]
        w = np.asarray(_rounded(layer["weight"], scalar), dtype=dtype).T  # [in][out]
        b = np.asarray(_rounded(layer["bias"], scalar), dtype=dtype)
        y = np.tile(b, (x.shape[0], 1))
        for i in range(block["in"]):
            y = y + x[:, i:i + 1] * w[i]
        if block["relu"]:
            y = np.maximum(y, dtype(0))
        x = y
        lo.append(float(x.min()))
        hi.append(float(x.max()))
    return lo, hi


def _int8_section(layers, scalar, calibration, reference_inputs, namespace):
    """The header's int8 part: the calibration set, its ranges, ctnn::quantise(model, ranges), and the int8
    outputs of the reference inputs by ctnn_quant (the specification's integer arithmetic), which the
    compiled int8_model must reproduce bit for bit."""
    import numpy as np
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    import ctnn_quant
    blocks = int8_blocks(layers)
    lo, hi = _ctnn_forward_ranges(blocks, calibration, scalar)
    quant_layers = [{"in": b["in"], "out": b["out"], "relu": b["relu"],
                     "float_weights": np.asarray(_rounded(b["layer"]["weight"], scalar), dtype=np.float64).T.reshape(-1),
                     "float_bias": np.asarray(_rounded(b["layer"]["bias"], scalar), dtype=np.float64)}
                    for b in blocks]
    derived = ctnn_quant.derive(quant_layers, lo, hi)
    s_in, z_in = derived[0]["input"]
    codes = [ctnn_quant.quantise_input(x, s_in, z_in) for x in reference_inputs]
    outputs = [ctnn_quant.int8_forward(derived, c) for c in codes]
    lit = lambda v: _literal(v, scalar)  # noqa: E731
    out = io.StringIO()
    w = out.write
    w("\n// int8 (ctnn-export --int8): ctnn quantises `model` in a constant expression (ctnn/quant/quantise.hpp,\n"
      "// docs/quantisation.md) with the activation ranges of the calibration set below. The ranges are written\n"
      "// out (exact hexadecimal doubles) so the int8 network does not depend on the last bit of a float sum;\n"
      "// ctnn::calibrate over the embedded set must give them to a relative 1e-5 (exactly on ctnn's default,\n"
      "// unfused multiply-add path). The int8 outputs of the reference inputs were computed by the exporter\n"
      "// with the TFLite specification's integer arithmetic (tools/ctnn_quant.py); int8_model must reproduce\n"
      "// them bit for bit.\n")
    w("inline constexpr std::size_t calibration_count = %d;\n" % len(calibration))
    w("inline constexpr std::array<model_type::input_type, calibration_count> calibration_inputs{{\n")
    for row in calibration:
        w("    {{%s}},\n" % ", ".join(lit(v) for v in row))
    w("}};\n")
    hexes = lambda values: ", ".join(float(v).hex() for v in values)  # noqa: E731
    w("inline constexpr ctnn::activation_ranges_for<model_type> int8_ranges{{{%s}}, {{%s}}, calibration_count};\n"
      % (hexes(lo), hexes(hi)))
    w("inline constexpr auto int8_model = ctnn::quantise(model, int8_ranges);\n")
    w("using int8_model_type = std::remove_cvref_t<decltype(int8_model)>;\n")
    w("inline constexpr std::size_t int8_reference_count = %d;\n" % len(codes))
    if codes:
        for name, rows, element in (("int8_reference_inputs", codes, "input_type"),
                                    ("int8_reference_outputs", outputs, "output_type")):
            w("inline constexpr std::array<int8_model_type::%s, int8_reference_count> %s{{\n" % (element, name))
            for row in rows:
                w("    {{%s}},\n" % ", ".join(str(int(v)) for v in row))
            w("}};\n")
    w("\nnamespace verification {\n"
      "// True iff ctnn::calibrate over the embedded calibration set gives int8_ranges (to a relative 1e-5).\n"
      "constexpr bool calibration_matches() noexcept {\n"
      "    const auto r = ctnn::calibrate(model, calibration_inputs);\n"
      "    for (std::size_t t = 0; t < r.minimum.size(); ++t) {\n"
      "        const double a = int8_ranges.minimum[t], b = int8_ranges.maximum[t];\n"
      "        const double span = (a < 0 ? -a : a) > (b < 0 ? -b : b) ? (a < 0 ? -a : a) : (b < 0 ? -b : b);\n"
      "        const double da = r.minimum[t] - a, db = r.maximum[t] - b;\n"
      "        if (!((da < 0 ? -da : da) <= 1e-5 * span && (db < 0 ? -db : db) <= 1e-5 * span)) return false;\n"
      "    }\n"
      "    return true;\n"
      "}\n")
    if codes:
        w("// True iff the int8 network's output for int8 reference input k is the exporter's, bit for bit.\n"
          "constexpr bool int8_matches_reference(std::size_t k) noexcept {\n"
          "    return int8_model.forward(int8_reference_inputs[k]) == int8_reference_outputs[k];\n"
          "}\n")
    w("} // namespace verification\n\n")
    w('static_assert(verification::calibration_matches(), "%s: ctnn::calibrate over calibration_inputs does not give '
      'int8_ranges");\n' % namespace)
    w('static_assert(int8_model.accumulators_fit(), "%s: an int8 input could overflow an int32 accumulator");\n'
      % namespace)
    for k in range(len(codes)):
        w('static_assert(verification::int8_matches_reference(%d), "%s: ctnn\'s int8 network differs from the integer '
          'reference on int8 reference input %d");\n' % (k, namespace, k))
    return out.getvalue(), {"derived": derived, "ranges": (lo, hi), "codes": codes, "outputs": outputs}


def read_calibration(path, width):
    """A calibration set: a .npy file (numpy.load with allow_pickle=False: data only) of shape [samples][width]
    or [samples, *input shape], or a text file as for --reference-inputs. 1 to MAX_CALIBRATION samples, finite."""
    import numpy as np
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        try:
            array = np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError) as error:
            raise ExportError("%s: not a readable .npy array of numbers (%s)" % (_printable(path), _first_line(error)))
        if array.dtype.kind not in "fiu":
            raise ExportError("%s: holds %s values, not real numbers" % (_printable(path), array.dtype))
        if array.ndim < 1 or array.shape[0] == 0:
            raise ExportError("%s holds no calibration samples" % _printable(path))
        rows = array.reshape(array.shape[0], -1).astype(np.float64).tolist()
    else:
        rows = _read_inputs(path)
    if len(rows) > MAX_CALIBRATION:
        raise ExportError("%s: %d calibration samples; at most %d (each costs the compiler a forward pass)"
                          % (_printable(path), len(rows), MAX_CALIBRATION))
    for k, row in enumerate(rows):
        if len(row) != width:
            raise ExportError("%s: calibration sample %d has %d values; the network takes %d"
                              % (_printable(path), k, len(row), width))
        if not all(math.isfinite(v) for v in row):
            raise ExportError("%s: calibration sample %d holds a value that is not finite" % (_printable(path), k))
    return rows


def _check_output(path, inputs=()):
    """Refuses an output that cannot be a file we replace: '', a folder, or one of the inputs."""
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ExportError("the output file name is empty")
    path = os.fspath(path)
    if path.endswith(os.sep) or os.path.isdir(path):
        raise ExportError("the output %s is a folder; give a file name (e.g. %s)"
                          % (_printable(path), _printable(os.path.join(path, "model.hpp"))))
    if os.path.exists(path) and not os.path.islink(path) and not os.path.isfile(path):
        # A device, FIFO or socket (e.g. -o /dev/null): os.replace would put a regular file in its place.
        raise ExportError("the output %s exists and is not a regular file; give a file name, or -o - for "
                          "standard output" % _printable(path))
    for source in inputs:
        if source is None:
            continue
        same = os.path.realpath(path) == os.path.realpath(source)
        try:
            same = same or os.path.samefile(path, source)
        except OSError:  # one of them does not exist: not the same file
            pass
        if same:
            raise ExportError("the output %s is the input %s; it would be overwritten"
                              % (_printable(path), _printable(source)))


def _write_atomically(path, text):
    """Writes `text` to `path` all or nothing: into a new file with a unique name in the same folder
    (created with O_CREAT | O_EXCL, so an existing file or symlink there is never followed or
    overwritten), then renamed over `path` (os.replace: a symlink at `path` is replaced, its target
    untouched). On any failure the temporary file is removed and `path` is as it was."""
    import tempfile
    _check_output(path)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".",
                                             suffix=".tmp")
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(descriptor, 0o666 & ~mask)  # as open() would create it, not mkstemp's 0600
        with os.fdopen(descriptor, "w", encoding="ascii", newline="\n") as f:
            descriptor = None
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        if descriptor is not None:
            os.close(descriptor)
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------
# ctnn's text format
# ---------------------------------------------------------------------------

def _hex(value):
    """Exact hexadecimal form of a float, as ctnn::write_text writes it (trailing zero digits dropped)."""
    text = float(value).hex()
    if "p" in text:
        mantissa, exponent = text.split("p")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = mantissa + "p" + exponent
    return text


def _number(token):
    """A float from a token: hexadecimal (as %a writes it), decimal, inf or nan. ValueError otherwise
    (also for anything Python would forgive: surrounding whitespace, underscores, non-ASCII digits)."""
    if not re.fullmatch(r"[0-9A-Za-z.+-]+", token):
        raise ValueError(token)
    return float.fromhex(token) if "0x" in token.lower() else float(token)


def load_text(source, where=None):
    """The nn.Sequential described by ctnn's text format (written by ctnn::write_text or save_text).
    `source`: a path, a file object, bytes, or the text itself (a str holding a newline). The module's
    dtype is the file's scalar. Raises ExportError, naming the line, for anything malformed."""
    torch = _torch()
    if hasattr(source, "read"):
        text = source.read()
    elif isinstance(source, (bytes, bytearray)):
        text = bytes(source)
    elif "\n" in source:
        text = source
    else:
        where = where or source
        with open(source, "rb") as f:
            text = f.read()
    label = "ctnn text" if where is None else "%s (ctnn text)" % where
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError as error:
            raise ExportError("%s: byte %d is not ASCII; the format is ASCII text" % (label, error.start))
    elif not text.isascii():
        raise ExportError("%s: holds a non-ASCII character; the format is ASCII text" % label)
    # Tokens, line by line, without comments. Lines end at \n, \r\n or a lone \r.
    lines = [(n, [t for t in re.split("[ \t]+", line.split("#", 1)[0]) if t]) for n, line in
             enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1)]
    lines = [(n, tokens) for n, tokens in lines if tokens]
    position = 0

    def fail(n, message):
        raise ExportError("%s, line %d: %s" % (label, n, message))

    def take(expect=None, arguments=None, what=None):
        nonlocal position
        if position >= len(lines):
            raise ExportError("%s: ends early (expected %s)" % (label, what or expect or "more"))
        n, tokens = lines[position]
        position += 1
        if expect is not None and tokens[0] != expect:
            fail(n, "expected %r, found %r" % (expect, tokens[0]))
        if arguments is not None and len(tokens) != 1 + arguments:
            fail(n, "%r takes %d value%s, found %d" % (tokens[0], arguments, "" if arguments == 1 else "s",
                                                        len(tokens) - 1))
        return n, tokens

    def integer(n, token, what, low, high):
        if not re.fullmatch(r"[+-]?[0-9]+", token):
            fail(n, "%s must be an integer, not %r" % (what, token))
        value = int(token)
        if not low <= value <= high:
            fail(n, "%s is %d; it must be between %d and %d" % (what, value, low, high))
        return value

    def number(n, token):
        try:
            return _number(token)
        except ValueError:
            fail(n, "%r is not a number" % token)

    n, tokens = take(FORMAT_MAGIC)
    if len(tokens) != 2 or tokens[1] != str(FORMAT_VERSION):
        fail(n, "this loader reads version %d" % FORMAT_VERSION)
    n, tokens = take("scalar", 1)
    scalar = tokens[1]
    dtype = {"float": torch.float32, "double": torch.float64}.get(scalar)
    if dtype is None:
        fail(n, "scalar must be float or double, not %r" % scalar)
    n, tokens = take("input", 1)
    width = integer(n, tokens[1], "the input size", 1, 2 ** 31 - 1)
    n, tokens = take("layers", 1)
    count = integer(n, tokens[1], "the number of layers", 1, 2 ** 31 - 1)
    modules = []
    for _ in range(count):
        n, tokens = take()
        kind, args = tokens[0], tokens[1:]
        if kind == "dense":
            if len(args) != 2:
                fail(n, "dense takes 2 values (inputs, outputs), found %d" % len(args))
            n_in = integer(n, args[0], "dense's input count", 1, 2 ** 31 - 1)
            n_out = integer(n, args[1], "dense's output count", 1, 2 ** 31 - 1)
            if n_in != width:
                fail(n, "dense takes %d inputs, the layer before gives %d" % (n_in, width))
            rows = []
            for _i in range(n_in + 1):  # W[i][:] for each input i, then the bias
                m, values = take(what="the %d weights of W[%d]" % (n_out, _i) if _i < n_in
                                 else "the %d biases" % n_out)
                if len(values) != n_out:
                    fail(m, "expected %d value%s, found %d" % (n_out, "" if n_out == 1 else "s", len(values)))
                rows.append([number(m, v) for v in values])
            linear = torch.nn.Linear(n_in, n_out, dtype=dtype)
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(rows[:n_in], dtype=torch.float64).T)
                linear.bias.copy_(torch.tensor(rows[n_in], dtype=torch.float64))
            modules.append(linear)
            width = n_out
        elif kind in ("relu", "sigmoid", "tanh", "identity", "softmax", "gelu"):
            if args:
                fail(n, "%s takes no values, found %d" % (kind, len(args)))
            modules.append({"relu": lambda: torch.nn.ReLU(), "sigmoid": lambda: torch.nn.Sigmoid(),
                            "tanh": lambda: torch.nn.Tanh(), "identity": lambda: torch.nn.Identity(),
                            "softmax": lambda: torch.nn.Softmax(dim=-1),
                            "gelu": lambda: torch.nn.GELU(approximate="tanh")}[kind]())
        elif kind in ("leaky_relu", "elu"):
            if len(args) != 2:
                fail(n, "%s takes 2 values (numerator, denominator), found %d" % (kind, len(args)))
            limit = 2 ** 63 - 1  # ctnn's template parameters are long long
            numerator = integer(n, args[0], kind + "'s numerator", -limit, limit)
            denominator = integer(n, args[1], kind + "'s denominator", 1, limit)
            ratio = numerator / denominator
            if kind == "elu" and not ratio > 0:
                fail(n, "elu needs a positive alpha, not %d/%d" % (numerator, denominator))
            modules.append(torch.nn.LeakyReLU(ratio) if kind == "leaky_relu" else torch.nn.ELU(ratio))
        else:
            fail(n, "unknown layer %r" % kind)
    take("end", 0)
    if position < len(lines):
        fail(lines[position][0], "unexpected %r after 'end'" % lines[position][1][0])
    return torch.nn.Sequential(*modules).to(dtype)


def save_text(module, path=None, scalar=None, input_size=None):
    """Writes `module` in ctnn's text format (values as exact hexadecimal floats) and returns the text."""
    torch = _torch()
    layers = convert(module, input_size)
    other = next((l for l in layers if l["kind"] != "dense" and "ratio" not in l
                  and l["kind"] not in ("relu", "sigmoid", "tanh", "identity", "softmax", "gelu")), None)
    if other is not None or any(l.get("each_step") or l.get("folded") for l in layers):
        raise ExportError("layer %s (%s): ctnn's text format (version %d) holds dense networks and activations only"
                          % (_escaped((other or layers[0])["name"]), _escaped((other or layers[0])["torch"]),
                             FORMAT_VERSION))
    if scalar is None:
        params = list(module.parameters())
        scalar = "double" if params and params[0].dtype == torch.float64 else "float"
    width = _product(_input_shape(layers, input_size))
    out = ["%s %d" % (FORMAT_MAGIC, FORMAT_VERSION), "scalar " + scalar, "input %d" % width,
           "layers %d" % len(layers)]
    for layer in layers:
        kind = layer["kind"]
        if kind == "dense":
            out.append("dense %d %d" % (layer["inputs"], layer["outputs"]))
            weight = _rounded(layer["weight"], scalar)
            for i in range(layer["inputs"]):
                out.append(" ".join(_hex(weight[j][i]) for j in range(layer["outputs"])))
            out.append(" ".join(_hex(v) for v in _rounded(layer["bias"], scalar)))
        elif "ratio" in layer:
            out.append("%s %d %d" % (kind, layer["ratio"][0], layer["ratio"][1]))
        else:
            out.append(kind)
    out.append("end")
    text = "\n".join(out) + "\n"
    if path is not None:
        _write_atomically(path, text)
    return text


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def _read_inputs(path):
    """Reference inputs from a text file: one sample a line, values separated by spaces, tabs or commas,
    '#' starts a comment. Raises ExportError naming the line of anything that is not a finite number."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        raise ExportError("%s: byte %d is not ASCII; expected numbers" % (_printable(path), error.start))
    rows = []
    for n, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        tokens = [t for t in re.split("[ \t,]+", line.split("#", 1)[0]) if t]
        if not tokens:
            continue
        row = []
        for token in tokens:
            try:
                value = _number(token)
            except ValueError:
                raise ExportError("%s, line %d: %s is not a number" % (_printable(path), n, _printable(repr(token))))
            if not math.isfinite(value):
                raise ExportError("%s, line %d: %s is not a finite number" % (_printable(path), n, _printable(token)))
            row.append(value)
        rows.append(row)
    if not rows:
        raise ExportError("%s holds no reference inputs (one sample a line)" % _printable(path))
    return rows


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message):
        sys.stderr.write("%s: error: %s (see --help)\n" % (self.prog, _printable(message)))
        sys.exit(2)


def _integer(text):
    """An integer argument (argparse calls it; ValueError becomes a usage error)."""
    if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
        raise ValueError(text)
    return int(text)


_integer.__name__ = "integer"


def _shape(text):
    """A shape argument: 1 to 3 positive integers separated by commas (argparse calls it)."""
    if not re.fullmatch(r"[0-9]+(,[0-9]+){0,2}", text.strip()):
        raise ValueError(text)
    values = tuple(int(v) for v in text.strip().split(","))
    if any(v < 1 for v in values):
        raise ValueError(text)
    return values


_shape.__name__ = "shape"


def main(argv=None):
    """The command line. Returns the exit status: 0 written, 2 refused (one line on stderr)."""
    parser = _Parser(
        prog="ctnn-export",
        description="Convert a PyTorch nn.Sequential (TorchScript archive, ctnn's text format, or with "
                    "--trust-pickle a torch.save'd module) into a self-verifying C++ header with a constexpr "
                    "ctnn::network.")
    parser.add_argument("model", help="model file: torch.jit.save (TorchScript), ONNX (a name ending in .onnx), "
                                      "ctnn's text format, or torch.save(module) with --trust-pickle")
    parser.add_argument("-o", "--output", required=True, help="header to write ('-' for standard output)")
    parser.add_argument("--scalar", choices=("float", "double"), default="float",
                        help="the network's scalar type (default: float)")
    parser.add_argument("--namespace", help="C++ namespace of the declarations (default: from the output's name)")
    parser.add_argument("--references", type=_integer, default=None,
                        help="number of random reference inputs to verify against, 1 to %d (default 8, fewer "
                             "above 50k parameters)" % MAX_REFERENCES)
    parser.add_argument("--no-self-check", action="store_true",
                        help="write no reference inputs and no static_asserts (the header is not verified)")
    parser.add_argument("--reference-inputs", metavar="FILE",
                        help="reference inputs instead: one sample a line, values separated by spaces or commas")
    parser.add_argument("--seed", type=_integer, default=0,
                        help="seed of the random reference inputs, 0 to 2^64-1 (default 0)")
    parser.add_argument("--input-size", type=_integer, help="input width, when the Sequential has no Linear layer")
    parser.add_argument("--input-shape", type=_shape, metavar="C,H,W",
                        help="the input's shape, when the first layer is not a Linear: C,L or C,H,W for a "
                             "convolution or pooling, Steps,Features for a GRU or LSTM")
    parser.add_argument("--batch-norm", choices=("fold", "keep"), default="fold",
                        help="fold each BatchNorm into the Linear/Conv before it (default), or keep it as a "
                             "ctnn::batch_norm layer")
    parser.add_argument("--int8", action="store_true",
                        help="also declare int8_model: ctnn::quantise(model) with the calibration set's ranges, "
                             "verified bit for bit against the exporter's integer reference (needs --calibration; "
                             "dense layers with ReLU/Identity only)")
    parser.add_argument("--calibration", metavar="FILE",
                        help="with --int8: the calibration inputs, a .npy array [samples][features] (read with "
                             "allow_pickle=False) or text, one sample a line")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="also load a module pickled whole by torch.save(model). DANGER: unpickling executes "
                             "any code the file contains; use it only for files you made or trust. Without it "
                             "such a file is refused (TorchScript archives and ctnn text need no trust)")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ExportError as error:
        sys.stderr.write("ctnn-export: error: %s\n" % _printable(error))
    except OSError as error:
        where = error.filename if error.filename is not None else ""
        sys.stderr.write("ctnn-export: error: %s%s\n" % (_printable(where) + ": " if where else "",
                                                         _printable(error.strerror or _first_line(error))))
    except Exception as error:  # a bug, or torch failing in a way not foreseen: still one line
        sys.stderr.write("ctnn-export: internal error: %s: %s\n" % (type(error).__name__,
                                                                   _printable(_first_line(error))))
    return 2


def _calibration_for(path, module, input_size):
    layers = convert(module, input_size)
    return read_calibration(path, _product(_input_shape(layers, input_size)))


def _run(args):
    # Every argument is checked before the model is loaded.
    to_stdout = args.output == "-"
    if not to_stdout:
        _check_output(args.output, inputs=(args.model, args.reference_inputs, args.calibration))
    if args.namespace is not None:
        _check_identifier(args.namespace)
    if not 0 <= args.seed < 2 ** 64:
        raise ExportError("--seed must be from 0 to 2^64 - 1, not %d" % args.seed)
    if args.references is not None and not 1 <= args.references <= MAX_REFERENCES:
        raise ExportError("--references must be from 1 to %d, not %d (to export without a self-check: "
                          "--no-self-check)" % (MAX_REFERENCES, args.references))
    if args.input_size is not None and args.input_size < 1:
        raise ExportError("--input-size must be at least 1, not %d" % args.input_size)
    if args.input_size is not None and args.input_shape is not None:
        raise ExportError("give --input-size or --input-shape, not both")
    input_size = args.input_shape if args.input_shape is not None else args.input_size
    given = [name for name, value in (("--references", args.references), ("--reference-inputs", args.reference_inputs))
             if value is not None]
    if args.no_self_check and given:
        raise ExportError("--no-self-check contradicts %s" % given[0])
    if args.references is not None and args.reference_inputs is not None:
        raise ExportError("give --references or --reference-inputs, not both")
    if args.int8 and args.calibration is None:
        raise ExportError("--int8 needs --calibration FILE: the inputs whose activation ranges set the int8 scales "
                          "(e.g. a few hundred training samples, as .npy or text); without them the ranges would be "
                          "guesses, and the int8 network as wrong as they are")
    if args.calibration is not None and not args.int8:
        raise ExportError("--calibration is for --int8")
    inputs = _read_inputs(args.reference_inputs) if args.reference_inputs else None
    if args.model.lower().endswith(".onnx"):
        module, onnx_shape = load_onnx(args.model)
        if input_size is not None and _shape_argument(input_size) != onnx_shape:
            raise ExportError("%s: the ONNX model's input has shape %s, not %s" % (
                _printable(args.model), _shape_text(onnx_shape), _shape_text(_shape_argument(input_size))))
        input_size = onnx_shape if len(onnx_shape) > 1 or not isinstance(module[0], _torch().nn.Linear) else None
    else:
        module = load_module(args.model, trust_pickle=args.trust_pickle)
    namespace = args.namespace
    if namespace is None and to_stdout:
        namespace = _namespace_from(args.model)
    text = export_header(module, None if to_stdout else args.output, scalar=args.scalar, namespace=namespace,
                         references=0 if args.no_self_check else args.references, reference_inputs=inputs,
                         seed=args.seed, input_size=input_size, source=os.path.basename(args.model), int8=args.int8,
                         calibration=_calibration_for(args.calibration, module, input_size) if args.int8 else None,
                         batch_norm=args.batch_norm)
    if to_stdout:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
