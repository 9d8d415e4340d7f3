package policies

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/names"
)

// A Template is a starting policy for a regulation or a purpose, written
// by `veil policy init`. Fitted to a data file's schema, every column of
// the data gets an entry: the template's rule for the identifier its name
// (or kind) reveals, or keep with a note to review it.
type Template struct {
	Name        string
	Title       string
	Description string
	// Notes are printed as comments at the top of the policy.
	Notes []string
	rules []rule
	// unmatched is the entry of a data column no rule matches.
	unmatched string
}

// rule maps columns to an entry by name hints or kind.
type rule struct {
	label   string         // shown as a comment, e.g. "(F) e-mail addresses"
	hints   []string       // name hints, matched as whole tokens ("birth date" matches birth_date, birthDate, birthdate)
	kinds   []dataset.Kind // matches any column of these kinds
	numeric bool           // the hints only match numeric columns
	example string         // column name used when no data is given
	entry   string         // the entry, a YAML flow mapping
}

// hipaaRestrictedZIP3 are the 17 three-digit ZIP prefixes whose areas held
// 20,000 people or fewer in the 2000 Census: HHS's Safe Harbor guidance says
// to write them as 000.
var hipaaRestrictedZIP3 = []string{"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893"}

// Templates lists the built-in templates.
var Templates = []*Template{hipaaTemplate(), gdprTemplate()}

