package extract_test

import (
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/extract"
)

// A 2 KB completion, as in the MCQ workload of common.md §11.
var completion = strings.Repeat("The stem describes a patient with polyuria and an HbA1c of 9%. ", 30) +
	"Option C, metformin, is first line.\n<answer>C</answer>"

func BenchmarkFirstTagOfLastMessage(b *testing.B) {
	b.ReportAllocs()
	msgs := []string{completion}
	for b.Loop() {
		extract.FirstTagOfLastMessage(msgs, "answer")
	}
	b.ReportMetric(float64(len(completion)), "bytes")
}

func BenchmarkLastTag(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		extract.LastTag(completion, "answer")
	}
}

func BenchmarkBoxed(b *testing.B) {
	b.ReportAllocs()
	text := completion + ` \boxed{\text{C}}`
	for b.Loop() {
		extract.Boxed(text)
	}
}

func BenchmarkLastJSONObject(b *testing.B) {
	b.ReportAllocs()
	reply := strings.Repeat("The response is accurate {mostly}. ", 20) + `{"score": 4, "reason": "clear and correct"}`
	for b.Loop() {
		extract.LastJSONObject(reply)
	}
}
