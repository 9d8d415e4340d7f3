package kanon

import (
	"context"
	"math"
	"runtime"
)

// lattice numbers the full-domain transformations: node index
// sum_q level_q * stride_q, the first column the most significant, so that
// the order of indexes is the lexicographic order of levels.
type lattice struct {
	heights []int
	stride  []int
	size    int
}

func newLattice(heights []int) lattice {
	lt := lattice{heights: heights, stride: make([]int, len(heights)), size: 1}
	for q := len(heights) - 1; q >= 0; q-- {
		lt.stride[q] = lt.size
		lt.size *= heights[q] + 1
	}
	return lt
}

func (lt *lattice) index(levels []uint8) int {
	idx := 0
	for q, l := range levels {
		idx += int(l) * lt.stride[q]
	}
	return idx
}

// levels decodes a node index.
func (lt *lattice) levels(idx int) []uint8 {
	out := make([]uint8, len(lt.heights))
	for q, h := range lt.heights {
		out[q] = uint8(idx / lt.stride[q] % (h + 1))
	}
	return out
}

// Node states.
const (
	tagFails  uint8 = 1 << iota // fails the classifying predicate (and so does every node below)
	tagPasses                   // meets the classifying predicate (and so does every node above)
	tagPruned                   // cannot beat the best (nor can any node above)
)

// nodeKey orders nodes for the best-first search: by lower bound, then by
// height (sum of levels), then by levels in lexicographic order (the
// index's order). Along an edge of the lattice the key strictly grows. It
// is 16 bytes: the queue may hold millions.
type nodeKey struct {
	bound  float64
	height int32
	idx    int32 // lattice index
}

func (a nodeKey) less(b nodeKey) bool {
	if a.bound != b.bound {
		return a.bound < b.bound
	}
	if a.height != b.height {
		return a.height < b.height
	}
	return a.idx < b.idx
}

// nodeHeap is a binary min-heap of keys.
type nodeHeap []nodeKey

