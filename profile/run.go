package profile

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/veil-data/veil/dataset"
)

// Options configures Run. The zero value (or nil) uses the defaults.
type Options struct {
	// Seed drives the reservoir samples and the risk row sample.
	Seed uint64
	// SampleSize is the number of non-null values sampled per column for
	// detection (default 1000).
	SampleSize int
	// MinCount is the smallest count of a category listed in Top (default
	// 5): rarer values are not written, even for non-identifying columns.
	MinCount int
	// Regions are the phone regions (ISO 3166: GB, not UK) tried for
	// numbers without an international prefix (default DefaultRegions).
	Regions []string
	// RiskRows caps the rows kept for the risk analysis (default
	// 2,000,000); larger tables are analysed on a uniform random sample of
	// that many rows.
	RiskRows int
	// MaxCombination is the largest QI combination tested (default 3).
	MaxCombination int
	// UniqueThreshold is the sample-unique share above which a combination
	// is reported (default 0.01).
	UniqueThreshold float64
	// K is the class size below which rows count as at risk (default 5).
	K int
	// Now is the reference time for ages (default time.Now()).
	Now time.Time
	// Tick, if not nil, is called once per record read.
	Tick func()
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.SampleSize <= 0 {
		v.SampleSize = 1000
	}
	if v.MinCount <= 0 {
		v.MinCount = 5
	}
	if len(v.Regions) == 0 {
		v.Regions = DefaultRegions
	}
	if v.RiskRows <= 0 {
		v.RiskRows = 2_000_000
	}
	if v.MaxCombination <= 0 {
		v.MaxCombination = 3
	}
	if v.UniqueThreshold <= 0 {
		v.UniqueThreshold = 0.01
	}
	if v.K <= 0 {
		v.K = 5
	}
	if v.Now.IsZero() {
		v.Now = time.Now()
	}
	return v
}

// dictCap is the number of distinct values per column counted exactly.
// Beyond it, distinct counts come from a HyperLogLog sketch and the risk
// store keeps 64-bit hashes instead of dictionary codes.
const dictCap = 16384

// dropCheckEvery is how often (in rows) near-unique columns are dropped
// from the risk store, and dropRatio the distinct ratio that drops them.
const (
	dropCheckEvery = 65536
	dropRatio      = 0.9
)

// colAcc accumulates one column's statistics in one pass.
type colAcc struct {
	col            dataset.Column
	nonNull, nulls int64
	notInt         bool
	notFloat       bool
	notBool        bool
	notTime        bool
	// notAscending is set once a number is not above the one before it
	// in file order: see colSample.ascending.
	notAscending bool

	hasNum     bool
	last       float64 // the last number read
	minF, maxF float64
	minS, maxS string
	hasTime    bool
	minT, maxT time.Time
	minLen     int
	maxLen     int

	// dict maps the 64-bit hash of a value to its code; values, counts and
	// hashes are indexed by code. Two distinct values share a hash with
	// probability 2⁻⁶⁴ per pair: negligible at 16,384 values.
	dict     map[uint64]int32
	values   []string
	counts   []int64
	hashes   []uint64
	overflow bool
	sketch   *hll

	sample []string

	store riskStore
}

func newColAcc(c dataset.Column) *colAcc {
	return &colAcc{col: c, dict: map[uint64]int32{}, minLen: math.MaxInt, store: riskStore{mode: storeU8}}
}

// add counts one non-null value and returns its risk code (see riskStore).
func (a *colAcc) add(s string) uint64 {
	a.nonNull++
	n := len(s)
	a.minLen = min(a.minLen, n)
	a.maxLen = max(a.maxLen, n)
	switch a.col.Kind {
	case dataset.Integer, dataset.Float:
		if !a.notInt || !a.notFloat {
			a.numeric(s)
		}
	case dataset.Boolean:
		if !a.notBool {
			if _, err := dataset.ParseBool(s); err != nil {
				a.notBool = true
			}
		}
	case dataset.Date, dataset.Timestamp:
		if !a.notTime {
			if t, err := dataset.ParseTime(a.col, s); err != nil {
				a.notTime = true
			} else {
				if !a.hasTime || t.Before(a.minT) {
					a.minT, a.minS = t, strings.Clone(s)
				}
				if !a.hasTime || t.After(a.maxT) {
					a.maxT, a.maxS = t, strings.Clone(s)
				}
				a.hasTime = true
			}
		}
	}
	h := hash64(s)
	if a.overflow {
		a.sketch.add(h)
		return h
	}
	code, ok := a.dict[h]
	if ok {
		a.counts[code]++
		return uint64(code) + 1
	}
	if len(a.dict) < dictCap {
		code = int32(len(a.counts))
		a.dict[h] = code
		a.values = append(a.values, strings.Clone(s))
		a.counts = append(a.counts, 1)
		a.hashes = append(a.hashes, h)
		return uint64(code) + 1
	}
	// More distinct values than the dictionary holds: from now on the
	// column is counted by the sketch and stored as hashes; its counts
	// are no longer exact, so they are dropped.
	a.overflow = true
	a.sketch = &hll{}
	for _, x := range a.hashes {
		a.sketch.add(x)
	}
	a.store.toHashes(a.hashes)
	a.dict, a.values, a.counts, a.hashes = nil, nil, nil, nil
	a.sketch.add(h)
	return h
}

