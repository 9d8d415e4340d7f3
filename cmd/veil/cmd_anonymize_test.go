package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const anonInput = "customer_id,name,email,phone,zip,age,income\n" +
	"100001,Ann Lee,ann.lee@example.com,+1 202-823-0778,02139,34,52000\n" +
	"100002,Bob Stone,bob.stone@example.org,+1 781-962-1024,94110,93,61000\n"

const anonPolicy = `version: 1
description: CLI test
default_action: keep
columns:
  customer_id: {role: identifier, action: tokenize, format: digits, key_env: VEIL_TEST_HASH_KEY}
  name:   {role: direct, action: drop}
  email:  {role: direct, action: hash, key_env: VEIL_TEST_HASH_KEY}
  phone:  {role: direct, action: mask, keep_last: 4}
  zip:    {role: quasi, action: generalize, prefix: 3}
  age:    {role: quasi, action: generalize, width: 10, top_code: 90}
`

const cliKey = "cli-test-key-0123456789abcdef"

func TestAnonymizeCLI(t *testing.T) {
	t.Setenv("VEIL_TEST_HASH_KEY", cliKey)
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", anonInput)
	pol := writeFile(t, dir, "policy.yaml", anonPolicy)
	out := filepath.Join(dir, "out.csv")
	rep := filepath.Join(dir, "anon.json")
	res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--report", rep, "--seed", "7")
	if res.code != exitOK {
		t.Fatalf("exit = %d, want 0; stderr:\n%s", res.code, res.stderr)
	}
	got, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if lines[0] != "customer_id,email,phone,zip,age,income" || len(lines) != 3 {
		t.Fatalf("output:\n%s", got)
	}
	if !strings.HasSuffix(lines[1], ",+* ***-***-0778,021**,\"[30,40)\",52000") || !strings.Contains(lines[2], ",941**,90+,61000") {
		t.Errorf("output rows:\n%s", got)
	}
	if res.summary.Status != "ok" || res.summary.Report != rep || len(res.summary.Outputs) != 3 {
		t.Errorf("summary = %+v", res.summary)
	}
	var r struct {
		Schema  string `json:"schema"`
		Input   struct{ SHA256 string }
		Output  struct{ SHA256 string }
		Policy  struct{ SHA256 string }
		Seed    uint64
		Columns []struct {
			Name, Technique string
			KeyID           string `json:"key_id"`
		}
	}
	data, _ := os.ReadFile(rep)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.Schema != "veil.anonymize/v1" || len(r.Input.SHA256) != 64 || r.Output.SHA256 != res.summary.Outputs[0].SHA256 || len(r.Policy.SHA256) != 64 || r.Seed != 7 {
		t.Errorf("report header = %+v", r)
	}
	for _, secret := range []string{"Ann Lee", "ann.lee", "202-823", "02139", "100001", cliKey} {
		if strings.Contains(string(data), secret) || strings.Contains(res.stderr, secret) || strings.Contains(res.stdout, secret) {
			t.Errorf("%q leaked into the report or logs", secret)
		}
	}

	// Same input, policy, key and seed: byte-identical output.
	out2 := filepath.Join(dir, "out2.csv")
	if res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out2, "--seed", "7"); res.code != exitOK {
		t.Fatalf("second run: exit %d\n%s", res.code, res.stderr)
	}
	got2, _ := os.ReadFile(out2)
	if string(got) != string(got2) {
		t.Errorf("two runs differ:\n%s\n%s", got, got2)
	}
}

func TestAnonymizeKeyFile(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", anonInput)
	writeFile(t, dir, "hash.key", cliKey+"\n")
	pol := writeFile(t, dir, "policy.yaml", strings.ReplaceAll(anonPolicy, "key_env: VEIL_TEST_HASH_KEY", "key_file: hash.key"))
	out := filepath.Join(dir, "out.csv")
	if res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out); res.code != exitOK {
		t.Fatalf("exit = %d\n%s", res.code, res.stderr)
	}
	// The same key from the environment gives the same pseudonyms.
	t.Setenv("VEIL_TEST_HASH_KEY", cliKey)
	pol2 := writeFile(t, dir, "policy2.yaml", anonPolicy)
	out2 := filepath.Join(dir, "out2.csv")
	if res := runVeil(t, "anonymize", in, "--policy", pol2, "--out", out2); res.code != exitOK {
		t.Fatalf("exit = %d\n%s", res.code, res.stderr)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if string(a) != string(b) {
		t.Errorf("key_file and key_env with the same key differ:\n%s\n%s", a, b)
	}
}

