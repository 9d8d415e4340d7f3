// Package corpus generates the labelled corpus of testdata/profile: small,
// realistic exports in English, German, French, Spanish and Dutch (a CRM
// export, an HR table, a patient list, a web log, an orders table full of
// decoys, a membership list, a product catalogue and a headerless-looking
// table), each column labelled with the role and entity a careful reviewer
// would give it.
//
// The generator is deterministic (gofakeit and math/rand/v2 seeded with
// constants) and independent of the detectors it measures: check digits
// (Luhn, IBAN, BSN, NIR, Steuer-ID, DNI, RRN) are computed here by separate
// code, names are drawn from gofakeit and from lists written here (which
// overlap the profiler's dictionary only in part), and phone numbers are
// random digits kept when libphonenumber accepts them.
//
// Decoys are on purpose: order and tracking numbers (16 digits failing
// Luhn), EAN barcodes, amounts, versions such as 1.2.3.4, epoch
// timestamps, product codes, email_verified flags, page and passenger
// counts, company and product names.
package corpus

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/nyaruka/phonenumbers"
)

// Label is the expected classification of one column.
type Label struct {
	File, Column, Role, Entity, Subtype string
}

// File is one generated table.
type File struct {
	Name  string
	Delim rune
	Head  []string
	Rows  [][]string
}

// Rows per file: enough for the sampled detection to be stable, small
// enough for testdata.
const rows = 160

// Generate returns the corpus files and their labels.
func Generate() ([]File, []Label) {
	g := &gen{f: gofakeit.New(20261129), r: rand.New(rand.NewPCG(20261129, 7))}
	var files []File
	var labels []Label
	for _, build := range []func() (File, []Label){g.crm, g.hrDE, g.patientsFR, g.weblogNL, g.ordersES, g.membersUKBE, g.products, g.exportNL,
		g.messyCRM, g.messyIntl, g.messyGeneric, g.messyTickets} {
		f, l := build()
		files = append(files, f)
		labels = append(labels, l...)
	}
	return files, labels
}

// Encode returns f as CSV text.
func (f File) Encode() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = f.Delim
	w.Write(f.Head)
	w.WriteAll(f.Rows)
	w.Flush()
	return b.Bytes()
}

// EncodeLabels returns the labels as CSV text.
func EncodeLabels(ls []Label) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"file", "column", "role", "entity", "subtype"})
	for _, l := range ls {
		w.Write([]string{l.File, l.Column, l.Role, l.Entity, l.Subtype})
	}
	w.Flush()
	return b.Bytes()
}

type gen struct {
	f *gofakeit.Faker
	r *rand.Rand
}

// col describes one generated column.
type col struct {
	name, role, entity, subtype string
	val                         func(i int) string
	nulls                       float64 // share of empty cells
}

