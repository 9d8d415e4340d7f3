package report

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/names"
	"github.com/veil-data/veil/profile"
)

// The inventory's detector evidence, GDPR Art. 9 flag and HIPAA letter.
//
// The evidence is what veil's detector (package profile) finds on a seeded
// uniform sample of each original column, drawn while the original is read
// for the measures: counts only. The sampled values stay in memory for the
// detector and are dropped with the builder; nothing of them but the counts
// reaches the report.

// detectSample is how many non-null values per column the detector checks,
// as veil profile does.
const detectSample = 1000

// DetectorEvidence is what veil's detector found in a column of the
// original: counts of sampled values, never a value.
type DetectorEvidence struct {
	// Entity is what the values look like (IBAN, PHONE, ETHNICITY...);
	// empty when no entity reached medium confidence.
	Entity  string `json:"entity,omitempty"`
	Subtype string `json:"subtype,omitempty"`
	// Validator is the check the values were put through.
	Validator string `json:"validator,omitempty"`
	// Sampled values were checked; Matching had the entity's shape; Valid
	// passed the validator (for keys: were distinct).
	Sampled  int `json:"sampled"`
	Matching int `json:"matching"`
	Valid    int `json:"valid"`
	// NameHint is the hint the column name matched, if any.
	NameHint string `json:"name_hint,omitempty"`
	// Text says it in a sentence.
	Text string `json:"text"`
}

