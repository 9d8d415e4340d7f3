package profile_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
	"github.com/veil-data/veil/profile"
)

// BenchmarkRun profiles the Adult-like table of internal/gen (17 columns:
// identifiers, Adult's demographics, an income) at 1,000 and 100,000 rows.
func BenchmarkRun(b *testing.B) {
	for _, rows := range []int{1_000, 100_000} {
		var buf bytes.Buffer
		if err := gen.Write(&buf, rows, 1); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := dataset.NewCSVReader(bytes.NewReader(data), "gen.csv", nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := profile.Run(context.Background(), r, &profile.Options{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
