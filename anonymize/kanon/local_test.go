package kanon

import (
	"context"
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
	if l.SuppressedBefore != 906 {
		t.Errorf("suppressed before = %d, want 906 (ARX's golden result)", l.SuppressedBefore)
	}
	if l.SuppressedAfter >= l.SuppressedBefore || l.RecodedRows == 0 {
		t.Errorf("LocalRecode suppressed %d rows (recoded %d), want fewer than %d", l.SuppressedAfter, l.RecodedRows, l.SuppressedBefore)
	}
	if l.LossAfter >= l.LossBefore {
		t.Errorf("LocalRecode loss = %g, want below the global %g", l.LossAfter, l.LossBefore)
	}
	if s.MinClassSize < 5 {
		t.Errorf("LocalRecode smallest class = %d, want >= 5", s.MinClassSize)
	}
	checkReleased(t, tab, r, 5)
}
