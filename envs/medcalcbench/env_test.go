package medcalcbench_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/dataset/datasettest"
	"github.com/medarc-ai/medmarks-t/envs/medcalcbench"
	"github.com/medarc-ai/medmarks-t/internal/shared"
	"github.com/medarc-ai/medmarks-t/rewards"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc"
	"github.com/medarc-ai/medmarks-t/rewards/medcalc/medcalctest"
)

var ctx = context.Background()

// TestLoadShipped: the shipped folder gives variant 1.0 with test 1,047
// (ids "1"…"1047", the row counts of spec §3) and the Verified one_shot
// split (55, one per calculator); the default variant is 1.0 (§11.1).
func TestLoadShipped(t *testing.T) {
	e := real(t)
	want := []envs.SplitInfo{{Name: "1.0/test", Rows: 1047, Default: true}, {Name: "verified/one_shot", Rows: 55}}
	if diff := cmp.Diff(want, e.Env.Info().Splits); diff != "" {
		t.Errorf("splits (-want +got):\n%s", diff)
	}
	opts := parse(t, e, "")
	if v := opts.String(medcalcbench.OptDatasetVariant); v != "1.0" {
		t.Errorf("default variant %q", v)
	}
	perCalc := map[string]int{}
	for i := range int64(1047) {
		_, st, err := e.Env.Reset(ctx, envs.ResetRequest{Index: &i, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		if st.ExampleID != strconv.Itoa(int(i)+1) || st.Split != "1.0/test" {
			t.Fatalf("index %d: example %q split %q", i, st.ExampleID, st.Split)
		}
	}
	for _, r := range v10(t) {
		perCalc[r["Calculator ID"]]++
	}
	if len(perCalc) != 55 || perCalc["2"] != 20 || perCalc["7"] != 19 || perCalc["23"] != 5 || perCalc["31"] != 2 || perCalc["46"] != 16 {
		t.Errorf("per-calculator counts %v", perCalc)
	}
	// One exemplar per calculator: one_shot works on every test row.
	oneShot := parse(t, e, `{"one_shot": true}`)
	for _, id := range []string{"1", "41", "928", "1008", "1029", "1047"} {
		if _, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: id, Options: oneShot}); err != nil {
			t.Errorf("one_shot on %s: %v", id, err)
		}
	}
	ex, _, err := e.Env.Reset(ctx, envs.ResetRequest{Split: "verified/one_shot", ExampleID: "55", Options: opts})
	if err != nil || ex == nil {
		t.Fatalf("verified/one_shot 55: %v", err)
	}
}

// variantFS is a data folder with the given files under medcalc_bench/.
func variantFS(files map[string][]byte) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys["medcalc_bench/"+name] = &fstest.MapFile{Data: b}
	}
	return fsys
}

func sharedFile(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(shared.Datasets(tb), "medcalc_bench", rel))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// csvHead returns the header and the first n data rows of a CSV file.
func csvHead(tb testing.TB, b []byte, n int) []byte {
	tb.Helper()
	rows := readCSVBytes(tb, b)
	return writeCSV(rows[:n+1])
}

// TestDefaultVariantVerified: with a Verified test split the default
// variant is verified; 1.0 stays reachable by option and prefix.
func TestDefaultVariantVerified(t *testing.T) {
	fsys := variantFS(map[string][]byte{
		"v1.0/test_data.csv":         sharedFile(t, "v1.0/test_data.csv"),
		"verified/one_shot_data.csv": sharedFile(t, "verified/one_shot_data.csv"),
		"verified/test_data.csv":     csvHead(t, sharedFile(t, "verified/one_shot_data.csv"), 10),
	})
	e := build(t, fsys, nil)
	var names []string
	for _, s := range e.Env.Info().Splits {
		if s.Default {
			names = append(names, s.Name)
		}
	}
	if !slices.Equal(names, []string{"verified/test"}) {
		t.Fatalf("default splits %v", names)
	}
	_, st, err := e.Env.Reset(ctx, envs.ResetRequest{Options: parse(t, e, "")})
	if err != nil || st.Split != "verified/test" {
		t.Fatalf("default Reset: %+v %v", st, err)
	}
	_, st, err = e.Env.Reset(ctx, envs.ResetRequest{Options: parse(t, e, `{"dataset_variant": "v1.0"}`), ExampleID: "1047"})
	if err != nil || st.Split != "1.0/test" {
		t.Fatalf("dataset_variant v1.0: %+v %v", st, err)
	}
	_, st, err = e.Env.Reset(ctx, envs.ResetRequest{Split: "1.0/test", ExampleID: "1047", Options: parse(t, e, "")})
	if err != nil || st.Split != "1.0/test" {
		t.Fatalf("split 1.0/test: %+v %v", st, err)
	}
}

