package dataset

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readAll reads every record of r as text, with "<null>" for nulls.
func readAll(t testing.TB, r Reader) [][]string {
	t.Helper()
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		row := make([]string, len(rec.Values))
		for i, v := range rec.Values {
			if v.Null {
				row[i] = "<null>"
			} else {
				row[i] = v.Text
			}
		}
		out = append(out, row)
	}
}

func mustReader(t *testing.T, text string, opt *Options) Reader {
	t.Helper()
	r, err := NewCSVReader(strings.NewReader(text), "test.csv", opt)
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	return r
}

func TestCSVDelimiterDetection(t *testing.T) {
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"comma", "a,b\n1,2\n", [][]string{{"1", "2"}}},
		{"semicolon", "a;b\n1;2\n", [][]string{{"1", "2"}}},
		{"tab", "a\tb\n1\t2\n", [][]string{{"1", "2"}}},
		{"pipe", "a|b\n1|2\n", [][]string{{"1", "2"}}},
		{"semicolon with decimal commas", "a;b\n1,5;2,25\n3,0;4\n", [][]string{{"1,5", "2,25"}, {"3,0", "4"}}},
		{"comma inside quotes does not count", "a;b\n\"x,y,z\";2\n", [][]string{{"x,y,z", "2"}}},
		{"single column", "a\n1\n2\n", [][]string{{"1"}, {"2"}}},
		{"no trailing newline", "a,b\n1,2", [][]string{{"1", "2"}}},
		{"CRLF", "a,b\r\n1,2\r\n3,4\r\n", [][]string{{"1", "2"}, {"3", "4"}}},
		{"BOM", "\xEF\xBB\xBFa,b\n1,2\n", [][]string{{"1", "2"}}},
		{"quoted newline", "a,b\n\"line1\nline2\",2\n", [][]string{{"line1\nline2", "2"}}},
		{"escaped quote", "a,b\n\"say \"\"hi\"\"\",2\n", [][]string{{`say "hi"`, "2"}}},
		{"empty is null", "a,b\n,2\n", [][]string{{"<null>", "2"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustReader(t, tc.text, nil)
			got := readAll(t, r)
			if !equalRows(got, tc.want) {
				t.Errorf("records = %q, want %q", got, tc.want)
			}
			if tc.name == "BOM" && r.Schema().Columns[0].Name != "a" {
				t.Errorf("first column = %q, want %q (BOM stripped)", r.Schema().Columns[0].Name, "a")
			}
		})
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestCSVNullTokens(t *testing.T) {
	text := "a,b,c\nNA,,NULL\nx,NA,y\n"
	r := mustReader(t, text, &Options{NullTokens: []string{"NA", "NULL"}})
	got := readAll(t, r)
	want := [][]string{{"<null>", "", "<null>"}, {"x", "<null>", "y"}}
	if !equalRows(got, want) {
		t.Errorf("records = %q, want %q", got, want)
	}
}

func TestCSVInference(t *testing.T) {
	text := "zip,age,amount,flag,born,seen,code,neg,mixed,empty,eu_date\n" +
		"01234,34,12.50,true,1990-01-31,2024-03-01T10:00:00Z,A1,-5,1,,31.12.1990\n" +
		"99999,0,3,FALSE,2001-12-01,2024-03-02T11:30:00Z,B2,7,x,,01.02.2003\n"
	r := mustReader(t, text, nil)
	want := map[string]Kind{"zip": String, "age": Integer, "amount": Float, "flag": Boolean, "born": Date,
		"seen": Timestamp, "code": String, "neg": Integer, "mixed": String, "empty": String, "eu_date": Date}
	for _, c := range r.Schema().Columns {
		if c.Kind != want[c.Name] {
			t.Errorf("column %s: kind = %v, want %v", c.Name, c.Kind, want[c.Name])
		}
	}
	if c := r.Schema().Columns[r.Schema().Index("eu_date")]; c.Layout != "02.01.2006" {
		t.Errorf("eu_date layout = %q, want 02.01.2006", c.Layout)
	}
	// Values keep their text whatever the kind: zip 01234 stays 01234.
	got := readAll(t, r)
	if got[0][0] != "01234" || got[0][2] != "12.50" {
		t.Errorf("first row = %q, want zip 01234 and amount 12.50 kept as text", got[0])
	}
}

func TestCSVInferenceSampleThenReplay(t *testing.T) {
	var b strings.Builder
	b.WriteString("n\n")
	for i := 0; i < 50; i++ {
		b.WriteString("7\n")
	}
	b.WriteString("seven\n")
	r := mustReader(t, b.String(), &Options{InferRows: 10})
	if k := r.Schema().Columns[0].Kind; k != Integer {
		t.Errorf("kind from the first 10 rows = %v, want integer", k)
	}
	rows := readAll(t, r)
	if len(rows) != 51 || rows[50][0] != "seven" {
		t.Errorf("got %d rows, want 51 with the last one kept as text", len(rows))
	}
}

func TestCSVWholeFileInference(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.csv")
	var b strings.Builder
	b.WriteString("n\n")
	for i := 0; i < 20; i++ {
		b.WriteString("7\n")
	}
	b.WriteString("seven\n")
	os.WriteFile(path, []byte(b.String()), 0o644)
	r, err := Open(path, &Options{InferRows: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if k := r.Schema().Columns[0].Kind; k != String {
		t.Errorf("kind over the whole file = %v, want string", k)
	}
	if n := len(readAll(t, r)); n != 21 {
		t.Errorf("rows = %d, want 21", n)
	}
}

func TestCSVOverrides(t *testing.T) {
	r := mustReader(t, "zip,born\n12345,1990\n", &Options{Types: map[string]Override{"zip": {Kind: String}, "born": {Kind: Date, Layout: "2006"}}})
	cols := r.Schema().Columns
	if cols[0].Kind != String || cols[1].Kind != Date || cols[1].Layout != "2006" {
		t.Errorf("columns = %+v, want zip string and born date with layout 2006", cols)
	}
	_, err := NewCSVReader(strings.NewReader("a\n1\n"), "t.csv", &Options{Types: map[string]Override{"nope": {Kind: String}}})
	var de *DataError
	if !errors.As(err, &de) || de.Column != "nope" {
		t.Errorf("override of a missing column: err = %v, want a DataError naming the column", err)
	}
}

// secret is a value that must never appear in an error message.
const secret = "Jane.Doe@example.com"

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		opt     *Options
		wantErr error
		row     int64
		line    int
		column  string
	}{
		{"invalid UTF-8", "name,email\nok,fine\nbad,\xff" + secret + "\n", nil, ErrInvalidUTF8, 2, 3, "email"},
		{"invalid UTF-8 at the end", "name,email\nok," + secret + "\xe2\x82", nil, ErrInvalidUTF8, 1, 2, "email"},
		{"ragged row: too many", "a,b\n1,2\n1,2," + secret + "\n", nil, ErrFieldCount, 2, 3, ""},
		{"ragged row: too few", "a,b\n1,2\n3,4\n" + secret + "\n", nil, ErrFieldCount, 3, 4, ""},
		{"unterminated quote", "a,b\n1,2\n3,\"" + secret + "\n4,5\n", nil, ErrQuote, 2, 0, ""},
		{"bare quote", "a,b\n1,x\"" + secret + "\n", nil, ErrBareQuote, 1, 2, ""},
		{"empty file", "", nil, ErrEmptyHeader, 0, 1, ""},
		{"duplicate column", "a,b,a\n1,2,3\n", nil, ErrDuplicateColumn, 0, 1, "a"},
		{"empty column name", "a,,c\n1,2,3\n", nil, ErrEmptyColumnName, 0, 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			r, err := NewCSVReader(strings.NewReader(tc.text), "in.csv", tc.opt)
			if err == nil {
				for {
					_, err = r.Read()
					if err != nil {
						break
					}
				}
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("err = %T, want *DataError", err)
			}
			if de.File != "in.csv" || de.Row != tc.row || (tc.line != 0 && de.Line != tc.line) || de.Column != tc.column {
				t.Errorf("place = file %q row %d line %d column %q, want in.csv row %d line %d column %q",
					de.File, de.Row, de.Line, de.Column, tc.row, tc.line, tc.column)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, "Jane") {
				t.Errorf("error message %q leaks the cell's value", msg)
			}
			if !strings.HasPrefix(msg, "in.csv: ") {
				t.Errorf("error message %q does not start with the file name", msg)
			}
		})
	}
}

