package seed

import (
	"crypto/rand"
	"encoding/binary"
)

// SplitMix64 returns the first output of a SplitMix64 generator whose state
// is s: s + 0x9E3779B97F4A7C15, then the two xor-shift-multiply rounds and
// a final xor-shift, all modulo 2⁶⁴.
func SplitMix64(s uint64) uint64 {
	z := s + 0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// Index returns the row that seed s picks among n rows: SplitMix64(s) mod n.
// It panics if n ≤ 0; an env must answer an empty split before drawing.
func Index(s uint64, n int) int {
	if n <= 0 {
		panic("seed: Index of an empty range")
	}
	return int(SplitMix64(s) % uint64(n))
}

// Fresh returns a seed drawn from crypto/rand, for a request that gave none.
func Fresh() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return binary.LittleEndian.Uint64(b[:])
}
