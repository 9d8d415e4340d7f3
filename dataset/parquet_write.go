package dataset

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/klauspost/compress/gzip"
	"github.com/xitongsys/parquet-go/parquet"
)

// Sizes of the Parquet writer. Row groups hold DefaultRowGroupRows rows or
// rowGroupBytes of buffered values, whichever comes first: that bounds the
// writer's memory whatever the number of rows. Pages follow parquet-mr's
// defaults (1 MiB, at most 20,000 rows), as does the 1 MiB dictionary limit
// past which a column chunk falls back to plain encoding.
const (
	DefaultRowGroupRows = 65536
	rowGroupBytes       = 32 << 20
	pageBytes           = 1 << 20
	pageRows            = 20000
	dictBytes           = 1 << 20
	// dictProbe is how many values of a chunk are seen before a column whose
	// values are mostly distinct gives up dictionary encoding.
	dictProbe = 1024
	// statsMaxBytes is the longest string kept as a chunk's min or max
	// statistic (parquet-mr truncates at 64 bytes; veil omits them instead).
	statsMaxBytes = 64
)

var errWriterClosed = errors.New("parquet: write after Close")

// Timestamp units of a column being written.
const (
	tsUndecided = iota // first row group: values kept as micros + sub-micro nanos
	tsMicros
	tsNanos
)

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

type parquetWriter struct {
	w         io.Writer
	off       int64 // bytes written
	codec     parquet.CompressionCodec
	cols      []*pqColWriter
	groupRows int
	rows      int   // rows in the current row group
	buffered  int64 // approximate bytes held by the current row group
	meta      *parquet.FileMetaData
	scratch   []pqParsed
	err       error // sticky write error
	closed    bool

	// Buffers reused from page to page.
	page, comp []byte
	levels     []uint32
	ser        *thrift.TSerializer
	gz         *gzip.Writer
}

// pqParsed is one value parsed by Write before any column is changed, so
// that a bad value leaves the row group as it was.
type pqParsed struct {
	i   int64
	f   float64
	sub uint16 // timestamp nanoseconds below the microsecond
	far bool   // timestamp outside the nanosecond range
	hit bool   // string already in the dictionary, at index i
}

// pqColWriter buffers one column of the current row group.
type pqColWriter struct {
	col   Column
	ptype parquet.Type
	defs  []byte // 1 = value, 0 = null, one per row
	nulls int64

	ints   []int64 // Integer, Date (days), Timestamp (micros, or nanos once decided)
	subs   []uint16
	floats []float64
	bools  []byte

	// Strings: dictionary-encoded until the dictionary stops paying.
	dict      map[string]int32
	dictVals  []string
	dictSize  int
	idx       []uint32
	plain     []byte
	plainN    int
	plainMode bool

	unit           int // timestamps: tsUndecided, tsMicros, tsNanos
	sawSub, sawFar bool
}

func newParquetWriter(w io.Writer, schema Schema, opt *WriteOptions) (*parquetWriter, error) {
	if opt == nil {
		opt = &WriteOptions{}
	}
	codec, err := parseCodec(opt.Compression)
	if err != nil {
		return nil, err
	}
	if schema.Len() == 0 {
		return nil, fmt.Errorf("parquet: %w", ErrEmptyHeader)
	}
	pw := &parquetWriter{w: w, codec: codec, groupRows: opt.RowGroupRows, meta: parquet.NewFileMetaData()}
	if pw.groupRows <= 0 {
		pw.groupRows = DefaultRowGroupRows
	}
	seen := make(map[string]bool, schema.Len())
	for i, c := range schema.Columns {
		if c.Name == "" {
			return nil, fmt.Errorf("parquet: column %d: %w", i+1, ErrEmptyColumnName)
		}
		if !utf8.ValidString(c.Name) {
			return nil, fmt.Errorf("parquet: column %d: %w in its name", i+1, ErrInvalidUTF8)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("parquet: column %d: %w", i+1, ErrDuplicateColumn)
		}
		seen[c.Name] = true
		cw := &pqColWriter{col: c}
		switch c.Kind {
		case String:
			cw.ptype = parquet.Type_BYTE_ARRAY
			cw.dict = make(map[string]int32)
		case Integer:
			cw.ptype = parquet.Type_INT64
		case Float:
			cw.ptype = parquet.Type_DOUBLE
		case Boolean:
			cw.ptype = parquet.Type_BOOLEAN
		case Date:
			cw.ptype = parquet.Type_INT32
		case Timestamp:
			cw.ptype = parquet.Type_INT64
		default:
			return nil, fmt.Errorf("parquet: column %d: unknown kind %v", i+1, c.Kind)
		}
		// Some room up front; the slices grow to a row group's size once
		// and are reused for the next row groups.
		n := min(pw.groupRows, 4096)
		cw.defs = make([]byte, 0, n)
		switch c.Kind {
		case String:
			cw.idx = make([]uint32, 0, n)
		case Float:
			cw.floats = make([]float64, 0, n)
		case Boolean:
			cw.bools = make([]byte, 0, n)
		default:
			cw.ints = make([]int64, 0, n)
		}
		pw.cols = append(pw.cols, cw)
	}
	pw.scratch = make([]pqParsed, len(pw.cols))
	mem := thrift.NewTMemoryBufferLen(1024)
	pw.ser = &thrift.TSerializer{Transport: mem, Protocol: thrift.NewTCompactProtocolConf(mem, nil)}
	return pw, nil
}

