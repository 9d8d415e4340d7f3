package luhn

import "testing"

func TestLuhn(t *testing.T) {
	for _, tc := range []struct {
		d  string
		ok bool
	}{
		{"4111111111111111", true}, {"4111111111111112", false}, {"79927398713", true}, {"79927398710", false},
		{"0", false}, {"", false}, {"4111-1111", false}, {"00", true},
	} {
		if Valid(tc.d) != tc.ok || Valid([]byte(tc.d)) != tc.ok {
			t.Errorf("Valid(%q) = %v, want %v", tc.d, Valid(tc.d), tc.ok)
		}
	}
	for _, p := range []string{"7992739871", "411111111111111", "1", "0"} {
		c := CheckDigit(p)
		if !Valid(p+string(c)) || CheckDigit([]byte(p)) != c {
			t.Errorf("CheckDigit(%q) = %c does not make a valid number", p, c)
		}
		for d := byte('0'); d <= '9'; d++ {
			if d != c && Valid(p+string(d)) {
				t.Errorf("CheckDigit(%q) = %c but %c passes too", p, c, d)
			}
		}
	}
}
