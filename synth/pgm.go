package synth

import (
	"context"
	"math"
	"slices"
)

// pgm is a graphical model p(x) ∝ exp(Σ_r θ_r(x_r)) with potentials on
// sets of variables (the marginals measured), and a junction tree of their
// graph for exact inference: each set lies in a clique of the tree. The
// index maps between cliques, separators and sets are computed once per
// tree, so that inference is a few linear passes over the cliques' cells.
type pgm struct {
	dims  []int
	sets  [][]int
	theta [][]float64 // per set, row-major over its variables
	jt    []cliqueSpec
	// Derived from jt by rebuild.
	assign   []int     // set -> clique
	cells    []int     // per clique
	setMap   [][]int32 // per set: cell of its clique -> cell of the set
	sepMap   [][]int32 // per clique with a parent: its cell -> separator cell
	parMap   [][]int32 // per clique with a parent: parent's cell -> separator cell
	sepCells []int
	// ctx, if not nil, stops estimate and ipf early (between iterations,
	// and between cliques) when done: the caller checks ctx and discards
	// the model.
	ctx context.Context
	// summary caches fitsSize's view of the junction tree.
	summary *jtSummary
}

// cancelled reports whether p's context is done.
func (p *pgm) cancelled() bool { return p.ctx != nil && p.ctx.Err() != nil }

// newPGM returns the model with (uniform) potentials on sets.
func newPGM(dims []int, sets [][]int) *pgm {
	p := &pgm{dims: dims}
	for _, s := range sets {
		p.addSet(s)
	}
	p.rebuild()
	return p
}

func (p *pgm) cellsOf(vars []int) int {
	n := 1
	for _, v := range vars {
		n *= p.dims[v]
	}
	return n
}

func (p *pgm) dimsOf(vars []int) []int {
	d := make([]int, len(vars))
	for i, v := range vars {
		d[i] = p.dims[v]
	}
	return d
}

// addSet adds a potential on s (uniform) unless one exists; it returns the
// set's index. Call rebuild afterwards.
func (p *pgm) addSet(s []int) int {
	for i, x := range p.sets {
		if slices.Equal(x, s) {
			return i
		}
	}
	p.sets = append(p.sets, slices.Clone(s))
	p.theta = append(p.theta, make([]float64, p.cellsOf(s)))
	p.summary = nil
	return len(p.sets) - 1
}

// rebuild recomputes the junction tree of the sets and its index maps.
func (p *pgm) rebuild() {
	p.jt = buildJunctionTree(p.dims, p.sets)
	p.summary = nil
	n := len(p.jt)
	p.cells = make([]int, n)
	p.sepMap = make([][]int32, n)
	p.parMap = make([][]int32, n)
	p.sepCells = make([]int, n)
	shape := func(i int) *factor {
		c := p.jt[i]
		return &factor{vars: c.vars, dims: p.dimsOf(c.vars), vals: make([]float64, p.cellsOf(c.vars))}
	}
	for i, c := range p.jt {
		p.cells[i] = p.cellsOf(c.vars)
		if c.parent >= 0 {
			sd := p.dimsOf(c.sep)
			p.sepMap[i] = shape(i).indexMap(c.sep, sd)
			p.parMap[i] = shape(c.parent).indexMap(c.sep, sd)
			p.sepCells[i] = p.cellsOf(c.sep)
		}
	}
	p.assign = make([]int, len(p.sets))
	p.setMap = make([][]int32, len(p.sets))
	for i, s := range p.sets {
		p.assign[i] = cliqueContaining(p.jt, s)
		p.setMap[i] = shape(p.assign[i]).indexMap(s, p.dimsOf(s))
	}
}

// beliefs returns the clique marginals of the junction tree for
// potentials theta, each tree of the forest scaled to total, by two-pass
// sum-product (exact).
func (p *pgm) beliefs(theta [][]float64, total float64) [][]float64 {
	return p.beliefsFrom(p.cliqueLog(theta), total)
}

// cliqueLog returns each clique's log-potential: the sum of the
// potentials of the sets assigned to it.
func (p *pgm) cliqueLog(theta [][]float64) [][]float64 {
	out := make([][]float64, len(p.jt))
	for i := range out {
		out[i] = make([]float64, p.cells[i])
	}
	for r, th := range theta {
		lc, m := out[p.assign[r]], p.setMap[r]
		for k := range lc {
			lc[k] += th[m[k]]
		}
	}
	return out
}

