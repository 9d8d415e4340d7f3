package synth

import (
	"math"
	"slices"
	"sort"
)

// buildJunctionTree returns a junction tree of the graph over d variables
// whose edges join the variables of each set: the graph is made chordal by
// eliminating variables greedily by fewest fill-in edges (then smallest
// table, then lowest index), the maximal cliques of the elimination are
// joined by a maximum-weight spanning forest on the sizes of their
// intersections (Kruskal), and each tree is rooted at its first clique with
// children after parents. Variables in no set get a clique of their own.
//
// The work is near linear in the variables for sparse graphs (a wide
// table's model is mostly a tree): each variable's fill-in and table size
// are kept and recomputed only when its neighbourhood changes, and cliques
// are compared only with the cliques that share a variable with them. The
// result is the same as comparing every variable and every pair of
// cliques.
func buildJunctionTree(dims []int, sets [][]int) []cliqueSpec {
	d := len(dims)
	adj := make([]map[int]bool, d) // alive neighbours
	for i := range adj {
		adj[i] = map[int]bool{}
	}
	for _, s := range sets {
		for _, a := range s {
			for _, b := range s {
				if a != b {
					adj[a][b] = true
				}
			}
		}
	}
	neighbours := func(v int) []int {
		nb := make([]int, 0, len(adj[v]))
		for u := range adj[v] {
			nb = append(nb, u)
		}
		slices.Sort(nb)
		return nb
	}
	fill := make([]int, d)
	weight := make([]float64, d)
	score := func(v int) {
		nb := neighbours(v)
		f := 0
		for i := range nb {
			for j := i + 1; j < len(nb); j++ {
				if !adj[nb[i]][nb[j]] {
					f++
				}
			}
		}
		w := float64(dims[v])
		for _, u := range nb {
			w *= float64(dims[u])
		}
		fill[v], weight[v] = f, w
	}
	for v := range d {
		score(v)
	}
	alive := make([]bool, d)
	for i := range alive {
		alive[i] = true
	}
	elim := make([][]int, 0, d)
	dirty := map[int]bool{}
	for range d {
		// Fewest fill-in edges, then smallest table, then lowest index.
		best := -1
		for v := 0; v < d; v++ {
			if alive[v] && (best < 0 || fill[v] < fill[best] || (fill[v] == fill[best] && weight[v] < weight[best])) {
				best = v
			}
		}
		v := best
		nb := neighbours(v)
		c := append([]int{v}, nb...)
		for _, a := range nb {
			for _, b := range nb {
				if a != b {
					adj[a][b] = true
				}
			}
		}
		alive[v] = false
		// Whose fill-in or table can have changed: v's neighbours (they
		// lose v and gain edges) and theirs (an edge between two of their
		// neighbours was added).
		clear(dirty)
		for _, u := range nb {
			delete(adj[u], v)
			dirty[u] = true
		}
		for _, u := range nb {
			for x := range adj[u] {
				dirty[x] = true
			}
		}
		for x := range dirty {
			score(x)
		}
		slices.Sort(c)
		elim = append(elim, c)
	}
	// Maximal cliques, in elimination order. A clique can only lie in one
	// that holds its first variable.
	holding := make([][]int, d) // variable -> elimination cliques holding it
	for j, o := range elim {
		for _, v := range o {
			holding[v] = append(holding[v], j)
		}
	}
	var cliques [][]int
	for i, c := range elim {
		sub := false
		for _, j := range holding[c[0]] {
			o := elim[j]
			if i != j && isSubset(c, o) && (len(o) > len(c) || j < i) {
				sub = true
				break
			}
		}
		if !sub {
			cliques = append(cliques, c)
		}
	}
	// Maximum spanning forest on intersection sizes.
	// Edges in the order of the pairs (i, j), i < j, of cliques that
	// share a variable; the size of the intersection is the number of
	// clique i's variables that clique j holds.
	var edges []cliqueEdge
	for i := range holding {
		holding[i] = holding[i][:0]
	}
	for j, c := range cliques {
		for _, v := range c {
			holding[v] = append(holding[v], j)
		}
	}
	shared := map[int]int{}
	var later []int
	for i, c := range cliques {
		clear(shared)
		later = later[:0]
		for _, v := range c {
			for _, j := range holding[v] {
				if j > i {
					if shared[j] == 0 {
						later = append(later, j)
					}
					shared[j]++
				}
			}
		}
		slices.Sort(later)
		for _, j := range later {
			edges = append(edges, cliqueEdge{i, j, shared[j]})
		}
	}
	return rootedForest(cliques, edges)
}

// cliqueEdge joins cliques a and b, which share w variables.
type cliqueEdge struct{ a, b, w int }

// rootedForest returns the junction tree of cliques: a maximum spanning
// forest of edges by weight (Kruskal's, heaviest first, ties in the
// edges' order), each tree rooted at its first clique and listed breadth
// first, children in clique order.
func rootedForest(cliques [][]int, edges []cliqueEdge) []cliqueSpec {
	sort.SliceStable(edges, func(i, j int) bool { return edges[i].w > edges[j].w })
	sets := newDisjointSets(len(cliques))
	nbrs := make([][]int, len(cliques))
	for _, e := range edges {
		if !sets.union(e.a, e.b) {
			continue
		}
		nbrs[e.a] = append(nbrs[e.a], e.b)
		nbrs[e.b] = append(nbrs[e.b], e.a)
	}
	// Root each tree, breadth first.
	var out []cliqueSpec
	pos := make([]int, len(cliques))
	for i := range pos {
		pos[i] = -1
	}
	for root := range cliques {
		if pos[root] >= 0 {
			continue
		}
		pos[root] = len(out)
		out = append(out, cliqueSpec{vars: cliques[root], parent: -1})
		queue := []int{root}
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			nb := slices.Clone(nbrs[x])
			slices.Sort(nb)
			for _, y := range nb {
				if pos[y] >= 0 {
					continue
				}
				pos[y] = len(out)
				out = append(out, cliqueSpec{vars: cliques[y], parent: pos[x], sep: intersect(cliques[y], cliques[x])})
				queue = append(queue, y)
			}
		}
	}
	return out
}

