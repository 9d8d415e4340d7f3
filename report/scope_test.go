package report_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/report"
)

// The scope, recommended controls, governance and appendix sections.

// adultQI are the quasi-identifiers writePolicy declares.
var adultQI = []string{"sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation"}

// buildWith builds the report of release rel (rows of the Adult header)
// made from the first n Adult rows, with writePolicy's policy plus extra
// top-level blocks.
func buildWith(t *testing.T, n int, release func(header []string, rows [][]string) [][]string, extra string, previous string) (*report.Report, [][]string, []string) {
	t.Helper()
	dir := t.TempDir()
	header, rows := readAdult(t, n)
	rel := release(header, rows)
	orig := writeCSV(t, filepath.Join(dir, "orig.csv"), header, rows)
	relPath := writeCSV(t, filepath.Join(dir, "rel.csv"), header, rel)
	pol := writePolicy(t, dir, "adult release", "")
	if extra != "" {
		f, err := os.OpenFile(pol.Path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(extra)
		f.Close()
		if pol, err = policies.Parse(pol.Path); err != nil {
			t.Fatal(err)
		}
	}
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: relPath},
		Policy: pol, PreviousReport: previous}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r, rel, header
}

// minK recounts the smallest class of rows over the quasi-identifiers.
func minK(header []string, rows [][]string) int {
	idx := map[int]bool{}
	for i, c := range header {
		for _, q := range adultQI {
			if c == q {
				idx[i] = true
			}
		}
	}
	count := map[string]int{}
	for _, row := range rows {
		var key []string
		for i, v := range row {
			if idx[i] {
				key = append(key, v)
			}
		}
		count[strings.Join(key, "\x00")]++
	}
	k := math.MaxInt
	for _, n := range count {
		k = min(k, n)
	}
	return k
}

