package dataset

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/veil-data/veil/internal/luhn"
)

// ErrHeaderIsData is wrapped by the *DataError of a CSV file whose first row
// looks like a data row (see headerDataShape): the file has no header.
var ErrHeaderIsData = errors.New("the header looks like a data row")

// A CSV file without a header row is read as if its first record named the
// columns, and that record is typically a person: names, e-mail address,
// phone number. Those values would then become column names
// and spread into profiles, draft policies, reports and every message that
// names a column. The CSV reader therefore refuses a header row in which a
// cell has the shape of a value that identifies a person.
//
// The rule: one such cell is enough. An e-mail address, an SSN or a card
// number is never a column name, and a first row holding one is a data row
// whatever its other cells say. The shapes, each a cheap self-contained
// check of the whole (space-trimmed) cell:
//
//   - e-mail address: local@domain.tld (one @, a dotted domain whose last
//     label is at least two letters);
//   - US SSN: ddd-dd-dddd;
//   - payment card: 13-19 digits, spaces or dashes between them allowed,
//     passing the Luhn check;
//   - IBAN: two upper-case letters, two digits, 11-30 upper-case letters or
//     digits (at least one digit), as one word or in groups of four;
//   - IP address: IPv4 or IPv6, as net/netip parses it;
//   - phone number: an optional leading +, then 7-15 digits with the usual
//     separators ( ) - . and space, that looks dialled rather than counted:
//     it has a leading +, parentheses, a trunk prefix (a first group of two
//     or more digits starting with 0), or three or more groups of digits.
//
// Everything else is accepted: words, snake_case, "col_1", "Q1 2024",
// "amount (EUR)", "e-mail", "Unnamed: 0", titles with spaces and
// punctuation, bare numbers ("1", "2023", "20240101", "3.14", a range
// such as "2019-2023") and dates ("2024-01-31"), which are plausible column
// names in pivoted exports. A headerless row of a person holds at least one
// of the shapes above besides its date of birth.

// headerDataShape returns what cell looks like (e.g. "an e-mail address")
// when it has the shape of a value identifying a person, or "" when it may
// be a column name. The result never contains any of cell's text.
func headerDataShape(cell string) string {
	s := strings.TrimSpace(cell)
	if len(s) < 6 || len(s) > 254 {
		// Every shape needs at least 6 bytes (a@b.io; 1.2.3.4 and a
		// phone's 7 digits are longer), except short IPv6 addresses
		// such as "::1", which are not worth refusing a header for.
		return ""
	}
	switch {
	case isEmailShape(s):
		return "an e-mail address"
	case isSSNShape(s):
		return "a US social security number"
	case isCardShape(s):
		return "a payment card number"
	case isIBANShape(s):
		return "an IBAN"
	case isIPShape(s):
		return "an IP address"
	case isDateShape(s):
		return "" // a date names a column of a pivoted export; its digits are not a phone's
	case isPhoneShape(s):
		return "a phone number"
	}
	return ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// isEmailShape reports local@domain.tld: one @, a local part without
// spaces or separators, and a domain of two or more labels whose last one
// is two or more letters.
func isEmailShape(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	for i := 0; i < at; i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte(`"(),:;<>[\]`, c) >= 0 {
			return false
		}
	}
	labels := strings.Split(s[at+1:], ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !isLetter(c) && !isDigit(c) && c != '-' && c < 0x80 {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return false
		}
	}
	return true
}

// isSSNShape reports ddd-dd-dddd.
func isSSNShape(s string) bool {
	if len(s) != 11 || s[3] != '-' || s[6] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 3 && i != 6 && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isCardShape reports 13-19 digits, with single spaces or dashes between
// them, that pass the Luhn check.
func isCardShape(s string) bool {
	if !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return false
	}
	digits := make([]byte, 0, 19)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			if len(digits) == 19 {
				return false
			}
			digits = append(digits, c)
		case c == ' ' || c == '-':
			if !isDigit(s[i-1]) {
				return false
			}
		default:
			return false
		}
	}
	if len(digits) < 13 {
		return false
	}
	return luhn.Valid(digits)
}

// isIBANShape reports two upper-case letters, two digits and 11-30
// upper-case letters or digits (at least one digit), written as one word or
// in space-separated groups of four (the last one shorter).
func isIBANShape(s string) bool {
	if strings.IndexByte(s, ' ') >= 0 {
		groups := strings.Split(s, " ")
		for i, g := range groups {
			if len(g) != 4 && (i < len(groups)-1 || g == "" || len(g) > 4) {
				return false
			}
		}
		s = strings.Join(groups, "")
	}
	if len(s) < 15 || len(s) > 34 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	digit := false
	for i := 4; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digit = true
		case isUpper(c):
		default:
			return false
		}
	}
	return digit
}

// isIPShape reports an IPv4 or IPv6 address. A cheap filter keeps
// netip.ParseAddr for cells made of hex digits, dots, colons (and a zone).
func isIPShape(s string) bool {
	if strings.IndexByte(s, '.') < 0 && strings.IndexByte(s, ':') < 0 {
		return false
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// isDateShape reports a year, month and day written with one separator
// (- / or .): yyyy-mm-dd, dd.mm.yyyy, mm/dd/yyyy and the like, alone or
// followed by a time (T or a space, then more).
func isDateShape(s string) bool {
	date, _, _ := strings.Cut(strings.Replace(s, "T", " ", 1), " ")
	var sep byte
	var groups []string
	for i, start := 0, 0; i <= len(date); i++ {
		if i < len(date) && isDigit(date[i]) {
			continue
		}
		if i < len(date) {
			if sep != 0 && date[i] != sep || !strings.ContainsRune("-/.", rune(date[i])) {
				return false
			}
			sep = date[i]
		}
		groups = append(groups, date[start:i])
		start = i + 1
	}
	if len(groups) != 3 {
		return false
	}
	l := []int{len(groups[0]), len(groups[1]), len(groups[2])}
	short := func(n int) bool { return n == 1 || n == 2 }
	return l[0] == 4 && short(l[1]) && short(l[2]) || short(l[0]) && short(l[1]) && l[2] == 4
}

// isPhoneShape reports an optional leading +, then 7-15 digits with the
// separators ( ) - . and space, that is dialled rather than counted: a
// leading +, parentheses, a trunk prefix (a first group of two or more
// digits starting with 0) or three or more groups of digits. A bare number
// ("20240101", "3.1415926") or a range ("2019-2023") is not a phone number.
func isPhoneShape(s string) bool {
	plus := s[0] == '+'
	if plus {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	if !isDigit(s[0]) && s[0] != '(' {
		return false
	}
	if !isDigit(s[len(s)-1]) {
		return false
	}
	var digits, groups, firstGroup int
	paren, inGroup := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digits++
			if !inGroup {
				groups++
				inGroup = true
			}
			if groups == 1 {
				firstGroup++
			}
		case c == '(' || c == ')':
			paren = true
			inGroup = false
		case c == '-' || c == '.' || c == ' ':
			inGroup = false
		default:
			return false
		}
	}
	if digits < 7 || digits > 15 {
		return false
	}
	trunk := firstGroup >= 2 && strings.TrimLeft(s, "(")[0] == '0'
	return plus || paren || trunk || groups >= 3
}