func (g *gen) table(name string, delim rune, cols []col) (File, []Label) {
	f := File{Name: name, Delim: delim}
	var ls []Label
	for _, c := range cols {
		f.Head = append(f.Head, c.name)
		ls = append(ls, Label{name, c.name, c.role, c.entity, c.subtype})
	}
	for i := 0; i < rows; i++ {
		row := make([]string, len(cols))
		for j, c := range cols {
			v := c.val(i)
			if c.nulls > 0 && g.r.Float64() < c.nulls {
				v = ""
			}
			row[j] = v
		}
		f.Rows = append(f.Rows, row)
	}
	return f, ls
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

var ref = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// birth returns a birth date of an adult (18 to 90 years old).
func (g *gen) birth() time.Time {
	days := 18*365 + g.r.IntN(72*365)
	return ref.AddDate(0, 0, -days)
}

func (g *gen) recent(years int) time.Time {
	return ref.AddDate(0, 0, -g.r.IntN(years*365))
}

// Check digits, written independently of the profile package.

func luhnDigit(payload string) byte {
	sum := 0
	for i := 0; i < len(payload); i++ {
		d := int(payload[len(payload)-1-i] - '0')
		if i%2 == 0 { // doubled: the check digit will sit to its right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func (g *gen) card(prefix string, length int, sep string) string {
	p := prefix + g.digits(length-len(prefix)-1)
	n := p + string(luhnDigit(p))
	if sep == "" {
		return n
	}
	var parts []string
	if length == 15 {
		parts = []string{n[:4], n[4:10], n[10:]}
	} else {
		for i := 0; i < len(n); i += 4 {
			parts = append(parts, n[i:min(i+4, len(n))])
		}
	}
	return strings.Join(parts, sep)
}

// notLuhn returns n digits that fail the Luhn check.
func (g *gen) notLuhn(n int) string {
	p := g.digits(n - 1)
	good := luhnDigit(p)
	d := byte('0' + (int(good-'0')+1+g.r.IntN(9))%10)
	return p + string(d)
}

func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		r = (r*10 + int(s[i]-'0')) % 97
	}
	return r
}

func (g *gen) iban(country, bban string) string {
	num := ""
	for _, c := range bban + country + "00" {
		if c >= 'A' && c <= 'Z' {
			num += strconv.Itoa(int(c-'A') + 10)
		} else {
			num += string(c)
		}
	}
	check := 98 - mod97(num)
	s := fmt.Sprintf("%s%02d%s", country, check, bban)
	if g.r.IntN(2) == 0 {
		var parts []string
		for i := 0; i < len(s); i += 4 {
			parts = append(parts, s[i:min(i+4, len(s))])
		}
		return strings.Join(parts, " ")
	}
	return s
}

func (g *gen) bsn() string {
	for {
		d := g.digits(8)
		s := 0
		for i := 0; i < 8; i++ {
			s += int(d[i]-'0') * (9 - i)
		}
		if c := s % 11; c < 10 && d[0] != '0' {
			return d + strconv.Itoa(c)
		}
	}
}

func (g *gen) nir(male bool, born time.Time) string {
	sex := "2"
	if male {
		sex = "1"
	}
	dept := fmt.Sprintf("%02d", 1+g.r.IntN(95))
	numDept := dept
	switch g.r.IntN(12) {
	case 0:
		dept, numDept = "2A", "19"
	case 1:
		dept, numDept = "2B", "18"
	}
	if dept == "20" {
		dept, numDept = "21", "21"
	}
	rest := fmt.Sprintf("%03d%03d", 1+g.r.IntN(900), 1+g.r.IntN(999))
	yymm := fmt.Sprintf("%02d%02d", born.Year()%100, int(born.Month()))
	n, _ := strconv.ParseUint(sex+yymm+numDept+rest, 10, 64)
	key := 97 - n%97
	return fmt.Sprintf("%s %s %s %s %s %s %02d", sex, yymm[:2], yymm[2:], dept, rest[:3], rest[3:], key)
}

func (g *gen) steuerID() string {
	for {
		d := []byte(g.digits(10))
		if d[0] == '0' {
			continue
		}
		var count [10]int
		for _, c := range d {
			count[c-'0']++
		}
		twice, ok := 0, true
		for _, n := range count {
			if n == 2 {
				twice++
			} else if n > 2 {
				ok = false
			}
		}
		if !ok || twice != 1 {
			continue
		}
		product := 10
		for _, c := range d {
			s := (int(c-'0') + product) % 10
			if s == 0 {
				s = 10
			}
			product = 2 * s % 11
		}
		check := (11 - product) % 10
		return string(d) + strconv.Itoa(check)
	}
}

func (g *gen) dni() string {
	const letters = "TRWAGMYFPDXBNJZSQVHLCKE"
	if g.r.IntN(6) == 0 {
		p := g.r.IntN(3)
		n := g.r.IntN(10_000_000)
		return fmt.Sprintf("%c%07d%c", "XYZ"[p], n, letters[(p*10_000_000+n)%23])
	}
	n := 10_000_000 + g.r.IntN(89_999_999)
	return fmt.Sprintf("%08d%c", n, letters[n%23])
}

func (g *gen) rrn(born time.Time, male bool) string {
	serial := 1 + 2*g.r.IntN(498)
	if !male {
		serial++
	}
	base := fmt.Sprintf("%02d%02d%02d%03d", born.Year()%100, int(born.Month()), born.Day(), serial)
	n, _ := strconv.ParseUint(base, 10, 64)
	if born.Year() >= 2000 {
		n += 2_000_000_000
	}
	check := 97 - n%97
	return fmt.Sprintf("%s.%s.%s-%s.%02d", base[:2], base[2:4], base[4:6], base[6:9], check)
}

func (g *gen) nino() string {
	const first, second = "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
	for {
		p := string(first[g.r.IntN(len(first))]) + string(second[g.r.IntN(len(second))])
		switch p {
		case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
			continue
		}
		d := g.digits(6)
		return fmt.Sprintf("%s %s %s %s %c", p, d[:2], d[2:4], d[4:], "ABCD"[g.r.IntN(4)])
	}
}

func (g *gen) ssn() string {
	for {
		area := 1 + g.r.IntN(899)
		if area == 666 {
			continue
		}
		return fmt.Sprintf("%03d-%02d-%04d", area, 1+g.r.IntN(99), 1+g.r.IntN(9999))
	}
}

// phone returns a random number of the region that libphonenumber accepts,
// written by format (digits filled from the left into the # marks).
func (g *gen) phone(region string, formats ...string) string {
	for {
		f := formats[g.r.IntN(len(formats))]
		var b strings.Builder
		for _, c := range f {
			if c == '#' {
				b.WriteByte(byte('0' + g.r.IntN(10)))
			} else {
				b.WriteRune(c)
			}
		}
		s := b.String()
		num, err := phonenumbers.Parse(s, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(num, region) {
			return s
		}
	}
}

func (g *gen) uuid() string { return g.f.UUID() }

func (g *gen) amount(lo, hi float64) string {
	return strconv.FormatFloat(lo+g.r.Float64()*(hi-lo), 'f', 2, 64)
}

func (g *gen) ipv4() string {
	for {
		a := 1 + g.r.IntN(223)
		if a == 127 || a == 10 {
			continue
		}
		return fmt.Sprintf("%d.%d.%d.%d", a, g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
	}
}

func (g *gen) version() string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+g.r.IntN(4), g.r.IntN(20), g.r.IntN(30), g.r.IntN(200))
}

func fold(s string) string {
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "é", "e", "è", "e", "ë", "e", "á", "a",
		"í", "i", "ó", "o", "ú", "u", "ñ", "n", "ç", "c", "ï", "i", "ê", "e", "î", "i", "â", "a", "à", "a", "ô", "o", "û", "u", " ", "", "'", "")
	return r.Replace(strings.ToLower(s))
}

func (g *gen) email(first, last string, domains []string) string {
	f, l := fold(first), fold(last)
	switch g.r.IntN(4) {
	case 0:
		return f + "." + l + "@" + g.pick(domains)
	case 1:
		return f[:1] + l + strconv.Itoa(g.r.IntN(100)) + "@" + g.pick(domains)
	case 2:
		return l + "." + f + "@" + g.pick(domains)
	}
	return f + "_" + l + "@" + g.pick(domains)
}
