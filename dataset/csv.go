package dataset

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// csvReader reads RFC 4180 CSV through encoding/csv, adding header
// handling, null tokens, UTF-8 validation, kind inference and error
// positions that never quote a value.
type csvReader struct {
	name          string
	cr            *csv.Reader
	closer        io.Closer
	count         *countingReader
	utf8          *utf8Check
	size          int64
	schema        Schema
	nulls         map[string]bool
	onlyEmptyNull bool
	noHeader      bool // the first line was data (Options.NoHeader)

	buffered []bufRecord // records read ahead for inference, replayed first
	rec      Record
	rows     int64
	lines    []int // line of each field of a replayed record
	live     bool  // the current record came straight from cr: ask cr.FieldPos
	done     bool
}

type bufRecord struct {
	values []Value
	lines  []int
}

const sniffBytes = 64 << 10

// ErrCROnly is the error of a CSV file whose lines end in a carriage
// return alone.
var ErrCROnly = errors.New(`lines end in a carriage return alone (classic Mac OS); veil reads LF or CRLF line ends: convert the file first, e.g. tr '\r' '\n' < in.csv > fixed.csv`)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func openCSV(path string, opt *Options) (Reader, error) {
	if opt.inferRows() < 0 && len(opt.Types) == 0 {
		// Whole-file inference: one pass to infer, a second to read.
		kinds, err := inferWholeCSV(path, opt)
		if err != nil {
			return nil, err
		}
		o := *opt
		o.Types = kinds
		o.InferRows = 1
		opt = &o
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := newCSVReader(f, path, fileSize(f), opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

func inferWholeCSV(path string, opt *Options) (map[string]Override, error) {
	o := *opt
	o.InferRows = 1
	r, err := openCSV(path, &o)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var in Inferrer
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		in.Add(rec.Values)
	}
	types := make(map[string]Override)
	for _, c := range in.Columns(r.Schema().Names()) {
		types[c.Name] = Override{Kind: c.Kind, Layout: c.Layout}
	}
	return types, nil
}

// NewCSVReader returns a Reader of CSV text from r. name is used in errors.
// The header row names the columns. Kinds are inferred from the first
// opt.InferRows records (read ahead and replayed), except those declared in
// opt.Types.
func NewCSVReader(r io.Reader, name string, opt *Options) (Reader, error) {
	if opt == nil {
		opt = &Options{}
	}
	if opt.inferRows() < 0 {
		return nil, errors.New("whole-file inference needs a file, not a stream")
	}
	return newCSVReader(r, name, 0, opt)
}

func newCSVReader(r io.Reader, name string, size int64, opt *Options) (*csvReader, error) {
	count := &countingReader{r: r}
	check := &utf8Check{r: count}
	br := bufio.NewReaderSize(check, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &DataError{File: name, Err: err}
	}
	if bytes.HasPrefix(head, utf8BOM) {
		br.Discard(len(utf8BOM))
		head = head[len(utf8BOM):]
	}
	if bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		// Carriage returns and no line feed in the first 64 KiB: lines
		// end in CR alone (classic Mac OS), which encoding/csv would read
		// as one record of every line.
		return nil, &DataError{File: name, Line: 1, Err: ErrCROnly}
	}
	delim := opt.Delimiter
	if delim == 0 {
		delim = sniffDelimiter(head)
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.LazyQuotes = opt.LazyQuotes
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1

	c := &csvReader{name: name, cr: cr, count: count, utf8: check, size: size, noHeader: opt.NoHeader}
	if opt.NullTokens == nil {
		c.onlyEmptyNull = true
	} else {
		c.nulls = make(map[string]bool, len(opt.NullTokens))
		for _, t := range opt.NullTokens {
			c.nulls[t] = true
		}
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, &DataError{File: name, Line: 1, Err: ErrEmptyHeader}
	}
	if err != nil {
		return nil, c.parseError(err)
	}
	var first *bufRecord // the first record, when it is data (opt.NoHeader)
	if opt.NoHeader {
		lines := make([]int, len(header))
		for i := range lines {
			lines[i], _ = cr.FieldPos(i)
		}
		fields := append([]string(nil), header...)
		header = make([]string, len(fields))
		for i := range header {
			header[i] = fmt.Sprintf("col%d", i+1)
		}
		c.schema.Columns = make([]Column, len(header)) // for the errors of the first record
		for i, h := range header {
			c.schema.Columns[i].Name = h
		}
		c.rec.Values = make([]Value, len(header))
		rec, err := c.fill(fields, lines)
		if err != nil {
			return nil, err
		}
		first = &bufRecord{values: append([]Value(nil), rec.Values...), lines: lines}
	}
	// A first row holding a person's e-mail address, phone number, date
	// of birth... is data, not a header (see headerDataShape). Checked
	// before the names' other rules, which such a row may break too
	// (an empty or repeated cell) with a less helpful message.
	for i, h := range header {
		if shape := headerDataShape(h); shape != "" {
			return nil, &DataError{File: name, Line: 1, Err: fmt.Errorf("column %d: %w (%s), not column names; %s",
				i+1, ErrHeaderIsData, shape, noHeaderHint)}
		}
	}
	names := make([]string, len(header))
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, &DataError{File: name, Line: 1, Err: fmt.Errorf("column %d: %w", i+1, ErrInvalidUTF8)}
		}
		if h == "" {
			return nil, &DataError{File: name, Line: 1, Err: fmt.Errorf("column %d: %w", i+1, ErrEmptyColumnName)}
		}
		if j, dup := seen[h]; dup {
			return nil, &DataError{File: name, Line: 1, Column: h, Err: fmt.Errorf("%w (columns %d and %d)", ErrDuplicateColumn, j+1, i+1)}
		}
		seen[h] = i
		names[i] = h
	}
	if len(names) == 1 && names[0] == "" {
		return nil, &DataError{File: name, Line: 1, Err: ErrEmptyHeader}
	}
	c.schema.Columns = make([]Column, len(names))
	for i, n := range names {
		c.schema.Columns[i] = Column{Name: n, Nullable: true}
	}
	cr.FieldsPerRecord = len(names)
	c.rec.Values = make([]Value, len(names))
	c.lines = make([]int, len(names))

	// Read ahead to infer kinds.
	var in Inferrer
	if first != nil {
		c.buffered = append(c.buffered, *first)
		in.Add(first.values)
	}
	n := opt.inferRows()
	for len(c.buffered) < n {
		rec, err := c.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		b := bufRecord{values: append([]Value(nil), rec.Values...), lines: make([]int, len(names))}
		for i := range b.lines {
			b.lines[i], _ = cr.FieldPos(i)
		}
		c.buffered = append(c.buffered, b)
		in.Add(b.values)
	}
	c.schema.Columns = in.Columns(names)
	if err := applyOverrides(name, c.schema.Columns, opt.Types, opt.TypesMayBeAbsent); err != nil {
		return nil, err
	}
	// A date naming a column above a column of dates is the first row
	// of a file without a header (a pivoted export's date names sit
	// above its measures): the birth date of a person whose name and
	// town, which no shape tells from column names, head the others.
	if !opt.NoHeader && len(c.buffered) > 0 {
		for i, h := range names {
			if k := c.schema.Columns[i].Kind; (k == Date || k == Timestamp) && isDateShape(strings.TrimSpace(h)) {
				return nil, &DataError{File: name, Line: 1, Err: fmt.Errorf("column %d: %w (a date above a column of dates), not column names; %s",
					i+1, ErrHeaderIsData, noHeaderHint)}
			}
		}
	}
	c.rows = 0
	return c, nil
}

