package profile

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veil-data/veil/dataset"
)

// Fixtures of messy columns, built here with a fixed seed; the check
// digits come from the validators' own arithmetic inverted (IBAN mod 97)
// or from the published rule (DNI letter), typos change one digit.

func ibanDE(r *rand.Rand) string {
	bban := ""
	for range 18 {
		bban += strconv.Itoa(r.IntN(10))
	}
	// Check digits: 98 − (BBAN + "DE00" as digits) mod 97.
	num := bban + "131400"
	rem := 0
	for _, c := range num {
		rem = (rem*10 + int(c-'0')) % 97
	}
	s := fmt.Sprintf("DE%02d%s", 98-rem, bban)
	var groups []string
	for i := 0; i < len(s); i += 4 {
		groups = append(groups, s[i:min(i+4, len(s))])
	}
	return strings.Join(groups, " ")
}

func dniES(r *rand.Rand) string {
	n := 10_000_000 + r.IntN(89_999_999)
	return fmt.Sprintf("%08d%c", n, "TRWAGMYFPDXBNJZSQVHLCKE"[n%23])
}

// typo changes one digit of v.
func typo(r *rand.Rand, v string) string {
	for {
		i := r.IntN(len(v))
		if v[i] >= '0' && v[i] <= '9' {
			return v[:i] + strconv.Itoa((int(v[i]-'0')+1+r.IntN(9))%10) + v[i+1:]
		}
	}
}

// TestChecksumColumnWithTypos: an IBAN or DNI column in which a fifth of
// the values fail the checksum (typos) is still that identifier, at
// medium confidence, named or not; the old rule (v/m >= 0.9) left the IBAN
// column to the mixed free-text rule and the DNI column likewise.
func TestChecksumColumnWithTypos(t *testing.T) {
	for _, tc := range []struct {
		name, entity, subtype string
		gen                   func(*rand.Rand) string
	}{
		{"iban", "IBAN", "", ibanDE},
		{"col4", "IBAN", "", ibanDE},
		{"dni_nie", "NATIONAL_ID", "ES_DNI", dniES},
		{"col8", "NATIONAL_ID", "ES_DNI", dniES},
	} {
		r := rand.New(rand.NewPCG(7, 11))
		var vals []string
		for i := range 200 {
			v := tc.gen(r)
			switch {
			case i%25 == 0:
				v = "N/A"
			case r.Float64() < 0.22:
				v = typo(r, v)
			}
			vals = append(vals, v)
		}
		d := DetectColumn(tc.name, vals, nil)
		if d.Role != RoleDirect || d.Entity != tc.entity || tc.subtype != "" && d.Subtype != tc.subtype {
			t.Errorf("%s: got %s/%s/%s (%s), want direct/%s", tc.name, d.Role, d.Entity, d.Subtype, d.Evidence.Reason, tc.entity)
			continue
		}
		if d.Band != "medium" {
			t.Errorf("%s: band %s (confidence %.3f), want medium: a column with typos is proposed for review", tc.name, d.Band, d.Confidence)
		}
	}
}

// TestChecksumChanceStillRejected: the typo-tolerant test does not let
// numbers that pass a checksum by chance through. Random 16-digit Visa
// numbers pass Luhn one time in ten, random letters after 8 digits pass
// the DNI check one time in 23; and a column where fewer than half of the
// values of the shape validate is no column of that identifier.
func TestChecksumChanceStillRejected(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	var cards, dnis, half []string
	for range 300 {
		d := "4"
		for range 15 {
			d += strconv.Itoa(r.IntN(10))
		}
		cards = append(cards, d)
		dnis = append(dnis, fmt.Sprintf("%08d%c", 10_000_000+r.IntN(89_999_999), 'A'+rune(r.IntN(26))))
		v := ibanDE(r)
		if r.IntN(5) < 3 {
			v = typo(r, v)
		}
		half = append(half, v)
	}
	for _, tc := range []struct {
		name string
		vals []string
		not  string
	}{
		{"tracking_ref", cards, "CREDIT_CARD"},
		{"ref_code", dnis, "NATIONAL_ID"},
		{"col3", half, "IBAN"},
	} {
		d := DetectColumn(tc.name, tc.vals, nil)
		if d.Entity == tc.not {
			t.Errorf("%s: got %s/%s (%.3f, %s), want not %s", tc.name, d.Role, d.Entity, d.Confidence, d.Evidence.Reason, tc.not)
		}
	}
}

