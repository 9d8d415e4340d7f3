package dataset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/xitongsys/parquet-go/parquet"
)

// parquetReader reads a flat Parquet file row by row. Each column reads its
// own column chunk, one page at a time, and turns the page's values into
// text in batches of textBatch values; dictionary entries are turned into
// text once per column chunk.
type parquetReader struct {
	name   string
	src    io.ReaderAt
	size   int64
	closer io.Closer
	meta   *parquet.FileMetaData
	schema Schema
	cols   []*pqColumn
	rec    Record
	rows   atomic.Int64 // rows handed out (atomic: Progress may ask from another goroutine)
	total  int64        // rows in the file
	rg     int          // next row group to open
	rgLeft int64        // rows left in the current row group
	err    error        // sticky: the reader stops at its first error
}

// pqColumn is the reading state of one column.
type pqColumn struct {
	name   string
	ptype  parquet.Type
	width  int // FIXED_LEN_BYTE_ARRAY length
	maxDef uint8
	f      pqFormat

	// Current column chunk.
	br         *bufio.Reader
	proto      *thrift.TCompactProtocol
	codec      parquet.CompressionCodec
	valuesLeft int64 // values not yet loaded from the chunk's pages
	chunkSize  int64 // bytes of the chunk
	dict       []string
	dictBad    []bool // dictionary entries that are not valid UTF-8, when any

	// Current page. Definition levels come from defIter. Non-null values
	// come from the dictionary through idxIter (dictionary pages) or from
	// texts, which holds the next batch of at most textBatch values turned
	// into text: pages can hold a whole row group (DuckDB writes them so),
	// and text for all their values at once would cost tens of MiB.
	defIter  hybridIter
	idxIter  hybridIter
	nlev     int // levels (rows) in the page
	pos      int // next level
	dictPage bool
	texts    []string
	vpos     int // next value in texts
	badAt    int // index in texts of the first value that is not valid UTF-8, or -1
	src      int // where the next batch comes from (srcPlain...)
	left     int // values of the page not yet turned into text
	data     []byte
	cur      int // next value in ints or arrays
	ints     []int64
	arrays   [][]byte
	raw      []byte
	buf      []byte // decompression buffer
	split    []byte
}

// maxPageValues bounds the values of one page (rows, for flat columns):
// real writers stay far below (DuckDB writes about 120,000, parquet-mr
// 20,000), and a damaged header must not make veil decode billions.
const maxPageValues = 1 << 24

// textBatch is how many values of a page are turned into text at a time; a
// multiple of 8, so that batches of PLAIN booleans start on a byte.
const textBatch = 4096

// Sources of a page's values.
const (
	srcPlain  = iota // PLAIN values in data
	srcInts          // decoded integers in ints
	srcArrays        // decoded byte arrays in arrays
	srcBools         // RLE booleans from idxIter
)

func newParquetReader(src io.ReaderAt, size int64, name string, opt *Options) (r *parquetReader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, &DataError{File: name, Err: recoverParquet(p)}
		}
	}()
	if opt == nil {
		opt = &Options{}
	}
	meta, err := readParquetFooter(src, size)
	if err != nil {
		return nil, &DataError{File: name, Err: err}
	}
	r = &parquetReader{name: name, src: src, size: size, meta: meta}
	if err := r.buildSchema(); err != nil {
		return nil, err
	}
	if err := r.applyTypes(opt.Types, opt.TypesMayBeAbsent); err != nil {
		return nil, err
	}
	for _, rg := range meta.RowGroups {
		if rg == nil || len(rg.Columns) != len(r.cols) || rg.NumRows < 0 {
			return nil, &DataError{File: name, Err: errCorruptf("a row group does not match the schema")}
		}
		r.total += rg.NumRows
	}
	r.rec.Values = make([]Value, len(r.cols))
	return r, nil
}

