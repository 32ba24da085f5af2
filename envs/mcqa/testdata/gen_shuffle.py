#!/usr/bin/python3
"""Writes shuffle.golden: what Medmarks' randomize_multiple_choice does, for mcqa's tests.

The upstream module is read from a file so that nothing of it is copied here:

  git --git-dir=<Medmarks mirror> show HEAD:medarc_verifiers/utils/randomize_multiple_choice.py > /tmp/rmc.py
  /usr/bin/python3 gen_shuffle.py /tmp/rmc.py > shuffle.golden

(made from MedARC-AI/Medmarks 154710b74e01fb203b5ccf47312dc73d27cd04b4). One JSON
object per line, each with a "kind":
  regex    text → does LABEL_REF / ANCHOR search succeed
  perm     option texts (labels A, B, …), gold index, seed, row_id (null: the
           content hash of the list) → mapping and new gold index
  permdict the same with dict options (content hash of the dict when row_id is null)
  hash     the content-hash row id of a list or a dict of options
"""
import importlib.util
import json
import random
import sys

spec = importlib.util.spec_from_file_location("rmc", sys.argv[1])
rmc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rmc)

out = sys.stdout


def emit(obj):
    json.dump(obj, out, ensure_ascii=False)
    out.write("\n")


# --- regexes: upstream test strings, the spec's examples, then random mixes.
fixed = [
    "A or B", "A and B", "Both A and B", "Either A or B", "Neither A nor B", "A, B, or C", "A & B",
    "A/B", "(A) or (B)", "A) and B)", "[A] or [B]", "Only A and B",
    "Vitamin A deficiency", "Hepatitis B", "Type A personality", "Class A drug",
    "Schedule B medication", "The patient has condition A", "Treatment involves A and careful monitoring",
    "Administer drug A",
    "All of the above", "ALL OF THE ABOVE", "None of the above", "Some of the above", "Both of the above",
    "Neither of the above", "All of the following", "None of the following", "All of the above.",
    "All of the above options", "None of the choices are correct", "All answers are correct",
    "Some statements are true", "Both options apply", "None apply",
    "A/B testing", "Hepatitis B and C", "1,25-dihydroxyvitamin D", "A and Bacteria", "a or b",
    "(A) or (b)", "T3 and T4", "1 and 2", "I, III, IV", "V/Q scan", "25/5 mmHg",
    "HIV, syphilis, and N. gonorrhea", "20,000-30,000 Hz", "Anterior 2/3 of tongue", "L/S ratio",
    "Requires factor V and X for growth", "ALL of THEM", "none  of  the   above", "all\tof the\nabove",
    "Nοne of the above", "ſome of the above", "İf all of the above", "all of the aboveX", "allof the above",
    "both of them", "neither of these", "all listed", "all apply", "some applicable", "none of the options",
    "A\u00a0and\u00a0B", "A\u2028or\u2028B", "A\u001cand\u001cB", "٣ and ٤", "A.B", "A:, B", "A., B.",
    "(AB) & (12)", "[1]/[2]", "(a) or (B)", "A nor B", "A AND/OR B", "A and/or B", "A and /or B",
    "A ,,& B", "A ,  B", "x A or B", "xA or B", "A or Bx", "A or _B", "_A or B", "éA or B", "A or éB",
    "12a or 3", "1 or 2", "¹ or ²", "A1 or B", "A) , B", "A) ,B", "(A)and(B)", "(A) and(B)",
    "Both a and b", "only A", "", " ", "A", "A,", ",B",
]
pieces = [
    "A", "B", "C", "Z", "a", "b", "I", "V", "X", "1", "2", "12", "3.", "4)", "5:", "٣", "¹", "(A)", "[B]",
    "(12)", "(a)", "[x]", "(", ")", "[", "]", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\u001c", "\u200b",
    ",", "&", "/", ".", ":", ";", "-", "_", "and", "AND", "And", "or", "OR", "nor", "and/or", "both",
    "Both", "either", "neither", "only", "all", "ALL", "none", "some", "of", "the", "above", "following",
    "these", "choice", "choices", "option", "options", "answers", "statements", "responses", "listed",
    "apply", "applicable", "them", "ſ", "İ", "ı", "é", "K", "vitamin", "type", "x", "y", "s", "ome",
    "bove", "al", "l",
]
rng = random.Random(20240601)
texts = list(fixed)
seen = set(texts)
while len(texts) < 2500:
    t = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))
    if t not in seen:
        seen.add(t)
        texts.append(t)
toks = ["A", "B", "Z", "a", "I", "1", "23", "٣", "¹", "A)", "B.", "C:", "1)", "(A)", "[B]", "(1)", "(a)", "[AB1]",
        "()", "x", "_", "é", "Ab", "1a", ".A"]
