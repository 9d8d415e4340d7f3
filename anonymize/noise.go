package anonymize

import (
	"github.com/google/differential-privacy/go/v3/noise"
)

// NoiseSource adds differential-privacy noise to one value. l1 is the L1
// sensitivity of the value (upper - lower for one clamped value), epsilon
// and delta the privacy parameters. Implementations must draw from a
// cryptographically secure source: noise that can be reproduced can be
// subtracted.
type NoiseSource interface {
	Laplace(x, l1, epsilon float64) (float64, error)
	Gaussian(x, l1, epsilon, delta float64) (float64, error)
}

// SecureNoise is the NoiseSource veil uses: the secure Laplace and Gaussian
// mechanisms of github.com/google/differential-privacy/go/v3/noise, which
// sample from crypto/rand and guard against floating-point attacks
// (Mironov 2012) by rounding to a power-of-two granularity. Its noise is not
// reproducible by design.
type SecureNoise struct{}

// Laplace adds Laplace noise of scale l1/epsilon.
func (SecureNoise) Laplace(x, l1, epsilon float64) (float64, error) {
	// One value per row: L0 = 1 partition, L∞ = l1.
	return noise.Laplace().AddNoiseFloat64(x, 1, l1, epsilon, 0)
}

// Gaussian adds Gaussian noise calibrated (analytically, Balle and Wang
// 2018) to (epsilon, delta).
func (SecureNoise) Gaussian(x, l1, epsilon, delta float64) (float64, error) {
	// For one value, the L2 sensitivity equals L∞ = l1.
	return noise.Gaussian().AddNoiseFloat64(x, 1, l1, epsilon, delta)
}

// gaussianSigma returns the standard deviation the Gaussian mechanism uses,
// for the report.
func gaussianSigma(l1, epsilon, delta float64) float64 {
	return noise.SigmaForGaussian(1, l1, epsilon, delta)
}