// readParquetFooter reads and decodes the file's metadata.
func readParquetFooter(src io.ReaderAt, size int64) (*parquet.FileMetaData, error) {
	if size < 12 {
		return nil, errCorruptf("file too short")
	}
	var tail [8]byte
	if _, err := src.ReadAt(tail[:], size-8); err != nil {
		return nil, err
	}
	if string(tail[4:]) == "PARE" {
		return nil, fmt.Errorf("%w: encrypted file", ErrParquetUnsupported)
	}
	if string(tail[4:]) != parquetMagic {
		return nil, errCorruptf("no PAR1 marker at the end of the file")
	}
	var head [4]byte
	if _, err := src.ReadAt(head[:], 0); err != nil {
		return nil, err
	}
	if string(head[:]) != parquetMagic {
		return nil, errCorruptf("no PAR1 marker at the start of the file")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n <= 0 || n > size-12 {
		return nil, errCorruptf("bad footer length")
	}
	footer := make([]byte, n)
	if _, err := src.ReadAt(footer, size-8-n); err != nil {
		return nil, err
	}
	// No list or string in the footer can be longer than the footer.
	proto := thrift.NewTCompactProtocolConf(&thrift.StreamTransport{Reader: bytes.NewReader(footer)},
		&thrift.TConfiguration{MaxMessageSize: int32(n)})
	meta := parquet.NewFileMetaData()
	if err := meta.Read(context.Background(), proto); err != nil {
		return nil, errCorruptf("bad footer")
	}
	if meta.EncryptionAlgorithm != nil {
		return nil, fmt.Errorf("%w: encrypted columns", ErrParquetUnsupported)
	}
	return meta, nil
}

// buildSchema checks that the file is flat and derives the columns.
func (r *parquetReader) buildSchema() error {
	els := r.meta.Schema
	if len(els) == 0 || els[0] == nil {
		return &DataError{File: r.name, Err: errCorruptf("no schema")}
	}
	n := int(els[0].GetNumChildren())
	seen := make(map[string]int, n)
	for i := 1; i < len(els); i++ {
		el := els[i]
		if el == nil {
			return &DataError{File: r.name, Err: errCorruptf("bad schema")}
		}
		name := el.GetName()
		if !utf8.ValidString(name) {
			return &DataError{File: r.name, Err: fmt.Errorf("column %d: %w in its name", i, ErrInvalidUTF8)}
		}
		if el.GetNumChildren() > 0 || !el.IsSetType() {
			return &DataError{File: r.name, Column: name, Err: fmt.Errorf("%w: nested column (group); veil reads flat tables", ErrParquetUnsupported)}
		}
		if el.GetRepetitionType() == parquet.FieldRepetitionType_REPEATED {
			return &DataError{File: r.name, Column: name, Err: fmt.Errorf("%w: repeated column (list); veil reads flat tables", ErrParquetUnsupported)}
		}
		if name == "" {
			return &DataError{File: r.name, Err: fmt.Errorf("column %d: %w", i, ErrEmptyColumnName)}
		}
		if j, dup := seen[name]; dup {
			return &DataError{File: r.name, Column: name, Err: fmt.Errorf("%w (columns %d and %d)", ErrDuplicateColumn, j, i)}
		}
		seen[name] = i
		kind, f, err := leafFormat(el)
		if err != nil {
			return &DataError{File: r.name, Column: name, Err: err}
		}
		c := &pqColumn{name: name, ptype: el.GetType(), width: int(el.GetTypeLength()), f: f, badAt: -1}
		if el.GetRepetitionType() == parquet.FieldRepetitionType_OPTIONAL {
			c.maxDef = 1
		}
		if c.ptype == parquet.Type_FIXED_LEN_BYTE_ARRAY && c.width <= 0 {
			return &DataError{File: r.name, Column: name, Err: errCorruptf("fixed-length byte array without a length")}
		}
		r.cols = append(r.cols, c)
		col := Column{Name: name, Kind: kind, Nullable: c.maxDef > 0}
		if kind == Timestamp && !f.utc {
			col.Layout = localTimestampLayout
		}
		r.schema.Columns = append(r.schema.Columns, col)
	}
	if len(r.cols) != n || n == 0 {
		return &DataError{File: r.name, Err: errCorruptf("the schema's root has %d children, the file %d columns", n, len(r.cols))}
	}
	return nil
}

// localTimestampLayout is the text of timestamps that are not adjusted to
// UTC (local or "wall clock" times): no zone is invented for them.
const localTimestampLayout = "2006-01-02T15:04:05.999999999"

// applyTypes applies the user's declared kinds where they make sense.
// A name the file lacks is an error unless mayBeAbsent (see
// Options.TypesMayBeAbsent).
func (r *parquetReader) applyTypes(types map[string]Override, mayBeAbsent bool) error {
	for name, o := range types {
		i := r.schema.Index(name)
		if i < 0 {
			if mayBeAbsent {
				continue
			}
			return &DataError{File: r.name, Column: name, Err: errUnknownOverride}
		}
		col := &r.schema.Columns[i]
		f := &r.cols[i].f
		switch {
		case o.Kind == col.Kind && (o.Kind == Date || o.Kind == Timestamp):
			if o.Layout != "" {
				col.Layout = o.Layout
				f.layout = o.Layout
			}
			continue
		case o.Kind == col.Kind, o.Kind == String, col.Kind == Integer && o.Kind == Float:
		case col.Kind == String && f.lg != lgUUID && f.lg != lgTime:
			// The text is checked by whoever interprets it, as for CSV.
		default:
			return &DataError{File: r.name, Column: name, Err: fmt.Errorf("%w (a %s column declared %s)", ErrTypeOverride, col.Kind, o.Kind)}
		}
		if o.Kind != col.Kind {
			col.Kind = o.Kind
			col.Layout = o.Layout
		}
	}
	return nil
}

func (r *parquetReader) Schema() Schema { return r.schema }

func (r *parquetReader) Pos(col int) Position { return Position{File: r.name} }

func (r *parquetReader) Progress() (done, total int64, unit string) {
	return r.rows.Load(), r.total, "rows"
}

func (r *parquetReader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

func (r *parquetReader) Read() (rec *Record, err error) {
	if r.err != nil {
		return nil, r.err
	}
	row, col := r.rows.Load()+1, -1
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, r.fail(row, col, recoverParquet(p))
		}
	}()
	for r.rgLeft == 0 {
		if r.rg > 0 {
			for i, c := range r.cols {
				if c.pos < c.nlev || c.valuesLeft > 0 {
					return nil, r.fail(row, i, errCorruptf("the column chunk has more values than the row group has rows"))
				}
			}
		}
		if r.rg >= len(r.meta.RowGroups) {
			r.err = io.EOF
			return nil, io.EOF
		}
		rg := r.meta.RowGroups[r.rg]
		for i, c := range r.cols {
			col = i
			if err := c.openChunk(r.src, r.size, rg.Columns[i]); err != nil {
				return nil, r.fail(row, i, err)
			}
		}
		col = -1
		r.rg++
		r.rgLeft = rg.NumRows
	}
	for i, c := range r.cols {
		col = i
		v, err := c.next()
		if err != nil {
			return nil, r.fail(row, i, err)
		}
		r.rec.Values[i] = v
	}
	r.rows.Store(row)
	r.rgLeft--
	r.rec.Row = row
	return &r.rec, nil
}

