package synth

import (
	"os"
	"testing"
	"time"

	"github.com/veil-data/veil/report/metrics"
)

// TestFigures measures the figures of docs/synth.md: mean 2- and 3-way
// TVD and quality on Adult for the non-private graph model, the copula,
// and the DP model at ε = 1 and 0.1 (6 fits each, secure noise), with fit
// and sample times. It is a measurement, not a check, and runs only with
// VEIL_SYNTH_FIGURES=1:
//
//	VEIL_SYNTH_FIGURES=1 go test ./synth -run TestFigures -v -timeout 30m
func TestFigures(t *testing.T) {
	if os.Getenv("VEIL_SYNTH_FIGURES") == "" {
		t.Skip("set VEIL_SYNTH_FIGURES=1 to measure the figures of docs/synth.md")
	}
	d := metrics.NewDomain()
	real := loadTable(t, d, "real", nil, adultPath)
	boot := real.Resample(real.Rows, newRand(1, 1))
	b2, _ := metrics.MarginalTVD(real, boot, 2, nil)
	b3, _ := metrics.MarginalTVD(real, boot, 3, nil)
	t.Logf("bootstrap resample: 2-way %.4f 3-way %.4f", b2.Mean, b3.Mean)
	pol := adultPolicy(t)
	cases := []struct {
		name string
		o    Options
		runs int
	}{
		{"graph (auto)", Options{Seed: 1}, 1},
		{"copula", Options{Seed: 1, Method: MethodCopula}, 1},
		{"DP ε=1", Options{Seed: 1, Epsilon: 1, Policy: pol}, 6},
		{"DP ε=0.1", Options{Seed: 1, Epsilon: 0.1, Policy: pol}, 6},
	}
	for _, c := range cases {
		for run := range c.runs {
			o := c.o
			t0 := time.Now()
			m := fit(t, adultPath, &o)
			fitT := time.Since(t0)
			t1 := time.Now()
			data := sampleCSV(t, m, SampleOptions{Rows: int64(real.Rows), Seed: uint64(run) + 2})
			sampT := time.Since(t1)
			syn := loadTable(t, d, "syn", data, "")
			two, _ := metrics.MarginalTVD(real, syn, 2, nil)
			three, _ := metrics.MarginalTVD(real, syn, 3, nil)
			q, _ := metrics.QualityScore(real, syn, nil)
			t.Logf("%s run %d: 2-way %.4f 3-way %.4f quality %.4f fit %v sample %v", c.name, run, two.Mean, three.Mean, q.Score,
				fitT.Round(time.Millisecond), sampT.Round(time.Millisecond))
		}
	}
}
