package synth

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// Defaults of Options.
const (
	DefaultMinCount      = 10
	DefaultMaxCategories = 200
	DefaultBins          = 16
	DefaultDPBins        = 8
	// DefaultMaxClique is the largest marginal the non-private graph
	// model measures: pairs of columns. Measured 3-way marginals of exact
	// counts have cells of a few rows, which the model reproduces: on
	// Adult (80/20 splits 1-5) allowing triples gives a mean
	// DCROverfittingProtection of 0.965 against 0.972 for pairs, and a
	// higher mean 2-way TVD (0.0246 against 0.0228), the junction tree's
	// cells going to fewer, larger tables.
	DefaultMaxClique = 2
	// DefaultDPMaxClique is the largest marginal measured under DP: the
	// noise already hides single rows, and 3-way marginals lower the
	// 3-way error at a given ε.
	DefaultDPMaxClique = 3
)

// Opener opens the input table. Fit calls it once per pass (twice), so
// the input must be a file, not a stream.
type Opener func() (dataset.Reader, error)

// Options configure Fit. The zero value fits a non-private model with the
// method chosen by column kinds.
type Options struct {
	// Method is auto (the default), graph or copula.
	Method string
	// Epsilon > 0 fits the differentially private graph model with
	// (Epsilon, Delta)-DP. Delta defaults to 1e-9 when Epsilon is set.
	Epsilon float64
	Delta   float64
	// Policy gives column roles (direct identifiers are never modelled)
	// and, through generalize hierarchies, declared domains.
	Policy *policies.Policy
	// Seed seeds the fit's random choices (reservoir samples, copula
	// jitter). DP noise never depends on it.
	Seed uint64
	// MinCount: categories (and numeric values listed as atoms) seen
	// fewer times are merged into the rare bucket (non-DP fits). 0 means
	// DefaultMinCount.
	MinCount int
	// MaxCategories caps the categories kept per column; 0 means
	// DefaultMaxCategories.
	MaxCategories int
	// Bins caps the bins of a numeric column in the joint model; 0 means
	// DefaultBins (DefaultDPBins under DP).
	Bins int
	// MaxClique is the largest number of columns of one marginal the
	// graph model measures (2 or 3); 0 means DefaultMaxClique, or
	// DefaultDPMaxClique with Epsilon. The junction tree that holds the
	// measured marginals may have larger cliques.
	MaxClique int
	// Noise is the DP noise source; nil means google/differential-privacy's
	// secure Gaussian noise. Tests pass a fake.
	Noise Noise
	// Tick, if not nil, is called once per record read, on every pass.
	Tick func()
}

func (o *Options) defaults() Options {
	out := Options{}
	if o != nil {
		out = *o
	}
	if out.Method == "" {
		out.Method = MethodAuto
	}
	if out.MinCount <= 0 {
		out.MinCount = DefaultMinCount
	}
	if out.MaxCategories <= 0 {
		out.MaxCategories = DefaultMaxCategories
	}
	if out.Bins <= 0 {
		out.Bins = DefaultBins
		if out.Epsilon > 0 {
			out.Bins = DefaultDPBins
		}
	}
	if out.MaxClique <= 0 {
		out.MaxClique = DefaultMaxClique
		if out.Epsilon > 0 {
			out.MaxClique = DefaultDPMaxClique
		}
	}
	if out.Epsilon > 0 && out.Delta == 0 {
		out.Delta = 1e-9
	}
	return out
}

func (o *Options) check() error {
	switch o.Method {
	case MethodAuto, MethodGraph, MethodCopula:
	default:
		return usagef("unknown method %q (want auto, graph or copula)", o.Method)
	}
	if o.Epsilon < 0 || math.IsNaN(o.Epsilon) || math.IsInf(o.Epsilon, 0) {
		return &UsageError{ErrBudget}
	}
	if o.Epsilon > 0 {
		if o.Method == MethodCopula {
			return usagef("--epsilon needs the graph method: the copula has no differentially private fit")
		}
		if !(o.Delta > 0 && o.Delta < 1) {
			return usagef("%v: delta must be in (0, 1)", ErrBudget)
		}
	} else if o.Delta != 0 {
		return usagef("--delta without --epsilon")
	}
	if o.MaxClique < 2 || o.MaxClique > 3 {
		return usagef("max clique must be 2 or 3")
	}
	return nil
}

