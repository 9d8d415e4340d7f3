package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/report"
)

// adultDir holds the Adult extract and its ARX hierarchies.
const adultDir = "../testdata/adult"

// readAdult returns the header and the first n rows of the Adult extract.
func readAdult(t testing.TB, n int) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join(adultDir, "adult.csv"))
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
	rows := recs[1:]
	if n > 0 && n < len(rows) {
		rows = rows[:n]
	}
	return recs[0], rows
}

func writeCSV(t testing.TB, path string, header []string, rows [][]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(header)
	w.WriteAll(rows)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// levels are ARX's optimal levels for k=5 at 0 % suppression on the whole
// extract (../shared/design/kanon-reference.md), salary-class kept.
var levels = map[string]int{"sex": 1, "age": 2, "race": 1, "marital-status": 1, "education": 3, "native-country": 2, "workclass": 2, "occupation": 1}

// generalize applies ARX hierarchies at fixed levels with plain maps read
// from the hierarchy files: the test's own anonymizer, sharing no code with
// veil's.
func generalize(t testing.TB, header []string, rows [][]string) [][]string {
	t.Helper()
	maps := map[int]map[string]string{}
	for i, c := range header {
		lv, ok := levels[c]
		if !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(adultDir, "adult_hierarchy_"+c+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, line := range strings.Split(strings.ReplaceAll(string(data), "\r", ""), "\n") {
			if line == "" {
				continue
			}
			f := strings.Split(line, ";")
			m[f[0]] = f[lv]
		}
		maps[i] = m
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		o := make([]string, len(row))
		for i, v := range row {
			if m, ok := maps[i]; ok {
				o[i] = m[v]
			} else {
				o[i] = v
			}
		}
		out[r] = o
	}
	return out
}

// writePolicy writes a policy naming the quasi-identifiers with their
// hierarchies and levels, salary-class sensitive, and the given gates block.
func writePolicy(t testing.TB, dir, description, gates string) *policies.Policy {
	t.Helper()
	abs, err := filepath.Abs(adultDir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("version: 1\ndescription: " + description + "\ncolumns:\n")
	for _, c := range []string{"sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation"} {
		b.WriteString("  " + c + ": {role: quasi, action: generalize, hierarchy: " + filepath.Join(abs, "adult_hierarchy_"+c+".csv") +
			", level: " + string(rune('0'+levels[c])) + "}\n")
	}
	b.WriteString("  salary-class: {role: sensitive, action: keep}\n")
	if gates != "" {
		b.WriteString("gates:\n" + gates)
	}
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := policies.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// regexpTemp matches temporary paths, which differ between runs.
var regexpTemp = regexp.MustCompile(`/tmp/[^"<\s]*`)

var fixedTime = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func fixedOptions() report.Options {
	return report.Options{Seed: 1, Version: "test", RunID: "run-1", Started: fixedTime,
		Now: func() time.Time { return fixedTime }, Environ: func() []string { return nil }}
}

func value(t *testing.T, r *report.Report, id string) float64 {
	t.Helper()
	f := r.Figure(id)
	if f == nil || f.Value == nil {
		t.Fatalf("figure %s not measured", id)
	}
	return *f.Value
}

// anonymized builds the report of an anonymized release of the first n
// Adult rows.
func anonymized(t *testing.T, n int, gates string) (*report.Report, [][]string, []string) {
	t.Helper()
	dir := t.TempDir()
	header, rows := readAdult(t, n)
	gen := generalize(t, header, rows)
	orig := writeCSV(t, filepath.Join(dir, "orig.csv"), header, rows)
	rel := writeCSV(t, filepath.Join(dir, "anon.csv"), header, gen)
	pol := writePolicy(t, dir, "adult at fixed levels", gates)
	opt := fixedOptions()
	opt.Target = "salary-class"
	r, err := report.Build(context.Background(), report.Inputs{
		Original: report.Source{Path: orig}, Released: report.Source{Path: rel}, Policy: pol}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r, gen, header
}

// TestSinglingOutRecount recounts the release's equivalence classes with a
// plain map over the released texts and checks the report's figures.
func TestSinglingOutRecount(t *testing.T) {
	r, gen, header := anonymized(t, 6000, "")
	qi := map[int]bool{}
	sens := -1
	for i, c := range header {
		if _, ok := levels[c]; ok {
			qi[i] = true
		}
		if c == "salary-class" {
			sens = i
		}
	}
	count := map[string]int{}
	values := map[string]map[string]int{}
	for _, row := range gen {
		var key []string
		for i, v := range row {
			if qi[i] {
				key = append(key, v)
			}
		}
		k := strings.Join(key, "\x00")
		count[k]++
		if values[k] == nil {
			values[k] = map[string]int{}
		}
		values[k][row[sens]]++
	}
	minSize, uniques := math.MaxInt, 0
	for _, n := range count {
		minSize = min(minSize, n)
		if n == 1 {
			uniques++
		}
	}
	minL, homo := math.MaxInt, 0
	for k, vs := range values {
		minL = min(minL, len(vs))
		for _, n := range vs {
			if float64(n) >= 0.9*float64(count[k]) {
				homo++
			}
		}
	}
	rows := float64(len(gen))
	for _, tc := range []struct {
		id   string
		want float64
	}{
		{"min_class_size", float64(minSize)},
		{"prosecutor_risk_max", 1 / float64(minSize)},
		{"prosecutor_risk_avg", float64(len(count)) / rows},
		{"sample_uniques", float64(uniques) / rows},
		{"min_l_diversity", float64(minL)},
		{"homogeneous_classes", float64(homo) / float64(len(count))},
	} {
		if got := value(t, r, tc.id); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("figure %s = %v, want %v (recounted)", tc.id, got, tc.want)
		}
	}
}

func TestAnonymizedUtility(t *testing.T) {
	r, _, _ := anonymized(t, 6000, "")
	if r.Release != "anonymized" {
		t.Errorf("Release = %q, want anonymized", r.Release)
	}
	for _, c := range r.Columns {
		_, q := levels[c.Name]
		if q != strings.HasPrefix(c.ComparedAs, "recoded: original mapped through hierarchy") {
			t.Errorf("column %s compared as %q", c.Name, c.ComparedAs)
		}
	}
	// The release is the original generalized row by row: in the released
	// domain the marginals are identical.
	if v := value(t, r, "tvd_2way"); v > 1e-9 {
		t.Errorf("tvd_2way = %v, want 0 for a row-by-row generalization", v)
	}
	// Generalization loses detail: Adult's education (16 values) goes to 1.
	if v := value(t, r, "information_kept"); v <= 0 || v >= 0.9 {
		t.Errorf("information_kept = %v, want in (0, 0.9)", v)
	}
	tstr := r.Utility.TSTR
	if tstr == nil || tstr.Ratio == nil || len(tstr.Models) != 2 {
		t.Fatalf("TSTR = %+v, want two models and a ratio", tstr)
	}
	for _, m := range tstr.Models {
		// A model on generalized features cannot beat chance by nothing:
		// Adult's >50K F1 is about 0.6 for both models (0.5 AUC = chance).
		if m.TSTR.AUC == nil || *m.TSTR.AUC < 0.7 || m.TRTR.F1 < 0.5 {
			t.Errorf("%s: TRTR %+v, TSTR %+v; want AUC >= 0.7 and F1 >= 0.5", m.Model, m.TRTR, m.TSTR)
		}
	}
	for _, tr := range r.Treatment {
		if _, q := levels[tr.Column]; q && tr.Technique != "generalisation" {
			t.Errorf("treatment of %s = %q, want generalisation", tr.Column, tr.Technique)
		}
	}
}

// TestSyntheticDistances checks the linkability figures against releases
// whose truth is known: a bootstrap of the training rows copies every row;
// rows of the same population the generator never saw copy none of the
// training rows beyond chance.
func TestSyntheticDistances(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 0)
	rng := rand.New(rand.NewPCG(3, 3))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	train, hold, fresh := rows[:8000], rows[8000:12000], rows[12000:20000]
	boot := make([][]string, len(train))
	for i := range boot {
		boot[i] = train[rng.IntN(len(train))]
	}
	trainP := writeCSV(t, filepath.Join(dir, "train.csv"), header, train)
	holdP := writeCSV(t, filepath.Join(dir, "hold.csv"), header, hold)
	for _, tc := range []struct {
		name       string
		rows       [][]string
		copies     func(float64) bool
		overfit    func(float64) bool
		expectDesc string
	}{
		// Every bootstrap row is a training row.
		{"bootstrap", boot, func(v float64) bool { return v == 1 }, func(v float64) bool { return v < 0.8 }, "copies 1, overfitting protection < 0.8"},
		// Fresh rows match a training row only when Adult itself repeats
		// (about 45 % of rows, as the holdout shows); the score is 1 up to
		// sampling error (1,000 rows: about ±0.05).
		{"fresh population rows", fresh, func(v float64) bool { return v < 0.6 }, func(v float64) bool { return v > 0.85 }, "copies < 0.6, overfitting protection > 0.85"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel := writeCSV(t, filepath.Join(dir, "rel.csv"), header, tc.rows)
			opt := fixedOptions()
			opt.Quasi = []string{"sex", "age", "race"}
			r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: trainP},
				Released: report.Source{Path: rel}, Holdout: &report.Source{Path: holdP}}, opt)
			if err != nil {
				t.Fatal(err)
			}
			c, o := value(t, r, "exact_copies"), value(t, r, "dcr_overfitting_protection")
			if !tc.copies(c) || !tc.overfit(o) {
				t.Errorf("exact_copies = %v, dcr_overfitting_protection = %v; want %s", c, o, tc.expectDesc)
			}
		})
	}
}