// Write buffers one record; a full row group is encoded and written.
func (w *parquetWriter) Write(rec *Record) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errWriterClosed
	}
	if len(rec.Values) != len(w.cols) {
		return fmt.Errorf("%w: record has %d values, schema %d columns", ErrFieldCount, len(rec.Values), len(w.cols))
	}
	for i, v := range rec.Values {
		if v.Null {
			continue
		}
		if err := w.cols[i].parse(v.Text, &w.scratch[i]); err != nil {
			return &ColumnError{Col: i, Err: err}
		}
	}
	for i, v := range rec.Values {
		w.buffered += w.cols[i].add(v, &w.scratch[i])
	}
	w.rows++
	if w.rows >= w.groupRows || w.buffered >= rowGroupBytes {
		if err := w.flush(); err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

// parse checks s against the column's kind and converts it into p.
func (c *pqColWriter) parse(s string, p *pqParsed) error {
	switch c.col.Kind {
	case String:
		// A string already in the dictionary was checked when it went in.
		p.hit = false
		if !c.plainMode {
			if i, ok := c.dict[s]; ok {
				p.i, p.hit = int64(i), true
				return nil
			}
		}
		if !utf8.ValidString(s) {
			return ErrInvalidUTF8
		}
	case Integer:
		v, err := ParseInt(s)
		if err != nil {
			return err
		}
		p.i = v
	case Float:
		v, err := ParseExactFloat(s)
		if err != nil {
			switch s {
			case "NaN":
				v = math.NaN()
			case "+Inf", "Inf", "Infinity", "inf":
				v = math.Inf(1)
			case "-Inf", "-Infinity", "-inf":
				v = math.Inf(-1)
			default:
				return err
			}
		}
		p.f = v
	case Boolean:
		b, err := ParseBool(s)
		if err != nil {
			return err
		}
		p.i = 0
		if b {
			p.i = 1
		}
	case Date:
		if days, ok := parseISODate(s); ok && (c.col.Layout == "" || c.col.Layout == DateLayout) {
			p.i = days
			return nil
		}
		t, err := ParseTime(c.col, s)
		if err != nil {
			return err
		}
		days := floorDiv(t.Unix(), 86400)
		if days < math.MinInt32 || days > math.MaxInt32 {
			return ErrNotDate
		}
		p.i = days
	case Timestamp:
		t, err := ParseTime(c.col, s)
		if err != nil {
			return err
		}
		far := t.Before(minNanoTime) || t.After(maxNanoTime)
		sub := uint16(t.Nanosecond() % 1000)
		switch c.unit {
		case tsNanos:
			if far {
				return ErrTimestampRange
			}
			p.i = t.UnixNano()
		case tsMicros:
			if sub != 0 {
				return ErrTimestampPrecision
			}
			p.i = t.UnixMicro()
		default:
			// The first row group decides the unit; one value with
			// nanoseconds and one outside the nanosecond range cannot
			// share a column.
			if sub != 0 && (far || c.sawFar) {
				return ErrTimestampRange
			}
			if far && c.sawSub {
				return ErrTimestampRange
			}
			p.i, p.sub, p.far = t.UnixMicro(), sub, far
		}
	}
	return nil
}

// parseISODate parses a valid 2006-01-02 date quickly, returning days since
// 1970-01-01; ok is false for anything else, which ParseTime then handles.
func parseISODate(s string) (days int64, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return -1
			}
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 April, 29 February of a common year
		return 0, false
	}
	return floorDiv(t.Unix(), 86400), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// add appends a value parsed by parse (or a null) and returns about how
