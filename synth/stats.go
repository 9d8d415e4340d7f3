package synth

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/profile"
)

// Bounds of the first pass's per-column state, which keep the fit's
// memory independent of the number of rows.
const (
	// exactCategories is how many distinct categories are counted exactly;
	// past it the column switches to a Misra-Gries summary.
	exactCategories = 1 << 16
	// exactNumbers is how many distinct numbers are counted exactly; past
	// it quantiles come from the reservoir sample.
	exactNumbers = 4096
	// reservoirSize is the size of the uniform sample of a numeric
	// column's values (Vitter's Algorithm R).
	reservoirSize = 1 << 16
	// detectSample is how many leading non-null values of a column are
	// kept in memory (never written) for entity detection.
	detectSample = 200
)

// colStats is the first pass's summary of one column.
type colStats struct {
	col     dataset.Column
	numeric bool // parsed as numbers (integers, floats, dates, timestamps)
	n       int64
	nulls   int64

	// Categorical columns (and the texts of any column, for detection).
	counts map[string]int64
	mg     *misraGries // after counts overflowed

	// Numeric columns.
	min, max   float64
	integer    bool
	decimals   int
	distinct   map[float64]int64 // nil after overflow
	reservoir  []float64
	nonNull    int64
	rng        *rand.Rand
	sample     []string // leading non-null texts, for detection only
	shape      keyShape
	templates  map[string]int64 // digit templates of short values (phones, IDs)
	uniqueText bool             // counts overflowed: nearly every value differs

	// Code-like texts (zip codes, postcodes, ...): codeLens counts the
	// non-null values of each length that look like codes (isCodeText).
	// After counts overflowed, prefixes[k-1] counts exactly the first k
	// characters of the code-like values of length prefixLen, for k <
	// prefixLen (nil once a level holds more than exactCategories
	// prefixes): the prefix levels' counts, which the exact counts give
	// for free before the overflow.
	codeLens  [maxCodeLen + 1]int64
	prefixes  []map[string]int64
	prefixLen int

	// shapeOnly: the column will not be modelled (decided by needed once
	// the detection sample is in), so its values are no longer counted:
	// only its shape, templates, nulls and bounds are kept.
	shapeOnly bool
	needed    func(*colStats) bool
	// detected caches the detection on sample (it must not change
	// between the decision above and the plan).
	detected *profile.Detection
}

// keyShape accumulates the shape of a column's texts without their
// values: the prefix shared by every value, the longest length, and the
// character classes.
type keyShape struct {
	prefix     string
	started    bool
	maxLen     int
	digitsTail int  // widest run of digits ending the value after the prefix
	allDigits  bool // every value is prefix + digits
	lower      bool
	upper      bool
	digit      bool
	other      bool
	uuid       bool // every value has the shape of a UUID
}

func newColStats(c dataset.Column, seed uint64, idx int) *colStats {
	s := &colStats{col: c, counts: map[string]int64{}, templates: map[string]int64{}}
	switch c.Kind {
	case dataset.Integer, dataset.Float, dataset.Date, dataset.Timestamp:
		s.numeric = true
		s.min, s.max = math.Inf(1), math.Inf(-1)
		s.integer = c.Kind == dataset.Integer || c.Kind == dataset.Date
		s.distinct = map[float64]int64{}
		s.rng = rand.New(rand.NewPCG(seed, uint64(idx)+0x5eed))
	}
	s.shape.allDigits = true
	s.shape.uuid = true
	return s
}

// numericValue parses the text of a numeric column into the model's
// number: the value, days since 1970 for dates, seconds for timestamps.
func numericValue(c dataset.Column, text string) (float64, error) {
	switch c.Kind {
	case dataset.Integer:
		v, err := dataset.ParseInt(text)
		return float64(v), err
	case dataset.Float:
		return dataset.ParseFloat(text)
	case dataset.Date:
		t, err := dataset.ParseTime(c, text)
		if err != nil {
			return 0, err
		}
		return math.Floor(float64(t.Unix()) / 86400), nil
	case dataset.Timestamp:
		t, err := dataset.ParseTime(c, text)
		if err != nil {
			return 0, err
		}
		return float64(t.Unix()) + float64(t.Nanosecond())/1e9, nil
	}
	return 0, dataset.ErrNotFloat
}

// formatNumeric writes a model number back as text of column c.
func formatNumeric(c *ColumnModel, v float64) string {
	switch c.Kind {
	case dataset.Integer:
		return formatInt(int64(math.Round(v)))
	case dataset.Date:
		t := time.Unix(int64(math.Round(v))*86400, 0).UTC()
		return t.Format(layoutOf(c))
	case dataset.Timestamp:
		sec := math.Floor(v)
		t := time.Unix(int64(sec), int64(math.Round((v-sec)*1e9))).UTC()
		if c.Numeric != nil && c.Numeric.Integer {
			t = time.Unix(int64(math.Round(v)), 0).UTC()
		}
		return t.Format(layoutOf(c))
	}
	d := 0
	if c.Numeric != nil {
		d = c.Numeric.Decimals
	}
	return formatFixed(v, d)
}

