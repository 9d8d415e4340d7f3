package anonymize

import (
	"errors"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/fpe"

	"github.com/veil-data/veil/internal/luhn"
)

// tokenT writes consistent keyed tokens. Without a format, a token is
//
//	"tok_" + base32(HMAC-SHA256(subkey, value))[:20]     (100 bits)
//
// With a format, the value is encrypted with FF1 (NIST SP 800-38G) under
// an AES-256 key derived from the column's key, keeping its shape:
//
//	digits  every digit is encrypted (radix 10); other characters stay
//	alnum   every ASCII letter and digit is encrypted (radix 62); others stay
//	email   the local part's and the domain's letters and digits are
//	        encrypted together (radix 36, lower-cased); the dots, dashes,
//	        the @ and the top-level domain stay
//	card    the IIN (first 6 digits) stays, the account digits are
//	        encrypted, the Luhn check digit is recomputed; separators stay
//	iban    the country code stays, the BBAN's digits are encrypted (its
//	        letters stay), the ISO 13616 check digits are recomputed
//
// Format-preserving tokens are reversible by whoever holds the key
// (fpe.FF1.Decrypt); the plain tokens are not.
type tokenT struct {
	format string
	tweak  []byte
	mac    *hashT
	ff10   *fpe.FF1
	ff36   *fpe.FF1
	ff62   *fpe.FF1
	x      []uint16
	pos    []int
	buf    []byte
}

func newToken(key []byte, format, tweak string) (*tokenT, error) {
	t := &tokenT{format: format, tweak: []byte(tweak)}
	if format == "" {
		t.mac = newHash(subKey(key, "tokenize"), "base32", 20)
		return t, nil
	}
	k := subKey(key, "ff1")
	var err error
	if t.ff10, err = fpe.NewFF1(k, 10); err != nil {
		return nil, err
	}
	if t.ff36, err = fpe.NewFF1(k, 36); err != nil {
		return nil, err
	}
	if t.ff62, err = fpe.NewFF1(k, 62); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *tokenT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	var s string
	var err error
	switch t.format {
	case "":
		s = "tok_" + string(t.mac.digest(v))
	case "digits":
		s, err = t.classes(v, t.ff10, fpe.Digits)
	case "alnum":
		s, err = t.classes(v, t.ff62, fpe.Alphanumeric)
	case "email":
		s, err = t.email(v)
	case "card":
		s, err = t.card(v)
	case "iban":
		s, err = t.iban(v)
	}
	if err != nil {
		if errors.Is(err, fpe.ErrTooShort) {
			err = ErrFPETooShort
		}
		return dataset.Value{}, err
	}
	return dataset.Value{Text: s}, nil
}

// classes encrypts the characters of v that are in alphabet, in place.
func (t *tokenT) classes(v string, c *fpe.FF1, alphabet string) (string, error) {
	t.x, t.pos = t.x[:0], t.pos[:0]
	for i := 0; i < len(v); i++ {
		if j := strings.IndexByte(alphabet, v[i]); j >= 0 {
			t.x = append(t.x, uint16(j))
			t.pos = append(t.pos, i)
		}
	}
	y, err := c.Encrypt(t.tweak, t.x)
	if err != nil {
		return "", err
	}
	t.buf = append(t.buf[:0], v...)
	for k, i := range t.pos {
		t.buf[i] = alphabet[y[k]]
	}
	return string(t.buf), nil
}

func (t *tokenT) email(v string) (string, error) {
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 {
		return "", ErrNotEmail
	}
	dot := strings.LastIndexByte(v, '.')
	if dot < at+2 || dot == len(v)-1 {
		return "", ErrNotEmail
	}
	lower := strings.ToLower(v)
	// Encrypt the letters and digits before the top-level domain.
	t.x, t.pos = t.x[:0], t.pos[:0]
	for i := 0; i < dot; i++ {
		if j := strings.IndexByte(fpe.Lower36, lower[i]); j >= 0 {
			t.x = append(t.x, uint16(j))
			t.pos = append(t.pos, i)
		}
	}
	y, err := t.ff36.Encrypt(t.tweak, t.x)
	if err != nil {
		return "", err
	}
	t.buf = append(t.buf[:0], lower...)
	for k, i := range t.pos {
		t.buf[i] = fpe.Lower36[y[k]]
	}
	return string(t.buf), nil
}

// card encrypts the account digits of a payment card number.
func (t *tokenT) card(v string) (string, error) {
	t.pos = t.pos[:0]
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			t.pos = append(t.pos, i)
		case c == ' ' || c == '-':
		default:
			return "", ErrNotCard
		}
	}
	n := len(t.pos)
	if n < 13 || n > 19 {
		return "", ErrNotCard
	}
	t.x = t.x[:0]
	for _, i := range t.pos[6 : n-1] {
		t.x = append(t.x, uint16(v[i]-'0'))
	}
	y, err := t.ff10.Encrypt(t.tweak, t.x)
	if err != nil {
		return "", err
	}
	t.buf = append(t.buf[:0], v...)
	for k, i := range t.pos[6 : n-1] {
		t.buf[i] = byte('0' + y[k])
	}
	digits := make([]byte, 0, n)
	for _, i := range t.pos[:n-1] {
		digits = append(digits, t.buf[i])
	}
	t.buf[t.pos[n-1]] = luhn.CheckDigit(digits)
	return string(t.buf), nil
}

// iban encrypts the digits of an IBAN's BBAN and recomputes its check
// digits. Spaces stay where they were; letters are upper-cased.
func (t *tokenT) iban(v string) (string, error) {
	up := strings.ToUpper(v)
	t.pos = t.pos[:0] // positions of the non-space characters
	for i := 0; i < len(up); i++ {
		c := up[i]
		switch {
		case c == ' ':
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			t.pos = append(t.pos, i)
		default:
			return "", ErrNotIBAN
		}
	}
	n := len(t.pos)
	if n < 15 || n > 34 {
		return "", ErrNotIBAN
	}
	ch := func(k int) byte { return up[t.pos[k]] }
	if !isUpper(ch(0)) || !isUpper(ch(1)) || !isDigit(ch(2)) || !isDigit(ch(3)) {
		return "", ErrNotIBAN
	}
	t.x = t.x[:0]
	var digitPos []int
	for k := 4; k < n; k++ {
		if c := ch(k); isDigit(c) {
			t.x = append(t.x, uint16(c-'0'))
			digitPos = append(digitPos, t.pos[k])
		}
	}
	y, err := t.ff10.Encrypt(t.tweak, t.x)
	if err != nil {
		return "", err
	}
	t.buf = append(t.buf[:0], up...)
	for k, i := range digitPos {
		t.buf[i] = byte('0' + y[k])
	}
	// ISO 13616: check = 98 - (BBAN + country + "00" as digits) mod 97.
	m := 0
	add := func(c byte) {
		if isDigit(c) {
			m = (m*10 + int(c-'0')) % 97
		} else {
			m = (m*100 + int(c-'A'+10)) % 97
		}
	}
	for k := 4; k < n; k++ {
		add(t.buf[t.pos[k]])
	}
	add(ch(0))
	add(ch(1))
	add('0')
	add('0')
	check := 98 - m
	t.buf[t.pos[2]] = byte('0' + check/10)
	t.buf[t.pos[3]] = byte('0' + check%10)
	return string(t.buf), nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
