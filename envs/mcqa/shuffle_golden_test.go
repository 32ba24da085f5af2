package mcqa_test

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/medarc-ai/medmarks-t/envs/mcqa"
)

// goldenCase is one line of testdata/shuffle.golden, written by
// testdata/gen_shuffle.py from Medmarks' own randomize_multiple_choice.
type goldenCase struct {
	Kind     string   `json:"kind"`
	Text     string   `json:"text"`
	LabelRef bool     `json:"label_ref"`
	Anchor   bool     `json:"anchor"`
	Labels   []string `json:"labels"`
	Texts    []string `json:"texts"`
	Gold     int      `json:"gold"`
	Seed     int64    `json:"seed"`
	RowID    *string  `json:"row_id"`
	Mapping  []int    `json:"mapping"`
	NewGold  int      `json:"new_gold"`
	NewLabel string   `json:"new_label"`
	Dict     string   `json:"dict"`
	List     string   `json:"list"`
}

func readShuffleGolden(t *testing.T) map[string][]goldenCase {
	t.Helper()
	f, err := os.Open("testdata/shuffle.golden")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]goldenCase{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c goldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		out[c.Kind] = append(out[c.Kind], c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRegexesMatchPython compares RefersToLabels and IsAnchor with
// upstream's LABEL_REF and ANCHOR on 6,500 texts: upstream's own test
// strings, the spec's examples, and random mixes of tokens, separators,
// Unicode spaces, digits and case-folding letters.
func TestRegexesMatchPython(t *testing.T) {
	cases := readShuffleGolden(t)["regex"]
	if len(cases) < 6000 {
		t.Fatalf("%d regex cases", len(cases))
	}
	var refs, anchors int
	for _, c := range cases {
		if got := mcqa.RefersToLabels(c.Text); got != c.LabelRef {
			t.Errorf("RefersToLabels(%q) = %v, Python %v", c.Text, got, c.LabelRef)
		}
		if got := mcqa.IsAnchor(c.Text); got != c.Anchor {
			t.Errorf("IsAnchor(%q) = %v, Python %v", c.Text, got, c.Anchor)
		}
		if c.LabelRef {
			refs++
		}
		if c.Anchor {
			anchors++
		}
	}
	if refs < 500 || anchors < 100 {
		t.Errorf("golden file too one-sided: %d label references, %d anchors", refs, anchors)
	}
}

// TestPermutationsMatchPython runs every permutation upstream computed:
// its own unit-test inputs, the spec's vectors, 400 random option sets,
// with row ids, without (content hash) and with dict options.
func TestPermutationsMatchPython(t *testing.T) {
	g := readShuffleGolden(t)
	cases := append(g["perm"], g["permdict"]...)
	if len(cases) < 400 {
		t.Fatalf("%d permutation cases", len(cases))
	}
	for _, c := range cases {
		opts := make([]mcqa.Option, len(c.Texts))
		for i, text := range c.Texts {
			label := string(rune('A' + i))
			if c.Labels != nil {
				label = c.Labels[i]
			}
			opts[i] = mcqa.Option{Label: label, Text: text}
		}
		var rowID string
		switch {
		case c.RowID != nil:
			rowID = *c.RowID
		case c.Kind == "permdict":
			rowID = mcqa.ContentHashRowID(opts)
		default:
			rowID = mcqa.ContentHashRowIDTexts(c.Texts)
		}
		got, err := mcqa.Apply(opts, c.Gold, mcqa.RowSeed(c.Seed, rowID))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.Mapping, got.Perm); diff != "" || got.Gold != c.NewGold {
			t.Errorf("%q seed %d row %v: gold %d, want %d; mapping (-python +go):\n%s",
				c.Texts, c.Seed, rowID, got.Gold, c.NewGold, diff)
		}
		if c.NewLabel != "" && got.GoldLabel() != c.NewLabel {
			t.Errorf("%q: gold label %q, want %q", c.Texts, got.GoldLabel(), c.NewLabel)
		}
	}
}

func TestContentHashMatchesPython(t *testing.T) {
	cases := readShuffleGolden(t)["hash"]
	if len(cases) == 0 {
		t.Fatal("no hash cases")
	}
	for _, c := range cases {
		opts := make([]mcqa.Option, len(c.Texts))
		for i := range c.Texts {
			opts[i] = mcqa.Option{Label: c.Labels[i], Text: c.Texts[i]}
		}
		if got := mcqa.ContentHashRowID(opts); got != c.Dict {
			t.Errorf("ContentHashRowID(%v) = %s, want %s", opts, got, c.Dict)
		}
		if got := mcqa.ContentHashRowIDTexts(c.Texts); got != c.List {
			t.Errorf("ContentHashRowIDTexts(%q) = %s, want %s", c.Texts, got, c.List)
		}
	}
}