// TestSplits: prefixes, unloaded variants and splits, contradictions.
func TestSplits(t *testing.T) {
	e := real(t)
	opts := parse(t, e, "")
	tests := []struct {
		give      string
		opts      string
		wantSplit string
		wantErr   error
		wantField string
	}{
		{give: "", wantSplit: "1.0/test"},
		{give: "test", wantSplit: "1.0/test"},
		{give: "1.0/test", wantSplit: "1.0/test"},
		{give: "v1.0/test", wantSplit: "1.0/test"},
		{give: "verified/one_shot", wantSplit: "verified/one_shot"},
		{give: "", opts: `{"dataset_variant": "verified"}`, wantSplit: "verified/one_shot"},
		{give: "one_shot", opts: `{"dataset_variant": "verified"}`, wantSplit: "verified/one_shot"},
		{give: "one_shot", wantErr: envs.ErrUnknownSplit},
		{give: "train", wantErr: envs.ErrUnknownSplit},
		{give: "1.2/test", wantErr: envs.ErrUnknownSplit},
		{give: "2.0/test", wantErr: envs.ErrUnknownSplit},
		{give: "validation", wantErr: envs.ErrUnknownSplit},
		{give: "verified/one_shot", opts: `{"dataset_variant": "1.0"}`, wantField: "split"},
	}
	for _, tt := range tests {
		o := opts
		if tt.opts != "" {
			o = parse(t, e, tt.opts)
		}
		_, st, err := e.Env.Reset(ctx, envs.ResetRequest{Split: tt.give, Options: o, Seed: 1})
		switch {
		case tt.wantErr != nil:
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("split %q %s: %v, want %v", tt.give, tt.opts, err, tt.wantErr)
			}
		case tt.wantField != "":
			if fieldError(err) != tt.wantField {
				t.Errorf("split %q %s: %v, want a FieldError on %s", tt.give, tt.opts, err, tt.wantField)
			}
		case err != nil || st.Split != tt.wantSplit:
			t.Errorf("split %q %s: %q %v, want %q", tt.give, tt.opts, st.Split, err, tt.wantSplit)
		}
	}
	// A split that is not loaded names the files looked for.
	_, _, err := e.Env.Reset(ctx, envs.ResetRequest{Split: "1.2/test", Options: opts})
	if err == nil || !strings.Contains(err.Error(), "medcalc_bench/v1.2/test") {
		t.Errorf("1.2/test: %v", err)
	}
	// dataset_variant "1.2" with no v1.2 files: INVALID_ARGUMENT listing the loaded ones.
	_, err = e.Options.Parse(`{"dataset_variant": "1.2"}`)
	if fieldError(err) != "options.dataset_variant" || !strings.Contains(err.Error(), "loaded variants: verified, 1.0") {
		t.Errorf("dataset_variant 1.2: %v", err)
	}
	_, err = e.Options.Parse(`{"dataset_variant": "2"}`)
	if fieldError(err) != "options.dataset_variant" {
		t.Errorf("dataset_variant 2: %v", err)
	}
	_, err = e.Options.Parse(`{"version": "verified"}`)
	if fieldError(err) != "options.version" || !strings.Contains(err.Error(), "dataset_variant") {
		t.Errorf("upstream name version: %v", err)
	}
}

// TestSkippedRows: an extra row with calculator id 12, one with an empty
// Question and a decimal row without Upper Limit are skipped and counted
// by reason (spec §11.1); a row with inverted limits is served with a
// warning (§2.3).
func TestSkippedRows(t *testing.T) {
	rows := readCSVBytes(t, sharedFile(t, "v1.0/test_data.csv"))
	head := rows[0]
	col := func(name string) int { return slices.Index(head, name) }
	extra := func(id string, edit func([]string)) []string {
		r := slices.Clone(rows[1])
		r[col("Row Number")] = id
		edit(r)
		return r
	}
	rows = append(rows,
		extra("2001", func(r []string) { r[col("Calculator ID")] = "12" }),
		extra("2002", func(r []string) { r[col("Question")] = "  \n" }),
		extra("2003", func(r []string) { r[col("Upper Limit")] = "" }),
		// Served, with a warning: no answer can pass it (as upstream).
		extra("2004", func(r []string) { r[col("Lower Limit")], r[col("Upper Limit")] = "26.4999", "23.9761" }),
	)
	core, logs := observer.New(zap.InfoLevel)
	reg, err := envs.Build(ctx, envs.Settings{Data: variantFS(map[string][]byte{"v1.0/test_data.csv": writeCSV(rows)}), Logger: zap.New(core)},
		nil, medcalcbench.New)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Lookup(medcalcbench.Name)
	if got := e.Env.Info().Splits; len(got) != 1 || got[0].Rows != 1048 {
		t.Fatalf("splits %+v", got)
	}
	if n := logs.FilterMessage("Lower Limit above Upper Limit: no answer can pass this row").Len(); n != 1 {
		t.Errorf("%d inverted-limit warnings", n)
	}
	r := score(t, e, envs.ScoreRequest{Split: "1.0/test", ExampleID: "2004", Completion: envs.TextCompletion(tag("25.238")), Options: parse(t, e, "")})
	if r.Status != rewards.Scored || r.Value != 0 {
		t.Errorf("inverted limits: %+v", r)
	}
	entries := logs.FilterMessage("split loaded").All()
	if len(entries) != 1 {
		t.Fatalf("%d split lines", len(entries))
	}
	f := entries[0].ContextMap()
	if f["skipped"] != int64(3) {
		t.Errorf("skipped %v", f["skipped"])
	}
	reasons := fmt.Sprint(f["skip_reasons"])
	for _, want := range []string{"Calculator ID not one of the 55 official ids: 1", "empty Question: 1", "Upper Limit missing or not a number: 1"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("skip reasons %s lack %q", reasons, want)
		}
	}
	if got := fmt.Sprint(f["first_skipped"]); got != "[2001 2002 2003]" {
		t.Errorf("first skipped %s", got)
	}
}

