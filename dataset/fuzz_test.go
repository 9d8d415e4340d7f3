package dataset

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzCSVRoundtrip checks that reading CSV, writing it back and reading it
// again gives the same records (read/write/read is stable), and that the
// reader never panics.
func FuzzCSVRoundtrip(f *testing.F) {
	seeds := []string{
		"a,b\n1,2\n",
		"a;b\r\n\"x;y\";2\r\n",
		"a\tb\n\" lead\"\t\"q\"\"uote\"\n",
		"\xEF\xBB\xBFa|b\n|x\n",
		"a\n\"\"\n\n",
		"a,b\n\"multi\nline\",\"\\.\"\n",
		"h\xffx,y\n1,2\n",
		"a,b\n\"unterminated\n",
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, nullNA bool) {
		if len(text) > 4096 {
			return // long inputs add nothing but time
		}
		opt := &Options{}
		if nullNA {
			opt.NullTokens = []string{"NA"}
		}
		r, err := NewCSVReader(strings.NewReader(text), "fuzz.csv", opt)
		if err != nil {
			return
		}
		first, err := readAllErr(r)
		if err != nil {
			return
		}
		for _, delim := range []rune{',', ';', '\t'} {
			var buf bytes.Buffer
			wopt := &WriteOptions{Delimiter: delim}
			if nullNA {
				wopt.NullToken = "NA"
			}
			w := NewCSVWriter(&buf, r.Schema(), wopt)
			for i, row := range first {
				if err := w.Write(&Record{Row: int64(i + 1), Values: row}); err != nil {
					t.Fatalf("Write: %v", err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			ropt := *opt
			ropt.Delimiter = delim
			r2, err := NewCSVReader(bytes.NewReader(buf.Bytes()), "again.csv", &ropt)
			if err != nil {
				t.Fatalf("re-reading %q written from %q: %v", buf.String(), text, err)
			}
			if got, want := r2.Schema().Names(), r.Schema().Names(); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Fatalf("header = %q, want %q", got, want)
			}
			second, err := readAllErr(r2)
			if err != nil {
				t.Fatalf("re-reading %q: %v", buf.String(), err)
			}
			if len(second) != len(first) {
				t.Fatalf("delimiter %q: %d records after the round trip, want %d (written %q)", delim, len(second), len(first), buf.String())
			}
			for i := range first {
				for j := range first[i] {
					if first[i][j] != second[i][j] {
						t.Fatalf("delimiter %q: record %d value %d = %+v, want %+v", delim, i+1, j, second[i][j], first[i][j])
					}
				}
			}
		}
	})
}

func readAllErr(r Reader) ([][]Value, error) {
	var out [][]Value
	for {
		rec, err := r.Read()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, err
		}
		out = append(out, append([]Value(nil), rec.Values...))
	}
}