func TestGates(t *testing.T) {
	tests := []struct {
		name             string
		gates            string
		verdict          string
		privacy, utility bool
	}{
		// The release of the first 6,000 rows at ARX's levels (optimal for
		// all 30,162 rows) has a class of 1 (TestSinglingOutRecount recounts
		// it) and TVD 0.
		{"pass", "  min_k: 1\n  max_tvd_2way: 0.01\n", "PASS", false, false},
		{"privacy", "  min_k: 1000\n  max_tvd_2way: 0.01\n", "FAIL", true, false},
		{"utility", "  min_tstr_ratio: 1.5\n", "FAIL", false, true},
		// No differential privacy was applied: an epsilon gate cannot be
		// shown to hold, so it fails.
		{"unmeasured", "  max_epsilon: 1\n", "FAIL", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _, _ := anonymized(t, 6000, tc.gates)
			priv, util, msg := r.Failed()
			if r.Summary.Verdict != tc.verdict || priv != tc.privacy || util != tc.utility {
				t.Errorf("verdict %s, Failed() = %v, %v, %q; want %s, %v, %v", r.Summary.Verdict, priv, util, msg, tc.verdict, tc.privacy, tc.utility)
			}
			for _, g := range r.Summary.Gates {
				f := r.Figure(map[string]string{"min_k": "min_class_size", "max_tvd_2way": "tvd_2way", "min_tstr_ratio": "tstr_ratio", "max_epsilon": "epsilon"}[g.Name])
				if f == nil || f.Source != "gate" || f.Threshold == nil || *f.Threshold != g.Threshold {
					t.Errorf("gate %s: its figure does not show the gate's threshold: %+v", g.Name, f)
				}
			}
		})
	}
}

