// Package medcalctest reads the MedCalc-Bench correctness vectors
// (../shared/spec/medcalc_correctness_vectors.md) for the verifier's and the
// env's tests.
package medcalctest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/shared"
)

// Vector is one row of the table.
type Vector struct {
	N            int
	CalculatorID int
	OutputType   string
	// GroundTruth, Lower and Upper are the cells without backticks; a "—"
	// limit is the ground truth, as the file says.
	GroundTruth, Lower, Upper string
	// Completion is the decoded JSON string literal: the content of one
	// assistant message.
	Completion string
	// Official and Medmarks are the expected verdicts (default and compat
	// "medmarks").
	Official, Medmarks bool
	// Extracted is the value the "why" column says extraction produces:
	// "" for nothing; Evaluable is false for "a number that cannot be
	// evaluated".
	Extracted string
	Evaluable bool
	Why       string
}

// Count is the number of vectors the file holds.
const Count = 118

var extractsRE = regexp.MustCompile("extracts (?:`([^`]*)`|(nothing)|(a number that cannot be evaluated))")

// Load parses every vector of the file, failing the test when the file is
// missing or a row does not parse.
func Load(tb testing.TB) []Vector {
	tb.Helper()
	path := filepath.Join(shared.Dir(tb), "spec", "medcalc_correctness_vectors.md")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []Vector
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if !strings.HasPrefix(text, "| ") {
			continue
		}
		cells := strings.Split(text, " | ")
		if len(cells) != 10 {
			tb.Fatalf("%s line %d: %d cells, want 10", path, line, len(cells))
		}
		cells[0] = strings.TrimPrefix(cells[0], "| ")
		cells[9] = strings.TrimSuffix(cells[9], " |")
		n, err := strconv.Atoi(cells[0])
		if err != nil {
			continue // the header
		}
		v, err := parse(n, cells)
		if err != nil {
			tb.Fatalf("%s line %d: %v", path, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(out) != Count {
		tb.Fatalf("%s: %d vectors, want %d", path, len(out), Count)
	}
	for i, v := range out {
		if v.N != i+1 {
			tb.Fatalf("vector %d numbered %d", i+1, v.N)
		}
	}
	return out
}

func parse(n int, c []string) (Vector, error) {
	v := Vector{N: n, OutputType: c[2], Why: c[9]}
	var err error
	if v.CalculatorID, err = strconv.Atoi(c[1]); err != nil {
		return v, fmt.Errorf("calculator id %q", c[1])
	}
	v.GroundTruth = unquote(c[3])
	v.Lower, v.Upper = unquote(c[4]), unquote(c[5])
	if c[4] == "—" {
		v.Lower = v.GroundTruth
	}
	if c[5] == "—" {
		v.Upper = v.GroundTruth
	}
	if err := json.Unmarshal([]byte(unquote(c[6])), &v.Completion); err != nil {
		return v, fmt.Errorf("completion %s: %v", c[6], err)
	}
	if v.Official, err = verdict(c[7]); err != nil {
		return v, err
	}
	if v.Medmarks, err = verdict(c[8]); err != nil {
		return v, err
	}
	m := extractsRE.FindStringSubmatch(v.Why)
	if m == nil {
		return v, fmt.Errorf("why %q names no extracted value", v.Why)
	}
	v.Extracted, v.Evaluable = m[1], m[3] == ""
	return v, nil
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return s[1 : len(s)-1]
	}
	return s
}

func verdict(s string) (bool, error) {
	switch s {
	case "correct":
		return true, nil
	case "incorrect":
		return false, nil
	}
	return false, fmt.Errorf("verdict %q", s)
}
