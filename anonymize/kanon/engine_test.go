package kanon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

func TestCompileRefusesNonTree(t *testing.T) {
	// Row 3's "South" goes to "*" at level 2 as row 1's does, but row 2
	// sends it elsewhere.
	_, err := NewHierarchy("cities.csv", [][]string{
		{"Lyon", "South", "FR"}, {"Nice", "South", "EU"}, {"Lille", "North", "FR"},
	})
	var he *HierarchyError
	if !errors.As(err, &he) || he.RowA != 1 || he.RowB != 2 || he.Level != 1 {
		t.Fatalf("NewHierarchy(non-tree) = %v, want a HierarchyError for rows 1 and 2 at level 1", err)
	}
	if strings.Contains(err.Error(), "South") || he.ExitClass() != "policy" {
		t.Errorf("error %q (class %s) must not quote values and must be a policy error", err, he.ExitClass())
	}
	ph, err := policies.ParseHierarchy(strings.NewReader("a;x;*\nb;x;*\nb2;y;*\n"), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	h, err := Compile(ph)
	if err != nil || h.Height() != 2 || h.Leaves() != 3 || !h.HasTop() {
		t.Fatalf("Compile = %v, %v; want height 2, 3 leaves, a top", h, err)
	}
	if text, null := h.Label(2, 1); text != "y" || null {
		t.Errorf("Label(leaf 2, level 1) = %q, %v, want y", text, null)
	}
}

func TestEncoderErrors(t *testing.T) {
	h, _ := NewHierarchy("sex", [][]string{{"F", "*"}, {"M", "*"}})
	enc, err := NewEncoder([]Attribute{{Name: "sex", Hierarchy: h}, {Name: "age"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		vals []dataset.Value
		attr int
		err  error
	}{
		{"not a leaf", []dataset.Value{dataset.Text("X"), dataset.Text("3")}, 0, ErrNotInHierarchy},
		{"not a number", []dataset.Value{dataset.Text("F"), dataset.Text("3a")}, 1, ErrNotNumber},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := enc.Add(tc.vals)
			var ve *ValueError
			if !errors.As(err, &ve) || ve.Attr != tc.attr || !errors.Is(err, tc.err) {
				t.Fatalf("Add(%v) = %v, want a ValueError for attribute %d wrapping %v", tc.vals, err, tc.attr, tc.err)
			}
			if strings.Contains(err.Error(), tc.vals[tc.attr].Text) {
				t.Errorf("error %q quotes the value", err)
			}
		})
	}
	if _, err := NewEncoder(nil); !errors.Is(err, ErrNoAttributes) {
		t.Errorf("NewEncoder(nil) = %v, want ErrNoAttributes", err)
	}
}

func smallTable(t *testing.T) *Table {
	t.Helper()
	h, _ := NewHierarchy("sex", [][]string{{"F", "*"}, {"M", "*"}})
	enc, _ := NewEncoder([]Attribute{{Name: "sex", Hierarchy: h}}, SensitiveAttribute{Name: "d"})
	for i := range 10 {
		enc.Add([]dataset.Value{dataset.Text([]string{"F", "M"}[i%2]), dataset.Text(strconv.Itoa(i % 3))})
	}
	tab, err := enc.Table()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestConfigErrors(t *testing.T) {
	tab := smallTable(t)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"k", Config{K: 0}, "k must be at least 1"},
		{"limit", Config{K: 2, SuppressionLimit: 1.5}, "suppression_limit"},
		{"metric", Config{K: 2, Metric: "height"}, "unknown metric"},
		{"variant", Config{K: 2, LDiversity: &LDiversity{Variant: "x", L: 2}}, "unknown variant"},
		{"fractional l", Config{K: 2, LDiversity: &LDiversity{Variant: DistinctL, L: 1.5}}, "whole number"},
		{"recursive c", Config{K: 2, LDiversity: &LDiversity{Variant: RecursiveL, L: 2}}, "c > 0"},
		{"t", Config{K: 2, TCloseness: &TCloseness{Distance: EqualDistance, T: 2}}, "between 0 and 1"},
		{"hierarchical t", Config{K: 2, TCloseness: &TCloseness{Distance: HierarchicalDistance, T: 0.2}}, "needs a hierarchy"},
		{"column", Config{K: 2, LDiversity: &LDiversity{Column: "nope", Variant: DistinctL, L: 2}}, "no sensitive column"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Optimal(context.Background(), tab, tc.cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) || ce.ExitClass() != "policy" {
				t.Fatalf("Optimal(%+v) = %v, want a ConfigError containing %q", tc.cfg, err, tc.want)
			}
		})
	}
}

func TestLatticeTooLarge(t *testing.T) {
	// 9 columns of height 1..4: the lattice of Adult has 12,960 nodes; a
	// limit of 1,000 refuses it.
	tab := adultTable(t, adultColumns, "", false)
	_, err := Optimal(context.Background(), tab, Config{K: 5, MaxTransformations: 1000})
	var le *LatticeError
	if !errors.As(err, &le) || le.Nodes != 12960 || le.ExitClass() != "privacy" || !errors.Is(err, ErrLatticeTooLarge) {
		t.Fatalf("Optimal(MaxTransformations 1000) = %v, want a LatticeError for 12960 nodes", err)
	}
}