func TestDeterministicOutput(t *testing.T) {
	render := func() ([]byte, []byte) {
		r, _, _ := anonymized(t, 3000, "  min_k: 2\n")
		js, err := report.MarshalJSON(r)
		if err != nil {
			t.Fatal(err)
		}
		var h bytes.Buffer
		if err := report.WriteHTML(&h, r); err != nil {
			t.Fatal(err)
		}
		return js, h.Bytes()
	}
	j1, h1 := render()
	j2, h2 := render()
	// The temp dirs differ between the runs; compare without the paths.
	clean := func(b []byte) []byte {
		return regexpTemp.ReplaceAll(b, []byte("TMP"))
	}
	if !bytes.Equal(clean(j1), clean(j2)) {
		// Kept after the test (a failure's evidence), in a folder of its own.
		d, _ := os.MkdirTemp("", "veil-report-diff-")
		os.WriteFile(filepath.Join(d, "j1.json"), clean(j1), 0o644)
		os.WriteFile(filepath.Join(d, "j2.json"), clean(j2), 0o644)
		t.Errorf("MarshalJSON differs between two runs on the same inputs (diff %s/j1.json %s/j2.json)", d, d)
	}
	if !bytes.Equal(clean(h1), clean(h2)) {
		t.Error("WriteHTML differs between two runs on the same inputs")
	}
	var m map[string]any
	if err := json.Unmarshal(j1, &m); err != nil || m["schema"] != report.SchemaID {
		t.Errorf("JSON does not parse as %s: %v", report.SchemaID, err)
	}
	page := string(h1)
	for _, bad := range []string{"<script", "src=", "@import", "url(", `href="http`, "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("HTML contains %q: the page must be self-contained", bad)
		}
	}
	if !strings.Contains(page, report.Statement) {
		t.Error("HTML lacks the fixed statement")
	}
	if !strings.Contains(page, "<svg") {
		t.Error("HTML has no chart")
	}
}

