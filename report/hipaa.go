package report

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// The HIPAA annex, on every report: the Safe Harbor checklist of 45 CFR
// 164.514(b)(2)(i) (what was found, what was done, what the release still
// holds), the "no actual knowledge" attestation for the covered entity to
// sign, and the summary an expert needs for an Expert Determination
// (164.514(b)(1)). veil documents; it never signs nor decides.

// Attestation is the statement of 45 CFR 164.514(b)(2)(ii) with empty
// fields: veil never fills them in.
type Attestation struct {
	Text      string `json:"text"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Date      string `json:"date"`
	Signature string `json:"signature"`
}

// ExpertPack summarises the report for an Expert Determination: methods,
// assumptions, thresholds and results are the report's own; the expert's
// name, conclusion and review date are left for the expert.
type ExpertPack struct {
	Methods     []string `json:"methods"`
	Assumptions []string `json:"assumptions"`
	Thresholds  []string `json:"thresholds"`
	Results     []string `json:"results"`
	Expert      string   `json:"expert"`
	Conclusion  string   `json:"conclusion"`
	ReviewDate  string   `json:"review_date"`
}

// hipaaIdentifiers are the 18 identifiers of 45 CFR 164.514(b)(2)(i).
var hipaaIdentifiers = []struct{ letter, what string }{
	{"A", "Names"},
	{"B", "Geographic subdivisions smaller than a state (street, city, county, ZIP beyond its first 3 digits)"},
	{"C", "Dates (except year) related to an individual, and ages over 89"},
	{"D", "Telephone numbers"},
	{"E", "Fax numbers"},
	{"F", "E-mail addresses"},
	{"G", "Social security numbers"},
	{"H", "Medical record numbers"},
	{"I", "Health plan beneficiary numbers"},
	{"J", "Account numbers"},
	{"K", "Certificate/license numbers"},
	{"L", "Vehicle identifiers and serial numbers, including license plates"},
	{"M", "Device identifiers and serial numbers"},
	{"N", "Web URLs"},
	{"O", "IP addresses"},
	{"P", "Biometric identifiers, including finger and voice prints"},
	{"Q", "Full-face photographs and comparable images"},
	{"R", "Any other unique identifying number, characteristic, or code"},
}

// restrictedZIP3 are the 17 three-digit ZIP prefixes whose area held
// 20,000 people or fewer in the 2000 Census (HHS de-identification
// guidance, 67 FR 53182, 53233-53234): Safe Harbor releases them as 000.
// policies' HIPAA template holds the same list; it is repeated here so
// that the check does not share the code it checks.
var restrictedZIP3 = []string{"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893"}

// Residual states of a checklist item.
const (
	residualNone   = "none"
	residualFound  = "found"
	residualReview = "review"
	residualNA     = "not applicable"
)

const attestationText = "The covered entity does not have actual knowledge that the information released could be used, " +
	"alone or in combination with other information, to identify an individual who is a subject of the information " +
	"(45 CFR 164.514(b)(2)(ii))."

// hipaa fills the annex from the inventory's letters, the treatment and
// the released values.
func (b *builder) hipaa() {
	tmpl := isHIPAAPolicy(b.in.Policy)
	h := &HIPAA{Template: tmpl, Attestation: Attestation{Text: attestationText}}
	h.Note = "veil documents what it found and checked; whether the release meets Safe Harbor (164.514(b)(2)) or an " +
		"expert determination (164.514(b)(1)) is for the covered entity and its expert to decide. Columns are matched to " +
		"identifiers by veil's detector on a sample of the original and by their names: review the matches; identifiers " +
		"inside free text or under names and values that do not show them are not found."
	if !tmpl {
		h.Note += " The policy is not veil's Safe Harbor template: the checklist shows how far this release is from it."
	}
	treat := map[string]Treatment{}
	for _, t := range b.r.Treatment {
		treat[t.Column] = t
	}
	for _, id := range hipaaIdentifiers {
		item := HIPAAItem{Letter: id.letter, Identifier: id.what, Columns: []string{}}
		var actions, statuses, notes []string
		rank := map[string]int{residualNone: 0, residualReview: 1, residualFound: 2}
		item.Residual = residualNone
		for _, c := range b.r.Columns {
			if c.HIPAA == nil || c.HIPAA.Value != id.letter || !c.InOriginal && !c.InReleased {
				continue
			}
			item.Columns = append(item.Columns, c.Name)
			item.Found = append(item.Found, c.Name+": "+c.HIPAA.Reason)
			t := treat[c.Name]
			act := t.Action
			if act == "" {
				act = "none recorded"
			}
			if t.Params != "" {
				act += " (" + t.Params + ")"
			}
			actions = append(actions, c.Name+": "+act)
			status, res, note := b.hipaaResidual(id.letter, c, t)
			statuses = append(statuses, c.Name+": "+status)
			if note != "" {
				notes = append(notes, c.Name+": "+note)
			}
			if rank[res] > rank[item.Residual] {
				item.Residual = res
			}
		}
		if len(item.Columns) == 0 {
			item.Status, item.Residual = "not found in the original", residualNA
		}
		item.Action = strings.Join(actions, "; ")
		if len(statuses) > 0 {
			item.Status = strings.Join(statuses, "; ")
		}
		item.ResidualNote = strings.Join(notes, "; ")
		h.Items = append(h.Items, item)
	}
	h.Expert = b.expertPack()
	b.r.HIPAA = h
}

// isHIPAAPolicy reports whether the policy is veil's HIPAA Safe Harbor
// template: it keeps the description `veil policy init -t
// hipaa-safe-harbor` writes (a description that merely names HIPAA, "not a
// Safe Harbor release", is not the template).
func isHIPAAPolicy(p *policies.Policy) bool {
	t := policies.LookupTemplate("hipaa-safe-harbor")
	return p != nil && t != nil && strings.TrimSpace(p.Description) == t.Description
}

// hipaaResidual checks one column of an identifier in the release: its
// status, its residual state and the counts behind it.
func (b *builder) hipaaResidual(letter string, c ColumnRow, t Treatment) (status, residual, note string) {
	if !c.InReleased {
		return "removed", residualNone, ""
	}
	switch t.Action {
	case "hash", "tokenize":
		return "present as a pseudonym: Safe Harbor requires removal (a code derived from the identifier is not allowed, 164.514(c))", residualFound, ""
	}
	check := residualCheck(letter, c, t)
	if check == nil {
		return "present: review", residualReview, "released; veil has no value check for this identifier"
	}
	f := b.rel.col(c.Name)
	if f == nil {
		return "present: review", residualReview, "not checked: the values of direct identifiers and record keys are not loaded"
	}
	bad, nonNull := countResidual(f, check)
	held, total := b.rel.rows, b.rel.t.TotalRows
	if len(bad) > 0 {
		var whys, counts []string
		for _, w := range []string{zipDigits, zipRestricted, datesFiner, agesOver89} {
			if n := bad[w]; n > 0 {
				whys = append(whys, w+" remain")
				counts = append(counts, fmt.Sprintf("%s of %s non-null released values: %s", count(n), count(nonNull), w))
			}
		}
		if int64(held) < total {
			counts = append(counts, fmt.Sprintf("counted on a seeded sample of %s of %s released rows", count(held), count64(total)))
		}
		return "present: " + strings.Join(whys, ", "), residualFound, strings.Join(counts, "; ")
	}
	if int64(held) < total {
		return "present: " + check.ok + " in a sample", residualReview,
			fmt.Sprintf("checked on a seeded sample of %s of %s released rows only", count(held), count64(total))
	}
	return "generalized (" + check.ok + ")", residualNone, fmt.Sprintf("checked on every released row (%s non-null values)", count(nonNull))
}

func count64(n int64) string { return count(int(n)) }

// A valueCheck finds released values that still hold an identifier: each
// func returns what the value still shows, or "" when it shows nothing.
type valueCheck struct {
	text func(v string) string
	num  func(v float64) string
	ok   string // what holds when no value is flagged
}

var (
	// finerThanYear matches a month or a day next to a year: 2024-01,
	// 2024/1/5, 05.01.2024, 1/5/2024, 2024-01-05T10:00. A range of years
	// (1990-1994) does not match.
	// A date with more than its year: year and month (a valid month,
	// so that a year band "1990-94" is not one) or a full date in the
	// usual orders, with two- or four-digit years; a month name with a
	// number ("Jan 96", "November 17, 1996", "1996 Jan"); compact
	// "19960117" and "199601"; an ISO ordinal day "1996-317"; a quarter or
	// an ISO week.
	finerThanYear = regexp.MustCompile(`\d{4}[-/.](0?[1-9]|1[0-2])(\D|$)|(^|\D)\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}` +
		`|(^|\D)(0?[1-9]|1[0-2])[-/.](\d{4}|\d{2})(\D|$)|(^|\D)\d{2}[-/.](0[1-9]|1[0-2])(\D|$)` +
		`|(?i)(^|[^a-z])(jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])[a-z]*\.?[\s,/'-]*\d` +
		`|(?i)\d{4}[\s,/-]*(jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])` +
		`|(^|\D)(1[89]|20)\d{2}(0[1-9]|1[0-2])(\d{2})?(\D|$)|\d{4}-\d{3}(\D|$)` +
		`|(?i)\d{4}[\s-]?[qw]\d|(?i)(^|[^a-z])q[1-4][\s-]?\d{4}`)
	numberRE = regexp.MustCompile(`\d+(\.\d+)?`)
)

// Residual findings.
const (
	zipDigits     = "ZIP codes showing more than their first 3 digits"
	zipRestricted = "restricted 3-digit ZIP prefixes not changed to 000"
	datesFiner    = "dates finer than a year"
	agesOver89    = "ages over 89 not grouped as 90 or older"
)

// residualCheck returns the check of a Safe Harbor rule on a column's
// values: ZIP codes (B), dates and ages (C). Nil: no value check.
func residualCheck(letter string, c ColumnRow, t Treatment) *valueCheck {
	entity := ""
	if c.Evidence != nil {
		entity = c.Evidence.Entity
	}
	switch letter {
	case "B":
		if entity == "POSTAL_CODE" || hasHint(c.Name, []string{"zip", "zipcode", "zip_code", "postcode", "postal", "postal_code", "plz"}) != "" {
			return &valueCheck{text: zipResidual, num: zipResidualNum,
				ok: "at most 3 digits, no restricted prefix but 000"}
		}
	case "C":
		if entity == "AGE" || hasHint(c.Name, []string{"age", "age_years"}) != "" {
			// A number top-coded at 90 stands for "90 or older".
			topCoded := strings.Contains(t.Params, "top_code=90")
			return &valueCheck{text: ageResidual, num: func(v float64) string {
				if v > 90 || v > 89 && !topCoded {
					return agesOver89
				}
				return ""
			}, ok: "no age over 89 outside a 90+ group"}
		}
		if c.KindReleased == dataset.Date.String() || c.KindReleased == dataset.Timestamp.String() {
			return &valueCheck{num: func(float64) string { return datesFiner }, ok: "years only"}
		}
		return &valueCheck{text: dateResidual, num: func(v float64) string {
			if math.Abs(v) >= 10000 { // 20240105: a date written as a number
				return datesFiner
			}
			return ""
		}, ok: "years only"}
	}
	return nil
}

// zipResidual says whether a released ZIP value holds more than its first
// 3 digits, or a restricted 3-digit prefix not changed to 000. Safe Harbor
// keeps the initial three digits only: a value whose digits do not all
// stand at its start ("**044", the last three) shows other digits.
func zipResidual(v string) string {
	// A label before the code ("ZIP 170**") is not part of it.
	v = strings.TrimLeftFunc(strings.TrimSpace(v), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsSpace(r) || r == ':' })
	if lo, hi, ok := zipRange(v); ok {
		// A range is as coarse as the 3-digit areas it spans whole:
		// "17000-17099" or "[17000, 17100)" is the area 170.
		if lo%100 != 0 || hi-lo < 100 || (hi-lo)%100 != 0 {
			return zipDigits
		}
		if hi-lo == 100 && slices.Contains(restrictedZIP3, fmt.Sprintf("%03d", lo/100)) {
			return zipRestricted
		}
		return ""
	}
	lead := 0
	for lead < len(v) && v[lead] >= '0' && v[lead] <= '9' {
		lead++
	}
	if strings.IndexFunc(v[lead:], func(r rune) bool { return r >= '0' && r <= '9' }) >= 0 {
		return zipDigits
	}
	if lead > 3 {
		return zipDigits
	}
	// Fewer than 3 digits of a text value cover several 3-digit areas.
	if lead == 3 && slices.Contains(restrictedZIP3, v[:3]) {
		return zipRestricted
	}
	return ""
}

