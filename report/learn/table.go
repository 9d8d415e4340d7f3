package learn

import (
	"errors"
	"math"
	"sort"
	"strconv"
)

// Sentinel errors.
var (
	ErrNoRows      = errors.New("no training rows")
	ErrOneClass    = errors.New("the training target has a single class")
	ErrShape       = errors.New("columns and labels differ in length")
	ErrNoFeatures  = errors.New("no feature columns")
	ErrColumnCount = errors.New("the table's columns do not match the encoder's")
)

// Column is one feature column. Exactly one of Num (Numeric) or Cat is used;
// Missing marks nulls (for numeric columns a NaN is missing too).
type Column struct {
	Name    string
	Numeric bool
	Num     []float64
	Cat     []string
	Missing []bool
}

// Table is a set of feature columns of equal length.
type Table struct {
	Columns []Column
}

// Rows returns the number of rows.
func (t Table) Rows() int {
	if len(t.Columns) == 0 {
		return 0
	}
	c := t.Columns[0]
	if c.Numeric {
		return len(c.Num)
	}
	return len(c.Cat)
}

func (c *Column) missing(i int) bool {
	if c.Missing != nil && c.Missing[i] {
		return true
	}
	return c.Numeric && math.IsNaN(c.Num[i])
}

// MaxCategories is the most categories a column is encoded with: the most
// frequent ones in training (ties in order of first appearance). Rarer
// categories share the encoding of a category unseen in training. It bounds
// the model's size on high-cardinality columns (ZIP codes).
const MaxCategories = 100

// topCategories returns the encoded categories of c: all of them when
// there are at most max, else the max most frequent.
func topCategories(c Column, max int) (map[string]int, []string) {
	count := map[string]int{}
	var order []string
	for i, v := range c.Cat {
		if c.missing(i) {
			v = missingCategory
		}
		if count[v] == 0 {
			order = append(order, v)
		}
		count[v]++
	}
	if len(order) > max {
		sort.SliceStable(order, func(a, b int) bool { return count[order[a]] > count[order[b]] })
		order = order[:max]
	}
	idx := make(map[string]int, len(order))
	for i, v := range order {
		idx[v] = i
	}
	return idx, order
}

// missingCategory stands for a null categorical value. It cannot collide
// with a value: values are valid UTF-8 text.
const missingCategory = "\xff<null>"

// Encoder turns rows into features, with statistics learned on the training
// table only.
type Encoder struct {
	cols []encCol
	dim  int // number of features
}

type encCol struct {
	name    string
	numeric bool
	mean    float64 // numeric: training mean (imputation)
	sd      float64 // numeric: training standard deviation (1 when 0)
	offset  int     // index of the column's first feature
	cats    map[string]int
	catList []string
}

// NewEncoder learns the encoding from the training table: numeric means and
// standard deviations, and the categories of each categorical column in
// order of first appearance.
func NewEncoder(train Table) *Encoder {
	e := &Encoder{}
	for _, c := range train.Columns {
		ec := encCol{name: c.Name, numeric: c.Numeric, offset: e.dim}
		if c.Numeric {
			var sum, n float64
			for i, v := range c.Num {
				if !c.missing(i) {
					sum += v
					n++
				}
			}
			if n > 0 {
				ec.mean = sum / n
			}
			var ss float64
			for i, v := range c.Num {
				if !c.missing(i) {
					ss += (v - ec.mean) * (v - ec.mean)
				}
			}
			ec.sd = 1
			if n > 1 && ss > 0 {
				ec.sd = math.Sqrt(ss / n)
			}
			e.dim++
		} else {
			ec.cats, ec.catList = topCategories(c, MaxCategories)
			e.dim += len(ec.catList)
		}
		e.cols = append(e.cols, ec)
	}
	return e
}

// Dim returns the number of features.
func (e *Encoder) Dim() int { return e.dim }

// sparseRow is a row's features: the active one-hot features (value 1) and
// the numeric features with their values.
type sparseRow struct {
	hot []int32
	num []numFeature
}

type numFeature struct {
	idx int32
	v   float64
}

// encode returns the features of every row of t.
func (e *Encoder) encode(t Table) ([]sparseRow, error) {
	if len(t.Columns) != len(e.cols) {
		return nil, ErrColumnCount
	}
	n := t.Rows()
	rows := make([]sparseRow, n)
	nCat, nNum := 0, 0
	for _, c := range e.cols {
		if c.numeric {
			nNum++
		} else {
			nCat++
		}
	}
	hot := make([]int32, 0, n*nCat)
	num := make([]numFeature, 0, n*nNum)
	for i := 0; i < n; i++ {
		h0, n0 := len(hot), len(num)
		for j := range e.cols {
			ec := &e.cols[j]
			c := &t.Columns[j]
			if ec.numeric {
				v := ec.mean
				if c.Numeric && !c.missing(i) {
					v = c.Num[i]
				}
				num = append(num, numFeature{int32(ec.offset), (v - ec.mean) / ec.sd})
				continue
			}
			var v string
			switch {
			case c.missing(i):
				v = missingCategory
			case c.Numeric:
				v = formatNum(c.Num[i])
			default:
				v = c.Cat[i]
			}
			if k, ok := ec.cats[v]; ok {
				hot = append(hot, int32(ec.offset+k))
			}
		}
		rows[i] = sparseRow{hot: hot[h0:len(hot):len(hot)], num: num[n0:len(num):len(num)]}
	}
	return rows, nil
}

// classIndex maps labels to class indices, classes sorted by text.
func classIndex(labels []string) ([]string, []int) {
	set := map[string]bool{}
	for _, l := range labels {
		set[l] = true
	}
	classes := make([]string, 0, len(set))
	for l := range set {
		classes = append(classes, l)
	}
	sort.Strings(classes)
	idx := make(map[string]int, len(classes))
	for i, c := range classes {
		idx[c] = i
	}
	y := make([]int, len(labels))
	for i, l := range labels {
		y[i] = idx[l]
	}
	return classes, y
}

// balancedWeights gives each class the same total weight: w_c = n / (K n_c).
func balancedWeights(y []int, k int) []float64 {
	counts := make([]float64, k)
	for _, c := range y {
		counts[c]++
	}
	w := make([]float64, k)
	n := float64(len(y))
	for c := range w {
		if counts[c] > 0 {
			w[c] = n / (float64(k) * counts[c])
		}
	}
	return w
}

func formatNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
