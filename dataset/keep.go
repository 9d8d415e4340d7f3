package dataset

import (
	"io"
	"unsafe"
)

// Keeper is a Reader that keeps the records read through it, up to a
// budget of bytes, so that a second pass over a small input replays them
// from memory instead of reading and parsing the file again (anonymize
// with a privacy model reads its input twice).
//
// The values' text is copied into large chunks, with 4 bytes per value
// and 32 per record besides: about the size of the CSV file plus 4 bytes
// per value. Once the records outgrow the budget the keeper lets them go
// and Replay returns nil: the caller reads the input again.
type Keeper struct {
	r      Reader
	budget int64
	used   int64
	full   bool // over budget: nothing kept
	eof    bool
	ncols  int

	size   int64 // the input's size, when known
	chunks [][]byte
	blocks []keptBlock
	per    int // records a block
	n      int // records kept
	files  []string
	extra  map[int][]int // record -> line of each value, when they differ
}

// keptBlock holds up to Keeper.per records: blocks are never copied as
// they grow (fresh memory costs page faults; copies would double them).
type keptBlock struct {
	recs []keptRecord
	ends []uint32 // per value: its end in the record's chunk, nullBit for null
}

type keptRecord struct {
	row   int64
	line  int64
	file  int32
	chunk int32
	start uint32 // the first value's start in the chunk
}

const (
	nullBit        = 1 << 31
	keepChunk      = 1 << 20
	keptRecordSize = 32
)

// Keep returns a Keeper reading r with a budget of bytes. A reader that
// knows its size (a CSV file) is not kept at all when that size alone is
// over budget.
func Keep(r Reader, budget int64) *Keeper {
	k := &Keeper{r: r, budget: budget, ncols: r.Schema().Len()}
	k.per = max(16, 1<<16/max(k.ncols, 1))
	if p, ok := r.(Progresser); ok {
		if _, total, unit := p.Progress(); unit == "bytes" {
			k.size = total
			k.full = total > budget
		}
	}
	return k
}

// Schema returns the underlying reader's schema.
func (k *Keeper) Schema() Schema { return k.r.Schema() }

// Pos returns the underlying reader's position.
func (k *Keeper) Pos(col int) Position { return k.r.Pos(col) }

// Progress reports the underlying reader's progress, if it has one.
func (k *Keeper) Progress() (done, total int64, unit string) {
	if p, ok := k.r.(Progresser); ok {
		return p.Progress()
	}
	return 0, 0, "rows"
}

// Close closes the underlying reader; the kept records stay.
func (k *Keeper) Close() error { return k.r.Close() }

// Read returns the next record of the underlying reader and keeps it.
func (k *Keeper) Read() (*Record, error) {
	rec, err := k.r.Read()
	if err == io.EOF {
		k.eof = true
	}
	if err != nil || k.full {
		return rec, err
	}
	k.keep(rec)
	return rec, nil
}

func (k *Keeper) keep(rec *Record) {
	size := 0
	for _, v := range rec.Values {
		size += len(v.Text)
	}
	k.used += int64(size) + 4*int64(len(rec.Values)) + keptRecordSize
	if k.used > k.budget || size >= nullBit {
		k.drop()
		return
	}
	if len(k.chunks) == 0 || len(k.chunks[len(k.chunks)-1])+size > cap(k.chunks[len(k.chunks)-1]) {
		// A file's text fits in one chunk of its size. Offsets in a chunk
		// stay below nullBit.
		k.chunks = append(k.chunks, make([]byte, 0, min(max(keepChunk, size, int(k.size)), nullBit-1)))
		k.size = 0
	}
	ci := len(k.chunks) - 1
	c := k.chunks[ci]
	kr := keptRecord{row: rec.Row, chunk: int32(ci), start: uint32(len(c))}
	p, lines := recordPos(k.r, k.ncols)
	kr.line = int64(p.Line)
	if n := len(k.files); n == 0 || k.files[n-1] != p.File {
		k.files = append(k.files, p.File)
	}
	kr.file = int32(len(k.files) - 1)
	if k.n%k.per == 0 {
		k.blocks = append(k.blocks, keptBlock{recs: make([]keptRecord, 0, k.per), ends: make([]uint32, 0, k.per*k.ncols)})
	}
	b := &k.blocks[len(k.blocks)-1]
	for _, v := range rec.Values {
		c = append(c, v.Text...)
		end := uint32(len(c))
		if v.Null {
			end |= nullBit
		}
		b.ends = append(b.ends, end)
	}
	if lines != nil {
		if k.extra == nil {
			k.extra = map[int][]int{}
		}
		k.extra[k.n] = lines
	}
	k.chunks[ci] = c
	b.recs = append(b.recs, kr)
	k.n++
}

func (k *Keeper) drop() {
	k.full = true
	k.chunks, k.blocks, k.n, k.files, k.extra = nil, nil, 0, nil, nil
}

// recordPos returns the position of the first value of the record r last
// read and, when its values lie on several lines (a quoted field with
// line breaks), the line of each value; nil when they all are on the
// first. Lines never decrease within a record, so the last value tells.
func recordPos(r Reader, ncols int) (Position, []int) {
	p := r.Pos(0)
	if p.Line == 0 || ncols < 2 || r.Pos(ncols-1).Line == p.Line {
		return p, nil
	}
	lines := make([]int, ncols)
	for i := range lines {
		lines[i] = r.Pos(i).Line
	}
	return p, lines
}

// Replay returns a reader over the kept records, in the order read, with
// their row numbers and positions; nil if the records outgrew the budget
// or the underlying reader was not read to its end. Each call returns a
// new reader.
func (k *Keeper) Replay() Reader {
	if k.full || !k.eof {
		return nil
	}
	// The chunks are never written again once the input is read to its
	// end: strings may share their memory.
	texts := make([]string, len(k.chunks))
	for i, c := range k.chunks {
		texts[i] = unsafe.String(unsafe.SliceData(c), len(c))
	}
	return &replay{k: k, texts: texts, rec: Record{Values: make([]Value, k.ncols)}, cur: -1}
}

// replay reads a Keeper's records.
type replay struct {
	k     *Keeper
	texts []string
	rec   Record
	cur   int
}

func (r *replay) Schema() Schema { return r.k.r.Schema() }

func (r *replay) Read() (*Record, error) {
	if r.cur+1 >= r.k.n {
		r.cur = r.k.n
		return nil, io.EOF
	}
	r.cur++
	b := &r.k.blocks[r.cur/r.k.per]
	j := r.cur % r.k.per
	kr := &b.recs[j]
	text := r.texts[kr.chunk]
	start := kr.start
	for i, e := range b.ends[j*r.k.ncols : (j+1)*r.k.ncols] {
		end := e &^ nullBit
		r.rec.Values[i] = Value{Text: text[start:end], Null: e&nullBit != 0}
		start = end
	}
	r.rec.Row = kr.row
	return &r.rec, nil
}

func (r *replay) Pos(col int) Position {
	if r.cur < 0 || r.cur >= r.k.n {
		return Position{}
	}
	kr := &r.k.blocks[r.cur/r.k.per].recs[r.cur%r.k.per]
	p := Position{File: r.k.files[kr.file], Line: int(kr.line)}
	if ls := r.k.extra[r.cur]; ls != nil && col >= 0 && col < len(ls) {
		p.Line = ls[col]
	}
	return p
}

func (r *replay) Progress() (done, total int64, unit string) {
	return int64(min(r.cur+1, r.k.n)), int64(r.k.n), "rows"
}

func (r *replay) Close() error { return nil }
