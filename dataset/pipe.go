package dataset

import (
	"context"
	"errors"
	"io"
)

// Each reads every record of r and calls fn with it, in file order. tick,
// if not nil, is called once per record read. Each checks ctx before every
// record (a few nanoseconds; a record of thousands of columns can take fn
// milliseconds, and 1,024 of them seconds); errors from fn are located
// with Locate (which leaves errors of the operating system, such as a full
// disk, as they are: they are not about the record). It returns the number of records read. The record is
// only valid during the call.
func Each(ctx context.Context, r Reader, tick func(), fn func(*Record) error) (int64, error) {
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
		if tick != nil {
			tick()
		}
		if err := fn(rec); err != nil {
			var we *writeError
			if errors.As(err, &we) {
				return n, we.err
			}
			return n, Locate(r, rec, err)
		}
	}
}

// Pipe reads every record of r, passes it through fn and writes the result
// to w, in file order. fn may return the record it was given, modified or
// not, or nil to drop the row; a nil fn copies records unchanged. tick, if
// not nil, is called once per record read. Pipe checks ctx before every
// record, as Each does. Errors of r and fn are located with Locate; so are the errors of
// w that name a column (a value the output cannot hold), while its other
// errors (a failed write, a full disk) are returned as they are: they are
// not the input's fault. It returns the number of records written.
func Pipe(ctx context.Context, r Reader, w Writer, fn func(*Record) (*Record, error), tick func()) (int64, error) {
	var n int64
	_, err := Each(ctx, r, tick, func(rec *Record) error {
		out := rec
		if fn != nil {
			var err error
			if out, err = fn(rec); err != nil || out == nil {
				return err
			}
		}
		if err := w.Write(out); err != nil {
			var ce *ColumnError
			var de *DataError
			if errors.As(err, &ce) || errors.As(err, &de) {
				return err
			}
			return &writeError{err}
		}
		n++
		return nil
	})
	return n, err
}

// writeError carries an error of Pipe's writer through Each unlocated.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }
