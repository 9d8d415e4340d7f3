package synth

import (
	"github.com/veil-data/veil/dataset"
	"math"
	"slices"
	"sort"
	"strconv"
)

// withinBinAtoms is the most distinct values a bin lists as atoms; a bin
// with more describes its values by knots.
const withinBinAtoms = 64

// binKnots is the number of equal-probability quantiles that describe the
// values within a bin of a column with many distinct values.
const binKnots = 17

func strconvFormat(v float64, d int) string { return strconv.FormatFloat(v, 'f', d, 64) }

// categoricalCodes builds the codes of a categorical column from exact
// counts: categories seen at least minCount times, the maxCats most
// frequent, each its own code; the others merged into one rare bucket
// sampled as OtherText (their values are not kept); null its own code.
func categoricalCodes(s *colStats, minCount, maxCats int) []Code {
	return codesFrom(s.categoryCounts(), s.n, s.nulls, minCount, maxCats)
}

// codesFrom builds codes from counts sorted by categoryCounts' order, of
// a column of n rows with nulls nulls. The rare bucket holds every
// non-null row no kept code holds: the rare categories, and with
// Misra-Gries counts (lower bounds) or prefix counts (which leave out
// values that are not codes of the column's length) the rows they miss.
func codesFrom(counts []textCount, n, nulls int64, minCount, maxCats int) []Code {
	var codes []Code
	var kept int64
	for i, tc := range counts {
		if i < maxCats && tc.n >= int64(minCount) {
			codes = append(codes, Code{Value: tc.text, P: float64(tc.n) / float64(n)})
			kept += tc.n
		}
	}
	if rest := n - nulls - kept; rest > 0 {
		codes = append(codes, Code{Other: true, P: float64(rest) / float64(n)})
	}
	if nulls > 0 {
		codes = append(codes, Code{Null: true, P: float64(nulls) / float64(n)})
	}
	return codes
}

// MaskChar is the character that stands for the dropped characters of a
// code modelled by its prefix, as anonymize masks: "170**".
const MaskChar = '*'

// maxRareShare is the largest share of a column's non-null rows the rare
// bucket may hold before a code-like column is modelled by a prefix of its
// values (textCodes). Rows in the rare bucket lose even the coarse part of
// their value, as rows suppressed by anonymize do; 5 % is the suppression
// limit anonymize's policies commonly allow.
const maxRareShare = 0.05

// textCodes builds the codes of a text column (non-DP fits): its
// categories (categoricalCodes), or, for a code-like column (zip codes:
// isCodeText, one length), the categories of a prefix of its values when
// the full values would leave too many rows in the rare bucket.
//
// The rule: each level k (the first k characters, k = 1 … length; the
// full values are level length) gets its codes as categoricalCodes builds
// them, prefixes seen fewer than minCount times and beyond the maxCats
// most frequent merged into the rare bucket. The full values are kept
// when their rare bucket holds at most maxRareShare of the non-null rows;
// otherwise the longest prefix level whose rare bucket holds at most
// maxRareShare, or, if none does, the level whose rare bucket is smallest
// (the longest on ties) when it is smaller than the full values'. On
// 5-digit zip codes with a few rows per zip this keeps 2 or 3 digits.
//
// The codes of a prefix level are the prefixes masked to the column's
// length with MaskChar ("17***"); its rare bucket is sampled as the fully
// masked code ("*****"). The returned Prefix is nil when the full values
// are kept.
func textCodes(s *colStats, minCount, maxCats int) ([]Code, *Prefix) {
	codes := categoricalCodes(s, minCount, maxCats)
	l, ok := s.codeLength()
	if !ok {
		return codes, nil
	}
	level := levelChoice{rare: rareShare(codes)}
	var best []Code
	for k := l - 1; k >= 1 && !level.done(); k-- {
		counts, ok := s.prefixCounts(k, l)
		if !ok {
			continue
		}
		c := codesFrom(counts, s.n, s.nulls, minCount, maxCats)
		if level.offer(k, rareShare(c)) {
			best = c
		}
	}
	keep := level.keep
	if keep == 0 {
		return codes, nil
	}
	for i := range best {
		switch {
		case best[i].Null:
		case best[i].Other:
			best[i].Value = maskCode("", l)
		default:
			best[i].Value = maskCode(best[i].Value, l)
		}
	}
	return best, &Prefix{Keep: keep, Length: l}
}

