package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/combin"
)

// randomTables builds a real and a synthetic table of categorical columns
// in one domain: column j of a row is "v<x>" with x uniform on
// [0, cards[j]), or null with probability 1/20.
func randomTables(t testing.TB, cards []int, nr, ns int, seed uint64) (*Table, *Table) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	cols := make([]dataset.Column, len(cards))
	for j := range cols {
		cols[j] = catCol("c" + strconv.Itoa(j))
	}
	gen := func(n int) [][]string {
		rows := make([][]string, n)
		for i := range rows {
			row := make([]string, len(cards))
			for j, c := range cards {
				if rng.IntN(20) > 0 {
					row[j] = "v" + strconv.Itoa(rng.IntN(c))
				}
			}
			rows[i] = row
		}
		return rows
	}
	d := NewDomain()
	real, err := d.FromStrings("real", cols, gen(nr))
	if err != nil {
		t.Fatal(err)
	}
	syn, err := d.FromStrings("syn", cols, gen(ns))
	if err != nil {
		t.Fatal(err)
	}
	return real, syn
}

// oracleTVD is the k-way TVD of the columns set of two categorical tables,
// counted with a map over the rows' texts: the definition, sharing no code
// with MarginalTVD.
func oracleTVD(real, syn *Table, set []int) float64 {
	count := func(t *Table) map[string]float64 {
		m := map[string]float64{}
		for i := 0; i < t.Rows; i++ {
			var key strings.Builder
			for _, j := range set {
				c := t.Columns[j]
				if c.Codes[i] < 0 {
					key.WriteString("\x00null")
				} else {
					key.WriteString(c.Dict.Text(c.Codes[i]))
				}
				key.WriteByte(0xff)
			}
			m[key.String()] += 1 / float64(t.Rows)
		}
		return m
	}
	pr, ps := count(real), count(syn)
	var d float64
	for k, p := range pr {
		d += math.Abs(p - ps[k])
	}
	for k, p := range ps {
		if _, ok := pr[k]; !ok {
			d += p
		}
	}
	return d / 2
}

