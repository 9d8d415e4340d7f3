package anonymize

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// Data errors raised by transforms. They never hold the value.
var (
	ErrNotLeaf     = errors.New("value is not a leaf of the column's hierarchy (set on_unknown: top to map such values to the top level)")
	ErrNotEmail    = errors.New("not an e-mail address (want local@domain.tld)")
	ErrNotCard     = errors.New("not a card number (want 13 to 19 digits, spaces and dashes allowed)")
	ErrNotIBAN     = errors.New("not an IBAN (want 2 letters, 2 check digits and 11 to 30 letters or digits)")
	ErrFPETooShort = errors.New("too few characters for format-preserving encryption (FF1 needs a domain of at least 10^6 values: 6 digits, or 4 letters and digits)")
)

// transform turns one non-null input value into its output. rec is the
// whole input record (shift_date reads its entity column from it). An
// error is a data error about this value; it must not hold the value.
type transform interface {
	apply(v string, rec *dataset.Record) (dataset.Value, error)
}

// hashT writes keyed HMAC-SHA256 pseudonyms:
//
//	pseudonym = encode(HMAC-SHA256(key, value))[:length]
//
// with encode lower-case hex or RFC 4648 base32 (lower case, no padding).
// The raw key is the HMAC key, so that a pseudonym can be recomputed with
// any HMAC tool (e.g. openssl dgst -sha256 -hmac).
type hashT struct {
	mac    hash.Hash
	b32    bool
	length int
	in     []byte
	sum    []byte
	out    []byte
}

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func newHash(key []byte, encoding string, length int) *hashT {
	return &hashT{mac: hmac.New(sha256.New, key), b32: encoding == "base32", length: length,
		sum: make([]byte, 0, sha256.Size), out: make([]byte, 64)}
}

func (h *hashT) digest(v string) []byte {
	h.mac.Reset()
	h.in = append(h.in[:0], v...)
	h.mac.Write(h.in)
	h.sum = h.mac.Sum(h.sum[:0])
	if h.b32 {
		n := b32.EncodedLen(len(h.sum))
		b32.Encode(h.out[:n], h.sum)
	} else {
		hex.Encode(h.out, h.sum)
	}
	return h.out[:h.length]
}

func (h *hashT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	return dataset.Value{Text: string(h.digest(v))}, nil
}

// maskT keeps the first and last characters of a value and replaces the
// others with a mask character. With keepSep, only letters and digits are
// counted and masked; other characters (spaces, dashes, dots, @, +) stay in
// place. A value with no more maskable characters than are kept is masked
// whole, so that a short value is never shown in full.
type maskT struct {
	first, last int
	char        rune
	keepSep     bool
	buf         []byte
}

func (m *maskT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	n := 0
	for _, r := range v {
		if m.maskable(r) {
			n++
		}
	}
	first, last := m.first, m.last
	if n <= first+last {
		first, last = 0, 0
	}
	m.buf = m.buf[:0]
	i := 0
	for _, r := range v {
		if !m.maskable(r) {
			m.buf = utf8.AppendRune(m.buf, r)
			continue
		}
		if i < first || i >= n-last {
			m.buf = utf8.AppendRune(m.buf, r)
		} else {
			m.buf = utf8.AppendRune(m.buf, m.char)
		}
		i++
	}
	return dataset.Value{Text: string(m.buf)}, nil
}