// levelChoice is the choice of a code-like column's prefix level, the
// rule textCodes states and the DP fit applies to noisy counts: it starts
// from the full values' rare share and is offered the prefix levels from
// the longest down.
type levelChoice struct {
	keep int     // the level taken; 0: the full values
	rare float64 // its rare share
}

// done reports that the level taken keeps the rare bucket small enough:
// shorter levels are not wanted.
func (c *levelChoice) done() bool { return c.rare <= maxRareShare }

// offer takes level k, whose rare bucket holds share r of the non-null
// rows, when nothing taken so far is done and r is smaller (the longer
// level wins ties); it reports whether it took it.
func (c *levelChoice) offer(k int, r float64) bool {
	if c.done() || r >= c.rare {
		return false
	}
	c.keep, c.rare = k, r
	return true
}

// rareShare returns the share of the non-null rows in the rare bucket.
func rareShare(codes []Code) float64 {
	var other, nonNull float64
	for _, c := range codes {
		switch {
		case c.Null:
		case c.Other:
			other += c.P
			nonNull += c.P
		default:
			nonNull += c.P
		}
	}
	if nonNull == 0 {
		return 0
	}
	return other / nonNull
}

// maskCode pads prefix with MaskChar to n characters.
func maskCode(prefix string, n int) string {
	b := make([]byte, n)
	copy(b, prefix)
	for i := len(prefix); i < n; i++ {
		b[i] = MaskChar
	}
	return string(b)
}

// weighted is a value and its weight.
type weighted struct {
	v float64
	w float64
}