func TestMarginalTVDMatchesOracle(t *testing.T) {
	tests := []struct {
		name   string
		cards  []int
		nr, ns int
		k      int
	}{
		// Joint domains of at most 4·6·8 cells: counted densely.
		{"dense", []int{4, 6, 8}, 700, 500, 3},
		// A column with a value per row (an ID) makes every set that holds
		// it too large to count densely: rows are sorted by cell.
		{"id column", []int{1_000_000, 5, 9, 3}, 3000, 2500, 2},
		{"id column 3-way", []int{1_000_000, 5, 9, 3}, 3000, 2500, 3},
		// Five near-unique columns: about 5,500 codes each, 5,500⁵ ≈ 5e18
		// cells, more than maxKey (4.6e18): the cell numbers are renumbered
		// before the last column is added.
		{"renumbered", []int{1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000}, 3000, 3000, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			real, syn := randomTables(t, tc.cards, tc.nr, tc.ns, 7)
			got, err := MarginalTVD(real, syn, tc.k, &MarginalOptions{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			combin.ForSubsets(len(tc.cards), tc.k, func(set []int) {
				want := oracleTVD(real, syn, set)
				if g := got.Sets[i].TVD; math.Abs(g-want) > 1e-12 {
					t.Errorf("MarginalTVD(k=%d) set %v = %v, want %v", tc.k, set, g, want)
				}
				i++
			})
			// The result does not depend on the number of workers, to the
			// last bit.
			one, err := MarginalTVD(real, syn, tc.k, &MarginalOptions{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if one.Mean != got.Mean || one.Max != got.Max {
				t.Errorf("MarginalTVD with 1 worker = %v / %v, with 2 = %v / %v", one.Mean, one.Max, got.Mean, got.Max)
			}
		})
	}
}

// TestJointPathsAgree counts the same sets densely and by sorting.
func TestJointPathsAgree(t *testing.T) {
	real, syn := randomTables(t, []int{7, 11, 13}, 900, 1100, 3)
	m, err := NewMarginals(real, syn, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf jointBuf
	wa, wb := int64(m.ns), int64(m.nr)
	for _, set := range [][]int{{0}, {0, 1}, {1, 2}, {0, 1, 2}} {
		a := make([]discrete, len(set))
		b := make([]discrete, len(set))
		for i, c := range set {
			a[i], b[i] = m.dr[c], m.ds[c]
		}
		k := len(set)
		buf.prefix(a[:k-1], b[:k-1], m.nr, m.ns)
		dense := buf.denseTVD(int(product(a[:k-1])), a[k-1], b[k-1], wa, wb)
		sorted := buf.sortedTVD(a, b, m.nr, m.ns, wa, wb)
		if dense != sorted {
			t.Errorf("set %v: dense sum %d, sorted sum %d", set, dense, sorted)
		}
	}
}

func TestSortKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	gen := map[string]func(n int) []uint64{
		"random": func(n int) []uint64 {
			k := make([]uint64, n)
			for i := range k {
				k[i] = rng.Uint64N(1 << 40)
			}
			return k
		},
		// Increasing with a few dips: the codes of an ID column with some
		// repeated values.
		"nearly sorted": func(n int) []uint64 {
			k := make([]uint64, n)
			for i := range k {
				k[i] = uint64(i) * 3
				if rng.IntN(100) == 0 {
					k[i] = rng.Uint64N(uint64(3 * n))
				}
			}
			return k
		},
		"reversed": func(n int) []uint64 {
			k := make([]uint64, n)
			for i := range k {
				k[i] = uint64(n - i)
			}
			return k
		},
		"equal": func(n int) []uint64 { return make([]uint64, n) },
	}
	for name, g := range gen {
		for _, n := range []int{0, 1, 100, 5000} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				keys := g(n)
				want := slices.Clone(keys)
				slices.Sort(want)
				sortKeys(keys, make([]uint64, n), slices.Max(append([]uint64{0}, keys...)))
				if !slices.Equal(keys, want) {
					t.Errorf("sortKeys(%d %s keys) is not sorted", n, name)
				}
			})
		}
	}
}

func TestChiSquaredMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	tests := []struct {
		name   string
		ra, rb int   // distinct values of a and b
		spread int32 // codes are spread over [0, spread·ra)
	}{
		{"dense", 6, 9, 1},
		// 600 × 200 cells over 3,000 rows, codes up to 6e6: compacted, then
		// counted by sorting.
		{"sorted", 600, 200, 10_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 3000
			a := make([]int32, n)
			b := make([]int32, n)
			for i := range a {
				x := rng.IntN(tc.ra)
				a[i] = int32(x) * tc.spread
				// b depends on a, so that χ² is far from 0.
				b[i] = int32((x + rng.IntN(3)) % tc.rb)
				if i%50 == 0 {
					a[i] = -1 // left out
				}
			}
			// χ² = Σ over all r×c cells of (O − E)²/E, E = r_i c_j / n.
			obs := map[[2]int32]float64{}
			rowN, colN := map[int32]float64{}, map[int32]float64{}
			var total float64
			for i := range a {
				if a[i] < 0 || b[i] < 0 {
					continue
				}
				obs[[2]int32{a[i], b[i]}]++
				rowN[a[i]]++
				colN[b[i]]++
				total++
			}
			var want float64
			for x, rx := range rowN {
				for y, cy := range colN {
					e := rx * cy / total
					o := obs[[2]int32{x, y}]
					want += (o - e) * (o - e) / e
				}
			}
			chi2, gotN, k := ChiSquared(a, b)
			if gotN != int(total) || k != min(len(rowN), len(colN)) {
				t.Errorf("ChiSquared n, k = %d, %d, want %v, %d", gotN, k, total, min(len(rowN), len(colN)))
			}
			if math.Abs(chi2-want) > 1e-9*want {
				t.Errorf("ChiSquared = %v, want %v", chi2, want)
			}
		})
	}
}

