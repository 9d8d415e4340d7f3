package report_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/report"
)

var valueRe = regexp.MustCompile(`\b1[0-9]{4}\b`)

// shares maps each auxiliary source to the columns of people() the brief
// says it shares.
var shares = map[string][]int{
	"Electoral roll / voter lists":           {0, 1, 2},
	"Social media profiles":                  {1, 2, 3},
	"Public registers":                       {0, 1, 3},
	"Earlier veil releases of the same data": {0, 1, 2, 3},
}

// bruteLinkage links every original record, generalized by gen, to the
// released rows with the same texts of cols.
func bruteLinkage(orig, rel [][]string, gen func([][]string) [][]string, cols []int) (matched, unique, expected float64) {
	key := func(r []string) string {
		var k []string
		for _, j := range cols {
			k = append(k, r[j])
		}
		return strings.Join(k, "\x00")
	}
	n, m := map[string]int{}, map[string]int{}
	for _, r := range rel {
		n[key(r)]++
	}
	g := gen(orig)
	for _, r := range g {
		m[key(r)]++
	}
	for _, r := range g {
		k := key(r)
		if n[k] == 0 {
			continue
		}
		matched++
		if n[k] == 1 {
			unique++
		}
		expected += 1 / float64(max(n[k], m[k]))
	}
	N := float64(len(orig))
	return matched / N, unique / N, expected / N
}

func source(t *testing.T, r *report.Report, name string) report.IntruderSource {
	t.Helper()
	if r.Intruder == nil {
		t.Fatal("no motivated-intruder section")
	}
	for _, s := range r.Intruder.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q", name)
	return report.IntruderSource{}
}

func TestLinkageSimulation(t *testing.T) {
	header, orig := people(500, 4)
	// Make every record unique on each source's columns: a raw copy then
	// links all of them.
	for i := range orig {
		orig[i][0] = strconv.Itoa(10000 + i)
		orig[i][3] = fmt.Sprintf("job%d", i)
	}
	raw := buildAnon(t, header, orig, orig, nil, false)
	for name, cols := range shares {
		s := source(t, raw, name)
		var want []string
		for _, j := range cols {
			want = append(want, header[j])
		}
		if !slices.Equal(s.Shares, want) {
			t.Errorf("%s shares %v, want %v", name, s.Shares, want)
		}
		if *s.Unique != 1 || *s.Expected != 1 || *s.Matched != 1 {
			t.Errorf("raw copy, %s: unique %v, expected %v, matched %v; want 1, 1, 1", name, *s.Unique, *s.Expected, *s.Matched)
		}
	}
	if f := raw.Figure("linkage_unique"); f == nil || f.Value == nil || *f.Value != 1 || *f.Meets {
		t.Errorf("raw copy: linkage_unique figure %+v, want 1 and missing its reference", f)
	}

	// A release that is 2-anonymous on every subset of the
	// quasi-identifiers (each row twice) links no record uniquely.
	header, orig = people(300, 5)
	twice := append(slices.Clone(orig), orig...)
	r := buildAnon(t, header, twice, twice, nil, false)
	for name := range shares {
		if s := source(t, r, name); *s.Unique != 0 {
			t.Errorf("2-anonymous release, %s: %v unique links, want 0", name, *s.Unique)
		}
	}

	// Random generalized releases, some rows suppressed: the test's own
	// count.
	for seed := uint64(6); seed <= 8; seed++ {
		header, orig := people(600, seed)
		rel := coarsen(orig)
		rel = slices.DeleteFunc(rel, func(r []string) bool { return r[3] == "cook" && r[2] == "F" })
		rep := buildAnon(t, header, orig, rel, nil, false)
		for name, cols := range shares {
			matched, unique, expected := bruteLinkage(orig, rel, coarsen, cols)
			s := source(t, rep, name)
			if math.Abs(*s.Matched-matched) > 1e-12 || math.Abs(*s.Unique-unique) > 1e-12 || math.Abs(*s.Expected-expected) > 1e-9 {
				t.Errorf("seed %d %s: matched %v unique %v expected %v, want %v %v %v", seed, name, *s.Matched, *s.Unique, *s.Expected, matched, unique, expected)
			}
		}
	}
}

