"""Generate upstream.jsonl: answer texts graded by the upstream Python code.

The first line lists the calculator rows (id, ground truth, lower, upper);
each further line is one answer text (the content of the answer tag, already
stripped) with, per row in that order, what upstream makes of it:

  official   (a string of 0/1, one per row) Medmarks' extract_answer (the official run.py extraction behind
             the XML parser) followed by the official evaluate.py
             check_correctness; any exception counts as incorrect.
  medmarks   (0/1 per row) Medmarks' check_correctness (unrounded integers), exceptions 0
             as its rubric does.
  extracted  (one string per row) what extract_answer returned ("" for N/A or an exception).

The functions are taken from the upstream files themselves (not copied
here), so the golden file is upstream's behaviour:

  git --git-dir=<Medmarks mirror> show 154710b74e01fb203b5ccf47312dc73d27cd04b4:environments/medcalc_bench/medcalc_bench/medcalc_bench.py > /tmp/medmarks_medcalc.py
  git --git-dir=<MedCalc-Bench mirror> show 20b10f9d66a8c3b0356ae3138533f5ec91666b6a:evaluation/evaluate.py > /tmp/official_evaluate.py
  /usr/bin/python3 testdata/upstream_gen.py /tmp/medmarks_medcalc.py /tmp/official_evaluate.py > testdata/upstream.jsonl

Cases use only the grammar the spec keeps (no numpy in str(...), spec §10
#11). Python 3.11.2, numpy 1.24.2 produced the committed file.
"""

import ast
import contextlib
import io
import json
import math
import random
import re
import sys
import warnings
from datetime import datetime

import numpy as np


def load_functions(path, names):
    src = open(path, encoding="utf-8").read()
    tree = ast.parse(src)
    ns = {"re": re, "math": math, "np": np, "datetime": datetime}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            code = compile(ast.Module(body=[node], type_ignores=[]), path, "exec")
            exec(code, ns)
    missing = [n for n in names if n not in ns]
    if missing:
        raise SystemExit(f"{path}: missing {missing}")
    return ns


class IdentityParser:
    """The answer text is given directly: parse_answer returns it."""

    def parse_answer(self, text):
        return text


ROWS = [
    # (calculator id, ground truth, lower, upper)
    (4, "4", "4", "4"),
    (4, "0", "0", "0"),
    (4, "3", "3", "3"),
    (16, "-1", "-1", "-1"),
    (16, "-2", "-2", "-2"),
    (17, "2", "2", "2"),
    (28, "26", "26", "26"),
    (29, "160", "160", "160"),
    (21, "12", "12", "12"),
    (2, "25.238", "23.9761", "26.4999"),
    (3, "127.718", "121.3321", "134.1039"),
    (8, "0", "0", "0"),
    (8, "1.5", "1.425", "1.575"),
    (38, "-0.828", "-0.8694", "-0.7866"),
    (40, "0.247", "0.23465", "0.25935"),
    (46, "0.1", "0.095", "0.105"),
    (49, "1512", "1436.4", "1587.6"),
    (63, "7", "6.65", "7.35"),
    (13, "09/23/2014", "09/23/2014", "09/23/2014"),
    (13, "02/29/2016", "02/29/2016", "02/29/2016"),
    (68, "12/31/2009", "12/31/2009", "12/31/2009"),
    (69, "('14 weeks', '1 days')", "('14 weeks', '1 days')", "('14 weeks', '1 days')"),
    (69, "('0 weeks', '6 days')", "('0 weeks', '6 days')", "('0 weeks', '6 days')"),
    (69, "('4 weeks', '3 days')", "('4 weeks', '3 days')", "('4 weeks', '3 days')"),
    (69, "('1 weeks', '4 days')", "('1 weeks', '4 days')", "('1 weeks', '4 days')"),
]

NUMBERS = ["4", "4.0", "4.4", "4.5", "3.5", "2.5", "-0.5", "-1", "-1.5", "0", "00", "04", "04.5",
           "26.5", "26", "160", "1,600", "1,000", "25.238", "25.24", "23.9761", "26.4999", "26.5",
           "127.7", "-0.828", "-0.8694", "-0.87", "0.247", "24.7", "10", "1512", "1,512", "7", "07",
           "07.0", "-0.0", "1.45", "2.4999999999999999", "3.000000001", "12", "2523.8", "0.1",
           "1.5e3", "2.5238e1", "４", "٣", "1" * 30, "1" * 30 + ".5", "9" * 320 + ".5", "−1", "+4",
           "1.", ".5", "14", "34", "43", "6", "1", "01"]
