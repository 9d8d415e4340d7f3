package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// veilResult is what one in-process run of the CLI produced.
type veilResult struct {
	code    int
	stdout  string
	stderr  string
	summary summary
}

// runVeil runs the veil command line in-process, as a user would run the
// binary, and decodes the summary line.
func runVeil(t *testing.T, args ...string) veilResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"veil"}, args...), strings.NewReader(""), &out, &errb, nil)
	res := veilResult{code: code, stdout: out.String(), stderr: errb.String()}
	lines := strings.Split(strings.TrimRight(res.stdout, "\n"), "\n")
	last := lines[len(lines)-1]
	if strings.HasPrefix(last, "{") {
		if err := json.Unmarshal([]byte(last), &res.summary); err != nil {
			t.Fatalf("summary line %q: %v", last, err)
		}
	}
	return res
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// dirNames lists the names in dir, hidden temp files included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestConvertCSV(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", "zip;name\r\n01234;Ann\r\n99999;\r\n")
	out := filepath.Join(dir, "out.csv")
	sumFile := filepath.Join(dir, "summary.json")
	res := runVeil(t, "convert", in, out, "--summary-file", sumFile, "--log-format", "json")
	if res.code != exitOK {
		t.Fatalf("exit = %d, want 0; stderr:\n%s", res.code, res.stderr)
	}
	got, _ := os.ReadFile(out)
	if want := "zip,name\n01234,Ann\n99999,\n"; string(got) != want {
		t.Errorf("output = %q, want %q", got, want)
	}
	// stdout holds only the summary line.
	if strings.Count(res.stdout, "\n") != 1 {
		t.Errorf("stdout has %d lines, want only the summary:\n%s", strings.Count(res.stdout, "\n"), res.stdout)
	}
	s := res.summary
	sum := sha256.Sum256(got)
	if s.Schema != "veil.summary/v1" || s.Command != "convert" || s.Status != "ok" || len(s.Outputs) != 2 || s.Outputs[1].Kind != "manifest" ||
		s.Outputs[0].SHA256 != hex.EncodeToString(sum[:]) || s.Outputs[0].Rows == nil || *s.Outputs[0].Rows != 2 {
		t.Errorf("summary = %+v", s)
	}
	file, _ := os.ReadFile(sumFile)
	if strings.TrimSpace(string(file)) != strings.TrimSpace(res.stdout) {
		t.Errorf("--summary-file = %q, want the summary line %q", file, res.stdout)
	}
	// Logs are JSON on stderr.
	for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
		if line != "" && !json.Valid([]byte(line)) {
			t.Errorf("stderr line is not JSON: %q", line)
		}
	}
}

func TestConvertFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", "a,b\n1,2\n")
	out := filepath.Join(dir, "out.csv")
	if res := runVeil(t, "convert", in, out, "--out-delimiter", ";", "--crlf"); res.code != 0 {
		t.Fatalf("exit = %d: %s", res.code, res.stderr)
	}
	got, _ := os.ReadFile(out)
	if string(got) != "a;b\r\n1;2\r\n" {
		t.Errorf("output = %q, want ; and CRLF", got)
	}
}

