package metrics

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

const tol = 1e-9

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

var (
	catCol = func(name string) dataset.Column { return dataset.Column{Name: name, Kind: dataset.String} }
	numCol = func(name string) dataset.Column { return dataset.Column{Name: name, Kind: dataset.Integer} }
)

// tables builds a real and a synthetic table in one domain from columns
// and rows given as "a;b" strings ("" cells are null).
func tables(t *testing.T, cols []dataset.Column, real, syn []string) (*Table, *Table) {
	t.Helper()
	d := NewDomain()
	split := func(rows []string) [][]string {
		var out [][]string
		for _, r := range rows {
			out = append(out, strings.Split(r, ";"))
		}
		return out
	}
	r, err := d.FromStrings("real", cols, split(real))
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.FromStrings("syn", cols, split(syn))
	if err != nil {
		t.Fatal(err)
	}
	return r, s
}

func TestNewBinning(t *testing.T) {
	tests := []struct {
		name        string
		vals        []float64
		exact, bins int
		want        []float64
		probe       []float64
		wantBins    []int32
	}{
		{
			// Three distinct values: one bin each, edges half-way.
			name: "exact", vals: []float64{1, 1, 2, 4, math.NaN()}, exact: 3, bins: 2,
			want: []float64{1.5, 3}, probe: []float64{0, 1, 2, 3.5, 9, math.NaN()}, wantBins: []int32{0, 0, 1, 2, 2, 3},
		},
		{
			// 1..10 in 2 equal-frequency bins: the 5th value (0-based) starts
			// the second bin: edge at ceil(1·10/2) = 5 -> value 6.
			name: "quantile", vals: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, exact: 3, bins: 2,
			want: []float64{6}, probe: []float64{5.9, 6}, wantBins: []int32{0, 1},
		},
		{
			// A spike: eight zeros then 1, 2. Five bins put edges at sorted
			// indices ceil(i·10/5) = 2, 4, 6, 8, values 0, 0, 0, 1; edges equal
			// to the minimum are dropped, leaving one edge, 1.
			name: "spike", vals: []float64{0, 0, 0, 0, 0, 0, 0, 0, 1, 2}, exact: 2, bins: 5,
			want: []float64{1}, probe: []float64{0, 1, 2}, wantBins: []int32{0, 1, 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBinning(tc.vals, tc.exact, tc.bins)
			if !slices.Equal(b.Edges, tc.want) {
				t.Fatalf("NewBinning(%v).Edges = %v, want %v", tc.vals, b.Edges, tc.want)
			}
			for i, v := range tc.probe {
				if got := b.Bin(v); got != tc.wantBins[i] {
					t.Errorf("Bin(%v) = %d, want %d", v, got, tc.wantBins[i])
				}
			}
		})
	}
}

func TestMarginalTVD(t *testing.T) {
	cols := []dataset.Column{catCol("a"), catCol("b")}
	// Hand computation. 1-way a: real x 2/4, y 2/4; syn x 1/4, y 3/4 ->
	// ½(¼+¼) = 0.25. 1-way b: real p 2/4, null 2/4; syn p 3/4, null 1/4 ->
	// 0.25. Mean 0.25.
	// 2-way: real cells (x,p) ¼ (x,null) ¼ (y,p) ¼ (y,null) ¼;
	// syn (x,p) ¼ (y,p) ½ (y,null) ¼ -> ½(0 + ¼ + ¼ + 0) = 0.25.
	real, syn := tables(t, cols,
		[]string{"x;p", "x;", "y;p", "y;"},
		[]string{"x;p", "y;p", "y;p", "y;"})
	for _, tc := range []struct {
		k    int
		mean float64
	}{{1, 0.25}, {2, 0.25}} {
		got, err := MarginalTVD(real, syn, tc.k, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Mean, tc.mean) {
			t.Errorf("MarginalTVD(k=%d).Mean = %v, want %v", tc.k, got.Mean, tc.mean)
		}
	}
	// Identical tables: 0; disjoint values: 1.
	same, _ := MarginalTVD(real, real, 2, nil)
	if same.Mean != 0 {
		t.Errorf("MarginalTVD(real, real) = %v, want 0", same.Mean)
	}
	r2, s2 := tables(t, []dataset.Column{catCol("a")}, []string{"x", "x"}, []string{"y", "z"})
	dis, _ := MarginalTVD(r2, s2, 1, nil)
	if !near(dis.Mean, 1) {
		t.Errorf("MarginalTVD(disjoint) = %v, want 1", dis.Mean)
	}
	if _, err := MarginalTVD(real, syn, 3, nil); err == nil {
		t.Error("MarginalTVD(k=3) of 2 columns: no error")
	}
}