// fail records err about column col (-1: none) of the given row; the
// reader returns it from then on.
func (r *parquetReader) fail(row int64, col int, err error) error {
	de := &DataError{File: r.name, Row: row, Err: err}
	if col >= 0 {
		de.Column = r.cols[col].name
	}
	r.err = de
	return de
}

// openChunk starts reading the column's chunk of a new row group.
func (c *pqColumn) openChunk(src io.ReaderAt, size int64, cc *parquet.ColumnChunk) error {
	if cc == nil || cc.MetaData == nil {
		return errCorruptf("column chunk without metadata")
	}
	if cc.FilePath != nil && *cc.FilePath != "" {
		return fmt.Errorf("%w: column chunk stored in another file", ErrParquetUnsupported)
	}
	md := cc.MetaData
	if md.Type != c.ptype {
		return errCorruptf("column chunk type %v, schema type %v", md.Type, c.ptype)
	}
	start := md.DataPageOffset
	if d := md.DictionaryPageOffset; d != nil && *d > 0 && *d < start {
		start = *d
	}
	if start < 4 || md.TotalCompressedSize < 0 || md.NumValues < 0 || start > size || md.TotalCompressedSize > size-start {
		return errCorruptf("bad column chunk offsets")
	}
	sec := io.NewSectionReader(src, start, md.TotalCompressedSize)
	if c.br == nil {
		// Pages are read through a 64 KiB buffer, or a smaller one for
		// small files.
		c.br = bufio.NewReaderSize(sec, int(min(64<<10, max(4<<10, md.TotalCompressedSize))))
	} else {
		c.br.Reset(sec)
	}
	limit := min(md.TotalCompressedSize, math.MaxInt32)
	c.proto = thrift.NewTCompactProtocolConf(&thrift.StreamTransport{Reader: c.br}, &thrift.TConfiguration{MaxMessageSize: int32(limit)})
	c.codec = md.Codec
	c.chunkSize = md.TotalCompressedSize
	c.valuesLeft = md.NumValues
	c.dict, c.dictBad = nil, nil
	c.nlev, c.pos = 0, 0
	return nil
}

// next returns the column's value in the next row.
func (c *pqColumn) next() (Value, error) {
	for c.pos >= c.nlev {
		if err := c.loadPage(); err != nil {
			return Value{}, err
		}
	}
	c.pos++
	if c.maxDef > 0 {
		d, err := c.defIter.next()
		if err != nil {
			return Value{}, err
		}
		if d != uint32(c.maxDef) {
			return NullValue, nil
		}
	}
	if c.dictPage {
		i, err := c.idxIter.next()
		if err != nil {
			return Value{}, err
		}
		if int(i) >= len(c.dict) {
			return Value{}, errCorruptf("dictionary index out of range")
		}
		if c.dictBad != nil && c.dictBad[i] {
			return Value{}, ErrInvalidUTF8
		}
		return Value{Text: c.dict[i]}, nil
	}
	if c.vpos == len(c.texts) {
		if err := c.fill(); err != nil {
			return Value{}, err
		}
	}
	if c.vpos == c.badAt {
		return Value{}, ErrInvalidUTF8
	}
	v := Value{Text: c.texts[c.vpos]}
	c.vpos++
	return v, nil
}

// fill turns the next batch of the page's values into text.
func (c *pqColumn) fill() error {
	k := min(textBatch, c.left)
	if k <= 0 {
		return errCorruptf("page holds fewer values than its levels say")
	}
	c.texts = c.texts[:0]
	c.vpos = 0
	c.badAt = -1
	switch c.src {
	case srcPlain:
		used, err := c.decodePlain(c.data, k)
		if err != nil {
			return err
		}
		c.data = c.data[used:]
	case srcInts:
		for _, v := range c.ints[c.cur : c.cur+k] {
			if c.ptype == parquet.Type_INT32 {
				v = int64(int32(v))
			}
			c.texts = append(c.texts, c.f.intText(v))
		}
	case srcArrays:
		for _, b := range c.arrays[c.cur : c.cur+k] {
			if err := c.appendBytes(b); err != nil {
				return err
			}
		}
	case srcBools:
		for range k {
			b, err := c.idxIter.next()
			if err != nil {
				return err
			}
			c.texts = append(c.texts, strconv.FormatBool(b != 0))
		}
	}
	c.cur += k
	c.left -= k
	return nil
}

