package synth

import (
	"context"
	"math"
	"slices"
)

// aimRoundsPerColumn is the nominal number of rounds per column of the
// private selection (AIM's T = 16·d); tests may change it.
var aimRoundsPerColumn = 16

// stopTVDv ends the non-private selection: a marginal is added only while
// its score (exactScore: its L1 error beyond sampling noise) exceeds
// stopTVDv·2·rows, a total variation distance of 0.001 beyond noise.
var stopTVDv = 0.001

// maxModelCells is defaultModelCells; tests may lower it.
var maxModelCells float64 = defaultModelCells

// IPF sweeps of the non-private fit, after each round and at the end,
// and the tolerance that ends them early (a share of the rows).
var (
	exactRoundSweeps = 1
	exactFinalSweeps = 20
	ipfTol           = 3e-4
)

const (
	// defaultModelCells caps the cells of the junction tree's cliques (the
	// model's size and the estimator's work): 2^16 cells, 512 KB in
	// memory. On Adult a cap of 2^18 lowers the mean 2-way TVD by 0.0008
	// (0.0228 to 0.0220) for twice the fit time.
	defaultModelCells = 1 << 16
)

// maxMessageCells bounds the tables marginalOn builds through the
// junction tree's messages (8 MB of float64); tests may lower it.
var maxMessageCells = 1 << 20

// marginalOn returns the model's marginal on the set r: through the
// junction tree's messages when their tables stay within maxMessageCells,
// else by calibrating the junction tree of the model's sets and r (with
// no potential on r), whose cliques are no larger than the model would be
// once r is added. Either way the memory it takes depends on the
// domains, never on the rows.
func (p *pgm) marginalOn(fb []*factor, r []int, total float64) *factor {
	if f := marginalWithin(p.jt, fb, r, maxMessageCells); f != nil {
		return f
	}
	q := &pgm{dims: p.dims, sets: append(slices.Clone(p.sets), slices.Clone(r)),
		theta: append(slices.Clone(p.theta), make([]float64, p.cellsOf(r)))}
	q.rebuild()
	bel := q.beliefs(q.theta, total)
	return &factor{vars: slices.Clone(r), dims: q.dimsOf(r), vals: q.setMarginal(bel, len(q.sets)-1)}
}

// marginalCandidates lists the sets of 2 and 3 variables (3 only when the
// counts have them), sorted.
func marginalCandidates(cnt *counts, maxClique int) [][]int {
	d := len(cnt.dims)
	var out [][]int
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			out = append(out, []int{i, j})
		}
	}
	if maxClique >= 3 && cnt.three != nil {
		for i := 0; i < d; i++ {
			for j := i + 1; j < d; j++ {
				for k := j + 1; k < d; k++ {
					out = append(out, []int{i, j, k})
				}
			}
		}
	}
	return out
}

// fitsSize reports whether adding set r keeps the model's junction tree
// within limit cells.
//
// The selection asks it of every candidate in every round, so the common
// case is answered without building a tree: when r's variables lie in
// distinct connected components of the model's graph and those are
// chordal, the graph with r is chordal too (a cycle through r's edges
// would have to leave a component and come back through the one variable
// r touches there). Elimination by fewest fill-in then finds no fill-in,
// whatever its order, and treats each component on its own, so the
// cliques are those of the components plus r, less the lone variables r
// now holds.
func (p *pgm) fitsSize(r []int, limit float64) bool {
	for _, s := range p.sets {
		if isSubset(r, s) {
			return true
		}
	}
	if size, ok := p.sizeWith(r); ok {
		return size <= limit
	}
	sets := append(slices.Clone(p.sets), r)
	return treeSize(p.dims, buildJunctionTree(p.dims, sets)) <= limit
}

// jtSummary describes the connected components of a model's graph, for
// sizeWith; rebuild discards it.
type jtSummary struct {
	comp    []int  // variable -> component
	chordal []bool // per component: its cliques add no fill-in edge
	alone   []bool // per variable: a clique of its own
	total   float64
}