func (m *maskT) maskable(r rune) bool {
	return !m.keepSep || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// numericT generalizes numbers: bottom and top coding, then bins of a
// width or between edges. Labels:
//
//	v < bottom_code         "<b"
//	v ≥ top_code            "t+"
//	width w                 "[lo,hi)" with lo = floor(v/w)·w, hi = lo + w
//	edges e0 < ... < en     "<e0", "[ei,ei+1)", "en+"
//
// Numbers are written in their shortest form ("[20,30)"); bin bounds are
// rounded to the decimals of the width, so 0.1-wide bins read "[0.3,0.4)".
// Without width or edges, values inside the codes keep their text.
type numericT struct {
	width      float64
	decimals   int
	edges      []float64
	labels     []string // edge labels: len(edges)+1
	top, bot   *float64
	topL, botL string
	cache      map[int64]string
}

func newNumeric(c *policies.Column) *numericT {
	t := &numericT{width: c.Width, edges: c.Edges, top: c.TopCode, bot: c.BottomCode, cache: map[int64]string{}}
	if c.Width > 0 {
		t.decimals = decimals(c.Width)
	}
	if t.top != nil {
		t.topL = fmtNum(*t.top) + "+"
	}
	if t.bot != nil {
		t.botL = "<" + fmtNum(*t.bot)
	}
	if len(t.edges) > 0 {
		t.labels = make([]string, len(t.edges)+1)
		t.labels[0] = "<" + fmtNum(t.edges[0])
		for i := 0; i+1 < len(t.edges); i++ {
			t.labels[i+1] = "[" + fmtNum(t.edges[i]) + "," + fmtNum(t.edges[i+1]) + ")"
		}
		t.labels[len(t.edges)] = fmtNum(t.edges[len(t.edges)-1]) + "+"
	}
	return t
}

// fmtNum prints a bin bound in plain digits, as width labels are
// (1000000, not 1e+06).
func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// decimals returns the number of decimals in the shortest form of f.
func decimals(f float64) int {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func (t *numericT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	f, err := dataset.ParseFloat(v)
	if err != nil {
		return dataset.Value{}, err
	}
	switch {
	case t.bot != nil && f < *t.bot:
		return dataset.Value{Text: t.botL}, nil
	case t.top != nil && f >= *t.top:
		return dataset.Value{Text: t.topL}, nil
	case len(t.edges) > 0:
		i := sort.SearchFloat64s(t.edges, f) // first edge ≥ f
		if i < len(t.edges) && t.edges[i] == f {
			i++
		}
		return dataset.Value{Text: t.labels[i]}, nil
	case t.width > 0:
		b := math.Floor(f / t.width)
		if math.Abs(b) > 1<<52 {
			return dataset.Value{}, dataset.ErrNotFloat
		}
		k := int64(b)
		// f/width rounds (0.3/0.1 = 2.9999999999999996): the bin is the
		// one whose printed bounds hold f, [lo, hi).
		if f < round(float64(k)*t.width, t.decimals) {
			k--
		} else if f >= round(float64(k+1)*t.width, t.decimals) {
			k++
		}
		if l, ok := t.cache[k]; ok {
			return dataset.Value{Text: l}, nil
		}
		lo := float64(k) * t.width
		hi := lo + t.width
		l := "[" + strconv.FormatFloat(round(lo, t.decimals), 'f', -1, 64) + "," + strconv.FormatFloat(round(hi, t.decimals), 'f', -1, 64) + ")"
		if len(t.cache) < 1<<14 {
			t.cache[k] = l
		}
		return dataset.Value{Text: l}, nil
	}
	return dataset.Value{Text: v}, nil
}

func round(f float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(f*p) / p
}

// truncateT generalizes dates and timestamps to the day, month or year:
// "2006-01-02", "2006-01" or "2006".
type truncateT struct {
	col    dataset.Column
	layout string
}

func newTruncate(col dataset.Column, unit string) *truncateT {
	l := map[string]string{"day": "2006-01-02", "month": "2006-01", "year": "2006"}[unit]
	return &truncateT{col: col, layout: l}
}

func (t *truncateT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	tm, err := dataset.ParseTime(t.col, v)
	if err != nil {
		return dataset.Value{}, err
	}
	return dataset.Value{Text: tm.Format(t.layout)}, nil
}

// prefixT keeps the first n characters and replaces each of the others with
// '*' ("12345" → "123**"). A kept prefix listed in restricted is replaced
// by restrictedAs (HIPAA's small ZIP3 areas → "000**").
type prefixT struct {
	n            int
	restricted   map[string]bool
	restrictedAs string
	buf          []byte
}

func (p *prefixT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	i, k := 0, 0
	for i < len(v) && k < p.n {
		_, size := utf8.DecodeRuneInString(v[i:])
		i += size
		k++
	}
	head := v[:i]
	if p.restricted[head] {
		head = p.restrictedAs
	}
	if i == len(v) && head == v {
		return dataset.Value{Text: v}, nil
	}
	p.buf = append(p.buf[:0], head...)
	for range v[i:] {
		p.buf = append(p.buf, '*')
	}
	return dataset.Value{Text: string(p.buf)}, nil
}

// hierarchyT generalizes a value with an ARX hierarchy at a fixed level.
type hierarchyT struct {
	h     *policies.Hierarchy
	level int
	top   string // the value for unknown values with on_unknown: top; "" = error
}

func newHierarchyT(h *policies.Hierarchy, level int, onUnknown string) *hierarchyT {
	t := &hierarchyT{h: h, level: level}
	if onUnknown == "top" {
		t.top = "*"
		if h.Top() {
			t.top = h.At(0, h.Height())
		}
	}
	return t
}

func (t *hierarchyT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	g, ok := t.h.Generalize(v, t.level)
	if !ok {
		if t.top == "" {
			return dataset.Value{}, ErrNotLeaf
		}
		return dataset.Value{Text: t.top}, nil
	}
	return dataset.Value{Text: g}, nil
}

// suppressT writes null.
type suppressT struct{}

func (suppressT) apply(string, *dataset.Record) (dataset.Value, error) {
	return dataset.NullValue, nil
}

// noiseT adds differential-privacy noise to a clamped number:
//
//	out = clamp(v, lower, upper) + noise,  noise ~ Laplace(Δ/ε) or N(0, σ²(Δ, ε, δ))
//	Δ = upper - lower (one value per row: L0 = 1, L∞ = Δ)
//
// Integer columns are rounded after the noise (post-processing keeps the
// guarantee). The output is not clamped again: values may fall outside
// [lower, upper], which keeps the noise unbiased.
type noiseT struct {
	src          NoiseSource
	gaussian     bool
	eps, delta   float64
	lower, upper float64
	integer      bool
}

func (n *noiseT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	f, err := dataset.ParseFloat(v)
	if err != nil {
		return dataset.Value{}, err
	}
	f = min(max(f, n.lower), n.upper)
	var out float64
	if n.gaussian {
		out, err = n.src.Gaussian(f, n.upper-n.lower, n.eps, n.delta)
	} else {
		out, err = n.src.Laplace(f, n.upper-n.lower, n.eps)
	}
	if err != nil {
		return dataset.Value{}, err
	}
	if n.integer {
		r := math.Round(out)
		if math.Abs(r) >= 1<<62 {
			return dataset.Value{}, dataset.ErrIntegerRange
		}
		return dataset.Value{Text: strconv.FormatInt(int64(r), 10)}, nil
	}
	return dataset.Value{Text: strconv.FormatFloat(out, 'g', -1, 64)}, nil
}

// shiftT moves every date of one entity by the same secret offset:
//
//	h      = HMAC-SHA256(subkey, entity value)
//	o      = uint64(h[0:8]) mod 2·max_days
//	offset = o - max_days      if o < max_days   (−max_days … −1)
//	         o - max_days + 1  otherwise         (1 … max_days)
//
// so the offset is never 0 and intervals between the dates of one entity
// are kept exactly. A row whose entity value is null gets a null date: it
// cannot be shifted consistently.
type shiftT struct {
	mac     hash.Hash
	by      int
	col     dataset.Column
	layout  string
	maxDays int
	in      []byte
	sum     []byte
}

func newShift(key []byte, by int, col dataset.Column, maxDays int) *shiftT {
	layout := col.Layout
	if layout == "" {
		if col.Kind == dataset.Date {
			layout = dataset.DateLayout
		} else {
			layout = dataset.TimestampLayout
		}
	}
	return &shiftT{mac: hmac.New(sha256.New, subKey(key, "shift_date")), by: by, col: col, layout: layout, maxDays: maxDays}
}

// offset returns the shift in days for one entity.
func (s *shiftT) offset(entity string) int {
	s.mac.Reset()
	s.in = append(s.in[:0], entity...)
	s.mac.Write(s.in)
	s.sum = s.mac.Sum(s.sum[:0])
	o := int(binary.BigEndian.Uint64(s.sum) % uint64(2*s.maxDays))
	if o < s.maxDays {
		return o - s.maxDays
	}
	return o - s.maxDays + 1
}

func (s *shiftT) apply(v string, rec *dataset.Record) (dataset.Value, error) {
	ent := rec.Values[s.by]
	if ent.Null {
		return dataset.NullValue, nil
	}
	tm, err := dataset.ParseTime(s.col, v)
	if err != nil {
		return dataset.Value{}, err
	}
	return dataset.Value{Text: tm.AddDate(0, 0, s.offset(ent.Text)).Format(s.layout)}, nil
}
