package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/atomicfile"
)

// inputFlags configure how tables are read.
func inputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "in-format", Usage: "input format: csv or parquet (default: from the extension)"},
		&cli.StringFlag{Name: "delimiter", Usage: "CSV field separator: , ; tab or | (default: detected)"},
		&cli.StringSliceFlag{Name: "null", Usage: "CSV `TEXT` read as null (repeatable; default: the empty field only; e.g. --null '' --null NA --null NULL)"},
		&cli.BoolFlag{Name: "lazy-quotes", Usage: "accept a bare \" inside an unquoted CSV field"},
		&cli.StringSliceFlag{Name: "type", Usage: "declare a column's kind, replacing inference: `COL=KIND[:LAYOUT]`, e.g. zip=string, born=date:02.01.2006 (repeatable)"},
		&cli.IntFlag{Name: "infer-rows", Value: dataset.DefaultInferRows, Usage: "rows sampled to infer column kinds; -1 reads the whole file first"},
	}
}

// outputFlags configure how tables are written.
func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Usage: "output format: csv or parquet (default: from the extension)"},
		&cli.StringFlag{Name: "out-delimiter", Usage: "CSV field separator of the output (default ,)"},
		&cli.StringFlag{Name: "out-null", Usage: "CSV text written for null (default: empty)"},
		&cli.BoolFlag{Name: "crlf", Usage: "end CSV output lines with CRLF"},
		&cli.StringFlag{Name: "compression", Value: "snappy", Usage: "Parquet codec: snappy, gzip, zstd or none"},
		&cli.Int64Flag{Name: "part-rows", Value: defaultPartRows, Usage: "rows per part file when OUT is a folder (OUT/ or an existing folder, or no extension when the input is a folder)"},
	}
}

func parseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case ",", ";", "|":
		return rune(s[0]), nil
	case "tab", "\\t", "\t", "TAB":
		return '\t', nil
	}
	return 0, usagef("delimiter %q: want , ; tab or |", s)
}

func readerOptions(c *cli.Context) (*dataset.Options, error) {
	opt := &dataset.Options{LazyQuotes: c.Bool("lazy-quotes"), InferRows: c.Int("infer-rows")}
	if f := c.String("in-format"); f != "" {
		format, err := dataset.ParseFormat(f)
		if err != nil {
			return nil, &usageError{err}
		}
		opt.Format = format
	}
	d, err := parseDelimiter(c.String("delimiter"))
	if err != nil {
		return nil, err
	}
	opt.Delimiter = d
	if c.IsSet("null") {
		opt.NullTokens = append([]string{}, c.StringSlice("null")...)
	}
	for _, t := range c.StringSlice("type") {
		i := strings.LastIndex(t, "=")
		if i <= 0 {
			return nil, usagef("--type %q: want COL=KIND[:LAYOUT]", t)
		}
		name, spec := t[:i], t[i+1:]
		kindName, layout, _ := strings.Cut(spec, ":")
		k, err := dataset.ParseKind(kindName)
		if err != nil {
			return nil, usagef("--type %q: %v", t, err)
		}
		if opt.Types == nil {
			opt.Types = map[string]dataset.Override{}
		}
		opt.Types[name] = dataset.Override{Kind: k, Layout: layout}
	}
	return opt, nil
}

func writerOptions(c *cli.Context) (*dataset.WriteOptions, error) {
	opt := &dataset.WriteOptions{NullToken: c.String("out-null"), CRLF: c.Bool("crlf"), Compression: c.String("compression")}
	if f := c.String("format"); f != "" {
		format, err := dataset.ParseFormat(f)
		if err != nil {
			return nil, &usageError{err}
		}
		opt.Format = format
	}
	d, err := parseDelimiter(c.String("out-delimiter"))
	if err != nil {
		return nil, err
	}
	opt.Delimiter = d
	switch opt.Compression {
	case "snappy", "gzip", "zstd", "none", "uncompressed":
	default:
		return nil, usagef("--compression %q: want snappy, gzip, zstd or none", opt.Compression)
	}
	return opt, nil
}