seps = [",", ", ", " ,", "&", " & ", "/", " / ", ",,", ",&/", " and ", " AND ", " And ", " or ", " nor ",
        " and/or ", " and/ or ", "and", " and", "\u00a0or\u00a0", "\u2028and\u2028", "\u001cor ", " aNd ",
        "  or\t", " ", ";", " - ", " ſ "]
noise = ["", "", "", "x", "Both ", "both ", "either ", "only ", "Only", "neither ", "é", "_", "1", " ", "(", "."]
quant = ["all", "All", "ALL", "none", "None", "some", "ſome", "both", "Both", "neither", "neİther", "nei\u0131ther", "al", "alls"]
mid = [" ", "  ", "\t", "\n", "\u00a0", "", " of ", " of the ", " OF THE ", " of  the ", " of\tthe\n", " ofthe ", " of the", " the "]
word = ["above", "following", "these", "choice", "choices", "option", "options", "answer", "answers",
        "statement", "statements", "response", "responses", "listed", "apply", "applicable", "them",
        "ABOVE", "Choiceſ", "abovex", "above_", "above1", "abové", "thes", "themselves", "applied", "appl"]
while len(texts) < 5000:
    t = rng.choice(noise) + rng.choice(toks) + rng.choice(seps) + rng.choice(toks)
    if rng.random() < 0.3:
        t += rng.choice(seps) + rng.choice(toks)
    t += rng.choice(noise)
    if t not in seen:
        seen.add(t)
        texts.append(t)
while len(texts) < 6500:
    t = rng.choice(noise) + rng.choice(quant) + rng.choice(mid) + rng.choice(word) + rng.choice(noise)
    if t not in seen:
        seen.add(t)
        texts.append(t)
for t in texts:
    emit({"kind": "regex", "text": t,
          "label_ref": bool(rmc.LABEL_REF.search(t)), "anchor": bool(rmc.ANCHOR.search(t))})


# --- permutations.
def labels_for(n):
    return [chr(ord("A") + i) for i in range(n)]


def perm(texts, gold, seed, row_id):
    _, _, new_idx, mapping = rmc.randomize_multiple_choice(
        list(texts), gold, labels=labels_for(len(texts)), seed=seed, row_id=row_id, return_mapping=True)
    emit({"kind": "perm", "texts": texts, "gold": gold, "seed": seed,
          "row_id": None if row_id is None else str(row_id), "mapping": mapping, "new_gold": new_idx})


def permdict(opts, gold_label, seed, row_id):
    out_opts, new_label, new_idx, mapping = rmc.randomize_multiple_choice(
        dict(opts), gold_label, seed=seed, row_id=row_id, return_mapping=True)
    emit({"kind": "permdict", "labels": list(opts.keys()), "texts": list(opts.values()),
          "gold": list(opts.keys()).index(gold_label), "seed": seed,
          "row_id": None if row_id is None else str(row_id), "mapping": mapping, "new_gold": new_idx,
          "new_label": new_label})


# The cases of Medmarks' tests/test_randomize_mcq.py (seed 42, no row id: content hash).
upstream_cases = [
    (["Opt 1", "Opt 2", "Opt 3", "Opt 4", "Opt 5"], 0, 42, None),
    (["Opt 1", "Opt 2", "Opt 3", "Opt 4", "Opt 5"], 0, 43, None),
    (["Opt 1", "Opt 2", "Opt 3", "Opt 4", "Opt 5"], 0, 42, "row1"),
    (["Opt 1", "Opt 2", "Opt 3", "Opt 4", "Opt 5"], 0, 42, "row2"),
    (["Option A", "Option B", "Option C", "All of the above"], 0, 42, None),
    (["Opt 1", "Opt 2", "Both of the above", "Opt 3", "All of the above"], 0, 42, None),
    (["All of the above", "None of the above", "Both of the above"], 1, 42, None),
    (["Option A", "Option B", "Option C"], 0, 42, None),
    (["Option A", "Option B", "All of the above", "Option D"], 2, 42, None),
    (["Opt A", "Opt B", "Opt C", "All of the above"], 0, 42, None),
    (["Opt 1", "Opt 2", "Opt 3"], 1, 42, None),
    (["Only option"], 0, 42, None),
    (["All of the above", "None of the above"], 0, 42, None),
    (["Option 1", "All of the above", "None of the above", "Option 4"], 0, 42, None),
    (["Opt 1", "", "Opt 3"], 0, 42, None),
    (["Opt 1", "Opt 2", "Opt 3"], 0, 42, 123),
    (["Opt 1", "Opt 2", "Opt 3"], 0, 42, "question_1"),
    (["Opt 1", "Opt 2", "Opt 3", "Opt 4"], 0, 42, 0),
    (["Opt 1", "Opt 2", "Opt 3", "Opt 4"], 0, 42, 1),
    (["Opt 1", "Opt 2", "All of the above"], 0, 42, 0),
    (["Option 1", "Option 2", "Option 3", "All of the above"], 0, 42, None),
    (["Diabetes", "Hypertension", "A or B", "Obesity"], 0, 42, None),
    (["Option 1", "None of the above", "Option 3", "All of the above"], 0, 42, None),
    (["Heart failure", "Diabetes", "None of the above", "Obesity", "Hypertension", "All of the above"], 0, 42, None),
    (["Diabetes", "Hypertension", "Both A and B", "Obesity"], 2, 42, None),
]
for s in range(10, 110, 20):
    upstream_cases.append((["Diabetes", "Hypertension", "Obesity", "Hyperlipidemia", "Smoking", "All of the above"], 0, s, None))
