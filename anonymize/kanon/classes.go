package kanon

import (
	"math/bits"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// snapshot holds the equivalence classes of one transformation: for each
// class its key (the generalized codes, packed in the table's layout), its
// row count and, when the privacy model needs them, its sensitive values.
// Any transformation at least as general can be computed from it by
// generalizing the keys (ARX's roll-up), without going back to the rows;
// only the columns whose level differs are touched.
type snapshot struct {
	levels []uint8
	keys   []uint64 // t.words per class
	count  []uint32
	hist   []histCSR // per sensitive column, when the model needs them
	used   uint64    // last use, for eviction
	// transient reports that keys and count are a worker's buffers, valid
	// until its next grouping; the cache keeps a copy.
	transient bool
	// runs reports that the classes come in runs of equal code of the
	// table's top column, the runs in increasing code order.
	runs bool
	// stopped reports that the grouping gave up early (see earlyStop):
	// the snapshot is incomplete and only says that the node fails.
	stopped bool
	// runStarts, for a snapshot that lasts (the table's own), holds the
	// run boundaries found for each level of the top column (nil: not yet;
	// empty: the generalized codes are not in order).
	runStarts map[uint8][]int32
}

// earlyStop lets a grouping by runs give up as soon as the rows in
// classes smaller than k exceed over: the node then fails k-anonymity
// with the suppression limit, whatever the classes not yet grouped. A
// class is complete at the end of its run (every class lies in one run),
// so the count only grows. The two goroutines of a grouping share it.
//
// A complete snapshot of a failing node is still worth its cost when the
// cache keeps it (later roll-ups start from it), so the grouping stops
// only when the classes so far, extrapolated to the whole source, say the
// cache would not: more than half the source's classes and more than
// 64k, or more than the cache takes. Stopping or not never changes the
// search's result, only its speed.
type earlyStop struct {
	k, over  int64
	n        int64 // source classes
	small    int64 // snapshots this small are cached whatever their source
	maxCache int64 // the largest snapshot the cache takes
	rows     atomic.Int64
	entries  atomic.Int64 // source classes grouped so far
	classes  atomic.Int64 // classes found so far
	hit      atomic.Bool
}

// newEarlyStop returns the early stop of a grouping of src for the
// criteria cr, with the cache c.
func newEarlyStop(cr *criteria, src *snapshot, c *snapshotCache) *earlyStop {
	return &earlyStop{k: cr.k, over: cr.maxOut, n: int64(src.len()), small: int64(c.small), maxCache: int64(c.budget / 2)}
}

// done records a grouped run of entries source classes that gave classes
// classes, small rows of them in classes smaller than k, and reports
// whether the grouping should stop.
func (s *earlyStop) done(entries, classes, small int64) bool {
	rows := s.rows.Load()
	if small > 0 {
		rows = s.rows.Add(small)
	}
	e, c := s.entries.Add(entries), s.classes.Add(classes)
	if rows > s.over && e > 0 {
		proj := c * s.n / e
		if (2*proj > s.n && proj > s.small) || proj > s.maxCache {
			s.hit.Store(true)
		}
	}
	return s.hit.Load()
}

func (s *snapshot) len() int { return len(s.count) }

// rootSnapshot returns the table's entries as the classes of the bottom
// transformation. It shares the table's arrays.
func rootSnapshot(t *Table) *snapshot {
	return &snapshot{levels: make([]uint8, len(t.cols)), keys: t.keys, count: t.counts, hist: t.hist, runs: true, runStarts: map[uint8][]int32{}}
}

// keyCode returns column q's code in class i of keys (snapshot keys in the
// table's layout).
func (t *Table) keyCode(keys []uint64, i, q int) uint32 {
	c := t.cols[q]
	return uint32(keys[i*t.words+int(c.word)]>>c.shift) & (1<<c.bits - 1)
}

// snapshotCache keeps recent snapshots within a budget of classes, so that
// a transformation can be rolled up from a less general one with few
// classes.
type snapshotCache struct {
	mu     sync.Mutex
	root   *snapshot
	snaps  []*snapshot
	total  int
	budget int
	small  int // see cacheSmall
	clock  uint64
}

// source returns the cached snapshot with the fewest classes among those
// no more general than levels, or the root.
func (c *snapshotCache) source(levels []uint8) *snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	best := c.root
	for _, s := range c.snaps {
		if s.len() < best.len() && below(s.levels, levels) {
			best = s
		}
	}
	c.clock++
	best.used = c.clock
	return best
}

