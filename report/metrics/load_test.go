package metrics

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// TestLoadAllMatchesLoad loads three tables concurrently and one after
// the other: same types, same rows (reservoir samples included), same
// dictionary codes.
func TestLoadAllMatchesLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	cols := []dataset.Column{catCol("c"), numCol("n"), catCol("id")}
	gen := func(n, span int) [][]string {
		rows := make([][]string, n)
		for i := range rows {
			rows[i] = []string{"v" + strconv.Itoa(rng.IntN(span)), strconv.Itoa(rng.IntN(100)), "id" + strconv.Itoa(rng.IntN(1<<30))}
		}
		return rows
	}
	// The later tables hold texts the first lacks (span 50 against 30).
	data := [][][]string{gen(3000, 30), gen(2000, 50), gen(2500, 50)}
	readers := func() []dataset.Reader {
		var rs []dataset.Reader
		for i, rows := range data {
			rs = append(rs, &sliceReader{name: "t" + strconv.Itoa(i), schema: dataset.Schema{Columns: cols}, rows: rows})
		}
		return rs
	}
	opts := []*LoadOptions{{MaxRows: -1}, {MaxRows: 500, Seed: 3}, nil}
	seq := NewDomain()
	var want []*Table
	for i, r := range readers() {
		var o *LoadOptions
		if i < len(opts) {
			o = opts[i]
		}
		tb, err := seq.Load(context.Background(), r, o)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, tb)
	}
	got, err := NewDomain().LoadAll(context.Background(), readers(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Rows != w.Rows || g.TotalRows != w.TotalRows || g.Name != w.Name {
			t.Fatalf("table %d: LoadAll %d of %d rows (%s), Load %d of %d (%s)", i, g.Rows, g.TotalRows, g.Name, w.Rows, w.TotalRows, w.Name)
		}
		for k, c := range g.Columns {
			wc := w.Columns[k]
			if c.Numeric != wc.Numeric || !slices.Equal(c.Codes, wc.Codes) || !slices.Equal(c.Nums, wc.Nums) {
				t.Errorf("table %d column %s: LoadAll and Load differ", i, c.Name)
			}
			if !c.Numeric && (c.Dict != got[0].Columns[k].Dict || c.Dict.Len() != wc.Dict.Len()) {
				t.Errorf("table %d column %s: dictionary not shared, or %d texts against %d", i, c.Name, c.Dict.Len(), wc.Dict.Len())
			}
		}
	}
	for code := range got[0].Columns[2].Dict.Len() {
		if a, b := got[0].Columns[2].Dict.Text(int32(code)), want[0].Columns[2].Dict.Text(int32(code)); a != b {
			t.Fatalf("code %d: LoadAll %q, Load %q", code, a, b)
		}
	}
}

// TestLoadAllErrors: the error of the first failing table in reader
// order is returned, as loading one after the other would.
func TestLoadAllErrors(t *testing.T) {
	cols := []dataset.Column{numCol("n")}
	good := [][]string{{"1"}, {"2"}}
	bad := [][]string{{"1"}, {"x"}}
	for _, tc := range []struct {
		name    string
		tables  [][][]string
		badFile string
	}{
		{"second", [][][]string{good, bad, good}, "t1"},
		{"first and third", [][][]string{bad, good, bad}, "t0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rs []dataset.Reader
			for i, rows := range tc.tables {
				rs = append(rs, &sliceReader{name: "t" + strconv.Itoa(i), schema: dataset.Schema{Columns: cols}, rows: rows})
			}
			_, err := NewDomain().LoadAll(context.Background(), rs, nil)
			var de *dataset.DataError
			if !errors.As(err, &de) || de.File != tc.badFile || de.Row != 2 {
				t.Errorf("LoadAll = %v, want a DataError in %s row 2", err, tc.badFile)
			}
		})
	}
}