// many bytes it holds.
func (c *pqColWriter) add(v Value, p *pqParsed) int64 {
	if v.Null {
		c.defs = append(c.defs, 0)
		c.nulls++
		return 1
	}
	c.defs = append(c.defs, 1)
	switch c.col.Kind {
	case String:
		if p.hit {
			c.idx = append(c.idx, uint32(p.i))
			return 5
		}
		return 1 + c.addString(v.Text)
	case Integer, Date:
		c.ints = append(c.ints, p.i)
		return 9
	case Timestamp:
		c.ints = append(c.ints, p.i)
		if c.unit == tsUndecided {
			c.subs = append(c.subs, p.sub)
			c.sawSub = c.sawSub || p.sub != 0
			c.sawFar = c.sawFar || p.far
			return 11
		}
		return 9
	case Float:
		c.floats = append(c.floats, p.f)
		return 9
	case Boolean:
		c.bools = append(c.bools, byte(p.i))
		return 2
	}
	return 1
}

// addString appends a string that is not in the dictionary: as a new
// entry, or plain once the dictionary has stopped paying.
func (c *pqColWriter) addString(s string) int64 {
	if !c.plainMode {
		n := len(c.dictVals) + 1
		if c.dictSize+4+len(s) > dictBytes || (len(c.idx) >= dictProbe && 2*n > len(c.idx)+1) {
			c.toPlain()
		} else {
			s = strings.Clone(s) // do not keep the reader's buffer alive
			c.dict[s] = int32(len(c.dictVals))
			c.dictVals = append(c.dictVals, s)
			c.dictSize += 4 + len(s)
			c.idx = append(c.idx, uint32(n-1))
			return int64(4 + 4 + len(s) + 48) // index, entry and map slot
		}
	}
	c.plain = binary.LittleEndian.AppendUint32(c.plain, uint32(len(s)))
	c.plain = append(c.plain, s...)
	c.plainN++
	return int64(4 + len(s))
}

// toPlain gives up the dictionary of the current chunk: the values so far
// are rewritten plain, in order.
func (c *pqColWriter) toPlain() {
	for _, i := range c.idx {
		s := c.dictVals[i]
		c.plain = binary.LittleEndian.AppendUint32(c.plain, uint32(len(s)))
		c.plain = append(c.plain, s...)
	}
	c.plainN = len(c.idx)
	c.idx = c.idx[:0]
	clear(c.dict)
	c.dictVals = c.dictVals[:0]
	c.dictSize = 0
	c.plainMode = true
}

// reset empties the column for the next row group.
func (c *pqColWriter) reset() {
	c.defs = c.defs[:0]
	c.nulls = 0
	c.ints = c.ints[:0]
	c.subs = nil
	c.floats = c.floats[:0]
	c.bools = c.bools[:0]
	if c.dict != nil {
		clear(c.dict)
	}
	c.dictVals = c.dictVals[:0]
	c.dictSize = 0
	c.idx = c.idx[:0]
	c.plain = c.plain[:0]
	c.plainN = 0
	c.plainMode = false
}

// decideUnits fixes the timestamp unit of each column: nanoseconds if the
// first row group has a value with sub-microsecond digits, else microseconds.
func (w *parquetWriter) decideUnits() {
	for _, c := range w.cols {
		if c.col.Kind != Timestamp || c.unit != tsUndecided {
			continue
		}
		c.unit = tsMicros
		if c.sawSub {
			c.unit = tsNanos
			for i, v := range c.ints {
				c.ints[i] = v*1000 + int64(c.subs[i])
			}
		}
		c.subs = nil
	}
}

func (w *parquetWriter) write(b []byte) error {
	n, err := w.w.Write(b)
	w.off += int64(n)
	return err
}

// flush encodes and writes the current row group.
func (w *parquetWriter) flush() error {
	if w.off == 0 {
		if err := w.write([]byte(parquetMagic)); err != nil {
			return err
		}
	}
	w.decideUnits()
	if w.rows == 0 {
		return nil
	}
	start := w.off
	rg := &parquet.RowGroup{NumRows: int64(w.rows), FileOffset: &start}
	for _, c := range w.cols {
		cc, err := w.writeChunk(c)
		if err != nil {
			return err
		}
		rg.Columns = append(rg.Columns, cc)
		rg.TotalByteSize += cc.MetaData.TotalUncompressedSize
	}
	size := w.off - start
	rg.TotalCompressedSize = &size
	if n := len(w.meta.RowGroups); n < math.MaxInt16 {
		ord := int16(n)
		rg.Ordinal = &ord
	}
	w.meta.RowGroups = append(w.meta.RowGroups, rg)
	w.meta.NumRows += int64(w.rows)
	for _, c := range w.cols {
		c.reset()
	}
	w.rows = 0
	w.buffered = 0
	return nil
}

