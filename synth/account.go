package synth

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Privacy accounting in zero-concentrated differential privacy (zCDP,
// Bun and Steinke 2016), the currency of MST and AIM:
//
//   - a Gaussian mechanism adding N(0, σ²) to each count of a marginal
//     (L2 sensitivity 1 when one row is added or removed) is ρ-zCDP with
//     ρ = 1/(2σ²);
//   - an exponential mechanism with parameter ε₀ (sensitivity 1) is
//     ρ-zCDP with ρ = ε₀²/8 (Cesar and Rogers 2021);
//   - ρ adds up over mechanisms;
//   - ρ-zCDP implies (ε, δ)-DP for the ε, δ of CDPDelta (Canonne, Kamath
//     and Steinke 2020, Proposition 12), which CDPRho inverts.

// CDPDelta returns the smallest δ such that ρ-zCDP implies (ε, δ)-DP:
//
//	δ = min over α > 1 of exp((α−1)(αρ − ε)) / (α−1) · (1 − 1/α)^α
//
// The minimising α is found by bisection on the derivative of the log of
// the bound, (2α−1)ρ − ε + log(1 − 1/α), which is increasing in α.
func CDPDelta(rho, eps float64) float64 {
	if rho <= 0 {
		return 0
	}
	amin, amax := 1.01, (eps+1)/(2*rho)+2
	var alpha float64
	for range 1000 {
		alpha = (amin + amax) / 2
		d := (2*alpha-1)*rho - eps + math.Log1p(-1/alpha)
		if d < 0 {
			amin = alpha
		} else {
			amax = alpha
		}
	}
	delta := math.Exp((alpha-1)*(alpha*rho-eps)+alpha*math.Log1p(-1/alpha)) / (alpha - 1)
	return math.Min(delta, 1)
}

// CDPRho returns the largest ρ such that ρ-zCDP implies (ε, δ)-DP, by
// bisection on CDPDelta (which increases with ρ).
func CDPRho(eps, delta float64) float64 {
	if eps <= 0 || delta <= 0 {
		return 0
	}
	lo, hi := 0.0, eps+1
	for range 1000 {
		rho := (lo + hi) / 2
		if CDPDelta(rho, eps) <= delta {
			lo = rho
		} else {
			hi = rho
		}
	}
	return lo
}

// CDPEpsilon returns the smallest ε such that ρ-zCDP implies (ε, δ)-DP.
func CDPEpsilon(rho, delta float64) float64 {
	lo, hi := 0.0, 1.0
	for CDPDelta(rho, hi) > delta {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if CDPDelta(rho, mid) <= delta {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// GaussianSigma returns the σ of a Gaussian mechanism of L2 sensitivity 1
// that spends ρ: √(1/(2ρ)).
func GaussianSigma(rho float64) float64 { return math.Sqrt(1 / (2 * rho)) }

// ExponentialEpsilon returns the ε₀ of an exponential mechanism that spends
// ρ: √(8ρ).
func ExponentialEpsilon(rho float64) float64 { return math.Sqrt(8 * rho) }

// thresholdFor returns the threshold τ above which a noisy count N(1, σ²)
// (a value held by a single row, present in one of two neighbouring tables
// only) is released with probability at most delta: τ = 1 + σ·Φ⁻¹(1−δ).
func thresholdFor(sigma, delta float64) float64 {
	return 1 + sigma*distuv.UnitNormal.Quantile(1-delta)
}

// balleWangDelta is the δ of the Gaussian mechanism with standard
// deviation σ and L2 sensitivity 1 at ε (Balle and Wang 2018, Theorem 8):
//
//	δ = Φ(1/(2σ) − εσ) − e^ε · Φ(−1/(2σ) − εσ)
func balleWangDelta(sigma, eps float64) float64 {
	a := 1 / (2 * sigma)
	b := eps * sigma
	return distuv.UnitNormal.CDF(a-b) - math.Exp(eps)*distuv.UnitNormal.CDF(-a-b)
}