// noHeaderHint tells what to do about a file whose first row is data.
const noHeaderHint = "add a first line of column names, or read the file as headerless (--no-header: columns named col1, col2...)"

// sniffDelimiter picks the candidate that splits the first lines into the
// same, largest number of fields, counting only separators outside quotes.
func sniffDelimiter(head []byte) rune {
	const maxLines = 50
	candidates := []byte{',', ';', '\t', '|'}
	counts := make([][]int, len(candidates))
	cur := make([]int, len(candidates))
	inQuote := false
	lines := 0
	for i := 0; i < len(head) && lines < maxLines; i++ {
		b := head[i]
		switch {
		case b == '"':
			inQuote = !inQuote
		case b == '\n' && !inQuote:
			for j := range candidates {
				counts[j] = append(counts[j], cur[j])
				cur[j] = 0
			}
			lines++
		case !inQuote:
			for j, c := range candidates {
				if b == c {
					cur[j]++
				}
			}
		}
	}
	if lines == 0 { // a single line without a newline
		for j := range candidates {
			counts[j] = append(counts[j], cur[j])
		}
	}
	best, bestScore := ',', -1.0
	for j, c := range candidates {
		cs := counts[j]
		if len(cs) == 0 || cs[0] == 0 {
			continue
		}
		same := 0
		for _, n := range cs {
			if n == cs[0] {
				same++
			}
		}
		// Consistency first, then the number of fields.
		score := float64(same)/float64(len(cs))*1000 + float64(cs[0])
		if score > bestScore {
			best, bestScore = rune(c), score
		}
	}
	return best
}

