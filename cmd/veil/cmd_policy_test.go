package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyValidateCLI(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "in.csv", anonInput)
	good := writeFile(t, dir, "good.yaml", anonPolicy)
	bad := writeFile(t, dir, "bad.yaml", "version: 1\ncolumns:\n  zip: {action: generalize, prefix: 3, restricted: [036]}\n  email: {action: hash, key: hunter2}\n")
	tests := []struct {
		name string
		args []string
		code int
		msg  []string
	}{
		{"valid", []string{"policy", "validate", good}, exitOK, nil},
		{"valid against data", []string{"policy", "validate", good, "--data", data}, exitOK, nil},
		{"invalid", []string{"policy", "validate", bad}, exitUsage, []string{"bad.yaml:3:53:", `quote it ("036")`, "bad.yaml:4:25:", "use key_env"}},
		{"does not fit the data", []string{"policy", "validate", writeFile(t, dir, "nf.yaml", "version: 1\ncolumns:\n  agee: keep\n"), "--data", data}, exitUsage, []string{`did you mean "age"`}},
		{"missing file", []string{"policy", "validate", filepath.Join(dir, "nope.yaml")}, exitUsage, []string{"nope.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runVeil(t, tc.args...)
			if res.code != tc.code {
				t.Fatalf("exit = %d, want %d\n%s", res.code, tc.code, res.stderr)
			}
			for _, m := range tc.msg {
				if !strings.Contains(res.summary.Error, m) {
					t.Errorf("error %q, want %q in it", res.summary.Error, m)
				}
			}
			if strings.Contains(res.stdout+res.stderr, "hunter2") {
				t.Error("the secret from the policy was echoed")
			}
		})
	}
}

func TestPolicySchemaCLI(t *testing.T) {
	res := runVeil(t, "policy", "schema")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var schema map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &schema); err != nil {
		t.Fatalf("stdout is not one JSON document: %v", err)
	}
	if schema["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", schema["$schema"])
	}
	if !strings.Contains(res.stderr, `"schema":"veil.summary/v1"`) {
		t.Error("the summary line must go to stderr when the schema is on stdout")
	}
	out := filepath.Join(t.TempDir(), "policy.schema.json")
	if res := runVeil(t, "policy", "schema", "--out", out); res.code != exitOK || res.summary.Outputs[0].Path != out {
		t.Errorf("--out: exit %d, summary %+v", res.code, res.summary)
	}
}

func TestPolicyInitCLI(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "in.csv", "customer_id,name,email,phone,ssn,birth_date,zip,age,income\n"+
		"1,Ann Lee,a@example.com,+1 202-823-0778,851-75-3555,1990-04-12,02139,34,5\n")
	out := filepath.Join(dir, "hipaa.yaml")
	res := runVeil(t, "policy", "init", "--template", "hipaa-safe-harbor", "--data", data, "--out", out)
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	text, _ := os.ReadFile(out)
	for _, want := range []string{"name:", "{role: direct, action: drop}", `restricted_as: "000"`, "birth_date:", "truncate: year", "top_code: 90", "income:"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("policy lacks %q:\n%s", want, text)
		}
	}
	// The written policy validates against its data.
	if res := runVeil(t, "policy", "validate", out, "--data", data); res.code != exitOK {
		t.Errorf("the written policy does not validate: %s", res.summary.Error)
	}
	// No overwrite without --force.
	if res := runVeil(t, "policy", "init", "--template", "gdpr-pseudonymisation", "--out", out); res.code != exitUsage {
		t.Errorf("overwrite: exit %d, want 2", res.code)
	}
	if res := runVeil(t, "policy", "init", "--template", "gdpr-pseudonymisation", "--out", out, "--force"); res.code != exitOK {
		t.Errorf("--force: exit %d\n%s", res.code, res.stderr)
	}
	if res := runVeil(t, "policy", "init", "--template", "nope", "--out", filepath.Join(dir, "x.yaml")); res.code != exitUsage || !strings.Contains(res.summary.Error, "hipaa-safe-harbor") {
		t.Errorf("unknown template: exit %d, %q", res.code, res.summary.Error)
	}
}