func TestUnreachableWithoutTop(t *testing.T) {
	// Two leaves with two tops: rows can never be merged, and each value
	// is held by 3 rows, fewer than k=4.
	h, _ := NewHierarchy("c", [][]string{{"a", "A"}, {"b", "B"}})
	enc, _ := NewEncoder([]Attribute{{Name: "c", Hierarchy: h}})
	for i := range 6 {
		enc.Add([]dataset.Value{dataset.Text([]string{"a", "b"}[i%2])})
	}
	tab, _ := enc.Table()
	_, err := Optimal(context.Background(), tab, Config{K: 4})
	var ue *UnreachableError
	if !errors.As(err, &ue) || ue.ExitClass() != "privacy" || !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Optimal = %v, want an UnreachableError", err)
	}
	for _, want := range []string{`hierarchies of "c" have no single top`, "add a last level *", "6 of 6 rows"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestIntervals(t *testing.T) {
	texts := []string{"-3", "4", "17", "18", "35"}
	nums := []float64{-3, 4, 17, 18, 35}
	tests := []struct {
		name string
		iv   Intervals
		want string // the row of 17
	}{
		// width 10: [10,20), then [0,20), then [0,40) holds every value
		// but -3, [-40,0) being the other bin: no merge after that.
		{"width", Intervals{Width: 10}, "[17 [10,20) [0,20) [0,40) *]"},
		// edges 0,10,20: bins <0, [0,10), [10,20), >=20; then pairs.
		{"edges", Intervals{Edges: []float64{0, 10, 20}}, "[17 [10,20) >=10 *]"},
		// range 38: width 2 (about 38/32); widths 8 and 16 merge nothing
		// more than width 4 and are skipped.
		{"auto", Intervals{Auto: true}, "[17 [16,18) [16,20) [0,32) [0,64) *]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := tc.iv.build("x", texts, nums)
			if err != nil {
				t.Fatal(err)
			}
			var row []string
			for l := 0; l <= h.Height(); l++ {
				text, _ := h.Label(2, l)
				row = append(row, text)
			}
			if got := fmt.Sprint(row); got != tc.want {
				t.Errorf("build(%+v): row of 17 = %s, want %s", tc.iv, got, tc.want)
			}
		})
	}
	if _, err := (&Intervals{Edges: []float64{3, 1}}).build("x", texts, nums); !errors.Is(err, ErrEdgesOrder) {
		t.Errorf("build(decreasing edges) = %v, want ErrEdgesOrder", err)
	}
	for _, c := range []struct{ in, want float64 }{{0.7, 1}, {3, 5}, {12, 20}, {0.031, 0.05}, {0, 1}} {
		if got := niceWidth(c.in); got != c.want {
			t.Errorf("niceWidth(%g) = %g, want %g", c.in, got, c.want)
		}
	}
}

// TestManyValues feeds a numeric column more distinct values than its
// first code width holds (the encoder widens and repacks its codes) and
// checks Mondrian's result by recount.
func TestManyValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	enc, _ := NewEncoder([]Attribute{{Name: "income"}, {Name: "n"}})
	var rows [][]dataset.Value
	for i := range 5000 {
		r := []dataset.Value{dataset.Text(strconv.Itoa(rng.IntN(100000))), dataset.Text(strconv.Itoa(i % 7))}
		rows = append(rows, r)
		if _, err := enc.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	tab, err := enc.Table()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Mondrian(context.Background(), tab, Config{K: 10})
	if err != nil {
		t.Fatal(err)
	}
	rc := r.NewRecoder()
	out := make([]dataset.Value, 2)
	classes := map[string]int{}
	for _, row := range rows {
		if sup, err := rc.Recode(row, out); sup || err != nil {
			t.Fatalf("Recode = %v, %v", sup, err)
		}
		lo, hi, ok := strings.Cut(strings.Trim(out[0].Text, "[]"), ",")
		v, _ := strconv.Atoi(row[0].Text)
		l, _ := strconv.Atoi(lo)
		h, _ := strconv.Atoi(hi)
		if out[0].Text != row[0].Text && (!ok || v < l || v > h) {
			t.Fatalf("income %s released as %s", row[0].Text, out[0].Text)
		}
		classes[out[0].Text+"|"+out[1].Text]++
	}
	for k, n := range classes {
		if n < 10 {
			t.Errorf("class %s has %d rows, want >= 10", k, n)
		}
	}
	if len(classes) != r.Summary.Classes {
		t.Errorf("recount %d classes, summary %d", len(classes), r.Summary.Classes)
	}
}

// TestWorkersDoNotChangeResults runs the searches with one and several
// workers: the summaries must be identical (the parallel parts merge in a
// fixed order).
func TestWorkersDoNotChangeResults(t *testing.T) {
	tab := adultTable(t, adultColumns[:8], "salary-class", false)
	cfg := Config{K: 5, SuppressionLimit: 0.02, LDiversity: &LDiversity{Variant: DistinctL, L: 2}}
	for _, algo := range []string{"optimal", "mondrian"} {
		var got []string
		for _, w := range []int{1, 3} {
			c := cfg
			c.Workers = w
			var r *Result
			var err error
			if algo == "optimal" {
				r, err = Optimal(context.Background(), tab, c)
			} else {
				r, err = Mondrian(context.Background(), tab, c)
			}
			if err != nil {
				t.Fatal(err)
			}
			s := r.Summary
			s.Search = nil
			b, _ := json.Marshal(s)
			got = append(got, string(b))
		}
		if got[0] != got[1] {
			t.Errorf("%s: 1 worker gives\n%s\n3 workers give\n%s", algo, got[0], got[1])
		}
	}
}