for a in ["All of the above", "ALL OF THE ABOVE", "None of the above", "Some of the above", "Both of the above",
          "Neither of the above", "All of the following", "None of the following", "All of the above.",
          "All of the above options", "None of the choices are correct", "All answers are correct",
          "Some statements are true", "Both options apply", "None apply"]:
    upstream_cases.append((["Opt 1", "Opt 2", a], 0, 42, None))
for texts, gold, seed, row_id in upstream_cases:
    perm(texts, gold, seed, row_id)
for opts, gold in [({"A": "Opt 1", "B": "Opt 2", "C": "Opt 3"}, "A"), ({"A": "Opt 1", "B": "Opt 2", "C": "Opt 3"}, "B"),
                   ({"(A)": "Opt 1", "(B)": "Opt 2", "(C)": "Opt 3"}, "(A)"), ({"1.": "Opt 1", "2.": "Opt 2", "3.": "Opt 3"}, "1."),
                   ({"a": "Opt 1", "b": "Opt 2", "c": "Opt 3"}, "a"), ({"X": "Opt 1", "Y": "Opt 2", "Z": "Opt 3"}, "X"),
                   ({"A": "Opt 1", "B": "Opt 2", "C": "Opt 3", "D": "Opt 4"}, "A"),
                   ({"B": "second", "A": "first", "C": "third", "D": "None of the above"}, "A"),
                   ({"A": "Insulin", "B": "Glipizide", "C": "Metformin", "D": "Acarbose"}, "C"),
                   ({"A": "Yes", "B": "No", "C": "Maybe"}, "A")]:
    permdict(opts, gold, 42, None)
    permdict(opts, gold, 1618, None)

# The spec's vectors (../spec/common.md §6), plus episode mode as row ids "<row>::<episode seed>".
four = ["Opt 1", "Opt 2", "Opt 3", "Opt 4"]
for seed in (1618, 9331):
    for rid in range(6):
        perm(four, 0, seed, rid)
perm(["Yes", "No", "Maybe"], 0, 1618, 12377809)
perm(["Yes", "No", "Maybe"], 0, 9331, 12377809)
perm(["a", "b", "c", "None of the above"], 1, 1618, 0)
perm(["Insulin", "Glipizide", "Metformin", "Acarbose"], 2, 1618, 7)
perm(["Insulin", "All of the above", "Metformin", "Acarbose", "Glipizide"], 2, 1618, 7)
for ep in (0, 1, 2, 2**64 - 1):
    perm(four, 0, 1618, f"7::{ep}")

# Random option sets: anchors, label references, unicode, sizes 0…8, big seeds.
pool = ["Insulin", "Metformin", "Glipizide", "Acarbose", "All of the above", "None of the following",
        "Both A and B", "Vitamin A deficiency", "T3 and T4", "A/B testing", "", " ", "Ünïcödé", "日本語",
        "both of them", "Hepatitis B", "x", "Neither", "some apply", "1 and 2", "Option 3", "ſome of these"]
for i in range(400):
    n = rng.randint(0, 8)
    texts = [rng.choice(pool) if rng.random() < 0.5 else f"opt{rng.randint(0, 99)}" for _ in range(n)]
    seed = rng.choice([0, 1, 42, 1618, 9331, 2**31, 2**63 - 1, rng.randint(0, 2**40)])
    row_id = rng.choice([None, i, f"q{i}", "Frage Nr. ½ ü", str(2**70)])
    if n == 0:
        continue
    perm(texts, rng.randrange(n), seed, row_id)

for opts in [{"A": "Insulin", "B": "Glipizide"}, {"B": "b", "A": "a"}, {"A": "ü", "B": "日本"}, {"A": ""}]:
    emit({"kind": "hash", "labels": list(opts.keys()), "texts": list(opts.values()),
          "dict": str(rmc._stable_options_hash(opts)), "list": str(rmc._stable_options_hash(list(opts.values())))})
