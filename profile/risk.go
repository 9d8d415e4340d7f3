package profile

import (
	"fmt"
	"math"
)

// The modes of a riskStore.
const (
	storeOff = iota // dropped: the column is not a usable QI
	storeU8         // dictionary codes up to 255
	storeU16        // dictionary codes up to 65535
	storeU64        // 64-bit value hashes (after the dictionary overflowed)
)

// riskStore holds one column's value per analysed row, as compactly as its
// cardinality allows: 0 is null, 1.. are dictionary codes, or 64-bit
// hashes once the column has more distinct values than the dictionary
// holds. Rows are added in order (slot == length) or replaced (reservoir).
type riskStore struct {
	mode uint8
	u8   []uint8
	u16  []uint16
	u64  []uint64
}

func (s *riskStore) set(slot int64, code uint64) {
	switch s.mode {
	case storeU8:
		if code > math.MaxUint8 {
			s.u16 = make([]uint16, len(s.u8), max(cap(s.u8), 1024))
			for i, c := range s.u8 {
				s.u16[i] = uint16(c)
			}
			s.u8, s.mode = nil, storeU16
			s.set(slot, code)
			return
		}
		if slot == int64(len(s.u8)) {
			s.u8 = append(s.u8, uint8(code))
		} else {
			s.u8[slot] = uint8(code)
		}
	case storeU16:
		if slot == int64(len(s.u16)) {
			s.u16 = append(s.u16, uint16(code))
		} else {
			s.u16[slot] = uint16(code)
		}
	case storeU64:
		if slot == int64(len(s.u64)) {
			s.u64 = append(s.u64, code)
		} else {
			s.u64[slot] = code
		}
	}
}

// toHashes turns dictionary codes into the values' hashes (code k is
// hashes[k-1]; 0 stays null).
func (s *riskStore) toHashes(hashes []uint64) {
	conv := func(c uint64) uint64 {
		if c == 0 {
			return 0
		}
		return hashes[c-1]
	}
	switch s.mode {
	case storeU8:
		s.u64 = make([]uint64, len(s.u8), max(cap(s.u8), 1024))
		for i, c := range s.u8 {
			s.u64[i] = conv(uint64(c))
		}
	case storeU16:
		s.u64 = make([]uint64, len(s.u16), max(cap(s.u16), 1024))
		for i, c := range s.u16 {
			s.u64[i] = conv(uint64(c))
		}
	default:
		return
	}
	s.u8, s.u16, s.mode = nil, nil, storeU64
}

func (s *riskStore) drop() { *s = riskStore{mode: storeOff} }

func (s *riskStore) len() int {
	switch s.mode {
	case storeU8:
		return len(s.u8)
	case storeU16:
		return len(s.u16)
	case storeU64:
		return len(s.u64)
	}
	return 0
}

// maxRiskQIs caps the quasi-identifiers analysed: C(12,3) = 220
// combinations of three is the most Run evaluates.
const maxRiskQIs = 12

// denseLimit is the largest product of cardinalities counted with a dense
// array instead of sorting hashed keys.
const denseLimit = 1 << 22

// riskCols is the work area of the class counting.
type riskCols struct {
	stores []*riskStore
	cards  []int // dictionary size + 1 (null), 0 for hashed columns
	n      int
	keys   []uint64
	tmp    []uint64
	dense  []int32
}

func computeRisk(p *Profile, accs []*colAcc, dropped []Excluded, rows int64, o *Options) *Risk {
	risk := &Risk{QuasiIdentifiers: []string{}, Combinations: []Combination{}, K: o.K,
		Threshold: o.UniqueThreshold, MaxSize: o.MaxCombination, Sampled: rows > int64(o.RiskRows)}
	why := map[string]string{}
	for _, d := range dropped {
		why[d.Column] = d.Reason
	}
	rc := &riskCols{}
	for i, c := range p.Columns {
		if c.Role != RoleQuasi && c.Entity != "DATE_OF_BIRTH" {
			continue
		}
		a := accs[i]
		if a.store.mode == storeOff {
			risk.Excluded = append(risk.Excluded, Excluded{Column: c.Name, Reason: why[c.Name]})
			continue
		}
		if len(risk.QuasiIdentifiers) == maxRiskQIs {
			risk.Excluded = append(risk.Excluded, Excluded{Column: c.Name,
				Reason: fmt.Sprintf("more than %d quasi-identifiers: only the first %d are combined", maxRiskQIs, maxRiskQIs)})
			continue
		}
		risk.QuasiIdentifiers = append(risk.QuasiIdentifiers, c.Name)
		rc.stores = append(rc.stores, &a.store)
		card := 0
		if a.store.mode != storeU64 {
			card = len(a.dict) + 1
		}
		rc.cards = append(rc.cards, card)
	}
	if len(rc.stores) == 0 {
		risk.Note = "no quasi-identifiers detected: nothing to combine"
		return risk
	}
	rc.n = rc.stores[0].len()
	risk.Rows = int64(rc.n)
	if rc.n == 0 {
		risk.Note = "empty table"
		return risk
	}
	all := make([]int, len(rc.stores))
	for i := range all {
		all[i] = i
	}
	c := rc.classes(all, o.K)
	c.Columns = risk.QuasiIdentifiers
	risk.All = &c

	// Minimal combinations: by size, skipping supersets of flagged ones.
	var flagged [][]int
	for size := 1; size <= min(o.MaxCombination, len(all)); size++ {
		forEachSubset(len(all), size, func(sub []int) {
			for _, f := range flagged {
				if isSubset(f, sub) {
					return
				}
			}
			risk.Tested++
			c := rc.classes(sub, o.K)
			if c.SampleUniqueShare > o.UniqueThreshold {
				flagged = append(flagged, append([]int(nil), sub...))
				for _, j := range sub {
					c.Columns = append(c.Columns, risk.QuasiIdentifiers[j])
				}
				risk.Combinations = append(risk.Combinations, c)
			}
		})
	}
	if risk.Sampled {
		risk.Note = fmt.Sprintf("computed on a uniform random sample of %d rows: shares of sample uniques are those of the sample", rc.n)
	}
	return risk
}