// hfRow is a row of the Hugging Face parquet export: Row Number and
// Calculator ID are int64, the rest strings.
type hfRow struct {
	RowNumber    int64  `json:"Row Number" parquet:"Row Number"`
	CalculatorID int64  `json:"Calculator ID" parquet:"Calculator ID"`
	Name         string `json:"Calculator Name" parquet:"Calculator Name"`
	Category     string `json:"Category" parquet:"Category"`
	OutputType   string `json:"Output Type" parquet:"Output Type"`
	NoteID       string `json:"Note ID" parquet:"Note ID"`
	NoteType     string `json:"Note Type" parquet:"Note Type"`
	Note         string `json:"Patient Note" parquet:"Patient Note"`
	Question     string `json:"Question" parquet:"Question"`
	Entities     string `json:"Relevant Entities" parquet:"Relevant Entities"`
	Answer       string `json:"Ground Truth Answer" parquet:"Ground Truth Answer"`
	Lower        string `json:"Lower Limit" parquet:"Lower Limit"`
	Upper        string `json:"Upper Limit" parquet:"Upper Limit"`
	Explanation  string `json:"Ground Truth Explanation" parquet:"Ground Truth Explanation"`
}

// exportRows turns CSV rows into JSON objects of the HF export (numbers for
// the two integer columns).
func exportRows(tb testing.TB, rows []fileRow) []string {
	tb.Helper()
	var out []string
	for _, r := range rows {
		rn, _ := strconv.ParseInt(r["Row Number"], 10, 64)
		id, _ := strconv.ParseInt(r["Calculator ID"], 10, 64)
		h := hfRow{RowNumber: rn, CalculatorID: id, Name: r["Calculator Name"], Category: r["Category"], OutputType: r["Output Type"],
			NoteID: r["Note ID"], NoteType: r["Note Type"], Note: r["Patient Note"], Question: r["Question"], Entities: r["Relevant Entities"],
			Answer: r["Ground Truth Answer"], Lower: r["Lower Limit"], Upper: r["Upper Limit"], Explanation: r["Ground Truth Explanation"]}
		b, err := json.Marshal(h)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// TestExports: parquet and JSON Lines exports of the v1.0 test rows give
// the same examples and gold as the CSV (spec §11.1); a top-level CSV wins
// over a data/ parquet of the same split.
func TestExports(t *testing.T) {
	rows := v10(t)
	js := exportRows(t, rows)
	pq := datasettest.Parquet[hfRow](t, js, nil)
	csvEnv := real(t)
	for _, tt := range []struct {
		name  string
		files map[string][]byte
	}{
		{"parquet", map[string][]byte{"v1.0/data/test-00000-of-00001.parquet": pq}},
		{"jsonl", map[string][]byte{"v1.0/test.jsonl": []byte(strings.Join(js, "\n") + "\n")}},
		{"csv beats parquet", map[string][]byte{"v1.0/data/test-00000-of-00001.parquet": pq[:len(pq)/2], // broken: must not be read
			"v1.0/test_data.csv": sharedFile(t, "v1.0/test_data.csv")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.files["verified/one_shot_data.csv"] = sharedFile(t, "verified/one_shot_data.csv")
			e := build(t, variantFS(tt.files), nil)
			if diff := cmp.Diff(csvEnv.Env.Info().Splits, e.Env.Info().Splits); diff != "" {
				t.Fatalf("splits (-csv +export):\n%s", diff)
			}
			opts := parse(t, e, `{"one_shot": true}`)
			csvOpts := parse(t, csvEnv, `{"one_shot": true}`)
			for _, r := range rows {
				id := r["Row Number"]
				_, a, err := csvEnv.Env.Reset(ctx, envs.ResetRequest{ExampleID: id, Options: csvOpts})
				if err != nil {
					t.Fatal(err)
				}
				_, b, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: id, Options: opts})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(a, b); diff != "" {
					t.Fatalf("row %s (-csv +export):\n%s", id, diff)
				}
				req := envs.ScoreRequest{Split: "1.0/test", ExampleID: id, Completion: envs.TextCompletion(tag(r["Ground Truth Answer"])), Options: opts}
				if got := score(t, e, req); got.Value != 1 {
					t.Fatalf("row %s: gold scores %v (%s)", id, got.Value, got.Detail)
				}
				if tt.name == "parquet" {
					break // one row scored is enough for the other containers
				}
			}
		})
	}
}