func (a *colAcc) numeric(s string) {
	var f float64
	if !a.notInt {
		if v, err := dataset.ParseInt(s); err == nil {
			f = float64(v)
		} else {
			a.notInt = true
		}
	}
	if a.notInt {
		v, err := dataset.ParseFloat(s)
		if err != nil {
			a.notFloat = true
			return
		}
		f = v
	}
	if a.hasNum && f <= a.last {
		a.notAscending = true
	}
	a.last = f
	if !a.hasNum || f < a.minF {
		a.minF, a.minS = f, strings.Clone(s)
	}
	if !a.hasNum || f > a.maxF {
		a.maxF, a.maxS = f, strings.Clone(s)
	}
	a.hasNum = true
}

// kind returns the kind every value had.
func (a *colAcc) kind() dataset.Kind {
	switch a.col.Kind {
	case dataset.Integer:
		if !a.notInt {
			return dataset.Integer
		}
		if !a.notFloat {
			return dataset.Float
		}
	case dataset.Float:
		if !a.notFloat {
			return dataset.Float
		}
	case dataset.Boolean:
		if !a.notBool {
			return dataset.Boolean
		}
	case dataset.Date, dataset.Timestamp:
		if !a.notTime {
			return a.col.Kind
		}
	}
	return dataset.String
}

func (a *colAcc) distinct() (n int64, exact bool) {
	if !a.overflow {
		return int64(len(a.dict)), true
	}
	return int64(math.Round(a.sketch.estimate())), false
}

