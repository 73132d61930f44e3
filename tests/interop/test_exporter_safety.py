"""tools/ctnn-export against hostile and careless input (issue 12). Run by ctest, one section a test:

    test_exporter_safety.py <section> <tools dir> <scratch dir> [<C++ compiler> <include dir>...]

sections:
  pickle     a model file's pickle never runs unless --trust-pickle: a payload that creates a marker
             file (and still unpickles to a valid Sequential) is refused, exit 2, one line, no marker
  injection  layer names, the model file's name, source= and the namespace cannot put code into the
             header: hostile names give a header that compiles and whose static_asserts still fail
             on a wrong conversion; invalid namespaces are refused
  output     the header is written through a fresh temporary file in its folder: a symlink at
             NAME.tmp is not followed, -o equal to the input, a folder or '' is refused, nothing is
             left behind on failure
  errors     every listed mistake is one line on stderr and exit status 2, never a traceback
"""

import collections
import contextlib
import io
import os
import pickle
import shutil
import stat
import subprocess
import sys
import zipfile

section, tools, scratch = sys.argv[1], sys.argv[2], sys.argv[3]
compiler, includes = (sys.argv[4], sys.argv[5:]) if len(sys.argv) > 4 else (None, [])
sys.path.insert(0, tools)
import ctnn_export  # noqa: E402
import torch  # noqa: E402

nn = torch.nn
scratch = os.path.join(scratch, section)
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
failures = []
environment = dict(os.environ, CTNN_PYTHON=sys.executable)


def path(name):
    return os.path.join(scratch, name)


def cli(*arguments, cwd=None):
    """Runs ctnn_export.main in this process (importing torch again would cost a second a run).
    Returns (status, stderr); a traceback out of main() is returned as status None."""
    errors, output = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(output):
            try:
                status = ctnn_export.main([str(a) for a in arguments])
            except SystemExit as exit:
                status = exit.code
            except BaseException as error:  # noqa: B902 - a traceback is what must not happen
                return None, "%s: %s" % (type(error).__name__, error)
    finally:
        os.chdir(previous)
    return status, errors.getvalue()


def refused(what, arguments, *expected, cwd=None):
    """`ctnn-export arguments` must exit 2 with exactly one line on stderr, an error (not an internal
    error) that contains every expected piece."""
    status, stderr = cli(*arguments, cwd=cwd)
    lines = stderr.splitlines()
    problems = []
    if status is None:
        problems.append("a traceback: " + stderr)
    elif status != 2:
        problems.append("exit status %r, not 2" % status)
    if status is not None and len(lines) != 1:
        problems.append("%d lines on stderr, not 1" % len(lines))
    if status is not None and lines and not lines[0].startswith("ctnn-export: error: "):
        problems.append("not an error message")
    problems += ["lacks %r" % piece for piece in expected if piece not in stderr]
    if problems:
        failures.append("%s: %s; stderr %r" % (what, "; ".join(problems), stderr[-600:]))
    else:
        print("ok  %-40s %s" % (what, lines[0][:150]))


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def compiles(name, text):
    """(compiled, diagnostics) of a translation unit that includes the header `text`."""
    header = path(name + ".hpp")
    with open(header, "w") as f:
        f.write(text)
    source = path(name + ".cpp")
    with open(source, "w") as f:
        f.write('#include "%s.hpp"\nint main() { return 0; }\n' % name)
    command = [compiler, "-std=c++20", "-fsyntax-only", "-ffp-contract=off"]
    # The compiler's own directories are searched anyway; naming them with -I would reorder them.
    command += ["-I" + d for d in includes if d not in ("/usr/include", "/usr/local/include")] + [source]
    run = subprocess.run(command, capture_output=True, text=True)
    return run.returncode == 0, run.stderr


def text_model(name, content=None):
    """A ctnn text file holding a small 2-3-2 network (or `content`); returns its path."""
    if content is None:
        content = ctnn_export.save_text(nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2)))
    with open(path(name), "w") as f:
        f.write(content)
    return path(name)


