package metrics_test

import (
	"fmt"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/report/metrics"
)

// ExampleMarginalTVD compares a tiny synthetic table with the real one.
func ExampleMarginalTVD() {
	cols := []dataset.Column{{Name: "sex", Kind: dataset.String}, {Name: "salary", Kind: dataset.String}}
	d := metrics.NewDomain()
	real, _ := d.FromStrings("real", cols, [][]string{{"F", "<=50K"}, {"M", ">50K"}, {"M", "<=50K"}, {"F", "<=50K"}})
	syn, _ := d.FromStrings("synthetic", cols, [][]string{{"F", "<=50K"}, {"M", ">50K"}, {"M", ">50K"}, {"F", "<=50K"}})
	one, _ := metrics.MarginalTVD(real, syn, 1, nil)
	two, _ := metrics.MarginalTVD(real, syn, 2, nil)
	q, _ := metrics.QualityScore(real, syn, &metrics.TrendOptions{AllPairs: true})
	fmt.Printf("1-way %.3f, 2-way %.3f, quality %.3f\n", one.Mean, two.Mean, q.Score)
	// Output: 1-way 0.125, 2-way 0.250, quality 0.812
}
