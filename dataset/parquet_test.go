package dataset

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xitongsys/parquet-go/parquet"
	pqwriter "github.com/xitongsys/parquet-go/writer"
)

// fixture returns the path of a file in testdata/parquet (written by
// DuckDB, see testdata/parquet/make_fixtures.mjs).
func fixture(name string) string { return filepath.Join("..", "testdata", "parquet", name) }

// drain reads every record of r, as [][]string with nil for null.
func drain(t testing.TB, r Reader) [][]*string {
	t.Helper()
	var rows [][]*string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Read() after %d rows: %v", len(rows), err)
		}
		row := make([]*string, len(rec.Values))
		for i, v := range rec.Values {
			if !v.Null {
				s := v.Text
				row[i] = &s
			}
		}
		rows = append(rows, row)
	}
}

// readExpected reads DuckDB's CSV of expected texts, where \N is null.
func readExpected(t *testing.T, path string) ([]string, [][]*string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]*string
	for _, rec := range recs[1:] {
		row := make([]*string, len(rec))
		for i, s := range rec {
			if s != `\N` {
				s := s
				row[i] = &s
			}
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

func show(v *string) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *v)
}

// compareRows reports every value that differs, naming row and column.
func compareRows(t *testing.T, names []string, got, want [][]*string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	bad := 0
	for i := range min(len(got), len(want)) {
		for j := range names {
			g, w := got[i][j], want[i][j]
			if (g == nil) != (w == nil) || (g != nil && *g != *w) {
				if bad++; bad <= 20 {
					t.Errorf("row %d, column %s = %s, want %s", i+1, names[j], show(g), show(w))
				}
			}
		}
	}
}

// duckdbColumns are the kinds veil gives the columns of the DuckDB fixture
// (see docs/formats.md for the mapping): DuckDB's TIMESTAMP, TIMESTAMP_MS
// and TIMESTAMP_NS are not adjusted to UTC, so their text has no zone.
var duckdbColumns = []Column{
	{Name: "id", Kind: Integer, Nullable: true},
	{Name: "big", Kind: Integer, Nullable: true},
	{Name: "tiny", Kind: Integer, Nullable: true},
	{Name: "small", Kind: Integer, Nullable: true},
	{Name: "utiny", Kind: Integer, Nullable: true},
	{Name: "usmall", Kind: Integer, Nullable: true},
	{Name: "uint", Kind: Integer, Nullable: true},
	{Name: "ubig", Kind: Integer, Nullable: true},
	{Name: "f", Kind: Float, Nullable: true},
	{Name: "d", Kind: Float, Nullable: true},
	{Name: "b", Kind: Boolean, Nullable: true},
	{Name: "s", Kind: String, Nullable: true},
	{Name: "code", Kind: String, Nullable: true},
	{Name: "zip", Kind: Integer, Nullable: true},
	{Name: "dt", Kind: Date, Nullable: true},
	{Name: "ts", Kind: Timestamp, Nullable: true, Layout: localTimestampLayout},
	{Name: "tstz", Kind: Timestamp, Nullable: true},
	{Name: "ts_ms", Kind: Timestamp, Nullable: true, Layout: localTimestampLayout},
	{Name: "ts_ns", Kind: Timestamp, Nullable: true, Layout: localTimestampLayout},
	{Name: "dec", Kind: Float, Nullable: true},
	{Name: "dec4", Kind: Float, Nullable: true},
	{Name: "dec38", Kind: String, Nullable: true}, // DECIMAL(38): more digits than a double holds, kept as text
	{Name: "u", Kind: String, Nullable: true},
	{Name: "raw", Kind: String, Nullable: true},
	{Name: "tm", Kind: String, Nullable: true},
}

