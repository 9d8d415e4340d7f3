package profile

import "testing"

// luhnRef is a second, table-driven Luhn implementation (doubled digits
// looked up, not computed) used to build valid test numbers.
func luhnRef(payload string) string {
	doubled := [10]int{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}
	sum := 0
	for i := 0; i < len(payload); i++ {
		d := int(payload[len(payload)-1-i] - '0')
		if i%2 == 0 {
			d = doubled[d]
		}
		sum += d
	}
	return payload + string(rune('0'+(10-sum%10)%10))
}

func TestLuhn(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"wikipedia example", "79927398713", true}, // en.wikipedia.org/wiki/Luhn_algorithm
		{"wikipedia example, wrong check", "79927398710", false},
		{"built by luhnRef", luhnRef("453914880343646"), true},
		{"single digit", "0", false},
		{"letters", "4539a48803436467", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Luhn(tc.in); got != tc.want {
				t.Errorf("Luhn(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestValidCard(t *testing.T) {
	tests := []struct {
		name, in, brand string
		want            bool
	}{
		{"visa 16", luhnRef("453914880343646"), "VISA", true},
		{"visa with spaces", "4539 1488 0343 6467", "VISA", true},
		{"mastercard 51-55", luhnRef("542523343010990"), "MASTERCARD", true},
		{"mastercard 2-series", luhnRef("222100000000123"), "MASTERCARD", true},
		{"amex 15", "3742 454554 00126", "AMEX", true},
		{"amex needs 15 digits", luhnRef("374245455400126"), "", false},
		{"discover 6011", luhnRef("601100099013943"), "DISCOVER", true},
		{"jcb 3528", luhnRef("352800000000001"), "JCB", true},
		{"published test number", "4111 1111 1111 1111", "VISA", false},
		{"stripe test number", "4242424242424242", "VISA", false},
		{"luhn fails", "4539148803436468", "VISA", false},
		{"unknown IIN", luhnRef("999999999999999"), "", false},
		{"too short", "4539", "", false},
		{"letters", "4539-1488-0343-646X", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			brand, ok := ValidCard(tc.in)
			if ok != tc.want || (tc.brand != "" && brand != tc.brand) {
				t.Errorf("ValidCard(%q) = %q, %v, want %q, %v", tc.in, brand, ok, tc.brand, tc.want)
			}
		})
	}
}

func TestValidIBAN(t *testing.T) {
	// Valid examples are the registry's sample IBANs (SWIFT IBAN Registry).
	tests := []struct {
		name, in string
		want     bool
	}{
		{"GB sample", "GB82 WEST 1234 5698 7654 32", true},
		{"DE sample", "DE89 3704 0044 0532 0130 00", true},
		{"NL sample", "NL91ABNA0417164300", true},
		{"FR sample with letter", "FR14 2004 1010 0505 0001 3M02 606", true},
		{"ES sample", "ES91 2100 0418 4502 0005 1332", true},
		{"BE sample", "BE68 5390 0754 7034", true},
		{"lower case", "gb82west12345698765432", true},
		{"check digits wrong", "GB82 WEST 1234 5698 7654 33", false},
		{"DE one digit short", "DE89 3704 0044 0532 0130 0", false},
		{"unknown country", "XX82 WEST 1234 5698 7654 32", false},
		{"not an IBAN", "hello world 12345", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := ValidIBAN(tc.in); got != tc.want {
				t.Errorf("ValidIBAN(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestNationalIDs(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		// NL BSN: 9·1+8·1+7·1+6·2+5·2+4·2+3·3+2·3−3 = 66 ≡ 0 (mod 11).
		{"BSN 111222333", ValidBSN, "111222333", true},
		{"BSN 123456782", ValidBSN, "123456782", true},
		{"BSN 8 digits left-padded", ValidBSN, "11222333", false},
		{"BSN bad check", ValidBSN, "123456789", false},
		{"BSN all zeros", ValidBSN, "000000000", false},
		// FR NIR: key = 97 − (first 13 digits mod 97); the first is the
		// example of the French Wikipedia article, the Corsican keys are
		// computed with 2A → 19 and 2B → 18.
		{"NIR example", ValidNIR, "2 55 08 14 168 025 38", true},
		{"NIR 1 84 12", ValidNIR, "1 84 12 76 451 089 46", true},
		{"NIR Corsica 2A", ValidNIR, "1 85 08 2A 001 001 25", true},
		{"NIR Corsica 2B", ValidNIR, "185082B00100152", true},
		{"NIR Corsica wrong key", ValidNIR, "1 85 08 2A 001 001 52", false},
		{"NIR bad key", ValidNIR, "2 55 08 14 168 025 39", false},
		{"NIR bad sex digit", ValidNIR, "5 55 08 14 168 025 38", false},
		{"NIR month 13", ValidNIR, "2 55 13 14 168 025 38", false},
		{"US SSN", func(s string) bool { _, ok := ValidSSN(s); return ok }, "536-90-4399", true},
		{"US SSN undelimited", func(s string) bool { _, ok := ValidSSN(s); return ok }, "536904399", true},
		{"US SSN area 000", func(s string) bool { _, ok := ValidSSN(s); return ok }, "000-12-3456", false},
		{"US SSN area 666", func(s string) bool { _, ok := ValidSSN(s); return ok }, "666-12-3456", false},
		{"US SSN area 9xx", func(s string) bool { _, ok := ValidSSN(s); return ok }, "912-12-3456", false},
		{"US SSN group 00", func(s string) bool { _, ok := ValidSSN(s); return ok }, "536-00-4399", false},
		{"US SSN serial 0000", func(s string) bool { _, ok := ValidSSN(s); return ok }, "536-90-0000", false},
		{"US SSN Woolworth", func(s string) bool { _, ok := ValidSSN(s); return ok }, "078-05-1120", false},
		{"US SSN mixed delimiters", func(s string) bool { _, ok := ValidSSN(s); return ok }, "536-90 4399", false},
		{"UK NINO", ValidNINO, "AB 12 34 56 C", true},
		{"UK NINO compact", ValidNINO, "JG103759A", true},
		{"UK NINO Q first", ValidNINO, "QQ 12 34 56 C", false},
		{"UK NINO prefix GB", ValidNINO, "GB123456A", false},
		{"UK NINO suffix E", ValidNINO, "AB123456E", false},
		// DE Steuer-ID: ISO 7064 MOD 11,10; examples from the BZSt's
		// published test numbers.
		{"Steuer-ID 86095742719", ValidSteuerID, "86095742719", true},
		{"Steuer-ID triple digit", ValidSteuerID, "65929970489", true},
		{"Steuer-ID 47036892816", ValidSteuerID, "47 036 892 816", true},
		{"Steuer-ID bad check", ValidSteuerID, "86095742718", false},
		{"Steuer-ID no repeat", ValidSteuerID, "12345678903", false},
		{"Steuer-ID leading zero", ValidSteuerID, "06095742719", false},
		// ES: 12345678 mod 23 = 14 → Z; 1234567 mod 23 = 19 → L.
		{"DNI", func(s string) bool { _, ok := ValidDNI(s); return ok }, "12345678Z", true},
		{"DNI with dash", func(s string) bool { _, ok := ValidDNI(s); return ok }, "12345678-Z", true},
		{"NIE", func(s string) bool { _, ok := ValidDNI(s); return ok }, "X1234567L", true},
		{"DNI wrong letter", func(s string) bool { _, ok := ValidDNI(s); return ok }, "12345678A", false},
		// BE RRN: 97 − (850730033 mod 97) = 28; 2000+ births add 2·10⁹.
		{"RRN", ValidRRN, "85.07.30-033.28", true},
		{"RRN born 2017", ValidRRN, "17.07.30-033.84", true},
		{"RRN bad check", ValidRRN, "85.07.30-033.29", false},
		{"RRN month 13", ValidRRN, "85.13.30-033.28", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.check(tc.in); got != tc.want {
				t.Errorf("%s(%q) = %v, want %v", tc.name, tc.in, got, tc.want)
			}
		})
	}
}

func TestChanceLLR(t *testing.T) {
	// The design reference: LLR > 10 is about 5 Luhn passes (p0 = 0.10)
	// or 3 mod-97 passes (p0 = 0.0103) without a miss.
	if got := chanceLLR(5, 5, 0.10); got <= 10 {
		t.Errorf("chanceLLR(5, 5, 0.10) = %.2f, want > 10", got)
	}
	if got := chanceLLR(4, 4, 0.10); got >= 10 {
		t.Errorf("chanceLLR(4, 4, 0.10) = %.2f, want < 10", got)
	}
	if got := chanceLLR(3, 3, 0.0103); got <= 10 {
		t.Errorf("chanceLLR(3, 3, 0.0103) = %.2f, want > 10", got)
	}
	// Random 16-digit numbers pass Luhn one time in ten.
	if got := chanceLLR(10, 100, 0.10); got >= 0 {
		t.Errorf("chanceLLR(10, 100, 0.10) = %.2f, want < 0", got)
	}
}

func TestWilsonLB(t *testing.T) {
	tests := []struct {
		k, n int
		want float64 // from the closed form, checked with statsmodels' proportion_confint(method="wilson")
	}{
		{0, 10, 0},
		{10, 10, 0.7225},
		{50, 100, 0.4038},
		{1000, 1000, 0.9962},
	}
	for _, tc := range tests {
		if got := wilsonLB(tc.k, tc.n); got < tc.want-0.0005 || got > tc.want+0.0005 {
			t.Errorf("wilsonLB(%d, %d) = %.4f, want %.4f", tc.k, tc.n, got, tc.want)
		}
	}
}

// TestRegistrable checks the public-suffix rule behind e-mail and URL
// domains: an ICANN suffix with a label before it; private suffixes count
// as the ICANN suffix they sit under.
func TestRegistrable(t *testing.T) {
	for d, want := range map[string]bool{
		"example.com": true, "example.com.": true, "bar.de": true, "foo.co.uk": true,
		"com": false, "co.uk": false, "localhost": false, "foo.invalidtld": false, "foo.local": false,
		"blogspot.com": true, "x.blogspot.com": true, "github.io": true, "a.b.github.io": true,
		"x.city.kawasaki.jp": true, "kawasaki.jp": true,
	} {
		if got := registrable(d); got != want {
			t.Errorf("registrable(%q) = %v, want %v", d, got, want)
		}
	}
	for v, want := range map[string]bool{"anna.meyer@example.de": true, "anna@localhost": false, "anna@co.uk": false, "a@b.blogspot.com": true} {
		if got := validEmail(v); got != want {
			t.Errorf("validEmail(%q) = %v, want %v", v, got, want)
		}
	}
}
