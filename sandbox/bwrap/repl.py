# The REPL that runs inside each sandbox (sandbox/bwrap). It is not a
# security boundary on its own: the namespaces, the unprivileged uid,
# cgroups and rlimits around it are. It is the second wall of
# envs/medcalc_bench.md §8.3: an import allowlist, guarded attribute access
# and builtins, and an audit hook that refuses process, network, ctypes and
# pickle operations however they are reached.
#
# Protocol: fd 0 carries cells from the server (4-byte big-endian length,
# UTF-8 code); fd 3 carries results back (same framing, JSON). The code's
# stdout and stderr go, in write order, to fd 1, which the server reads and
# limits. argv[1] is a JSON object of settings.
import ast
import builtins
import json
import math
import os
import resource
import sys
import types

_cfg = json.loads(sys.argv[1])
del sys.argv[1:]

import numpy  # noqa: E402  (pre-loaded on purpose: the warm start)
import scipy  # noqa: E402

_ALLOWED_TOP = ("math", "numpy", "scipy")
_DENIED = ("numpy.ctypeslib", "numpy.f2py", "numpy.distutils", "numpy.testing")
_BAD_ATTRS = frozenset((
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await",
    "ag_frame", "ag_code", "ag_await", "f_back", "f_builtins", "f_code", "f_globals",
    "f_locals", "f_trace", "tb_frame", "tb_next", "co_code", "func_globals",
    "func_code", "im_func", "im_self",
))
_BAD_TYPES = (types.FrameType, types.CodeType, types.TracebackType)
_ONLY = "only math, numpy and scipy can be imported"


class _Refusal:
    """Marks an exception raised by a policy refusal (status REJECTED)."""


class _RefusedImport(_Refusal, ImportError):
    pass


class _RefusedAttr(_Refusal, AttributeError):
    pass


class _RefusedName(_Refusal, NameError):
    pass


class _RefusedOp(_Refusal, PermissionError):
    pass


for _c, _n in ((_RefusedImport, "ImportError"), (_RefusedAttr, "AttributeError"),
               (_RefusedName, "NameError"), (_RefusedOp, "PermissionError")):
    _c.__name__ = _c.__qualname__ = _n
    _c.__module__ = "builtins"


def _module_ok(name):
    if name.split(".")[0] not in _ALLOWED_TOP:
        return False
    return not any(name == d or name.startswith(d + ".") for d in _DENIED)


def _check_value(v, what):
    t = type(v)
    if t is types.ModuleType and not _module_ok(v.__name__):
        raise _RefusedAttr("%s is the module '%s', which is not available; %s" % (what, v.__name__, _ONLY))
    if t in _BAD_TYPES:
        raise _RefusedAttr("%s is not available in this sandbox" % what)
    return v


def _bad_attr(name):
    return name.startswith("__") or name in _BAD_ATTRS


def _g_getattr(obj, name, *default):
    if type(name) is not str:
        raise TypeError("attribute name must be string")
    if _bad_attr(name):
        raise _RefusedAttr("access to the attribute '%s' is not allowed" % name)
    return _check_value(getattr(obj, name, *default), "'%s'" % name)


def _g_setattr(obj, name, value):
    if type(name) is not str or _bad_attr(name):
        raise _RefusedAttr("setting the attribute '%s' is not allowed" % (name,))
    setattr(obj, name, value)


def _g_delattr(obj, name):
    if type(name) is not str or _bad_attr(name):
        raise _RefusedAttr("deleting the attribute '%s' is not allowed" % (name,))
    delattr(obj, name)


def _g_vars(*args):
    if not args:
        raise _RefusedName("vars() without an argument is not available; use globals()")
    d = vars(*args)
    out = {}
    for k, v in d.items():
        if isinstance(k, str) and _bad_attr(k):
            continue
        try:
            out[k] = _check_value(v, "'%s'" % k)
        except _RefusedAttr:
            continue
    return out


_real_import = builtins.__import__


def _g_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level != 0:
        raise _RefusedImport("relative imports are not available")
    if type(name) is not str or not _module_ok(name):
        raise _RefusedImport("module '%s' is not available; %s" % (name, _ONLY))
    for f in fromlist or ():
        if f != "*" and not _module_ok(name + "." + f):
            raise _RefusedImport("module '%s.%s' is not available; %s" % (name, f, _ONLY))
    mod = _real_import(name, None, None, fromlist, 0)
    for f in fromlist or ():
        if f != "*":
            leaf = sys.modules.get(name, mod)
            _check_value(getattr(leaf, f, None), "'%s'" % f)
    return mod


def _g_star(name):
    mod = sys.modules.get(name) if _module_ok(name) else None
    if mod is None:
        _g_import(name, fromlist=("*",))
        mod = sys.modules[name]
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")]
    for n in names:
        if not isinstance(n, str) or _bad_attr(n):
            continue
        try:
            _ns[n] = _check_value(getattr(mod, n), "'%s'" % n)
        except (_RefusedAttr, AttributeError):
            pass


