package mcq_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards/extract"
	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// The example tables of ../spec/common.md §4 and §5 and the worked examples
// (§9) of envs/medqa.md, medmcqa.md and pubmedqa.md that concern extraction
// and grading, each verified upstream by the spec's authors.

// format is how the env extracts the answer (common.md §4).
type format int

const (
	xml        format = iota // first <answer> of the last message holding one
	boxed                    // last \boxed{} of the last message, or its whole text
	boxedThink               // boxed, after the last </think>; none → empty
)

// extracted applies §4 to assistant message contents (already joined).
func extracted(f format, msgs ...string) string {
	switch f {
	case xml:
		a, _ := extract.FirstTagOfLastMessage(msgs, "answer")
		return a
	case boxedThink:
		text, ok := extract.AfterThink(msgs[len(msgs)-1])
		if !ok {
			return ""
		}
		a, _ := extract.Boxed(text)
		return a
	default:
		a, _ := extract.Boxed(msgs[len(msgs)-1])
		return a
	}
}

// outcome is what a test expects: the verdict and what decided it.
type outcome struct {
	Correct  bool
	Strategy mcq.Strategy
}

func outcomeOf(v mcq.Verdict) outcome { return outcome{v.Correct, v.Strategy} }

var metformin = mcq.Question{GoldLabel: "C", GoldText: "Metformin", OtherTexts: []string{"Insulin", "Glipizide", "Acarbose"}}

func TestExtractionTable(t *testing.T) {
	// common.md §4: gold C = Metformin.
	tests := []struct {
		name string
		f    format
		give []string // assistant contents, text parts already joined
		want string   // extracted
		ok   bool     // reward 1
	}{
		{"xml", xml, []string{"<answer>C</answer>"}, "C", true},
		{"xml_spaces", xml, []string{"<answer> c </answer>"}, "c", true},
		{"xml_first_pair", xml, []string{"<answer>B</answer> on reflection <answer>C</answer>"}, "B", false},
		{"xml_upper_tag", xml, []string{"<ANSWER>C</ANSWER>"}, "", false},
		{"xml_no_tag", xml, []string{"I pick C."}, "", false},
		{"xml_last_message", xml, []string{"<answer>B</answer>", "<answer>C</answer>"}, "C", true},
		{"xml_earlier_message", xml, []string{"<answer>C</answer>", "Done."}, "C", true},
		// Content parts "<answer>" and "C</answer>" joined with one space.
		{"xml_parts", xml, []string{"<answer> C</answer>"}, "C", true},
		// reasoning_content is never passed to extraction.
		{"xml_reasoning_ignored", xml, []string{"The answer is C"}, "", false},
		{"boxed_last", boxed, []string{`\boxed{B} then \boxed{C}`}, "C", true},
		{"boxed_whole_text", boxed, []string{"The answer is C"}, "The answer is C", true},
		{"boxed_think_inside", boxedThink, []string{`<think>\boxed{C}</think>`}, "", false},
		{"boxed_think_after", boxedThink, []string{`<think>hmm</think> \boxed{Metformin}`}, "Metformin", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := extracted(tt.f, tt.give...)
			if got != tt.want {
				t.Errorf("extracted %q, want %q", got, tt.want)
			}
			if v := mcq.Grade(got, metformin, mcq.Options{Guard: true}); v.Correct != tt.ok {
				t.Errorf("Grade(%q) = %+v, want correct %v", got, v, tt.ok)
			}
		})
	}
}