func below(a, b []uint8) bool {
	for i := range a {
		if a[i] > b[i] {
			return false
		}
	}
	return true
}

// cacheSmall is the number of classes up to which a snapshot is cached
// even when it is not much smaller than its source.
const cacheSmall = 1 << 16

// put offers s to the cache; it is kept if it is smaller than its source
// (rolling up from it saves work) and fits the budget, evicting the least
// recently used snapshots.
func (c *snapshotCache) put(s, src *snapshot) {
	if (s.len() > src.len()/2 && s.len() > c.small) || s.len() > c.budget/2 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.total+s.len() > c.budget && len(c.snaps) > 0 {
		old := 0
		for i, x := range c.snaps {
			if x.used < c.snaps[old].used {
				old = i
			}
		}
		c.total -= c.snaps[old].len()
		c.snaps = slices.Delete(c.snaps, old, old+1)
	}
	c.clock++
	if s.transient {
		cp := *s
		cp.keys, cp.count, cp.transient = slices.Clone(s.keys), slices.Clone(s.count), false
		s = &cp
	}
	s.used = c.clock
	c.snaps = append(c.snaps, s)
	c.total += s.len()
}

// worker holds one goroutine's buffers for grouping.
type worker struct {
	slots     []int32
	key       []uint64
	classOf   []int32
	dense     []uint32
	touched   []uint32
	order     []int32
	starts    []int32
	sc        scratch
	buf       []float64
	lifts     []lift
	suppCls   []int32
	hbuf      []sensHist
	islots    []islot
	okeys     []uint64 // output classes, reused from one grouping to the next
	ocount    []uint32
	rslots    []int32
	runStarts []int32
	// byBit lists the columns in key order (word, then shift), and
	// liftCache holds the combined lifts built (setLifts): both are the
	// table's, so a worker serves one table.
	byBit      []int
	liftCache  map[liftKey][]uint32
	liftCached int // entries in liftCache's tables
	// bound is the most classes the grouping under way can have.
	bound int
	// helper, when set, groups half of large sources in parallel.
	helper *worker
	// stop, when set, lets groupings by runs stop early.
	stop *earlyStop
}

// lift rewrites one column of a key: its code at the source's level
// becomes its code at the target's.
type lift struct {
	word  int
	shift uint
	mask  uint64
	to    []uint32
}

// combineBits is the widest group of neighbouring columns whose lifts
// become one lookup: its table of 2^combineBits codes (16 KB) stays in the
// processor's cache.
const combineBits = 12

// combineFrom is the number of source classes from which lifts are
// combined: below it, building a table would cost more than it saves.
// (A variable, as are runsFrom and parallelFrom, so that tests can send
// small tables down every path.)
var combineFrom = 1024

// runsFrom is the number of source classes from which a source in runs
// is grouped run by run.
var runsFrom = 1024

// liftCacheMax is the most table entries a worker's liftCache holds.
const liftCacheMax = 1 << 20

// liftKey names a combined lift: its bits and the levels its columns go
// from and to.
type liftKey struct {
	word, shift, width uint
	levels             string
}

