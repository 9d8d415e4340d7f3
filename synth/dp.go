package synth

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// Shares of the DP budget. With every domain declared, ρ is split into
// 20 % for the 1-way marginals of all columns, then, of the rest, 10 % for
// the exponential-mechanism selections and 90 % for the measurements of
// the selected marginals (AIM's per-round split). Estimating domains
// (category values released by noisy thresholding, numeric bounds from a
// noisy histogram on a fixed grid) takes 10 % of ρ first, and half of δ;
// when some of them are text columns, finding which are code-like and
// their prefix level takes another 10 % (shareCode).
// rareSigmas: a value whose noisy 1-way count is below rareSigmas·σ joins
// the rare bucket of its column (MST's domain compression); tests may
// change it.
var rareSigmas = 3.0

// shareCode is the share of ρ spent, when some text column's domain is
// released with DP, on finding code-like columns and their prefix level
// (releaseCodePrefixes); of it, codeLengthShare goes to the columns'
// length histograms, the rest to the prefix counts; tests may change it.
var shareCode = 0.10

// shareOneWay is the share of ρ (after domains) spent on the 1-way
// marginals; tests may change it.
var shareOneWay = 0.30

// Iterations of the DP estimator after each round and at the end.
var (
	roundIters = 60
	finalIters = 600
)

const (
	shareDomain     = 0.10
	codeLengthShare = 0.10
	// lenFalseCells bounds the expected number of empty cells of a length
	// histogram whose noisy count passes its bar.
	lenFalseCells = 0.001
	shareSelect   = 0.10
	domainDeltaF  = 0.5
	// atomSigmas: a numeric value whose noisy count is below atomSigmas·σ
	// gets no weight within its bin (it is most likely absent).
	atomSigmas = 2.0
	// fineBins is the number of equal-width cells of a continuous column's
	// fine 1-way histogram, between DP-estimated or declared bounds.
	fineBins = 64
	// maxUnitCells is the widest integer range measured value by value.
	maxUnitCells = 256
)

// dpColumn is a modelled column's fine domain during a DP fit: the cells
// of its 1-way histogram (categories, integer values, or equal-width
// intervals of a number), their noisy counts, and how they map to the
// model's codes.
type dpColumn struct {
	col    int
	source string // "policy" or "dp"
	// Categorical: values (text) of the cells; a last cell for null; for a
	// DP-released domain a catch-all cell for values not released.
	values   []string
	catchAll bool
	// Numeric: cell k is [edges[k], edges[k+1]) (integers: edges[k] alone
	// when unit is set).
	numeric bool
	unit    bool
	edges   []float64
	lo, hi  float64
	y       []float64 // noisy counts per cell, null cell last
	sigma   float64   // their noise
	toCode  []int32   // cell -> model code (−1: dropped)
	index   map[string]int
	// prefix is set when a code-like text column (zip codes) is modelled
	// by a DP-chosen prefix of its values (releaseCodePrefixes): values
	// then holds the released prefixes masked to the column's length.
	prefix *Prefix
}

