package pyrand

import (
	"fmt"
	"math/bits"
)

// Getrandbits returns random.getrandbits(k) for 0 ≤ k ≤ 32: the top k bits
// of one 32-bit output. k = 0 returns 0 and draws nothing, as CPython ≥ 3.9
// does. It panics if k is outside [0, 32].
func (r *Random) Getrandbits(k int) uint32 {
	if k < 0 || k > 32 {
		panic(fmt.Sprintf("pyrand: Getrandbits(%d): k must be in [0, 32]", k))
	}
	if k == 0 {
		return 0
	}
	return r.Uint32() >> (32 - k)
}

// Randbelow returns random._randbelow(n), a value in [0, n), by rejection:
// k = n.bit_length(), draw getrandbits(k) until it is below n. It panics
// unless 0 < n < 2³².
func (r *Random) Randbelow(n int) int {
	if n <= 0 || uint64(n) > 1<<32-1 {
		panic(fmt.Sprintf("pyrand: Randbelow(%d): n must be in (0, 2³²)", n))
	}
	k := bits.Len64(uint64(n))
	v := r.Getrandbits(k)
	for uint64(v) >= uint64(n) {
		v = r.Getrandbits(k)
	}
	return int(v)
}

// ShuffleFunc shuffles n elements in place as random.shuffle does: for i
// from n-1 down to 1, j = _randbelow(i+1), swap(i, j). swap is called even
// when i == j, as Python assigns x[i], x[j] = x[j], x[i] then too.
func (r *Random) ShuffleFunc(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.Randbelow(i+1))
	}
}

// Shuffle returns the list range(n) after random.shuffle, so that
// Shuffle(n)[k] is the old index of the element now at position k.
func (r *Random) Shuffle(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.ShuffleInts(p)
	return p
}

// ShuffleInts shuffles x in place as random.shuffle(x) does.
func (r *Random) ShuffleInts(x []int) {
	for i := len(x) - 1; i > 0; i-- {
		j := r.Randbelow(i + 1)
		x[i], x[j] = x[j], x[i]
	}
}