// Run profiles the table r in one streaming pass: exact counts, a seeded
// reservoir sample per column, distinct counts (exact up to 16,384 values,
// then a HyperLogLog estimate), min/max and top values, detection of each
// column's role and entity, and the re-identification risk over the
// detected quasi-identifiers.
//
// Memory does not grow with rows except for the risk store: per row and
// quasi-identifier candidate, 1 byte (up to 255 distinct values), 2 bytes
// (up to 16,384) or 8 bytes (a 64-bit hash), for at most opt.RiskRows rows.
// Per column it holds at most 16,384 distinct values with their counts, a
// 16 KiB sketch and SampleSize sampled values. Run checks ctx every 1024
// records. Errors reading r are returned as they are (*dataset.DataError
// for bad data).
func Run(ctx context.Context, r dataset.Reader, opt *Options) (*Profile, error) {
	o := opt.withDefaults()
	schema := r.Schema()
	accs := make([]*colAcc, schema.Len())
	for i, c := range schema.Columns {
		accs[i] = newColAcc(c)
	}
	sampleRng := rand.New(rand.NewPCG(o.Seed, 0x70f11e5a3b1e))
	riskRng := rand.New(rand.NewPCG(o.Seed, 0x215c0de5))
	var rows int64
	var dropped []Excluded
	_, err := dataset.Each(ctx, r, o.Tick, func(rec *dataset.Record) error {
		// The row's slot in the risk store: appended while it has room,
		// then reservoir sampling (Algorithm R) over rows.
		slot := int64(-1)
		if rows < int64(o.RiskRows) {
			slot = rows
		} else if j := riskRng.Int64N(rows + 1); j < int64(o.RiskRows) {
			slot = j
		}
		rows++
		for i, v := range rec.Values {
			a := accs[i]
			var code uint64
			if v.Null {
				a.nulls++
			} else {
				code = a.add(v.Text)
				k := len(a.sample)
				if k < o.SampleSize {
					a.sample = append(a.sample, strings.Clone(v.Text))
				} else if j := sampleRng.Int64N(a.nonNull); j < int64(o.SampleSize) {
					a.sample[j] = strings.Clone(v.Text)
				}
			}
			if slot >= 0 && a.store.mode != storeOff {
				a.store.set(slot, code)
			}
		}
		if rows%dropCheckEvery == 0 {
			for i, a := range accs {
				if a.store.mode == storeOff || a.nonNull == 0 {
					continue
				}
				d, _ := a.distinct()
				if float64(d) > dropRatio*float64(a.nonNull) {
					a.store.drop()
					dropped = append(dropped, Excluded{Column: schema.Columns[i].Name,
						Reason: fmt.Sprintf("near-unique (more than %.0f %% of its values are distinct): on its own it singles out most rows", dropRatio*100)})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := &Profile{Schema: SchemaV1, Rows: rows, Seed: o.Seed, SampleSize: o.SampleSize, MinCount: o.MinCount}
	for i, a := range accs {
		// Detection and statistics take about a millisecond per column:
		// a table of thousands of columns is cancelled between them.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.Columns = append(p.Columns, a.profile(schema.Columns[i], rows, &o))
	}
	p.Risk = computeRisk(p, accs, dropped, rows, &o)
	if rows > int64(o.RiskRows) {
		p.Notes = append(p.Notes, fmt.Sprintf("risk analysed on a uniform random sample of %d of %d rows (seeded reservoir)", o.RiskRows, rows))
	}
	for i := range p.Columns {
		p.Columns[i].ProposedAction = proposeAction(&p.Columns[i], nil).Action
	}
	return p, nil
}

// profile finishes a column: detection, then statistics, withheld or
// masked according to the role.
func (a *colAcc) profile(c dataset.Column, rows int64, o *Options) Column {
	kind := a.kind()
	distinct, exact := a.distinct()
	// The estimate (HyperLogLog past the exact count) can overshoot; a
	// column holds no more distinct values than non-null ones.
	distinct = min(distinct, a.nonNull)
	layout := ""
	if kind == dataset.Date || kind == dataset.Timestamp {
		layout = c.Layout
		if layout == "" {
			if kind == dataset.Date {
				layout = dataset.DateLayout
			} else {
				layout = dataset.TimestampLayout
			}
		}
	}
	cs := newColSample(c.Name, kind, layout, a.sample, a.nonNull, distinct, o.Now, o.Regions)
	cs.ascending = kind.Numeric() && a.hasNum && !a.notAscending && exact
	d := detect(cs)
	col := Column{
		Name: c.Name, Kind: kind.String(), Role: d.Role, Entity: NullString(d.Entity), Subtype: d.Subtype,
		Confidence: d.Confidence, Band: d.Band, Sensitivity: d.Sensitivity, Evidence: d.Evidence,
		OtherMatches: d.OtherMatches,
	}
	if col.OtherMatches == nil {
		col.OtherMatches = []OtherMatch{}
	}
	if kind == dataset.Date || kind == dataset.Timestamp {
		col.Layout = c.Layout
	}
	identifying := d.Role == RoleDirect || d.Role == RoleIdentifier
	st := Stats{Nulls: a.nulls, Distinct: distinct, DistinctExact: exact}
	if rows > 0 {
		st.NullShare = round6(float64(a.nulls) / float64(rows))
	}
	if a.nonNull > 0 {
		st.DistinctRatio = round6(float64(distinct) / float64(a.nonNull))
		st.MinLength, st.MaxLength = a.minLen, a.maxLen
	}
	if exact {
		var singles int64
		var ent float64
		for _, n := range a.counts {
			if n == 1 {
				singles++
			}
			p := float64(n) / float64(a.nonNull)
			ent -= p * math.Log2(p)
		}
		st.Singletons = &singles
		ent = round6(ent)
		st.EntropyBits = &ent
	}
	if !identifying {
		switch {
		case a.hasNum && kind.Numeric():
			st.Min, st.Max = &a.minS, &a.maxS
		case a.hasTime && (kind == dataset.Date || kind == dataset.Timestamp):
			st.Min, st.Max = &a.minS, &a.maxS
		}
	}
	st.Top = a.top(o.MinCount, 10, identifying, d.Entity)
	col.Stats = st
	return col
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// top returns the k most frequent values with at least minCount rows,
// masked when the column is identifying; ties are broken by value.
func (a *colAcc) top(minCount int, k int, masked bool, entity string) []Category {
	type kv struct {
		v string
		n int64
	}
	var all []kv
	for code, n := range a.counts {
		if n >= int64(minCount) {
			all = append(all, kv{a.values[code], n})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].v < all[j].v
	})
	if len(all) > k {
		all = all[:k]
	}
	var out []Category
	for _, e := range all {
		c := Category{Value: e.v, Count: e.n}
		if masked {
			c.Value, c.Masked = Mask(entity, e.v), true
		}
		out = append(out, c)
	}
	return out
}