// fitDP fits the differentially private graph model. Two passes read the
// data: the first (done by Fit) only fixed the schema and the roles; under
// DP nothing it counted is used except for non-modelled columns' shapes
// when no policy declares them. The second pass counts the fine 1-way
// histograms and the compressed-domain marginals.
func fitDP(ctx context.Context, open Opener, m *Model, stats []*colStats, o *Options) (*Model, error) {
	nz := o.Noise
	if nz == nil {
		nz = NewSecureNoise()
	}
	m.Method = MethodGraph
	m.Settings.MaxClique = o.MaxClique
	m.Settings.MinCount = 0
	pr := &m.Privacy
	pr.DifferentialPrivacy = true
	pr.Epsilon, pr.Delta = o.Epsilon, o.Delta
	pr.Noise = nz.Name()
	// Columns not modelled: nothing of their values may depend on the data.
	for _, c := range m.Columns {
		switch c.Treatment {
		case TreatFake:
			c.NullShare, c.Template = 0, ""
		case TreatKey:
			c.NullShare = 0
			if c.Kind == dataset.Integer {
				c.Key = &KeyFormat{Shape: "integer", Digits: 15}
			} else {
				c.Key = &KeyFormat{Shape: "uuid"}
			}
		case TreatDrop:
		}
	}
	// Domains.
	var cols []*dpColumn
	var needDomain []*dpColumn
	for i, c := range m.Columns {
		if c.Treatment != TreatModel {
			continue
		}
		dc, err := declaredDomain(c, stats[i], o.Policy)
		if err != nil {
			return nil, err
		}
		dc.col = i
		if dc.source == "" {
			needDomain = append(needDomain, dc)
		}
		cols = append(cols, dc)
	}
	rhoTotal := 0.0
	domainDelta := 0.0
	if len(needDomain) > 0 {
		domainDelta = o.Delta * domainDeltaF
	}
	nCode := 0
	for _, dc := range needDomain {
		if !dc.numeric {
			nCode++
		}
	}
	rhoTotal = CDPRho(o.Epsilon, o.Delta-domainDelta)
	if rhoTotal <= 0 {
		return nil, &UsageError{ErrBudget}
	}
	pr.Rho, pr.DomainDelta = rhoTotal, domainDelta
	rest := rhoTotal
	if len(needDomain) > 0 {
		rhoDom := shareDomain * rhoTotal
		rest -= rhoDom
		rhoCode := 0.0
		if nCode > 0 {
			rhoCode = shareCode * rhoTotal
			rest -= rhoCode
		}
		if err := estimateDomains(ctx, open, m, needDomain, rhoDom, rhoCode, domainDelta, nz, o); err != nil {
			return nil, err
		}
	}
	// Fine 1-way histograms, measured together: one row changes one cell
	// of each column's histogram, so the cost is Σ_j 1/(2σ_j²). A column
	// with more cells gets less noise, σ_j = s·cells_j^(−1/3) (which
	// minimises the sum of the columns' expected L1 errors, cells_j·σ_j, for
	// the budget), with s set so that the sum is ρ₁.
	rho1 := shareOneWay * rest
	var sum23 float64
	for _, dc := range cols {
		sum23 += math.Pow(float64(dc.cells()), 2.0/3)
	}
	scale := math.Sqrt(sum23 / (2 * rho1))
	fine, err := fineCounts(ctx, open, m, cols, o)
	if err != nil {
		return nil, err
	}
	maxSigma := 0.0
	for k, dc := range cols {
		// Up to 257 secure draws per column: a wide table takes seconds.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dc.sigma = scale * math.Pow(float64(dc.cells()), -1.0/3)
		maxSigma = math.Max(maxSigma, dc.sigma)
		m.Columns[dc.col].Sigma = round9(dc.sigma)
		dc.y = make([]float64, len(fine[k]))
		for c, x := range fine[k] {
			dc.y[c] = nz.Gaussian(x, dc.sigma)
		}
	}
	pr.Budget = append(pr.Budget, BudgetStep{Step: "1-way marginals (noisy counts of every value or cell; σ per column, the largest shown)",
		Rho: rho1, Measurements: len(cols), Sigma: maxSigma})
	// Compression to the model's codes (post-processing of the noisy
	// counts).
	for _, dc := range cols {
		compress(m.Columns[dc.col], dc, dc.sigma, o.Bins)
	}
	// Compressed-domain marginals (exact, used only inside mechanisms).
	var vars []int
	dims := make([]int, len(cols))
	for v, dc := range cols {
		vars = append(vars, dc.col)
		dims[v] = len(m.Columns[dc.col].Codes)
	}
	// The 1-way measurements on the compressed codes: sums of the fine
	// noisy counts (variance: cells·σ²).
	one := make([]measurement, len(cols))
	var totals, weights float64
	for v, dc := range cols {
		y := make([]float64, dims[v])
		k := make([]float64, dims[v])
		var sum float64
		for c, x := range dc.y {
			sum += x
			if code := dc.toCode[c]; code >= 0 {
				y[code] += x
				k[code]++
			}
		}
		s1 := dc.sigma
		w := make([]float64, dims[v])
		for i := range w {
			w[i] = 1 / (math.Max(k[i], 1) * s1 * s1)
		}
		one[v] = measurement{set: v, vars: []int{v}, y: y, w: w}
		wt := 1 / (float64(len(dc.y)) * s1 * s1)
		totals += wt * sum
		weights += wt
	}
	total := math.Max(totals/weights, 1)
	// The code of every row, for the counts; a value outside the declared
	// domain leaves the row out of the counts (not modelled).
	codes := make([]int32, len(cols))
	codePass := func(fn func([]int32)) error {
		return finePass(ctx, open, m, cols, o.Tick, func(cells []int) {
			for v, dc := range cols {
				c := cells[v]
				if c < 0 || dc.toCode[c] < 0 {
					return
				}
				codes[v] = dc.toCode[c]
			}
			fn(codes)
		})
	}
	var p *pgm
	var bel [][]float64
	widePasses := 0
	if len(cols) > wideColumns {
		// A wide table: MST's spanning forest of pairs (see wide.go). The
		// sampling rate of the scores comes from the noisy row count.
		w := newWideFit(dims, total, o.Seed)
		if err := codePass(w.add); err != nil {
			return nil, err
		}
		wr, err := fitWideDP(ctx, w, one, total, rest-rho1, nz, func(fn func([]int32)) error {
			widePasses++
			return codePass(fn)
		})
		if err != nil {
			return nil, err
		}
		m.Settings.MaxClique = 2
		m.Settings.Structure = wr.note
		pr.Budget = append(pr.Budget,
			BudgetStep{Step: "selection of the pairs of a maximum spanning forest (exponential mechanism, MST)", Rho: wr.selRho,
				Measurements: len(wr.measured), Epsilon: wr.eps0},
			BudgetStep{Step: "selected 2-way marginals (noisy counts)", Rho: wr.measRho, Measurements: len(wr.measured), Sigma: wr.sigma})
		for _, mm := range wr.measured {
			for _, v := range mm.Vars {
				mm.Columns = append(mm.Columns, m.Columns[vars[v]].Name)
			}
			pr.Measured = append(pr.Measured, mm)
		}
		p, bel = wr.p, wr.bel
	} else {
		withThree := o.MaxClique >= 3 && threeWayCells(dims) <= threeWayBudget
		cnt := newCounts(dims, withThree)
		counter := newCounter(cnt)
		if err := codePass(counter.add); err != nil {
			return nil, err
		}
		maxClique := o.MaxClique
		if !withThree {
			maxClique = 2
		}
		m.Settings.MaxClique = maxClique
		// Selection and measurement rounds (AIM), then the final estimate.
		roundsRho := rest - rho1
		ar := fitAIM(ctx, cnt, one, total, maxClique, roundsRho, rho1, nz, o.Tick)
		p, bel = ar.p, ar.bel
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pr.Budget = append(pr.Budget,
			BudgetStep{Step: "selection of the marginals to measure (exponential mechanism, AIM rounds)", Rho: ar.selRho,
				Measurements: ar.rounds, Epsilon: ar.eps0},
			BudgetStep{Step: "selected 2- and 3-way marginals (noisy counts; σ halves when a measurement adds little)",
				Rho: ar.measRho, Measurements: ar.rounds, Sigma: ar.sigma0})
		for _, mm := range ar.measured {
			for _, v := range mm.Vars {
				mm.Columns = append(mm.Columns, m.Columns[vars[v]].Name)
			}
			pr.Measured = append(pr.Measured, mm)
		}
	}
	for i := range pr.Budget {
		pr.Budget[i].Share = round9(pr.Budget[i].Rho / rhoTotal)
		pr.Budget[i].Rho = round9(pr.Budget[i].Rho)
		pr.Budget[i].Sigma = round9(pr.Budget[i].Sigma)
		pr.Budget[i].Epsilon = round9(pr.Budget[i].Epsilon)
	}
	m.Graph = graphFromPGM(p, bel, vars)
	specs, fs := p.jt, p.factors(bel)
	// The codes' probabilities: the model's 1-way marginals.
	for v, dc := range cols {
		ci := cliqueContaining(specs, []int{v})
		mv := fs[ci].marginal([]int{v})
		mv.normalize()
		c := m.Columns[dc.col]
		c.NullShare = 0
		for k := range c.Codes {
			c.Codes[k].P = round9(mv.vals[k])
			if c.Codes[k].Null {
				c.NullShare = c.Codes[k].P
			}
		}
	}
	m.Settings.Passes = 3
	if len(needDomain) > 0 {
		m.Settings.Passes = 4
	}
	m.Settings.Passes += widePasses
	m.Rows = int64(math.Round(total))
	pr.Notes = dpNotes(m, o, len(needDomain) > 0)
	return m, nil
}