// openInput opens the table at path with the command's input flags and
// records it in the summary.
func (e *env) openInput(c *cli.Context, path string) (dataset.Reader, error) {
	r, err := openTable(c, path)
	if err != nil {
		return nil, err
	}
	e.summary.Inputs = append(e.summary.Inputs, inputRef{Path: path})
	return r, nil
}

// openTable opens the table at path with the command's input flags,
// without recording it: for a second pass over an input already recorded.
func openTable(c *cli.Context, path string) (dataset.Reader, error) {
	opt, err := readerOptions(c)
	if err != nil {
		return nil, err
	}
	r, err := dataset.Open(path, opt)
	if err != nil {
		var de *dataset.DataError
		if errors.As(err, &de) {
			return nil, err
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, &inputError{fmt.Errorf("input %w", err)}
		}
		if errors.Is(err, dataset.ErrUnknownFormat) {
			return nil, &usageError{fmt.Errorf("input %w; use --in-format csv or --in-format parquet", err)}
		}
		return nil, &inputError{fmt.Errorf("input %s: %w", path, err)}
	}
	return r, nil
}

// checkOutput refuses an output path that is one of the inputs: veil never
// modifies an input.
func checkOutput(out string, inputs ...string) error {
	if out == "" {
		return nil
	}
	ao, _ := filepath.Abs(out)
	so, serr := os.Stat(out)
	for _, in := range inputs {
		if in == "" {
			continue
		}
		ai, _ := filepath.Abs(in)
		if ai == ao {
			return usagef("output %s is also an input: veil never overwrites its input", out)
		}
		if serr == nil {
			if si, err := os.Stat(in); err == nil && os.SameFile(si, so) {
				return usagef("output %s is the same file as input %s: veil never overwrites its input", out, in)
			}
		}
	}
	return nil
}

// tableOut is a table being written: one pending file, or a pending folder
// of part files for a multi-file export. It is a dataset.Writer whose Close
// finishes the encoding; Commit then renames the output into place.
type tableOut struct {
	e      *env
	path   string
	schema dataset.Schema
	format dataset.Format
	wopt   *dataset.WriteOptions
	rows   int64
	closed bool

	// The current file: the output itself, or the current part.
	f   *atomicfile.File
	buf *bufio.Writer
	w   dataset.Writer

	// Folder mode.
	dir      *atomicfile.Dir
	partRows int64 // rows per part
	inPart   int64
	parts    []dataset.PartSum
}

// defaultPartRows is how many rows go into one part of a folder output.
const defaultPartRows = 1_000_000

// isFolderOutput reports whether path names a folder of parts: it ends with
// a separator, is an existing folder, or has no extension while the input is
// a folder.
func isFolderOutput(path string, inputIsFolder bool) bool {
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(os.PathSeparator)) {
		return true
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return true
	}
	return inputIsFolder && filepath.Ext(path) == ""
}

// createTable starts writing a table to path; the output appears only on
// Commit. Callers defer Abort. A folder output (see isFolderOutput) is
// written as parts in the --format given, else the input parts' format,
// else CSV.
func (e *env) createTable(path string, schema dataset.Schema, wopt *dataset.WriteOptions) (*tableOut, error) {
	t := &tableOut{e: e, path: path, schema: schema, wopt: wopt}
	inputIsFolder := false
	for _, in := range e.summary.Inputs {
		if st, err := os.Stat(in.Path); err == nil && st.IsDir() {
			inputIsFolder = true
			if t.format == "" {
				if _, f, err := dataset.Parts(in.Path); err == nil {
					t.format = f
				}
			}
		}
	}
	if isFolderOutput(path, inputIsFolder) {
		if wopt != nil && wopt.Format != "" {
			t.format = wopt.Format
		}
		if t.format == "" {
			t.format = dataset.CSV
		}
		t.partRows = defaultPartRows
		if e.partRows > 0 {
			t.partRows = e.partRows
		}
		d, err := atomicfile.CreateDir(strings.TrimRight(path, "/"))
		if err != nil {
			return nil, outputError(err)
		}
		t.dir = d
		return t, nil
	}
	format, err := dataset.OutputFormat(path, wopt)
	if err != nil {
		return nil, &usageError{fmt.Errorf("output %w; use --format csv or --format parquet", err)}
	}
	t.format = format
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, outputError(err)
	}
	if err := t.open(f); err != nil {
		f.Abort()
		return nil, err
	}
	return t, nil
}

