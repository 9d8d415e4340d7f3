package kanon

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
)

// BenchmarkOptimalAdult runs the optimal search on Adult with all nine
// hierarchies at k=5 (the setup of ARX's timings in
// ../shared/design/kanon-reference.md: 0.13 s at 0 %, about 2 s at 5 %).
// The table is encoded once; whole-process times are the benchmark
// script's (bench/run.sh).
func BenchmarkOptimalAdult(b *testing.B) {
	tab := adultTable(b, adultColumns, "", false)
	for _, limit := range []float64{0, 0.04, 0.05} {
		b.Run(fmt.Sprintf("suppression=%g", limit), func(b *testing.B) {
			for b.Loop() {
				if _, err := Optimal(context.Background(), tab, Config{K: 5, SuppressionLimit: limit}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMondrianAdult partitions Adult (all nine columns along their
// hierarchies) with k=10.
func BenchmarkMondrianAdult(b *testing.B) {
	tab := adultTable(b, adultColumns, "", false)
	for b.Loop() {
		if _, err := Mondrian(context.Background(), tab, Config{K: 10}); err != nil {
			b.Fatal(err)
		}
	}
}

// syntheticRows returns rows of Adult's eight quasi-identifiers drawn from
// the embedded extract (internal/gen) plus a ZIP code that makes most rows
// unique, the hard case for the searches.
func syntheticRows(b *testing.B, n int) [][]dataset.Value {
	adult, err := gen.AdultRows()
	if err != nil {
		b.Fatal(err)
	}
	rows := make([][]dataset.Value, n)
	x := uint64(1)
	for i := range rows {
		x = x*6364136223846793005 + 1442695040888963407
		a := adult[int(x>>33)%len(adult)]
		r := make([]dataset.Value, 0, 8)
		for _, j := range []int{0, 1, 2, 3, 4, 6, 7} { // sex .. occupation, not native-country
			r = append(r, dataset.Text(a[j]))
		}
		zip := 1001 + int(x>>17)%98950
		r = append(r, dataset.Text(fmt.Sprintf("%05d", zip)))
		rows[i] = r
	}
	return rows
}

func syntheticTable(b *testing.B, rows [][]dataset.Value) *Table {
	var attrs []Attribute
	for _, c := range []string{"sex", "age", "race", "marital-status", "education", "workclass", "occupation"} {
		attrs = append(attrs, Attribute{Name: c, Hierarchy: adultHierarchy(b, c)})
	}
	attrs = append(attrs, Attribute{Name: "zip", Masking: true})
	enc, err := NewEncoder(attrs)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		if _, err := enc.Add(r); err != nil {
			b.Fatal(err)
		}
	}
	tab, err := enc.Table()
	if err != nil {
		b.Fatal(err)
	}
	return tab
}

// BenchmarkEncode measures pass 1's encoding of 8 quasi-identifiers (ZIP
// codes masked), per row, and the table's memory per row.
func BenchmarkEncode(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		rows := syntheticRows(b, n)
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			var tab *Table
			for b.Loop() {
				tab = syntheticTable(b, rows)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			b.ReportMetric(float64(tab.MemoryBytes())/float64(n), "table-B/row")
		})
	}
}

// BenchmarkOptimalSynthetic runs the optimal search (k=5, 5 %) on the
// near-unique synthetic rows: every combination is distinct, the table as
// large as the rows.
func BenchmarkOptimalSynthetic(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		tab := syntheticTable(b, syntheticRows(b, n))
		b.Run("rows="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Optimal(context.Background(), tab, Config{K: 5, SuppressionLimit: 0.05}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
		})
	}
}

// BenchmarkRollUp measures one roll-up of Adult's classes from the table to
// a mid-lattice transformation.
func BenchmarkRollUp(b *testing.B) {
	tab := adultTable(b, adultColumns, "", false)
	root := rootSnapshot(tab)
	w := &worker{helper: &worker{}}
	levels := []uint8{1, 2, 1, 1, 3, 2, 2, 1, 1}
	for b.Loop() {
		groupify(tab, w, levels, root, false, false)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(root.len()), "ns/entry")
}