func TestMarginalTVDNumericBins(t *testing.T) {
	// Numeric column with 4 distinct real values and ExactValues 2: cut into
	// 2 equal-frequency bins on real = {1,2} | {3,4} (edge at value 3).
	// Syn values 1, 2, 2, 3: bins 0,0,0,1 -> ¾ vs real ½: TVD ¼.
	real, syn := tables(t, []dataset.Column{numCol("n")}, []string{"1", "2", "3", "4"}, []string{"1", "2", "2", "3"})
	got, err := MarginalTVD(real, syn, 1, &MarginalOptions{ExactValues: 2, Bins: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.Mean, 0.25) {
		t.Errorf("MarginalTVD(binned) = %v, want 0.25", got.Mean)
	}
	// With every value exact: real ¼ each; syn 1:¼ 2:½ 3:¼ 4:0 -> ½(0+¼+0+¼) = ¼.
	got, _ = MarginalTVD(real, syn, 1, nil)
	if !near(got.Mean, 0.25) {
		t.Errorf("MarginalTVD(exact) = %v, want 0.25", got.Mean)
	}
}

func TestShapes(t *testing.T) {
	tests := []struct {
		name      string
		col       dataset.Column
		real, syn []string
		want      float64
	}{
		// scipy.stats.ks_2samp([1,2,3,4], [3,4,5,6]).statistic = 0.5.
		{"ks shifted", numCol("n"), []string{"1", "2", "3", "4"}, []string{"3", "4", "5", "6"}, 0.5},
		// Ties: F_R = F_S at every distinct value -> D = 0.
		{"ks equal with ties", numCol("n"), []string{"1", "1", "2", ""}, []string{"2", "1", "1"}, 1},
		// ks_2samp([1,2], [3]) = 1.
		{"ks disjoint", numCol("n"), []string{"1", "2"}, []string{"3"}, 0},
		{"ks all null", numCol("n"), []string{""}, []string{"3"}, math.NaN()},
		// Non-null real a 2/3 b 1/3; syn a ¼ b ½ c ¼: ½(5/12 + 1/6 + ¼) = 5/12.
		{"tv", catCol("c"), []string{"a", "a", "b", ""}, []string{"a", "b", "b", "c"}, 1 - 5.0/12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, s := tables(t, []dataset.Column{tc.col}, tc.real, tc.syn)
			var got float64
			if tc.col.Kind == dataset.String {
				got = TVComplement(r.Columns[0], s.Columns[0])
			} else {
				got = KSComplement(r.Columns[0], s.Columns[0])
			}
			if !near(got, tc.want) {
				t.Errorf("score(%v, %v) = %v, want %v", tc.real, tc.syn, got, tc.want)
			}
		})
	}
}

func TestCorrelationSimilarity(t *testing.T) {
	cols := []dataset.Column{numCol("x"), numCol("y")}
	tests := []struct {
		name      string
		real, syn []string
		score, r  float64
	}{
		// r_R = 1, r_S = −1: 1 − 2/2 = 0.
		{"opposite", []string{"1;1", "2;2", "3;3"}, []string{"1;3", "2;2", "3;1"}, 0, 1},
		// The null row is dropped: both r = 1 -> 1.
		{"nulls dropped", []string{"1;1", "2;2", "3;3", ";7"}, []string{"1;2", "2;4", "3;6"}, 1, 1},
		// Constant synthetic column: undefined.
		{"constant", []string{"1;1", "2;2"}, []string{"1;5", "2;5"}, math.NaN(), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, s := tables(t, cols, tc.real, tc.syn)
			score, rr := CorrelationSimilarity(r.Columns[0], r.Columns[1], s.Columns[0], s.Columns[1])
			if !near(score, tc.score) || !near(rr, tc.r) {
				t.Errorf("CorrelationSimilarity = %v, r_R %v, want %v, %v", score, rr, tc.score, tc.r)
			}
		})
	}
}

