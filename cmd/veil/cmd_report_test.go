package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/veil-data/veil/internal/gen"
)

// reportFixture writes the first rows of the Adult extract (original) and
// the same rows generalized through ARX's hierarchies at fixed levels
// (an anonymized release, made here with plain maps), and a policy naming
// the quasi-identifiers and salary-class as sensitive with the given gates.
func reportFixture(t *testing.T, rows int, gates string) (dir, orig, rel, pol string) {
	t.Helper()
	dir = t.TempDir()
	adult, err := filepath.Abs("../../testdata/adult")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(adult, "adult.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, data := recs[0], recs[1:rows+1]
	levels := map[string]int{"sex": 1, "age": 2, "race": 1, "marital-status": 1, "education": 3, "native-country": 2, "workclass": 2, "occupation": 1}
	var policy strings.Builder
	policy.WriteString("version: 1\ndescription: report CLI test\ncolumns:\n")
	maps := map[int]map[string]string{}
	for i, c := range header {
		lv, ok := levels[c]
		if !ok {
			continue
		}
		hpath := filepath.Join(adult, "adult_hierarchy_"+c+".csv")
		fmt.Fprintf(&policy, "  %s: {role: quasi, action: generalize, hierarchy: %s, level: %d}\n", c, hpath, lv)
		b, err := os.ReadFile(hpath)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r", ""), "\n") {
			if fs := strings.Split(line, ";"); len(fs) > lv {
				m[fs[0]] = fs[lv]
			}
		}
		maps[i] = m
	}
	policy.WriteString("  salary-class: {role: sensitive, action: keep}\n")
	if gates != "" {
		policy.WriteString("gates:\n" + gates)
	}
	write := func(name string, rows [][]string) string {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(header)
		w.WriteAll(rows)
		return writeFile(t, dir, name, b.String())
	}
	genRows := make([][]string, len(data))
	for k, row := range data {
		out := make([]string, len(row))
		for i, v := range row {
			if m, ok := maps[i]; ok {
				out[i] = m[v]
			} else {
				out[i] = v
			}
		}
		genRows[k] = out
	}
	orig = write("orig.csv", data)
	rel = write("anon.csv", genRows)
	pol = writeFile(t, dir, "policy.yaml", policy.String())
	return dir, orig, rel, pol
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestReportCLIGates(t *testing.T) {
	tests := []struct {
		name   string
		gates  string
		code   int
		status string
		passed map[string]bool
	}{
		// The first 3,000 Adult rows at ARX's levels: smallest class 1,
		// marginal TVD 0 in the released domain (the report's own tests
		// recount both).
		{"pass", "  min_k: 1\n  max_tvd_1way: 0.01\n", exitOK, "ok", map[string]bool{"min_k": true, "max_tvd_1way": true}},
		{"privacy fails", "  min_k: 5\n  max_tvd_1way: 0.01\n", exitPrivacyGate, "gate_failed", map[string]bool{"min_k": false, "max_tvd_1way": true}},
		{"utility fails", "  min_k: 1\n  min_tstr_ratio: 1.5\n", exitUtilityGate, "gate_failed", map[string]bool{"min_k": true, "min_tstr_ratio": false}},
		// Both fail: privacy decides the exit code.
		{"both fail", "  min_k: 5\n  min_tstr_ratio: 1.5\n", exitPrivacyGate, "gate_failed", map[string]bool{"min_k": false, "min_tstr_ratio": false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, orig, rel, pol := reportFixture(t, 3000, tc.gates)
			js, html := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.html")
			// Flags after nothing positional, in any order.
			tl := filepath.Join(t.TempDir(), "termination-log")
			res := runVeil(t, "report", "--json", js, "--original", orig, "--released", rel, "--policy", pol,
				"--target", "salary-class", "--html", html, "--progress", "never", "--termination-log", tl)
			if res.code != tc.code || res.summary.Status != tc.status {
				t.Fatalf("exit %d status %q, want %d %q; stderr:\n%s", res.code, res.summary.Status, tc.code, tc.status, res.stderr)
			}
			// A failed gate fails the pipeline step: the pod's termination
			// message says why.
			if msg, err := os.ReadFile(tl); (tc.code == exitOK) != os.IsNotExist(err) || (err == nil && !strings.Contains(string(msg), "gate")) {
				t.Errorf("termination log %q (%v) after exit %d", msg, err, tc.code)
			}
			if len(res.summary.Gates) != len(tc.passed) {
				t.Errorf("summary gates = %+v, want %d", res.summary.Gates, len(tc.passed))
			}
			for _, g := range res.summary.Gates {
				if want, ok := tc.passed[g.Name]; !ok || g.Passed != want {
					t.Errorf("summary gate %s passed = %v, want %v", g.Name, g.Passed, want)
				}
			}
			// The report is written even when a gate fails, and the summary
			// lists both files with their hashes.
			if len(res.summary.Outputs) != 2 || res.summary.Report != js {
				t.Fatalf("summary outputs = %+v, report %q", res.summary.Outputs, res.summary.Report)
			}
			for _, o := range res.summary.Outputs {
				if o.Kind != "report" || o.SHA256 != sha256File(t, o.Path) {
					t.Errorf("output %+v does not match the file", o)
				}
			}
			var r struct {
				Schema  string
				Summary struct {
					Verdict string
					Gates   []struct {
						Name   string
						Passed bool
					}
				}
			}
			b, _ := os.ReadFile(js)
			if err := json.Unmarshal(b, &r); err != nil || r.Schema != "veil.report/v1" {
				t.Fatalf("report.json: %v (schema %q)", err, r.Schema)
			}
			if want := map[bool]string{true: "PASS", false: "FAIL"}[tc.code == exitOK]; r.Summary.Verdict != want {
				t.Errorf("report verdict = %s, want %s", r.Summary.Verdict, want)
			}
			if names := dirNames(t, dir); len(names) != 5 {
				t.Errorf("files in the folder: %v; want the 3 inputs and 2 reports, no temporary file", names)
			}
		})
	}
}

func TestReportCLIUsage(t *testing.T) {
	dir, orig, rel, _ := reportFixture(t, 200, "")
	tests := []struct {
		name string
		args []string
	}{
		{"no flags", nil},
		{"no original", []string{"--released", rel, "--json", filepath.Join(dir, "r.json")}},
		{"no released", []string{"--original", orig, "--json", filepath.Join(dir, "r.json")}},
		{"no output", []string{"--original", orig, "--released", rel}},
		{"positional argument", []string{orig, "--original", orig, "--released", rel, "--json", filepath.Join(dir, "r.json")}},
		{"output under a file", []string{"--original", orig, "--released", rel, "--json", filepath.Join(orig, "r.json")}},
		{"output is an input", []string{"--original", orig, "--released", rel, "--json", rel}},
		{"unknown target", []string{"--original", orig, "--released", rel, "--json", filepath.Join(dir, "r.json"), "--target", "nope"}},
		{"unknown flag", []string{"--original", orig, "--released", rel, "--json", filepath.Join(dir, "r.json"), "--bogus"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runVeil(t, append([]string{"report", "--progress", "never"}, tc.args...)...)
			if res.code != exitUsage || res.summary.Status != "error" {
				t.Errorf("exit %d status %q, want %d error; stderr:\n%s", res.code, res.summary.Status, exitUsage, res.stderr)
			}
			if names := dirNames(t, dir); len(names) != 3 {
				t.Errorf("files in the folder: %v; a failed run must leave nothing", names)
			}
		})
	}
}

func TestReportCLIBadInput(t *testing.T) {
	dir, orig, _, _ := reportFixture(t, 200, "")
	// Row 2 has two fields too few.
	bad := writeFile(t, dir, "bad.csv", "sex,age,race,marital-status,education,native-country,workclass,occupation,salary-class\n"+
		"Male,39,White,Never-married,Bachelors,United-States,State-gov,Adm-clerical,<=50K\n"+
		"Male,50,White,Married-civ-spouse,Bachelors,United-States,Self-emp-not-inc\n")
	js := filepath.Join(dir, "r.json")
	res := runVeil(t, "report", "--original", orig, "--released", bad, "--json", js, "--html", filepath.Join(dir, "r.html"), "--progress", "never")
	if res.code != exitData {
		t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, exitData, res.stderr)
	}
	if !strings.Contains(res.summary.Error, "bad.csv") || !strings.Contains(res.summary.Error, "row 2") {
		t.Errorf("error %q does not name the file and row", res.summary.Error)
	}
	if names := dirNames(t, dir); len(names) != 4 {
		t.Errorf("files in the folder: %v; a failed run must leave no report and no temporary file", names)
	}
	res = runVeil(t, "report", "--original", filepath.Join(dir, "missing.csv"), "--released", orig, "--json", js, "--progress", "never")
	if res.code != exitData {
		t.Errorf("missing input: exit %d, want %d", res.code, exitData)
	}
	// A damaged artefact is an input's data error, as it is for veil synth
	// sample.
	damaged := writeFile(t, dir, "model.json", `{"schema": "veil.synth/v1", "columns": [`)
	for _, flag := range []string{"--synth-model", "--anon-report"} {
		res = runVeil(t, "report", "--original", orig, "--released", orig, flag, damaged, "--json", js, "--progress", "never")
		if res.code != exitData || !strings.Contains(res.summary.Error, "model.json") {
			t.Errorf("damaged %s: exit %d (%s), want %d naming the file", flag, res.code, res.summary.Error, exitData)
		}
	}
}

