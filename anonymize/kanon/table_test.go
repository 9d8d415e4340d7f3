package kanon

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

func TestInvertPermutation(t *testing.T) {
	tests := []struct {
		name string
		p    []int32
	}{
		{"empty", nil},
		{"identity", []int32{0, 1, 2, 3}},
		{"one cycle", []int32{1, 2, 3, 0}},
		{"two cycles and a fixed point", []int32{2, 0, 1, 3, 5, 4}},
		{"reversal", []int32{4, 3, 2, 1, 0}},
	}
	rng := rand.New(rand.NewPCG(3, 2026))
	for i := range 5 {
		p := make([]int32, 50+i*97)
		for j := range p {
			p[j] = int32(j)
		}
		rng.Shuffle(len(p), func(a, b int) { p[a], p[b] = p[b], p[a] })
		tests = append(tests, struct {
			name string
			p    []int32
		}{fmt.Sprintf("random %d", len(p)), p})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]int32, len(tc.p))
			for i, v := range tc.p {
				want[v] = int32(i)
			}
			got := invertPermutation(slices.Clone(tc.p))
			if !slices.Equal(got, want) {
				t.Errorf("invertPermutation(%v) = %v, want %v", tc.p, got, want)
			}
		})
	}
}

// TestTableEntries encodes rows whose columns are renumbered when the
// table is built (a masked code, a numeric column left to bins, a fixed
// column; the hierarchy column keeps its codes), with and without a
// sensitive column, and checks every row's entry against the rows
// themselves: one entry per distinct combination, holding the row's codes
// and as many rows as the input has of it, entries in key order.
func TestTableEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	var rows [][]dataset.Value
	for range 3000 {
		zip := fmt.Sprintf("%05d", 1000+rng.IntN(400))
		age := dataset.Text(fmt.Sprint(18 + rng.IntN(70)))
		if rng.IntN(50) == 0 {
			age = dataset.NullValue
		}
		sex := []string{"F", "M", "X"}[rng.IntN(3)]
		race := []string{"White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"}[rng.IntN(5)]
		diag := []string{"flu", "asthma", "none"}[rng.IntN(3)]
		r := []dataset.Value{dataset.Text(zip), age, dataset.Text(sex), dataset.Text(race), dataset.Text(diag)}
		rows = append(rows, r)
		if rng.IntN(4) == 0 { // duplicates
			rows = append(rows, r)
		}
	}
	for _, sensitive := range []bool{false, true} {
		t.Run(fmt.Sprintf("sensitive=%v", sensitive), func(t *testing.T) {
			attrs := []Attribute{
				{Name: "zip", Masking: true},
				{Name: "age", Intervals: &Intervals{Auto: true}},
				{Name: "sex", Fixed: true},
				{Name: "race", Hierarchy: adultHierarchy(t, "race")},
			}
			var sens []SensitiveAttribute
			width := 4
			if sensitive {
				sens = []SensitiveAttribute{{Name: "diag"}}
				width = 5
			}
			enc, err := NewEncoder(attrs, sens...)
			if err != nil {
				t.Fatal(err)
			}
			idx := make([]int, len(rows))
			for i, r := range rows {
				if idx[i], err = enc.Add(r[:width]); err != nil {
					t.Fatal(err)
				}
			}
			tab, err := enc.Table()
			if err != nil {
				t.Fatal(err)
			}
			text := func(v dataset.Value) string {
				if v.Null {
					return "\x00null"
				}
				return v.Text
			}
			want := map[string]int{}
			for _, r := range rows {
				var k []string
				for _, v := range r[:4] {
					k = append(k, text(v))
				}
				want[strings.Join(k, "|")]++
			}
			if tab.Distinct() != len(want) {
				t.Errorf("Table has %d entries, the rows %d distinct combinations", tab.Distinct(), len(want))
			}
			entryKey := make([]string, tab.Distinct())
			for i, r := range rows {
				e := tab.Entry(idx[i])
				var k []string
				for q, c := range tab.cols {
					code := tab.code(e, q)
					if c.h.null[0][code] {
						k = append(k, "\x00null")
					} else {
						k = append(k, c.h.labels[0][code])
					}
				}
				got := strings.Join(k, "|")
				var wk []string
				for _, v := range r[:4] {
					wk = append(wk, text(v))
				}
				if w := strings.Join(wk, "|"); got != w {
					t.Fatalf("row %d: entry %d holds %q, want %q", i, e, got, w)
				}
				if entryKey[e] != "" && entryKey[e] != got {
					t.Fatalf("entry %d holds two combinations", e)
				}
				entryKey[e] = got
			}
			for e, k := range entryKey {
				if int(tab.counts[e]) != want[k] {
					t.Errorf("entry %d (%q) counts %d rows, the input has %d", e, k, tab.counts[e], want[k])
				}
				if e > 0 && compareKeys(tab.keys[(e-1)*tab.words:e*tab.words], tab.keys[e*tab.words:(e+1)*tab.words]) >= 0 {
					t.Errorf("entries %d and %d are not in key order", e-1, e)
				}
			}
			tab.ReleaseEntryMap()
			defer func() {
				if recover() == nil {
					t.Error("Entry after ReleaseEntryMap did not panic")
				}
			}()
			tab.Entry(0)
		})
	}
}

