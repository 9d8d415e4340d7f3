package synth

import (
	"fmt"
	"math"
	"sync"

	"github.com/google/differential-privacy/go/v3/noise"
	dprand "github.com/google/differential-privacy/go/v3/rand"
)

// Noise is the randomness of the DP mechanisms. Production code uses
// SecureNoise; tests use a fake (no noise) to check the estimator, and
// check the DP claims (accounting, noise scale) independently of it.
type Noise interface {
	// Gaussian returns x plus a draw of N(0, σ²) (at least σ: an
	// implementation may round σ up, never down).
	Gaussian(x, sigma float64) float64
	// Uniform returns a uniform draw in (0, 1), for the exponential
	// mechanism.
	Uniform() float64
	// Name describes the source, for the model file.
	Name() string
}

// SecureNoise draws from google/differential-privacy's Gaussian mechanism
// (noise.Gaussian: a discretized binomial approximation of the Gaussian,
// with randomness from crypto/rand, immune to floating-point attacks) and
// its secure uniform source. Its draws are not reproducible: a DP model is
// an artefact to keep, not to recompute.
//
// The library is parameterized by (ε, δ) rather than σ. For a target σ it
// is called with ε' = 1/σ and the δ' at which the analytic Gaussian
// mechanism (Balle and Wang 2018) needs exactly σ; the library's own
// calibration (noise.SigmaForGaussian) then returns σ up to its accuracy,
// rounding up.
type SecureNoise struct {
	mu    sync.Mutex
	cache map[float64][2]float64
}

// NewSecureNoise returns the production noise source.
func NewSecureNoise() *SecureNoise { return &SecureNoise{cache: map[float64][2]float64{}} }

// Params returns the (ε', δ') passed to the library for σ.
func (s *SecureNoise) Params(sigma float64) (eps, delta float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.cache[sigma]; ok {
		return p[0], p[1]
	}
	eps = 1 / sigma
	delta = balleWangDelta(sigma, eps)
	s.cache[sigma] = [2]float64{eps, delta}
	return eps, delta
}

// LibrarySigma returns the σ the library uses for a target σ.
func (s *SecureNoise) LibrarySigma(sigma float64) float64 {
	eps, delta := s.Params(sigma)
	return noise.SigmaForGaussian(1, 1, eps, delta)
}

// minSigma is the smallest σ drawn: below it (ε in the thousands) the
// library's parameters underflow. Drawing σ = minSigma for a smaller
// target adds more noise than the accounting charges, which keeps the
// stated guarantee.
const minSigma = 0.1

func (s *SecureNoise) Gaussian(x, sigma float64) float64 {
	sigma = max(sigma, minSigma)
	eps, delta := s.Params(sigma)
	v, err := noise.Gaussian().AddNoiseFloat64(x, 1, 1, eps, delta)
	if err != nil {
		// The parameters come from sigma > 0 and are always valid; a
		// failure here is a programming error.
		panic(fmt.Sprintf("synth: gaussian noise (σ=%g): %v", sigma, err))
	}
	return v
}

func (s *SecureNoise) Uniform() float64 {
	for {
		if u := dprand.Uniform(); u > 0 && u < 1 {
			return u
		}
	}
}

func (s *SecureNoise) Name() string {
	return "google/differential-privacy/go/v3 noise.Gaussian (secure), rand.Uniform for the exponential mechanism"
}

// exponentialMechanism returns the index of the chosen score, with
// probability proportional to exp(ε₀·q/(2Δ)), by the Gumbel-max trick:
// the argmax of ε₀·q/(2Δ) + G with G = −log(−log U) standard Gumbel.
func exponentialMechanism(n Noise, scores []float64, eps0, sensitivity float64) int {
	best, bi := math.Inf(-1), 0
	for i, q := range scores {
		if v := gumbelKey(n, q, eps0, sensitivity); v > best {
			best, bi = v, i
		}
	}
	return bi
}

// gumbelKey is score q's key in the Gumbel-max trick: ε₀·q/(2Δ) plus a
// fresh standard Gumbel draw. The largest key is the exponential
// mechanism's choice, and sorting by keys picks as successive draws
// without replacement would.
func gumbelKey(n Noise, q, eps0, sensitivity float64) float64 {
	return eps0*q/(2*sensitivity) + -math.Log(-math.Log(n.Uniform()))
}