func controlsOf(r *report.Report, kind string) []report.Control {
	var out []report.Control
	for _, c := range r.Controls {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

func raw(_ []string, rows [][]string) [][]string { return rows }

func TestScopeNotStated(t *testing.T) {
	r, _, _ := buildWith(t, 400, raw, "", "")
	if r.Scope.Stated || r.Scope.Model != "" {
		t.Errorf("Scope = stated %v, model %q; want not stated", r.Scope.Stated, r.Scope.Model)
	}
	if len(r.Scope.Items) != 12 {
		t.Errorf("%d scope items, want 12 (purpose, recipients, model, ICO, NIST, five safes, attacker, population)", len(r.Scope.Items))
	}
	for _, it := range r.Scope.Items {
		if it.Stated || it.Value != "" {
			t.Errorf("item %s = %q, stated %v: the policy states nothing", it.ID, it.Value, it.Stated)
		}
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	scope := section(t, page.String(), "scope")
	if n := strings.Count(scope, "not stated"); n < 12 {
		t.Errorf("the scope section says 'not stated' %d times, want once per item (12)", n)
	}
	if !hasLimitation(r, "states no release context") || !hasLimitation(r, "does not state the reviewer, review board, next review date") {
		t.Errorf("limitations do not say scope and governance are not stated: %q", r.Limitations)
	}
	// No release model: one control, asking for it; k = 1 on the raw
	// table, so not for publication meanwhile.
	if len(r.Controls) != 1 || r.Controls[0].Kind != "release" || !strings.Contains(r.Controls[0].Recommendation, "State the release model") {
		t.Fatalf("Controls = %+v, want one asking for the release model", r.Controls)
	}
	if !strings.Contains(r.Controls[0].Recommendation, "do not publish") {
		t.Errorf("raw table, no model: %q does not advise against publication", r.Controls[0].Recommendation)
	}
	gov := section(t, page.String(), "governance")
	if !strings.Contains(gov, "No previous report was given") || strings.Count(gov, "not stated in the policy") < 4 {
		t.Errorf("governance section does not say what is not stated:\n%s", gov)
	}
}

func TestScopeStated(t *testing.T) {
	const block = `release:
  purpose: Churn model
  recipients: [Partner A, Partner B]
  model: partner
  controls: {projects: one project, people: named analysts, settings: partner server, outputs: aggregates}
  attacker: A neighbour who knows sex and age
  population: 1000000
governance:
  reviewer: DPO
  board: DRB
  policy_version: "7"
  review_every: 6mo
`
	r, rel, header := buildWith(t, 3000, func(h []string, rows [][]string) [][]string { return generalize(t, h, rows) }, block, "")
	want := map[string]string{"purpose": "Churn model", "recipients": "Partner A; Partner B", "model": "partner", "safe_projects": "one project",
		"safe_data": "", "attacker": "A neighbour who knows sex and age", "population": "1000000 people"}
	for _, it := range r.Scope.Items {
		w, ok := want[it.ID]
		if ok && (it.Value != w || it.Stated != (w != "")) {
			t.Errorf("item %s = %q (stated %v), want %q", it.ID, it.Value, it.Stated, w)
		}
		switch it.ID {
		case "nist_model":
			if !strings.Contains(it.Value, "data use agreement") {
				t.Errorf("NIST model of a partner release = %q", it.Value)
			}
		case "population":
			// 3000 rows of a population of 1,000,000: 0.3 %.
			if !strings.Contains(it.Note, "3000 rows, 0.3% of the stated population") || !strings.Contains(it.Note, "at most the prosecutor risk") {
				t.Errorf("population note = %q", it.Note)
			}
		case "attacker":
			for _, q := range adultQI {
				if !strings.Contains(it.Note, q) {
					t.Errorf("attacker note %q does not name quasi-identifier %s", it.Note, q)
				}
			}
		}
	}
	if !hasLimitation(r, "does not state: five safes: safe data") {
		t.Errorf("limitations do not name the missing safe data: %q", r.Limitations)
	}
	if r.Provenance.PolicyInfo == nil || r.Provenance.PolicyInfo.Revision != "7" || r.Provenance.PolicyInfo.FormatVersion != 1 {
		t.Errorf("PolicyInfo = %+v", r.Provenance.PolicyInfo)
	}
	// 6 months after the fixed report date, 2026-11-29.
	if g := r.Governance; g.NextReview != "2027-05-29" || g.Reviewer != "DPO" || g.Board != "DRB" || g.Overdue {
		t.Errorf("Governance = %+v, want next review 2027-05-29", g)
	}
	a := controlsOf(r, "agreement")
	if len(a) != 1 || !strings.Contains(a[0].Recommendation, "re-identify") || !strings.Contains(a[0].Recommendation, "occupation") {
		t.Errorf("partner release: agreement controls %+v, want one forbidding re-identification and linkage on the quasi-identifiers", a)
	}
	if k := minK(header, rel); k < 5 != strings.Contains(a[0].Because, "smallest class (k)") {
		t.Errorf("k recounted %d; the agreement's reason %q does not follow it", k, a[0].Because)
	}
	if ret := controlsOf(r, "retention"); len(ret) != 1 || !strings.Contains(ret[0].Recommendation, "2027-05-29") {
		t.Errorf("retention = %+v, want the deletion date bound to the next review", ret)
	}
	if acc := controlsOf(r, "access"); len(acc) != 1 || !strings.Contains(acc[0].Recommendation, "Partner A; Partner B") {
		t.Errorf("access = %+v", acc)
	}
}

// TestControlsFollowFigures checks the public and enclave controls against
// k recounted here: the raw table (k = 1) must not be published; the
// generalized one may be, with re-assessment, only if its k reaches 5.
func TestControlsFollowFigures(t *testing.T) {
	gen := func(h []string, rows [][]string) [][]string { return generalize(t, h, rows) }
	for _, tc := range []struct {
		name  string
		model string
		rel   func([]string, [][]string) [][]string
	}{
		{"public raw", "public", raw},
		{"public generalized", "public", gen},
		{"enclave raw", "enclave", raw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, rel, header := buildWith(t, 3000, tc.rel, "release: {model: "+tc.model+"}\ngovernance: {next_review: 2026-01-31}\n", "")
			k := minK(header, rel)
			if !r.Governance.Overdue || !hasLimitation(r, "2026-01-31 has passed") {
				t.Errorf("a next review of 2026-01-31 in a report of 2026-11-29 is not overdue: %+v", r.Governance)
			}
			switch tc.model {
			case "public":
				p := controlsOf(r, "publication")
				if len(p) != 1 {
					t.Fatalf("publication controls = %+v", p)
				}
				dont := strings.HasPrefix(p[0].Recommendation, "Do not publish")
				if dont != (k < 5) {
					t.Errorf("k recounted = %d, publication control %q", k, p[0].Recommendation)
				}
				if dont && !strings.Contains(p[0].Because, "smallest class (k) "+strconv.Itoa(k)) {
					t.Errorf("because %q does not give k = %d", p[0].Because, k)
				}
				if len(controlsOf(r, "retention")) != 1 {
					t.Error("no retention control for a public release")
				}
			case "enclave":
				acc, out := controlsOf(r, "access"), controlsOf(r, "outputs")
				if len(acc) != 1 || !strings.Contains(acc[0].Recommendation, "log every access") || len(out) != 1 {
					t.Errorf("enclave controls = %+v", r.Controls)
				}
				if k < 5 && !strings.Contains(out[0].Because, "singled out") {
					t.Errorf("k = %d but the output check's reason %q does not say records can be singled out", k, out[0].Because)
				}
			}
		})
	}
}

func TestPolicyDiff(t *testing.T) {
	dir := t.TempDir()
	first, _, _ := buildWith(t, 300, raw, "governance: {reviewer: Alice, review_every: 1y}\n", "")
	js, err := report.MarshalJSON(first)
	if err != nil {
		t.Fatal(err)
	}
	prev := filepath.Join(dir, "prev.json")
	os.WriteFile(prev, js, 0o644)

	second, _, _ := buildWith(t, 300, raw, "governance: {reviewer: Bob, review_every: 1y}\n", prev)
	// A reviewer and a review date stated, no board: the limitation names
	// the board only, not "who approved" or "when".
	if !hasLimitation(second, "does not state the review board.") || hasLimitation(second, "who approved") || hasLimitation(second, "re-assessed") {
		t.Errorf("limitations %q, want only the missing board named", second.Limitations)
	}
	d := second.Governance.Diff
	if d == nil || !d.Comparable || d.Added != 1 || d.Removed != 1 {
		t.Fatalf("Diff = %+v, want one line removed and one added", d)
	}
	var minus, plus string
	for _, l := range d.Lines {
		switch l.Op {
		case "-":
			minus = l.Text
		case "+":
			plus = l.Text
		}
	}
	if minus != "governance: {reviewer: Alice, review_every: 1y}" || plus != "governance: {reviewer: Bob, review_every: 1y}" {
		t.Errorf("diff lines - %q + %q", minus, plus)
	}
	if d.Previous.Path != prev || len(d.Previous.SHA256) != 64 {
		t.Errorf("Previous = %+v", d.Previous)
	}
	var page bytes.Buffer
	report.WriteHTML(&page, second)
	if gov := section(t, page.String(), "governance"); !strings.Contains(gov, "1 line(s) added, 1 removed") || !strings.Contains(gov, "reviewer: Alice") {
		t.Errorf("governance section lacks the diff:\n%s", gov)
	}

	same, _, _ := buildWith(t, 300, raw, "governance: {reviewer: Alice, review_every: 1y}\n", prev)
	if d := same.Governance.Diff; d == nil || !d.Identical || len(d.Lines) != 0 {
		t.Errorf("same policy: Diff = %+v, want identical", d)
	}

	// An old report without the policy text: no diff, and it says why.
	old := filepath.Join(dir, "old.json")
	os.WriteFile(old, []byte(`{"schema": "veil.report/v1", "provenance": {}}`), 0o644)
	r, _, _ := buildWith(t, 300, raw, "", old)
	if d := r.Governance.Diff; d == nil || d.Comparable || !strings.Contains(d.Note, "no policy text") {
		t.Errorf("old report: Diff = %+v", d)
	}
}

func TestPreviousReportErrors(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 100)
	orig := writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)
	for name, content := range map[string]string{
		"notjson.json": "not json",
		"other.json":   `{"schema": "veil.anonymize/v1"}`,
		"missing.json": "",
	} {
		path := filepath.Join(dir, name)
		if content != "" {
			os.WriteFile(path, []byte(content), 0o644)
		}
		_, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: orig},
			PreviousReport: path}, fixedOptions())
		var ae *report.ArtefactError
		if !errors.As(err, &ae) || ae.ExitClass() != "data" || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: Build error = %v, want a data *ArtefactError naming the file", name, err)
		}
		if name != "missing.json" && !errors.Is(err, report.ErrNotVeilReport) {
			t.Errorf("%s: error %v does not wrap ErrNotVeilReport", name, err)
		}
	}
}