// loadPage reads pages until a data page with values and decodes it.
func (c *pqColumn) loadPage() error {
	for {
		if c.valuesLeft <= 0 {
			return errCorruptf("the column chunk has fewer values than the row group has rows")
		}
		h := parquet.NewPageHeader()
		if err := h.Read(context.Background(), c.proto); err != nil {
			return errCorruptf("bad page header")
		}
		if h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > c.chunkSize || h.UncompressedPageSize < 0 || h.UncompressedPageSize > maxPageBytes {
			return errCorruptf("bad page size")
		}
		if cap(c.raw) < int(h.CompressedPageSize) {
			c.raw = make([]byte, h.CompressedPageSize)
		}
		raw := c.raw[:h.CompressedPageSize]
		if _, err := io.ReadFull(c.br, raw); err != nil {
			return errCorruptf("truncated page")
		}
		switch h.Type {
		case parquet.PageType_DICTIONARY_PAGE:
			if err := c.loadDictionary(h, raw); err != nil {
				return err
			}
		case parquet.PageType_DATA_PAGE:
			if err := c.loadDataPageV1(h, raw); err != nil {
				return err
			}
			if c.nlev > 0 {
				return nil
			}
		case parquet.PageType_DATA_PAGE_V2:
			if err := c.loadDataPageV2(h, raw); err != nil {
				return err
			}
			if c.nlev > 0 {
				return nil
			}
		default:
			// Index pages and page types from later versions hold no values.
		}
	}
}

func (c *pqColumn) loadDictionary(h *parquet.PageHeader, raw []byte) error {
	dh := h.DictionaryPageHeader
	if dh == nil || dh.NumValues < 0 || dh.NumValues > maxPageValues {
		return errCorruptf("bad dictionary page header")
	}
	if dh.Encoding != parquet.Encoding_PLAIN && dh.Encoding != parquet.Encoding_PLAIN_DICTIONARY {
		return fmt.Errorf("%w: dictionary encoding %v", ErrParquetUnsupported, dh.Encoding)
	}
	data, err := decompressPage(c.buf, raw, c.codec, int(h.UncompressedPageSize))
	if err != nil {
		return err
	}
	c.keepBuf(data)
	c.texts = c.texts[:0]
	c.badAt = -1
	if _, err := c.decodePlain(data, int(dh.NumValues)); err != nil {
		return err
	}
	c.dict = append(c.dict[:0:0], c.texts...)
	c.dictBad = nil
	if c.badAt >= 0 {
		c.dictBad = make([]bool, len(c.dict))
		for i, s := range c.dict {
			c.dictBad[i] = !utf8.ValidString(s) && c.f.needsUTF8()
		}
	}
	c.texts = c.texts[:0]
	c.badAt = -1
	return nil
}

// keepBuf keeps the buffer a page was decompressed into for the next page
// (values are copied out of it as text).
func (c *pqColumn) keepBuf(data []byte) {
	if c.codec != parquet.CompressionCodec_UNCOMPRESSED && cap(data) > cap(c.buf) {
		c.buf = data[:0]
	}
}

func (c *pqColumn) loadDataPageV1(h *parquet.PageHeader, raw []byte) error {
	dh := h.DataPageHeader
	if dh == nil || dh.NumValues < 0 || int64(dh.NumValues) > c.valuesLeft {
		return errCorruptf("bad data page header")
	}
	data, err := decompressPage(c.buf, raw, c.codec, int(h.UncompressedPageSize))
	if err != nil {
		return err
	}
	c.keepBuf(data)
	n := int(dh.NumValues)
	if n > maxPageValues {
		return fmt.Errorf("%w: a page of more than %d values", ErrParquetUnsupported, maxPageValues)
	}
	nonNull := n
	if c.maxDef > 0 {
		switch dh.DefinitionLevelEncoding {
		case parquet.Encoding_RLE:
			if len(data) < 4 {
				return errCorruptf("truncated definition levels")
			}
			l := int(binary.LittleEndian.Uint32(data))
			if l < 0 || l > len(data)-4 {
				return errCorruptf("bad definition levels length")
			}
			if err := c.defIter.reset(data[4:4+l], 1); err != nil {
				return err
			}
			data = data[4+l:]
		case parquet.Encoding_BIT_PACKED:
			// Deprecated: one bit per level, most significant bit first.
			l := (n + 7) / 8
			if l > len(data) {
				return errCorruptf("truncated definition levels")
			}
			c.defIter.reset(data[:l], 1)
			c.defIter.msb = true
			data = data[l:]
		default:
			return fmt.Errorf("%w: definition level encoding %v", ErrParquetUnsupported, dh.DefinitionLevelEncoding)
		}
		if nonNull, err = c.countDefined(n); err != nil {
			return err
		}
	}
	return c.setPage(n, nonNull, dh.Encoding, data)
}