// declaredDomain returns the fine domain of a modelled column declared in
// the policy: a generalize hierarchy's leaves (numbers for a numeric
// column), or a noise action's lower and upper bounds. Without one the
// domain source is empty and must be estimated with DP.
func declaredDomain(c *ColumnModel, s *colStats, pol *policies.Policy) (*dpColumn, error) {
	dc := &dpColumn{numeric: s.numeric, index: map[string]int{}}
	var pc *policies.Column
	if pol != nil {
		pc = pol.Column(c.Name)
	}
	if pc == nil {
		return dc, nil
	}
	if pc.Hierarchy != "" {
		h, err := pol.LoadedHierarchy(pc)
		if err != nil {
			return nil, err
		}
		if h != nil {
			var leaves []string
			for i := 0; i < h.Len(); i++ {
				leaves = append(leaves, h.Leaf(i))
			}
			if !dc.numeric {
				dc.source = "policy"
				dc.values = leaves
				return dc, nil
			}
			var nums []float64
			for _, l := range leaves {
				f, err := numericValue(s.col, l)
				if err != nil {
					return nil, usagef("policy %s: column %q: hierarchy leaf is not a %s value", pol.Path, c.Name, s.col.Kind)
				}
				nums = append(nums, f)
			}
			slices.Sort(nums)
			nums = slices.Compact(nums)
			dc.source = "policy"
			dc.unit = true
			dc.edges = nums
			dc.lo, dc.hi = nums[0], nums[len(nums)-1]
			return dc, nil
		}
	}
	if dc.numeric && pc.Lower != nil && pc.Upper != nil && *pc.Upper > *pc.Lower {
		dc.source = "policy"
		setNumericCells(dc, *pc.Lower, *pc.Upper, s.integer)
	}
	return dc, nil
}

// setNumericCells sets the fine cells of a numeric column between bounds:
// every integer when at most maxUnitCells, else fineBins equal-width
// intervals.
func setNumericCells(dc *dpColumn, lo, hi float64, integer bool) {
	dc.lo, dc.hi = lo, hi
	dc.edges = nil
	if integer && hi-lo+1 <= maxUnitCells {
		dc.unit = true
		for v := math.Ceil(lo); v <= hi; v++ {
			dc.edges = append(dc.edges, v)
		}
		return
	}
	dc.unit = false
	for k := 0; k <= fineBins; k++ {
		dc.edges = append(dc.edges, lo+(hi-lo)*float64(k)/fineBins)
	}
}

