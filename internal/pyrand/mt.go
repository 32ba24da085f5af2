package pyrand

// MT19937 parameters, as in CPython's Modules/_randommodule.c.
const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// Random is CPython's random.Random: an MT19937 state and its position.
// It is 2.5 KB; seed a value in place (Seed) to avoid an allocation.
type Random struct {
	mt    [n]uint32
	index int
}

// New returns a generator seeded as random.Random(seed) is for a Python int
// 0 ≤ seed < 2⁶⁴.
func New(seed uint64) *Random {
	r := new(Random)
	r.Seed(seed)
	return r
}

// NewKey returns a generator seeded with init_by_array(key), which is how
// random.Random(x) seeds from any int: key holds the 32-bit words of |x|,
// least significant first, or the single word 0 for x = 0. An empty key is
// read as that single 0.
func NewKey(key []uint32) *Random {
	r := new(Random)
	r.SeedKey(key)
	return r
}

// Seed reseeds r as random.seed(seed) does for 0 ≤ seed < 2⁶⁴: the value is
// split into 32-bit words, least significant first; one word when
// seed < 2³² (zero gives the single word 0).
func (r *Random) Seed(seed uint64) {
	lo, hi := uint32(seed), uint32(seed>>32)
	if hi == 0 {
		key := [1]uint32{lo}
		r.SeedKey(key[:])
		return
	}
	key := [2]uint32{lo, hi}
	r.SeedKey(key[:])
}

// SeedKey reseeds r with CPython's init_by_array(key); see NewKey.
func (r *Random) SeedKey(key []uint32) {
	if len(key) == 0 {
		key = []uint32{0}
	}
	r.initGenrand(19650218)
	mt := &r.mt
	i, j := 1, 0
	k := max(n, len(key))
	for ; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= n {
			mt[0] = mt[n-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = n - 1; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= n {
			mt[0] = mt[n-1]
			i = 1
		}
	}
	mt[0] = 0x80000000 // MSB is 1, assuring a non-zero initial array
}

func (r *Random) initGenrand(s uint32) {
	mt := &r.mt
	mt[0] = s
	for i := 1; i < n; i++ {
		mt[i] = 1812433253*(mt[i-1]^(mt[i-1]>>30)) + uint32(i)
	}
	r.index = n
}

// Uint32 returns the next 32-bit output, CPython's genrand_uint32 (the value
// of getrandbits(32)).
func (r *Random) Uint32() uint32 {
	if r.index >= n {
		r.generate()
	}
	y := r.mt[r.index]
	r.index++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// generate refills the state with the next n words.
func (r *Random) generate() {
	mt := &r.mt
	var kk int
	for kk = 0; kk < n-m; kk++ {
		y := (mt[kk] & upperMask) | (mt[kk+1] & lowerMask)
		mt[kk] = mt[kk+m] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	for ; kk < n-1; kk++ {
		y := (mt[kk] & upperMask) | (mt[kk+1] & lowerMask)
		mt[kk] = mt[kk+(m-n)] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	y := (mt[n-1] & upperMask) | (mt[0] & lowerMask)
	mt[n-1] = mt[m-1] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	r.index = 0
}