func (c *pqColumn) loadDataPageV2(h *parquet.PageHeader, raw []byte) error {
	dh := h.DataPageHeaderV2
	if dh == nil || dh.NumValues < 0 || int64(dh.NumValues) > c.valuesLeft || dh.NumNulls < 0 || dh.NumNulls > dh.NumValues {
		return errCorruptf("bad data page header")
	}
	rl, dl := int(dh.RepetitionLevelsByteLength), int(dh.DefinitionLevelsByteLength)
	if rl < 0 || dl < 0 || rl+dl > len(raw) || rl+dl > int(h.UncompressedPageSize) {
		return errCorruptf("bad level lengths")
	}
	n := int(dh.NumValues)
	if n > maxPageValues {
		return fmt.Errorf("%w: a page of more than %d values", ErrParquetUnsupported, maxPageValues)
	}
	var err error
	if c.maxDef > 0 {
		if err := c.defIter.reset(raw[rl:rl+dl], 1); err != nil {
			return err
		}
	}
	data := raw[rl+dl:]
	if dh.IsCompressed {
		if data, err = decompressPage(c.buf, data, c.codec, int(h.UncompressedPageSize)-rl-dl); err != nil {
			return err
		}
		c.keepBuf(data)
	}
	nonNull := n
	if c.maxDef > 0 {
		if nonNull, err = c.countDefined(n); err != nil {
			return err
		}
	}
	return c.setPage(n, nonNull, dh.Encoding, data)
}

// countDefined returns how many of the page's n levels are non-null,
// reading a copy of the level iterator.
func (c *pqColumn) countDefined(n int) (int, error) {
	it := c.defIter
	return it.countEqual(n, uint32(c.maxDef))
}

// setPage makes the page with n levels and nonNull values in data current.
func (c *pqColumn) setPage(n, nonNull int, enc parquet.Encoding, data []byte) error {
	if err := c.startValues(enc, data, nonNull); err != nil {
		return err
	}
	c.valuesLeft -= int64(n)
	c.nlev, c.pos, c.vpos = n, 0, 0
	c.texts = c.texts[:0]
	c.badAt = -1
	return nil
}

// startValues prepares the page's n values: PLAIN values are read batch
// by batch, other encodings are decoded here into integers, byte arrays or
// dictionary indices.
func (c *pqColumn) startValues(enc parquet.Encoding, data []byte, n int) error {
	c.dictPage = false
	c.src, c.data, c.left, c.cur = srcPlain, data, n, 0
	if n == 0 {
		return nil
	}
	switch enc {
	case parquet.Encoding_PLAIN:
		return nil
	case parquet.Encoding_PLAIN_DICTIONARY, parquet.Encoding_RLE_DICTIONARY:
		if c.dict == nil {
			return errCorruptf("dictionary-encoded page without a dictionary")
		}
		if len(data) < 1 {
			return errCorruptf("truncated dictionary indices")
		}
		if err := c.idxIter.reset(data[1:], int(data[0])); err != nil {
			return err
		}
		c.dictPage = true
		return nil
	case parquet.Encoding_RLE:
		if c.ptype != parquet.Type_BOOLEAN || len(data) < 4 {
			return errCorruptf("RLE values in a %v column", c.ptype)
		}
		l := int(binary.LittleEndian.Uint32(data))
		if l < 0 || l > len(data)-4 {
			return errCorruptf("bad boolean run length")
		}
		if err := c.idxIter.reset(data[4:4+l], 1); err != nil {
			return err
		}
		c.src = srcBools
		return nil
	case parquet.Encoding_DELTA_BINARY_PACKED:
		if c.ptype != parquet.Type_INT32 && c.ptype != parquet.Type_INT64 {
			return errCorruptf("delta encoding in a %v column", c.ptype)
		}
		var err error
		if c.ints, _, err = decodeDeltaBinaryPacked(c.ints[:0], data, n); err != nil {
			return err
		}
		c.src = srcInts
		return nil
	case parquet.Encoding_DELTA_LENGTH_BYTE_ARRAY, parquet.Encoding_DELTA_BYTE_ARRAY:
		if c.ptype != parquet.Type_BYTE_ARRAY && c.ptype != parquet.Type_FIXED_LEN_BYTE_ARRAY {
			return errCorruptf("byte array encoding in a %v column", c.ptype)
		}
		var err error
		if enc == parquet.Encoding_DELTA_LENGTH_BYTE_ARRAY {
			c.arrays, c.ints, err = decodeDeltaLengthByteArray(c.arrays[:0], data, n, c.ints)
		} else {
			c.arrays, c.ints, err = decodeDeltaByteArray(c.arrays[:0], data, n, c.ints)
		}
		if err != nil {
			return err
		}
		if len(c.arrays) != n {
			return errCorruptf("page holds %d values, want %d", len(c.arrays), n)
		}
		c.src = srcArrays
		return nil
	case parquet.Encoding_BYTE_STREAM_SPLIT:
		width := 0
		switch c.ptype {
		case parquet.Type_FLOAT, parquet.Type_INT32:
			width = 4
		case parquet.Type_DOUBLE, parquet.Type_INT64:
			width = 8
		case parquet.Type_FIXED_LEN_BYTE_ARRAY:
			width = c.width
		default:
			return errCorruptf("byte-stream-split encoding in a %v column", c.ptype)
		}
		var err error
		if c.split, err = byteStreamSplit(c.split, data, n, width); err != nil {
			return err
		}
		c.data = c.split
		return nil
	}
	return fmt.Errorf("%w: value encoding %v", ErrParquetUnsupported, enc)
}

