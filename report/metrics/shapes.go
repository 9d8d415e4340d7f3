package metrics

import (
	"math"
	"slices"
)

// KSComplement returns 1 − D, where D is the two-sample Kolmogorov-Smirnov
// statistic of the non-null values of two numeric columns:
//
//	D = sup_x |F_R(x) − F_S(x)|
//
// with F the empirical CDFs (SDMetrics' KSComplement, scipy's ks_2samp
// statistic). It is NaN when either column has no non-null value.
func KSComplement(real, syn *Column) float64 {
	a := nonNull(real.Nums)
	b := nonNull(syn.Nums)
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	slices.Sort(a)
	slices.Sort(b)
	return 1 - ksStatistic(a, b)
}

// ksStatistic returns sup |F_a − F_b| for sorted samples. The supremum is
// taken after all copies of a value are counted in both samples, so ties
// are handled as in ks_2samp.
func ksStatistic(a, b []float64) float64 {
	na, nb := float64(len(a)), float64(len(b))
	var i, j int
	var d float64
	for i < len(a) && j < len(b) {
		x := math.Min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/na-float64(j)/nb))
	}
	return d
}

func nonNull(v []float64) []float64 {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out
}

// TVComplement returns 1 − TVD of the category frequencies of two
// categorical columns, nulls left out (SDMetrics' TVComplement):
//
//	score = 1 − ½ Σ_c |n_R(c)/n_R − n_S(c)/n_S|
//
// over the union of categories, n counting non-null values. SDMetrics gives
// a category absent from the real data a count of 1e-6; that changes the
// score by less than 1e-6/n_R and is left out here. It is NaN when either
// column has no non-null value.
func TVComplement(real, syn *Column) float64 {
	size := real.Dict.Len()
	fr, nr := frequencies(real.Codes, size)
	fs, ns := frequencies(syn.Codes, size)
	if nr == 0 || ns == 0 {
		return math.NaN()
	}
	var s float64
	for c := range fr {
		s += math.Abs(fr[c]/nr - fs[c]/ns)
	}
	return 1 - s/2
}

func frequencies(codes []int32, size int) ([]float64, float64) {
	f := make([]float64, size)
	var n float64
	for _, c := range codes {
		if c >= 0 {
			f[c]++
			n++
		}
	}
	return f, n
}

// ColumnScore is the shape score of one column.
type ColumnScore struct {
	Column string  `json:"column"`
	Metric string  `json:"metric"` // KSComplement or TVComplement
	Score  float64 `json:"score"`  // NaN when undefined
}

// ColumnShapes returns the score of every column the tables share
// (KSComplement for numeric columns, TVComplement for categorical ones) and
// their mean, NaN scores left out (SDMetrics' Column Shapes property).
func ColumnShapes(real, syn *Table) (float64, []ColumnScore, error) {
	pairs, err := pairCols(real, syn)
	if err != nil {
		return 0, nil, err
	}
	var scores []ColumnScore
	var vals []float64
	for _, p := range pairs {
		s := ColumnScore{Column: p[0].Name}
		if p[0].Numeric {
			s.Metric, s.Score = "KSComplement", KSComplement(p[0], p[1])
		} else {
			s.Metric, s.Score = "TVComplement", TVComplement(p[0], p[1])
		}
		scores = append(scores, s)
		vals = append(vals, s.Score)
	}
	return nanMean(vals), scores, nil
}

// nanMean returns the mean of the non-NaN values of v, or NaN when there
// are none.
func nanMean(v []float64) float64 {
	var s float64
	var n int
	for _, x := range v {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}