func TestCramersV(t *testing.T) {
	tests := []struct {
		name   string
		counts [2][2]int // rows a ∈ {0,1} × b ∈ {0,1}
		want   float64
	}{
		{"perfect", [2][2]int{{10, 0}, {0, 10}}, 1},
		{"independent", [2][2]int{{5, 5}, {5, 5}}, 0},
		// n = 100, margins 30/70 and 40/60, E = 12 18 28 42:
		// χ² = 4/12 + 4/18 + 4/28 + 4/42 = 0.793650..., V = √(χ²/100).
		// scipy.stats.contingency.association([[10,20],[30,40]], method="cramer")
		// = 0.08908708063747481.
		{"scipy", [2][2]int{{10, 20}, {30, 40}}, 0.08908708063747481},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a, b []int32
			for i := range 2 {
				for j := range 2 {
					for range tc.counts[i][j] {
						a = append(a, int32(i))
						b = append(b, int32(j))
					}
				}
			}
			if got := CramersV(a, b); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("CramersV(%v) = %v, want %v", tc.counts, got, tc.want)
			}
		})
	}
}

func TestContingencySimilarity(t *testing.T) {
	t.Run("categorical", func(t *testing.T) {
		// Real cells (x,p) ½ (y,q) ½; syn (x,p) ¼ (y,q) ½ (x,q) ¼:
		// ½(¼ + 0 + ¼) = ¼ -> 0.75. Real V = 1 (perfect association).
		r, s := tables(t, []dataset.Column{catCol("a"), catCol("b")},
			[]string{"x;p", "y;q"}, []string{"x;p", "y;q", "y;q", "x;q"})
		score, v := ContingencySimilarity(r.Columns[0], r.Columns[1], s.Columns[0], s.Columns[1], nil)
		if !near(score, 0.75) || !near(v, 1) {
			t.Errorf("ContingencySimilarity = %v, V %v, want 0.75, 1", score, v)
		}
	})
	t.Run("digitize quirk", func(t *testing.T) {
		// Numeric 0..10 on its own range: 10 equal-width bins of width 1;
		// numpy.digitize puts 0 in 1, 9 in 10 and the maximum 10 in 11, with
		// null. So real {10, null} share a cell: with b constant, the joint
		// is the binned numeric column. Real: 0,9,10,null -> bins 1,10,11,11.
		// Syn 0,9,10,10 -> 1,10,11,11: identical -> 1.
		r, s := tables(t, []dataset.Column{numCol("n"), catCol("b")},
			[]string{"0;z", "9;z", "10;z", ";z"}, []string{"0;z", "9;z", "10;z", "10;z"})
		got := contingencyCodes(r.Columns[0], allRows(4))
		if want := []int32{1, 10, 11, 11}; !slices.Equal(got, want) {
			t.Errorf("contingencyCodes = %v, want %v", got, want)
		}
		score, _ := ContingencySimilarity(r.Columns[0], r.Columns[1], s.Columns[0], s.Columns[1], nil)
		if !near(score, 1) {
			t.Errorf("ContingencySimilarity = %v, want 1", score)
		}
	})
}

