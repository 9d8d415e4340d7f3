package synth

import (
	"math"
	"testing"

	"github.com/google/differential-privacy/go/v3/noise"
)

func TestCDPRho(t *testing.T) {
	// Reference values: ../shared/design/synth-reference.md §7, private-pgm's
	// cdp_rho at δ = 1e-9: ρ = 0.00018 / 0.0150 / 1.091 at ε = 0.1 / 1 / 10.
	tests := []struct {
		eps, delta, want, tol float64
	}{
		{0.1, 1e-9, 0.00018, 0.000005},
		{1, 1e-9, 0.0150, 0.00005},
		{10, 1e-9, 1.091, 0.0005},
	}
	for _, tc := range tests {
		got := CDPRho(tc.eps, tc.delta)
		if math.Abs(got-tc.want) > tc.tol {
			t.Errorf("CDPRho(%g, %g) = %.6g, want %g", tc.eps, tc.delta, got, tc.want)
		}
		// Round trip: the ρ found converts back to (ε, δ).
		if d := CDPDelta(got, tc.eps); d > tc.delta*(1+1e-6) {
			t.Errorf("CDPDelta(CDPRho(%g, %g)) = %g, above δ", tc.eps, tc.delta, d)
		}
		if e := CDPEpsilon(got, tc.delta); math.Abs(e-tc.eps) > 1e-6*tc.eps+1e-9 {
			t.Errorf("CDPEpsilon(CDPRho(%g)) = %g, want %g", tc.eps, e, tc.eps)
		}
	}
	// The simple bound ε = ρ + 2√(ρ log(1/δ)) (Bun and Steinke 2016,
	// Proposition 1.3) is looser: the tight conversion must allow at least
	// its ρ.
	eps, delta := 1.0, 1e-9
	l := math.Log(1 / delta)
	simple := math.Pow(math.Sqrt(l+eps)-math.Sqrt(l), 2)
	if got := CDPRho(eps, delta); got < simple {
		t.Errorf("CDPRho(1, 1e-9) = %g, below the simple bound's %g", got, simple)
	}
}

func TestMechanismCosts(t *testing.T) {
	// ρ = 1/(2σ²) for the Gaussian mechanism and ε₀²/8 for the exponential
	// mechanism: the helpers invert them.
	for _, rho := range []float64{1e-4, 0.01, 1} {
		s := GaussianSigma(rho)
		if got := 1 / (2 * s * s); math.Abs(got-rho) > 1e-12*rho {
			t.Errorf("GaussianSigma(%g) = %g: spends %g", rho, s, got)
		}
		e := ExponentialEpsilon(rho)
		if got := e * e / 8; math.Abs(got-rho) > 1e-12*rho {
			t.Errorf("ExponentialEpsilon(%g) = %g: spends %g", rho, e, got)
		}
	}
	// A value held by one row passes the threshold with probability δ:
	// P(N(1, σ²) ≥ τ) = 1 − Φ((τ−1)/σ).
	sigma, delta := 40.0, 1e-10
	tau := thresholdFor(sigma, delta)
	p := 0.5 * math.Erfc((tau-1)/sigma/math.Sqrt2)
	if math.Abs(p-delta)/delta > 1e-3 {
		t.Errorf("thresholdFor(40, 1e-10) = %g: passes with probability %g", tau, p)
	}
}

func TestSecureNoiseScale(t *testing.T) {
	s := NewSecureNoise()
	for _, sigma := range []float64{0.5, 5, 87.4, 1000} {
		// The library, given (ε', δ'), must calibrate to at least σ (more
		// noise is private, less is not) and not much more.
		lib := s.LibrarySigma(sigma)
		if lib < sigma*(1-1e-9) || lib > sigma*1.01 {
			t.Errorf("LibrarySigma(%g) = %g, want in [σ, 1.01σ]", sigma, lib)
		}
		eps, delta := s.Params(sigma)
		if direct := noise.SigmaForGaussian(1, 1, eps, delta); direct != lib {
			t.Errorf("Params(%g) do not reproduce the library's σ", sigma)
		}
	}
	// Empirical standard deviation of 4,000 draws at σ = 10: the sample
	// standard deviation has a relative standard error of 1/√(2·4000) =
	// 1.1 %; a 6 % band is 5.4 standard errors (false failure < 1e-7).
	const n, sigma = 4000, 10.0
	var sum, sq float64
	for range n {
		x := s.Gaussian(3, sigma) - 3
		sum += x
		sq += x * x
	}
	mean := sum / n
	sd := math.Sqrt(sq/n - mean*mean)
	if math.Abs(sd-sigma)/sigma > 0.06 {
		t.Errorf("SecureNoise.Gaussian(σ=10): sample sd = %g", sd)
	}
	// The mean's standard error is σ/√n = 0.16: 1 is 6 standard errors.
	if math.Abs(mean) > 1 {
		t.Errorf("SecureNoise.Gaussian: sample mean = %g, want near 0", mean)
	}
	for range 1000 {
		if u := s.Uniform(); !(u > 0 && u < 1) {
			t.Fatalf("SecureNoise.Uniform() = %g, want in (0, 1)", u)
		}
	}
}

// noNoise is a noise source without noise: tests of the estimator and of
// the fit's arithmetic use it. The exponential mechanism then picks the
// best score.
type noNoise struct{}

func (noNoise) Gaussian(x, _ float64) float64 { return x }
func (noNoise) Uniform() float64              { return 0.5 }
func (noNoise) Name() string                  { return "none (test)" }

func TestExponentialMechanism(t *testing.T) {
	scores := []float64{1, 5, 3}
	if got := exponentialMechanism(noNoise{}, scores, 1, 1); got != 1 {
		t.Errorf("exponentialMechanism(no noise) = %d, want the best score's index 1", got)
	}
	// With secure noise the choice follows exp(ε·q/2): with ε = 2 and
	// scores 0 and ln 3, the second is chosen with probability 3/4. Over
	// 4,000 draws the share has standard error 0.0068; 0.04 is 5.8 of them.
	s := NewSecureNoise()
	var second int
	for range 4000 {
		if exponentialMechanism(s, []float64{0, math.Log(3)}, 2, 1) == 1 {
			second++
		}
	}
	if share := float64(second) / 4000; math.Abs(share-0.75) > 0.04 {
		t.Errorf("exponential mechanism chose the better score %.3f of the time, want 0.75", share)
	}
}

// TestSecureNoiseTinySigma: a σ so small that the library's parameters
// would underflow (ε in the thousands) draws σ = minSigma instead of
// panicking: more noise than charged, the guarantee kept.
func TestSecureNoiseTinySigma(t *testing.T) {
	s := NewSecureNoise()
	for _, sigma := range []float64{0.05, 0.001, 1e-9} {
		if v := s.Gaussian(10, sigma); math.IsNaN(v) || math.Abs(v-10) > 20*minSigma {
			t.Errorf("Gaussian(10, %g) = %v", sigma, v)
		}
	}
}
