package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/internal/atomicfile"
	"github.com/veil-data/veil/policies"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// veilVersion returns the version, with the VCS revision when the binary
// was built from a checkout.
func veilVersion() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			v += "+" + rev
			if dirty {
				v += ".dirty"
			}
		}
	}
	return v
}

// env is what a command run shares: streams, logger, the summary being
// built and the settings of the common flags.
type env struct {
	// usedPolicy is the policy the run parsed (parsePolicy).
	usedPolicy *policies.Policy
	ctx        context.Context
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	log        *slog.Logger
	summary    *summary
	progress   string // auto, always or never
	started    time.Time

	summaryFile    string
	terminationLog string
	skipExitCode   int
	ran            bool        // a command's action started (not just help)
	dp             *manifestDP // set by a command whose output carries DP noise
	partRows       int64       // rows per part of a folder output (--part-rows)

	// args is the command line, runInputs the files the run reads and
	// runFolders its folder outputs, as checkPaths found them: the summary
	// file and the termination log are never written over any of them.
	args       []string
	runInputs  []string
	runFolders []string

	// summaryToStderr prints the summary line on stderr: for commands whose
	// stdout is their output (veil policy schema without --out).
	summaryToStderr bool
	// inputHashes, set by tracked, returns the SHA-256 of the run's inputs
	// and policy, waiting for them if they are still being computed.
	inputHashes func() ([]fileHash, *fileHash, error)
	// tx holds the run's outputs back until the run succeeds: they are
	// renamed into place together at its end, or removed together.
	tx *atomicfile.Txn
	// summaryLine is the summary line of a run whose outputs settle put in
	// place: written to the --summary-file within the run's transaction,
	// so that a summary file that cannot be written (a full disk) fails
	// the run before anything is committed, then printed as it is.
	summaryLine []byte
	// printed is set by whoever prints the summary line: finish, or the
	// forced exit after a signal (forceFinish), never both; finish closes
	// finished once the line and its files are out.
	printed  atomic.Bool
	lineMu   sync.Mutex // orders claiming the summary line with the signal notice
	finished chan struct{}
	forced   chan struct{} // closed once forceFinish has printed
	// sideFiles are the summary file and termination log once checkPaths
	// has cleared them, for the forced exit.
	sideFiles atomic.Pointer[[2]string]
	// sig is the process's signal state (nil in tests that call run).
	sig *signalState
}

