package seed_test

import (
	"strconv"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/seed"
)

// The vectors of ../spec/common.md §1 rule 3; rows are for MedQA test (1,273).
func TestSplitMix64(t *testing.T) {
	tests := []struct {
		give    uint64
		want    uint64
		wantRow int
	}{
		{give: 0, want: 16294208416658607535, wantRow: 472},
		{give: 1, want: 10451216379200822465, wantRow: 47},
		{give: 42, want: 13679457532755275413, wantRow: 256},
	}
	for _, tt := range tests {
		t.Run(strconv.FormatUint(tt.give, 10), func(t *testing.T) {
			if got := seed.SplitMix64(tt.give); got != tt.want {
				t.Errorf("SplitMix64(%d) = %d, want %d", tt.give, got, tt.want)
			}
			if got := seed.Index(tt.give, 1273); got != tt.wantRow {
				t.Errorf("Index(%d, 1273) = %d, want %d", tt.give, got, tt.wantRow)
			}
		})
	}
}

func TestIndexRange(t *testing.T) {
	for s := range uint64(1000) {
		for _, n := range []int{1, 2, 3, 1273} {
			if got := seed.Index(s, n); got < 0 || got >= n {
				t.Fatalf("Index(%d, %d) = %d", s, n, got)
			}
		}
	}
}

func TestIndexEmptyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Index(_, 0) did not panic")
		}
	}()
	seed.Index(1, 0)
}

func TestFreshVaries(t *testing.T) {
	seen := map[uint64]bool{}
	for range 8 {
		seen[seed.Fresh()] = true
	}
	if len(seen) < 8 {
		t.Errorf("8 fresh seeds gave %d distinct values", len(seen))
	}
}
