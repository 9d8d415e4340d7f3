package metrics

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/veil-data/veil/internal/combin"
)

// SDMetrics' Column Pair Trends defaults (QualityReport, v0.27.0 and later):
// a pair counts in the property's mean only when the real data shows a
// relationship of at least this strength.
const (
	// RealCorrelationThreshold is the least |Pearson r| of a numeric pair.
	RealCorrelationThreshold = 0.5
	// RealAssociationThreshold is the least Cramér's V of a categorical or
	// mixed pair.
	RealAssociationThreshold = 0.3
)

// ContingencyMaxRows is the number of rows ContingencySimilarity keeps:
// when either table has more, both are subsampled to it, as SDMetrics does.
const ContingencyMaxRows = 50_000

// contingencyBins is the number of equal-width bins of a numeric column in
// a mixed pair (numpy.histogram_bin_edges(bins=10)).
const contingencyBins = 10

// Pearson returns Pearson's r of x and y over the rows where both are
// non-null, or NaN when fewer than two such rows exist or either is
// constant on them.
func Pearson(x, y []float64) float64 {
	var n, sx, sy float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
	}
	if n < 2 {
		return math.NaN()
	}
	mx, my := sx/n, sy/n
	var cxy, cxx, cyy float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		dx, dy := x[i]-mx, y[i]-my
		cxy += dx * dy
		cxx += dx * dx
		cyy += dy * dy
	}
	if cxx == 0 || cyy == 0 {
		return math.NaN()
	}
	return cxy / math.Sqrt(cxx*cyy)
}

// CorrelationSimilarity returns 1 − |r_R − r_S| / 2 for two numeric columns
// a and b, with r Pearson's correlation over the rows where both are
// non-null, computed separately in the real and the synthetic table
// (SDMetrics' CorrelationSimilarity). It returns the score and r_R; both
// are NaN when r is undefined in either table (a constant column).
func CorrelationSimilarity(realA, realB, synA, synB *Column) (score, realR float64) {
	rr := Pearson(realA.Nums, realB.Nums)
	rs := Pearson(synA.Nums, synB.Nums)
	if math.IsNaN(rr) || math.IsNaN(rs) {
		return math.NaN(), rr
	}
	return 1 - math.Abs(rr-rs)/2, rr
}