// TestObservation checks the prompts of spec §4 (acceptance §11.2).
func TestObservation(t *testing.T) {
	e := real(t)
	row := byID(v10(t))["1"]
	shot := readCSV(t, os.DirFS(filepath.Join(shared.Datasets(t), "medcalc_bench", "verified")), "one_shot_data.csv")[0]
	if shot["Calculator ID"] != "2" {
		t.Fatalf("first exemplar is calculator %s", shot["Calculator ID"])
	}
	reset := func(opts string) envs.Start {
		t.Helper()
		_, st, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, opts)})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := reset("")
	if len(st.Observation) != 2 || st.Observation[0].Role != "system" || st.Observation[1].Role != "user" {
		t.Fatalf("observation %+v", st.Observation)
	}
	sys, user := st.Observation[0].Content, st.Observation[1].Content
	if !strings.Contains(sys, "<answer>") || strings.Contains(sys, "<think>") {
		t.Errorf("system message %q", sys)
	}
	inOrder(t, user, "step by step", "<answer>", "17.29", "5", "5/21/2021", "(4 weeks, 3 days)",
		"Patient Note:\n\n"+row["Patient Note"]+"\n\nQuestion:\n\n"+row["Question"])
	if !strings.HasSuffix(user, row["Question"]) || strings.Contains(user, "Example") || len(st.Tools) != 0 || st.MaxTurns != 1 {
		t.Errorf("zero-shot user message or start: %q %+v", user, st.Tools)
	}

	resp := shot["Ground Truth Explanation"] + "\n<answer>67.00495</answer>"
	user = reset(`{"one_shot": true}`).Observation[1].Content
	inOrder(t, user, "(4 weeks, 3 days)", "Example Patient Note:\n\n"+shot["Patient Note"], "Example Question:\n\n"+shot["Question"],
		"Example Response:\n\n"+resp, "Patient Note:\n\n"+row["Patient Note"], "Question:\n\n"+row["Question"])

	st = reset(`{"one_shot": true, "use_think": true}`)
	if !strings.Contains(st.Observation[0].Content, "<think>") {
		t.Errorf("think system message %q", st.Observation[0].Content)
	}
	if want := "<think>" + shot["Ground Truth Explanation"] + "</think>\n\n<answer>67.00495</answer>"; !strings.Contains(st.Observation[1].Content, want) {
		t.Errorf("think one-shot response missing %q", want)
	}
	// Weeks-days exemplar: the tuple literal verbatim.
	_, st, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1029", Options: parse(t, e, `{"one_shot": true}`)})
	if err != nil || !strings.Contains(st.Observation[1].Content, "<answer>('34 weeks', '3 days')</answer>") {
		t.Errorf("calculator 69 exemplar: %v", err)
	}

	st = reset(`{"system_prompt": "Be brief."}`)
	if st.Observation[0].Content != "Be brief." {
		t.Errorf("system_prompt: %q", st.Observation[0].Content)
	}

	for _, tt := range []struct{ split, opts, field, text string }{
		{"verified/one_shot", `{"one_shot": true}`, "options.one_shot", "one_shot split"},
		{"", `{"answer_format": "boxed"}`, "options.answer_format", `answer_format "boxed" is not supported by medcalc_bench (the upstream environment fails to load with it); use "xml"`},
		{"", `{"answer_format": "json"}`, "options.answer_format", `want "xml"`},
		{"", `{"max_turns": 0}`, "options.max_turns", "[1, 100]"},
		{"", `{"max_turns": 101}`, "options.max_turns", "[1, 100]"},
		{"", `{"tools": ["python"]}`, "options.tools", "use_tools"},
		{"", `{"use_tools": true, "tools": []}`, "options.tools", "at least one"},
		{"", `{"use_tools": true, "tools": ["calculator", "calculator"]}`, "options.tools", "twice"},
		{"", `{"use_tools": true, "tools": ["code_interpreter"]}`, "options.tools", "unknown tool"},
		{"", `{"use_tools": true, "tools": "python"}`, "options.tools", "list of strings"},
		{"", `{"compat": "upstream"}`, "options.compat", "medmarks"},
		{"", `{"add_python_tool": true}`, "options.add_python_tool", "renamed"},
	} {
		opts, err := e.Options.Parse(tt.opts)
		if err == nil {
			_, _, err = e.Env.Reset(ctx, envs.ResetRequest{Split: tt.split, ExampleID: "1", Options: opts})
		}
		if fieldError(err) != tt.field || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s %s: %v, want a FieldError on %s saying %q", tt.split, tt.opts, err, tt.field, tt.text)
		}
	}
	// one_shot without the Verified exemplars.
	noShot := build(t, variantFS(map[string][]byte{"v1.0/test_data.csv": sharedFile(t, "v1.0/test_data.csv")}), nil)
	_, _, err = noShot.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, noShot, `{"one_shot": true}`)})
	if fieldError(err) != "options.one_shot" || !strings.Contains(err.Error(), "one_shot_data.csv") {
		t.Errorf("one_shot without exemplars: %v", err)
	}
}