// forEachSubset calls fn with every size-k subset of 0..n-1 in
// lexicographic order. fn must not keep sub.
func forEachSubset(n, k int, fn func(sub []int)) {
	sub := make([]int, k)
	var rec func(start, depth int)
	rec = func(start, depth int) {
		if depth == k {
			fn(sub)
			return
		}
		for i := start; i <= n-(k-depth); i++ {
			sub[depth] = i
			rec(i+1, depth+1)
		}
	}
	rec(0, 0)
}

// isSubset reports whether every element of a (sorted) is in b (sorted).
func isSubset(a, b []int) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
	}
	return true
}

// classes counts the equivalence classes of the rows over the columns sub.
func (rc *riskCols) classes(sub []int, k int) Combination {
	product := 1
	dense := true
	for _, j := range sub {
		if rc.cards[j] == 0 || product > denseLimit/rc.cards[j] {
			dense = false
			break
		}
		product *= rc.cards[j]
	}
	var sizes func(yield func(f int64))
	if dense {
		sizes = rc.denseCounts(sub, product)
	} else {
		sizes = rc.sortedCounts(sub)
	}
	var c Combination
	n := int64(rc.n)
	c.SmallestClass = math.MaxInt64
	var pairs float64
	sizes(func(f int64) {
		c.Classes++
		if f == 1 {
			c.SampleUniques++
		}
		if f < int64(k) {
			c.RowsBelowK += f
		}
		c.SmallestClass = min(c.SmallestClass, f)
		pairs += float64(f) * float64(f-1)
	})
	c.SampleUniqueShare = round6(float64(c.SampleUniques) / float64(n))
	c.Distinction = round6(float64(c.Classes) / float64(n))
	if n > 1 {
		c.Separation = round6(1 - pairs/(float64(n)*float64(n-1)))
	}
	return c
}

func (rc *riskCols) denseCounts(sub []int, product int) func(func(int64)) {
	if cap(rc.dense) < product {
		rc.dense = make([]int32, product)
	}
	counts := rc.dense[:product]
	clear(counts)
	if cap(rc.keys) < rc.n {
		rc.keys = make([]uint64, rc.n)
	}
	idx := rc.keys[:rc.n]
	clear(idx)
	stride := uint64(1)
	for _, j := range sub {
		s := rc.stores[j]
		switch s.mode {
		case storeU8:
			for r, c := range s.u8 {
				idx[r] += uint64(c) * stride
			}
		case storeU16:
			for r, c := range s.u16 {
				idx[r] += uint64(c) * stride
			}
		}
		stride *= uint64(rc.cards[j])
	}
	for _, x := range idx {
		counts[x]++
	}
	return func(yield func(int64)) {
		for _, f := range counts {
			if f > 0 {
				yield(int64(f))
			}
		}
	}
}

func (rc *riskCols) sortedCounts(sub []int) func(func(int64)) {
	if cap(rc.keys) < rc.n {
		rc.keys = make([]uint64, rc.n)
	}
	keys := rc.keys[:rc.n]
	for r := range keys {
		keys[r] = 0x9e3779b97f4a7c15
	}
	for pos, j := range sub {
		s := rc.stores[j]
		salt := uint64(pos+1) * 0xd1b54a32d192ed03
		switch s.mode {
		case storeU8:
			for r, c := range s.u8 {
				keys[r] = mix64(keys[r] ^ (uint64(c) + salt))
			}
		case storeU16:
			for r, c := range s.u16 {
				keys[r] = mix64(keys[r] ^ (uint64(c) + salt))
			}
		case storeU64:
			for r, c := range s.u64 {
				keys[r] = mix64(keys[r] ^ (c + salt))
			}
		}
	}
	if cap(rc.tmp) < rc.n {
		rc.tmp = make([]uint64, rc.n)
	}
	radixSort(keys, rc.tmp[:rc.n])
	return func(yield func(int64)) {
		run := int64(1)
		for i := 1; i <= len(keys); i++ {
			if i < len(keys) && keys[i] == keys[i-1] {
				run++
				continue
			}
			yield(run)
			run = 1
		}
	}
}

// radixSort sorts a with an LSD radix sort on 16-bit digits, using tmp
// (same length) as scratch space. The result ends in a.
func radixSort(a, tmp []uint64) {
	var count [1 << 16]int
	src, dst := a, tmp
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, x := range src {
			count[(x>>shift)&0xffff]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, x := range src {
			d := (x >> shift) & 0xffff
			dst[count[d]] = x
			count[d]++
		}
		src, dst = dst, src
	}
	// Four passes: the sorted keys are back in a.
}
