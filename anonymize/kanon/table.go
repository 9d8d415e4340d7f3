package kanon

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/veil-data/veil/dataset"
)

// Attribute is a quasi-identifier column and how it may be generalized.
// The optimal search needs a Hierarchy or Intervals (or Fixed); Mondrian
// also accepts none of them, for a numeric column it cuts into ranges.
type Attribute struct {
	Name string
	// Hierarchy generalizes the column's values; every non-missing value
	// must be one of its leaves.
	Hierarchy *Hierarchy
	// Intervals generalizes a numeric column into bins, nested level by
	// level; the hierarchy is built from the values seen.
	Intervals *Intervals
	// Fixed marks a column whose values are released as they are (the
	// policy fixed them): it counts in the classes, but the searches may
	// only suppress rows, never generalize it.
	Fixed bool
	// Unknown, when set, is the leaf of Hierarchy that values missing from
	// the hierarchy count as (instead of an error): veil adds a leaf whose
	// value is the top value at every level, as the generalize action's
	// on_unknown: top writes them.
	Unknown string
	// Masking generalizes a text column by masking its last characters,
	// one more per level (13053, 1305*, 130**, ..., *****, then *): a
	// hierarchy built from the values seen, for codes such as ZIP codes.
	Masking bool
	// Numeric makes Mondrian cut a column with a hierarchy as numbers and
	// release ranges (when all its leaves are numbers), instead of cutting
	// along the hierarchy. A column with neither Hierarchy nor Intervals
	// is always numeric.
	Numeric bool
}

// SensitiveAttribute is the column that l-diversity and t-closeness
// protect.
type SensitiveAttribute struct {
	Name string
	// Hierarchy gives t-closeness its hierarchical ground distance; every
	// non-missing value must be one of its leaves. Nil otherwise.
	Hierarchy *Hierarchy
}

type columnKind uint8

const (
	kindHierarchy columnKind = iota // leaf codes of a hierarchy
	kindNumeric                     // numbers, dictionary-coded, sorted at the end
	kindText                        // any text, dictionary-coded (sensitive column)
)

// column encodes one column's values into codes.
type column struct {
	name string
	kind columnKind
	h    *Hierarchy
	iv   *Intervals
	// Dictionary columns: during pass 1 code 0 is missing and codes follow
	// first appearance; Table renumbers them in sorted order with missing
	// last.
	dict  map[string]uint32
	texts []string
	nums  []float64
	// Packing into key words.
	bits, word, shift uint
	// fixed: released as is (a hierarchy of height 0 over the values).
	fixed bool
	// ordered: Mondrian cuts the column as numbers.
	ordered bool
	// masking: a masking hierarchy is built from the values.
	masking bool
	// unknown: the leaf code of values not in the hierarchy, or -1.
	unknown int32
	// finished: dict holds final codes; missingCode is the final code of
	// missing values.
	finished    bool
	missingCode uint32
}

func (c *column) numCodes() int {
	if c.h != nil {
		return c.h.numLeaves()
	}
	return len(c.texts) // pass 1: missing + values; finished: values + missing
}

// encode returns the code of v. New dictionary values are added unless the
// column is finished.
func (c *column) encode(v dataset.Value, add bool) (uint32, error) {
	if c.kind == kindHierarchy {
		code, ok := c.h.leafCode(v.Text, v.Null)
		if !ok {
			if c.unknown < 0 {
				return 0, ErrNotInHierarchy
			}
			code = c.unknown
		}
		return uint32(code), nil
	}
	if v.Null {
		if c.finished {
			return c.missingCode, nil
		}
		return 0, nil
	}
	if code, ok := c.dict[v.Text]; ok {
		return code, nil
	}
	num := math.NaN()
	if c.kind == kindNumeric {
		f, err := dataset.ParseFloat(v.Text)
		if err != nil {
			return 0, ErrNotNumber
		}
		num = f
	}
	if !add {
		return 0, ErrUnknownRow
	}
	code := uint32(len(c.texts))
	t := strings.Clone(v.Text)
	c.dict[t] = code
	c.texts = append(c.texts, t)
	c.nums = append(c.nums, num)
	return code, nil
}

