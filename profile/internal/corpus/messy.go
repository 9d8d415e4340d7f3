package corpus

import (
	"fmt"
	"strconv"
	"strings"
)

// The messy exports are the adversarial half of the corpus: what a data
// team really receives. Identifier columns carry placeholders (N/A, -,
// unknown), blanks, typos that break a checksum, upper-case e-mail
// addresses, phone numbers written three ways, IBANs in groups and card
// numbers with dashes; headers are abbreviated or in another language
// (tel, e_mail, cust_nm, telefono, geb_datum) or say nothing (col1);
// notes hold identifiers in 5 to 40 % of their rows; keys are floats
// (Excel's 100234.0) or integers of varying length. The decoys have the
// shapes of identifiers: order and invoice numbers, SKUs, ZIP+4 codes,
// amounts, event timestamps, versions.
//
// Their file names start with "messy_": TestCorpusAccuracy reports them
// apart from the clean exports, per entity.

// Messy reports whether a corpus file is one of the messy exports.
func Messy(name string) bool { return strings.HasPrefix(name, "messy_") }

// dirty wraps a column's generator: a share of its cells become one of
// placeholders (the column's own way of writing "unknown") and a share
// are typos (typo of the value; nil leaves values intact).
func (g *gen) dirty(val func(int) string, placeholders []string, pShare float64, typo func(string) string, tShare float64) func(int) string {
	return func(i int) string {
		v := val(i)
		x := g.r.Float64()
		switch {
		case x < pShare:
			return g.pick(placeholders)
		case typo != nil && x < pShare+tShare:
			return typo(v)
		}
		return v
	}
}

// digitTypo replaces one digit of v by another: one wrong key, which
// every checksum used here (Luhn, mod 97, mod 11, mod 23) detects.
func (g *gen) digitTypo(v string) string {
	var at []int
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return v
	}
	i := at[g.r.IntN(len(at))]
	d := byte('0' + (int(v[i]-'0')+1+g.r.IntN(9))%10)
	return v[:i] + string(d) + v[i+1:]
}

// dropDigit removes one digit: a number too short to be valid.
func (g *gen) dropDigit(v string) string {
	for {
		i := g.r.IntN(len(v))
		if v[i] >= '0' && v[i] <= '9' {
			return v[:i] + v[i+1:]
		}
	}
}

// emailTypo breaks an address the way hand entry does: no dot before
// the top-level domain, a comma for the dot, or a space.
func (g *gen) emailTypo(v string) string {
	switch g.r.IntN(3) {
	case 0:
		if i := strings.LastIndexByte(v, '.'); i > strings.IndexByte(v, '@') {
			return v[:i] + v[i+1:]
		}
	case 1:
		return strings.Replace(v, ".", ",", 1)
	}
	return strings.Replace(v, "@", " @", 1)
}

// shout upper-cases some addresses as CRMs and spreadsheets do.
func (g *gen) shout(v string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToUpper(v)
	case 1:
		at := strings.IndexByte(v, '@')
		return strings.ToUpper(v[:1]) + v[1:at] + "@" + strings.ToUpper(v[at+1:at+2]) + v[at+2:]
	}
	return v
}

// ukPhone writes a London or mobile number in one of the ways a UK export
// holds them.
func (g *gen) ukPhone() string {
	return g.phone("GB", "+44 20 #### ####", "020 #### ####", "020-####-####", "(020) #### ####",
		"+44 (0)20 #### ####", "07### ######", "+44 7### ######", "07###-######")
}

func (g *gen) ipv6() string {
	return fmt.Sprintf("2a02:%x:%x:%x::%x", 0x1000+g.r.IntN(0xefff), g.r.IntN(0xffff), g.r.IntN(0xffff), 1+g.r.IntN(0xfff))
}

// birthMixed writes a birth date in the format of the system the row came
// from: most in one, some in another.
func (g *gen) birthMixed(layouts ...string) string {
	b := g.birth()
	x := g.r.Float64()
	switch {
	case x < 0.6 || len(layouts) == 1:
		return b.Format(layouts[0])
	case x < 0.85 || len(layouts) == 2:
		return b.Format(layouts[1])
	}
	return b.Format(layouts[2])
}

func (g *gen) gbIBAN() string {
	return g.iban("GB", g.pick([]string{"NWBK", "BARC", "LOYD", "HBUK", "MIDL"})+g.digits(14))
}

// zip4 is a US ZIP+4 code.
func (g *gen) zip4() string {
	return fmt.Sprintf("%05d-%04d", 1000+g.r.IntN(98000), g.r.IntN(10000))
}

