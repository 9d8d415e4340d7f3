package profile

import (
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/veil-data/veil/dataset"
)

// colSample is what detection knows about a column: its name, kind, a
// uniform sample of its non-null values and whole-column counts.
type colSample struct {
	name     string
	tokens   []string
	joined   string
	kind     dataset.Kind
	values   []string // distinct sampled values, in random (reservoir) order
	counts   []int    // how often each appears in the sample
	n        int      // sampled values (with repeats)
	nonNull  int64    // non-null values in the column
	distinct int64    // distinct values in the column (exact or estimated)
	layout   string   // the date layout most sampled values parse with
	// ascending is set when the column is numeric and every value is
	// above the one before it in file order (known only after a pass
	// over a table): an auto-increment key, whatever its digits.
	ascending bool
	now       time.Time
	regions   []string
}

func newColSample(name string, kind dataset.Kind, layout string, sample []string, nonNull, distinct int64, now time.Time, regions []string) *colSample {
	cs := &colSample{name: name, kind: kind, nonNull: nonNull, distinct: distinct, now: now, regions: regions}
	cs.tokens = NormalizeName(name)
	cs.joined = strings.Join(cs.tokens, "")
	// Distinct values in the order the reservoir holds them (a uniform
	// random order), with their multiplicities.
	index := make(map[string]int, len(sample))
	for _, v := range sample {
		if i, ok := index[v]; ok {
			cs.counts[i]++
			continue
		}
		index[v] = len(cs.values)
		cs.values = append(cs.values, v)
		cs.counts = append(cs.counts, 1)
	}
	cs.n = len(sample)
	cs.layout = layout
	if cs.layout == "" || (kind != dataset.Date && kind != dataset.Timestamp) {
		cs.layout = bestDateLayout(cs.values, cs.counts)
	}
	return cs
}

// looseDateLayouts are date layouts read besides dataset.DateLayouts when
// a column's values are checked as dates: days and months without their
// leading zero (2.1.1985, 1/2/1985; Go's 2 and 1 read one or two digits)
// and month names, as spreadsheets and hand entry write them.
var looseDateLayouts = []string{"2.1.2006", "2/1/2006", "1/2/2006", "2-1-2006", "2 Jan 2006", "2 January 2006",
	"Jan 2, 2006", "January 2, 2006", "2-Jan-2006", "2006-1-2"}

// dateLayouts are the layouts bestDateLayout tries, in order.
func dateLayouts() []string {
	return slices.Concat(dataset.DateLayouts, dataset.TimestampLayouts, looseDateLayouts)
}

// anyDateLayouts are the date layouts (no timestamp) parseDate falls back
// on, joined once rather than for every value it reads.
var anyDateLayouts = slices.Concat(dataset.DateLayouts, looseDateLayouts)

// bestDateLayout returns the date or timestamp layout with the most
// successful parses among the sampled values, or "" unless at least half
// of them parse with one layout or another: an export merged from several
// systems writes its dates in more than one format (see parseDate).
func bestDateLayout(values []string, counts []int) string {
	total := 0
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return ""
	}
	best, bestN := "", 0
	parsed := make([]bool, len(values))
	layouts := dateLayouts()
	for _, l := range layouts {
		n := 0
		for i, v := range values {
			if len(v) < 6 || len(v) > 40 || !isDigit(v[0]) && !isUpper(v[0]) {
				continue
			}
			if _, err := time.Parse(l, v); err == nil {
				n += counts[i]
				parsed[i] = true
			}
		}
		if n > bestN {
			best, bestN = l, n
		}
	}
	parsedN := 0
	for i, ok := range parsed {
		if ok {
			parsedN += counts[i]
		}
	}
	if parsedN*2 < total {
		return ""
	}
	return best
}

