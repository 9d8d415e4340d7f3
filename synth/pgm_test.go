package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// bruteJoint enumerates the distribution p(x) ∝ exp(Σ_r θ_r(x_r)) of a
// model over all assignments, scaled to total: the definition the
// junction-tree inference must agree with.
func bruteJoint(p *pgm, total float64) *factor {
	vars := make([]int, len(p.dims))
	for i := range vars {
		vars[i] = i
	}
	j := newFactor(vars, p.dims)
	for r, th := range p.theta {
		f := &factor{vars: p.sets[r], dims: p.dimsOf(p.sets[r]), vals: th}
		j.addScaled(f, 1)
	}
	for i, v := range j.vals {
		j.vals[i] = math.Exp(v)
	}
	j.scale(total / j.sum())
	return j
}

func randomPGM(rng *rand.Rand) *pgm {
	dims := []int{2, 3, 2, 4, 3, 2}
	sets := [][]int{{0, 1}, {1, 2, 3}, {3, 4}, {0, 4}, {5}, {2, 5}}
	p := newPGM(dims, sets)
	for _, th := range p.theta {
		for k := range th {
			th[k] = rng.NormFloat64()
		}
	}
	return p
}

func TestJunctionTree(t *testing.T) {
	p := randomPGM(rand.New(rand.NewPCG(1, 1)))
	// Every set lies in a clique; the cliques form a junction tree: for
	// each variable, the cliques holding it are connected (each such
	// clique other than the topmost has its parent holding the variable
	// too), and separators are the intersections with the parent.
	for _, s := range p.sets {
		if cliqueContaining(p.jt, s) < 0 {
			t.Errorf("set %v is in no clique of %v", s, p.jt)
		}
	}
	for v := range p.dims {
		tops := 0
		for _, c := range p.jt {
			if !slices.Contains(c.vars, v) {
				continue
			}
			if c.parent < 0 || !slices.Contains(p.jt[c.parent].vars, v) {
				tops++
			}
		}
		if tops != 1 {
			t.Errorf("variable %d: %d disconnected groups of cliques in %v, want 1", v, tops, p.jt)
		}
	}
	for i, c := range p.jt {
		if c.parent >= 0 && !slices.Equal(c.sep, intersect(c.vars, p.jt[c.parent].vars)) {
			t.Errorf("clique %d: separator %v, want the intersection with its parent", i, c.sep)
		}
	}
}

func TestBeliefsMatchBruteForce(t *testing.T) {
	p := randomPGM(rand.New(rand.NewPCG(2, 2)))
	joint := bruteJoint(p, 1000)
	bel := p.factors(p.beliefs(p.theta, 1000))
	for i, c := range p.jt {
		want := joint.marginal(c.vars)
		for k := range want.vals {
			if math.Abs(bel[i].vals[k]-want.vals[k]) > 1e-9 {
				t.Fatalf("belief of clique %v cell %d = %g, want %g (brute force)", c.vars, k, bel[i].vals[k], want.vals[k])
			}
		}
	}
	// Marginals of sets spanning several cliques: through the messages,
	// and (tables of at most one cell allowed) through a junction tree
	// that holds the set.
	old := maxMessageCells
	defer func() { maxMessageCells = old }()
	for _, r := range [][]int{{0, 5}, {1, 4, 5}, {2, 4}, {0, 3, 5}} {
		want := joint.marginal(r)
		for _, cells := range []int{old, 1} {
			maxMessageCells = cells
			got := p.marginalOn(bel, r, 1000)
			for k := range want.vals {
				if math.Abs(got.vals[k]-want.vals[k]) > 1e-9 {
					t.Fatalf("marginalOn(%v) with tables of %d cells: cell %d = %g, want %g", r, cells, k, got.vals[k], want.vals[k])
				}
			}
		}
		if got := marginalWithin(p.jt, bel, r, 1); got != nil && cliqueContaining(p.jt, r) < 0 {
			t.Errorf("marginalWithin(%v, 1 cell) built larger tables", r)
		}
	}
}