// Encoder turns rows' quasi-identifier (and sensitive) values into compact
// integer codes and counts identical combinations, so that memory grows
// with the number of distinct combinations, not with rows. An Encoder is
// not safe for concurrent use.
type Encoder struct {
	cols   []*column // quasi-identifiers, then the sensitive column
	nqi    int
	words  int
	keys   []uint64 // words per entry
	counts []uint32
	slots  []int32 // open addressing: entry index + 1, 0 = empty
	rows   int64
	key    []uint64
}

// NewEncoder returns an encoder for the quasi-identifiers attrs and the
// sensitive columns sens (none when no l-diversity or t-closeness is
// asked; l-diversity and t-closeness may protect different columns).
func NewEncoder(attrs []Attribute, sens ...SensitiveAttribute) (*Encoder, error) {
	if len(attrs) == 0 {
		return nil, ErrNoAttributes
	}
	e := &Encoder{nqi: len(attrs)}
	for _, a := range attrs {
		c := &column{name: a.Name, ordered: a.Numeric, unknown: -1}
		switch {
		case a.Fixed:
			c.kind, c.fixed = kindText, true
			c.dict = map[string]uint32{}
			c.texts, c.nums = []string{""}, []float64{math.NaN()}
		case a.Hierarchy != nil:
			c.kind, c.h = kindHierarchy, a.Hierarchy
			if a.Unknown != "" {
				u, ok := a.Hierarchy.index[a.Unknown]
				if !ok {
					return nil, fmt.Errorf("attribute %q: the unknown leaf is not in its hierarchy", a.Name)
				}
				c.unknown = u
			}
		case a.Masking:
			c.kind, c.masking = kindText, true
			c.dict = map[string]uint32{}
			c.texts, c.nums = []string{""}, []float64{math.NaN()}
		default:
			c.kind, c.iv = kindNumeric, a.Intervals
			c.dict = map[string]uint32{}
			c.texts, c.nums = []string{""}, []float64{math.NaN()}
		}
		e.cols = append(e.cols, c)
	}
	for _, sa := range sens {
		c := &column{name: sa.Name, unknown: -1}
		if sa.Hierarchy != nil {
			c.kind, c.h = kindHierarchy, sa.Hierarchy
		} else {
			c.kind = kindText
			c.dict = map[string]uint32{}
			c.texts, c.nums = []string{""}, []float64{math.NaN()}
		}
		e.cols = append(e.cols, c)
	}
	for _, c := range e.cols {
		c.bits = codeBits(c.numCodes())
		if c.kind != kindHierarchy {
			c.bits = 8
		}
	}
	e.words = layout(e.cols)
	e.key = make([]uint64, e.words)
	e.slots = make([]int32, 1024)
	return e, nil
}

// layout places each column's bits in the key words, without straddling a
// word boundary, and returns the number of words.
func layout(cols []*column) int {
	word, shift := uint(0), uint(0)
	for _, c := range cols {
		if shift+c.bits > 64 {
			word++
			shift = 0
		}
		c.word, c.shift = word, shift
		shift += c.bits
	}
	return int(word) + 1
}

