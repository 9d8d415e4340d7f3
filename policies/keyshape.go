package policies

import (
	"strings"
	"unicode"
)

// minKeyLikeLen is the length from which a random-looking string is taken
// for a pasted key: keys veil accepts have at least 16 bytes, and their
// hex or base64 text is longer still.
const minKeyLikeLen = 16

// LooksLikeKey reports whether s, given where the name of an environment
// variable (key_env) or the path of a key file (key_file) belongs, is
// probably a secret key pasted there instead. Such a value must never be
// repeated in a message, a log line or a report. See looksLikeKey for the
// rule.
func LooksLikeKey(s string) bool { return looksLikeKey(s) }

// looksLikeKey is the rule behind [LooksLikeKey]. s is split at white
// space, quotes and the separators of a pasted line (: , ;), and s looks
// like a key when one of its parts has at least 16 characters, holds
// nothing but the characters of hex, base64, base64url or base32 text
// (letters, digits, + / - _ and = padding: a dot, a backslash or any other
// character makes it a name, a path or prose) and
//
//   - ends in = padding, or contains a + (base64), or
//   - a side of an = (NAME=secret) looks like a key, or
//   - one of its tokens between / - _ is random-looking and 16 characters
//     or longer (in a path, not made of words: a folder like
//     TestKeyFile2837462 is a name), or
//   - its tokens together are hex text of letters and digits (a UUID), or
//     one token of 8 characters or more mixes upper case, lower case and
//     digits and is not made of words, or (outside a path) the tokens
//     together do (base64url).
//
// A random-looking token is 16 digits or more, hex text with a digit,
// upper and lower case letters with digits, or letters of one case with
// digits between them in two places or more (base32). "Made of words":
// cut where letters and digits meet and before an upper-case letter that
// follows a lower-case one, the pieces have 4 characters or more on
// average. Names in upper case with underscores (VEIL_HASH_KEY,
// CUSTOMER_KEY_2024, MY_APP_HMAC_KEY_PRODUCTION) and paths with a file
// extension or words (/run/secrets/veil-hash.key, ./keys/demo-hash.key,
// secrets/k1.bin, keys/prod/hash) are none of these. Letters without
// digits (MyAppHmacKeyProduction) are taken for a name, so a rare base64
// key without digits is not recognised; the parser refuses a key_env that
// is no variable name whatever it looks like.
func looksLikeKey(s string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == ':' || r == ',' || r == ';' || r == '"' || r == '\'' || r == '`'
	})
	for _, p := range parts {
		if partLooksLikeKey(p) {
			return true
		}
	}
	return false
}

func partLooksLikeKey(p string) bool {
	if len(p) < minKeyLikeLen {
		return false
	}
	for i := 0; i < len(p); i++ {
		if !isKeyTextByte(p[i]) {
			return false // a dot, a backslash, non-ASCII...: a name, a path or prose
		}
	}
	body := strings.TrimRight(p, "=")
	if body == "" {
		return false
	}
	if len(body) < len(p) && len(p)-len(body) <= 6 {
		return true // base64 or base32 padding: no name or file name ends so
	}
	if strings.Contains(body, "=") {
		// NAME=secret, or several: judge each side on its own.
		for _, q := range strings.Split(body, "=") {
			if partLooksLikeKey(q) {
				return true
			}
		}
		return false
	}
	if strings.Contains(body, "+") {
		return true // base64; never in a variable name, hardly in a path
	}
	tokens := strings.FieldsFunc(body, func(r rune) bool { return r == '/' || r == '-' || r == '_' })
	path := strings.Contains(body, "/")
	for _, t := range tokens {
		// In a path, a folder like TestKeyFile2837462 (words, then digits)
		// is a name.
		if randomToken(t) && !(path && wordy(t)) {
			return true
		}
	}
	// Shorter pieces: base64 cut by / (or base64url by - and _) into
	// tokens under 16 characters, a UUID.
	joined := strings.Join(tokens, "")
	if len(joined) < minKeyLikeLen {
		return false
	}
	if cl := classify(joined); cl.hex && cl.digits > 0 && cl.letters > 0 {
		return true
	}
	for _, t := range tokens {
		if c := classify(t); len(t) >= 8 && c.upper > 0 && c.lower > 0 && c.digits > 0 && !wordy(t) {
			return true
		}
	}
	if cl := classify(joined); !path && cl.upper > 0 && cl.lower > 0 && cl.digits > 0 && !wordy(joined) {
		return true
	}
	return false
}

// isKeyTextByte reports whether c can be part of hex, base64, base64url or
// base32 text.
func isKeyTextByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '+' || c == '/' || c == '-' || c == '_' || c == '='
}

type charClasses struct {
	upper, lower, digits, letters int
	hex                           bool // only hex digits
	digitRuns, letterRuns         int
}

func classify(t string) charClasses {
	c := charClasses{hex: true}
	prev := byte(0) // 'd' digit, 'l' letter
	for i := 0; i < len(t); i++ {
		b := t[i]
		switch {
		case b >= '0' && b <= '9':
			c.digits++
			if prev != 'd' {
				c.digitRuns++
			}
			prev = 'd'
			continue
		case b >= 'a' && b <= 'z':
			c.lower++
		case b >= 'A' && b <= 'Z':
			c.upper++
		default:
			c.hex = false
			prev = 0
			continue
		}
		c.letters++
		if !(b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F') {
			c.hex = false
		}
		if prev != 'l' {
			c.letterRuns++
		}
		prev = 'l'
	}
	return c
}

// randomToken reports whether t, a run of letters and digits, reads as
// random key text rather than a word or a name.
func randomToken(t string) bool {
	if len(t) < minKeyLikeLen {
		return false
	}
	c := classify(t)
	switch {
	case c.digits+c.letters != len(t):
		return false
	case c.letters == 0:
		return true // 16 digits or more
	case c.hex && c.digits > 0:
		return true // hex
	case c.upper > 0 && c.lower > 0 && c.digits > 0:
		return true // base64-like
	case c.digits > 0 && c.digitRuns >= 2 && c.letterRuns >= 3:
		return true // base32-like: one case, digits scattered between letters
	}
	return false
}

// wordy reports whether t is made of words: cut where letters and digits
// meet and before an upper-case letter that follows a lower-case one
// (TestKeyFile2837462 is Test Key File 2837462), its pieces have 4
// characters or more on average. Random text has many short pieces.
func wordy(t string) bool {
	pieces := 1
	for i := 1; i < len(t); i++ {
		a, b := t[i-1], t[i]
		aDigit, bDigit := a >= '0' && a <= '9', b >= '0' && b <= '9'
		if aDigit != bDigit || (a >= 'a' && a <= 'z' && b >= 'A' && b <= 'Z') {
			pieces++
		}
	}
	return len(t) >= 4*pieces
}

// ValidEnvName reports whether s can name an environment variable: letters,
// digits and _, not starting with a digit.
func ValidEnvName(s string) bool { return validEnvName(s) }
