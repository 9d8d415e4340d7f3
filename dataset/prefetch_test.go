package dataset

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestPrefetchSameRecords checks that reading ahead gives the records,
// row numbers and positions of the reader itself, over several batches.
func TestPrefetchSameRecords(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,note,city\n")
	for i := range 1500 {
		switch i % 5 {
		case 0:
			b.WriteString("1,\"two\nlines\",Lyon\n")
		case 1:
			b.WriteString("2,,NA\n")
		default:
			b.WriteString("3,plain,\"Saint-\"\"Denis\"\"\"\n")
		}
	}
	path := tempCSV(t, b.String())
	opt := &Options{NullTokens: []string{"", "NA"}, InferRows: 10}
	want := readRecords(t, mustOpen(t, path, opt))
	p := Prefetch(mustOpen(t, path, opt))
	sameRecords(t, readRecords(t, p), want)
	if _, err := p.Read(); err != io.EOF {
		t.Errorf("Read after the end = %v, want io.EOF", err)
	}
	if done, total, unit := p.(Progresser).Progress(); unit != "bytes" || done != total || total != int64(b.Len()) {
		t.Errorf("Progress() = %d, %d, %q at the end; want %d bytes of %d", done, total, unit, b.Len(), b.Len())
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Read(); err == nil || err == io.EOF {
		t.Errorf("Read after Close = %v, want an error", err)
	}
}

// TestPrefetchError checks that a reading error comes after the records
// before it, as the reader gives it.
func TestPrefetchError(t *testing.T) {
	r := Prefetch(mustReader(t, "a,b\n"+strings.Repeat("x,y\n", 1000)+"x,y,z\n", nil))
	defer r.Close()
	n := 0
	var err error
	for {
		if _, err = r.Read(); err != nil {
			break
		}
		n++
	}
	var de *DataError
	if n != 1000 || !errors.As(err, &de) || de.Row != 1001 || de.Line != 1002 {
		t.Errorf("after %d records: %v; want 1000 records, then a DataError at row 1001, line 1002", n, err)
	}
	if _, again := r.Read(); again != err {
		t.Errorf("Read after the error = %v, want the same error", again)
	}
}

// TestPrefetchCloseEarly checks that closing before the end stops the
// goroutine reading ahead (go test -race checks it does not touch the
// reader after).
func TestPrefetchCloseEarly(t *testing.T) {
	text := "a\n" + strings.Repeat("x\n", 10000)
	for _, reads := range []int{0, 1, 300} {
		c := &closeCounter{Reader: mustReader(t, text, nil)}
		p := Prefetch(c)
		for range reads {
			if _, err := p.Read(); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if c.closed != 1 {
			t.Errorf("after %d reads: the reader was closed %d times, want once", reads, c.closed)
		}
	}
}

type closeCounter struct {
	Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return c.Reader.Close() }

// TestProgressWhileReadingAhead asks the readers for their progress while
// Prefetch reads them on its goroutine, as a progress bar does (go test
// -race checks the access).
func TestProgressWhileReadingAhead(t *testing.T) {
	path := tempCSV(t, "a,b\n"+strings.Repeat("x,y\n", 20000))
	var pq bytes.Buffer
	w, err := NewParquetWriter(&pq, mustOpen(t, path, nil).Schema(), &WriteOptions{RowGroupRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Pipe(context.Background(), mustOpen(t, path, nil), w, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pqPath := filepath.Join(t.TempDir(), "t.parquet")
	if err := os.WriteFile(pqPath, pq.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, pqPath} {
		src := mustOpen(t, p, nil)
		r := Prefetch(src)
		stop := make(chan struct{})
		done := make(chan int64)
		go func() {
			var last int64
			for {
				select {
				case <-stop:
					done <- last
					return
				default:
					last, _, _ = src.(Progresser).Progress()
				}
			}
		}()
		n := len(readAll(t, r))
		close(stop)
		<-done
		r.Close()
		if n != 20000 {
			t.Errorf("%s: %d records, want 20000", p, n)
		}
	}
}

// TestReadAheadFilesOnly checks that ReadAhead reads files ahead but not
// streams, whose reads may block.
func TestReadAheadFilesOnly(t *testing.T) {
	stream := mustReader(t, "a\nx\n", nil)
	if r := ReadAhead(stream); r != stream {
		t.Error("ReadAhead read a stream ahead")
	}
	file := mustOpen(t, tempCSV(t, "a\nx\n"), nil)
	r := ReadAhead(file)
	defer r.Close()
	if _, ahead := r.(*prefetch); ahead != (runtime.GOMAXPROCS(0) > 1) {
		t.Errorf("ReadAhead of a file: %T with GOMAXPROCS %d", r, runtime.GOMAXPROCS(0))
	}
}
