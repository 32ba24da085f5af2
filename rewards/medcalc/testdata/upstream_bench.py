"""Time upstream's verifier over the v1.0 test set, for docs/performance-medcalc.md.

Runs Medmarks' extract_answer (the official extraction) and the official
evaluate.py check_correctness on every row's explanation followed by the
ground truth in the answer tag, as BenchmarkVerify/explanation_and_tag does.
The tag is found with the same regex the MedARC XML parser uses.

  /usr/bin/python3 testdata/upstream_bench.py /tmp/medmarks_medcalc.py /tmp/official_evaluate.py <datasets>/medcalc_bench/v1.0/test_data.csv
"""
import csv
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from upstream_gen import load_functions  # noqa: E402

TAG = re.compile(r"<answer>\s*(.*?)\s*</answer>", re.DOTALL)


class LastTag:
    def parse_answer(self, text):
        m = TAG.findall(text)
        return m[-1] if m else None


def main():
    mm = load_functions(sys.argv[1], ["extract_answer"])
    off = load_functions(sys.argv[2], ["check_correctness"])
    rows = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
    items = [(r["Ground Truth Explanation"] + "\n<answer>" + r["Ground Truth Answer"] + "</answer>", r) for r in rows]
    parser = LastTag()
    best = None
    for _ in range(5):
        t0 = time.perf_counter()
        for text, r in items:
            a = mm["extract_answer"](text, r["Calculator ID"], parser)
            assert off["check_correctness"](a, r["Ground Truth Answer"], r["Calculator ID"], r["Upper Limit"], r["Lower Limit"]) == 1
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(f"{len(items)} rows, best of 5: {best * 1e3:.1f} ms, {best / len(items) * 1e9:.0f} ns/item")


if __name__ == "__main__":
    main()