func TestQualityScore(t *testing.T) {
	cols := []dataset.Column{catCol("a"), catCol("b")}
	// Column shapes: a: real x ½ y ½, syn x ¼ y ¾ -> 0.75; b: real p ½ q ½,
	// syn p ½ q ½ -> 1. Mean 0.875.
	// Pair (a, b): real V = 1 > 0.3, so it counts. Real (x,p) ½ (y,q) ½;
	// syn (x,p) ¼ (y,p) ¼ (y,q) ½ -> ½(¼ + ¼ + 0) = ¼ -> 0.75.
	// Quality = (0.875 + 0.75)/2 = 0.8125.
	r, s := tables(t, cols, []string{"x;p", "y;q"}, []string{"x;p", "y;p", "y;q", "y;q"})
	q, err := QualityScore(r, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(q.ColumnShapes, 0.875) || !near(q.ColumnPairTrends, 0.75) || !near(q.Score, 0.8125) {
		t.Errorf("QualityScore = %v / %v / %v, want 0.875 / 0.75 / 0.8125", q.ColumnShapes, q.ColumnPairTrends, q.Score)
	}
	// A pair below the threshold is listed but not averaged: real a, b
	// independent (V = 0) leaves no pair, so the property is NaN and the
	// score is Column Shapes alone; AllPairs averages it anyway.
	r, s = tables(t, cols, []string{"x;p", "x;q", "y;p", "y;q"}, []string{"x;p", "x;p", "y;q", "y;q"})
	q, _ = QualityScore(r, s, nil)
	if !math.IsNaN(q.ColumnPairTrends) || q.Pairs[0].MeetsThreshold || !near(q.Score, q.ColumnShapes) {
		t.Errorf("QualityScore(independent) trends = %v (meets %v), score %v, want NaN, false, %v",
			q.ColumnPairTrends, q.Pairs[0].MeetsThreshold, q.Score, q.ColumnShapes)
	}
	// All pairs: real cells ¼ each, syn (x,p) ½ (y,q) ½ -> ½(¼+¼+¼+¼) = ½.
	q, _ = QualityScore(r, s, &TrendOptions{AllPairs: true})
	if !near(q.ColumnPairTrends, 0.5) {
		t.Errorf("QualityScore(all pairs) trends = %v, want 0.5", q.ColumnPairTrends)
	}
}

func TestDistances(t *testing.T) {
	cols := []dataset.Column{catCol("c"), numCol("n")}
	// Reference n ranges over [0, 10] (range 10). Query rows:
	//   "a;0" equals a reference row: 0, one tie.
	//   "a;4": closest "a;5": (0 + 1/10)/2 = 0.05.
	//   "z;5": no category matches; closest n=5 rows ("a;5", "b;5"):
	//          (1 + 0)/2 = 0.5, two ties.
	//   "b;": null number against values: (0 + 1)/2 = 0.5 to "b;5" and
	//         "b;10"... ties: every "b" row -> 2; "a" rows give 1.
	//   "a;30": |30−10|/10 clipped to 1: "a;5" and "a;0" both (0+1)/2 = 0.5;
	//         "b;10" (1+1)/2. So 0.5 with ties 2.
	ref, q := tables(t, cols, []string{"a;0", "a;5", "b;5", "b;10"}, []string{"a;0", "a;4", "z;5", "b;", "a;30"})
	d, ties, err := distances(context.Background(), q, ref, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0.05, 0.5, 0.5, 0.5}
	wantTies := []int32{1, 1, 2, 2, 2}
	for i := range want {
		if !near(d[i], want[i]) || ties[i] != wantTies[i] {
			t.Errorf("DCR(row %d) = %v (%d ties), want %v (%d)", i, d[i], ties[i], want[i], wantTies[i])
		}
	}
}

// bruteDCR is the definition of DCR computed row by row, to check the
// bitset search against.
func bruteDCR(q, ref *Table) []float64 {
	out := make([]float64, q.Rows)
	for i := range out {
		best := math.Inf(1)
		for j := 0; j < ref.Rows; j++ {
			var d float64
			for _, rc := range ref.Columns {
				qc := q.Col(rc.Name)
				if rc.Numeric {
					lo, hi := math.Inf(1), math.Inf(-1)
					for _, v := range rc.Nums {
						if !math.IsNaN(v) {
							lo, hi = math.Min(lo, v), math.Max(hi, v)
						}
					}
					x, y := qc.Nums[i], rc.Nums[j]
					switch {
					case math.IsNaN(x) && math.IsNaN(y):
					case math.IsNaN(x) || math.IsNaN(y):
						d++
					case hi == lo:
						if x != y {
							d++
						}
					default:
						d += math.Min(math.Abs(x-y)/(hi-lo), 1)
					}
				} else if qc.Codes[i] != rc.Codes[j] {
					d++
				}
			}
			best = math.Min(best, d/float64(len(ref.Columns)))
		}
		out[i] = best
	}
	return out
}

func TestDistancesMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	cols := []dataset.Column{catCol("a"), catCol("b"), numCol("n"), catCol("c"), numCol("m")}
	gen := func(n int) []string {
		var rows []string
		for range n {
			cell := func(k int, numeric bool) string {
				if rng.IntN(10) == 0 {
					return ""
				}
				if numeric {
					return strconv.Itoa(rng.IntN(k))
				}
				return string(rune('a' + rng.IntN(k)))
			}
			rows = append(rows, strings.Join([]string{cell(3, false), cell(4, false), cell(50, true), cell(2, false), cell(5, true)}, ";"))
		}
		return rows
	}
	// 150 reference rows span three 64-bit words, the last partial.
	ref, q := tables(t, cols, gen(150), gen(60))
	got, err := Distances(q, ref, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := bruteDCR(q, ref)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("Distances row %d = %v, want %v (brute force)", i, got[i], want[i])
		}
	}
}

