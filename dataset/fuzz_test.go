package dataset

import (
	"bytes"
	"fmt"
	"io"
	"slices"
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

// FuzzReaderWrappers checks that reading through a Keeper, its replay and
// Prefetch gives what reading the CSV itself gives: the same records, row
// numbers and positions, and the same error at the same place.
func FuzzReaderWrappers(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n3,4\n",
		"a,b\n\"multi\nline\",x\n\"\",NA\n",
		"a,b\n1,2\n1,2,3\n",
		"a\n\"unterminated\n",
		"h\n" + strings.Repeat("v\n", 700),
	} {
		f.Add(s, 1)
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, text string, inferRows int) {
		if len(text) > 8192 || inferRows < 1 || inferRows > 1000 {
			return
		}
		open := func() Reader {
			r, err := NewCSVReader(strings.NewReader(text), "fuzz.csv", &Options{NullTokens: []string{"NA", ""}, InferRows: inferRows})
			if err != nil {
				return nil
			}
			return r
		}
		base := open()
		if base == nil {
			return
		}
		want, wantErr := readPositions(base)
		k := Keep(open(), 1<<20)
		viaKeep, keepErr := readPositions(k)
		p := Prefetch(open())
		viaPrefetch, prefetchErr := readPositions(p)
		p.Close()
		for name, got := range map[string][]posRecord{"keeper": viaKeep, "prefetch": viaPrefetch} {
			if len(got) != len(want) {
				t.Fatalf("%s: %d records, want %d", name, len(got), len(want))
			}
			for i := range want {
				if got[i].row != want[i].row || !slices.Equal(got[i].values, want[i].values) || !slices.Equal(got[i].pos, want[i].pos) {
					t.Fatalf("%s: record %d = %+v, want %+v", name, i, got[i], want[i])
				}
			}
		}
		for name, err := range map[string]error{"keeper": keepErr, "prefetch": prefetchErr} {
			if fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Fatalf("%s: error %v, want %v", name, err, wantErr)
			}
		}
		rr := k.Replay()
		if (rr != nil) != (wantErr == nil) {
			t.Fatalf("Replay() != nil is %v after a read ending with %v", rr != nil, wantErr)
		}
		if rr != nil {
			got, err := readPositions(rr)
			if err != nil || len(got) != len(want) {
				t.Fatalf("replay: %d records, %v; want %d", len(got), err, len(want))
			}
			for i := range want {
				if got[i].row != want[i].row || !slices.Equal(got[i].values, want[i].values) || !slices.Equal(got[i].pos, want[i].pos) {
					t.Fatalf("replay: record %d = %+v, want %+v", i, got[i], want[i])
				}
			}
		}
	})
}

// readPositions reads r to its end or first error, with each value's
// position.
func readPositions(r Reader) ([]posRecord, error) {
	var out []posRecord
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		pr := posRecord{row: rec.Row, values: append([]Value(nil), rec.Values...)}
		for i := range rec.Values {
			pr.pos = append(pr.pos, r.Pos(i))
		}
		out = append(out, pr)
	}
}