// Close writes the last row group and the footer.
func (w *parquetWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.flush(); err != nil {
		w.err = err
		return err
	}
	w.meta.Version = 1
	created := "veil"
	w.meta.CreatedBy = &created
	for _, c := range w.cols {
		w.meta.Schema = append(w.meta.Schema, c.schemaElement())
		w.meta.ColumnOrders = append(w.meta.ColumnOrders, &parquet.ColumnOrder{TYPE_ORDER: parquet.NewTypeDefinedOrder()})
	}
	root := &parquet.SchemaElement{Name: "schema", NumChildren: thrift.Int32Ptr(int32(len(w.cols)))}
	w.meta.Schema = append([]*parquet.SchemaElement{root}, w.meta.Schema...)
	footer, err := w.ser.Write(context.Background(), w.meta)
	if err == nil {
		err = w.write(footer)
	}
	if err == nil {
		err = w.write(binary.LittleEndian.AppendUint32(nil, uint32(len(footer))))
	}
	if err == nil {
		err = w.write([]byte(parquetMagic))
	}
	w.err = err
	return err
}

// schemaElement returns the column's Parquet type.
func (c *pqColWriter) schemaElement() *parquet.SchemaElement {
	t := c.ptype
	el := &parquet.SchemaElement{Name: c.col.Name, Type: &t, RepetitionType: parquet.FieldRepetitionTypePtr(parquet.FieldRepetitionType_OPTIONAL)}
	switch c.col.Kind {
	case String:
		el.ConvertedType = parquet.ConvertedTypePtr(parquet.ConvertedType_UTF8)
		el.LogicalType = &parquet.LogicalType{STRING: parquet.NewStringType()}
	case Date:
		el.ConvertedType = parquet.ConvertedTypePtr(parquet.ConvertedType_DATE)
		el.LogicalType = &parquet.LogicalType{DATE: parquet.NewDateType()}
	case Timestamp:
		// Text with a zone is an instant (adjusted to UTC); text without
		// one is a local date-time, written as such rather than given a
		// zone it does not have. The legacy converted type means UTC, so
		// it is set for UTC microseconds only.
		utc := layoutHasZone(c.col.Layout)
		unit := &parquet.TimeUnit{MICROS: parquet.NewMicroSeconds()}
		if c.unit == tsNanos {
			unit = &parquet.TimeUnit{NANOS: parquet.NewNanoSeconds()}
		} else if utc {
			el.ConvertedType = parquet.ConvertedTypePtr(parquet.ConvertedType_TIMESTAMP_MICROS)
		}
		el.LogicalType = &parquet.LogicalType{TIMESTAMP: &parquet.TimestampType{IsAdjustedToUTC: utc, Unit: unit}}
	}
	return el
}

// layoutHasZone reports whether timestamps in layout (package time; empty
// means TimestampLayout) carry a zone: Z07..., -07... or MST.
func layoutHasZone(layout string) bool {
	if layout == "" {
		return true
	}
	return strings.Contains(layout, "Z07") || strings.Contains(layout, "-07") || strings.Contains(layout, "MST")
}