// setLifts sets w.lifts to the lifts from levels from to levels to. With
// combine, the columns that lie next to each other in a key word are
// merged into one lookup table per group of at most combineBits bits (a
// column in between that keeps its level is copied through): a roll-up
// then does one lookup per group instead of one per column. The tables
// are cached in w.
func setLifts(t *Table, w *worker, from, to []uint8, combine bool) {
	w.lifts = w.lifts[:0]
	if w.byBit == nil {
		w.byBit = make([]int, len(t.cols))
		for q := range w.byBit {
			w.byBit[q] = q
		}
		slices.SortFunc(w.byBit, func(a, b int) int {
			ca, cb := t.cols[a], t.cols[b]
			if ca.word != cb.word {
				return int(ca.word) - int(cb.word)
			}
			return int(ca.shift) - int(cb.shift)
		})
	}
	order := w.byBit
	lifted := func(q int) bool { return to[q] > from[q] }
	for i := 0; i < len(order); {
		q := order[i]
		c := t.cols[q]
		if !lifted(q) {
			i++
			continue
		}
		last := i
		for j := i + 1; combine && j < len(order); j++ {
			cj := t.cols[order[j]]
			if cj.word != c.word || cj.shift+cj.bits-c.shift > combineBits {
				break
			}
			if lifted(order[j]) {
				last = j
			}
		}
		if last == i {
			w.lifts = append(w.lifts, lift{word: int(c.word), shift: c.shift, mask: 1<<c.bits - 1, to: c.h.lift(int(from[q]), int(to[q]))})
			i++
			continue
		}
		cl := t.cols[order[last]]
		width := cl.shift + cl.bits - c.shift
		var lv []byte
		for _, qq := range order[i : last+1] {
			lv = append(lv, from[qq], to[qq])
		}
		key := liftKey{word: c.word, shift: c.shift, width: width, levels: string(lv)}
		table := w.liftCache[key]
		if table == nil {
			table = make([]uint32, 1<<width)
			for v := range table {
				var out uint32
				for _, qq := range order[i : last+1] {
					cq := t.cols[qq]
					off := cq.shift - c.shift
					f := uint32(v>>off) & (1<<cq.bits - 1)
					if lifted(qq) {
						if up := cq.h.lift(int(from[qq]), int(to[qq])); int(f) < len(up) {
							f = up[f]
						} else {
							f = 0 // a code no class holds
						}
					}
					out |= f << off
				}
				table[v] = out
			}
			if w.liftCache == nil || w.liftCached+len(table) > liftCacheMax {
				// Start over rather than hold more than 4 MB.
				w.liftCache, w.liftCached = map[liftKey][]uint32{}, 0
			}
			w.liftCache[key] = table
			w.liftCached += len(table)
		}
		w.lifts = append(w.lifts, lift{word: int(c.word), shift: c.shift, mask: 1<<width - 1, to: table})
		i = last + 1
	}
}

// groupify computes the classes of the transformation levels from src, a
// snapshot no more general. When keepClassOf is set (or sensitive values
// are merged), w.classOf maps each class of src to its class at levels.
func groupify(t *Table, w *worker, levels []uint8, src *snapshot, hist, keepClassOf bool) *snapshot {
	setLifts(t, w, src.levels, levels, src.len() >= combineFrom)
	// At most as many classes as combinations of the columns' codes at
	// levels: hash tables sized for that stay small when levels are high.
	w.bound = 1
	for q, c := range t.cols {
		w.bound *= len(c.h.labels[levels[q]])
		if w.bound >= src.len() {
			w.bound = src.len()
			break
		}
	}
	if w.helper != nil {
		w.helper.bound = w.bound
	}
	if t.words == 1 {
		var out *snapshot
		if src.runs && src.len() >= runsFrom {
			out = groupifyRuns(t, w, levels, src, hist || keepClassOf)
		}
		if out == nil {
			out = groupify1(w, levels, src, hist || keepClassOf)
		}
		if out.stopped {
			return out
		}
		if hist {
			sortByClass(w, src.len(), out.len())
			for s, h := range src.hist {
				out.hist = append(out.hist, mergeHist(w, &h, out.len(), t.sens[s].numCodes()))
			}
		}
		return out
	}
	n := src.len()
	size := slotsFor(n)
	if cap(w.slots) < size {
		w.slots = make([]int32, size)
	}
	slots := w.slots[:size]
	clear(slots)
	mask := uint64(size - 1)
	hshift := uint(64 - bits.TrailingZeros(uint(size)))
	W := t.words
	out := &snapshot{levels: slices.Clone(levels), keys: make([]uint64, 0, min(n, 1024)*W), count: make([]uint32, 0, min(n, 1024))}
	if cap(w.key) < W {
		w.key = make([]uint64, W)
	}
	key := w.key[:W]
	needClass := hist || keepClassOf
	if needClass {
		if cap(w.classOf) < n {
			w.classOf = make([]int32, n)
		}
		w.classOf = w.classOf[:n]
	}
	lifts := w.lifts
	// The columns that change, cleared from the key before their new codes
	// are or-ed in: the lookups are independent of each other.
	var keep uint64 = ^uint64(0)
	for _, l := range lifts {
		keep &^= l.mask << l.shift
	}
	for i := range n {
		var j int32
		if W == 1 {
			k0 := src.keys[i]
			k := k0 & keep
			for li := range lifts {
				l := &lifts[li]
				k |= uint64(l.to[k0>>l.shift&l.mask]) << l.shift
			}
			// Fibonacci hashing: the high bits of the product.
			p := (k * 0x9E3779B97F4A7C15) >> hshift
			for {
				s := slots[p]
				if s == 0 {
					out.keys = append(out.keys, k)
					out.count = append(out.count, 0)
					j = int32(len(out.count) - 1)
					slots[p] = j + 1
					break
				}
				if out.keys[s-1] == k {
					j = s - 1
					break
				}
				p = (p + 1) & mask
			}
		} else {
			copy(key, src.keys[i*W:(i+1)*W])
			for _, l := range lifts {
				f := key[l.word] >> l.shift & l.mask
				key[l.word] = key[l.word]&^(l.mask<<l.shift) | uint64(l.to[f])<<l.shift
			}
			p := hashKey(key) & mask
			for {
				s := slots[p]
				if s == 0 {
					out.keys = append(out.keys, key...)
					out.count = append(out.count, 0)
					j = int32(len(out.count) - 1)
					slots[p] = j + 1
					break
				}
				if slices.Equal(out.keys[int(s-1)*W:int(s)*W], key) {
					j = s - 1
					break
				}
				p = (p + 1) & mask
			}
		}
		out.count[j] += src.count[i]
		if needClass {
			w.classOf[i] = j
		}
	}
	if hist {
		sortByClass(w, n, out.len())
		for s, h := range src.hist {
			out.hist = append(out.hist, mergeHist(w, &h, out.len(), t.sens[s].numCodes()))
		}
	}
	return out
}

