package bwrap_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

func percentile(d []time.Duration, p float64) float64 {
	slices.Sort(d)
	return float64(d[int(float64(len(d)-1)*p)].Microseconds()) / 1000
}

// BenchmarkTrivialCell: one warm session, `x = 1` per op.
func BenchmarkTrivialCell(b *testing.B) {
	be := newBackend(b, false)
	s, err := be.NewSession(context.Background(), sandbox.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if r, err := s.Exec(context.Background(), "x = 1"); err != nil || r.Status != sandbox.OK {
			b.Fatal(r, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(percentile(lat, 0.5), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
}

func newToolbox(b *testing.B, spares, maxSessions int) *sandbox.Toolbox {
	cfg := sandbox.DefaultConfig()
	cfg.WarmSpares = spares
	cfg.MaxSessions = maxSessions
	tb, err := sandbox.NewToolbox(cfg, newBackend(b, false), zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := tb.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tb.Shutdown(ctx) })
	if err := tb.Ready(ctx); err != nil {
		b.Fatal(err)
	}
	return tb
}

// BenchmarkFirstCell: a new ToolService session's first cell with the pool
// warm (the wait for the spare to be refilled is not timed).
func BenchmarkFirstCell(b *testing.B) {
	tb := newToolbox(b, 2, 64)
	ctx := context.Background()
	var lat []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		for tb.Stats().Spares < 2 {
			time.Sleep(5 * time.Millisecond) // benchmark only: wait for the refill
		}
		id := fmt.Sprint("first-", i)
		i++
		b.StartTimer()
		t0 := time.Now()
		r, err := tb.Execute(ctx, sandbox.Python, "print(np.sqrt(2))", id)
		lat = append(lat, time.Since(t0))
		if err != nil || r.Status != sandbox.OK {
			b.Fatal(r, err)
		}
		b.StopTimer()
		tb.CloseSession(ctx, id)
		b.StartTimer()
	}
	b.ReportMetric(percentile(lat, 0.5), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
}

// BenchmarkSustained8: 8 sessions, one goroutine each, trivial cells.
func BenchmarkSustained8(b *testing.B) {
	tb := newToolbox(b, 0, 64)
	ctx := context.Background()
	for w := range 8 {
		if _, err := tb.Execute(ctx, sandbox.Python, "n = 0", fmt.Sprint("w", w)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	per := max(b.N/8, 1)
	for w := range 8 {
		wg.Go(func() {
			for range per {
				if r, err := tb.Execute(ctx, sandbox.Python, "n += 1", fmt.Sprint("w", w)); err != nil || r.Status != sandbox.OK {
					b.Error(r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(per*8)/time.Since(start).Seconds(), "exec/s")
}

// BenchmarkIdleRSS: resident memory per idle session (numpy and scipy
// loaded, one cell run), summed over the session's processes (bwrap's two
// and the interpreter); PSS shares the read-only library pages fairly.
func BenchmarkIdleRSS(b *testing.B) {
	be := newBackend(b, false)
	const n = 8
	for b.Loop() {
		var ss []sandbox.Session
		for range n {
			s, err := be.NewSession(context.Background(), sandbox.DefaultLimits())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Exec(context.Background(), "x = np.arange(10).sum()"); err != nil {
				b.Fatal(err)
			}
			ss = append(ss, s)
		}
		rss, pss := sandboxMemory()
		b.ReportMetric(rss/n/(1<<20), "RSS-MiB/session")
		b.ReportMetric(pss/n/(1<<20), "PSS-MiB/session")
		for _, s := range ss {
			s.Close()
		}
	}
}

// sandboxMemory sums VmRSS and Pss (kB) of processes running under the
// sandbox uids (1,900,000,000 and up).
func sandboxMemory() (rss, pss float64) {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		f, err := os.Open(filepath.Join(d, "status"))
		if err != nil {
			continue
		}
		mine := false
		var r float64
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) >= 2 && fs[0] == "Uid:" {
				u, _ := strconv.Atoi(fs[1])
				mine = u >= 1_900_000_000
			}
			if len(fs) >= 2 && fs[0] == "VmRSS:" {
				r, _ = strconv.ParseFloat(fs[1], 64)
			}
		}
		f.Close()
		if !mine {
			continue
		}
		rss += r * 1024
		if b, err := os.ReadFile(filepath.Join(d, "smaps_rollup")); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if fs := strings.Fields(line); len(fs) >= 2 && fs[0] == "Pss:" {
					p, _ := strconv.ParseFloat(fs[1], 64)
					pss += p * 1024
				}
			}
		}
	}
	return rss, pss
}