// Add counts one row. vals holds the quasi-identifiers' values in the
// order of the attributes, then the sensitive columns' values. It returns
// the index of the row's combination, which Table.Entry turns into the
// row's entry once the table is built. Errors are *ValueError values
// naming the attribute.
func (e *Encoder) Add(vals []dataset.Value) (int, error) {
	if len(vals) != len(e.cols) {
		panic(fmt.Sprintf("kanon: Add with %d values, want %d", len(vals), len(e.cols)))
	}
	clear(e.key)
	for i, c := range e.cols {
		code, err := c.encode(vals[i], true)
		if err != nil {
			return 0, &ValueError{Attr: i, Name: c.name, Err: err}
		}
		if uint64(code)>>c.bits != 0 {
			e.grow(c)
			clear(e.key)
			for j := range i {
				cj, _ := e.cols[j].encode(vals[j], false)
				e.key[e.cols[j].word] |= uint64(cj) << e.cols[j].shift
			}
		}
		e.key[c.word] |= uint64(code) << c.shift
	}
	if e.rows == math.MaxUint32 {
		return 0, ErrTooManyRows
	}
	idx, found := e.find(e.key)
	if found {
		e.counts[idx]++
	} else {
		e.insert(idx, e.key)
		idx = len(e.counts) - 1
	}
	e.rows++
	return idx, nil
}

// Rows returns the number of rows added.
func (e *Encoder) Rows() int64 { return e.rows }

// Distinct returns the number of distinct combinations counted so far.
func (e *Encoder) Distinct() int { return len(e.counts) }

