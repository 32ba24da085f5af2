package medcalc_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// fileRow is one row of the shipped v1.0 test file.
type fileRow struct {
	row  string
	gold medcalc.Gold
}

var (
	rowsOnce sync.Once
	rowsData []fileRow
	rowsErr  error
)

// testRows reads ../shared/datasets/medcalc_bench/v1.0/test_data.csv with
// encoding/csv (independently of the env's loader) and parses every gold.
func testRows(tb testing.TB) []fileRow {
	tb.Helper()
	dir := shared.Datasets(tb)
	rowsOnce.Do(func() {
		f, err := os.Open(filepath.Join(dir, "medcalc_bench", "v1.0", "test_data.csv"))
		if err != nil {
			rowsErr = err
			return
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			rowsErr = err
			return
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, r := range recs[1:] {
			id, err := strconv.Atoi(r[col["Calculator ID"]])
			if err != nil {
				rowsErr = err
				return
			}
			g, err := medcalc.ParseGold(id, r[col["Calculator Name"]], r[col["Ground Truth Answer"]], r[col["Lower Limit"]], r[col["Upper Limit"]])
			if err != nil {
				rowsErr = fmt.Errorf("row %s: %w", r[col["Row Number"]], err)
				return
			}
			rowsData = append(rowsData, fileRow{row: r[col["Row Number"]], gold: g})
		}
	})
	if rowsErr != nil {
		tb.Fatal(rowsErr)
	}
	return rowsData
}

func check(g medcalc.Gold, answer string, mode medcalc.Mode) bool {
	a, ok := medcalc.AnswerText(answer)
	return ok && medcalc.Check(g, a, mode).Correct
}

// TestWholeFile reproduces the statistics of spec §6.2 on all 1,047 rows.
func TestWholeFile(t *testing.T) {
	rows := testRows(t)
	if len(rows) != 1047 {
		t.Fatalf("%d rows, want 1047", len(rows))
	}
	count := map[string]int{}
	for _, r := range rows {
		g := r.gold
		count[g.Type.String()]++
		for _, mode := range []medcalc.Mode{medcalc.Official, medcalc.Medmarks} {
			if !check(g, "<answer>"+g.Answer+"</answer>", mode) {
				t.Errorf("row %s mode %d: ground truth %q in the tag scores 0", r.row, mode, g.Answer)
			}
			if check(g, g.Answer, mode) {
				t.Errorf("row %s mode %d: ground truth without the tag scores 1", r.row, mode)
			}
			if w := wrong(t, g); check(g, "<answer>"+w+"</answer>", mode) {
				t.Errorf("row %s mode %d: wrong answer %q scores 1", r.row, mode, w)
			}
		}
		switch g.Type {
		case medcalc.Decimal:
			for _, lim := range []string{g.Lower, g.Upper} {
				if !check(g, "<answer>"+lim+"</answer>", medcalc.Official) {
					t.Errorf("row %s: limit %s scores 0", r.row, lim)
				}
			}
		case medcalc.Integer:
			gt, err := strconv.Atoi(g.Answer)
			if err != nil {
				t.Fatalf("row %s: integer ground truth %q", r.row, g.Answer)
			}
			if !check(g, "<answer>"+tenths(gt, 4)+"</answer>", medcalc.Official) {
				t.Errorf("row %s: ground truth + 0.4 scores 0 officially", r.row)
			}
			if check(g, "<answer>"+tenths(gt, 4)+"</answer>", medcalc.Medmarks) {
				t.Errorf("row %s: ground truth + 0.4 scores 1 in compat", r.row)
			}
			for _, d := range []int{5, -5} {
				if check(g, "<answer>"+tenths(gt, d)+"</answer>", medcalc.Official) {
					count[fmt.Sprintf("half %+d", d)]++
				}
				if check(g, "<answer>"+tenths(gt, d)+"</answer>", medcalc.Medmarks) {
					t.Errorf("row %s: ground truth %+d tenths scores 1 in compat", r.row, d)
				}
			}
			for _, mode := range []medcalc.Mode{medcalc.Official, medcalc.Medmarks} {
				if !check(g, "<answer>"+g.Answer+".0</answer>", mode) {
					t.Errorf("row %s mode %d: %s.0 scores 0", r.row, mode, g.Answer)
				}
			}
		case medcalc.Date:
			var m, d, y int
			if _, err := fmt.Sscanf(g.Answer, "%d/%d/%d", &m, &d, &y); err != nil {
				t.Fatal(err)
			}
			if !check(g, fmt.Sprintf("<answer>%d/%d/%d</answer>", m, d, y), medcalc.Official) {
				t.Errorf("row %s: unpadded date scores 0", r.row)
			}
		case medcalc.WeeksDays:
			w, d := weeksDays(t, g.Answer)
			if !check(g, fmt.Sprintf("<answer>(%d weeks, %d days)</answer>", w, d), medcalc.Official) {
				t.Errorf("row %s: (W weeks, D days) scores 0", r.row)
			}
		}
	}
	want := map[string]int{"decimal": 627, "integer": 360, "date": 40, "weeks-days": 20, "half +5": 184, "half -5": 184}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d, want %d", k, count[k], n)
		}
	}
}

// tenths is gt + d/10 written as a decimal literal.
func tenths(gt, d int) string {
	v := gt*10 + d
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%d", sign, v/10, v%10)
}

func weeksDays(tb testing.TB, gt string) (int, int) {
	var w, d int
	if _, err := fmt.Sscanf(gt, "('%d weeks', '%d days')", &w, &d); err != nil {
		tb.Fatalf("weeks-days ground truth %q: %v", gt, err)
	}
	return w, d
}

// wrong is a clearly wrong answer of the right form.
func wrong(tb testing.TB, g medcalc.Gold) string {
	switch g.Type {
	case medcalc.Integer:
		n, _ := strconv.Atoi(g.Answer)
		return strconv.Itoa(n + 1)
	case medcalc.Decimal:
		// Far above the upper limit, whatever its sign.
		hi, _ := strconv.ParseFloat(g.Upper, 64)
		if hi < 0 {
			hi = -hi
		}
		return strconv.FormatFloat(2*hi+1, 'f', -1, 64)
	case medcalc.Date:
		var m, d, y int
		if _, err := fmt.Sscanf(g.Answer, "%d/%d/%d", &m, &d, &y); err != nil {
			tb.Fatal(err)
		}
		return fmt.Sprintf("%02d/%02d/%d", m, d, y+1)
	case medcalc.WeeksDays:
		w, d := weeksDays(tb, g.Answer)
		return fmt.Sprintf("(%d weeks, %d days)", w+1, d)
	}
	return strings.Repeat("x", 3)
}