# ---------------------------------------------------------------------------------------------------
if section == "pickle":
    marker = path("PAYLOAD_RAN")

    class Payload:
        """Unpickling this runs code: it creates `marker`, and unpickles to None."""

        def __reduce__(self):
            return (exec, ("open(%r, 'w').write('the pickle ran')" % marker,))

    def hostile_model():
        model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        model.payload = Payload()  # a valid Sequential once unpickled: exports with exit 0 if it runs
        return model

    torch.save(hostile_model(), path("hostile.pt"))
    torch.save(hostile_model(), path("hostile_legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"0.weight": torch.zeros(3, 2), "payload": Payload()}, path("hostile_state.pt"))
    with open(path("hostile_raw.pkl"), "wb") as f:
        pickle.dump(Payload(), f)
    # A TorchScript archive whose data.pkl is replaced by the payload: torch.jit.load must not run it.
    torch.jit.script(nn.Sequential(nn.Linear(2, 2))).save(path("script.pt"))
    with zipfile.ZipFile(path("script.pt")) as source, zipfile.ZipFile(path("hostile_script.pt"), "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("/data.pkl"):
                data = pickle.dumps(Payload(), protocol=2)
            target.writestr(item, data)

    for name, expected in (("hostile.pt", ["--trust-pickle", "Sequential"]),
                           ("hostile_legacy.pt", ["--trust-pickle"]),
                           ("hostile_state.pt", ["--trust-pickle"]),
                           ("hostile_raw.pkl", ["not a PyTorch model file"]),
                           ("hostile_script.pt", ["TorchScript"])):
        output = path(name + ".hpp")
        refused("refuses pickle %s" % name, [path(name), "-o", output], *expected)
        check(not os.path.exists(marker), "%s: the pickle's payload ran (the marker file exists)" % name)
        check(not os.path.exists(output), "%s: a header was written" % name)
        if os.path.exists(marker):
            os.remove(marker)
    # The Python API refuses too.
    try:
        ctnn_export.load_module(path("hostile.pt"))
        failures.append("load_module(hostile.pt) returned a module")
    except ctnn_export.ExportError as error:
        check("--trust-pickle" in str(error), "load_module's refusal does not name --trust-pickle: %s" % error)
    check(not os.path.exists(marker), "load_module: the pickle's payload ran")

    # The same through the shell wrapper, in a new process: one line, exit 2, no marker.
    run = subprocess.run([os.path.join(tools, "ctnn-export"), path("hostile.pt"), "-o", path("wrapper.hpp")],
                         capture_output=True, text=True, env=environment)
    if not (run.returncode == 2 and len(run.stderr.splitlines()) == 1 and not os.path.exists(marker)
            and not os.path.exists(path("wrapper.hpp"))):
        failures.append("tools/ctnn-export hostile.pt: status %d, marker %s, stderr %r"
                        % (run.returncode, os.path.exists(marker), run.stderr))
    else:
        print("ok  wrapper refuses the pickle             %s" % run.stderr.strip()[:150])

    # The opt-in: --trust-pickle loads a module pickled whole (and says what it risks in --help).
    torch.save(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)), path("mine.pt"))
    status, stderr = cli(path("mine.pt"), "-o", path("mine.hpp"), "--trust-pickle")
    check(status == 0 and os.path.exists(path("mine.hpp")), "--trust-pickle did not export: %r %r" % (status, stderr))
    refused("trusted pickle needs the flag", [path("mine.pt"), "-o", path("mine2.hpp")], "--trust-pickle")
    status, stderr = cli(path("hostile.pt"), "-o", path("trusted.hpp"), "--trust-pickle")
    check(status == 0 and os.path.exists(marker), "--trust-pickle: the pickle did not load (%r %r)" % (status, stderr))
    helptext = subprocess.run([sys.executable, os.path.join(tools, "ctnn_export.py"), "--help"],
                              capture_output=True, text=True).stdout
    helptext = " ".join(helptext.split())
    check("--trust-pickle" in helptext and "executes any code" in helptext,
          "--help does not say what --trust-pickle risks: %r" % helptext[-600:])
    # TorchScript and ctnn's text need no trust; state_dicts and tensors load with weights_only=True.
    status, stderr = cli(path("script.pt"), "-o", path("script.hpp"))
    check(status == 0, "a TorchScript archive was not exported: %r %r" % (status, stderr))
    status, stderr = cli(text_model("model.txt"), "-o", path("text.hpp"))
    check(status == 0, "a ctnn text file was not exported: %r %r" % (status, stderr))
    torch.save(nn.Sequential(nn.Linear(2, 2)).state_dict(), path("state.pt"))
    refused("state_dict (weights only)", [path("state.pt"), "-o", path("state.hpp")], "state_dict")
    torch.save(torch.zeros(3), path("tensor.pt"))
    refused("a tensor (weights only)", [path("tensor.pt"), "-o", path("tensor.hpp")], "Tensor", "not a torch.nn.Module")

# ---------------------------------------------------------------------------------------------------
elif section == "injection":
    hostile = ["x\n#define static_assert(a, b)\nstatic_assert(",
               "y\r#define matches_pytorch(k) true\r//",
               "z\\",
               "w??/",
               "v\u2028#define static_assert(a, b) \u0085#error",
               "u */ int injected() { return 1; } /*",
               "t\x0b\x0c\x1b[2J\x7f"]

    def hostile_module():
        names = iter(hostile)
        layers = collections.OrderedDict()
        for layer in (nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2)):
            layers[next(names)] = layer
        model = nn.Sequential(layers)
        # add_module refuses a '.', a file need not: set one behind its back, as a crafted file could.
        modules = list(model._modules.items())
        model._modules = collections.OrderedDict(
            [(name + ("\n#define static_assert(...)\n" if k == 0 else ""), layer) for k, (name, layer) in
             enumerate(modules)])
        return model

    def header_is_inert(name, text):
        """No preprocessor line but #pragma once and #include <...>, no line splice, no CR, ASCII only."""
        ok = check(text.isascii(), "%s: the header is not ASCII" % name)
        ok &= check("\r" not in text and "\x0b" not in text and "\x0c" not in text,
                    "%s: the header holds a raw CR, VT or FF" % name)
        for number, line in enumerate(text.split("\n"), 1):
            stripped = line.strip()
            if stripped.startswith("#") and not (stripped == "#pragma once" or stripped.startswith("#include <")):
                ok &= check(False, "%s, line %d: a preprocessor line came through: %r" % (name, number, line))
            if line.rstrip(" \t").endswith("\\"):
                ok &= check(False, "%s, line %d: ends with a backslash (a line splice): %r" % (name, number, line))
            if "??" in line:
                ok &= check(False, "%s, line %d: holds ?? (a trigraph start): %r" % (name, number, line))
        return ok

    source = "train.py\n#define static_assert(...)\n\\"
    text = ctnn_export.export_header(hostile_module(), namespace="hostile", source=source, references=3)
    if header_is_inert("hostile names", text):
        print("ok  hostile layer names and source= are escaped")

    # The model file's own name, through the command line (a text file: its name is in the header).
    model_name = "m\n#define static_assert(...)\n\\\r.txt"
    text_model(model_name)
    status, stderr = cli(path(model_name), "-o", path("from_file.hpp"))
    if check(status == 0, "a hostile model file name: status %r, %r" % (status, stderr)):
        with open(path("from_file.hpp")) as f:
            if header_is_inert("hostile file name", f.read()):
                print("ok  a hostile model file name is escaped")

    # A namespace derived from a hostile output name is a valid identifier.
    for output, expected in (("__init__.hpp", "init"), ("_Model.hpp", "Model"), ("my--model v2.hpp", "my_model_v2"),
                             ("modèle.hpp", "mod_le"), ("1st.hpp", "model_1st"), ("int.hpp", "model_int")):
        status, stderr = cli(text_model("plain.txt"), "-o", path(output))
        if check(status == 0, "output %r: status %r, %r" % (output, status, stderr)):
            with open(path(output)) as f:
                check("\nnamespace %s {\n" % expected in f.read(), "output %r: namespace is not %r" % (output, expected))

    # Invalid namespaces are refused: reserved, keywords, not ASCII, not identifiers.
    for namespace in ("__x", "_X", "_x", "a__b", "a::__b", "a::_B", "int", "std", "ctnn", "typeof", "co_await",
                      "modèle", "x\n#define y", "a b", "1a", "a::", "::a", "a:b", "a;b", "a/*", "a\\"):
        refused("namespace %r" % namespace, [text_model("plain.txt"), "-o", path("ns.hpp"), "--namespace", namespace],
                "namespace")
        try:
            ctnn_export.export_header(nn.Sequential(nn.Linear(2, 2)), namespace=namespace)
            failures.append("export_header accepted namespace %r" % namespace)
        except ctnn_export.ExportError:
            pass
    check(not os.path.exists(path("ns.hpp")), "a header was written for an invalid namespace")
    for namespace in ("a::b", "model_2", "a::_b", "x"):
        status, stderr = cli(text_model("plain.txt"), "-o", path("ns_ok.hpp"), "--namespace", namespace)
        check(status == 0, "valid namespace %r refused: %r" % (namespace, stderr))

    # The header with hostile names compiles, and its static_asserts still bite: the same header with
    # wrongly converted (untransposed) weights must fail to compile, naming the reference input. First
    # the attack itself: a layer name that, unescaped, #defines the static_asserts away and compiles.
    def attack_module():
        model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.Linear(4, 2))
        model._modules = collections.OrderedDict(
            [("0\n#define static_assert(...) static_assert(true)\n//", model[0]), ("1", model[1]),
             ("2", model[2]), ("3", model[3])])
        return model

    if compiler:
        ok, diagnostics = compiles("hostile_ok", ctnn_export.export_header(
            hostile_module(), namespace="hostile_ok", source=source, references=3))
        check(ok, "the header with hostile names does not compile:\n" + diagnostics[-2000:])
        ok, diagnostics = compiles("attack_ok", ctnn_export.export_header(
            attack_module(), namespace="attack_ok", references=3))
        check(ok, "the header with the attack's name does not compile:\n" + diagnostics[-2000:])
        convert = ctnn_export.convert

        def untransposed(module, input_size=None):
            layers = convert(module, input_size)
            for layer in layers:
                if layer["kind"] == "dense" and layer["inputs"] == layer["outputs"]:
                    layer["weight"] = [list(row) for row in zip(*layer["weight"])]
            return layers

        for name, module in (("attack_bad", attack_module()), ("hostile_bad", hostile_module())):
            ctnn_export.convert = untransposed
            try:
                bad = ctnn_export.export_header(module, namespace=name, references=3,
                                                source=source if name == "hostile_bad" else None)
            finally:
                ctnn_export.convert = convert
            ok, diagnostics = compiles(name, bad)
            expected = "%s: ctnn's forward pass differs from PyTorch's on reference input" % name
            if check(not ok and expected in diagnostics,
                     "%s: hostile names switched the self-check off: a wrong header compiled, or failed otherwise:\n"
                     % name + diagnostics[-2000:]):
                print("ok  %s: the header compiles, and the self-check still catches a wrong one" % name)
        if os.path.exists(path("from_file.hpp")):
            with open(path("from_file.hpp")) as f:
                ok, diagnostics = compiles("from_file_check", f.read())
            check(ok, "the header from a hostile file name does not compile:\n" + diagnostics[-2000:])

