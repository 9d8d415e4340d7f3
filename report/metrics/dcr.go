package metrics

import (
	"context"
	"errors"
	"hash/maphash"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/veil-data/veil/dataset"
)

// Sample sizes of the distance metrics. DCR compares every synthetic row
// with every reference row, so its cost is the product of the two; at these
// sizes it takes about a second on two cores for a 9-column table.
const (
	// DefaultDCRSampleRows is the number of synthetic rows whose DCR is
	// computed (a uniform sample when there are more).
	DefaultDCRSampleRows = 20_000
	// DefaultDCRRefRows is the largest reference table (real, training or
	// holdout rows) searched (a uniform sample when there are more).
	DefaultDCRRefRows = 50_000
)

// DCROptions configure the distance metrics.
type DCROptions struct {
	// SampleRows is the number of synthetic rows evaluated: 0 means
	// DefaultDCRSampleRows, a negative number all.
	SampleRows int
	// RefRows caps the reference rows searched: 0 means
	// DefaultDCRRefRows, a negative number all.
	RefRows int
	// Seed drives the samples (and the random baseline table).
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Context, if not nil, stops the searches when it is done: the
	// functions then return its error. (The searches are linear in the
	// columns and quadratic in the rows: on 2,000 columns each takes
	// seconds.)
	Context context.Context
}

func (o *DCROptions) sizes() (sample, ref int) {
	sample, ref = DefaultDCRSampleRows, DefaultDCRRefRows
	if o == nil {
		return
	}
	switch {
	case o.SampleRows < 0:
		sample = math.MaxInt
	case o.SampleRows > 0:
		sample = o.SampleRows
	}
	switch {
	case o.RefRows < 0:
		ref = math.MaxInt
	case o.RefRows > 0:
		ref = o.RefRows
	}
	return
}

func (o *DCROptions) rng(stream uint64) *rand.Rand {
	var seed uint64
	if o != nil {
		seed = o.Seed
	}
	return rand.New(rand.NewPCG(seed, 0x646372^stream)) // "dcr"
}

func (o *DCROptions) ctx() context.Context {
	if o != nil && o.Context != nil {
		return o.Context
	}
	return context.Background()
}