// groupifyRuns is groupify for one-word keys of a source whose classes
// come in runs of the top column's code: when generalizing that column
// keeps its codes in order (as it does for the hierarchies veil builds,
// and often for others), the classes of one run of generalized top code
// are grouped apart from the others with a small hash table that stays in
// the processor's cache, and two goroutines share the runs without any
// merge. It returns nil when the generalized top codes are not in order;
// groupify1 then does the work.
func groupifyRuns(t *Table, w *worker, levels []uint8, src *snapshot, needClass bool) *snapshot {
	n := src.len()
	tc := t.cols[t.top]
	tshift, tmask := tc.shift, uint64(1)<<tc.bits-1
	var tto []uint32 // nil: the top column keeps its level
	if a, b := int(src.levels[t.top]), int(levels[t.top]); b > a {
		tto = tc.h.lift(a, b) // w.lifts may hold it combined with others
	}
	// Run boundaries; give up if the generalized codes go back. The
	// table's own are kept per level of the top column: most checks roll
	// up from it.
	starts, known := src.runStarts[levels[t.top]]
	if !known {
		starts = w.runStarts[:0]
		prev := uint64(0)
		for i, k := range src.keys[:n] {
			g := k >> tshift & tmask
			if tto != nil {
				g = uint64(tto[g])
			}
			if i == 0 || g != prev {
				if i > 0 && g < prev {
					starts = starts[:0]
					break
				}
				starts = append(starts, int32(i))
				prev = g
			}
		}
		if len(starts) > 0 {
			starts = append(starts, int32(n))
		}
		w.runStarts = starts
		if src.runStarts != nil {
			src.runStarts[levels[t.top]] = slices.Clone(starts)
		}
	}
	if len(starts) == 0 {
		return nil
	}
	if n >= parallelFrom && n <= halvesUpTo && w.helper != nil {
		largest := int32(0)
		for r := 0; r+1 < len(starts); r++ {
			largest = max(largest, starts[r+1]-starts[r])
		}
		if int(largest) > n/2 {
			// The runs cannot be shared out evenly (the top column is
			// generalized far: often one run): groupify1 splits the
			// classes in halves instead. Its classes, numbered by first
			// appearance in a source in order of generalized top code,
			// are in that order too.
			out := groupify1(w, levels, src, needClass)
			out.runs = true
			return out
		}
	}
	if needClass {
		if cap(w.classOf) < n {
			w.classOf = make([]int32, n)
		}
		w.classOf = w.classOf[:n]
	}
	var keep uint64 = ^uint64(0)
	for _, l := range w.lifts {
		keep &^= l.mask << l.shift
	}
	// Split the runs in two halves of about equal source size.
	nr := len(starts) - 1
	mid := nr
	if n >= parallelFrom && w.helper != nil && nr > 1 {
		mid = sort.Search(nr, func(r int) bool { return int(starts[r]) >= n/2 })
		mid = min(max(mid, 1), nr-1)
	}
	var b *snapshot
	var wg sync.WaitGroup
	if mid < nr {
		wg.Go(func() {
			b = groupRuns(w.helper, src, starts[mid:], w.lifts, keep, w.classOf, needClass, w.stop)
		})
	}
	a := groupRuns(w, src, starts[:mid+1], w.lifts, keep, w.classOf, needClass, w.stop)
	wg.Wait()
	out := &snapshot{levels: slices.Clone(levels), keys: a.keys, count: a.count, runs: true, transient: true}
	if w.stop != nil && w.stop.hit.Load() {
		out.stopped = true
		return out
	}
	if b != nil {
		base := int32(len(out.count))
		out.keys = append(out.keys, b.keys...)
		out.count = append(out.count, b.count...)
		w.okeys, w.ocount = out.keys, out.count
		if needClass {
			for i := starts[mid]; i < int32(n); i++ {
				w.classOf[i] += base
			}
		}
	}
	return out
}

