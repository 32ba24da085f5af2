package medcalc_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// benchItem is one v1.0 test row with two completions: the ground truth
// alone in the tag, and the row's own step-by-step explanation (1–2 KB)
// followed by the tag.
type benchItem struct {
	gold          medcalc.Gold
	short, reason string
}

func benchItems(b *testing.B) []benchItem {
	b.Helper()
	f, err := os.Open(filepath.Join(shared.Datasets(b), "medcalc_bench", "v1.0", "test_data.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var out []benchItem
	for _, r := range recs[1:] {
		id, _ := strconv.Atoi(r[col["Calculator ID"]])
		g, err := medcalc.ParseGold(id, r[col["Calculator Name"]], r[col["Ground Truth Answer"]], r[col["Lower Limit"]], r[col["Upper Limit"]])
		if err != nil {
			b.Fatal(err)
		}
		tag := "<answer>" + g.Answer + "</answer>"
		out = append(out, benchItem{gold: g, short: tag, reason: r[col["Ground Truth Explanation"]] + "\n" + tag})
	}
	if len(out) != 1047 {
		b.Fatalf("%d rows", len(out))
	}
	return out
}

// BenchmarkVerify scores the whole v1.0 test set (1,047 rows) per op:
// tag extraction plus the official check. ns/item is the cost of one
// reward.
func BenchmarkVerify(b *testing.B) {
	items := benchItems(b)
	for _, tt := range []struct {
		name string
		text func(benchItem) string
		mode medcalc.Mode
	}{
		{"tag_only", func(it benchItem) string { return it.short }, medcalc.Official},
		{"explanation_and_tag", func(it benchItem) string { return it.reason }, medcalc.Official},
		{"explanation_and_tag_compat", func(it benchItem) string { return it.reason }, medcalc.Medmarks},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			bytes := 0
			for _, it := range items {
				bytes += len(tt.text(it))
			}
			start := time.Now()
			n := 0
			for b.Loop() {
				for _, it := range items {
					a, ok := medcalc.AnswerText(tt.text(it))
					if !ok || !medcalc.Check(it.gold, a, tt.mode).Correct {
						b.Fatal("gold scored 0")
					}
				}
				n++
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(n*len(items)), "ns/item")
			b.ReportMetric(float64(bytes)/float64(len(items)), "bytes/item")
		})
	}
	// Baseline in the same run: the tag search alone, so the ratio travels
	// across machines.
	b.Run("baseline_tag_search", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		n := 0
		for b.Loop() {
			for _, it := range items {
				if _, ok := medcalc.AnswerText(it.reason); !ok {
					b.Fatal("no tag")
				}
			}
			n++
		}
		b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(n*len(items)), "ns/item")
	})
}
