package metrics

// IDLikeRatio is the share of distinct values among a categorical column's
// non-null values above which [IDLike] calls the column ID-like. SDMetrics
// skips identifiers through metadata (the id sdtype); a column without
// metadata that holds a new value on 95 % of its rows behaves like one: two
// samples of it share almost no value, so its TVComplement and every
// ContingencySimilarity it takes part in measure which rows were sampled,
// not whether the release kept its distribution.
const IDLikeRatio = 0.95

// IDLikeMinValues is the fewest non-null values a column needs before
// [IDLike] judges it: below it every column of a tiny table looks unique.
const IDLikeMinValues = 20

// IDLikeColumn is a column [IDLike] found.
type IDLikeColumn struct {
	Column   string
	Distinct int // distinct non-null values
	Values   int // non-null values
}

// Ratio returns Distinct / Values.
func (c IDLikeColumn) Ratio() float64 { return float64(c.Distinct) / float64(c.Values) }

// IDLike returns the categorical columns of t, in t's order, whose distinct
// values make up more than [IDLikeRatio] of at least [IDLikeMinValues]
// non-null values. Numeric columns are never ID-like: a continuous
// measurement is near-unique too, and KSComplement and correlation compare
// it well.
func IDLike(t *Table) []IDLikeColumn {
	var out []IDLikeColumn
	for _, c := range t.Columns {
		if c.Numeric || c.Dict == nil {
			continue
		}
		seen := make([]bool, c.Dict.Len())
		var distinct, values int
		for _, v := range c.Codes {
			if v < 0 {
				continue
			}
			values++
			if int(v) < len(seen) && !seen[v] {
				seen[v] = true
				distinct++
			}
		}
		if values >= IDLikeMinValues && float64(distinct) > IDLikeRatio*float64(values) {
			out = append(out, IDLikeColumn{Column: c.Name, Distinct: distinct, Values: values})
		}
	}
	return out
}

// Without returns a view of t (see [Table.View]) without the named
// columns.
func (t *Table) Without(names ...string) *Table {
	out := &Table{Name: t.Name, Rows: t.Rows, TotalRows: t.TotalRows, domain: t.domain}
	for _, c := range t.Columns {
		drop := false
		for _, n := range names {
			if c.Name == n {
				drop = true
				break
			}
		}
		if !drop {
			nc := *c
			out.Columns = append(out.Columns, &nc)
		}
	}
	return out
}