// cellOf returns the fine cell of a value (null: the last cell).
func (dc *dpColumn) cellOf(col dataset.Column, v dataset.Value) (int, error) {
	nCells := dc.cells()
	if v.Null {
		return nCells - 1, nil
	}
	if !dc.numeric {
		text := v.Text
		if p := dc.prefix; p != nil {
			if len(text) != p.Length || !isCodeText(text) {
				return len(dc.values), nil // the catch-all cell
			}
			text = maskCode(text[:p.Keep], p.Length)
		}
		if k, ok := dc.index[text]; ok {
			return k, nil
		}
		if dc.catchAll {
			return len(dc.values), nil
		}
		return -1, nil
	}
	f, err := numericValue(col, v.Text)
	if err != nil {
		return 0, err
	}
	f = math.Max(dc.lo, math.Min(dc.hi, f))
	if dc.unit {
		k := sort.SearchFloat64s(dc.edges, f)
		switch {
		case k >= len(dc.edges):
			k = len(dc.edges) - 1
		case dc.edges[k] != f && k > 0 && f-dc.edges[k-1] < dc.edges[k]-f:
			k--
		}
		return k, nil
	}
	k := sort.SearchFloat64s(dc.edges, f) - 1
	return max(0, min(k, len(dc.edges)-2)), nil
}

// cells returns the number of fine cells, null included.
func (dc *dpColumn) cells() int {
	if !dc.numeric {
		n := len(dc.values) + 1
		if dc.catchAll {
			n++
		}
		return n
	}
	if dc.unit {
		return len(dc.edges) + 1
	}
	return len(dc.edges) // fineBins intervals + null
}

// finePass reads the input and calls fn with every row's fine cells.
func finePass(ctx context.Context, open Opener, m *Model, cols []*dpColumn, tick func(), fn func([]int)) error {
	for _, dc := range cols {
		if dc.index == nil || len(dc.index) == 0 {
			dc.index = map[string]int{}
			for k, v := range dc.values {
				dc.index[v] = k
			}
		}
	}
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	schema := r.Schema()
	cells := make([]int, len(cols))
	_, err = dataset.Each(ctx, r, tick, func(rec *dataset.Record) error {
		for v, dc := range cols {
			c, err := dc.cellOf(schema.Columns[dc.col], rec.Values[dc.col])
			if err != nil {
				return &dataset.ColumnError{Col: dc.col, Err: err}
			}
			cells[v] = c
		}
		fn(cells)
		return nil
	})
	return err
}

// fineCounts counts every column's fine cells in one pass.
func fineCounts(ctx context.Context, open Opener, m *Model, cols []*dpColumn, o *Options) ([][]float64, error) {
	out := make([][]float64, len(cols))
	for k, dc := range cols {
		out[k] = make([]float64, dc.cells())
	}
	err := finePass(ctx, open, m, cols, o.Tick, func(cells []int) {
		for k, c := range cells {
			if c >= 0 {
				out[k][c]++
			}
		}
	})
	return out, err
}

// estimateDomains releases, with DP, the domains nothing declares:
//
//   - categories: every value's count gets Gaussian noise and the values
//     whose noisy count passes τ = 1 + σ·Φ⁻¹(1 − δ_c) are released, so a
//     value held by one row is released with probability at most δ_c
//     (δ_c = the domain's δ share over the columns); the rows of other
//     values form a catch-all cell sampled as OtherText;
//   - numbers: noisy counts on a fixed grid (0 and ±2^k, k = −20..62)
//     give the bounds: the outermost cells whose noisy count passes 3σ.
//
// One row holds one value per column, so the L2 sensitivity of all the
// counts together is √(columns): σ = √(columns / (2ρ_dom)).
//
// With text columns among them (rhoCode > 0), releaseCodePrefixes then
// decides, with DP, which of them are code-like and at which prefix to
// model them; δ is then split over the columns plus one share per text
// column for its prefix releases.
func estimateDomains(ctx context.Context, open Opener, m *Model, cols []*dpColumn, rho, rhoCode, delta float64, nz Noise, o *Options) error {
	sigma := math.Sqrt(float64(len(cols)) / (2 * rho))
	var texts []int
	for k, dc := range cols {
		if !dc.numeric {
			texts = append(texts, k)
		}
	}
	deltaCol := delta / float64(len(cols)+len(texts))
	tau := thresholdFor(sigma, deltaCol)
	released := make([]float64, len(cols)) // noisy rows of the released values
	grid := geometricGrid()
	cats := make([]map[string]float64, len(cols))
	nums := make([][]float64, len(cols))
	for k, dc := range cols {
		if dc.numeric {
			nums[k] = make([]float64, len(grid)+1)
		} else {
			cats[k] = map[string]float64{}
		}
	}
	r, err := open()
	if err != nil {
		return err
	}
	schema := r.Schema()
	_, err = dataset.Each(ctx, r, o.Tick, func(rec *dataset.Record) error {
		for k, dc := range cols {
			v := rec.Values[dc.col]
			if v.Null {
				continue
			}
			if !dc.numeric {
				cats[k][v.Text]++
				continue
			}
			f, err := numericValue(schema.Columns[dc.col], v.Text)
			if err != nil {
				return &dataset.ColumnError{Col: dc.col, Err: err}
			}
			nums[k][sort.SearchFloat64s(grid, f)]++
		}
		return nil
	})
	r.Close()
	if err != nil {
		return err
	}
	for k, dc := range cols {
		// Secure noise for every value and numeric cell: about a
		// millisecond per column.
		if err := ctx.Err(); err != nil {
			return err
		}
		dc.source = "dp"
		if !dc.numeric {
			keys := make([]string, 0, len(cats[k]))
			for t := range cats[k] {
				keys = append(keys, t)
			}
			sort.Strings(keys)
			var ys []float64
			for _, t := range keys {
				if y := nz.Gaussian(cats[k][t], sigma); y >= tau {
					dc.values = append(dc.values, t)
					ys = append(ys, y)
				}
			}
			if len(dc.values) > o.MaxCategories {
				dc.values = dc.values[:o.MaxCategories]
				ys = ys[:o.MaxCategories]
			}
			for _, y := range ys {
				released[k] += y
			}
			dc.catchAll = true
			continue
		}
		lo, hi := -1, -1
		for c, x := range nums[k] {
			if nz.Gaussian(x, sigma) >= rareSigmas*sigma {
				if lo < 0 {
					lo = c
				}
				hi = c
			}
		}
		if lo < 0 {
			lo, hi = sort.SearchFloat64s(grid, 0), sort.SearchFloat64s(grid, 0)
		}
		// Cell c of the grid is [grid[c−1], grid[c]).
		low := gridAt(grid, lo-1)
		high := gridAt(grid, hi)
		setNumericCells(dc, low, high, statsInteger(schema.Columns[dc.col]))
	}
	m.Privacy.Budget = append(m.Privacy.Budget, BudgetStep{Step: "domains (noisy thresholding of category counts, noisy bounds of numbers)",
		Rho: rho, Measurements: len(cols), Sigma: sigma})
	if len(texts) > 0 && rhoCode > 0 {
		releaseCodePrefixes(m, cols, texts, cats, released, rhoCode, deltaCol, nz, o)
	}
	return nil
}

