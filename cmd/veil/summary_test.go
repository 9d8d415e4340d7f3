package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummaryFileTooFullCommitsNothing: a --summary-file that can be
// created but not written (a disk that fills up, a quota, a file size
// limit) fails the run before any output is put in place: no output, no
// manifest, no temporary file, and a summary line that lists none (the
// summary file then holds that line, if it fits). Before,
// the outputs were renamed into place first and the run then failed on
// the summary file, leaving them there under an error.
//
// The binary runs under a file size limit (set in a helper process) that lets
// it write the output and its manifest but not the summary line, which is
// made the longest file by a long output folder name.
func TestSummaryFileTooFullCommitsNothing(t *testing.T) {
	bin := buildVeil(t)
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", "a\n1\n")
	outDir := filepath.Join(dir, strings.Repeat("o", 200), strings.Repeat("u", 200), strings.Repeat("t", 200))
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(outDir, "out.csv")
	sum := filepath.Join(dir, "summary.json")
	run := func(limit uint64) (code int, stdout string) {
		t.Helper()
		cmd := commandUnderFileSizeLimit(limit, bin, "convert", in, out, "--summary-file", sum, "--termination-log", "")
		var b, e strings.Builder
		cmd.Stdout, cmd.Stderr = &b, &e
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code == 126 {
			t.Skipf("no file size limit: %s", e.String())
		}
		return cmd.ProcessState.ExitCode(), b.String()
	}
	// Unlimited, to measure the files.
	if code, stdout := run(0); code != 0 {
		t.Fatalf("exit %d: %s", code, stdout)
	}
	size := func(p string) uint64 {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return uint64(st.Size())
	}
	biggest := max(size(out), size(out+".manifest.json"))
	if size(sum) <= biggest+64 {
		t.Fatalf("summary %d bytes, output files up to %d: the test needs a longer summary", size(sum), biggest)
	}
	for _, p := range []string{out, out + ".manifest.json", sum} {
		os.Remove(p)
	}

	code, stdout := run(biggest + 32)
	if code == 0 {
		t.Fatalf("exit 0 with a summary file that cannot be written: %s", stdout)
	}
	var s summary
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &s); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if s.Status != "error" || s.ExitCode != code || len(s.Outputs) != 0 || !strings.Contains(s.Error, "--summary-file") {
		t.Errorf("summary = %+v, want status error, exit %d, no outputs, an error naming --summary-file", s, code)
	}
	if names := dirNames(t, outDir); len(names) != 0 {
		t.Errorf("left %v in the output folder, want nothing", names)
	}
	if names := dirNames(t, dir); fmt.Sprint(names) != fmt.Sprint([]string{"in.csv", strings.Repeat("o", 200), "summary.json"}) {
		t.Errorf("folder holds %v, want the input, the output folders and the summary file", names)
	}
	// The failure's summary line, shorter, fits: the file says what stdout says.
	if got, _ := os.ReadFile(sum); string(got) != stdout {
		t.Errorf("summary file %q, want the summary line %q", got, stdout)
	}
}

// TestSummaryLineCompact: the summary line stays a few KB (Airflow keeps
// it in its database) when the error is long, here a policy with 3,000
// errors, which the log gives whole; the summary file holds the same line
// and the termination log the message up to its 4,000 bytes.
func TestSummaryLineCompact(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("version: 1\ndefault_action: keep\ncolumns:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "  column_%d: {action: actoin_%d}\n", i, i)
	}
	pol := writeFile(t, dir, "p.yaml", b.String())
	sum, tl := filepath.Join(dir, "s.json"), filepath.Join(dir, "t.log")
	r := runVeil(t, "policy", "validate", pol, "--summary-file", sum, "--termination-log", tl)
	if r.code != exitUsage {
		t.Fatalf("exit %d, want %d", r.code, exitUsage)
	}
	if n := len(r.stdout); n > 4096 {
		t.Errorf("summary line of %d bytes, want at most 4 KB", n)
	}
	if !strings.HasPrefix(r.summary.Error, "3000 errors in the policy") || !strings.HasSuffix(r.summary.Error, "the log holds the whole message)") {
		t.Errorf("error = %q..., want the start of the message and a note that it was cut", r.summary.Error[:min(80, len(r.summary.Error))])
	}
	if !strings.Contains(r.stderr, "column_2999.action") {
		t.Error("the log does not hold the whole message")
	}
	if got, _ := os.ReadFile(sum); string(got) != r.stdout {
		t.Errorf("summary file differs from the summary line")
	}
	if got, _ := os.ReadFile(tl); len(got) < 4000 || len(got) > 4001 {
		t.Errorf("termination log of %d bytes, want the message's first 4,000", len(got))
	}
}

func TestSummaryErrorCut(t *testing.T) {
	for _, msg := range []string{
		strings.Repeat("é", 3000),
		strings.Repeat("x", maxSummaryError-3) + "ééé",
		strings.Repeat("line of an error\n", 500),
	} {
		got := summaryError(msg)
		if len(got) > maxSummaryError || !strings.HasSuffix(got, "(cut; the log holds the whole message)") {
			t.Errorf("%d bytes cut to %d: ...%q", len(msg), len(got), got[max(0, len(got)-60):])
		}
		if !strings.HasPrefix(msg, strings.TrimSuffix(got, "\n  ... (cut; the log holds the whole message)")) {
			t.Errorf("the cut message is not the start of the message")
		}
		if b, _ := json.Marshal(got); strings.Contains(string(b), `\ufffd`) {
			t.Errorf("cut inside a character")
		}
	}
	if got := summaryError("short"); got != "short" {
		t.Errorf("summaryError(short) = %q", got)
	}
}