// beliefsFrom runs belief propagation from clique log-potentials.
func (p *pgm) beliefsFrom(logp [][]float64, total float64) [][]float64 {
	pot := make([][]float64, len(logp))
	for i, l := range logp {
		pot[i] = expShift(l)
	}
	return p.beliefsFromPot(pot, total)
}

// beliefsFromPot runs belief propagation from clique potentials (which it
// does not modify).
func (p *pgm) beliefsFromPot(pot [][]float64, total float64) [][]float64 {
	n := len(p.jt)
	prod := make([][]float64, n)
	for i, f := range pot {
		prod[i] = slices.Clone(f)
	}
	up := make([][]float64, n)
	for i := n - 1; i >= 0; i-- {
		c := p.jt[i]
		if c.parent < 0 {
			continue
		}
		msg := make([]float64, p.sepCells[i])
		sm := p.sepMap[i]
		var s float64
		for k, v := range prod[i] {
			msg[sm[k]] += v
			s += v
		}
		if s > 0 {
			for k := range msg {
				msg[k] /= s
			}
		}
		up[i] = msg
		pp, pm := prod[c.parent], p.parMap[i]
		for k := range pp {
			pp[k] *= msg[pm[k]]
		}
		// A clique with hundreds of children (a hub of a wide table's
		// forest) would underflow to 0 from the product of their
		// normalised messages; its scale does not matter (beliefs are
		// normalised below), and rescale leaves potentials between
		// 1e-100 and 1e100 as they are.
		rescale(pp)
	}
	bel := make([][]float64, n)
	for i := 0; i < n; i++ {
		c := p.jt[i]
		b := prod[i]
		if c.parent >= 0 {
			down := make([]float64, p.sepCells[i])
			pm := p.parMap[i]
			for k, v := range bel[c.parent] {
				down[pm[k]] += v
			}
			for k := range down {
				if up[i][k] == 0 {
					down[k] = 0
				} else {
					down[k] /= up[i][k]
				}
			}
			sm := p.sepMap[i]
			for k := range b {
				b[k] *= down[sm[k]]
			}
		}
		var s float64
		for _, v := range b {
			s += v
		}
		if s > 0 {
			for k := range b {
				b[k] *= total / s
			}
		}
		bel[i] = b
	}
	return bel
}

// setMarginal returns the model's marginal on set r.
func (p *pgm) setMarginal(bel [][]float64, r int) []float64 {
	out := make([]float64, len(p.theta[r]))
	m := p.setMap[r]
	for k, v := range bel[p.assign[r]] {
		out[m[k]] += v
	}
	return out
}

// measurement is a noisy marginal on set set of the model: counts y (in
// the set's variable order) with per-cell weights w, the inverse of each
// cell's noise variance.
type measurement struct {
	set  int
	vars []int
	y    []float64
	w    []float64
}

// loss returns ½ Σ_r Σ_cells w·(M_r μ − y)² and, when grad is not nil,
// adds its gradient with respect to each set's marginal into grad.
func (p *pgm) loss(bel [][]float64, ms []measurement, grad [][]float64) float64 {
	var l float64
	for _, m := range ms {
		mu := p.setMarginal(bel, m.set)
		for k := range mu {
			d := mu[k] - m.y[k]
			l += 0.5 * m.w[k] * d * d
			if grad != nil {
				grad[m.set][k] += m.w[k] * d
			}
		}
	}
	return l
}