func layoutOf(c *ColumnModel) string {
	if c.Layout != "" {
		return c.Layout
	}
	if c.Kind == dataset.Date {
		return dataset.DateLayout
	}
	return dataset.TimestampLayout
}

func formatInt(v int64) string {
	var buf [24]byte
	i := len(buf)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	for {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// formatFixed formats v with d decimals, without a trailing "-0".
func formatFixed(v float64, d int) string {
	p := math.Pow(10, float64(d))
	v = math.Round(v*p) / p
	if v == 0 {
		v = 0 // no negative zero
	}
	s := strconvFormat(v, d)
	return s
}

// add feeds one value to the summary; it returns a parse error for a
// numeric column's text that is not a number of its kind.
func (s *colStats) add(v dataset.Value, maxCats int) error {
	s.n++
	if v.Null {
		s.nulls++
		return nil
	}
	text := v.Text
	if len(s.sample) < detectSample {
		s.sample = append(s.sample, text)
		if len(s.sample) == detectSample && s.needed != nil && !s.needed(s) {
			s.shapeOnly = true
		}
	}
	s.shape.add(text)
	if len(text) <= 24 {
		if t := digitTemplate(text); t != "" && len(s.templates) < 64 {
			s.templates[t]++
		} else if t != "" {
			if _, ok := s.templates[t]; ok {
				s.templates[t]++
			}
		}
	}
	if s.numeric {
		f, err := numericValue(s.col, text)
		if err != nil {
			return err
		}
		if s.shapeOnly {
			s.nonNull++
			s.min, s.max = math.Min(s.min, f), math.Max(s.max, f)
			return nil
		}
		s.addNumber(f, text)
		return nil
	}
	if !s.shapeOnly {
		s.addText(text, maxCats)
	}
	return nil
}

func (s *colStats) addText(text string, maxCats int) {
	code := isCodeText(text)
	if code {
		s.codeLens[len(text)]++
	}
	if s.mg != nil {
		s.mg.add(text)
		if code && len(text) == s.prefixLen {
			s.addPrefixes(text, 1)
		}
		return
	}
	s.counts[text]++
	if len(s.counts) > exactCategories {
		s.startPrefixes()
		s.mg = newMisraGries(max(4*maxCats, 1024), s.counts)
		s.counts = nil
		s.uniqueText = true
	}
}

// maxCodeLen is the longest text that can be a code (isCodeText).
const maxCodeLen = 24

// isCodeText reports whether text looks like a code whose leading
// characters are coarser codes (a zip code, a postcode, an industry or
// product code): 2 to maxCodeLen ASCII letters, digits, spaces or hyphens,
// at least one of them a digit.
func isCodeText(text string) bool {
	if len(text) < 2 || len(text) > maxCodeLen {
		return false
	}
	digit := false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ' ' || c == '-':
		default:
			return false
		}
	}
	return digit
}

// codeLength returns the length of a code-like column's values: the
// length that at least 99 % of the non-null values have, all of them
// code-like; ok is false for other columns. (The other 1 % go to the rare
// bucket when the column is modelled by prefixes.)
func (s *colStats) codeLength() (n int, ok bool) {
	nonNull := s.n - s.nulls
	if s.numeric || nonNull <= 0 {
		return 0, false
	}
	for l := range s.codeLens {
		if s.codeLens[l] > s.codeLens[n] {
			n = l
		}
	}
	return n, n >= 2 && float64(s.codeLens[n]) >= 0.99*float64(nonNull)
}

// startPrefixes starts the exact prefix counts of a code-like column when
// its exact counts overflow, from those counts, for the length most of
// its values have so far.
func (s *colStats) startPrefixes() {
	l, ok := s.codeLength()
	if !ok {
		return
	}
	s.prefixLen = l
	s.prefixes = make([]map[string]int64, l-1)
	for k := range s.prefixes {
		s.prefixes[k] = map[string]int64{}
	}
	for t, c := range s.counts {
		if len(t) == l && isCodeText(t) {
			s.addPrefixes(t, c)
		}
	}
}

// addPrefixes adds c to the counts of the prefixes of text.
func (s *colStats) addPrefixes(text string, c int64) {
	for k, m := range s.prefixes {
		if m == nil {
			continue
		}
		p := text[:k+1]
		if _, ok := m[p]; ok {
			m[p] += c
			continue
		}
		if len(m) >= exactCategories {
			s.prefixes[k] = nil // too many prefixes to be a useful level
			continue
		}
		m[strings.Clone(p)] = c
	}
}

