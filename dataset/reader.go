package dataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// A Reader returns records in file order. Read returns nil, [io.EOF] after
// the last record. The record and its Values may be reused by the next call
// to Read: copy (Record.Clone) a record to keep it. A Reader is not safe for
// concurrent use.
type Reader interface {
	// Schema returns the table's columns, inferred or declared.
	Schema() Schema
	// Read returns the next record.
	Read() (*Record, error)
	// Pos returns where value col of the last record read came from.
	Pos(col int) Position
	// Close releases the file. It does not fail when called twice.
	Close() error
}

// Position is the place a value came from.
type Position struct {
	File string
	Line int // 1-based; 0 for formats without lines (Parquet)
}

// Progresser is implemented by readers that know how far they are through
// their input. Unit is "bytes" or "rows"; total is 0 when unknown.
// Progress may be called from another goroutine than the one reading (a
// progress bar while Prefetch reads ahead).
type Progresser interface {
	Progress() (done, total int64, unit string)
}

// Format is a file format.
type Format string

// The formats veil reads and writes.
const (
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// ParseFormat returns the format named s ("csv", "tsv" or "parquet").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "csv", "tsv", "txt":
		return CSV, nil
	case "parquet", "pq":
		return Parquet, nil
	}
	return "", fmt.Errorf("unknown format %q (want csv or parquet)", s)
}

// ErrUnknownFormat is returned (wrapped, with the path) when a path's name
// does not say whether it is CSV or Parquet; the caller names the option
// that would.
var ErrUnknownFormat = errors.New("cannot tell the format")

// FormatOf returns the format implied by path's extension.
func FormatOf(path string) (Format, error) {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if ext == "" {
		return "", fmt.Errorf("%s: %w from the name (no extension)", path, ErrUnknownFormat)
	}
	f, err := ParseFormat(ext)
	if err != nil {
		return "", fmt.Errorf("%s: %w from the extension %q (want .csv, .tsv, .txt, .parquet or .pq)", path, ErrUnknownFormat, ext)
	}
	return f, nil
}

// Options configures readers. The zero value (or nil) detects everything.
type Options struct {
	// Format overrides the format implied by the file name.
	Format Format
	// Delimiter is the CSV field separator; 0 detects it among , ; tab and |.
	Delimiter rune
	// NullTokens are the CSV texts read as null. Nil means just the empty
	// field; a non-nil list replaces it (include "" to keep empty = null).
	NullTokens []string
	// LazyQuotes accepts a bare quote inside an unquoted CSV field.
	LazyQuotes bool
	// InferRows is how many leading records are sampled to infer kinds:
	// 0 means DefaultInferRows, a negative number the whole file (a second
	// pass over it; not for standard input).
	InferRows int
	// Types declares column kinds, replacing inference for those columns.
	Types map[string]Override
	// NoHeader reads a CSV file whose first line is data: the columns are
	// named col1, col2... after the first record's fields.
	NoHeader bool
	// TypesMayBeAbsent lets Types name columns the table does not have
	// (a release that dropped them); otherwise such a name is an error.
	TypesMayBeAbsent bool
}

func (o *Options) inferRows() int {
	if o == nil || o.InferRows == 0 {
		return DefaultInferRows
	}
	return o.InferRows
}

// Open opens the table at path for reading. A folder is read as one table
// made of its part files (see Parts), as Spark and warehouses export them.
func Open(path string, opt *Options) (Reader, error) {
	if opt == nil {
		opt = &Options{}
	}
	st, statErr := os.Stat(path)
	if statErr == nil && st.IsDir() {
		return openParts(path, opt)
	}
	format := opt.Format
	if format == "" {
		f, err := FormatOf(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(statErr, &pe) {
				pe.Op = "open" // a missing file, rather than its name
				return nil, pe
			}
			return nil, err
		}
		format = f
	}
	switch format {
	case CSV:
		return openCSV(path, opt)
	case Parquet:
		return openParquet(path, opt)
	}
	return nil, fmt.Errorf("%s: unsupported format %q", path, format)
}

// WriteOptions configures writers. The zero value (or nil) writes
// comma-separated CSV with LF line ends and snappy-compressed Parquet.
type WriteOptions struct {
	// Format overrides the format implied by the file name.
	Format Format
	// Delimiter is the CSV field separator; 0 means ','.
	Delimiter rune
	// NullToken is the CSV text written for null (default: empty).
	NullToken string
	// CRLF ends CSV lines with \r\n.
	CRLF bool
	// Compression is the Parquet codec: snappy (default), gzip, zstd or none.
	Compression string
	// RowGroupRows is the number of rows per Parquet row group (default 65536).
	RowGroupRows int
}

// A Writer encodes records. Close flushes buffered data (the CSV buffer, the
// last Parquet row group and footer); it does not close the io.Writer.
// Write does not keep rec after it returns. Errors about a value are
// *ColumnError values; see Locate.
type Writer interface {
	Write(rec *Record) error
	Close() error
}

// NewWriter returns a writer of the given format on w.
func NewWriter(w io.Writer, format Format, schema Schema, opt *WriteOptions) (Writer, error) {
	if opt == nil {
		opt = &WriteOptions{}
	}
	switch format {
	case CSV:
		return NewCSVWriter(w, schema, opt), nil
	case Parquet:
		return NewParquetWriter(w, schema, opt)
	}
	return nil, fmt.Errorf("unsupported format %q", format)
}

// OutputFormat returns the format to write path in: opt.Format if set,
// otherwise the one implied by the extension.
func OutputFormat(path string, opt *WriteOptions) (Format, error) {
	if opt != nil && opt.Format != "" {
		return opt.Format, nil
	}
	return FormatOf(path)
}

// countingReader counts bytes read through it, for progress reports
// (read from any goroutine).
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func fileSize(f *os.File) int64 {
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		return st.Size()
	}
	return 0
}