func (h *nodeHeap) push(k nodeKey) {
	*h = append(*h, k)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !a[i].less(a[p]) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *nodeHeap) pop() nodeKey {
	a := *h
	top := a[0]
	n := len(a) - 1
	a[0] = a[n]
	a = a[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && a[l].less(a[m]) {
			m = l
		}
		if r < n && a[r].less(a[m]) {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

// evaluation is what checking one node yields.
type evaluation struct {
	key nodeKey
	st  nodeStats
	pk  bool // meets k with the suppression limit (l and t ignored)
	p   bool // meets the whole target
	il  float64
}

// optimal is the state of one optimal search.
//
// The search classifies nodes by a predicate C that is monotone under
// generalization: the whole target when it is monotone (k-anonymity,
// distinct l-diversity, or any model without suppression), else k-anonymity
// with the suppression limit alone, which the target implies. It visits
// nodes best-first by a lower bound of the metric. A node not yet
// classified starts a path upward through unclassified nodes, and a binary
// search along the path (C is monotone along it) classifies the whole path
// with a few checks; every check tags the nodes below a failing node and
// above a passing one (Flash's predictive tagging).
type optimal struct {
	t       *Table
	cfg     *Config
	metric  Metric
	cr      *criteria
	mt      *metricTables
	lt      lattice
	state   []uint8
	evals   map[int]*evaluation
	cache   *snapshotCache
	best    *evaluation
	w       *worker
	buf     []float64
	checks  int // nodes whose classes were computed
	stopped int // checks that stopped early, the node failing
	paths   int // binary searches run
	// rare[q][l] is the number of rows whose value of column q at level l
	// is held by fewer than k rows of the table: such rows are in classes
	// smaller than k at every node with q at level l, so a node where it
	// exceeds the suppression limit for some column fails unchecked.
	rare     [][]int64
	marginal int // nodes that failed by the rare-value bound
}

// initRare computes rare from the columns' value frequencies.
func (o *optimal) initRare() {
	t := o.t
	o.rare = make([][]int64, len(t.cols))
	for q, c := range t.cols {
		h := c.h
		o.rare[q] = make([]int64, h.height+1)
		for l := 0; l <= h.height; l++ {
			f := make([]int64, len(h.labels[l]))
			for leaf, n := range t.leafFreq[q] {
				f[h.gen[l][leaf]] += n
			}
			for _, n := range f {
				if n > 0 && n < o.cr.k {
					o.rare[q][l] += n
				}
			}
		}
	}
}

// rareBound returns a lower bound of the rows in classes smaller than k at
// levels.
func (o *optimal) rareBound(levels []uint8) int64 {
	var b int64
	for q, l := range levels {
		b = max(b, o.rare[q][l])
	}
	return b
}

func (o *optimal) key(levels []uint8) nodeKey {
	k := nodeKey{idx: int32(o.lt.index(levels))}
	for _, l := range levels {
		k.height += int32(l)
	}
	k.bound = o.mt.bound(o.metric, levels, o.t.Distinct(), o.buf)
	return k
}

func (o *optimal) run(ctx context.Context) error {
	m := len(o.t.cols)
	o.buf = make([]float64, 0, m)
	o.evals = map[int]*evaluation{}
	o.initRare()
	o.w = &worker{}
	if workers := o.cfg.Workers; workers > 1 || (workers <= 0 && runtime.GOMAXPROCS(0) > 1) {
		o.w.helper = &worker{}
	}
	h := &nodeHeap{o.key(make([]uint8, m))}
	levels := make([]uint8, m)
	for len(*h) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		x := h.pop()
		if o.best != nil && !x.less(o.best.key) {
			break // every node left is at least as far
		}
		if o.state[x.idx]&tagPruned != 0 {
			continue // and so is every node above
		}
		// Canonical successors: raise a level at or after the last
		// non-zero one, so that each node is queued once.
		copy(levels, o.lt.levels(int(x.idx)))
		last := 0
		for q := m - 1; q >= 0; q-- {
			if levels[q] > 0 {
				last = q
				break
			}
		}
		for q := last; q < m; q++ {
			if int(levels[q]) < o.lt.heights[q] {
				levels[q]++
				h.push(o.key(levels))
				levels[q]--
			}
		}
		if o.state[x.idx]&(tagFails|tagPasses) == 0 {
			o.classifyPath(x)
		}
		if o.state[x.idx]&tagFails != 0 {
			continue
		}
		ev := o.evals[int(x.idx)]
		if ev == nil {
			if o.cr.monotone && x.bound == o.exactIL(x) {
				// Meets the target, and its metric is its bound: no
				// need to compute its classes.
				ev = &evaluation{key: x, pk: true, p: true, il: x.bound}
			} else {
				ev = o.check(x)
			}
		}
		o.consider(ev)
	}
	return nil
}

// exactIL returns the metric of a node known to meet a monotone target
// when it can be told without computing classes (it equals the bound),
// or NaN.
func (o *optimal) exactIL(x nodeKey) float64 {
	switch o.metric {
	case Entropy:
		return x.bound
	case Loss, Precision:
		if o.cr.maxOut == 0 {
			return x.bound
		}
	}
	return math.NaN()
}

// classifyPath classifies x and a path of unclassified nodes above it by
// binary search.
func (o *optimal) classifyPath(x nodeKey) {
	o.paths++
	path := []nodeKey{x}
	cur := o.lt.levels(int(x.idx))
	for {
		var next nodeKey
		found := false
		for q := range cur {
			if int(cur[q]) >= o.lt.heights[q] {
				continue
			}
			idx := o.lt.index(cur) + o.lt.stride[q]
			if o.state[idx]&(tagFails|tagPasses) != 0 {
				continue
			}
			cur[q]++
			k := o.key(cur)
			cur[q]--
			if !found || k.less(next) {
				next, found = k, true
			}
		}
		if !found {
			break
		}
		path = append(path, next)
		cur = o.lt.levels(int(next.idx))
	}
	lo, hi := 0, len(path)-1
	for lo <= hi {
		mid := (lo + hi) / 2
		y := path[mid]
		if o.state[y.idx]&(tagFails|tagPasses) == 0 {
			o.check(y)
		}
		if o.state[y.idx]&tagPasses != 0 {
			hi = mid - 1
		} else {
			lo = mid + 1
		}
	}
}

// check computes the classes of one node, records what they imply and
// returns the evaluation.
func (o *optimal) check(x nodeKey) *evaluation {
	if ev := o.evals[int(x.idx)]; ev != nil {
		return ev
	}
	levels := o.lt.levels(int(x.idx))
	if o.rareBound(levels) > o.cr.maxOut {
		// Fails k with the suppression limit: no need for its classes.
		ev := &evaluation{key: x}
		o.marginal++
		o.evals[int(x.idx)] = ev
		o.tagDown(int(x.idx))
		return ev
	}
	src := o.cache.source(levels)
	if !o.cfg.noEarlyStop {
		o.w.stop = newEarlyStop(o.cr, src, o.cache)
	}
	snap := groupify(o.t, o.w, levels, src, o.cr.needsHist(), false)
	o.w.stop = nil
	ev := &evaluation{key: x}
	if snap.stopped {
		// More rows than the limit are in classes smaller than k: the
		// node fails, and the grouping stopped there.
		o.checks++
		o.stopped++
		o.evals[int(x.idx)] = ev
		o.tagDown(int(x.idx))
		return ev
	}
	ev.st = stats(o.t, o.mt, o.cr, o.w, levels, snap, nil)
	ev.pk = ev.st.kOutliers <= o.cr.maxOut
	ev.p = ev.st.suppressed <= o.cr.maxOut && ev.st.suppressed < o.t.n
	if ev.p {
		ev.il = o.mt.value(o.metric, levels, &ev.st, o.buf[:0])
	}
	o.cache.put(snap, src)
	o.checks++
	o.evals[int(x.idx)] = ev
	c := ev.pk
	if o.cr.monotone {
		c = ev.p
	}
	if c {
		o.tagUpPasses(int(x.idx))
	} else {
		o.tagDown(int(x.idx))
	}
	if o.best != nil {
		if lb, ok := o.mt.groupBound(o.metric, &ev.st); ok {
			// Nodes above have a metric of at least lb and are higher.
			b := o.best.key
			if lb > b.bound || (lb == b.bound && x.height >= b.height) {
				o.tagUp(int(x.idx), false)
			}
		}
	}
	return ev
}

// consider makes ev the best solution if it is one and beats the best.
func (o *optimal) consider(ev *evaluation) {
	if !ev.p {
		return
	}
	x := ev.key
	cand := &evaluation{key: nodeKey{bound: ev.il, height: x.height, idx: x.idx}, st: ev.st, pk: true, p: true, il: ev.il}
	if o.best == nil || cand.key.less(o.best.key) {
		o.best = cand
	}
	if o.cr.monotone && ev.il == x.bound {
		// Every node above meets the target too but has a bound at least
		// as large and is higher: none beats this one.
		o.tagUp(int(x.idx), false)
	}
}

// tagUpPasses marks idx and every node above it as meeting the
// classifying predicate.
func (o *optimal) tagUpPasses(idx int) {
	stack := []int{idx}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if o.state[i]&tagPasses != 0 {
			continue
		}
		o.state[i] |= tagPasses
		for q, s := range o.lt.stride {
			if i/s%(o.lt.heights[q]+1) < o.lt.heights[q] {
				stack = append(stack, i+s)
			}
		}
	}
}

// tagDown marks idx and every node below it as failing. Nodes already
// marked have their whole down-set marked, so the walk stops at them.
func (o *optimal) tagDown(idx int) {
	stack := []int{idx}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if o.state[i]&tagFails != 0 {
			continue
		}
		o.state[i] |= tagFails
		for q, s := range o.lt.stride {
			if i/s%(o.lt.heights[q]+1) > 0 {
				stack = append(stack, i-s)
			}
		}
	}
}

// tagUp marks the nodes above idx (and idx itself when self is set) as
// unable to beat the best.
func (o *optimal) tagUp(idx int, self bool) {
	stack := []int{}
	push := func(i int) {
		for q, s := range o.lt.stride {
			if i/s%(o.lt.heights[q]+1) < o.lt.heights[q] {
				stack = append(stack, i+s)
			}
		}
	}
	if self {
		stack = append(stack, idx)
	} else {
		push(idx)
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if o.state[i]&tagPruned != 0 {
			continue
		}
		o.state[i] |= tagPruned
		push(i)
	}
}