// Fit learns a model of the table that open returns, in two passes over
// it: the first summarizes every column (category counts, numeric
// reservoirs: memory bounded per column), the second counts the
// discretized columns' 1-, 2- and 3-way marginals (or, for the copula, the
// correlation of normal scores). Memory depends on the columns' domains,
// not on the number of rows.
//
// Values that do not parse as their column's kind are a
// *dataset.DataError naming the file, row and column.
func Fit(ctx context.Context, open Opener, opt *Options) (*Model, error) {
	o := opt.defaults()
	if err := o.check(); err != nil {
		return nil, err
	}
	r, err := open()
	if err != nil {
		return nil, err
	}
	schema := r.Schema()
	stats := make([]*colStats, schema.Len())
	for i, c := range schema.Columns {
		stats[i] = newColStats(c, o.Seed, i)
		stats[i].needed = func(s *colStats) bool { return valuesNeeded(c.Name, s, o.Policy) }
	}
	n, err := dataset.Each(ctx, r, o.Tick, func(rec *dataset.Record) error {
		for i, v := range rec.Values {
			if err := stats[i].add(v, o.MaxCategories); err != nil {
				return &dataset.ColumnError{Col: i, Err: err}
			}
		}
		return nil
	})
	r.Close()
	if err != nil {
		return nil, err
	}
	if n == 0 && o.Epsilon == 0 {
		// Under differential privacy an empty table is fitted like any
		// other: an error here would tell it apart from its one-row
		// neighbour, which releases a model.
		return nil, ErrNoRows
	}
	m := &Model{Schema: ModelSchema, Rows: n, Settings: Settings{MinCount: o.MinCount, MaxCategories: o.MaxCategories,
		Bins: o.Bins, Passes: 2, Seed: o.Seed}}
	if o.Policy != nil {
		m.Settings.Policy = o.Policy.SHA256
	}
	modelled := 0
	for i, c := range schema.Columns {
		// Planning runs the detectors on columns not yet decided (about
		// a millisecond each): thousands of columns take seconds.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cm := &ColumnModel{Name: c.Name, Kind: c.Kind, Layout: c.Layout}
		planColumn(cm, stats[i], o.Policy)
		if cm.Treatment != TreatDrop && n > 0 {
			cm.NullShare = round9(float64(stats[i].nulls) / float64(n))
		}
		if cm.Treatment == TreatModel {
			modelled++
		}
		m.Columns = append(m.Columns, cm)
	}
	if modelled == 0 {
		return nil, ErrNoColumns
	}
	if o.Epsilon > 0 {
		return fitDP(ctx, open, m, stats, &o)
	}
	m.Privacy.Notes = []string{"no differential privacy: the model holds exact aggregates of the input (category " +
		"frequencies, bins, clique marginals), with categories seen fewer than min_count times merged and no value of " +
		"identifying columns"}
	numeric := 0
	for i, cm := range m.Columns {
		if cm.Treatment != TreatModel {
			continue
		}
		cm.Domain = "data"
		if stats[i].numeric {
			cm.Codes, cm.Numeric = numericCodes(stats[i], o.Bins, o.MinCount)
			if stats[i].distinctCount() > 2*o.Bins {
				numeric++
			}
		} else {
			cm.Codes, cm.Prefix = textCodes(stats[i], o.MinCount, o.MaxCategories)
		}
		roundCodes(cm.Codes)
	}
	m.Method = o.Method
	if m.Method == MethodAuto {
		// Numeric-heavy tables (at least two thirds of the modelled
		// columns continuous, and at least three of them) get the copula;
		// the others the graph model, which discretizes numbers for the
		// structure and samples within bins.
		m.Method = MethodGraph
		if numeric >= 3 && 3*numeric >= 2*modelled {
			m.Method = MethodCopula
		}
	}
	var vars []int
	for i, cm := range m.Columns {
		if cm.Treatment == TreatModel {
			vars = append(vars, i)
		}
	}
	switch m.Method {
	case MethodGraph:
		dims := make([]int, len(vars))
		for v, col := range vars {
			dims[v] = len(m.Columns[col].Codes)
		}
		if len(vars) > wideColumns {
			w := newWideFit(dims, float64(n), o.Seed)
			pass := func(fn func([]int32)) error {
				m.Settings.Passes++
				return countPass(ctx, open, m, vars, o.Tick, func(codes []int32, _ []float64) { fn(codes) })
			}
			if err := pass(w.add); err != nil {
				return nil, err
			}
			m.Settings.Passes = 2
			p, bel, note, err := fitWide(ctx, w, pass)
			if err != nil {
				return nil, err
			}
			m.Settings.MaxClique = 2
			m.Settings.Structure = note
			m.Graph = graphFromPGM(p, bel, vars)
			break
		}
		c := newCounts(dims, o.MaxClique >= 3 && threeWayCells(dims) <= threeWayBudget)
		k := newCounter(c)
		if err := countPass(ctx, open, m, vars, o.Tick, func(codes []int32, _ []float64) { k.add(codes) }); err != nil {
			return nil, err
		}
		maxClique := o.MaxClique
		if c.three == nil {
			maxClique = 2
		}
		m.Settings.MaxClique = maxClique
		p, bel := fitExact(ctx, c, maxClique, nil)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m.Graph = graphFromPGM(p, bel, vars)
	case MethodCopula:
		f := newCopulaFitter(m, o.Seed)
		codes := map[int]int32{}
		nums := map[int]float64{}
		if err := countPass(ctx, open, m, vars, o.Tick, func(cs []int32, ns []float64) {
			for v, col := range vars {
				codes[col] = cs[v]
				nums[col] = ns[v]
			}
			f.add(codes, nums)
		}); err != nil {
			return nil, err
		}
		m.Copula = f.copula()
	}
	return m, nil
}