func TestEstimatorRecoversMarginals(t *testing.T) {
	// Measurements without noise of a distribution of the model's form:
	// the estimator must find marginals matching them. Both the mirror
	// descent (the DP estimator) and IPF (the exact one) are checked.
	truth := randomPGM(rand.New(rand.NewPCG(3, 3)))
	const total = 5000
	joint := bruteJoint(truth, total)
	for _, method := range []string{"mirror descent", "ipf"} {
		p := newPGM(truth.dims, truth.sets)
		var ms []measurement
		for r, s := range p.sets {
			y := joint.marginal(s).vals
			w := make([]float64, len(y))
			for i := range w {
				w[i] = 1
			}
			ms = append(ms, measurement{set: r, vars: s, y: y, w: w})
		}
		var bel [][]float64
		if method == "ipf" {
			old := ipfRareCell
			ipfRareCell = 0
			bel = p.ipf(ms, total, 200, 1e-9)
			ipfRareCell = old
		} else {
			bel = p.estimate(ms, total, 3000)
		}
		// Tolerance: 0.5 rows of 5,000 on any cell (IPF converges
		// geometrically; mirror descent more slowly).
		for _, m := range ms {
			got := p.setMarginal(bel, m.set)
			for k := range got {
				if math.Abs(got[k]-m.y[k]) > 0.5 {
					t.Errorf("%s: marginal %v cell %d = %g, want %g", method, m.vars, k, got[k], m.y[k])
				}
			}
		}
	}
}

func TestEstimatorDenoises(t *testing.T) {
	// With noisy measurements, the estimate is consistent (cliques agree
	// on shared variables, no negative cell) and closer to the truth than
	// the raw measurements. Noise: σ = 20 on counts of a 5,000-row table.
	truth := randomPGM(rand.New(rand.NewPCG(4, 4)))
	const total, sigma = 5000, 20.0
	joint := bruteJoint(truth, total)
	rng := rand.New(rand.NewPCG(5, 5))
	p := newPGM(truth.dims, truth.sets)
	var ms []measurement
	var rawErr float64
	for r, s := range p.sets {
		y := slices.Clone(joint.marginal(s).vals)
		w := make([]float64, len(y))
		for i := range y {
			n := rng.NormFloat64() * sigma
			rawErr += math.Abs(n)
			y[i] += n
			w[i] = 1 / (sigma * sigma)
		}
		ms = append(ms, measurement{set: r, vars: s, y: y, w: w})
	}
	bel := p.estimate(ms, total, 1000)
	var estErr float64
	for r, s := range p.sets {
		got := p.setMarginal(bel, r)
		want := joint.marginal(s).vals
		for k := range got {
			estErr += math.Abs(got[k] - want[k])
		}
	}
	if estErr >= rawErr {
		t.Errorf("estimate L1 error %g, raw measurements %g: the estimator should denoise", estErr, rawErr)
	}
	fb := p.factors(bel)
	for i, c := range p.jt {
		for _, v := range fb[i].vals {
			if v < 0 {
				t.Fatalf("negative cell in clique %v", c.vars)
			}
		}
		if c.parent >= 0 {
			a := fb[i].marginal(c.sep)
			b := fb[c.parent].marginal(c.sep)
			for k := range a.vals {
				if math.Abs(a.vals[k]-b.vals[k]) > 1e-6*total {
					t.Fatalf("cliques %v and %v disagree on %v", c.vars, p.jt[c.parent].vars, c.sep)
				}
			}
		}
	}
}

func TestGraphSamplerConditional(t *testing.T) {
	// A two-clique model with a known joint; conditioning on the last
	// variable must give exactly P(x | evidence): checked on the sampler's
	// tables rather than by sampling.
	p := randomPGM(rand.New(rand.NewPCG(6, 6)))
	bel := p.beliefs(p.theta, 1)
	g := graphFromPGM(p, bel, []int{0, 1, 2, 3, 4, 5})
	joint := bruteJoint(p, 1)
	ev := map[int]int32{5: 1, 3: 2}
	s, err := newGraphSampler(g, p.dims, ev)
	if err != nil {
		t.Fatal(err)
	}
	// Sample many rows and compare the distribution of variable 0 with
	// the exact conditional. 20,000 draws of a binary variable: standard
	// error ≤ 0.0036; 0.02 is 5.6 of them.
	rng := rand.New(rand.NewPCG(7, 7))
	codes := make([]int32, 6)
	var ones float64
	const n = 20000
	for range n {
		s.sample(rng, codes)
		if codes[5] != 1 || codes[3] != 2 {
			t.Fatalf("sampled %v, violating the evidence", codes)
		}
		ones += float64(codes[0])
	}
	var num, den float64
	idx := make([]int, 6)
	for i, v := range joint.vals {
		rem := i
		for k := 5; k >= 0; k-- {
			idx[k] = rem % p.dims[k]
			rem /= p.dims[k]
		}
		if idx[5] == 1 && idx[3] == 2 {
			den += v
			if idx[0] == 1 {
				num += v
			}
		}
	}
	if got, want := ones/n, num/den; math.Abs(got-want) > 0.02 {
		t.Errorf("P(x0=1 | evidence) sampled %.4f, exact %.4f", got, want)
	}
}