// TestReportCLINoIdentifiers runs the report on a table full of
// identifiers whose "release" is the table itself (the worst case: every
// identifier is still in it). Roles come from veil's detection. No raw value
// of a direct identifier, record key or other identifying column may appear
// in the JSON, the HTML, the summary or the logs.
func TestReportCLINoIdentifiers(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 1500, 11); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, dir, "customers.csv", b.String())
	js, html := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.html")
	res := runVeil(t, "report", "--original", in, "--released", in, "--json", js, "--html", html, "--target", "salary-class", "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	jb, _ := os.ReadFile(js)
	hb, _ := os.ReadFile(html)
	outputs := []struct {
		name string
		text string
	}{{"report.json", string(jb)}, {"report.html", string(hb)}, {"stdout", res.stdout}, {"stderr", res.stderr}}
	// The temporary folder's name holds random digits.
	for k := range outputs {
		outputs[k].text = strings.ReplaceAll(outputs[k].text, dir, "DIR")
	}
	r := csv.NewReader(strings.NewReader(b.String()))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	identifying := map[string]bool{"customer_id": true, "name": true, "email": true, "phone": true, "ssn": true, "birth_date": true, "zip": true}
	// An output's alphanumeric tokens: a value can only occur where its
	// longest token does, which keeps the search fast.
	notAlnum := func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }
	tokens := make([]map[string]bool, len(outputs))
	for k, o := range outputs {
		tokens[k] = map[string]bool{}
		for _, tok := range strings.FieldsFunc(o.text, notAlnum) {
			tokens[k][tok] = true
		}
	}
	checked := 0
	for _, row := range recs[1:] {
		for i, v := range row {
			col := recs[0][i]
			if !identifying[col] {
				continue
			}
			checked++
			// Chart bins have round edges (income 50000–100000): a customer
			// ID of 100000 there is a bin edge, not the customer.
			if col == "customer_id" && strings.HasSuffix(v, "0000") {
				continue
			}
			anchor := ""
			for _, tok := range strings.FieldsFunc(v, notAlnum) {
				if len(tok) > len(anchor) {
					anchor = tok
				}
			}
			for k, o := range outputs {
				if !tokens[k][anchor] {
					continue
				}
				// Whole values only: a 5-digit ZIP may occur inside a hash.
				re := regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(v) + `($|[^0-9A-Za-z])`)
				if re.MatchString(o.text) {
					t.Errorf("%s value %q appears in %s", col, v, o.name)
				}
			}
		}
	}
	if checked != 1500*len(identifying) {
		t.Fatalf("checked %d values, want %d", checked, 1500*len(identifying))
	}
}