// inOrder checks that parts occur in s in this order.
func inOrder(t *testing.T, s string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(s[at:], p)
		if i < 0 {
			t.Errorf("%q not found (in order) in:\n%s", medcalc.Shorten(p, 120), medcalc.Shorten(s, 2000))
			return
		}
		at += i + len(p)
	}
}

// TestToolObservation: tool schemas, hints and limits in tool mode.
func TestToolObservation(t *testing.T) {
	e := real(t)
	for _, tt := range []struct {
		opts      string
		wantTools []string
		hint      string
		maxTurns  int
	}{
		{`{"use_tools": true}`, []string{"calculator", "python"}, "Use the calculator and python tools", 20},
		{`{"use_tools": true, "tools": ["python"], "max_turns": 5}`, []string{"python"}, "Use the python tool", 5},
		{`{"use_tools": true, "tools": ["calculator"]}`, []string{"calculator"}, "Use the calculator tool", 20},
		{`{"use_tools": true, "tools": ["python", "calculator"]}`, []string{"python", "calculator"}, "Use the calculator and python tools", 20},
	} {
		_, st, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, tt.opts), EpisodeID: "ep"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range st.Tools {
			names = append(names, s.Name)
			if len(s.Parameters) == 0 || s.Description == "" {
				t.Errorf("tool %s without schema", s.Name)
			}
		}
		if !slices.Equal(names, tt.wantTools) || st.MaxTurns != tt.maxTurns {
			t.Errorf("%s: tools %v max_turns %d", tt.opts, names, st.MaxTurns)
		}
		user := st.Observation[1].Content
		inOrder(t, user, "compute the medical value", tt.hint, "do not ask the user", "<answer>", "Patient Note:")
		if !strings.Contains(st.Observation[0].Content, "tools") {
			t.Errorf("system message without the tool sentence: %q", st.Observation[0].Content)
		}
	}
	// No tools on the server: tool mode is a failed precondition.
	noTools := build(t, variantFS(map[string][]byte{"v1.0/test_data.csv": sharedFile(t, "v1.0/test_data.csv")}), nil)
	_, _, err := noTools.Env.Reset(ctx, envs.ResetRequest{Options: parse(t, noTools, `{"use_tools": true}`)})
	if !errors.Is(err, envs.ErrPrecondition) || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("use_tools without tools: %v", err)
	}
	if got := noTools.Env.Info().Tools; len(got) != 0 {
		t.Errorf("Info().Tools without tools: %v", got)
	}
	// Python disabled: calculator is the only default tool; asking for
	// python is a failed precondition.
	calcOnly := newFakeTools()
	calcOnly.noPython = true
	ce := build(t, variantFS(map[string][]byte{"v1.0/test_data.csv": sharedFile(t, "v1.0/test_data.csv")}), calcOnly)
	if got := ce.Env.Info().Tools; !slices.Equal(got, []string{"calculator"}) {
		t.Errorf("Info().Tools %v", got)
	}
	_, st, err := ce.Env.Reset(ctx, envs.ResetRequest{Options: parse(t, ce, `{"use_tools": true}`)})
	if err != nil || len(st.Tools) != 1 || st.Tools[0].Name != "calculator" {
		t.Errorf("default tools without python: %+v %v", st.Tools, err)
	}
	_, _, err = ce.Env.Reset(ctx, envs.ResetRequest{Options: parse(t, ce, `{"use_tools": true, "tools": ["calculator", "python"]}`)})
	if !errors.Is(err, envs.ErrPrecondition) || !strings.Contains(err.Error(), "python") {
		t.Errorf("python requested where disabled: %v", err)
	}
}

// TestWholeFileScore: through Score by reference, each row's ground truth
// in the tag scores 1 in both modes, without the tag 0, and a clearly
// wrong answer 0 (spec §6.2, §11.4).
func TestWholeFileScore(t *testing.T) {
	e := real(t)
	for _, o := range []string{"", `{"compat": "medmarks"}`} {
		opts := parse(t, e, o)
		for _, r := range v10(t) {
			gt := r["Ground Truth Answer"]
			for _, tt := range []struct {
				give string
				want float64
			}{{tag(gt), 1}, {gt, 0}, {tag(wrongAnswer(t, r)), 0}} {
				got := score(t, e, envs.ScoreRequest{Split: "1.0/test", ExampleID: r["Row Number"], Completion: envs.TextCompletion(tt.give), Options: opts})
				if got.Status != rewards.Scored || got.Value != tt.want {
					t.Fatalf("%s row %s %q: %v %v (%s), want %v", o, r["Row Number"], tt.give, got.Status, got.Value, got.Detail, tt.want)
				}
			}
		}
	}
}

