package report

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
)

// This file recounts equivalence classes, prosecutor risk and l-diversity
// from the released file itself. It shares no code with the anonymize
// engine: a class is the set of rows whose quasi-identifier texts are equal,
// counted with a map over the values as read.

// classes assigns every row of f a class id over the columns qi and returns
// the ids and the size of each class. Nulls form a value of their own.
func classes(f *frame, qi []string) (ids []int32, sizes []int) {
	cols := make([]*fcol, 0, len(qi))
	for _, name := range qi {
		if c := f.col(name); c != nil {
			cols = append(cols, c)
		}
	}
	ids = make([]int32, f.rows)
	width := 0
	for _, c := range cols {
		width += keyWidth(c)
	}
	index := newKeyIndex(width)
	key := make([]byte, 0, width)
	for i := 0; i < f.rows; i++ {
		key = appendKey(key[:0], cols, i, nil)
		id := index.Add(key)
		if int(id) == len(sizes) {
			sizes = append(sizes, 0)
		}
		sizes[id]++
		ids[i] = id
	}
	return ids, sizes
}

// keyWidth is the bytes column c takes in a key: a float64's bits or a
// code.
func keyWidth(c *fcol) int {
	if c.spec.numeric {
		return 8
	}
	return 4
}

// appendKey appends the key of row i over cols: codes, and numbers as
// their bits (one canonical NaN, so that nulls share a key) or, for the
// columns binned lists, their bin (as a code).
func appendKey(key []byte, cols []*fcol, i int, binned map[string][2]float64) []byte {
	for _, c := range cols {
		switch {
		case !c.spec.numeric:
			key = binary.LittleEndian.AppendUint32(key, uint32(c.codes[i]))
		case binned != nil && hasKey(binned, c.spec.name):
			r := binned[c.spec.name]
			key = binary.LittleEndian.AppendUint64(key, uint64(binOf(c.nums[i], r[0], r[1], 10)))
		default:
			v := c.nums[i]
			if math.IsNaN(v) {
				v = math.NaN()
			}
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(v))
		}
	}
	return key
}

func hasKey(m map[string][2]float64, k string) bool {
	_, ok := m[k]
	return ok
}

// classStats summarises class sizes.
type classStats struct {
	rows, classes int
	minSize       int
	medianSize    float64
	prosecutorMax float64 // 1 / smallest class
	prosecutorAvg float64 // mean over rows of 1/size = classes/rows
	uniques       int     // rows alone in their class
	rowsBelow     int     // rows in classes smaller than k
	k             int
	bands         []Band
}

func summarise(sizes []int, rows, k int) classStats {
	s := classStats{rows: rows, classes: len(sizes), k: k}
	if len(sizes) == 0 || rows == 0 {
		return s
	}
	sorted := append([]int(nil), sizes...)
	sort.Ints(sorted)
	s.minSize = sorted[0]
	// Median over rows (the class size the typical record sits in).
	half := (rows + 1) / 2
	acc := 0
	for _, n := range sorted {
		acc += n
		if acc >= half {
			s.medianSize = float64(n)
			break
		}
	}
	s.prosecutorMax = 1 / float64(s.minSize)
	s.prosecutorAvg = float64(len(sizes)) / float64(rows)
	s.bands = sizeBands()
	for _, n := range sizes {
		if n == 1 {
			s.uniques++
		}
		if n < k {
			s.rowsBelow += n
		}
		for b := range s.bands {
			if float64(n) >= s.bands[b].Lo && float64(n) <= s.bands[b].Hi {
				s.bands[b].Rows += n
				s.bands[b].Count++
				break
			}
		}
	}
	return s
}

// sizeBands are the class-size histogram's bands.
func sizeBands() []Band {
	edges := []struct {
		label  string
		lo, hi float64
	}{{"1", 1, 1}, {"2", 2, 2}, {"3-4", 3, 4}, {"5-9", 5, 9}, {"10-19", 10, 19}, {"20-49", 20, 49},
		{"50-99", 50, 99}, {"100-999", 100, 999}, {"1000+", 1000, math.Inf(1)}}
	b := make([]Band, len(edges))
	for i, e := range edges {
		b[i] = Band{Label: e.label, Lo: e.lo, Hi: e.hi}
	}
	return b
}

// diversity measures l-diversity and homogeneity of a sensitive column over
// the classes ids (sizes from classes).
type diversity struct {
	minDistinct     int
	minEntropyL     float64
	homogeneous     float64 // share of classes whose top value holds >= 90%
	homogeneousRows float64
}

// homogeneityShare is the share of a class one sensitive value must hold for
// the class to count as homogeneous (the compliance reference's 90 %).
const homogeneityShare = 0.9