// TestChanceLLRFit checks the generalised test against figures worked by
// hand: 78 mod-97 passes in 100 values of the shape are far beyond chance,
// 12 Luhn passes in 100 are not.
func TestChanceLLRFit(t *testing.T) {
	if got := chanceLLRFit(78, 100, 0.0103); got < 200 {
		t.Errorf("chanceLLRFit(78, 100, 0.0103) = %.1f, want > 200", got)
	}
	if got := chanceLLRFit(12, 100, 0.10); got > 1 {
		t.Errorf("chanceLLRFit(12, 100, 0.10) = %.2f, want < 1", got)
	}
	if got := chanceLLRFit(0, 0, 0.10); got != 0 {
		t.Errorf("chanceLLRFit(0, 0, 0.10) = %v, want 0", got)
	}
}

// TestBirthDatesInMixedFormats: a birth-date column merged from systems
// that write dates differently (dd/mm/yyyy, ISO, 2 Jan 1985, days without
// their zero) is a birth-date column even with a header that says
// nothing; the old rule read every value with the one most frequent
// layout and found too few.
func TestBirthDatesInMixedFormats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	var mixed, unpadded []string
	for range 200 {
		b := now.AddDate(0, 0, -(18*365 + r.IntN(65*365)))
		switch r.IntN(10) {
		case 0, 1, 2, 3, 4:
			mixed = append(mixed, b.Format("02/01/2006"))
		case 5, 6, 7:
			mixed = append(mixed, b.Format("2006-01-02"))
		default:
			mixed = append(mixed, b.Format("2 Jan 2006"))
		}
		unpadded = append(unpadded, b.Format("2.1.2006"))
	}
	for _, tc := range []struct {
		name string
		vals []string
	}{{"col6", mixed}, {"col_2", unpadded}, {"geb_datum", unpadded}} {
		d := DetectColumn(tc.name, tc.vals, nil)
		if d.Role != RoleDirect || d.Entity != "DATE_OF_BIRTH" {
			t.Errorf("%s: got %s/%s (%.3f, %s), want direct/DATE_OF_BIRTH", tc.name, d.Role, d.Entity, d.Confidence, d.Evidence.Reason)
		}
	}
}

// TestZIPPlus4IsNotAPhone: ZIP+4 codes (12345-6789) fit German phone
// numbers; under a header that says nothing they are postal codes, not
// direct identifiers. Under a phone name they stay phones.
func TestZIPPlus4IsNotAPhone(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var vals []string
	for range 200 {
		vals = append(vals, fmt.Sprintf("%05d-%04d", 1000+r.IntN(98000), r.IntN(10000)))
	}
	d := DetectColumn("col_9", vals, nil)
	if d.Role != RoleQuasi || d.Entity != "POSTAL_CODE" {
		t.Errorf("col_9: got %s/%s (%.3f, %s), want quasi/POSTAL_CODE", d.Role, d.Entity, d.Confidence, d.Evidence.Reason)
	}
	if ms := FindPII("Ship to 12345-6789 before noon", nil); len(ms) != 0 {
		t.Errorf("FindPII found %v in a ZIP+4 code", ms)
	}
}