// releaseCodePrefixes finds, with DP, the code-like text columns (zip
// codes, postcodes) whose full values are too rare to be released and
// models them by a prefix, as textCodes does without DP. The column's
// form is not taken from the data: it is released too.
//
//  1. Length: every text column's non-null rows are counted by the
//     length of their value when it looks like a code (isCodeText), or in
//     one cell when it does not; Gaussian noise, ρ_len = codeLengthShare·ρ
//     for all of them (one row, one cell per column: σ_len =
//     √(columns/(2ρ_len))). A column is code-like of length L when the
//     noisy count of L is the largest, passes the bar b = 1 +
//     σ_len·Φ⁻¹(1 − lenFalseCells/25) and holds at least 99 % of N̂, the
//     noisy counts that pass b summed (codeLength's rule; the bar keeps
//     the expected number of empty cells that pass by noise below
//     lenFalseCells).
//  2. Prefixes: for each code-like column and level k = 1 … L−1, the
//     counts of the first k characters of its values of length L get
//     Gaussian noise (one row, one prefix per level: the L−1 levels of
//     all code-like columns together have sensitivity √(Σ(L−1)), σ_p =
//     √(Σ(L−1)/(2ρ_p)), ρ_p the rest of ρ); a prefix is released when its
//     noisy count passes τ = 1 + σ_p·Φ⁻¹(1 − δ_c/(L−1)), so a prefix held by
//     one row is released at some level with probability at most δ_c.
//  3. Level (post-processing): the noisy rare share of level k is 1 −
//     (noisy rows of its released prefixes)/N̂, that of the full values
//     the same from the domain release. As in textCodes, the full values
//     are kept when their rare share is at most maxRareShare, else the
//     longest level whose share is, else the smallest share (longest on
//     ties) when smaller than the full values'.
//
// The budget is recorded in one step; ρ_p is reserved whether or not a
// column turns out code-like (the step then says it went unused), so the
// accounting does not depend on the data.
func releaseCodePrefixes(m *Model, cols []*dpColumn, texts []int, cats []map[string]float64, released []float64, rho, deltaCol float64, nz Noise, o *Options) {
	rhoLen := codeLengthShare * rho
	rhoPre := rho - rhoLen
	sigmaLen := math.Sqrt(float64(len(texts)) / (2 * rhoLen))
	// A length cell counts when its noisy count passes lenBar: at most
	// lenFalseCells of an empty histogram's cells pass by noise alone, so
	// a code column is rarely taken for a mixed one (a single empty cell
	// passing would outweigh the 1 % the rule allows others).
	lenBar := thresholdFor(sigmaLen, lenFalseCells/float64(maxCodeLen+1))
	type codeCol struct {
		k, length int
		total     float64
	}
	var code []codeCol
	levels := 0
	for _, k := range texts {
		var lens [maxCodeLen + 1]float64 // cell 0: not code-like
		for t, c := range cats[k] {
			if isCodeText(t) {
				lens[len(t)] += c
			} else {
				lens[0] += c
			}
		}
		var total float64
		best := 2
		for l := range lens {
			// Cells below lenBar are taken as empty: clipping them at 0
			// instead would add about 0.4·σ_len each to N̂.
			if lens[l] = nz.Gaussian(lens[l], sigmaLen); lens[l] >= lenBar {
				total += lens[l]
			}
		}
		for l := 2; l <= maxCodeLen; l++ {
			if lens[l] > lens[best] {
				best = l
			}
		}
		if lens[best] >= lenBar && lens[best] >= 0.99*total {
			code = append(code, codeCol{k: k, length: best, total: total})
			levels += best - 1
		}
	}
	step := BudgetStep{Rho: rho, Measurements: len(texts), Sigma: sigmaLen}
	if levels == 0 {
		step.Step = "code-like text columns (noisy length histograms; no column was code-like, so the share reserved for prefix counts went unused)"
		m.Privacy.Budget = append(m.Privacy.Budget, step)
		return
	}
	sigmaPre := math.Sqrt(float64(levels) / (2 * rhoPre))
	step.Step = "code-like text columns (noisy length histograms, then noisy prefix counts at every shorter length; σ of the prefix counts shown)"
	step.Measurements += levels
	step.Sigma = sigmaPre
	m.Privacy.Budget = append(m.Privacy.Budget, step)
	for _, cc := range code {
		dc := cols[cc.k]
		l := cc.length
		tau := thresholdFor(sigmaPre, deltaCol/float64(l-1))
		level := levelChoice{rare: 1 - released[cc.k]/math.Max(cc.total, 1)}
		if level.done() {
			continue // the full values are kept
		}
		var bestValues []string
		for lv := l - 1; lv >= 1; lv-- {
			counts := map[string]float64{}
			for t, c := range cats[cc.k] {
				if len(t) == l && isCodeText(t) {
					counts[t[:lv]] += c
				}
			}
			keys := make([]string, 0, len(counts))
			for t := range counts {
				keys = append(keys, t)
			}
			sort.Strings(keys)
			var vals []string
			var kept float64
			for _, t := range keys {
				if y := nz.Gaussian(counts[t], sigmaPre); y >= tau {
					vals = append(vals, maskCode(t, l))
					kept += y
				}
			}
			// Every level is measured (the budget counted them all);
			// levelChoice ignores those after the one it is done with.
			if level.offer(lv, 1-kept/math.Max(cc.total, 1)) {
				bestValues = vals
			}
		}
		keep := level.keep
		if keep == 0 {
			continue
		}
		if len(bestValues) > o.MaxCategories {
			bestValues = bestValues[:o.MaxCategories]
		}
		dc.values = bestValues
		dc.index = nil
		dc.catchAll = true
		dc.prefix = &Prefix{Keep: keep, Length: l}
	}
}

