package kanon

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Mondrian partitions t top-down into classes (LeFevre, DeWitt and
// Ramakrishnan, "Mondrian Multidimensional k-Anonymity", ICDE 2006, strict
// variant): a partition is cut on the quasi-identifier with the widest
// normalized range, at its median, when both halves meet the privacy
// target; otherwise the next widest is tried, and a partition no cut can
// split is released as one class. Identical quasi-identifier combinations
// always stay together, so the classes do not overlap.
//
// Numeric columns (no hierarchy, or Attribute.Numeric with numeric leaves)
// are cut on their value and released as ranges "[lo,hi]" (the value
// itself when a class holds one); columns with a hierarchy are cut in the
// order that keeps each subtree contiguous and released as the lowest
// common ancestor of the class's values. A class holding missing and present values of a
// column, or values of a hierarchy with no common ancestor, releases "*"
// for it.
//
// Mondrian suppresses nothing, with one exception: columns whose values
// the policy fixed (Attribute.Fixed) are never cut, and missing values are
// never mixed with present ones (they are released as missing), so the
// rows are first grouped by their fixed values and by which
// quasi-identifiers they miss; a group that does not meet the target on
// its own is suppressed, within cfg.SuppressionLimit. cfg.Metric is
// ignored.
// When the target cannot be met the error is an *UnreachableError.
func Mondrian(ctx context.Context, t *Table, cfg Config) (*Result, error) {
	if err := cfg.validate(t); err != nil {
		return nil, err
	}
	if t.n < int64(cfg.K) || t.n == 0 {
		return nil, unreachable(t, &cfg, nil)
	}
	mo := newMondrian(t, &cfg)
	var s scratch
	var groups [][]int32
	var suppressed []int32
	var supRows int64
	for _, g := range mo.fixedGroups() {
		if mo.allowed(g, &s) {
			groups = append(groups, g)
			continue
		}
		suppressed = append(suppressed, g...)
		for _, e := range g {
			supRows += int64(t.counts[e])
		}
	}
	if maxOut := maxOutliers(cfg.SuppressionLimit, t.n); supRows > maxOut || len(groups) == 0 {
		e := &UnreachableError{Target: cfg.target(t.n)}
		switch {
		case len(groups) == 0 && supRows == t.n && len(mo.fixed) == 0 && !mo.anyMissing():
			e.Reasons = append(e.Reasons, "the whole table, as one class, does not meet it")
		default:
			what := "the quasi-identifiers they miss"
			if len(mo.fixed) > 0 {
				what = fmt.Sprintf("the values of the columns the policy fixes (%s) and the quasi-identifiers they miss", quoteList(mo.fixedNames()))
			}
			e.Reasons = append(e.Reasons, fmt.Sprintf("%d rows are in groups that fail the target on their own (Mondrian groups rows by %s and never merges groups), and at most %d may be suppressed",
				supRows, what, maxOut))
			if len(mo.fixed) > 0 {
				e.Hints = append(e.Hints, "let the search generalize those columns (action: generalize with a hierarchy; numbers and codes also with no parameter)")
			}
			e.Hints = append(e.Hints, fmt.Sprintf("suppression_limit of at least %.4g", math.Ceil(float64(supRows)/float64(t.n)*1e4)/1e4))
		}
		if cfg.LDiversity != nil {
			e.Hints = append(e.Hints, "a smaller l")
		}
		if cfg.TCloseness != nil {
			e.Hints = append(e.Hints, "a larger t")
		}
		return nil, e
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = 2
	}
	mo.sem = make(chan struct{}, workers-1)
	var parts [][]int32
	for _, g := range groups {
		p, err := mo.split(ctx, g)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p...)
	}
	r, err := mo.result(parts)
	if err != nil {
		return nil, err
	}
	r.Summary.Algorithm = "mondrian"
	r.Summary.Mondrian = &MondrianStats{Partitions: len(parts)}
	return r, nil
}

