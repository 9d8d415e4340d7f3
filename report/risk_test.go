package report

import (
	"math"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/report/metrics"
)

// testFrame builds a frame of categorical columns from rows of texts ("" is
// null) in a fresh domain.
func testFrame(t *testing.T, dom *metrics.Domain, names []string, rows [][]string) *frame {
	t.Helper()
	cols := make([]dataset.Column, len(names))
	specs := make([]*colSpec, len(names))
	for i, n := range names {
		cols[i] = dataset.Column{Name: n}
		specs[i] = &colSpec{name: n}
	}
	tab, err := dom.FromStrings("test", cols, rows)
	if err != nil {
		t.Fatal(err)
	}
	return wrap(tab, specs)
}

func TestClassesAndSummary(t *testing.T) {
	// Three classes over (a, b): {x,1}×3, {x,2}×1, {y,1}×2; nulls form a
	// value of their own, so {"",1} is a fourth class of 1.
	rows := [][]string{{"x", "1"}, {"x", "1"}, {"x", "1"}, {"x", "2"}, {"y", "1"}, {"y", "1"}, {"", "1"}}
	f := testFrame(t, metrics.NewDomain(), []string{"a", "b"}, rows)
	ids, sizes := classes(f, []string{"a", "b"})
	if len(sizes) != 4 {
		t.Fatalf("classes() = %d classes, want 4", len(sizes))
	}
	if ids[0] != ids[2] || ids[0] == ids[3] {
		t.Errorf("classes() ids = %v: rows 0-2 must share a class, row 3 not", ids)
	}
	st := summarise(sizes, len(rows), 3)
	// Hand-computed: min 1; max prosecutor risk 1/1; average 4 classes / 7
	// rows; uniques: the {x,2} and {null,1} rows; rows in classes < 3: 1+2+1.
	if st.minSize != 1 || st.prosecutorMax != 1 || math.Abs(st.prosecutorAvg-4.0/7) > 1e-12 || st.uniques != 2 || st.rowsBelow != 4 {
		t.Errorf("summarise() = %+v, want min 1, max risk 1, avg 4/7, 2 uniques, 4 rows below k=3", st)
	}
	// Median class size over records: sizes sorted 1,1,2,3 cover rows
	// 1,2,4,7; the 4th row (of 7) sits in a class of 2.
	if st.medianSize != 2 {
		t.Errorf("summarise().medianSize = %v, want 2", st.medianSize)
	}
}

func TestLDiversity(t *testing.T) {
	// Class A: sensitive values p,p,p,q (top share 75 %); class B: r,r (one
	// value, homogeneous); class C: p,q,r.
	dom := metrics.NewDomain()
	qi := testFrame(t, dom, []string{"k", "s"}, [][]string{
		{"A", "p"}, {"A", "p"}, {"A", "p"}, {"A", "q"}, {"B", "r"}, {"B", "r"}, {"C", "p"}, {"C", "q"}, {"C", "r"}})
	ids, sizes := classes(qi, []string{"k"})
	d := lDiversity(ids, sizes, qi.col("s").codes)
	// min distinct l = 1 (class B); entropy l of B = exp(0) = 1; homogeneous
	// classes: B only (A's top value holds 75 % < 90 %): 1 of 3 classes, 2
	// of 9 rows.
	if d.minDistinct != 1 || d.minEntropyL != 1 || math.Abs(d.homogeneous-1.0/3) > 1e-12 || math.Abs(d.homogeneousRows-2.0/9) > 1e-12 {
		t.Errorf("lDiversity() = %+v, want distinct 1, entropy 1, homogeneous 1/3 of classes, 2/9 of rows", d)
	}
}

func TestCAPProtection(t *testing.T) {
	// Real rows (key, sensitive): (a,x) (a,y) (b,x) (c,z). Released rows:
	// (a,x) (a,x) (a,y) (b,y). Hand-computed CAP per real row: (a,x): 2/3;
	// (a,y): 1/3; (b,x): 0/1; (c,z): key unseen, skipped. Mean 1/3, so
	// protection 2/3; baseline 1 − 1/3 (x, y, z); score min((2/3)/(2/3), 1) = 1.
	// Keys as class ids: a = 0, b = 1; c does not occur in the release (−1).
	realKey := []int32{0, 0, 1, -1}
	relKey := []int32{0, 0, 0, 1}
	realSens := []int32{0, 1, 0, 2}
	relSens := []int32{0, 0, 1, 1}
	score, prot, base, matched := capProtection(realKey, relKey, realSens, relSens)
	if matched != 3 || math.Abs(prot-2.0/3) > 1e-12 || math.Abs(base-2.0/3) > 1e-12 || math.Abs(score-1) > 1e-12 {
		t.Errorf("capProtection() = %v, %v, %v, %d; want 1, 2/3, 2/3, 3", score, prot, base, matched)
	}
	// A release that copies every real row: CAP is 1 for unique keys, so
	// protection 0 and score 0.
	score, _, _, _ = capProtection([]int32{0, 1}, []int32{0, 1}, []int32{0, 1}, []int32{0, 1})
	if score != 0 {
		t.Errorf("capProtection(copies) = %v, want 0", score)
	}
}

func TestKeyIDs(t *testing.T) {
	dom := metrics.NewDomain()
	rel := testFrame(t, dom, []string{"k"}, [][]string{{"a"}, {"b"}, {"a"}})
	real := testFrame(t, dom, []string{"k"}, [][]string{{"b"}, {"c"}, {"a"}})
	realIDs, relIDs := keyIDs(real, rel, []string{"k"}, nil)
	// Released keys numbered in order of appearance: a 0, b 1; c is not in
	// the release.
	if want := []int32{0, 1, 0}; !equalInts(relIDs, want) {
		t.Errorf("keyIDs() released = %v, want %v", relIDs, want)
	}
	if want := []int32{1, -1, 0}; !equalInts(realIDs, want) {
		t.Errorf("keyIDs() real = %v, want %v", realIDs, want)
	}
}