// LookupTemplate returns the template named name, or nil.
func LookupTemplate(name string) *Template {
	for _, t := range Templates {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// TemplateNames returns the built-in templates' names.
func TemplateNames() []string {
	var out []string
	for _, t := range Templates {
		out = append(out, t.Name)
	}
	return out
}

const dropDirect = "{role: direct, action: drop}"

func hipaaTemplate() *Template {
	quoted := make([]string, len(hipaaRestrictedZIP3))
	for i, z := range hipaaRestrictedZIP3 {
		quoted[i] = `"` + z + `"`
	}
	zip3 := "{role: quasi, action: generalize, prefix: 3, restricted: [" + strings.Join(quoted, ", ") + `], restricted_as: "000"}`
	return &Template{
		Name:        "hipaa-safe-harbor",
		Title:       "HIPAA Safe Harbor (45 CFR 164.514(b)(2))",
		Description: "HIPAA Safe Harbor de-identification: the 18 identifiers removed or generalized",
		Notes: []string{
			"Safe Harbor removes the 18 identifiers (A)-(R) of 45 CFR 164.514(b)(2): names, geographic units smaller",
			"than a state (ZIP codes keep their first 3 digits, and the 17 small 3-digit areas become 000), all elements",
			"of dates except the year, ages over 89 (grouped as 90+), and every identifying number, code or image.",
			"The covered entity must also have no actual knowledge that the rest could identify a person.",
			"Check every column marked `review`: free text, codes and rare values can still identify.",
			"Birth years of people aged 90 or more also reveal an age over 89: review date columns for them.",
		},
		unmatched: "{role: other, action: keep}",
		rules: []rule{
			{label: "(A) names", hints: []string{"name", "first name", "last name", "surname", "given name", "full name", "maiden name", "nachname", "vorname"}, example: "name", entry: dropDirect},
			{label: "(B) address smaller than a state", hints: []string{"address", "street", "addr", "city", "town", "county", "precinct", "geocode", "latitude", "longitude", "lat", "lon", "lng"}, example: "address", entry: dropDirect},
			{label: "(B) ZIP code: first 3 digits; the 17 areas under 20,000 people as 000", hints: []string{"zip", "zip code", "zipcode", "postal code", "postcode", "postal", "plz"}, example: "zip", entry: zip3},
			{label: "(C) dates of the person: year only", kinds: []dataset.Kind{dataset.Date, dataset.Timestamp}, example: "birth_date", entry: "{role: quasi, action: generalize, truncate: year}"},
			{label: "(C) ages over 89 grouped as 90+", hints: []string{"age"}, numeric: true, example: "age", entry: "{role: quasi, action: generalize, top_code: 90}"},
			{label: "(D) telephone numbers", hints: []string{"phone", "telephone", "tel", "mobile", "cell", "cellphone", "phone number"}, example: "phone", entry: dropDirect},
			{label: "(E) fax numbers", hints: []string{"fax"}, example: "fax", entry: dropDirect},
			{label: "(F) e-mail addresses", hints: []string{"email", "e mail", "mail"}, example: "email", entry: dropDirect},
			{label: "(G) social security numbers", hints: []string{"ssn", "social security", "social security number"}, example: "ssn", entry: dropDirect},
			{label: "(H) medical record numbers", hints: []string{"mrn", "medical record", "medical record number"}, example: "mrn", entry: dropDirect},
			{label: "(I) health plan beneficiary numbers", hints: []string{"health plan", "beneficiary", "member id", "insurance id", "subscriber"}, entry: dropDirect},
			{label: "(J) account numbers", hints: []string{"account", "acct", "iban", "card", "card number", "credit card", "bank account"}, entry: dropDirect},
			{label: "(K) certificate and license numbers", hints: []string{"license", "licence", "certificate", "npi", "dea"}, entry: dropDirect},
			{label: "(L) vehicle identifiers and license plates", hints: []string{"vin", "vehicle", "license plate", "plate"}, entry: dropDirect},
			{label: "(M) device identifiers and serial numbers", hints: []string{"device", "device id", "serial", "serial number", "imei", "udid", "mac address"}, entry: dropDirect},
			{label: "(N) web URLs", hints: []string{"url", "uri", "website", "homepage"}, entry: dropDirect},
			{label: "(O) IP addresses", hints: []string{"ip", "ip address", "ipv4", "ipv6"}, entry: dropDirect},
			{label: "(P) biometric identifiers", hints: []string{"fingerprint", "biometric", "voiceprint", "retina", "iris"}, entry: dropDirect},
			{label: "(Q) full-face photographs", hints: []string{"photo", "photograph", "image", "face", "picture", "portrait"}, entry: dropDirect},
			{label: "(R) other unique identifying numbers or codes", hints: []string{"id", "identifier", "uuid", "guid", "username", "user name", "login", "national id", "passport"}, example: "customer_id", entry: "{role: identifier, action: drop}"},
		},
	}
}

const hashDirect = "{role: direct, action: hash, key_env: VEIL_HASH_KEY}"

func gdprTemplate() *Template {
	return &Template{
		Name:        "gdpr-pseudonymisation",
		Title:       "GDPR pseudonymisation (Art. 4(5), EDPB Guidelines 01/2025)",
		Description: "GDPR pseudonymisation: direct identifiers replaced by keyed HMAC-SHA256 pseudonyms; the output is still personal data",
		Notes: []string{
			"Direct identifiers and record keys become keyed HMAC-SHA256 pseudonyms: the same value and key give the",
			"same pseudonym, so joins across tables keep working. Quasi-identifiers are kept as they are.",
			"The output is PSEUDONYMISED, NOT ANONYMOUS: whoever holds the key (VEIL_HASH_KEY), or enough other",
			"data, can link records back to people. Under the GDPR (Art. 4(5), Recital 26) and EDPB Guidelines",
			"01/2025 it remains personal data: keep the key apart from the data, under access control, and",
			"rotate it per release when releases must not be linkable.",
		},
		unmatched: "{role: other, action: keep}",
		rules: []rule{
			{label: "name", hints: []string{"name", "first name", "last name", "surname", "given name", "full name", "maiden name", "nachname", "vorname"}, example: "name", entry: hashDirect},
			{label: "e-mail address", hints: []string{"email", "e mail", "mail"}, example: "email", entry: hashDirect},
			{label: "telephone number", hints: []string{"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "phone number"}, example: "phone", entry: hashDirect},
			{label: "national identifier", hints: []string{"ssn", "social security", "national id", "passport", "tax id", "tin", "nino", "bsn", "nir", "steuer id", "dni"}, example: "ssn", entry: hashDirect},
			{label: "bank account or card", hints: []string{"iban", "account", "acct", "card", "card number", "credit card", "bank account"}, entry: hashDirect},
			{label: "street address", hints: []string{"address", "street", "addr"}, entry: hashDirect},
			{label: "online identifier", hints: []string{"ip", "ip address", "device id", "imei", "mac address", "cookie", "username", "user name", "login"}, entry: hashDirect},
			{label: "record key", hints: []string{"id", "identifier", "uuid", "guid"}, example: "customer_id", entry: "{role: identifier, action: hash, key_env: VEIL_HASH_KEY}"},
			{label: "quasi-identifier, kept", hints: []string{"zip", "zip code", "zipcode", "postal code", "postcode", "plz", "city", "age", "sex", "gender", "birth date", "dob", "nationality", "occupation", "marital status"}, example: "zip", entry: "{role: quasi, action: keep}"},
			{label: "quasi-identifier (date), kept", kinds: []dataset.Kind{dataset.Date, dataset.Timestamp}, example: "birth_date", entry: "{role: quasi, action: keep}"},
		},
	}
}

// Render writes the template as a policy file. With schema nil it lists one
// example column per rule; otherwise it lists every column of schema with
// the entry of the rule that matches it.
func (t *Template) Render(schema *dataset.Schema) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n#\n", t.Title)
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "# %s\n", n)
	}
	b.WriteString("#\n# Written by `veil policy init --template " + t.Name + "`. Keys are never written here: set the\n")
	b.WriteString("# environment variable named by key_env (at least 16 random bytes). Editors validate this file\n")
	b.WriteString("# with the schema from `veil policy schema --out policy.schema.json`:\n")
	b.WriteString("# yaml-language-server: $schema=policy.schema.json\n")
	b.WriteString("version: 1\n")
	fmt.Fprintf(&b, "description: %q\n", t.Description)
	b.WriteString("columns:\n")
	type line struct{ name, entry, comment string }
	var lines []line
	if schema == nil {
		for _, r := range t.rules {
			if r.example != "" {
				lines = append(lines, line{r.example, r.entry, r.label})
			}
		}
	} else {
		for _, c := range schema.Columns {
			if r := t.match(c); r != nil {
				lines = append(lines, line{c.Name, r.entry, r.label})
			} else {
				lines = append(lines, line{c.Name, t.unmatched, "review: no identifier recognised by name"})
			}
		}
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(yamlKey(l.name)))
	}
	for _, l := range lines {
		k := yamlKey(l.name)
		fmt.Fprintf(&b, "  %s:%s %s  # %s\n", k, strings.Repeat(" ", width-len(k)), l.entry, l.comment)
	}
	return b.Bytes()
}

