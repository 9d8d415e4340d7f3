package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/veil-data/veil/dataset"
)

// Condition fixes a categorical column to a value in sampled rows.
type Condition struct {
	Column string
	Value  string
}

// ParseCondition parses "column=value" (the first '=' splits; the value
// may be empty for null... no: an empty value means the empty text).
func ParseCondition(s string) (Condition, error) {
	col, val, ok := strings.Cut(s, "=")
	if !ok || col == "" {
		return Condition{}, usagef("condition %q: want COLUMN=VALUE", s)
	}
	return Condition{Column: col, Value: val}, nil
}

// SampleOptions configure Sample.
type SampleOptions struct {
	// Rows is the number of rows to draw.
	Rows int64
	// Seed seeds every random choice: the same model, rows, conditions
	// and seed give the same rows.
	Seed uint64
	// Where fixes categorical columns to values. Under the graph model
	// the rows are drawn exactly from the conditional distribution; under
	// the copula the conditioned variables' normal scores are drawn from
	// their truncated normals and the others from the conditional normal.
	Where []Condition
	// Tick, if not nil, is called once per row written.
	Tick func()
}

// Sample draws rows from the model and writes them to w (whose schema
// must be OutputSchema). It checks ctx every 1024 rows and returns the
// number of rows written.
func (m *Model) Sample(ctx context.Context, w dataset.Writer, opt SampleOptions) (int64, error) {
	if opt.Rows < 0 {
		return 0, usagef("the number of rows must not be negative")
	}
	draw, err := m.newDrawer(opt)
	if err != nil {
		return 0, err
	}
	out := m.OutputSchema()
	rec := &dataset.Record{Values: make([]dataset.Value, len(out.Columns))}
	for i := int64(0); i < opt.Rows; i++ {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return i, err
			}
		}
		rec.Row = i + 1
		draw.row(rec.Values)
		if err := w.Write(rec); err != nil {
			return i, err
		}
		if opt.Tick != nil {
			opt.Tick()
		}
	}
	return opt.Rows, nil
}

// drawer produces rows: the model's variables, then each output column's
// text.
type drawer struct {
	m       *Model
	rng     *rand.Rand
	graph   *graphSampler
	copula  *copulaSampler
	codes   []int32 // per model variable
	varOf   []int   // column -> variable (graph), -1
	fakes   map[int]*faker
	keys    map[int]*keyGen
	nullRng map[int]*rand.Rand
	values  []valueSampler // per column
}

func (m *Model) newDrawer(opt SampleOptions) (*drawer, error) {
	d := &drawer{m: m, rng: rand.New(rand.NewPCG(opt.Seed, 0x73796e7468)), fakes: map[int]*faker{}, keys: map[int]*keyGen{},
		nullRng: map[int]*rand.Rand{}}
	evidence, err := m.evidence(opt.Where)
	if err != nil {
		return nil, err
	}
	d.values = make([]valueSampler, len(m.Columns))
	for i, c := range m.Columns {
		switch c.Treatment {
		case TreatModel:
			d.values[i] = newValueSampler(c)
		case TreatFake:
			d.fakes[i] = newFaker(c, opt.Seed)
			d.nullRng[i] = columnRand(opt.Seed^0x6e756c6c, c.Name)
		case TreatKey:
			d.keys[i] = &keyGen{k: c.Key, rng: columnRand(opt.Seed, c.Name), total: opt.Rows}
			d.nullRng[i] = columnRand(opt.Seed^0x6e756c6c, c.Name)
		}
	}
	switch m.Method {
	case MethodGraph:
		dims := make([]int, len(m.Graph.Vars))
		d.varOf = make([]int, len(m.Columns))
		for i := range d.varOf {
			d.varOf[i] = -1
		}
		for v, col := range m.Graph.Vars {
			dims[v] = len(m.Columns[col].Codes)
			d.varOf[col] = v
		}
		ev := map[int]int32{}
		for col, code := range evidence {
			ev[d.varOf[col]] = code
		}
		gs, err := newGraphSampler(m.Graph, dims, ev)
		if err != nil {
			return nil, &ConditionError{Column: conditionColumns(opt.Where), Err: err}
		}
		d.graph = gs
		d.codes = make([]int32, len(dims))
	case MethodCopula:
		cs, err := newCopulaSampler(m, evidence)
		if err != nil {
			return nil, err
		}
		d.copula = cs
	}
	return d, nil
}

func conditionColumns(w []Condition) string {
	var names []string
	for _, c := range w {
		names = append(names, c.Column)
	}
	return strings.Join(names, ", ")
}

// evidence maps conditions to column codes.
func (m *Model) evidence(where []Condition) (map[int]int32, error) {
	ev := map[int]int32{}
	for _, w := range where {
		col := -1
		for i, c := range m.Columns {
			if c.Name == w.Column {
				col = i
			}
		}
		if col < 0 {
			return nil, &ConditionError{Column: w.Column, Err: ErrUnknownColumn}
		}
		c := m.Columns[col]
		if c.Treatment != TreatModel || c.Numeric != nil {
			return nil, &ConditionError{Column: w.Column, Err: ErrNotCategorical}
		}
		code := int32(-1)
		for k, cd := range c.Codes {
			if !cd.Null && !cd.Other && cd.Value == w.Value {
				code = int32(k)
			}
		}
		if code < 0 {
			return nil, &ConditionError{Column: w.Column, Err: ErrUnknownValue}
		}
		if prev, ok := ev[col]; ok && prev != code {
			return nil, &ConditionError{Column: w.Column, Err: ErrImpossible}
		}
		ev[col] = code
	}
	return ev, nil
}