// writeChunk encodes the column's buffered values as one column chunk:
// a dictionary page when dictionary encoding pays, then data pages.
func (w *parquetWriter) writeChunk(c *pqColWriter) (*parquet.ColumnChunk, error) {
	md := &parquet.ColumnMetaData{
		Type:         c.ptype,
		PathInSchema: []string{c.col.Name},
		Codec:        w.codec,
		NumValues:    int64(len(c.defs)),
		Statistics:   c.statistics(),
	}
	start := w.off

	// Dictionary: strings decided as they came; integers and dates here.
	var dictIdx []uint32
	var dictPlain []byte
	var dictN int
	switch {
	case c.col.Kind == String && !c.plainMode && len(c.dictVals) > 0:
		dictIdx, dictN = c.idx, len(c.dictVals)
		for _, s := range c.dictVals {
			dictPlain = binary.LittleEndian.AppendUint32(dictPlain, uint32(len(s)))
			dictPlain = append(dictPlain, s...)
		}
	case c.col.Kind == Integer || c.col.Kind == Date:
		dictIdx, dictPlain, dictN = c.intDictionary()
	}
	if dictIdx != nil {
		md.Encodings = []parquet.Encoding{parquet.Encoding_PLAIN_DICTIONARY, parquet.Encoding_RLE}
		off := w.off
		md.DictionaryPageOffset = &off
		hdr := &parquet.PageHeader{Type: parquet.PageType_DICTIONARY_PAGE,
			DictionaryPageHeader: &parquet.DictionaryPageHeader{NumValues: int32(dictN), Encoding: parquet.Encoding_PLAIN_DICTIONARY}}
		u, k, err := w.writePage(hdr, dictPlain)
		if err != nil {
			return nil, err
		}
		md.TotalUncompressedSize += u
		md.TotalCompressedSize += k
	} else {
		md.Encodings = []parquet.Encoding{parquet.Encoding_PLAIN, parquet.Encoding_RLE}
	}
	md.DataPageOffset = w.off

	// Pages end at pageRows rows or about pageBytes of values.
	n := len(c.defs)
	plainStrings := c.col.Kind == String && dictIdx == nil
	width := 8
	switch {
	case plainStrings:
		width = 0 // counted in p1-p0
	case dictIdx != nil, c.col.Kind == Date:
		width = 4
	case c.col.Kind == Boolean:
		width = 1
	}
	r0, v0, p0 := 0, 0, 0
	for r0 < n {
		r1, v1, p1 := r0, v0, p0
		for r1 < n && r1-r0 < pageRows && (p1-p0)+(v1-v0)*width < pageBytes {
			if c.defs[r1] == 1 {
				if plainStrings {
					p1 += 4 + int(binary.LittleEndian.Uint32(c.plain[p1:]))
				}
				v1++
			}
			r1++
		}
		// Definition levels, with their 4-byte length.
		w.levels = w.levels[:0]
		for _, d := range c.defs[r0:r1] {
			w.levels = append(w.levels, uint32(d))
		}
		page := append(w.page[:0], 0, 0, 0, 0)
		page = appendHybrid(page, w.levels, 1)
		binary.LittleEndian.PutUint32(page, uint32(len(page)-4))
		enc := parquet.Encoding_PLAIN
		switch {
		case dictIdx != nil:
			enc = parquet.Encoding_PLAIN_DICTIONARY
			bw := max(bitWidthOf(uint32(dictN-1)), 1)
			page = append(page, byte(bw))
			page = appendHybrid(page, dictIdx[v0:v1], bw)
		case plainStrings:
			page = append(page, c.plain[p0:p1]...)
		case c.col.Kind == Float:
			for _, f := range c.floats[v0:v1] {
				page = binary.LittleEndian.AppendUint64(page, math.Float64bits(f))
			}
		case c.col.Kind == Boolean:
			var acc byte
			for j, b := range c.bools[v0:v1] {
				acc |= b << (j % 8)
				if j%8 == 7 {
					page = append(page, acc)
					acc = 0
				}
			}
			if (v1-v0)%8 != 0 {
				page = append(page, acc)
			}
		case c.col.Kind == Date:
			for _, v := range c.ints[v0:v1] {
				page = binary.LittleEndian.AppendUint32(page, uint32(int32(v)))
			}
		default:
			for _, v := range c.ints[v0:v1] {
				page = binary.LittleEndian.AppendUint64(page, uint64(v))
			}
		}
		w.page = page
		hdr := &parquet.PageHeader{Type: parquet.PageType_DATA_PAGE, DataPageHeader: &parquet.DataPageHeader{
			NumValues: int32(r1 - r0), Encoding: enc,
			DefinitionLevelEncoding: parquet.Encoding_RLE, RepetitionLevelEncoding: parquet.Encoding_RLE}}
		u, k, err := w.writePage(hdr, page)
		if err != nil {
			return nil, err
		}
		md.TotalUncompressedSize += u
		md.TotalCompressedSize += k
		r0, v0, p0 = r1, v1, p1
	}
	return &parquet.ColumnChunk{FileOffset: start, MetaData: md}, nil
}