// TestAnonymizeReportFlags runs veil anonymize with --report-json and
// --report-html: the report of the release is written in the same run, with
// the treatment of the anonymize report and the policy's gates.
func TestAnonymizeReportFlags(t *testing.T) {
	t.Setenv("VEIL_TEST_HASH_KEY", cliKey)
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 600, 5); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, dir, "in.csv", b.String())
	pol := writeFile(t, dir, "policy.yaml", `version: 1
description: report flags test
default_action: keep
columns:
  customer_id: {role: identifier, action: drop}
  name:        {role: direct, action: drop}
  email:       {role: direct, action: hash, key_env: VEIL_TEST_HASH_KEY}
  phone:       {role: direct, action: drop}
  ssn:         {role: direct, action: drop}
  birth_date:  {role: direct, action: drop}
  zip:         {role: quasi, action: generalize, prefix: 1}
  sex:         {role: quasi, action: keep}
  age:         {role: quasi, action: generalize, width: 20}
  salary-class: {role: sensitive, action: keep}
gates:
  max_tvd_1way: 0.01
`)
	js, html := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.html")
	res := runVeil(t, "anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "out.csv"),
		"--report-json", js, "--report-html", html, "--report-target", "salary-class", "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	// The policy's gate, and the implicit identifiers_released gate (email
	// is released hashed: checked, and not exposed).
	if len(res.summary.Gates) != 2 || res.summary.Gates[0].Name != "max_tvd_1way" || res.summary.Gates[1].Name != "identifiers_released" ||
		!res.summary.Gates[0].Passed || !res.summary.Gates[1].Passed || res.summary.Report != js {
		t.Errorf("summary gates %+v, report %q", res.summary.Gates, res.summary.Report)
	}
	var r struct {
		Release   string
		Treatment []struct{ Column, Action, Technique string }
		Columns   []struct {
			Name       string
			ComparedAs string `json:"compared_as"`
		}
	}
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.Release != "anonymized" {
		t.Errorf("release = %q, want anonymized", r.Release)
	}
	for _, tr := range r.Treatment {
		if tr.Column == "email" && !strings.Contains(tr.Technique, "pseudonymisation") {
			t.Errorf("email technique %q, want pseudonymisation", tr.Technique)
		}
	}
	for _, c := range r.Columns {
		if (c.Name == "zip" || c.Name == "age") && !strings.HasPrefix(c.ComparedAs, "recoded") {
			t.Errorf("%s compared as %q, want recoded", c.Name, c.ComparedAs)
		}
	}
}

