package dataset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// failWriter fails its n-th Write with err.
type failWriter struct {
	n, calls int
	err      error
}

func (w *failWriter) Write(*Record) error {
	w.calls++
	if w.calls == w.n {
		return w.err
	}
	return nil
}

func (w *failWriter) Close() error { return nil }

func openPipeInput(t *testing.T) Reader {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(p, []byte("a,b\n1,x\n2,y\n3,z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(p, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// A failed write (a full disk) is the output's failure, not a problem of
// the input row being written: Pipe returns it as it is.
func TestPipeWriteErrorIsNotDataErrorPaths(t *testing.T) {
	for _, werr := range []error{
		&fs.PathError{Op: "write", Path: "out/.o.csv123", Err: syscall.ENOSPC},
		syscall.ENOSPC,
		fmt.Errorf("parquet footer: %w", syscall.EDQUOT),
		errors.New("encoder failed"),
	} {
		r := openPipeInput(t)
		_, err := Pipe(context.Background(), r, &failWriter{n: 2, err: werr}, nil, nil)
		var de *DataError
		if errors.As(err, &de) {
			t.Errorf("write error %v came back as a DataError naming %s row %d", werr, de.File, de.Row)
		}
		if !errors.Is(err, werr) {
			t.Errorf("Pipe returned %v, want %v", err, werr)
		}
	}
}

// A writer's ColumnError (a value the output cannot hold) still names the
// input's row and column.
func TestPipeColumnErrorIsLocatedPaths(t *testing.T) {
	r := openPipeInput(t)
	_, err := Pipe(context.Background(), r, &failWriter{n: 2, err: &ColumnError{Col: 1, Err: errors.New("too long")}}, nil, nil)
	var de *DataError
	if !errors.As(err, &de) || de.Row != 2 || de.Column != "b" {
		t.Errorf("Pipe returned %v, want a DataError at row 2, column b", err)
	}
}

// Each (used by anonymize, whose fn writes the output) and Locate leave
// errors of the operating system unlocated; other errors of fn get the
// row.
func TestEachSystemErrorIsNotLocatedPaths(t *testing.T) {
	r := openPipeInput(t)
	enospc := &fs.PathError{Op: "write", Path: "o.csv", Err: syscall.ENOSPC}
	_, err := Each(context.Background(), r, nil, func(rec *Record) error {
		if rec.Row == 2 {
			return enospc
		}
		return nil
	})
	var de *DataError
	if errors.As(err, &de) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Each returned %v (%T), want the write error unlocated", err, err)
	}
	r = openPipeInput(t)
	_, err = Each(context.Background(), r, nil, func(rec *Record) error {
		if rec.Row == 3 {
			return errors.New("value not in the hierarchy")
		}
		return nil
	})
	if !errors.As(err, &de) || de.Row != 3 {
		t.Errorf("Each returned %v, want a DataError at row 3", err)
	}
	for _, e := range []error{enospc, &os.LinkError{Op: "rename", Err: syscall.EXDEV}, os.NewSyscallError("fsync", syscall.EIO), syscall.EROFS} {
		if got := Locate(nil, &Record{Row: 7}, e); got != e {
			t.Errorf("Locate(%v) = %v, want it unchanged", e, got)
		}
	}
}
