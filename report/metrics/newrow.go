package metrics

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// NumericMatchTolerance is SDMetrics' numerical_match_tolerance: a
// synthetic number s matches a real number r when |r − s| <= 0.01·|s|.
const NumericMatchTolerance = 0.01

// Copies holds the row-matching figures of a synthetic table.
type Copies struct {
	// NewRowSynthesis is the share of synthetic rows that match no real
	// row (SDMetrics' NewRowSynthesis, numbers within 1 %).
	NewRowSynthesis float64 `json:"new_row_synthesis"`
	// ExactCopies is the share of synthetic rows equal to a real row in
	// every column the tables share.
	ExactCopies float64 `json:"exact_copies"`
	// ExactCopyRows counts them.
	ExactCopyRows int `json:"exact_copy_rows"`
	Rows          int `json:"rows"`
}

// RowCopies returns the share of syn's rows that copy a row of real: the
// exact copies (every shared column equal, null equal to null), and
// SDMetrics' NewRowSynthesis, for which a real row matches when every
// categorical value is equal and every number is within
// NumericMatchTolerance·|s| of the synthetic one s (nulls match nulls).
// It runs in O((n_R + n_S) log n_R) time and about 40 bytes per row:
// rows are numbered by their categorical values and null pattern, the real
// rows sorted by that number and their numeric values, and each synthetic
// row is matched by binary search within its group (an exact copy first,
// then the window of its first number).
func RowCopies(real, syn *Table) (*Copies, error) {
	pairs, err := pairCols(real, syn)
	if err != nil {
		return nil, err
	}
	if syn.Rows == 0 {
		return nil, ErrNoRows
	}
	var cat []discrete
	var catS []discrete
	var num [][2]*Column
	for _, p := range pairs {
		if p[0].Numeric {
			num = append(num, p)
			continue
		}
		size := p[0].Dict.Len() + 1
		cat = append(cat, discrete{codes: p[0].Codes, off: 1, size: size})
		catS = append(catS, discrete{codes: p[1].Codes, off: 1, size: size})
	}
	// The group of a row: its categorical values and the null pattern of
	// its numbers, as one number (renumbered when it would overflow).
	var j jointBuf
	ka, kb, cells := j.keys(cat, catS, real.Rows, syn.Rows)
	for _, p := range num {
		if cells > maxKey/2 {
			cells = j.renumber()
		}
		for side, keys := range [][]uint64{ka, kb} {
			for i, v := range p[side].Nums {
				keys[i] *= 2
				if math.IsNaN(v) {
					keys[i]++
				}
			}
		}
		cells *= 2
	}
	// Real rows by group, then by their numbers in column order, then by
	// position: the first number bounds the tolerance window, and all of
	// them find an exact copy by binary search.
	order := make([]int32, real.Rows)
	for i := range order {
		order[i] = int32(i)
	}
	var first []float64
	if len(num) > 0 {
		first = num[0][0].Nums
	}
	// numsCmp compares real row x with row y of side (0 real, 1 synthetic)
	// on every number (cmp.Compare: NaN equal to NaN, below numbers).
	numsCmp := func(x int32, side int, y int) int {
		for _, p := range num {
			if c := cmp.Compare(p[0].Nums[x], p[side].Nums[y]); c != 0 {
				return c
			}
		}
		return 0
	}
	slices.SortFunc(order, func(x, y int32) int {
		if c := cmp.Compare(ka[x], ka[y]); c != 0 {
			return c
		}
		if c := numsCmp(x, 0, int(y)); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	sorted := make([]uint64, len(order))
	for i, r := range order {
		sorted[i] = ka[r]
	}
	res := &Copies{Rows: syn.Rows}
	var novel int
	for i := 0; i < syn.Rows; i++ {
		key := kb[i]
		lo, _ := slices.BinarySearch(sorted, key)
		// The group's end by binary search too: a release whose
		// categorical columns are all generalized to a few values has
		// groups of most rows, and a scan per row would be quadratic.
		hi := lo + sort.Search(len(sorted)-lo, func(k int) bool { return sorted[lo+k] != key })
		g := order[lo:hi]
		if len(g) == 0 {
			novel++
			continue
		}
		if len(num) == 0 { // only categorical columns: a group match is exact
			res.ExactCopyRows++
			continue
		}
		// An exact copy first, by binary search: a release that keeps
		// most rows (anonymized, with few distinct values) would make the
		// window scan below quadratic.
		if k := sort.Search(len(g), func(k int) bool { return numsCmp(g[k], 1, i) >= 0 }); k < len(g) && numsCmp(g[k], 1, i) == 0 {
			res.ExactCopyRows++
			continue
		}
		matched, exact := false, false
		wlo, whi := 0, len(g)
		s0 := num[0][1].Nums[i]
		if !math.IsNaN(s0) {
			tol := NumericMatchTolerance * math.Abs(s0)
			wlo = sort.Search(len(g), func(k int) bool { return first[g[k]] >= s0-tol })
			whi = sort.Search(len(g), func(k int) bool { return first[g[k]] > s0+tol })
		}
		for _, r := range g[wlo:whi] {
			m, e := true, true
			for _, p := range num {
				rv, sv := p[0].Nums[r], p[1].Nums[i]
				if math.IsNaN(sv) { // the group made rv null too
					continue
				}
				if math.Abs(rv-sv) > NumericMatchTolerance*math.Abs(sv) {
					m = false
					break
				}
				if rv != sv {
					e = false
				}
			}
			if m {
				matched = true
				if e {
					exact = true
					break
				}
			}
		}
		if !matched {
			novel++
		}
		if exact {
			res.ExactCopyRows++
		}
	}
	res.NewRowSynthesis = float64(novel) / float64(syn.Rows)
	res.ExactCopies = float64(res.ExactCopyRows) / float64(syn.Rows)
	return res, nil
}
