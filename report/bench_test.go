package report_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/veil-data/veil/internal/gen"
	"github.com/veil-data/veil/report"
)

// BenchmarkBuild measures a whole report (utility, privacy, TSTR) of a
// bootstrap release of the Adult extract against its original, at the size
// of the extract: `go test -run '^$' -bench Build ./report`.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{5_000, 30_162} {
		dir := b.TempDir()
		header, rows := readAdult(b, n)
		rng := rand.New(rand.NewPCG(1, 1))
		rel := make([][]string, len(rows))
		for i := range rel {
			rel[i] = rows[rng.IntN(len(rows))]
		}
		orig := writeCSV(b, filepath.Join(dir, "orig.csv"), header, rows)
		relP := writeCSV(b, filepath.Join(dir, "rel.csv"), header, rel)
		b.Run(fmt.Sprintf("rows=%d", len(rows)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				opt := fixedOptions()
				opt.Target = "salary-class"
				opt.Quasi = []string{"sex", "age", "race", "marital-status", "education", "native-country"}
				opt.Sensitive = []string{"salary-class"}
				if _, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: relP}}, opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildGenerated measures the report on the generated customers
// table (17 columns: IDs, dates, ZIP codes, Adult's columns) against a
// release drawn with another generator seed, at a fifth of the 1M-row
// benchmark (bench/run.sh): `go test -run '^$' -bench BuildGenerated
// ./report`. Columns with a value per row (customer_id, birth_date, zip)
// are compared, so joint counts take the sorted path.
func BenchmarkBuildGenerated(b *testing.B) {
	const rows = 200_000
	dir := b.TempDir()
	write := func(name string, seed uint64) string {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		if err := gen.Write(w, rows, seed); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		return f.Name()
	}
	orig, rel := write("orig.csv", 1), write("rel.csv", 2)
	b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			opt := fixedOptions()
			opt.Target = "salary-class"
			opt.Direct = []string{"name", "email", "phone", "ssn"}
			opt.Quasi = []string{"zip", "sex", "age", "race", "marital-status", "education", "native-country"}
			opt.Sensitive = []string{"salary-class", "income"}
			if _, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: rel}}, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
}