func TestCSVErrorMessage(t *testing.T) {
	// Errors in the rows sampled for inference come from NewCSVReader.
	_, err := NewCSVReader(strings.NewReader("name,age\nx,1\ny,\xfe\n"), "test.csv", nil)
	want := `test.csv: row 2 (line 3, byte 3), column "age": invalid UTF-8`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	// Later ones from Read.
	r := mustReader(t, "name,age\nx,1\ny,\xfe\n", &Options{InferRows: 1})
	for err = nil; err == nil; {
		_, err = r.Read()
	}
	if err == nil || err.Error() != want {
		t.Errorf("Read error = %v, want %s", err, want)
	}
}

func TestCSVLazyQuotes(t *testing.T) {
	r := mustReader(t, "a,b\n1,x\"y\n", &Options{LazyQuotes: true})
	got := readAll(t, r)
	if !equalRows(got, [][]string{{"1", `x"y`}}) {
		t.Errorf("records = %q", got)
	}
}

func TestCSVWriter(t *testing.T) {
	schema := Schema{Columns: []Column{{Name: "a"}, {Name: "b,c"}, {Name: "d"}}}
	tests := []struct {
		name string
		opt  *WriteOptions
		rows [][]Value
		want string
	}{
		{"plain", nil, [][]Value{{Text("1"), Text("2"), Text("3")}}, "a,\"b,c\",d\n1,2,3\n"},
		{"quoting", nil, [][]Value{{Text(`say "hi"`), Text("x\ny"), Text(" lead")}}, "a,\"b,c\",d\n\"say \"\"hi\"\"\",\"x\ny\",\" lead\"\n"},
		{"nulls", &WriteOptions{NullToken: "NA"}, [][]Value{{NullValue, Text(""), Text("z")}}, "a,\"b,c\",d\nNA,,z\n"},
		{"semicolon CRLF", &WriteOptions{Delimiter: ';', CRLF: true}, [][]Value{{Text("1,5"), Text("x;y"), Text("a\nb")}}, "a;b,c;d\r\n1,5;\"x;y\";\"a\r\nb\"\r\n"},
		{"empty table", nil, nil, "a,\"b,c\",d\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewCSVWriter(&buf, schema, tc.opt)
			for i, row := range tc.rows {
				if err := w.Write(&Record{Row: int64(i + 1), Values: row}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Errorf("output = %q, want %q", buf.String(), tc.want)
			}
		})
	}
}

