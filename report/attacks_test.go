package report

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// population draws n people of a made-up population: sex (2 values),
// region (20), age (18–90), income (a number tied to age) and a secret
// category (4 values, tied to region and sex). Categories are codes of a
// dictionary shared by every frame drawn (codes, not texts, are what the
// attacks compare).
func population(rng *rand.Rand, n int) *frame {
	specs := []*colSpec{{name: "sex"}, {name: "region"}, {name: "age", numeric: true}, {name: "income", numeric: true}, {name: "secret"}}
	f := &frame{rows: n}
	for _, s := range specs {
		c := &fcol{spec: s}
		if s.numeric {
			c.nums = make([]float64, n)
		} else {
			c.codes = make([]int32, n)
		}
		f.cols = append(f.cols, c)
	}
	for i := 0; i < n; i++ {
		sex, region := int32(rng.IntN(2)), int32(rng.IntN(20))
		age := float64(18 + rng.IntN(73))
		f.cols[0].codes[i], f.cols[1].codes[i] = sex, region
		f.cols[2].nums[i] = age
		f.cols[3].nums[i] = math.Round(20000 + 600*age + rng.NormFloat64()*15000)
		secret := (region/5 + sex) % 4
		if rng.IntN(3) == 0 {
			secret = int32(rng.IntN(4))
		}
		f.cols[4].codes[i] = secret
	}
	return f
}

// attackFixture draws training, holdout and an independent release of the
// same population, and a release that copies the training rows.
type attackFixture struct {
	names                    []string
	train, hold, fresh, copy *frame
}

func newAttackFixture(n int) attackFixture {
	rng := rand.New(rand.NewPCG(7, 7))
	train, hold, fresh := population(rng, n), population(rng, n), population(rng, n)
	return attackFixture{names: []string{"sex", "region", "age", "income", "secret"}, train: train, hold: hold, fresh: fresh, copy: pick(train, nil, sampleRows(rng, n, n))}
}

func (fx attackFixture) data(rel *frame, seed uint64, attacks int) *attackData {
	return newAttackData(rand.New(rand.NewPCG(seed, 1)), fx.names, fx.train, fx.hold, rel, 50_000, attacks)
}

// BenchmarkAttacks measures the three Anonymeter evaluators and the
// membership inference on 50,000 training, holdout and synthetic rows with
// 500 attacks (the report's defaults): `go test -run '^$' -bench Attacks
// ./report`.
func BenchmarkAttacks(b *testing.B) {
	fx := newAttackFixture(50_000)
	for b.Loop() {
		d := fx.data(fx.fresh, 1, 500)
		d.singlingOut(true)
		d.singlingOut(false)
		d.linkability([]int{0, 1}, []int{2, 3})
		d.inference(4)
		_, dt := nearestRows(d.targets, d.syn)
		_, dh := nearestRows(d.controls, d.syn)
		membershipAUC(dt, dh)
	}
}

func TestWilsonKnownValues(t *testing.T) {
	// Values of the Wilson score interval published with the
	// wilson-score-interval package (z = 1.96) and, for k = 0, the closed
	// form [0, z²/(n + z²)].
	for _, tc := range []struct {
		k, n     int
		low, hig float64
		tol      float64
	}{
		{430, 474, 0.8776750858242243, 0.9301239839930541, 1e-4},
		{10, 14, 0.4535045882751561, 0.882788120898909, 1e-4},
		{0, 10, 0, 1.959963984540054 * 1.959963984540054 / (10 + 1.959963984540054*1.959963984540054), 1e-12},
	} {
		r := wilson(tc.k, tc.n)
		if math.Abs(r.Low-tc.low) > tc.tol || math.Abs(r.High-tc.hig) > tc.tol {
			t.Errorf("wilson(%d, %d) = [%v, %v], want [%v, %v]", tc.k, tc.n, r.Low, r.High, tc.low, tc.hig)
		}
		if r.Rate != float64(tc.k)/float64(tc.n) {
			t.Errorf("wilson(%d, %d).Rate = %v, want %v", tc.k, tc.n, r.Rate, float64(tc.k)/float64(tc.n))
		}
	}
}

