package synth

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sureRisk is Stein's unbiased risk estimate of smoothing y with kern, as
// smoothCells computes it.
func sureRisk(y []float64, kern []float64, sigma float64) float64 {
	out, trace := convolve(y, kern)
	var rss float64
	for i := range y {
		rss += (y[i] - out[i]) * (y[i] - out[i])
	}
	return rss + 2*sigma*sigma*trace - float64(len(y))*sigma*sigma
}

func TestSmoothCellsRisk(t *testing.T) {
	// The risk estimate must be unbiased: averaged over noise draws it
	// equals the mean squared error of the smoothed counts, measured
	// against the true counts the test knows. 2,000 draws of 80 cells
	// give the means to about 1 % (the 3 % tolerance).
	mu := make([]float64, 80)
	for i := range mu {
		mu[i] = 400 + 150*math.Sin(float64(i)/6)
	}
	const sigma = 60.0
	rng := rand.New(rand.NewPCG(1, 2))
	for _, kern := range smoothKernels[1:] {
		var sure, mse float64
		const draws = 2000
		y := make([]float64, len(mu))
		for range draws {
			for i := range y {
				y[i] = mu[i] + sigma*rng.NormFloat64()
			}
			sure += sureRisk(y, kern, sigma)
			out, _ := convolve(y, kern)
			for i := range out {
				mse += (out[i] - mu[i]) * (out[i] - mu[i])
			}
		}
		sure /= draws
		mse /= draws
		if math.Abs(sure-mse) > 0.03*mse {
			t.Errorf("kernel %v: mean risk estimate %.0f, mean squared error %.0f", kern, sure, mse)
		}
	}
}

func TestSmoothCellsChoice(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	noisy := func(mu []float64, sigma float64) []float64 {
		y := make([]float64, len(mu))
		for i := range y {
			y[i] = mu[i] + sigma*rng.NormFloat64()
		}
		return y
	}
	sqErr := func(a, mu []float64) float64 {
		var s float64
		for i := range a {
			s += (a[i] - mu[i]) * (a[i] - mu[i])
		}
		return s
	}
	// A step (no rows below 17 years, then 400 a year) with little noise:
	// smoothing would blur the step more than it removes noise, so the
	// counts are kept as they are.
	step := make([]float64, 60)
	for i := 17; i < len(step); i++ {
		step[i] = 400
	}
	y := noisy(step, 5)
	if got := smoothCells(y, 5); !slices.Equal(got, y) {
		t.Errorf("smoothCells(step, σ=5) smoothed the counts, want them kept (error %.0f against %.0f)", sqErr(got, step), sqErr(y, step))
	}
	// A smooth curve under heavy noise: smoothing must lower the error
	// against the true counts (by at least half: a 5-cell kernel keeps
	// about a quarter of the noise's variance).
	smooth := make([]float64, 80)
	for i := range smooth {
		smooth[i] = 400 + 100*math.Sin(float64(i)/12)
	}
	y = noisy(smooth, 150)
	got := smoothCells(y, 150)
	if slices.Equal(got, y) || sqErr(got, smooth) > sqErr(y, smooth)/2 {
		t.Errorf("smoothCells(smooth, σ=150): error %.0f, raw %.0f; want smoothed to at most half", sqErr(got, smooth), sqErr(y, smooth))
	}
}