// hashKey mixes a key's words (splitmix64's finalizer per word).
func hashKey(k []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, w := range k {
		h ^= w
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// find returns the entry holding key, or the empty slot where it belongs.
func (e *Encoder) find(key []uint64) (int, bool) {
	return probe(e.slots, e.keys, e.words, key)
}

func probe(slots []int32, keys []uint64, words int, key []uint64) (int, bool) {
	mask := uint64(len(slots) - 1)
	i := hashKey(key) & mask
	for {
		s := slots[i]
		if s == 0 {
			return int(i), false
		}
		ent := keys[int(s-1)*words : int(s)*words]
		if slices.Equal(ent, key) {
			return int(s - 1), true
		}
		i = (i + 1) & mask
	}
}

func (e *Encoder) insert(slot int, key []uint64) {
	e.keys = append(e.keys, key...)
	e.counts = append(e.counts, 1)
	e.slots[slot] = int32(len(e.counts))
	if len(e.counts)*4 > len(e.slots)*3 {
		e.slots = rehash(e.keys, e.words, len(e.counts), len(e.slots)*2)
	}
}

func rehash(keys []uint64, words, n, size int) []int32 {
	slots := make([]int32, size)
	mask := uint64(size - 1)
	for j := range n {
		i := hashKey(keys[j*words:(j+1)*words]) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = int32(j + 1)
	}
	return slots
}

// grow widens column c's codes and repacks every entry.
func (e *Encoder) grow(c *column) {
	old := make([]struct{ bits, word, shift uint }, len(e.cols))
	for i, cc := range e.cols {
		old[i] = struct{ bits, word, shift uint }{cc.bits, cc.word, cc.shift}
	}
	c.bits = min(c.bits+8, 32)
	oldWords := e.words
	e.words = layout(e.cols)
	n := len(e.counts)
	keys := make([]uint64, n*e.words, cap(e.keys)/oldWords*e.words)
	for j := range n {
		src := e.keys[j*oldWords : (j+1)*oldWords]
		dst := keys[j*e.words : (j+1)*e.words]
		for i, cc := range e.cols {
			o := old[i]
			v := src[o.word] >> o.shift & (1<<o.bits - 1)
			dst[cc.word] |= v << cc.shift
		}
	}
	e.keys = keys
	e.key = make([]uint64, e.words)
	e.slots = rehash(e.keys, e.words, n, len(e.slots))
}

// Table returns the counted rows as a table for the searches. The encoder
// must not be used afterwards.
func (e *Encoder) Table() (*Table, error) {
	type place struct{ bits, word, shift uint }
	old := make([]place, len(e.cols))
	for i, c := range e.cols {
		old[i] = place{c.bits, c.word, c.shift}
	}
	oldWords := e.words
	// Renumber dictionary columns in sorted order, missing last, and build
	// the interval hierarchies over the values seen.
	remap := make([][]uint32, len(e.cols))
	for i, c := range e.cols {
		if c.kind == kindHierarchy {
			continue
		}
		remap[i] = c.finish()
		vals := c.texts[:len(c.texts)-1]
		switch {
		case c.iv != nil:
			h, err := c.iv.build(c.name, vals, c.nums[:len(c.nums)-1])
			if err != nil {
				return nil, err
			}
			c.h = h
		case c.masking:
			h, err := compileRows(c.name, maskingRows(vals))
			if err != nil {
				return nil, err
			}
			c.h = h
		case c.fixed:
			rows := make([][]string, len(vals))
			for j, v := range vals {
				rows[j] = []string{v}
			}
			if len(rows) == 0 {
				rows = [][]string{{"\x00"}} // no value seen: a placeholder leaf
			}
			h, err := compileRows(c.name, rows)
			if err != nil {
				return nil, err
			}
			c.h = h
		}
		if c.h != nil && len(vals) == 0 {
			// Only missing values: they take the hierarchy's missing leaf.
			c.missingCode = uint32(c.h.missing)
			remap[i][0] = c.missingCode
		}
	}
	qcols := e.cols[:e.nqi]
	for _, c := range qcols {
		c.bits = codeBits(c.numCodes())
	}
	t := &Table{n: e.rows, cols: qcols, sens: e.cols[e.nqi:]}
	// Columns with more codes take higher bits: the last one (the most
	// significant when entries are sorted) is the one with the most codes.
	byCodes := slices.Clone(qcols)
	slices.SortStableFunc(byCodes, func(a, b *column) int { return cmp.Compare(a.numCodes(), b.numCodes()) })
	t.words = layout(byCodes)
	for q, c := range qcols {
		if c == byCodes[len(byCodes)-1] {
			t.top = q
		}
	}
	n := len(e.counts)
	same := len(t.sens) == 0 && t.words == oldWords
	for i, c := range qcols {
		same = same && remap[i] == nil && c.word == old[i].word && c.shift == old[i].shift
	}
	if same {
		// Nothing to renumber: the pass-1 entries are the table's.
		t.keys, t.counts = e.keys, e.counts
		e.keys, e.counts, e.slots = nil, nil, nil
		t.finish()
		return t, nil
	}
	W := t.words
	if len(t.sens) == 0 && W <= oldWords {
		// Renumbering is one-to-one (dictionary codes are permuted,
		// hierarchy codes kept) and no column leaves the key: distinct
		// combinations stay distinct, so each entry is rewritten in place,
		// without a second copy of the table.
		e.slots = nil
		src := make([]uint64, oldWords)
		for j := range n {
			copy(src, e.keys[j*oldWords:(j+1)*oldWords])
			dst := e.keys[j*W : (j+1)*W]
			clear(dst)
			for i, c := range qcols {
				o := old[i]
				v := uint32(src[o.word] >> o.shift & (1<<o.bits - 1))
				if remap[i] != nil {
					v = remap[i][v]
				}
				dst[c.word] |= uint64(v) << c.shift
			}
		}
		t.keys, t.counts = e.keys[:n*W], e.counts
		e.keys, e.counts = nil, nil
		t.finish()
		return t, nil
	}
	t.keys = make([]uint64, 0, n*W)
	t.slots = make([]int32, slotsFor(n))
	entryOf := make([]int32, n)
	key := make([]uint64, W)
	for j := range n {
		src := e.keys[j*oldWords : (j+1)*oldWords]
		clear(key)
		for i, c := range qcols {
			o := old[i]
			v := uint32(src[o.word] >> o.shift & (1<<o.bits - 1))
			if remap[i] != nil {
				v = remap[i][v]
			}
			key[c.word] |= uint64(v) << c.shift
		}
		idx, found := probe(t.slots, t.keys, W, key)
		if found {
			t.counts[idx] += e.counts[j]
		} else {
			t.keys = append(t.keys, key...)
			t.counts = append(t.counts, e.counts[j])
			t.slots[idx] = int32(len(t.counts))
			idx = len(t.counts) - 1
		}
		entryOf[j] = int32(idx)
	}
	// Sensitive values per entry, one histogram per sensitive column.
	codes := make([]uint32, n)
	for s := range t.sens {
		i := e.nqi + s
		o := old[i]
		for j := range n {
			v := uint32(e.keys[j*oldWords+int(o.word)] >> o.shift & (1<<o.bits - 1))
			if remap[i] != nil {
				v = remap[i][v]
			}
			codes[j] = v
		}
		t.hist = append(t.hist, buildHist(len(t.counts), entryOf, codes, e.counts))
	}
	t.entryOf = entryOf
	t.slots = nil // rebuilt on demand by the lookups
	e.keys, e.slots, e.counts = nil, nil, nil
	t.finish()
	return t, nil
}

// histCSR holds one sensitive column's values per class: the codes and
// counts of class i are code[off[i]:off[i+1]] and cnt[...], sorted by
// code.
type histCSR struct {
	off  []int32
	code []uint32
	cnt  []uint32
}

func (h *histCSR) of(i int) sensHist {
	lo, hi := h.off[i], h.off[i+1]
	return sensHist{codes: h.code[lo:hi], counts: h.cnt[lo:hi]}
}

// sensHist is the distribution of one sensitive column in a class.
type sensHist struct {
	codes  []uint32 // sorted
	counts []uint32
}

// buildHist groups (entry, code, count) triples by entry, sorted by code,
// adding up duplicates.
func buildHist(m int, entryOf []int32, codes, counts []uint32) histCSR {
	n := len(entryOf)
	off := make([]int32, m+1)
	for j := range n {
		off[entryOf[j]+1]++
	}
	for i := range m {
		off[i+1] += off[i]
	}
	h := histCSR{code: make([]uint32, n), cnt: make([]uint32, n)}
	next := slices.Clone(off[:m])
	for j := range n {
		p := next[entryOf[j]]
		h.code[p], h.cnt[p] = codes[j], counts[j]
		next[entryOf[j]]++
	}
	// Sort each run and merge equal codes in place.
	h.off = make([]int32, m+1)
	w := int32(0)
	for i := range m {
		lo, hi := off[i], off[i+1]
		if hi-lo > 1 {
			sortPairs(h.code[lo:hi], h.cnt[lo:hi])
		}
		for p := lo; p < hi; p++ {
			if p > lo && h.code[p] == h.code[w-1] && w > h.off[i] {
				h.cnt[w-1] += h.cnt[p]
				continue
			}
			h.code[w], h.cnt[w] = h.code[p], h.cnt[p]
			w++
		}
		h.off[i+1] = w
	}
	h.code, h.cnt = h.code[:w:w], h.cnt[:w:w]
	return h
}

// codeBits returns the bits needed for codes 0..n-1.
func codeBits(n int) uint { return uint(max(bits.Len(uint(n-1)), 1)) }

// slotsFor returns a power-of-two slot count for n entries at a load of at
// most 3/4.
func slotsFor(n int) int {
	size := 16
	for size*3 < n*4 {
		size *= 2
	}
	return size
}

func sortPairs(codes, counts []uint32) {
	if len(codes) > 32 {
		sort.Sort(pairs{codes, counts})
		return
	}
	// Insertion sort: runs are usually short (the distinct sensitive
	// values of one combination of quasi-identifiers).
	for i := 1; i < len(codes); i++ {
		for j := i; j > 0 && codes[j] < codes[j-1]; j-- {
			codes[j], codes[j-1] = codes[j-1], codes[j]
			counts[j], counts[j-1] = counts[j-1], counts[j]
		}
	}
}

// finish renumbers a dictionary column's codes in sorted order (numbers by
// value then text, text by text) with missing last, and returns the map
// from pass-1 codes to final codes.
func (c *column) finish() []uint32 {
	n := len(c.texts) - 1 // without missing
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i + 1
	}
	numeric := c.kind == kindNumeric
	if !numeric && n > 0 {
		// A text column whose values are all numbers is ordered by number
		// (t-closeness's ordered distance).
		numeric = true
		for i := 1; i <= n; i++ {
			f, err := dataset.ParseFloat(c.texts[i])
			if err != nil {
				numeric = false
				break
			}
			c.nums[i] = f
		}
	}
	slices.SortFunc(perm, func(a, b int) int {
		if numeric {
			if r := cmp.Compare(c.nums[a], c.nums[b]); r != 0 {
				return r
			}
		}
		return strings.Compare(c.texts[a], c.texts[b])
	})
	remap := make([]uint32, n+1)
	texts := make([]string, 0, n+1)
	nums := make([]float64, 0, n+1)
	for newCode, oldCode := range perm {
		remap[oldCode] = uint32(newCode)
		texts = append(texts, c.texts[oldCode])
		nums = append(nums, c.nums[oldCode])
		c.dict[c.texts[oldCode]] = uint32(newCode)
	}
	remap[0] = uint32(n)
	c.texts = append(texts, "")
	c.nums = append(nums, math.NaN())
	c.missingCode = uint32(n)
	c.finished = true
	return remap
}

type pairs struct{ codes, counts []uint32 }

func (p pairs) Len() int           { return len(p.codes) }
func (p pairs) Less(i, j int) bool { return p.codes[i] < p.codes[j] }
func (p pairs) Swap(i, j int) {
	p.codes[i], p.codes[j] = p.codes[j], p.codes[i]
	p.counts[i], p.counts[j] = p.counts[j], p.counts[i]
}

// Table holds a table's distinct combinations of quasi-identifier codes
// (entries) with their row counts and, for each sensitive column, the
// counts of its values in each entry. The searches read it and never
// modify it: several may run on one table at once.
type Table struct {
	n      int64
	cols   []*column
	sens   []*column
	words  int
	keys   []uint64 // words per entry
	counts []uint32
	slots  []int32
	hist   []histCSR // per sensitive column
	// sensTotal[s][c] is the number of rows holding code c of sensitive
	// column s: the table's distribution that t-closeness compares with.
	sensTotal [][]int64
	// leafFreq[q][leaf] is the number of rows holding leaf of column q.
	leafFreq [][]int64
	// entryReleased reports that ReleaseEntryMap dropped entryOf.
	entryReleased bool
	// entryOf maps the encoder's combination indexes to entries (nil: the
	// same).
	entryOf []int32
	// refTotal, for a part of a table, is the whole table's sensTotal.
	refTotal [][]int64
	// top is the column in the key's highest bits: entries are sorted by
	// it first.
	top int
	// index finds an entry by key (Recoder); built on first use.
	indexOnce sync.Once
}

// sortEntries orders the entries by key, the last column's code being the
// most significant: the roll-ups then read the hierarchy lookup tables of
// high-cardinality columns (placed last by the caller or not) almost in
// order, and rows of one class come in runs, which keeps the caches warm.
func (t *Table) sortEntries() {
	n := len(t.counts)
	W := t.words
	sorted := true
	for i := 1; i < n && sorted; i++ {
		sorted = compareKeys(t.keys[(i-1)*W:i*W], t.keys[i*W:(i+1)*W]) <= 0
	}
	if sorted {
		return
	}
	if len(t.hist) > 0 {
		t.sortEntriesWithHist()
		return
	}
	// Sort the entries in place, carrying each one's former index: 4
	// bytes per entry beside the table, which the permutation's inverse
	// (the new index of each former one) then reuses.
	orig := make([]int32, n)
	for i := range orig {
		orig[i] = int32(i)
	}
	sort.Sort(&entrySorter{keys: t.keys, counts: t.counts, orig: orig, w: W, tmp: make([]uint64, W)})
	where := invertPermutation(orig)
	if t.entryOf == nil {
		t.entryOf = where
	} else {
		for i, e := range t.entryOf {
			t.entryOf[i] = where[e]
		}
	}
}

// compareKeys orders packed keys by their most significant word first.
func compareKeys(a, b []uint64) int {
	for w := len(a) - 1; w >= 0; w-- {
		if a[w] != b[w] {
			return cmp.Compare(a[w], b[w])
		}
	}
	return 0
}

// entrySorter sorts a table's entries (keys and counts) in place, with
// their former indexes.
type entrySorter struct {
	keys   []uint64
	counts []uint32
	orig   []int32
	w      int
	tmp    []uint64
}

func (s *entrySorter) Len() int { return len(s.counts) }

func (s *entrySorter) Less(i, j int) bool {
	if s.w == 1 {
		return s.keys[i] < s.keys[j]
	}
	return compareKeys(s.keys[i*s.w:(i+1)*s.w], s.keys[j*s.w:(j+1)*s.w]) < 0
}

func (s *entrySorter) Swap(i, j int) {
	if s.w == 1 {
		s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	} else {
		a, b := s.keys[i*s.w:(i+1)*s.w], s.keys[j*s.w:(j+1)*s.w]
		copy(s.tmp, a)
		copy(a, b)
		copy(b, s.tmp)
	}
	s.counts[i], s.counts[j] = s.counts[j], s.counts[i]
	s.orig[i], s.orig[j] = s.orig[j], s.orig[i]
}

// invertPermutation turns p into its inverse in place (p[i] = v becomes
// p[v] = i) and returns it: each cycle is walked once, entries done marked
// by complementing them.
func invertPermutation(p []int32) []int32 {
	for start := range p {
		if p[start] < 0 {
			continue
		}
		prev, cur := int32(start), p[start]
		for cur != int32(start) {
			next := p[cur]
			p[cur] = ^prev
			prev, cur = cur, next
		}
		p[start] = ^prev
	}
	for i := range p {
		p[i] = ^p[i]
	}
	return p
}

// sortEntriesWithHist sorts the entries with their sensitive values.
func (t *Table) sortEntriesWithHist() {
	n := len(t.counts)
	W := t.words
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int {
		return compareKeys(t.keys[int(a)*W:int(a+1)*W], t.keys[int(b)*W:int(b+1)*W])
	})
	keys := make([]uint64, len(t.keys))
	counts := make([]uint32, n)
	where := make([]int32, n) // old entry -> new
	for i, p := range perm {
		copy(keys[i*W:(i+1)*W], t.keys[int(p)*W:int(p+1)*W])
		counts[i] = t.counts[p]
		where[p] = int32(i)
	}
	for k := range t.hist {
		h := &t.hist[k]
		nh := histCSR{off: make([]int32, n+1), code: make([]uint32, 0, len(h.code)), cnt: make([]uint32, 0, len(h.cnt))}
		for i, p := range perm {
			lo, hi := h.off[p], h.off[p+1]
			nh.code = append(nh.code, h.code[lo:hi]...)
			nh.cnt = append(nh.cnt, h.cnt[lo:hi]...)
			nh.off[i+1] = int32(len(nh.code))
		}
		*h = nh
	}
	if t.entryOf == nil {
		t.entryOf = where
	} else {
		for i, e := range t.entryOf {
			t.entryOf[i] = where[e]
		}
	}
	t.keys, t.counts = keys, counts
}