// groupRuns groups the source classes of the runs starts[0]..starts[len-1]
// (one run between two boundaries), numbering classes from 0 in order of
// first appearance; classOf receives local class numbers. With stop set,
// it gives up once stop is hit (by either goroutine).
func groupRuns(w *worker, src *snapshot, starts []int32, lifts []lift, keep uint64, classOf []int32, needClass bool, stop *earlyStop) *snapshot {
	out := &snapshot{keys: w.okeys[:0], count: w.ocount[:0], transient: true}
	for r := 0; r+1 < len(starts); r++ {
		lo, hi := int(starts[r]), int(starts[r+1])
		size := slotsFor(min(hi-lo, w.bound))
		if cap(w.rslots) < size {
			w.rslots = make([]int32, size)
		}
		slots := w.rslots[:size]
		clear(slots)
		mask := uint64(size - 1)
		shift := uint(64 - bits.TrailingZeros(uint(size)))
		base := int32(len(out.count))
		for i := lo; i < hi; i++ {
			k0 := src.keys[i]
			k := k0 & keep
			for li := range lifts {
				l := &lifts[li]
				k |= uint64(l.to[k0>>l.shift&l.mask]) << l.shift
			}
			p := (k * 0x9E3779B97F4A7C15) >> shift
			var j int32
			for {
				s := slots[p]
				if s == 0 {
					out.keys = append(out.keys, k)
					out.count = append(out.count, 0)
					j = int32(len(out.count) - 1)
					slots[p] = j - base + 1
					break
				}
				if out.keys[base+s-1] == k {
					j = base + s - 1
					break
				}
				p = (p + 1) & mask
			}
			out.count[j] += src.count[i]
			if needClass {
				classOf[i] = j
			}
		}
		if stop != nil {
			// The run's classes are complete: count the rows of those
			// smaller than k.
			var small int64
			for _, c := range out.count[base:] {
				if int64(c) < stop.k {
					small += int64(c)
				}
			}
			if stop.done(int64(hi-lo), int64(len(out.count))-int64(base), small) {
				break
			}
		}
	}
	w.okeys, w.ocount = out.keys, out.count
	return out
}

// islot is a slot of groupify1's hash table: the key and count of a class
// held in place, so that adding a row to its class touches one cache line.
type islot struct {
	key   uint64
	count uint32 // 0: empty
	id    int32  // class number, in order of first appearance
}

// halvesUpTo is the most source classes for which groupifyRuns hands a
// source whose runs cannot be shared out to groupify1's halves: beyond,
// groupify1's tables (16 bytes a slot, two of them) cost more memory than
// the second goroutine saves time (the 1M-row ZIP benchmark: 45 MB more,
// no faster).
const halvesUpTo = 1 << 17

// parallelFrom is the number of source classes from which groupify1
// splits the work over two goroutines.
var parallelFrom = 4096