// zipRangeRE is a range of 5-digit ZIP codes: "17000-17099",
// "[17000, 17100)", "[17000,17099]".
var zipRangeRE = regexp.MustCompile(`^[\[(]?\s*(\d{5})\s*(?:-|–|,|\.\.)\s*(\d{5})\s*([\])\[]?)$`)

// zipRange parses a range of ZIP codes as the half-open [lo, hi).
func zipRange(v string) (lo, hi int, ok bool) {
	m := zipRangeRE.FindStringSubmatch(v)
	if m == nil {
		return 0, 0, false
	}
	lo, _ = strconv.Atoi(m[1])
	hi, _ = strconv.Atoi(m[2])
	if m[3] != ")" && m[3] != "[" {
		hi++ // an inclusive upper bound ("17000-17099", "[17000,17099]")
	}
	return lo, hi, hi > lo
}

// zipResidualNum is zipResidual for a ZIP stored as a number, which drops
// leading zeros: 36 is the prefix 036, 1234 the ZIP 01234.
func zipResidualNum(v float64) string {
	if v != math.Trunc(v) || v < 0 {
		return zipDigits
	}
	if v >= 1000 {
		return zipDigits
	}
	return zipResidual(fmt.Sprintf("%03d", int(v)))
}

// dateResidual says whether a released date value is finer than a year.
func dateResidual(v string) string {
	if finerThanYear.MatchString(v) {
		return datesFiner
	}
	return ""
}

