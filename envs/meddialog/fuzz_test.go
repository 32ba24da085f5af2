package meddialog_test

import (
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/meddialog"
)

func FuzzParseRating(f *testing.F) {
	f.Add(verdict(4, 3, 5))
	f.Add("```json\n" + verdict("4", 7, 0) + "\n```")
	f.Add(`{"accuracy": 4, "completeness": {"score": "x"}}`)
	f.Add(`{"a": "\"}{", {"accuracy": {"score": 1e999}}`)
	f.Add(`{{{{"accuracy"`)
	f.Fuzz(func(t *testing.T, reply string) {
		for _, compat := range []bool{false, true} {
			r, err := meddialog.ParseRating(reply, compat)
			if compat && err != nil {
				t.Fatalf("compat parser failed: %v", err)
			}
			if err != nil {
				continue
			}
			if r.Mean < 0 || r.Mean > 1 {
				t.Fatalf("mean %v", r.Mean)
			}
			for i := range 3 {
				if !compat && !r.Has[i] {
					t.Fatalf("default rating without criterion %d", i)
				}
				if r.Has[i] && (r.Raw[i] < 1 || r.Raw[i] > 5 || r.Norm[i] != (r.Raw[i]-1)/4) {
					t.Fatalf("criterion %d: raw %v norm %v", i, r.Raw[i], r.Norm[i])
				}
			}
		}
	})
}

func FuzzObjectSpans(f *testing.F) {
	f.Add(`x {"a": "}"} y {b} {`)
	f.Add(`"{" } {"\\"}`)
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, sp := range meddialog.ObjectSpans(s) {
			if sp[0] < end || sp[1] <= sp[0] || sp[1] > len(s) || s[sp[0]] != '{' || s[sp[1]-1] != '}' {
				t.Fatalf("span %v of %q (previous end %d)", sp, s, end)
			}
			end = sp[1]
		}
	})
}

func FuzzSummary(f *testing.F) {
	f.Add("<think>a</think> b")
	f.Add("<think>a")
	f.Add("x</think></think> y ")
	f.Fuzz(func(t *testing.T, s string) {
		got := meddialog.Summary(envs.TextCompletion(s))
		if len(got) > len(s) || !strings.Contains(s, got) || got != envs.TrimPy(got) {
			t.Fatalf("Summary(%q) = %q", s, got)
		}
		if strings.Contains(got, "</think>") {
			t.Fatalf("Summary(%q) keeps a </think>", s)
		}
	})
}