// groupify1 is groupify for one-word keys (the usual case): generalize
// each source class's key with w.lifts and add its count to its class.
// Classes are numbered in order of first appearance in src, also when the
// two halves of a large source are grouped in parallel and merged.
func groupify1(w *worker, levels []uint8, src *snapshot, needClass bool) *snapshot {
	n := src.len()
	if needClass {
		if cap(w.classOf) < n {
			w.classOf = make([]int32, n)
		}
		w.classOf = w.classOf[:n]
	}
	var keep uint64 = ^uint64(0)
	for _, l := range w.lifts {
		keep &^= l.mask << l.shift
	}
	size := slotsFor(min(n, w.bound))
	if cap(w.islots) < size {
		w.islots = make([]islot, size)
	}
	slots := w.islots[:size]
	clear(slots)
	var nclass int32
	if n >= parallelFrom && w.helper != nil {
		half := n / 2
		hsize := slotsFor(min(n-half, w.bound))
		h := w.helper
		if cap(h.islots) < hsize {
			h.islots = make([]islot, hsize)
		}
		hslots := h.islots[:hsize]
		clear(hslots)
		var hclass int32
		var wg sync.WaitGroup
		var hClassOf []int32
		if needClass {
			hClassOf = w.classOf[half:]
		}
		wg.Go(func() {
			hclass = fill1(hslots, src.keys[half:n], src.count[half:n], w.lifts, keep, hClassOf, 0)
		})
		var classOf []int32
		if needClass {
			classOf = w.classOf[:half]
		}
		nclass = fill1(slots, src.keys[:half], src.count[:half], w.lifts, keep, classOf, 0)
		wg.Wait()
		// Merge the second half's classes, in their order of first
		// appearance, into the first half's table.
		order := make([]int32, hclass) // second-half class -> slot
		for i := range hslots {
			if hslots[i].count != 0 {
				order[hslots[i].id] = int32(i)
			}
		}
		remap := make([]int32, hclass)
		mask := uint64(size - 1)
		shift := uint(64 - bits.TrailingZeros(uint(size)))
		for hid, si := range order {
			hs := &hslots[si]
			p := (hs.key * 0x9E3779B97F4A7C15) >> shift
			for {
				s := &slots[p]
				if s.count == 0 {
					*s = islot{key: hs.key, count: hs.count, id: nclass}
					remap[hid] = nclass
					nclass++
					break
				}
				if s.key == hs.key {
					s.count += hs.count
					remap[hid] = s.id
					break
				}
				p = (p + 1) & mask
			}
		}
		if needClass {
			for i := half; i < n; i++ {
				w.classOf[i] = remap[w.classOf[i]]
			}
		}
	} else {
		var classOf []int32
		if needClass {
			classOf = w.classOf
		}
		nclass = fill1(slots, src.keys[:n], src.count[:n], w.lifts, keep, classOf, 0)
	}
	if cap(w.okeys) < int(nclass) {
		w.okeys = make([]uint64, nclass)
		w.ocount = make([]uint32, nclass)
	}
	out := &snapshot{levels: slices.Clone(levels), keys: w.okeys[:nclass], count: w.ocount[:nclass], transient: true}
	for i := range slots {
		if s := &slots[i]; s.count != 0 {
			out.keys[s.id], out.count[s.id] = s.key, s.count
		}
	}
	return out
}

// fill1 adds the source classes keys/counts, generalized by lifts, to the
// hash table slots and returns the number of classes; classOf, when not
// nil, receives each source class's class.
func fill1(slots []islot, keys []uint64, counts []uint32, lifts []lift, keep uint64, classOf []int32, nclass int32) int32 {
	mask := uint64(len(slots) - 1)
	shift := uint(64 - bits.TrailingZeros(uint(len(slots))))
	for i, k0 := range keys {
		k := k0 & keep
		for li := range lifts {
			l := &lifts[li]
			k |= uint64(l.to[k0>>l.shift&l.mask]) << l.shift
		}
		p := (k * 0x9E3779B97F4A7C15) >> shift
		c := counts[i]
		for {
			s := &slots[p]
			if s.count == 0 {
				*s = islot{key: k, count: c, id: nclass}
				nclass++
				if classOf != nil {
					classOf[i] = s.id
				}
				break
			}
			if s.key == k {
				s.count += c
				if classOf != nil {
					classOf[i] = s.id
				}
				break
			}
			p = (p + 1) & mask
		}
	}
	return nclass
}