// ageResidual says whether a released age value shows an age over 89
// other than as an open top group (90+, >= 85): its upper bound, the last
// number (less one after an excluded bound, "[80, 90)"), exceeds 89.
func ageResidual(v string) string {
	s := strings.TrimSpace(v)
	low := strings.ToLower(s)
	if strings.ContainsAny(s, "+≥>∞") || strings.HasSuffix(s, "-") {
		return "" // 90+, ≥ 90, > 89, [90, ∞), 90-
	}
	for _, w := range []string{"older", "inf", "over", "plus", "more", "above"} {
		if strings.Contains(low, w) {
			return "" // 90 and over, 90 or older
		}
	}
	nums := numberRE.FindAllStringIndex(s, -1)
	if len(nums) == 0 {
		return ""
	}
	last := nums[len(nums)-1]
	x, err := strconv.ParseFloat(s[last[0]:last[1]], 64)
	if err != nil {
		return ""
	}
	if rest := strings.TrimSpace(s[last[1]:]); (strings.HasPrefix(rest, ")") || strings.HasPrefix(rest, "[")) && len(nums) > 1 {
		x-- // [80, 90) and [80,90[ hold ages up to 89
	}
	if x > 89 {
		return agesOver89
	}
	return ""
}

// countResidual counts the released non-null values the check flags, by
// finding, each distinct value checked once.
func countResidual(f *fcol, check *valueCheck) (bad map[string]int, nonNull int) {
	bad = map[string]int{}
	if f.spec.numeric {
		for _, v := range f.nums {
			if v != v {
				continue
			}
			nonNull++
			if check.num != nil {
				if w := check.num(v); w != "" {
					bad[w]++
				}
			}
		}
		return bad, nonNull
	}
	verdict := map[int32]string{}
	for _, code := range f.codes {
		if code < 0 {
			continue
		}
		nonNull++
		w, ok := verdict[code]
		if !ok {
			if check.text != nil {
				w = check.text(f.spec.text(code))
			}
			verdict[code] = w
		}
		if w != "" {
			bad[w]++
		}
	}
	return bad, nonNull
}