func TestDCROverfittingProtection(t *testing.T) {
	cols := []dataset.Column{catCol("a"), catCol("b")}
	train := []string{"x;1", "x;2", "y;1", "y;2"}
	hold := []string{"z;3", "w;4", "x;1", "y;9"}
	d := NewDomain()
	sp := func(rows []string) [][]string {
		var out [][]string
		for _, r := range rows {
			out = append(out, strings.Split(r, ";"))
		}
		return out
	}
	tr, _ := d.FromStrings("train", cols, sp(train))
	ho, _ := d.FromStrings("holdout", cols, sp(hold))
	// Synthetic rows and their closest real rows:
	//   "x;2": train (distance 0) -> counts 1 towards training.
	//   "z;3": holdout (0) -> 0.
	//   "x;1": train "x;1" and holdout "x;1" tie at 0 -> ½.
	//   "y;2": train (0) -> 1.
	// p = (1 + 0 + ½ + 1)/4 = 0.625; p₀ = 4/8 = ½;
	// score = (1 − 0.625)/(1 − ½) = 0.75.
	// SDMetrics counts strict wins only: 2/4 -> min(2·½, 1) = 1.
	sy, _ := d.FromStrings("syn", cols, sp([]string{"x;2", "z;3", "x;1", "y;2"}))
	got, err := DCROverfittingProtection(tr, ho, sy, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.CloserToTraining, 0.625) || !near(got.Expected, 0.5) || !near(got.Score, 0.75) || !near(got.SDMetricsScore, 1) {
		t.Errorf("DCROverfittingProtection = %+v, want p 0.625, p0 0.5, score 0.75, SDMetrics 1", got)
	}
}