// parseDate reads v with the column's layout, or else with any date
// layout (not a timestamp one): dd/mm and mm/dd stay ambiguous for a value
// such as 03/04/1985, which does not matter to the checks made on dates
// (their year, an age, the spread of years).
func parseDate(v, layout string) (time.Time, bool) {
	if t, err := time.Parse(layout, v); err == nil {
		return t, true
	}
	if len(v) < 6 || len(v) > 20 || !isDigit(v[0]) && !isUpper(v[0]) {
		return time.Time{}, false
	}
	for _, l := range anyDateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// wilsonLB returns the lower bound of the 95 % Wilson score interval of a
// proportion with k successes in n trials:
//
//	(p + z²/2n − z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n),  z = 1.96
func wilsonLB(k, n int) float64 {
	if n == 0 {
		return 0
	}
	const z = 1.959964
	p := float64(k) / float64(n)
	fn := float64(n)
	lb := (p + z*z/(2*fn) - z*math.Sqrt(p*(1-p)/fn+z*z/(4*fn*fn))) / (1 + z*z/fn)
	return math.Max(0, lb)
}

// chanceLLR is the log-likelihood ratio that v checksum passes among m
// values of the right shape come from real identifiers (pass rate p1 =
// 0.98) rather than chance (pass rate p0):
//
//	LLR = v·ln(p1/p0) + (m−v)·ln((1−p1)/(1−p0))
func chanceLLR(v, m int, p0 float64) float64 { return passLLR(v, m, 0.98, p0) }

// chanceLLRFit is chanceLLR with p1 the observed pass rate v/m (the
// maximum-likelihood estimate): the generalised likelihood-ratio test
// that the column's pass rate is above chance, whatever it is.
func chanceLLRFit(v, m int, p0 float64) float64 {
	if m == 0 {
		return 0
	}
	return passLLR(v, m, float64(v)/float64(m), p0)
}

// passLLR is the log-likelihood ratio of v passes in m trials under pass
// rate p1 against p0; a term whose count is 0 is 0 (0·ln 0 = 0 when p1 is
// 0 or 1).
func passLLR(v, m int, p1, p0 float64) float64 {
	llr := 0.0
	if v > 0 {
		llr += float64(v) * math.Log(p1/p0)
	}
	if v < m {
		llr += float64(m-v) * math.Log((1-p1)/(1-p0))
	}
	return llr
}

// Thresholds of the chance test and of the bands.
const (
	minLLR      = 10  // ≈ 5 Luhn passes or 3 mod-97 passes without a miss
	minPassRate = 0.9 // v/m
	// minTypoRate is the pass rate v/m down to which a checksum column is
	// still taken for the entity, below high confidence: when most values
	// of the shape validate and the rest fail by far more often than real
	// identifiers do, the failures are typos (one wrong digit fails every
	// checksum used here) of identifiers that are personal data all the
	// same. Chance pass rates are 1 to 10 %, so a majority of passes is
	// never chance once the test below holds.
	minTypoRate = 0.5
	// typoCap keeps such a column below the high band: it is proposed
	// for review, not applied blindly.
	typoCap    = 0.84
	bandHigh   = 0.85
	bandMedium = 0.5
	bandLow    = 0.2
)

// candidate is the scored evidence for one entity in one column.
type candidate struct {
	def      *entityDef
	subtype  string
	conf     float64
	sv       float64
	nm       nameMatch
	n, m, v  int
	llr      float64
	hasLLR   bool
	share    float64
	subs     map[string]int
	note     string
	examples []string
}

func score(def *entityDef, cs *colSample) candidate {
	nm := matchName(cs.tokens, cs.joined, def.hints, def.neg)
	cand := candidate{def: def, subtype: def.subtype, nm: nm}
	hinted := nm.score > 0
	snPos := math.Max(nm.score, 0)
	if cs.n == 0 {
		cand.conf = 0.5 * snPos
		cand.note = "no values sampled: name only"
		return cand
	}
	cx := &checkCtx{hinted: hinted, regions: cs.regions, layout: cs.layout}
	var nd, md, vd int
	var valid []string
	for i, val := range cs.values {
		if def.expensive && nd >= 40 && md >= 20 && vd == 0 {
			// 20 values of the shape and none valid: the valid share
			// cannot reach minShare (the Wilson upper bound of 0/20 is
			// 0.16). The values come in random order, so this is a
			// sequential test, not a look at the first ones sorted.
			cand.note = "stopped after 20 values of the shape: none valid"
			break
		}
		c := cs.counts[i]
		shape, ok, sub := def.check(val, cx)
		nd++
		if shape {
			cand.m += c
			md++
		}
		if ok {
			cand.v += c
			vd++
			valid = append(valid, val)
			if sub != "" {
				if cand.subs == nil {
					cand.subs = map[string]int{}
				}
				cand.subs[sub] += c
			}
		}
	}
	cand.n = cs.n
	share := float64(cand.v) / float64(cand.n)
	shareD := float64(vd) / float64(nd)
	cand.share = math.Min(share, shareD)
	gate := cand.share
	if def.soft {
		gate = math.Min(float64(cand.m)/float64(cand.n), float64(md)/float64(nd))
	}
	// Coverage: the Wilson lower bound over all sampled values, and no more
	// than the share among distinct values, so that one repeated default
	// value cannot carry a column.
	c := math.Min(wilsonLB(cand.v, cand.n), shareD)
	passed, typos := true, false
	if def.chance > 0 {
		cand.hasLLR = true
		cand.llr = chanceLLR(cand.v, cand.m, def.chance)
		rate := 0.0
		if cand.m > 0 {
			rate = float64(cand.v) / float64(cand.m)
		}
		passed = cand.llr > minLLR && cand.m > 0 && rate >= minPassRate
		if !passed && rate >= minTypoRate && rate < minPassRate {
			// The fixed p1 = 0.98 of chanceLLR reads a column with many
			// typos as noise; test the observed rate against chance
			// instead (the generalised test), and keep the column at
			// medium confidence.
			if llr := chanceLLRFit(cand.v, cand.m, def.chance); llr > minLLR {
				cand.llr, passed, typos = llr, true, true
				cand.note = fmt.Sprintf("%.0f %% of the values of the shape fail the %s check: read as typos of real identifiers, still personal data (review)",
					100*(1-rate), def.validator)
			}
		}
		if passed {
			cand.sv = c
		}
	} else {
		if def.coverage > 0 {
			c = math.Min(1, c/def.coverage)
		}
		prior := def.prior
		if sp, ok := def.subPrior[topKey(cand.subs)]; ok && len(cand.subs) > 0 {
			prior = sp
		}
		cand.sv = c * prior
	}
	if def.column != nil && cand.sv > 0 {
		f, note := def.column(cs, valid, hinted)
		cand.sv *= f
		cand.note = note
	}
	if def.entity == "NATIONAL_ID" && def.subtype == "ES_DNI" && len(cand.subs) > 0 {
		cand.subtype = topKey(cand.subs)
	}
	cand.conf = 1 - (1-cand.sv)*(1-0.5*snPos)
	if nm.score < 0 {
		cand.conf = math.Min(cand.conf, 0.3)
	}
	if typos {
		cand.conf = math.Min(cand.conf, typoCap)
	}
	required := def.minShare
	if !hinted && def.minShareBare > 0 {
		required = def.minShareBare
	}
	if gate < required || !passed {
		cand.conf = math.Min(cand.conf, 0.4)
	}
	if len(valid) > 0 {
		cand.examples = valid
	}
	return cand
}

func topKey(m map[string]int) string {
	best, bestN := "", -1
	for k, n := range m {
		if n > bestN || (n == bestN && k < best) {
			best, bestN = k, n
		}
	}
	return best
}

// Column-level checks.

// ipColumn tells addresses from version numbers such as 1.13.25.185: without
// a name hint, a column whose IPv4 values mostly start below 10 is taken for
// versions (public and private addresses rarely do; 10.x is private).
func ipColumn(_ *colSample, valid []string, hinted bool) (float64, string) {
	if hinted || len(valid) == 0 {
		return 1, ""
	}
	ver := 0
	for _, v := range valid {
		if a, err := netip.ParseAddr(v); err == nil && a.Is4() && a.As4()[0] < 10 {
			ver++
		}
	}
	if ver*2 > len(valid) {
		return 0, "most values look like version numbers (first part below 10)"
	}
	return 1, ""
}

// urlColumn keeps URLs as direct identifiers without a name hint only when
// most of them name a person: a host label that starts with a known given
// name (www.janedoe.com) or a profile path (/in/, /users/, /~).
func urlColumn(_ *colSample, valid []string, hinted bool) (float64, string) {
	if hinted || len(valid) == 0 {
		return 1, ""
	}
	personal := 0
	for _, v := range valid {
		if personalURL(v) {
			personal++
		}
	}
	if personal*2 > len(valid) {
		return 1, notePersonalURL
	}
	return 0.5, ""
}

const notePersonalURL = "most URLs name a person (host or profile path)"

// nameColumn asks more of a name column without a name hint: most values
// are full names (a known given name and a known surname), or the column
// has at least 20 distinct values. A handful of words that happen to be
// names (the brands Jordan, Victoria, Charlotte) is a category.
func nameColumn(cs *colSample, _ []string, hinted bool) (float64, string) {
	if hinted {
		return 1, ""
	}
	first, last := nameDicts()
	full := 0
	for i, v := range cs.values {
		words, ok := personNameShape(v)
		if !ok || len(words) < 2 {
			continue
		}
		a, z := nameKey(words[0]), nameKey(words[len(words)-1])
		if first[a] && last[z] || last[strings.TrimSuffix(a, ",")] && first[z] {
			full += cs.counts[i]
		}
	}
	if full*10 >= cs.n*3 || len(cs.values) >= 20 {
		return 1, ""
	}
	return 0, "few distinct values and no full names: a category, not names"
}

func personalURL(v string) bool {
	s := v
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	path := strings.ToLower(u.Path)
	for _, p := range []string{"/in/", "/users/", "/user/", "/u/", "/profile/", "/people/", "/~"} {
		if strings.HasPrefix(path, p) && len(path) > len(p)+2 {
			return true
		}
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	label, _, _ := strings.Cut(host, ".")
	first, _ := nameDicts()
	for n := 3; n <= len(label)-3; n++ {
		if first[label[:n]] {
			return true
		}
	}
	return false
}

func dobColumn(cs *colSample, valid []string, hinted bool) (float64, string) {
	var years []float64
	future := 0
	ages := make([]float64, 0, len(valid))
	for _, v := range valid {
		t, ok := parseDate(v, cs.layout)
		if !ok {
			continue
		}
		if t.After(cs.now) {
			future++
			continue
		}
		years = append(years, float64(t.Year()))
		ages = append(ages, cs.now.Sub(t).Hours()/24/365.25)
	}
	if len(years) == 0 || future*20 > len(valid) {
		return 0, "dates in the future: not birth dates"
	}
	old := 0
	for _, a := range ages {
		if a > 120 {
			old++
		}
	}
	if old*20 > len(ages) {
		return 0, "implied ages above 120: not birth dates"
	}
	sd := stddev(years)
	sort.Float64s(ages)
	median := ages[len(ages)/2]
	if sd <= 5 && !hinted {
		// Named as a birth date (dob, geburtsdatum), a narrow spread is
		// a cohort (the children of a school), not an event.
		return 0, "narrow spread of years: an event date, not a birth date"
	}
	if !hinted && (sd < 12 || median < 18 || median > 85) {
		return 0, "no name hint and the spread of years is not that of birth dates"
	}
	return 1, ""
}

func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}

func ageColumn(_ *colSample, valid []string, _ bool) (float64, string) {
	maxAge, seen := 0, map[int]bool{}
	for _, v := range valid {
		n, _ := smallInt(v)
		seen[n] = true
		maxAge = max(maxAge, n)
	}
	if maxAge < 15 || len(seen) < 3 {
		return 0, "values too small or too few to be ages"
	}
	return 1, ""
}

func genderColumn(cs *colSample, _ []string, _ bool) (float64, string) {
	keys := map[string]bool{}
	for _, v := range cs.values {
		keys[vocabKey(v)] = true
	}
	if len(keys) > 6 {
		return 0, "more than 6 distinct values"
	}
	return 1, ""
}

func categoricalColumn(cs *colSample, _ []string, _ bool) (float64, string) {
	if avgWords(cs) > 6 {
		return 0, "free text, not categories"
	}
	return 1, ""
}

// avgWords is the mean number of words (of two letters or more) per
// sampled value: IDs written in groups of digits are not prose.
func avgWords(cs *colSample) float64 {
	if cs.n == 0 {
		return 0
	}
	words := 0
	for i, v := range cs.values {
		n := 0
		for _, w := range strings.Fields(v) {
			letters := 0
			for _, r := range w {
				if unicode.IsLetter(r) {
					letters++
				}
			}
			if letters >= 2 {
				n++
			}
		}
		words += cs.counts[i] * n
	}
	return float64(words) / float64(cs.n)
}

// Detection is the outcome of classifying one column.
type Detection struct {
	Role         string
	Entity       string
	Subtype      string
	Confidence   float64
	Band         string
	Sensitivity  string
	Evidence     Evidence
	OtherMatches []OtherMatch
}

// band returns the band of a confidence.
func band(conf float64) string {
	switch {
	case conf >= bandHigh:
		return "high"
	case conf >= bandMedium:
		return "medium"
	case conf >= bandLow:
		return "low"
	}
	return "none"
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// detect classifies a column. sample holds up to opt.SampleSize non-null
// values drawn uniformly from the column.
func detect(cs *colSample) Detection {
	var cands []candidate
	for _, def := range entities() {
		c := score(def, cs)
		if c.conf > 0 {
			cands = append(cands, c)
		}
	}
	// Free text: run the value detectors inside the text.
	if ft, ok := freeText(cs, false); ok {
		cands = append(cands, ft)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].conf != cands[j].conf {
			return cands[i].conf > cands[j].conf
		}
		return cands[i].def.rank > cands[j].def.rank
	})
	var best *candidate
	if len(cands) > 0 && cands[0].conf >= bandMedium {
		best = &cands[0]
		// Among near-equals, the more specific name wins (native_country
		// is NATIONALITY rather than the GEO of country).
		for i := 1; i < len(cands); i++ {
			c := &cands[i]
			if c.conf < bandMedium || best.conf-c.conf > 0.1 {
				break
			}
			if c.nm.score > 0 && best.nm.score > 0 && len(strings.Split(c.nm.hint, "_")) > len(strings.Split(best.nm.hint, "_")) && c.nm.exact {
				best = c
			}
			// A name that says what the column is beats values that
			// merely also fit another entity (zip codes 81283-4113 are
			// valid German phone numbers too).
			if c.nm.exact && c.nm.score >= 1 && best.nm.score <= 0 {
				best = c
			}
		}
	}
	d := Detection{Role: RoleOther, Sensitivity: SensitivityNone}
	if best != nil {
		d.Role = best.def.role
		d.Entity = best.def.entity
		d.Subtype = best.subtype
		d.Confidence = best.conf
		d.Sensitivity = best.def.sensitivity
		d.Evidence = evidenceOf(best, cs)
		if best.def.entity == "URL" && best.nm.score < 1 && !strings.HasPrefix(best.note, notePersonalURL) {
			// A page or link URL is not personal by itself; only a
			// homepage or profile URL is.
			d.Role, d.Entity, d.Subtype = RoleOther, "", ""
			d.Sensitivity = SensitivityNone
			d.Evidence.Reason = "URLs without a personal name hint (homepage, profile): not a direct identifier"
		}
	}
	if d.Role == RoleOther {
		if id, ok := identifier(cs); ok {
			d = id
		} else if mixed, ok := freeText(cs, true); ok {
			// No one entity covers the column, but most of its values
			// hold personal data (a contact column of e-mails and
			// phones, short notes quoting a phone number): it is
			// identifying all the same, and nothing veil writes may
			// list its values.
			d.Role, d.Entity, d.Subtype = RoleDirect, mixed.def.entity, ""
			d.Confidence, d.Sensitivity = mixed.conf, mixed.def.sensitivity
			d.Evidence = evidenceOf(&mixed, cs)
		} else if best == nil && len(cands) > 0 {
			d.Confidence = cands[0].conf
			d.Evidence = evidenceOf(&cands[0], cs)
			d.Evidence.Reason = "no entity reached medium confidence; best candidate " + cands[0].def.entity +
				" (" + d.Evidence.Reason + ")"
		}
	}
	if d.Evidence.Sampled == 0 {
		d.Evidence.Sampled = cs.n
	}
	d.Confidence = round3(d.Confidence)
	d.Band = band(d.Confidence)
	if d.Role == RoleOther && d.Band != "none" && d.Entity == "" {
		d.Band = "none"
	}
	for i := range cands {
		c := &cands[i]
		if best != nil && c == best || c.conf < bandLow || len(d.OtherMatches) == 5 {
			continue
		}
		if best != nil && c.def.entity == best.def.entity && c.subtype == best.subtype {
			continue
		}
		d.OtherMatches = append(d.OtherMatches, OtherMatch{
			Entity: c.def.entity, Subtype: c.subtype, Role: c.def.role,
			Confidence: round3(c.conf), Prevalence: round3(c.share),
		})
	}
	return d
}

