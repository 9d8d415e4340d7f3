package synth

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// Wide tables. The graph model's selection (fitExact, fitAIM) adds one
// marginal per round and re-fits the model each round, scoring candidates
// against it: O(c) rounds of work that grows with c, and counts of every
// pair of columns kept in memory (c²/2 tables). On 2,000 columns that is
// two million tables (about 800 MB) and hours of rounds. Above
// wideColumns modelled columns the structure is chosen as MST does
// (McKenna, Miklau and Sheldon, "Winning the NIST Contest", 2021) and, for
// exact counts, as the Chow–Liu tree does: every pair is scored once
// against the model of independent columns, and the pairs of a maximum
// spanning forest on those scores are the model's cliques. The scores are
// computed on a sample of about wideScoreRows rows, so their cost is
// O(c²·wideScoreRows) whatever the rows; the forest's pairs are then
// counted on every row. Tables of up to wideColumns modelled columns are
// fitted as before.
var (
	// wideColumns is the number of modelled columns above which the
	// structure is a maximum spanning forest; tests lower it.
	wideColumns = 100
	// wideScoreRows is about the number of rows the pair scores are
	// computed on: each row is kept with probability wideScoreRows/rows,
	// decided by a keyed hash of the row's codes (so that, under DP, adding
	// or removing a row changes each score by at most 1).
	wideScoreRows = 1000
)

// wideFit holds what the wide fit counts: 1-way counts of every row and
// the codes of the rows sampled for the pair scores.
type wideFit struct {
	dims []int
	rate float64 // share of rows sampled for the scores
	key  uint64
	n    float64
	one  [][]float64
	rows []int32 // sampled rows' codes, row after row
	s    int     // rows sampled
}

func newWideFit(dims []int, rows float64, seed uint64) *wideFit {
	w := &wideFit{dims: dims, rate: 1, key: mix64(seed ^ 0x77696465)} // "wide"
	if rows > float64(wideScoreRows) {
		w.rate = float64(wideScoreRows) / rows
	}
	for _, d := range dims {
		w.one = append(w.one, make([]float64, d))
	}
	return w
}

// add counts one row of codes.
func (w *wideFit) add(codes []int32) {
	w.n++
	for v, x := range codes {
		w.one[v][x]++
	}
	if w.rate < 1 {
		h := w.key
		for _, c := range codes {
			h = mix64(h ^ uint64(uint32(c)))
		}
		if float64(h>>11)/(1<<53) >= w.rate {
			return
		}
	}
	w.rows = append(w.rows, codes...)
	w.s++
}

// mix64 is splitmix64's finalizer.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// pairIndex is the position of the pair (i, j), i < j, of d variables in
// lexicographic order.
func pairIndex(d, i, j int) int { return i*d - i*(i+1)/2 + j - i - 1 }

// pairScores returns score(i, j, counts) for every pair i < j of
// variables, in lexicographic order, with counts the pair's table over the
// sampled rows (row-major, j fastest). Pairs are spread over GOMAXPROCS
// goroutines (the result does not depend on it); it returns ctx's error
// when ctx is done.
func (w *wideFit) pairScores(ctx context.Context, score func(i, j int, counts []float64) float64) ([]float64, error) {
	d := len(w.dims)
	cols := make([][]int32, d) // the sample, column by column
	for v := range cols {
		cols[v] = make([]int32, w.s)
		for r := range w.s {
			cols[v][r] = w.rows[r*d+v]
		}
	}
	out := make([]float64, d*(d-1)/2)
	maxDim := slices.Max(w.dims)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]float64, maxDim*maxDim)
			for {
				i := int(next.Add(1) - 1)
				if i >= d || ctx.Err() != nil {
					return
				}
				a := cols[i]
				for j := i + 1; j < d; j++ {
					dj := w.dims[j]
					t := buf[:w.dims[i]*dj]
					clear(t)
					for r, b := range cols[j] {
						t[int(a[r])*dj+int(b)]++
					}
					out[pairIndex(d, i, j)] = score(i, j, t)
				}
			}
		}()
	}
	wg.Wait()
	return out, ctx.Err()
}