// TestAppendix checks the build facts, the formulas and the reproduce
// command, and that the policy text appears as written.
func TestAppendix(t *testing.T) {
	r, _, _ := buildWith(t, 300, raw, "", "")
	b := r.Provenance.Build
	// go test binaries are not stamped with a VCS revision.
	if b.Commit != "unknown" || b.GoVersion != runtime.Version() {
		t.Errorf("Build = %+v, want commit unknown and %s", b, runtime.Version())
	}
	// Nor do they list modules (see TestBuildInfoFrom).
	if r.Appendix.Dependencies == nil {
		t.Error("Dependencies is nil, want an empty list")
	}
	formula := map[string]bool{}
	for _, f := range r.Appendix.Formulas {
		formula[f.ID] = true
	}
	var figs []report.Figure
	figs = append(figs, r.Utility.Figures...)
	figs = append(figs, r.Privacy.SinglingOut.Figures...)
	figs = append(figs, r.Privacy.Linkability.Figures...)
	figs = append(figs, r.Privacy.Inference.Figures...)
	figs = append(figs, r.Privacy.DP.Figures...)
	for _, f := range figs {
		if f.Value != nil && !formula[f.ID] {
			t.Errorf("figure %s is shown with a value but the appendix has no formula for it", f.ID)
		}
		if f.Value == nil && formula[f.ID] {
			t.Errorf("figure %s is not measured but has a formula", f.ID)
		}
	}
	pt := r.Appendix.Policy
	data, _ := os.ReadFile(pt.Path)
	if pt == nil || pt.Text != string(data) || len(pt.Redacted) != 0 {
		t.Errorf("appendix policy text differs from the file (no identifying column to redact)")
	}
	if c := r.Appendix.Reproduce.Command; !strings.Contains(c, "--seed 1") || !strings.Contains(c, "--policy "+pt.Path) {
		t.Errorf("reproduce command %q", c)
	}
	opt := fixedOptions()
	opt.Build = &report.BuildInfo{Commit: "0123abc", Modified: "no", GoVersion: "go1.0"}
	r2, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: r.Provenance.Original.Path},
		Released: report.Source{Path: r.Provenance.Released.Path}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	report.WriteHTML(&page, r2)
	if prov := section(t, page.String(), "provenance"); !strings.Contains(prov, "0123abc") || !strings.Contains(prov, "go1.0") {
		t.Error("provenance does not show the commit and Go version given")
	}
	if !strings.Contains(section(t, page.String(), "appendix"), "No policy was given") {
		t.Error("appendix of a report without policy does not say so")
	}
}

