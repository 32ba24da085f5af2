#!/usr/bin/python3
"""Regenerates calc.golden from expressions.txt with CPython.

Run from the repository root with the system interpreter (never a shim):

    /usr/bin/python3 sandbox/calc/testdata/gen.py

Each line of expressions.txt is a JSON string (so whitespace and non-ASCII
characters survive). Values come from CPython itself: its int/float operators,
math module and round(); the grammar check and the error texts are the
spec's (envs/medcalc_bench.md §8.2), which CPython does not have.
"""
import ast
import io
import json
import math
import os
import sys
import tokenize

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_BITS = 10000
WS = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


class Fail(Exception):
    def __init__(self, text, outcome="Failed"):
        super().__init__(text)
        self.text = text
        self.outcome = outcome


def check_int(v):
    if isinstance(v, int) and v.bit_length() > MAX_BITS:
        raise Fail("Error: result too large")
    return v


def log(*a):
    if len(a) not in (1, 2):
        raise TypeError
    return math.log(*a)


def one(f):
    def g(*a):
        if len(a) != 1:
            raise TypeError
        return f(*a)
    return g


def rnd(*a):
    if len(a) not in (1, 2):
        raise TypeError
    if len(a) == 2 and not isinstance(a[1], int):
        raise TypeError
    return round(*a)


FUNCS = {"sqrt": one(math.sqrt), "sin": one(math.sin), "cos": one(math.cos),
         "tan": one(math.tan), "exp": one(math.exp), "log": log,
         "log10": one(math.log10), "abs": one(abs), "round": rnd}
CONSTS = {"pi": math.pi, "e": math.e}
BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
          ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
          ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b}


def power(a, b):
    if isinstance(a, int) and isinstance(b, int) and b >= 0 and abs(a) > 1:
        if b > MAX_BITS or (abs(a).bit_length() - 1) * b >= MAX_BITS:
            raise Fail("Error: result too large")
    r = a ** b
    if isinstance(r, complex):
        raise Fail("Error: result is not a real number")
    return r


def ev(n):
    if isinstance(n, ast.Expression):
        return ev(n.body)
    if isinstance(n, ast.Constant) and type(n.value) in (int, float):
        return n.value
    if isinstance(n, ast.Name):
        if n.id not in CONSTS:
            raise Fail("Error: unknown name '%s'" % n.id)
        return CONSTS[n.id]
    if isinstance(n, ast.UnaryOp) and type(n.op) in (ast.UAdd, ast.USub):
        v = ev(n.operand)
        return +v if isinstance(n.op, ast.UAdd) else -v
    if isinstance(n, ast.BinOp):
        a = ev(n.left)
        b = ev(n.right)
        if isinstance(n.op, ast.Pow):
            return check_int(power(a, b))
        return check_int(BINOPS[type(n.op)](a, b))
    if isinstance(n, ast.Call):
        name = n.func.id
        if name not in FUNCS:
            raise Fail("Error: unknown function '%s'" % name)
        args = [ev(a) for a in n.args]
        try:
            return check_int(FUNCS[name](*args))
        except TypeError:
            raise Fail("Error: wrong arguments for '%s'" % name)
    raise Fail("Error: invalid syntax")


def grammar_ok(n):
    ok = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.UnaryOp, ast.UAdd,
          ast.USub, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
          ast.Mod, ast.Pow, ast.Call)
    for x in ast.walk(n):
        if not isinstance(x, ok):
            return False
        if isinstance(x, ast.Constant) and type(x.value) not in (int, float):
            return False
        if isinstance(x, ast.Call) and (not isinstance(x.func, ast.Name) or x.keywords):
            return False
    return True


def calculate(expr):
    expr = expr.strip(WS)
    if not expr:
        raise Fail("Error: empty expression", "Rejected")
    if len(expr) > 200:
        raise Fail("Error: expression longer than 200 characters", "Rejected")
    expr = expr.replace("^", "**").replace("\u00d7", "*").replace("\u00f7", "/")
    for ch in expr:
        if not (ch.isascii() and (ch.isalnum() or ch in "_.+-*/%(),")) and not ch.isspace():
            raise Fail("Error: character '%s' is not allowed" % ch, "Rejected")
    # Whitespace of any kind separates tokens (CPython's tokenizer only takes
    # ASCII blanks; the spec allows all of WS).
    src = "".join(" " if c.isspace() else c for c in expr)
    try:
        tree = ast.parse(src, mode="eval")
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (SyntaxError, tokenize.TokenError):
        raise Fail("Error: invalid syntax")
    for t in toks:  # decimal literals only: no "_", hex/octal/binary or "j"
        if t.type == tokenize.NUMBER and ("_" in t.string or t.string[-1] in "jJ"
                                          or t.string[:2].lower() in ("0x", "0o", "0b")):
            raise Fail("Error: invalid syntax")
    if not grammar_ok(tree):
        raise Fail("Error: invalid syntax")
    try:
        v = ev(tree)
        return repr(float(v))
    except Fail:
        raise
    except ZeroDivisionError:
        raise Fail("Error: division by zero")
    except OverflowError:
        raise Fail("Error: result too large")
    except ValueError:
        raise Fail("Error: math domain error")


def main():
    out = []
    with open(os.path.join(HERE, "expressions.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            expr = json.loads(line)
            try:
                res, outcome = calculate(expr), "OK"
            except Fail as e:
                res, outcome = e.text, e.outcome
            out.append(json.dumps({"give": expr, "want": res, "outcome": outcome}, ensure_ascii=False))
    with open(os.path.join(HERE, "calc.golden"), "w", encoding="utf-8") as f:
        f.write("# Generated by gen.py with %s (Python %s); do not edit.\n" % (sys.executable, sys.version.split()[0]))
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