// contingencyCodes returns column c as codes for a contingency table: a
// categorical column's codes with null as its own level; a numeric column
// cut into 10 equal-width bins over its own non-null range, numbered as
// numpy.digitize numbers them (1..10, with the maximum value and null both
// in 11). As in SDMetrics, the edges of each table are computed from that
// table's own values.
func contingencyCodes(c *Column, rows []int) []int32 {
	out := make([]int32, len(rows))
	if !c.Numeric {
		size := c.Dict.Len() + 1
		for k, i := range rows {
			v := c.Codes[i]
			if v < 0 {
				v = int32(size - 1)
			}
			out[k] = v
		}
		return out
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, i := range rows {
		if v := c.Nums[i]; !math.IsNaN(v) {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	if lo > hi { // all null
		lo, hi = 0, 1
	}
	if lo == hi { // numpy widens a constant range by ±0.5
		lo, hi = lo-0.5, hi+0.5
	}
	edges := make([]float64, contingencyBins+1)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/contingencyBins
	}
	edges[contingencyBins] = hi
	for k, i := range rows {
		v := c.Nums[i]
		switch {
		case math.IsNaN(v) || v >= hi:
			out[k] = contingencyBins + 1
		default:
			// digitize: the i with edges[i-1] <= v < edges[i].
			b := int32(1)
			for b < contingencyBins && v >= edges[b] {
				b++
			}
			out[k] = b
		}
	}
	return out
}

// CramersV returns Cramér's V of the contingency table of two coded
// columns, without bias correction (scipy.stats.contingency.association
// with method="cramer"):
//
//	V = √(χ² / (n · (min(r, c) − 1)))
//
// over the r rows and c columns that occur (see ChiSquared; rows with a
// negative code are left out). It is 0 when either column takes a single
// value, NaN when there is no row.
func CramersV(a, b []int32) float64 {
	chi2, n, k := ChiSquared(a, b)
	switch {
	case n == 0:
		return math.NaN()
	case k < 2:
		return 0
	}
	// V ≤ 1; the min keeps a rounding excess (1.00000000000002) out of
	// the figures.
	return math.Min(math.Sqrt(chi2/(float64(n)*float64(k-1))), 1)
}

// ContingencySimilarity returns 1 − TVD of the joint distributions of two
// columns in the real and the synthetic table (SDMetrics'
// ContingencySimilarity), with numeric columns binned by contingencyCodes,
// and Cramér's V of the real contingency table. When either table has more
// than ContingencyMaxRows rows, both are subsampled to at most that many
// rows with rng.
func ContingencySimilarity(realA, realB, synA, synB *Column, rng *rand.Rand) (score, realV float64) {
	nr, ns := lenOf(realA), lenOf(synA)
	rowsR, rowsS := contingencyRows(nr, ns, rng)
	if len(rowsR) == 0 || len(rowsS) == 0 {
		return math.NaN(), math.NaN()
	}
	ra := contingencyCodes(realA, rowsR)
	rb := contingencyCodes(realB, rowsR)
	sa := contingencyCodes(synA, rowsS)
	sb := contingencyCodes(synB, rowsS)
	var buf jointBuf
	return contingencySimilarity(&buf, ra, rb, sa, sb), CramersV(ra, rb)
}

// contingencyRows returns the rows ContingencySimilarity uses: all of
// them, or when either table has more than ContingencyMaxRows rows, a
// uniform sample of at most that many of each.
func contingencyRows(nr, ns int, rng *rand.Rand) (rowsR, rowsS []int) {
	if nr > ContingencyMaxRows || ns > ContingencyMaxRows {
		return sampleIndex(nr, ContingencyMaxRows, rng), sampleIndex(ns, ContingencyMaxRows, rng)
	}
	return allRows(nr), allRows(ns)
}

// contingencySimilarity returns 1 − TVD of the joint distributions of the
// coded columns (ra, rb) and (sa, sb).
func contingencySimilarity(buf *jointBuf, ra, rb, sa, sb []int32) float64 {
	size := func(x, y []int32) int {
		hi := int32(0)
		for _, c := range x {
			hi = max(hi, c)
		}
		for _, c := range y {
			hi = max(hi, c)
		}
		return int(hi) + 1
	}
	na, nb := size(ra, sa), size(rb, sb)
	a := []discrete{{codes: ra, size: na}, {codes: rb, size: nb}}
	b := []discrete{{codes: sa, size: na}, {codes: sb, size: nb}}
	return 1 - buf.tvd(a, b, len(ra), len(sa))
}

func lenOf(c *Column) int {
	if c.Numeric {
		return len(c.Nums)
	}
	return len(c.Codes)
}

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

// PairScore is the trend score of one pair of columns.
type PairScore struct {
	Columns [2]string `json:"columns"`
	// Metric is CorrelationSimilarity or ContingencySimilarity.
	Metric string  `json:"metric"`
	Score  float64 `json:"score"` // NaN when undefined
	// Real is the strength of the relationship in the real data: |r| for
	// CorrelationSimilarity, Cramér's V for ContingencySimilarity.
	Real float64 `json:"real"`
	// MeetsThreshold tells whether the pair counts in the property's mean.
	MeetsThreshold bool `json:"meets_threshold"`
}

// TrendOptions configure ColumnPairTrends. The zero value uses SDMetrics'
// v0.27 thresholds; AllPairs (both thresholds 0) averages every pair, as
// SDMetrics did up to v0.26.
type TrendOptions struct {
	// CorrelationThreshold and AssociationThreshold override
	// RealCorrelationThreshold and RealAssociationThreshold when AllPairs
	// is false and they are positive.
	CorrelationThreshold float64
	AssociationThreshold float64
	// AllPairs counts every pair whose score is defined.
	AllPairs bool
	// Seed drives the subsample of ContingencySimilarity on big tables
	// and the sample of pairs (MaxPairs).
	Seed uint64
	// MaxPairs caps the pairs scored: when the tables share more pairs of
	// columns, a uniform sample of MaxPairs of them, drawn with Seed, is
	// scored (Quality.PairsTotal says how many there are), as MaxSets does
	// for marginals. 0 scores every pair.
	MaxPairs int
	// Column, if set, restricts the pairs scored to those that hold the
	// column of that name (all of them, whatever MaxPairs): a target's
	// associations when the other pairs were sampled.
	Column string
}

// ColumnPairTrends scores every pair of columns the tables share:
// CorrelationSimilarity for two numeric columns, ContingencySimilarity
// otherwise. The property is the mean over the pairs that meet the
// threshold (|r_R| > 0.5, V_R > 0.3 by default); NaN when none does.
//
// When either table has more than ContingencyMaxRows rows, one uniform
// sample of that many rows of each table, drawn with opt.Seed, serves
// every ContingencySimilarity pair (SDMetrics draws one per pair; each
// pair's estimate has the same distribution). CorrelationSimilarity uses
// every row.
func ColumnPairTrends(real, syn *Table, opt *TrendOptions) (float64, []PairScore, error) {
	mean, pairs, _, err := ColumnPairTrendsContext(context.Background(), real, syn, opt)
	return mean, pairs, err
}

// ColumnPairTrendsContext is ColumnPairTrends that stops, returning ctx's
// error, when ctx is done, and also returns the number of pairs the
// tables share (more than len(pairs) when opt.MaxPairs sampled them).
func ColumnPairTrendsContext(ctx context.Context, real, syn *Table, opt *TrendOptions) (float64, []PairScore, int, error) {
	pairs, err := pairCols(real, syn)
	if err != nil {
		return 0, nil, 0, err
	}
	if opt == nil {
		opt = &TrendOptions{}
	}
	corrT, assocT := RealCorrelationThreshold, RealAssociationThreshold
	if opt.AllPairs {
		corrT, assocT = 0, 0
	} else {
		if opt.CorrelationThreshold > 0 {
			corrT = opt.CorrelationThreshold
		}
		if opt.AssociationThreshold > 0 {
			assocT = opt.AssociationThreshold
		}
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x7472656e6473)) // "trends"
	// ContingencySimilarity's rows and codes: one sample of each table
	// (when either has more than ContingencyMaxRows rows) serves every
	// pair, and each column is coded once.
	var rowsR, rowsS []int
	if len(pairs) > 0 {
		rowsR, rowsS = contingencyRows(real.Rows, syn.Rows, rng)
	}
	codesR := make([][]int32, len(pairs))
	codesS := make([][]int32, len(pairs))
	coded := func(i int) {
		if codesR[i] == nil {
			codesR[i] = contingencyCodes(pairs[i][0], rowsR)
			codesS[i] = contingencyCodes(pairs[i][1], rowsS)
		}
	}
	// The pairs scored: all of them, or a uniform sample drawn by index
	// into their lexicographic order (its own stream of the seed, so that
	// the rows sampled above do not depend on it).
	total := combin.Binomial(len(pairs), 2)
	var which [][2]int
	switch {
	case opt.Column != "":
		for i := range pairs {
			for j := i + 1; j < len(pairs); j++ {
				if pairs[i][0].Name == opt.Column || pairs[j][0].Name == opt.Column {
					which = append(which, [2]int{i, j})
				}
			}
		}
		total = len(which)
	case opt.MaxPairs > 0 && total > opt.MaxPairs:
		prng := rand.New(rand.NewPCG(opt.Seed, 0x7061697273)) // "pairs"
		set := make([]int, 2)
		for _, r := range sampleIndex(total, opt.MaxPairs, prng) {
			combin.Unrank(len(pairs), r, set)
			which = append(which, [2]int{set[0], set[1]})
		}
	default:
		combin.ForSubsets(len(pairs), 2, func(set []int) { which = append(which, [2]int{set[0], set[1]}) })
	}
	var buf jointBuf
	var out []PairScore
	var vals []float64
	for n, ij := range which {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, nil, 0, err
			}
		}
		i, j := ij[0], ij[1]
		a, b := pairs[i], pairs[j]
		ps := PairScore{Columns: [2]string{a[0].Name, b[0].Name}}
		if a[0].Numeric && b[0].Numeric {
			ps.Metric = "CorrelationSimilarity"
			var r float64
			ps.Score, r = CorrelationSimilarity(a[0], b[0], a[1], b[1])
			ps.Real = math.Abs(r)
			ps.MeetsThreshold = !math.IsNaN(ps.Score) && (opt.AllPairs || ps.Real > corrT)
		} else {
			ps.Metric = "ContingencySimilarity"
			if len(rowsR) == 0 || len(rowsS) == 0 {
				ps.Score, ps.Real = math.NaN(), math.NaN()
			} else {
				coded(i)
				coded(j)
				ps.Score = contingencySimilarity(&buf, codesR[i], codesR[j], codesS[i], codesS[j])
				ps.Real = CramersV(codesR[i], codesR[j])
			}
			ps.MeetsThreshold = !math.IsNaN(ps.Score) && (opt.AllPairs || ps.Real > assocT)
		}
		out = append(out, ps)
		if ps.MeetsThreshold {
			vals = append(vals, ps.Score)
		}
	}
	return nanMean(vals), out, total, nil
}

