package anonymize

// This file connects the k-anonymity engine (package anonymize/kanon) to
// Apply: it is the built-in PrivacyEngine.

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/veil-data/veil/anonymize/kanon"
	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

func init() { defaultPrivacy = kanonEngine{} }

// kanonEngine finds the generalization with package kanon: the optimal
// full-domain search or Mondrian, as the policy's privacy.algorithm says,
// and with privacy.local_recoding, the optimal solution's suppressed rows
// recoded class by class (kanon.LocalRecode).
type kanonEngine struct{}

// ErrRowOrder is returned when the input's row numbers do not run 1, 2, 3,
// ... (a folder of parts numbers each part from 1): the engine cannot tell
// rows apart then.
var ErrRowOrder = errors.New("rows are not numbered 1, 2, 3, ... (a folder of parts?): privacy models need a single input file")

// Fit reads the quasi-identifiers once (pass 1), runs the search and
// returns the recoding pass 2 applies. Memory: the distinct combinations
// of quasi-identifier codes (12 bytes each with up to 64 bits of codes),
// and 4 bytes per row (the row's entry).
func (kanonEngine) Fit(ctx context.Context, job *PrivacyJob) (*PrivacyResult, error) {
	pr := job.Privacy
	p := job.Policy
	attrs := make([]kanon.Attribute, len(job.QIs))
	for i, q := range job.QIs {
		a := kanon.Attribute{Name: q.Name, Numeric: q.Kind.Numeric()}
		switch {
		case q.Fixed || q.Column.Action != policies.ActionGeneralize:
			a.Fixed = true
		case q.Hierarchy != nil:
			h, unknown, err := compileQI(q)
			if err != nil {
				return nil, policyAt(p, q.Column, err)
			}
			a.Hierarchy, a.Unknown = h, unknown
		case q.Kind.Numeric() && pr.Algorithm != "mondrian":
			// A numeric column left to the search: nested bins of a round
			// width, doubling level by level.
			a.Intervals = &kanon.Intervals{Auto: true, Label: binLabel}
		case !q.Kind.Numeric():
			// A text column left to the search: mask its last characters,
			// one more per level (ZIP codes, postal and other codes).
			a.Masking = true
		}
		attrs[i] = a
	}
	var sens []kanon.SensitiveAttribute
	for _, idx := range job.Sensitive {
		name := job.Schema.Columns[idx].Name
		sa := kanon.SensitiveAttribute{Name: name}
		if tc := pr.TCloseness; tc != nil && tc.Column == name && tc.Distance == kanon.HierarchicalDistance {
			c := p.Column(name)
			var ph *policies.Hierarchy
			if c != nil {
				h, err := p.LoadedHierarchy(c)
				if err != nil {
					return nil, policyAt(p, c, err)
				}
				ph = h
			}
			if ph == nil {
				return nil, &kanon.ConfigError{Msg: fmt.Sprintf("t_closeness: the hierarchical distance needs a hierarchy: for column %q", name)}
			}
			h, err := kanon.Compile(ph)
			if err != nil {
				return nil, policyAt(p, c, err)
			}
			sa.Hierarchy = h
		}
		sens = append(sens, sa)
	}
	enc, err := kanon.NewEncoder(attrs, sens...)
	if err != nil {
		return nil, err
	}
	// Pass 1: encode every row and remember its combination.
	var rows rowIndex
	vals := make([]dataset.Value, len(attrs)+len(sens))
	err = job.Scan(ctx, func(row int64, qi, sv []dataset.Value) error {
		if row != rows.n+1 {
			return ErrRowOrder
		}
		copy(vals, qi)
		copy(vals[len(qi):], sv)
		idx, err := enc.Add(vals)
		if err != nil {
			var ve *kanon.ValueError
			if errors.As(err, &ve) {
				col := 0
				if ve.Attr < len(job.QIs) {
					col = job.QIs[ve.Attr].Index
				} else {
					col = job.Sensitive[ve.Attr-len(job.QIs)]
				}
				return &dataset.ColumnError{Col: col, Err: ve.Err}
			}
			return err
		}
		rows.add(int32(idx))
		return nil
	})
	if err != nil {
		return nil, err
	}
	tab, err := enc.Table()
	if err != nil {
		return nil, err
	}
	// Rows now point at the table's entries; the table's own map from
	// combinations to entries can go.
	rows.each(func(row int64, idx int32) { rows.set(row, int32(tab.Entry(int(idx)))) })
	tab.ReleaseEntryMap()
	cfg := kanon.Config{K: max(pr.K, 1), SuppressionLimit: pr.SuppressionLimit, Metric: kanon.Metric(pr.Metric),
		LocalRecoding: pr.LocalRecoding && pr.Algorithm != "mondrian"}
	if l := pr.LDiversity; l != nil {
		cfg.LDiversity = &kanon.LDiversity{Column: l.Column, Variant: orDefault(l.Variant, kanon.DistinctL), L: l.L, C: l.C}
	}
	if tc := pr.TCloseness; tc != nil {
		cfg.TCloseness = &kanon.TCloseness{Column: tc.Column, Distance: orDefault(tc.Distance, kanon.EqualDistance), T: tc.T}
	}
	var res *kanon.Result
	switch pr.Algorithm {
	case "mondrian":
		res, err = kanon.Mondrian(ctx, tab, cfg)
	default:
		res, err = kanon.Optimal(ctx, tab, cfg)
	}
	if err != nil {
		return nil, err
	}
	// Suppressed rows.
	sup := &RowSet{}
	rows.each(func(row int64, e int32) {
		if res.Suppressed(int(e)) {
			sup.Add(row)
		}
	})
	fixed := make([]bool, len(attrs))
	for i, a := range attrs {
		fixed[i] = a.Fixed
	}
	recode := func(row int64, q int, in dataset.Value) (dataset.Value, error) {
		if q < 0 || q >= len(fixed) || fixed[q] {
			return in, nil
		}
		e, ok := rows.get(row)
		if !ok {
			return dataset.Value{}, ErrRowOrder
		}
		v, released := res.Value(int(e), q)
		if !released {
			return dataset.Value{}, fmt.Errorf("row %d is suppressed", row)
		}
		return v, nil
	}
	return &PrivacyResult{Recode: recode, Suppressed: sup, Report: res.Summary}, nil
}