// identifier recognises person keys and pseudonymous IDs: a column named
// like one (customer_id, kundennummer...) whose values are mostly unique,
// or, whatever its name, a number stored as an integer that looks like a
// key (see numericKey).
func identifier(cs *colSample) (Detection, bool) {
	nm := matchName(cs.tokens, cs.joined, idHints(), union(negID, negDirect))
	if nm.negative != "" || negIDCompound(cs.tokens) != "" {
		return Detection{}, false // an order or invoice number: not a person's key
	}
	if nm.score <= 0 {
		return numericKey(cs)
	}
	if _, integral := integralValues(cs); cs.nonNull == 0 || cs.kind == dataset.Float && !integral {
		return Detection{}, false
	}
	ratio := float64(cs.distinct) / float64(cs.nonNull)
	if ratio < 0.5 && cs.nonNull >= 20 {
		return Detection{}, false
	}
	conf := 1 - (1-0.8*ratio)*(1-0.5*nm.score)
	// Matching counts the sampled values, Valid the distinct ones among them.
	ev := Evidence{NameHint: nm.hint, NameScore: nm.score, Sampled: cs.n, Matching: cs.n, Valid: len(cs.values),
		Validator: "distinct-ratio", Reason: fmt.Sprintf("a key named like a person or record ID; %.0f %% of the column's values are distinct", 100*ratio)}
	ev.Examples = maskExamples("RECORD_ID", cs.values, 3)
	return Detection{Role: RoleIdentifier, Entity: "RECORD_ID", Confidence: conf, Sensitivity: SensitivityModerate, Evidence: ev}, true
}