func TestCSVWriterSingleColumnEmpty(t *testing.T) {
	// A one-column row holding an empty value must not become an empty line,
	// which readers skip: the row would be lost.
	var buf bytes.Buffer
	w := NewCSVWriter(&buf, Schema{Columns: []Column{{Name: "a"}}}, nil)
	w.Write(&Record{Values: []Value{NullValue}})
	w.Write(&Record{Values: []Value{Text("x")}})
	w.Close()
	r := mustReader(t, buf.String(), nil)
	got := readAll(t, r)
	if !equalRows(got, [][]string{{"<null>"}, {"x"}}) {
		t.Errorf("round trip = %q from %q", got, buf.String())
	}
}

func TestPipeLocatesErrors(t *testing.T) {
	r := mustReader(t, "name,age\nx,1\ny,2\n", nil)
	var out bytes.Buffer
	w := NewCSVWriter(&out, r.Schema(), nil)
	fail := errors.New("boom")
	_, err := Pipe(t.Context(), r, w, func(rec *Record) (*Record, error) {
		if rec.Row == 2 {
			return nil, &ColumnError{Col: 1, Err: fail}
		}
		return rec, nil
	}, nil)
	want := `test.csv: row 2 (line 3), column "age": boom`
	if err == nil || err.Error() != want {
		t.Errorf("Pipe error = %v, want %s", err, want)
	}
}

func TestUTF8CheckAcrossChunks(t *testing.T) {
	// A multi-byte rune split over two reads is valid; a truncated one at
	// the end of the input is not.
	valid := []byte("héllo wörld ✓ 𝄞 end")
	for split := 1; split < len(valid); split++ {
		u := &utf8Check{r: io.MultiReader(bytes.NewReader(valid[:split]), bytes.NewReader(valid[split:]))}
		io.ReadAll(oneByteAtMost{u, split})
		if u.bad {
			t.Errorf("split at %d: valid text flagged invalid", split)
		}
	}
	u := &utf8Check{r: bytes.NewReader([]byte("ab\xe2\x82"))}
	io.ReadAll(u)
	if !u.bad {
		t.Error("truncated rune at EOF not flagged")
	}
	u = &utf8Check{r: bytes.NewReader([]byte("ab\xc3(cd"))}
	io.ReadAll(u)
	if !u.bad {
		t.Error("invalid continuation not flagged")
	}
}

// oneByteAtMost reads in chunks of at most n bytes, to exercise chunk edges.
type oneByteAtMost struct {
	r io.Reader
	n int
}

func (o oneByteAtMost) Read(p []byte) (int, error) {
	if len(p) > o.n {
		p = p[:o.n]
	}
	return o.r.Read(p)
}

// TestCSVCROnlyLineEnds: a file whose lines end in CR alone is refused,
// not read as a header of every line and no rows.
func TestCSVCROnlyLineEnds(t *testing.T) {
	_, err := NewCSVReader(strings.NewReader("a,b\r1,2\r3,4\r"), "mac.csv", nil)
	var de *DataError
	if !errors.As(err, &de) || !errors.Is(err, ErrCROnly) || de.File != "mac.csv" || de.Line != 1 {
		t.Fatalf("err = %v, want a DataError of mac.csv line 1 wrapping ErrCROnly", err)
	}
	r, err := NewCSVReader(strings.NewReader("a,b\r\n1,2\r\n"), "crlf.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := r.Read(); err != nil || rec.Values[1].Text != "2" {
		t.Fatalf("CRLF file: %v, %v", rec, err)
	}
}