// sortByClass lists the source classes of each class: w.order holds them
// grouped by class, class j's in w.order[w.starts[j]:w.starts[j+1]].
func sortByClass(w *worker, n, c int) {
	if cap(w.starts) < c+1 {
		w.starts = make([]int32, c+1)
	}
	starts := w.starts[:c+1]
	clear(starts)
	for i := range n {
		starts[w.classOf[i]+1]++
	}
	for j := range c {
		starts[j+1] += starts[j]
	}
	if cap(w.order) < n {
		w.order = make([]int32, n)
	}
	order := w.order[:n]
	next := make([]int32, c)
	copy(next, starts[:c])
	for i := range n {
		j := w.classOf[i]
		order[next[j]] = int32(i)
		next[j]++
	}
	w.starts, w.order = starts, order
}

// mergeHist adds up, for each of the c classes, the sensitive values of
// its source classes (as sortByClass listed them).
func mergeHist(w *worker, src *histCSR, c, codes int) histCSR {
	if cap(w.dense) < codes {
		w.dense = make([]uint32, codes)
	}
	dense := w.dense[:codes]
	out := histCSR{off: make([]int32, c+1)}
	for j := range c {
		w.touched = w.touched[:0]
		for _, i := range w.order[w.starts[j]:w.starts[j+1]] {
			lo, hi := src.off[i], src.off[i+1]
			for k := lo; k < hi; k++ {
				code := src.code[k]
				if dense[code] == 0 {
					w.touched = append(w.touched, code)
				}
				dense[code] += src.cnt[k]
			}
		}
		slices.Sort(w.touched)
		for _, code := range w.touched {
			out.code = append(out.code, code)
			out.cnt = append(out.cnt, dense[code])
			dense[code] = 0
		}
		out.off[j+1] = int32(len(out.code))
	}
	return out
}

// hists returns class i's sensitive distributions into buf.
func (s *snapshot) hists(i int, buf []sensHist) []sensHist {
	buf = buf[:0]
	for k := range s.hist {
		buf = append(buf, s.hist[k].of(i))
	}
	return buf
}

// stats computes the aggregates of the classes of snap at levels: which
// classes are suppressed (suppressed[j] set when supp is not nil), and the
// sums the metrics need. The privacy model's per-class checks stop once
// more rows must be suppressed than allowed: the node fails anyway.
func stats(t *Table, mt *metricTables, cr *criteria, w *worker, levels []uint8, snap *snapshot, supp []bool) nodeStats {
	st := nodeStats{minSize: -1}
	m := len(t.cols)
	w.suppCls = w.suppCls[:0]
	hist := cr.needsHist()
	for j, c32 := range snap.count {
		c := int64(c32)
		st.allClasses++
		st.sumSqAll += uint64(c) * uint64(c)
		out := false
		switch {
		case c < cr.k:
			st.kOutliers += c
			out = true
		case hist:
			if st.suppressed <= cr.maxOut || supp != nil {
				w.hbuf = snap.hists(j, w.hbuf)
				out = !cr.ok(c, w.hbuf, &w.sc)
			} else {
				out = true // not checked: the node fails already
			}
		}
		if out {
			st.suppressed += c
			w.suppCls = append(w.suppCls, int32(j))
			if supp != nil {
				supp[j] = true
			}
			continue
		}
		st.classes++
		st.sumSq += uint64(c) * uint64(c)
		if st.minSize < 0 || c < st.minSize {
			st.minSize = c
		}
	}
	if st.suppressed > 0 && mt != nil && st.suppressed <= cr.maxOut {
		// sum over suppressed classes of |E| (size_q(E) - 1), computed
		// over whichever of the suppressed and released classes are
		// fewer: over all classes it is mt.lossNum.
		st.suppLoss = make([]uint64, m)
		fromKept := len(w.suppCls) > st.classes
		add := func(j int) {
			c := uint64(snap.count[j])
			for q := range m {
				g := t.keyCode(snap.keys, j, q)
				st.suppLoss[q] += c * uint64(mt.size[q][levels[q]][g]-1)
			}
		}
		if fromKept {
			next := 0
			for j := range snap.count {
				if next < len(w.suppCls) && int(w.suppCls[next]) == j {
					next++
					continue
				}
				add(j)
			}
			for q := range m {
				st.suppLoss[q] = mt.lossNum[q][levels[q]] - st.suppLoss[q]
			}
		} else {
			for _, j := range w.suppCls {
				add(int(j))
			}
		}
	}
	if st.minSize < 0 {
		st.minSize = 0
	}
	return st
}
