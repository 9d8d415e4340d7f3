package dataset

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
)

// ErrNoParts is returned for a folder that holds no table parts.
var ErrNoParts = errors.New("the folder holds no CSV or Parquet part files")

// Parts returns the part files of a multi-file export in path, sorted by
// name: every visible file with a CSV or Parquet extension. Files whose name
// starts with '.' or '_' (Spark's _SUCCESS, veil's _MANIFEST.json, hidden
// temporary files) are not parts. All parts must have the same format.
func Parts(path string) ([]string, Format, error) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, "", err
	}
	var parts []string
	var format Format
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		f, err := FormatOf(name)
		if err != nil {
			continue // not a table part (a README, a checksum file)
		}
		if format == "" {
			format = f
		} else if f != format {
			return nil, "", fmt.Errorf("%s: mixes %s and %s parts", path, format, f)
		}
		parts = append(parts, filepath.Join(path, name))
	}
	if len(parts) == 0 {
		return nil, "", fmt.Errorf("%s: %w", path, ErrNoParts)
	}
	sort.Strings(parts)
	return parts, format, nil
}

// partsReader reads the parts of a multi-file export one after the other as
// one table. The schema is the first part's; every other part must have the
// same column names in the same order, and its values are read with the
// first part's kinds. Record.Row counts rows within the current part, so
// that errors name the part file and the row in it.
type partsReader struct {
	parts  []string
	opt    Options
	cur    Reader
	next   atomic.Int64 // the next part to open (atomic: Progress may ask from another goroutine)
	schema Schema
}

func openParts(path string, opt *Options) (Reader, error) {
	parts, format, err := Parts(path)
	if err != nil {
		return nil, err
	}
	o := *opt
	o.Format = format
	first, err := Open(parts[0], &o)
	if err != nil {
		return nil, err
	}
	p := &partsReader{parts: parts, opt: o, cur: first, schema: first.Schema()}
	p.next.Store(1)
	// Later parts keep the first part's kinds.
	p.opt.Types = make(map[string]Override, p.schema.Len())
	for _, c := range p.schema.Columns {
		p.opt.Types[c.Name] = Override{Kind: c.Kind, Layout: c.Layout}
	}
	p.opt.InferRows = 1
	return p, nil
}

func (p *partsReader) Schema() Schema { return p.schema }

func (p *partsReader) Read() (*Record, error) {
	for {
		rec, err := p.cur.Read()
		if err != io.EOF {
			return rec, err
		}
		next := int(p.next.Load())
		if next >= len(p.parts) {
			return nil, io.EOF
		}
		if err := p.cur.Close(); err != nil {
			return nil, err
		}
		name := p.parts[next]
		differ := &DataError{File: name, Line: 1, Err: fmt.Errorf("the columns differ from those of %s", filepath.Base(p.parts[0]))}
		r, err := Open(name, &p.opt)
		if errors.Is(err, errUnknownOverride) {
			// The first part's kinds are declared for the others: a
			// column of its own missing here is a schema that differs.
			return nil, differ
		}
		if err != nil {
			return nil, err
		}
		p.next.Store(int64(next + 1))
		p.cur = r
		got := r.Schema().Names()
		if strings.Join(got, "\x00") != strings.Join(p.schema.Names(), "\x00") {
			return nil, differ
		}
	}
}

func (p *partsReader) Pos(col int) Position { return p.cur.Pos(col) }

func (p *partsReader) Progress() (done, total int64, unit string) {
	return p.next.Load() - 1, int64(len(p.parts)), "parts"
}

func (p *partsReader) Close() error { return p.cur.Close() }
