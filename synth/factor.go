package synth

import "math"

// factor is a dense table over a few discrete variables, row-major: the
// last variable varies fastest.
type factor struct {
	vars []int
	dims []int
	vals []float64
}

func newFactor(vars, dims []int) *factor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return &factor{vars: append([]int(nil), vars...), dims: append([]int(nil), dims...), vals: make([]float64, n)}
}

func (f *factor) clone() *factor {
	return &factor{vars: f.vars, dims: f.dims, vals: append([]float64(nil), f.vals...)}
}

func (f *factor) pos(v int) int {
	for i, x := range f.vars {
		if x == v {
			return i
		}
	}
	return -1
}

// stridesIn returns, for each variable of f, the stride of that variable
// in a row-major table over vars with dims (0 when it is not there).
func stridesIn(f *factor, vars []int, dims []int) []int {
	stride := make([]int, len(vars))
	s := 1
	for j := len(vars) - 1; j >= 0; j-- {
		stride[j] = s
		s *= dims[j]
	}
	st := make([]int, len(f.vars))
	for i, v := range f.vars {
		for j, x := range vars {
			if x == v {
				st[i] = stride[j]
			}
		}
	}
	return st
}

// indexMap returns, for every cell of f, the index of the matching cell
// in a row-major table over vars (a subset of f's variables) with dims.
func (f *factor) indexMap(vars, dims []int) []int32 {
	st := stridesIn(f, vars, dims)
	n := len(f.dims)
	out := make([]int32, len(f.vals))
	idx := make([]int, n)
	j := 0
	for i := range out {
		out[i] = int32(j)
		for k := n - 1; k >= 0; k-- {
			idx[k]++
			j += st[k]
			if idx[k] < f.dims[k] {
				break
			}
			j -= st[k] * f.dims[k]
			idx[k] = 0
		}
	}
	return out
}

func dimsOf(f *factor, vars []int) []int {
	dims := make([]int, len(vars))
	for i, v := range vars {
		dims[i] = f.dims[f.pos(v)]
	}
	return dims
}

// forCells calls fn(i, j) for every cell i of a row-major table of dims,
// in order, with j the matching cell of another table whose strides, per
// dimension of the first, are st (0 for a dimension it does not have). It
// is indexMap without the map: the inner loop runs along the last
// dimension.
func forCells(dims, st []int, fn func(i, j int)) {
	n := len(dims)
	if n == 0 {
		fn(0, 0)
		return
	}
	last, sl := dims[n-1], st[n-1]
	idx := make([]int, n)
	i, j := 0, 0
	for {
		jj := j
		for range last {
			fn(i, jj)
			i++
			jj += sl
		}
		k := n - 2
		for ; k >= 0; k-- {
			idx[k]++
			j += st[k]
			if idx[k] < dims[k] {
				break
			}
			j -= st[k] * dims[k]
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// marginal sums f onto vars (a subset of f's variables, in the given
// order).
func (f *factor) marginal(vars []int) *factor {
	dims := dimsOf(f, vars)
	out := newFactor(vars, dims)
	ov, fv := out.vals, f.vals
	forCells(f.dims, stridesIn(f, vars, dims), func(i, j int) { ov[j] += fv[i] })
	return out
}

// mul multiplies f in place by g, whose variables are a subset of f's.
func (f *factor) mul(g *factor) {
	fv, gv := f.vals, g.vals
	forCells(f.dims, stridesIn(f, g.vars, g.dims), func(i, j int) { fv[i] *= gv[j] })
}

// addScaled adds g (over a subset of f's variables) times scale to f.
func (f *factor) addScaled(g *factor, scale float64) {
	fv, gv := f.vals, g.vals
	forCells(f.dims, stridesIn(f, g.vars, g.dims), func(i, j int) { fv[i] += scale * gv[j] })
}

// divide divides f in place by g (a subset), with x/0 = 0.
func (f *factor) divide(g *factor) {
	fv, gv := f.vals, g.vals
	forCells(f.dims, stridesIn(f, g.vars, g.dims), func(i, j int) {
		if d := gv[j]; d == 0 {
			fv[i] = 0
		} else {
			fv[i] /= d
		}
	})
}

// permute returns f with its variables in the order vars.
func (f *factor) permute(vars []int) *factor {
	return f.marginal(vars)
}

func (f *factor) sum() float64 {
	var s float64
	for _, v := range f.vals {
		s += v
	}
	return s
}

func (f *factor) scale(c float64) {
	for i := range f.vals {
		f.vals[i] *= c
	}
}

// normalize scales f to sum 1 (a zero table stays zero).
func (f *factor) normalize() {
	if s := f.sum(); s > 0 {
		f.scale(1 / s)
	}
}

func (f *factor) logSumExp() float64 {
	m := math.Inf(-1)
	for _, v := range f.vals {
		m = math.Max(m, v)
	}
	if math.IsInf(m, -1) {
		return m
	}
	var s float64
	for _, v := range f.vals {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