func statsInteger(c dataset.Column) bool { return c.Kind == dataset.Integer || c.Kind == dataset.Date }

// geometricGrid is the fixed, data-independent grid of numeric bounds:
// 0 and ±2^k for k = −20..62, sorted.
func geometricGrid() []float64 {
	var g []float64
	for k := 62; k >= -20; k-- {
		g = append(g, -math.Ldexp(1, k))
	}
	g = append(g, 0)
	for k := -20; k <= 62; k++ {
		g = append(g, math.Ldexp(1, k))
	}
	return g
}

func gridAt(g []float64, i int) float64 {
	switch {
	case i < 0:
		return g[0]
	case i >= len(g):
		return g[len(g)-1]
	}
	return g[i]
}

// compress turns a column's noisy fine counts into the model's codes
// (post-processing): categories whose noisy count reaches rareSigmas·σ
// keep a code, the others share a rare bucket whose members (public
// values: declared or released) are weighted by their clipped noisy
// counts; a numeric column's cells are grouped into at most bins
// equal-frequency codes on the clipped counts, each describing its values
// by atoms (integers) or knots. Null keeps a code when its noisy count
// reaches rareSigmas·σ.
func compress(c *ColumnModel, dc *dpColumn, sigma float64, bins int) {
	c.Domain = dc.source
	c.Prefix = dc.prefix
	// otherText is how the catch-all cell is sampled: the fully masked
	// code for a column modelled by prefixes.
	otherText := OtherText
	if dc.prefix != nil {
		otherText = maskCode("", dc.prefix.Length)
	}
	n := len(dc.y)
	dc.toCode = make([]int32, n)
	for i := range dc.toCode {
		dc.toCode[i] = -1
	}
	thr := rareSigmas * sigma
	nullCell := n - 1
	var codes []Code
	if !dc.numeric {
		var rare []int
		nv := len(dc.values)
		if dc.catchAll {
			nv++
		}
		// Keep values in declared order; the catch-all is last.
		for k := 0; k < nv; k++ {
			if dc.y[k] >= thr {
				dc.toCode[k] = int32(len(codes))
				if k < len(dc.values) {
					codes = append(codes, Code{Value: dc.values[k], P: dc.y[k]})
				} else {
					codes = append(codes, Code{Other: true, Value: prefixOther(dc), P: dc.y[k]})
				}
			} else {
				rare = append(rare, k)
			}
		}
		if len(rare) > 0 {
			code := Code{Other: true}
			var sum float64
			for _, k := range rare {
				dc.toCode[k] = int32(len(codes))
				w := math.Max(dc.y[k], 0)
				sum += w
				text := otherText
				if k < len(dc.values) {
					text = dc.values[k]
				}
				code.Members = append(code.Members, Member{Value: text, P: w})
			}
			if sum == 0 {
				for i := range code.Members {
					code.Members[i].P = 1
				}
				sum = float64(len(code.Members))
			}
			for i := range code.Members {
				code.Members[i].P = round9(code.Members[i].P / sum)
			}
			code.P = sum
			codes = append(codes, code)
		}
	} else {
		c.Numeric = &Numeric{Integer: dc.unit || c.Kind != dataset.Float, Min: dc.lo, Max: dc.hi}
		if c.Kind == dataset.Float {
			c.Numeric.Decimals = 2
		}
		nc := n - 1
		// Weights within bins: the noisy counts of ordered cells, smoothed
		// when that lowers their estimated error (smoothCells), cells
		// below atomSigmas·σ zeroed.
		ys := smoothCells(dc.y[:nc], sigma)
		w := make([]float64, nc)
		any := false
		for k := 0; k < nc; k++ {
			if dc.y[k] >= atomSigmas*sigma && ys[k] > 0 {
				w[k] = ys[k]
				any = true
			}
		}
		if !any {
			for k := 0; k < nc; k++ {
				w[k] = math.Max(ys[k], 0)
			}
		}
		var vals []weighted
		for k := 0; k < nc; k++ {
			vals = append(vals, weighted{v: float64(k), w: w[k] + 1e-12})
		}
		for _, g := range equalFrequency(vals, bins) {
			first, last := int(g.vals[0].v), int(g.vals[len(g.vals)-1].v)
			b := &Bin{}
			var mass float64
			if dc.unit {
				b.Lo, b.Hi = dc.edges[first], dc.edges[last]
				for k := first; k <= last; k++ {
					mass += w[k]
					if w[k] > 0 {
						b.Atoms = append(b.Atoms, Atom{V: dc.edges[k], P: w[k]})
					}
				}
				if len(b.Atoms) == 0 {
					for k := first; k <= last; k++ {
						b.Atoms = append(b.Atoms, Atom{V: dc.edges[k], P: 1})
					}
				}
				var s float64
				for _, a := range b.Atoms {
					s += a.P
				}
				for i := range b.Atoms {
					b.Atoms[i].P = round9(b.Atoms[i].P / s)
				}
			} else {
				b.Lo, b.Hi = dc.edges[first], dc.edges[last+1]
				var cells []weighted
				for k := first; k <= last; k++ {
					mass += w[k]
					cells = append(cells, weighted{v: float64(k), w: w[k]})
				}
				b.Knots = cellKnots(dc.edges, cells, binKnots)
			}
			for k := first; k <= last; k++ {
				dc.toCode[k] = int32(len(codes))
			}
			codes = append(codes, Code{Bin: b, P: mass})
		}
	}
	if dc.y[nullCell] >= thr {
		dc.toCode[nullCell] = int32(len(codes))
		codes = append(codes, Code{Null: true, P: dc.y[nullCell]})
	}
	if len(codes) == 0 {
		// Nothing passed the thresholds: one code for everything.
		if dc.numeric {
			codes = append(codes, Code{Bin: &Bin{Lo: dc.lo, Hi: dc.hi, Knots: []float64{dc.lo, dc.hi}}})
		} else {
			codes = append(codes, Code{Other: true, Value: prefixOther(dc)})
		}
		for i := range dc.toCode {
			dc.toCode[i] = 0
		}
	}
	var s float64
	for i := range codes {
		codes[i].P = math.Max(codes[i].P, 0)
		s += codes[i].P
	}
	for i := range codes {
		if s > 0 {
			codes[i].P = round9(codes[i].P / s)
		} else {
			codes[i].P = round9(1 / float64(len(codes)))
		}
	}
	c.Codes = codes
}