// TestVectorsScore runs the 118 correctness vectors through Score with an
// inline example, in both modes (spec §11.3).
func TestVectorsScore(t *testing.T) {
	e := real(t)
	official, compat := parse(t, e, ""), parse(t, e, `{"compat": "medmarks"}`)
	for _, v := range medcalctest.Load(t) {
		ex, _ := json.Marshal(map[string]any{"Calculator ID": v.CalculatorID, "Ground Truth Answer": v.GroundTruth,
			"Lower Limit": v.Lower, "Upper Limit": v.Upper})
		for _, tt := range []struct {
			opts envs.Values
			want bool
		}{{official, v.Official}, {compat, v.Medmarks}} {
			got := score(t, e, envs.ScoreRequest{Inline: ex, Completion: envs.Completion{Messages: []envs.Message{assistant(v.Completion)}}, Options: tt.opts})
			want := 0.0
			if tt.want {
				want = 1
			}
			if got.Status != rewards.Scored || got.Value != want {
				t.Errorf("vector %d (%s): %v %v, want %v: %s", v.N, tt.opts.String("compat"), got.Status, got.Value, want, got.Detail)
			}
		}
	}
}

// TestMessageRules: which message is read (spec §5.1, §11.5).
func TestMessageRules(t *testing.T) {
	e := real(t)
	official, compat := parse(t, e, ""), parse(t, e, `{"compat": "medmarks"}`)
	date := func(msgs ...envs.Message) envs.ScoreRequest {
		return envs.ScoreRequest{Split: "1.0/test", ExampleID: "928", Completion: envs.Completion{Messages: msgs}} // 09/23/2014
	}
	tests := []struct {
		name               string
		give               envs.ScoreRequest
		official, medmarks float64
	}{
		{"earlier tagged message", date(assistant("<answer>09/23/2014</answer>"), envs.Message{Role: "tool", Content: "ok"}, assistant("Done.")), 1, 0},
		{"answer only in reasoning", date(envs.Message{Role: "assistant", Content: "The due date.", ReasoningContent: "<answer>09/23/2014</answer>"}), 0, 0},
		{"newlines inside the tag", date(assistant("<answer>\n09/23/2014\n</answer>")), 1, 1},
		{"later tag wins", date(assistant("<answer>09/23/2014</answer>"), assistant("<answer>10/01/2014</answer>")), 0, 0},
		{"a tool message is never read by default", date(assistant("Let me check."), envs.Message{Role: "tool", Content: "<answer>09/23/2014</answer>"}), 0, 1},
		{"content parts", date(envs.Message{Role: "assistant", Parts: []envs.ContentPart{{Type: "text", Text: "<answer>"}, {Type: "text", Text: "09/23/2014</answer>"}}}), 1, 1},
		{"no messages", date(), 0, 0},
	}
	for _, tt := range tests {
		for _, m := range []struct {
			opts envs.Values
			want float64
		}{{official, tt.official}, {compat, tt.medmarks}} {
			req := tt.give
			req.Options = m.opts
			got := score(t, e, req)
			if got.Status != rewards.Scored || got.Value != m.want {
				t.Errorf("%s (%q): %v, want %v: %s", tt.name, m.opts.String("compat"), got.Value, m.want, got.Detail)
			}
		}
	}
}

// TestInline: inline examples, well-formed and not (spec §2.2).
func TestInline(t *testing.T) {
	e := real(t)
	opts := parse(t, e, "")
	ok := []struct {
		give, answer string
	}{
		{`{"Calculator ID": "2", "Ground Truth Answer": "25.238", "Lower Limit": "23.9761", "Upper Limit": "26.4999"}`, "25.24"},
		{`{"Calculator ID": 2, "Ground Truth Answer": 25.238, "Lower Limit": 23.9761, "Upper Limit": 26.4999}`, "25.24"},
		{`{"Calculator ID": 4, "Ground Truth Answer": 4, "Lower Limit": 4, "Upper Limit": 4}`, "4"},
		{`{"Calculator ID": "4", "Ground Truth Answer": "4"}`, "4.4"},
		{`{"Calculator ID": "13", "Ground Truth Answer": "09/23/2014", "Patient Note": "n", "Question": "q"}`, "9/23/2014"},
		{`{"Calculator ID": "69", "Ground Truth Answer": "('14 weeks', '1 days')"}`, "(14 weeks, 1 day)"},
		{`{"Calculator ID": "8", "Ground Truth Answer": "1.5", "Lower Limit": "1.425", "Upper Limit": "1.575e0"}`, "1.5"},
	}
	for _, tt := range ok {
		got := score(t, e, envs.ScoreRequest{Inline: []byte(tt.give), Completion: envs.TextCompletion(tag(tt.answer)), Options: opts})
		if got.Status != rewards.Scored || got.Value != 1 {
			t.Errorf("%s: %v %v (%s)", tt.give, got.Status, got.Value, got.Detail)
		}
	}
	bad := []struct{ give, field string }{
		{`{}`, "example.Calculator ID"},
		{`[1]`, "example"},
		{`{"Calculator ID": "12", "Ground Truth Answer": "4"}`, "example.Calculator ID"},
		{`{"Calculator ID": "two", "Ground Truth Answer": "4"}`, "example.Calculator ID"},
		{`{"Calculator ID": true, "Ground Truth Answer": "4"}`, "example.Calculator ID"},
		{`{"Calculator ID": "4"}`, "example.Ground Truth Answer"},
		{`{"Calculator ID": "4", "Ground Truth Answer": "four"}`, "example.Ground Truth Answer"},
		{`{"Calculator ID": "2", "Ground Truth Answer": "25.238", "Lower Limit": "23.9761"}`, "example.Upper Limit"},
		{`{"Calculator ID": "2", "Ground Truth Answer": "25.238", "Upper Limit": "23.9761"}`, "example.Lower Limit"},
		{`{"Calculator ID": "2", "Ground Truth Answer": "25.238", "Lower Limit": "x", "Upper Limit": "1"}`, "example.Lower Limit"},
		{`{"Calculator ID": "13", "Ground Truth Answer": "02/30/2014"}`, "example.Ground Truth Answer"},
		{`{"Calculator ID": "13", "Ground Truth Answer": 2014}`, "example.Ground Truth Answer"},
		{`{"Calculator ID": "69", "Ground Truth Answer": "6 days"}`, "example.Ground Truth Answer"},
		{`{"Calculator ID": "4", "Ground Truth Answer": "4", "Question": {"a": 1}}`, "example.Question"},
	}
	for _, tt := range bad {
		_, err := e.Env.Score(ctx, envs.ScoreRequest{Inline: []byte(tt.give), Completion: envs.TextCompletion("<answer>4</answer>"), Options: opts})
		if inputError(err) != tt.field {
			t.Errorf("%s: %v, want an InputError on %s", tt.give, err, tt.field)
		}
	}
}