// Flag is a classification of a column and why it was made.
type Flag struct {
	// Value is the Art. 9 category or the HIPAA letter.
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// reservoir is a seeded uniform sample of up to k values (Li's Algorithm
// L: after the first k, the random draws are O(k log(n/k)), not one per
// value, so sampling every column of a large table costs little).
type reservoir struct {
	vals []string
	seen int64   // values offered so far
	next int64   // index of the next value to take once full
	w    float64 // Algorithm L's running maximum weight
}

func (r *reservoir) offer(v string, k int, rng *rand.Rand) {
	i := r.seen
	r.seen++
	if len(r.vals) < k {
		// The reader may reuse the value's bytes: keep a copy.
		r.vals = append(r.vals, strings.Clone(v))
		if len(r.vals) == k {
			r.w = math.Exp(math.Log(1-rng.Float64()) / float64(k))
			r.skip(rng)
		}
		return
	}
	if i != r.next {
		return
	}
	r.vals[rng.IntN(k)] = strings.Clone(v)
	r.w *= math.Exp(math.Log(1-rng.Float64()) / float64(k))
	r.skip(rng)
}

func (r *reservoir) skip(rng *rand.Rand) {
	s := math.Floor(math.Log(1-rng.Float64()) / math.Log(1-r.w))
	if s > math.MaxInt32 || math.IsNaN(s) {
		s = math.MaxInt32
	}
	r.next = r.seen + int64(s)
}

// sampleReader offers every non-null value of the original to its
// column's reservoir as the table is read.
type sampleReader struct {
	dataset.Reader
	s *valueSampler
}

type valueSampler struct {
	rng  *rand.Rand
	cols []reservoir
}

func newValueSampler(n int, seed uint64) *valueSampler {
	return &valueSampler{rng: rand.New(rand.NewPCG(seed, 0x5a3913)), cols: make([]reservoir, n)}
}

func (r sampleReader) Read() (*dataset.Record, error) {
	rec, err := r.Reader.Read()
	if rec != nil {
		for j, v := range rec.Values {
			if j < len(r.s.cols) && !v.Null && v.Text != "" {
				r.s.cols[j].offer(v.Text, detectSample, r.s.rng)
			}
		}
	}
	return rec, err
}

// detectEvidence runs veil's detector on each original column's sample.
func (b *builder) detectEvidence(ctx context.Context) error {
	b.evidence = map[string]*profile.Detection{}
	if b.sampler == nil {
		return nil
	}
	for j, c := range b.origSc.Columns {
		if j >= len(b.sampler.cols) {
			break
		}
		if err := ctx.Err(); err != nil {
			return err // about a millisecond per column
		}
		d := profile.DetectKind(c.Name, c.Kind, b.sampler.cols[j].vals, nil)
		b.evidence[c.Name] = &d
	}
	b.sampler = nil // the values are needed no more
	return nil
}

// evidenceOf turns a detection into the inventory's counts and sentence.
func evidenceOf(d *profile.Detection) *DetectorEvidence {
	ev := d.Evidence
	e := &DetectorEvidence{Entity: d.Entity, Subtype: d.Subtype, Validator: ev.Validator,
		Sampled: ev.Sampled, Matching: ev.Matching, Valid: ev.Valid, NameHint: ev.NameHint}
	switch {
	case e.Sampled == 0:
		e.Text = "no non-null value to check"
	case e.Validator == "":
		e.Text = fmt.Sprintf("no detector matched (%s values sampled)", count(e.Sampled))
	default:
		s := fmt.Sprintf("%s of %s sampled values (%s %%) %s", count(e.Valid), count(e.Sampled),
			strconv.FormatFloat(math.Floor(1000*float64(e.Valid)/float64(e.Sampled))/10, 'f', -1, 64),
			validatorPhrase(e.Validator, e.Subtype))
		if e.Matching != e.Valid && e.Matching > 0 && !strings.HasPrefix(e.Validator, "distinct") {
			s += fmt.Sprintf("; %s have the shape", count(e.Matching))
		}
		if e.Entity != "" {
			s = e.Entity + ": " + s
		} else {
			s = "no entity reached medium confidence; best candidate: " + s
		}
		e.Text = s
	}
	if e.NameHint != "" {
		e.Text += "; name hint " + e.NameHint
	}
	return e
}

// validatorPhrase says in words what passing a validator means.
func validatorPhrase(v, sub string) string {
	switch v {
	case "iban-mod97":
		return "pass the IBAN checksum (mod 97)"
	case "luhn+iin":
		return "pass the card checksum (Luhn and issuer prefix)"
	case "libphonenumber IsValidNumber":
		return "are valid phone numbers (libphonenumber)"
	case "net/mail+public-suffix":
		return "are valid e-mail addresses"
	case "net/netip":
		return "are valid IP addresses"
	case "net/url":
		return "are valid URLs"
	case "mac-regex":
		return "are MAC addresses"
	case "name-dictionary":
		return "are in the name dictionary"
	case "house-number+street-type":
		return "look like street addresses"
	case "date+age-spread":
		return "are dates that fit birth dates"
	case "date-layout":
		return "are dates"
	case "rfc4122-shape":
		return "are UUIDs"
	case "postal-code-shape":
		return "have a postal code's shape"
	case "integer-0-120":
		return "are whole numbers from 0 to 120"
	case "year-1900-now":
		return "are years from 1900 to now"
	case "icd10-shape":
		return "are ICD-10 codes"
	case "lat-lon-range":
		return "are coordinates"
	case "distinct-ratio", "distinct-ratio+length":
		return "are distinct"
	case "amount":
		return "are amounts"
	case "FindPII":
		return "hold personal data in the text"
	}
	if e, ok := strings.CutSuffix(v, "-vocabulary"); ok {
		return "are in veil's " + e + " vocabulary"
	}
	if sub != "" {
		return "pass the " + sub + " check (" + v + ")"
	}
	return "pass " + v
}

// count writes n with thousands separators.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// art9Categories are GDPR Art. 9(1)'s special categories: the entities of
// veil's detector that are one, and column-name hints (token sequences).
// Sex or gender is not one; criminal records are Art. 10, not Art. 9.
var art9Categories = []struct {
	category string
	entities []string
	hints    []string
}{
	{"racial or ethnic origin", []string{"ETHNICITY"}, []string{"race", "ethnicity", "ethnic", "ethnic_origin", "ethnic_group", "ethnie", "etnia", "raza", "herkunft"}},
	{"political opinions", []string{"POLITICAL_OPINION"}, []string{"political", "politics", "political_party", "party_affiliation"}},
	{"religious or philosophical beliefs", []string{"RELIGION"}, []string{"religion", "religious", "faith", "denomination", "konfession", "belief", "beliefs"}},
	{"trade-union membership", []string{"TRADE_UNION"}, []string{"trade_union", "union_member", "union_membership", "gewerkschaft"}},
	{"genetic data", nil, []string{"genetic", "genome", "genotype", "dna", "gene"}},
	{"biometric data", []string{"BIOMETRIC"}, []string{"biometric", "biometrics", "fingerprint", "face_template", "iris_scan", "voiceprint", "voice_print"}},
	{"health", []string{"HEALTH"}, []string{"health", "diagnosis", "diagnoses", "icd", "icd10", "disease", "illness", "medication", "medications", "prescription", "disability", "symptom", "symptoms", "allergy", "allergies", "blood_type", "hiv", "treatment", "condition", "medical_condition"}},
	{"sex life or sexual orientation", []string{"SEXUAL_ORIENTATION"}, []string{"sexual_orientation", "sexuality", "sex_life", "orientation"}},
}

// hasHint reports whether the name's tokens hold one of the hints, a hint
// of several tokens as a run of tokens: "ethnic_group" in "ethnic_group_code".
func hasHint(name string, hints []string) string {
	joined := "_" + strings.Join(names.Tokens(name), "_") + "_"
	for _, h := range hints {
		if strings.Contains(joined, "_"+h+"_") {
			return h
		}
	}
	return ""
}

// art9 flags a column of a special category, from what the detector or
// the role's source took it for and from its name.
func art9(name, entity string) *Flag {
	for _, c := range art9Categories {
		for _, e := range c.entities {
			if e == entity {
				return &Flag{Value: c.category, Reason: "detected " + entity}
			}
		}
	}
	for _, c := range art9Categories {
		if h := hasHint(name, c.hints); h != "" {
			return &Flag{Value: c.category, Reason: "column name (" + h + ")"}
		}
	}
	return nil
}

// hipaaByEntity maps the detector's entities to the letters of 45 CFR
// 164.514(b)(2)(i).
var hipaaByEntity = map[string]string{
	"PERSON_NAME": "A", "ADDRESS": "B", "POSTAL_CODE": "B", "CITY": "B",
	"DATE_OF_BIRTH": "C", "DATE": "C", "AGE": "C", "BIRTH_YEAR": "C",
	"PHONE": "D", "EMAIL": "F", "IBAN": "J", "CREDIT_CARD": "J",
	"MAC_ADDRESS": "M", "URL": "N", "IP_ADDRESS": "O", "BIOMETRIC": "P",
	"UUID": "R", "RECORD_ID": "R", "USERNAME": "R", "NATIONAL_ID": "R",
}

// hipaaHints are the column-name hints of each letter, checked in order
// (fax before phone, medical record number before other numbers).
var hipaaHints = []struct {
	letter string
	hints  []string
}{
	{"E", []string{"fax", "telefax"}},
	{"G", []string{"ssn", "social_security", "social_security_number"}},
	{"H", []string{"mrn", "medical_record", "medical_record_number", "chart_number", "patient_number"}},
	{"I", []string{"beneficiary", "health_plan", "member_id", "insurance_id", "insurance_number", "policy_number", "subscriber_id"}},
	{"K", []string{"license", "licence", "certificate", "license_number", "licence_number"}},
	{"L", []string{"vehicle", "vin", "license_plate", "plate", "number_plate"}},
	{"M", []string{"device", "device_id", "serial", "serial_number", "imei", "udi"}},
	{"P", []string{"biometric", "biometrics", "fingerprint", "voiceprint", "voice_print", "retina", "iris"}},
	{"Q", []string{"photo", "photograph", "image", "face", "picture", "portrait"}},
	{"A", []string{"name", "first_name", "last_name", "surname", "full_name", "given_name", "firstname", "lastname", "fullname"}},
	{"B", []string{"zip", "zipcode", "zip_code", "postcode", "postal", "postal_code", "address", "street", "city", "county", "town", "latitude", "longitude", "geo", "plz"}},
	{"C", []string{"birth", "dob", "birthdate", "birthday", "date", "admission", "discharge", "death", "age", "yob"}},
	{"D", []string{"phone", "telephone", "mobile", "tel", "cell"}},
	{"F", []string{"email", "e_mail", "mail"}},
	{"J", []string{"account", "iban", "card", "account_number", "bank_account"}},
	{"N", []string{"url", "website", "homepage", "web"}},
	{"O", []string{"ip", "ip_address", "ipaddress"}},
	{"R", []string{"id", "identifier", "uuid", "guid", "key", "code", "number"}},
}

// hipaaLetter gives a column's Safe Harbor identifier: from the detected
// (or declared) entity first, then from the name, then from the role (a
// direct identifier or record key nothing else names is "any other unique
// identifying number, characteristic, or code").
func hipaaLetter(name, entity, subtype, role string) *Flag {
	switch {
	case entity == "NATIONAL_ID" && subtype == "US_SSN":
		return &Flag{Value: "G", Reason: "detected " + entity + " (" + subtype + ")"}
	case entity == "PHONE" && hasHint(name, []string{"fax", "telefax"}) != "":
		return &Flag{Value: "E", Reason: "detected PHONE, named fax"}
	case entity == "GEO" && subtype == "COORDINATE":
		return &Flag{Value: "B", Reason: "detected GEO (" + subtype + ")"}
	}
	if l, ok := hipaaByEntity[entity]; ok {
		// A key or ID the detector sees only as "some identifier" takes
		// the more precise letter its name gives (an MRN, a license
		// number, a device serial).
		if l == "R" {
			for _, h := range hipaaHints[:8] {
				if x := hasHint(name, h.hints); x != "" {
					return &Flag{Value: h.letter, Reason: "detected " + entity + ", column name (" + x + ")"}
				}
			}
		}
		return &Flag{Value: l, Reason: "detected " + entity}
	}
	for _, h := range hipaaHints {
		if x := hasHint(name, h.hints); x != "" {
			return &Flag{Value: h.letter, Reason: "column name (" + x + ")"}
		}
	}
	if role == "direct" || role == "identifier" {
		return &Flag{Value: "R", Reason: role + " column"}
	}
	return nil
}

// classify fills a row's evidence, distinct shares, Art. 9 flag and HIPAA
// letter. The entity is the detector's on the sample, or, when it found
// none, the one the role's detection (Options.Detect) gave.
func (b *builder) classify(row *ColumnRow) {
	entity, subtype := b.roles.entity[row.Name], ""
	if d := b.evidence[row.Name]; d != nil {
		row.Evidence = evidenceOf(d)
		if d.Entity != "" {
			entity, subtype = d.Entity, d.Subtype
		}
	}
	row.Art9 = art9(row.Name, entity)
	row.HIPAA = hipaaLetter(row.Name, entity, subtype, row.Role)
}

// distinctShare is distinct values over non-null rows; nil without any.
func distinctShare(distinct, nonNull int) *float64 {
	if nonNull == 0 {
		return nil
	}
	v := float64(distinct) / float64(nonNull)
	return &v
}
