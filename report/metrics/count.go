package metrics

import (
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Joint counts. Every metric that compares joint distributions (k-way
// marginals, contingency tables, Cramér's V) counts rows per cell of the
// columns' joint domain. A cell is a mixed-radix number over the columns'
// codes. Small joint domains are counted in a dense array; large ones (a
// column with a value per row, such as an ID or a ZIP code, paired with
// anything) by sorting the rows' cell numbers with a radix sort and
// counting runs. Both visit cells in increasing order, so sums over cells
// are taken in a fixed order and give the same bits on every run; the
// distances themselves are summed in integers, exactly.

// denseMax is the largest joint domain counted in a dense array, and
// denseRowsFactor bounds it by the rows counted: clearing and scanning a
// dense array of many more cells than rows costs more than sorting.
const (
	denseMax        = 1 << 20
	denseMin        = 1 << 16
	denseRowsFactor = 4
)

// maxKey bounds the cell numbers of the sort path: beyond it (several
// high-cardinality columns in one set), the cells seen so far are renumbered
// densely before the next column is added, so cells never merge.
const maxKey = 1 << 62

// discrete is a column as codes for joint counts: code+off is in
// [0, size). Categorical columns keep their dictionary codes with off 1
// (null, -1, becomes 0), so they are not copied; numeric columns are binned
// into a new slice with off 0.
type discrete struct {
	codes []int32
	off   int32
	size  int
}

// jointBuf holds one worker's buffers for joint counts of two tables.
type jointBuf struct {
	pa, pb []uint32 // cell numbers over a prefix of the columns (< denseMax)
	ka, kb []uint64 // cell numbers to sort
	tmp    []uint64 // radix sort scratch
	ca, cb []int32  // dense counts
	order  []int
	da, db []discrete
}

// denseCells reports whether a joint domain of cells cells over rows rows
// is counted in a dense array.
func denseCells(cells float64, rows int) bool {
	return cells <= denseMin || (cells <= denseMax && cells <= float64(denseRowsFactor*rows))
}

func product(d []discrete) float64 {
	p := 1.0
	for _, x := range d {
		p *= float64(x.size)
	}
	return p
}

// prefix sets j.pa and j.pb to the cell numbers of the columns a and b
// (the same columns in two tables), whose joint domain must be small
// enough to count densely.
func (j *jointBuf) prefix(a, b []discrete, na, nb int) {
	j.pa = growU32(j.pa, na)
	j.pb = growU32(j.pb, nb)
	clear(j.pa)
	clear(j.pb)
	for c := range a {
		size := uint32(a[c].size)
		mulAdd32(j.pa, a[c], size)
		mulAdd32(j.pb, b[c], size)
	}
}

func mulAdd32(keys []uint32, d discrete, size uint32) {
	codes := d.codes[:len(keys)]
	off := d.off
	for i, c := range codes {
		keys[i] = keys[i]*size + uint32(c+off)
	}
}

// mulAdd sets keys[i] = keys[i]·size + code of row i.
func mulAdd(keys []uint64, d discrete, size uint64) {
	codes := d.codes[:len(keys)]
	off := d.off
	for i, c := range codes {
		keys[i] = keys[i]*size + uint64(c+off)
	}
}

// denseTVD returns Σ_cells |w_a·n_a(cell) − w_b·n_b(cell)| over the cells
// of the prefix in j.pa, j.pb (with prefixCells cells) and one more column
// (la, lb), counted in dense arrays.
func (j *jointBuf) denseTVD(prefixCells int, la, lb discrete, wa, wb int64) int64 {
	size := la.size
	n := prefixCells * size
	j.ca = grow32(j.ca, n)
	j.cb = grow32(j.cb, n)
	clear(j.ca)
	clear(j.cb)
	count := func(counts []int32, pre []uint32, d discrete) {
		codes := d.codes[:len(pre)]
		off := d.off
		for i, c := range codes {
			counts[int(pre[i])*size+int(c+off)]++
		}
	}
	count(j.ca, j.pa, la)
	count(j.cb, j.pb, lb)
	var sum int64
	cb := j.cb[:len(j.ca)]
	for c, x := range j.ca {
		sum += abs64(int64(x)*wa - int64(cb[c])*wb)
	}
	return sum
}

// sortedTVD returns the same sum as denseTVD over the columns a and b,
// by sorting the rows' cell numbers: for joint domains too large to count
// densely. The largest column is the most significant digit of the cell
// number: a column with a value per row, whose dictionary codes follow the
// row order, then leaves the numbers sorted already.
func (j *jointBuf) sortedTVD(a, b []discrete, na, nb int, wa, wb int64) int64 {
	j.order = j.order[:0]
	for c := range a {
		j.order = append(j.order, c)
	}
	slices.SortStableFunc(j.order, func(x, y int) int { return a[y].size - a[x].size })
	j.da, j.db = j.da[:0], j.db[:0]
	for _, c := range j.order {
		j.da = append(j.da, a[c])
		j.db = append(j.db, b[c])
	}
	ka, kb, cells := j.keys(j.da, j.db, na, nb)
	j.tmp = grow(j.tmp, max(na, nb))
	sortKeys(ka, j.tmp, cells-1)
	sortKeys(kb, j.tmp, cells-1)
	return mergeRuns(ka, kb, wa, wb)
}

// keys returns the cell numbers of every row of a and b (the same columns
// in two tables) and the number of cells (an upper bound of the numbers).
// When a mixed-radix number would pass maxKey, the numbers so far are
// renumbered densely (over both tables) before the next column is added.
func (j *jointBuf) keys(a, b []discrete, na, nb int) (ka, kb []uint64, cells uint64) {
	j.ka = grow(j.ka, na)
	j.kb = grow(j.kb, nb)
	clear(j.ka)
	clear(j.kb)
	cells = 1
	for c := range a {
		size := uint64(a[c].size)
		if cells > maxKey/max(size, 1) {
			cells = j.renumber()
		}
		mulAdd(j.ka, a[c], size)
		mulAdd(j.kb, b[c], size)
		cells *= size
	}
	return j.ka, j.kb, cells
}

// renumber replaces the cell numbers in j.ka and j.kb by their ranks among
// the distinct numbers of both, and returns how many there are.
func (j *jointBuf) renumber() uint64 {
	all := append(append([]uint64(nil), j.ka...), j.kb...)
	j.tmp = grow(j.tmp, len(all))
	radixSort(all, j.tmp, math.MaxUint64)
	uniq := all[:0]
	for i, k := range all {
		if i == 0 || k != all[i-1] {
			uniq = append(uniq, k)
		}
	}
	for _, keys := range [][]uint64{j.ka, j.kb} {
		for i, k := range keys {
			keys[i] = uint64(sort.Search(len(uniq), func(r int) bool { return uniq[r] >= k }))
		}
	}
	return uint64(len(uniq))
}

// tvd returns the total variation distance between the joint distributions
// of the columns a (na rows) and b (nb rows, the same columns in another
// table):
//
//	½ Σ_cells |n_a(cell)/n_a − n_b(cell)/n_b| = Σ_cells |n_b·n_a(cell) − n_a·n_b(cell)| / (2·n_a·n_b)
//
// The sum on the right is taken in integers, so it is exact.
func (j *jointBuf) tvd(a, b []discrete, na, nb int) float64 {
	k := len(a)
	wa, wb := int64(nb), int64(na) // n_a(cell) is weighted by n_b, n_b(cell) by n_a
	var sum int64
	if denseCells(product(a), na+nb) {
		j.prefix(a[:k-1], b[:k-1], na, nb)
		sum = j.denseTVD(int(product(a[:k-1])), a[k-1], b[k-1], wa, wb)
	} else {
		sum = j.sortedTVD(a, b, na, nb, wa, wb)
	}
	return float64(sum) / (2 * float64(na) * float64(nb))
}

// mergeRuns walks two sorted key slices and returns Σ over distinct keys
// of |wa·count_a(key) − wb·count_b(key)|.
func mergeRuns(ka, kb []uint64, wa, wb int64) int64 {
	var sum int64
	i, k := 0, 0
	for i < len(ka) || k < len(kb) {
		var key uint64
		switch {
		case k >= len(kb) || (i < len(ka) && ka[i] < kb[k]):
			key = ka[i]
		default:
			key = kb[k]
		}
		var ca, cb int64
		for i < len(ka) && ka[i] == key {
			ca++
			i++
		}
		for k < len(kb) && kb[k] == key {
			cb++
			k++
		}
		sum += abs64(ca*wa - cb*wb)
	}
	return sum
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func grow(b []uint64, n int) []uint64 {
	if cap(b) < n {
		return make([]uint64, n)
	}
	return b[:n]
}

func growU32(b []uint32, n int) []uint32 {
	if cap(b) < n {
		return make([]uint32, n)
	}
	return b[:n]
}

func grow32(b []int32, n int) []int32 {
	if cap(b) < n {
		return make([]int32, n)
	}
	return b[:n]
}

// sortKeys sorts keys, whose values are at most maxKey, using buf (at
// least as long as keys) as scratch. Keys that are nearly sorted already
// (the cells of a column with a value per row, whose dictionary codes
// follow the row order, except for a few repeated values) are sorted by
// setting aside the keys that break the order, sorting those and merging:
// O(n) instead of radix sort's passes.
func sortKeys(keys, buf []uint64, maxKey uint64) {
	kept := keys[:0]
	rest := buf[:0]
	for _, k := range keys {
		if len(kept) == 0 || k >= kept[len(kept)-1] {
			kept = append(kept, k)
		} else {
			rest = append(rest, k)
		}
	}
	nk, nr := len(kept), len(rest)
	if nr == 0 {
		return
	}
	if nr > len(keys)/8 {
		copy(keys[nk:], rest)
		radixSort(keys, buf, maxKey)
		return
	}
	radixSort(rest, keys[nk:], maxKey)
	// Merge from the back: the writes stay at or after the reads of kept.
	i, r := nk-1, nr-1
	for w := len(keys) - 1; r >= 0; w-- {
		if i >= 0 && keys[i] > rest[r] {
			keys[w] = keys[i]
			i--
		} else {
			keys[w] = rest[r]
			r--
		}
	}
}

// radixSort sorts keys, whose values are at most maxKey, with a least
// significant digit radix sort of 11-bit digits, using buf (at least as
// long as keys) as scratch, and returns keys.
func radixSort(keys, buf []uint64, maxKey uint64) []uint64 {
	const digit = 11
	const buckets = 1 << digit
	if len(keys) < 256 {
		slices.Sort(keys)
		return keys
	}
	passes := (bits.Len64(maxKey) + digit - 1) / digit
	var count [buckets]int
	src, dst := keys, buf[:len(keys)]
	for p := 0; p < passes; p++ {
		shift := uint(p * digit)
		clear(count[:])
		for _, k := range src {
			count[(k>>shift)&(buckets-1)]++
		}
		pos := 0
		for b, c := range count {
			count[b] = pos
			pos += c
		}
		for _, k := range src {
			b := (k >> shift) & (buckets - 1)
			dst[count[b]] = k
			count[b]++
		}
		src, dst = dst, src
	}
	if passes%2 == 1 {
		copy(keys, src)
	}
	return keys
}

// ChiSquared returns Pearson's χ² statistic of the contingency table of two
// coded columns, over the rows where both codes are non-negative (a
// negative code marks a row to leave out), with the number n of such rows
// and k = min(r, c), r and c the numbers of distinct codes of a and b
// among them:
//
//	χ² = Σ_cells (O − E)² / E = n · (Σ_observed O² / (r_i · c_j) − 1)
//
// over all r×c cells (an empty cell contributes E, hence the −1). Cells are
// visited in a fixed order, so the result is the same on every run.
func ChiSquared(a, b []int32) (chi2 float64, n, k int) {
	if len(a) != len(b) {
		panic("metrics: ChiSquared of columns of different lengths")
	}
	ca, sa := compact(a)
	cb, sb := compact(b)
	ra := make([]float64, sa)
	rb := make([]float64, sb)
	for i := range ca {
		if ca[i] >= 0 && cb[i] >= 0 {
			ra[ca[i]]++
			rb[cb[i]]++
			n++
		}
	}
	k = min(nonZero(ra), nonZero(rb))
	if n == 0 || k < 2 {
		return 0, n, k
	}
	var s float64
	cell := func(x, y int, o float64) { s += o * o / (ra[x] * rb[y]) }
	if denseCells(float64(sa)*float64(sb), n) {
		joint := make([]int32, sa*sb)
		for i := range ca {
			if ca[i] >= 0 && cb[i] >= 0 {
				joint[int(ca[i])*sb+int(cb[i])]++
			}
		}
		for c, o := range joint {
			if o > 0 {
				cell(c/sb, c%sb, float64(o))
			}
		}
	} else {
		keys := make([]uint64, 0, n)
		for i := range ca {
			if ca[i] >= 0 && cb[i] >= 0 {
				keys = append(keys, uint64(ca[i])*uint64(sb)+uint64(cb[i]))
			}
		}
		sortKeys(keys, make([]uint64, len(keys)), uint64(sa)*uint64(sb)-1)
		for i := 0; i < len(keys); {
			j := i
			for j < len(keys) && keys[j] == keys[i] {
				j++
			}
			cell(int(keys[i]/uint64(sb)), int(keys[i]%uint64(sb)), float64(j-i))
			i = j
		}
	}
	return math.Max(float64(n)*(s-1), 0), n, k
}

// compact returns codes renumbered 0..size-1 in increasing order of code,
// negative codes kept negative. Codes are returned as they are when their
// range is not much wider than their number (a dictionary's codes).
func compact(codes []int32) ([]int32, int) {
	hi := int32(-1)
	for _, c := range codes {
		hi = max(hi, c)
	}
	size := int(hi) + 1
	if size <= denseMin || size <= denseRowsFactor*len(codes) {
		return codes, size
	}
	keys := make([]uint64, 0, len(codes))
	for _, c := range codes {
		if c >= 0 {
			keys = append(keys, uint64(c))
		}
	}
	sortKeys(keys, make([]uint64, len(keys)), uint64(hi))
	uniq := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			uniq = append(uniq, k)
		}
	}
	out := make([]int32, len(codes))
	for i, c := range codes {
		if c < 0 {
			out[i] = c
			continue
		}
		out[i] = int32(sort.Search(len(uniq), func(r int) bool { return uniq[r] >= uint64(c) }))
	}
	return out, len(uniq)
}

func nonZero(v []float64) int {
	n := 0
	for _, x := range v {
		if x > 0 {
			n++
		}
	}
	return n
}
