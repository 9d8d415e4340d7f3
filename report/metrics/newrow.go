package metrics

import (
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
// It runs in about O((n_R + n_S) log n_R): rows are grouped by their
// categorical values and null pattern, and matched within a group by
// binary search on the first numeric column.
func RowCopies(real, syn *Table) (*Copies, error) {
	pairs, err := pairCols(real, syn)
	if err != nil {
		return nil, err
	}
	if syn.Rows == 0 {
		return nil, ErrNoRows
	}
	var cat, num [][2]*Column
	for _, p := range pairs {
		if p[0].Numeric {
			num = append(num, p)
		} else {
			cat = append(cat, p)
		}
	}
	// key of a row: categorical codes and the null pattern of numbers.
	key := func(side, i int) string {
		b := make([]byte, 0, 4*len(cat)+len(num))
		for _, p := range cat {
			v := uint32(p[side].Codes[i])
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
		}
		for _, p := range num {
			if math.IsNaN(p[side].Nums[i]) {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
		return string(b)
	}
	// first is the numeric column groups are sorted on.
	first := -1
	groups := map[string][]int{}
	for i := 0; i < real.Rows; i++ {
		k := key(0, i)
		groups[k] = append(groups[k], i)
	}
	if len(num) > 0 {
		first = 0
		for _, g := range groups {
			c := num[0][0].Nums
			slices.SortFunc(g, func(a, b int) int {
				switch {
				case c[a] < c[b]:
					return -1
				case c[a] > c[b]:
					return 1
				}
				return a - b
			})
		}
	}
	res := &Copies{Rows: syn.Rows}
	var novel int
	for i := 0; i < syn.Rows; i++ {
		g := groups[key(1, i)]
		if len(g) == 0 {
			novel++
			continue
		}
		if first < 0 { // only categorical columns: a group match is exact
			res.ExactCopyRows++
			continue
		}
		matched, exact := false, false
		lo, hi := 0, len(g)
		s0 := num[0][1].Nums[i]
		if !math.IsNaN(s0) {
			tol := NumericMatchTolerance * math.Abs(s0)
			c := num[0][0].Nums
			lo = sort.Search(len(g), func(k int) bool { return c[g[k]] >= s0-tol })
			hi = sort.Search(len(g), func(k int) bool { return c[g[k]] > s0+tol })
		}
		for _, r := range g[lo:hi] {
			m, e := true, true
			for _, p := range num {
				rv, sv := p[0].Nums[r], p[1].Nums[i]
				if math.IsNaN(sv) { // the key made rv null too
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
