package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/report"
	"github.com/veil-data/veil/report/metrics"
)

// randomCSV writes rows of cols categorical columns, column j uniform over
// cards[j] values.
func randomCSV(t *testing.T, path string, cols, rows int, cards func(j int) int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	header := make([]string, cols)
	for j := range header {
		header[j] = "c" + strconv.Itoa(j)
	}
	data := make([][]string, rows)
	for i := range data {
		row := make([]string, cols)
		for j := range row {
			row[j] = "v" + strconv.Itoa(rng.IntN(cards(j)))
		}
		data[i] = row
	}
	return writeCSV(t, path, header, data)
}

func method(r *report.Report, measure string) *report.Method {
	for i := range r.Methods {
		if r.Methods[i].Measure == measure {
			return &r.Methods[i]
		}
	}
	return nil
}

// TestCappedMarginalSets: with 21 columns there are C(21, 3) = 1,330 sets
// of three, more than the report measures (1,000): the 3-way figure is the
// mean over a seeded sample of sets, and the report says so; the 2-way
// figure (210 sets) is exact.
func TestCappedMarginalSets(t *testing.T) {
	dir := t.TempDir()
	cards := func(j int) int { return 2 + j%4 }
	orig := randomCSV(t, filepath.Join(dir, "orig.csv"), 21, 300, cards, 1)
	rel := randomCSV(t, filepath.Join(dir, "rel.csv"), 21, 300, cards, 2)
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	if f := r.Figure("tvd_3way"); f == nil || !strings.Contains(f.Note, "a seeded uniform sample of 1000 of the 1330 column sets") {
		t.Errorf("tvd_3way note = %q, want the sample of sets", f.Note)
	}
	if f := r.Figure("tvd_2way"); f == nil || !strings.HasPrefix(f.Note, "210 column sets") {
		t.Errorf("tvd_2way note = %q, want all 210 sets", f.Note)
	}
	m := method(r, "mean marginal TVD")
	if m == nil || m.Exact || !strings.Contains(m.Note, "3-way: 1000 of 1330 sets") {
		t.Errorf("methods: mean marginal TVD = %+v, want sampled 3-way sets", m)
	}
	// The sampled mean is within sampling error of the mean over every set
	// (measured here with package metrics on the same tables).
	dom := metrics.NewDomain()
	tabs := make([]*metrics.Table, 2)
	for i, p := range []string{orig, rel} {
		rd, err := dataset.Open(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tabs[i], err = dom.Load(context.Background(), rd, nil); err != nil {
			t.Fatal(err)
		}
		rd.Close()
	}
	all, err := metrics.MarginalTVD(tabs[0], tabs[1], 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 1,000 of 1,330 sets without replacement: the standard error of the
	// mean is below σ·√((1330−1000)/(1330·1000)) ≈ 0.016·σ, σ < 0.05 here.
	if got := value(t, r, "tvd_3way"); got == all.Mean || got < all.Mean-0.002 || got > all.Mean+0.002 {
		t.Errorf("tvd_3way = %v, mean over every set %v: want a sample's mean within 0.002", got, all.Mean)
	}
}

// TestSampledContingency: over metrics.ContingencyMaxRows rows, the
// contingency similarities are measured on a sample, which the report
// lists among its methods and limitations.
func TestSampledContingency(t *testing.T) {
	dir := t.TempDir()
	n := metrics.ContingencyMaxRows + 1000
	cards := func(j int) int { return 3 + j }
	orig := randomCSV(t, filepath.Join(dir, "orig.csv"), 3, n, cards, 1)
	rel := randomCSV(t, filepath.Join(dir, "rel.csv"), 3, n, cards, 2)
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	m := method(r, "contingency similarity and Cramér's V (column pair trends)")
	if m == nil || m.Exact || m.Rows != metrics.ContingencyMaxRows {
		t.Fatalf("methods: contingency similarity = %+v, want sampled on %d rows", m, metrics.ContingencyMaxRows)
	}
	want := fmt.Sprintf("contingency similarity and Cramér's V (column pair trends): estimated, on a seeded uniform sample of %d rows", metrics.ContingencyMaxRows)
	found := false
	for _, l := range r.Limitations {
		found = found || strings.HasPrefix(l, want)
	}
	if !found {
		t.Errorf("limitations %q lack %q", r.Limitations, want)
	}
	if m := method(r, "column shapes, correlation similarity, marginal TVD"); m == nil || !m.Exact {
		t.Errorf("methods: column shapes... = %+v, want exact", m)
	}
}