// expertPack gathers the report's methods, assumptions, thresholds and
// results for an expert.
func (b *builder) expertPack() ExpertPack {
	e := ExpertPack{}
	for _, m := range b.r.Methods {
		how := "exact"
		if !m.Exact {
			how = "sampled"
			if m.Rows > 0 {
				how += fmt.Sprintf(" (%s rows)", count(m.Rows))
			}
		}
		e.Methods = append(e.Methods, m.Measure+": "+how)
	}
	p := b.r.Privacy
	list := func(s []string) string {
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ", ")
	}
	e.Assumptions = []string{
		"An attacker knows the quasi-identifiers of the people in the release: " + list(p.QuasiIdentifiers) + " (roles from " + b.roles.from + ").",
		"The attacker knows that the person sought is in the release (prosecutor model): class sizes are counted in the release itself.",
		"Direct identifiers and record keys (" + list(p.Direct) + ") are checked for real values in the release; other columns are not.",
		"Sensitive attributes whose disclosure is measured: " + list(p.Sensitive) + ".",
	}
	for _, sec := range [][]Figure{p.SinglingOut.Figures, p.Linkability.Figures, p.Inference.Figures, p.DP.Figures} {
		for _, f := range sec {
			if f.Threshold != nil {
				src := f.Source
				if src == "" {
					src = "reference"
				}
				e.Thresholds = append(e.Thresholds, f.Label+" "+figThreshold(f)+" ("+src+")")
			}
			r := f.Label + ": " + figValue(f)
			switch m := figMeets(f); m {
			case "pass":
				r += " (meets)"
			case "fail":
				r += " (misses)"
			}
			e.Results = append(e.Results, r)
		}
	}
	return e
}
