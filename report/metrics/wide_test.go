package metrics

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSampleIndexSparse checks that the sparse permutation draws the same
// sample as the dense one.
func TestSampleIndexSparse(t *testing.T) {
	defer func(n int) { sparseSampleFrom = n }(sparseSampleFrom)
	for _, c := range [][2]int{{1000, 10}, {1000, 999}, {50, 7}} {
		sparseSampleFrom = 1 << 30
		dense := sampleIndex(c[0], c[1], rand.New(rand.NewPCG(5, 6)))
		sparseSampleFrom = 0
		sparse := sampleIndex(c[0], c[1], rand.New(rand.NewPCG(5, 6)))
		if !slices.Equal(dense, sparse) {
			t.Errorf("sampleIndex(%d, %d): sparse %v, dense %v", c[0], c[1], sparse, dense)
		}
	}
}

// TestColumnPairTrendsMaxPairs samples pairs: every sampled pair scores
// as it does among all pairs, the sample is seeded, and a cap at or above
// the number of pairs changes nothing.
func TestColumnPairTrendsMaxPairs(t *testing.T) {
	cards := []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 2, 3}
	real, syn := randomTables(t, cards, 300, 200, 12)
	_, all, total, err := ColumnPairTrendsContext(context.Background(), real, syn, &TrendOptions{AllPairs: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if total != 66 || len(all) != 66 {
		t.Fatalf("all pairs: %d of %d, want 66", len(all), total)
	}
	byPair := map[[2]string]PairScore{}
	for _, p := range all {
		byPair[p.Columns] = p
	}
	_, same, _, _ := ColumnPairTrendsContext(context.Background(), real, syn, &TrendOptions{AllPairs: true, Seed: 1, MaxPairs: 66})
	if !slices.Equal(same, all) {
		t.Error("MaxPairs = the number of pairs changed the scores")
	}
	opt := &TrendOptions{AllPairs: true, Seed: 1, MaxPairs: 20}
	mean, got, total, err := ColumnPairTrendsContext(context.Background(), real, syn, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20 || total != 66 {
		t.Fatalf("MaxPairs 20: %d of %d pairs, want 20 of 66", len(got), total)
	}
	var sum float64
	for _, p := range got {
		if want := byPair[p.Columns]; p != want {
			t.Errorf("sampled pair %v = %+v, want %+v", p.Columns, p, want)
		}
		sum += p.Score
	}
	if !near(mean, sum/20) {
		t.Errorf("mean %v, want %v", mean, sum/20)
	}
	again, againPairs, _, _ := ColumnPairTrendsContext(context.Background(), real, syn, opt)
	if again != mean || !slices.Equal(againPairs, got) {
		t.Error("two samples with one seed differ")
	}
	// Column restricts to the pairs of one column, all of them.
	_, of, n, _ := ColumnPairTrendsContext(context.Background(), real, syn, &TrendOptions{Seed: 1, MaxPairs: 3, Column: real.Columns[4].Name})
	if len(of) != 11 || n != 11 {
		t.Errorf("Column: %d of %d pairs, want 11", len(of), n)
	}
}

// TestWideMetricsCancelled checks that the pair and set loops and the
// distance search stop on a cancelled context with its error.
func TestWideMetricsCancelled(t *testing.T) {
	cards := make([]int, 60)
	for i := range cards {
		cards[i] = 2 + i%5
	}
	real, syn := randomTables(t, cards, 200, 200, 13)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := ColumnPairTrendsContext(ctx, real, syn, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("ColumnPairTrendsContext = %v, want context.Canceled", err)
	}
	m, err := NewMarginals(real, syn, &MarginalOptions{MaxSets: 1000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.TVDContext(ctx, 3); !errors.Is(err, context.Canceled) {
		t.Errorf("TVDContext = %v, want context.Canceled", err)
	}
	if _, err := DCR(syn, real, &DCROptions{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Errorf("DCR = %v, want context.Canceled", err)
	}
}