// TestAnonymizeFailures checks exit codes and that a failed run leaves no
// file behind.
func TestAnonymizeFailures(t *testing.T) {
	tests := []struct {
		name   string
		env    bool
		policy string
		input  string
		code   int
		msg    string
	}{
		{"missing key", false, anonPolicy, anonInput, exitUsage, `environment variable "VEIL_TEST_HASH_KEY" (key_env): secret key not set`},
		{"policy error", true, strings.Replace(anonPolicy, "width: 10", "widht: 10", 1), anonInput, exitUsage, `policy.yaml:10:45: columns.age.widht: unknown key (did you mean "width"?)`},
		{"policy does not fit", true, strings.Replace(anonPolicy, "default_action: keep\n", "", 1), anonInput, exitUsage, `the data has 1 column(s) the policy does not list: "income"`},
		// customer_id 1 has too few digits for format-preserving encryption.
		{"data error", true, anonPolicy, anonInput + "1,Di,d@x.com,+1 781-962-1024,12345,42,2\n", exitData,
			`in.csv: row 3 (line 4), column "customer_id": too few characters for format-preserving encryption`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env {
				t.Setenv("VEIL_TEST_HASH_KEY", cliKey)
			}
			dir := t.TempDir()
			in := writeFile(t, dir, "in.csv", tc.input)
			pol := writeFile(t, dir, "policy.yaml", tc.policy)
			out := filepath.Join(dir, "out.csv")
			res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--report", filepath.Join(dir, "r.json"))
			if res.code != tc.code {
				t.Fatalf("exit = %d, want %d; stderr:\n%s", res.code, tc.code, res.stderr)
			}
			if !strings.Contains(res.summary.Error, tc.msg) {
				t.Errorf("error = %q, want %q in it", res.summary.Error, tc.msg)
			}
			names := dirNames(t, dir)
			if len(names) != 2 {
				t.Errorf("files left after a failed run: %v", names)
			}
		})
	}
}

func TestAnonymizeUsage(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", anonInput)
	pol := writeFile(t, dir, "policy.yaml", anonPolicy)
	for name, args := range map[string][]string{
		"no policy":       {"anonymize", in, "--out", filepath.Join(dir, "o.csv")},
		"output is input": {"anonymize", in, "--policy", pol, "--out", in},
		"two inputs":      {"anonymize", in, in, "--policy", pol, "--out", filepath.Join(dir, "o.csv")},
	} {
		t.Run(name, func(t *testing.T) {
			if res := runVeil(t, args...); res.code != exitUsage {
				t.Errorf("exit = %d, want 2\n%s", res.code, res.stderr)
			}
		})
	}
}

// TestAnonymizeParquet writes the output as Parquet and checks that it
// holds the same table as the CSV output.
func TestAnonymizeParquet(t *testing.T) {
	t.Setenv("VEIL_TEST_HASH_KEY", cliKey)
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", anonInput)
	pol := writeFile(t, dir, "policy.yaml", anonPolicy)
	csvOut, pqOut, back := filepath.Join(dir, "o.csv"), filepath.Join(dir, "o.parquet"), filepath.Join(dir, "back.csv")
	for _, out := range []string{csvOut, pqOut} {
		if res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out); res.code != exitOK {
			t.Fatalf("%s: exit %d\n%s", out, res.code, res.stderr)
		}
	}
	if res := runVeil(t, "convert", pqOut, back); res.code != exitOK {
		t.Fatalf("convert: exit %d\n%s", res.code, res.stderr)
	}
	a, _ := os.ReadFile(csvOut)
	b, _ := os.ReadFile(back)
	if string(a) != string(b) {
		t.Errorf("Parquet output differs from the CSV output:\n%s\n%s", a, b)
	}
}
