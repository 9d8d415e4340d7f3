package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

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
