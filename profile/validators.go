package profile

import (
	"strings"

	"github.com/veil-data/veil/internal/luhn"
)

// This file holds the checksum validators. Each takes the value as it
// appears in the data (separators allowed where the format has them) and
// reports whether it is a well-formed, checksum-valid identifier. None of
// them allocates for valid inputs of the usual lengths.

// digitsOnly returns s without the separator characters in seps, and false
// when s holds anything else than digits and those separators.
func digitsOnly(s, seps string) (string, bool) {
	var b [40]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(b) {
				return "", false
			}
			b[n] = c
			n++
		case strings.IndexByte(seps, c) >= 0:
		default:
			return "", false
		}
	}
	return string(b[:n]), n > 0
}

// Luhn reports whether the decimal string d (digits only) passes the Luhn
// mod-10 check: from the right, every second digit is doubled (minus 9 when
// above 9) and the sum is a multiple of 10.
func Luhn(d string) bool { return luhn.Valid(d) }

func allSame(d string) bool {
	for i := 1; i < len(d); i++ {
		if d[i] != d[0] {
			return false
		}
	}
	return true
}

func prefixIn(d string, n int, lo, hi int) bool {
	if len(d) < n {
		return false
	}
	v := 0
	for i := 0; i < n; i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v >= lo && v <= hi
}

// CardBrand returns the card scheme of the primary account number d (digits
// only) from its issuer identification number and length, or "" when no
// scheme matches. It does not check the Luhn digit.
func CardBrand(d string) string {
	n := len(d)
	switch {
	case prefixIn(d, 2, 34, 34) || prefixIn(d, 2, 37, 37):
		if n == 15 {
			return "AMEX"
		}
	case d != "" && d[0] == '4':
		if n == 13 || n == 16 || n == 19 {
			return "VISA"
		}
	case prefixIn(d, 2, 51, 55) || prefixIn(d, 4, 2221, 2720):
		if n == 16 {
			return "MASTERCARD"
		}
	case prefixIn(d, 4, 6011, 6011) || prefixIn(d, 3, 644, 649) || prefixIn(d, 2, 65, 65):
		if n >= 16 && n <= 19 {
			return "DISCOVER"
		}
	case prefixIn(d, 4, 3528, 3589):
		if n >= 16 && n <= 19 {
			return "JCB"
		}
	case prefixIn(d, 3, 300, 305) || prefixIn(d, 2, 36, 36) || prefixIn(d, 2, 38, 38):
		if n >= 14 && n <= 19 {
			return "DINERS"
		}
	case prefixIn(d, 2, 62, 62):
		if n >= 16 && n <= 19 {
			return "UNIONPAY"
		}
	}
	// Maestro shares prefixes with others; test it last.
	if (prefixIn(d, 2, 50, 50) || prefixIn(d, 2, 56, 69)) && n >= 12 && n <= 19 {
		return "MAESTRO"
	}
	return ""
}

// testPANs are the card numbers published by payment processors for tests.
// They pass Luhn and the IIN ranges but belong to nobody.
var testPANs = map[string]bool{
	"4111111111111111": true, "4242424242424242": true, "4012888888881881": true,
	"4000056655665556": true, "5555555555554444": true, "5105105105105100": true,
	"2223003122003222": true, "378282246310005": true, "371449635398431": true,
	"6011111111111117": true, "6011000990139424": true, "3530111333300000": true,
	"30569309025904": true, "38520000023237": true, "6200000000000005": true,
}

// ValidCard reports whether s is a payment card number: 12 to 19 digits
// (spaces and dashes allowed), a known scheme's IIN range and length, the
// Luhn check, and neither all-same digits nor a published test number. It
// returns the scheme.
func ValidCard(s string) (brand string, ok bool) {
	d, ok := digitsOnly(s, " -")
	if !ok || len(d) < 12 || len(d) > 19 {
		return "", false
	}
	brand = CardBrand(d)
	if brand == "" || allSame(d) || testPANs[d] || !Luhn(d) {
		return brand, false
	}
	return brand, true
}

// ibanLengths is the IBAN length of each country in the SWIFT IBAN registry.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
	"JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
	"MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
	"NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
	"SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// compactIBAN upper-cases s and removes spaces; ok is false when s holds
// other characters than letters, digits and spaces or is too long.
func compactIBAN(s string) (string, bool) {
	var b [40]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return "", false
		}
		if n == len(b) {
			return "", false
		}
		b[n] = c
		n++
	}
	return string(b[:n]), true
}