// TestLinkageSynthetic links original records to a made-up table and
// checks that the page says these are not people's records.
func TestLinkageSynthetic(t *testing.T) {
	header, orig := people(400, 10)
	_, synth := people(400, 11)
	r := buildAnon(t, header, orig, synth, nil, true)
	if r.Release != "synthetic" {
		t.Fatalf("release %q, want synthetic", r.Release)
	}
	for name, cols := range shares {
		matched, unique, _ := bruteLinkage(orig, synth, func(x [][]string) [][]string { return x }, cols)
		s := source(t, r, name)
		if math.Abs(*s.Matched-matched) > 1e-12 || math.Abs(*s.Unique-unique) > 1e-12 || s.Expected != nil {
			t.Errorf("%s: matched %v unique %v expected %v, want %v %v and none", name, *s.Matched, *s.Unique, s.Expected, matched, unique)
		}
		if !strings.Contains(s.Note, "not people's records") {
			t.Errorf("%s: note %q does not say the rows are not people's records", name, s.Note)
		}
	}
	if r.Figure("linkage_unique") != nil {
		t.Error("a synthetic release has the anonymized release's linkage figure")
	}
}

// TestIntruderSectionNamesNoValues renders a page whose zips are 5-digit
// numbers and checks the motivated-intruder section names none.
func TestIntruderSectionNamesNoValues(t *testing.T) {
	header, orig := people(300, 12)
	r := buildAnon(t, header, orig, orig, nil, false)
	var h bytes.Buffer
	if err := report.WriteHTML(&h, r); err != nil {
		t.Fatal(err)
	}
	page := h.String()
	i, j := strings.Index(page, `<section id="intruder">`), strings.Index(page, `<section id="utility">`)
	if i < 0 || j < i {
		t.Fatal("no motivated-intruder section before utility")
	}
	sec := page[i:j]
	if v := valueRe.FindString(sec); v != "" {
		t.Errorf("the motivated-intruder section shows the value %s", v)
	}
	for _, w := range []string{"Simulation", "original table stands in", "Electoral roll", "journalist-style"} {
		if !strings.Contains(sec, w) {
			t.Errorf("the motivated-intruder section lacks %q", w)
		}
	}
}

// TestLinkageLocalRecoding: a release the anonymize report says is locally
// recoded (Mondrian) gets no linkage figures: the lookup assumes one
// generalization per value.
func TestLinkageLocalRecoding(t *testing.T) {
	header, orig := people(300, 12)
	dir := t.TempDir()
	in := report.Inputs{Original: report.Source{Path: writeCSV(t, filepath.Join(dir, "o.csv"), header, orig)},
		Released:       report.Source{Path: writeCSV(t, filepath.Join(dir, "r.csv"), header, orig)},
		AnonReportJSON: []byte(`{"privacy": {"algorithm": "mondrian"}}`)}
	opt := fixedOptions()
	opt.Quasi = []string{"zip", "age", "sex", "occupation"}
	r, err := report.Build(context.Background(), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"linkage_unique", "linkage_expected"} {
		if f := r.Figure(id); f == nil || f.Value != nil || !strings.Contains(f.Note, "locally recoded (mondrian)") {
			t.Errorf("%s of a Mondrian release = %+v, want not measured", id, f)
		}
	}
	for _, s := range r.Intruder.Sources {
		if s.Matched != nil || (len(s.Shares) > 0 && !strings.Contains(s.Note, "not simulated")) {
			t.Errorf("source %s of a Mondrian release: %+v", s.Name, s)
		}
	}
}