// forestEdge is a pair of the spanning forest.
type forestEdge struct{ a, b int }

// spanningForest adds pairs in the order of keys (largest first; ties by
// position) while take(k) holds, skipping those that would close a cycle
// or take the junction tree (the pairs and the singletons of the columns
// in none) past maxCells cells. Every pair skipped stays skippable: a
// cycle stays a cycle and the cells only grow, so picking the largest of
// the pairs left at each step (the exponential mechanism, with keys noisy)
// picks the same pairs.
//
// It stops early, with the pairs taken so far, when ctx is done (the
// caller checks ctx): once the size limit is reached every remaining pair
// is visited, millions on a wide table.
func spanningForest(ctx context.Context, dims []int, keys []float64, take func(k int) bool, maxCells float64) []forestEdge {
	d := len(dims)
	// A heap rather than a sort: the forest is usually complete long
	// before the c²/2 pairs are all visited.
	h := &pairHeap{keys: keys, idx: make([]int32, len(keys))}
	for k := range h.idx {
		h.idx[k] = int32(k)
	}
	heap.Init(h)
	sets := newDisjointSets(d)
	cells := 0.0
	for _, n := range dims {
		cells += float64(n)
	}
	alone := make([]bool, d)
	for i := range alone {
		alone[i] = true
	}
	// Unrank pair positions row by row.
	rowStart := make([]int, d)
	for i := range rowStart {
		rowStart[i] = pairIndex(d, i, i+1)
	}
	var out []forestEdge
	for n := 0; h.Len() > 0; n++ {
		if len(out) == d-1 || (n%65536 == 0 && ctx.Err() != nil) {
			break
		}
		k := int(heap.Pop(h).(int32))
		if !take(k) {
			break
		}
		i := sort.Search(d, func(x int) bool { return x == d-1 || rowStart[x+1] > k })
		j := k - rowStart[i] + i + 1
		ri, rj := sets.find(i), sets.find(j)
		if ri == rj {
			continue
		}
		c := cells + float64(dims[i]*dims[j])
		if alone[i] {
			c -= float64(dims[i])
		}
		if alone[j] {
			c -= float64(dims[j])
		}
		if c > maxCells {
			continue
		}
		cells = c
		alone[i], alone[j] = false, false
		sets[ri] = rj
		out = append(out, forestEdge{i, j})
	}
	slices.SortFunc(out, func(x, y forestEdge) int {
		if x.a != y.a {
			return x.a - y.a
		}
		return x.b - y.b
	})
	return out
}

// pairHeap orders pair positions by key, largest first, then by position.
type pairHeap struct {
	keys []float64
	idx  []int32
}