func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 50)
	orig := writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(strings.Join(header, ",")+"\nMale,39\n"), 0o644)
	_, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: bad}}, fixedOptions())
	var de *dataset.DataError
	if !errors.As(err, &de) || de.Row != 1 {
		t.Errorf("Build(ragged release) error = %v, want a *dataset.DataError on row 1", err)
	}
	opt := fixedOptions()
	opt.Target = "no-such-column"
	_, err = report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: orig}}, opt)
	var ie *report.InputError
	if !errors.As(err, &ie) || ie.ExitClass() != "usage" {
		t.Errorf("Build(missing target) error = %v, want a usage *report.InputError", err)
	}
}

// TestHIPAAChecklist checks the Safe Harbor checklist against releases
// made here: one that follows the rules, one that keeps full ZIP codes and
// exact ages over 89.
func TestHIPAAChecklist(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, 400, 2); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, rows := recs[0], recs[1:]
	// Make sure some ages are over 89, as Safe Harbor's rule needs.
	col := map[string]int{}
	for i, c := range header {
		col[c] = i
	}
	for i := 0; i < 10; i++ {
		rows[i][col["age"]] = "93"
	}
	orig := writeCSV(t, filepath.Join(dir, "orig.csv"), header, rows)
	keep := []string{"birth_date", "zip", "sex", "age", "salary-class"}
	release := func(name string, safe bool) string {
		var out [][]string
		for _, r := range rows {
			var o []string
			for _, c := range keep {
				v := r[col[c]]
				if safe {
					switch c {
					case "zip":
						v = v[:3] + "**"
						if slices.Contains(restrictedZIP3, v[:3]) {
							v = "000**"
						}
					case "birth_date":
						v = v[:4]
					case "age":
						if a, _ := strconv.Atoi(v); a > 89 {
							v = "90+"
						}
					}
				}
				o = append(o, v)
			}
			out = append(out, o)
		}
		return writeCSV(t, filepath.Join(dir, name), keep, out)
	}
	pol := filepath.Join(dir, "hipaa.yaml")
	os.WriteFile(pol, []byte(`version: 1
description: "HIPAA Safe Harbor de-identification"
default_action: keep
columns:
  customer_id: {role: identifier, action: drop}
  name:        {role: direct, action: drop}
  email:       {role: direct, action: drop}
  phone:       {role: direct, action: drop}
  ssn:         {role: direct, action: drop}
  birth_date:  {role: quasi, action: generalize, truncate: year}
  zip:         {role: quasi, action: generalize, prefix: 3}
  age:         {role: quasi, action: generalize, top_code: 90}
`), 0o644)
	p, err := policies.Parse(pol)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		safe bool
		want map[string]string // letter -> words the status must hold
	}{
		{"safe", true, map[string]string{"A": "name: removed", "B": "zip: generalized", "C": "age: generalized", "D": "phone: removed", "F": "email: removed", "G": "ssn: removed", "R": "customer_id: removed", "E": "not found"}},
		{"unsafe", false, map[string]string{"B": "more than their first 3 digits remain", "C": "ages over 89 not grouped as 90 or older remain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel := release(tc.name+".csv", tc.safe)
			r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}, Policy: p}, fixedOptions())
			if err != nil {
				t.Fatal(err)
			}
			if r.HIPAA == nil || len(r.HIPAA.Items) != 18 {
				t.Fatalf("HIPAA checklist = %+v, want 18 items", r.HIPAA)
			}
			for _, it := range r.HIPAA.Items {
				if w, ok := tc.want[it.Letter]; ok && !strings.Contains(it.Status, w) {
					t.Errorf("item %s status %q, want it to contain %q", it.Letter, it.Status, w)
				}
			}
		})
	}
}