// numericKey recognises, without a name, a number column whose values
// are integers (or floats with a zero fraction only, 100234.0: integers
// that went through a spreadsheet or a dataframe with missing values) and
// that looks like a key: either every sampled value has the same number
// of digits and either nearly all differ (95 %, 6 digits or more) or they
// have 9 digits or more and 20 distinct values at least (an export with
// several rows per person: orders, visits), or every value differs and
// they rise in file order under a placeholder name or one naming a key
// (an auto-increment key, 7, 138, 269... of any length, in col1 or
// id_cli; a year, a population or a sorted amount rises too). That is a record key, or a national number or phone number
// stored as a number, which no validator sees without its separators.
// Amounts and counts vary in length, repeat and come in no order; a
// column named like a time or a measure (epoch seconds, amounts in cents)
// is left alone.
func numericKey(cs *colSample) (Detection, bool) {
	if cs.nonNull < 20 || cs.n < 20 {
		return Detection{}, false
	}
	values, ok := integralValues(cs)
	if !ok {
		return Detection{}, false
	}
	if matchName(cs.tokens, cs.joined, nil, negMeasure).negative != "" {
		return Detection{}, false
	}
	ratio := float64(min(cs.distinct, cs.nonNull)) / float64(cs.nonNull)
	sameLength := true
	for _, v := range values {
		if len(v) != len(values[0]) || v[0] == '-' {
			sameLength = false
			break
		}
	}
	var reason string
	digits := len(values[0])
	switch {
	case sameLength && (ratio >= 0.95 && len(cs.values)*20 >= cs.n*19 && digits >= 6 || digits >= 9 && len(cs.values) >= 20):
		reason = fmt.Sprintf("integers of %d digits in every sampled value, %.0f %% distinct: a key or a national or phone number stored as a number", digits, 100*ratio)
	case cs.ascending && cs.distinct == cs.nonNull && values[0][0] != '-' && keyOrBlankName(cs.tokens):
		reason = "distinct integers rising in file order: an auto-increment record key"
	default:
		return Detection{}, false
	}
	ev := Evidence{Sampled: cs.n, Matching: cs.n, Valid: len(cs.values), Validator: "distinct-ratio+length", Reason: reason}
	ev.Examples = maskExamples("RECORD_ID", cs.values, 3)
	return Detection{Role: RoleIdentifier, Entity: "RECORD_ID", Confidence: 0.6, Sensitivity: SensitivityModerate, Evidence: ev}, true
}