func TestWilsonCoverage(t *testing.T) {
	// 95% intervals of 1,000 simulated attacks of 300 trials must hold the
	// true rate about 95% of the time (binomial spread: ±1.4 points).
	rng := rand.New(rand.NewPCG(11, 11))
	for _, p := range []float64{0.02, 0.3} {
		hold := 0
		const runs = 1000
		for r := 0; r < runs; r++ {
			k := 0
			for i := 0; i < 300; i++ {
				if rng.Float64() < p {
					k++
				}
			}
			if w := wilson(k, 300); w.Low <= p && p <= w.High {
				hold++
			}
		}
		if c := float64(hold) / runs; c < 0.92 || c > 0.98 {
			t.Errorf("p = %v: coverage of the 95%% Wilson interval = %v, want about 0.95", p, c)
		}
	}
}

func TestResidualRisk(t *testing.T) {
	main, control := wilson(300, 500), wilson(100, 500)
	r, ok := residualRisk(main, control)
	// Recomputed from the Wilson estimates: (a − c)/(1 − c).
	z2 := 1.959963984540054 * 1.959963984540054
	a, c := (300+z2/2)/(500+z2), (100+z2/2)/(500+z2)
	if want := (a - c) / (1 - c); !ok || math.Abs(r.Value-want) > 1e-12 || !(r.Low < want && want < r.High) {
		t.Errorf("residualRisk = %+v, %v; want value %v inside its interval", r, ok, want)
	}
	if r, _ := residualRisk(wilson(50, 500), wilson(100, 500)); r.Value != 0 || r.Low != 0 {
		t.Errorf("residualRisk(main below control) = %+v, want 0 (bound to [0,1])", r)
	}
	if _, ok := residualRisk(wilson(500, 500), AttackRate{Successes: 500, Attacks: 500, Estimate: 1}); ok {
		t.Error("residualRisk with a control that always succeeds: ok, want undefined")
	}
	// As wilson gives it: the Wilson estimate of 500 of 500 is below 1,
	// and a control that succeeded on every holdout row still leaves the
	// risk undefined (docs/report.md#gates), not 0 with an interval to 1.
	for _, n := range []int{3, 500} {
		if r, ok := residualRisk(wilson(n, n), wilson(n, n)); ok {
			t.Errorf("residualRisk with a control that succeeded on all %d rows = %+v, want undefined", n, r)
		}
	}
}

func TestMembershipAUC(t *testing.T) {
	// Pairs (train, holdout): 0.1<0.2, 0.1<0.3, 0.2=0.2 (half), 0.2<0.3:
	// 3.5 of 4. At threshold 0.1: TPR 1/2, FPR 0.
	if auc, adv := membershipAUC([]float64{0.1, 0.2}, []float64{0.2, 0.3}); auc != 0.875 || adv != 0.5 {
		t.Errorf("membershipAUC = %v, %v; want 0.875, 0.5", auc, adv)
	}
	// Against a brute-force count over all pairs, with many ties.
	rng := rand.New(rand.NewPCG(5, 5))
	dt, dh := make([]float64, 300), make([]float64, 200)
	for i := range dt {
		dt[i] = float64(rng.IntN(20)) / 20
	}
	for i := range dh {
		dh[i] = float64(rng.IntN(25)) / 20
	}
	var wins float64
	for _, x := range dt {
		for _, y := range dh {
			switch {
			case x < y:
				wins++
			case x == y:
				wins += 0.5
			}
		}
	}
	bestAdv := 0.0
	for k := 0; k <= 25; k++ {
		th := float64(k) / 20
		var tp, fp float64
		for _, x := range dt {
			if x <= th {
				tp++
			}
		}
		for _, y := range dh {
			if y <= th {
				fp++
			}
		}
		bestAdv = math.Max(bestAdv, tp/300-fp/200)
	}
	auc, adv := membershipAUC(dt, dh)
	if math.Abs(auc-wins/(300*200)) > 1e-12 || math.Abs(adv-bestAdv) > 1e-12 {
		t.Errorf("membershipAUC = %v, %v; want %v, %v", auc, adv, wins/(300*200), bestAdv)
	}
}

