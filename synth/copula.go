package synth

import (
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// copulaEps clips uniforms away from 0 and 1 before Φ⁻¹ (float32's
// machine epsilon, as SDV does).
const copulaEps = 1.1920929e-07

// copulaMarginal is the CDF of one copula variable, from the column's
// codes: for a categorical column each code owns an interval of [0, 1] as
// wide as its probability (in code order); for a numeric column the bins
// (null excluded) share [0, 1] in proportion to their mass, and a value's
// position within its bin comes from the bin's atoms or knots; a null
// indicator has [0, p) for null and [p, 1) for a value.
type copulaMarginal struct {
	col     int
	numeric bool
	null    bool // the variable is a null indicator
	pNull   float64
	codes   []int32   // codes in order (numeric: bins only)
	cum     []float64 // cumulative probability after each code
}

func newCopulaMarginal(m *Model, v CopulaVar) *copulaMarginal {
	c := m.Columns[v.Column]
	cm := &copulaMarginal{col: v.Column, numeric: c.Numeric != nil, null: v.NullIndicator}
	for _, code := range c.Codes {
		if code.Null {
			cm.pNull = code.P
		}
	}
	if cm.null {
		return cm
	}
	var total float64
	for i, code := range c.Codes {
		if cm.numeric && code.Null {
			continue
		}
		total += code.P
		cm.codes = append(cm.codes, int32(i))
		cm.cum = append(cm.cum, total)
	}
	if total > 0 {
		for i := range cm.cum {
			cm.cum[i] /= total
		}
	}
	return cm
}

// interval returns the part of [0, 1) that code k (index into codes) owns.
func (cm *copulaMarginal) interval(k int) (lo, hi float64) {
	if k > 0 {
		lo = cm.cum[k-1]
	}
	return lo, cm.cum[k]
}

func clipU(u float64) float64 { return math.Min(math.Max(u, copulaEps), 1-copulaEps) }

// copulaVars lists the copula's variables for the modelled columns: one
// per column, plus a null indicator for each numeric column with nulls.
func copulaVars(m *Model) []CopulaVar {
	var vars []CopulaVar
	for i, c := range m.Columns {
		if c.Treatment != TreatModel {
			continue
		}
		vars = append(vars, CopulaVar{Column: i})
		if c.Numeric != nil && c.NullShare > 0 {
			vars = append(vars, CopulaVar{Column: i, NullIndicator: true})
		}
	}
	return vars
}

// copulaFitter accumulates the correlation of normal scores over the
// counting pass: memory is quadratic in the variables, not rows.
type copulaFitter struct {
	vars []CopulaVar
	marg []*copulaMarginal
	vs   []valueSampler // per var (column's), to place numbers in bins
	ix   []*codeIndex
	rng  *rand.Rand
	n    float64
	sum  []float64
	prod [][]float64
	z    []float64
}

func newCopulaFitter(m *Model, seed uint64) *copulaFitter {
	f := &copulaFitter{vars: copulaVars(m), rng: rand.New(rand.NewPCG(seed, 0x636f70756c61))}
	for _, v := range f.vars {
		f.marg = append(f.marg, newCopulaMarginal(m, v))
		f.vs = append(f.vs, newValueSampler(m.Columns[v.Column]))
	}
	k := len(f.vars)
	f.sum = make([]float64, k)
	f.prod = make([][]float64, k)
	for i := range f.prod {
		f.prod[i] = make([]float64, k)
	}
	f.z = make([]float64, k)
	return f
}

// add adds one row, given each modelled column's code and (numeric) value.
func (f *copulaFitter) add(codes map[int]int32, nums map[int]float64) {
	for i, mg := range f.marg {
		code := codes[mg.col]
		col := f.vs[i].c
		isNull := code >= 0 && int(code) < len(col.Codes) && col.Codes[code].Null
		var u float64
		switch {
		case mg.null:
			if isNull {
				u = f.rng.Float64() * mg.pNull
			} else {
				u = mg.pNull + f.rng.Float64()*(1-mg.pNull)
			}
		case mg.numeric && isNull:
			f.z[i] = 0 // the mean of a normal score
			continue
		default:
			k := -1
			for j, c := range mg.codes {
				if c == code {
					k = j
					break
				}
			}
			if k < 0 {
				f.z[i] = 0
				continue
			}
			lo, hi := mg.interval(k)
			w := f.rng.Float64()
			if mg.numeric {
				w = positionInBin(col.Codes[code].Bin, nums[mg.col], f.rng)
			}
			u = lo + w*(hi-lo)
		}
		f.z[i] = distuv.UnitNormal.Quantile(clipU(u))
	}
	f.n++
	for i, zi := range f.z {
		f.sum[i] += zi
		row := f.prod[i]
		for j := i; j < len(f.z); j++ {
			row[j] += zi * f.z[j]
		}
	}
}

// positionInBin returns where x sits in a bin's distribution, in [0, 1]:
// a uniform draw within the atom's share for atoms, the piecewise-linear
// CDF through the knots otherwise.
func positionInBin(b *Bin, x float64, rng *rand.Rand) float64 {
	switch {
	case len(b.Atoms) > 0:
		var cum float64
		for _, a := range b.Atoms {
			if a.V == x {
				return cum + rng.Float64()*a.P
			}
			cum += a.P
		}
		return rng.Float64()
	case len(b.Knots) > 1:
		k := b.Knots
		if x <= k[0] {
			return 0
		}
		for i := 1; i < len(k); i++ {
			if x <= k[i] {
				if k[i] == k[i-1] {
					return (float64(i-1) + rng.Float64()) / float64(len(k)-1)
				}
				return (float64(i-1) + (x-k[i-1])/(k[i]-k[i-1])) / float64(len(k)-1)
			}
		}
		return 1
	}
	if b.Hi > b.Lo {
		return (x - b.Lo) / (b.Hi - b.Lo)
	}
	return rng.Float64()
}

// copula returns the fitted Copula: the Pearson correlation matrix of the
// normal scores (SDV's step 4; an undefined correlation, from a constant
// variable, is 0).
func (f *copulaFitter) copula() *Copula {
	k := len(f.vars)
	corr := make([][]float64, k)
	for i := range corr {
		corr[i] = make([]float64, k)
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			mi, mj := f.sum[i]/f.n, f.sum[j]/f.n
			cov := f.prod[i][j]/f.n - mi*mj
			vi := f.prod[i][i]/f.n - mi*mi
			vj := f.prod[j][j]/f.n - mj*mj
			r := 0.0
			if i == j {
				r = 1
			} else if vi > 1e-12 && vj > 1e-12 {
				r = math.Max(-1, math.Min(1, cov/math.Sqrt(vi*vj)))
			}
			corr[i][j], corr[j][i] = round9(r), round9(r)
		}
	}
	return &Copula{Vars: f.vars, Corr: corr}
}

