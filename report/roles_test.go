package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/report"
)

// TestUnnamedColumnsDetected gives the report a policy that names some
// columns and a detector for the others: a national ID the policy does
// not name, released unchanged, must be found, flagged and kept out of the
// utility comparisons; detected quasi-identifiers do not widen the
// policy's; the detector is not called when the policy names every column.
func TestUnnamedColumnsDetected(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 400)
	// Add a made-up national ID per row (unique) and release the table
	// as is: every value of it is real.
	header = append(slices.Clone(header), "ssn")
	for i := range rows {
		rows[i] = append(slices.Clone(rows[i]), fmt.Sprintf("%03d-%02d-%04d", 100+i%800, 10+i%89, 1000+i))
	}
	orig := writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)
	pol := filepath.Join(dir, "p.yaml")
	os.WriteFile(pol, []byte("version: 1\ndescription: names two columns\ndefault_action: keep\ncolumns:\n  sex: {role: quasi, action: keep}\n  age: {role: quasi, action: keep}\n"), 0o644)
	p, err := policies.Parse(pol)
	if err != nil {
		t.Fatal(err)
	}
	var asked int
	opt := fixedOptions()
	opt.Detect = func(report.Source) (map[string]report.Detected, error) {
		asked++
		return map[string]report.Detected{
			"ssn":  {Role: "direct", Entity: "NATIONAL_ID"},
			"race": {Role: "quasi"}, "salary-class": {Role: "sensitive"},
			"sex": {Role: "other"}, // named by the policy: ignored
		}, nil
	}
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: orig}, Policy: p}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 {
		t.Errorf("detector called %d times, want 1", asked)
	}
	roles := map[string]string{}
	for _, c := range r.Columns {
		roles[c.Name] = c.Role + " from " + c.RoleFrom
	}
	for col, want := range map[string]string{"ssn": "direct from detected", "sex": "quasi from policy", "race": "quasi from detected",
		"salary-class": "sensitive from detected", "education": "other from none"} {
		if roles[col] != want {
			t.Errorf("role of %s = %q, want %q", col, roles[col], want)
		}
	}
	// The policy's quasi-identifiers stay the class measures' attacker
	// model; no sensitive column is named, so the detected one is used.
	if got := r.Privacy.QuasiIdentifiers; !slices.Equal(got, []string{"sex", "age"}) {
		t.Errorf("quasi-identifiers = %q, want sex, age", got)
	}
	if got := r.Privacy.Sensitive; !slices.Equal(got, []string{"salary-class"}) {
		t.Errorf("sensitive = %q, want salary-class", got)
	}
	if !slices.ContainsFunc(r.Limitations, func(s string) bool { return strings.Contains(s, "(race)") }) {
		t.Errorf("limitations do not say race was detected as a quasi-identifier: %q", r.Limitations)
	}
	if len(r.Privacy.Identifiers) != 1 {
		t.Fatalf("identifier checks = %+v, want one (ssn)", r.Privacy.Identifiers)
	}
	c := r.Privacy.Identifiers[0]
	if c.Column != "ssn" || !c.Exposed || c.InOriginal != 1 || c.Checked != 400 || !c.Exact || c.RoleFrom != "detected" {
		t.Errorf("ssn check = %+v, want exposed, 400 of 400 real, exact, detected", c)
	}
	if want := "ssn looks like a national ID and is released unchanged"; !strings.HasPrefix(c.Finding, want) || len(r.Summary.Warnings) != 1 || r.Summary.Warnings[0] != c.Finding {
		t.Errorf("finding %q, warnings %q: want %q first", c.Finding, r.Summary.Warnings, want)
	}
	if v := value(t, r, "identifiers_released"); v != 1 {
		t.Errorf("identifiers_released = %v, want 1", v)
	}
	for _, s := range r.Utility.Shapes {
		if s.Column == "ssn" {
			t.Error("ssn compared in column shapes")
		}
	}

	// A policy naming every column: no detection.
	var all strings.Builder
	all.WriteString("version: 1\ndescription: names every column\ncolumns:\n")
	for _, h := range header {
		all.WriteString("  " + h + ": {role: other, action: keep}\n")
	}
	os.WriteFile(pol, []byte(all.String()), 0o644)
	if p, err = policies.Parse(pol); err != nil {
		t.Fatal(err)
	}
	asked = 0
	opt.Target = "salary-class"
	r, err = report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: orig}, Policy: p}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if asked != 0 || len(r.Privacy.Identifiers) != 0 {
		t.Errorf("policy naming every column: detector called %d times, %d identifier checks; want 0, 0", asked, len(r.Privacy.Identifiers))
	}
	// ssn is "other" by the policy's word: compared, but as an ID-like
	// column it is left out of shapes and pairs, and the methods say so.
	for _, s := range r.Utility.Shapes {
		if s.Column == "ssn" {
			t.Error("ID-like ssn compared in column shapes")
		}
	}
	for _, pr := range r.Utility.Pairs {
		if pr.Pair[0] == "ssn" || pr.Pair[1] == "ssn" {
			t.Errorf("ID-like ssn compared in pair %v", pr.Pair)
		}
	}
	if !slices.ContainsFunc(r.Methods, func(m report.Method) bool {
		return strings.Contains(m.Note, "ssn: ID-like: 400 distinct values in 400 (100%)")
	}) {
		t.Errorf("methods do not list ssn as skipped: %+v", r.Methods)
	}
	// Nor do the TSTR models learn from it (a model would memorize it).
	if ts := r.Utility.TSTR; ts == nil || slices.Contains(ts.Features, "ssn") || !slices.Contains(ts.Features, "age") || slices.Contains(ts.Features, "salary-class") || !strings.Contains(ts.Note, "ID-like") {
		t.Errorf("TSTR = %+v; want features without ssn and the target, and a note", ts)
	}
}