// ibanShape reports whether s looks like an IBAN: two letters, two digits
// and 11 to 30 letters or digits (spaces allowed).
func ibanShape(s string) (string, bool) {
	c, ok := compactIBAN(s)
	if !ok || len(c) < 15 || len(c) > 34 {
		return "", false
	}
	if !isUpper(c[0]) || !isUpper(c[1]) || !isDigit(c[2]) || !isDigit(c[3]) {
		return "", false
	}
	return c, true
}

// ValidIBAN reports whether s is an IBAN: the country's registered length
// and ISO 7064 MOD 97-10 (the first four characters moved to the end,
// letters read as 10..35, the number mod 97 equals 1). It returns the
// country code.
func ValidIBAN(s string) (country string, ok bool) {
	c, ok := ibanShape(s)
	if !ok {
		return "", false
	}
	country = c[:2]
	if ibanLengths[country] != len(c) {
		return country, false
	}
	r := 0
	for i := 0; i < len(c); i++ {
		ch := c[(i+4)%len(c)]
		if isDigit(ch) {
			r = (r*10 + int(ch-'0')) % 97
		} else {
			r = (r*100 + int(ch-'A'+10)) % 97
		}
	}
	return country, r == 1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// ValidBSN reports whether s is a Dutch burgerservicenummer: 9 digits (8
// are left-padded with a zero; dots and spaces allowed) passing the
// 11-check 9·d1 + 8·d2 + ... + 2·d8 − d9 ≡ 0 (mod 11), not all zeros.
func ValidBSN(s string) bool {
	d, ok := digitsOnly(s, ". ")
	if !ok || len(d) < 8 || len(d) > 9 {
		return false
	}
	if len(d) == 8 {
		d = "0" + d
	}
	if allSame(d) {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(d[i]-'0') * (9 - i)
	}
	sum -= int(d[8] - '0')
	return sum%11 == 0
}

// ValidNIR reports whether s is a French numéro d'inscription au répertoire
// (social security number): 15 characters (spaces allowed), sex digit 1, 2
// (or 3, 4, 7, 8 for provisional numbers), a month 01–12 (or the special
// ranges 20–42 and 50–99), a department that may be 2A or 2B (Corsica,
// read as 19 and 18 for the key), and the key 97 − (first 13 digits mod 97).
func ValidNIR(s string) bool {
	var b [15]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '.' || c == '-' {
			continue
		}
		if n == len(b) {
			return false
		}
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b[n] = c
		n++
	}
	if n != 15 {
		return false
	}
	switch b[0] {
	case '1', '2', '3', '4', '7', '8':
	default:
		return false
	}
	for i, c := range b {
		if i == 6 && (c == 'A' || c == 'B') && b[5] == '2' {
			continue
		}
		if !isDigit(c) {
			return false
		}
	}
	month := int(b[3]-'0')*10 + int(b[4]-'0')
	if !(month >= 1 && month <= 12 || month >= 20 && month <= 42 || month >= 50 && month <= 99) {
		return false
	}
	// The number before the key, with Corsica's 2A → 19 and 2B → 18.
	var num uint64
	for i := 0; i < 13; i++ {
		c := b[i]
		switch {
		case i == 5 && (b[6] == 'A' || b[6] == 'B'):
			if b[6] == 'A' {
				num = num*100 + 19
			} else {
				num = num*100 + 18
			}
			continue
		case i == 6 && (c == 'A' || c == 'B'):
			continue
		}
		num = num*10 + uint64(c-'0')
	}
	key := int(b[13]-'0')*10 + int(b[14]-'0')
	return key == 97-int(num%97)
}

// ssnShape reports whether s is 9 digits written as ddd-dd-dddd with one
// delimiter (dash or space) used throughout, or undelimited.
func ssnShape(s string) (digits string, delimited, ok bool) {
	switch len(s) {
	case 9:
		d, ok := digitsOnly(s, "")
		return d, false, ok && len(d) == 9
	case 11:
		sep := s[3]
		if (sep != '-' && sep != ' ') || s[6] != sep {
			return "", false, false
		}
		d := s[:3] + s[4:6] + s[7:]
		if _, ok := digitsOnly(d, ""); !ok {
			return "", false, false
		}
		return d, true, true
	}
	return "", false, false
}

// ValidSSN reports whether s is a US social security number by the SSA's
// allocation rules: area not 000, 666 or 900–999, group not 00, serial not
// 0000, not all the same digit and not one of the numbers known from
// advertising and documentation (078-05-1120, 219-09-9999, 123-45-6789).
// SSNs carry no checksum, so undelimited nine-digit numbers pass often by
// chance: delimited tells whether the value had dashes or spaces.
func ValidSSN(s string) (delimited, ok bool) {
	d, delimited, ok := ssnShape(s)
	if !ok {
		return false, false
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return delimited, false
	}
	if allSame(d) || d == "078051120" || d == "219099999" || d == "123456789" {
		return delimited, false
	}
	return delimited, true
}

