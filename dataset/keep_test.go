package dataset

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readRecords reads every record of r with the position of each of its
// values.
type posRecord struct {
	row    int64
	values []Value
	pos    []Position
}

func readRecords(t *testing.T, r Reader) []posRecord {
	t.Helper()
	out, err := readPositions(r)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return out
}

// tempCSV writes text as a file in a temporary folder and returns its path.
func tempCSV(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustOpen opens path and closes it when the test ends.
func mustOpen(t *testing.T, path string, opt *Options) Reader {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func sameRecords(t *testing.T, got, want []posRecord) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.row != w.row {
			t.Errorf("record %d: row %d, want %d", i, g.row, w.row)
		}
		for j := range w.values {
			if g.values[j] != w.values[j] {
				t.Errorf("record %d value %d: %+v, want %+v", i, j, g.values[j], w.values[j])
			}
			if g.pos[j] != w.pos[j] {
				t.Errorf("record %d value %d: position %+v, want %+v", i, j, g.pos[j], w.pos[j])
			}
		}
	}
}

// TestKeepReplaysCSV checks that a replay gives the records, row numbers
// and positions (a quoted field over several lines included) that reading
// the file gives, as often as it is asked for.
func TestKeepReplaysCSV(t *testing.T) {
	path := tempCSV(t, "id,note,city\r\n1,plain,Lyon\r\n2,\"two\r\nlines\",NA\r\n3,,\"Saint-\"\"Denis\"\"\"\r\n4,\"\",Metz\r\n")
	// One record sampled for inference: the others are read live, with
	// their positions from the CSV parser.
	opt := &Options{NullTokens: []string{"", "NA"}, InferRows: 1}
	want := readRecords(t, mustOpen(t, path, opt))
	k := Keep(mustOpen(t, path, opt), 1<<20)
	if k.Replay() != nil {
		t.Fatal("Replay before the end of the input != nil")
	}
	sameRecords(t, readRecords(t, k), want)
	for range 2 {
		rr := k.Replay()
		if rr == nil {
			t.Fatal("Replay() = nil")
		}
		sameRecords(t, readRecords(t, rr), want)
		if _, err := rr.Read(); err != io.EOF {
			t.Errorf("Read after the end: %v, want io.EOF", err)
		}
	}
	if want[1].pos[0].Line != 3 || want[1].pos[2].Line != 4 {
		t.Errorf("the reference positions of the record over two lines are %+v: the test does not test", want[1].pos)
	}
}

func TestKeepReplaysParquet(t *testing.T) {
	path := fixture("duckdb_types.parquet")
	want := readRecords(t, mustOpen(t, path, nil))
	k := Keep(mustOpen(t, path, nil), 1<<20)
	sameRecords(t, readRecords(t, k), want)
	sameRecords(t, readRecords(t, k.Replay()), want)
}

// TestKeepBudget checks that records over the budget are not kept: the
// reader still reads them all, and Replay says to read again.
func TestKeepBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 1000 {
		b.WriteString(strings.Repeat("x", i%7) + ",y\n")
	}
	text := b.String()
	for _, tc := range []struct {
		name   string
		budget int64
		file   bool
		keep   bool
	}{
		{"stream within budget", 1 << 20, false, true},
		{"stream over budget", 4096, false, false},
		{"file within budget", 1 << 20, true, true},
		{"file larger than budget", int64(len(text)) - 1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustReader(t, text, nil)
			if tc.file {
				r = mustOpen(t, tempCSV(t, text), nil)
			}
			k := Keep(r, tc.budget)
			if n := len(readAll(t, k)); n != 1000 {
				t.Fatalf("read %d records through the keeper, want 1000", n)
			}
			rr := k.Replay()
			if (rr != nil) != tc.keep {
				t.Fatalf("Replay() != nil is %v, want %v", rr != nil, tc.keep)
			}
			if rr != nil {
				if got := readAll(t, rr); !equalRows(got, readAll(t, mustReader(t, text, nil))) {
					t.Error("replayed records differ from the input's")
				}
			}
		})
	}
}

// BenchmarkReadAdult reads the Adult extract plainly, through a Keeper,
// and read ahead, and replays it.
func BenchmarkReadAdult(b *testing.B) {
	const path = "../testdata/adult/adult.csv"
	drain := func(b *testing.B, r Reader) {
		for {
			if _, err := r.Read(); err == io.EOF {
				return
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	open := func(b *testing.B) Reader {
		r, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			r := open(b)
			drain(b, r)
			r.Close()
		}
	})
	b.Run("keep", func(b *testing.B) {
		for b.Loop() {
			r := open(b)
			drain(b, Keep(r, 64<<20))
			r.Close()
		}
	})
	b.Run("prefetch", func(b *testing.B) {
		for b.Loop() {
			r := Prefetch(open(b))
			drain(b, r)
			r.Close()
		}
	})
	b.Run("replay", func(b *testing.B) {
		r := open(b)
		k := Keep(r, 64<<20)
		drain(b, k)
		r.Close()
		for b.Loop() {
			drain(b, k.Replay())
		}
	})
}