// TestParquetReadDuckDB reads the files DuckDB wrote and compares every
// value with the text DuckDB itself formatted (duckdb_types.csv).
func TestParquetReadDuckDB(t *testing.T) {
	names, want := readExpected(t, fixture("duckdb_types.csv"))
	if len(want) != 40 { // make_fixtures.mjs writes range(40)
		t.Fatalf("duckdb_types.csv has %d rows, want 40", len(want))
	}
	for _, name := range []string{"duckdb_types.parquet", "duckdb_types_gzip.parquet", "duckdb_types_zstd.parquet",
		"duckdb_types_none.parquet", "duckdb_types_v2.parquet"} {
		t.Run(name, func(t *testing.T) {
			r, err := Open(fixture(name), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if d := cmp.Diff(duckdbColumns, r.Schema().Columns); d != "" {
				t.Errorf("Schema() mismatch (-want +got):\n%s", d)
			}
			if got := r.Schema().Names(); !slicesEqual(got, names) {
				t.Fatalf("columns = %v, want %v", got, names)
			}
			compareRows(t, names, drain(t, r), want)
			done, total, unit := r.(Progresser).Progress()
			if done != 40 || total != 40 || unit != "rows" {
				t.Errorf("Progress() = %d, %d, %q, want 40, 40, rows", done, total, unit)
			}
			if _, err := r.Read(); err != io.EOF {
				t.Errorf("Read() after the end = %v, want io.EOF", err)
			}
			if p := r.Pos(3); p.File != fixture(name) || p.Line != 0 {
				t.Errorf("Pos(3) = %+v, want the file and line 0", p)
			}
		})
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestParquetReadDuckDBEmpty(t *testing.T) {
	r, err := Open(fixture("duckdb_empty.parquet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Schema().Len(); got != len(duckdbColumns) {
		t.Errorf("Schema().Len() = %d, want %d", got, len(duckdbColumns))
	}
	if rec, err := r.Read(); err != io.EOF {
		t.Errorf("Read() = %v, %v, want io.EOF", rec, err)
	}
}

// TestParquetRewriteDuckDB reads DuckDB's file, writes it with veil and
// reads that back: the values are DuckDB's, except that decimals of 15
// digits or fewer become doubles (same number; DECIMAL(38) stays text) and unsigned 64-bit integers, which INT64 cannot
// hold, stay text. Writing what was read back gives the same bytes again.
func TestParquetRewriteDuckDB(t *testing.T) {
	names, want := readExpected(t, fixture("duckdb_types.csv"))
	r, err := Open(fixture("duckdb_types.parquet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	opt := &WriteOptions{RowGroupRows: 7} // 40 rows: 6 row groups
	first := pipeToParquet(t, r, opt)
	r2, err := NewParquetReader(bytes.NewReader(first), int64(len(first)), "first.parquet", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := drain(t, r2)
	for _, name := range []string{"dec", "dec4", "dec38"} {
		j := indexOf(names, name)
		for i := range want {
			if want[i][j] == nil || got[i][j] == nil {
				continue
			}
			w, err1 := ParseFloat(*want[i][j])
			g, err2 := ParseFloat(*got[i][j])
			if err1 != nil || err2 != nil || w != g {
				t.Errorf("row %d, column %s = %q, want the number %q", i+1, name, *got[i][j], *want[i][j])
			}
			want[i][j] = got[i][j]
		}
	}
	compareRows(t, names, got, want)

	r3, err := NewParquetReader(bytes.NewReader(first), int64(len(first)), "first.parquet", nil)
	if err != nil {
		t.Fatal(err)
	}
	second := pipeToParquet(t, r3, opt)
	if !bytes.Equal(first, second) {
		t.Errorf("veil(read(veil(duckdb))) differs from veil(duckdb): %d and %d bytes", len(second), len(first))
	}
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// pipeToParquet copies r to an in-memory Parquet file. Values that do not
// fit their column fail the test.
func pipeToParquet(t *testing.T, r Reader, opt *WriteOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	schema := r.Schema()
	for i, c := range schema.Columns {
		if c.Name == "ubig" && c.Kind == Integer { // beyond INT64: keep the text
			schema.Columns[i].Kind = String
		}
	}
	w, err := NewParquetWriter(&buf, schema, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Pipe(context.Background(), r, w, nil, nil); err != nil {
		t.Fatalf("Pipe: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// roundTrip writes csvText through the CSV reader, the Parquet writer, the
// Parquet reader and the CSV writer.
func roundTrip(t *testing.T, csvText string, ropt *Options, wopt *WriteOptions) (string, []byte, Schema) {
	t.Helper()
	r, err := NewCSVReader(strings.NewReader(csvText), "in.csv", ropt)
	if err != nil {
		t.Fatal(err)
	}
	var pq bytes.Buffer
	w, err := NewParquetWriter(&pq, r.Schema(), wopt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Pipe(context.Background(), r, w, nil, nil); err != nil {
		t.Fatalf("Pipe to Parquet: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pr, err := NewParquetReader(bytes.NewReader(pq.Bytes()), int64(pq.Len()), "out.parquet", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cw := NewCSVWriter(&out, pr.Schema(), nil)
	if _, err := Pipe(context.Background(), pr, cw, nil, nil); err != nil {
		t.Fatalf("Pipe to CSV: %v", err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String(), pq.Bytes(), pr.Schema()
}

func TestParquetRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		types map[string]Override
		want  string // "" means the input
		kinds []Kind
	}{
		{name: "codes keep their leading zeros",
			in:    "zip,code,n\n01234,007,1\n99999,010,-2\n00501,,3\n",
			kinds: []Kind{String, String, Integer}},
		{name: "negative numbers and floats",
			in:    "i,f\n-9223372036854775808,-0.25\n9223372036854775807,1e-07\n0,123456789.125\n-1,\n",
			kinds: []Kind{Integer, Float}},
		{name: "whole floats get .0, other spellings their shortest form",
			in:    "f\n2\n2.50\n-0.0\n1E+21\n.5\n",
			want:  "f\n2.0\n2.5\n-0.0\n1e+21\n0.5\n",
			kinds: []Kind{Float}},
		{name: "booleans",
			in:    "b,n\ntrue,1\nFALSE,2\n,3\nTrue,4\n",
			want:  "b,n\ntrue,1\nfalse,2\n,3\ntrue,4\n",
			kinds: []Kind{Boolean, Integer}},
		{name: "a null in a one-column table",
			in:    "d\n1969-12-31\n\"\"\n2024-02-29\n",
			kinds: []Kind{Date}},
		{name: "dates before and after 1970",
			in:    "d,n\n1969-12-31,1\n1970-01-01,2\n0001-01-01,3\n9999-12-31,4\n,5\n2024-02-29,6\n",
			kinds: []Kind{Date, Integer}},
		{name: "dates in another layout come back canonical",
			in:    "d\n31.12.1969\n29.02.2024\n",
			want:  "d\n1969-12-31\n2024-02-29\n",
			kinds: []Kind{Date}},
		{name: "timestamps in microseconds",
			in:    "t,n\n2021-03-04T05:06:07Z,1\n1960-01-01T00:00:00.000001Z,2\n,3\n2021-03-04T05:06:07.5Z,4\n",
			kinds: []Kind{Timestamp, Integer}},
		{name: "local timestamps stay without a zone",
			in:    "t\n2021-03-04 05:06:07\n1960-01-01 00:00:00.25\n",
			want:  "t\n2021-03-04T05:06:07\n1960-01-01T00:00:00.25\n",
			kinds: []Kind{Timestamp}},
		{name: "timestamps with nanoseconds",
			in:    "t\n2021-03-04T05:06:07.123456789Z\n1700-01-01T00:00:00Z\n",
			kinds: []Kind{Timestamp}},
		{name: "timestamps with zones come back in UTC",
			in:    "t\n2021-03-04T05:06:07+02:00\n2021-03-04 05:06:07\n",
			types: map[string]Override{"t": {Kind: Timestamp, Layout: "2006-01-02T15:04:05Z07:00"}},
			want:  "", kinds: []Kind{Timestamp}},
		{name: "unicode, quotes and line breaks",
			in:    "s\nδέλτα\n\"🙂, \"\"x\"\"\"\n\"a\nb\"\n日本語\n",
			kinds: []Kind{String}},
		{name: "empty table",
			in:    "a,b,c\n",
			kinds: []Kind{String, String, String}},
		{name: "all nulls",
			in:    "a,b\n,\n,\n",
			kinds: []Kind{String, String}},
		{name: "declared kinds",
			in:    "zip,n\n1234,5\n99,6\n",
			types: map[string]Override{"zip": {Kind: String}, "n": {Kind: Float}},
			want:  "zip,n\n1234,5.0\n99,6.0\n",
			kinds: []Kind{String, Float}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "timestamps with zones come back in UTC" {
				// A declared layout with a zone: the second value does not
				// fit it, so take the first only.
				tc.in = "t\n2021-03-04T05:06:07+02:00\n"
				tc.want = "t\n2021-03-04T03:06:07Z\n"
			}
			want := tc.want
			if want == "" {
				want = tc.in
			}
			got, _, schema := roundTrip(t, tc.in, &Options{Types: tc.types}, nil)
			if got != want {
				t.Errorf("round trip of %q = %q, want %q", tc.in, got, want)
			}
			for i, k := range tc.kinds {
				if schema.Columns[i].Kind != k {
					t.Errorf("column %d kind = %v, want %v", i, schema.Columns[i].Kind, k)
				}
			}
		})
	}
}

// TestParquetWriterTypes checks the physical and logical types veil
// writes, read from the footer.
func TestParquetWriterTypes(t *testing.T) {
	in := "s,i,f,b,d,t,tn\nx,1,1.5,true,2020-01-01,2020-01-01T00:00:00.000001Z,2020-01-01T00:00:00.000000001Z\n"
	_, pq, _ := roundTrip(t, in, nil, nil)
	meta, err := readParquetFooter(bytes.NewReader(pq), int64(len(pq)))
	if err != nil {
		t.Fatal(err)
	}
	type colType struct {
		Type      string
		Converted string
		Logical   string
		Rep       string
	}
	var got []colType
	for _, el := range meta.Schema[1:] {
		ct := colType{Type: el.GetType().String(), Rep: el.GetRepetitionType().String()}
		if el.IsSetConvertedType() {
			ct.Converted = el.GetConvertedType().String()
		}
		if el.LogicalType != nil {
			ct.Logical = el.LogicalType.String()
		}
		got = append(got, ct)
	}
	want := []colType{
		{"BYTE_ARRAY", "UTF8", "LogicalType({STRING:StringType({}) MAP:<nil> LIST:<nil> ENUM:<nil> DECIMAL:<nil> DATE:<nil> TIME:<nil> TIMESTAMP:<nil> INTEGER:<nil> UNKNOWN:<nil> JSON:<nil> BSON:<nil> UUID:<nil>})", "OPTIONAL"},
		{"INT64", "", "", "OPTIONAL"},
		{"DOUBLE", "", "", "OPTIONAL"},
		{"BOOLEAN", "", "", "OPTIONAL"},
		{"INT32", "DATE", "LogicalType({STRING:<nil> MAP:<nil> LIST:<nil> ENUM:<nil> DECIMAL:<nil> DATE:DateType({}) TIME:<nil> TIMESTAMP:<nil> INTEGER:<nil> UNKNOWN:<nil> JSON:<nil> BSON:<nil> UUID:<nil>})", "OPTIONAL"},
		{"INT64", "TIMESTAMP_MICROS", "LogicalType({STRING:<nil> MAP:<nil> LIST:<nil> ENUM:<nil> DECIMAL:<nil> DATE:<nil> TIME:<nil> TIMESTAMP:TimestampType({IsAdjustedToUTC:true Unit:TimeUnit({MILLIS:<nil> MICROS:MicroSeconds({}) NANOS:<nil>})}) INTEGER:<nil> UNKNOWN:<nil> JSON:<nil> BSON:<nil> UUID:<nil>})", "OPTIONAL"},
		{"INT64", "", "LogicalType({STRING:<nil> MAP:<nil> LIST:<nil> ENUM:<nil> DECIMAL:<nil> DATE:<nil> TIME:<nil> TIMESTAMP:TimestampType({IsAdjustedToUTC:true Unit:TimeUnit({MILLIS:<nil> MICROS:<nil> NANOS:NanoSeconds({})})}) INTEGER:<nil> UNKNOWN:<nil> JSON:<nil> BSON:<nil> UUID:<nil>})", "OPTIONAL"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("column types mismatch (-want +got):\n%s", d)
	}
	if meta.RowGroups[0].Columns[0].MetaData.Codec != parquet.CompressionCodec_SNAPPY {
		t.Errorf("codec = %v, want SNAPPY by default", meta.RowGroups[0].Columns[0].MetaData.Codec)
	}
}

// TestParquetCodecs writes with each codec and checks the footer says so
// and the values come back.
func TestParquetCodecs(t *testing.T) {
	in := "a,b\nx,1\ny,2\nx,\n"
	for _, tc := range []struct {
		opt  string
		want parquet.CompressionCodec
	}{
		{"", parquet.CompressionCodec_SNAPPY},
		{"snappy", parquet.CompressionCodec_SNAPPY},
		{"gzip", parquet.CompressionCodec_GZIP},
		{"zstd", parquet.CompressionCodec_ZSTD},
		{"none", parquet.CompressionCodec_UNCOMPRESSED},
	} {
		t.Run("compression="+tc.opt, func(t *testing.T) {
			got, pq, _ := roundTrip(t, in, nil, &WriteOptions{Compression: tc.opt})
			if got != in {
				t.Errorf("round trip = %q, want %q", got, in)
			}
			meta, err := readParquetFooter(bytes.NewReader(pq), int64(len(pq)))
			if err != nil {
				t.Fatal(err)
			}
			for _, cc := range meta.RowGroups[0].Columns {
				if cc.MetaData.Codec != tc.want {
					t.Errorf("codec = %v, want %v", cc.MetaData.Codec, tc.want)
				}
			}
		})
	}
	if _, err := NewParquetWriter(io.Discard, Schema{Columns: []Column{{Name: "a"}}}, &WriteOptions{Compression: "lzo"}); err == nil {
		t.Error("NewParquetWriter(compression lzo) = nil error, want one")
	}
}

// TestParquetManyRowGroups writes more rows than a row group and a page
// hold, with dictionaries that are kept and dropped, and checks every value.
func TestParquetManyRowGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("id,cat,uniq,n,f,ok,d,t\n")
	const rows = 50_000 // 2.5 pages of 20,000 rows in a row group of 30,000
	for i := range rows {
		cat := []string{"a", "b", "c", ""}[rng.IntN(4)]
		n := ""
		if rng.IntN(10) > 0 {
			n = fmt.Sprint(rng.IntN(100) - 50)
		}
		ts := time.Date(2020, 1, 1, 0, 0, rng.IntN(60), rng.IntN(1_000_000)*1000, time.UTC).Format(TimestampLayout)
		fmt.Fprintf(&b, "%d,%s,u%d-%d,%s,%g,%t,%s,%s\n", i, cat, i, rng.Uint32(), n, rng.Float64()*1000,
			rng.IntN(2) == 0, fmt.Sprintf("20%02d-%02d-%02d", rng.IntN(30), 1+rng.IntN(12), 1+rng.IntN(28)), ts)
	}
	in := b.String()
	// Floats: %g texts are not always the canonical form; compare parsed.
	r, _ := NewCSVReader(strings.NewReader(in), "in.csv", nil)
	want := drain(t, r)
	got, pq, _ := roundTrip(t, in, nil, &WriteOptions{RowGroupRows: 30_000})
	r2, _ := NewCSVReader(strings.NewReader(got), "out.csv", nil)
	gotRows := drain(t, r2)
	names := []string{"id", "cat", "uniq", "n", "f", "ok", "d", "t"}
	for i := range want {
		if want[i][4] != nil {
			f, _ := ParseFloat(*want[i][4])
			s := formatFloat(f, 64)
			want[i][4] = &s
		}
	}
	compareRows(t, names, gotRows, want)
	meta, err := readParquetFooter(bytes.NewReader(pq), int64(len(pq)))
	if err != nil {
		t.Fatal(err)
	}
	if len(meta.RowGroups) != 2 || meta.NumRows != rows {
		t.Errorf("row groups = %d, rows = %d, want 2 and %d", len(meta.RowGroups), meta.NumRows, rows)
	}
	encodings := map[string]string{}
	for i, cc := range meta.RowGroups[0].Columns {
		encodings[names[i]] = fmt.Sprint(cc.MetaData.Encodings)
	}
	// Few distinct values: dictionary; mostly distinct values: plain.
	for name, want := range map[string]string{"cat": "[PLAIN_DICTIONARY RLE]", "n": "[PLAIN_DICTIONARY RLE]",
		"uniq": "[PLAIN RLE]", "id": "[PLAIN RLE]", "f": "[PLAIN RLE]"} {
		if encodings[name] != want {
			t.Errorf("encodings of %s = %s, want %s", name, encodings[name], want)
		}
	}
}

// TestParquetWriterErrors checks that a value that does not fit its column
// is reported with the column and the row, never the value, and that the
// writer goes on without the row.
func TestParquetWriterErrors(t *testing.T) {
	const secret = "jane.doe@example.com"
	tests := []struct {
		name    string
		csv     string
		types   map[string]Override
		rows    int // RowGroupRows
		want    error
		wantRow int64
	}{
		{"integer", "a,b\n1,x\n" + secret + ",y\n", map[string]Override{"a": {Kind: Integer}}, 0, ErrNotInteger, 2},
		{"integer range", "a,b\n1,x\n99999999999999999999,y\n", map[string]Override{"a": {Kind: Integer}}, 0, ErrIntegerRange, 2},
		{"float", "a,b\n1.5,x\n" + secret + ",y\n", map[string]Override{"a": {Kind: Float}}, 0, ErrNotFloat, 2},
		{"boolean", "a,b\ntrue,x\n" + secret + ",y\n", map[string]Override{"a": {Kind: Boolean}}, 0, ErrNotBoolean, 2},
		{"date", "a,b\n2020-01-01,x\n" + secret + ",y\n", map[string]Override{"a": {Kind: Date}}, 0, ErrNotDate, 2},
		{"timestamp", "a,b\n2020-01-01T00:00:00Z,x\n" + secret + ",y\n", map[string]Override{"a": {Kind: Timestamp}}, 0, ErrNotTimestamp, 2},
		{"nanoseconds after a microsecond row group", "a,b\n2020-01-01T00:00:00Z,x\n2020-01-01T00:00:00.000000001Z,y\n",
			nil, 1, ErrTimestampPrecision, 2},
		{"nanoseconds and a far date in one row group", "a,b\n2020-01-01T00:00:00.000000001Z,x\n1500-01-01T00:00:00Z,y\n",
			nil, 0, ErrTimestampRange, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tc.csv), "in.csv", &Options{Types: tc.types})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			w, err := NewParquetWriter(&buf, r.Schema(), &WriteOptions{RowGroupRows: tc.rows})
			if err != nil {
				t.Fatal(err)
			}
			_, err = Pipe(context.Background(), r, w, nil, nil)
			var de *DataError
			if !errors.As(err, &de) || !errors.Is(err, tc.want) {
				t.Fatalf("Pipe() = %v, want a *DataError wrapping %v", err, tc.want)
			}
			if de.File != "in.csv" || de.Row != tc.wantRow || de.Column != "a" {
				t.Errorf("error names %s row %d column %q, want in.csv row %d column \"a\"", de.File, de.Row, de.Column, tc.wantRow)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "0000001") {
				t.Errorf("error %q holds the value", err)
			}
			// The writer goes on: the bad row is not written.
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			pr, err := NewParquetReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "out.parquet", nil)
			if err != nil {
				t.Fatal(err)
			}
			if rows := drain(t, pr); len(rows) != 1 {
				t.Errorf("file holds %d rows, want the 1 good row", len(rows))
			}
		})
	}
}

func TestParquetWriterMisuse(t *testing.T) {
	schema := Schema{Columns: []Column{{Name: "a"}, {Name: "b"}}}
	w, err := NewParquetWriter(io.Discard, schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&Record{Values: []Value{Text("x")}}); !errors.Is(err, ErrFieldCount) {
		t.Errorf("Write(1 value for 2 columns) = %v, want ErrFieldCount", err)
	}
	// A string column takes only UTF-8, in dictionary and plain mode.
	for i := range 3000 { // past dictProbe, so that the column goes plain
		if err := w.Write(&Record{Values: []Value{Text(fmt.Sprint("v", i)), Text("same")}}); err != nil {
			t.Fatal(err)
		}
		if i == 10 || i == 2999 {
			err := w.Write(&Record{Values: []Value{Text("ok"), Text("bad \xff")}})
			var ce *ColumnError
			if !errors.As(err, &ce) || ce.Col != 1 || !errors.Is(err, ErrInvalidUTF8) {
				t.Errorf("Write(invalid UTF-8 in column 2) = %v, want a ColumnError for column 1 wrapping ErrInvalidUTF8", err)
			}
			err = w.Write(&Record{Values: []Value{Text("bad \xff"), Text("same")}})
			if !errors.As(err, &ce) || ce.Col != 0 || !errors.Is(err, ErrInvalidUTF8) {
				t.Errorf("Write(invalid UTF-8 in column 1) = %v, want a ColumnError for column 0 wrapping ErrInvalidUTF8", err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&Record{Values: []Value{Text("x"), Text("y")}}); err == nil {
		t.Error("Write after Close = nil, want an error")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	for _, bad := range []Schema{{}, {Columns: []Column{{Name: "a"}, {Name: "a"}}}, {Columns: []Column{{Name: ""}}}} {
		if _, err := NewParquetWriter(io.Discard, bad, nil); err == nil {
			t.Errorf("NewParquetWriter(%v) = nil error, want one", bad.Names())
		}
	}
}

// TestParquetReadXitongsys reads a file written by xitongsys/parquet-go's
// own writer: REQUIRED columns (no definition levels), its page layout,
// and its dictionary encoding.
func TestParquetReadXitongsys(t *testing.T) {
	schema := `{"Tag": "name=parquet_go_root, repetitiontype=REQUIRED", "Fields": [
		{"Tag": "name=id, type=INT64, repetitiontype=REQUIRED"},
		{"Tag": "name=name, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=REQUIRED, encoding=PLAIN_DICTIONARY"},
		{"Tag": "name=score, type=DOUBLE, repetitiontype=OPTIONAL"},
		{"Tag": "name=small, type=INT32, convertedtype=INT_16, repetitiontype=REQUIRED"},
		{"Tag": "name=flag, type=BOOLEAN, repetitiontype=OPTIONAL"}]}`
	var buf bytes.Buffer
	pw, err := pqwriter.NewJSONWriterFromWriter(schema, &buf, 1)
	if err != nil {
		t.Fatal(err)
	}
	var want [][]*string
	str := func(s string) *string { return &s }
	for i := range 3000 { // several 8 KiB pages (xitongsys's page size)
		name := []string{"ann", "bob", "δ"}[i%3]
		rec := fmt.Sprintf(`{"id": %d, "name": %q, "small": %d`, i*7-100, name, i%300-150)
		row := []*string{str(fmt.Sprint(i*7 - 100)), str(name), nil, str(fmt.Sprint(i%300 - 150)), nil}
		if i%4 != 0 {
			rec += fmt.Sprintf(`, "score": %d.5`, i)
			row[2] = str(fmt.Sprintf("%d.5", i))
		}
		if i%5 != 0 {
			rec += fmt.Sprintf(`, "flag": %t`, i%2 == 0)
			row[4] = str(fmt.Sprint(i%2 == 0))
		}
		if err := pw.Write(rec + "}"); err != nil {
			t.Fatal(err)
		}
		want = append(want, row)
	}
	if err := pw.WriteStop(); err != nil {
		t.Fatal(err)
	}
	r, err := NewParquetReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "x.parquet", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCols := []Column{{Name: "id", Kind: Integer}, {Name: "name", Kind: String}, {Name: "score", Kind: Float, Nullable: true},
		{Name: "small", Kind: Integer}, {Name: "flag", Kind: Boolean, Nullable: true}}
	if d := cmp.Diff(wantCols, r.Schema().Columns); d != "" {
		t.Errorf("Schema() mismatch (-want +got):\n%s", d)
	}
	compareRows(t, r.Schema().Names(), drain(t, r), want)
}

func TestParquetTypeOverrides(t *testing.T) {
	tests := []struct {
		name   string
		types  map[string]Override
		col    string
		want   Column
		first  string // text of the first row's value
		errIs  error
		errCol string
	}{
		{name: "integer as string", types: map[string]Override{"zip": {Kind: String}}, col: "zip",
			want: Column{Name: "zip", Kind: String, Nullable: true}, first: "1000"},
		{name: "integer as float", types: map[string]Override{"id": {Kind: Float}}, col: "id",
			want: Column{Name: "id", Kind: Float, Nullable: true}, first: "0"},
		{name: "string as integer", types: map[string]Override{"code": {Kind: Integer}}, col: "code",
			want: Column{Name: "code", Kind: Integer, Nullable: true}, first: "00000"},
		{name: "date in another layout", types: map[string]Override{"dt": {Kind: Date, Layout: "02.01.2006"}}, col: "dt",
			want: Column{Name: "dt", Kind: Date, Nullable: true, Layout: "02.01.2006"}, first: "31.03.1915"},
		{name: "same kind is a no-op", types: map[string]Override{"tstz": {Kind: Timestamp}}, col: "tstz",
			want: Column{Name: "tstz", Kind: Timestamp, Nullable: true}, first: "1960-01-01T00:00:00Z"},
		{name: "float as integer", types: map[string]Override{"d": {Kind: Integer}}, errIs: ErrTypeOverride, errCol: "d"},
		{name: "date as timestamp", types: map[string]Override{"dt": {Kind: Timestamp}}, errIs: ErrTypeOverride, errCol: "dt"},
		{name: "unknown column", types: map[string]Override{"nope": {Kind: String}}, errIs: errUnknownOverride, errCol: "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(fixture("duckdb_types.parquet"), &Options{Types: tc.types})
			if tc.errIs != nil {
				var de *DataError
				if !errors.As(err, &de) || !errors.Is(err, tc.errIs) || de.Column != tc.errCol {
					t.Fatalf("Open() = %v, want a DataError about column %q wrapping %v", err, tc.errCol, tc.errIs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			i := r.Schema().Index(tc.col)
			if d := cmp.Diff(tc.want, r.Schema().Columns[i]); d != "" {
				t.Errorf("column mismatch (-want +got):\n%s", d)
			}
			rec, err := r.Read()
			if err != nil {
				t.Fatal(err)
			}
			if rec.Values[i].Text != tc.first {
				t.Errorf("first value = %q, want %q", rec.Values[i].Text, tc.first)
			}
		})
	}
}

func TestParquetUnsupportedAndBad(t *testing.T) {
	tests := []struct {
		file   string
		errIs  error
		column string
		row    int64 // 0: the error comes from Open
	}{
		{"duckdb_list.parquet", ErrParquetUnsupported, "tags", 0},
		{"duckdb_struct.parquet", ErrParquetUnsupported, "person", 0},
		{"duckdb_bad_utf8.parquet", ErrInvalidUTF8, "raw", 3},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r, err := Open(fixture(tc.file), nil)
			if err == nil {
				defer r.Close()
				for err == nil {
					_, err = r.Read()
				}
			}
			var de *DataError
			if !errors.As(err, &de) || !errors.Is(err, tc.errIs) {
				t.Fatalf("error = %v, want a DataError wrapping %v", err, tc.errIs)
			}
			if de.File != fixture(tc.file) || de.Column != tc.column || de.Row != tc.row {
				t.Errorf("error names %s, row %d, column %q; want %s, row %d, column %q", de.File, de.Row, de.Column, fixture(tc.file), tc.row, tc.column)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q holds the value", err)
			}
		})
	}
}

// TestParquetCorrupt damages a valid file in many ways: every error must be
// a *DataError naming the file, and nothing may panic.
func TestParquetCorrupt(t *testing.T) {
	good, err := os.ReadFile(fixture("duckdb_types.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := func() ([]byte, error) {
		_, pq, _ := roundTrip(t, "a,b,c\nx,1,2020-01-01\ny,2,\nx,3,2021-01-01\n", nil, nil)
		return pq, nil
	}()
	try := func(t *testing.T, data []byte) (err error) {
		t.Helper()
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("panic on damaged input: %v", p)
			}
		}()
		r, err := NewParquetReader(bytes.NewReader(data), int64(len(data)), "bad.parquet", nil)
		if err != nil {
			return err
		}
		for {
			if _, err := r.Read(); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
		}
	}
	check := func(t *testing.T, what string, err error) {
		t.Helper()
		if err == nil {
			return // a damaged value can still be a valid file
		}
		var de *DataError
		if !errors.As(err, &de) || de.File != "bad.parquet" {
			t.Errorf("%s: error %v is not a DataError naming the file", what, err)
		}
	}
	for _, src := range []struct {
		name string
		data []byte
	}{{"duckdb", good}, {"veil", ours}} {
		t.Run(src.name, func(t *testing.T) {
			for _, n := range []int{0, 3, 4, 11, 12, len(src.data) / 3, len(src.data) / 2, len(src.data) - 9, len(src.data) - 8, len(src.data) - 1} {
				err := try(t, src.data[:n])
				if err == nil {
					t.Errorf("truncated to %d bytes: no error", n)
				}
				check(t, fmt.Sprintf("truncated to %d bytes", n), err)
			}
			// Every byte of the file changed in turn, for the small file;
			// a deterministic sample of 600 positions for the larger one.
			const sample = 600
			rng := rand.New(rand.NewPCG(3, 4))
			positions := min(len(src.data), sample)
			for k := range positions {
				i := k
				if len(src.data) > sample {
					i = rng.IntN(len(src.data))
				}
				bad := bytes.Clone(src.data)
				bad[i] ^= byte(1 + rng.IntN(255))
				check(t, fmt.Sprintf("byte %d changed", i), try(t, bad))
			}
		})
	}
	t.Run("not parquet", func(t *testing.T) {
		for _, data := range [][]byte{nil, []byte("a,b\n1,2\n"), []byte("PAR1PAR1"), append([]byte("PAR1"), append(make([]byte, 20), "\xff\xff\xff\x7fPAR1"...)...)} {
			err := try(t, data)
			if !errors.Is(err, ErrParquetCorrupt) {
				t.Errorf("%q: error = %v, want ErrParquetCorrupt", data, err)
			}
			check(t, "not parquet", err)
		}
	})
}

func TestHybridRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, width := range []int{1, 2, 3, 7, 8, 13, 20, 32} {
		for _, n := range []int{1, 7, 8, 9, 100, 1000} {
			vals := make([]uint32, n)
			for i := range vals {
				switch rng.IntN(3) {
				case 0: // runs
					if i > 0 {
						vals[i] = vals[i-1]
						continue
					}
				}
				vals[i] = uint32(rng.Uint64() & (1<<width - 1))
			}
			enc := appendHybrid(nil, vals, width)
			var it hybridIter
			if err := it.reset(enc, width); err != nil {
				t.Fatal(err)
			}
			var got []uint32
			for range n {
				v, err := it.next()
				if err != nil {
					t.Fatalf("width %d, n %d: next() after %d values = %v", width, n, len(got), err)
				}
				got = append(got, v)
			}
			it2 := hybridIter{}
			it2.reset(enc, width)
			ones := 0
			for _, v := range vals {
				if v == 1 {
					ones++
				}
			}
			if k, err := it2.countEqual(n, 1); err != nil || k != ones {
				t.Errorf("width %d, n %d: countEqual(1) = %d, %v, want %d", width, n, k, err, ones)
			}
			if d := cmp.Diff(vals, got); d != "" {
				t.Fatalf("width %d, n %d: round trip mismatch (-want +got):\n%s", width, n, d)
			}
		}
	}
}

func TestDecimalAndInt96(t *testing.T) {
	tests := []struct {
		neg    bool
		digits string
		scale  int32
		want   string
	}{
		{false, "12345", 2, "123.45"},
		{true, "5", 3, "-0.005"},
		{false, "0", 2, "0.00"},
		{false, "7", 0, "7"},
		{false, "7", -2, "700"},
	}
	for _, tc := range tests {
		if got := decimalText(tc.neg, tc.digits, tc.scale); got != tc.want {
			t.Errorf("decimalText(%v, %q, %d) = %q, want %q", tc.neg, tc.digits, tc.scale, got, tc.want)
		}
	}
	// A 16-byte two's complement decimal: -1 with scale 2 is -0.01.
	f := pqFormat{lg: lgDecimal, scale: 2}
	if got, _, _ := f.bytesText(bytes.Repeat([]byte{0xff}, 16)); got != "-0.01" {
		t.Errorf("bytesText(16 x 0xff, scale 2) = %q, want -0.01", got)
	}
	// INT96 as Spark and Impala write it: 2000-01-01T00:00:01Z is Julian
	// day 2451545 and one second (1e9 ns) into the day.
	b := make([]byte, 12)
	b[0], b[1], b[2], b[3] = 0x00, 0xca, 0x9a, 0x3b   // 1e9 little-endian
	b[8], b[9], b[10], b[11] = 0x59, 0x68, 0x25, 0x00 // 2451545 = 0x256859
	f = pqFormat{lg: lgInt96, layout: TimestampLayout}
	if got := f.int96Text(b); got != "2000-01-01T00:00:01Z" {
		t.Errorf("int96Text = %q, want 2000-01-01T00:00:01Z", got)
	}
}

// FuzzParquetReader feeds damaged files to the reader: it must return
// values or a *DataError naming the file, and never panic or hang.
// (duckdb_types.parquet, 8 KiB, is left out of the seeds: with it the fuzzing
// engine of Go 1.26 stalls between executions, outside this function;
// TestParquetCorrupt damages it instead.)
func FuzzParquetReader(f *testing.F) {
	for _, name := range []string{"duckdb_types_v2.parquet", "duckdb_bad_utf8.parquet", "duckdb_empty.parquet"} {
		data, err := os.ReadFile(fixture(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewParquetReader(bytes.NewReader(data), int64(len(data)), "fuzz.parquet", nil)
		for i := 0; err == nil && i < 100_000; i++ {
			_, err = r.Read()
		}
		var de *DataError
		if err != nil && err != io.EOF && (!errors.As(err, &de) || de.File != "fuzz.parquet") {
			t.Errorf("error %v is not a DataError naming the file", err)
		}
	})
}
