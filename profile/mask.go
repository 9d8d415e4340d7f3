package profile

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Mask returns a masked form of value, an example of entity, that keeps a
// little of its shape for a reviewer and never enough to re-identify:
//
//	EMAIL        jane.doe@example.com  → j***@e***.com
//	CREDIT_CARD  4111 1111 1111 1234   → **** **** **** 1234
//	IBAN         DE89370400440532013000 → DE** **** **** **** **30 00
//	PHONE        +49 30 1234567        → +49 ** ****67
//	PERSON_NAME  Jane van Doe          → J*** v*** D***
//	IP_ADDRESS   192.168.10.20         → 192.*.*.*
//
// Other entities keep separators and the last two characters of values
// that have at least eight letters or digits, and mask everything else.
// Mask never returns value itself for a value of two characters or more.
func Mask(entity, value string) string {
	switch entity {
	case "EMAIL":
		return maskEmail(value)
	case "CREDIT_CARD":
		return maskKeepLast(value, 4)
	case "IBAN":
		c, ok := compactIBAN(value)
		if !ok || len(c) < 8 {
			return maskKeepLast(value, 0)
		}
		masked := c[:2] + strings.Repeat("*", len(c)-6) + c[len(c)-4:]
		var b strings.Builder
		for i := 0; i < len(masked); i++ {
			if i > 0 && i%4 == 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(masked[i])
		}
		return b.String()
	case "PHONE":
		if m := maskPhone(value); m != value {
			return m
		}
	case "PERSON_NAME", "USERNAME", "ADDRESS", "CITY":
		return maskWords(value)
	case "IP_ADDRESS":
		if a, err := netip.ParseAddr(value); err == nil {
			if a.Is4() {
				b := a.As4()
				return itoa(int(b[0])) + ".*.*.*"
			}
			parts := strings.SplitN(value, ":", 2)
			return parts[0] + ":****"
		}
	case "DATE_OF_BIRTH":
		return maskDigits(value, 0)
	case "NATIONAL_ID", "RECORD_ID", "UUID", "MAC_ADDRESS":
		return maskKeepLast(value, 2)
	case "URL":
		if i := strings.Index(value, "://"); i >= 0 {
			rest := value[i+3:]
			host := rest
			if j := strings.IndexAny(rest, "/?#"); j >= 0 {
				host = rest[:j]
			}
			return value[:i+3] + maskLabel(host) + "/***"
		}
	}
	return maskKeepLast(value, 2)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [4]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// maskKeepLast replaces letters and digits by '*', keeping separators and
// the last keep of them, but only when the value has at least 4·keep (and
// 8) of them, so that short values are fully masked.
func maskKeepLast(value string, keep int) string {
	alnum := 0
	for _, r := range value {
		if isAlnum(r) {
			alnum++
		}
	}
	if keep > 0 && (alnum < 8 || alnum < 4*keep) {
		keep = 0
	}
	var b strings.Builder
	seen := 0
	for _, r := range value {
		if isAlnum(r) {
			seen++
			if seen > alnum-keep {
				b.WriteRune(r)
			} else {
				b.WriteByte('*')
			}
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out == value && utf8.RuneCountInString(value) > 1 {
		return strings.Repeat("*", min(utf8.RuneCountInString(value), 8))
	}
	return out
}

// maskDigits replaces every digit by '*' (keeping the first keep digits).
func maskDigits(value string, keep int) string {
	var b strings.Builder
	n := 0
	for _, r := range value {
		if r >= '0' && r <= '9' {
			n++
			if n > keep {
				b.WriteByte('*')
				continue
			}
		}
		if isAlnum(r) && !(r >= '0' && r <= '9') {
			b.WriteByte('*')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && r != '’'
}

func maskEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 {
		return maskKeepLast(v, 0)
	}
	local, domain := v[:at], v[at+1:]
	suffix := ""
	if i := strings.LastIndexByte(domain, '.'); i >= 0 {
		suffix = domain[i:]
		domain = domain[:i]
	}
	return maskLabel(local) + "@" + maskLabel(domain) + suffix
}

// maskLabel keeps the first character and replaces the rest by ***.
func maskLabel(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return "***"
	}
	if size == len(s) {
		return "*"
	}
	return string(r) + "***"
}

func maskWords(v string) string {
	words := strings.Fields(v)
	for i, w := range words {
		words[i] = maskLabel(w)
	}
	return strings.Join(words, " ")
}

// maskPhone keeps a leading + and country code (up to 3 digits after +) and
// the last two digits.
func maskPhone(v string) string {
	total := 0
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			total++
		}
	}
	var b strings.Builder
	n := 0
	keepHead := 0
	if strings.HasPrefix(v, "+") {
		// Keep the country code: the digits before the first separator,
		// at most 3.
		for i := 1; i < len(v) && isDigit(v[i]) && keepHead < 3; i++ {
			keepHead++
		}
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isDigit(c) {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
				c = '*'
			}
			b.WriteByte(c)
			continue
		}
		n++
		if n <= keepHead || (total >= 8 && n > total-2) {
			b.WriteByte(c)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}
