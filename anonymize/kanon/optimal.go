package kanon

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Optimal finds the globally optimal full-domain generalization of t: one
// level per quasi-identifier, the same for every row, that meets cfg's
// privacy target with at most cfg.SuppressionLimit of the rows suppressed
// (whole classes at a time, as in ARX) and has the least information loss
// under cfg.Metric. Ties go to the transformation with the lower sum of
// levels, then to the lexicographically smaller levels.
//
// The search is exact but not exhaustive: it visits transformations in
// order of a lower bound of the metric, stops when the bound reaches the
// best solution found, and skips transformations that predictive tagging
// has decided (see docs/kanon.md). Classes are rolled up from a cached,
// less general transformation instead of being recomputed from the rows.
//
// When no transformation meets the target, the error is an
// *UnreachableError that says why and what would work.
func Optimal(ctx context.Context, t *Table, cfg Config) (*Result, error) {
	if err := cfg.validate(t); err != nil {
		return nil, err
	}
	var heights []int
	var missing []string
	for _, c := range t.cols {
		if c.h == nil {
			missing = append(missing, c.name)
			continue
		}
		heights = append(heights, c.h.height)
	}
	if len(missing) > 0 {
		return nil, configErrorf("%v: %s (give them a hierarchy or bins, or use algorithm: mondrian)", ErrNeedsHierarchy, quoteList(missing))
	}
	size := 1.0
	for _, h := range heights {
		size *= float64(h + 1)
	}
	limit := cfg.MaxTransformations
	if limit <= 0 {
		limit = defaultMaxTransformations
	}
	if size > float64(min(limit, math.MaxInt32)) {
		return nil, &LatticeError{Nodes: size, Limit: limit}
	}
	if t.n < int64(cfg.K) || t.n == 0 {
		return nil, unreachable(t, &cfg, nil)
	}
	o := &optimal{
		t:      t,
		cfg:    &cfg,
		metric: cfg.metric(),
		cr:     newCriteria(t, &cfg),
		mt:     newMetricTables(t),
		lt:     newLattice(heights),
	}
	o.state = make([]uint8, o.lt.size)
	// The cache holds up to a quarter as many classes as the table has
	// entries (12 bytes each), and at least 256k.
	o.cache = &snapshotCache{root: rootSnapshot(t), budget: max(1<<18, t.Distinct()/4), small: cacheSmall}
	if cfg.cacheSmall > 0 {
		o.cache.small = cfg.cacheSmall
	}
	if err := o.run(ctx); err != nil {
		return nil, err
	}
	if o.best == nil {
		return nil, unreachable(t, &cfg, o)
	}
	levels := o.lt.levels(int(o.best.key.idx))
	r, err := globalResult(t, &cfg, levels, o.mt, o.cr)
	if err != nil {
		return nil, err
	}
	s := &r.Summary
	s.Algorithm = "optimal"
	s.Metric = string(o.metric)
	s.Search = &SearchStats{Transformations: o.lt.size, Checked: o.checks, StoppedEarly: o.stopped, Paths: o.paths, RareValues: o.marginal}
	if cfg.LocalRecoding && s.SuppressedRows > 0 {
		return LocalRecode(ctx, t, cfg, r)
	}
	return r, nil
}

// globalResult builds the result of the full-domain transformation levels.
func globalResult(t *Table, cfg *Config, levels []uint8, mt *metricTables, cr *criteria) (*Result, error) {
	w := &worker{}
	snap := groupify(t, w, levels, rootSnapshot(t), cr.needsHist(), true)
	supp := make([]bool, snap.len())
	st := stats(t, mt, cr, w, levels, snap, supp)
	m := len(t.cols)
	r := &Result{t: t, labels: make([]*labelSet, m)}
	for q := range m {
		r.labels[q] = newLabelSet()
	}
	protoLab := make([]int32, snap.len()*m)
	for j := range snap.len() {
		for q, c := range t.cols {
			protoLab[j*m+q] = addHierarchyLabel(r.labels[q], c.h, mt, q, int(levels[q]), t.keyCode(snap.keys, j, q))
		}
	}
	entryProto := make([]int32, len(t.counts))
	for e := range entryProto {
		j := w.classOf[e]
		if supp[j] {
			entryProto[e] = -1
		} else {
			entryProto[e] = j
		}
	}
	if err := r.build(cfg, protoLab, entryProto); err != nil {
		return nil, err
	}
	s := &r.Summary
	s.Levels = map[string]int{}
	for q, c := range t.cols {
		s.Levels[c.name] = int(levels[q])
	}
	// The metrics as ARX computes them for a full-domain transformation.
	il := &s.InformationLoss
	e := mt.entropyIL(levels)
	il.Entropy = &e
	var sl []uint64
	if st.suppressed > 0 {
		sl = st.suppLoss
	}
	il.Loss = geometricMean(mt.lossColumns(levels, st.suppressed, sl, nil))
	p := mt.precision(levels, st.suppressed)
	il.Precision = &p
	il.Discernibility = mt.discernibility(&st)
	il.AECS = mt.aecs(&st)
	return r, nil
}