func TestAttacksCopyVersusFresh(t *testing.T) {
	fx := newAttackFixture(4000)
	linkA, linkB := []int{1, 2}, []int{0, 3} // (region, age) and (sex, income)
	for _, tc := range []struct {
		name string
		rel  *frame
		// high: the release copies the training rows, so every attack
		// must do far better on them than on the holdout.
		high bool
	}{{"copy of the training rows", fx.copy, true}, {"fresh draw of the population", fx.fresh, false}} {
		t.Run(tc.name, func(t *testing.T) {
			d := fx.data(tc.rel, 3, 400)
			for _, a := range []Attack{d.singlingOut(true), d.singlingOut(false), d.linkability(linkA, linkB), d.inference(4)} {
				if a.Risk == nil || a.Control == nil {
					t.Fatalf("%s: no risk with a holdout", a.Attack)
				}
				// A copy: the training rows are in the release, so the
				// attacks succeed on them far more than on the holdout.
				// Linkability with one neighbour succeeds only when the
				// target is the first synthetic row of its (region, age):
				// about a third of them.
				min := 0.5
				if a.Attack == "linkability" {
					min = 0.15
				}
				if tc.high && a.Risk.Value < min {
					t.Errorf("%s: risk = %+v on a copy, want >= %v", a.Attack, *a.Risk, min)
				}
				// A fresh draw: the training rows are no likelier targets
				// than the holdout's; the interval must reach 0.
				if !tc.high && (a.Risk.Value > 0.1 || a.Risk.Low > 0) {
					t.Errorf("%s: risk = %+v on an independent release, want near 0 with 0 in the interval", a.Attack, *a.Risk)
				}
			}
			_, dt := nearestRows(d.targets, d.syn)
			_, dh := nearestRows(d.controls, d.syn)
			auc, _ := membershipAUC(dt, dh)
			lo, hi := aucInterval(auc, len(dt), len(dh))
			if tc.high && auc < 0.95 {
				t.Errorf("membership AUC = %v on a copy, want near 1", auc)
			}
			if !tc.high && (lo > 0.5 || hi < 0.5 || math.Abs(auc-0.5) > 0.06) {
				t.Errorf("membership AUC = %v [%v, %v] on an independent release, want near 0.5", auc, lo, hi)
			}
		})
	}
}

func TestInferenceNoBetterThanBaseline(t *testing.T) {
	// A release whose secret is shifted by one in every row: the nearest
	// synthetic row points at a wrong value more often than a random one.
	fx := newAttackFixture(3000)
	rel := pick(fx.fresh, nil, sampleRows(rand.New(rand.NewPCG(1, 1)), 3000, 3000))
	for i, v := range rel.cols[4].codes {
		rel.cols[4].codes[i] = (v + 1) % 4
	}
	d := newAttackData(rand.New(rand.NewPCG(2, 1)), fx.names, fx.train, nil, rel, 50_000, 400)
	a := d.inference(4)
	if a.BeatsBaseline || a.Control != nil || a.Risk != nil {
		t.Fatalf("inference = %+v, want no better than the baseline and no control without a holdout", a)
	}
	f := attackFigure("inference_risk", "x", "m", &a, "", "needs --holdout")
	if f.Value != nil || !strings.Contains(f.Note, "needs --holdout") || !strings.Contains(f.Note, "not meaningful") {
		t.Errorf("figure = value %v, note %q; want not measured, needs --holdout, not meaningful", f.Value, f.Note)
	}
}
