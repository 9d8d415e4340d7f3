package kanon

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// The golden results are ARX 3.9.2's own regression tests and runs on the
// same data (../shared/design/kanon-reference.md, "Golden results"): all
// nine Adult columns as quasi-identifiers with ARX's hierarchies, k=5.
func TestOptimalAdultGolden(t *testing.T) {
	tab := adultTable(t, adultColumns, "", false)
	tests := []struct {
		name       string
		metric     Metric
		limit      float64
		levels     []int
		value      float64 // the metric's value at the optimum
		classes    int     // -1 when the reference does not say
		suppressed int64
	}{
		{"entropy 4%", Entropy, 0.04, []int{1, 0, 1, 1, 3, 2, 2, 0, 1}, 255559.85455731067, 1046, 906},
		{"entropy 0%", Entropy, 0, []int{1, 2, 1, 1, 3, 2, 2, 1, 1}, 407289.5388925293, 48, 0},
		{"loss 0%", Loss, 0, []int{0, 4, 1, 1, 3, 2, 2, 1, 0}, 0.5731509656, 24, 0},
		{"loss 5%", Loss, 0.05, []int{0, 3, 0, 0, 2, 1, 1, 2, 0}, 0.2419323651, 397, 1346},
		{"discernibility 0%", Discernibility, 0, nil, 33627534, -1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Optimal(context.Background(), tab, Config{K: 5, SuppressionLimit: tc.limit, Metric: tc.metric})
			if err != nil {
				t.Fatal(err)
			}
			s := r.Summary
			got := make([]int, len(adultColumns))
			for i, c := range adultColumns {
				got[i] = s.Levels[c]
			}
			if tc.levels != nil && fmt.Sprint(got) != fmt.Sprint(tc.levels) {
				t.Errorf("Optimal(%s) levels = %v, want %v", tc.name, got, tc.levels)
			}
			var v float64
			switch tc.metric {
			case Entropy:
				v = *s.InformationLoss.Entropy
			case Loss:
				v = s.InformationLoss.Loss
			case Discernibility:
				v = s.InformationLoss.Discernibility
			}
			// ARX prints Loss to 10 decimals; the others are exact.
			tol := 1e-9
			if tc.metric == Loss {
				tol = 1e-9 / tc.value
			}
			if math.Abs(v-tc.value) > tol*math.Abs(tc.value) {
				t.Errorf("Optimal(%s) metric = %.10f, want %.10f", tc.name, v, tc.value)
			}
			if tc.classes >= 0 && s.Classes != tc.classes {
				t.Errorf("Optimal(%s) classes = %d, want %d", tc.name, s.Classes, tc.classes)
			}
			if s.SuppressedRows != tc.suppressed {
				t.Errorf("Optimal(%s) suppressed = %d, want %d", tc.name, s.SuppressedRows, tc.suppressed)
			}
			t.Logf("%s: levels %v, checked %d of %d (%d stopped early), paths %d, rare-value failures %d", tc.name, got, s.Search.Checked, s.Search.Transformations, s.Search.StoppedEarly, s.Search.Paths, s.Search.RareValues)
		})
	}
}