// estimate fits the model to noisy measurements: it minimises the
// weighted squared error
//
//	L(μ) = ½ Σ_r Σ_cells w_r (M_r μ − y_r)²
//
// over the distributions of the model's form with total mass total, by
// mirror descent on the potentials θ (Private-PGM's estimator, McKenna,
// Sheldon and Miklau 2019): θ ← θ − η ∇_μ L(μ(θ)), with the marginals
// μ(θ) computed exactly by belief propagation and η set by backtracking (a
// step that does not lower the loss is halved, one that does grows by a
// quarter). The loss is convex in μ and the marginal polytope of a
// junction tree is exact, so the estimate is consistent: every clique
// agrees on shared variables and all cells are non-negative. θ is kept
// between calls, so a later call starts from this estimate. It returns
// the junction tree's clique marginals.
func (p *pgm) estimate(ms []measurement, total float64, iters int) [][]float64 {
	wmax := 0.0
	for _, m := range ms {
		for _, w := range m.w {
			wmax = math.Max(wmax, w)
		}
	}
	logp := p.cliqueLog(p.theta)
	pot := make([][]float64, len(logp)) // exp(log-potential − max)
	for i, l := range logp {
		pot[i] = expShift(l)
	}
	bel := p.beliefsFromPot(pot, total)
	if wmax == 0 || len(ms) == 0 {
		return bel
	}
	eta := 1 / (wmax * math.Max(total, 1))
	grad := make([][]float64, len(p.theta))
	step := make([][]float64, len(p.theta))
	for i, th := range p.theta {
		grad[i] = make([]float64, len(th))
		step[i] = make([]float64, len(th))
	}
	cand := make([][]float64, len(pot))
	for i := range cand {
		cand[i] = make([]float64, len(pot[i]))
	}
	for it := 0; it < iters && !p.cancelled(); it++ {
		for _, g := range grad {
			clear(g)
		}
		l := p.loss(bel, ms, grad)
		accepted := false
		for tries := 0; tries < 30; tries++ {
			// exp(−η·g) on the sets' cells, multiplied into the cliques'
			// potentials: no exponential over the cliques' cells.
			for r, g := range grad {
				for k, x := range g {
					step[r][k] = -eta * x
				}
				expShiftInPlace(step[r])
			}
			for i := range pot {
				copy(cand[i], pot[i])
			}
			for r := range step {
				c, m, st := cand[p.assign[r]], p.setMap[r], step[r]
				for k := range c {
					c[k] *= st[m[k]]
				}
			}
			for _, c := range cand {
				rescale(c)
			}
			cb := p.beliefsFromPot(cand, total)
			if nl := p.loss(cb, ms, nil); nl < l {
				pot, cand = cand, pot
				for r, th := range p.theta {
					g := grad[r]
					for k := range th {
						th[k] -= eta * g[k]
					}
				}
				bel = cb
				eta *= 1.25
				accepted = true
				break
			}
			eta /= 2
		}
		if !accepted {
			break
		}
	}
	return bel
}

// ipf fits the model to exact (mutually consistent) marginals by
// iterative proportional fitting on the junction tree: for each clique in
// turn, with the tree calibrated by belief propagation, the potentials of
// the sets it holds are scaled by y_r/μ_r one after the other, updating
// the clique's marginal locally (scaling a potential over a clique's
// variables scales that clique's marginal by the same factor), then the
// tree is calibrated again. Each sweep makes every measured marginal exact
// in turn; the sweeps converge to the maximum-entropy distribution that
// matches all of them (Darroch and Ratcliff 1972). Cells counted zero get
// probability zero; cells of 3-way marginals counted fewer than
// ipfRareCell times are left to the model. It stops after sweeps sweeps or
// when no marginal is off by more than tol (a share of total).
func (p *pgm) ipf(ms []measurement, total float64, sweeps int, tol float64) [][]float64 {
	byClique := make([][]int, len(p.jt))
	for i, m := range ms {
		c := p.assign[m.set]
		byClique[c] = append(byClique[c], i)
	}
	logp := p.cliqueLog(p.theta)
	pot := make([][]float64, len(logp))
	for i, l := range logp {
		pot[i] = expShift(l)
	}
	bel := p.beliefsFromPot(pot, total)
	for sweep := 0; sweep < sweeps; sweep++ {
		worst := 0.0
		for c, list := range byClique {
			if len(list) == 0 {
				continue
			}
			if p.cancelled() {
				return bel
			}
			mu := bel[c]
			for local := 0; local < 3; local++ {
				for _, i := range list {
					m := ms[i]
					cur := p.setMarginal(bel, m.set)
					ratio := make([]float64, len(cur))
					for k := range cur {
						if len(m.vars) <= ipfRareFrom || m.y[k] >= ipfRareCell {
							worst = math.Max(worst, math.Abs(cur[k]-m.y[k]))
						}
						switch {
						case len(m.vars) > ipfRareFrom && m.y[k] < ipfRareCell:
							// A combination held by fewer rows is not fitted:
							// the model predicts it from the rest.
							ratio[k] = 1
							continue
						case m.y[k] == 0:
							ratio[k] = 0
						case cur[k] == 0:
							ratio[k] = 1
						default:
							ratio[k] = m.y[k] / cur[k]
						}
					}
					th := p.theta[m.set]
					for k, r := range ratio {
						th[k] += math.Log(r)
					}
					sm := p.setMap[m.set]
					pc := pot[c]
					for k := range mu {
						r := ratio[sm[k]]
						mu[k] *= r
						pc[k] *= r
					}
				}
			}
			rescale(pot[c])
			bel = p.beliefsFromPot(pot, total)
		}
		if worst <= tol*total {
			break
		}
	}
	return bel
}