// decodePlain appends the text of n PLAIN-encoded values from data to
// c.texts and returns how many bytes they took.
func (c *pqColumn) decodePlain(data []byte, n int) (int, error) {
	short := func() (int, error) { return 0, errCorruptf("page holds fewer values than its header says") }
	switch c.ptype {
	case parquet.Type_BOOLEAN:
		if len(data) < (n+7)/8 {
			return short()
		}
		for i := 0; i < n; i++ {
			c.texts = append(c.texts, strconv.FormatBool(data[i/8]>>(i%8)&1 != 0))
		}
		return (n + 7) / 8, nil
	case parquet.Type_INT32:
		if len(data) < 4*n {
			return short()
		}
		for i := 0; i < n; i++ {
			c.texts = append(c.texts, c.f.intText(int64(int32(binary.LittleEndian.Uint32(data[4*i:])))))
		}
		return 4 * n, nil
	case parquet.Type_INT64:
		if len(data) < 8*n {
			return short()
		}
		for i := 0; i < n; i++ {
			c.texts = append(c.texts, c.f.intText(int64(binary.LittleEndian.Uint64(data[8*i:]))))
		}
		return 8 * n, nil
	case parquet.Type_INT96:
		if len(data) < 12*n {
			return short()
		}
		for i := 0; i < n; i++ {
			c.texts = append(c.texts, c.f.int96Text(data[12*i:12*i+12]))
		}
		return 12 * n, nil
	case parquet.Type_FLOAT:
		if len(data) < 4*n {
			return short()
		}
		for i := 0; i < n; i++ {
			f := math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
			c.texts = append(c.texts, formatFloat(float64(f), 32))
		}
		return 4 * n, nil
	case parquet.Type_DOUBLE:
		if len(data) < 8*n {
			return short()
		}
		for i := 0; i < n; i++ {
			c.texts = append(c.texts, formatFloat(math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:])), 64))
		}
		return 8 * n, nil
	case parquet.Type_BYTE_ARRAY:
		p := 0
		for i := 0; i < n; i++ {
			if len(data)-p < 4 {
				return short()
			}
			l := int(binary.LittleEndian.Uint32(data[p:]))
			if l < 0 || l > len(data)-p-4 {
				return short()
			}
			if err := c.appendBytes(data[p+4 : p+4+l]); err != nil {
				return 0, err
			}
			p += 4 + l
		}
		return p, nil
	case parquet.Type_FIXED_LEN_BYTE_ARRAY:
		if len(data) < c.width*n {
			return short()
		}
		for i := 0; i < n; i++ {
			if err := c.appendBytes(data[c.width*i : c.width*(i+1)]); err != nil {
				return 0, err
			}
		}
		return c.width * n, nil
	}
	return 0, fmt.Errorf("%w: physical type %v", ErrParquetUnsupported, c.ptype)
}

// appendBytes appends the text of one byte-array value.
func (c *pqColumn) appendBytes(b []byte) error {
	s, ok, err := c.f.bytesText(b)
	if err != nil {
		return err
	}
	if !ok && c.badAt < 0 {
		c.badAt = len(c.texts)
	}
	c.texts = append(c.texts, s)
	return nil
}

// Logical interpretations of physical values.
const (
	lgPlain     = iota // integers, floats, booleans as they are
	lgUnsigned         // unsigned integers
	lgDate             // days since 1970-01-01
	lgTimestamp        // units since 1970-01-01T00:00:00
	lgTime             // units since midnight
	lgDecimal          // unscaled integer
	lgString           // UTF-8 text
	lgBytes            // unannotated bytes: text if valid UTF-8
	lgUUID             // 16 bytes
	lgInt96            // legacy timestamp: nanoseconds of the day, Julian day
)

// pqFormat says how a column's physical values become text.
type pqFormat struct {
	lg       int
	unsigned int   // 32 or 64 for lgUnsigned
	unit     int64 // nanoseconds per unit (lgTimestamp, lgTime)
	utc      bool  // lgTimestamp: adjusted to UTC
	scale    int32 // lgDecimal
	layout   string
	tbuf     []byte
}

func (f *pqFormat) needsUTF8() bool { return f.lg == lgString || f.lg == lgBytes }

