package synth

import (
	"context"
	"io"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// BenchmarkFitAdult fits the non-private model of the Adult extract
// (30,162 rows, 9 columns; two passes over the CSV file).
func BenchmarkFitAdult(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fit(context.Background(), opener(adultPath), &Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSampleAdult samples 30,162 rows from the Adult model and
// encodes them as CSV (discarded).
func BenchmarkSampleAdult(b *testing.B) {
	m := fit(b, adultPath, &Options{Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		w := dataset.NewCSVWriter(io.Discard, m.OutputSchema(), nil)
		if _, err := m.Sample(context.Background(), w, SampleOptions{Rows: 30162, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
}

// BenchmarkFitAdultDP fits the ε = 1 model (secure noise) with the Adult
// hierarchies as declared domains.
func BenchmarkFitAdultDP(b *testing.B) {
	pol := adultPolicy(b)
	for b.Loop() {
		if _, err := Fit(context.Background(), opener(adultPath), &Options{Seed: 1, Epsilon: 1, Policy: pol}); err != nil {
			b.Fatal(err)
		}
	}
}
