package profile

import (
	"net/netip"
	"sort"
	"strings"
)

// Match is one piece of PII found in free text: text[Start:End] is an
// instance of Entity (byte offsets).
type Match struct {
	Entity  string
	Subtype string // e.g. US_SSN for NATIONAL_ID, the card scheme, the phone region
	Start   int
	End     int
}

// ScanOptions configures FindPII. The zero value (or nil) looks for every
// entity and reads national phone numbers with DefaultRegions.
type ScanOptions struct {
	// Regions are the phone regions (ISO 3166 codes such as GB, DE) tried
	// for numbers without an international prefix.
	Regions []string
	// Entities restricts the scan to these entities (EMAIL, PHONE,
	// CREDIT_CARD, IBAN, NATIONAL_ID, IP_ADDRESS, MAC_ADDRESS); nil means all.
	Entities []string
}

func (o *ScanOptions) wants(entity string) bool {
	if o == nil || o.Entities == nil {
		return true
	}
	for _, e := range o.Entities {
		if e == entity {
			return true
		}
	}
	return false
}

func (o *ScanOptions) regions() []string {
	if o == nil || len(o.Regions) == 0 {
		return DefaultRegions
	}
	return o.Regions
}

// scanner finds candidates with a regular expression and validates each.
type scanner struct {
	entity string
	re     lazyRegexp
	// keywords, when set, must appear within 40 bytes before the match:
	// for checksums that random numbers pass too often in prose.
	keywords []string
	valid    func(s string, o *ScanOptions) (string, bool)
}

var scanners = []scanner{
	{entity: "EMAIL", re: lazyRE(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return "", validEmail(s) }},
	{entity: "IBAN", re: lazyRE(`\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { c, ok := ValidIBAN(s); return c, ok }},
	{entity: "CREDIT_CARD", re: lazyRE(`\b[0-9](?:[ -]?[0-9]){11,18}\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return ValidCard(s) }},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) {
			if s[3] != s[6] {
				return "", false
			}
			_, ok := ValidSSN(s)
			return "US_SSN", ok
		}},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return "UK_NINO", ValidNINO(strings.ToUpper(s)) }},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[1-478] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[ABab]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return "FR_NIR", ValidNIR(s) }},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[XYZ]?[0-9]{7,8}-?[A-Z]\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return ValidDNI(s) }},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[0-9]{2}\.[0-9]{2}\.[0-9]{2}-[0-9]{3}\.[0-9]{2}\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return "BE_RRN", ValidRRN(s) }},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[0-9]{4}\.?[0-9]{2}\.?[0-9]{3}\b|\b[0-9]{9}\b`),
		keywords: []string{"bsn", "burgerservicenummer", "sofinummer", "sofi"},
		valid:    func(s string, _ *ScanOptions) (string, bool) { return "NL_BSN", ValidBSN(s) }},
	{entity: "NATIONAL_ID", re: lazyRE(`\b[0-9]{2} ?[0-9]{3} ?[0-9]{3} ?[0-9]{3}\b`),
		keywords: []string{"steuer", "idnr", "identifikationsnummer", "tax id", "tin"},
		valid:    func(s string, _ *ScanOptions) (string, bool) { return "DE_TAX_ID", ValidSteuerID(s) }},
	{entity: "IP_ADDRESS", re: lazyRE(`\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b|\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}\b|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4})?\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) {
			a, err := netip.ParseAddr(s)
			if err != nil || versionLikeIP(s) {
				return "", false
			}
			return "", a.IsValid()
		}},
	{entity: "MAC_ADDRESS", re: lazyRE(`\b[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}\b|\b[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}\b`),
		valid: func(s string, _ *ScanOptions) (string, bool) { return "", reMAC.MatchString(s) }},
	{entity: "PHONE", re: lazyRE(`(?:\+|\b00|\(|\b)[0-9][0-9 ().\-/]{5,20}[0-9]\b`),
		valid: func(s string, o *ScanOptions) (string, bool) {
			digits, sep, intl, ok := phoneChars(s)
			if !ok || digits < 8 || (!sep && !intl) {
				return "", false
			}
			_, valid, region := checkPhone(s, &checkCtx{regions: o.regions()})
			return region, valid
		}},
}

// FindPII returns the personal data found in text, in order and without
// overlaps: e-mail addresses, phone numbers, payment card numbers, IBANs,
// national IDs (US SSN, UK NINO, FR NIR, ES DNI/NIE, BE RRN, and NL BSN and
// DE tax IDs after a keyword), IP and MAC addresses. Every candidate passes
// its validator (checksum, public suffix, libphonenumber), so numbers that
// merely look like one are not reported. The anonymize package's redact
// action uses it.
func FindPII(text string, opts *ScanOptions) []Match {
	var out []Match
	taken := func(s, e int) bool {
		for _, m := range out {
			if s < m.End && e > m.Start {
				return true
			}
		}
		return false
	}
	lower := ""
	for _, sc := range scanners {
		if !opts.wants(sc.entity) {
			continue
		}
		if sc.entity == "EMAIL" && !strings.Contains(text, "@") {
			continue
		}
		for _, loc := range sc.re.FindAllStringIndex(text, -1) {
			s, e := loc[0], loc[1]
			if sc.entity == "PHONE" && text[s] == '(' && !strings.Contains(text[s:e], ")") {
				s++
			}
			if taken(s, e) {
				continue
			}
			if sc.keywords != nil {
				if lower == "" {
					lower = strings.ToLower(text)
				}
				ctx := lower[max(0, s-40):s]
				found := false
				for _, k := range sc.keywords {
					if strings.Contains(ctx, k) {
						found = true
						break
					}
				}
				if !found {
					continue
				}
			}
			sub, ok := sc.valid(text[s:e], opts)
			if !ok {
				continue
			}
			out = append(out, Match{Entity: sc.entity, Subtype: sub, Start: s, End: e})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}
