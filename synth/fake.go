package synth

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/veil-data/veil/internal/luhn"
)

// columnRand returns the random stream of one column: derived from the
// seed and the column's name, so that a column's fake values do not change
// when other columns are added or removed.
func columnRand(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// faker regenerates one direct-identifier column. Values come from
// gofakeit's embedded lists (names, streets, cities) and from ranges
// reserved for documentation and fiction, so that no value is anyone's:
//
//	EMAIL        first.last.NNNN@synth.example (the .example TLD is reserved, RFC 2606)
//	PHONE        the input's digit layout; the last 7 digits 555-01NN (NANP fiction range)
//	NATIONAL_ID  the input's digit layout, first digit 9 (US SSN area 9xx is never issued)
//	IP_ADDRESS   192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (TEST-NET, RFC 5737)
//	URL          https://www.example.com/... (reserved, RFC 2606)
//	MAC_ADDRESS  locally administered (02:...)
//	CREDIT_CARD  Luhn-valid numbers in the 400000 test range
//	IBAN         GB with bank code TEST (no such bank), valid check digits
//	UUID         random version 4
//
// Names, addresses, cities and user names are combinations of list
// entries drawn independently of the input: a generated name may be
// someone's name, as any name is, but it is never linked to an input row.
type faker struct {
	entity   string
	template string
	rng      *rand.Rand
	gf       *gofakeit.Faker
}

func newFaker(c *ColumnModel, seed uint64) *faker {
	rng := columnRand(seed, c.Name)
	return &faker{entity: c.Entity, template: c.Template, rng: rng, gf: gofakeit.NewFaker(rng, false)}
}

func (f *faker) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + f.rng.IntN(10))
	}
	return string(b)
}

func (f *faker) value() string {
	switch f.entity {
	case "PERSON_NAME":
		return f.gf.FirstName() + " " + f.gf.LastName()
	case "FIRST_NAME":
		return f.gf.FirstName()
	case "LAST_NAME":
		return f.gf.LastName()
	case "EMAIL":
		local := asciiLower(f.gf.FirstName()) + "." + asciiLower(f.gf.LastName()) + "." + f.digits(4)
		return local + "@synth.example"
	case "PHONE":
		t := f.template
		if t == "" {
			t = "+1 ddd ddd dddd"
		}
		cc := 0 // digits of a leading +country code
		if strings.HasPrefix(t, "+") {
			for cc < len(t)-1 && t[cc+1] == 'd' {
				cc++
			}
		}
		return f.fillTemplate(t, func(digits int, i int) byte {
			if i < cc {
				// The country code: +1 (NANP, whose 555-01NN range is
				// fictional) when it is one digit.
				if cc == 1 {
					return '1'
				}
				return byte('1' + f.rng.IntN(9))
			}
			// Last 7 digits: 555-01NN.
			if digits >= 7 {
				tail := "55501"
				if k := i - (digits - 7); k >= 0 && k < len(tail) {
					return tail[k]
				}
			}
			if i == cc {
				return byte('2' + f.rng.IntN(8))
			}
			return byte('0' + f.rng.IntN(10))
		})
	case "NATIONAL_ID":
		t := f.template
		if t == "" {
			t = "ddd-dd-dddd"
		}
		return f.fillTemplate(t, func(_ int, i int) byte {
			if i == 0 {
				return '9'
			}
			return byte('0' + f.rng.IntN(10))
		})
	case "ADDRESS":
		return f.gf.Street()
	case "CITY":
		return f.gf.City()
	case "IP_ADDRESS":
		nets := []string{"192.0.2.", "198.51.100.", "203.0.113."}
		return nets[f.rng.IntN(3)] + fmt.Sprint(1+f.rng.IntN(254))
	case "UUID":
		return randomUUID(f.rng)
	case "USERNAME":
		return asciiLower(f.gf.FirstName()) + f.digits(3)
	case "URL":
		return "https://www.example.com/" + asciiLower(f.gf.LastName()) + "/" + f.digits(6)
	case "MAC_ADDRESS":
		b := make([]string, 6)
		b[0] = "02"
		for i := 1; i < 6; i++ {
			b[i] = fmt.Sprintf("%02x", f.rng.IntN(256))
		}
		return strings.Join(b, ":")
	case "CREDIT_CARD":
		d := "400000" + f.digits(9)
		return d + string(luhn.CheckDigit(d))
	case "IBAN":
		bban := "TEST" + f.digits(14)
		return "GB" + ibanCheck("GB", bban) + bban
	}
	return ""
}

// fillTemplate replaces each 'd' of t with digit(number of digits, i-th
// digit).
func (f *faker) fillTemplate(t string, digit func(total, i int) byte) string {
	total := strings.Count(t, "d")
	b := []byte(t)
	i := 0
	for k, c := range b {
		if c == 'd' {
			b[k] = digit(total, i)
			i++
		}
	}
	return string(b)
}

func asciiLower(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

func randomUUID(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ibanCheck returns the two check digits of an IBAN (ISO 13616 mod 97).
func ibanCheck(country, bban string) string {
	s := bban + country + "00"
	rem := 0
	for _, r := range s {
		var v int
		switch {
		case r >= '0' && r <= '9':
			v = int(r - '0')
			rem = (rem*10 + v) % 97
			continue
		default:
			v = int(r-'A') + 10
		}
		rem = (rem*100 + v) % 97
	}
	return fmt.Sprintf("%02d", 98-rem)
}

// keyGen regenerates an identifier column: unique keys longer than every
// input key, so that none can equal one (see KeyFormat).
type keyGen struct {
	k     *KeyFormat
	rng   *rand.Rand
	i     int64
	total int64 // rows to generate, for the width of string keys
}

func (g *keyGen) value() string {
	i := g.i
	g.i++
	switch g.k.Shape {
	case "integer":
		d := min(g.k.Digits, 17)
		base := int64(9)
		for range d {
			base *= 10
		}
		return formatInt(base + i)
	case "digits":
		s := formatInt(i)
		if pad := g.k.Digits - len(s); pad > 0 {
			s = strings.Repeat("0", pad) + s
		}
		return g.k.Prefix + "9" + s
	case "uuid":
		return randomUUID(g.rng)
	}
	// string: the row number written in the alphabet with a fixed number
	// of characters (unique), then random characters, to MaxLen+1
	// characters after the prefix.
	alpha := alphabetChars(g.k.Alphabet)
	base := int64(len(alpha))
	idx := 1
	for x := max(g.total-1, 0); x >= base; x /= base {
		idx++
	}
	width := max(g.k.MaxLen+1-len(g.k.Prefix), idx)
	body := make([]byte, 0, width)
	x := i
	for range idx {
		body = append(body, alpha[x%base])
		x /= base
	}
	for len(body) < width {
		body = append(body, alpha[g.rng.IntN(len(alpha))])
	}
	return g.k.Prefix + string(body)
}

func alphabetChars(a string) string {
	var s string
	if strings.Contains(a, "a") {
		s += "abcdefghijklmnopqrstuvwxyz"
	}
	if strings.Contains(a, "A") {
		s += "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	}
	if strings.Contains(a, "9") || s == "" {
		s += "0123456789"
	}
	return s
}