// prefixCounts returns the exact counts of the first k characters of the
// code-like values of length l, sorted as categoryCounts sorts; ok is
// false when they were not kept.
func (s *colStats) prefixCounts(k, l int) (out []textCount, ok bool) {
	switch {
	case s.counts != nil:
		agg := map[string]int64{}
		for t, c := range s.counts {
			if len(t) == l && isCodeText(t) {
				agg[t[:k]] += c
			}
		}
		for t, c := range agg {
			out = append(out, textCount{t, c})
		}
	case l == s.prefixLen && k >= 1 && k <= len(s.prefixes) && s.prefixes[k-1] != nil:
		for t, c := range s.prefixes[k-1] {
			out = append(out, textCount{t, c})
		}
	default:
		return nil, false
	}
	sortCounts(out)
	return out, true
}

func (s *colStats) addNumber(f float64, text string) {
	s.nonNull++
	s.min = math.Min(s.min, f)
	s.max = math.Max(s.max, f)
	if s.col.Kind == dataset.Float {
		if d := decimalsOf(text); d > s.decimals {
			s.decimals = min(d, 12)
		}
	}
	if s.col.Kind == dataset.Timestamp && f != math.Floor(f) {
		s.integer = false
	}
	if s.distinct != nil {
		s.distinct[f]++
		if len(s.distinct) > exactNumbers {
			s.distinct = nil
		}
	}
	if len(s.reservoir) < reservoirSize {
		s.reservoir = append(s.reservoir, f)
	} else if j := s.rng.Int64N(s.nonNull); j < reservoirSize {
		s.reservoir[j] = f
	}
}

// decimalsOf counts the digits after the decimal point of a number's text
// (0 for exponent forms, which are rounded to the digits of the others).
func decimalsOf(text string) int {
	if strings.ContainsAny(text, "eE") {
		return 0
	}
	i := strings.IndexByte(text, '.')
	if i < 0 {
		return 0
	}
	return len(text) - i - 1
}

// digitTemplate returns text with every digit replaced by 'd' when at
// least 7 of its characters are digits and the rest separators (phones,
// national IDs), else "".
func digitTemplate(text string) string {
	digits := 0
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			b = append(b, 'd')
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+' || c == '/':
			b = append(b, c)
		default:
			return ""
		}
	}
	if digits < 7 {
		return ""
	}
	return string(b)
}

func (k *keyShape) add(text string) {
	if !k.started {
		k.prefix = text
		k.started = true
	} else {
		k.prefix = commonPrefix(k.prefix, text)
	}
	k.maxLen = max(k.maxLen, len(text))
	if !isUUIDShape(text) {
		k.uuid = false
	}
	// Trailing digits.
	j := len(text)
	for j > 0 && text[j-1] >= '0' && text[j-1] <= '9' {
		j--
	}
	if len(text)-j > k.digitsTail {
		k.digitsTail = len(text) - j
	}
	if j == len(text) || (j > 0 && !isLetterPrefix(text[:j])) {
		k.allDigits = false
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 'a' && c <= 'z':
			k.lower = true
		case c >= 'A' && c <= 'Z':
			k.upper = true
		case c >= '0' && c <= '9':
			k.digit = true
		default:
			k.other = true
		}
	}
}

// isLetterPrefix reports whether s is made of letters and common key
// separators only.
func isLetterPrefix(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == ':' || c == '#') {
			return false
		}
	}
	return true
}

func commonPrefix(a, b string) string {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return a[:i]
}

func isUUIDShape(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// distinctCount returns the number of distinct texts (a lower bound after
// overflow).
func (s *colStats) distinctCount() int {
	if s.numeric {
		if s.distinct != nil {
			return len(s.distinct)
		}
		return exactNumbers + 1
	}
	if s.counts != nil {
		return len(s.counts)
	}
	return exactCategories + 1
}

// categoryCounts returns (text, count) pairs sorted by count, then text.
// After overflow the counts are Misra-Gries lower bounds.
func (s *colStats) categoryCounts() []textCount {
	var out []textCount
	if s.counts != nil {
		for t, c := range s.counts {
			out = append(out, textCount{t, c})
		}
	} else if s.mg != nil {
		for t, c := range s.mg.counts {
			out = append(out, textCount{t, c})
		}
	}
	sortCounts(out)
	return out
}

// sortCounts sorts counts by count, then text.
func sortCounts(out []textCount) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].text < out[j].text
	})
}

type textCount struct {
	text string
	n    int64
}

// misraGries is the Misra-Gries heavy-hitters summary with k counters:
// every count it holds is at most n/k below the true count. It is
// deterministic.
type misraGries struct {
	k      int
	counts map[string]int64
}

func newMisraGries(k int, start map[string]int64) *misraGries {
	m := &misraGries{k: k, counts: map[string]int64{}}
	// Seed with the k largest exact counts (ties by text).
	var all []textCount
	for t, c := range start {
		all = append(all, textCount{t, c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].text < all[j].text
	})
	for i := 0; i < len(all) && i < k; i++ {
		m.counts[all[i].text] = all[i].n
	}
	return m
}

func (m *misraGries) add(t string) {
	if _, ok := m.counts[t]; ok || len(m.counts) < m.k {
		m.counts[t]++
		return
	}
	for key, c := range m.counts {
		if c <= 1 {
			delete(m.counts, key)
		} else {
			m.counts[key] = c - 1
		}
	}
}