// TestSummaryIsLastLine: BashOperator merges stderr into stdout and pushes
// the last line to XCom, so nothing is logged after the summary line, not
// even the refusal of a --termination-log that names the run's input, for
// a run stopped before its paths were checked (logged after it before).
func TestSummaryIsLastLine(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", "a,b\n1,2,3\n")
	var merged bytes.Buffer
	code := run(context.Background(), []string{"veil", "convert", in, "--termination-log", in},
		strings.NewReader(""), &merged, &merged, nil)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d:\n%s", code, exitUsage, merged.String())
	}
	lines := strings.Split(strings.TrimSpace(merged.String()), "\n")
	var s summary
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &s); err != nil || s.Schema != "veil.summary/v1" {
		t.Errorf("last line %q is not the summary (%v)", lines[len(lines)-1], err)
	}
	if !strings.Contains(merged.String(), "--termination-log "+in) {
		t.Errorf("the refused termination log is not logged:\n%s", merged.String())
	}
	if got, _ := os.ReadFile(in); string(got) != "a,b\n1,2,3\n" {
		t.Errorf("the input was overwritten: %q", got)
	}
}

// TestLogLinesCarryRunContext: every log line carries the run ID and, under
// Airflow, every AIRFLOW_CTX_* variable (the try number tells retries
// apart), also the line of a usage error found before the command's flags
// were read (which had none of them).
func TestLogLinesCarryRunContext(t *testing.T) {
	t.Setenv("AIRFLOW_CTX_DAG_ID", "veil_dag")
	t.Setenv("AIRFLOW_CTX_TASK_ID", "anonymize")
	t.Setenv("AIRFLOW_CTX_DAG_RUN_ID", "scheduled__2026-11-28")
	t.Setenv("AIRFLOW_CTX_TRY_NUMBER", "2")
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", "a,b\n1,2\n")
	for _, args := range [][]string{
		{"convert", in, filepath.Join(dir, "o.csv"), "--no-such-flag"},
		{"convert", filepath.Join(dir, "missing.csv"), filepath.Join(dir, "o.csv")},
		{"no-such-command"},
	} {
		r := runVeil(t, args...)
		if r.code != exitUsage && r.code != exitData {
			t.Errorf("%v: exit %d", args, r.code)
		}
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.stderr == "" {
			lines = nil
		}
		if len(lines) == 0 {
			t.Errorf("%v: nothing logged", args)
		}
		for _, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Errorf("%v: log line %q: %v", args, l, err)
				continue
			}
			if m["run_id"] != r.summary.RunID || m["airflow_dag"] != "veil_dag" || m["airflow_task"] != "anonymize" ||
				m["airflow_run"] != "scheduled__2026-11-28" || m["airflow_try_number"] != "2" {
				t.Errorf("%v: log line without the run's context: %s", args, l)
			}
		}
	}
}

// TestInputChangedWhileRunning: an input that changes while veil reads it
// (an export still being written) fails the run as a temporary failure
// (exit 75: retry once it stays put), with nothing written, where the run
// used to succeed with an output of neither version and a manifest naming
// content it had not used, or to fail as bad data (exit 3, "fix the
// export") when it caught the file half-written.
func TestInputChangedWhileRunning(t *testing.T) {
	t.Cleanup(func() { testHookAfterWork = nil })
	for _, tc := range []struct {
		name, content string
		change        func(in string)
	}{
		{"appended", "a,b\n1,2\n", func(in string) {
			f, _ := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("3,4\n")
			f.Close()
		}},
		{"replaced", "a,b\n1,2\n", func(in string) {
			os.WriteFile(in+".new", []byte("a,b\n1,2\n"), 0o644)
			os.Rename(in+".new", in)
		}},
		{"half-written", "a,b\n1,2\n3\n", func(in string) { // the reader saw a short row
			f, _ := os.OpenFile(in, os.O_WRONLY, 0)
			f.WriteString("a,b\n1,2\n3,4\n")
			f.Close()
		}},
		{"part added", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "in.csv")
			change := tc.change
			if tc.change == nil { // a folder of parts
				in = filepath.Join(dir, "parts")
				os.Mkdir(in, 0o755)
				writeFile(t, in, "part-00000.csv", "a,b\n1,2\n")
				change = func(in string) { os.WriteFile(filepath.Join(in, "part-00001.csv"), []byte("a,b\n3,4\n"), 0o644) }
			} else {
				writeFile(t, dir, "in.csv", tc.content)
			}
			testHookAfterWork = func() { change(in) }
			out := filepath.Join(dir, "out", "o.csv")
			r := runVeil(t, "convert", in, out)
			if r.code != exitTempFail || r.summary.Status != "error" || !strings.Contains(r.summary.Error, "input "+in+": changed while veil ran") {
				t.Errorf("exit %d, status %q, error %q; want 75 naming the input", r.code, r.summary.Status, r.summary.Error)
			}
			if len(r.summary.Outputs) != 0 {
				t.Errorf("outputs %v, want none", r.summary.Outputs)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Errorf("the output folder was left: %v", dirNames(t, filepath.Join(dir, "out")))
			}
			// Once it stays put, the retry succeeds.
			testHookAfterWork = nil
			if r := runVeil(t, "convert", in, out); r.code != 0 {
				t.Errorf("retry: exit %d: %s", r.code, r.summary.Error)
			}
		})
	}
}