// integralValues returns the column's distinct sampled values as integer
// text when the column is numeric and every value is an integer, a float
// with a zero fraction (100234.0 gives 100234) counting as one.
func integralValues(cs *colSample) ([]string, bool) {
	switch cs.kind {
	case dataset.Integer:
		return cs.values, len(cs.values) > 0
	case dataset.Float:
	default:
		return nil, false
	}
	out := make([]string, 0, len(cs.values))
	for _, v := range cs.values {
		i := strings.IndexByte(v, '.')
		if i <= 0 || strings.Trim(v[i+1:], "0") != "" || strings.ContainsAny(v, "eE") {
			return nil, false
		}
		out = append(out, v[:i])
	}
	return out, len(out) > 0
}

// freeText runs FindPII inside a text column's sampled values. Long text
// (on average 5 words or more, at least a fifth of them distinct) is a
// candidate when at least 5 % of its values (and 2 or more) hold PII.
// With short set (asked only when no entity and no key fits the column),
// any text column is a candidate when half of its sampled values or more
// hold PII: values of mixed entities, or short notes quoting one.
func freeText(cs *colSample, short bool) (candidate, bool) {
	if cs.n == 0 || cs.kind != dataset.String {
		return candidate{}, false
	}
	long := avgWords(cs) >= 5 && len(cs.values)*5 >= cs.n
	if long == short {
		return candidate{}, false
	}
	if short && (matchName(cs.tokens, cs.joined, nil, union(negID, negDirect)).negative != "" || negIDCompound(cs.tokens) != "") {
		return candidate{}, false // order numbers, tracking codes: named as not personal
	}
	hits, distinctHits := 0, 0
	found := map[string]int{}
	var examples []string
	opts := &ScanOptions{Regions: cs.regions}
	for i, v := range cs.values {
		ms := FindPII(v, opts)
		if short {
			ms = slices.DeleteFunc(ms, func(m Match) bool {
				return !standalone(v, m.Start, m.End) || m.Entity == "PHONE" && !dialled(v[m.Start:m.End])
			})
		}
		if len(ms) == 0 {
			continue
		}
		hits += cs.counts[i]
		distinctHits++
		for _, m := range ms {
			found[m.Entity]++
		}
		if len(examples) < 3 {
			examples = append(examples, v)
		}
	}
	// Short text needs 10 sampled values: fewer tell nothing, and the
	// profile never lists a value seen fewer than --min-count times.
	// Half of the rows, or half of the distinct values: placeholders
	// (n/a, unknown) repeated on many rows do not hide the others.
	if hits < 2 || hits*20 < cs.n || short && (cs.n < 10 || hits*2 < cs.n && distinctHits*2 < len(cs.values)) {
		return candidate{}, false
	}
	def := &entityDef{entity: "FREE_TEXT", role: RoleDirect, validator: "FindPII", rank: 1, sensitivity: SensitivityModerate}
	c := candidate{def: def, n: cs.n, m: cs.n, v: hits, share: float64(hits) / float64(cs.n), subs: found, examples: examples}
	c.sv = math.Min(1, 0.5+wilsonLB(hits, cs.n))
	c.conf = c.sv
	c.note = "free text holding " + strings.Join(sortedKeys(found), ", ")
	if short {
		c.note = fmt.Sprintf("%.0f %% of the values hold personal data (%s), though no one entity was detected for the column", 100*c.share, strings.Join(sortedKeys(found), ", "))
	}
	return c, true
}

