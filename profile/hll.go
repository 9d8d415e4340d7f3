package profile

import (
	"math"
	"math/bits"
)

// hash64 is a deterministic 64-bit hash of s: FNV-1a folded 8 bytes at a
// time, then the SplitMix64 finalizer. It does not depend on the process
// (unlike hash/maphash), so estimates and samples are reproducible.
func hash64(s string) uint64 {
	const prime = 0x100000001b3
	h := uint64(0xcbf29ce484222325)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		h = (h ^ w) * prime
		h ^= h >> 29
	}
	for ; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime
	}
	h ^= uint64(len(s))
	return mix64(h)
}

// mix64 is the SplitMix64 finalizer: a bijection that spreads every input
// bit over the output.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hllP is the HyperLogLog precision: 2^14 registers of one byte, a relative
// standard error of 1.04/√16384 ≈ 0.81 %.
const hllP = 14

// hll is a HyperLogLog sketch of a set of 64-bit hashes.
type hll struct {
	reg [1 << hllP]uint8
}

func (h *hll) add(x uint64) {
	idx := x >> (64 - hllP)
	w := x<<hllP | 1<<(hllP-1) // a guard bit bounds the rank
	rank := uint8(bits.LeadingZeros64(w)) + 1
	if rank > h.reg[idx] {
		h.reg[idx] = rank
	}
}

// estimate returns the cardinality estimate with Ertl's improved raw
// estimator ("New cardinality estimation algorithms for HyperLogLog
// sketches", 2017, algorithm 6), which needs no bias tables and is
// unbiased from small to large cardinalities:
//
//	z = m·τ(1 − C[q+1]/m);  z = (z + C[k])/2 for k = q … 1;  z += m·σ(C[0]/m)
//	E = m² / (2 ln 2 · z)
//
// where C[k] counts the registers holding k and q = 64 − p.
func (h *hll) estimate() float64 {
	const m = 1 << hllP
	const q = 64 - hllP
	var c [q + 2]int
	for _, r := range h.reg {
		c[r]++
	}
	z := m * hllTau(1-float64(c[q+1])/m)
	for k := q; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * hllSigma(float64(c[0])/m)
	return m * m / (2 * math.Ln2 * z)
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		zOld := z
		z += x * y
		y += y
		if z == zOld {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zOld := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == zOld {
			return z / 3
		}
	}
}
