package policies

import (
	"errors"
	"strings"
	"testing"
)

// TestSensitiveColumnReleasedAsIs: l-diversity and t-closeness are checked
// on a column's values, so a policy that releases that column other than
// value for value is refused before any data is read.
func TestSensitiveColumnReleasedAsIs(t *testing.T) {
	const head = "version: 1\ndefault_action: keep\ncolumns:\n  age: {role: quasi, action: generalize, width: 10}\n"
	model := "privacy: {k: 5, l_diversity: {column: diag, l: 2}, t_closeness: {column: pay, t: 0.3}}\n"
	tests := []struct {
		name, cols string
		want       string // "" = accepted
	}{
		{"kept", "  diag: {role: sensitive, action: keep}\n  pay: {role: sensitive, action: keep}\n", ""},
		{"not listed, default keep", "", ""},
		{"hashed and tokenized", "  diag: {action: hash, key_env: K}\n  pay: {action: tokenize, key_env: K}\n", ""},
		{"generalized at a level", "  diag: {role: sensitive, action: generalize, hierarchy: h.csv, level: 1}\n", `"diag" is released as generalize at level 1`},
		{"binned", "  pay: {role: sensitive, action: generalize, width: 1000}\n", `"pay" is released as generalize with width`},
		{"masked", "  diag: {action: mask}\n", `"diag" is released as mask`},
		{"noised", "  pay: {action: noise, epsilon: 1, lower: 0, upper: 10}\n", `"pay" is released as noise`},
		{"suppressed", "  diag: {action: suppress}\n", `"diag" is released as suppress`},
		{"dropped", "  pay: {action: drop}\n", `"pay" is dropped`},
		{"a quasi-identifier", "  diag: {role: quasi, action: generalize, width: 5}\n", `"diag" is a quasi-identifier`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBytes([]byte(head+tc.cols+model), "p.yaml")
			if tc.want == "" {
				if err != nil && strings.Contains(err.Error(), "privacy.") {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrConflict saying %s", err, tc.want)
			}
		})
	}
	_, err := ParseBytes([]byte("version: 1\ndefault_action: drop\ncolumns:\n  age: {role: quasi, action: generalize, width: 10}\n"+model), "p.yaml")
	if err == nil || !strings.Contains(err.Error(), "default_action: drop") {
		t.Errorf("default_action drop: err = %v", err)
	}
}