// Entry returns the entry of the combination index that Encoder.Add
// returned for a row. It panics after ReleaseEntryMap.
func (t *Table) Entry(i int) int {
	if t.entryReleased {
		panic("kanon: Table.Entry called after ReleaseEntryMap")
	}
	if t.entryOf == nil {
		return i
	}
	return int(t.entryOf[i])
}

// ReleaseEntryMap frees the map from the combination indexes Encoder.Add
// returned to entries (4 bytes per distinct combination), for a caller
// that has translated every index it keeps with Entry: on tables whose
// rows are nearly all distinct, the map is as large as the caller's own
// index of rows.
func (t *Table) ReleaseEntryMap() {
	t.entryOf = nil
	t.entryReleased = true
}

func (t *Table) finish() {
	t.sortEntries()
	t.leafFreq = make([][]int64, len(t.cols))
	for q, c := range t.cols {
		t.leafFreq[q] = make([]int64, c.numCodes())
	}
	for e, n := range t.counts {
		for q := range t.cols {
			t.leafFreq[q][t.code(e, q)] += int64(n)
		}
	}
	t.sensTotal = make([][]int64, len(t.sens))
	for s, c := range t.sens {
		tot := make([]int64, c.numCodes())
		for i, code := range t.hist[s].code {
			tot[code] += int64(t.hist[s].cnt[i])
		}
		t.sensTotal[s] = tot
	}
}

