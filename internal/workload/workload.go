// Package workload builds the multiple-choice benchmark workload of
// ../shared/spec/common.md §11: every MedQA test row with a 1–2 KB
// completion made from the row itself (a reasoning paragraph that quotes
// the question's sentences and discusses two options, then
// <answer>X</answer>), half with the gold letter and half with another.
// Benchmarks of the grader, Score and ScoreBatch share it.
package workload

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Item is one completion to grade.
type Item struct {
	// ExampleID is the MedQA test row ("0" … "1272").
	ExampleID string
	// Row is the row as the source file has it, for inline scoring.
	Row json.RawMessage
	// Completion is the model's text; Correct says whether its letter is
	// the gold one.
	Completion string
	Correct    bool
	// Gold is the gold letter, Letter the answered one.
	Gold, Letter string
}

type medqaRow struct {
	Question  string            `json:"question"`
	Options   map[string]string `json:"options"`
	AnswerIdx string            `json:"answer_idx"`
}

// MedQA reads medqa/phrases_no_exclude_test.jsonl under datasets and
// builds one item per row, alternating gold and wrong answers.
func MedQA(datasets string) ([]Item, error) {
	f, err := os.Open(filepath.Join(datasets, "medqa", "phrases_no_exclude_test.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var items []Item
	for i := 0; sc.Scan(); i++ {
		line := append([]byte(nil), sc.Bytes()...)
		var r medqaRow
		if err := json.Unmarshal(line, &r); err != nil {
			return nil, fmt.Errorf("medqa line %d: %w", i+1, err)
		}
		letter := r.AnswerIdx
		correct := i%2 == 0
		if !correct {
			letter = string("BCDA"[strings.Index("ABCD", r.AnswerIdx)])
		}
		items = append(items, Item{ExampleID: strconv.Itoa(i), Row: line, Completion: completion(r, letter),
			Correct: correct, Gold: r.AnswerIdx, Letter: letter})
	}
	return items, sc.Err()
}

// completion writes a 1–2 KB reasoning paragraph from the row: the
// question's sentences quoted, two options discussed, then the answer.
func completion(r medqaRow, letter string) string {
	var b strings.Builder
	b.WriteString("Let me work through this step by step. ")
	sentences := strings.SplitAfter(r.Question, ". ")
	for _, s := range sentences {
		if b.Len() > 900 {
			break
		}
		b.WriteString("The vignette says: \"")
		b.WriteString(strings.TrimSpace(s))
		b.WriteString("\" ")
	}
	other := string("DABC"[strings.Index("ABCD", letter)])
	fmt.Fprintf(&b, "\n\nConsider option %s, %s: it does not fit every finding described above, "+
		"so it is less likely. Option %s, %s, explains the presentation best, given the history, "+
		"the examination and the results of the tests mentioned.", other, r.Options[other], letter, r.Options[letter])
	for b.Len() < 1024 {
		b.WriteString(" The remaining options can be excluded for similar reasons.")
	}
	fmt.Fprintf(&b, "\n\n<answer>%s</answer>", letter)
	return b.String()
}
