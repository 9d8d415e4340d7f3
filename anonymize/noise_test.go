package anonymize

import (
	"math"
	"sort"
	"testing"
)

// ksStatistic returns the Kolmogorov-Smirnov distance between the sample
// and the continuous distribution function cdf.
func ksStatistic(sample []float64, cdf func(float64) float64) float64 {
	s := append([]float64(nil), sample...)
	sort.Float64s(s)
	n := float64(len(s))
	d := 0.0
	for i, x := range s {
		f := cdf(x)
		d = max(d, math.Abs(float64(i+1)/n-f), math.Abs(f-float64(i)/n))
	}
	return d
}

// ksCritical returns the distance the KS statistic of n draws exceeds with
// probability at most alpha under the null hypothesis, by the
// Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant):
// P(D > ε) ≤ 2·exp(-2nε²).
func ksCritical(n int, alpha float64) float64 {
	return math.Sqrt(math.Log(2/alpha) / (2 * float64(n)))
}

// TestSecureLaplaceDistribution draws from veil's noise source and checks
// that the noise follows Laplace(b = Δ/ε), with code that does not share
// the library's: the Laplace CDF written out. The draws come from
// crypto/rand and cannot be seeded; the test fails by chance with
// probability at most 1e-6 (the DKW bound above).
func TestSecureLaplaceDistribution(t *testing.T) {
	const n, alpha = 4000, 1e-6
	tests := []struct{ l1, eps float64 }{{1, 1}, {100, 0.5}, {500000, 0.5}}
	for _, tc := range tests {
		b := tc.l1 / tc.eps
		sample := make([]float64, n)
		for i := range sample {
			x, err := SecureNoise{}.Laplace(0, tc.l1, tc.eps)
			if err != nil {
				t.Fatal(err)
			}
			sample[i] = x
		}
		cdf := func(x float64) float64 {
			if x < 0 {
				return 0.5 * math.Exp(x/b)
			}
			return 1 - 0.5*math.Exp(-x/b)
		}
		if d, c := ksStatistic(sample, cdf), ksCritical(n, alpha); d > c {
			t.Errorf("Laplace(Δ=%g, ε=%g): KS distance %.4f > %.4f: the noise is not Laplace(b=%g)", tc.l1, tc.eps, d, c, b)
		}
		// A scale half as large would be detected: check the test's power.
		half := func(x float64) float64 {
			if x < 0 {
				return 0.5 * math.Exp(2*x/b)
			}
			return 1 - 0.5*math.Exp(-2*x/b)
		}
		if d, c := ksStatistic(sample, half), ksCritical(n, alpha); d <= c {
			t.Errorf("the KS test cannot tell Laplace(b) from Laplace(b/2): %.4f ≤ %.4f", d, c)
		}
	}
}

// analyticGaussianSigma returns the smallest σ for which the Gaussian
// mechanism with L2 sensitivity Δ is (ε, δ)-DP, by bisection on the exact
// condition of Balle and Wang (ICML 2018, Theorem 8):
//
//	Φ(Δ/(2σ) - εσ/Δ) - e^ε·Φ(-Δ/(2σ) - εσ/Δ) ≤ δ
//
// written here independently of the library.
func analyticGaussianSigma(delta2, eps, delta float64) float64 {
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	dlt := func(s float64) float64 {
		return phi(delta2/(2*s)-eps*s/delta2) - math.Exp(eps)*phi(-delta2/(2*s)-eps*s/delta2)
	}
	lo, hi := 1e-9*delta2, 1e3*delta2
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		if dlt(mid) > delta {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// TestSecureGaussianScale checks that the Gaussian noise's standard
// deviation is at least the σ the (ε, δ) guarantee needs (computed above
// without the library), and not wastefully larger. With n = 4000 draws the
// sample deviation's relative standard error is 1/√(2n) ≈ 1.1 %; the bounds
// are 6 standard errors wide, so the test fails by chance with probability
// below 1e-8.
func TestSecureGaussianScale(t *testing.T) {
	const n = 4000
	tests := []struct{ l1, eps, delta float64 }{{1, 1, 1e-5}, {1000, 0.5, 1e-6}}
	for _, tc := range tests {
		var sum, sq float64
		for i := 0; i < n; i++ {
			x, err := SecureNoise{}.Gaussian(0, tc.l1, tc.eps, tc.delta)
			if err != nil {
				t.Fatal(err)
			}
			sum += x
			sq += x * x
		}
		mean := sum / n
		sd := math.Sqrt(sq/n - mean*mean)
		need := analyticGaussianSigma(tc.l1, tc.eps, tc.delta)
		se := 1 / math.Sqrt(2*n)
		if sd < need*(1-6*se) {
			t.Errorf("Gaussian(Δ=%g, ε=%g, δ=%g): σ̂ = %.4g below the %.4g the guarantee needs", tc.l1, tc.eps, tc.delta, sd, need)
		}
		if sd > need*1.5 {
			t.Errorf("Gaussian(Δ=%g, ε=%g, δ=%g): σ̂ = %.4g, far above the %.4g needed", tc.l1, tc.eps, tc.delta, sd, need)
		}
		if rep := gaussianSigma(tc.l1, tc.eps, tc.delta); math.Abs(rep-need)/need > 0.01 {
			t.Errorf("reported σ %.4g, want %.4g", rep, need)
		}
	}
}

func TestNoiseClampAndRound(t *testing.T) {
	n := &noiseT{src: &zeroNoise{}, eps: 1, lower: 0, upper: 100, integer: true}
	for in, want := range map[string]string{"-5": "0", "50": "50", "150": "100", "49.6": "50"} {
		got, err := n.apply(in, nil)
		if err != nil || got.Text != want {
			t.Errorf("noise(%s) with zero noise = %q, %v, want %q", in, got.Text, err, want)
		}
	}
	f := &noiseT{src: &zeroNoise{}, eps: 1, lower: 0, upper: 1}
	if got, _ := f.apply("0.25", nil); got.Text != "0.25" {
		t.Errorf("float noise(0.25) = %q", got.Text)
	}
}
