package combin

import (
	"fmt"
	"testing"
)

func TestForSubsets(t *testing.T) {
	tests := []struct {
		n, k int
		want string
	}{
		{4, 2, "[0 1] [0 2] [0 3] [1 2] [1 3] [2 3] "},
		{3, 3, "[0 1 2] "},
		{3, 1, "[0] [1] [2] "},
		{2, 3, ""},
		{3, 0, ""},
	}
	for _, tc := range tests {
		got := ""
		ForSubsets(tc.n, tc.k, func(s []int) { got += fmt.Sprint(s) + " " })
		if got != tc.want {
			t.Errorf("ForSubsets(%d, %d) = %q, want %q", tc.n, tc.k, got, tc.want)
		}
	}
}

func TestUnrankMatchesForSubsets(t *testing.T) {
	for _, nk := range [][2]int{{7, 1}, {7, 2}, {7, 3}, {6, 6}, {9, 4}, {40, 3}} {
		n, k := nk[0], nk[1]
		r := 0
		got := make([]int, k)
		ForSubsets(n, k, func(s []int) {
			Unrank(n, r, got)
			if fmt.Sprint(got) != fmt.Sprint(s) {
				t.Errorf("Unrank(%d, %d) of %d-subsets = %v, want %v", n, r, k, got, s)
			}
			r++
		})
		if b := Binomial(n, k); b != r {
			t.Errorf("Binomial(%d, %d) = %d, want %d", n, k, b, r)
		}
	}
	if b := Binomial(2000, 3); b != 1331334000 {
		t.Errorf("Binomial(2000, 3) = %d", b)
	}
	if b := Binomial(1<<40, 20); b != -1 {
		t.Errorf("Binomial(2^40, 20) = %d, want -1 (overflow)", b)
	}
}