# ---------------------------------------------------------------------------------------------------
elif section == "output":
    model = text_model("model.txt")

    def listing(folder):
        return sorted(os.listdir(folder))

    # A symlink at NAME.tmp (the old fixed temporary name) is neither followed nor overwritten.
    victim = path("victim.txt")
    with open(victim, "w") as f:
        f.write("precious\n")
    for link in ("out.hpp.tmp", ".out.hpp.tmp"):
        os.symlink(victim, path(link))
    status, stderr = cli(model, "-o", path("out.hpp"))
    with open(victim) as f:
        kept = f.read() == "precious\n"
    if check(status == 0 and kept and os.path.islink(path("out.hpp.tmp")) and os.path.isfile(path("out.hpp")),
             "symlink at out.hpp.tmp: status %r, victim kept %s, %r" % (status, kept, stderr)):
        print("ok  a symlink at NAME.tmp is not followed")
    check(not [n for n in listing(scratch) if n.endswith(".tmp") and not os.path.islink(path(n))],
          "a temporary file was left behind: %s" % listing(scratch))
    # The header is readable as a normal file would be (not mkstemp's 0600).
    mode = stat.S_IMODE(os.stat(path("out.hpp")).st_mode)
    mask = os.umask(0)
    os.umask(mask)
    check(mode == 0o666 & ~mask, "the header's mode is %o, not %o" % (mode, 0o666 & ~mask))
    # A symlink at the output itself is replaced, its target untouched.
    os.symlink(victim, path("linked.hpp"))
    status, stderr = cli(model, "-o", path("linked.hpp"))
    with open(victim) as f:
        check(status == 0 and f.read() == "precious\n" and not os.path.islink(path("linked.hpp")),
              "output a symlink: status %r, the link's target was written" % status)

    # Output == input: refused, in any spelling, the input untouched.
    with open(model) as f:
        original = f.read()
    os.symlink(model, path("alias.txt"))
    for what, output in (("the same path", model), ("./ spelling", os.path.join(scratch, ".", "model.txt")),
                         ("a symlink to it", path("alias.txt"))):
        refused("-o is the input (%s)" % what, [model, "-o", output], "is the input")
        with open(model) as f:
            check(f.read() == original, "-o %s: the input was overwritten" % what)
    refused("-o is the input (relative)", ["model.txt", "-o", "model.txt"], "is the input", cwd=scratch)
    with open(path("inputs.txt"), "w") as f:
        f.write("0.5 0.25\n")
    refused("-o is the reference inputs", [model, "-o", path("inputs.txt"), "--reference-inputs", path("inputs.txt")],
            "is the input")

    # A folder, a name ending in a separator, or '' as the output: refused, nothing left behind.
    os.makedirs(path("folder"))
    before = listing(scratch)
    refused("-o a folder", [model, "-o", path("folder")], "folder")
    refused("-o name/", [model, "-o", path("new") + os.sep], "folder")
    refused("-o ''", [model, "-o", ""], "empty", cwd=scratch)
    os.mkfifo(path("fifo.hpp"))  # like -o /dev/null: os.replace would put a file in its place
    refused("-o a FIFO", [model, "-o", path("fifo.hpp")], "not a regular file")
    check(stat.S_ISFIFO(os.lstat(path("fifo.hpp")).st_mode), "-o a FIFO: the FIFO was replaced")
    before = listing(scratch)
    check(listing(scratch) == before and listing(path("folder")) == [] and not os.path.exists(path("new")),
          "a refused output left files behind: %s -> %s" % (before, listing(scratch)))

    # A failure while writing (here: the final rename) leaves nothing behind and the old header intact.
    with open(path("kept.hpp"), "w") as f:
        f.write("// the old header\n")
    before = listing(scratch)
    replace = os.replace

    def failing_replace(source, target):
        raise OSError(28, "No space left on device", target)

    os.replace = failing_replace
    try:
        status, stderr = cli(model, "-o", path("kept.hpp"))
    finally:
        os.replace = replace
    with open(path("kept.hpp")) as f:
        old = f.read() == "// the old header\n"
    check(status == 2 and len(stderr.splitlines()) == 1 and old and listing(scratch) == before,
          "a failed write: status %r, old header kept %s, files %s -> %s, %r"
          % (status, old, before, listing(scratch), stderr))
    # A refused model leaves nothing either (the header is written only after everything succeeded).
    before = listing(scratch)
    refused("a refused model writes nothing", [text_model("bad.txt", "ctnn-network 1\nscalar half\n"), "-o",
                                               path("never.hpp")], "half")
    check(listing(scratch) == sorted(before + ["bad.txt"]), "a refused model left files: %s" % listing(scratch))
    # save_text writes the same safe way.
    os.symlink(victim, path("saved.txt.tmp"))
    ctnn_export.save_text(nn.Sequential(nn.Linear(2, 2)), path("saved.txt"))
    with open(victim) as f:
        check(f.read() == "precious\n", "save_text followed a symlink at saved.txt.tmp")

