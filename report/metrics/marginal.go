package metrics

import (
	"fmt"
	"math"
)

// MarginalOptions configure MarginalTVD.
type MarginalOptions struct {
	// ExactValues and Bins are NewBinning's parameters for numeric
	// columns; 0 means DefaultExactValues and DefaultBins.
	ExactValues int
	Bins        int
}

// SetTVD is the distance between the marginals of one set of columns.
type SetTVD struct {
	Columns []string `json:"columns"`
	TVD     float64  `json:"tvd"`
}

// MarginalResult is the k-way marginal distance of two tables.
type MarginalResult struct {
	K    int     `json:"k"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
	// Sets holds every column set, in lexicographic order of column
	// positions.
	Sets []SetTVD `json:"sets"`
}

// MarginalTVD returns the total variation distance between the k-way
// marginals of real and syn, for every set of k columns the two tables
// share, and their mean and maximum:
//
//	TVD(A) = ½ Σ_cells |n_R(cell)/n_R − n_S(cell)/n_S|
//
// over the cells of the joint distribution of the columns A. Null is a
// value of its own. Numeric columns are cut into the bins of NewBinning
// computed on real (the same bins for syn): by default every value of a
// column with at most 100 distinct values, else 20 equal-frequency bins. It is 0 for equal marginals and
// 1 for disjoint ones; the mean over all sets of k = 2 columns is the
// headline fidelity figure of veil synth.
func MarginalTVD(real, syn *Table, k int, opt *MarginalOptions) (*MarginalResult, error) {
	pairs, err := pairCols(real, syn)
	if err != nil {
		return nil, err
	}
	if real.Rows == 0 || syn.Rows == 0 {
		return nil, ErrNoRows
	}
	if k < 1 || k > len(pairs) {
		return nil, fmt.Errorf("marginal of %d columns: the tables share %d", k, len(pairs))
	}
	var exact, bins int
	if opt != nil {
		exact, bins = opt.ExactValues, opt.Bins
	}
	dr := make([]discrete, len(pairs))
	ds := make([]discrete, len(pairs))
	for i, p := range pairs {
		dr[i], ds[i] = discretize(p[0], p[1], exact, bins)
	}
	res := &MarginalResult{K: k}
	var sum float64
	var cnt counter
	forSubsets(len(pairs), k, func(set []int) {
		tvd := cnt.tvd(dr, ds, set, real.Rows, syn.Rows)
		names := make([]string, len(set))
		for i, c := range set {
			names[i] = pairs[c][0].Name
		}
		res.Sets = append(res.Sets, SetTVD{Columns: names, TVD: tvd})
		sum += tvd
		res.Max = math.Max(res.Max, tvd)
	})
	res.Mean = sum / float64(len(res.Sets))
	return res, nil
}

// forSubsets calls fn with every k-subset of 0..n-1 in lexicographic order.
// fn must not keep the slice.
func forSubsets(n, k int, fn func([]int)) {
	set := make([]int, k)
	for i := range set {
		set[i] = i
	}
	for {
		fn(set)
		i := k - 1
		for i >= 0 && set[i] == n-k+i {
			i--
		}
		if i < 0 {
			return
		}
		set[i]++
		for j := i + 1; j < k; j++ {
			set[j] = set[j-1] + 1
		}
	}
}

// denseCells is the largest joint domain counted in a dense array; larger
// ones are counted in a map.
const denseCells = 1 << 22

// counter holds reusable buffers for joint counts.
type counter struct {
	dense []float64
	keys  []int64
}

// tvd computes the TVD between the joints of columns set in tables a and b
// (as discretized columns da, db with na and nb rows).
func (c *counter) tvd(da, db []discrete, set []int, na, nb int) float64 {
	cells := 1.0
	for _, j := range set {
		cells *= float64(da[j].size)
	}
	wa, wb := 1/float64(na), 1/float64(nb)
	if cells <= denseCells {
		n := int(cells)
		if cap(c.dense) < n {
			c.dense = make([]float64, n)
		}
		d := c.dense[:n]
		clear(d)
		c.keys = jointKeys(c.keys, da, set, na)
		for _, k := range c.keys {
			d[k] += wa
		}
		c.keys = jointKeys(c.keys, db, set, nb)
		for _, k := range c.keys {
			d[k] -= wb
		}
		var s float64
		for _, v := range d {
			s += math.Abs(v)
		}
		return s / 2
	}
	m := map[int64]float64{}
	c.keys = jointKeys(c.keys, da, set, na)
	for _, k := range c.keys {
		m[k] += wa
	}
	c.keys = jointKeys(c.keys, db, set, nb)
	for _, k := range c.keys {
		m[k] -= wb
	}
	var s float64
	for _, v := range m {
		s += math.Abs(v)
	}
	return s / 2
}

// jointKeys returns the mixed-radix cell index of every row on columns set.
// Beyond 2^63 cells (several high-cardinality columns at once) the index
// wraps around and may merge cells.
func jointKeys(buf []int64, d []discrete, set []int, rows int) []int64 {
	if cap(buf) < rows {
		buf = make([]int64, rows)
	}
	buf = buf[:rows]
	clear(buf)
	for _, j := range set {
		size := int64(d[j].size)
		for i, v := range d[j].codes {
			buf[i] = buf[i]*size + int64(v)
		}
	}
	return buf
}