// leafFormat returns the kind of a leaf column and how to format its values.
func leafFormat(el *parquet.SchemaElement) (Kind, pqFormat, error) {
	t := el.GetType()
	lt := el.LogicalType
	var ct *parquet.ConvertedType
	if el.IsSetConvertedType() {
		ct = el.ConvertedType
	}
	unsupported := func(what string) (Kind, pqFormat, error) {
		return String, pqFormat{}, fmt.Errorf("%w: %s", ErrParquetUnsupported, what)
	}
	if lt != nil && !lt.IsSetSTRING() && !lt.IsSetENUM() && !lt.IsSetJSON() && !lt.IsSetBSON() && !lt.IsSetDECIMAL() &&
		!lt.IsSetDATE() && !lt.IsSetTIME() && !lt.IsSetTIMESTAMP() && !lt.IsSetINTEGER() && !lt.IsSetUNKNOWN() && !lt.IsSetUUID() {
		if lt.IsSetMAP() || lt.IsSetLIST() {
			return unsupported("map or list column; veil reads flat tables")
		}
		return unsupported(fmt.Sprintf("a logical type of %v this version does not know", t))
	}
	switch t {
	case parquet.Type_BOOLEAN:
		return Boolean, pqFormat{lg: lgPlain}, nil
	case parquet.Type_FLOAT, parquet.Type_DOUBLE:
		return Float, pqFormat{lg: lgPlain}, nil
	case parquet.Type_INT96:
		return Timestamp, pqFormat{lg: lgInt96, utc: true, layout: TimestampLayout}, nil
	case parquet.Type_INT32, parquet.Type_INT64:
		bits := 32
		if t == parquet.Type_INT64 {
			bits = 64
		}
		switch {
		case lt != nil && lt.IsSetINTEGER():
			if !lt.INTEGER.IsSigned {
				return Integer, pqFormat{lg: lgUnsigned, unsigned: bits}, nil
			}
			return Integer, pqFormat{lg: lgPlain}, nil
		case lt != nil && lt.IsSetDATE() && t == parquet.Type_INT32:
			return Date, pqFormat{lg: lgDate, layout: DateLayout}, nil
		case lt != nil && lt.IsSetTIMESTAMP() && t == parquet.Type_INT64:
			unit, err := timeUnit(lt.TIMESTAMP.Unit)
			if err != nil {
				return unsupported(err.Error())
			}
			f := pqFormat{lg: lgTimestamp, unit: unit, utc: lt.TIMESTAMP.IsAdjustedToUTC, layout: TimestampLayout}
			if !f.utc {
				f.layout = localTimestampLayout
			}
			return Timestamp, f, nil
		case lt != nil && lt.IsSetTIME():
			unit, err := timeUnit(lt.TIME.Unit)
			if err != nil {
				return unsupported(err.Error())
			}
			return String, pqFormat{lg: lgTime, unit: unit}, nil
		case lt != nil && lt.IsSetDECIMAL():
			return decimalKind(lt.DECIMAL.Precision), pqFormat{lg: lgDecimal, scale: lt.DECIMAL.Scale}, nil
		case lt != nil && lt.IsSetUNKNOWN():
			return Integer, pqFormat{lg: lgPlain}, nil
		case lt != nil:
			return unsupported(fmt.Sprintf("logical type %v on %v", lt, t))
		case ct == nil:
			return Integer, pqFormat{lg: lgPlain}, nil
		}
		switch *ct {
		case parquet.ConvertedType_INT_8, parquet.ConvertedType_INT_16, parquet.ConvertedType_INT_32, parquet.ConvertedType_INT_64:
			return Integer, pqFormat{lg: lgPlain}, nil
		case parquet.ConvertedType_UINT_8, parquet.ConvertedType_UINT_16, parquet.ConvertedType_UINT_32, parquet.ConvertedType_UINT_64:
			return Integer, pqFormat{lg: lgUnsigned, unsigned: bits}, nil
		case parquet.ConvertedType_DATE:
			return Date, pqFormat{lg: lgDate, layout: DateLayout}, nil
		case parquet.ConvertedType_TIMESTAMP_MILLIS:
			return Timestamp, pqFormat{lg: lgTimestamp, unit: 1e6, utc: true, layout: TimestampLayout}, nil
		case parquet.ConvertedType_TIMESTAMP_MICROS:
			return Timestamp, pqFormat{lg: lgTimestamp, unit: 1e3, utc: true, layout: TimestampLayout}, nil
		case parquet.ConvertedType_TIME_MILLIS:
			return String, pqFormat{lg: lgTime, unit: 1e6}, nil
		case parquet.ConvertedType_TIME_MICROS:
			return String, pqFormat{lg: lgTime, unit: 1e3}, nil
		case parquet.ConvertedType_DECIMAL:
			return decimalKind(el.GetPrecision()), pqFormat{lg: lgDecimal, scale: el.GetScale()}, nil
		}
		return unsupported(fmt.Sprintf("converted type %v on %v", *ct, t))
	case parquet.Type_BYTE_ARRAY, parquet.Type_FIXED_LEN_BYTE_ARRAY:
		switch {
		case lt != nil && (lt.IsSetSTRING() || lt.IsSetENUM() || lt.IsSetJSON()):
			return String, pqFormat{lg: lgString}, nil
		case lt != nil && lt.IsSetDECIMAL():
			return decimalKind(lt.DECIMAL.Precision), pqFormat{lg: lgDecimal, scale: lt.DECIMAL.Scale}, nil
		case lt != nil && lt.IsSetUUID() && t == parquet.Type_FIXED_LEN_BYTE_ARRAY && el.GetTypeLength() == 16:
			return String, pqFormat{lg: lgUUID}, nil
		case lt != nil && lt.IsSetUNKNOWN():
			return String, pqFormat{lg: lgBytes}, nil
		case lt != nil:
			return unsupported(fmt.Sprintf("logical type %v on %v", lt, t))
		case ct == nil:
			return String, pqFormat{lg: lgBytes}, nil
		}
		switch *ct {
		case parquet.ConvertedType_UTF8, parquet.ConvertedType_ENUM, parquet.ConvertedType_JSON:
			return String, pqFormat{lg: lgString}, nil
		case parquet.ConvertedType_DECIMAL:
			return decimalKind(el.GetPrecision()), pqFormat{lg: lgDecimal, scale: el.GetScale()}, nil
		}
		return unsupported(fmt.Sprintf("converted type %v on %v", *ct, t))
	}
	return unsupported(fmt.Sprintf("physical type %v", t))
}

