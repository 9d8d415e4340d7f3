package profile_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/profile"
)

const adultPath = "../testdata/adult/adult.csv"

var refNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// profiles caches the profiles runFile makes with the default options:
// several tests read the same corpus files (and never modify a profile).
var profiles = map[string]*profile.Profile{}

func runFile(t testing.TB, path string, opt *profile.Options) *profile.Profile {
	t.Helper()
	if opt != nil {
		return profileOf(t, path, opt)
	}
	if p, ok := profiles[path]; ok {
		return p
	}
	p := profileOf(t, path, &profile.Options{Seed: 1})
	profiles[path] = p
	return p
}

func profileOf(t testing.TB, path string, opt *profile.Options) *profile.Profile {
	t.Helper()
	r, err := dataset.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	opt.Now = refNow
	p, err := profile.Run(context.Background(), r, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAdultRoles checks the roles the issue asks for on the Adult extract.
func TestAdultRoles(t *testing.T) {
	p := runFile(t, adultPath, nil)
	if p.Rows != 30162 { // the extract's row count (testdata/adult/PROVENANCE.txt)
		t.Errorf("Rows = %d, want 30162", p.Rows)
	}
	want := map[string][2]string{
		"sex":            {"quasi", "GENDER"},
		"age":            {"quasi", "AGE"},
		"race":           {"sensitive", "ETHNICITY"},
		"marital-status": {"quasi", "MARITAL_STATUS"},
		"education":      {"quasi", "EDUCATION"},
		"native-country": {"quasi", "NATIONALITY"},
		"workclass":      {"quasi", "EMPLOYMENT"},
		"occupation":     {"quasi", "OCCUPATION"},
		"salary-class":   {"sensitive", "INCOME"},
	}
	for _, c := range p.Columns {
		w := want[c.Name]
		if c.Role != w[0] || string(c.Entity) != w[1] {
			t.Errorf("column %s = %s/%s, want %s/%s", c.Name, c.Role, c.Entity, w[0], w[1])
		}
		if c.Stats.Nulls != 0 || !c.Stats.DistinctExact {
			t.Errorf("column %s: nulls %d, exact %v, want 0, true", c.Name, c.Stats.Nulls, c.Stats.DistinctExact)
		}
	}
	if c := p.Column("sex"); c.Stats.Distinct != 2 {
		t.Errorf("sex distinct = %d, want 2", c.Stats.Distinct)
	}
}

// classCounts counts equivalence classes over cols of a ;-separated CSV
// with a plain map: an implementation independent of the profile's.
func classCounts(t *testing.T, path string, cols []string) map[string]int {
	recs, ok := csvCache[path]
	if !ok {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.Comma = ';'
		recs, err = r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		csvCache[path] = recs
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	counts := map[string]int{}
	for _, rec := range recs[1:] {
		var key []string
		for _, c := range cols {
			key = append(key, rec[idx[c]])
		}
		counts[strings.Join(key, "\x00")]++
	}
	return counts
}

var csvCache = map[string][][]string{}

func uniques(counts map[string]int) (classes, uniq, smallest, belowK int) {
	smallest = 1 << 30
	for _, n := range counts {
		classes++
		if n == 1 {
			uniq++
		}
		if n < 5 {
			belowK += n
		}
		smallest = min(smallest, n)
	}
	return
}

// TestRiskMatchesIndependentCount recomputes the risk figures with a map
// over the raw CSV, and checks that the reported combinations are exactly
// the minimal ones above the threshold.
func TestRiskMatchesIndependentCount(t *testing.T) {
	p := runFile(t, adultPath, nil)
	r := p.Risk
	if r == nil || r.All == nil {
		t.Fatal("no risk computed")
	}
	classes, uniq, smallest, below := uniques(classCounts(t, adultPath, r.QuasiIdentifiers))
	if r.All.Classes != int64(classes) || r.All.SampleUniques != int64(uniq) || r.All.SmallestClass != int64(smallest) || r.All.RowsBelowK != int64(below) {
		t.Errorf("risk over %v = classes %d, uniques %d, smallest %d, below k %d; want %d, %d, %d, %d",
			r.QuasiIdentifiers, r.All.Classes, r.All.SampleUniques, r.All.SmallestClass, r.All.RowsBelowK, classes, uniq, smallest, below)
	}
	// For subsets of at most 3 columns, count with integer codes and an
	// array key: the same plain-map counting, fast enough for 63 subsets.
	recs := csvCache[adultPath]
	codes := map[string][]int{}
	for j, h := range recs[0] {
		dict := map[string]int{}
		col := make([]int, len(recs)-1)
		for i, rec := range recs[1:] {
			c, ok := dict[rec[j]]
			if !ok {
				c = len(dict)
				dict[rec[j]] = c
			}
			col[i] = c
		}
		codes[h] = col
	}
	shares := map[string]float64{}
	share := func(cols []string) float64 {
		key := strings.Join(cols, "+")
		if s, ok := shares[key]; ok {
			return s
		}
		counts := map[[3]int]int{}
		for i := range recs[1:] {
			k := [3]int{-1, -1, -1}
			for j, c := range cols {
				k[j] = codes[c][i]
			}
			counts[k]++
		}
		u := 0
		for _, n := range counts {
			if n == 1 {
				u++
			}
		}
		shares[key] = float64(u) / float64(p.Rows)
		return shares[key]
	}
	reported := map[string]bool{}
	for _, c := range r.Combinations {
		reported[strings.Join(c.Columns, "+")] = true
		if s := share(c.Columns); s <= r.Threshold || abs(s-c.SampleUniqueShare) > 1e-6 {
			t.Errorf("combination %v: share %.6f, independent %.6f (threshold %.2f)", c.Columns, c.SampleUniqueShare, s, r.Threshold)
		}
	}
	// Every subset of at most 3 QIs above the threshold contains a
	// reported combination, and no reported one has a subset above it.
	q := r.QuasiIdentifiers
	var subsets [][]string
	for i := range q {
		subsets = append(subsets, []string{q[i]})
		for j := i + 1; j < len(q); j++ {
			subsets = append(subsets, []string{q[i], q[j]})
			for k := j + 1; k < len(q); k++ {
				subsets = append(subsets, []string{q[i], q[j], q[k]})
			}
		}
	}
	for _, s := range subsets {
		above := share(s) > r.Threshold
		covered := false
		for _, c := range r.Combinations {
			if isSub(c.Columns, s) {
				covered = true
				if len(c.Columns) < len(s) && reported[strings.Join(s, "+")] {
					t.Errorf("%v is reported but its subset %v is too: not minimal", s, c.Columns)
				}
			}
		}
		if above && !covered {
			t.Errorf("%v singles out %.4f of rows but no reported combination covers it", s, share(s))
		}
	}
}

func isSub(a, b []string) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestRiskRowSample(t *testing.T) {
	p := runFile(t, adultPath, &profile.Options{Seed: 1, RiskRows: 1000})
	if !p.Risk.Sampled || p.Risk.Rows != 1000 {
		t.Errorf("risk with RiskRows 1000 = sampled %v, rows %d, want true, 1000", p.Risk.Sampled, p.Risk.Rows)
	}
	if p.Rows != 30162 {
		t.Errorf("Rows = %d, want 30162 (counts stay exact)", p.Rows)
	}
	if len(p.Notes) == 0 {
		t.Error("no note says the risk was computed on a sample")
	}
}

func TestDeterministic(t *testing.T) {
	for _, name := range []string{"crm_en.csv", "export_nl.csv"} {
		path := filepath.Join(corpusDir, name)
		a, err := runFile(t, path, &profile.Options{Seed: 7, SampleSize: 50}).MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := runFile(t, path, &profile.Options{Seed: 7, SampleSize: 50}).MarshalIndent()
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs with seed 7 differ", name)
		}
	}
}

// TestNoRawIdentifyingValues greps the JSON, the HTML and the draft policy
// of every corpus file for every raw value of the columns labelled direct
// or identifier. Values shorter than 5 characters are skipped: they also
// occur inside aggregates and column names by chance.
func TestNoRawIdentifyingValues(t *testing.T) {
	labels := readLabels(t)
	for file, cols := range labels {
		path := filepath.Join(corpusDir, file)
		p := runFile(t, path, nil)
		js, err := p.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		var page bytes.Buffer
		if err := profile.WriteHTML(&page, p); err != nil {
			t.Fatal(err)
		}
		outputs := map[string]string{"json": string(js), "html": page.String(), "policy": string(profile.DraftPolicy(p, nil))}
		r, err := dataset.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		names := r.Schema().Names()
		checked := 0
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			for i, v := range rec.Values {
				l := cols[names[i]]
				if v.Null || len(v.Text) < 5 || (l.role != "direct" && l.role != "identifier") {
					continue
				}
				checked++
				for kind, out := range outputs {
					if containsWord(out, v.Text) {
						t.Errorf("%s: the %s output holds a raw value of column %s (%s)", file, kind, names[i], l.entity)
					}
				}
			}
		}
		r.Close()
		if checked == 0 {
			t.Errorf("%s: no identifying value checked", file)
		}
	}
}

// containsWord reports whether v occurs in s between characters that are
// not letters or digits ("David" is not found in "Nashville-Davidson").
func containsWord(s, v string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], v)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(v)
		before, after := rune(' '), rune(' ')
		if start > 0 {
			before, _ = utf8.DecodeLastRuneInString(s[:start])
		}
		if end < len(s) {
			after, _ = utf8.DecodeRuneInString(s[end:])
		}
		if !unicode.IsLetter(before) && !unicode.IsDigit(before) && !unicode.IsLetter(after) && !unicode.IsDigit(after) {
			return true
		}
		i = start + 1
	}
}