// numericValues returns the non-null values of a numeric column, sorted,
// with weights that sum to the number of non-null rows: the exact distinct
// counts when there were few, else the reservoir sample.
func numericValues(s *colStats) (vals []weighted, exact bool) {
	if s.distinct != nil {
		for v, c := range s.distinct {
			vals = append(vals, weighted{v, float64(c)})
		}
		slices.SortFunc(vals, func(a, b weighted) int { return cmpFloat(a.v, b.v) })
		return vals, true
	}
	w := float64(s.nonNull) / float64(len(s.reservoir))
	for _, v := range s.reservoir {
		vals = append(vals, weighted{v, w})
	}
	slices.SortFunc(vals, func(a, b weighted) int { return cmpFloat(a.v, b.v) })
	return vals, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// numericCodes cuts a numeric column into at most bins equal-frequency
// bins (one per value when it has at most bins distinct values; a value
// heavier than a bin gets a bin of its own) and describes the values
// within each bin. The column is first top- and bottom-coded at minCount
// rows (tailCode), so the model's bounds are never one person's value.
// Values seen fewer than minCount times are left out of a bin's atoms
// (their weight goes to the others) unless the bin has no other value.
// Null is its own code.
func numericCodes(s *colStats, bins, minCount int) ([]Code, *Numeric) {
	n := float64(s.n)
	num := &Numeric{Integer: s.integer, Decimals: s.decimals, Min: s.min, Max: s.max}
	if s.col.Kind == dataset.Timestamp && s.integer {
		num.Decimals = 0
	}
	var codes []Code
	vals, exact := numericValues(s)
	if coded, lo, hi, ok := tailCode(vals, float64(minCount)); ok {
		vals, num.Min, num.Max = coded, lo, hi
	}
	if len(vals) > 0 {
		groups := equalFrequency(vals, bins)
		for _, g := range groups {
			codes = append(codes, Code{P: g.weight / n, Bin: describeBin(g.vals, exact, minCount)})
		}
	}
	if s.nulls > 0 {
		codes = append(codes, Code{Null: true, P: float64(s.nulls) / n})
	}
	if len(vals) == 0 {
		num.Min, num.Max = 0, 0
	}
	return codes, num
}

// tailCode bottom- and top-codes sorted weighted values at minCount rows,
// as sdcMicro's topBotCoding does: values below the one where the
// cumulated weight from the bottom reaches minCount become that value, and
// likewise from the top. The smallest and largest values of a column (the
// highest salary, the oldest age) are single people's values; after coding
// every bound the model holds is where minCount rows or more lie at or
// beyond it, and nothing is said of the rows beyond (a tail's mean would
// carry the top salary into the model). It reports false, leaving vals
// alone, when the column is too small for both tails (fewer than
// 2·minCount rows) or minCount is 1 or less.
func tailCode(vals []weighted, minCount float64) (coded []weighted, lo, hi float64, ok bool) {
	if minCount <= 1 || len(vals) == 0 {
		return vals, 0, 0, false
	}
	i, cum := 0, vals[0].w
	for cum < minCount-1e-9 && i < len(vals)-1 {
		i++
		cum += vals[i].w
	}
	j, cumHi := len(vals)-1, vals[len(vals)-1].w
	for cumHi < minCount-1e-9 && j > 0 {
		j--
		cumHi += vals[j].w
	}
	if i >= j {
		return vals, 0, 0, false
	}
	lo, hi = vals[i].v, vals[j].v
	coded = make([]weighted, 0, j-i+1)
	coded = append(coded, weighted{lo, cum})
	coded = append(coded, vals[i+1:j]...)
	coded = append(coded, weighted{hi, cumHi})
	return coded, lo, hi, true
}

// quantiles integrates the quantile function of sorted weighted values:
// the rows are laid end to end by weight, row r holding [cum, cum+w).
type quantiles struct {
	vals     []weighted
	cum, sum []float64 // weight and weighted sum of vals[:i]
	total    float64
}

func newQuantiles(vals []weighted) *quantiles {
	q := &quantiles{vals: vals, cum: make([]float64, len(vals)+1), sum: make([]float64, len(vals)+1)}
	for i, v := range vals {
		q.cum[i+1] = q.cum[i] + v.w
		q.sum[i+1] = q.sum[i] + v.w*v.v
	}
	q.total = q.cum[len(vals)]
	return q
}

// integral returns the weighted sum of the values below weight t.
func (q *quantiles) integral(t float64) float64 {
	i := sort.SearchFloat64s(q.cum, t) // the first i with cum[i] >= t
	switch {
	case i == 0:
		return 0
	case i > len(q.vals):
		return q.sum[len(q.vals)]
	}
	return q.sum[i-1] + (t-q.cum[i-1])*q.vals[i-1].v
}

// mean returns the mean value of the rows between weights a and b > a.
func (q *quantiles) mean(a, b float64) float64 {
	return (q.integral(b) - q.integral(a)) / (b - a)
}

type valueGroup struct {
	vals   []weighted
	weight float64
}

// equalFrequency splits sorted weighted values into at most k groups of
// about equal weight, never splitting equal values.
func equalFrequency(vals []weighted, k int) []valueGroup {
	// Merge equal values.
	var uniq []weighted
	for _, v := range vals {
		if len(uniq) > 0 && uniq[len(uniq)-1].v == v.v {
			uniq[len(uniq)-1].w += v.w
			continue
		}
		uniq = append(uniq, v)
	}
	var total float64
	for _, v := range uniq {
		total += v.w
	}
	if len(uniq) <= k {
		out := make([]valueGroup, len(uniq))
		for i, v := range uniq {
			out[i] = valueGroup{vals: []weighted{v}, weight: v.w}
		}
		return out
	}
	var out []valueGroup
	var cur valueGroup
	var cum float64
	next := 1
	for i, v := range uniq {
		cur.vals = append(cur.vals, v)
		cur.weight += v.w
		cum += v.w
		// Close the group once the cumulative weight reaches the next
		// quantile; a heavy value may pass several.
		if cum >= float64(next)*total/float64(k)-1e-9 && i < len(uniq)-1 {
			out = append(out, cur)
			cur = valueGroup{}
			for next <= k && cum >= float64(next)*total/float64(k)-1e-9 {
				next++
			}
		}
	}
	if len(cur.vals) > 0 {
		out = append(out, cur)
	}
	return out
}

// describeBin returns the bin of a group of values: atoms when it has few
// distinct values (and they were counted exactly) of which some are seen
// minCount times or more, else knots. Either way no number of the bin is
// one row's value: atoms are values of minCount rows or more, knots and
// bounds means of minCount rows.
func describeBin(vals []weighted, exact bool, minCount int) *Bin {
	if exact && len(vals) <= withinBinAtoms {
		var keep []weighted
		for _, v := range vals {
			if v.w >= float64(minCount) {
				keep = append(keep, v)
			}
		}
		if len(keep) > 0 {
			var tot float64
			for _, v := range keep {
				tot += v.w
			}
			b := &Bin{Lo: keep[0].v, Hi: keep[len(keep)-1].v}
			for _, v := range keep {
				b.Atoms = append(b.Atoms, Atom{V: v.v, P: round9(v.w / tot)})
			}
			return b
		}
	}
	k := knots(vals, binKnots, float64(max(minCount, 1)))
	return &Bin{Lo: k[0], Hi: k[len(k)-1], Knots: k}
}

// knots returns k quantiles (0, 1/(k−1), ..., 1) of sorted weighted values,
// each micro-aggregated over m rows, as sdcMicro's microaggregation does:
// the mean of the m rows nearest the quantile (a window of weight m around
// it, kept inside the values). A quantile of a bin is otherwise the value
// of one row, and a knot list one row's value after another (a model of
// dates of birth would list real ones). The means never decrease, so they
// are quantiles of a distribution all the same.
func knots(vals []weighted, k int, m float64) []float64 {
	q := newQuantiles(vals)
	m = min(m, q.total)
	out := make([]float64, k)
	for i := range k {
		target := float64(i) / float64(k-1) * q.total
		a := min(max(target-m/2, 0), q.total-m)
		out[i] = q.mean(a, a+m)
	}
	for i := 1; i < k; i++ {
		out[i] = max(out[i], out[i-1]) // rounding never breaks the order
	}
	return out
}

// round9 rounds p to 9 significant digits, which keeps model files short
// without changing what is sampled in any visible way.
func round9(p float64) float64 {
	if p == 0 || !finite(p) {
		return p
	}
	e := math.Floor(math.Log10(math.Abs(p)))
	f := math.Pow(10, 8-e)
	if math.IsInf(f, 1) {
		// Below 1e-300 (a cell of a wide DP model) the factor
		// overflows, and p·f/f would be NaN.
		v, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'g', 9, 64), 64)
		return v
	}
	return math.Round(p*f) / f
}