func (o *DCROptions) workers() int {
	if o != nil && o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Distances computes DCR(x, ref) for every row x of query: the distance to
// the closest row of ref, with the Gower-like distance of SDMetrics'
// calculate_dcr, over the columns both tables have:
//
//	dist(x, y) = (1/|C|) Σ_j d_j(x_j, y_j)
//	d_j = min(|x_j − y_j| / range_j, 1)   numeric or date column j
//	d_j = 0 if x_j = y_j, else 1         categorical column j
//
// where range_j = max − min of column j in ref (a range of 0 gives 1 for
// different values), and a null against a value is 1, null against null 0.
// The result is in [0, 1], 0 for a row equal to a reference row.
//
// The search is exact. Each synthetic row is first looked up in a hash of
// the reference rows (distance 0: done). Otherwise the categorical matches
// against all reference rows are counted 64 rows at a time with bitsets (one
// per column value) added into bit-sliced counters; rows are then visited
// from the most matches down, adding the numeric distances, until the
// categorical distance alone exceeds the best distance found. The synthetic
// rows are split among the workers.
func Distances(query, ref *Table, workers int) ([]float64, error) {
	d, _, err := distances(context.Background(), query, ref, workers)
	return d, err
}

// distancesCtx is Distances that stops when ctx is done.
func distancesCtx(ctx context.Context, query, ref *Table, workers int) ([]float64, error) {
	d, _, err := distances(ctx, query, ref, workers)
	return d, err
}

// distances returns the DCR of every query row and the number of
// reference rows at that distance; it stops, returning ctx's error, when
// ctx is done.
func distances(ctx context.Context, query, ref *Table, workers int) ([]float64, []int32, error) {
	pairs, err := pairCols(ref, query)
	if err != nil {
		return nil, nil, err
	}
	if ref.Rows == 0 || query.Rows == 0 {
		return nil, nil, ErrNoRows
	}
	if len(pairs) == 0 {
		return nil, nil, errors.New("the tables share no column")
	}
	ix := newDCRIndex(ref, pairs)
	out := make([]float64, query.Rows)
	ties := make([]int32, query.Rows)
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	chunk := (query.Rows + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, query.Rows)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := ix.newSearcher()
			qc := make([]int32, len(ix.cat))
			qn := make([]float64, len(ix.num))
			for i := lo; i < hi; i++ {
				if (i-lo)%16 == 0 && ctx.Err() != nil {
					return
				}
				for k, c := range ix.catQuery {
					qc[k] = c.Codes[i]
				}
				for k, c := range ix.numQuery {
					qn[k] = c.Nums[i]
				}
				out[i], ties[i] = s.nearest(qc, qn)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return out, ties, nil
}

// smallDomain is the largest number of distinct reference values a
// categorical column may have to get precomputed bitsets; columns with more
// build their match bitset per query row.
const smallDomain = 1024

// dcrIndex is the reference table prepared for nearest-row searches.
type dcrIndex struct {
	rows, words int
	ncols       float64 // |C|
	cat         []catIndex
	num         []numIndex
	catQuery    []*Column
	numQuery    []*Column
	planes      int // bit planes of the match counters
	lastMask    uint64
	seed        maphash.Seed
	exact       map[uint64][]int32 // row hash -> reference rows
}

type catIndex struct {
	codes []int32
	sets  map[int32][]uint64 // nil for a large domain
}

type numIndex struct {
	vals  []float64 // NaN = null
	scale float64   // 1/range; 0 when the range is 0
}

func newDCRIndex(ref *Table, pairs [][2]*Column) *dcrIndex {
	ix := &dcrIndex{rows: ref.Rows, words: (ref.Rows + 63) / 64, ncols: float64(len(pairs)), seed: maphash.MakeSeed()}
	ix.lastMask = ^uint64(0)
	if r := ref.Rows % 64; r != 0 {
		ix.lastMask = 1<<r - 1
	}
	for _, p := range pairs {
		rc, qc := p[0], p[1]
		if rc.Numeric {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range rc.Nums {
				if !math.IsNaN(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
			ni := numIndex{vals: rc.Nums}
			if hi > lo {
				ni.scale = 1 / (hi - lo)
			}
			ix.num = append(ix.num, ni)
			ix.numQuery = append(ix.numQuery, qc)
			continue
		}
		ci := catIndex{codes: rc.Codes}
		distinct := map[int32]int{}
		for _, v := range rc.Codes {
			distinct[v]++
			if len(distinct) > smallDomain {
				break
			}
		}
		if len(distinct) <= smallDomain {
			ci.sets = map[int32][]uint64{}
			for i, v := range rc.Codes {
				s := ci.sets[v]
				if s == nil {
					s = make([]uint64, ix.words)
					ci.sets[v] = s
				}
				s[i>>6] |= 1 << (i & 63)
			}
		}
		ix.cat = append(ix.cat, ci)
		ix.catQuery = append(ix.catQuery, qc)
	}
	ix.planes = bits.Len(uint(len(ix.cat)))
	ix.exact = map[uint64][]int32{}
	for i := 0; i < ref.Rows; i++ {
		h := ix.hashRow(func(k int) int32 { return ix.cat[k].codes[i] }, func(k int) float64 { return ix.num[k].vals[i] })
		ix.exact[h] = append(ix.exact[h], int32(i))
	}
	return ix
}

func (ix *dcrIndex) hashRow(cat func(int) int32, num func(int) float64) uint64 {
	var h maphash.Hash
	h.SetSeed(ix.seed)
	var b [8]byte
	for k := range ix.cat {
		v := uint32(cat(k))
		b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		h.Write(b[:4])
	}
	for k := range ix.num {
		v := num(k)
		u := math.Float64bits(v)
		if math.IsNaN(v) {
			u = 0x7ff8000000000001
		}
		for j := range 8 {
			b[j] = byte(u >> (8 * j))
		}
		h.Write(b[:])
	}
	return h.Sum64()
}

// searcher holds one worker's buffers.
type searcher struct {
	ix      *dcrIndex
	planes  []uint64 // word w, plane p at w*P+p
	scratch []uint64 // match bitset of a large-domain column
	sets    [][]uint64
}

func (ix *dcrIndex) newSearcher() *searcher {
	return &searcher{ix: ix, planes: make([]uint64, ix.words*max(ix.planes, 1)), scratch: make([]uint64, ix.words*len(ix.cat)),
		sets: make([][]uint64, len(ix.cat))}
}

// equalNull reports whether two numeric values are equal, nulls included.
func equalNull(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// nearest returns the DCR of the query row (categorical codes qc, numeric
// values qn) and the number of reference rows at that distance.
func (s *searcher) nearest(qc []int32, qn []float64) (float64, int32) {
	ix := s.ix
	h := ix.hashRow(func(k int) int32 { return qc[k] }, func(k int) float64 { return qn[k] })
	var copies int32
	for _, i := range ix.exact[h] {
		same := true
		for k := range ix.cat {
			if ix.cat[k].codes[i] != qc[k] {
				same = false
				break
			}
		}
		for k := range ix.num {
			if same && !equalNull(ix.num[k].vals[i], qn[k]) {
				same = false
			}
		}
		if same {
			copies++
		}
	}
	if copies > 0 {
		return 0, copies
	}
	ncat := len(ix.cat)
	P := ix.planes
	// Match bitsets of the query's values.
	for k, c := range ix.cat {
		if c.sets != nil {
			s.sets[k] = c.sets[qc[k]] // nil: the value never occurs in ref
			continue
		}
		m := s.scratch[k*ix.words : (k+1)*ix.words]
		clear(m)
		v := qc[k]
		for i, x := range c.codes {
			if x == v {
				m[i>>6] |= 1 << (i & 63)
			}
		}
		s.sets[k] = m
	}
	// Bit-sliced match counts.
	if ncat > 0 {
		clear(s.planes)
		for k := range ix.cat {
			set := s.sets[k]
			if set == nil {
				continue
			}
			for w, carry := range set {
				pl := s.planes[w*P : w*P+P]
				for p := 0; carry != 0 && p < P; p++ {
					t := pl[p] & carry
					pl[p] ^= carry
					carry = t
				}
			}
		}
	}
	best := math.Inf(1)
	var ties int32
	// Visit rows by decreasing categorical matches m: their distance is at
	// least (ncat − m)/|C|.
	for m := ncat; m >= 0; m-- {
		catDist := float64(ncat - m)
		if catDist > best {
			break
		}
		for w := 0; w < ix.words; w++ {
			mask := ^uint64(0)
			if w == ix.words-1 {
				mask = ix.lastMask
			}
			if ncat > 0 {
				pl := s.planes[w*P : w*P+P]
				for p := 0; p < P && mask != 0; p++ {
					if m>>p&1 == 1 {
						mask &= pl[p]
					} else {
						mask &^= pl[p]
					}
				}
			}
			for mask != 0 {
				b := bits.TrailingZeros64(mask)
				mask &= mask - 1
				i := w<<6 | b
				d := catDist
				for k := range ix.num {
					d += numDist(qn[k], ix.num[k].vals[i], ix.num[k].scale)
					if d > best {
						break
					}
				}
				switch {
				case d < best:
					best, ties = d, 1
				case d == best:
					ties++
				}
			}
		}
		if len(ix.num) == 0 && !math.IsInf(best, 1) {
			break
		}
	}
	return best / ix.ncols, ties
}

// numDist is d_j of a numeric column: min(|x − y|·scale, 1), 1 for a
// null against a value, 0 for two nulls; a column of range 0 gives 1 for
// different values.
func numDist(x, y, scale float64) float64 {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn && yn:
		return 0
	case xn || yn:
		return 1
	case scale == 0:
		if x == y {
			return 0
		}
		return 1
	}
	return math.Min(math.Abs(x-y)*scale, 1)
}

// DCRResult holds the distances of a sample of synthetic rows to their
// closest reference row.
type DCRResult struct {
	Distances  []float64 `json:"-"`
	Median     float64   `json:"median"`
	SampleRows int       `json:"sample_rows"` // synthetic rows evaluated
	RefRows    int       `json:"ref_rows"`    // reference rows searched
}

// DCR returns the distance to the closest record of ref (see Distances) of
// a sample of syn's rows, searched among a sample of ref's rows (sizes from
// opt).
func DCR(syn, ref *Table, opt *DCROptions) (*DCRResult, error) {
	ns, nr := opt.sizes()
	s := syn.Sample(ns, opt.rng(1))
	r := ref.Sample(nr, opt.rng(2))
	d, err := distancesCtx(opt.ctx(), s, r, opt.workers())
	if err != nil {
		return nil, err
	}
	return &DCRResult{Distances: d, Median: median(d), SampleRows: s.Rows, RefRows: r.Rows}, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Overfitting is the result of DCROverfittingProtection.
type Overfitting struct {
	// Score is min((1 − CloserToTraining) / (1 − Expected), 1): 1 when
	// synthetic rows are no closer to the training rows than an unseen row
	// of the same population would be.
	Score float64 `json:"score"`
	// CloserToTraining is the share of synthetic rows whose closest real
	// row (among training and holdout rows together) is a training row,
	// ties shared out (see DCROverfittingProtection).
	CloserToTraining float64 `json:"closer_to_training"`
	// Expected is CloserToTraining for a generator that never saw the
	// training rows: TrainingRows / (TrainingRows + HoldoutRows).
	Expected float64 `json:"expected"`
	// SDMetricsScore is SDMetrics' score on the same rows: min(2·(1 − p),
	// 1) with p the share of rows strictly closer to training than to
	// holdout rows.
	SDMetricsScore float64 `json:"sdmetrics_score"`
	MedianTraining float64 `json:"median_dcr_training"`
	MedianHoldout  float64 `json:"median_dcr_holdout"`
	SampleRows     int     `json:"sample_rows"`
	TrainingRows   int     `json:"training_rows"`
	HoldoutRows    int     `json:"holdout_rows"`
}

// DCROverfittingProtection tells whether synthetic rows sit closer to the
// rows the synthesizer was trained on than to holdout rows it never saw,
// as SDMetrics' DCROverfittingProtection does, in a form that stays right
// when the two tables differ in size and when rows have exact duplicates:
//
//	t_s, h_s = training and holdout rows at the smallest distance from s
//	           (among both tables together)
//	p  = mean over synthetic rows s of t_s / (t_s + h_s)
//	p₀ = n_T / (n_T + n_H)
//	score = min((1 − p) / (1 − p₀), 1)
//
// If the generator never saw the training rows, training and holdout rows
// are exchangeable draws from one population, so the closest of the n_T +
// n_H rows is a training row with probability exactly p₀ (with ties shared,
// whatever the duplicates): the score is then 1 up to sampling error, and it
// falls towards 0 as synthetic rows copy training rows. With equal sizes and
// no ties it is SDMetrics' min(2·(1 − p), 1). SDMetrics' own formula
// (reported as SDMetricsScore) counts only strict wins and assumes equal
// sizes: at an 80/20 split a generator that never saw the data would score
// about 0.4 on it, and a tie (a synthetic row equal to a training row and
// to a holdout row, common in categorical data) counts for the generator.
//
// Sampling: SampleRows synthetic rows; training and holdout rows are each
// capped at RefRows.
func DCROverfittingProtection(train, holdout, syn *Table, opt *DCROptions) (*Overfitting, error) {
	ns, nr := opt.sizes()
	s := syn.Sample(ns, opt.rng(1))
	tr := train.Sample(nr, opt.rng(2))
	ho := holdout.Sample(nr, opt.rng(3))
	dt, tt, err := distances(opt.ctx(), s, tr, opt.workers())
	if err != nil {
		return nil, err
	}
	dh, th, err := distances(opt.ctx(), s, ho, opt.workers())
	if err != nil {
		return nil, err
	}
	var p, strict float64
	for i := range dt {
		switch {
		case dt[i] < dh[i]:
			p++
			strict++
		case dt[i] == dh[i]:
			p += float64(tt[i]) / float64(tt[i]+th[i])
		}
	}
	n := float64(len(dt))
	p /= n
	strict /= n
	p0 := float64(tr.Rows) / float64(tr.Rows+ho.Rows)
	return &Overfitting{Score: math.Min((1-p)/(1-p0), 1), CloserToTraining: p, Expected: p0,
		SDMetricsScore: math.Min(2*(1-strict), 1), MedianTraining: median(dt), MedianHoldout: median(dh),
		SampleRows: s.Rows, TrainingRows: tr.Rows, HoldoutRows: ho.Rows}, nil
}

// Baseline is the result of DCRBaselineProtection.
type Baseline struct {
	// Score is min(MedianSynthetic / MedianRandom, 1); NaN when
	// MedianRandom is 0.
	Score           float64 `json:"score"`
	MedianSynthetic float64 `json:"median_dcr_synthetic"`
	MedianRandom    float64 `json:"median_dcr_random"`
	SampleRows      int     `json:"sample_rows"`
	RefRows         int     `json:"ref_rows"`
}

// DCRBaselineProtection compares the median DCR of synthetic rows to the
// real rows with that of random rows (SDMetrics' DCRBaselineProtection):
//
//	score = min(median DCR(S→R) / median DCR(random→R), 1)
//
// The random table has as many rows as the synthetic sample, each column
// drawn independently: integers uniform on the real [min, max], other
// numbers and dates uniform on it, categories uniform over the distinct
// real values, nulls at the real null rate. A score near 1 means synthetic
// rows sit as far from real ones as random rows do.
func DCRBaselineProtection(real, syn *Table, opt *DCROptions) (*Baseline, error) {
	ns, nr := opt.sizes()
	s := syn.Sample(ns, opt.rng(1))
	r := real.Sample(nr, opt.rng(2))
	rnd := randomTable(real, s.Rows, opt.rng(4))
	ds, err := distancesCtx(opt.ctx(), s, r, opt.workers())
	if err != nil {
		return nil, err
	}
	dr, err := distancesCtx(opt.ctx(), rnd, r, opt.workers())
	if err != nil {
		return nil, err
	}
	b := &Baseline{MedianSynthetic: median(ds), MedianRandom: median(dr), SampleRows: s.Rows, RefRows: r.Rows}
	b.Score = math.NaN()
	if b.MedianRandom > 0 {
		b.Score = math.Min(b.MedianSynthetic/b.MedianRandom, 1)
	}
	return b, nil
}

// randomTable draws n rows whose columns are independent and uniform over
// the values of real's columns (see DCRBaselineProtection).
func randomTable(real *Table, n int, rng *rand.Rand) *Table {
	out := &Table{Name: "random baseline", Rows: n, TotalRows: int64(n), domain: real.domain}
	for _, c := range real.Columns {
		nc := &Column{Name: c.Name, Kind: c.Kind, Numeric: c.Numeric, Dict: c.Dict}
		if c.Numeric {
			lo, hi := math.Inf(1), math.Inf(-1)
			nulls := 0
			for _, v := range c.Nums {
				if math.IsNaN(v) {
					nulls++
					continue
				}
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			rate := float64(nulls) / float64(max(len(c.Nums), 1))
			integer := c.Kind == dataset.Integer
			nc.Nums = make([]float64, n)
			for i := range nc.Nums {
				switch {
				case math.IsInf(lo, 1) || rng.Float64() < rate:
					nc.Nums[i] = math.NaN()
				case integer:
					nc.Nums[i] = lo + float64(rng.Int64N(int64(hi-lo)+1))
				default:
					nc.Nums[i] = lo + rng.Float64()*(hi-lo)
				}
			}
		} else {
			seen := map[int32]bool{}
			var vals []int32
			nulls := 0
			for _, v := range c.Codes {
				if v < 0 {
					nulls++
				} else if !seen[v] {
					seen[v] = true
					vals = append(vals, v)
				}
			}
			slices.Sort(vals)
			rate := float64(nulls) / float64(max(len(c.Codes), 1))
			nc.Codes = make([]int32, n)
			for i := range nc.Codes {
				if len(vals) == 0 || rng.Float64() < rate {
					nc.Codes[i] = -1
				} else {
					nc.Codes[i] = vals[rng.IntN(len(vals))]
				}
			}
		}
		out.Columns = append(out.Columns, nc)
	}
	return out
}