// TestDetail: detail names the calculator, its type, the message, the
// answer, the rule and value, the comparison and the verdict (spec §7).
func TestDetail(t *testing.T) {
	e := real(t)
	tests := []struct {
		id, opts, completion string
		want                 []string
	}{
		{"1", "", "<answer>25.24 mL/min</answer>", []string{"calculator 2 Creatinine Clearance (Cockcroft-Gault Equation) (decimal)", "assistant message 1 of 1",
			`answer "25.24 mL/min"`, "last number 25.24", "23.9761 ≤ 25.24 ≤ 26.4999", "→ correct"}},
		{"41", "", "<answer>4.4</answer>", []string{"(integer)", "last number 4.4", "rounded (half to even) 4 = ground truth 4", "→ correct"}},
		{"41", `{"compat": "medmarks"}`, "<answer>4.4</answer>", []string{"compared unrounded 4.4 ≠ ground truth 4", "→ incorrect (compat medmarks)", "final message (assistant)"}},
		{"928", "", "<answer>Due date: 09/23/2014</answer>", []string{"(date)", "no M/D/YYYY date at the start", "→ incorrect"}},
		{"928", "", "The due date is 09/23/2014.", []string{"no <answer>…</answer> in any assistant message → incorrect"}},
		{"1029", "", "<answer>(14 weeks, 1 day)</answer>", []string{"(weeks-days)", "pair (14, 1) = ground truth (14, 1)", "→ correct"}},
	}
	for _, tt := range tests {
		got := score(t, e, envs.ScoreRequest{Split: "1.0/test", ExampleID: tt.id, Completion: envs.TextCompletion(tt.completion), Options: parse(t, e, tt.opts)})
		for _, w := range tt.want {
			if !strings.Contains(got.Detail, w) {
				t.Errorf("row %s %q: detail %q lacks %q", tt.id, tt.completion, got.Detail, w)
			}
		}
	}
}