func (t *tableOut) open(f *atomicfile.File) error {
	t.f = f
	t.buf = bufio.NewWriterSize(f, 256<<10)
	w, err := dataset.NewWriter(t.buf, t.format, t.schema, t.wopt)
	if err != nil {
		return err
	}
	t.w = w
	return nil
}

// nextPart commits the current part and starts the next one. Parts are
// named part-00000.<ext>, part-00001.<ext>, ...: the same rows always land
// in the same part.
func (t *tableOut) nextPart() error {
	if err := t.finishPart(); err != nil {
		return err
	}
	name := fmt.Sprintf("part-%05d.%s", len(t.parts), t.format)
	f, err := atomicfile.Create(t.dir.TempPath(name))
	if err != nil {
		return err
	}
	t.inPart = 0
	return t.open(f)
}

func (t *tableOut) finishPart() error {
	if t.f == nil {
		return nil
	}
	if err := t.w.Close(); err != nil {
		return err
	}
	if err := t.buf.Flush(); err != nil {
		return err
	}
	res, err := t.f.Commit()
	if err != nil {
		return err
	}
	t.parts = append(t.parts, dataset.PartSum{Name: filepath.Base(res.Path), SHA256: res.SHA256})
	t.f = nil
	return nil
}

// Write writes one record.
func (t *tableOut) Write(rec *dataset.Record) error {
	if t.dir != nil && (t.f == nil || t.inPart >= t.partRows) {
		if err := t.nextPart(); err != nil {
			return err
		}
	}
	t.rows++
	t.inPart++
	return t.w.Write(rec)
}

// Close finishes the encoding (CSV buffer, Parquet footer, the last part)
// without committing the output.
func (t *tableOut) Close() error {
	if t.closed {
		return nil
	}
	t.closed = true
	if t.dir != nil {
		if t.f == nil && len(t.parts) == 0 {
			if err := t.nextPart(); err != nil { // an empty table is one part with a header
				return err
			}
		}
		return t.finishPart()
	}
	if err := t.w.Close(); err != nil {
		return err
	}
	return t.buf.Flush()
}

// Commit finishes the table, renames it into place and records it in the
// summary.
func (t *tableOut) Commit() error {
	if err := t.Close(); err != nil {
		return err
	}
	if t.dir != nil {
		if err := t.dir.Commit(); err != nil {
			return err
		}
		rows := t.rows
		t.e.summary.Outputs = append(t.e.summary.Outputs, outputRef{Path: t.dir.Path(), SHA256: dataset.FolderChecksum(t.parts),
			Rows: &rows, Kind: "data", Parts: len(t.parts)})
		return nil
	}
	res, err := t.f.Commit()
	if err != nil {
		return err
	}
	t.e.addOutput(res, "data", t.rows)
	return nil
}

// Abort removes the pending output unless it was committed.
func (t *tableOut) Abort() {
	if t.f != nil {
		t.f.Abort()
	}
	if t.dir != nil {
		t.dir.Abort()
	}
}

// writeFile writes data to path atomically and records it in the summary.
func (e *env) writeFile(path, kind string, data []byte) error {
	res, err := atomicfile.WriteFile(path, data)
	if err != nil {
		return outputError(err)
	}
	e.addOutput(res, kind, -1)
	return nil
}

// outputError makes an output path that cannot exist (a missing folder, a
// folder in place of a file) a usage error; other failures stay as they are.
func outputError(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) {
		return &usageError{err}
	}
	return err
}