// TestKeysAsFloatsOrRising: keys that went through a spreadsheet
// (100234.0) and auto-increment keys of varying length (7, 138, 269...)
// are identifiers, so their values are never listed; amounts that are
// unique too but come in no order are not.
func TestKeysAsFloatsOrRising(t *testing.T) {
	var floats []string
	for i := range 100 {
		floats = append(floats, strconv.Itoa(100234+i*17)+".0")
	}
	if d := DetectKind("cust_no", dataset.Float, floats, nil); d.Role != RoleIdentifier {
		t.Errorf("cust_no as floats: got %s/%s (%s), want identifier", d.Role, d.Entity, d.Evidence.Reason)
	}
	if d := DetectKind("col1", dataset.Float, floats, nil); d.Role != RoleIdentifier {
		t.Errorf("col1 as floats: got %s/%s (%s), want identifier", d.Role, d.Entity, d.Evidence.Reason)
	}
	var amounts []string
	for i := range 100 {
		amounts = append(amounts, strconv.Itoa(100234+i*17)+".5")
	}
	if d := DetectKind("col2", dataset.Float, amounts, nil); d.Role == RoleIdentifier {
		t.Errorf("col2, amounts with a fraction: got identifier, want other")
	}

	r := rand.New(rand.NewPCG(4, 4))
	var b strings.Builder
	b.WriteString("col1,col2\n")
	for i := range 150 {
		fmt.Fprintf(&b, "%d,%d\n", 1+i*i*37, 1+r.IntN(1_000_000))
	}
	rd, err := dataset.NewCSVReader(strings.NewReader(b.String()), "keys.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Run(context.Background(), rd, &Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Columns[0]; c.Role != RoleIdentifier {
		t.Errorf("rising keys: got %s/%s (%s), want identifier", c.Role, c.Entity, c.Evidence.Reason)
	}
	if c := p.Columns[1]; c.Role == RoleIdentifier {
		t.Errorf("unordered numbers of varying length: got identifier (%s), want other", c.Evidence.Reason)
	}
}

// TestCompoundOrderNumbers: German and Dutch write an order or article
// number as one word (bestellnr, artikelnummer, factuurnummer); such a
// column is not a person's key, as order_number is not.
func TestCompoundOrderNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 8))
	var vals []string
	for range 100 {
		vals = append(vals, strconv.Itoa(4_000_000_000+r.IntN(999_999_999)))
	}
	for _, name := range []string{"bestellnr", "Artikelnummer", "factuurnummer", "order_number"} {
		if d := DetectKind(name, dataset.Integer, vals, nil); d.Role != RoleOther {
			t.Errorf("%s: got %s/%s (%s), want other", name, d.Role, d.Entity, d.Evidence.Reason)
		}
	}
	// Unnamed, the same numbers are a key as far as anyone can tell.
	if d := DetectKind("col15", dataset.Integer, vals, nil); d.Role != RoleIdentifier {
		t.Errorf("col15: got %s/%s, want identifier", d.Role, d.Entity)
	}
}

// TestRisingNumbersNamedAsMeasures: numbers that rise in file order
// under a name of their own (a year, a running total, a population, an
// amount the table is sorted by) are not keys; under a placeholder or a
// key name they are.
func TestRisingNumbersNamedAsMeasures(t *testing.T) {
	var b strings.Builder
	b.WriteString("year,cumulative,population,spend,spend_f,col3,id_cli,Unnamed: 0\n")
	r := rand.New(rand.NewPCG(5, 5))
	cum, spend := 0, 100
	for i := range 60 {
		cum += 1 + r.IntN(500)
		spend += 1 + r.IntN(2000)
		fmt.Fprintf(&b, "%d,%d,%d,%d,%d.0,%d,%d,%d\n", 1960+i, cum, 1000*(i+1)+r.IntN(999), spend, spend, 7+i*131, 7+i*131, i)
	}
	rd, err := dataset.NewCSVReader(strings.NewReader(b.String()), "sorted.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Run(context.Background(), rd, &Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Columns {
		key := c.Name == "col3" || c.Name == "id_cli" || c.Name == "Unnamed: 0"
		if got := c.Role == RoleIdentifier; got != key {
			t.Errorf("%s: got %s/%s (%s), want identifier %v", c.Name, c.Role, c.Entity, c.Evidence.Reason, key)
		}
	}
}

// TestCompoundsOfOrdersThatAreNotNumbers: a compound of an order word
// that is not a number (lieferhinweis, a delivery note) is free text like
// any other, and the names and phones in it are found.
func TestCompoundsOfOrdersThatAreNotNumbers(t *testing.T) {
	var vals []string
	for i := range 100 {
		if i%2 == 0 {
			vals = append(vals, fmt.Sprintf("Bitte bei Anna Schmidt abgeben, Tel. +49 176 %07d", 3745446+i*7919))
		} else {
			vals = append(vals, "Vor die Tür")
		}
	}
	for _, name := range []string{"lieferhinweis", "bestellnotiz"} {
		if d := DetectKind(name, dataset.String, vals, nil); d.Role != RoleDirect {
			t.Errorf("%s: got %s/%s (%s), want direct", name, d.Role, d.Entity, d.Evidence.Reason)
		}
	}
}
