package pubmedqa_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/pubmedqa"
)

// BenchmarkLoadArtificialScale loads a train split the size of PQA-A
// (211,269 rows; ../spec/common.md §2 asks < 15 s and < 1 GiB resident),
// built from the labeled rows under fresh keys, through pubmedqa.New.
//
//	go test -run '^$' -bench LoadArtificialScale -benchtime 1x ./envs/pubmedqa/
func BenchmarkLoadArtificialScale(b *testing.B) {
	const rows = 211_269
	lab := labeled(b)
	entries := make([]json.RawMessage, 0, len(lab))
	for _, e := range lab {
		raw, _ := json.Marshal(e)
		entries = append(entries, raw)
	}
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pubmedqa"), 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "pubmedqa", "ori_pqaa.json"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("{")
	for i := range rows {
		if i > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(w, "%q: %s", strconv.Itoa(40_000_000+i), entries[i%len(entries)])
	}
	w.WriteString("}\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(filepath.Join(dir, "pubmedqa", "ori_pqaa.json"))
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		reg, err := envs.Build(context.Background(), envs.Settings{Data: os.DirFS(dir)}, nil, pubmedqa.New)
		if err != nil {
			b.Fatal(err)
		}
		e, _ := reg.Lookup("pubmedqa")
		if n := e.Env.Info().Splits[0].Rows; n != rows {
			b.Fatalf("%d rows", n)
		}
		b.ReportMetric(time.Since(start).Seconds(), "load_s")
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap_MiB")
		runtime.KeepAlive(reg)
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "file_MiB")
	b.ReportMetric(peakRSS()/(1<<20), "peak_rss_MiB")
}

// peakRSS is the process's high-water resident memory (VmHWM).
func peakRSS() float64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}