func equalInts(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParsePattern(t *testing.T) {
	tests := []struct {
		name, pattern string
		covers        []string
		misses        []string
	}{
		{"star", "*", []string{"anything", "12"}, nil},
		{"half-open interval", "[20,30)", []string{"20", "29.9"}, []string{"30", "19", "x"}},
		{"closed interval", "[20, 30]", []string{"30"}, []string{"31"}},
		{"ARX range", "30-39", []string{"30", "39"}, []string{"40", "29"}},
		{"top coding", "90+", []string{"90", "104"}, []string{"89"}},
		{"at least", ">=65", []string{"65"}, []string{"64"}},
		{"below", "<18", []string{"17"}, []string{"18"}},
		{"zip mask", "123**", []string{"12345", "12399"}, []string{"1234", "12445"}},
		{"full mask", "*****", []string{"12345", "99999"}, []string{"1234", "123456"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := parsePattern(tc.pattern)
			if !ok {
				t.Fatalf("parsePattern(%q) = not a pattern", tc.pattern)
			}
			for _, v := range tc.covers {
				if !p.covers(v, false) {
					t.Errorf("parsePattern(%q).covers(%q) = false, want true", tc.pattern, v)
				}
			}
			for _, v := range tc.misses {
				if p.covers(v, false) {
					t.Errorf("parsePattern(%q).covers(%q) = true, want false", tc.pattern, v)
				}
			}
		})
	}
	for _, plain := range []string{"Male", "12345", "-5", "Bachelors"} {
		if _, ok := parsePattern(plain); ok {
			t.Errorf("parsePattern(%q) = a pattern, want a plain value", plain)
		}
	}
	d, ok := truncatedDate("2024-05")
	if !ok || !d.covers("2024-05-17", true) || d.covers("2024-06-01", true) {
		t.Errorf("truncatedDate(2024-05) does not cover exactly May 2024")
	}
}

func TestPatternMapNarrowest(t *testing.T) {
	// Local recoding: 25 is covered by [20,30) and [20,40); the narrower wins.
	rm := patternMap([]string{"[20,40)", "[20,30)", "*"}, []string{"25", "35", "x"}, dataset.Integer)
	want := map[string]string{"25": "[20,30)", "35": "[20,40)", "x": "*"}
	for k, v := range want {
		if rm.m[k] != v {
			t.Errorf("patternMap()[%q] = %q, want %q", k, rm.m[k], v)
		}
	}
}

func TestNiceEdges(t *testing.T) {
	tests := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		// Adult's ages 17..90 in about 10 bins: a step of 10 (7.3 rounded up
		// to 10), from 10 to 90 and one more edge above 90.
		{17, 90, 10, []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}},
		{0, 1, 4, []float64{0, 0.5, 1, 1.5}},
	}
	for _, tc := range tests {
		got := niceEdges(tc.lo, tc.hi, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("niceEdges(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("niceEdges(%v, %v, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
				break
			}
		}
	}
	edges := []float64{10, 20, 30}
	for _, tc := range []struct {
		y    float64
		want int
	}{{5, 0}, {10, 0}, {19.9, 0}, {20, 1}, {30, 1}, {99, 1}} {
		if got := edgeBin(edges, tc.y); got != tc.want {
			t.Errorf("edgeBin(%v, %v) = %d, want %d", edges, tc.y, got, tc.want)
		}
	}
}

func TestAssociations(t *testing.T) {
	// Perfectly dependent categories: V = 1; independent (every cell
	// equal): V = 0.
	if v := cramerV([]int32{0, 0, 1, 1}, []int32{0, 0, 1, 1}); math.Abs(v-1) > 1e-12 {
		t.Errorf("cramerV(dependent) = %v, want 1", v)
	}
	if v := cramerV([]int32{0, 0, 1, 1}, []int32{0, 1, 0, 1}); math.Abs(v) > 1e-12 {
		t.Errorf("cramerV(independent) = %v, want 0", v)
	}
	// Groups 0 and 1 with means 1 and 3, no spread within: η = 1.
	if v := corrRatio([]float64{1, 1, 3, 3}, []int32{0, 0, 1, 1}); math.Abs(v-1) > 1e-12 {
		t.Errorf("corrRatio = %v, want 1", v)
	}
	if v := metrics.Pearson([]float64{1, 2, 3}, []float64{2, 4, 6}); math.Abs(v-1) > 1e-12 {
		t.Errorf("pearson = %v, want 1", v)
	}
}

func TestNearest2(t *testing.T) {
	dom := metrics.NewDomain()
	ref := testFrame(t, dom, []string{"a", "b"}, [][]string{{"x", "1"}, {"x", "2"}, {"y", "3"}})
	q := testFrame(t, dom, []string{"a", "b"}, [][]string{{"x", "1"}, {"y", "9"}})
	d1, d2 := nearest2(q, ref)
	// Row (x,1): a copy (0), then (x,2) differs in one of two columns (0.5).
	// Row (y,9): (y,3) differs in b (0.5); the others differ in both (1).
	want := [][2]float64{{0, 0.5}, {0.5, 1}}
	for i := range want {
		if d1[i] != want[i][0] || d2[i] != want[i][1] {
			t.Errorf("nearest2 row %d = %v, %v; want %v", i, d1[i], d2[i], want[i])
		}
	}
}
