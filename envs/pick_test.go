package envs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/medarc-ai/medmarks-t/envs"
)

func TestSplits(t *testing.T) {
	s := envs.Splits{Env: "x", Known: []string{"val", "test", "synthetic_val", "train"}, Aliases: map[string]string{"validation": "val"},
		Loaded: []string{"train", "synthetic_val"}, Unserved: func(n string) string { return "looked for " + n + ".jsonl" }}
	if d := s.Default(); d != "synthetic_val" {
		t.Errorf("default %q, want synthetic_val", d)
	}
	s.Loaded = append(s.Loaded, "test")
	tests := []struct {
		give, want, wantErr string
	}{
		{"", "test", ""},
		{"train", "train", ""},
		{"validation", "", "looked for val.jsonl"},
		{"val", "", "looked for val.jsonl"},
		{"dev", "", "its splits: val, test, synthetic_val, train (loaded: test, synthetic_val, train)"},
	}
	for _, tt := range tests {
		got, err := s.Resolve(tt.give)
		if got != tt.want || (tt.wantErr == "") != (err == nil) || err != nil && (!strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, envs.ErrUnknownSplit)) {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %q", tt.give, got, err, tt.want, tt.wantErr)
		}
	}
	none := envs.Splits{Env: "x", Known: []string{"test"}, Reason: "no x/ folder"}
	if _, err := none.Resolve(""); !errors.Is(err, envs.ErrUnknownSplit) || !strings.Contains(err.Error(), "no x/ folder") {
		t.Errorf("no data: %v", err)
	}
}

func TestPickRow(t *testing.T) {
	find := func(id string) (int, error) {
		if id == "r5" {
			return 5, nil
		}
		return 0, envs.NotFound(envs.ErrUnknownExample, "no %q", id)
	}
	idx := func(i int64) *int64 { return &i }
	tests := []struct {
		name    string
		n       int
		id      string
		index   *int64
		seed    uint64
		want    int
		wantErr error
	}{
		{name: "seed 0 of 1273", n: 1273, want: 472},
		{name: "seed 1 of 1273", n: 1273, seed: 1, want: 47},
		{name: "seed 42 of 1273", n: 1273, seed: 42, want: 256},
		{name: "id", n: 10, id: "r5", want: 5},
		{name: "id outside num_examples", n: 5, id: "r5", wantErr: envs.ErrUnknownExample},
		{name: "unknown id", n: 10, id: "r6", wantErr: envs.ErrUnknownExample},
		{name: "index", n: 10, index: idx(9), want: 9},
		{name: "index out of range", n: 10, index: idx(10), wantErr: envs.ErrUnknownExample},
		{name: "negative index", n: 10, index: idx(-1), wantErr: envs.ErrUnknownExample},
		{name: "empty", n: 0, wantErr: envs.ErrUnknownExample},
	}
	for _, tt := range tests {
		got, err := envs.PickRow("x test", tt.n, tt.id, tt.index, tt.seed, find)
		if !errors.Is(err, tt.wantErr) || err == nil && got != tt.want {
			t.Errorf("%s: %d, %v; want %d, %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
	var fe *envs.FieldError
	if _, err := envs.PickRow("x", 10, "r5", idx(1), 0, find); !errors.As(err, &fe) {
		t.Errorf("id and index: %v", err)
	}
}
