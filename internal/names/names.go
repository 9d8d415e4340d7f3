// Package names splits column names into tokens, the one way veil's
// profiler, policy templates and report match names against hints.
package names

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokens splits a column name into lower-case ASCII-folded tokens:
// accents are removed by NFKD decomposition (téléphone → telephone), ß
// becomes ss, camelCase and letter/digit boundaries split, and any other
// character (_ - . space ...) separates tokens.
//
//	Tokens("Kunden_TelefonNr.") = [kunden telefon nr]
//	Tokens("dateOfBirth")       = [date of birth]
func Tokens(name string) []string {
	folded := Fold(name)
	var tokens []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			tokens = append(tokens, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(folded)
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(cur) > 0 {
				prev := cur[len(cur)-1]
				switch {
				case unicode.IsLower(prev) && unicode.IsUpper(r):
					flush()
				case unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(runes) && unicode.IsLower(runes[i+1]):
					// "HTTPStatus" → HTTP, Status
					flush()
				case unicode.IsDigit(prev) != unicode.IsDigit(r):
					flush()
				}
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return tokens
}

// Fold removes combining marks after NFKD decomposition and spells
// out the letters NFKD leaves alone.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
		case 'ẞ':
			b.WriteString("SS")
		case 'æ':
			b.WriteString("ae")
		case 'Æ':
			b.WriteString("AE")
		case 'ø':
			b.WriteString("o")
		case 'Ø':
			b.WriteString("O")
		case 'œ':
			b.WriteString("oe")
		case 'Œ':
			b.WriteString("OE")
		case 'ł':
			b.WriteString("l")
		case 'Ł':
			b.WriteString("L")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
