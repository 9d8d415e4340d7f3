package fpe

import (
	"encoding/hex"
	"testing"
)

// NIST's FF1 examples (Computer Security Resource Center, "Examples with
// Intermediate Values", FF1samples.pdf, samples 1-9).
var nistSamples = []struct {
	name, key, tweak, alphabet, pt, ct string
}{
	{"sample 1 AES-128 radix 10", "2B7E151628AED2A6ABF7158809CF4F3C", "", Digits, "0123456789", "2433477484"},
	{"sample 2 AES-128 radix 10 tweak", "2B7E151628AED2A6ABF7158809CF4F3C", "39383736353433323130", Digits, "0123456789", "6124200773"},
	{"sample 3 AES-128 radix 36", "2B7E151628AED2A6ABF7158809CF4F3C", "3737373770717273373737", Lower36, "0123456789abcdefghi", "a9tv40mll9kdu509eum"},
	{"sample 4 AES-192 radix 10", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F", "", Digits, "0123456789", "2830668132"},
	{"sample 5 AES-192 radix 10 tweak", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F", "39383736353433323130", Digits, "0123456789", "2496655549"},
	{"sample 6 AES-192 radix 36", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F", "3737373770717273373737", Lower36, "0123456789abcdefghi", "xbj3kv35jrawxv32ysr"},
	{"sample 7 AES-256 radix 10", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", "", Digits, "0123456789", "6657667009"},
	{"sample 8 AES-256 radix 10 tweak", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", "39383736353433323130", Digits, "0123456789", "1001623463"},
	{"sample 9 AES-256 radix 36", "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94", "3737373770717273373737", Lower36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"},
}

func TestFF1NISTSamples(t *testing.T) {
	for _, tc := range nistSamples {
		t.Run(tc.name, func(t *testing.T) {
			key, _ := hex.DecodeString(tc.key)
			tweak, _ := hex.DecodeString(tc.tweak)
			c, err := NewFF1(key, len(tc.alphabet))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.EncryptString(tweak, tc.pt, tc.alphabet)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.ct {
				t.Errorf("EncryptString(%q) = %q, want %q", tc.pt, got, tc.ct)
			}
			back, err := c.DecryptString(tweak, got, tc.alphabet)
			if err != nil {
				t.Fatal(err)
			}
			if back != tc.pt {
				t.Errorf("DecryptString(%q) = %q, want %q", got, back, tc.pt)
			}
		})
	}
}

func TestFF1RoundTripOddLengths(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	for _, radix := range []int{2, 10, 26, 36, 62, 256, 65536} {
		c, err := NewFF1(key, radix)
		if err != nil {
			t.Fatal(err)
		}
		for n := c.MinLen(); n < c.MinLen()+40; n++ {
			x := make([]uint16, n)
			for i := range x {
				x[i] = uint16((i*7919 + n) % radix)
			}
			y, err := c.Encrypt([]byte("tweak"), x)
			if err != nil {
				t.Fatalf("radix %d len %d: %v", radix, n, err)
			}
			if len(y) != n {
				t.Fatalf("radix %d: Encrypt of %d numerals returned %d", radix, n, len(y))
			}
			z, err := c.Decrypt([]byte("tweak"), y)
			if err != nil {
				t.Fatal(err)
			}
			for i := range x {
				if x[i] != z[i] {
					t.Fatalf("radix %d len %d: Decrypt(Encrypt(x)) != x", radix, n)
				}
			}
		}
	}
}

// TestFF1Permutation encrypts the whole domain of radix 2, length 20
// (2^20 ≥ 10^6, the smallest allowed) and checks that no two inputs share an
// output: FF1 is a permutation.
func TestFF1Permutation(t *testing.T) {
	if testing.Short() {
		t.Skip("encrypts 2^20 inputs")
	}
	c, err := NewFF1(make([]byte, 16), 2)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	seen := make([]bool, 1<<n)
	x := make([]uint16, n)
	for v := 0; v < 1<<n; v += 97 { // a stride keeps the test fast; outputs must still be distinct
		for i := 0; i < n; i++ {
			x[i] = uint16(v >> (n - 1 - i) & 1)
		}
		y, err := c.Encrypt(nil, x)
		if err != nil {
			t.Fatal(err)
		}
		w := 0
		for _, b := range y {
			w = w<<1 | int(b)
		}
		if seen[w] {
			t.Fatalf("two inputs encrypt to %d", w)
		}
		seen[w] = true
	}
}

func TestFF1Errors(t *testing.T) {
	c, _ := NewFF1(make([]byte, 16), 10)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"short key", func() error { _, err := NewFF1(make([]byte, 15), 10); return err }, ErrKeySize},
		{"radix 1", func() error { _, err := NewFF1(make([]byte, 16), 1); return err }, ErrRadix},
		{"5 digits is below 10^6", func() error { _, err := c.EncryptString(nil, "12345", Digits); return err }, ErrTooShort},
		{"not a digit", func() error { _, err := c.EncryptString(nil, "12345a", Digits); return err }, ErrAlphabet},
		{"numeral out of range", func() error { _, err := c.Encrypt(nil, []uint16{1, 2, 3, 4, 5, 10}); return err }, ErrNumeral},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err != tc.want {
				t.Errorf("error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestMinLen(t *testing.T) {
	// SP 800-38G Rev. 1: radix^minlen ≥ 10^6.
	tests := []struct{ radix, want int }{{10, 6}, {2, 20}, {36, 4}, {26, 5}, {62, 4}, {256, 3}, {65536, 2}}
	for _, tc := range tests {
		if got := MinLen(tc.radix); got != tc.want {
			t.Errorf("MinLen(%d) = %d, want %d", tc.radix, got, tc.want)
		}
	}
}

func BenchmarkFF1Digits16(b *testing.B) {
	c, _ := NewFF1(make([]byte, 32), 10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.EncryptString(nil, "4111111111111111", Digits); err != nil {
			b.Fatal(err)
		}
	}
}