// sizeWith returns the cells of the junction tree of the model's sets and
// r when fitsSize's shortcut applies (ok).
func (p *pgm) sizeWith(r []int) (size float64, ok bool) {
	if p.summary == nil {
		p.summary = p.summarize()
	}
	s := p.summary
	for i, v := range r {
		if !s.chordal[s.comp[v]] {
			return 0, false
		}
		for _, u := range r[:i] {
			if s.comp[u] == s.comp[v] {
				return 0, false
			}
		}
	}
	size = s.total + float64(p.cellsOf(r))
	for _, v := range r {
		if s.alone[v] {
			size -= float64(p.dims[v])
		}
	}
	return size, true
}

// summarize computes the jtSummary of the model's sets and junction tree.
func (p *pgm) summarize() *jtSummary {
	d := len(p.dims)
	sets := newDisjointSets(d)
	type edge struct{ a, b int }
	graph := map[edge]bool{}
	for _, set := range p.sets {
		for i, a := range set {
			for _, b := range set[i+1:] {
				graph[edge{min(a, b), max(a, b)}] = true
				sets.union(a, b)
			}
		}
	}
	s := &jtSummary{comp: make([]int, d), chordal: make([]bool, d), alone: make([]bool, d)}
	for v := range d {
		s.comp[v] = sets.find(v)
	}
	// Edges per component in the graph and in the cliques: more in the
	// cliques means fill-in, a graph that was not chordal.
	inGraph := make([]int, d)
	for e := range graph {
		inGraph[s.comp[e.a]]++
	}
	// Cliques of one component can share edges (their separators): the
	// distinct ones are counted.
	inCliques := make([]int, d)
	seen := map[edge]bool{}
	for _, c := range p.jt {
		s.total += float64(p.cellsOf(c.vars))
		if len(c.vars) == 1 {
			s.alone[c.vars[0]] = true
		}
		for i, a := range c.vars {
			for _, b := range c.vars[i+1:] {
				e := edge{min(a, b), max(a, b)}
				if !seen[e] {
					seen[e] = true
					inCliques[s.comp[a]]++
				}
			}
		}
	}
	for c := range d {
		s.chordal[c] = inCliques[c] == inGraph[c]
	}
	return s
}

// l1 returns ‖N_r − est_r‖₁ for the true counts of r and the model's
// estimate.
// exactScore is how much worse than sampling noise the model answers a
// marginal of exact counts: ‖N_r − est_r‖₁ less the L1 distance expected
// between a table of counts and its own expectation, Σ √(2·est/π) (each
// count is about Poisson, of standard deviation √est, and E|X − μ| =
// σ·√(2/π) for a normal X). A pair of large domains, whose counts differ
// from any model by their sampling noise alone, then no longer outranks a
// strong dependence between two small ones (sex and income on Adult).
func exactScore(truth, est *factor) float64 {
	s := l1(truth, est)
	for _, e := range est.vals {
		s -= math.Sqrt(2 * math.Max(e, 0) / math.Pi)
	}
	return s
}

func l1(truth, est *factor) float64 {
	var s float64
	for i, n := range truth.vals {
		s += math.Abs(n - est.vals[i])
	}
	return s
}

// oneWaySets returns a pgm over the 1-way sets of every variable.
func oneWaySets(d int) [][]int {
	sets := make([][]int, d)
	for v := range sets {
		sets[v] = []int{v}
	}
	return sets
}

