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