// prefixOther returns the Value of the rare bucket of a column modelled
// by prefixes (the fully masked code), or "" for other columns.
func prefixOther(dc *dpColumn) string {
	if dc.prefix == nil {
		return ""
	}
	return maskCode("", dc.prefix.Length)
}

// smoothKernels are the triangular kernels smoothCells chooses from; the
// first leaves the counts as they are.
var smoothKernels = [][]float64{
	{1},
	{1, 2, 1},
	{1, 2, 3, 2, 1},
	{1, 2, 3, 4, 3, 2, 1},
	{1, 2, 3, 4, 5, 4, 3, 2, 1},
	{1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1},
}

// smoothCells returns the noisy counts y of ordered cells (noise N(0, σ²)
// on each) smoothed by the kernel of smoothKernels (renormalised at the
// ends) with the least estimated error: Stein's unbiased risk estimate of
// a linear smoother S,
//
//	R(S) = ‖y − S·y‖² + 2σ²·tr(S) − n·σ²,
//
// estimates E‖S·y − μ‖² (μ the true counts) from y alone, so the choice is
// post-processing. Smoothing cuts the noise where the distribution is
// smooth but blurs its sharp steps, so the best kernel depends on σ
// against the counts: on Adult's ages (about 400 rows per year) it keeps
// the counts at ε = 1 (σ ≈ 18) and takes the 7-cell kernel at ε = 0.1
// (σ ≈ 164).
func smoothCells(y []float64, sigma float64) []float64 {
	var best []float64
	bestRisk := math.Inf(1)
	for _, kern := range smoothKernels {
		out, trace := convolve(y, kern)
		var rss float64
		for i := range y {
			d := y[i] - out[i]
			rss += d * d
		}
		risk := rss + 2*sigma*sigma*trace - float64(len(y))*sigma*sigma
		if risk < bestRisk {
			best, bestRisk = out, risk
		}
	}
	return best
}