// row draws one row into vals (one per output column).
func (d *drawer) row(vals []dataset.Value) {
	switch {
	case d.graph != nil:
		d.graph.sample(d.rng, d.codes)
	case d.copula != nil:
		d.copula.sample(d.rng)
	}
	k := 0
	for i, c := range d.m.Columns {
		switch c.Treatment {
		case TreatDrop:
			continue
		case TreatModel:
			var code int32
			var u float64
			if d.graph != nil {
				code = d.codes[d.varOf[i]]
				u = d.rng.Float64()
			} else {
				code, u = d.copula.code(i)
			}
			vals[k] = d.values[i].value(code, u, d.rng)
		case TreatFake:
			if d.nullRng[i].Float64() < c.NullShare {
				vals[k] = dataset.NullValue
			} else {
				vals[k] = dataset.Text(d.fakes[i].value())
			}
		case TreatKey:
			if d.nullRng[i].Float64() < c.NullShare {
				vals[k] = dataset.NullValue
			} else {
				vals[k] = dataset.Text(d.keys[i].value())
			}
		}
		k++
	}
}

// valueSampler turns a code of a modelled column into a value.
type valueSampler struct {
	c *ColumnModel
	// Cumulative member weights of the rare bucket.
	members []float64
	// Cumulative atom weights per bin.
	atoms [][]float64
}

func newValueSampler(c *ColumnModel) valueSampler {
	vs := valueSampler{c: c}
	vs.atoms = make([][]float64, len(c.Codes))
	for i, code := range c.Codes {
		if code.Other && len(code.Members) > 0 {
			var cum float64
			for _, m := range code.Members {
				cum += m.P
				vs.members = append(vs.members, cum)
			}
		}
		if code.Bin != nil && len(code.Bin.Atoms) > 0 {
			var cum float64
			for _, a := range code.Bin.Atoms {
				cum += a.P
				vs.atoms[i] = append(vs.atoms[i], cum)
			}
		}
	}
	return vs
}

// value returns the text for code; u is a uniform draw that places a
// number within its bin (the copula passes the position its normal score
// implies, the graph model a fresh draw).
func (vs *valueSampler) value(code int32, u float64, rng *rand.Rand) dataset.Value {
	c := vs.c
	if code < 0 || int(code) >= len(c.Codes) {
		return dataset.NullValue
	}
	cd := &c.Codes[code]
	switch {
	case cd.Null:
		return dataset.NullValue
	case cd.Other:
		if len(vs.members) == 0 {
			if cd.Value != "" {
				return dataset.Text(cd.Value)
			}
			return dataset.Text(OtherText)
		}
		return dataset.Text(cd.Members[pick(vs.members, rng.Float64())].Value)
	case cd.Bin != nil:
		return dataset.Text(formatNumeric(c, vs.number(int(code), u)))
	}
	return dataset.Text(cd.Value)
}

// number places u in [0, 1) within bin code: on the atoms' cumulative
// weights, or on the piecewise-linear CDF through the knots. The result is
// rounded as the column's values are and kept within the bin and the
// column's bounds.
func (vs *valueSampler) number(code int, u float64) float64 {
	c := vs.c
	b := c.Codes[code].Bin
	var v float64
	switch {
	case len(vs.atoms[code]) > 0:
		v = b.Atoms[pick(vs.atoms[code], u)].V
	case len(b.Knots) > 1:
		t := u * float64(len(b.Knots)-1)
		i := min(int(t), len(b.Knots)-2)
		v = b.Knots[i] + (t-float64(i))*(b.Knots[i+1]-b.Knots[i])
	default:
		v = b.Lo + u*(b.Hi-b.Lo)
	}
	if c.Numeric.Integer {
		v = math.Round(v)
	} else {
		p := math.Pow(10, float64(c.Numeric.Decimals))
		v = math.Round(v*p) / p
	}
	v = math.Max(math.Min(v, b.Hi), b.Lo)
	return math.Max(math.Min(v, c.Numeric.Max), c.Numeric.Min)
}

// pick returns the index of the first cumulative weight above u·total.
func pick(cum []float64, u float64) int {
	x := u * cum[len(cum)-1]
	i := sort.Search(len(cum), func(k int) bool { return cum[k] > x })
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

// Describe returns a short human description of the model, for logs.
func (m *Model) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s model of %d columns", m.Method, len(m.Columns))
	if m.Graph != nil {
		if n := len(m.Graph.Cliques); n == 1 {
			b.WriteString(", 1 clique")
		} else {
			fmt.Fprintf(&b, ", %d cliques", n)
		}
	}
	if m.Privacy.DifferentialPrivacy {
		fmt.Fprintf(&b, ", (ε=%g, δ=%g)-DP", m.Privacy.Epsilon, m.Privacy.Delta)
	}
	return b.String()
}