// compileQI compiles a quasi-identifier's hierarchy. With on_unknown: top,
// values missing from the hierarchy are released as its top value at every
// level (pass 2 writes them so): the hierarchy gets one more leaf for them,
// whose value is the top value at every level.
func compileQI(q QI) (*kanon.Hierarchy, string, error) {
	ph := q.Hierarchy
	if q.Column.OnUnknown != "top" {
		h, err := kanon.Compile(ph)
		return h, "", err
	}
	height := ph.Height()
	top := "*" // as the generalize action writes unknown values
	if ph.Top() {
		top = ph.At(0, height)
	}
	rows := make([][]string, 0, ph.Len()+1)
	for i := range ph.Len() {
		r := make([]string, height+1)
		for l := range r {
			r[l] = ph.At(i, l)
		}
		rows = append(rows, r)
	}
	if _, isLeaf := ph.Index(top); !isLeaf {
		r := make([]string, height+1)
		for l := range r {
			r[l] = top
		}
		rows = append(rows, r)
	}
	h, err := kanon.NewHierarchy(ph.Path, rows)
	return h, top, err
}

// binLabel formats the bins of a numeric column left to the search as the
// generalize action formats width bins: "[lo,hi)", and "*" for all.
func binLabel(lo, hi float64) string {
	switch {
	case math.IsInf(lo, -1) && math.IsInf(hi, 1):
		return "*"
	case math.IsInf(lo, -1):
		return "<" + fmtNum(hi)
	case math.IsInf(hi, 1):
		return fmtNum(lo) + "+"
	}
	return "[" + fmtNum(lo) + "," + fmtNum(hi) + ")"
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// policyAt positions err at column c's entry of the policy file.
func policyAt(p *policies.Policy, c *policies.Column, err error) error {
	if c == nil {
		return &kanon.ConfigError{Msg: err.Error()}
	}
	return policies.ErrorList{{File: p.Path, Line: c.Line, Col: c.Col, Path: "columns." + c.Name, Err: policies.ErrHierarchy, Msg: err.Error()}}
}

// rowIndex maps row numbers (1, 2, 3, ...) to int32 values in chunks, so
// that growing it never copies what it holds.
type rowIndex struct {
	chunks [][]int32
	n      int64
}

const rowChunk = 1 << 20

func (r *rowIndex) add(v int32) {
	if r.n%rowChunk == 0 {
		r.chunks = append(r.chunks, make([]int32, 0, rowChunk))
	}
	c := &r.chunks[len(r.chunks)-1]
	*c = append(*c, v)
	r.n++
}

func (r *rowIndex) get(row int64) (int32, bool) {
	if row < 1 || row > r.n {
		return 0, false
	}
	i := row - 1
	return r.chunks[i/rowChunk][i%rowChunk], true
}

func (r *rowIndex) set(row int64, v int32) {
	i := row - 1
	r.chunks[i/rowChunk][i%rowChunk] = v
}

func (r *rowIndex) each(fn func(row int64, v int32)) {
	var row int64
	for _, c := range r.chunks {
		for _, v := range c {
			row++
			fn(row, v)
		}
	}
}
