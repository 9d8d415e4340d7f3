package report

import (
	"math"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/report/metrics"
)

// A frame is a table held in memory for the report: a metrics.Table (the
// evaluation table of package metrics, shared with veil synth) holding the
// columns the report compares, each either numeric (float64, NaN for null)
// or categorical (codes into a dictionary shared by every frame of the
// report, -1 for null), seen through the report's column specs. Columns the
// report must not read (direct identifiers, record keys) are never loaded.
type frame struct {
	t    *metrics.Table
	rows int
	cols []*fcol // in spec order
}

type fcol struct {
	spec  *colSpec
	codes []int32   // categorical: dictionary code, -1 = null
	nums  []float64 // numeric: value, NaN = null
}

// colSpec is a column the report compares, with what the frames share.
type colSpec struct {
	name     string
	numeric  bool
	kinds    [3]dataset.Kind // in original, released, holdout
	dict     *metrics.Dict   // categorical columns, once loaded
	recoded  bool            // released values mostly outside the original's domain
	overlap  float64         // share of released non-null values found in the original
	role     string
	readable bool   // recoded, and a mapping from the original was found
	textNote string // why a column of a numeric kind is compared as text
}

// text returns the text of a code; never written out for identifying
// columns, which are not loaded.
func (c *colSpec) text(code int32) string { return c.dict.Text(code) }

// code returns the code of s, adding it to the dictionary when new.
func (c *colSpec) code(s string) int32 { return c.dict.Code(s) }

// size returns the number of codes.
func (c *colSpec) size() int {
	if c.dict == nil {
		return 0
	}
	return c.dict.Len()
}

// tickReader calls tick once per record read.
type tickReader struct {
	dataset.Reader
	tick func()
}

func (t tickReader) Read() (*dataset.Record, error) {
	rec, err := t.Reader.Read()
	if err == nil && t.tick != nil {
		t.tick()
	}
	return rec, err
}

// wrap sees t through specs. A spec t lacks gets an all-null column.
func wrap(t *metrics.Table, specs []*colSpec) *frame {
	f := &frame{t: t, rows: t.Rows, cols: make([]*fcol, len(specs))}
	for i, s := range specs {
		c := t.Col(s.name)
		fc := &fcol{spec: s}
		switch {
		case c == nil && s.numeric:
			fc.nums = make([]float64, t.Rows)
			for k := range fc.nums {
				fc.nums[k] = math.NaN()
			}
		case c == nil:
			fc.codes = make([]int32, t.Rows)
			for k := range fc.codes {
				fc.codes[k] = -1
			}
		case c.Numeric:
			fc.nums = c.Nums
		default:
			fc.codes = c.Codes
			if s.dict == nil {
				s.dict = c.Dict
			}
		}
		f.cols[i] = fc
	}
	return f
}

// col returns the frame's column named name, or nil.
func (f *frame) col(name string) *fcol {
	for _, c := range f.cols {
		if c.spec.name == name {
			return c
		}
	}
	return nil
}

// isNull reports whether row i of c is null.
func (c *fcol) isNull(i int) bool {
	if c.spec.numeric {
		return math.IsNaN(c.nums[i])
	}
	return c.codes[i] < 0
}

// view returns a frame sharing f's rows (see metrics.Table.View): change a
// column of either with setCodes, not by writing into its codes.
func (f *frame) view() *frame {
	specs := make([]*colSpec, len(f.cols))
	for i, c := range f.cols {
		specs[i] = c.spec
	}
	return wrap(f.t.View(f.t.Name), specs)
}

// setCodes replaces the codes of categorical column j of f.
func (f *frame) setCodes(j int, codes []int32) {
	f.cols[j].codes = codes
	if c := f.t.Col(f.cols[j].spec.name); c != nil {
		c.Codes = codes
	}
}

// subset returns a frame holding the given rows of f (in that order).
func (f *frame) subset(rows []int) *frame {
	specs := make([]*colSpec, len(f.cols))
	for i, c := range f.cols {
		specs[i] = c.spec
	}
	return wrap(f.t.Select(f.t.Name, rows), specs)
}
