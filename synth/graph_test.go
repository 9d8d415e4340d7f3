package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExactScoreDiscountsNoise(t *testing.T) {
	// exactScore subtracts the L1 distance expected between Poisson counts
	// and their mean: for tables drawn as noise about the model's
	// estimate the score must average 0 (within 1 %: 400 draws of 64
	// cells), and a real dependence must score well above it.
	rng := rand.New(rand.NewPCG(7, 8))
	est := newFactor([]int{0, 1}, []int{8, 8})
	for i := range est.vals {
		est.vals[i] = 50 + float64(i%8)*60
	}
	var mean, scale float64
	const draws = 400
	for range draws {
		truth := newFactor([]int{0, 1}, []int{8, 8})
		for i, mu := range est.vals {
			truth.vals[i] = math.Round(mu + math.Sqrt(mu)*rng.NormFloat64())
		}
		mean += exactScore(truth, est) / draws
	}
	for _, mu := range est.vals {
		scale += math.Sqrt(2 * mu / math.Pi)
	}
	if math.Abs(mean) > 0.01*scale {
		t.Errorf("mean exactScore of noise = %.1f, want 0 within %.1f", mean, 0.01*scale)
	}
	dep := est.clone()
	for i := range dep.vals {
		if i%9 == 0 { // the diagonal: a dependence
			dep.vals[i] *= 2
		}
	}
	if got := exactScore(dep, est); got < 0.5*scale {
		t.Errorf("exactScore of a dependence = %.1f, want well above 0", got)
	}
}

func TestGraphLearnsDependence(t *testing.T) {
	// Three columns: a and b independent, c a noisy copy of a. The
	// non-private selection must measure (a, c).
	rng := rand.New(rand.NewPCG(5, 6))
	var sb strings.Builder
	sb.WriteString("a,b,c\n")
	for range 5000 {
		a, b := rng.IntN(8), rng.IntN(8)
		c := a
		if rng.Float64() < 0.3 {
			c = rng.IntN(8)
		}
		fmt.Fprintf(&sb, "a%d,b%d,c%d\n", a, b, c)
	}
	path := filepath.Join(t.TempDir(), "abc.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	m := fit(t, path, &Options{Seed: 1})
	for _, c := range m.Graph.Cliques {
		if slices.Contains(c.Vars, 0) && slices.Contains(c.Vars, 2) {
			return
		}
	}
	t.Errorf("no clique holds a and c: %+v", m.Graph.Cliques)
}