# ---------------------------------------------------------------------------------------------------
elif section == "errors":
    def _bad_variance():
        norm = nn.BatchNorm1d(2).eval()
        with torch.no_grad():
            norm.running_var.fill_(-1.0)
        return norm

    def pickled(name, module):
        torch.save(module, path(name))
        return path(name)

    def linear_with(attribute, value):
        layer = nn.Linear(2, 2)
        setattr(layer, attribute, value)
        return nn.Sequential(layer)

    out = path("out.hpp")
    trusted = ["-o", out, "--trust-pickle"]  # models this test made itself
    refused("LeakyReLU(nan)", [pickled("nan.pt", nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(float("nan"))))]
            + trusted, "layer 1", "negative_slope", "nan")
    refused("ELU(inf)", [pickled("inf.pt", nn.Sequential(nn.Linear(2, 2), nn.ELU(float("inf"))))] + trusted,
            "layer 1", "alpha", "inf")
    refused("ELU(nan)", [pickled("elunan.pt", nn.Sequential(nn.Linear(2, 2), nn.ELU(float("nan"))))] + trusted,
            "layer 1", "alpha")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns about zero-element tensors
        refused("Linear(n, 0)", [pickled("n0.pt", nn.Sequential(nn.Linear(3, 0)))] + trusted, "layer 0",
                "out_features is 0")
        refused("Linear(0, n)", [pickled("0n.pt", nn.Sequential(nn.Linear(0, 3)))] + trusted, "layer 0",
                "in_features is 0")
    refused("missing weight", [pickled("noweight.pt", linear_with("weight", None))] + trusted, "layer 0", "no weight")
    refused("complex weights", [pickled("complex.pt", linear_with(
        "weight", nn.Parameter(torch.ones(2, 2, dtype=torch.complex64))))] + trusted, "layer 0", "complex")
    refused("complex bias", [pickled("complexbias.pt", linear_with(
        "bias", nn.Parameter(torch.ones(2, dtype=torch.complex128))))] + trusted, "layer 0", "complex")
    refused("integer weights", [pickled("intweight.pt", linear_with(
        "weight", nn.Parameter(torch.ones(2, 2, dtype=torch.int32), requires_grad=False)))] + trusted,
            "layer 0", "floating-point")
    refused("weight of the wrong shape", [pickled("shape.pt", linear_with(
        "weight", nn.Parameter(torch.ones(3, 2))))] + trusted, "layer 0", "shape")
    activations = pickled("activations.pt", nn.Sequential(nn.ReLU()))
    for size in ("0", "-3"):
        refused("--input-size %s" % size, [activations, "--input-size", size] + trusted, "--input-size")
    refused("--input-size x", [activations, "--input-size", "x"] + trusted, "--input-size")
    # --input-shape (issue 15's layers) and --batch-norm.
    conv = pickled("conv.pt", nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(8, 2)))
    for shape in ("0,4,4", "1,2,3,4", "a", "1,,4", "-1,4", ""):
        refused("--input-shape %r" % shape, [conv, "--input-shape", shape] + trusted, "--input-shape")
    refused("no --input-shape for a Conv2d", [conv] + trusted, "starts with Conv2d", "--input-shape")
    refused("--input-shape too small for the kernel", [conv, "--input-shape", "1,2,2"] + trusted, "layer 0",
            "larger than the padded input")
    refused("--input-shape of the wrong size", [conv, "--input-shape", "1,5,5"] + trusted, "layer 2",
            "takes 8 inputs but layer 1")
    refused("--input-size and --input-shape", [conv, "--input-size", "16", "--input-shape", "1,4,4"] + trusted,
            "not both")
    refused("--batch-norm drop", [conv, "--input-shape", "1,4,4", "--batch-norm", "drop"] + trusted, "--batch-norm")
    status, stderr = cli(conv, "--input-shape", "1,4,4", *trusted)
    check(status == 0, "--input-shape 1,4,4 refused: %r" % stderr)
    refused("a negative running_var, kept", [pickled("badvar.pt", nn.Sequential(
        nn.Linear(2, 2), _bad_variance()))] + trusted + ["--batch-norm", "keep"], "layer 1", "running_var + eps")

    model = text_model("model.txt")
    for seed in (str(2 ** 64), str(2 ** 70), "-1"):
        refused("--seed %s" % seed, [model, "-o", out, "--seed", seed], "--seed")
    refused("--seed 1.5", [model, "-o", out, "--seed", "1.5"], "--seed")
    status, stderr = cli(model, "-o", out, "--seed", str(2 ** 64 - 1))
    check(status == 0, "--seed 2^64-1 refused: %r" % stderr)
    for references in ("0", "-1", "1001", "x"):
        refused("--references %s" % references, [model, "-o", out, "--references", references], "--references")
    status, stderr = cli(model, "-o", out, "--no-self-check")
    check(status == 0, "--no-self-check refused: %r" % stderr)
    if status == 0:
        with open(out) as f:
            check("static_assert" not in f.read(), "--no-self-check wrote static_asserts")
    refused("--no-self-check with --references", [model, "-o", out, "--no-self-check", "--references", "3"],
            "--no-self-check")
    refused("--scalar half", [model, "-o", out, "--scalar", "half"], "--scalar")
    refused("no such model", [path("missing.pt"), "-o", out], "missing.pt")
    refused("the model is a folder", [scratch, "-o", out], "ctnn-export: error")
    refused("an empty model file", [text_model("empty.txt", ""), "-o", out], "empty")
    refused("garbage model file", [text_model("garbage.pt", "\x80\x04garbage"), "-o", out], "not a PyTorch model file")

    # Reference input files.
    def inputs(name, content):
        with open(path(name), "wb") as f:
            f.write(content.encode("latin-1"))
        return path(name)

    for name, content, expected in (("words.txt", "0.5 abc\n", "line 1"),
                                    ("second.txt", "0.5 0.25\n0.5 1e\n", "line 2"),
                                    ("empty.txt", "", "no reference inputs"),
                                    ("comments.txt", "# nothing\n\n  \n", "no reference inputs"),
                                    ("inf.txt", "0.5 inf\n", "finite"),
                                    ("nan.txt", "nan 0.5\n", "finite"),
                                    ("overflow.txt", "0.5 1e39\n", "finite"),  # overflows float
                                    ("latin.txt", "0.5 0.25\xe9\n", "not ASCII"),
                                    ("complex.txt", "1+2j 0.5\n", "not a number"),
                                    ("width.txt", "0.5 0.25 0.125\n", "3 features")):
        refused("reference inputs: %s" % name, [model, "-o", out, "--reference-inputs", inputs(name, content)], expected)
    status, stderr = cli(model, "-o", out, "--reference-inputs", inputs("good.txt", "0.5, 0.25\n-1 2 # comment\n"))
    check(status == 0, "good reference inputs refused: %r" % stderr)

    # Reserved identifiers and non-ASCII names.
    for namespace in ("__reserved", "_Reserved", "double", "naïve", "名前"):
        refused("--namespace %s" % namespace, [model, "-o", out, "--namespace", namespace], "namespace")

    # Malformed text files: each names its line (or says it ended early).
    header = "ctnn-network 1\nscalar float\ninput 2\n"
    good_dense = "dense 2 1\n0x1p+0\n0x1p-1\n0x0p+0\n"
    for name, content, expected in (
            ("no magic", "scalar float\n", "expected 'ctnn-network'"),
            ("blank lines only", "\n\n  \n", "ends early"),
            ("version 2", "ctnn-network 2\n", "version 1"),
            ("no scalar value", "ctnn-network 1\nscalar\n", "line 2"),
            ("scalar half", "ctnn-network 1\nscalar half\n", "half"),
            ("input x", "ctnn-network 1\nscalar float\ninput x\n", "line 3"),
            ("input 0", "ctnn-network 1\nscalar float\ninput 0\n", "line 3"),
            ("input -2", "ctnn-network 1\nscalar float\ninput -2\n", "line 3"),
            ("layers -1", header + "layers -1\n", "line 4"),
            ("layers 0", header + "layers 0\nend\n", "line 4"),
            ("layers x", header + "layers x\n", "line 4"),
            ("dense one size", header + "layers 1\ndense 2\n", "line 5"),
            ("dense 2 0", header + "layers 1\ndense 2 0\n", "line 5"),
            ("dense 2 x", header + "layers 1\ndense 2 x\n", "line 5"),
            ("dense 3 1", header + "layers 1\ndense 3 1\n", "dense takes 3"),
            ("a value too many", header + "layers 1\ndense 2 1\n0x1p+0 0x1p+0\n", "line 6"),
            ("a value too few", header + "layers 1\ndense 2 2\n0x1p+0\n", "line 6"),
            ("missing weight row", header + "layers 1\ndense 2 1\n0x1p+0\n", "ends early"),
            ("missing bias", header + "layers 1\ndense 2 1\n0x1p+0\n0x1p+0\nend\n", "line 8"),
            ("bad exponent", header + "layers 1\ndense 2 1\n0x1p+-5\n0x1p+0\n0x0p+0\nend\n", "line 6"),
            ("not a number", header + "layers 1\ndense 2 1\nabc\n0x1p+0\n0x0p+0\nend\n", "line 6"),
            ("leaky_relu 1 0", header + "layers 2\n" + good_dense + "leaky_relu 1 0\nend\n", "line 9"),
            ("leaky_relu 1", header + "layers 2\n" + good_dense + "leaky_relu 1\nend\n", "line 9"),
            ("leaky_relu huge", header + "layers 2\n" + good_dense + "leaky_relu 1%s 1\nend\n" % ("0" * 30),
             "line 9"),
            ("elu -1 1", header + "layers 2\n" + good_dense + "elu -1 1\nend\n", "line 9"),
            ("relu 3", header + "layers 2\n" + good_dense + "relu 3\nend\n", "line 9"),
            ("unknown layer", header + "layers 2\n" + good_dense + "conv2d\nend\n", "conv2d"),
            ("no end", header + "layers 1\n" + good_dense, "ends early"),
            ("after end", header + "layers 1\n" + good_dense + "end\nrelu\n", "after 'end'"),
            ("non-ASCII", header + "layers 1\n" + good_dense.replace("0x1p-1", "0x1p-1\u00a0") + "end\n", "ASCII"),
            ("form feed", header + "layers 1\n" + good_dense.replace("0x1p-1", "0x1p-1\x0c") + "end\n", "line 7"),
            ("CR-only lines", header.replace("\n", "\r") + "layers 1\rdense 2 1\r0x1p+0\rnope\r", "line 7"),
            ("nan weight", header + "layers 1\n" + good_dense.replace("0x1p-1", "nan") + "end\n", "non-finite")):
        refused("text: %s" % name, [text_model("bad.txt", content), "-o", out], *([expected] if expected else []))

    # The Python API raises ExportError (not ValueError, OverflowError, ...) for the same mistakes.
    small = nn.Sequential(nn.Linear(2, 2))
    for what, options in (("seed 2^64", dict(seed=2 ** 64)), ("seed -1", dict(seed=-1)),
                          ("references -1", dict(references=-1)), ("input_size 0", dict(input_size=0)),
                          ("reference_inputs []", dict(reference_inputs=[])),
                          ("complex reference inputs", dict(reference_inputs=[[1j, 2.0]])),
                          ("reference inputs nan", dict(reference_inputs=[[float("nan"), 2.0]])),
                          ("namespace _Model", dict(namespace="_Model"))):
        try:
            ctnn_export.export_header(small, **options)
            failures.append("export_header(%s) succeeded" % what)
        except ctnn_export.ExportError as error:
            print("ok  export_header(%s): %s" % (what, str(error)[:120]))
        except Exception as error:  # noqa: B902
            failures.append("export_header(%s) raised %s: %s" % (what, type(error).__name__, error))

    # The wrapper in a new process: a mistake is one line, never a traceback.
    run = subprocess.run([os.path.join(tools, "ctnn-export"), path("nan.pt"), "-o", out, "--trust-pickle"],
                         capture_output=True, text=True, env=environment)
    check(run.returncode == 2 and len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr,
          "tools/ctnn-export nan.pt: status %d, stderr %r" % (run.returncode, run.stderr))

else:
    sys.exit("test_exporter_safety.py: unknown section %r" % section)

if failures:
    print("\n".join("FAILED: " + f for f in failures))
    sys.exit(1)
print("test_exporter_safety.py %s: all checks passed" % section)