// fitExact selects marginals for a non-private model: starting from the
// 1-way marginals, it adds at each round the 2- (or, when asked, 3-) way
// marginal the current model answers worst beyond sampling noise
// (exactScore) among those that keep the junction tree within
// maxModelCells, fits the model to all selected marginals (exact, so the
// fit is the maximum-entropy distribution that matches them), and stops
// when no candidate's score passes stopTVDv or none fits. Scores are
// evaluated lazily: a candidate's last score is kept until it reaches the
// top, where it is recomputed (errors shrink as marginals are added, so a
// stale score is about an upper bound).
func fitExact(ctx context.Context, cnt *counts, maxClique int, tick func()) (*pgm, [][]float64) {
	d := len(cnt.dims)
	p := newPGM(cnt.dims, oneWaySets(d))
	p.ctx = ctx
	var ms []measurement
	for v := 0; v < d; v++ {
		ms = append(ms, exactMeasurement(cnt, p, []int{v}))
	}
	total := cnt.n
	bel := p.ipf(ms, total, exactRoundSweeps, ipfTol)
	cands := marginalCandidates(cnt, maxClique)
	truths := make([]*factor, len(cands))
	score := make([]float64, len(cands))
	fb := p.factors(bel)
	for i, r := range cands {
		if i%1024 == 0 && ctx.Err() != nil {
			return p, bel // the caller returns ctx's error
		}
		truths[i] = cnt.table(r)
		score[i] = exactScore(truths[i], p.marginalOn(fb, r, total))
	}
	done := make([]bool, len(cands))
	threshold := stopTVDv * 2 * total
	for round := 0; round < 16*d && ctx.Err() == nil; round++ {
		fb = p.factors(bel)
		bi := -1
		for {
			bi = -1
			for i := range cands {
				if !done[i] && score[i] > threshold && (bi < 0 || score[i] > score[bi]) {
					bi = i
				}
			}
			if bi < 0 {
				break
			}
			if !p.fitsSize(cands[bi], maxModelCells) {
				done[bi] = true
				continue
			}
			old := score[bi]
			score[bi] = exactScore(truths[bi], p.marginalOn(fb, cands[bi], total))
			if score[bi] >= old*0.999 {
				break // still the worst
			}
		}
		if bi < 0 {
			break
		}
		done[bi] = true
		p.addSet(cands[bi])
		ms = append(ms, exactMeasurement(cnt, p, cands[bi]))
		ms = p.mergeSubsumed(ms)
		bel = p.ipf(ms, total, exactRoundSweeps, ipfTol)
		if tick != nil {
			tick()
		}
	}
	bel = p.ipf(ms, total, exactFinalSweeps, ipfTol)
	return p, bel
}

func exactMeasurement(cnt *counts, p *pgm, r []int) measurement {
	t := cnt.table(r)
	w := make([]float64, len(t.vals))
	for i := range w {
		w[i] = 1
	}
	return measurement{set: p.addSet(r), vars: r, y: t.vals, w: w}
}

// aimResult is what the private selection spent and measured.
type aimResult struct {
	p        *pgm
	bel      [][]float64
	selRho   float64
	measRho  float64
	rounds   int
	measured []MeasuredMarginal
	eps0     float64 // first round's ε₀
	sigma0   float64 // first round's σ
}