// convolve returns y convolved with a symmetric kernel, renormalised at
// the ends, and the trace of the smoothing matrix (the sum of each cell's
// own weight).
func convolve(y, kern []float64) ([]float64, float64) {
	h := len(kern) / 2
	out := make([]float64, len(y))
	var trace float64
	for i := range y {
		var s, w float64
		for j, k := range kern {
			if x := i + j - h; x >= 0 && x < len(y) {
				s += k * y[x]
				w += k
			}
		}
		out[i] = s / w
		trace += kern[h] / w
	}
	return out, trace
}

// cellKnots returns k equal-probability quantiles of a mixture of uniform
// cells [edges[c], edges[c+1]) with weights.
func cellKnots(edges []float64, cells []weighted, k int) []float64 {
	var total float64
	for _, c := range cells {
		total += c.w
	}
	first, last := int(cells[0].v), int(cells[len(cells)-1].v)
	if total <= 0 {
		out := make([]float64, k)
		for i := range out {
			out[i] = edges[first] + (edges[last+1]-edges[first])*float64(i)/float64(k-1)
		}
		return out
	}
	out := make([]float64, k)
	j := 0
	var cum float64
	for i := range k {
		target := float64(i) / float64(k-1) * total
		for j < len(cells)-1 && cum+cells[j].w < target {
			cum += cells[j].w
			j++
		}
		c := int(cells[j].v)
		frac := 0.0
		if cells[j].w > 0 {
			frac = math.Min(math.Max((target-cum)/cells[j].w, 0), 1)
		}
		out[i] = edges[c] + frac*(edges[c+1]-edges[c])
	}
	return out
}

// dpNotes states what the DP guarantee covers.
func dpNotes(m *Model, o *Options, estimated bool) []string {
	notes := []string{
		fmt.Sprintf("(ε=%g, δ=%g)-differential privacy for the whole model, with one row as the unit of privacy "+
			"(a row added or removed); the measurements spend ρ=%.6g in zero-concentrated DP, converted to (ε, δ) "+
			"as in Canonne, Kamath and Steinke (2020)", o.Epsilon, o.Delta, m.Privacy.Rho),
		"rows sampled from the model are post-processing: they carry the same guarantee, and sampling spends no budget; " +
			"fitting again spends it again, so keep the model",
	}
	var declared, dpDomain []string
	for _, c := range m.Columns {
		switch c.Domain {
		case "policy":
			declared = append(declared, c.Name)
		case "dp":
			dpDomain = append(dpDomain, c.Name)
		}
	}
	if len(declared) > 0 {
		notes = append(notes, "domains declared in the policy (treated as public): "+strings.Join(declared, ", "))
	}
	if estimated {
		notes = append(notes, "domains estimated with DP (values released by noisy thresholding, numeric bounds from a noisy "+
			"histogram on a fixed grid; part of δ covers a value held by one row being released): "+strings.Join(dpDomain, ", "))
	}
	for _, c := range m.Columns {
		if c.Prefix != nil && c.Domain == "dp" {
			notes = append(notes, fmt.Sprintf("column %s is code-like (length and prefix level chosen with DP): modelled by "+
				"its first %d of %d characters, the others masked with %q", c.Name, c.Prefix.Keep, c.Prefix.Length, string(MaskChar)))
		}
	}
	if o.Policy == nil {
		notes = append(notes, "column roles were detected from the data (no --policy): which columns are modelled, regenerated "+
			"or dropped depends on the data and is outside the guarantee; give --policy to declare them")
	} else {
		// A policy with a default action leaves the columns it does not
		// name to detection, and a direct column's fake entity is
		// detected too: one row can change either.
		var detected, faked []string
		for _, c := range m.Columns {
			if c.Why != "policy" {
				detected = append(detected, c.Name)
			}
			if c.Treatment == TreatFake && c.Entity != "" {
				faked = append(faked, c.Name+" ("+c.Entity+")")
			}
		}
		if len(detected) > 0 {
			notes = append(notes, "the roles of "+strings.Join(detected, ", ")+" were detected from the data (the policy does not "+
				"name them): whether they are modelled, regenerated or dropped is outside the guarantee; name them in the policy")
		}
		if len(faked) > 0 {
			notes = append(notes, "the kind of fake value of "+strings.Join(faked, ", ")+" was detected from the data: outside "+
				"the guarantee (the fake values themselves depend on no data)")
		}
	}
	notes = append(notes, "the schema (column names, and kinds inferred from the first rows unless declared with --type) "+
		"is treated as public; regenerated identifier and fake columns use data-independent formats and no null share under DP")
	return notes
}