// TestEarlyStopKeepsResults runs the optimal search with and without
// stopping the grouping of failing nodes early, on Adult and on
// near-unique synthetic rows (the case it is for), and checks that the
// solutions are the same: stopping changes the work, never the result.
func TestEarlyStopKeepsResults(t *testing.T) {
	adult := adultTable(t, adultColumns, "", false)
	b := &testing.B{}
	synthetic := syntheticTable(b, syntheticRows(b, 20_000))
	tests := []struct {
		name string
		tab  *Table
		cfg  Config
	}{
		{"adult entropy 4%", adult, Config{K: 5, SuppressionLimit: 0.04}},
		{"adult loss 5%", adult, Config{K: 5, SuppressionLimit: 0.05, Metric: Loss}},
		{"adult discernibility 2%", adult, Config{K: 10, SuppressionLimit: 0.02, Metric: Discernibility}},
		{"synthetic entropy 5%", synthetic, Config{K: 5, SuppressionLimit: 0.05}},
		{"synthetic aecs 1%", synthetic, Config{K: 3, SuppressionLimit: 0.01, Metric: AECS}},
	}
	// The tables hold 20k-30k entries: snapshots of more than 256 classes
	// (instead of 64k) count as large, so that checks stop early.
	for i := range tests {
		tests[i].cfg.cacheSmall = 256
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			full := tc.cfg
			full.noEarlyStop = true
			a, err := Optimal(context.Background(), tc.tab, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Optimal(context.Background(), tc.tab, full)
			if err != nil {
				t.Fatal(err)
			}
			sa, sf := a.Summary, f.Summary
			ja, _ := json.Marshal(sa.InformationLoss)
			jf, _ := json.Marshal(sf.InformationLoss)
			if fmt.Sprint(sa.Levels) != fmt.Sprint(sf.Levels) || sa.Classes != sf.Classes || sa.SuppressedRows != sf.SuppressedRows || string(ja) != string(jf) {
				t.Errorf("with early stops: levels %v, %d classes, %d suppressed, %s; without: %v, %d, %d, %s",
					sa.Levels, sa.Classes, sa.SuppressedRows, ja, sf.Levels, sf.Classes, sf.SuppressedRows, jf)
			}
			if sf.Search.StoppedEarly != 0 || sa.Search.StoppedEarly == 0 {
				t.Errorf("%d checks stopped early, %d without early stops: want some, and none", sa.Search.StoppedEarly, sf.Search.StoppedEarly)
			}
			t.Logf("checked %d (%d stopped early); without: %d", sa.Search.Checked, sa.Search.StoppedEarly, sf.Search.Checked)
		})
	}
}
