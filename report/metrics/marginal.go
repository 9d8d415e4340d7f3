package metrics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/veil-data/veil/internal/combin"
)

// MarginalOptions configure MarginalTVD.
type MarginalOptions struct {
	// ExactValues and Bins are NewBinning's parameters for numeric
	// columns; 0 means DefaultExactValues and DefaultBins.
	ExactValues int
	Bins        int
	// MaxSets caps the column sets measured for one k: when the tables
	// share more sets of k columns, a uniform sample of MaxSets of them,
	// drawn with Seed, is measured (MarginalResult.Total says how many
	// there are). 0 measures every set.
	MaxSets int
	Seed    uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS. The result
	// does not depend on it.
	Workers int
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
	// Sets holds every column set measured, in lexicographic order of
	// column positions.
	Sets []SetTVD `json:"sets"`
	// Total is the number of sets of k columns the tables share; more than
	// len(Sets) when MaxSets sampled them.
	Total int `json:"total"`
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
// column with at most 100 distinct values, else 20 equal-frequency bins.
// Categorical columns keep every value, however many: the distance is
// exact (see NewMarginals). It is 0 for equal marginals and 1 for disjoint
// ones; the mean over all sets of k = 2 columns is the headline fidelity
// figure of veil synth.
func MarginalTVD(real, syn *Table, k int, opt *MarginalOptions) (*MarginalResult, error) {
	m, err := NewMarginals(real, syn, opt)
	if err != nil {
		return nil, err
	}
	return m.TVD(k)
}

// Marginals holds two tables discretized for MarginalTVD, to measure
// several k without binning the columns again.
type Marginals struct {
	names  []string
	dr, ds []discrete
	nr, ns int
	opt    MarginalOptions
}

// NewMarginals bins the numeric columns of real and syn (NewBinning on
// real) for Marginals.TVD. Categorical columns are used in place unless
// their dictionary holds more than twice the values they use (then their
// codes are renumbered into a copy): the tables must not change while m
// is used.
//
// Cost: each set of k columns is counted in O(n_R + n_S) time, in a dense
// array of cells when the joint domain is small, else by radix-sorting the
// rows' cell numbers (a column with a value per row, such as an ID, in the
// set); sets are spread over Workers goroutines. Memory per worker: 32
// bytes per row of the larger table and up to 8 MB of dense counts.
func NewMarginals(real, syn *Table, opt *MarginalOptions) (*Marginals, error) {
	pairs, err := pairCols(real, syn)
	if err != nil {
		return nil, err
	}
	if real.Rows == 0 || syn.Rows == 0 {
		return nil, ErrNoRows
	}
	m := &Marginals{nr: real.Rows, ns: syn.Rows}
	if opt != nil {
		m.opt = *opt
	}
	m.dr = make([]discrete, len(pairs))
	m.ds = make([]discrete, len(pairs))
	for i, p := range pairs {
		m.names = append(m.names, p[0].Name)
		m.dr[i], m.ds[i] = discretize(p[0], p[1], m.opt.ExactValues, m.opt.Bins)
	}
	return m, nil
}

// TVD returns the k-way marginal distances (see MarginalTVD).
func (m *Marginals) TVD(k int) (*MarginalResult, error) {
	return m.TVDContext(context.Background(), k)
}

// TVDContext is TVD that stops, returning ctx's error, when ctx is done:
// it checks between groups of sets.
//
// A sample of MaxSets sets is drawn by index into the lexicographic order
// of all sets and each drawn index unranked, so the sets are never listed:
// the work and memory are those of the sample (a table of 2,000 columns
// has 1.3 billion sets of 3).
func (m *Marginals) TVDContext(ctx context.Context, k int) (*MarginalResult, error) {
	n := len(m.names)
	if k < 1 || k > n {
		return nil, fmt.Errorf("marginal of %d columns: the tables share %d", k, n)
	}
	total := combin.Binomial(n, k)
	if total < 0 {
		return nil, fmt.Errorf("marginal of %d columns: too many sets of %d columns", k, n)
	}
	res := &MarginalResult{K: k, Total: total}
	var sets [][]int
	if m.opt.MaxSets > 0 && total > m.opt.MaxSets {
		rng := rand.New(rand.NewPCG(m.opt.Seed, 0x6d617267)) // "marg"
		idx := sampleIndex(total, m.opt.MaxSets, rng)
		sets = make([][]int, len(idx))
		for i, j := range idx {
			sets[i] = make([]int, k)
			combin.Unrank(n, j, sets[i])
		}
	} else {
		combin.ForSubsets(n, k, func(set []int) { sets = append(sets, slices.Clone(set)) })
	}
	tvds := make([]float64, len(sets))
	// Sets in lexicographic order that share their first k−1 columns form
	// a group: the cell numbers of those columns are computed once for the
	// group.
	var groups [][2]int // [first, end) indices into sets
	for i := range sets {
		if i == 0 || !slices.Equal(sets[i][:k-1], sets[i-1][:k-1]) {
			groups = append(groups, [2]int{i, i})
		}
		groups[len(groups)-1][1] = i + 1
	}
	workers := m.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(groups)))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf jointBuf
			a := make([]discrete, k)
			b := make([]discrete, k)
			for {
				g := int(next.Add(1) - 1)
				if g >= len(groups) || ctx.Err() != nil {
					return
				}
				m.groupTVD(&buf, sets[groups[g][0]:groups[g][1]], tvds[groups[g][0]:groups[g][1]], a, b)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var sum float64
	for s, set := range sets {
		names := make([]string, len(set))
		for i, c := range set {
			names[i] = m.names[c]
		}
		res.Sets = append(res.Sets, SetTVD{Columns: names, TVD: tvds[s]})
		sum += tvds[s]
		res.Max = math.Max(res.Max, tvds[s])
	}
	res.Mean = sum / float64(len(sets))
	return res, nil
}

// groupTVD sets tvds[i] to the TVD of sets[i], sets sharing their first
// k−1 columns. a and b are scratch of length k.
func (m *Marginals) groupTVD(buf *jointBuf, sets [][]int, tvds []float64, a, b []discrete) {
	k := len(a)
	wa, wb := int64(m.ns), int64(m.nr)
	havePrefix := false
	for i, set := range sets {
		for c, col := range set {
			a[c], b[c] = m.dr[col], m.ds[col]
		}
		var sum int64
		if denseCells(product(a), m.nr+m.ns) {
			if !havePrefix {
				buf.prefix(a[:k-1], b[:k-1], m.nr, m.ns)
				havePrefix = true
			}
			sum = buf.denseTVD(int(product(a[:k-1])), a[k-1], b[k-1], wa, wb)
		} else {
			sum = buf.sortedTVD(a, b, m.nr, m.ns, wa, wb)
		}
		tvds[i] = float64(sum) / (2 * float64(m.nr) * float64(m.ns))
	}
}
