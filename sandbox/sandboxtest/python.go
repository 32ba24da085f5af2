package sandboxtest

import (
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/sandbox"
)

// RunPython checks the python tool behaviour of envs/medcalc_bench.md §8.3
// on a real Python backend.
func RunPython(t *testing.T, b sandbox.Backend) {
	lim := TestLimits()
	t.Run("spec_session_table", func(t *testing.T) {
		// The example session of §8.3, in order, with 2 s cells.
		s := newSession(t, b, lim)
		tests := []struct {
			give   string
			want   string
			status sandbox.Status
		}{
			{"x = 5", "", sandbox.OK},
			{"print(x * 2)", "10\n", sandbox.OK},
			{"x", "", sandbox.OK},
			{"print(round(70 / 1.75 ** 2, 1))", "22.9\n", sandbox.OK},
			{"print(np.mean([1, 2, 3]))", "2.0\n", sandbox.OK},
			{"print(1)\n1/0", "1\nError: ZeroDivisionError: division by zero (line 2)\n", sandbox.Error},
			{"import pandas", "Error: ImportError: module 'pandas' is not available; only math, numpy and scipy can be imported (line 1)\n", sandbox.Rejected},
			{"print(y)", "Error: NameError: name 'y' is not defined (line 1)\n" + hint, sandbox.Error},
			{"while True: pass", "Error: the code ran longer than 2 s and was stopped; the interpreter was restarted and earlier variables are gone.\n", sandbox.Timeout},
		}
		for _, tt := range tests {
			r := run(t, s, tt.give)
			if r.Output != tt.want || r.Status != tt.status {
				t.Fatalf("%q: got %v %q, want %v %q", tt.give, r.Status, r.Output, tt.status, tt.want)
			}
		}
		// The next call runs in a fresh interpreter (the pool replaces it).
		s2 := newSession(t, b, lim)
		if r := run(t, s2, "print(x)"); r.Status != sandbox.Error || !strings.HasPrefix(r.Output, "Error: NameError: name 'x' is not defined (line 1)\n") {
			t.Fatalf("after restart: %v %q", r.Status, r.Output)
		}
	})
	t.Run("cells", func(t *testing.T) {
		s := newSession(t, b, lim)
		tests := []struct {
			give   string
			want   string
			status sandbox.Status
		}{
			{"import math, numpy as n2, scipy.special as ss\nfrom scipy import stats\nprint(round(stats.norm.cdf(0), 3), n2.pi == math.pi, ss.gamma(4))", "0.5 True 6.0\n", sandbox.OK},
			{"from numpy.linalg import inv\nprint(inv([[4.0]]).tolist())", "[[0.25]]\n", sandbox.OK},
			{"def f(a):\n    return a + 1\nprint(f(1))", "2\n", sandbox.OK},
			{"print(f(2))", "3\n", sandbox.OK},
			{"class K:\n    v = 4\nprint(K().v, dict(a=1), type(1).__name__ if False else 'x')", "", sandbox.Rejected},
			{"print(1, end='')\nprint(2, file=None)", "12\n", sandbox.OK},
			{"x = (", "Error: SyntaxError: '(' was never closed (line 1)\n", sandbox.Error},
			{"print(1)\nif True:\nprint(2)", "Error: IndentationError: expected an indented block after 'if' statement on line 2 (line 3)\n", sandbox.Error},
			{"raise SystemExit(3)", "Error: SystemExit: 3 (line 1)\n", sandbox.Error},
			{"raise KeyboardInterrupt", "Error: KeyboardInterrupt (line 1)\n", sandbox.Error},
			{"def r(n):\n    return r(n + 1)\nr(0)", "Error: RecursionError: maximum recursion depth exceeded (line 2)\n", sandbox.Error},
			{"s = 'a' * 10**9", "Error: MemoryError (line 1)\n", sandbox.MemoryLimit},
			{"print('still here')", "still here\n", sandbox.OK},
			{"open('/etc/passwd')", "Error: NameError: name 'open' is not defined (line 1)\n" + hint, sandbox.Error},
			{"print('é' * 3)", "ééé\n", sandbox.OK},
		}
		for _, tt := range tests {
			r := run(t, s, tt.give)
			if tt.status == sandbox.Rejected && tt.want == "" {
				if r.Status != sandbox.Rejected {
					t.Errorf("%q: got %v %q, want REJECTED", tt.give, r.Status, r.Output)
				}
				continue
			}
			if r.Output != tt.want || r.Status != tt.status {
				t.Errorf("%q: got %v %q, want %v %q", tt.give, r.Status, r.Output, tt.status, tt.want)
			}
		}
	})
	t.Run("output_truncated", func(t *testing.T) {
		s := newSession(t, b, lim)
		r := run(t, s, "print('é' * 10000)\n1/0")
		// 20,001 bytes: 16,384 kept (an even count of 2-byte characters).
		want := strings.Repeat("é", 8192) + "\n[output truncated: 3617 more bytes]\nError: ZeroDivisionError: division by zero (line 2)\n"
		if r.Status != sandbox.OutputLimit || r.Output != want {
			t.Fatalf("got %v %q…", r.Status, r.Output[max(0, len(r.Output)-120):])
		}
		if r := run(t, s, "print('ok')"); r.Output != "ok\n" {
			t.Fatalf("session after truncation: %q", r.Output)
		}
	})
	t.Run("output_flood_stops_interpreter", func(t *testing.T) {
		s := newSession(t, b, lim)
		r := run(t, s, "while True: print('x' * 1000)")
		if r.Status != sandbox.OutputLimit || !strings.Contains(r.Output, "[output truncated: ") ||
			!strings.HasSuffix(r.Output, "Error: the output passed 1 MiB and the code was stopped; the interpreter was restarted and earlier variables are gone.\n") {
			t.Fatalf("got %v %q", r.Status, r.Output[max(0, len(r.Output)-300):])
		}
		<-s.Done()
	})
}