// adult loads the Adult extract of testdata.
func adult(t testing.TB) *Table {
	t.Helper()
	r, err := dataset.Open("../../testdata/adult/adult.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tb, err := NewDomain().Load(context.Background(), r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestDCROverfittingProtectionAdult(t *testing.T) {
	real := adult(t)
	rest, fresh := real.Split(0.8, rand.New(rand.NewPCG(1, 1)))
	train, hold := rest.Split(0.8, rand.New(rand.NewPCG(2, 2)))
	copier := train.Resample(fresh.Rows, rand.New(rand.NewPCG(3, 3)))
	opt := &DCROptions{Seed: 1}
	good, err := DCROverfittingProtection(train, hold, fresh, opt)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := DCROverfittingProtection(train, hold, copier, opt)
	if err != nil {
		t.Fatal(err)
	}
	// Unseen real rows are the ideal generator: their score is 1 up to
	// sampling error. With 6,032 rows p has a standard deviation of
	// √(0.8·0.2/6032) = 0.0052, that is 0.026 of score: 0.9 is 3.8 standard
	// deviations below 1 (false failure below 1e-4). A copier of training
	// rows lands near 0.3 (0.31 at these seeds); 0.6 leaves a wide margin.
	if good.Score < 0.9 {
		t.Errorf("DCROverfittingProtection(unseen rows) = %v, want >= 0.9", good.Score)
	}
	if bad.Score > 0.6 {
		t.Errorf("DCROverfittingProtection(copies of training rows) = %v, want <= 0.6", bad.Score)
	}
}

func TestDCRBaselineProtection(t *testing.T) {
	real := adult(t)
	opt := &DCROptions{Seed: 3, SampleRows: 2000, RefRows: -1}
	// Real rows against all real rows: median DCR 0 -> score 0.
	self, err := DCRBaselineProtection(real, real, opt)
	if err != nil {
		t.Fatal(err)
	}
	if self.Score != 0 || self.MedianRandom <= 0 {
		t.Errorf("DCRBaselineProtection(real, real) = %+v, want score 0 and a positive random median", self)
	}
	// The random table against itself as "synthetic" is its own baseline: 1.
	rnd := randomTable(real, 2000, rand.New(rand.NewPCG(9, 9)))
	got, err := DCRBaselineProtection(real, rnd, opt)
	if err != nil {
		t.Fatal(err)
	}
	// Two independent random tables have medians within a few percent;
	// 0.8 is far below that.
	if got.Score < 0.8 {
		t.Errorf("DCRBaselineProtection(real, random) = %+v, want >= 0.8", got)
	}
}

func TestRowCopies(t *testing.T) {
	cols := []dataset.Column{catCol("c"), {Name: "x", Kind: dataset.Float}}
	// Real rows; synthetic rows and why:
	//   "a;100"   exact copy.
	//   "a;100.5" within 1 % of 100.5 (tolerance 1.005) of 100: a match, not
	//             exact.
	//   "a;102"   |100 − 102| = 2 > 1.02: new.
	//   "b;"      null matches null: exact copy.
	//   "c;1"     unseen category: new.
	real, syn := tables(t, cols, []string{"a;100", "b;", "b;5"}, []string{"a;100", "a;100.5", "a;102", "b;", "c;1"})
	got, err := RowCopies(real, syn)
	if err != nil {
		t.Fatal(err)
	}
	if got.ExactCopyRows != 2 || !near(got.NewRowSynthesis, 2.0/5) {
		t.Errorf("RowCopies = %+v, want 2 exact copies and NewRowSynthesis 0.4", got)
	}
}

func TestLoadSampling(t *testing.T) {
	// 1,000 rows capped at 100: a uniform sample of 100 rows, the same for
	// the same seed, different for another.
	var rows [][]string
	for i := range 1000 {
		rows = append(rows, []string{strconv.Itoa(i)})
	}
	load := func(seed uint64) *Table {
		r := &sliceReader{name: "t", schema: dataset.Schema{Columns: []dataset.Column{numCol("i")}}, rows: rows}
		tb, err := NewDomain().Load(context.Background(), r, &LoadOptions{MaxRows: 100, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	a, b, c := load(1), load(1), load(2)
	if a.Rows != 100 || a.TotalRows != 1000 || !a.Sampled() {
		t.Fatalf("Load(cap 100) = %d rows of %d, want 100 of 1000", a.Rows, a.TotalRows)
	}
	if !slices.Equal(a.Columns[0].Nums, b.Columns[0].Nums) {
		t.Error("Load with the same seed kept different rows")
	}
	if slices.Equal(a.Columns[0].Nums, c.Columns[0].Nums) {
		t.Error("Load with another seed kept the same rows")
	}
	// A uniform sample of 100 of 0..999 has mean 499.5 with standard error
	// 288.7/√100 ≈ 29 (less without replacement): 150 is 5 standard errors.
	var s float64
	for _, v := range a.Columns[0].Nums {
		s += v
	}
	if m := s / 100; math.Abs(m-499.5) > 150 {
		t.Errorf("sample mean = %v, want near 499.5", m)
	}
}

func TestLoadErrors(t *testing.T) {
	d := NewDomain()
	_, err := d.FromStrings("in.csv", []dataset.Column{numCol("age")}, [][]string{{"1"}, {"x"}})
	var de *dataset.DataError
	if !errors.As(err, &de) || de.Row != 2 || de.Column != "age" || strings.Contains(err.Error(), `"x"`) {
		t.Errorf("Load(bad number) = %v, want a DataError at row 2, column age, without the value", err)
	}
	a, _ := NewDomain().FromStrings("a", []dataset.Column{catCol("c")}, [][]string{{"x"}})
	b, _ := NewDomain().FromStrings("b", []dataset.Column{catCol("c")}, [][]string{{"x"}})
	if _, err := MarginalTVD(a, b, 1, nil); !errors.Is(err, ErrMismatch) {
		t.Errorf("MarginalTVD(tables of two domains) = %v, want ErrMismatch", err)
	}
}

func TestBootstrapFloorAdult(t *testing.T) {
	// The figure the synth targets are stated against: a bootstrap resample
	// of Adult scores a mean 2-way TVD of 0.016 (issue 6). Over seeds it
	// varies by about ±0.0005; 0.014..0.018 holds it.
	real := adult(t)
	b := real.Resample(real.Rows, rand.New(rand.NewPCG(1, 1)))
	got, err := MarginalTVD(real, b, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mean < 0.014 || got.Mean > 0.018 {
		t.Errorf("MarginalTVD(Adult, bootstrap) = %v, want 0.016 ± 0.002", got.Mean)
	}
	if len(got.Sets) != 36 { // 9 columns: C(9,2) pairs
		t.Errorf("MarginalTVD(Adult) has %d pairs, want 36", len(got.Sets))
	}
}
