package metrics

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/veil-data/veil/dataset"
)

// DefaultMaxRows is the number of rows a Table keeps when LoadOptions.MaxRows
// is 0. Larger inputs are sampled (see LoadOptions.MaxRows). At 9 columns a
// row costs about 50 bytes, so the cap bounds a table near 50 MB.
const DefaultMaxRows = 1_000_000

// ErrNoRows is returned by metrics that need rows when a table has none.
var ErrNoRows = errors.New("the table has no rows")

// ErrMismatch is returned when two tables compared by a metric were not
// loaded in the same Domain, or a column has different types in them.
var ErrMismatch = errors.New("tables do not share a domain")

// Dict maps the texts of a categorical column to dense codes 0, 1, 2... in
// order of first appearance. Tables of one Domain share it, so equal codes
// mean equal texts across them.
//
// The index is an open-addressing hash table of codes (linear probing,
// at most half full): a column with a value per row (an ID) costs about
// 40 bytes per distinct value, half of what a map[string]int32 costs.
type Dict struct {
	values []string
	slots  []int32 // code+1 of the text hashed there; 0 = empty
	seed   maphash.Seed
}

func newDict() *Dict { return &Dict{} }

// find returns the slot of s: the one holding its code, or the empty slot
// where it belongs.
func (d *Dict) find(s string) int {
	mask := len(d.slots) - 1
	i := int(maphash.String(d.seed, s)) & mask
	for {
		c := d.slots[i]
		if c == 0 || d.values[c-1] == s {
			return i
		}
		i = (i + 1) & mask
	}
}

// Code returns the code of s, adding s when it is new. A new text is
// copied: s may point into a larger buffer (a CSV record), which the
// dictionary must not keep alive.
func (d *Dict) Code(s string) int32 { return d.add(s, true) }

// add returns the code of s, adding s (a copy of it when clone is set)
// when it is new.
func (d *Dict) add(s string, clone bool) int32 {
	if len(d.slots) == 0 {
		d.slots = make([]int32, 16)
		d.seed = maphash.MakeSeed()
	}
	i := d.find(s)
	if c := d.slots[i]; c != 0 {
		return c - 1
	}
	c := int32(len(d.values))
	if clone {
		s = strings.Clone(s)
	}
	d.values = append(d.values, s)
	d.slots[i] = c + 1
	if 2*len(d.values) > len(d.slots) {
		d.slots = make([]int32, 2*len(d.slots))
		for k, v := range d.values {
			d.slots[d.find(v)] = int32(k) + 1
		}
	}
	return c
}

// Lookup returns the code of s and whether s is known.
func (d *Dict) Lookup(s string) (int32, bool) {
	if len(d.slots) == 0 {
		return 0, false
	}
	c := d.slots[d.find(s)]
	if c == 0 {
		return 0, false
	}
	return c - 1, true
}

// Text returns the text of code c. It panics if c is not a code of d.
func (d *Dict) Text(c int32) string { return d.values[c] }

// Len returns the number of distinct texts seen.
func (d *Dict) Len() int { return len(d.values) }

// Column is one column of a Table: categorical (Codes, -1 for null) or
// numeric (Nums, NaN for null). Dates and timestamps are numeric, in
// seconds since 1970-01-01 UTC.
type Column struct {
	Name string
	// Kind is the column's kind in the first table of the domain that had it.
	Kind dataset.Kind
	// Numeric tells which of Codes and Nums holds the values.
	Numeric bool
	Codes   []int32
	Nums    []float64
	// Dict is the domain's dictionary of a categorical column; nil for numeric.
	Dict *Dict
}

// Null reports whether row i of c is null.
func (c *Column) Null(i int) bool {
	if c.Numeric {
		return math.IsNaN(c.Nums[i])
	}
	return c.Codes[i] < 0
}

// Table is a table held in memory by columns for evaluation. It is built
// by Domain.Load (or Domain.FromStrings) and never modified by the metrics.
type Table struct {
	// Name labels the table in errors ("real", "synthetic", a path).
	Name string
	// Columns in the order they were loaded.
	Columns []*Column
	// Rows is the number of rows held.
	Rows int
	// TotalRows is the number of rows read; more than Rows when the input
	// was sampled down to LoadOptions.MaxRows.
	TotalRows int64
	domain    *Domain
	src       []int // reader column of each column, while loading
}