// dialled reports whether a phone match looks dialled rather than like
// any run of digits (LOT 20241107 04): an international or bracketed
// prefix, a trunk prefix (a first group of two or more digits starting
// with 0), or three groups of digits or more.
func dialled(s string) bool {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "(") {
		return true
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	return len(groups) >= 3 || len(groups) > 0 && len(groups[0]) >= 2 && groups[0][0] == '0'
}

// standalone reports whether v[start:end] stands as words of its own:
// at the ends of v or between spaces and punctuation, not inside a code
// such as PED-2026-031877, whose digits a phone pattern would take.
func standalone(v string, start, end int) bool {
	const before, after = " \t(\"'<:,;[/=#", " \t)\"'>,;.:!?]/#"
	return (start == 0 || strings.IndexByte(before, v[start-1]) >= 0) &&
		(end == len(v) || strings.IndexByte(after, v[end]) >= 0)
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func evidenceOf(c *candidate, cs *colSample) Evidence {
	ev := Evidence{
		NameHint:  c.nm.hint,
		NameScore: c.nm.score,
		Negative:  c.nm.negative,
		Sampled:   c.n,
		Matching:  c.m,
		Valid:     c.v,
		Validator: c.def.validator,
		Reason:    c.note,
	}
	if c.hasLLR {
		l := round3(c.llr)
		ev.LLR = &l
	}
	if c.n == 0 {
		ev.Sampled = cs.n
	}
	if len(c.subs) > 0 && c.def.entity != "FREE_TEXT" {
		ev.Subtypes = c.subs
	}
	if c.def.entity == "FREE_TEXT" {
		ev.Found = c.subs
		// Examples of free text are the PII found, masked, not the text.
		var ex []string
		for _, v := range c.examples {
			for _, m := range FindPII(v, &ScanOptions{Regions: cs.regions}) {
				if len(ex) < 3 {
					ex = append(ex, Mask(m.Entity, v[m.Start:m.End]))
				}
			}
		}
		ev.Examples = ex
	} else {
		ev.Examples = maskExamples(c.def.entity, c.examples, 3)
	}
	if ev.Reason == "" {
		ev.Reason = reason(c)
	}
	return ev
}

func reason(c *candidate) string {
	var parts []string
	if c.nm.score > 0 {
		parts = append(parts, "name hint "+c.nm.hint)
	}
	if c.nm.score < 0 {
		parts = append(parts, "negative name token "+c.nm.negative)
	}
	if c.n > 0 {
		parts = append(parts, "values checked with "+c.def.validator)
	}
	return strings.Join(parts, "; ")
}

// maskExamples returns up to k masked, distinct examples.
func maskExamples(entity string, values []string, k int) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		m := Mask(entity, v)
		if seen[m] {
			continue
		}
		seen[m] = true
		out = append(out, m)
		if len(out) == k {
			break
		}
	}
	return out
}

// DetectColumn classifies a column from its name and a sample of its
// non-null values (as text), without a pass over a table: policies and
// reports use it to fit a template to a table's columns. regions are the
// default phone regions (nil: DefaultRegions).
func DetectColumn(name string, values []string, regions []string) Detection {
	return DetectKind(name, dataset.String, values, regions)
}

// DetectKind is DetectColumn for a column whose kind is known: a number
// column is checked for the shape of a key stored as a number, and only
// text columns are scanned for personal data inside their values.
func DetectKind(name string, kind dataset.Kind, values []string, regions []string) Detection {
	if regions == nil {
		regions = DefaultRegions
	}
	distinct := map[string]bool{}
	for _, v := range values {
		distinct[v] = true
	}
	cs := newColSample(name, kind, "", values, int64(len(values)), int64(len(distinct)), time.Now(), regions)
	return detect(cs)
}

// DefaultRegions are the phone regions tried for numbers without an
// international prefix, as ISO 3166 codes (GB, not UK).
var DefaultRegions = []string{"US", "GB", "DE", "FR", "ES", "NL", "BE", "IT", "AT", "CH"}