// decimalKind is the kind of a DECIMAL column of the given precision: a
// float when a double holds every value exactly (15 digits or fewer), text
// otherwise, so that DECIMAL(38) amounts or IDs keep every digit.
func decimalKind(precision int32) Kind {
	if precision > 0 && precision <= 15 {
		return Float
	}
	return String
}

func timeUnit(u *parquet.TimeUnit) (int64, error) {
	switch {
	case u == nil:
	case u.IsSetMILLIS():
		return 1e6, nil
	case u.IsSetMICROS():
		return 1e3, nil
	case u.IsSetNANOS():
		return 1, nil
	}
	return 0, fmt.Errorf("unknown time unit")
}

// intText returns the text of an INT32 (sign-extended) or INT64 value.
func (f *pqFormat) intText(v int64) string {
	switch f.lg {
	case lgUnsigned:
		if f.unsigned == 32 {
			return strconv.FormatUint(uint64(uint32(v)), 10)
		}
		return strconv.FormatUint(uint64(v), 10)
	case lgDate:
		t := time.Unix(v*86400, 0).UTC()
		if y, m, d := t.Date(); f.layout == DateLayout && y >= 0 && y <= 9999 {
			b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
				byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
			return string(b[:])
		}
		return f.timeText(t)
	case lgTimestamp:
		var t time.Time
		switch f.unit {
		case 1e6:
			t = time.UnixMilli(v)
		case 1e3:
			t = time.UnixMicro(v)
		default:
			t = time.Unix(0, v)
		}
		return f.timeText(t.UTC())
	case lgTime:
		return time.Unix(0, v*f.unit).UTC().Format("15:04:05.999999999")
	case lgDecimal:
		neg := v < 0
		u := uint64(v)
		if neg {
			u = -u
		}
		return decimalText(neg, strconv.FormatUint(u, 10), f.scale)
	}
	return strconv.FormatInt(v, 10)
}

func (f *pqFormat) timeText(t time.Time) string {
	f.tbuf = t.AppendFormat(f.tbuf[:0], f.layout)
	return string(f.tbuf)
}

// int96Text returns the text of a legacy INT96 timestamp: nanoseconds of
// the day, then the Julian day number (2440588 is 1970-01-01).
func (f *pqFormat) int96Text(b []byte) string {
	nanos := int64(binary.LittleEndian.Uint64(b))
	day := int64(binary.LittleEndian.Uint32(b[8:]))
	t := time.Unix((day-2440588)*86400, nanos).UTC()
	return f.timeText(t)
}

// bytesText returns the text of a byte-array value; ok is false when the
// value should be text but is not valid UTF-8.
func (f *pqFormat) bytesText(b []byte) (s string, ok bool, err error) {
	switch f.lg {
	case lgDecimal:
		if len(b) == 0 {
			return "", false, errCorruptf("empty decimal")
		}
		if len(b) <= 8 {
			v := int64(0)
			if b[0]&0x80 != 0 {
				v = -1
			}
			for _, x := range b {
				v = v<<8 | int64(x)
			}
			return f.intText(v), true, nil
		}
		n := new(big.Int).SetBytes(b)
		neg := b[0]&0x80 != 0
		if neg { // two's complement
			n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
			n.Neg(n)
		}
		return decimalText(neg, n.String(), f.scale), true, nil
	case lgUUID:
		var buf [36]byte
		hex.Encode(buf[0:8], b[0:4])
		buf[8] = '-'
		hex.Encode(buf[9:13], b[4:6])
		buf[13] = '-'
		hex.Encode(buf[14:18], b[6:8])
		buf[18] = '-'
		hex.Encode(buf[19:23], b[8:10])
		buf[23] = '-'
		hex.Encode(buf[24:], b[10:16])
		return string(buf[:]), true, nil
	}
	return string(b), utf8.Valid(b), nil
}

// decimalText places the decimal point scale digits from the right of the
// unscaled digits.
func decimalText(neg bool, digits string, scale int32) string {
	if scale < 0 {
		digits += string(bytes.Repeat([]byte{'0'}, int(-scale)))
		scale = 0
	}
	s := int(scale)
	if s > 0 {
		if len(digits) <= s {
			digits = string(bytes.Repeat([]byte{'0'}, s-len(digits)+1)) + digits
		}
		digits = digits[:len(digits)-s] + "." + digits[len(digits)-s:]
	}
	if neg && digits != "0" {
		return "-" + digits
	}
	return digits
}