// TestReportReadsReleaseAsWritten: the report of a run reads the release
// the run wrote with the output's flags, not the input's. The input here is
// ';'-separated with NA for null and declares kinds of columns the release
// drops (ssn) or generalizes (age: no longer integers); the release is
// '|'-separated with NULL for null. Before, the report read the release
// with ';' and failed ("no column in common"), and --type of a dropped
// column failed it too.
func TestReportReadsReleaseAsWritten(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 400, 9); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i := range lines {
		lines[i] = strings.ReplaceAll(lines[i], ",", ";")
		if i%7 == 3 { // a null sex, written NA
			f := strings.Split(lines[i], ";")
			f[7] = "NA"
			lines[i] = strings.Join(f, ";")
		}
	}
	if !strings.HasPrefix(lines[0], "customer_id;name;email;phone;ssn;birth_date;zip;sex;") {
		t.Fatalf("generated header changed: %s", lines[0])
	}
	in := writeFile(t, dir, "in.csv", strings.Join(lines, "\n")+"\n")
	pol := writeFile(t, dir, "policy.yaml", `version: 1
default_action: keep
columns:
  customer_id: {role: identifier, action: drop}
  name:        {role: direct, action: drop}
  email:       {role: direct, action: drop}
  phone:       {role: direct, action: drop}
  ssn:         {role: direct, action: drop}
  birth_date:  {role: direct, action: drop}
  zip:         {role: quasi, action: generalize, prefix: 3}
  sex:         {role: quasi, action: keep}
  age:         {role: quasi, action: generalize, width: 20}
`)
	out, js := filepath.Join(dir, "out.csv"), filepath.Join(dir, "report.json")
	res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--delimiter", ";", "--null", "NA",
		"--type", "ssn=string", "--type", "zip=string", "--type", "age=integer",
		"--out-delimiter", "|", "--out-null", "NULL", "--report-json", js, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
	}
	written, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(written), "zip|sex|age|") || !strings.Contains(string(written), "|NULL|") {
		t.Fatalf("release not written with the output flags:\n%.200s", written)
	}
	var r struct {
		Columns []struct {
			Name       string
			ComparedAs string `json:"compared_as"`
		}
	}
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	compared := map[string]string{}
	for _, c := range r.Columns {
		compared[c.Name] = c.ComparedAs
	}
	for _, name := range []string{"zip", "sex", "age", "salary-class"} {
		if _, ok := compared[name]; !ok {
			t.Errorf("column %s missing from the report's columns: %v", name, compared)
		}
	}
	if !strings.HasPrefix(compared["age"], "recoded") {
		t.Errorf("age compared as %q, want recoded", compared["age"])
	}

	// veil report on the two files: the input's declarations need not
	// fit the release (ssn dropped, age generalized); each file's
	// separator is detected.
	res = runVeil(t, "report", "--original", in, "--released", out, "--json", filepath.Join(dir, "again.json"), "--null", "NA", "--null", "NULL", "--null", "",
		"--type", "ssn=string", "--type", "zip=string", "--type", "age=integer", "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("report: exit %d; stderr:\n%s", res.code, res.stderr)
	}

	// synth reads its own release the same way.
	res = runVeil(t, "synth", in, "--out", filepath.Join(dir, "syn.csv"), "--rows", "300", "--delimiter", ";", "--null", "NA",
		"--type", "ssn=string", "--out-delimiter", "|", "--report-json", filepath.Join(dir, "syn.json"), "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("synth: exit %d; stderr:\n%s", res.code, res.stderr)
	}
}

