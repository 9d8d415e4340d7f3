package names

import (
	"slices"
	"testing"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"birthDate_UTC", []string{"birth", "date", "utc"}},
		{"customer_id", []string{"customer", "id"}},
		{"ZIPCode", []string{"zip", "code"}},
		{"HTTPStatus", []string{"http", "status"}},
		{"e-mail", []string{"e", "mail"}},
		{"address2", []string{"address", "2"}},
		{"Téléphone portable", []string{"telephone", "portable"}},
		{"Straße", []string{"strasse"}},
		{"page", []string{"page"}},
		{"__", nil},
	} {
		if got := Tokens(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