// sensIndex returns the index of the sensitive column named name, or the
// only one when name is empty; -1 when there is none.
func (t *Table) sensIndex(name string) int {
	if name == "" && len(t.sens) == 1 {
		return 0
	}
	for i, c := range t.sens {
		if c.name == name {
			return i
		}
	}
	return -1
}

// missingCode returns the code of missing values of quasi-identifier q.
func (t *Table) missingCode(q int) uint32 {
	c := t.cols[q]
	if c.h != nil {
		return uint32(c.h.missing)
	}
	return c.missingCode
}

// missing reports whether code is quasi-identifier q's missing value.
func (t *Table) missing(q int, code uint32) bool { return code == t.missingCode(q) }

// code returns the code of quasi-identifier q in entry e.
func (t *Table) code(e, q int) uint32 {
	c := t.cols[q]
	return uint32(t.keys[e*t.words+int(c.word)]>>c.shift) & (1<<c.bits - 1)
}

// Rows returns the number of rows in the table.
func (t *Table) Rows() int64 { return t.n }

// Distinct returns the number of distinct combinations of
// quasi-identifiers.
func (t *Table) Distinct() int { return len(t.counts) }

// Attributes returns the quasi-identifiers' names in order.
func (t *Table) Attributes() []string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.name
	}
	return names
}