// copulaSampler draws normal scores and decodes them.
type copulaSampler struct {
	m     *Model
	marg  []*copulaMarginal
	chol  *mat.TriDense // L with Σ = L·Lᵀ
	corr  *mat.SymDense
	cond  map[int][2]float64 // variable -> allowed interval of z
	z     []float64
	std   []float64
	byCol map[int][2]int // column -> (value var, null var or -1)
	// Conditional sampling of the free variables given conditioned ones.
	condVars []int
	freeVars []int
	condL    *mat.TriDense // Cholesky of Σ_cc
	gain     *mat.Dense    // Σ_fc Σ_cc⁻¹
	freeL    *mat.TriDense // Cholesky of Σ_ff − Σ_fc Σ_cc⁻¹ Σ_cf
}

func newCopulaSampler(m *Model, evidence map[int]int32) (*copulaSampler, error) {
	c := m.Copula
	k := len(c.Vars)
	s := &copulaSampler{m: m, z: make([]float64, k), std: make([]float64, k), byCol: map[int][2]int{}, cond: map[int][2]float64{}}
	for i, v := range c.Vars {
		s.marg = append(s.marg, newCopulaMarginal(m, v))
		e := s.byCol[v.Column]
		if _, ok := s.byCol[v.Column]; !ok {
			e = [2]int{-1, -1}
		}
		if v.NullIndicator {
			e[1] = i
		} else {
			e[0] = i
		}
		s.byCol[v.Column] = e
	}
	corr := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			corr.SetSym(i, j, c.Corr[i][j])
		}
	}
	s.corr = corr
	for col, code := range evidence {
		v := s.byCol[col][0]
		mg := s.marg[v]
		for j, cd := range mg.codes {
			if cd == code {
				lo, hi := mg.interval(j)
				if hi <= lo {
					return nil, &ConditionError{Column: m.Columns[col].Name, Err: ErrImpossible}
				}
				s.cond[v] = [2]float64{distuv.UnitNormal.Quantile(clipU(lo)), distuv.UnitNormal.Quantile(clipU(hi))}
			}
		}
	}
	for i := 0; i < k; i++ {
		if _, ok := s.cond[i]; ok {
			s.condVars = append(s.condVars, i)
		} else {
			s.freeVars = append(s.freeVars, i)
		}
	}
	var err error
	if len(s.condVars) == 0 {
		s.chol, err = cholesky(corr)
		return s, err
	}
	// Σ_cc, Σ_fc, and the conditional covariance of the free variables.
	cc := subSym(corr, s.condVars)
	s.condL, err = cholesky(cc)
	if err != nil {
		return nil, err
	}
	fc := mat.NewDense(len(s.freeVars), len(s.condVars), nil)
	for a, i := range s.freeVars {
		for b, j := range s.condVars {
			fc.Set(a, b, corr.At(i, j))
		}
	}
	var ccInv mat.Dense
	if err := ccInv.Inverse(cc); err != nil {
		return nil, errors.New("copula: the conditioned variables' correlation is singular")
	}
	s.gain = mat.NewDense(len(s.freeVars), len(s.condVars), nil)
	s.gain.Mul(fc, &ccInv)
	if len(s.freeVars) > 0 {
		var adj mat.Dense
		adj.Mul(s.gain, fc.T())
		ff := subSym(corr, s.freeVars)
		cov := mat.NewSymDense(len(s.freeVars), nil)
		for a := range s.freeVars {
			for b := range s.freeVars {
				cov.SetSym(a, b, ff.At(a, b)-adj.At(a, b))
			}
		}
		s.freeL, err = cholesky(cov)
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

func subSym(s *mat.SymDense, idx []int) *mat.SymDense {
	out := mat.NewSymDense(len(idx), nil)
	for a, i := range idx {
		for b, j := range idx {
			out.SetSym(a, b, s.At(i, j))
		}
	}
	return out
}

// cholesky factors a correlation matrix, adding a small ridge when it is
// not positive definite (as SDV adds ε·I to an ill-conditioned Σ).
func cholesky(s *mat.SymDense) (*mat.TriDense, error) {
	n := s.SymmetricDim()
	for _, ridge := range []float64{0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2} {
		a := mat.NewSymDense(n, nil)
		a.CopySym(s)
		for i := 0; i < n; i++ {
			a.SetSym(i, i, a.At(i, i)+ridge)
		}
		var ch mat.Cholesky
		if ch.Factorize(a) {
			var l mat.TriDense
			ch.LTo(&l)
			return &l, nil
		}
	}
	return nil, errors.New("copula: the correlation matrix is not positive definite")
}

// gibbsSweeps is the number of Gibbs sweeps over several conditioned
// variables (their joint is a truncated multivariate normal).
const gibbsSweeps = 10

// sample draws the normal scores of one row.
func (s *copulaSampler) sample(rng *rand.Rand) {
	k := len(s.z)
	if len(s.condVars) == 0 {
		for i := range s.std {
			s.std[i] = rng.NormFloat64()
		}
		for i := 0; i < k; i++ {
			var v float64
			for j := 0; j <= i; j++ {
				v += s.chol.At(i, j) * s.std[j]
			}
			s.z[i] = v
		}
		return
	}
	// The conditioned variables: a truncated normal. One variable is drawn
	// exactly by the inverse CDF; several by Gibbs sampling from the
	// conditional of each given the others.
	c := s.condVars
	if len(c) == 1 {
		iv := s.cond[c[0]]
		s.z[c[0]] = truncNormal(rng, 0, 1, iv[0], iv[1])
	} else {
		for _, v := range c {
			iv := s.cond[v]
			s.z[v] = truncNormal(rng, 0, 1, iv[0], iv[1])
		}
		for range gibbsSweeps {
			for a, v := range c {
				// z_v | z_rest ~ N(Σ_vr Σ_rr⁻¹ z_r, 1 − Σ_vr Σ_rr⁻¹ Σ_rv),
				// computed from the precision matrix of Σ_cc.
				mu, sd := s.gibbsConditional(a)
				iv := s.cond[v]
				s.z[v] = truncNormal(rng, mu, sd, iv[0], iv[1])
			}
		}
	}
	// The free variables given the conditioned ones.
	if len(s.freeVars) == 0 {
		return
	}
	zc := make([]float64, len(c))
	for a, v := range c {
		zc[a] = s.z[v]
	}
	for a := range s.freeVars {
		s.std[a] = rng.NormFloat64()
	}
	for a, v := range s.freeVars {
		var mu float64
		for b := range c {
			mu += s.gain.At(a, b) * zc[b]
		}
		var e float64
		for b := 0; b <= a; b++ {
			e += s.freeL.At(a, b) * s.std[b]
		}
		s.z[v] = mu + e
	}
}

// gibbsConditional returns the mean and standard deviation of
// conditioned variable a given the other conditioned variables.
func (s *copulaSampler) gibbsConditional(a int) (mu, sd float64) {
	c := s.condVars
	var others []int
	for b := range c {
		if b != a {
			others = append(others, c[b])
		}
	}
	oo := subSym(s.corr, others)
	var inv mat.Dense
	if err := inv.Inverse(oo); err != nil {
		return 0, 1
	}
	w := make([]float64, len(others))
	for i := range others {
		for j, o := range others {
			w[i] += s.corr.At(c[a], o) * inv.At(j, i)
		}
	}
	v := 1.0
	for i, o := range others {
		mu += w[i] * s.z[o]
		v -= w[i] * s.corr.At(o, c[a])
	}
	return mu, math.Sqrt(math.Max(v, 1e-12))
}

// truncNormal draws from N(mu, sd²) restricted to [lo, hi] by inverting
// the CDF.
func truncNormal(rng *rand.Rand, mu, sd, lo, hi float64) float64 {
	a := distuv.UnitNormal.CDF((lo - mu) / sd)
	b := distuv.UnitNormal.CDF((hi - mu) / sd)
	if b <= a {
		return math.Max(lo, math.Min(hi, mu))
	}
	u := a + rng.Float64()*(b-a)
	return mu + sd*distuv.UnitNormal.Quantile(clipU(u))
}

// code decodes column col of the last row: its code and, for a number,
// its position within its bin.
func (s *copulaSampler) code(col int) (int32, float64) {
	vv := s.byCol[col]
	mg := s.marg[vv[0]]
	if vv[1] >= 0 {
		if distuv.UnitNormal.CDF(s.z[vv[1]]) < s.marg[vv[1]].pNull {
			for i, c := range s.m.Columns[col].Codes {
				if c.Null {
					return int32(i), 0
				}
			}
		}
	}
	u := distuv.UnitNormal.CDF(s.z[vv[0]])
	k := 0
	for k < len(mg.cum)-1 && u >= mg.cum[k] {
		k++
	}
	lo, hi := mg.interval(k)
	w := 0.5
	if hi > lo {
		w = math.Min(math.Max((u-lo)/(hi-lo), 0), 1)
	}
	return mg.codes[k], w
}