// TestReportOfParquetReleaseTypesOfDroppedColumns: a Parquet release, read
// by its own run's report, lets --type name the columns it dropped, as a
// CSV release does. Before, the report failed with exit 3 ("a column type
// is declared for a column the file does not have", naming the hidden
// temporary file).
func TestReportOfParquetReleaseTypesOfDroppedColumns(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 300, 9); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, dir, "in.csv", b.String())
	pol := writeFile(t, dir, "policy.yaml", `version: 1
default_action: keep
columns:
  customer_id: {role: identifier, action: drop}
  name:        {role: direct, action: drop}
  email:       {role: direct, action: drop}
  phone:       {role: direct, action: drop}
  ssn:         {role: direct, action: drop}
  birth_date:  {role: direct, action: drop}
  zip:         {role: quasi, action: generalize, prefix: 3}
  age:         {role: quasi, action: generalize, width: 20}
`)
	for _, cmd := range [][]string{
		{"anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "anon.parquet")},
		{"synth", in, "--policy", pol, "--rows", "200", "--out", filepath.Join(dir, "syn.parquet")},
	} {
		args := append(cmd, "--type", "ssn=string", "--type", "zip=string", "--type", "age=integer",
			"--report-json", filepath.Join(dir, cmd[0]+".json"), "--progress", "never")
		if res := runVeil(t, args...); res.code != exitOK {
			t.Errorf("%s to Parquet with --type of a dropped column: exit %d; stderr:\n%s", cmd[0], res.code, res.stderr)
		}
	}
}

// TestSynthReportFlags: veil synth with --report-json describes a
// synthetic release whether or not --model-out keeps the model, and reads
// the model's DP guarantee from the run itself.
func TestSynthReportFlags(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 1500, 5); err != nil {
		t.Fatal(err)
	}
	in := writeFile(t, dir, "in.csv", b.String())
	for _, withModel := range []bool{false, true} {
		js := filepath.Join(dir, fmt.Sprintf("report-%v.json", withModel))
		args := []string{"synth", in, "--out", filepath.Join(dir, fmt.Sprintf("out-%v.csv", withModel)), "--rows", "500",
			"--epsilon", "1", "--new-release", "--report-json", js, "--progress", "never"}
		if withModel {
			args = append(args, "--model-out", filepath.Join(dir, "model.json"))
		}
		res := runVeil(t, args...)
		if res.code != exitOK {
			t.Fatalf("--model-out %v: exit %d; stderr:\n%s", withModel, res.code, res.stderr)
		}
		var r struct {
			Release string
			Privacy struct {
				DP struct {
					Figures []struct {
						ID    string
						Value *float64
					}
				} `json:"differential_privacy"`
			}
		}
		data, _ := os.ReadFile(js)
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		if r.Release != "synthetic" {
			t.Errorf("--model-out %v: release = %q, want synthetic", withModel, r.Release)
		}
		eps := math.NaN()
		for _, f := range r.Privacy.DP.Figures {
			if f.ID == "epsilon" && f.Value != nil {
				eps = *f.Value
			}
		}
		if eps != 1 {
			t.Errorf("--model-out %v: the report's ε = %v, want the model's 1", withModel, eps)
		}
	}
}