func (h *pairHeap) Len() int { return len(h.idx) }
func (h *pairHeap) Less(x, y int) bool {
	a, b := h.idx[x], h.idx[y]
	if h.keys[a] != h.keys[b] {
		return h.keys[a] > h.keys[b]
	}
	return a < b
}
func (h *pairHeap) Swap(x, y int) { h.idx[x], h.idx[y] = h.idx[y], h.idx[x] }
func (h *pairHeap) Push(x any)    { h.idx = append(h.idx, x.(int32)) }
func (h *pairHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// wideCells caps the junction tree of a wide model: maxModelCells for
// every wideColumns columns, the cells per column a table at the threshold
// may use.
func wideCells(d int) float64 {
	return maxModelCells * float64(d) / float64(wideColumns)
}

// forestSets returns the sets of a forest model: its pairs, and the
// singletons of the variables in none.
func forestSets(d int, edges []forestEdge) [][]int {
	in := make([]bool, d)
	var sets [][]int
	for _, e := range edges {
		sets = append(sets, []int{e.a, e.b})
		in[e.a], in[e.b] = true, true
	}
	for v := range d {
		if !in[v] {
			sets = append(sets, []int{v})
		}
	}
	return sets
}

// countForest returns the counts of the forest's pairs: from the sample
// when it holds every row, else by pass, which calls its argument with
// every row's codes.
func (w *wideFit) countForest(edges []forestEdge, pass func(func([]int32)) error) ([][]float64, error) {
	tabs := make([][]float64, len(edges))
	for k, e := range edges {
		tabs[k] = make([]float64, w.dims[e.a]*w.dims[e.b])
	}
	add := func(codes []int32) {
		for k, e := range edges {
			tabs[k][int(codes[e.a])*w.dims[e.b]+int(codes[e.b])]++
		}
	}
	if w.rate >= 1 {
		d := len(w.dims)
		for r := range w.s {
			add(w.rows[r*d : (r+1)*d])
		}
		return tabs, nil
	}
	return tabs, pass(add)
}

// fitWide fits the non-private graph model of a wide table: the pairs of
// the maximum spanning forest on exactScore against independent columns
// (the pairs whose score passes stopTVDv·2·rows, within wideCells), each
// clique's distribution its exact counts. A forest whose cliques are the
// measured pairs needs no fitting: its maximum-entropy distribution has
// exactly those marginals (Chow and Liu 1968).
func fitWide(ctx context.Context, w *wideFit, pass func(func([]int32)) error) (*pgm, [][]float64, string, error) {
	d := len(w.dims)
	s := float64(w.s)
	sampleOne := make([][]float64, d)
	for v := range sampleOne {
		sampleOne[v] = make([]float64, w.dims[v])
	}
	for r := range w.s {
		for v, x := range w.rows[r*d : (r+1)*d] {
			sampleOne[v][x]++
		}
	}
	// exactScore's discount Σ √(2·e/π), e = n_a·n_b/s, is
	// √(2/(π·s))·Σ_a √n_a·Σ_b √n_b: no square root per cell.
	sqrtOne := make([]float64, d)
	for v, counts := range sampleOne {
		for _, n := range counts {
			sqrtOne[v] += math.Sqrt(n)
		}
	}
	discount := math.Sqrt(2 / (math.Pi * math.Max(s, 1)))
	scores, err := w.pairScores(ctx, func(i, j int, t []float64) float64 {
		if s == 0 {
			return 0
		}
		dj := w.dims[j]
		var q float64
		for a, na := range sampleOne[i] {
			row := t[a*dj : (a+1)*dj]
			for b, nb := range sampleOne[j] {
				q += math.Abs(row[b] - na*nb/s)
			}
		}
		return q - discount*sqrtOne[i]*sqrtOne[j]
	})
	if err != nil {
		return nil, nil, "", err
	}
	threshold := stopTVDv * 2 * s
	edges := spanningForest(ctx, w.dims, scores, func(k int) bool { return scores[k] > threshold }, wideCells(d))
	if err := ctx.Err(); err != nil {
		return nil, nil, "", err
	}
	tabs, err := w.countForest(edges, pass)
	if err != nil {
		return nil, nil, "", err
	}
	p := newPGM(w.dims, forestSets(d, edges))
	byPair := map[forestEdge][]float64{}
	for k, e := range edges {
		byPair[e] = tabs[k]
	}
	bel := make([][]float64, len(p.jt))
	for i, c := range p.jt {
		switch len(c.vars) {
		case 1:
			bel[i] = slices.Clone(w.one[c.vars[0]])
		case 2:
			bel[i] = byPair[forestEdge{c.vars[0], c.vars[1]}]
		}
		if bel[i] == nil {
			return nil, nil, "", fmt.Errorf("synth: the junction tree of a forest has a clique %v that is not one of its pairs", c.vars)
		}
	}
	return p, bel, wideNote(d, len(edges), w), nil
}

// wideNote describes the wide structure for the model's settings.
func wideNote(d, edges int, w *wideFit) string {
	rows := "every row"
	if w.rate < 1 {
		rows = fmt.Sprintf("a sample of %d rows (each kept with probability %.4g by a keyed hash of its codes; the forest's pairs then counted on every row)", w.s, w.rate)
	}
	return fmt.Sprintf("%d modelled columns (more than %d): maximum spanning forest of %d pairs over the scores of all %d pairs, computed on %s",
		d, wideColumns, edges, d*(d-1)/2, rows)
}

// wideDP is what the private wide fit spent and measured.
type wideDP struct {
	p               *pgm
	bel             [][]float64
	selRho, measRho float64
	eps0, sigma     float64
	measured        []MeasuredMarginal
	note            string
}

// fitWideDP is MST's selection and measurement on a wide table: every pair
// is scored against the model of the noisy 1-way marginals (one) by AIM's
// quality,
//
//	q(r) = ‖N_r − N̂_r‖₁ − √(2/π)·σ·cells(r)
//
// on the sampled rows (N̂ scaled to the sample's expected size, the
// penalty by the sampling rate: sensitivity 1), the pairs of the spanning
// forest are picked by the exponential mechanism (ε₀ each, one Gumbel draw
// per pair and Kruskal's order, which picks as successive draws would),
// their exact counts measured with Gaussian noise (σ), and the model
// estimated from all measurements. Of rho, 10 % selects (d−1 selections
// planned) and 90 % measures the pairs selected.
func fitWideDP(ctx context.Context, w *wideFit, one []measurement, total, rho float64, nz Noise, pass func(func([]int32)) error) (*wideDP, error) {
	d := len(w.dims)
	res := &wideDP{}
	selRho := 0.1 * rho
	measRho := rho - selRho
	res.eps0 = math.Sqrt(8 * selRho / float64(max(d-1, 1)))
	// The noise the pairs would get if all d−1 are selected: the penalty
	// of the scores.
	sigma := math.Sqrt(float64(max(d-1, 1)) / (2 * measRho))
	est := make([][]float64, d) // noisy 1-way shares
	for v, m := range one {
		est[v] = make([]float64, len(m.y))
		var sum float64
		for k, y := range m.y {
			est[v][k] = math.Max(y, 0)
			sum += est[v][k]
		}
		for k := range est[v] {
			if sum > 0 {
				est[v][k] /= sum
			} else {
				est[v][k] = 1 / float64(len(est[v]))
			}
		}
	}
	expected := w.rate * total
	scores, err := w.pairScores(ctx, func(i, j int, t []float64) float64 {
		dj := w.dims[j]
		var q float64
		for a, pa := range est[i] {
			for b, pb := range est[j] {
				q += math.Abs(t[a*dj+b] - expected*pa*pb)
			}
		}
		return q - w.rate*math.Sqrt(2/math.Pi)*sigma*float64(len(t))
	})
	if err != nil {
		return nil, err
	}
	keys := make([]float64, len(scores))
	for k, q := range scores {
		// Two million secure draws on 2,000 columns: seconds.
		if k%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		keys[k] = gumbelKey(nz, q, res.eps0, 1)
	}
	edges := spanningForest(ctx, w.dims, keys, func(int) bool { return true }, wideCells(d))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tabs, err := w.countForest(edges, pass)
	if err != nil {
		return nil, err
	}
	res.selRho = float64(len(edges)) * res.eps0 * res.eps0 / 8
	p := newPGM(w.dims, oneWaySets(d))
	var ms []measurement
	for v, m := range one {
		m.set = v
		ms = append(ms, m)
	}
	if len(edges) > 0 {
		res.sigma = math.Sqrt(float64(len(edges)) / (2 * measRho))
		res.measRho = measRho
		for k, e := range edges {
			r := []int{e.a, e.b}
			y := make([]float64, len(tabs[k]))
			wt := make([]float64, len(y))
			for c, n := range tabs[k] {
				y[c] = nz.Gaussian(n, res.sigma)
				wt[c] = 1 / (res.sigma * res.sigma)
			}
			ms = append(ms, measurement{set: p.addSet(r), vars: r, y: y, w: wt})
			res.measured = append(res.measured, MeasuredMarginal{Vars: r, Sigma: round9(res.sigma)})
		}
		p.rebuild()
	}
	p.ctx = ctx
	res.bel = p.estimate(ms, total, finalIters)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.p = p
	res.note = wideNote(d, len(edges), w)
	return res, nil
}