func lDiversity(ids []int32, sizes []int, sens []int32) diversity {
	// Count (class, value) cells by sorting them: per class, the values
	// come in increasing order, so the float sums are deterministic.
	cells := make([]uint64, len(ids))
	for i, id := range ids {
		cells[i] = uint64(uint32(id))<<32 | uint64(uint32(sens[i]))
	}
	slices.Sort(cells)
	distinct := make([]int, len(sizes))
	entropy := make([]float64, len(sizes))
	top := make([]int, len(sizes))
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && cells[j] == cells[i] {
			j++
		}
		class, n := int32(cells[i]>>32), j-i
		distinct[class]++
		p := float64(n) / float64(sizes[class])
		entropy[class] -= p * math.Log(p)
		if n > top[class] {
			top[class] = n
		}
		i = j
	}
	d := diversity{minDistinct: math.MaxInt, minEntropyL: math.Inf(1)}
	var homo, homoRows, rows int
	for k, n := range sizes {
		rows += n
		d.minDistinct = min(d.minDistinct, distinct[k])
		d.minEntropyL = math.Min(d.minEntropyL, math.Exp(entropy[k]))
		if float64(top[k]) >= homogeneityShare*float64(n) {
			homo++
			homoRows += n
		}
	}
	if len(sizes) == 0 {
		return diversity{}
	}
	d.homogeneous = float64(homo) / float64(len(sizes))
	d.homogeneousRows = float64(homoRows) / float64(rows)
	return d
}

// binCodes returns a column as categorical codes: its codes, or for a
// numeric column 10 equal-width bins over [lo, hi] (values outside go to the
// first or last bin; null is -1).
func binCodes(c *fcol, lo, hi float64) []int32 {
	if !c.spec.numeric {
		return c.codes
	}
	out := make([]int32, len(c.nums))
	for i, v := range c.nums {
		out[i] = binOf(v, lo, hi, 10)
	}
	return out
}

func binOf(v, lo, hi float64, bins int) int32 {
	if math.IsNaN(v) {
		return -1
	}
	if hi <= lo {
		return 0
	}
	b := int32(math.Floor((v - lo) / (hi - lo) * float64(bins)))
	return max(0, min(int32(bins-1), b))
}

func numRange(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if !math.IsNaN(x) {
			lo = math.Min(lo, x)
			hi = math.Max(hi, x)
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 0
	}
	return lo, hi
}

// capProtection computes SDMetrics' DisclosureProtection with the CAP
// method: for each real row whose key (quasi-identifier values) occurs in
// the release, CAP_i is the share of released rows with that key whose
// sensitive value equals the real row's; rows with unseen keys are skipped.
// protection = 1 − mean CAP_i; baseline = 1 − 1/|distinct real sensitive
// values| (null counted); score = min(protection / baseline, 1). Keys are
// class ids (realKey −1: the key does not occur in the release; relKey in
// [0, classes)); realSens/relSens the sensitive codes. A release in which no
// real key occurs discloses nothing (protection 1). The score is NaN when
// the baseline is 0 (one sensitive value).
func capProtection(realKey, relKey []int32, realSens, relSens []int32) (score, protection, baseline float64, matched int) {
	classes := int32(0)
	for _, k := range relKey {
		classes = max(classes, k+1)
	}
	keyCount := make([]int, classes)
	pairs := newKeyIndex(8)
	var pairCount []int
	var key [8]byte
	pairKey := func(k, s int32) []byte {
		binary.LittleEndian.PutUint32(key[:4], uint32(k))
		binary.LittleEndian.PutUint32(key[4:], uint32(s))
		return key[:]
	}
	for i, k := range relKey {
		keyCount[k]++
		id := pairs.Add(pairKey(k, relSens[i]))
		if int(id) == len(pairCount) {
			pairCount = append(pairCount, 0)
		}
		pairCount[id]++
	}
	var sum float64
	for i, k := range realKey {
		if k < 0 || keyCount[k] == 0 {
			continue
		}
		matched++
		if id := pairs.Get(pairKey(k, realSens[i])); id >= 0 {
			sum += float64(pairCount[id]) / float64(keyCount[k])
		}
	}
	distinct := map[int32]bool{}
	for _, v := range realSens {
		distinct[v] = true
	}
	baseline = 1 - 1/float64(len(distinct))
	if matched == 0 {
		protection = 1
	} else {
		protection = 1 - sum/float64(matched)
	}
	if baseline <= 0 {
		return math.NaN(), protection, baseline, matched
	}
	return math.Min(protection/baseline, 1), protection, baseline, matched
}

// keyIDs numbers the distinct keys of the released rows over cols (numeric
// columns in bins) and gives each real row the number of its key, or −1
// when the release has no row with it. Both frames share dictionaries.
func keyIDs(real, rel *frame, cols []string, binned map[string][2]float64) (realIDs, relIDs []int32) {
	cols2 := func(f *frame) []*fcol {
		var fc []*fcol
		for _, n := range cols {
			if c := f.col(n); c != nil {
				fc = append(fc, c)
			}
		}
		return fc
	}
	rc, oc := cols2(rel), cols2(real)
	width := 0
	for _, c := range rc {
		width += keyWidth(c)
	}
	index := newKeyIndex(width)
	key := make([]byte, 0, width)
	relIDs = make([]int32, rel.rows)
	for i := range relIDs {
		key = appendKey(key[:0], rc, i, binned)
		relIDs[i] = index.Add(key)
	}
	realIDs = make([]int32, real.rows)
	for i := range realIDs {
		key = appendKey(key[:0], oc, i, binned)
		realIDs[i] = index.Get(key)
	}
	return realIDs, relIDs
}