// mondrianDim is how Mondrian sees one quasi-identifier.
type mondrianDim struct {
	numeric bool
	rank    []int32   // code -> rank in the cutting order
	byRank  []uint32  // rank -> code
	num     []float64 // numeric: rank -> value (NaN for missing)
	missing int32     // rank of missing values, -1 if none can occur
	span    float64   // numeric: max - min over the table
	h       *Hierarchy
	dom     float64 // categorical: domain size d
	sizes   [][]int64
}

type mondrian struct {
	t     *Table
	cfg   *Config
	cr    *criteria
	dims  []mondrianDim
	fixed []int // columns released as they are
	sem   chan struct{}
}

// fixedGroups groups the entries by their fixed columns and by which
// quasi-identifiers are missing, in order of first appearance: a missing
// value is released as missing, so it never shares a class with present
// values of its column.
func (mo *mondrian) fixedGroups() [][]int32 {
	t := mo.t
	index := map[string]int{}
	var groups [][]int32
	m := len(t.cols)
	key := make([]byte, 4*len(mo.fixed)+m)
	for e := range t.Distinct() {
		for i, q := range mo.fixed {
			binary.LittleEndian.PutUint32(key[4*i:], t.code(e, q))
		}
		for q := range m {
			key[4*len(mo.fixed)+q] = 0
			if t.missing(q, t.code(e, q)) {
				key[4*len(mo.fixed)+q] = 1
			}
		}
		g, ok := index[string(key)]
		if !ok {
			g = len(groups)
			index[string(key)] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], int32(e))
	}
	return groups
}

func (mo *mondrian) anyMissing() bool {
	for q := range mo.t.cols {
		if mo.t.leafFreq[q][mo.t.missingCode(q)] > 0 {
			return true
		}
	}
	return false
}

func (mo *mondrian) fixedNames() []string {
	var names []string
	for _, q := range mo.fixed {
		names = append(names, mo.t.cols[q].name)
	}
	return names
}

func newMondrian(t *Table, cfg *Config) *mondrian {
	mo := &mondrian{t: t, cfg: cfg, cr: newCriteria(t, cfg)}
	mt := newMetricTables(t)
	for q, c := range t.cols {
		if c.fixed {
			mo.fixed = append(mo.fixed, q)
		}
		n := c.numCodes()
		d := mondrianDim{rank: make([]int32, n), missing: -1}
		var nums []float64 // by code
		switch {
		case c.kind == kindNumeric:
			nums = c.nums
		case c.ordered && c.h != nil && c.h.numeric != nil:
			nums = c.h.numeric
		}
		codes := make([]uint32, n)
		for i := range codes {
			codes[i] = uint32(i)
		}
		if nums != nil {
			d.numeric = true
			slices.SortStableFunc(codes, func(a, b uint32) int {
				na, nb := nums[a], nums[b]
				switch {
				case math.IsNaN(na) && math.IsNaN(nb):
					return 0
				case math.IsNaN(na):
					return 1
				case math.IsNaN(nb):
					return -1
				}
				return cmp.Compare(na, nb)
			})
		} else {
			d.h = c.h
			slices.SortStableFunc(codes, func(a, b uint32) int { return cmp.Compare(c.h.order[a], c.h.order[b]) })
			d.dom = float64(mt.dom[q])
			d.sizes = mt.size[q]
		}
		d.byRank = codes
		d.num = make([]float64, n)
		for r, code := range codes {
			d.rank[code] = int32(r)
			if nums != nil {
				d.num[r] = nums[code]
			}
		}
		if d.numeric {
			lo, hi := math.Inf(1), math.Inf(-1)
			for code, f := range t.leafFreq[q] {
				if f == 0 {
					continue
				}
				v := nums[code]
				if math.IsNaN(v) {
					d.missing = d.rank[code]
					continue
				}
				lo, hi = min(lo, v), max(hi, v)
			}
			if hi > lo {
				d.span = hi - lo
			}
		}
		mo.dims = append(mo.dims, d)
	}
	return mo
}