func roundCodes(codes []Code) {
	for i := range codes {
		codes[i].P = round9(codes[i].P)
	}
}

// countPass reads the input again and calls fn with the codes (and
// numbers, NaN for null or text) of the modelled columns vars of every row.
func countPass(ctx context.Context, open Opener, m *Model, vars []int, tick func(), fn func([]int32, []float64)) error {
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	schema := r.Schema()
	if schema.Len() != len(m.Columns) {
		return &ModelError{Err: errInputChanged}
	}
	ix := make([]*codeIndex, len(vars))
	for v, col := range vars {
		ix[v] = newCodeIndex(m.Columns[col])
	}
	codes := make([]int32, len(vars))
	nums := make([]float64, len(vars))
	_, err = dataset.Each(ctx, r, tick, func(rec *dataset.Record) error {
		for v, col := range vars {
			val := rec.Values[col]
			nums[v] = math.NaN()
			switch {
			case val.Null:
				codes[v] = ix[v].null
			case ix[v].numeric:
				f, err := numericValue(schema.Columns[col], val.Text)
				if err != nil {
					return &dataset.ColumnError{Col: col, Err: err}
				}
				nums[v] = f
				codes[v] = ix[v].bin(f)
			default:
				codes[v] = ix[v].category(val.Text)
			}
			if codes[v] < 0 {
				// A value the first pass did not see: the input changed.
				return &dataset.ColumnError{Col: col, Err: errInputChanged}
			}
		}
		fn(codes, nums)
		return nil
	})
	return err
}

var errInputChanged = errorString("the input changed between the two passes of the fit")

type errorString string

func (e errorString) Error() string { return string(e) }

// newRand returns the fit's generator for one purpose.
func newRand(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}