// fitAIM is AIM (McKenna, Mullins, Sheldon and Miklau, VLDB 2022) on the
// compressed domains: with the 1-way marginals measured already (one),
// each round scores every 2- and 3-way marginal r whose addition keeps the
// junction tree within maxModelCells·(ρ spent)/(ρ total) by how badly the
// current estimate answers it, less the noise a measurement would add,
//
//	q(r) = ‖N_r − N̂·p̂_r‖₁ − √(2/π)·σ·cells(r)
//
// (sensitivity 1: one row moves one count), picks one with the exponential
// mechanism (ε₀), measures it with Gaussian noise (σ) and re-estimates the
// model from all measurements. Rounds start at σ = √(T/(2·0.9·ρ)) and ε₀ =
// √(8·0.1·ρ/T) with T = 16·d; when a measurement moves the estimate of its
// marginal by less than its expected noise, σ is halved and ε₀ doubled; the
// last round spends what is left. rho is the budget of the rounds, rho1
// the budget the 1-way marginals spent.
func fitAIM(ctx context.Context, cnt *counts, one []measurement, total float64, maxClique int, rho, rho1 float64, nz Noise, tick func()) *aimResult {
	d := len(cnt.dims)
	p := newPGM(cnt.dims, oneWaySets(d))
	p.ctx = ctx
	var ms []measurement
	for v, m := range one {
		m.set = v
		ms = append(ms, m)
	}
	bel := p.estimate(ms, total, roundIters)
	cands := marginalCandidates(cnt, maxClique)
	truths := make([]*factor, len(cands))
	for i, r := range cands {
		truths[i] = cnt.table(r)
	}
	res := &aimResult{}
	T := float64(aimRoundsPerColumn * d)
	sigma := math.Sqrt(T / (2 * 0.9 * rho))
	eps0 := math.Sqrt(8 * 0.1 * rho / T)
	res.sigma0, res.eps0 = sigma, eps0
	used := 0.0
	const tol = 1e-12
	// A cancelled fit stops between rounds; the caller returns ctx's error
	// and nothing of the fit is kept.
	for used < rho*(1-tol) && ctx.Err() == nil {
		roundRho := 1/(2*sigma*sigma) + eps0*eps0/8
		if rho-used < 2*roundRho {
			// The last round spends what is left, 90 % measuring.
			left := rho - used
			sigma = math.Sqrt(1 / (2 * 0.9 * left))
			eps0 = math.Sqrt(8 * 0.1 * left)
			roundRho = left
		}
		limit := maxModelCells * (rho1 + used + roundRho) / (rho1 + rho)
		var idx []int
		var scores []float64
		fb := p.factors(bel)
		for i, r := range cands {
			if i%1024 == 0 && ctx.Err() != nil {
				break
			}
			if !p.fitsSize(r, limit) {
				continue
			}
			est := p.marginalOn(fb, r, total)
			q := l1(truths[i], est) - math.Sqrt(2/math.Pi)*sigma*float64(len(truths[i].vals))
			idx = append(idx, i)
			scores = append(scores, q)
		}
		if len(idx) == 0 || ctx.Err() != nil {
			break
		}
		ci := idx[exponentialMechanism(nz, scores, eps0, 1)]
		r := cands[ci]
		before := p.marginalOn(p.factors(bel), r, total)
		y := make([]float64, len(truths[ci].vals))
		w := make([]float64, len(y))
		for k, n := range truths[ci].vals {
			y[k] = nz.Gaussian(n, sigma)
			w[k] = 1 / (sigma * sigma)
		}
		set := p.addSet(r)
		p.rebuild()
		ms = append(ms, measurement{set: set, vars: r, y: y, w: w})
		bel = p.estimate(ms, total, roundIters)
		used += roundRho
		res.selRho += eps0 * eps0 / 8
		res.measRho += 1 / (2 * sigma * sigma)
		res.rounds++
		res.measured = append(res.measured, MeasuredMarginal{Vars: r, Sigma: round9(sigma)})
		after := p.marginalOn(p.factors(bel), r, total)
		if l1(after, before) <= math.Sqrt(2/math.Pi)*sigma*float64(len(y)) {
			sigma /= 2
			eps0 *= 2
		}
		if tick != nil {
			tick()
		}
	}
	res.p = p
	res.bel = p.estimate(ms, total, finalIters)
	return res
}

// graphFromPGM returns the model's junction tree with each clique's
// distribution, normalised and rounded.
func graphFromPGM(p *pgm, bel [][]float64, vars []int) *Graph {
	g := &Graph{Vars: vars}
	for i, c := range p.jt {
		var s float64
		for _, v := range bel[i] {
			s += v
		}
		vals := make([]float64, len(bel[i]))
		for k, v := range bel[i] {
			if s > 0 {
				vals[k] = round9(v / s)
			}
		}
		g.Cliques = append(g.Cliques, Clique{Vars: c.vars, Parent: c.parent, Separator: nonNil(c.sep), P: vals})
	}
	return g
}
