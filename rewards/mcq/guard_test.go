package mcq_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards/extract"
	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// mcqRow is one multiple-choice row: option texts in letter order and the
// gold letter.
type mcqRow struct {
	texts []string
	gold  string
}

func (r mcqRow) question() mcq.Question { return options(r.gold, r.texts...) }

func medqaRows(tb testing.TB) []mcqRow {
	var rows []mcqRow
	eachLine(tb, filepath.Join(shared.Datasets(tb), "medqa", "phrases_no_exclude_test.jsonl"), func(line []byte) {
		var r struct {
			Options   map[string]string `json:"options"`
			AnswerIdx string            `json:"answer_idx"`
		}
		if err := json.Unmarshal(line, &r); err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, mcqRow{texts: []string{r.Options["A"], r.Options["B"], r.Options["C"], r.Options["D"]}, gold: r.AnswerIdx})
	})
	if len(rows) != 1273 {
		tb.Fatalf("read %d MedQA test rows, want 1273", len(rows))
	}
	return rows
}

func medmcqaRows(tb testing.TB) []mcqRow {
	var rows []mcqRow
	eachLine(tb, filepath.Join(shared.Datasets(tb), "medmcqa", "dev.json"), func(line []byte) {
		var r struct {
			Opa, Opb, Opc, Opd string
			Cop                int
		}
		if err := json.Unmarshal(line, &r); err != nil {
			tb.Fatal(err)
		}
		if r.Cop < 1 || r.Cop > 4 {
			tb.Fatalf("MedMCQA cop %d", r.Cop)
		}
		rows = append(rows, mcqRow{texts: []string{r.Opa, r.Opb, r.Opc, r.Opd}, gold: string(rune('A' + r.Cop - 1))})
	})
	if len(rows) != 4183 {
		tb.Fatalf("read %d MedMCQA validation rows, want 4183", len(rows))
	}
	return rows
}

// TestGuardHedgeMedQA: an answer that lists every option's text ("A, B, C,
// D" texts joined with ", ") is scored 1 upstream on nearly every MedQA test
// row, by strategy 7, and 0 with the guard. The 23 exceptions below were
// checked against the upstream grader: there a line that looks option-led or
// a trailing letter token takes over (only row 228 then scores 1).
func TestGuardHedgeMedQA(t *testing.T) {
	notText := map[int]outcome{
		8: {}, 46: {}, 75: {}, 299: {}, 454: {}, 561: {}, 701: {}, 709: {}, 730: {},
		781: {}, 822: {}, 823: {}, 934: {}, 1208: {}, 1232: {},
		158: {false, mcq.TailToken}, 228: {true, mcq.TailToken}, 470: {false, mcq.TailToken},
		664: {false, mcq.TailToken}, 680: {false, mcq.TailToken}, 725: {false, mcq.TailToken},
		855: {false, mcq.TailToken}, 966: {false, mcq.TailToken},
	}
	byStrategy := map[mcq.Strategy]int{}
	rejected := 0
	for i, r := range medqaRows(t) {
		ans, _ := extract.FirstTagOfLastMessage([]string{"<answer>" + strings.Join(r.texts, ", ") + "</answer>"}, "answer")
		compat := mcq.Grade(ans, r.question(), mcq.Options{})
		guarded := mcq.Grade(ans, r.question(), mcq.Options{Guard: true})
		byStrategy[compat.Strategy]++
		want, special := notText[i]
		if !special {
			want = outcome{true, mcq.AnswerText}
		}
		if got := outcomeOf(compat); got != want {
			t.Errorf("row %d: guard off: %+v, want %+v", i, got, want)
		}
		switch {
		case compat.Strategy == mcq.AnswerText && guarded.Strategy != mcq.GuardRejected:
			t.Errorf("row %d: guard on: %+v, want rejected", i, guarded)
		case compat.Strategy != mcq.AnswerText && guarded != compat:
			t.Errorf("row %d: guard on: %+v, want %+v", i, guarded, compat)
		}
		if guarded.Strategy == mcq.GuardRejected {
			rejected++
		}
	}
	t.Logf("MedQA hedges: guard off %v; guard on rejects %d", byStrategy, rejected)
}

// TestGuardSingleOption: answers naming one option's text keep their verdict
// with the guard (common.md §5 step 17), on every MedQA test and MedMCQA
// validation row.
func TestGuardSingleOption(t *testing.T) {
	templates := []string{"I think the best choice here is %s.", "Most likely %s, given the findings."}
	sets := []struct {
		name string
		rows []mcqRow
	}{{"medqa", medqaRows(t)}, {"medmcqa", medmcqaRows(t)}}
	total, correct := 0, 0
	byStrategy := map[mcq.Strategy]int{}
	for _, set := range sets {
		for i, r := range set.rows {
			for _, tpl := range templates {
				ans := strings.Replace(tpl, "%s", r.question().GoldText, 1)
				compat := mcq.Grade(ans, r.question(), mcq.Options{})
				guarded := mcq.Grade(ans, r.question(), mcq.Options{Guard: true})
				total++
				byStrategy[compat.Strategy]++
				if compat.Correct {
					correct++
				}
				if guarded != compat {
					t.Errorf("%s row %d %q: guard on %+v, off %+v", set.name, i, ans, guarded, compat)
				}
			}
		}
	}
	if total != 10912 {
		t.Errorf("graded %d answers, want 10912", total)
	}
	t.Logf("one-option answers: %d graded, %d correct, by strategy %v", total, correct, byStrategy)
}

func loadQuestions(tb testing.TB) []string {
	var qs []string
	eachLine(tb, filepath.Join(shared.Datasets(tb), "medqa", "phrases_no_exclude_test.jsonl"), func(line []byte) {
		var r struct{ Question string }
		if err := json.Unmarshal(line, &r); err != nil {
			tb.Fatal(err)
		}
		qs = append(qs, r.Question)
	})
	return qs
}