// yamlKey quotes a column name when YAML would not read it back as the
// same string.
func yamlKey(name string) string {
	plain := name != "" && !leadingZero.MatchString(name)
	for i, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || (i > 0 && (r == '-' || r == '.' || r == ' '))) {
			plain = false
		}
	}
	switch strings.ToLower(name) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		plain = false
	}
	if strings.HasSuffix(name, " ") {
		plain = false
	}
	if plain {
		if _, err := fmt.Sscanf(name, "%g", new(float64)); err == nil && !strings.ContainsAny(name, "_- ") {
			plain = false // a number would come back as text anyway, but quote it for clarity
		}
	}
	if plain {
		return name
	}
	return fmt.Sprintf("%q", name)
}

// match returns the rule with the longest name hint matching column c, or
// the first rule matching its kind; nil when none does.
func (t *Template) match(c dataset.Column) *rule {
	tokens := names.Tokens(c.Name)
	var best *rule
	bestLen := 0
	for i := range t.rules {
		r := &t.rules[i]
		if r.numeric && !c.Kind.Numeric() {
			continue
		}
		for _, h := range r.hints {
			ht := names.Tokens(h)
			if len(ht) > bestLen && containsRun(tokens, ht) {
				best, bestLen = r, len(ht)
			}
		}
	}
	if best != nil {
		return best
	}
	for i := range t.rules {
		if slices.Contains(t.rules[i].kinds, c.Kind) {
			return &t.rules[i]
		}
	}
	return nil
}

// containsRun reports whether want appears as consecutive tokens of have,
// or joined together as one token of have ("zip code" matches zipcode).
func containsRun(have, want []string) bool {
	joined := strings.Join(want, "")
	for i := range have {
		if have[i] == joined {
			return true
		}
		if i+len(want) <= len(have) && slices.Equal(have[i:i+len(want)], want) {
			return true
		}
	}
	return false
}