// summary is the one-line JSON object printed last on stdout and written to
// --summary-file. It holds paths, hashes, counts and verdicts, never data.
type summary struct {
	Schema     string         `json:"schema"`
	Command    string         `json:"command"`
	Status     string         `json:"status"`
	ExitCode   int            `json:"exit_code"`
	Error      string         `json:"error,omitempty"`
	Version    string         `json:"version"`
	RunID      string         `json:"run_id"`
	Seed       *uint64        `json:"seed,omitempty"`
	Inputs     []inputRef     `json:"inputs,omitempty"`
	Outputs    []outputRef    `json:"outputs"`
	Gates      []gateVerdict  `json:"gates,omitempty"`
	Report     string         `json:"report,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
	DurationMS int64          `json:"duration_ms"`
}

type inputRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	Rows   *int64 `json:"rows,omitempty"`
}

type outputRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Rows   *int64 `json:"rows,omitempty"`
	Bytes  int64  `json:"bytes"`
	Kind   string `json:"kind,omitempty"`  // data, report, profile, policy, model, manifest
	Parts  int    `json:"parts,omitempty"` // for a folder of parts
}

type gateVerdict struct {
	Name      string   `json:"name"`
	Kind      string   `json:"kind"` // privacy or utility
	Passed    bool     `json:"passed"`
	Value     *float64 `json:"value"` // null: the figure was not measured (the gate fails)
	Threshold float64  `json:"threshold"`
}

// addOutput records a committed file in the summary.
func (e *env) addOutput(res atomicfile.Result, kind string, rows int64) {
	o := outputRef{Path: res.Path, SHA256: res.SHA256, Bytes: res.Bytes, Kind: kind}
	if rows >= 0 {
		r := rows
		o.Rows = &r
	}
	e.summary.Outputs = append(e.summary.Outputs, o)
}

// detail records a small command-specific fact in the summary.
func (e *env) detail(key string, v any) {
	if e.summary.Details == nil {
		e.summary.Details = map[string]any{}
	}
	e.summary.Details[key] = v
}

func newRunID() string {
	if id := os.Getenv("VEIL_RUN_ID"); id != "" {
		return id
	}
	var b [4]byte
	rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// run executes the veil command line args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, sig *signalState) int {
	e := &env{
		ctx:          ctx,
		stdin:        stdin,
		stdout:       stdout,
		stderr:       stderr,
		log:          defaultLogger(stderr),
		started:      time.Now(),
		skipExitCode: exitSkipped,
		args:         args,
		summary: &summary{
			Schema:  "veil.summary/v1",
			Version: veilVersion(),
			RunID:   newRunID(),
			Outputs: []outputRef{},
		},
		tx:       atomicfile.NewTxn(),
		finished: make(chan struct{}),
		forced:   make(chan struct{}),
	}
	defer e.tx.Abort()
	if sig != nil {
		force := e.forceFinish
		sig.force.Store(&force)
		defer sig.force.Store(nil)
		defer sig.notice.Store(nil)
		e.sig = sig
	}
	app := newApp(e)
	args = reorderArgs(app, args)
	e.summary.Command = commandPath(app, args)
	// Lines logged before the command's flags are read (a usage error)
	// carry the run's context too.
	e.log = e.log.With(e.logContext()...)
	err := app.RunContext(ctx, args)
	if sig != nil {
		if s := sig.received(); s != 0 {
			code := 128 + s
			e.dropOutputs(e.tx.Pending())
			atomicfile.AbortAll()
			err = fmt.Errorf("interrupted by %s: no output was written: %w", signalName(s), context.Canceled)
			if len(e.summary.Outputs) > 0 {
				// veil demo: its finished steps are runs of their own.
				err = fmt.Errorf("interrupted by %s: only the outputs listed, of steps that had finished, were written: %w", signalName(s), context.Canceled)
			}
			return e.finish(err, code, "error")
		}
	}
	if !e.ran {
		if err == nil {
			return exitOK // help or version
		}
		// A usage error before the command's action ran: still one summary
		// line, so that a pipeline sees what went wrong.
		code, status := exitCode(err, e.skipExitCode)
		if code == exitOK || code == exitInternal {
			code = exitUsage
		}
		e.summary.Command = commandPath(app, args)
		return e.finish(err, code, status)
	}
	code, status := exitCode(err, e.skipExitCode)
	return e.finish(e.settle(err, code, status))
}

// settle puts the run's outputs in place when it succeeded or failed a gate
// (its report says why), and removes them all otherwise, so that a run
// that fails after its first output leaves none; the summary then lists
// only the outputs that are in place.
func (e *env) settle(err error, code int, status string) (error, int, string) {
	if code != exitOK && status != "gate_failed" {
		e.dropOutputs(e.tx.Pending())
		e.tx.Abort()
		return err, code, status
	}
	var line []byte
	if e.summaryFile != "" && e.sideFileConflict("--summary-file", e.summaryFile) == nil {
		// The summary file goes into place with the outputs, holding the
		// line the run will print: written before the commit, so that a
		// disk too full for it stops the run before anything is in place.
		line = e.summaryJSON(errMessage(err), code, status)
		if line == nil {
			e.dropOutputs(e.tx.Pending())
			e.tx.Abort()
			return errors.New("encoding the summary"), exitInternal, "error"
		}
		if _, serr := e.tx.WriteFile(e.summaryFile, line); serr != nil {
			e.dropOutputs(e.tx.Pending())
			e.tx.Abort()
			serr = fmt.Errorf("--summary-file: %w", outputError(serr))
			scode, sstatus := exitCode(serr, e.skipExitCode)
			if scode == exitOK || scode == exitInternal {
				scode, sstatus = exitUsage, "error"
			}
			return serr, scode, sstatus
		}
	}
	unplaced, cerr := e.tx.Commit()
	if cerr == nil {
		e.summaryLine = line
		return err, code, status
	}
	e.dropOutputs(unplaced)
	cerr = outputError(cerr)
	ccode, cstatus := exitCode(cerr, e.skipExitCode)
	if ccode == exitOK || ccode == exitInternal {
		ccode, cstatus = exitTempFail, "error"
	}
	return cerr, ccode, cstatus
}

// dropOutputs removes paths, and files inside them (a folder output's
// manifest), from the summary's outputs.
func (e *env) dropOutputs(paths []string) {
	if len(paths) == 0 {
		return
	}
	kept := e.summary.Outputs[:0]
	for _, o := range e.summary.Outputs {
		gone := false
		for _, p := range paths {
			if samePath(o.Path, p) || inside(o.Path, p) {
				gone = true
				break
			}
		}
		if !gone {
			kept = append(kept, o)
		}
	}
	e.summary.Outputs = kept
}

// forceFinish prints the summary line of a run that did not stop within
// the grace period after a signal, or got a second one: veil exits
// without it, its outputs already removed (atomicfile.AbortAll).
func (e *env) forceFinish(sig int) {
	if !e.claimSummary() {
		// finish is printing it: let it end before veil exits.
		select {
		case <-e.finished:
		case <-time.After(2 * time.Second):
		}
		return
	}
	defer close(e.forced)
	s := summary{Schema: "veil.summary/v1", Command: e.summary.Command, Status: "error", ExitCode: 128 + sig,
		Error:   fmt.Sprintf("interrupted by %s: the run did not stop in time, veil exited (its outputs removed)", signalName(sig)),
		Version: e.summary.Version, RunID: e.summary.RunID, Outputs: []outputRef{},
		DurationMS: time.Since(e.started).Milliseconds()}
	line, err := json.Marshal(s)
	if err != nil {
		return
	}
	fmt.Fprintf(e.stdout, "%s\n", line)
	if side := e.sideFiles.Load(); side != nil {
		if side[0] != "" {
			atomicfile.WriteFinal(side[0], append(line, '\n'))
		}
		if side[1] != "" {
			writeTerminationLog(side[1], s.Error)
		}
	}
}

// logContext returns the attributes every log line carries: the command,
// the run ID and, under Airflow, every AIRFLOW_CTX_* variable (DAG_ID,
// TASK_ID and DAG_RUN_ID as airflow_dag, airflow_task and airflow_run; the
// others as airflow_ and their lowercased name, airflow_try_number...).
func (e *env) logContext() []any {
	attrs := []any{"command", e.summary.Command, "run_id", e.summary.RunID}
	named := map[string]string{"DAG_ID": "airflow_dag", "TASK_ID": "airflow_task", "DAG_RUN_ID": "airflow_run"}
	for _, name := range []string{"DAG_ID", "TASK_ID", "DAG_RUN_ID"} {
		if v, ok := os.LookupEnv("AIRFLOW_CTX_" + name); ok {
			attrs = append(attrs, named[name], v)
		}
	}
	var rest []string
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		name, ok := strings.CutPrefix(k, "AIRFLOW_CTX_")
		if ok && name != "" && named[name] == "" {
			rest = append(rest, "airflow_"+strings.ToLower(name)+"="+v)
		}
	}
	sort.Strings(rest)
	for _, kv := range rest {
		k, v, _ := strings.Cut(kv, "=")
		attrs = append(attrs, k, v)
	}
	return attrs
}

// claimSummary makes the caller the one to print the summary line, unless
// another already is (finish and the forced exit race after a signal).
func (e *env) claimSummary() bool {
	e.lineMu.Lock()
	defer e.lineMu.Unlock()
	return e.printed.CompareAndSwap(false, true)
}

// signalNotice logs that a signal arrived, unless the summary line is
// already claimed: nothing is logged after it.
func (e *env) signalNotice(log *slog.Logger, sig int) {
	e.lineMu.Lock()
	defer e.lineMu.Unlock()
	if e.printed.Load() {
		return
	}
	log.Warn("signal received: stopping at the next check and removing the outputs (a second signal exits at once)",
		"signal", signalName(sig))
}

func defaultLogger(w io.Writer) *slog.Logger {
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// finish logs the error, prints the summary line and writes the summary and
// termination files.
func (e *env) finish(err error, code int, status string) int {
	if !e.claimSummary() {
		// The forced exit is printing it: let it end before main exits.
		select {
		case <-e.forced:
		case <-time.After(2 * time.Second):
		}
		return code
	}
	defer close(e.finished)
	msg := errMessage(err)
	if err != nil {
		switch status {
		case "skipped":
			e.log.Info("skipped", "reason", err.Error())
		case "gate_failed":
			e.log.Error("gate failed", "error", err.Error(), "exit_code", code)
		default:
			e.log.Error(err.Error(), "exit_code", code)
		}
	}
	line := e.summaryLine // written to the summary file with the outputs
	if line == nil {
		// The summary file and the termination log are written only where
		// they overwrite nothing the run reads or writes. checkPaths refuses
		// such a run before its work; this also covers a run stopped earlier
		// (a usage error before the check).
		if e.summaryFile != "" {
			if serr := e.sideFileConflict("--summary-file", e.summaryFile); serr != nil {
				e.summaryFile = ""
				code, status, msg = e.failFinish(serr, code, status, msg)
			}
		}
		if line = e.summaryJSON(msg, code, status); line == nil {
			return exitInternal
		}
		if e.summaryFile != "" {
			if _, werr := atomicfile.WriteFinal(e.summaryFile, line); werr != nil {
				// The summary line then says the run failed, as the exit code does.
				code, status, msg = e.failFinish(fmt.Errorf("writing --summary-file: %w", outputError(werr)), code, status, msg)
				if line = e.summaryJSON(msg, code, status); line == nil {
					return exitInternal
				}
			}
		}
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	// The summary is the last line veil prints (BashOperator pushes the
	// last line of the merged output): a refused termination log is
	// logged before it.
	termLog := msg != "" && (status == "error" || status == "gate_failed") && e.terminationLog != ""
	if termLog {
		if terr := e.sideFileConflict("--termination-log", e.terminationLog); terr != nil {
			e.log.Error(terr.Error())
			termLog = false
		}
	}
	if e.summaryToStderr {
		fmt.Fprintf(e.stderr, "%s\n", line)
	} else {
		fmt.Fprintf(e.stdout, "%s\n", line)
	}
	if termLog {
		writeTerminationLog(e.terminationLog, msg)
	}
	return code
}

// summaryJSON completes the summary with the run's outcome (msg is the
// error, or "") and returns its line, newline included (nil, said on
// stderr, if it cannot be encoded).
func (e *env) summaryJSON(msg string, code int, status string) []byte {
	s := e.summary
	s.Status = status
	s.ExitCode = code
	s.DurationMS = time.Since(e.started).Milliseconds()
	s.Error = summaryError(msg)
	line, jerr := json.Marshal(s)
	if jerr != nil {
		fmt.Fprintf(e.stderr, "veil: encoding summary: %v\n", jerr)
		return nil
	}
	return append(line, '\n')
}

// failFinish handles err, found while finishing. A run that had succeeded
// fails with err's exit code and message; a failed run keeps its own code
// and error msg, and err is only logged.
func (e *env) failFinish(err error, code int, status, msg string) (int, string, string) {
	e.log.Error(err.Error())
	if code != exitOK {
		return code, status, msg
	}
	code, status = exitCode(err, e.skipExitCode)
	if code == exitOK {
		code, status = exitInternal, "error"
	}
	return code, status, err.Error()
}

func errMessage(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// maxSummaryError is the most of an error message the summary line holds:
// the line stays a few KB (Airflow keeps XComs in its database) even when
// a policy has thousands of errors. The log has the whole message.
const maxSummaryError = 2048

// summaryError returns msg cut to maxSummaryError bytes, at a line or
// character boundary, saying so.
func summaryError(msg string) string {
	if len(msg) <= maxSummaryError {
		return msg
	}
	const more = "\n  ... (cut; the log holds the whole message)"
	cut := msg[:maxSummaryError-len(more)]
	if i := strings.LastIndexByte(cut, '\n'); i > len(cut)/2 {
		cut = cut[:i]
	}
	for i := 0; i < utf8.UTFMax && len(cut) > 0; i++ {
		// not in the middle of a character
		if r, size := utf8.DecodeLastRuneInString(cut); r != utf8.RuneError || size > 1 {
			break
		}
		cut = cut[:len(cut)-1]
	}
	return cut + more
}

// sideFileConflict returns a usage error when path, the --summary-file or
// --termination-log, names a file the run reads or writes: an input
// (checkPaths's, the summary's, or any existing file named on the command
// line), an output, or a file inside an input folder or a folder output.
func (e *env) sideFileConflict(label, path string) error {
	refuse := func(what, other string) error {
		return usagef("%s %s is %s %s: not written (veil never overwrites its input)", label, path, what, other)
	}
	var same, folders []string
	same = append(same, e.runInputs...)
	for _, in := range e.summary.Inputs {
		same = append(same, in.Path)
	}
	folders = append(folders, same...)
	for _, o := range e.summary.Outputs {
		same = append(same, o.Path)
	}
	folders = append(folders, e.runFolders...)
	// Existing files named on the command line (and those a policy among
	// them names), other than the side files' own values.
	skip := false
	for i, a := range e.args {
		if i == 0 {
			continue
		}
		if skip {
			skip = false
			continue
		}
		if name, val, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			if n := strings.TrimLeft(name, "-"); n == "summary-file" || n == "termination-log" {
				continue
			}
			a = val
		} else if n := strings.TrimLeft(a, "-"); strings.HasPrefix(a, "-") && (n == "summary-file" || n == "termination-log") {
			skip = true
			continue
		}
		if a == "" || a == "-" {
			continue
		}
		if _, err := os.Lstat(a); err != nil {
			continue
		}
		same = append(same, a)
		if ext := strings.ToLower(filepath.Ext(a)); ext == ".yaml" || ext == ".yml" {
			same = append(same, policyFiles(a)...)
		}
	}
	for _, p := range same {
		if p != "" && p != "-" && samePath(path, p) {
			return refuse("also", p)
		}
	}
	for _, d := range folders {
		if d != "" && d != "-" && isDir(d) && inside(path, d) {
			return refuse("inside", d)
		}
	}
	return nil
}

// writeTerminationLog writes msg to the termination log at path, best
// effort: atomically (a temporary file renamed into place) when path is a
// regular file or missing; in place when it is a device, a pipe or a
// symbolic link (--termination-log /dev/stderr), or when it cannot be
// replaced (Kubernetes bind-mounts /dev/termination-log, which a rename
// cannot replace, into a /dev the pod may not write).
func writeTerminationLog(path, msg string) {
	if path == "" {
		return
	}
	if len(msg) > 4000 {
		msg = msg[:4000]
	}
	data := []byte(msg + "\n")
	st, err := os.Lstat(path)
	if err == nil && !st.Mode().IsRegular() {
		writeInPlace(path, data)
		return
	}
	if _, aerr := atomicfile.WriteFinal(path, data); aerr != nil && err == nil {
		writeInPlace(path, data)
	}
}

// writeInPlace writes data over the existing file at path.
func writeInPlace(path string, data []byte) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return
	}
	f.Write(data)
	f.Close()
}

// commonFlags are accepted by every command, before or after its arguments.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "summary-file", EnvVars: []string{"VEIL_SUMMARY_FILE"}, Usage: "also write the JSON summary line to `PATH` (atomically; for Airflow's KubernetesPodOperator use /airflow/xcom/return.json)"},
		&cli.StringFlag{Name: "termination-log", Value: defaultTerminationLog(), Usage: "on failure, write the error to `PATH` (Kubernetes termination message)"},
		&cli.StringFlag{Name: "log-format", Value: "auto", EnvVars: []string{"VEIL_LOG_FORMAT"}, Usage: "stderr log format: auto (JSON unless stderr is a terminal), text or json"},
		&cli.StringFlag{Name: "log-level", Value: "info", EnvVars: []string{"VEIL_LOG_LEVEL"}, Usage: "debug, info, warn or error"},
		&cli.StringFlag{Name: "progress", Value: "auto", EnvVars: []string{"VEIL_PROGRESS"}, Usage: "progress on stderr: auto (a bar on a terminal, log lines otherwise), always or never"},
	}
}

func defaultTerminationLog() string {
	const p = "/dev/termination-log"
	if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
		f.Close()
		return p
	}
	return ""
}

// setup applies the common flags of c to e. Every action calls it first.
func (e *env) setup(c *cli.Context) error {
	e.ran = true
	if e.summary.Command == "" {
		// run sets the whole path ("policy validate", "synth fit");
		// urfave/cli gives a subcommand only its own name.
		e.summary.Command = strings.TrimPrefix(c.Command.FullName(), "veil ")
	}
	e.summaryFile = c.String("summary-file")
	e.terminationLog = c.String("termination-log")
	if c.IsSet("skip-exit-code") {
		e.skipExitCode = c.Int("skip-exit-code")
	}
	if hasFlag(c.Command.Flags, "part-rows") {
		e.partRows = c.Int64("part-rows")
		if e.partRows <= 0 {
			return usagef("--part-rows must be positive")
		}
	}
	e.progress = c.String("progress")
	switch e.progress {
	case "auto", "always", "never":
	default:
		return usagef("--progress must be auto, always or never, not %q", e.progress)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
		return usagef("--log-level must be debug, info, warn or error")
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.String("log-format") {
	case "json":
		e.log = slog.New(slog.NewJSONHandler(e.stderr, opts))
	case "text":
		e.log = slog.New(slog.NewTextHandler(e.stderr, opts))
	case "auto":
		if isTerminal(e.stderr) {
			e.log = slog.New(slog.NewTextHandler(e.stderr, opts))
		} else {
			e.log = slog.New(slog.NewJSONHandler(e.stderr, opts))
		}
	default:
		return usagef("--log-format must be auto, text or json")
	}
	e.log = e.log.With(e.logContext()...)
	if e.sig != nil {
		log := e.log
		notice := func(sig int) { e.signalNotice(log, sig) }
		e.sig.notice.Store(&notice)
	}
	return nil
}

// action wraps a command's work: it applies the common flags, then runs fn.
func (e *env) action(fn func(c *cli.Context) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := e.setup(c); err != nil {
			return err
		}
		if hasFlag(c.Command.Flags, "seed") {
			s := c.Uint64("seed")
			e.summary.Seed = &s
		}
		return fn(c)
	}
}

func hasFlag(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// seedFlag is the --seed flag of every command that uses randomness.
func seedFlag() cli.Flag {
	return &cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed for every random choice; the same input, policy and seed give byte-identical output (DP noise excepted)"}
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:    "veil",
		Usage:   "make sensitive tables safe to train on: profile, anonymize, synthesize, report",
		Version: veilVersion(),
		Description: "veil reads CSV and Parquet exports, finds personal data, applies a declarative policy " +
			"(pseudonymisation, generalization, k-anonymity, differential privacy) or synthesizes new rows, " +
			"and reports utility and privacy risk.\n\n" + exitStatusHelp,
		Writer:          e.stdout,
		ErrWriter:       e.stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{err}
		},
		Commands: []*cli.Command{
			newConvertCommand(e),
			newProfileCommand(e),
			newPolicyCommand(e),
			newAnonymizeCommand(e),
			newSynthCommand(e),
			newReportCommand(e),
			newDemoCommand(e),
			newGenerateCommand(e),
		},
	}
	for _, c := range app.Commands {
		finishCommand(c)
	}
	return app
}

// finishCommand adds the common flags, the exit status help and usage error
// handling to c and its subcommands.
func finishCommand(c *cli.Command) {
	if c.Action != nil {
		c.Flags = append(c.Flags, commonFlags()...)
	}
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return &usageError{err}
	}
	if c.Description == "" {
		c.Description = c.Usage
	}
	help := exitStatusHelp
	if !hasFlag(c.Flags, "skip-if-done") {
		// Only commands with --skip-if-done exit 99.
		var keep []string
		for _, l := range strings.Split(help, "\n") {
			if !strings.Contains(l, "--skip-if-done") {
				keep = append(keep, l)
			}
		}
		help = strings.Join(keep, "\n")
	}
	c.Description += "\n\n" + help
	for _, s := range c.Subcommands {
		finishCommand(s)
	}
}

// reorderArgs moves flags in front of positional arguments within each
// command, so that `veil profile in.csv --out p.json` works: urfave/cli v2
// stops parsing flags at the first positional argument.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	cmds := app.Commands
	var cmd *cli.Command
	// Walk the command path.
	for len(rest) > 0 {
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(rest[0]) {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		cmd = next
		out = append(out, rest[0])
		rest = rest[1:]
		cmds = cmd.Subcommands
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			continue
		}
		// Flags may come before a subcommand name; stop walking there.
		break
	}
	if cmd == nil {
		return args
	}
	var flags, pos []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			pos = append(pos, rest[i:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if strings.Contains(a, "=") {
			continue
		}
		name := strings.TrimLeft(a, "-")
		if takesValue(cmd.Flags, name) && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out = append(out, flags...)
	return append(out, pos...)
}

// commandPath returns the names of the command (and subcommand) args name.
func commandPath(app *cli.App, args []string) string {
	var names []string
	cmds := app.Commands
	for _, a := range args[1:] {
		var next *cli.Command
		for _, c := range cmds {
			if c.HasName(a) {
				next = c
			}
		}
		if next == nil {
			break
		}
		names = append(names, next.Name)
		cmds = next.Subcommands
	}
	return strings.Join(names, " ")
}

func takesValue(flags []cli.Flag, name string) bool {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if _, isBool := f.(*cli.BoolFlag); isBool {
				return false
			}
			return true
		}
	}
	return false
}

// errNotYet marks commands whose work later issues bring.
var errNotYet = errors.New("not implemented yet")
