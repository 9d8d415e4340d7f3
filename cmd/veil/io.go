package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/atomicfile"
	"github.com/veil-data/veil/policies"
)

// inputFlags configure how tables are read.
func inputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "in-format", Usage: "input format: csv or parquet (default: from the extension)"},
		&cli.StringFlag{Name: "delimiter", Usage: "CSV field separator: , ; tab or | (default: detected)"},
		&cli.StringSliceFlag{Name: "null", Usage: "CSV `TEXT` read as null (repeatable; default: the empty field only; e.g. --null '' --null NA --null NULL)"},
		&cli.BoolFlag{Name: "lazy-quotes", Usage: "accept a bare \" inside an unquoted CSV field"},
		&cli.BoolFlag{Name: "no-header", Usage: "the CSV input has no header row: its first line is data, and its columns are named col1, col2..."},
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
	opt := &dataset.Options{LazyQuotes: c.Bool("lazy-quotes"), NoHeader: c.Bool("no-header"), InferRows: c.Int("infer-rows")}
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

// openHeld opens the table at path like openTable, reading it where the
// run holds it back when it is an output of this same run not yet renamed
// into place (e.tx).
//
// A release (release set) has a header row, as veil writes one, and keeps
// only the --type declarations of text columns, which may name columns it
// lacks: a dropped column is gone, and a generalized or masked one no
// longer holds the numbers or dates the input declared. An output of this
// run is besides read as it was written, not with the input flags: in the
// output format, with --out-delimiter and --out-null.
func (e *env) openHeld(c *cli.Context, path string, release bool) (dataset.Reader, error) {
	at := e.tx.Resolve(path)
	if !release && at == path {
		return openTableAt(c, path, at)
	}
	in, err := readerOptions(c)
	if err != nil {
		return nil, err
	}
	opt := *in
	opt.Types, opt.TypesMayBeAbsent = nil, true
	opt.NoHeader = false // veil writes a header row
	for name, o := range in.Types {
		if o.Kind == dataset.String {
			if opt.Types == nil {
				opt.Types = map[string]dataset.Override{}
			}
			opt.Types[name] = o
		}
	}
	if at != path {
		out, err := writerOptions(c)
		if err != nil {
			return nil, err
		}
		opt.Format, opt.Delimiter, opt.LazyQuotes, opt.NullTokens = out.Format, out.Delimiter, false, nil
		if out.NullToken != "" {
			opt.NullTokens = []string{"", out.NullToken}
		}
	}
	return openWith(path, at, &opt)
}

// openTable opens the table at path with the command's input flags,
// without recording it: for a second pass over an input already recorded.
func openTable(c *cli.Context, path string) (dataset.Reader, error) {
	return openTableAt(c, path, path)
}

// openTableAt opens the table named path whose bytes are at at (a
// temporary name, whose format then comes from path's).
func openTableAt(c *cli.Context, path, at string) (dataset.Reader, error) {
	opt, err := readerOptions(c)
	if err != nil {
		return nil, err
	}
	return openWith(path, at, opt)
}