// note returns free text that quotes an identifier in about share of the
// rows, and ordinary ticket prose otherwise.
func (g *gen) note(share float64) string {
	if g.r.Float64() < share {
		first, last := g.pick(enFirst), g.pick(enLast)
		switch g.r.IntN(4) {
		case 0:
			return "Customer asked to be reached at " + g.email(first, last, []string{"gmail.com", "btinternet.com"}) + " instead of the old address"
		case 1:
			return "Called back on " + g.ukPhone() + ", left a voicemail about the refund"
		case 2:
			return "Refund to account " + g.gbIBAN() + " approved by the team lead"
		}
		return "Card " + g.card("4", 16, " ") + " was charged twice, refund issued"
	}
	return g.pick([]string{
		"Parcel arrived damaged, replacement sent with the next delivery",
		"Asked about the delivery window for the second order",
		"No answer after two attempts, ticket closed automatically",
		"Wants to change the plan at the end of the billing period",
		"Complained about the noise of the unit, advised a firmware update",
		"Duplicate ticket, merged with the earlier one",
		"Discount applied as agreed with the account manager",
		"Requested an invoice copy for the last quarter",
	})
}

// messyCRM is a UK CRM export: abbreviated headers, placeholders, typos,
// mixed phone formats, IBANs with spaces and a share of bad checksums.
func (g *gen) messyCRM() (File, []Label) {
	na := []string{"N/A", "n/a", "-"}
	return g.table("messy_crm_uk.csv", ',', []col{
		{name: "cust_no", role: "identifier", entity: "RECORD_ID", val: func(i int) string { return strconv.Itoa(100234+i*17) + ".0" }},
		{name: "cust_nm", role: "direct", entity: "PERSON_NAME", val: g.dirty(func(int) string {
			f, l := g.pick(enFirst), g.pick(enLast)
			switch g.r.IntN(5) {
			case 0:
				return strings.ToUpper(l) + ", " + strings.ToUpper(f)
			case 1:
				return l + ", " + f
			}
			return f + " " + l
		}, na, 0.04, nil, 0), nulls: 0.03},
		{name: "e_mail", role: "direct", entity: "EMAIL", val: g.dirty(func(int) string {
			return g.shout(g.email(g.pick(enFirst), g.pick(enLast), []string{"gmail.com", "btinternet.com", "hotmail.co.uk", "sky.com", "outlook.com"}))
		}, na, 0.06, g.emailTypo, 0.04), nulls: 0.05},
		{name: "tel", role: "direct", entity: "PHONE", val: g.dirty(g.ukPhone2, []string{"n/a", "unknown", "0"}, 0.06, g.dropDigit, 0.05), nulls: 0.08},
		{name: "dob", role: "direct", entity: "DATE_OF_BIRTH", val: g.dirty(func(int) string {
			return g.birthMixed("02/01/2006", "2006-01-02", "2 Jan 2006")
		}, []string{"00/00/0000", "unknown"}, 0.03, nil, 0), nulls: 0.05},
		{name: "iban", role: "direct", entity: "IBAN", val: g.dirty(func(int) string { return g.gbIBAN() }, na, 0.03, g.digitTypo, 0.22), nulls: 0.1},
		{name: "card_no", role: "direct", entity: "CREDIT_CARD", val: g.dirty(func(int) string {
			if g.r.IntN(3) == 0 {
				return g.card(strconv.Itoa(51+g.r.IntN(5)), 16, " ")
			}
			return g.card("4", 16, "-")
		}, na, 0.02, g.digitTypo, 0.08), nulls: 0.2},
		{name: "last_login_ip", role: "direct", entity: "IP_ADDRESS", val: func(int) string {
			if g.r.IntN(3) == 0 {
				return g.ipv6()
			}
			return g.ipv4()
		}, nulls: 0.1},
		{name: "addr_line1", role: "direct", entity: "ADDRESS", val: g.dirty(func(int) string {
			if g.r.IntN(4) == 0 {
				return fmt.Sprintf("Flat %d, %d %s %s", 1+g.r.IntN(30), 1+g.r.IntN(200), g.f.LastName(), g.pick([]string{"Road", "Street", "Lane", "Close", "Gardens"}))
			}
			return fmt.Sprintf("%d %s %s", 1+g.r.IntN(300), g.f.LastName(), g.pick([]string{"Road", "Street", "Lane", "Avenue", "Rd", "St"}))
		}, na, 0.03, nil, 0)},
		{name: "postcode", role: "quasi", entity: "POSTAL_CODE", val: func(int) string {
			return fmt.Sprintf("%s%d %d%c%c", g.pick([]string{"SW", "N", "E", "M", "B", "LS", "G", "BS", "CF"}), 1+g.r.IntN(20),
				g.r.IntN(10), "ABDEFGHJLNPQRSTUWXYZ"[g.r.IntN(20)], "ABDEFGHJLNPQRSTUWXYZ"[g.r.IntN(20)])
		}},
		{name: "notes", role: "direct", entity: "FREE_TEXT", val: func(int) string { return g.note(0.15) }, nulls: 0.3},
		{name: "order_ref", role: "other", val: func(i int) string { return fmt.Sprintf("ORD-%07d", 2204311+i*3) }},
		{name: "invoice_no", role: "other", val: func(int) string { return "20" + g.digits(8) }},
		{name: "sku", role: "other", val: func(int) string {
			return fmt.Sprintf("%s-%05d-%s", g.pick([]string{"TSH", "HDY", "CAP", "MUG"}), g.r.IntN(100000), g.pick([]string{"S", "M", "L", "XL"}))
		}},
		{name: "product_name", role: "other", val: func(int) string { return g.f.ProductName() }},
		{name: "amount_gbp", role: "other", val: func(int) string { return g.amount(1, 900) }},
		{name: "event_ts", role: "other", val: func(int) string {
			return g.recent(1).Add(0).Format("2006-01-02") + "T" + fmt.Sprintf("%02d:%02d:%02dZ", g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
		}},
		{name: "app_version", role: "other", val: func(int) string { return fmt.Sprintf("%d.%d.%d", 1+g.r.IntN(5), g.r.IntN(30), g.r.IntN(200)) }},
	})
}

func (g *gen) ukPhone2(int) string { return g.ukPhone() }

// messyIntl is a European shop's export: headers in French, Spanish and
// German, abbreviated, values with typos and placeholders.
func (g *gen) messyIntl() (File, []Label) {
	return g.table("messy_intl.csv", ';', []col{
		{name: "id_cli", role: "identifier", entity: "RECORD_ID", val: func(i int) string { return strconv.Itoa(7 + i*131) }},
		{name: "nom", role: "direct", entity: "PERSON_NAME", val: g.dirty(func(int) string { return strings.ReplaceAll(g.pick(frLast), "_", " ") }, []string{"INCONNU"}, 0.03, nil, 0)},
		{name: "courriel", role: "direct", entity: "EMAIL", val: g.dirty(func(int) string {
			return g.shout(g.email(g.pick(frFirst), g.pick(frLast), []string{"orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr"}))
		}, []string{"aucun", "-"}, 0.05, g.emailTypo, 0.05)},
		{name: "telefono", role: "direct", entity: "PHONE", val: g.dirty(func(int) string {
			return g.phone("ES", "6########", "+34 6## ### ###", "6##-###-###", "91 ### ## ##", "0034 6########")
		}, []string{"no tiene"}, 0.04, g.dropDigit, 0.04)},
		{name: "handynr", role: "direct", entity: "PHONE", val: g.dirty(func(int) string {
			return g.phone("DE", "0151 ########", "0171/#######", "+49 160 #######", "0176-########")
		}, []string{"keine"}, 0.05, nil, 0), nulls: 0.2},
		{name: "geb_datum", role: "direct", entity: "DATE_OF_BIRTH", val: g.dirty(func(int) string {
			return g.birthMixed("02.01.2006", "2.1.2006")
		}, []string{"00.00.0000"}, 0.03, nil, 0)},
		{name: "bankverbindung", role: "direct", entity: "IBAN", val: g.dirty(func(int) string {
			s := g.iban("DE", g.digits(18))
			if g.r.IntN(3) == 0 {
				s = strings.ToLower(s)
			}
			return s
		}, []string{"-"}, 0.03, g.digitTypo, 0.2), nulls: 0.1},
		{name: "dni_nie", role: "direct", entity: "NATIONAL_ID", subtype: "ES_DNI", val: g.dirty(func(int) string { return g.dni() }, []string{"PENDIENTE"}, 0.03, g.digitTypo, 0.12)},
		{name: "steuernr", role: "direct", entity: "NATIONAL_ID", subtype: "DE_TAX_ID", val: func(int) string { return g.steuerID() }, nulls: 0.3},
		{name: "adresse", role: "direct", entity: "ADDRESS", val: func(int) string {
			return fmt.Sprintf("%d %s", 1+g.r.IntN(120), g.pick(frStreets))
		}},
		{name: "ip_adresse", role: "direct", entity: "IP_ADDRESS", val: func(int) string { return g.ipv4() }},
		{name: "plz", role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return fmt.Sprintf("%05d", 1067+g.r.IntN(98000)) }},
		{name: "bestellnr", role: "other", val: func(int) string { return "4" + g.digits(9) }},
		{name: "artikelnummer", role: "other", val: func(int) string { return "400" + g.digits(10) }},
		{name: "betrag", role: "other", val: func(int) string { return strings.Replace(g.amount(1, 3000), ".", ",", 1) }},
		{name: "zeitstempel", role: "other", val: func(int) string {
			return g.recent(1).Format("02.01.2006") + fmt.Sprintf(" %02d:%02d:%02d", g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
		}},
		{name: "nom_produit", role: "other", val: func(int) string { return g.f.ProductName() }},
	})
}

// messyGeneric has headers that say nothing (col1, col2...): only the
// values speak, and they are as dirty as in the other exports.
func (g *gen) messyGeneric() (File, []Label) {
	na := []string{"N/A", "NULL"}
	cols := []col{
		{role: "identifier", entity: "RECORD_ID", val: func(i int) string { return strconv.Itoa(1 + i*i*37) }},
		{role: "direct", entity: "EMAIL", val: g.dirty(func(int) string {
			return g.shout(g.email(g.pick(enFirst), g.pick(enLast), []string{"gmail.com", "yahoo.com", "hotmail.co.uk", "aol.com"}))
		}, na, 0.08, g.emailTypo, 0.04)},
		{role: "direct", entity: "PHONE", val: g.dirty(g.ukPhone2, na, 0.08, g.dropDigit, 0.04)},
		{role: "direct", entity: "IBAN", val: g.dirty(func(int) string { return g.gbIBAN() }, na, 0.04, g.digitTypo, 0.22)},
		{role: "direct", entity: "CREDIT_CARD", val: g.dirty(func(int) string { return g.card("4", 16, "-") }, na, 0.04, g.digitTypo, 0.06)},
		{role: "direct", entity: "DATE_OF_BIRTH", val: g.dirty(func(int) string { return g.birthMixed("02/01/2006", "2006-01-02") }, na, 0.04, nil, 0)},
		{role: "direct", entity: "IP_ADDRESS", val: func(int) string { return g.ipv6() }},
		{role: "direct", entity: "PERSON_NAME", val: g.dirty(func(int) string { return g.pick(enFirst) + " " + g.pick(enLast) }, na, 0.05, nil, 0)},
		{role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return g.zip4() }},
		{role: "other", val: func(int) string { return fmt.Sprintf("%d.%d.%d", 1+g.r.IntN(9), g.r.IntN(40), g.r.IntN(300)) }},
		{role: "other", val: func(int) string { return g.amount(1, 500) }},
		{role: "other", val: func(int) string {
			return g.recent(1).Format("2006-01-02") + fmt.Sprintf(" %02d:%02d:%02d", g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
		}},
		{role: "other", val: func(int) string { return fmt.Sprintf("SKU%06d", g.r.IntN(1000000)) }},
		{role: "other", val: func(int) string { return g.f.ProductName() }},
		{role: "other", val: func(int) string { return "1" + g.digits(9) }},
	}
	for i := range cols {
		cols[i].name = fmt.Sprintf("col%d", i+1)
	}
	return g.table("messy_generic.csv", ',', cols)
}

// messyTickets is a support-ticket export: identifiers inside free text
// at several shares, and a contact column that mixes e-mail addresses
// and phone numbers with placeholders.
func (g *gen) messyTickets() (File, []Label) {
	return g.table("messy_tickets.csv", ',', []col{
		{name: "ticket", role: "other", val: func(i int) string { return fmt.Sprintf("T-%06d", 88000+i) }},
		{name: "contact", role: "direct", entity: "FREE_TEXT", val: func(int) string {
			switch x := g.r.Float64(); {
			case x < 0.25:
				return g.shout(g.email(g.pick(enFirst), g.pick(enLast), []string{"gmail.com", "outlook.com"}))
			case x < 0.45:
				return g.ukPhone()
			case x < 0.55:
				return g.pick([]string{"walk-in", "via partner", "see ticket"})
			}
			return g.pick([]string{"N/A", "n/a", "none"})
		}},
		{name: "comment_40", role: "direct", entity: "FREE_TEXT", val: func(int) string { return g.note(0.4) }},
		{name: "comment_20", role: "direct", entity: "FREE_TEXT", val: func(int) string { return g.note(0.2) }},
		{name: "comment_10", role: "direct", entity: "FREE_TEXT", val: func(int) string { return g.note(0.1) }},
		{name: "comment_5", role: "direct", entity: "FREE_TEXT", val: func(int) string { return g.note(0.05) }},
		{name: "status", role: "other", val: func(int) string { return g.pick([]string{"open", "closed", "pending", "escalated"}) }},
		{name: "opened_at", role: "other", val: func(int) string {
			return g.recent(1).Format("2006-01-02") + fmt.Sprintf(" %02d:%02d", g.r.IntN(24), g.r.IntN(60))
		}},
		{name: "zip4", role: "quasi", entity: "POSTAL_CODE", val: func(int) string { return g.zip4() }},
	})
}
