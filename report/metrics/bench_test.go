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

// BenchmarkMarginalTVDHighCardinality measures the mean 3-way TVD of 200,000
// rows whose first column has a value per row (an ID): the 6 sets that
// hold it are counted by sorting, the 4 others densely.
func BenchmarkMarginalTVDHighCardinality(b *testing.B) {
	real, syn := randomTables(b, []int{1 << 30, 5, 9, 42}, 200_000, 200_000, 1)
	for b.Loop() {
		if _, err := MarginalTVD(real, syn, 3, nil); err != nil {
			b.Fatal(err)
		}
	}
}