// writePage compresses data, writes the page header and the page, and
// returns the page's uncompressed and compressed sizes, header included.
func (w *parquetWriter) writePage(hdr *parquet.PageHeader, data []byte) (int64, int64, error) {
	comp, err := compressPage(w.comp[:0], data, w.codec, &w.gz)
	if err != nil {
		return 0, 0, err
	}
	w.comp = comp
	hdr.UncompressedPageSize = int32(len(data))
	hdr.CompressedPageSize = int32(len(comp))
	hb, err := w.ser.Write(context.Background(), hdr)
	if err != nil {
		return 0, 0, err
	}
	if err := w.write(hb); err != nil {
		return 0, 0, err
	}
	if err := w.write(comp); err != nil {
		return 0, 0, err
	}
	return int64(len(hb) + len(data)), int64(len(hb) + len(comp)), nil
}

// intDictionary returns dictionary indices and the PLAIN dictionary of an
// integer or date column, or nils when most values are distinct.
func (c *pqColWriter) intDictionary() ([]uint32, []byte, int) {
	if len(c.ints) == 0 {
		return nil, nil, 0
	}
	seen := make(map[int64]uint32)
	var vals []int64
	idx := make([]uint32, 0, len(c.ints))
	for i, v := range c.ints {
		j, ok := seen[v]
		if !ok {
			if (i >= dictProbe && 2*(len(vals)+1) > i+1) || 8*len(vals) >= dictBytes {
				return nil, nil, 0
			}
			j = uint32(len(vals))
			seen[v] = j
			vals = append(vals, v)
		}
		idx = append(idx, j)
	}
	var plain []byte
	for _, v := range vals {
		if c.col.Kind == Date {
			plain = binary.LittleEndian.AppendUint32(plain, uint32(int32(v)))
		} else {
			plain = binary.LittleEndian.AppendUint64(plain, uint64(v))
		}
	}
	return idx, plain, len(vals)
}

// statistics returns the chunk's null count, min and max, encoded as PLAIN
// values (strings without their length).
func (c *pqColWriter) statistics() *parquet.Statistics {
	nulls := c.nulls
	st := &parquet.Statistics{NullCount: &nulls}
	switch c.col.Kind {
	case Integer, Date, Timestamp:
		if len(c.ints) == 0 {
			return st
		}
		lo, hi := c.ints[0], c.ints[0]
		for _, v := range c.ints {
			lo, hi = min(lo, v), max(hi, v)
		}
		if c.col.Kind == Date {
			st.MinValue = binary.LittleEndian.AppendUint32(nil, uint32(int32(lo)))
			st.MaxValue = binary.LittleEndian.AppendUint32(nil, uint32(int32(hi)))
		} else {
			st.MinValue = binary.LittleEndian.AppendUint64(nil, uint64(lo))
			st.MaxValue = binary.LittleEndian.AppendUint64(nil, uint64(hi))
		}
	case Float:
		lo, hi, found := math.Inf(1), math.Inf(-1), false
		for _, f := range c.floats {
			if math.IsNaN(f) {
				continue
			}
			lo, hi, found = math.Min(lo, f), math.Max(hi, f), true
		}
		if !found {
			return st
		}
		// Zeros: the spec asks for -0 as min and +0 as max.
		if lo == 0 {
			lo = math.Copysign(0, -1)
		}
		if hi == 0 {
			hi = 0
		}
		st.MinValue = binary.LittleEndian.AppendUint64(nil, math.Float64bits(lo))
		st.MaxValue = binary.LittleEndian.AppendUint64(nil, math.Float64bits(hi))
	case Boolean:
		if len(c.bools) == 0 {
			return st
		}
		lo, hi := byte(1), byte(0)
		for _, b := range c.bools {
			lo, hi = min(lo, b), max(hi, b)
		}
		st.MinValue, st.MaxValue = []byte{lo}, []byte{hi}
	case String:
		var lo, hi []byte
		found := false
		see := func(v []byte) {
			if !found || bytes.Compare(v, lo) < 0 {
				lo = v
			}
			if !found || bytes.Compare(v, hi) > 0 {
				hi = v
			}
			found = true
		}
		if c.plainMode {
			for p := 0; p < len(c.plain); {
				l := int(binary.LittleEndian.Uint32(c.plain[p:]))
				see(c.plain[p+4 : p+4+l])
				p += 4 + l
			}
		} else {
			for _, s := range c.dictVals {
				see([]byte(s))
			}
		}
		if found && len(lo) <= statsMaxBytes && len(hi) <= statsMaxBytes {
			st.MinValue, st.MaxValue = bytes.Clone(lo), bytes.Clone(hi)
		}
	}
	return st
}
