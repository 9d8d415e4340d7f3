package synth

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFitsSizeShortcut checks fitsSize's shortcut (no junction tree built
// when the candidate joins distinct chordal components) against building
// the tree, on random models and candidates of 2 and 3 variables.
func TestFitsSizeShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	shortcuts := 0
	for trial := 0; trial < 400; trial++ {
		d := 3 + rng.IntN(20)
		dims := make([]int, d)
		for i := range dims {
			dims[i] = 2 + rng.IntN(5)
		}
		sets := oneWaySets(d)
		for range rng.IntN(d + 3) {
			k := 2 + rng.IntN(2)
			s := rng.Perm(d)[:k]
			slices.Sort(s)
			sets = append(sets, s)
		}
		p := newPGM(dims, sets)
		for range 10 {
			r := rng.Perm(d)[:2+rng.IntN(2)]
			slices.Sort(r)
			want := treeSize(dims, buildJunctionTree(dims, append(slices.Clone(p.sets), r)))
			if got, ok := p.sizeWith(r); ok {
				shortcuts++
				if got != want {
					t.Fatalf("sets %v + %v: shortcut size %v, tree %v", p.sets, r, got, want)
				}
			}
			held := false // a set held already fits, whatever the size
			for _, s := range p.sets {
				held = held || isSubset(r, s)
			}
			for _, limit := range []float64{want - 1, want} {
				if held {
					break
				}
				if got := p.fitsSize(r, limit); got != (want <= limit) {
					t.Fatalf("sets %v + %v: fitsSize(%v) = %v, tree size %v", p.sets, r, limit, got, want)
				}
			}
		}
	}
	if shortcuts < 500 {
		t.Errorf("the shortcut applied %d times of 4,000", shortcuts)
	}
}