func TestGraderTable(t *testing.T) {
	// common.md §5 "Grader examples": gold C = Metformin. want is the
	// default (guarded) outcome, compat the outcome with compat "medmarks".
	b12 := mcq.Question{GoldLabel: "A", GoldText: "Vitamin B12 deficiency", OtherTexts: []string{"Vitamin B12", "Folate deficiency", "Iron deficiency"}}
	none := outcome{}
	tests := []struct {
		give   string
		q      mcq.Question
		want   outcome
		compat outcome
	}{
		{"C", metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{"(c)", metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{"Option C.", metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{"**C**", metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{`\boxed{C}`, metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{"$C$", metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{`$\mathbf{C}$`, metformin, outcome{true, mcq.ExactOption}, outcome{true, mcq.ExactOption}},
		{"D", metformin, outcome{false, mcq.ExactOption}, outcome{false, mcq.ExactOption}},
		{"Metformin", metformin, outcome{true, mcq.ExactText}, outcome{true, mcq.ExactText}},
		{"metformin.", metformin, outcome{true, mcq.ExactText}, outcome{true, mcq.ExactText}},
		{"C. Metformin", metformin, outcome{true, mcq.OptionPlusText}, outcome{true, mcq.OptionPlusText}},
		{"c) metformin", metformin, outcome{true, mcq.OptionPlusText}, outcome{true, mcq.OptionPlusText}},
		{"B. Metformin", metformin, outcome{false, mcq.OptionPlusText}, outcome{false, mcq.OptionPlusText}},
		{"The answer is C.", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"Answer: c", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"I choose C", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"After weighing the options, I choose (C).", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"Answer: (C) Metformin", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"The answer is not B; the answer is C.", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"The correct answer is C rather than D.", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"<think>The answer is B</think>The answer is C", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"Answer: C is incorrect", metformin, outcome{true, mcq.Anchored}, outcome{true, mcq.Anchored}},
		{"Therefore, C", metformin, outcome{true, mcq.TailToken}, outcome{true, mcq.TailToken}},
		{"I think it's C", metformin, outcome{true, mcq.TailToken}, outcome{true, mcq.TailToken}},
		{"Insulin would be wrong here; metformin is the first-line drug.", metformin, outcome{false, mcq.GuardRejected}, outcome{true, mcq.AnswerText}},
		{"Metformin is not the right choice here", metformin, outcome{true, mcq.AnswerText}, outcome{true, mcq.AnswerText}},
		{"So I think it is metformin.", metformin, outcome{true, mcq.AnswerText}, outcome{true, mcq.AnswerText}},
		{"I think it is metformin.", metformin, none, none},
		{"Final answer: C, but actually B is better.", metformin, none, none},
		{"The answer is C or D", metformin, none, none},
		{"A or C", metformin, none, none},
		{"A, C", metformin, none, none},
		{"C is incorrect", metformin, none, none},
		{"- C: Metformin is first line\n- B: insulin", metformin, none, none},
		{"<think>still thinking, the answer is C", metformin, none, none},
		{"Insulin or metformin", metformin, outcome{false, mcq.GuardRejected}, outcome{true, mcq.AnswerText}},
		{"Metformin is better than insulin", metformin, outcome{false, mcq.GuardRejected}, outcome{true, mcq.AnswerText}},
		{"Metformin, not insulin", metformin, outcome{true, mcq.AnswerText}, outcome{true, mcq.AnswerText}},
		{"Metformin rather than insulin", metformin, outcome{true, mcq.AnswerText}, outcome{true, mcq.AnswerText}},
		{"The patient has vitamin B12 deficiency.", b12, outcome{true, mcq.AnswerText}, outcome{true, mcq.AnswerText}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, outcomeOf(mcq.Grade(tt.give, tt.q, mcq.Options{Guard: true}))); diff != "" {
				t.Errorf("guard on (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.compat, outcomeOf(mcq.Grade(tt.give, tt.q, mcq.Options{}))); diff != "" {
				t.Errorf("guard off (-want +got):\n%s", diff)
			}
		})
	}
}

// options builds a Question from option texts in display order (A, B, …)
// and the gold letter.
func options(gold string, texts ...string) mcq.Question {
	q := mcq.Question{GoldLabel: gold}
	for i, s := range texts {
		if string(rune('A'+i)) == gold {
			q.GoldText = s
		} else {
			q.OtherTexts = append(q.OtherTexts, s)
		}
	}
	return q
}

// permute reorders texts: new position i shows texts[perm[i]].
func permute(texts []string, perm ...int) []string {
	out := make([]string, len(perm))
	for i, p := range perm {
		out[i] = texts[p]
	}
	return out
}

type envExample struct {
	name   string
	f      format
	give   []string
	q      mcq.Question
	want   outcome // default options
	compat *outcome
}

func runEnvExamples(t *testing.T, tests []envExample) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans := extracted(tt.f, tt.give...)
			if diff := cmp.Diff(tt.want, outcomeOf(mcq.Grade(ans, tt.q, mcq.Options{Guard: true}))); diff != "" {
				t.Errorf("extracted %q (-want +got):\n%s", ans, diff)
			}
			if tt.compat != nil {
				if diff := cmp.Diff(*tt.compat, outcomeOf(mcq.Grade(ans, tt.q, mcq.Options{}))); diff != "" {
					t.Errorf("compat, extracted %q (-want +got):\n%s", ans, diff)
				}
			}
		})
	}
}

// medqaRow reads the options of one MedQA test row, in letter order.
func medqaRow(t *testing.T, index int) []string {
	t.Helper()
	var found []string
	n := 0
	eachLine(t, filepath.Join(shared.Datasets(t), "medqa", "phrases_no_exclude_test.jsonl"), func(line []byte) {
		if n == index {
			var r struct{ Options map[string]string }
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatal(err)
			}
			for _, l := range []string{"A", "B", "C", "D"} {
				found = append(found, r.Options[l])
			}
		}
		n++
	})
	if found == nil {
		t.Fatalf("no MedQA row %d", index)
	}
	return found
}