func isSubset(a, b []int) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// treeSize returns the number of cells of all cliques of a junction tree.
func treeSize(dims []int, cliques []cliqueSpec) float64 {
	var s float64
	for _, c := range cliques {
		p := 1.0
		for _, v := range c.vars {
			p *= float64(dims[v])
		}
		s += p
	}
	return s
}

// marginalOf returns the marginal over vars (in that order) of the
// junction-tree distribution whose clique marginals are bel: an upward
// pass where each clique sends its parent the sum of its table, divided by
// its separator's marginal, over everything but the separator and the
// wanted variables found below it.
func marginalOf(cliques []cliqueSpec, bel []*factor, vars []int) *factor {
	return marginalWithin(cliques, bel, vars, math.MaxInt)
}

// marginalWithin is marginalOf with no intermediate table of more than
// maxCells cells: it returns nil when one would need more (wanted
// variables far apart in a tree of large separators).
func marginalWithin(cliques []cliqueSpec, bel []*factor, vars []int, maxCells int) *factor {
	if ci := cliqueContaining(cliques, vars); ci >= 0 {
		f := bel[ci].marginal(vars)
		return f
	}
	n := len(cliques)
	inSub := make([][]int, n) // wanted variables found in the subtree
	for i := 0; i < n; i++ {
		for _, v := range vars {
			if slices.Contains(cliques[i].vars, v) {
				inSub[i] = append(inSub[i], v)
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		if p := cliques[i].parent; p >= 0 {
			for _, v := range inSub[i] {
				if !slices.Contains(inSub[p], v) {
					inSub[p] = append(inSub[p], v)
				}
			}
		}
	}
	msgs := make([]*factor, n)
	var roots []*factor
	for i := n - 1; i >= 0; i-- {
		c := cliques[i]
		if len(inSub[i]) == 0 {
			continue
		}
		// What this clique must keep: the wanted variables it holds, its
		// separator, and the separators of children that send messages.
		// Everything else is summed out before multiplying: Σ_x f(x,y)·g(y)
		// = (Σ_x f(x,y))·g(y).
		keep := slices.Clone(inSub[i])
		if c.parent >= 0 {
			keep = appendNew(keep, c.sep...)
		}
		var children []int
		need := slices.Clone(keep)
		for j := i + 1; j < n; j++ {
			if cliques[j].parent == i && msgs[j] != nil {
				children = append(children, j)
				need = appendNew(need, cliques[j].sep...)
			}
		}
		var local []int
		for _, v := range c.vars {
			if slices.Contains(need, v) {
				local = append(local, v)
			}
		}
		f := bel[i].marginal(local)
		if c.parent >= 0 {
			f.divide(bel[i].marginal(c.sep))
		}
		for _, j := range children {
			if unionCells(f, msgs[j]) > maxCells {
				return nil
			}
			f = product(f, msgs[j])
		}
		slices.Sort(keep)
		msgs[i] = f.marginal(keep)
		if c.parent < 0 {
			roots = append(roots, msgs[i])
		}
	}
	// Independent trees multiply; normalise each to a distribution first.
	var out *factor
	var total float64
	for _, r := range roots {
		total = r.sum()
		r.normalize()
		if out == nil {
			out = r
		} else {
			if unionCells(out, r) > maxCells {
				return nil
			}
			out = product(out, r)
		}
	}
	out.scale(total)
	return out.marginal(vars)
}

func appendNew(s []int, vs ...int) []int {
	for _, v := range vs {
		if !slices.Contains(s, v) {
			s = append(s, v)
		}
	}
	return s
}

// unionCells returns the number of cells of a table over the union of
// a's and b's variables.
func unionCells(a, b *factor) int {
	n := 1
	for _, d := range a.dims {
		n *= d
	}
	for i, v := range b.vars {
		if !slices.Contains(a.vars, v) {
			n *= b.dims[i]
		}
	}
	return n
}

// product returns the product of two factors over the union of their
// variables.
func product(a, b *factor) *factor {
	vars := slices.Clone(a.vars)
	dims := slices.Clone(a.dims)
	for i, v := range b.vars {
		if !slices.Contains(vars, v) {
			vars = append(vars, v)
			dims = append(dims, b.dims[i])
		}
	}
	out := newFactor(vars, dims)
	// out is a's table with b's new variables varying fastest: each cell
	// of a covers a block of consecutive cells of out.
	block := len(out.vals) / len(a.vals)
	ov, av, bv := out.vals, a.vals, b.vals
	for i, x := range av {
		for k := range block {
			ov[i*block+k] = x
		}
	}
	forCells(out.dims, stridesIn(out, b.vars, b.dims), func(i, j int) { ov[i] *= bv[j] })
	return out
}

// disjointSets is a union-find forest over 0..n-1, with path halving.
type disjointSets []int

func newDisjointSets(n int) disjointSets {
	s := make(disjointSets, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// find returns the representative of x's set.
func (s disjointSets) find(x int) int {
	for s[x] != x {
		s[x] = s[s[x]]
		x = s[x]
	}
	return x
}

// union joins the sets of a and b, the set of b's representative
// absorbing a's; it reports whether they were apart.
func (s disjointSets) union(a, b int) bool {
	ra, rb := s.find(a), s.find(b)
	if ra == rb {
		return false
	}
	s[ra] = rb
	return true
}
