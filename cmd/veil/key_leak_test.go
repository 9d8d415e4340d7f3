package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyNotLeaked: a key pasted into key_env or key_file makes `veil
// policy validate` and `veil anonymize` exit 2, and the key shows nowhere
// veil writes: stdout (the summary line), stderr (the log), the summary
// file, the termination log, outputs or reports.
func TestKeyNotLeaked(t *testing.T) {
	const (
		hexKey    = "a3f9c1d2e4b5a6978812ab34cd56ef7890aa11bb22cc33dd44ee55ff66778899"
		base64Key = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg=="
	)
	tests := []struct {
		name, source, key, want string
	}{
		{"hex key in key_env", "key_env", hexKey, "columns.email.key_env: key_env holds what looks like a key itself"},
		{"base64 key in key_env", "key_env", base64Key, "columns.email.key_env: key_env holds what looks like a key itself"},
		{"base64 key in key_file", "key_file", base64Key, "columns.email.key_file: key_file holds what looks like a key itself"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, "in.csv", anonInput)
			pol := writeFile(t, dir, "pk.yaml", "version: 1\ndefault_action: keep\ncolumns:\n"+
				"  email: {role: direct, action: hash, "+tc.source+": \""+tc.key+"\"}\n")
			// Should the check fail, a variable of that name must not be
			// what makes the run pass.
			os.Unsetenv(tc.key)
			leaks := func(what, text string) {
				t.Helper()
				// The whole key, or a telling part of it.
				for _, part := range []string{tc.key, tc.key[:12], tc.key[len(tc.key)-12:]} {
					if strings.Contains(text, part) {
						t.Errorf("%s shows the key (%q):\n%s", what, part, text)
						return
					}
				}
			}
			runs := map[string][]string{
				"validate":      {"policy", "validate", pol},
				"validate data": {"policy", "validate", pol, "--data", in, "--log-format", "text"},
				"anonymize":     {"anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "out.csv"), "--report", filepath.Join(dir, "anon.json")},
			}
			for name, args := range runs {
				tl := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".termination-log")
				sum := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".summary.json")
				res := runVeil(t, append(args, "--termination-log", tl, "--summary-file", sum)...)
				if res.code != exitUsage || res.summary.Status != "error" {
					t.Errorf("%s: exit %d, status %q, want %d and error; stderr:\n%s", name, res.code, res.summary.Status, exitUsage, res.stderr)
				}
				if !strings.Contains(res.summary.Error, "pk.yaml:4:") || !strings.Contains(res.summary.Error, tc.want) {
					t.Errorf("%s: error = %q, want %q in it", name, res.summary.Error, tc.want)
				}
				leaks(name+" stdout", res.stdout)
				leaks(name+" stderr", res.stderr)
				for _, f := range []string{tl, sum} {
					b, err := os.ReadFile(f)
					if err != nil {
						t.Errorf("%s: %v", name, err)
					}
					leaks(name+" "+filepath.Base(f), string(b))
				}
			}
			for _, f := range dirNames(t, dir) {
				if f == "pk.yaml" {
					continue
				}
				b, _ := os.ReadFile(filepath.Join(dir, f))
				leaks(f, string(b))
				if f == "out.csv" || f == "anon.json" {
					t.Errorf("a refused policy left %s", f)
				}
			}
		})
	}
}

// TestKeyEnvNamedWhenValid: a key_env that is a variable name still helps:
// the warning of `veil policy validate` and the error of `veil anonymize`
// name it.
func TestKeyEnvNamedWhenValid(t *testing.T) {
	os.Unsetenv("VEIL_TEST_UNSET_KEY")
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", anonInput)
	pol := writeFile(t, dir, "p.yaml", "version: 1\ndefault_action: keep\ncolumns:\n  email: {role: direct, action: hash, key_env: VEIL_TEST_UNSET_KEY}\n")
	res := runVeil(t, "policy", "validate", pol, "--data", in)
	if res.code != exitOK || !strings.Contains(res.stderr, `"key_env":"VEIL_TEST_UNSET_KEY"`) {
		t.Errorf("validate: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	res = runVeil(t, "anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "out.csv"))
	if res.code != exitUsage || !strings.Contains(res.summary.Error, `environment variable "VEIL_TEST_UNSET_KEY" (key_env): secret key not set`) {
		t.Errorf("anonymize: exit %d, error %q", res.code, res.summary.Error)
	}
}

// TestKeyEnvNotANameNotEchoed: a key_env that is no variable name is an
// error that does not repeat the value.
func TestKeyEnvNotANameNotEchoed(t *testing.T) {
	const secret = "hunter2-is-my-pass!"
	dir := t.TempDir()
	pol := writeFile(t, dir, "p.yaml", "version: 1\ndefault_action: keep\ncolumns:\n  email: {action: hash, key_env: \""+secret+"\"}\n")
	res := runVeil(t, "policy", "validate", pol)
	if res.code != exitUsage || !strings.Contains(res.summary.Error, "columns.email.key_env: not an environment variable name") {
		t.Errorf("exit %d, error %q", res.code, res.summary.Error)
	}
	if strings.Contains(res.stdout+res.stderr, "hunter2") {
		t.Errorf("the value is repeated:\n%s\n%s", res.stdout, res.stderr)
	}
}