// ValidNINO reports whether s is a UK National Insurance number: two prefix
// letters (first not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; not
// BG, GB, KN, NK, NT, TN or ZZ), six digits and a suffix A–D, spaces
// allowed. There is no checksum.
func ValidNINO(s string) bool {
	c, ok := compactIBAN(s) // upper-cases and drops spaces
	if !ok || len(c) != 9 {
		return false
	}
	a, b := c[0], c[1]
	if !isUpper(a) || !isUpper(b) || strings.IndexByte("DFIQUV", a) >= 0 || strings.IndexByte("DFIOQUV", b) >= 0 {
		return false
	}
	switch c[:2] {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	for i := 2; i < 8; i++ {
		if !isDigit(c[i]) {
			return false
		}
	}
	return c[8] >= 'A' && c[8] <= 'D'
}

// ValidSteuerID reports whether s is a German tax identification number
// (steuerliche Identifikationsnummer): 11 digits (spaces allowed), the
// first not 0; among the first ten, exactly one digit occurs two or three
// times (three times never all adjacent) and every other at most once; the
// last is the ISO 7064 MOD 11,10 check digit.
func ValidSteuerID(s string) bool {
	d, ok := digitsOnly(s, " /")
	if !ok || len(d) != 11 || d[0] == '0' {
		return false
	}
	var count [10]int
	for i := 0; i < 10; i++ {
		count[d[i]-'0']++
	}
	repeated := 0
	for digit, n := range count {
		switch {
		case n == 2:
			repeated++
		case n == 3:
			repeated++
			for i := 0; i+2 < 10; i++ {
				if int(d[i]-'0') == digit && d[i] == d[i+1] && d[i+1] == d[i+2] {
					return false
				}
			}
		case n > 3:
			return false
		}
	}
	if repeated != 1 {
		return false
	}
	return iso7064Mod1110(d[:10]) == int(d[10]-'0')
}

// iso7064Mod1110 returns the ISO 7064 MOD 11,10 check digit of d.
func iso7064Mod1110(d string) int {
	product := 10
	for i := 0; i < len(d); i++ {
		sum := (int(d[i]-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = (2 * sum) % 11
	}
	check := 11 - product
	if check == 10 {
		check = 0
	}
	return check
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// ValidDNI reports whether s is a Spanish DNI (8 digits and a letter) or
// NIE (X, Y or Z, 7 digits and a letter; X, Y, Z read as 0, 1, 2): the
// letter is dniLetters[number mod 23]. A dash or space before the letter is
// allowed. It returns "ES_DNI" or "ES_NIE".
func ValidDNI(s string) (subtype string, ok bool) {
	c, cok := compactIBAN(strings.ReplaceAll(s, "-", ""))
	if !cok || len(c) != 9 {
		return "", false
	}
	subtype = "ES_DNI"
	num := 0
	start := 0
	switch c[0] {
	case 'X', 'Y', 'Z':
		subtype = "ES_NIE"
		num = int(c[0] - 'X')
		start = 1
	}
	for i := start; i < 8; i++ {
		if !isDigit(c[i]) {
			return "", false
		}
		num = num*10 + int(c[i]-'0')
	}
	if !isUpper(c[8]) {
		return "", false
	}
	return subtype, dniLetters[num%23] == c[8]
}

// ValidRRN reports whether s is a Belgian rijksregisternummer / numéro de
// registre national: 11 digits (dots, dashes and spaces allowed) yymmdd +
// serial + check, the birth date plausible (month 0–12, or +20/+40 for bis
// numbers; day 0–31), and check = 97 − (first nine digits mod 97), or the
// same with a 2 prefixed for births from 2000 on.
func ValidRRN(s string) bool {
	d, ok := digitsOnly(s, ".- ")
	if !ok || len(d) != 11 {
		return false
	}
	mm := int(d[2]-'0')*10 + int(d[3]-'0')
	dd := int(d[4]-'0')*10 + int(d[5]-'0')
	if mm >= 40 {
		mm -= 40
	} else if mm >= 20 {
		mm -= 20
	}
	if mm > 12 || dd > 31 {
		return false
	}
	var first9 uint64
	for i := 0; i < 9; i++ {
		first9 = first9*10 + uint64(d[i]-'0')
	}
	check := int(d[9]-'0')*10 + int(d[10]-'0')
	return check == 97-int(first9%97) || check == 97-int((2_000_000_000+first9)%97)
}
