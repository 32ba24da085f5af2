package mcq

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// texCase is pylatexenc 2.10's LatexNodes2Text(math_mode="text") output for
// one input, or fails when it raises (upstream then keeps the input).
type texCase struct {
	In    string  `json:"in"`
	Out   *string `json:"out"`
	Fails bool    `json:"fails"`
}

// TestLatexToText replays testdata/tex.jsonl: real model-output TeX and
// generated fragment soups, converted by pylatexenc.
func TestLatexToText(t *testing.T) {
	f, err := os.Open("testdata/tex.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		var c texCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		got, err := latexToText(c.In)
		switch {
		case c.Fails && err == nil:
			t.Errorf("line %d: latexToText(%q) = %q, want failure", n, c.In, got)
		case !c.Fails && err != nil:
			t.Errorf("line %d: latexToText(%q) failed, want %q", n, c.In, *c.Out)
		case !c.Fails && got != *c.Out:
			t.Errorf("line %d: latexToText(%q) = %q, want %q", n, c.In, got, *c.Out)
		}
	}
	if n < 300 {
		t.Fatalf("only %d TeX cases", n)
	}
}

func TestStripTeX(t *testing.T) {
	tests := []struct {
		give, want string
	}{
		// No trigger: left alone, including what upstream's malformed class
		// was meant to catch.
		{`\(C\)`, `\(C\)`},
		{`\[C\]`, `\[C\]`},
		{`50\%`, `50\%`},
		{`a \\ b`, `a \\ b`},
		{"C~is the answer", "C~is the answer"},
		{"9% so 1 agent", "9% so 1 agent"},
		// The malformed class does match a backslash, one of $\()[ and "{}]".
		{`\({}]`, "]"}, // math \( … with "{}" and a stray "]" kept
		// Triggered.
		{"$C$", "C"},
		{`\textbf{C}`, "C"},
		{"HbA1c is 9% so $\\geq$ 1 agent fails; start metformin", "HbA1c is 9"},
		{"$$C$$", "\n    C\n"},
		{`$\frac{1}{2}$`, "1/2"},
		// Math keeps a bare macro's trailing space but drops chars nodes that
		// are only spaces; text does neither.
		{`$\frac{a}{b} \cdot c$`, "a/b· c"},
		{`$\alpha x$`, "α x"},
		{`\alpha x`, "αx"},
		{"$x$ and 50\\% --- ``ok''~C", "x and 50% — “ok”\u00a0C"},
		// pylatexenc raises: the text is kept.
		{`\href{a}{b}`, `\href{a}{b}`},
		{`\sqrt`, `\sqrt`},
	}
	for _, tt := range tests {
		if got := stripTeX(tt.give); got != tt.want {
			t.Errorf("stripTeX(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}
