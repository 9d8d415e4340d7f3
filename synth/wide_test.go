package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// wideCSV returns a table of cols columns and rows rows: numbers (every
// third one following the first) and categories of 2 to 5 values (every
// fourth one following the second), the rest independent.
func wideCSV(cols, rows int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for j := range cols {
		if j > 0 {
			b.WriteByte(',')
		}
		if j%2 == 0 {
			fmt.Fprintf(&b, "n%d", j)
		} else {
			fmt.Fprintf(&b, "c%d", j)
		}
	}
	b.WriteByte('\n')
	cats := []string{"alpha", "beta", "gamma", "delta", "eps"}
	for range rows {
		x := rng.NormFloat64()
		k := rng.IntN(3)
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			if j%2 == 0 {
				v := rng.NormFloat64()*10 + 50
				if j%3 == 0 {
					v += 8 * x
				}
				fmt.Fprintf(&b, "%.2f", v)
			} else {
				n := 2 + j%4
				c := rng.IntN(n)
				if j%4 == 1 && rng.IntN(4) > 0 {
					c = k % n
				}
				b.WriteString(cats[c])
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func textOpener(text string) Opener {
	return func() (dataset.Reader, error) {
		return dataset.NewCSVReader(strings.NewReader(text), "wide.csv", nil)
	}
}

// TestFitWide fits a table above wideColumns (lowered for the test): the
// structure is a spanning forest of pairs, stated in the settings, each
// clique a pair or a lone column; the fit is deterministic.
func TestFitWide(t *testing.T) {
	defer func(w int) { wideColumns = w }(wideColumns)
	wideColumns = 20
	text := wideCSV(40, 400, 1)
	for _, o := range []*Options{{Seed: 3, Method: MethodGraph}, {Seed: 3, Epsilon: 1, Noise: noNoise{}}} {
		m, err := Fit(context.Background(), textOpener(text), o)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Settings.Structure, "maximum spanning forest") {
			t.Errorf("ε=%v: settings.structure = %q, want the spanning forest", o.Epsilon, m.Settings.Structure)
		}
		pairs := 0
		for _, c := range m.Graph.Cliques {
			if len(c.Vars) > 2 {
				t.Errorf("ε=%v: clique %v of more than 2 columns", o.Epsilon, c.Vars)
			}
			if len(c.Vars) == 2 {
				pairs++
			}
		}
		if pairs == 0 || pairs > 39 {
			t.Errorf("ε=%v: %d pairs, want 1 to 39", o.Epsilon, pairs)
		}
		if o.Epsilon == 0 {
			again, err := Fit(context.Background(), textOpener(text), o)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := m.MarshalIndent()
			b, _ := again.MarshalIndent()
			if string(a) != string(b) {
				t.Error("two fits of one table with one seed differ")
			}
		}
	}
}

// TestFitWideSampledScores scores the pairs on a sample of the rows (a
// third pass then counts the forest's pairs): the linked pairs are still
// found.
func TestFitWideSampledScores(t *testing.T) {
	defer func(w, r int) { wideColumns, wideScoreRows = w, r }(wideColumns, wideScoreRows)
	wideColumns, wideScoreRows = 20, 300
	m, err := Fit(context.Background(), textOpener(wideCSV(30, 1500, 2)), &Options{Seed: 1, Method: MethodGraph})
	if err != nil {
		t.Fatal(err)
	}
	if m.Settings.Passes != 3 || !strings.Contains(m.Settings.Structure, "a sample of") {
		t.Errorf("passes %d, structure %q: want 3 passes and sampled scores", m.Settings.Passes, m.Settings.Structure)
	}
	// c1 and c5 follow one hidden variable: they must be joined.
	joined := false
	for _, c := range m.Graph.Cliques {
		if len(c.Vars) == 2 && m.Columns[m.Graph.Vars[c.Vars[0]]].Name == "c1" && m.Columns[m.Graph.Vars[c.Vars[1]]].Name == "c5" {
			joined = true
		}
	}
	if !joined {
		t.Error("c1 and c5 are not a clique of the forest")
	}
}

// TestFitCancelled cancels the fit once its last counting pass is read:
// the structure search (wide or not, private or not) stops and Fit returns
// context.Canceled.
func TestFitCancelled(t *testing.T) {
	defer func(w int) { wideColumns = w }(wideColumns)
	wideColumns = 20
	for _, tc := range []struct {
		name string
		cols int
		o    Options
	}{
		{"greedy", 16, Options{Method: MethodGraph}},
		{"wide", 60, Options{Method: MethodGraph}},
		{"aim", 16, Options{Epsilon: 1, Noise: noNoise{}}},
		{"wide DP", 60, Options{Epsilon: 1, Noise: noNoise{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const rows = 200
			text := wideCSV(tc.cols, rows, 4)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			read := 0
			o := tc.o
			// Every pass reads rows records; the counting pass is the
			// last before the search (the second, or the third and
			// later under DP).
			passes := 2
			if o.Epsilon > 0 {
				passes = 4
			}
			o.Tick = func() {
				if read++; read == passes*rows {
					cancel()
				}
			}
			_, err := Fit(ctx, textOpener(text), &o)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Fit = %v, want context.Canceled", err)
			}
		})
	}
}

// BenchmarkFitWide fits the non-private model of a table of 2,000 columns
// and 300 rows (the maximum spanning forest; before it, the greedy
// selection ran for more than 5 minutes).
func BenchmarkFitWide(b *testing.B) {
	for _, cols := range []int{200, 2000} {
		text := wideCSV(cols, 300, 1)
		b.Run(fmt.Sprint(cols, "cols"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Fit(context.Background(), textOpener(text), &Options{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFitWideDP is BenchmarkFitWide with ε = 1 (secure noise).
func BenchmarkFitWideDP(b *testing.B) {
	for _, cols := range []int{200, 2000} {
		text := wideCSV(cols, 300, 1)
		b.Run(fmt.Sprint(cols, "cols"), func(b *testing.B) {
			for b.Loop() {
				if _, err := Fit(context.Background(), textOpener(text), &Options{Seed: 1, Epsilon: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRound9Tiny: a probability below 1e-300 (a cell of a wide DP model)
// is rounded, not turned into NaN (10^(8−e) overflowed).
func TestRound9Tiny(t *testing.T) {
	for _, p := range []float64{9.82272724839014e-302, 1e-320, 0.123456789123} {
		got := round9(p)
		if got != got || got <= 0 || math.Abs(got-p) > 1e-8*p {
			t.Errorf("round9(%v) = %v", p, got)
		}
	}
}