// Col returns the column named name, or nil.
func (t *Table) Col(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Sampled reports whether the table holds a sample of its input.
func (t *Table) Sampled() bool { return int64(t.Rows) < t.TotalRows }

// colType is what a Domain knows about a column name.
type colType struct {
	kind    dataset.Kind
	numeric bool
	dict    *Dict
}

// Domain holds what the tables compared by the metrics share: for every
// column name, whether it is numeric or categorical, and the dictionary of
// a categorical column. Load the real table first: the first table that has
// a column fixes its type. A Domain is not safe for concurrent use.
type Domain struct {
	cols map[string]*colType
}

// NewDomain returns an empty domain.
func NewDomain() *Domain { return &Domain{cols: map[string]*colType{}} }

// LoadOptions say which columns to load and how many rows to keep.
type LoadOptions struct {
	// Name labels the table; empty means the reader's file name.
	Name string
	// Skip lists columns not to load (direct identifiers, free text).
	Skip []string
	// Only, when not empty, lists the only columns to load.
	Only []string
	// Categorical lists numeric-kind columns to treat as categories (codes
	// such as 0/1 flags).
	Categorical []string
	// MaxRows caps the rows held: 0 means DefaultMaxRows, a negative number
	// no cap. When the input has more rows, a uniform sample of MaxRows
	// rows is kept by reservoir sampling (Vitter's Algorithm R) driven by a
	// PCG generator seeded with Seed: the same input and seed keep the same
	// rows, in the same order.
	MaxRows int
	// Seed seeds the row sample.
	Seed uint64
}

func (o *LoadOptions) maxRows() int {
	switch {
	case o == nil || o.MaxRows == 0:
		return DefaultMaxRows
	case o.MaxRows < 0:
		return math.MaxInt
	}
	return o.MaxRows
}

// Load reads every record of r into a table. Values that do not parse as
// their column's kind are a *dataset.DataError naming file, row and column.
// The reader is not closed.
func (d *Domain) Load(ctx context.Context, r dataset.Reader, opt *LoadOptions) (*Table, error) {
	if opt == nil {
		opt = &LoadOptions{}
	}
	t, err := d.prepare(r, opt)
	if err != nil {
		return nil, err
	}
	if err := t.read(ctx, r, opt); err != nil {
		return nil, err
	}
	return t, nil
}

// LoadAll loads the tables of several readers (opts[i] for readers[i]; a
// nil opts or entry means defaults), reading them concurrently, one
// goroutine each. The result is the one of calling Load on each in turn:
// the first reader fixes the types of its columns, and dictionary codes are
// those sequential loading gives (the later tables' new texts are added in
// order, after the reading). The error returned is the first one in reader
// order; a failed table stops the tables after it. The readers must not
// share state: each is read by its own goroutine.
func (d *Domain) LoadAll(ctx context.Context, readers []dataset.Reader, opts []*LoadOptions) ([]*Table, error) {
	n := len(readers)
	opt := func(i int) *LoadOptions {
		if i < len(opts) && opts[i] != nil {
			return opts[i]
		}
		return &LoadOptions{}
	}
	tables := make([]*Table, n)
	errs := make([]error, n)
	for i, r := range readers {
		tables[i], errs[i] = d.prepare(r, opt(i))
	}
	// Tables after the first count their texts in dictionaries of their
	// own while they are read, merged into the domain's afterwards.
	shared := make([][]*Dict, n)
	for i := 1; i < n; i++ {
		if errs[i] != nil {
			continue
		}
		shared[i] = make([]*Dict, len(tables[i].Columns))
		for k, c := range tables[i].Columns {
			if !c.Numeric {
				shared[i][k] = c.Dict
				c.Dict = newDict()
			}
		}
	}
	ctxs := make([]context.Context, n)
	cancels := make([]context.CancelFunc, n)
	for i := range ctxs {
		ctxs[i], cancels[i] = context.WithCancel(ctx)
		defer cancels[i]()
	}
	stopAfter := func(i int) {
		for j := i + 1; j < n; j++ {
			cancels[j]()
		}
	}
	var wg sync.WaitGroup
	for i, r := range readers {
		if errs[i] != nil {
			stopAfter(i)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = tables[i].read(ctxs[i], r, opt(i)); errs[i] != nil {
				stopAfter(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i := 1; i < n; i++ {
		for k, c := range tables[i].Columns {
			if c.Numeric {
				continue
			}
			own, dict := c.Dict, shared[i][k]
			remap := make([]int32, own.Len())
			for code := range remap {
				remap[code] = dict.add(own.Text(int32(code)), false)
			}
			for j, v := range c.Codes {
				if v >= 0 {
					c.Codes[j] = remap[v]
				}
			}
			c.Dict = dict
		}
	}
	return tables, nil
}

// prepare returns the empty table of r's columns (those opt selects),
// fixing in d the type of every column d does not know yet.
func (d *Domain) prepare(r dataset.Reader, opt *LoadOptions) (*Table, error) {
	schema := r.Schema()
	var cols []*Column
	var idx []int
	for i, sc := range schema.Columns {
		if slices.Contains(opt.Skip, sc.Name) || (len(opt.Only) > 0 && !slices.Contains(opt.Only, sc.Name)) {
			continue
		}
		ct, err := d.colType(sc, slices.Contains(opt.Categorical, sc.Name))
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", sc.Name, err)
		}
		idx = append(idx, i)
		cols = append(cols, &Column{Name: sc.Name, Kind: ct.kind, Numeric: ct.numeric, Dict: ct.dict})
	}
	name := opt.Name
	if name == "" && len(schema.Columns) > 0 {
		name = r.Pos(0).File
	}
	return &Table{Name: name, Columns: cols, domain: d, src: idx}, nil
}

// read reads every record of r into t (prepared for r by prepare).
func (t *Table) read(ctx context.Context, r dataset.Reader, opt *LoadOptions) error {
	schema := r.Schema()
	cols, idx := t.Columns, t.src
	capRows := opt.maxRows()
	rng := rand.New(rand.NewPCG(opt.Seed, 0x6d657472696373)) // "metrics"
	_, err := dataset.Each(ctx, r, nil, func(rec *dataset.Record) error {
		t.TotalRows++
		slot := t.Rows
		if t.Rows >= capRows {
			j := rng.Int64N(t.TotalRows)
			if j >= int64(capRows) {
				return nil
			}
			slot = int(j)
		} else {
			t.Rows++
			for _, c := range cols {
				if c.Numeric {
					c.Nums = append(c.Nums, 0)
				} else {
					c.Codes = append(c.Codes, 0)
				}
			}
		}
		for k, i := range idx {
			c := cols[k]
			v := rec.Values[i]
			if err := c.set(slot, schema.Columns[i], v); err != nil {
				return &dataset.ColumnError{Col: i, Err: err}
			}
		}
		return nil
	})
	return err
}

func (d *Domain) colType(sc dataset.Column, categorical bool) (*colType, error) {
	if ct, ok := d.cols[sc.Name]; ok {
		if ct.numeric && !isNumericKind(sc.Kind) && sc.Kind != dataset.String {
			return nil, fmt.Errorf("%w: numeric in one table, %s in another", ErrMismatch, sc.Kind)
		}
		return ct, nil
	}
	ct := &colType{kind: sc.Kind, numeric: isNumericKind(sc.Kind) && !categorical}
	if !ct.numeric {
		ct.dict = newDict()
	}
	d.cols[sc.Name] = ct
	return ct, nil
}

func isNumericKind(k dataset.Kind) bool {
	return k == dataset.Integer || k == dataset.Float || k == dataset.Date || k == dataset.Timestamp
}

// set stores v at row i. A numeric column of the domain accepts the text
// of any numeric kind; its layout for dates comes from sc.
func (c *Column) set(i int, sc dataset.Column, v dataset.Value) error {
	if !c.Numeric {
		if v.Null {
			c.Codes[i] = -1
		} else {
			c.Codes[i] = c.Dict.Code(v.Text)
		}
		return nil
	}
	if v.Null {
		c.Nums[i] = math.NaN()
		return nil
	}
	f, err := numericValue(c.Kind, sc, v.Text)
	if err != nil {
		return err
	}
	c.Nums[i] = f
	return nil
}

// numericValue parses s as a number of a column whose domain kind is kind.
// Dates and timestamps become seconds since 1970.
func numericValue(kind dataset.Kind, sc dataset.Column, s string) (float64, error) {
	switch kind {
	case dataset.Date, dataset.Timestamp:
		if sc.Kind != dataset.Date && sc.Kind != dataset.Timestamp {
			sc = dataset.Column{Kind: kind}
		}
		t, err := dataset.ParseTime(sc, s)
		if err != nil {
			return 0, err
		}
		return unixSeconds(t), nil
	}
	return dataset.ParseFloat(s)
}

func unixSeconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// FromStrings builds a table from rows of texts, for tests and examples.
// kinds gives each column's kind; "" in a row is null.
func (d *Domain) FromStrings(name string, cols []dataset.Column, rows [][]string) (*Table, error) {
	r := &sliceReader{name: name, schema: dataset.Schema{Columns: cols}, rows: rows}
	return d.Load(context.Background(), r, &LoadOptions{Name: name, MaxRows: -1})
}

// sliceReader is a dataset.Reader over rows of texts held in memory.
type sliceReader struct {
	name   string
	schema dataset.Schema
	rows   [][]string
	i      int
	rec    dataset.Record
}

func (s *sliceReader) Schema() dataset.Schema { return s.schema }
func (s *sliceReader) Pos(int) dataset.Position {
	return dataset.Position{File: s.name, Line: s.i + 1}
}
func (s *sliceReader) Close() error { return nil }
func (s *sliceReader) Read() (*dataset.Record, error) {
	if s.i >= len(s.rows) {
		return nil, io.EOF
	}
	row := s.rows[s.i]
	s.i++
	if len(row) != len(s.schema.Columns) {
		return nil, &dataset.DataError{File: s.name, Row: int64(s.i), Err: dataset.ErrFieldCount}
	}
	s.rec.Row = int64(s.i)
	s.rec.Values = s.rec.Values[:0]
	for _, v := range row {
		s.rec.Values = append(s.rec.Values, dataset.Value{Text: v, Null: v == ""})
	}
	return &s.rec, nil
}

// View returns a table named name that shares t's rows and domain: its
// columns are new Column values holding t's slices. Replace a column's
// Codes or Nums in the view to change it there only; writing into a
// shared slice changes both tables.
func (t *Table) View(name string) *Table {
	out := &Table{Name: name, Rows: t.Rows, TotalRows: t.TotalRows, domain: t.domain}
	for _, c := range t.Columns {
		nc := *c
		out.Columns = append(out.Columns, &nc)
	}
	return out
}

// Select returns a table holding rows idx of t (repeats allowed), in that
// order. The result shares t's domain.
func (t *Table) Select(name string, idx []int) *Table {
	out := &Table{Name: name, Rows: len(idx), TotalRows: int64(len(idx)), domain: t.domain}
	for _, c := range t.Columns {
		nc := &Column{Name: c.Name, Kind: c.Kind, Numeric: c.Numeric, Dict: c.Dict}
		if c.Numeric {
			nc.Nums = make([]float64, len(idx))
			for k, i := range idx {
				nc.Nums[k] = c.Nums[i]
			}
		} else {
			nc.Codes = make([]int32, len(idx))
			for k, i := range idx {
				nc.Codes[k] = c.Codes[i]
			}
		}
		out.Columns = append(out.Columns, nc)
	}
	return out
}

// Resample returns a bootstrap resample of t: n rows drawn uniformly with
// replacement. The mean marginal TVD between a table and its bootstrap
// resample of the same size is the floor any sampler of n rows reaches:
// it is what sampling alone costs, with a perfect model.
func (t *Table) Resample(n int, rng *rand.Rand) *Table {
	idx := make([]int, n)
	if t.Rows > 0 {
		for i := range idx {
			idx[i] = rng.IntN(t.Rows)
		}
	}
	return t.Select(t.Name+" (bootstrap)", idx)
}

// Sample returns n rows of t drawn without replacement (all of t, shuffled,
// when n >= t.Rows).
func (t *Table) Sample(n int, rng *rand.Rand) *Table {
	return t.Select(t.Name, sampleIndex(t.Rows, n, rng))
}

// Split divides t at random into two tables: the first holds round(frac *
// Rows) rows, the second the rest, each in t's order. Use it to keep a
// holdout away from a synthesizer's training data.
func (t *Table) Split(frac float64, rng *rand.Rand) (first, second *Table) {
	n := int(math.Round(frac * float64(t.Rows)))
	perm := rng.Perm(t.Rows)
	a := slices.Clone(perm[:n])
	b := slices.Clone(perm[n:])
	slices.Sort(a)
	slices.Sort(b)
	return t.Select(t.Name+" (part 1)", a), t.Select(t.Name+" (part 2)", b)
}

// sampleIndex returns min(n, rows) distinct row indices in increasing
// order, drawn uniformly (partial Fisher-Yates). When rows is much larger
// than n (the column sets of a wide table: 1.3 billion sets of 3 of 2,000
// columns) the permutation is kept sparse, in a map of the positions
// swapped so far: the draws, and so the sample, are the same as with the
// dense permutation, in O(n) memory instead of O(rows).
func sampleIndex(rows, n int, rng *rand.Rand) []int {
	if n >= rows {
		idx := make([]int, rows)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	if rows > sparseSampleFrom {
		swapped := make(map[int]int, 2*n)
		at := func(i int) int {
			if v, ok := swapped[i]; ok {
				return v
			}
			return i
		}
		idx := make([]int, n)
		for i := 0; i < n; i++ {
			j := i + rng.IntN(rows-i)
			idx[i] = at(j)
			swapped[j] = at(i)
		}
		slices.Sort(idx)
		return idx
	}
	perm := make([]int, rows)
	for i := range perm {
		perm[i] = i
	}
	for i := 0; i < n; i++ {
		j := i + rng.IntN(rows-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	idx := perm[:n]
	slices.Sort(idx)
	return idx
}

// sparseSampleFrom is the population size from which sampleIndex keeps
// its permutation sparse; tests lower it to compare both ways.
var sparseSampleFrom = 1 << 20

// pairCols returns the columns present in both tables, in a's order, and
// checks that they share a domain.
func pairCols(a, b *Table) ([][2]*Column, error) {
	if a.domain != b.domain || a.domain == nil {
		return nil, ErrMismatch
	}
	var out [][2]*Column
	for _, ca := range a.Columns {
		if cb := b.Col(ca.Name); cb != nil {
			out = append(out, [2]*Column{ca, cb})
		}
	}
	return out, nil
}