func TestConvertErrors(t *testing.T) {
	dir := t.TempDir()
	secretValue := "jane.doe@example.com"
	ragged := writeFile(t, dir, "ragged.csv", "name,email\nA,a@x.org\nB,"+secretValue+",extra\n")
	badUTF8 := writeFile(t, dir, "bad.csv", "name,email\nA,\xff"+secretValue+"\n")
	good := writeFile(t, dir, "good.csv", "a\n1\n")
	noExt := writeFile(t, dir, "noext", "a\n1\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"ragged row", []string{"convert", ragged, filepath.Join(dir, "o1.csv")}, exitData, []string{"ragged.csv", "row 2", "line 3", "wrong number of fields"}},
		{"invalid UTF-8", []string{"convert", badUTF8, filepath.Join(dir, "o2.csv")}, exitData, []string{"bad.csv", "row 1", `column \"email\"`, "invalid UTF-8"}},
		{"missing input", []string{"convert", filepath.Join(dir, "nope.csv"), filepath.Join(dir, "o3.csv")}, exitData, []string{"nope.csv"}},
		{"output is the input", []string{"convert", good, good}, exitUsage, []string{"also an input"}},
		{"missing argument", []string{"convert", good}, exitUsage, []string{"IN and OUT"}},
		{"unknown flag", []string{"convert", "--nope", good, filepath.Join(dir, "o4.csv")}, exitUsage, []string{"nope"}},
		{"unknown format", []string{"convert", good, filepath.Join(dir, "o5.xlsx")}, exitUsage, []string{"xlsx", "--format parquet"}},
		{"input without extension", []string{"convert", noExt, filepath.Join(dir, "o8.csv")}, exitUsage, []string{"noext", "no extension", "--in-format csv"}},
		{"missing input without extension", []string{"convert", filepath.Join(dir, "gone"), filepath.Join(dir, "o9.csv")}, exitData, []string{"gone", "no such file"}},
		{"bad --type", []string{"convert", good, filepath.Join(dir, "o6.csv"), "--type", "a=varchar"}, exitUsage, []string{"varchar"}},
		{"output under a file", []string{"convert", good, filepath.Join(good, "o7.csv")}, exitUsage, []string{"o7.csv"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := dirNames(t, dir)
			res := runVeil(t, tc.args...)
			if res.code != tc.code {
				t.Fatalf("exit = %d, want %d; stderr:\n%s", res.code, tc.code, res.stderr)
			}
			if res.summary.Status != "error" || res.summary.ExitCode != tc.code {
				t.Errorf("summary = %+v, want status error and exit_code %d", res.summary, tc.code)
			}
			for _, want := range tc.contains {
				if !strings.Contains(res.stdout+res.stderr, want) {
					t.Errorf("output does not mention %q:\nstdout: %s\nstderr: %s", want, res.stdout, res.stderr)
				}
			}
			if strings.Contains(res.stdout+res.stderr, secretValue) {
				t.Errorf("a cell value leaked into the output:\n%s%s", res.stdout, res.stderr)
			}
			if after := dirNames(t, dir); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("files after a failed run = %v, want %v (nothing written, no temp file left)", after, before)
			}
		})
	}
}

func TestHelpListsExitCodes(t *testing.T) {
	for _, cmd := range []string{"convert", "profile", "anonymize", "synth", "report", "policy", "demo", "generate"} {
		res := runVeil(t, cmd, "--help")
		if res.code != 0 {
			t.Errorf("veil %s --help: exit %d", cmd, res.code)
		}
		if !strings.Contains(res.stdout, "EXIT STATUS") || !strings.Contains(res.stdout, "143") {
			t.Errorf("veil %s --help does not list the exit codes:\n%s", cmd, res.stdout)
		}
	}
}

func TestReorderArgs(t *testing.T) {
	app := &cli.App{Commands: []*cli.Command{{
		Name:  "a",
		Flags: []cli.Flag{&cli.StringFlag{Name: "out"}, &cli.BoolFlag{Name: "v"}},
		Subcommands: []*cli.Command{{
			Name:  "sub",
			Flags: []cli.Flag{&cli.IntFlag{Name: "n"}},
		}},
	}}}
	tests := []struct{ in, want string }{
		{"veil a in.csv --out x --v", "veil a --out x --v in.csv"},
		{"veil a --out=x in.csv", "veil a --out=x in.csv"},
		{"veil a in.csv -- --out", "veil a in.csv -- --out"},
		{"veil a sub file --n 3", "veil a sub --n 3 file"},
		{"veil a - --v", "veil a --v -"},
		{"veil other x --y", "veil other x --y"},
	}
	for _, tc := range tests {
		got := strings.Join(reorderArgs(app, strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("reorderArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExitCodeMapping(t *testing.T) {
	tests := []struct {
		err    error
		code   int
		status string
	}{
		{nil, 0, "ok"},
		{usagef("x"), 2, "error"},
		{&skipError{"done"}, 99, "skipped"},
		{&gateError{privacy: true}, 4, "gate_failed"},
		{&gateError{privacy: false}, 5, "gate_failed"},
		{classErr("policy"), 2, "error"},
		{classErr("data"), 3, "error"},
		{classErr("privacy"), 4, "gate_failed"},
		{os.ErrClosed, 1, "error"},
	}
	for _, tc := range tests {
		code, status := exitCode(tc.err, exitSkipped)
		if code != tc.code || status != tc.status {
			t.Errorf("exitCode(%v) = %d, %s, want %d, %s", tc.err, code, status, tc.code, tc.status)
		}
	}
}

type classErr string

func (c classErr) Error() string     { return string(c) }
func (c classErr) ExitClass() string { return string(c) }