// medmcqaRow reads the options of one MedMCQA validation row by id.
func medmcqaRow(t *testing.T, id string) []string {
	t.Helper()
	var found []string
	eachLine(t, filepath.Join(shared.Datasets(t), "medmcqa", "dev.json"), func(line []byte) {
		var r struct{ ID, Opa, Opb, Opc, Opd string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if r.ID == id {
			found = []string{r.Opa, r.Opb, r.Opc, r.Opd}
		}
	})
	if found == nil {
		t.Fatalf("no MedMCQA row %s", id)
	}
	return found
}

func TestMedQAExamples(t *testing.T) {
	r996 := medqaRow(t, 996)
	r225 := medqaRow(t, 225)
	r1070 := medqaRow(t, 1070)
	r761 := medqaRow(t, 761)
	if r761[3] != "Perform percutaneous drainage\n\"" {
		t.Fatalf("row 761 D = %q: the data changed", r761[3])
	}
	q996 := options("C", r996...)
	s225 := options("B", permute(r225, 0, 2, 3, 1)...) // A Tinea versicolor, B Vitiligo, C Melanoma, D Albinism
	q1070 := options("D", r1070...)
	q761 := options("D", r761...)
	s761 := options("A", permute(r761, 3, 1, 0, 2)...)
	compat1 := outcome{true, mcq.AnswerText}
	runEnvExamples(t, []envExample{
		{"996/xml_reasoning", xml, []string{"Secretory IgA is the only dimer; it blocks bacterial adherence to mucosa.\n<answer>C</answer>"}, q996, outcome{true, mcq.ExactOption}, nil},
		{"996/xml_other", xml, []string{"<answer>A</answer>"}, q996, outcome{false, mcq.ExactOption}, nil},
		{"996/xml_text", xml, []string{"<answer>Inhibiting bacterial adherance and colonization of mucous membranes</answer>"}, q996, outcome{true, mcq.ExactText}, nil},
		{"996/xml_text_respelled", xml, []string{"<answer>Inhibiting bacterial adherence and colonization of mucous membranes</answer>"}, q996, outcome{}, nil},
		{"996/boxed_anchor", boxed, []string{"Secretory IgA is the only dimer. The answer is C."}, q996, outcome{true, mcq.Anchored}, nil},
		{"996/xml_anchor", xml, []string{"Secretory IgA is the only dimer. The answer is C."}, q996, outcome{}, nil},
		{"225/shuffled_gold", xml, []string{"<answer>B</answer>"}, s225, outcome{true, mcq.ExactOption}, nil},
		{"225/old_letter", xml, []string{"<answer>C</answer>"}, s225, outcome{false, mcq.ExactOption}, nil},
		{"225/option_text", xml, []string{"Absent melanocytes point to vitiligo, not albinism.\n<answer>B. Vitiligo</answer>"}, s225, outcome{true, mcq.OptionPlusText}, nil},
		{"225/hedge", xml, []string{"<answer>Tinea versicolor, Albinism, Vitiligo, Melanoma</answer>"}, s225, outcome{false, mcq.GuardRejected}, &compat1},
		{"225/wrong_letter_text", xml, []string{"<answer>C. Vitiligo</answer>"}, s225, outcome{false, mcq.OptionPlusText}, nil},
		{"225/unshuffled", xml, []string{"<answer>C</answer>"}, options("C", r225...), outcome{true, mcq.ExactOption}, nil},
		{"1070/last_box", boxed, []string{`I first thought \boxed{A}, but a pouch above the cricopharyngeus fits better: \boxed{D}`}, q1070, outcome{true, mcq.ExactOption}, nil},
		{"1070/no_box", boxed, []string{"Final answer: Zenker's diverticulum"}, q1070, outcome{true, mcq.AnswerText}, nil},
		{"1070/unclosed_think", boxedThink, []string{`<think>Halitosis and dysphagia in an old man: Zenker's diverticulum. \boxed{D}`}, q1070, outcome{}, nil},
		{"1070/xml_think", xml, []string{"<think>Could it be <answer>A</answer>? Reflux does not form a pouch.</think>\n<answer>D</answer>"}, q1070, outcome{false, mcq.ExactOption}, nil},
		{"1070/boxed_think", boxedThink, []string{"<think>Cricopharyngeal dysfunction leads to a pharyngoesophageal pouch.</think>\nThe answer is \\boxed{D}."}, q1070, outcome{true, mcq.ExactOption}, nil},
		{"761/letter", xml, []string{"<answer>D</answer>"}, q761, outcome{true, mcq.ExactOption}, nil},
		{"761/text_without_quote", xml, []string{"<answer>Perform percutaneous drainage</answer>"}, q761, outcome{}, nil},
		{"761/letter_text", xml, []string{"<answer>D. Perform percutaneous drainage</answer>"}, q761, outcome{true, mcq.LeadingLine}, nil},
		{"761/shuffled_gold", xml, []string{"<answer>A</answer>"}, s761, outcome{true, mcq.ExactOption}, nil},
		{"761/shuffled_old", xml, []string{"<answer>D</answer>"}, s761, outcome{false, mcq.ExactOption}, nil},
	})
}

func TestMedMCQAExamples(t *testing.T) {
	oleander := medmcqaRow(t, "044e8f11-ca21-4220-9ddc-0fca648ed401")
	glucose := medmcqaRow(t, "ef3c0dca-5a44-4569-ba14-14ed9fd9a5a5")
	fordyce := medmcqaRow(t, "191548fb-ba97-4ff9-9c4f-681747cff0c1")
	iron := medmcqaRow(t, "0447b9a2-22ec-449c-8a23-a52c28ac6b34")
	qOleander := options("B", oleander...)
	sGlucose := options("C", permute(glucose, 2, 3, 1, 0)...)
	sFordyce := options("B", permute(fordyce, 1, 2, 0, 3)...)
	runEnvExamples(t, []envExample{
		{"oleander/letter", xml, []string{"Oleander contains cardiac glycosides such as nerin (oleandrin).\n<answer>B</answer>"}, qOleander, outcome{true, mcq.ExactOption}, nil},
		{"oleander/other", xml, []string{"<answer>D</answer>"}, qOleander, outcome{false, mcq.ExactOption}, nil},
		{"oleander/text", xml, []string{"<answer>Nerin</answer>"}, qOleander, outcome{true, mcq.ExactText}, nil},
		{"oleander/negated_letter", boxed, []string{"The answer is not D; it is nerin."}, qOleander, outcome{true, mcq.AnswerText}, nil},
		{"glucose/letter", xml, []string{"<answer>C</answer>"}, sGlucose, outcome{true, mcq.ExactOption}, nil},
		{"glucose/old_letter", xml, []string{"<answer>B</answer>"}, sGlucose, outcome{false, mcq.ExactOption}, nil},
		{"glucose/english_spelling", xml, []string{"<answer>Secondary active transport</answer>"}, sGlucose, outcome{}, nil},
		{"glucose/letter_text", xml, []string{"<answer>C) Secondary active transport</answer>"}, sGlucose, outcome{true, mcq.LeadingLine}, nil},
		{"glucose/data_spelling", xml, []string{"<answer>Secondary active transpo</answer>"}, sGlucose, outcome{true, mcq.ExactText}, nil},
		{"glucose/unshuffled", xml, []string{"<answer>B</answer>"}, options("B", glucose...), outcome{true, mcq.ExactOption}, nil},
		{"fordyce/box", boxed, []string{"Fordyce spots are ectopic oil glands of the cheek mucosa.\n\\boxed{B}"}, sFordyce, outcome{true, mcq.ExactOption}, nil},
		{"fordyce/no_box", boxed, []string{"Fordyce spots are ectopic oil glands of the cheek mucosa, so the answer is B."}, sFordyce, outcome{true, mcq.Anchored}, nil},
		{"fordyce/anchor_option", boxed, []string{`\boxed{D}`}, sFordyce, outcome{false, mcq.ExactOption}, nil},
		{"fordyce/old_letter", boxed, []string{`\boxed{C}`}, sFordyce, outcome{false, mcq.ExactOption}, nil},
		{"fordyce/unshuffled", boxed, []string{`\boxed{C}`}, options("C", fordyce...), outcome{true, mcq.ExactOption}, nil},
		{"iron/gold", xml, []string{"<answer>A</answer>"}, options("A", iron...), outcome{true, mcq.ExactOption}, nil},
		{"iron/same_text", xml, []string{"<answer>C</answer>"}, options("A", iron...), outcome{false, mcq.ExactOption}, nil},
		{"iron/shuffled_old", xml, []string{"<answer>A</answer>"}, options("D", permute(iron, 1, 3, 2, 0)...), outcome{false, mcq.ExactOption}, nil},
		{"iron/shuffled_new", xml, []string{"<answer>D</answer>"}, options("D", permute(iron, 1, 3, 2, 0)...), outcome{true, mcq.ExactOption}, nil},
	})
}

func TestPubMedQAExamples(t *testing.T) {
	ynm := []string{"Yes", "No", "Maybe"}
	// Check that the rows are what the examples say.
	var pq map[string]struct {
		Decision string `json:"final_decision"`
	}
	b, err := os.ReadFile(filepath.Join(shared.Datasets(t), "pubmedqa", "ori_pqal.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pq); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"23848044": "yes", "21214884": "no", "25277731": "maybe", "17971187": "no", "11296674": "maybe"} {
		if pq[id].Decision != want {
			t.Fatalf("PubMedQA %s: decision %q, want %q", id, pq[id].Decision, want)
		}
	}
	qYes := options("A", ynm...)
	sNo := options("A", permute(ynm, 1, 2, 0)...) // A No, B Maybe, C Yes
	qMaybe := options("C", ynm...)
	qNo := options("B", ynm...)
	sMaybe := options("A", permute(ynm, 2, 1, 0)...)
	compat1 := outcome{true, mcq.AnswerText}
	runEnvExamples(t, []envExample{
		{"23848044/letter", xml, []string{"<answer>A</answer>"}, qYes, outcome{true, mcq.ExactOption}, nil},
		{"23848044/other", xml, []string{"<answer>B</answer>"}, qYes, outcome{false, mcq.ExactOption}, nil},
		{"23848044/text", xml, []string{"<answer>Yes</answer>"}, qYes, outcome{true, mcq.ExactText}, nil},
		{"23848044/boxed_prose", boxed, []string{"The QT interval changed with oxybutynin, so yes."}, qYes, outcome{true, mcq.AnswerText}, nil},
		{"23848044/xml_prose", xml, []string{"The QT interval changed with oxybutynin, so yes."}, qYes, outcome{}, nil},
		{"21214884/letter", xml, []string{"<answer>A</answer>"}, sNo, outcome{true, mcq.ExactOption}, nil},
		{"21214884/old_letter", xml, []string{"<answer>B</answer>"}, sNo, outcome{false, mcq.ExactOption}, nil},
		{"21214884/letter_text", xml, []string{"No high-risk HPV DNA was found in any of the 32 samples.\n<answer>A. No</answer>"}, sNo, outcome{true, mcq.OptionPlusText}, nil},
		{"21214884/wrong_letter_text", xml, []string{"<answer>B. No</answer>"}, sNo, outcome{false, mcq.OptionPlusText}, nil},
		{"25277731/box", boxed, []string{`\boxed{C}`}, qMaybe, outcome{true, mcq.ExactOption}, nil},
		{"25277731/no_box", boxed, []string{"With only four cases the study cannot settle it, so the answer is C."}, qMaybe, outcome{true, mcq.Anchored}, nil},
		{"25277731/box_text", boxed, []string{`\boxed{Maybe}`}, qMaybe, outcome{true, mcq.ExactText}, nil},
		{"25277731/unclosed_think", boxedThink, []string{`<think>Four cases are too few to call it often overlooked. \boxed{C}`}, qMaybe, outcome{}, nil},
		{"25277731/think", boxedThink, []string{"<think>Four cases are too few to call it often overlooked.</think>\n\\boxed{C}"}, qMaybe, outcome{true, mcq.ExactOption}, nil},
		{"25277731/no_think", boxedThink, []string{`Four cases are too few. \boxed{C}`}, qMaybe, outcome{}, nil},
		{"17971187/hedge", xml, []string{"<answer>yes, no, maybe</answer>"}, qNo, outcome{false, mcq.GuardRejected}, &compat1},
		{"17971187/hedge_prose", boxed, []string{"There is no clear answer; I would say maybe."}, qNo, outcome{false, mcq.GuardRejected}, &compat1},
		{"17971187/negated_other", boxed, []string{"The answer is not yes."}, qNo, outcome{}, nil},
		{"17971187/other_text", xml, []string{"<answer>Maybe</answer>"}, qNo, outcome{}, nil},
		{"11296674/letter", xml, []string{"<answer>C</answer>"}, qMaybe, outcome{true, mcq.ExactOption}, nil},
		{"11296674/other", xml, []string{"<answer>A</answer>"}, qMaybe, outcome{false, mcq.ExactOption}, nil},
		{"11296674/shuffled_gold", xml, []string{"<answer>A</answer>"}, sMaybe, outcome{true, mcq.ExactOption}, nil},
		{"11296674/shuffled_old", xml, []string{"<answer>C</answer>"}, sMaybe, outcome{false, mcq.ExactOption}, nil},
	})
}