// extent returns the lowest and highest rank of dimension q in the points.
func (mo *mondrian) extent(points []int32, q int) (lo, hi int32) {
	d := &mo.dims[q]
	lo, hi = math.MaxInt32, -1
	for _, p := range points {
		r := d.rank[mo.t.code(int(p), q)]
		lo, hi = min(lo, r), max(hi, r)
	}
	return lo, hi
}

// width returns the normalized width of ranks lo..hi of dimension q: the
// NCP the partition would have on it.
func (mo *mondrian) width(q int, lo, hi int32) float64 {
	d := &mo.dims[q]
	if lo == hi {
		return 0
	}
	if d.numeric {
		if d.missing >= 0 && hi == d.missing {
			return 1 // missing and present values: released as *
		}
		if d.span == 0 {
			return 0
		}
		return (d.num[hi] - d.num[lo]) / d.span
	}
	l, g, ok := mo.lca(q, lo, hi)
	if !ok {
		return 1 // no common ancestor: released as *
	}
	if d.dom <= 0 {
		return 0
	}
	return float64(d.sizes[l][g]) / d.dom
}

// lca returns the level and code of the lowest common ancestor of the
// leaves of ranks lo and hi; leaves between them share it because the
// order keeps subtrees contiguous. ok is false when they have none (a
// hierarchy without a single top, or missing and present values).
func (mo *mondrian) lca(q int, lo, hi int32) (int, uint32, bool) {
	d := &mo.dims[q]
	a, b := d.byRank[lo], d.byRank[hi]
	for l := 0; l <= d.h.height; l++ {
		if d.h.gen[l][a] == d.h.gen[l][b] {
			return l, d.h.gen[l][a], true
		}
	}
	return 0, 0, false
}

// allowed reports whether the points, as one class, meet the target.
func (mo *mondrian) allowed(points []int32, s *scratch) bool {
	t := mo.t
	var n int64
	for _, p := range points {
		n += int64(t.counts[p])
	}
	if n < mo.cr.k {
		return false
	}
	if !mo.cr.needsHist() {
		return true
	}
	s.hbuf = s.hbuf[:0]
	for k := range t.sens {
		s.hbuf = append(s.hbuf, mo.hist(k, points, s))
	}
	return mo.cr.ok(n, s.hbuf, s)
}

// hist returns the distribution of sensitive column k in the points.
func (mo *mondrian) hist(k int, points []int32, s *scratch) sensHist {
	t := mo.t
	h := &t.hist[k]
	nc := t.sens[k].numCodes()
	if cap(s.dense) < nc {
		s.dense = make([]uint32, nc)
	}
	dense := s.dense[:nc]
	var codes []uint32
	for _, p := range points {
		for i := h.off[p]; i < h.off[p+1]; i++ {
			c := h.code[i]
			if dense[c] == 0 {
				codes = append(codes, c)
			}
			dense[c] += h.cnt[i]
		}
	}
	slices.Sort(codes)
	counts := make([]uint32, len(codes))
	for i, c := range codes {
		counts[i] = dense[c]
		dense[c] = 0
	}
	return sensHist{codes: codes, counts: counts}
}

// split partitions points recursively and returns the final partitions
// in a deterministic order (left before right).
func (mo *mondrian) split(ctx context.Context, points []int32) ([][]int32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s scratch
	left, right, ok := mo.cut(points, &s)
	if !ok {
		return [][]int32{points}, nil
	}
	// Large halves are split in parallel while workers are free; the
	// order of the result does not depend on it.
	if len(points) >= 4096 {
		select {
		case mo.sem <- struct{}{}:
			var lp [][]int32
			var lerr error
			var wg sync.WaitGroup
			wg.Go(func() {
				defer func() { <-mo.sem }()
				lp, lerr = mo.split(ctx, left)
			})
			rp, rerr := mo.split(ctx, right)
			wg.Wait()
			if lerr != nil {
				return nil, lerr
			}
			if rerr != nil {
				return nil, rerr
			}
			return append(lp, rp...), nil
		default:
		}
	}
	lp, err := mo.split(ctx, left)
	if err != nil {
		return nil, err
	}
	rp, err := mo.split(ctx, right)
	if err != nil {
		return nil, err
	}
	return append(lp, rp...), nil
}

