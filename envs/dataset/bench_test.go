package dataset_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unique"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
	"github.com/medarc-ai/medmarks-t/internal/shared"
)

// Benchmarks load real files the way an env will: Read, json.Unmarshal
// into a compact struct, Builder. rows/s is the figure to compare; the
// baseline is BenchmarkBaselineUnmarshal, encoding/json over the same
// lines with no reader (../spec/common.md §11: report a ratio).

type medqaRow struct {
	Question  string            `json:"question"`
	Options   map[string]string `json:"options"`
	AnswerIdx string            `json:"answer_idx"`
	MetaInfo  string            `json:"meta_info"`
}

type medmcqaRow struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	Opa      string `json:"opa"`
	Opb      string `json:"opb"`
	Opc      string `json:"opc"`
	Opd      string `json:"opd"`
	Cop      int    `json:"cop"`
	Subject  string `json:"subject_name"`
}

type pubmedqaRow struct {
	Question      string   `json:"QUESTION"`
	Contexts      []string `json:"CONTEXTS"`
	Labels        []string `json:"LABELS"`
	FinalDecision string   `json:"final_decision"`
}

func loadInto[T any](b *testing.B, fsys fs.FS, path string, f dataset.Format) int {
	b.Helper()
	tb := dataset.NewBuilder[T](0)
	err := dataset.ReadFile(fsys, path, f, func(r dataset.Row) error {
		var v T
		if err := json.Unmarshal(r.Data, &v); err != nil {
			return err
		}
		tb.Add(r.Key, v)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return tb.Table().Len()
}

func benchLoad[T any](b *testing.B, path string, f dataset.Format) {
	fsys := os.DirFS(shared.Datasets(b))
	st, err := fs.Stat(fsys, path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(st.Size())
	rows := 0
	for b.Loop() {
		rows = loadInto[T](b, fsys, path, f)
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkLoadMedQATest(b *testing.B) {
	benchLoad[medqaRow](b, "medqa/phrases_no_exclude_test.jsonl", dataset.Format{})
}

func BenchmarkLoadMedMCQADev(b *testing.B) {
	benchLoad[medmcqaRow](b, "medmcqa/dev.json", dataset.Format{})
}

func BenchmarkLoadPubMedQALabeled(b *testing.B) {
	benchLoad[pubmedqaRow](b, "pubmedqa/ori_pqal.json", dataset.Format{Keyed: true})
}

// BenchmarkBaselineUnmarshal is the floor: the MedMCQA lines split with
// bufio.Scanner and unmarshalled, nothing else.
func BenchmarkBaselineUnmarshal(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(shared.Datasets(b), "medmcqa", "dev.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		rows = 0
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var v medmcqaRow
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadAll reads every file in ../shared/datasets (what start-up
// reads), rows handed over but not decoded.
func BenchmarkReadAll(b *testing.B) {
	fsys := os.DirFS(shared.Datasets(b))
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rows = 0
		for _, f := range realFiles {
			err := dataset.ReadFile(fsys, f.path, f.format, func(dataset.Row) error { rows++; return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkLoadMedQAParquet loads the MedQA test rows from a parquet file
// in the Hugging Face layout (options a struct), written in memory.
func BenchmarkLoadMedQAParquet(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(shared.Datasets(b), "medqa", "phrases_no_exclude_test.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	fsys := fstest.MapFS{"medqa/test.parquet": {Data: parquetBytes(b, lines, 500, nil)}}
	b.ReportAllocs()
	rows := 0
	for b.Loop() {
		rows = loadInto[medqaRow](b, fsys, "medqa/test.parquet", dataset.Format{})
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkPubMedQAArtificialScale writes a file shaped like ori_pqaa.json
// (one object keyed by PubMed id, indented like the original) with the
// 211,269 rows of PubMedQA's artificial split, made by repeating the
// labeled rows, then loads it once per iteration into compact rows with
// interned labels. Reports seconds, rows/s and the process's peak resident
// memory (VmHWM), against ../spec/common.md §2: < 15 s, < 1 GiB.
func BenchmarkPubMedQAArtificialScale(b *testing.B) {
	const total = 211269
	src, err := os.ReadFile(filepath.Join(shared.Datasets(b), "pubmedqa", "ori_pqal.json"))
	if err != nil {
		b.Fatal(err)
	}
	var labeled map[string]json.RawMessage
	if err := json.Unmarshal(src, &labeled); err != nil {
		b.Fatal(err)
	}
	var vals []json.RawMessage
	for _, v := range labeled {
		var ind bytes.Buffer
		if err := json.Indent(&ind, v, "    ", "    "); err != nil {
			b.Fatal(err)
		}
		vals = append(vals, ind.Bytes())
	}
	labeled, src = nil, nil
	dir := b.TempDir()
	path := filepath.Join(dir, "ori_pqaa.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("{\n")
	for i := range total {
		if i > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(w, "    %q: %s", strconv.Itoa(10_000_000+i), vals[i%len(vals)])
	}
	w.WriteString("\n}")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	vals = nil
	st, _ := os.Stat(path)
	runtime.GC()

	type row struct {
		question string
		contexts []string
		labels   []unique.Handle[string]
		gold     uint8
	}
	fsys := os.DirFS(dir)
	b.SetBytes(st.Size())
	var tab *dataset.Table[row]
	for b.Loop() {
		start := time.Now()
		tb := dataset.NewBuilder[row](total)
		err := dataset.ReadFile(fsys, "ori_pqaa.json", dataset.Format{Keyed: true}, func(r dataset.Row) error {
			var v pubmedqaRow
			if err := json.Unmarshal(r.Data, &v); err != nil {
				return err
			}
			x := row{question: v.Question, contexts: v.Contexts, gold: map[string]uint8{"yes": 0, "no": 1, "maybe": 2}[v.FinalDecision]}
			for _, l := range v.Labels {
				x.labels = append(x.labels, unique.Make(l))
			}
			tb.Add(r.Key, x)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		tab = tb.Table()
		b.ReportMetric(time.Since(start).Seconds(), "s/load")
	}
	if tab.Len() != total {
		b.Fatalf("%d rows", tab.Len())
	}
	b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(peakRSSMiB(b), "peakRSS-MiB")
	runtime.KeepAlive(tab)
}

// peakRSSMiB reads the process's peak resident set (VmHWM).
func peakRSSMiB(b *testing.B) float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for l := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	b.Fatal("no VmHWM")
	return 0
}