// next reads one record from the CSV stream into c.rec.
func (c *csvReader) next() (*Record, error) {
	fields, err := c.cr.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, c.parseError(err)
	}
	return c.fill(fields, nil)
}

// fill sets c.rec to the next row, of fields. lines, when set, holds the
// fields' lines (a record read before the reader's own reads); otherwise
// the csv.Reader's last record is fields.
func (c *csvReader) fill(fields []string, lines []int) (*Record, error) {
	c.rows++
	c.rec.Row = c.rows
	checkUTF8 := c.utf8.bad
	for i, f := range fields {
		if checkUTF8 && !utf8.ValidString(f) {
			line, col := 0, 0
			if lines != nil {
				line = lines[i]
			} else {
				line, col = c.cr.FieldPos(i)
			}
			return nil, &DataError{File: c.name, Row: c.rows, Line: line, Byte: col, Column: c.schema.Columns[i].Name, Err: ErrInvalidUTF8}
		}
		if c.onlyEmptyNull {
			c.rec.Values[i] = Value{Text: f, Null: len(f) == 0}
		} else if c.nulls[f] {
			c.rec.Values[i] = Value{Null: true}
		} else {
			c.rec.Values[i] = Value{Text: f}
		}
	}
	return &c.rec, nil
}

func (c *csvReader) parseError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &DataError{File: c.name, Row: c.rows + 1, Err: err}
	}
	de := &DataError{File: c.name, Row: c.rows + 1, Line: pe.Line, Byte: pe.Column}
	if c.schema.Columns == nil {
		de.Row = 0 // the header
	}
	switch {
	case errors.Is(pe.Err, csv.ErrFieldCount):
		de.Line = pe.StartLine
		de.Byte = 0
		first := "the header"
		if c.noHeader {
			first = "the first row"
		}
		de.Err = fmt.Errorf("%w: %s has %d", ErrFieldCount, first, len(c.schema.Columns))
	case errors.Is(pe.Err, csv.ErrQuote):
		if pe.StartLine != pe.Line {
			de.Err = fmt.Errorf("%w (the record starts at line %d)", ErrQuote, pe.StartLine)
		} else {
			de.Err = ErrQuote
		}
	case errors.Is(pe.Err, csv.ErrBareQuote):
		de.Err = ErrBareQuote
	default:
		de.Err = pe.Err
	}
	return de
}

func (c *csvReader) Schema() Schema { return c.schema }

func (c *csvReader) Read() (*Record, error) {
	if c.done {
		return nil, io.EOF
	}
	if len(c.buffered) > 0 {
		b := c.buffered[0]
		c.buffered[0] = bufRecord{}
		c.buffered = c.buffered[1:]
		c.rows++
		c.rec.Row = c.rows
		copy(c.rec.Values, b.values)
		copy(c.lines, b.lines)
		c.live = false
		return &c.rec, nil
	}
	c.live = true
	rec, err := c.next()
	if err == io.EOF {
		c.done = true
	}
	return rec, err
}