// cut finds the allowed median cut of points on the widest dimension that
// has one, reordering points so that the halves are contiguous.
func (mo *mondrian) cut(points []int32, s *scratch) (left, right []int32, ok bool) {
	m := len(mo.dims)
	type cand struct {
		q     int
		width float64
	}
	cands := make([]cand, 0, m)
	for q := range m {
		lo, hi := mo.extent(points, q)
		if w := mo.width(q, lo, hi); lo != hi {
			cands = append(cands, cand{q, w})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(b.width, a.width) })
	t := mo.t
	for _, c := range cands {
		q := c.q
		d := &mo.dims[q]
		rankOf := func(p int32) int32 { return d.rank[t.code(int(p), q)] }
		slices.SortStableFunc(points, func(a, b int32) int {
			if r := cmp.Compare(rankOf(a), rankOf(b)); r != 0 {
				return r
			}
			return cmp.Compare(a, b)
		})
		// Weighted median: the rank where the running count reaches half.
		var total int64
		for _, p := range points {
			total += int64(t.counts[p])
		}
		var acc int64
		med := -1
		for i, p := range points {
			acc += int64(t.counts[p])
			if acc >= total/2 {
				med = i
				break
			}
		}
		r := rankOf(points[med])
		// Cut after the median value, or before it when that is not
		// allowed (many rows share the median value).
		after := med
		for after+1 < len(points) && rankOf(points[after+1]) == r {
			after++
		}
		before := med
		for before > 0 && rankOf(points[before-1]) == r {
			before--
		}
		cuts := []int{after + 1, before}
		if mo.cfg.medianOnly {
			cuts = cuts[:1]
		}
		for _, i := range cuts {
			if i <= 0 || i >= len(points) {
				continue
			}
			if mo.allowed(points[:i], s) && mo.allowed(points[i:], s) {
				return points[:i], points[i:], true
			}
		}
	}
	return nil, nil, false
}

// result turns the partitions into a Result.
func (mo *mondrian) result(parts [][]int32) (*Result, error) {
	t := mo.t
	m := len(t.cols)
	r := &Result{t: t, labels: make([]*labelSet, m)}
	for q := range m {
		r.labels[q] = newLabelSet()
	}
	protoLab := make([]int32, len(parts)*m)
	entryProto := make([]int32, t.Distinct())
	for e := range entryProto {
		entryProto[e] = -1 // suppressed unless a partition holds it
	}
	for j, points := range parts {
		for _, p := range points {
			entryProto[p] = int32(j)
		}
		for q := range m {
			lo, hi := mo.extent(points, q)
			protoLab[j*m+q] = mo.label(r.labels[q], q, lo, hi)
		}
	}
	if err := r.build(mo.cfg, protoLab, entryProto); err != nil {
		return nil, err
	}
	return r, nil
}

// label registers the released value of ranks lo..hi of dimension q.
func (mo *mondrian) label(ls *labelSet, q int, lo, hi int32) int32 {
	d := &mo.dims[q]
	c := mo.t.cols[q]
	w := mo.width(q, lo, hi)
	if !d.numeric {
		l, g, ok := mo.lca(q, lo, hi)
		if !ok {
			return ls.add("*", false, 1, 1, -1)
		}
		share := 0.0
		if d.dom > 1 {
			share = float64(d.sizes[l][g]-1) / (d.dom - 1)
		}
		return ls.add(d.h.labels[l][g], d.h.null[l][g], w, share, l)
	}
	text := func(rank int32) string {
		code := d.byRank[rank]
		if c.kind == kindNumeric {
			return c.texts[code]
		}
		return c.h.labels[0][code]
	}
	switch {
	case lo == hi && lo == d.missing:
		return ls.add("", true, 0, 0, -1)
	case lo == hi:
		return ls.add(text(lo), false, 0, 0, -1)
	case d.missing >= 0 && hi == d.missing:
		return ls.add("*", false, 1, 1, -1)
	}
	return ls.add("["+text(lo)+","+text(hi)+"]", false, w, w, -1)
}
