package medcalc_test

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
)

// TestUpstream replays testdata/upstream.jsonl: about 1,200 answer texts ×
// 25 calculator rows graded by the upstream Python functions themselves
// (testdata/upstream_gen.py runs Medmarks' extract_answer and
// check_correctness and the official evaluate.py check_correctness). Every
// verdict in both modes and every extracted value must agree.
func TestUpstream(t *testing.T) {
	f, err := os.Open("testdata/upstream.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	if !sc.Scan() {
		t.Fatal("empty golden file")
	}
	var head struct {
		Rows [][4]json.RawMessage `json:"rows"`
	}
	if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
		t.Fatal(err)
	}
	golds := make([]medcalc.Gold, len(head.Rows))
	for i, r := range head.Rows {
		var id int
		var gt, lo, hi string
		for _, x := range []struct {
			raw json.RawMessage
			dst any
		}{{r[0], &id}, {r[1], &gt}, {r[2], &lo}, {r[3], &hi}} {
			if err := json.Unmarshal(x.raw, x.dst); err != nil {
				t.Fatal(err)
			}
		}
		if golds[i], err = medcalc.ParseGold(id, "", gt, lo, hi); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
	}
	cases, fails := 0, 0
	for sc.Scan() {
		var c struct {
			Answer    string   `json:"answer"`
			Official  string   `json:"official"`
			Medmarks  string   `json:"medmarks"`
			Extracted []string `json:"extracted"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		for i, g := range golds {
			cases++
			off := medcalc.Check(g, c.Answer, medcalc.Official)
			mm := medcalc.Check(g, c.Answer, medcalc.Medmarks)
			wantX := c.Extracted[i]
			switch wantX { // str() of a comparison's bool; the spec's value is 1 or 0
			case "True":
				wantX = "1"
			case "False":
				wantX = "0"
			}
			if off.Correct != (c.Official[i] == '1') || mm.Correct != (c.Medmarks[i] == '1') || off.Extracted != wantX {
				fails++
				if fails <= 10 {
					t.Errorf("calculator %d (gt %s) answer %q: official %v (upstream %c), medmarks %v (upstream %c), extracted %q (upstream %q)\n  %s",
						g.CalculatorID, g.Answer, medcalc.Shorten(c.Answer, 80), off.Correct, c.Official[i], mm.Correct, c.Medmarks[i], off.Extracted, c.Extracted[i], medcalc.Shorten(off.Detail, 300))
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 25_000 {
		t.Fatalf("only %d cases", cases)
	}
	if fails > 0 {
		t.Errorf("%d of %d cases differ from upstream", fails, cases)
	}
}
