package kanon

import (
	"context"
	"math"
	"testing"
)

// TestLocalRecodeAdult improves ARX's golden global solution (k=5, 4 %
// suppression: 906 rows suppressed) by recoding the suppressed classes,
// and checks the released table by recounting it.
func TestLocalRecodeAdult(t *testing.T) {
	tab := adultTable(t, adultColumns, "", false)
	cfg := Config{K: 5, SuppressionLimit: 0.04}
	g, err := Optimal(context.Background(), tab, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := LocalRecode(context.Background(), tab, cfg, g)
	if err != nil {
		t.Fatal(err)
	}
	s, l := r.Summary, r.Summary.Local
	t.Logf("local recoding: %+v", *l)
	if s.Algorithm != "optimal+local" {
		t.Errorf("LocalRecode algorithm = %q, want optimal+local", s.Algorithm)
	}
	if l.SuppressedBefore != 906 {
		t.Errorf("suppressed before = %d, want 906 (ARX's golden result)", l.SuppressedBefore)
	}
	if l.SuppressedAfter >= l.SuppressedBefore || l.RecodedRows == 0 {
		t.Errorf("LocalRecode suppressed %d rows (recoded %d), want fewer than %d", l.SuppressedAfter, l.RecodedRows, l.SuppressedBefore)
	}
	if l.SuppressedBefore-l.SuppressedAfter != l.RecodedRows || l.SuppressedAfter != s.SuppressedRows {
		t.Errorf("LocalRecode: %d suppressed before, %d after, %d recoded: they do not add up", l.SuppressedBefore, l.SuppressedAfter, l.RecodedRows)
	}
	var rows int64
	for i, rc := range l.Recodings {
		rows += rc.Rows
		if rc.Rows <= 0 || len(rc.Levels) != len(adultColumns) {
			t.Errorf("recoding %d = %+v, want rows released and a level per column", i, rc)
		}
		// A round re-anonymizes rows the global levels could not release:
		// its levels cannot all be at or below the global ones.
		below := true
		for c, lv := range rc.Levels {
			below = below && lv <= s.Levels[c]
		}
		if below {
			t.Errorf("recoding %d levels %v are at or below the global %v", i, rc.Levels, s.Levels)
		}
	}
	if len(l.Recodings) != l.Rounds || rows != l.RecodedRows {
		t.Errorf("recodings: %d rounds releasing %d rows; summary: %d rounds, %d recoded", len(l.Recodings), rows, l.Rounds, l.RecodedRows)
	}
	if l.LossAfter >= l.LossBefore {
		t.Errorf("LocalRecode loss = %g, want below the global %g", l.LossAfter, l.LossBefore)
	}
	if s.MinClassSize < 5 {
		t.Errorf("LocalRecode smallest class = %d, want >= 5", s.MinClassSize)
	}
	checkReleased(t, tab, r, 5)
}

// TestLocalRecodeNothingSuppressed recodes solutions that suppress
// nothing: every class keeps its values, and the figures LocalRecode
// computes from the released classes equal the ones the optimal search
// computes with ARX's formulas (so that the before and after figures of a
// real recoding compare like with like). The solutions are ARX's goldens
// at 0 % suppression (loss 0.5731509656, 24 classes; entropy, 48 classes).
func TestLocalRecodeNothingSuppressed(t *testing.T) {
	tab := adultTable(t, adultColumns, "", false)
	for _, m := range []Metric{Loss, Entropy, Discernibility} {
		t.Run(string(m), func(t *testing.T) {
			cfg := Config{K: 5, Metric: m}
			g, err := Optimal(context.Background(), tab, cfg)
			if err != nil {
				t.Fatal(err)
			}
			r, err := LocalRecode(context.Background(), tab, cfg, g)
			if err != nil {
				t.Fatal(err)
			}
			gs, s := g.Summary, r.Summary
			if s.Local.Rounds != 0 || s.Local.RecodedRows != 0 || len(s.Local.Recodings) != 0 {
				t.Errorf("LocalRecode(%s) = %+v, want no round", m, *s.Local)
			}
			if s.Classes != gs.Classes || s.SuppressedRows != 0 || s.MinClassSize != gs.MinClassSize {
				t.Errorf("LocalRecode(%s): %d classes, smallest %d; global %d, %d", m, s.Classes, s.MinClassSize, gs.Classes, gs.MinClassSize)
			}
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
			a, b := s.InformationLoss, gs.InformationLoss
			if !near(a.Loss, b.Loss) || !near(a.Discernibility, b.Discernibility) || !near(a.AECS, b.AECS) || !near(a.NCP, b.NCP) ||
				a.Precision == nil || !near(*a.Precision, *b.Precision) {
				t.Errorf("LocalRecode(%s) loss %v, discernibility %v, aecs %v, ncp %v, precision %v; global %v, %v, %v, %v, %v",
					m, a.Loss, a.Discernibility, a.AECS, a.NCP, a.Precision, b.Loss, b.Discernibility, b.AECS, b.NCP, *b.Precision)
			}
			for e := range tab.Distinct() {
				for q := range adultColumns {
					v1, ok1 := g.Value(e, q)
					v2, ok2 := r.Value(e, q)
					if v1 != v2 || ok1 != ok2 {
						t.Fatalf("entry %d column %d: LocalRecode releases %v, the global solution %v", e, q, v2, v1)
					}
				}
			}
		})
	}
}

// TestOptimalLocalRecodingConfig checks that Config.LocalRecoding makes
// Optimal return the local recoding of its solution.
func TestOptimalLocalRecodingConfig(t *testing.T) {
	tab := adultTable(t, adultColumns, "", false)
	r, err := Optimal(context.Background(), tab, Config{K: 5, SuppressionLimit: 0.04, LocalRecoding: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Summary; s.Algorithm != "optimal+local" || s.Local == nil || s.Local.SuppressedBefore != 906 || s.SuppressedRows >= 906 {
		t.Errorf("Optimal with LocalRecoding: algorithm %q, local %+v, %d suppressed; want optimal+local from 906", s.Algorithm, s.Local, s.SuppressedRows)
	}
}