class _Guard(ast.NodeTransformer):
    """Rewrites attribute reads into _g_getattr calls and refuses dunder
    names and attributes at compile time."""

    def _refuse_name(self, name, node):
        if name.startswith("__") or name.startswith("_g_"):
            e = _RefusedName("name '%s' is not available in this sandbox" % name)
            e.lineno = getattr(node, "lineno", None)
            raise e

    def visit_Name(self, node):
        self._refuse_name(node.id, node)
        return node

    def visit_arg(self, node):
        self._refuse_name(node.arg, node)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self._refuse_name(node.name, node)
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._refuse_name(node.name, node)
        return self.generic_visit(node)

    def visit_Global(self, node):
        for n in node.names:
            self._refuse_name(n, node)
        return node

    visit_Nonlocal = visit_Global

    def visit_alias(self, node):
        self._refuse_name(node.asname or node.name.split(".")[0], node)
        return node

    def visit_keyword(self, node):
        if node.arg is not None:
            self._refuse_name(node.arg, node)
        return self.generic_visit(node)

    def visit_Attribute(self, node):
        if _bad_attr(node.attr):
            e = _RefusedAttr("access to the attribute '%s' is not allowed" % node.attr)
            e.lineno = node.lineno
            raise e
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            call = ast.Call(func=ast.Name(id="_g_getattr", ctx=ast.Load()),
                            args=[node.value, ast.Constant(node.attr)], keywords=[])
            return ast.copy_location(call, node)
        return node

    def visit_ImportFrom(self, node):
        if node.level:
            e = _RefusedImport("relative imports are not available")
            e.lineno = node.lineno
            raise e
        if any(a.name == "*" for a in node.names):
            call = ast.Call(func=ast.Name(id="_g_star", ctx=ast.Load()),
                            args=[ast.Constant(node.module)], keywords=[])
            return ast.copy_location(ast.Expr(call), node)
        return self.generic_visit(node)


_approved = {}


def _guarded_code(source, filename, mode):
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    if not isinstance(source, str):
        raise _RefusedOp("only source text can be compiled here")
    tree = _Guard().visit(ast.parse(source, filename, mode))
    ast.fix_missing_locations(tree)
    code = compile(tree, filename, mode, dont_inherit=True)
    _approved[id(code)] = code
    return code


def _g_compile(source, filename="<string>", mode="exec", flags=0, dont_inherit=False, optimize=-1):
    return _guarded_code(source, filename, mode)


def _run_code(fn, mode, source, g, l):
    if g is None:
        g = _ns
    if not isinstance(g, dict):
        raise TypeError("globals must be a dict")
    g.setdefault("__builtins__", _builtins)
    if g.get("__builtins__") is not _builtins:
        raise _RefusedOp("custom __builtins__ are not available")
    if isinstance(source, types.CodeType):
        if _approved.get(id(source)) is not source:
            raise _RefusedOp("only code from compile() can be run here")
        code = source
    else:
        code = _guarded_code(source, "<string>", mode)
    return fn(code, g, l if l is not None else g)


def _g_exec(source, globals=None, locals=None):
    return _run_code(exec, "exec", source, globals, locals)


def _g_eval(source, globals=None, locals=None):
    return _run_code(eval, "eval", source, globals, locals)


_builtins = {k: v for k, v in builtins.__dict__.items() if not k.startswith("__")}
for _k in ("open", "input", "breakpoint", "help", "exit", "quit", "copyright", "credits", "license"):
    _builtins.pop(_k, None)
_builtins.update({
    "__build_class__": builtins.__build_class__, "__import__": _g_import, "__name__": "__main__",
    "__debug__": True, "getattr": _g_getattr, "setattr": _g_setattr, "delattr": _g_delattr,
    "vars": _g_vars, "exec": _g_exec, "eval": _g_eval, "compile": _g_compile,
    "_g_getattr": _g_getattr, "_g_star": _g_star,
})


def _fresh_ns():
    return {"__builtins__": _builtins, "__name__": "__main__",
            "math": math, "numpy": numpy, "np": numpy, "scipy": scipy, "sp": scipy}


_ns = _fresh_ns()

# --- audit hook: refuse dangerous operations however they are reached ----

