package dataset_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
)

// The benchmarks read and write the Adult-like table of internal/gen (17
// columns: identifiers, demographics, an income; about 183 bytes a row as
// CSV), generated in process with seed 1, at two sizes: memory that grows
// with rows shows as a B/row that grows from one size to the other.
//
//	go test -run '^$' -bench . -benchmem ./dataset
//
// MB/s counts the bytes of the input file for reads (CSV or Parquet) and
// of the CSV text of the table for writes, so that CSV and Parquet writes
// compare on the same data.
var benchRows = []int{1_000, 100_000}

var (
	benchMu    sync.Mutex
	benchCache = map[string][]byte{}
)

// adultCSV returns the generated table as CSV.
func adultCSV(b *testing.B, rows int) []byte {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	key := fmt.Sprint("csv", rows)
	if data, ok := benchCache[key]; ok {
		return data
	}
	var buf bytes.Buffer
	if err := gen.Write(&buf, rows, 1); err != nil {
		b.Fatal(err)
	}
	benchCache[key] = buf.Bytes()
	return buf.Bytes()
}

// adultParquet returns the generated table as a snappy Parquet file.
func adultParquet(b *testing.B, rows int) []byte {
	b.Helper()
	data := adultCSV(b, rows)
	benchMu.Lock()
	defer benchMu.Unlock()
	key := fmt.Sprint("parquet", rows)
	if pq, ok := benchCache[key]; ok {
		return pq
	}
	r, err := dataset.NewCSVReader(bytes.NewReader(data), "adult.csv", nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := dataset.NewParquetWriter(&buf, r.Schema(), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := dataset.Pipe(context.Background(), r, w, nil, nil); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	benchCache[key] = buf.Bytes()
	return buf.Bytes()
}

// adultRecords returns the generated table's schema and records, in memory.
func adultRecords(b *testing.B, rows int) (dataset.Schema, []*dataset.Record) {
	b.Helper()
	r, err := dataset.NewCSVReader(bytes.NewReader(adultCSV(b, rows)), "adult.csv", nil)
	if err != nil {
		b.Fatal(err)
	}
	var recs []*dataset.Record
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return r.Schema(), recs
		}
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec.Clone())
	}
}

// drainBench reads r to the end.
func drainBench(b *testing.B, r dataset.Reader, want int) {
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != want {
		b.Fatalf("read %d rows, want %d", n, want)
	}
}

// perRow runs the benchmark loop and reports ns/row and allocated B/row.
func perRow(b *testing.B, rows int, body func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		body()
		n++
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	total := float64(n) * float64(rows)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/row")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/total, "B/row")
}

func BenchmarkCSVRead(b *testing.B) {
	for _, rows := range benchRows {
		data := adultCSV(b, rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			perRow(b, rows, func() {
				r, err := dataset.NewCSVReader(bytes.NewReader(data), "adult.csv", nil)
				if err != nil {
					b.Fatal(err)
				}
				drainBench(b, r, rows)
			})
		})
	}
}

func BenchmarkParquetRead(b *testing.B) {
	for _, rows := range benchRows {
		data := adultParquet(b, rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			perRow(b, rows, func() {
				r, err := dataset.NewParquetReader(bytes.NewReader(data), int64(len(data)), "adult.parquet", nil)
				if err != nil {
					b.Fatal(err)
				}
				drainBench(b, r, rows)
			})
		})
	}
}

func benchWrite(b *testing.B, format dataset.Format) {
	for _, rows := range benchRows {
		schema, recs := adultRecords(b, rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(adultCSV(b, rows))))
			b.ReportAllocs()
			perRow(b, rows, func() {
				w, err := dataset.NewWriter(io.Discard, format, schema, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, rec := range recs {
					if err := w.Write(rec); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkCSVWrite(b *testing.B)     { benchWrite(b, dataset.CSV) }
func BenchmarkParquetWrite(b *testing.B) { benchWrite(b, dataset.Parquet) }