// openWith opens the table named path, whose bytes are at at, with opt.
func openWith(path, at string, opt *dataset.Options) (dataset.Reader, error) {
	if at != path && opt.Format == "" {
		if f, ferr := dataset.FormatOf(path); ferr == nil {
			opt.Format = f
		}
	}
	r, err := dataset.Open(at, opt)
	if err != nil {
		var de *dataset.DataError
		if errors.As(err, &de) {
			if at != path {
				// An output of this run, held under a temporary name:
				// name the path the user knows.
				if rel, rerr := filepath.Rel(at, de.File); rerr == nil && !strings.HasPrefix(rel, "..") {
					de.File = filepath.Join(path, rel)
				}
			}
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

// checkOutput refuses an output path that is one of the inputs, lies
// inside an input folder, or is an existing folder veil may not replace:
// veil never modifies an input. Commands check all their paths at once
// with env.checkPaths; checkOutput checks one output on its own.
func checkOutput(out string, inputs ...string) error {
	if out == "" || out == "-" {
		return nil
	}
	inputIsFolder := false
	for _, in := range inputs {
		if isDir(in) {
			inputIsFolder = true
		}
	}
	o := outPath{path: out, label: "output", folder: isFolderOutput(out, inputIsFolder)}
	_, err := checkRunPaths([]outPath{o}, inputs)
	return err
}

// runPaths names what a command line reads and writes, for env.checkPaths.
type runPaths struct {
	tables []string // data outputs: a file, or a folder of parts (see isFolderOutput)
	files  []string // other outputs: reports, models, profiles, policies
	// inputs are the files read: the data input first (when it is a folder,
	// a table output without extension is a folder too), then the others.
	inputs []string
	policy string // the policy file: it and every file it names are inputs
	// primary is the output whose manifest the run writes (runSpec.out);
	// "" for a command without manifests.
	primary string
}

// outPath is one output path of a run and how to name it in messages.
type outPath struct {
	path   string
	label  string // "output", "manifest", "--summary-file", "--termination-log"
	folder bool   // a folder of parts, replaced as a whole
	// owner is the folder output this file belongs in (its _MANIFEST.json).
	owner string
}

// checkPaths refuses, before any work, a run that would write over what it
// reads: every output (tables, reports, models, the manifest,
// --summary-file and --termination-log) is checked against every input
// (the policy and the hierarchy and key files it names included) and
// against the other outputs. See checkRunPaths for the rules. When
// --summary-file or --termination-log is at fault it is dropped, so that
// the usage error is not written over an input either.
func (e *env) checkPaths(p runPaths) error {
	inputs := append([]string{}, p.inputs...)
	if p.policy != "" {
		inputs = append(inputs, p.policy)
		inputs = append(inputs, policyFiles(p.policy)...)
	}
	e.runInputs = append(e.runInputs, inputs...)
	inputIsFolder := len(p.inputs) > 0 && isDir(p.inputs[0])
	var outs []outPath
	for _, t := range p.tables {
		if t != "" && t != "-" {
			outs = append(outs, outPath{path: t, label: "output", folder: isFolderOutput(t, inputIsFolder)})
		}
	}
	for _, f := range p.files {
		if f != "" && f != "-" {
			outs = append(outs, outPath{path: f, label: "output"})
		}
	}
	if p.primary != "" {
		m := outPath{path: p.primary + ".manifest.json", label: "manifest"}
		for _, o := range outs {
			if o.path == p.primary && o.folder {
				m = outPath{path: filepath.Join(o.path, "_MANIFEST.json"), label: "manifest", owner: o.path}
			}
		}
		outs = append(outs, m)
	}
	for _, o := range outs {
		if o.folder {
			e.runFolders = append(e.runFolders, o.path)
		}
	}
	side := len(outs)
	if e.summaryFile != "" {
		outs = append(outs, outPath{path: e.summaryFile, label: "--summary-file"})
	}
	if e.terminationLog != "" {
		outs = append(outs, outPath{path: e.terminationLog, label: "--termination-log"})
	}
	bad, err := checkRunPaths(outs, inputs)
	if err != nil && bad >= side {
		switch outs[bad].label {
		case "--summary-file":
			e.summaryFile = ""
		case "--termination-log":
			e.terminationLog = ""
		}
	}
	if err == nil {
		// Cleared: a forced exit after a signal may write them.
		e.sideFiles.Store(&[2]string{e.summaryFile, e.terminationLog})
	}
	return err
}

// checkRunPaths applies the rules of checkPaths and returns the index in
// outs of the output at fault with a usage error naming it:
//   - an output is not an input (by path, through symbolic links, or by
//     hard link) and does not lie inside an input folder (a folder of
//     parts is read as one table: a file written into it joins the input);
//   - an existing folder that a folder output would replace holds no input
//     and not the working folder, and is a folder veil wrote before (see
//     checkVeilFolder): anything else in it would be deleted;
//   - no two outputs are the same file, and none lies inside a folder
//     output but that folder's own manifest.
func checkRunPaths(outs []outPath, inputs []string) (int, error) {
	var ins []string
	for _, in := range inputs {
		if in != "" && in != "-" {
			ins = append(ins, in)
		}
	}
	for i, o := range outs {
		for _, in := range ins {
			switch {
			case samePath(o.path, in):
				if o.label == "output" {
					return i, usagef("output %s is also an input: veil never overwrites its input", o.path)
				}
				return i, usagef("%s %s is also an input: veil never overwrites its input", o.label, o.path)
			case isDir(in) && inside(o.path, in):
				return i, usagef("%s %s is inside the input folder %s: veil never writes into its input", o.label, o.path, in)
			}
		}
		if o.folder && isDir(o.path) {
			if wd, err := os.Getwd(); err == nil && (samePath(wd, o.path) || inside(wd, o.path)) {
				return i, usagef("output folder %s holds the working folder: veil replaces an output folder as a whole; name a folder outside it", o.path)
			}
			for _, in := range ins {
				if inside(in, o.path) {
					return i, usagef("input %s is inside the output folder %s, which the run would replace: veil never deletes its input", in, o.path)
				}
			}
			if err := checkVeilFolder(o.path); err != nil {
				return i, err
			}
		}
		for _, p := range outs[:i] {
			switch {
			case samePath(o.path, p.path):
				if o.label == "output" && p.label == "output" {
					return i, usagef("output %s is given twice", o.path)
				}
				return i, usagef("%s %s is the same file as the %s %s: name another file", o.label, o.path, p.label, p.path)
			case p.folder && inside(o.path, p.path) && o.owner != p.path:
				return i, usagef("%s %s is inside the output folder %s, which the run replaces as a whole", o.label, o.path, p.path)
			case o.folder && inside(p.path, o.path) && p.owner != o.path:
				return i, usagef("output folder %s holds the %s %s of the run: it is replaced as a whole", o.path, p.label, p.path)
			}
		}
	}
	return -1, nil
}

// partName matches the names of the parts veil writes into a folder output.
var partName = regexp.MustCompile(`^part-[0-9]{5,}\.(csv|parquet)$`)

// checkVeilFolder returns nil when dir is a folder output veil wrote
// before, which a new run may replace as a whole: it holds veil's
// _MANIFEST.json of a folder of parts and nothing but part files and that
// manifest (and the hidden temporary file of a manifest write that was
// killed). An empty folder (made ready for the output) loses nothing and
// may be replaced too. Anything else (an input, a file of the user) would
// be deleted with it, so the run is refused. It is also atomicfile's
// ReplaceCheck: the folder is checked again just before it is replaced.
func checkVeilFolder(dir string) error {
	refuse := func(why string) error {
		return usagef("output folder %s exists and is not a veil output folder (%s): veil replaces only a folder of parts it wrote; remove it or name another folder", dir, why)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return outputError(fmt.Errorf("output folder %s: %w", dir, err))
	}
	if len(entries) == 0 {
		return nil
	}
	hasManifest := false
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "_MANIFEST.json" && e.Type().IsRegular():
			hasManifest = true
		case partName.MatchString(name) && e.Type().IsRegular():
		case strings.HasPrefix(name, "._MANIFEST.json") && e.Type().IsRegular():
		default:
			return refuse(fmt.Sprintf("it holds %s", name))
		}
	}
	if !hasManifest {
		return refuse("it has no _MANIFEST.json")
	}
	data, err := os.ReadFile(filepath.Join(dir, "_MANIFEST.json"))
	if err != nil {
		return outputError(fmt.Errorf("output folder %s: %w", dir, err))
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil || m.Schema != "veil.manifest/v1" {
		return refuse("its _MANIFEST.json is not a veil manifest")
	}
	for _, o := range m.Outputs {
		if o.Parts > 0 {
			return nil
		}
	}
	return refuse("its _MANIFEST.json lists no folder of parts")
}

func init() {
	// Checked again at commit: files may have appeared since the start.
	atomicfile.ReplaceCheck = checkVeilFolder
}

// policyFiles returns the files the policy at path names (hierarchy and
// key_file values, resolved as the policy's readers resolve them). It
// reads the YAML only, so that it also finds them in an invalid policy
// (whose error the run reports); a policy it cannot read names none.
func policyFiles(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	p := &policies.Policy{Path: path}
	var files []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if (k.Value == "hierarchy" || k.Value == "key_file") && v.Kind == yaml.ScalarNode && v.Value != "" {
					files = append(files, p.ResolvePath(v.Value))
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return files
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// realPath returns the absolute path of p with the symbolic links of its
// existing part resolved, so that two names of one place compare equal.
func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for d := abs; ; d = filepath.Dir(d) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			return filepath.Join(r, rest)
		}
		if d == filepath.Dir(d) {
			return abs
		}
		rest = filepath.Join(filepath.Base(d), rest)
	}
}

// samePath reports whether a and b name the same file: the same path once
// resolved, or the same existing file (a hard link).
func samePath(a, b string) bool {
	if realPath(a) == realPath(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// inside reports whether p lies inside the folder dir (not dir itself).
func inside(p, dir string) bool {
	rp, rd := realPath(p), realPath(dir)
	return rp != rd && strings.HasPrefix(rp, strings.TrimSuffix(rd, string(os.PathSeparator))+string(os.PathSeparator))
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
		d, err := e.tx.CreateDir(strings.TrimRight(path, "/"))
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
	f, err := e.tx.Create(path)
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
	res, err := e.tx.WriteFile(path, data)
	if err != nil {
		return outputError(err)
	}
	e.addOutput(res, kind, -1)
	return nil
}

// outputError makes an output path that cannot be written (a missing
// folder, a folder in place of a file, a read-only file system, a
// permission denied, a folder veil may not replace) a usage error: the
// user must name another path. Other failures stay as they are (a full disk
// is a temporary failure).
func outputError(err error) error {
	if err == nil {
		return nil
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) ||
		errors.Is(err, atomicfile.ErrNotReplaceable) || isOutputPathError(err) {
		return &usageError{err}
	}
	return err
}