// codeIndex finds codes from values during the counting pass.
type codeIndex struct {
	numeric bool
	cats    map[string]int32
	// keep and length: a column modelled by prefixes (Prefix); cats then
	// maps the kept prefixes, not the masked codes.
	keep, length int
	other        int32 // -1 when there is no rare bucket
	null         int32 // -1 when the column had no null
	his          []float64
}

func newCodeIndex(c *ColumnModel) *codeIndex {
	ix := &codeIndex{numeric: c.Numeric != nil, other: -1, null: -1, cats: map[string]int32{}}
	if c.Prefix != nil {
		ix.keep, ix.length = c.Prefix.Keep, c.Prefix.Length
	}
	for i, code := range c.Codes {
		switch {
		case code.Null:
			ix.null = int32(i)
		case code.Other:
			ix.other = int32(i)
			for _, m := range code.Members {
				ix.cats[m.Value] = int32(i)
			}
		case code.Bin != nil:
			ix.his = append(ix.his, code.Bin.Hi)
		case ix.keep > 0:
			ix.cats[code.Value[:ix.keep]] = int32(i) // checked by Model.check
		default:
			ix.cats[code.Value] = int32(i)
		}
	}
	return ix
}

// bin returns the code of a number: the first bin whose upper bound is
// not below it (values between two bins go to the upper one; values past
// the last bin to the last).
func (ix *codeIndex) bin(v float64) int32 {
	i := sort.SearchFloat64s(ix.his, v)
	if i >= len(ix.his) {
		i = len(ix.his) - 1
	}
	return int32(i)
}

// category returns the code of a text: its own (for a column modelled by
// prefixes, its prefix's, when it is a code of the column's length), the
// rare bucket's, or -1 when the model has neither (a value unseen in a
// declared domain).
func (ix *codeIndex) category(text string) int32 {
	if ix.keep > 0 {
		if len(text) != ix.length || !isCodeText(text) {
			return ix.other
		}
		text = text[:ix.keep]
	}
	if c, ok := ix.cats[text]; ok {
		return c
	}
	return ix.other
}
