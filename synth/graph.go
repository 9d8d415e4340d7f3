package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// threeWayBudget is the most cells of 3-way count tables the counting pass
// keeps (4 bytes each: 32 MB). Tables with more columns or larger domains
// fall back to 2-way counts and a tree (cliques of two columns).
const threeWayBudget = 8 << 20

// counts holds the marginal counts of the discretized columns that the
// structure search and the fit read: every 1-way and 2-way table and, when
// they fit threeWayBudget, every 3-way table.
type counts struct {
	n     float64
	dims  []int
	one   [][]float64
	two   map[[2]int][]uint32
	three map[[3]int][]uint32
}

func newCounts(dims []int, withThree bool) *counts {
	c := &counts{dims: dims, two: map[[2]int][]uint32{}}
	for _, d := range dims {
		c.one = append(c.one, make([]float64, d))
	}
	for i := range dims {
		for j := i + 1; j < len(dims); j++ {
			c.two[[2]int{i, j}] = make([]uint32, dims[i]*dims[j])
		}
	}
	if withThree {
		c.three = map[[3]int][]uint32{}
		for i := range dims {
			for j := i + 1; j < len(dims); j++ {
				for k := j + 1; k < len(dims); k++ {
					c.three[[3]int{i, j, k}] = make([]uint32, dims[i]*dims[j]*dims[k])
				}
			}
		}
	}
	return c
}

// threeWayCells returns the number of cells all 3-way tables would need.
func threeWayCells(dims []int) int {
	total := 0
	for i := range dims {
		for j := i + 1; j < len(dims); j++ {
			for k := j + 1; k < len(dims); k++ {
				total += dims[i] * dims[j] * dims[k]
				if total > threeWayBudget {
					return total
				}
			}
		}
	}
	return total
}

// counter adds rows to counts; it keeps the tables in slices for speed.
type counter struct {
	c     *counts
	pairs [][2]int
	ptabs [][]uint32
	trips [][3]int
	ttabs [][]uint32
}

func newCounter(c *counts) *counter {
	k := &counter{c: c}
	d := len(c.dims)
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			k.pairs = append(k.pairs, [2]int{i, j})
			k.ptabs = append(k.ptabs, c.two[[2]int{i, j}])
		}
	}
	if c.three != nil {
		for i := 0; i < d; i++ {
			for j := i + 1; j < d; j++ {
				for l := j + 1; l < d; l++ {
					k.trips = append(k.trips, [3]int{i, j, l})
					k.ttabs = append(k.ttabs, c.three[[3]int{i, j, l}])
				}
			}
		}
	}
	return k
}

// add counts one row of codes.
func (k *counter) add(codes []int32) {
	c := k.c
	c.n++
	for v, x := range codes {
		c.one[v][x]++
	}
	dims := c.dims
	for p, ij := range k.pairs {
		k.ptabs[p][int(codes[ij[0]])*dims[ij[1]]+int(codes[ij[1]])]++
	}
	for t, ijk := range k.trips {
		i, j, l := ijk[0], ijk[1], ijk[2]
		k.ttabs[t][(int(codes[i])*dims[j]+int(codes[j]))*dims[l]+int(codes[l])]++
	}
}

// table returns the counts over vars (1 to 3 distinct variables) as a
// factor with the variables in the given order.
func (c *counts) table(vars []int) *factor {
	s := slices.Clone(vars)
	slices.Sort(s)
	dims := make([]int, len(s))
	for i, v := range s {
		dims[i] = c.dims[v]
	}
	f := newFactor(s, dims)
	switch len(s) {
	case 1:
		copy(f.vals, c.one[s[0]])
	case 2:
		for i, x := range c.two[[2]int{s[0], s[1]}] {
			f.vals[i] = float64(x)
		}
	case 3:
		t, ok := c.three[[3]int{s[0], s[1], s[2]}]
		if !ok {
			panic("synth: 3-way table not counted")
		}
		for i, x := range t {
			f.vals[i] = float64(x)
		}
	default:
		panic("synth: table of more than 3 variables")
	}
	if slices.Equal(s, vars) {
		return f
	}
	return f.permute(vars)
}

// entropy returns the entropy (nats) of a table of counts.
func entropy(f *factor) float64 {
	n := f.sum()
	if n <= 0 {
		return 0
	}
	var h float64
	for _, x := range f.vals {
		if x > 0 {
			p := x / n
			h -= p * math.Log(p)
		}
	}
	return h
}