// addHierarchyLabel registers the value of code g at level of column q.
func addHierarchyLabel(ls *labelSet, h *Hierarchy, mt *metricTables, q, level int, g uint32) int32 {
	text, null := h.labels[level][g], h.null[level][g]
	size := mt.size[q][level][g]
	d := mt.dom[q]
	ncp, share := 0.0, 0.0
	if size > 1 && d > 0 {
		ncp = float64(size) / float64(d)
	}
	if d > 1 {
		share = float64(size-1) / float64(d-1)
	}
	return ls.add(text, null, ncp, share, level)
}

// unreachable explains why no transformation meets the target.
func unreachable(t *Table, cfg *Config, o *optimal) error {
	e := &UnreachableError{Target: cfg.target(t.n)}
	if t.n < int64(cfg.K) {
		e.Reasons = append(e.Reasons, fmt.Sprintf("the table has %d rows, fewer than k=%d", t.n, cfg.K))
		if t.n > 0 {
			e.Hints = append(e.Hints, fmt.Sprintf("k at most %d", t.n))
		}
		return e
	}
	var noTop, fixed []string
	for _, c := range t.cols {
		switch {
		case c.fixed:
			fixed = append(fixed, c.name)
		case c.h != nil && !c.h.top:
			noTop = append(noTop, c.name)
		}
	}
	if len(fixed) > 0 {
		e.Reasons = append(e.Reasons, fmt.Sprintf("the policy fixes the released values of %s (an action other than generalize with no level), so the search cannot generalize them", quoteList(fixed)))
		e.Hints = append(e.Hints, fmt.Sprintf("let the search generalize %s (action: generalize with a hierarchy; numbers and codes also with no parameter)", quoteList(fixed)))
	}
	if len(noTop) > 0 {
		e.Reasons = append(e.Reasons, fmt.Sprintf("the hierarchies of %s have no single top value, so their columns can never be generalized entirely", quoteList(noTop)))
		e.Hints = append(e.Hints, fmt.Sprintf("add a last level * to the hierarchies of %s", quoteList(noTop)))
	}
	if l := cfg.LDiversity; l != nil {
		s := t.sensIndex(l.Column)
		distinct := 0
		for _, n := range t.sensTotal[s] {
			if n > 0 {
				distinct++
			}
		}
		if (l.Variant != EntropyL && float64(distinct) < l.L) || (l.Variant == EntropyL && float64(distinct) < math.Ceil(l.L)) {
			// No generalization adds values: this is the whole story.
			e.Reasons = []string{fmt.Sprintf("column %q has %d distinct values in the whole table, fewer than l=%g, and no generalization of the quasi-identifiers adds values", t.sens[s].name, distinct, l.L)}
			e.Hints = []string{fmt.Sprintf("l at most %d", distinct), "another sensitive column"}
			return e
		}
	}
	if o != nil {
		// The most general transformation: if even it fails, say by how
		// much.
		top := make([]uint8, len(t.cols))
		for q, c := range t.cols {
			top[q] = uint8(c.h.height)
		}
		w := &worker{}
		snap := groupify(t, w, top, rootSnapshot(t), o.cr.needsHist(), false)
		cr := *o.cr
		cr.maxOut = t.n // count every failing class
		st := stats(t, nil, &cr, w, top, snap, nil)
		e.Reasons = append(e.Reasons, fmt.Sprintf("even with every quasi-identifier at its highest level, %d of %d rows (%s) are in classes that fail the target, and at most %d may be suppressed",
			st.suppressed, t.n, pct(float64(st.suppressed)/float64(t.n)), o.cr.maxOut))
		if st.suppressed < t.n {
			need := float64(st.suppressed) / float64(t.n)
			e.Hints = append(e.Hints, fmt.Sprintf("suppression_limit of at least %.4g", math.Ceil(need*1e4)/1e4))
		}
		if cfg.LDiversity != nil || cfg.TCloseness != nil {
			e.Hints = append(e.Hints, "a weaker l or a larger t")
		}
		e.Hints = append(e.Hints, "a smaller k", "fewer quasi-identifiers")
		if len(fixed) == 0 {
			// Mondrian cuts classes to fit, but never merges rows whose
			// fixed values differ.
			e.Hints = append(e.Hints, "algorithm: mondrian (classes cut to fit, values of different hierarchy branches released as *)")
		}
	}
	return e
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
