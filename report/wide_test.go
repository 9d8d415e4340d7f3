package report_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/report"
)

// wideTable writes a table of cols columns (numbers and categories, the
// first category repeated in every fifth) and rows rows.
func wideTable(t testing.TB, dir, name string, cols, rows int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	header := make([]string, cols)
	for j := range header {
		header[j] = fmt.Sprintf("col%03d", j)
	}
	cats := []string{"alpha", "beta", "gamma", "delta"}
	var body [][]string
	for range rows {
		row := make([]string, cols)
		k := rng.IntN(4)
		for j := range row {
			switch {
			case j%2 == 0:
				row[j] = fmt.Sprintf("%.1f", rng.NormFloat64()*10+50)
			case j%5 == 1:
				row[j] = cats[k]
			default:
				row[j] = cats[rng.IntN(2+j%3)]
			}
		}
		body = append(body, row)
	}
	return writeCSV(t, filepath.Join(dir, name), header, body)
}

// TestWidePairSample: above 100 compared columns the pair trends are
// measured on a seeded sample of 5,000 pairs, which the figures and the
// methods state; with --target the leak check still sees the target's
// every pair.
func TestWidePairSample(t *testing.T) {
	dir := t.TempDir()
	orig := wideTable(t, dir, "orig.csv", 120, 60, 1)
	rel := wideTable(t, dir, "rel.csv", 120, 60, 2)
	opt := fixedOptions()
	opt.Target = "col001"
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.Utility.Pairs); n != 5000 {
		t.Errorf("%d pairs listed, want the sample of 5000 (of 7140)", n)
	}
	found := false
	for _, m := range r.Methods {
		if m.Measure == "column pair trends" && !m.Exact && strings.Contains(m.Note, "5000 of the 7140 column pairs") {
			found = true
		}
	}
	if !found {
		t.Errorf("no method states the pair sample: %+v", r.Methods)
	}
	// col001 and the eleven columns col011, col021 ... col111 hold one
	// category per row: the leak check names them all, whether or not
	// the sample drew their pairs with the target (70 % of pairs are
	// drawn: all eleven would be 2 % of the time).
	leak := ""
	if r.Utility.TSTR != nil {
		leak = r.Utility.TSTR.Leak
	}
	for j := 11; j < 120; j += 10 {
		if !strings.Contains(leak, fmt.Sprintf("col%03d ", j)) {
			t.Errorf("TSTR leak = %q, want col%03d named", leak, j)
		}
	}
}

// TestWideReportCancelled cancels a report of a wide table once its
// tables are read: Build stops and returns context.Canceled.
func TestWideReportCancelled(t *testing.T) {
	dir := t.TempDir()
	orig := wideTable(t, dir, "orig.csv", 300, 40, 1)
	rel := wideTable(t, dir, "rel.csv", 300, 40, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := fixedOptions()
	read := 0
	opt.Tick = func() {
		// Both tables read (and the released one's roles detected):
		// what follows is the pairwise work.
		if read++; read == 80 {
			cancel()
		}
	}
	_, err := report.Build(ctx, report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}}, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Build = %v, want context.Canceled", err)
	}
}
