package synth

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/veil-data/veil/report/metrics"
)

// TestFigures measures the figures of docs/synth.md: mean 2- and 3-way
// TVD and quality on Adult for the non-private graph model, the copula,
// and the DP model at ε = 1 (20 fits) and 0.1 (10 fits) with secure
// noise, with fit and sample times, and the summary (mean, standard
// deviation, range) of each case. It is a measurement, not a check, and
// runs only with VEIL_SYNTH_FIGURES=1:
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
		{"DP ε=1", Options{Seed: 1, Epsilon: 1, Policy: pol}, 20},
		{"DP ε=0.1", Options{Seed: 1, Epsilon: 0.1, Policy: pol}, 10},
	}
	for _, c := range cases {
		var two, three, quality, fits []float64
		for run := range c.runs {
			o := c.o
			t0 := time.Now()
			m := fit(t, adultPath, &o)
			fitT := time.Since(t0)
			t1 := time.Now()
			data := sampleCSV(t, m, SampleOptions{Rows: int64(real.Rows), Seed: uint64(run) + 2})
			sampT := time.Since(t1)
			syn := loadTable(t, d, "syn", data, "")
			tw, _ := metrics.MarginalTVD(real, syn, 2, nil)
			th, _ := metrics.MarginalTVD(real, syn, 3, nil)
			q, _ := metrics.QualityScore(real, syn, nil)
			two, three, quality = append(two, tw.Mean), append(three, th.Mean), append(quality, q.Score)
			fits = append(fits, fitT.Seconds())
			t.Logf("%s run %d: 2-way %.4f 3-way %.4f quality %.4f fit %v sample %v", c.name, run, tw.Mean, th.Mean, q.Score,
				fitT.Round(time.Millisecond), sampT.Round(time.Millisecond))
		}
		t.Logf("%s over %d fits: 2-way %s; 3-way %s; quality %s; fit seconds %s", c.name, c.runs,
			summary(two), summary(three), summary(quality), summary(fits))
	}
}

// summary returns "mean (sd, min-max)" of xs.
func summary(xs []float64) string {
	var s, ss float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		s += x
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	mean := s / float64(len(xs))
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := 0.0
	if len(xs) > 1 {
		sd = math.Sqrt(ss / float64(len(xs)-1))
	}
	return fmt.Sprintf("%.4f (sd %.4f, %.4f-%.4f)", mean, sd, lo, hi)
}

// TestFiguresOverfitting measures the overfitting figures of
// docs/synth.md: DCROverfittingProtection at 80/20 split seeds 1-10 for
// the non-private graph model, and, as a control of the metric, the score
// of a model fitted on rows disjoint from both tables (a 40/10/50 split:
// training 40 %, holdout 10 %, fitted on the other 50 %), whose expected
// share of rows closest to a training row is exactly 0.8. Like
// TestFigures it runs only with VEIL_SYNTH_FIGURES=1.
func TestFiguresOverfitting(t *testing.T) {
	if os.Getenv("VEIL_SYNTH_FIGURES") == "" {
		t.Skip("set VEIL_SYNTH_FIGURES=1 to measure the figures of docs/synth.md")
	}
	score := func(fitOn, train, holdout string) *metrics.Overfitting {
		m := fit(t, fitOn, &Options{Seed: 1})
		d := metrics.NewDomain()
		tr := loadTable(t, d, "train", nil, train)
		ho := loadTable(t, d, "holdout", nil, holdout)
		syn := loadTable(t, d, "synthetic", sampleCSV(t, m, SampleOptions{Rows: int64(tr.Rows), Seed: 2}), "")
		o, err := metrics.DCROverfittingProtection(tr, ho, syn, &metrics.DCROptions{Seed: 1, SampleRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	var scores, ps []float64
	for seed := uint64(1); seed <= 10; seed++ {
		train, holdout := splitAdult(t, seed)
		o := score(train, train, holdout)
		t.Logf("split %d: score %.4f, closer to training %.4f, SDMetrics' formula %.4f", seed, o.Score, o.CloserToTraining, o.SDMetricsScore)
		scores, ps = append(scores, o.Score), append(ps, o.CloserToTraining)
	}
	t.Logf("80/20 splits 1-10: score %s; closer to training %s", summary(scores), summary(ps))
	scores, ps = nil, nil
	for seed := uint64(1); seed <= 5; seed++ {
		train, holdout, rest := splitAdult3(t, seed)
		o := score(rest, train, holdout)
		t.Logf("disjoint control %d: score %.4f, closer to training %.4f", seed, o.Score, o.CloserToTraining)
		scores, ps = append(scores, o.Score), append(ps, o.CloserToTraining)
	}
	t.Logf("disjoint control 1-5: score %s; closer to training %s (expected 0.8)", summary(scores), summary(ps))
}

// splitAdult3 writes a seeded 40/10/50 split of the Adult rows.
func splitAdult3(t testing.TB, seed uint64) (train, holdout, rest string) {
	t.Helper()
	data, err := os.ReadFile(adultPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\r\n"), []byte("\r\n"))
	header, rows := lines[0], lines[1:]
	perm := rand.New(rand.NewPCG(seed, 7)).Perm(len(rows))
	var bufs [3]bytes.Buffer
	for i := range bufs {
		bufs[i].Write(header)
		bufs[i].WriteString("\n")
	}
	n := len(rows)
	for i, p := range perm {
		k := 2
		switch {
		case i < n*4/10:
			k = 0
		case i < n*5/10:
			k = 1
		}
		bufs[k].Write(rows[p])
		bufs[k].WriteString("\n")
	}
	dir := t.TempDir()
	var paths [3]string
	for i := range bufs {
		paths[i] = filepath.Join(dir, []string{"train.csv", "holdout.csv", "rest.csv"}[i])
		if err := os.WriteFile(paths[i], bufs[i].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths[0], paths[1], paths[2]
}
