package learn

import (
	"encoding/binary"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// LogisticOptions configures FitLogistic. The zero value (or nil) uses the
// defaults.
type LogisticOptions struct {
	// Lambda is the L2 penalty on the weights (not the intercepts), added to
	// the mean weighted log loss as (Lambda/2)·‖W‖². 0 means 1/n, which is
	// scikit-learn's default C = 1 expressed per row.
	Lambda float64
	// MaxIterations bounds the L-BFGS major iterations (default 100).
	MaxIterations int
}

// Logistic is a fitted multinomial logistic regression.
type Logistic struct {
	classes []string
	dim     int
	w       []float64 // K×dim weights, row-major, then K intercepts
	// Iterations and Status say how the optimizer ended.
	Iterations int
	Status     string
}

// Classes returns the class labels in the order of PredictProba's columns.
func (m *Logistic) Classes() []string { return m.classes }

// FitLogistic fits a multinomial logistic regression of labels on the
// features enc gives for train, minimising
//
//	(1/Σw_i) Σ_i w_i · −log softmax(W x_i + b)[y_i] + (λ/2) ‖W‖²
//
// with balanced class weights w_i, by L-BFGS (gonum optimize).
func FitLogistic(enc *Encoder, train Table, labels []string, opt *LogisticOptions) (*Logistic, error) {
	if opt == nil {
		opt = &LogisticOptions{}
	}
	n := train.Rows()
	if n == 0 {
		return nil, ErrNoRows
	}
	if len(labels) != n {
		return nil, ErrShape
	}
	rows, err := enc.encode(train)
	if err != nil {
		return nil, err
	}
	classes, y := classIndex(labels)
	if len(classes) < 2 {
		return nil, ErrOneClass
	}
	k, d := len(classes), enc.Dim()
	cw := balancedWeights(y, k)
	var wsum float64
	for _, c := range y {
		wsum += cw[c]
	}
	// Identical rows (same features, same label) contribute identically:
	// fit on the distinct ones, each weighted by its count. Categorical
	// tables repeat many rows (Adult: 19,502 distinct of 30,162).
	rows, y, count := dedupe(rows, y)
	lambda := opt.Lambda
	if lambda == 0 {
		lambda = 1 / float64(n)
	}
	iters := opt.MaxIterations
	if iters == 0 {
		iters = 100
	}
	// Binary problems use one logit (class 1 against class 0); more classes
	// use a softmax over one weight vector per class.
	kk := k
	if k == 2 {
		kk = 1
	}
	nParam := kk*d + kk
	z := make([]float64, k)
	eval := func(grad, x []float64) float64 {
		for i := range grad {
			grad[i] = 0
		}
		var loss float64
		for i, r := range rows {
			wi := count[i] * cw[y[i]] / wsum
			if kk == 1 {
				s := x[d]
				for _, h := range r.hot {
					s += x[h]
				}
				for _, f := range r.num {
					s += x[f.idx] * f.v
				}
				// log(1+e^s) − y·s, computed stably; gradient (σ(s) − y).
				var p float64
				if s > 0 {
					e := math.Exp(-s)
					loss += wi * (s + math.Log1p(e))
					p = 1 / (1 + e)
				} else {
					e := math.Exp(s)
					loss += wi * math.Log1p(e)
					p = e / (1 + e)
				}
				g := p
				if y[i] == 1 {
					loss -= wi * s
					g--
				}
				g *= wi
				for _, h := range r.hot {
					grad[h] += g
				}
				for _, f := range r.num {
					grad[f.idx] += g * f.v
				}
				grad[d] += g
				continue
			}
			for c := 0; c < k; c++ {
				s := x[k*d+c]
				base := c * d
				for _, h := range r.hot {
					s += x[base+int(h)]
				}
				for _, f := range r.num {
					s += x[base+int(f.idx)] * f.v
				}
				z[c] = s
			}
			lse := floats.LogSumExp(z)
			loss += wi * (lse - z[y[i]])
			for c := 0; c < k; c++ {
				g := math.Exp(z[c] - lse)
				if c == y[i] {
					g--
				}
				g *= wi
				base := c * d
				for _, h := range r.hot {
					grad[base+int(h)] += g
				}
				for _, f := range r.num {
					grad[base+int(f.idx)] += g * f.v
				}
				grad[k*d+c] += g
			}
		}
		for j := 0; j < kk*d; j++ {
			loss += 0.5 * lambda * x[j] * x[j]
			grad[j] += lambda * x[j]
		}
		return loss
	}
	// gonum asks for the value and the gradient at the same point in two
	// calls; one pass computes both, so cache the last point.
	var lastX, lastGrad []float64
	var lastF float64
	at := func(x []float64) {
		if lastX != nil && floats.Equal(x, lastX) {
			return
		}
		if lastX == nil {
			lastX = make([]float64, len(x))
			lastGrad = make([]float64, len(x))
		}
		copy(lastX, x)
		lastF = eval(lastGrad, x)
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { at(x); return lastF },
		Grad: func(grad, x []float64) { at(x); copy(grad, lastGrad) },
	}
	settings := &optimize.Settings{
		MajorIterations: iters,
		// The loss is a mean over rows of standardized features: a gradient
		// below 1e-5 or a relative change below 1e-7 over 5 iterations
		// moves predictions by far less than their sampling error.
		GradientThreshold: 1e-5,
		Converger:         &optimize.FunctionConverge{Relative: 1e-7, Absolute: 1e-10, Iterations: 5},
	}
	res, err := optimize.Minimize(p, make([]float64, nParam), settings, &optimize.LBFGS{})
	if res == nil {
		return nil, err
	}
	// An iteration limit or a line search that cannot improve further still
	// leaves a usable minimiser; report how it ended instead of failing.
	w := res.X
	if kk == 1 {
		// Expand to the two-class softmax form: class 0 has zero weights.
		w = make([]float64, 2*d+2)
		copy(w[d:2*d], res.X[:d])
		w[2*d+1] = res.X[d]
	}
	return &Logistic{classes: classes, dim: d, w: w, Iterations: res.Stats.MajorIterations, Status: res.Status.String()}, nil
}

// dedupe merges identical (features, label) rows, keeping the first
// occurrence's position order, and returns their counts.
func dedupe(rows []sparseRow, y []int) ([]sparseRow, []int, []float64) {
	index := map[string]int{}
	var key []byte
	var outRows []sparseRow
	var outY []int
	var count []float64
	for i, r := range rows {
		key = key[:0]
		key = binary.LittleEndian.AppendUint32(key, uint32(y[i]))
		for _, h := range r.hot {
			key = binary.LittleEndian.AppendUint32(key, uint32(h))
		}
		for _, f := range r.num {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(f.v))
		}
		if j, ok := index[string(key)]; ok {
			count[j]++
			continue
		}
		index[string(key)] = len(outRows)
		outRows = append(outRows, r)
		outY = append(outY, y[i])
		count = append(count, 1)
	}
	return outRows, outY, count
}

// PredictProba returns, for every row of t, the probability of each class
// (in Classes order).
func (m *Logistic) PredictProba(enc *Encoder, t Table) ([][]float64, error) {
	rows, err := enc.encode(t)
	if err != nil {
		return nil, err
	}
	k, d := len(m.classes), m.dim
	out := make([][]float64, len(rows))
	for i, r := range rows {
		z := make([]float64, k)
		for c := 0; c < k; c++ {
			s := m.w[k*d+c]
			for _, h := range r.hot {
				s += m.w[c*d+int(h)]
			}
			for _, f := range r.num {
				s += m.w[c*d+int(f.idx)] * f.v
			}
			z[c] = s
		}
		lse := floats.LogSumExp(z)
		for c := range z {
			z[c] = math.Exp(z[c] - lse)
		}
		out[i] = z
	}
	return out, nil
}