func (c *csvReader) Pos(col int) Position {
	p := Position{File: c.name}
	switch {
	case col < 0 || col >= len(c.lines):
	case c.live:
		p.Line, _ = c.cr.FieldPos(col)
	default:
		p.Line = c.lines[col]
	}
	return p
}

func (c *csvReader) Progress() (done, total int64, unit string) {
	return c.count.n.Load(), c.size, "bytes"
}

func (c *csvReader) Close() error {
	if c.closer == nil {
		return nil
	}
	err := c.closer.Close()
	c.closer = nil
	return err
}

// csvWriter writes records as RFC 4180 CSV with a header row. It quotes
// like encoding/csv (fields holding the delimiter, a quote, CR or LF, or
// starting with a space) and also quotes the lone empty field of a
// one-column row, which would otherwise be an empty line that readers skip.
type csvWriter struct {
	w         *bufio.Writer
	schema    Schema
	delim     byte
	nullToken string
	eol       string
	special   [256]bool // bytes that force quoting: the delimiter, '"', CR, LF
	started   bool
}

// NewCSVWriter returns a Writer of CSV text to w. Values are written as their
// text; nulls as opt.NullToken (default: an empty field). The header is
// written with the first record, or by Close for an empty table.
func NewCSVWriter(w io.Writer, schema Schema, opt *WriteOptions) Writer {
	if opt == nil {
		opt = &WriteOptions{}
	}
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	c := &csvWriter{w: bw, schema: schema, delim: ',', nullToken: opt.NullToken, eol: "\n"}
	if opt.Delimiter != 0 && opt.Delimiter < utf8.RuneSelf {
		c.delim = byte(opt.Delimiter)
	}
	if opt.CRLF {
		c.eol = "\r\n"
	}
	for _, b := range []byte{c.delim, '"', '\r', '\n'} {
		c.special[b] = true
	}
	return c
}

func (c *csvWriter) needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	for i := 0; i < len(f); i++ {
		if c.special[f[i]] {
			return true
		}
	}
	if f == `\.` {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

func (c *csvWriter) field(f string) {
	if !c.needsQuotes(f) {
		c.w.WriteString(f)
		return
	}
	c.w.WriteByte('"')
	for len(f) > 0 {
		i := strings.IndexAny(f, "\"\r\n")
		if i < 0 {
			c.w.WriteString(f)
			break
		}
		c.w.WriteString(f[:i])
		switch f[i] {
		case '"':
			c.w.WriteString(`""`)
		case '\r':
			if c.eol == "\r\n" && i+1 < len(f) && f[i+1] == '\n' {
				i++ // keep \r\n as one line break
				c.w.WriteString("\r\n")
			} else {
				c.w.WriteByte('\r')
			}
		case '\n':
			c.w.WriteString(c.eol)
		}
		f = f[i+1:]
	}
	c.w.WriteByte('"')
}

func (c *csvWriter) header() {
	c.started = true
	for i, name := range c.schema.Names() {
		if i > 0 {
			c.w.WriteByte(c.delim)
		}
		c.field(name)
	}
	c.w.WriteString(c.eol)
}

func (c *csvWriter) Write(rec *Record) error {
	if !c.started {
		c.header()
	}
	if len(rec.Values) != c.schema.Len() {
		return fmt.Errorf("%w: record has %d values, schema %d columns", ErrFieldCount, len(rec.Values), c.schema.Len())
	}
	if len(rec.Values) == 1 {
		v := rec.Values[0]
		if (v.Null && c.nullToken == "") || (!v.Null && v.Text == "") {
			c.w.WriteString(`""`)
			c.w.WriteString(c.eol)
			return nil
		}
	}
	for i, v := range rec.Values {
		if i > 0 {
			c.w.WriteByte(c.delim)
		}
		if v.Null {
			c.field(c.nullToken)
		} else {
			c.field(v.Text)
		}
	}
	_, err := c.w.WriteString(c.eol)
	return err
}

func (c *csvWriter) Close() error {
	if !c.started {
		c.header()
	}
	return c.w.Flush()
}
