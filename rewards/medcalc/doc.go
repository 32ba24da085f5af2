// Package medcalc is the MedCalc-Bench verifier: the official answer
// extraction of evaluation/run.py and correctness check of
// evaluation/evaluate.py (ncbi-nlp/MedCalc-Bench, identical in
// MedCalc-Bench-Verified), as ../shared/spec/envs/medcalc_bench.md §5–§6
// fixes them, plus the compatibility mode that reproduces Medmarks'
// unrounded integer comparison (§6.3).
//
// A row's ground truth is parsed once (ParseGold): its calculator id
// decides the scoring type (TypeOf; the official lists, never the file's
// Output Type), and the ground truth and limits are read from their
// strings as Python's eval() reads them. Check then reads one answer text
// — the content of the last <answer>…</answer> pair, found by AnswerText
// and LastAnswer — with the branch of that type:
//
//   - integer (18 ids): "N out of", else a comma list replaced by its item
//     count, else the last number; correct when the value rounded half to
//     even equals the ground truth (Official) or the value itself does
//     (Medmarks);
//   - decimal (34 ids): a str(…) expression evaluated as upstream rewrites
//     it (internal/pyexpr), else the number before mL/min/1.73, else the
//     last number followed by % divided by 100, else the last number;
//     correct within the inclusive limits;
//   - date (13, 68): a M/D/YYYY date at the very start, the same calendar
//     date;
//   - weeks-days (69): the first (weeks, days) pair, equal.
//
// Numbers are Python's: a literal with a fraction is the nearest double, an
// integer is exact (math/big beyond int64), ints and floats compare exactly,
// and only what CPython's eval() accepts counts (ASCII digits, no leading
// zero in an integer). Digits and whitespace in the patterns are Unicode's,
// as in Python's re on str. The rules are pinned by
// ../shared/spec/medcalc_correctness_vectors.md, which the tests run in
// full.
//
// Which message of a completion is read (the last assistant message with a
// tag, or under Medmarks the final message) is the env's choice
// (envs/medcalcbench); this package sees texts only.
//
// # Concurrency
//
// Everything here is pure and safe for concurrent use; a Gold is read-only.
//
// # Errors
//
// ParseGold returns a *GoldError naming the column at fault. Check never
// fails: an answer with no value is incorrect, with a Detail saying why.
package medcalc