// TestPolicyTextRedacted writes a policy whose free text and comments quote
// values of the table's direct identifiers: no such value may reach the
// JSON or the HTML.
func TestPolicyTextRedacted(t *testing.T) {
	dir := t.TempDir()
	header := []string{"name", "email", "age", "sex"}
	var rows [][]string
	for i := range 60 {
		rows = append(rows, []string{"Person " + strconv.Itoa(1000+i), "user" + strconv.Itoa(i) + "@example.org", strconv.Itoa(20 + i%40), []string{"F", "M"}[i%2]})
	}
	rows[7][0] = "Jane   Q. Doe"
	orig := writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)
	rel := writeCSV(t, filepath.Join(dir, "r.csv"), []string{"age", "sex"}, func() [][]string {
		var out [][]string
		for _, r := range rows {
			out = append(out, r[2:])
		}
		return out
	}())
	polText := `version: 1
description: "Export; user7@example.org asked to be left out"
# Jane Q. Doe (row 8) was checked by hand.
# Prose puts punctuation against values: Contact Person 1010. Mail (user15@example.org); or <user16@example.org>;
# Other case, glued prefixes: PERSON 1050, mailto:user21@example.org, see ?id=user22@example.org&x=1, name=Person 1052.
columns:
  name: {role: direct, action: drop, reason: "e.g. Person 1003"}
  email: {role: direct, action: drop}
  age: {role: quasi, action: keep}
  sex: {role: quasi, action: keep}
release:
  attacker: "knows user12@example.org"
  model: partner
  recipients: [Person 1020]
`
	polPath := filepath.Join(dir, "p.yaml")
	os.WriteFile(polPath, []byte(polText), 0o644)
	pol, err := policies.Parse(polPath)
	if err != nil {
		t.Fatal(err)
	}
	// The previous report's policy (shown in the diff) and an anonymize
	// report's reasons quote values of this original too.
	prev := filepath.Join(dir, "prev.json")
	os.WriteFile(prev, []byte(`{"schema": "veil.report/v1", "appendix": {"policy": {"text": "reviewer: Person 1030\n"}}}`), 0o644)
	anon := []byte(`{"columns": [{"name": "name", "role": "direct", "action": "drop", "reason": "asked by user20@example.org"},
		{"name": "email", "role": "direct", "action": "drop"}, {"name": "age", "role": "quasi", "action": "keep"}, {"name": "sex", "role": "quasi", "action": "keep"}]}`)
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}, Policy: pol,
		PreviousReport: prev}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	rNoPolicy, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel},
		AnonReportJSON: anon}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	js, _ := report.MarshalJSON(r)
	var page bytes.Buffer
	report.WriteHTML(&page, r)
	js2, _ := report.MarshalJSON(rNoPolicy)
	report.WriteHTML(&page, rNoPolicy)
	for _, v := range []string{"user7@example.org", "user12@example.org", "Jane Q. Doe", "Q. Doe", "Person 1003",
		"Person 1010", "user15@example.org", "user16@example.org", "Person 1020", "Person 1030", "user20@example.org",
		"PERSON 1050", "user21@example.org", "user22@example.org", "Person 1052"} {
		if bytes.Contains(js, []byte(v)) || bytes.Contains(js2, []byte(v)) || bytes.Contains(page.Bytes(), []byte(v)) {
			t.Errorf("the report holds %q, a value of a direct identifier quoted in a free text", v)
		}
	}
	if !bytes.Contains(js2, []byte("asked by [redacted: a value of email]")) {
		t.Errorf("the anonymize report's reason is not shown redacted:\n%s", js2)
	}
	if got := r.Appendix.Policy.Redacted; len(got) != 2 || got[0] != "email" || got[1] != "name" {
		t.Errorf("Redacted = %v, want [email name]", got)
	}
	// What is not a value stays.
	if !strings.Contains(r.Appendix.Policy.Text, "asked to be left out") || !strings.Contains(r.Appendix.Policy.Text, "(row 8) was checked by hand") {
		t.Errorf("redaction removed more than the values:\n%s", r.Appendix.Policy.Text)
	}
	if !strings.Contains(r.Appendix.Policy.Text, "Contact [redacted: a value of name]. Mail ([redacted: a value of email]); or <[redacted: a value of email]>;") {
		t.Errorf("values against punctuation not redacted in place:\n%s", r.Appendix.Policy.Text)
	}
	if strings.Count(r.Appendix.Policy.Text, "[redacted: a value of") != 12 {
		t.Errorf("want 12 redactions:\n%s", r.Appendix.Policy.Text)
	}

	// A YAML escape hides a value from the file's words; the report shows
	// the parsed text redacted and withholds the file's.
	escPath := filepath.Join(dir, "esc.yaml")
	os.WriteFile(escPath, []byte(polText+"  purpose: \"asked by Person\\x201040\"\n"), 0o644)
	esc, err := policies.Parse(escPath)
	if err != nil {
		t.Fatal(err)
	}
	r3, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}, Policy: esc}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	js3, _ := report.MarshalJSON(r3)
	for _, v := range []string{"Person 1040", `Person\\x201040`, "user7@example.org"} {
		if bytes.Contains(js3, []byte(v)) {
			t.Errorf("the report holds %q with an escaped value in the policy", v)
		}
	}
	if r3.Appendix.Policy.Withheld == "" || r3.Appendix.Policy.Text != "" || !bytes.Contains(js3, []byte("asked by [redacted: a value of name]")) {
		t.Errorf("escaped value: appendix %+v; want the text withheld and the purpose redacted", r3.Appendix.Policy)
	}

	// A YAML anchor quotes a value once in the file and the alias repeats it
	// wherever it is used, merge keys included: each place is redacted.
	aliasPath := filepath.Join(dir, "alias.yaml")
	os.WriteFile(aliasPath, []byte(`version: 1
columns:
  name: &dropped {role: direct, action: drop, reason: &who "asked by Person 1041"}
  email: {<<: *dropped}
  age: {role: quasi, action: keep}
  sex: {role: quasi, action: keep}
release:
  attacker: *who
governance:
  reviewer: &rev user41@example.org
  board: *rev
`), 0o644)
	alias, err := policies.Parse(aliasPath)
	if err != nil {
		t.Fatal(err)
	}
	r4, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}, Policy: alias}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	js4, _ := report.MarshalJSON(r4)
	page.Reset()
	report.WriteHTML(&page, r4)
	for _, v := range []string{"Person 1041", "user41@example.org"} {
		if bytes.Contains(js4, []byte(v)) || bytes.Contains(page.Bytes(), []byte(v)) {
			t.Errorf("the report holds %q, quoted through a YAML anchor and its aliases", v)
		}
	}
	if n := bytes.Count(js4, []byte("[redacted: a value of")); n < 4 {
		t.Errorf("want the anchored values redacted at the anchor and each alias (4 or more), got %d:\n%s", n, js4)
	}
}

// section returns the HTML of the section with the given id.
func section(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `<section id="`+id+`">`)
	if i < 0 {
		t.Fatalf("no section %q in the page", id)
	}
	j := strings.Index(page[i:], "</section>")
	return page[i : i+j]
}

func hasLimitation(r *report.Report, s string) bool {
	for _, l := range r.Limitations {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
