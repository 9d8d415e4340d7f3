package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// checkDataOutput checks that the summary's first output is the file at
// path, with its sha256 and row count.
func checkDataOutput(t *testing.T, res veilResult, path string, rows int64) {
	t.Helper()
	if res.code != exitOK {
		t.Fatalf("exit = %d, want 0; stderr:\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	s := res.summary
	if s.Status != "ok" || len(s.Outputs) == 0 {
		t.Fatalf("summary = %+v, want status ok and outputs", s)
	}
	o := s.Outputs[0]
	if o.Path != path || o.SHA256 != hex.EncodeToString(sum[:]) || o.Rows == nil || *o.Rows != rows || o.Bytes != int64(len(data)) {
		t.Errorf("summary output = %+v (rows %v), want %s with sha256 %x, %d rows and %d bytes", o, o.Rows, path, sum, rows, len(data))
	}
}

// TestConvertParquet converts CSV to Parquet and back through the CLI.
func TestConvertParquet(t *testing.T) {
	dir := t.TempDir()
	in := "zip;name;born;income;member\r\n" +
		"01234;Ann;1980-02-29;51000.5;true\r\n" +
		"99999;;1969-12-31;;false\r\n" +
		"00501;Zoë;;-12;\r\n"
	src := writeFile(t, dir, "in.csv", in)
	pq := filepath.Join(dir, "out.parquet")
	checkDataOutput(t, runVeil(t, "convert", src, pq), pq, 3)

	r, err := dataset.Open(pq, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []dataset.Kind{dataset.String, dataset.String, dataset.Date, dataset.Float, dataset.Boolean}
	for i, c := range r.Schema().Columns {
		if c.Kind != kinds[i] {
			t.Errorf("column %s kind = %v, want %v", c.Name, c.Kind, kinds[i])
		}
	}
	r.Close()

	back := filepath.Join(dir, "back.csv")
	checkDataOutput(t, runVeil(t, "convert", pq, back), back, 3)
	got, _ := os.ReadFile(back)
	want := "zip,name,born,income,member\n" +
		"01234,Ann,1980-02-29,51000.5,true\n" +
		"99999,,1969-12-31,,false\n" +
		"00501,Zoë,,-12.0,\n"
	if string(got) != want {
		t.Errorf("CSV -> Parquet -> CSV = %q, want %q", got, want)
	}

	// Flags may follow the arguments; every codec gives the same values.
	for _, codec := range []string{"gzip", "zstd", "none"} {
		out := filepath.Join(dir, "out-"+codec+".parquet")
		checkDataOutput(t, runVeil(t, "convert", src, out, "--compression", codec), out, 3)
		again := filepath.Join(dir, "back-"+codec+".csv")
		checkDataOutput(t, runVeil(t, "convert", out, again), again, 3)
		if got, _ := os.ReadFile(again); string(got) != want {
			t.Errorf("%s: CSV -> Parquet -> CSV = %q, want %q", codec, got, want)
		}
	}
}

// TestConvertParquetFromDuckDB converts a file written by DuckDB.
func TestConvertParquetFromDuckDB(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "duck.csv")
	checkDataOutput(t, runVeil(t, "convert", filepath.Join("..", "..", "testdata", "parquet", "duckdb_types.parquet"), out), out, 40)
	got, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(got), "id,big,tiny,") || !strings.Contains(string(got), "00000000-abcd-4ef0-8000-000000000000") {
		t.Errorf("output does not look like the fixture:\n%.300s", got)
	}
}

// TestConvertParquetErrors checks bad Parquet input: exit 3, the file (and
// row and column when known) named, no value in the message, nothing left.
func TestConvertParquetErrors(t *testing.T) {
	dir := t.TempDir()
	fixtures := filepath.Join("..", "..", "testdata", "parquet")
	good, err := os.ReadFile(filepath.Join(fixtures, "duckdb_types.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.parquet")
	os.WriteFile(truncated, good[:len(good)/2], 0o644)
	noFooter := filepath.Join(dir, "nofooter.parquet")
	os.WriteFile(noFooter, good[:len(good)-8], 0o644)
	notParquet := writeFile(t, dir, "text.parquet", "a,b\n1,2\n")
	// Pages damaged: the footer is intact, the data is not.
	damaged := filepath.Join(dir, "damaged.parquet")
	bad := append([]byte(nil), good...)
	for i := 200; i < 1200; i++ {
		bad[i] = 0xff
	}
	os.WriteFile(damaged, bad, 0o644)

	tests := []struct {
		name     string
		in       string
		contains []string
	}{
		{"truncated", truncated, []string{"truncated.parquet", "not a valid Parquet file"}},
		{"no footer", noFooter, []string{"nofooter.parquet", "not a valid Parquet file"}},
		{"not parquet", notParquet, []string{"text.parquet", "not a valid Parquet file"}},
		{"damaged pages", damaged, []string{"damaged.parquet", "row 1", "column"}},
		{"nested column", filepath.Join(fixtures, "duckdb_list.parquet"), []string{"duckdb_list.parquet", `column \"tags\"`, "unsupported Parquet feature"}},
		{"bytes that are not UTF-8", filepath.Join(fixtures, "duckdb_bad_utf8.parquet"), []string{"duckdb_bad_utf8.parquet", "row 3", `column \"raw\"`, "invalid UTF-8"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out", "o.csv")
			os.MkdirAll(filepath.Dir(out), 0o755)
			res := runVeil(t, "convert", tc.in, out, "--log-format", "json")
			if res.code != exitData {
				t.Fatalf("exit = %d, want %d; stderr:\n%s", res.code, exitData, res.stderr)
			}
			for _, want := range tc.contains {
				if !strings.Contains(res.stdout+res.stderr, want) {
					t.Errorf("output does not mention %q:\nstdout: %s\nstderr: %s", want, res.stdout, res.stderr)
				}
			}
			if strings.Contains(res.stdout+res.stderr, "secret") {
				t.Errorf("a value leaked into the output:\n%s%s", res.stdout, res.stderr)
			}
			if names := dirNames(t, filepath.Dir(out)); len(names) != 0 {
				t.Errorf("files after a failed run = %v, want none (no output, no temp file)", names)
			}
		})
	}
}

// TestConvertToParquetBadValue declares a kind the data does not have:
// exit 3, the row and column named, no value, no Parquet file left.
func TestConvertToParquetBadValue(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, dir, "in.csv", "id,email\n1,a@example.org\n2,jane.doe@example.com\n")
	outDir := filepath.Join(dir, "out")
	os.Mkdir(outDir, 0o755)
	res := runVeil(t, "convert", src, filepath.Join(outDir, "o.parquet"), "--type", "email=integer")
	if res.code != exitData {
		t.Fatalf("exit = %d, want %d; stderr:\n%s", res.code, exitData, res.stderr)
	}
	for _, want := range []string{"in.csv", "row 1", "line 2", `column \"email\"`, "not an integer"} {
		if !strings.Contains(res.stdout+res.stderr, want) {
			t.Errorf("output does not mention %q:\n%s", want, res.stdout+res.stderr)
		}
	}
	if strings.Contains(res.stdout+res.stderr, "example.org") {
		t.Errorf("a value leaked into the output:\n%s%s", res.stdout, res.stderr)
	}
	if names := dirNames(t, outDir); len(names) != 0 {
		t.Errorf("files after a failed run = %v, want none", names)
	}
}