func TestMarginalTVDMaxSets(t *testing.T) {
	cards := []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	real, syn := randomTables(t, cards, 400, 300, 11)
	all, err := MarginalTVD(real, syn, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]float64{}
	for _, s := range all.Sets {
		byName[strings.Join(s.Columns, ",")] = s.TVD
	}
	// C(10, 3) = 120 sets; 20 of them are measured.
	opt := &MarginalOptions{MaxSets: 20, Seed: 4}
	got, err := MarginalTVD(real, syn, 3, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sets) != 20 || got.Total != 120 || all.Total != 120 {
		t.Fatalf("MarginalTVD(MaxSets 20) = %d of %d sets, want 20 of 120 (all: %d)", len(got.Sets), got.Total, all.Total)
	}
	var sum float64
	for _, s := range got.Sets {
		want, ok := byName[strings.Join(s.Columns, ",")]
		if !ok || s.TVD != want {
			t.Errorf("sampled set %v = %v, want %v (ok %v)", s.Columns, s.TVD, want, ok)
		}
		sum += s.TVD
	}
	if got.Mean != sum/20 {
		t.Errorf("MarginalTVD(MaxSets 20).Mean = %v, want %v", got.Mean, sum/20)
	}
	again, _ := MarginalTVD(real, syn, 3, opt)
	if again.Mean != got.Mean {
		t.Errorf("MarginalTVD(MaxSets 20) differs between runs with one seed: %v, %v", got.Mean, again.Mean)
	}
}