func TestDraftPolicyParses(t *testing.T) {
	p := runFile(t, adultPath, nil)
	hier := map[string]string{}
	for _, c := range p.Columns {
		if c.Role == "quasi" && c.Name != "age" {
			hier[c.Name] = "../testdata/adult/adult_hierarchy_" + c.Name + ".csv"
		}
	}
	draft := profile.DraftPolicy(p, &profile.DraftOptions{Hierarchies: hier})
	pol, err := policies.ParseBytes(draft, "draft.yaml")
	if err != nil {
		t.Fatalf("policies.ParseBytes(draft of adult) = %v\n%s", err, draft)
	}
	// Age is left to the k-anonymity search: generalize with no
	// parameter of its own.
	if c := pol.Column("age"); c == nil || c.Action != policies.ActionGeneralize || c.Width != 0 || c.Hierarchy != "" {
		t.Errorf("age policy = %+v, want generalize with no width or hierarchy", c)
	}
	if pol.Privacy == nil || pol.Privacy.K != 5 {
		t.Errorf("privacy = %+v, want k 5", pol.Privacy)
	}
	for _, file := range []string{"crm_en.csv", "hr_de.csv", "orders_es.csv", "members_uk_be.csv", "weblog_nl.csv", "export_nl.csv"} {
		p := runFile(t, filepath.Join(corpusDir, file), nil)
		draft := profile.DraftPolicy(p, nil)
		if _, err := policies.ParseBytes(draft, file+".yaml"); err != nil {
			t.Errorf("policies.ParseBytes(draft of %s) = %v\n%s", file, err, draft)
		}
		var doc struct {
			Version       int    `yaml:"version"`
			DefaultAction string `yaml:"default_action"`
			Columns       map[string]struct {
				Role   string `yaml:"role"`
				Action string `yaml:"action"`
				KeyEnv string `yaml:"key_env"`
				Prefix int    `yaml:"prefix"`
			} `yaml:"columns"`
		}
		if err := yaml.Unmarshal(draft, &doc); err != nil {
			t.Fatalf("%s: yaml: %v", file, err)
		}
		if doc.Version != 1 || doc.DefaultAction != "keep" || len(doc.Columns) != len(p.Columns) {
			t.Errorf("%s: version %d, default %q, %d columns; want 1, keep, %d", file, doc.Version, doc.DefaultAction, len(doc.Columns), len(p.Columns))
		}
		for _, c := range p.Columns {
			d := doc.Columns[c.Name]
			if d.Role != c.Role {
				t.Errorf("%s: column %s role %q, want %q", file, c.Name, d.Role, c.Role)
			}
			if c.Entity == "EMAIL" && (d.Action != "hash" || d.KeyEnv != profile.KeyEnv) {
				t.Errorf("%s: email column %s = %s key_env %q, want hash with %s", file, c.Name, d.Action, d.KeyEnv, profile.KeyEnv)
			}
			if c.Entity == "POSTAL_CODE" && (d.Action != "generalize" || d.Prefix != 0) {
				t.Errorf("%s: postal code %s = %s prefix %d, want generalize left to the search", file, c.Name, d.Action, d.Prefix)
			}
			if c.Entity == "DATE_OF_BIRTH" && d.Action != "drop" {
				t.Errorf("%s: birth date %s = %s, want drop", file, c.Name, d.Action)
			}
		}
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	p := runFile(t, filepath.Join(corpusDir, "crm_en.csv"), nil)
	var b bytes.Buffer
	if err := profile.WriteHTML(&b, p); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "src=\"http", "href=\"http", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	for _, want := range []string{"<table>", "Re-identification risk", "customer_id"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestRunDataError(t *testing.T) {
	data := "name,email\nJane,jane@example.com\nJo\xff,x@example.org\n"
	// InferRows 1: the bad row is read by Run, not while inferring kinds.
	r, err := dataset.NewCSVReader(strings.NewReader(data), "bad.csv", &dataset.Options{InferRows: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = profile.Run(context.Background(), r, nil)
	var de *dataset.DataError
	if !errors.As(err, &de) || de.Row != 2 || de.Column != "name" {
		t.Fatalf("Run(invalid UTF-8) = %v, want a DataError at row 2, column name", err)
	}
	if strings.Contains(err.Error(), "Jo") {
		t.Errorf("error %q quotes the value", err)
	}
}

func TestRunEmptyAndNullColumns(t *testing.T) {
	r, err := dataset.NewCSVReader(strings.NewReader("email,notes\n,\n,\n"), "empty.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Run(context.Background(), r, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Column("email")
	if c.Stats.Nulls != 2 || c.Confidence > 0.5 || c.Evidence.Sampled != 0 {
		t.Errorf("empty email column = nulls %d, confidence %v, sampled %d; want 2, <= 0.5 (name only), 0", c.Stats.Nulls, c.Confidence, c.Evidence.Sampled)
	}
}

func TestReadFile(t *testing.T) {
	p := runFile(t, adultPath, nil)
	data, err := p.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	q, err := profile.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := q.MarshalIndent()
	if !bytes.Equal(data, again) {
		t.Error("ReadFile then MarshalIndent differs from the original")
	}
	if _, err := profile.Read([]byte(`{"schema":"other/v1"}`)); !errors.Is(err, profile.ErrSchema) {
		t.Errorf("Read(other schema) = %v, want ErrSchema", err)
	}
}

func TestDetectColumn(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		role   string
		entity string
	}{
		{"col_7", emails(40), "direct", "EMAIL"},
		{"too few to tell", emails(3), "other", ""},
		{"email_verified", []string{"true", "false", "true", "true", "false"}, "other", ""},
		{"tracking", []string{"4539148803436468", "1234567812345678", "9988776655443322", "1111222233334445", "5555666677778889"}, "other", ""},
		{"version", []string{"1.2.3.4", "1.2.3.5", "2.0.0.1", "1.9.12.0", "3.1.4.1"}, "other", ""},
	}
	for _, tc := range tests {
		d := profile.DetectColumn(tc.name, tc.values, nil)
		if d.Role != tc.role || d.Entity != tc.entity {
			t.Errorf("DetectColumn(%q) = %s/%s, want %s/%s", tc.name, d.Role, d.Entity, tc.role, tc.entity)
		}
	}
}

// TestDetectMixedAndNumberKeys: a column no one entity covers but whose
// values mostly hold personal data, and a key stored as a number, are
// identifying, so nothing veil writes lists their values; a measure or
// a short column stays other.
func TestDetectMixedAndNumberKeys(t *testing.T) {
	var contact, notes, ssns, phones, amounts, epochs, short []string
	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			contact = append(contact, fmt.Sprintf("user%d.x@posteo.de", i))
		} else {
			contact = append(contact, fmt.Sprintf("+1 312-555-%04d", 1000+i*37))
		}
		notes = append(notes, fmt.Sprintf("call +1 312-555-%04d re order", 1000+i*37))
		ssns = append(ssns, fmt.Sprint(100071909+i*104729))
		phones = append(phones, fmt.Sprint(2012024480+i*7919))
		amounts = append(amounts, fmt.Sprint(800+i*i*13))
		epochs = append(epochs, fmt.Sprint(1700000000+i*3607))
		short = append(short, []string{"red", "green", "blue"}[i%3])
	}
	tests := []struct {
		name   string
		kind   dataset.Kind
		values []string
		role   string
		entity string
	}{
		{"contact", dataset.String, contact, "direct", "FREE_TEXT"},
		{"note", dataset.String, notes, "direct", "FREE_TEXT"},
		{"col_2", dataset.Integer, ssns, "identifier", "RECORD_ID"},
		{"col_3", dataset.Integer, phones, "identifier", "RECORD_ID"},
		{"col_4", dataset.Integer, amounts, "other", ""},
		{"created_ts", dataset.Integer, epochs, "other", ""},
		{"col_5", dataset.String, short, "other", ""},
		{"col_6", dataset.String, ssns, "other", ""}, // digits as text without a shape: no key rule for text
	}
	var pupils []string
	for i := 0; i < 40; i++ {
		pupils = append(pupils, fmt.Sprintf("%d-%02d-%02d", 2012+i%7, 1+i%12, 1+i%28))
	}
	// Several rows a person (orders), placeholders, identifiers inside codes.
	var orders, sparse, glued, seen, zip4, lots []string
	for i := 0; i < 200; i++ {
		zip4 = append(zip4, fmt.Sprintf("%05d-%04d", 10000+i*397, (i*7919)%10000))
		lots = append(lots, fmt.Sprintf("LOT %d %02d", 20240101+i*3, 1+i%20))
		orders = append(orders, fmt.Sprint(100071909+(i/8)*104729))
		if i%5 < 2 {
			sparse = append(sparse, fmt.Sprintf("user%d.x@posteo.de", i))
		} else {
			sparse = append(sparse, []string{"n/a", "unknown", "-"}[i%3])
		}
		glued = append(glued, fmt.Sprintf("CUST/%03d-%02d-%04d", 101+i%600, 10+i%89, 1000+i*7))
		seen = append(seen, fmt.Sprint(1700000000+i*3607))
	}
	type tcase = struct {
		name   string
		kind   dataset.Kind
		values []string
		role   string
		entity string
	}
	tests = append(tests,
		tcase{"geburtsdatum", dataset.String, pupils, "direct", "DATE_OF_BIRTH"}, // a school's pupils: a narrow cohort, named
		tcase{"col_8", dataset.Integer, orders, "identifier", "RECORD_ID"},
		tcase{"contact", dataset.String, sparse, "direct", "FREE_TEXT"},
		tcase{"ref", dataset.String, glued, "direct", "FREE_TEXT"},
		tcase{"last_seen", dataset.Integer, seen, "other", ""},
		tcase{"zip", dataset.String, zip4, "quasi", "POSTAL_CODE"}, // ZIP+4 fits German phone numbers too: the name decides
		tcase{"lot", dataset.String, lots, "other", ""})            // LOT 20241107 04: digits, not a dialled number
	for _, tc := range tests {
		d := profile.DetectKind(tc.name, tc.kind, tc.values, nil)
		if d.Role != tc.role || d.Entity != tc.entity {
			t.Errorf("DetectKind(%q) = %s/%s (%s), want %s/%s", tc.name, d.Role, d.Entity, d.Evidence.Reason, tc.role, tc.entity)
		}
	}
}

// emails returns n distinct addresses: 40 are enough for the Wilson bound
// to carry an e-mail column without a name hint, 3 are not.
func emails(n int) []string {
	var out []string
	domains := []string{"gmail.com", "uni-koeln.de", "posteo.de", "kpn.nl", "orange.fr"}
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("user%d.x@%s", i, domains[i%len(domains)]))
	}
	return out
}