// TestTemplate: a registered prompt template sees the variables of spec
// §4.2, one-shot and tool ones included.
func TestTemplate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.yaml")
	tmpl := "system: \"S {{.calculator_id}}\"\nuser: |-\n  {{.calculator_name}}|{{.question}}|{{.example_question}}|{{.tool_description}}|{{len .patient_note}}|{{len .example_response}}|{{len .example_note}}\n"
	if err := os.WriteFile(path, []byte(tmpl), 0o600); err != nil {
		t.Fatal(err)
	}
	reg, err := envs.Build(ctx, envs.Settings{Data: os.DirFS(shared.Datasets(t)), Tools: newFakeTools()},
		map[string]envs.Config{medcalcbench.Name: {Templates: map[string]string{"t": path}}}, medcalcbench.New)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := reg.Lookup(medcalcbench.Name)
	row := byID(v10(t))["1"]
	_, st, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, `{"prompt_template": "t"}`)})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s|%s|||%d|0|0", row["Calculator Name"], row["Question"], len(row["Patient Note"]))
	if st.Observation[0].Content != "S 2" || st.Observation[1].Content != want {
		t.Errorf("zero-shot template: %q / %q, want %q", st.Observation[0].Content, st.Observation[1].Content, want)
	}
	_, st, err = e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "1", Options: parse(t, e, `{"prompt_template": "t", "one_shot": true, "use_tools": true, "tools": ["python"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(st.Observation[1].Content, "|")
	if len(parts) != 7 || parts[2] == "" || !strings.HasPrefix(parts[3], "Use the python tool") || parts[5] == "0" || parts[6] == "0" {
		t.Errorf("one-shot tool template: %q", st.Observation[1].Content)
	}
}

// TestNumExamples: num_examples serves the first N rows only.
func TestNumExamples(t *testing.T) {
	e := real(t)
	opts := parse(t, e, `{"num_examples": 10}`)
	for seed := range uint64(50) {
		_, st, err := e.Env.Reset(ctx, envs.ResetRequest{Seed: seed, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := strconv.Atoi(st.ExampleID); n < 1 || n > 10 {
			t.Fatalf("seed %d drew row %s", seed, st.ExampleID)
		}
	}
	if _, _, err := e.Env.Reset(ctx, envs.ResetRequest{ExampleID: "11", Options: opts}); !errors.Is(err, envs.ErrUnknownExample) {
		t.Errorf("row 11 with num_examples 10: %v", err)
	}
	_, err := e.Env.Score(ctx, envs.ScoreRequest{Split: "1.0/test", ExampleID: "11", Completion: envs.TextCompletion("x"), Options: opts})
	if !errors.Is(err, envs.ErrUnknownExample) {
		t.Errorf("Score of row 11 with num_examples 10: %v", err)
	}
}

// TestNoData: an env without its folder is listed with no splits and the
// reason; requests get NOT_FOUND.
func TestNoData(t *testing.T) {
	for _, fsys := range []fs.FS{fstest.MapFS{}, nil} {
		e := build(t, fsys, nil)
		info := e.Env.Info()
		if len(info.Splits) != 0 || !strings.Contains(info.UnavailableReason, "medcalc_bench/") {
			t.Errorf("info %+v", info)
		}
		_, _, err := e.Env.Reset(ctx, envs.ResetRequest{Options: parse(t, e, "")})
		if !errors.Is(err, envs.ErrUnknownSplit) {
			t.Errorf("Reset without data: %v", err)
		}
	}
}

// TestVariantFiles: the file names of the other releases and of the Hugging
// Face repositories (spec §2.1).
func TestVariantFiles(t *testing.T) {
	shots := readCSV(t, os.DirFS(filepath.Join(shared.Datasets(t), "medcalc_bench", "verified")), "one_shot_data.csv")
	shotPQ := datasettest.Parquet[hfRow](t, exportRows(t, shots), nil)
	testCSV := csvHead(t, sharedFile(t, "v1.0/test_data.csv"), 30)
	fsys := variantFS(map[string][]byte{
		"v1.2/test_data_11_18_final.csv":                testCSV,
		"v1.2/train_data_11_18_final.csv":               csvHead(t, sharedFile(t, "v1.0/test_data.csv"), 5),
		"v1.2/README.md":                                []byte("# card"),
		"verified/data/one_shot-00000-of-00001.parquet": shotPQ,
		"verified/data/test-00000-of-00001.parquet":     datasettest.Parquet[hfRow](t, exportRows(t, v10(t)[:12]), nil),
		"v1.0/one_shot_finalized_explanation.json":      sharedFile(t, "v1.0/one_shot_finalized_explanation.json"),
		"v1.0/test_data.csv":                            testCSV,
		"verified/train_data.csv.zip":                   []byte("PK"),
	})
	e := build(t, fsys, nil)
	want := []envs.SplitInfo{{Name: "verified/test", Rows: 12, Default: true}, {Name: "verified/one_shot", Rows: 55},
		{Name: "1.2/test", Rows: 30}, {Name: "1.2/train", Rows: 5}, {Name: "1.0/test", Rows: 30}}
	if diff := cmp.Diff(want, e.Env.Info().Splits); diff != "" {
		t.Errorf("splits (-want +got):\n%s", diff)
	}
	opts := parse(t, e, `{"one_shot": true}`)
	for _, split := range []string{"verified/test", "1.2/test", "1.0/test", "1.2/train"} {
		if _, _, err := e.Env.Reset(ctx, envs.ResetRequest{Split: split, ExampleID: "1", Options: opts}); err != nil {
			t.Errorf("%s: %v", split, err)
		}
	}
	if _, _, err := e.Env.Reset(ctx, envs.ResetRequest{Split: "1.0/one_shot", Options: opts}); !errors.Is(err, envs.ErrUnknownSplit) {
		t.Errorf("1.0/one_shot (the ignored JSON file): %v", err)
	}
}

// TestOptionsRoundTrip: the effective options an episode stores parse
// again after a restart (the episode manager's path), in every mode.
func TestOptionsRoundTrip(t *testing.T) {
	e := real(t)
	for _, o := range []string{"", `{"use_tools": true, "tools": ["python"], "max_turns": 7}`, `{"one_shot": true, "compat": "medmarks"}`} {
		v := parse(t, e, o)
		again, err := e.Options.Parse(v.JSON())
		if err != nil {
			t.Fatalf("%s: %v", v.JSON(), err)
		}
		if again.JSON() != v.JSON() {
			t.Errorf("%s became %s", v.JSON(), again.JSON())
		}
		if !slices.Equal(again.Strings(medcalcbench.OptTools), v.Strings(medcalcbench.OptTools)) {
			t.Errorf("tools %v", again.Strings(medcalcbench.OptTools))
		}
	}
}