// support returns the number of non-zero cells.
func support(vals []float64) int {
	n := 0
	for _, v := range vals {
		if v > 0 {
			n++
		}
	}
	return n
}

// cliqueSpec is a clique of a junction tree: its variables, the index of
// its parent (−1 for a root) and the separator it shares with the parent.
type cliqueSpec struct {
	vars   []int
	sep    []int
	parent int
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// graphSampler draws rows of codes from a Graph, optionally conditioned on
// evidence (fixed codes of some variables), exactly: the backward pass
// sums each clique's conditional table, with the evidence applied and its
// children's messages multiplied in, over its new variables, and sends the
// result to its parent; the forward pass then samples every clique's new
// variables given its separator from those tables.
type graphSampler struct {
	dims    []int
	cliques []preparedClique
}

type preparedClique struct {
	sep       []int
	sepStride []int
	newVars   []int
	newDims   []int
	newCells  int
	cdf       []float64 // per separator assignment, cumulative over new cells
}

func newGraphSampler(g *Graph, dims []int, evidence map[int]int32) (*graphSampler, error) {
	n := len(g.Cliques)
	betas := make([]*factor, n)
	seps := make([][]int, n)
	news := make([][]int, n)
	for i, c := range g.Cliques {
		cd := make([]int, len(c.Vars))
		for k, v := range c.Vars {
			cd[k] = dims[v]
		}
		f := &factor{vars: c.Vars, dims: cd, vals: slices.Clone(c.P)}
		seps[i] = c.Separator
		for _, v := range c.Vars {
			if !contains(c.Separator, v) {
				news[i] = append(news[i], v)
			}
		}
		order := append(slices.Clone(c.Separator), news[i]...)
		f = f.permute(order)
		if len(c.Separator) > 0 {
			f.divide(f.marginal(c.Separator))
		} else {
			f.normalize()
		}
		// Evidence on the variables this clique introduces.
		for k, v := range f.vars {
			code, ok := evidence[v]
			if !ok || k < len(c.Separator) {
				continue
			}
			for i, j := range f.indexMap([]int{v}, []int{f.dims[k]}) {
				if j != code {
					f.vals[i] = 0
				}
			}
		}
		betas[i] = f
	}
	// Backward messages.
	for i := n - 1; i >= 0; i-- {
		p := g.Cliques[i].Parent
		if p < 0 {
			continue
		}
		msg := betas[i].marginal(seps[i])
		betas[p].mul(msg)
	}
	for i, c := range g.Cliques {
		if c.Parent < 0 && betas[i].sum() <= 0 {
			return nil, ErrImpossible
		}
	}
	s := &graphSampler{dims: dims}
	for i := range g.Cliques {
		f := betas[i]
		pc := preparedClique{sep: seps[i], newVars: news[i]}
		stride := 1
		pc.sepStride = make([]int, len(seps[i]))
		for k := len(seps[i]) - 1; k >= 0; k-- {
			pc.sepStride[k] = stride
			stride *= dims[seps[i][k]]
		}
		pc.newCells = 1
		for _, v := range news[i] {
			pc.newDims = append(pc.newDims, dims[v])
			pc.newCells *= dims[v]
		}
		pc.cdf = make([]float64, len(f.vals))
		for b := 0; b < len(f.vals); b += pc.newCells {
			var cum float64
			for k := b; k < b+pc.newCells; k++ {
				cum += f.vals[k]
				pc.cdf[k] = cum
			}
		}
		s.cliques = append(s.cliques, pc)
	}
	return s, nil
}

// sample fills codes (one per variable) with a draw.
func (s *graphSampler) sample(rng *rand.Rand, codes []int32) {
	for i := range s.cliques {
		c := &s.cliques[i]
		b := 0
		for k, v := range c.sep {
			b += int(codes[v]) * c.sepStride[k]
		}
		block := c.cdf[b*c.newCells : (b+1)*c.newCells]
		u := rng.Float64() * block[len(block)-1]
		// The first cell whose cumulative weight passes u: cells of zero
		// weight are never chosen.
		idx := sort.Search(len(block), func(k int) bool { return block[k] > u })
		if idx >= len(block) {
			idx = len(block) - 1
		}
		for k := len(c.newVars) - 1; k >= 0; k-- {
			d := c.newDims[k]
			codes[c.newVars[k]] = int32(idx % d)
			idx /= d
		}
	}
}
