package dataset

import (
	"context"
	"io"
)

// Pipe reads every record of r, passes it through fn and writes the result
// to w, in file order. fn may return the record it was given, modified or
// not, or nil to drop the row; a nil fn copies records unchanged. tick, if
// not nil, is called once per record read. Pipe checks ctx every 1024
// records. Errors are located with Locate. It returns the number of records
// written.
func Pipe(ctx context.Context, r Reader, w Writer, fn func(*Record) (*Record, error), tick func()) (int64, error) {
	var n, read int64
	for {
		if read&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		rec, err := r.Read()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		read++
		if tick != nil {
			tick()
		}
		out := rec
		if fn != nil {
			out, err = fn(rec)
			if err != nil {
				return n, Locate(r, rec, err)
			}
			if out == nil {
				continue
			}
		}
		if err := w.Write(out); err != nil {
			return n, Locate(r, rec, err)
		}
		n++
	}
}