// Quality is SDMetrics' overall quality score of a synthetic table.
type Quality struct {
	// Score is the mean of the two properties (NaN ones left out).
	Score            float64       `json:"score"`
	ColumnShapes     float64       `json:"column_shapes"`
	ColumnPairTrends float64       `json:"column_pair_trends"`
	Columns          []ColumnScore `json:"columns"`
	Pairs            []PairScore   `json:"pairs"`
	// PairsTotal is the number of pairs the tables share: more than
	// len(Pairs) when TrendOptions.MaxPairs sampled them.
	PairsTotal int `json:"pairs_total"`
}

// QualityScore returns the Column Shapes and Column Pair Trends properties
// and the overall score, their mean with equal weight (SDMetrics'
// QualityReport).
func QualityScore(real, syn *Table, opt *TrendOptions) (*Quality, error) {
	return QualityScoreContext(context.Background(), real, syn, opt)
}

// QualityScoreContext is QualityScore that stops, returning ctx's error,
// when ctx is done.
func QualityScoreContext(ctx context.Context, real, syn *Table, opt *TrendOptions) (*Quality, error) {
	shapes, cols, err := ColumnShapes(real, syn)
	if err != nil {
		return nil, err
	}
	trends, pairs, total, err := ColumnPairTrendsContext(ctx, real, syn, opt)
	if err != nil {
		return nil, err
	}
	return &Quality{Score: nanMean([]float64{shapes, trends}), ColumnShapes: shapes, ColumnPairTrends: trends,
		Columns: cols, Pairs: pairs, PairsTotal: total}, nil
}
