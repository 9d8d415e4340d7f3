package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/veil-data/veil/internal/gen"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/profile"
)

func TestProfileCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("..", "..", "testdata", "profile", "crm_en.csv")
	out, page, pol := filepath.Join(dir, "p.json"), filepath.Join(dir, "p.html"), filepath.Join(dir, "policy.yaml")
	res := runVeil(t, "profile", in, "--out", out, "--html", page, "--policy-out", pol, "--seed", "3", "--log-format", "json")
	if res.code != exitOK {
		t.Fatalf("veil profile = exit %d, want 0\nstderr: %s", res.code, res.stderr)
	}
	var kinds []string
	for _, o := range res.summary.Outputs {
		kinds = append(kinds, o.Kind)
		if o.SHA256 == "" || o.Bytes == 0 {
			t.Errorf("output %s has no hash or size", o.Path)
		}
	}
	for _, k := range []string{"profile", "report", "policy", "manifest"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("summary outputs %v lack a %s", kinds, k)
		}
	}
	p, err := profile.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 160 || p.Seed != 3 || p.Column("email").Role != "direct" {
		t.Errorf("profile = rows %d, seed %d, email %s; want 160, 3, direct", p.Rows, p.Seed, p.Column("email").Role)
	}
	if got := res.summary.Details["direct"]; got == nil {
		t.Error("summary details lack the direct columns")
	}
	// Logs and summary carry no raw identifying value.
	data, _ := os.ReadFile(in)
	lines := strings.Split(string(data), "\n")
	for _, line := range lines[1:20] {
		fields := strings.Split(line, ",")
		if len(fields) < 4 {
			continue
		}
		email := fields[3]
		if strings.Contains(res.stdout, email) || strings.Contains(res.stderr, email) {
			t.Errorf("stdout or stderr holds the e-mail address of a row")
		}
	}
	// Same input and seed: byte-identical profile.
	out2 := filepath.Join(dir, "p2.json")
	if res := runVeil(t, "profile", in, "--out", out2, "--seed", "3"); res.code != exitOK {
		t.Fatalf("second run = exit %d: %s", res.code, res.stderr)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if string(a) != string(b) {
		t.Error("two runs with the same seed wrote different profiles")
	}
}

func TestProfileErrors(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "email,age\na@example.org,31\n")
	// The bad byte sits past the rows read ahead to infer kinds (1000).
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := 0; i < 1100; i++ {
		b.WriteString("Jane,jane@example.org\n")
	}
	b.WriteString("Jo\xff,x@example.org\n")
	bad := writeFile(t, dir, "bad.csv", b.String())
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"missing input", []string{"profile", "--out", filepath.Join(dir, "x.json")}, exitUsage, []string{"needs one INPUT"}},
		{"missing --out", []string{"profile", good}, exitUsage, []string{"--out"}},
		{"output is the input", []string{"profile", good, "--out", good}, exitUsage, []string{"also an input"}},
		{"UK is not a region", []string{"profile", good, "--out", filepath.Join(dir, "x.json"), "--region", "UK"}, exitUsage, []string{"GB"}},
		{"missing file", []string{"profile", filepath.Join(dir, "none.csv"), "--out", filepath.Join(dir, "x.json")}, exitData, nil},
		{"bad data", []string{"profile", bad, "--out", filepath.Join(dir, "x.json"), "--html", filepath.Join(dir, "x.html")}, exitData,
			[]string{"bad.csv", "row 1101", `column \"name\"`, "invalid UTF-8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runVeil(t, tc.args...)
			if res.code != tc.code {
				t.Fatalf("veil %v = exit %d, want %d\nstderr: %s", tc.args, res.code, tc.code, res.stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(res.stderr, s) {
					t.Errorf("stderr %q lacks %q", res.stderr, s)
				}
			}
			if strings.Contains(res.stderr, "Jo") {
				t.Errorf("stderr quotes a value: %s", res.stderr)
			}
		})
	}
	// A failed run leaves nothing behind, temp files included.
	for _, name := range dirNames(t, dir) {
		if name != "good.csv" && name != "bad.csv" {
			t.Errorf("left behind: %s", name)
		}
	}
}

func TestProfileFindsHierarchies(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join("..", "..", "testdata", "adult", "adult.csv")
	pol := filepath.Join(dir, "policy.yaml")
	res := runVeil(t, "profile", in, "--out", filepath.Join(dir, "p.json"), "--policy-out", pol)
	if res.code != exitOK {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	data, err := os.ReadFile(pol)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `hierarchy: "`) || !strings.Contains(string(data), "adult_hierarchy_occupation.csv") {
		t.Errorf("draft policy names no ARX hierarchy:\n%s", data)
	}
	// Hierarchy paths are relative to the policy file, which parses.
	if _, err := policies.Parse(pol); err != nil {
		t.Errorf("policies.Parse(draft) = %v\n%s", err, data)
	}
}

// TestNoHeaderFlag: a headerless export is refused without --no-header
// (exit 3, naming the row it took for a header, and the flag), and read with
// it: columns col1, col2..., every line a row, the policy naming those
// columns, the release written with a header.
func TestNoHeaderFlag(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 200, 4); err != nil {
		t.Fatal(err)
	}
	body := b.String()[strings.IndexByte(b.String(), '\n')+1:]
	in := writeFile(t, dir, "noheader.csv", body)
	res := runVeil(t, "profile", in, "--out", filepath.Join(dir, "refused.json"), "--progress", "never")
	if res.code != exitData || !strings.Contains(res.summary.Error, "--no-header") {
		t.Fatalf("without --no-header: exit %d, error %q", res.code, res.summary.Error)
	}
	prof, pol := filepath.Join(dir, "profile.json"), filepath.Join(dir, "policy.yaml")
	res = runVeil(t, "profile", in, "--no-header", "--out", prof, "--policy-out", pol, "--progress", "never")
	if res.code != exitOK || len(res.summary.Inputs) != 1 || res.summary.Inputs[0].Rows == nil || *res.summary.Inputs[0].Rows != 200 {
		t.Fatalf("profile --no-header: exit %d, inputs %+v; stderr:\n%s", res.code, res.summary.Inputs, res.stderr)
	}
	data, _ := os.ReadFile(prof)
	var p struct {
		Columns []struct{ Name, Entity string }
	}
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Columns) < 3 || p.Columns[0].Name != "col1" || p.Columns[2].Name != "col3" || p.Columns[2].Entity != "EMAIL" {
		t.Errorf("profile columns %+v, want col1... with col3 an EMAIL", p.Columns)
	}
	if draft, _ := os.ReadFile(pol); !strings.Contains(string(draft), "\n  \"col3\":") {
		t.Errorf("the draft policy does not name col3:\n%s", draft)
	}
	pol = writeFile(t, dir, "mine.yaml", "version: 1\ndefault_action: drop\ncolumns:\n  col7: {role: quasi, action: generalize, prefix: 3}\n  col8: {role: quasi, action: keep}\n")
	out := filepath.Join(dir, "out.csv")
	res = runVeil(t, "anonymize", in, "--no-header", "--type", "col7=string", "--policy", pol, "--out", out, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("anonymize --no-header: exit %d; stderr:\n%s", res.code, res.stderr)
	}
	written, _ := os.ReadFile(out)
	if lines := strings.Split(strings.TrimSpace(string(written)), "\n"); len(lines) != 201 || lines[0] != "col7,col8" {
		t.Errorf("release: %d lines, header %q; want a header and 200 rows", len(lines), lines[0])
	}
}
