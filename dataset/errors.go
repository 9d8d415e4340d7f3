package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Sentinel errors wrapped by DataError. None of them holds a value.
var (
	ErrFieldCount      = errors.New("wrong number of fields")
	ErrQuote           = errors.New("unterminated or misplaced quote in quoted field")
	ErrBareQuote       = errors.New(`bare " in unquoted field (use --lazy-quotes to accept it)`)
	ErrInvalidUTF8     = errors.New("invalid UTF-8")
	ErrNotInteger      = errors.New("not an integer")
	ErrIntegerRange    = errors.New("integer out of range")
	ErrNotFloat        = errors.New("not a number")
	ErrNotExactFloat   = errors.New("more significant digits than a double holds (keep the column as text: --type COL=string)")
	ErrNotBoolean      = errors.New("not a boolean (want true or false)")
	ErrNotDate         = errors.New("not a date")
	ErrNotTimestamp    = errors.New("not a timestamp")
	ErrNullInRequired  = errors.New("null in a column that does not allow nulls")
	ErrEmptyHeader     = errors.New("empty header: the file has no columns")
	ErrDuplicateColumn = errors.New("duplicate column name")
	ErrEmptyColumnName = errors.New("empty column name")
	errUnknownOverride = errors.New("a column type is declared for a column the file does not have")
)

// DataError reports a problem with the input data. It names the place and
// never holds the cell's value.
type DataError struct {
	File   string // path of the file, as given by the user
	Row    int64  // 1-based data row (header excluded); 0 for the header or the file as a whole
	Line   int    // 1-based line in a text file; 0 when not applicable
	Byte   int    // 1-based byte column within the line; 0 when unknown
	Column string // column name; empty when the error is about the row or file
	Err    error
}

// Error returns e.g. `adult.csv: row 17 (line 18), column "age": not an integer`.
func (e *DataError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	var place []string
	switch {
	case e.Row > 0:
		place = append(place, "row "+strconv.FormatInt(e.Row, 10))
	case e.Line == 1:
		place = append(place, "header")
	}
	var loc []string
	if e.Line > 0 {
		loc = append(loc, "line "+strconv.Itoa(e.Line))
	}
	if e.Byte > 0 {
		loc = append(loc, "byte "+strconv.Itoa(e.Byte))
	}
	if len(loc) > 0 {
		if len(place) > 0 {
			place[0] += " (" + strings.Join(loc, ", ") + ")"
		} else {
			place = append(place, strings.Join(loc, ", "))
		}
	}
	if e.Column != "" {
		place = append(place, "column "+strconv.Quote(e.Column))
	}
	if len(place) > 0 {
		b.WriteString(strings.Join(place, ", "))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid data")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DataError) Unwrap() error { return e.Err }

// ColumnError is returned by writers and value parsers that know the column
// but not where the record came from. Locate turns it into a DataError.
type ColumnError struct {
	Col int // index into the schema
	Err error
}

func (e *ColumnError) Error() string { return fmt.Sprintf("column %d: %v", e.Col+1, e.Err) }

// Unwrap returns the underlying error.
func (e *ColumnError) Unwrap() error { return e.Err }

// Locate turns err, raised while handling rec from r, into a *DataError that
// names the file, row, line and column. A *ColumnError names the column; a
// *DataError is returned unchanged; other errors get the row only. An
// error of the operating system (see IsSystemError) is not about the
// record, whatever step met it (a write to a full disk while the record
// is written out): it is returned unchanged, so that it is not taken for
// bad input.
func Locate(r Reader, rec *Record, err error) error {
	if err == nil {
		return nil
	}
	var de *DataError
	if errors.As(err, &de) || IsSystemError(err) {
		return err
	}
	col := -1
	var ce *ColumnError
	if errors.As(err, &ce) {
		col = ce.Col
		err = ce.Err
	}
	pos := Position{}
	if r != nil {
		pos = r.Pos(max(col, 0))
	}
	e := &DataError{File: pos.File, Line: pos.Line, Err: err}
	if rec != nil {
		e.Row = rec.Row
	}
	if col >= 0 && r != nil && col < r.Schema().Len() {
		e.Column = r.Schema().Columns[col].Name
	}
	return e
}

// IsSystemError reports whether err comes from the operating system: a
// failed file operation (*fs.PathError, *os.LinkError, *os.SyscallError)
// or an errno, such as a full disk or a read-only file system.
func IsSystemError(err error) bool {
	var (
		pe *fs.PathError
		le *os.LinkError
		se *os.SyscallError
		en syscall.Errno
	)
	return errors.As(err, &pe) || errors.As(err, &le) || errors.As(err, &se) || errors.As(err, &en)
}
