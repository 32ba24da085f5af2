package mcq_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
	"github.com/medarc-ai/medmarks-t/rewards/mcq"
)

// The MCQ workload of common.md §11: every MedQA test row with a 1–2 KB
// completion made from the row (reasoning that quotes the question and
// discusses two options, then <answer>X</answer>), half with the gold
// letter and half with another.
type workItem struct {
	completion string
	q          mcq.Question
}

func mcqWorkload(tb testing.TB) []workItem {
	tb.Helper()
	var items []workItem
	for i, r := range medqaRows(tb) {
		q := r.question()
		letters := "ABCD"
		gold := strings.Index(letters, r.gold)
		other := (gold + 1 + i%3) % 4
		pick := r.gold
		if i%2 == 1 {
			pick = letters[other : other+1]
		}
		var b strings.Builder
		b.WriteString("Let me work through the vignette step by step.\n")
		for _, s := range strings.SplitAfter(medqaQuestion(tb, i), ". ") {
			if b.Len() > 1100 {
				break
			}
			fmt.Fprintf(&b, "The stem says \"%s\" ", strings.TrimSpace(s))
		}
		fmt.Fprintf(&b, "\nOption %s, %s, fits the key findings best. Option %s, %s, does not explain them as well, so it is less likely.\n",
			letters[gold:gold+1], r.texts[gold], letters[other:other+1], r.texts[other])
		for b.Len() < 1024 {
			b.WriteString("Weighing the remaining findings does not change this conclusion. ")
		}
		fmt.Fprintf(&b, "<answer>%s</answer>", pick)
		c := b.String()
		if len(c) > 2048 {
			c = c[len(c)-2048:]
		}
		items = append(items, workItem{completion: c, q: q})
	}
	return items
}

var questions []string

func medqaQuestion(tb testing.TB, i int) string {
	if questions == nil {
		questions = loadQuestions(tb)
	}
	return questions[i]
}

func BenchmarkMCQWorkload(b *testing.B) {
	items := mcqWorkload(b)
	var bytes int
	for _, it := range items {
		bytes += len(it.completion)
	}
	b.Logf("%d completions, mean %d bytes", len(items), bytes/len(items))
	// Baseline: extraction alone, the floor of any grading.
	b.Run("extract_only", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			it := items[i%len(items)]
			i++
			extract.FirstTagOfLastMessage([]string{it.completion}, "answer")
		}
	})
	for _, guard := range []bool{false, true} {
		b.Run(fmt.Sprintf("extract_grade/guard=%v", guard), func(b *testing.B) {
			b.ReportAllocs()
			i, correct := 0, 0
			for b.Loop() {
				it := items[i%len(items)]
				i++
				ans, _ := extract.FirstTagOfLastMessage([]string{it.completion}, "answer")
				if mcq.Grade(ans, it.q, mcq.Options{Guard: guard}).Correct {
					correct++
				}
			}
			b.ReportMetric(float64(correct)/float64(i), "correct/op")
		})
	}
	// The heavy path: a boxed-format completion without a box is graded
	// whole, by the free-text strategies.
	for _, guard := range []bool{false, true} {
		b.Run(fmt.Sprintf("grade_whole_text/guard=%v", guard), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				it := items[i%len(items)]
				i++
				mcq.Grade(it.completion, it.q, mcq.Options{Guard: guard})
			}
		})
	}
}

func BenchmarkVectors(b *testing.B) {
	vs := loadVectors(b)
	for _, guard := range []bool{false, true} {
		b.Run(fmt.Sprintf("guard=%v", guard), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				v := vs[i%len(vs)]
				i++
				mcq.Grade(v.Response, v.question(), mcq.Options{Guard: guard})
			}
		})
	}
}
