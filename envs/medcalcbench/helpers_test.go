package medcalcbench_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/medcalcbench"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
)

// build registers the env over fsys.
func build(tb testing.TB, fsys fs.FS, tools envs.Tools) *envs.Entry {
	tb.Helper()
	reg, err := envs.Build(context.Background(), envs.Settings{Data: fsys, Tools: tools}, nil, medcalcbench.New)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := reg.Lookup(medcalcbench.Name)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

var (
	realOnce  sync.Once
	realEntry *envs.Entry
	realTools *fakeTools
)

// real is the env over ../shared/datasets with fake tools, built once.
func real(tb testing.TB) *envs.Entry {
	tb.Helper()
	dir := shared.Datasets(tb)
	realOnce.Do(func() {
		realTools = newFakeTools()
		realEntry = build(tb, os.DirFS(dir), realTools)
	})
	if realEntry == nil {
		tb.Fatal("env not built")
	}
	return realEntry
}

func parse(tb testing.TB, e *envs.Entry, opts string) envs.Values {
	tb.Helper()
	v, err := e.Options.Parse(opts)
	if err != nil {
		tb.Fatalf("options %s: %v", opts, err)
	}
	return v
}

// fileRow is one CSV row, read independently of the env's loader.
type fileRow map[string]string

// readCSV reads a MedCalc-Bench CSV file of fsys.
func readCSV(tb testing.TB, fsys fs.FS, name string) []fileRow {
	tb.Helper()
	f, err := fsys.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []fileRow
	for _, r := range recs[1:] {
		row := fileRow{}
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		out = append(out, row)
	}
	return out
}

var (
	v10Once sync.Once
	v10Rows []fileRow
)

// v10 is the shipped v1.0 test file by row.
func v10(tb testing.TB) []fileRow {
	tb.Helper()
	dir := shared.Datasets(tb)
	v10Once.Do(func() {
		v10Rows = readCSV(tb, os.DirFS(filepath.Join(dir, "medcalc_bench", "v1.0")), "test_data.csv")
	})
	return v10Rows
}

// byID indexes rows by Row Number.
func byID(rows []fileRow) map[string]fileRow {
	m := map[string]fileRow{}
	for _, r := range rows {
		m[r["Row Number"]] = r
	}
	return m
}

// wrongAnswer is a clearly wrong answer of the right form for a row.
func wrongAnswer(tb testing.TB, r fileRow) string {
	tb.Helper()
	gt := r["Ground Truth Answer"]
	switch r["Calculator ID"] {
	case "13", "68":
		var m, d, y int
		if _, err := fmt.Sscanf(gt, "%d/%d/%d", &m, &d, &y); err != nil {
			tb.Fatal(err)
		}
		return fmt.Sprintf("%02d/%02d/%d", m, d, y+1)
	case "69":
		var w, d int
		if _, err := fmt.Sscanf(gt, "('%d weeks', '%d days')", &w, &d); err != nil {
			tb.Fatal(err)
		}
		return fmt.Sprintf("(%d weeks, %d days)", w+1, d)
	}
	hi, err := strconv.ParseFloat(r["Upper Limit"], 64)
	if err != nil {
		tb.Fatal(err)
	}
	if hi < 0 {
		hi = -hi
	}
	return strconv.FormatFloat(2*hi+2, 'f', 0, 64)
}

func assistant(content string) envs.Message { return envs.Message{Role: "assistant", Content: content} }

func tag(s string) string { return "The value follows.\n<answer>" + s + "</answer>" }

func score(tb testing.TB, e *envs.Entry, req envs.ScoreRequest) rewards.Reward {
	tb.Helper()
	r, err := e.Env.Score(context.Background(), req)
	if err != nil {
		tb.Fatalf("Score: %v", err)
	}
	return r
}

func fieldError(err error) string {
	var fe *envs.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func inputError(err error) string {
	var ie *envs.InputError
	if errors.As(err, &ie) {
		return ie.Field
	}
	return ""
}

// readCSVBytes parses a CSV file, header first.
func readCSVBytes(tb testing.TB, b []byte) [][]string {
	tb.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// writeCSV writes records as a CSV file.
func writeCSV(recs [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.WriteAll(recs)
	return buf.Bytes()
}