// ipfRareCell: cells of measured 3-way marginals counted fewer times are
// not fitted by ipf: a combination of three values held by fewer than 5
// rows is predicted from the rest of the model instead of learned from
// those rows. (It applies only when 3-way marginals are asked for: the
// default non-private model measures pairs, whose cells it fits exactly,
// which on Adult gives both a lower 2-way TVD, 0.0230 against 0.0246, and
// no closer synthetic rows.)
var ipfRareCell = 5.0

// ipfRareFrom: the rule applies to marginals of more columns than this.
var ipfRareFrom = 2

// expShift returns exp(x − max x).
func expShift(x []float64) []float64 {
	out := slices.Clone(x)
	expShiftInPlace(out)
	return out
}

func expShiftInPlace(x []float64) {
	mx := math.Inf(-1)
	for _, v := range x {
		if v > mx {
			mx = v
		}
	}
	if math.IsInf(mx, -1) {
		mx = 0
	}
	for k, v := range x {
		x[k] = math.Exp(v - mx)
	}
}

// rescale divides x by its maximum, keeping potentials near 1.
func rescale(x []float64) {
	mx := 0.0
	for _, v := range x {
		if v > mx {
			mx = v
		}
	}
	if mx > 0 && (mx > 1e100 || mx < 1e-100) {
		for k := range x {
			x[k] /= mx
		}
	}
}

// mergeSubsumed removes every set contained in another set, adding its
// potential into the larger one (the distribution does not change), and
// drops the measurements of removed sets: for exact measurements the
// larger set's marginal determines theirs. It renumbers measurements.
func (p *pgm) mergeSubsumed(ms []measurement) []measurement {
	keep := make([]bool, len(p.sets))
	into := make([]int, len(p.sets))
	for i, s := range p.sets {
		keep[i] = true
		into[i] = i
		for j, t := range p.sets {
			if i != j && len(t) > len(s) && isSubset(s, t) {
				keep[i] = false
				into[i] = j
				break
			}
		}
	}
	for i := range p.sets {
		if keep[i] {
			continue
		}
		j := into[i]
		for !keep[j] {
			j = into[j]
		}
		big := &factor{vars: p.sets[j], dims: p.dimsOf(p.sets[j]), vals: p.theta[j]}
		small := &factor{vars: p.sets[i], dims: p.dimsOf(p.sets[i]), vals: p.theta[i]}
		big.addScaled(small, 1)
	}
	newIdx := make([]int, len(p.sets))
	var sets [][]int
	var theta [][]float64
	for i := range p.sets {
		if keep[i] {
			newIdx[i] = len(sets)
			sets = append(sets, p.sets[i])
			theta = append(theta, p.theta[i])
		}
	}
	p.sets, p.theta = sets, theta
	var out []measurement
	for _, m := range ms {
		if keep[m.set] {
			m.set = newIdx[m.set]
			out = append(out, m)
		}
	}
	p.rebuild()
	return out
}

// factors returns the clique marginals as factors.
func (p *pgm) factors(bel [][]float64) []*factor {
	out := make([]*factor, len(bel))
	for i, b := range bel {
		c := p.jt[i]
		out[i] = &factor{vars: c.vars, dims: p.dimsOf(c.vars), vals: b}
	}
	return out
}

// cliqueContaining returns the first clique holding every variable of
// vars, or −1.
func cliqueContaining(cliques []cliqueSpec, vars []int) int {
	for i, c := range cliques {
		ok := true
		for _, v := range vars {
			if !slices.Contains(c.vars, v) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}