// TestReportCLIRepeatable runs veil report twice on the same tables and
// seed: the JSON and the HTML must be byte-identical but for the run's
// identity (run ID, start and end times). The tables (generated customers,
// a release made with another generator seed, a holdout) hold columns with
// a value per row, so the joint counts take the sorted path; no figure is
// rounded, so a sum taken in map order would show in the last digits.
func TestReportCLIRepeatable(t *testing.T) {
	dir := t.TempDir()
	table := func(name string, seed uint64) string {
		var b bytes.Buffer
		if err := gen.Write(&b, 2000, seed); err != nil {
			t.Fatal(err)
		}
		return writeFile(t, dir, name, b.String())
	}
	orig, rel, hold := table("orig.csv", 1), table("rel.csv", 2), table("hold.csv", 3)
	runID := regexp.MustCompile(`"(run_id|started|finished)": "[^"]*"`)
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`)
	render := func(n int) (js, html []byte) {
		jp, hp := filepath.Join(dir, fmt.Sprintf("r%d.json", n)), filepath.Join(dir, fmt.Sprintf("r%d.html", n))
		res := runVeil(t, "report", "--original", orig, "--released", rel, "--holdout", hold, "--json", jp, "--html", hp,
			"--quasi", "zip,sex,age,race", "--sensitive", "salary-class", "--direct", "name,email,phone,ssn",
			"--target", "salary-class", "--seed", "3", "--progress", "never")
		if res.code != exitOK {
			t.Fatalf("run %d: exit %d; stderr:\n%s", n, res.code, res.stderr)
		}
		js, _ = os.ReadFile(jp)
		html, _ = os.ReadFile(hp)
		var rep struct {
			Provenance struct {
				RunID string `json:"run_id"`
			} `json:"provenance"`
		}
		if err := json.Unmarshal(js, &rep); err != nil || rep.Provenance.RunID == "" {
			t.Fatalf("run %d: report JSON without a run ID: %v", n, err)
		}
		js = runID.ReplaceAll(js, []byte(`"$1": "X"`))
		html = stamp.ReplaceAll(bytes.ReplaceAll(html, []byte(rep.Provenance.RunID), []byte("RUN")), []byte("TIME"))
		return js, html
	}
	j1, h1 := render(1)
	j2, h2 := render(2)
	if !bytes.Equal(j1, j2) {
		t.Errorf("report JSON differs between two runs:\n%s", firstDiff(j1, j2))
	}
	if !bytes.Equal(h1, h2) {
		t.Errorf("report HTML differs between two runs:\n%s", firstDiff(h1, h2))
	}
	// The tables exercise what the test is about: full-precision figures
	// and a column compared value by value with a value per row.
	if !regexp.MustCompile(`"score": 0\.\d{13,}`).Match(j1) {
		t.Error("no pair score printed to full precision: the test checks nothing")
	}
}

// firstDiff shows where two outputs first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n%s\nvs\n%s", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

// TestReportUnnamedIdentifier releases `veil generate`'s table through a
// policy that names only some columns (as bench/policies/columns.yaml) and
// keeps the rest by default: ssn, customer_id and birth_date go out
// unchanged. The report must take their roles from detection, say that
// they are released with real values (in the identifier checks, the
// warnings and the summary sentences, and through the implicit gate when
// the policy sets gates), keep them out of the utility comparisons, and
// never print one of their values.
func TestReportUnnamedIdentifier(t *testing.T) {
	t.Setenv("VEIL_TEST_HASH_KEY", cliKey)
	const policyHead = `version: 1
description: names five columns, keeps the rest
default_action: keep
columns:
  name:  {role: direct, action: drop}
  email: {role: direct, action: hash, key_env: VEIL_TEST_HASH_KEY}
  phone: {role: direct, action: mask, keep_last: 4}
  zip:   {role: quasi, action: generalize, prefix: 3}
  age:   {role: quasi, action: generalize, width: 10}
`
	tests := []struct {
		name    string
		policy  string
		code    int
		exposed []string // identifier checks that must say exposed, in order
		gate    *bool    // the implicit gate's verdict; nil: no gate
	}{
		{"no gates: a warning", policyHead, exitOK, []string{"customer_id", "ssn", "birth_date"}, nil},
		{"gates: the implicit gate fails", policyHead + "gates:\n  max_tvd_1way: 0.5\n", exitPrivacyGate, []string{"customer_id", "ssn", "birth_date"}, ptr(false)},
		// Naming the three columns settles it: hashed, tokenized and
		// generalized values are not real ones.
		{"named and treated", strings.Replace(policyHead, "columns:\n", `columns:
  ssn:         {role: direct, action: hash, key_env: VEIL_TEST_HASH_KEY}
  customer_id: {role: identifier, action: tokenize, key_env: VEIL_TEST_HASH_KEY}
  birth_date:  {role: direct, action: generalize, truncate: year}
`, 1) + "gates:\n  max_tvd_1way: 0.5\n", exitOK, nil, ptr(true)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var b bytes.Buffer
			// 1,500 rows: enough for detection to recognise the columns
			// (it samples 1,000 values) and fast.
			if err := gen.Write(&b, 1500, 7); err != nil {
				t.Fatal(err)
			}
			in := writeFile(t, dir, "in.csv", b.String())
			pol := writeFile(t, dir, "policy.yaml", tc.policy)
			out := filepath.Join(dir, "out.csv")
			if res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--progress", "never"); res.code != exitOK {
				t.Fatalf("anonymize: exit %d; stderr:\n%s", res.code, res.stderr)
			}
			js, html := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.html")
			res := runVeil(t, "report", "--original", in, "--released", out, "--policy", pol, "--json", js, "--html", html, "--progress", "never")
			if res.code != tc.code {
				t.Fatalf("report: exit %d, want %d; stderr:\n%s", res.code, tc.code, res.stderr)
			}
			data, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(html)
			if err != nil {
				t.Fatal(err)
			}
			var r struct {
				Summary struct {
					Gates []struct {
						Name   string
						Passed bool
					}
					Sentences []string
					Warnings  []string
				}
				Columns []struct {
					Name     string
					Role     string
					RoleFrom string `json:"role_from"`
				}
				Privacy struct {
					Identifiers []struct {
						Column   string
						RoleFrom string  `json:"role_from"`
						Entity   string  `json:"entity"`
						Share    float64 `json:"released_values_in_original"`
						Exposed  bool
						Finding  string
					} `json:"identifier_checks"`
				}
				Utility struct {
					Figures []struct {
						ID    string
						Value *float64
					}
					Shapes []struct{ Column string }  `json:"column_shapes"`
					Pairs  []struct{ Pair [2]string } `json:"column_pair_trends"`
				}
			}
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatal(err)
			}
			var exposed []string
			for _, c := range r.Privacy.Identifiers {
				if c.Exposed {
					exposed = append(exposed, c.Column)
				}
				if c.Column == "ssn" && c.Exposed {
					// An anonymized release kept every ssn: 100 % real.
					if c.Share != 1 || c.RoleFrom != "detected" || c.Entity != "NATIONAL_ID" {
						t.Errorf("ssn check = %+v, want share 1, role detected, entity NATIONAL_ID", c)
					}
					if !strings.HasPrefix(c.Finding, "ssn looks like a national ID and is released unchanged") {
						t.Errorf("ssn finding = %q", c.Finding)
					}
					if !slices.Contains(r.Summary.Warnings, c.Finding) || !slices.Contains(r.Summary.Sentences, c.Finding) {
						t.Errorf("ssn finding missing from warnings %q or sentences %q", r.Summary.Warnings, r.Summary.Sentences)
					}
					if !bytes.Contains(page, []byte("Warning: identifying values are released")) || !bytes.Contains(page, []byte("ssn looks like a national ID and is released unchanged")) {
						t.Error("the HTML page does not show the warning")
					}
				}
			}
			if !slices.Equal(exposed, tc.exposed) {
				t.Errorf("exposed identifiers = %q, want %q", exposed, tc.exposed)
			}
			for _, c := range r.Columns {
				if c.Name == "ssn" && tc.exposed != nil && (c.Role != "direct" || c.RoleFrom != "detected") {
					t.Errorf("ssn role %q from %q, want direct from detected", c.Role, c.RoleFrom)
				}
			}
			var gate *bool
			for _, g := range r.Summary.Gates {
				if g.Name == "identifiers_released" {
					gate = &g.Passed
				}
			}
			if (gate == nil) != (tc.gate == nil) || (gate != nil && *gate != *tc.gate) {
				t.Errorf("identifiers_released gate passed = %v, want %v (gates %+v)", gate, tc.gate, r.Summary.Gates)
			}

			// Utility: the identifiers are compared nowhere, and what is
			// left (kept columns, zip and age compared in the released
			// domain, 1,500 rows so no contingency sample) is unchanged:
			// pair trends are exactly 1.
			ids := []string{"customer_id", "ssn", "birth_date", "name", "email", "phone"}
			for _, s := range r.Utility.Shapes {
				if slices.Contains(ids, s.Column) {
					t.Errorf("column shape of %s compared", s.Column)
				}
			}
			for _, p := range r.Utility.Pairs {
				if slices.Contains(ids, p.Pair[0]) || slices.Contains(ids, p.Pair[1]) {
					t.Errorf("pair %v compared", p.Pair)
				}
			}
			for _, f := range r.Utility.Figures {
				if f.ID == "column_pair_trends" && (f.Value == nil || *f.Value != 1) {
					t.Errorf("column_pair_trends = %v, want 1", f.Value)
				}
			}

			// No value of an identifying column in either file.
			recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for i, col := range recs[0] {
				if !slices.Contains([]string{"ssn", "birth_date", "name", "email", "phone"}, col) {
					continue
				}
				for k, row := range recs[1:] {
					checked++
					if bytes.Contains(data, []byte(row[i])) || bytes.Contains(page, []byte(row[i])) {
						t.Fatalf("the report holds the %s value of row %d of the original", col, k+1)
					}
				}
			}
			if checked != 5*1500 {
				t.Fatalf("checked %d values, want %d", checked, 5*1500)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestReportHoldoutValuesRecoded: a holdout's values that the original
// lacks (most of a zip column's) are recoded into the release's domain
// like the original's, so a synthetic release that memorised nothing is
// as close to the holdout as to the training rows.
func TestReportHoldoutValuesRecoded(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 6000, 9); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(b.String(), "\n")
	train := writeFile(t, dir, "train.csv", strings.Join(lines[:3001], ""))
	hold := writeFile(t, dir, "hold.csv", lines[0]+strings.Join(lines[3001:], ""))
	rel := filepath.Join(dir, "s.csv")
	if res := runVeil(t, "synth", train, "--rows", "3000", "--out", rel, "--seed", "1", "--progress", "never"); res.code != exitOK {
		t.Fatalf("synth: exit %d\n%s", res.code, res.stderr)
	}
	js := filepath.Join(dir, "r.json")
	if res := runVeil(t, "report", "--original", train, "--released", rel, "--holdout", hold, "--json", js, "--seed", "1", "--progress", "never"); res.code != exitOK {
		t.Fatalf("report: exit %d\n%s", res.code, res.stderr)
	}
	var r struct {
		Privacy struct {
			Linkability struct {
				Figures []struct {
					ID    string
					Value *float64
				}
			}
		}
	}
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Privacy.Linkability.Figures {
		if f.ID == "dcr_overfitting_protection" {
			if f.Value == nil {
				t.Fatal("DCR overfitting protection not measured")
			}
			if *f.Value < 0.9 {
				t.Errorf("DCR overfitting protection %.3f, want >= 0.9 for a release that memorised nothing", *f.Value)
			}
			return
		}
	}
	t.Fatal("no dcr_overfitting_protection figure")
}