// TestRepeatable runs the pair metrics several times on tables with many
// categories: sums over cells must be taken in one order, so the results
// are equal to the last bit (sums in map order differ in the last digits
// from run to run).
func TestRepeatable(t *testing.T) {
	real, syn := randomTables(t, []int{40, 60, 2000}, 3000, 2000, 13)
	q0, err := QualityScore(real, syn, nil)
	if err != nil {
		t.Fatal(err)
	}
	v0 := CramersV(real.Columns[0].Codes, real.Columns[2].Codes)
	for run := range 10 {
		q, err := QualityScore(real, syn, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range q.Pairs {
			if p.Score != q0.Pairs[i].Score || p.Real != q0.Pairs[i].Real {
				t.Fatalf("run %d: pair %v = %v (V %v), first run %v (V %v)", run, p.Columns, p.Score, p.Real, q0.Pairs[i].Score, q0.Pairs[i].Real)
			}
		}
		if v := CramersV(real.Columns[0].Codes, real.Columns[2].Codes); v != v0 {
			t.Fatalf("run %d: CramersV = %v, first run %v", run, v, v0)
		}
	}
}

// TestContingencySampled checks the sample of ColumnPairTrends on tables
// over ContingencyMaxRows rows against the exact score on every row.
func TestContingencySampled(t *testing.T) {
	n := ContingencyMaxRows + 10_000
	real, syn := randomTables(t, []int{6, 8}, n, n, 17)
	// Make the columns related in the synthetic table, so that the score
	// is well below 1.
	a, b := syn.Columns[0].Codes, syn.Columns[1].Codes
	for i := range a {
		if i%3 == 0 {
			b[i] = a[i]
		}
	}
	_, pairs, err := ColumnPairTrends(real, syn, &TrendOptions{AllPairs: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf jointBuf
	all := allRows(n)
	exact := contingencySimilarity(&buf, contingencyCodes(real.Columns[0], all), contingencyCodes(real.Columns[1], all),
		contingencyCodes(syn.Columns[0], all), contingencyCodes(syn.Columns[1], all))
	// 50,000 rows of each table: the TVD of 63 cells estimated from
	// samples of that size is off by about Σ √(p(1−p)/n) ≈ 0.01 at most.
	if d := math.Abs(pairs[0].Score - exact); d > 0.02 || d == 0 {
		t.Errorf("ColumnPairTrends sampled score = %v, exact %v: off by %v, want 0 < d <= 0.02", pairs[0].Score, exact, d)
	}
	_, again, _ := ColumnPairTrends(real, syn, &TrendOptions{AllPairs: true, Seed: 1})
	if again[0].Score != pairs[0].Score {
		t.Errorf("ColumnPairTrends differs between runs with one seed: %v, %v", pairs[0].Score, again[0].Score)
	}
}

// TestRowCopiesMatchBruteForce compares RowCopies with a row-by-row
// search on tables with repeated rows, nulls and near numbers.
func TestRowCopiesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	cols := []dataset.Column{catCol("c"), {Name: "x", Kind: dataset.Float}, {Name: "y", Kind: dataset.Float}, catCol("d")}
	gen := func(n int) []string {
		var rows []string
		for range n {
			x := strconv.Itoa(100 + rng.IntN(5))
			if rng.IntN(4) == 0 {
				x += ".5" // within 1 % of a neighbour
			}
			y := strconv.Itoa(rng.IntN(3))
			if rng.IntN(10) == 0 {
				y = ""
			}
			rows = append(rows, fmt.Sprintf("%c;%s;%s;%c", 'a'+rune(rng.IntN(3)), x, y, 'p'+rune(rng.IntN(2))))
		}
		return rows
	}
	real, syn := tables(t, cols, gen(300), gen(400))
	got, err := RowCopies(real, syn)
	if err != nil {
		t.Fatal(err)
	}
	var exact, novel int
	for i := 0; i < syn.Rows; i++ {
		matched, copied := false, false
		for r := 0; r < real.Rows; r++ {
			m, e := true, true
			for j, c := range syn.Columns {
				rc := real.Columns[j]
				if !c.Numeric {
					if c.Codes[i] != rc.Codes[r] {
						m, e = false, false
					}
					continue
				}
				s, v := c.Nums[i], rc.Nums[r]
				switch {
				case math.IsNaN(s) || math.IsNaN(v):
					if math.IsNaN(s) != math.IsNaN(v) {
						m, e = false, false
					}
				case math.Abs(s-v) > NumericMatchTolerance*math.Abs(s):
					m, e = false, false
				case s != v:
					e = false
				}
			}
			matched = matched || m
			copied = copied || e
		}
		if !matched {
			novel++
		}
		if copied {
			exact++
		}
	}
	if got.ExactCopyRows != exact || !near(got.NewRowSynthesis, float64(novel)/float64(syn.Rows)) {
		t.Errorf("RowCopies = %d exact, NewRowSynthesis %v; brute force %d, %v", got.ExactCopyRows, got.NewRowSynthesis, exact, float64(novel)/float64(syn.Rows))
	}
	if exact == 0 || novel == 0 || exact == syn.Rows {
		t.Fatalf("weak test: %d exact copies and %d new rows of %d", exact, novel, syn.Rows)
	}
}

func TestDict(t *testing.T) {
	var d Dict
	if _, ok := d.Lookup("x"); ok {
		t.Error("Lookup on an empty Dict found a text")
	}
	// 100,000 texts: the index grows many times over.
	for i := range 100_000 {
		s := "t" + strconv.Itoa(i%70_000)
		want := int32(i % 70_000)
		if got := d.Code(s); got != want {
			t.Fatalf("Code(%q) = %d, want %d", s, got, want)
		}
	}
	if d.Len() != 70_000 {
		t.Errorf("Len() = %d, want 70000", d.Len())
	}
	for _, i := range []int32{0, 1, 69_999} {
		s := "t" + strconv.Itoa(int(i))
		if c, ok := d.Lookup(s); !ok || c != i || d.Text(c) != s {
			t.Errorf("Lookup(%q) = %d, %v, Text %q, want %d", s, c, ok, d.Text(c), i)
		}
	}
	if _, ok := d.Lookup("t70000"); ok {
		t.Error("Lookup(t70000) found a text never added")
	}
}

func TestTableView(t *testing.T) {
	real, _ := tables(t, []dataset.Column{catCol("a"), numCol("n")}, []string{"x;1", "y;2"}, []string{"x;1"})
	v := real.View("view")
	if v.Rows != 2 || v.Col("a").Codes[1] != real.Col("a").Codes[1] {
		t.Fatalf("View does not hold the table's rows")
	}
	v.Col("a").Codes = []int32{-1, -1}
	if real.Col("a").Codes[0] < 0 {
		t.Error("replacing a view's codes changed the table")
	}
}