WORDS = [" ", " ", ", ", ",", "/", "-", "−", "\n", " out of ", " out of 9", " points", "%", " %",
         " mL/min", " mL/min/1.73 m²", "mL/min/1.73", " mL/min/1x73", " weeks", " week", " days",
         " day", "weeks", "w", "d", " and ", "(", ")", "[", "]", "'", '"', "Score: ", "E3 V4 M5 = ",
         "Due date: ", "09/23/2014", "9/23/2014", "09/23/14", "2014-09-23", "02/29/2015",
         "2/29/2016", "12/31/2009", "09/31/2014", "23/09/2014", "10/01/2014", "09/23/20145",
         "1/9/2007", "13/01/2014", "00/10/2014", "09/23/２０１４", " ± ", " range ", "≈", "#"]
EXPR_ATOMS = ["53", "48", "72", "1.4", "2", "0.5", "100", "3", "7.0", "0", "-1", "1e3", "2.5E-1",
              "25.238", "1.05", "10", ".5", "12.", "140", "87"]
EXPR_FUNCS = ["round({}, 2)", "round({})", "abs({})", "int({})", "float({})", "min({}, {})",
              "pow({}, {})", "sqrt({})", "math.sqrt({})", "math.floor({})", "math.ceil({})",
              "math.exp({})", "math.pow({}, {})", "math.fabs({})", "math.log({})", "max({}, {})",
              "({})", "round({}, -1)", "math.trunc({})"]
EXPR_OPS = [" + ", " - ", " * ", " / ", " // ", " % ", " ** ", "^", " == ", " < ", " >= "]


def random_expr(rng, depth=0):
    if depth > 2 or rng.random() < 0.35:
        a = rng.choice(EXPR_ATOMS + ["math.pi", "math.e"])
        return a
    if rng.random() < 0.5:
        f = rng.choice(EXPR_FUNCS)
        return f.format(*[random_expr(rng, depth + 1) for _ in range(f.count("{}"))])
    return random_expr(rng, depth + 1) + rng.choice(EXPR_OPS) + random_expr(rng, depth + 1)


def answers(rng):
    out = []
    for n in NUMBERS:
        out.append(n)
    for w in WORDS:
        out.append(w.strip() or "x")
    for _ in range(900):
        k = rng.randint(1, 6)
        parts = [rng.choice(NUMBERS) if rng.random() < 0.5 else rng.choice(WORDS) for _ in range(k)]
        out.append("".join(parts))
    for _ in range(400):
        e = random_expr(rng)
        tail = rng.choice(["", "", " # note", " is odd", " is even", ")", "(", " mg/dl", " kg"])
        head = rng.choice(["str(", "str(", "value = str(", "str(round("])
        close = rng.choice([")", ")", "", "))"])
        out.append(head + e + tail + close + rng.choice(["", " mL/min", "\nstr(1)"]))
    seen, uniq = set(), []
    for a in out:
        a = a.strip()
        if a and a not in seen:
            seen.add(a)
            uniq.append(a)
    return uniq


def grade(mm, off, parser, calc_id, gt, lo, hi, a):
    """Returns (official, medmarks, extracted) for one answer text."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            extracted = mm["extract_answer"](a, calc_id, parser)
        except Exception:
            extracted = None
        official = False
        if extracted is not None:
            try:
                official = off["check_correctness"](extracted, gt, calc_id, hi, lo) == 1
            except Exception:
                official = False
        try:
            info = {"ground_truth": gt, "calc_id": calc_id, "upper_bound": hi, "lower_bound": lo}
            medmarks = mm["check_correctness"](parser, [{"role": "assistant", "content": a}], info) == 1.0
        except Exception:
            medmarks = False
    return official, medmarks, "" if extracted in (None, "N/A") else str(extracted)


def main():
    mm = load_functions(sys.argv[1], ["extract_answer", "check_correctness"])
    off = load_functions(sys.argv[2], ["check_correctness"])
    parser = IdentityParser()
    rng = random.Random(20250601)
    print(json.dumps({"rows": ROWS}))
    for a in answers(rng):
        if "np." in a or "numpy" in a:
            continue
        o, m, x = [], [], []
        for calc_id, gt, lo, hi in ROWS:
            official, medmarks, extracted = grade(mm, off, parser, calc_id, gt, lo, hi, a)
            o.append("1" if official else "0")
            m.append("1" if medmarks else "0")
            x.append(extracted)
        print(json.dumps({"answer": a, "official": "".join(o), "medmarks": "".join(m), "extracted": x},
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
