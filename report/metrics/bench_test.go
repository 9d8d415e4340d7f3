package metrics

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkDistances measures the exact DCR search on Adult: every row of a
// bootstrap resample against every real row (30,162 × 30,162).
func BenchmarkDistances(b *testing.B) {
	real := adult(b)
	syn := real.Resample(real.Rows, rand.New(rand.NewPCG(1, 1)))
	// Shift ages so that few rows are exact copies and the search runs.
	for i := range syn.Col("age").Nums {
		syn.Col("age").Nums[i]++
	}
	for b.Loop() {
		if _, err := Distances(syn, real, 2); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarginalTVD3 measures the mean 3-way TVD on Adult (84 sets).
func BenchmarkMarginalTVD3(b *testing.B) {
	real := adult(b)
	syn := real.Resample(real.Rows, rand.New(rand.NewPCG(1, 1)))
	for b.Loop() {
		if _, err := MarginalTVD(real, syn, 3, nil); err != nil {
			b.Fatal(err)
		}
	}
}
