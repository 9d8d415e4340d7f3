package synth

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// buildJunctionTreeNaive is the first buildJunctionTree, which compared
// every variable at every step and every pair of cliques: the reference
// the faster one must agree with.
func buildJunctionTreeNaive(dims []int, sets [][]int) []cliqueSpec {
	d := len(dims)
	adj := make([][]bool, d)
	for i := range adj {
		adj[i] = make([]bool, d)
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
	alive := make([]bool, d)
	for i := range alive {
		alive[i] = true
	}
	var elim [][]int
	for range d {
		best, bestFill, bestW := -1, 0, 0.0
		for v := 0; v < d; v++ {
			if !alive[v] {
				continue
			}
			var nb []int
			for u := 0; u < d; u++ {
				if alive[u] && adj[v][u] {
					nb = append(nb, u)
				}
			}
			fill := 0
			for i := range nb {
				for j := i + 1; j < len(nb); j++ {
					if !adj[nb[i]][nb[j]] {
						fill++
					}
				}
			}
			w := float64(dims[v])
			for _, u := range nb {
				w *= float64(dims[u])
			}
			if best < 0 || fill < bestFill || (fill == bestFill && w < bestW) {
				best, bestFill, bestW = v, fill, w
			}
		}
		v := best
		c := []int{v}
		for u := 0; u < d; u++ {
			if alive[u] && adj[v][u] {
				c = append(c, u)
			}
		}
		for _, a := range c[1:] {
			for _, b := range c[1:] {
				if a != b {
					adj[a][b] = true
				}
			}
		}
		alive[v] = false
		slices.Sort(c)
		elim = append(elim, c)
	}
	// Maximal cliques, in elimination order.
	var cliques [][]int
	for i, c := range elim {
		sub := false
		for j, o := range elim {
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
	var edges []cliqueEdge
	for i := range cliques {
		for j := i + 1; j < len(cliques); j++ {
			if w := len(intersect(cliques[i], cliques[j])); w > 0 {
				edges = append(edges, cliqueEdge{i, j, w})
			}
		}
	}
	return rootedForest(cliques, edges)
}

func TestBuildJunctionTreeMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		d := 1 + rng.IntN(25)
		dims := make([]int, d)
		for i := range dims {
			dims[i] = 2 + rng.IntN(6)
		}
		var sets [][]int
		for range rng.IntN(2 * d) {
			k := 1 + rng.IntN(min(3, d))
			perm := rng.Perm(d)[:k]
			slices.Sort(perm)
			sets = append(sets, perm)
		}
		got, want := buildJunctionTree(dims, sets), buildJunctionTreeNaive(dims, sets)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: dims %v sets %v:\n got %v\nwant %v", trial, dims, sets, got, want)
		}
	}
}