// MemoryBytes returns the bytes the table's arrays hold (entries, counts,
// index and sensitive histograms), not counting the dictionaries.
func (t *Table) MemoryBytes() int64 {
	b := int64(len(t.keys))*8 + int64(len(t.counts))*4 + int64(len(t.slots))*4 + int64(len(t.entryOf))*4
	for _, h := range t.hist {
		b += int64(len(h.off))*4 + int64(len(h.code))*8
	}
	return b
}

// lookup returns the entry of a row given its quasi-identifier values.
func (t *Table) lookup(vals []dataset.Value, key []uint64) (int, error) {
	clear(key)
	for q, c := range t.cols {
		code, err := c.encode(vals[q], false)
		if err != nil {
			return 0, &ValueError{Attr: q, Name: c.name, Err: err}
		}
		key[c.word] |= uint64(code) << c.shift
	}
	t.indexOnce.Do(func() { t.slots = rehash(t.keys, t.words, len(t.counts), slotsFor(len(t.counts))) })
	idx, found := probe(t.slots, t.keys, t.words, key)
	if !found {
		return 0, ErrUnknownRow
	}
	return idx, nil
}

// maskingRows returns the rows of a masking hierarchy over vals: level l
// masks the last l characters of each value with *, up to the longest
// value's length, and the top is *.
func maskingRows(vals []string) [][]string {
	if len(vals) == 0 {
		return [][]string{{"\x00", "*"}}
	}
	longest := 0
	runes := make([][]rune, len(vals))
	for i, v := range vals {
		runes[i] = []rune(v)
		longest = max(longest, len(runes[i]))
	}
	rows := make([][]string, len(vals))
	for i, v := range vals {
		r := runes[i]
		row := make([]string, 0, longest+2)
		row = append(row, v)
		masked := slices.Clone(r)
		for l := 1; l <= longest; l++ {
			if j := len(r) - l; j >= 0 {
				masked[j] = '*'
			}
			row = append(row, string(masked))
		}
		rows[i] = append(row, "*")
	}
	return rows
}