// restrictedZIP3 are the 3-digit ZIP prefixes Safe Harbor releases as 000
// (HHS de-identification guidance, 2000 Census).
var restrictedZIP3 = []string{"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893"}

// TestTextAfterInference: kinds are inferred from the first 1,000 rows; a
// numeric column with text further down ("90+" from top coding) is
// compared as text, not refused.
func TestTextAfterInference(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 1500)
	rel := make([][]string, len(rows))
	for i, r := range rows {
		rel[i] = append([]string(nil), r...)
	}
	rel[1200][1] = "90+" // age
	r, err := report.Build(context.Background(), report.Inputs{
		Original: report.Source{Path: writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)},
		Released: report.Source{Path: writeCSV(t, filepath.Join(dir, "r.csv"), header, rel)}}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Columns {
		if c.Name == "age" && c.ComparedAs != "text: r.csv row 1201 is not a number" {
			t.Errorf("age compared as %q, want text (row 1201)", c.ComparedAs)
		}
	}
}

func TestReadsArtefacts(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 300)
	orig := writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)
	// A synth model in the shape of veil.synth-model/v1 (synth/model.go):
	// the report takes ε, δ, the budget split and the roles from it.
	model := filepath.Join(dir, "model.json")
	os.WriteFile(model, []byte(`{"schema":"veil.synth-model/v1","method":"graph","rows":300,
 "columns":[{"name":"sex","role":"quasi","treatment":"modelled"},{"name":"salary-class","role":"sensitive","treatment":"modelled"}],
 "privacy":{"differential_privacy":true,"epsilon":1,"delta":1e-9,"rho":0.015,
  "budget":[{"step":"1-way marginals","rho":0.005,"share":0.33},{"step":"structure","rho":0.005,"share":0.33}]}}`), 0o644)
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: orig}, SynthModel: model}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	d := r.Privacy.DP
	if d.Epsilon == nil || *d.Epsilon != 1 || d.Delta != 1e-9 || len(d.Split) != 2 || d.Split[0].What != "1-way marginals" || d.Split[0].Rho != 0.005 {
		t.Errorf("DP = %+v, want ε 1, δ 1e-9 and two budget steps", d)
	}
	if r.Release != "synthetic" || r.Provenance.RolesFrom != "synth model" || len(r.Privacy.QuasiIdentifiers) != 1 {
		t.Errorf("release %q, roles from %q, quasi %v", r.Release, r.Provenance.RolesFrom, r.Privacy.QuasiIdentifiers)
	}
}

func TestEmptyRelease(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 20)
	_, err := report.Build(context.Background(), report.Inputs{
		Original: report.Source{Path: writeCSV(t, filepath.Join(dir, "o.csv"), header, rows)},
		Released: report.Source{Path: writeCSV(t, filepath.Join(dir, "r.csv"), header, nil)}}, fixedOptions())
	var de *dataset.DataError
	if !errors.As(err, &de) || !errors.Is(err, report.ErrEmptyTable) || filepath.Base(de.File) != "r.csv" {
		t.Errorf("Build(empty release) error = %v, want a *dataset.DataError naming r.csv", err)
	}
}