_BLOCKED_EVENTS = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "os.kill", "os.killpg", "os.putenv", "os.unsetenv", "os.setuid", "os.chroot",
    "os.symlink", "os.link", "os.chmod", "os.chown", "os.chflags", "os.truncate",
    "subprocess.", "socket.", "ctypes.", "pickle.find_class",
    "sys.setprofile", "sys.settrace", "sys.addaudithook",
    "sys._current_frames", "sys.set_asyncgen_hooks", "signal.pthread_kill",
    "resource.setrlimit", "resource.prlimit", "mmap.__new__", "webbrowser.",
    "urllib.", "http.", "ftplib.", "smtplib.", "telnetlib.",
    "gc.get_referrers", "gc.get_referents",
    "gc.get_objects", "cpython.remote_debugger", "_posixsubprocess.",
)
_BLOCKED_MODULES = frozenset((
    "subprocess", "_posixsubprocess", "socket", "_socket", "ssl", "_ssl", "pty",
    "asyncio", "urllib", "http", "ftplib", "smtplib", "telnetlib", "webbrowser",
    "multiprocessing", "_multiprocessing", "concurrent",
))
_active = [False]


def _audit(event, args):
    if not _active[0]:
        return
    if event == "open":
        path, mode = args[0], args[1]
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        if isinstance(path, str):
            writing = (mode is None and len(args) > 2 and isinstance(args[2], int) and args[2] & 3) or (
                isinstance(mode, str) and any(c in mode for c in "wax+"))
            real = os.path.normpath(os.path.join("/tmp", path)) if not path.startswith("/") else os.path.normpath(path)
            if writing and not (real == "/tmp" or real.startswith("/tmp/")):
                raise _RefusedOp("writing outside /tmp is not allowed")
        return
    if event == "import":
        if args[0].split(".")[0] in _BLOCKED_MODULES:
            raise _RefusedImport("module '%s' is not available; %s" % (args[0], _ONLY))
        return
    if event.startswith(_BLOCKED_EVENTS):
        raise _RefusedOp("%s is not allowed in this sandbox" % event)


# --- output ---------------------------------------------------------------


class _Out:
    """stdout and stderr of the code: one buffer, so write order is kept."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self):
        self.buf = bytearray()
        self.count = 0

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        b = s.encode("utf-8", "replace")
        self.buf += b
        self.count += len(b)
        if len(self.buf) >= 8192:
            self.flush()
        return len(s)

    def flush(self):
        while self.buf:
            n = os.write(1, self.buf)
            del self.buf[:n]

    def isatty(self):
        return False

    def writable(self):
        return True


_out = _Out()

# --- the loop ---------------------------------------------------------------


def _read_exact(n):
    parts = []
    while n:
        b = os.read(0, n)
        if not b:
            raise EOFError
        parts.append(b)
        n -= len(b)
    return b"".join(parts)


def _send(obj):
    data = json.dumps(obj).encode()
    data = len(data).to_bytes(4, "big") + data
    while data:
        n = os.write(3, data)
        data = data[n:]


_HINT = "Hint: only math, numpy (np) and scipy (sp) are loaded; other modules cannot be imported.\n"


def _line_of(e):
    ln = None
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<cell>":
            ln = tb.tb_lineno
        tb = tb.tb_next
    if ln is None:
        ln = getattr(e, "lineno", None)
    return ln


def _report(e):
    name = type(e).__name__
    if isinstance(e, SyntaxError) and not isinstance(e, _Refusal):
        msg = e.msg or ""
        ln = e.lineno
    else:
        try:
            msg = str(e)
        except BaseException:
            msg = ""
        ln = _line_of(e)
    text = "Error: " + name + (": " + msg if msg else "")
    if ln is not None:
        text += " (line %d)" % ln
    text += "\n"
    if isinstance(e, NameError) and not isinstance(e, _Refusal):
        text += _HINT
    return text


def _set_cpu_limit():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    used = ru.ru_utime + ru.ru_stime
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = int(math.ceil(used)) + int(_cfg["cell_cpu"])
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (want, hard))


def _run(code):
    status, report = "ok", ""
    try:
        _set_cpu_limit()
        tree = ast.parse(code, "<cell>", "exec")
        tree = _Guard().visit(tree)
        ast.fix_missing_locations(tree)
        compiled = compile(tree, "<cell>", "exec", dont_inherit=True)
        _active[0] = True
        try:
            exec(compiled, _ns)
        finally:
            _active[0] = False
    except BaseException as e:  # noqa: B036 — SystemExit and KeyboardInterrupt are results too
        _active[0] = False
        status = "rejected" if isinstance(e, _Refusal) else "memory" if isinstance(e, MemoryError) else "error"
        try:
            report = _report(e)
        except BaseException:
            report = "Error: %s\n" % type(e).__name__
        e = None
    return status, report


def main():
    sys.stdout = sys.stderr = _out
    sys.addaudithook(_audit)
    _send({"ready": True})
    while True:
        try:
            n = int.from_bytes(_read_exact(4), "big")
            code = _read_exact(n).decode("utf-8", "replace")
        except EOFError:
            os._exit(0)
        _out.count = 0
        status, report = _run(code)
        try:
            _out.flush()
        except OSError:
            os._exit(1)
        _send({"status": status, "report": report, "bytes": _out.count})


main()
