package report

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/veil-data/veil/internal/names"
)

// The motivated-intruder test (ICO anonymisation guidance; compliance
// reference §2.3 item 7): which auxiliary sources a reasonably competent
// intruder could hold, which of this release's quasi-identifiers each
// plausibly shares, how much effort it takes, and a simulated linkage.
//
// The simulation lets the original table stand in for the intruder's
// source: every original record, with its values of the shared
// quasi-identifiers (recoded into the release's generalization, as for the
// risk figures), is looked up among the released rows. A real source holds
// other people, missing and outdated values and spelling variants, so the
// figures say what linking on those columns can achieve, not what a given
// intruder will.

// Intruder is the motivated-intruder section.
type Intruder struct {
	// Note says what the simulation is and is not.
	Note    string           `json:"note"`
	Sources []IntruderSource `json:"sources"`
}

// IntruderSource is one kind of auxiliary data and its simulated linkage.
type IntruderSource struct {
	Name  string `json:"name"`
	Holds string `json:"holds"` // what such a source typically holds
	// Public says whether such a source is commonly open to anyone.
	Public bool `json:"public"`
	// Shares are the quasi-identifiers of this release the source
	// plausibly holds too (matched on detected entities and names).
	Shares []string `json:"shares"`
	Effort string   `json:"effort"`
	// Records is the number of original records looked up.
	Records int `json:"records,omitempty"`
	// Matched is the share of original records whose shared values occur
	// in the release; Unique the share that match exactly one released
	// row (a released class of size 1 on the shared columns).
	Matched *float64 `json:"matched,omitempty"`
	Unique  *float64 `json:"unique_links,omitempty"`
	// Expected is, for an anonymized release, the expected share of
	// original records linked to their own released row when the
	// intruder picks one of the matching rows at random: 1/max(m, n) per
	// record, m original records and n released rows sharing its values.
	Expected *float64 `json:"expected_correct,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// qiKind is a kind of quasi-identifier an auxiliary source may hold, known
// by the entities detection gives and by tokens of column names.
type qiKind struct {
	kind     string
	entities []string
	tokens   []string
}

var qiKinds = []qiKind{
	{"postcode", []string{"POSTAL_CODE"}, []string{"zip", "zipcode", "postcode", "postal", "plz"}},
	{"address", []string{"ADDRESS", "STREET_ADDRESS"}, []string{"address", "street", "addr"}},
	{"place", []string{"CITY", "GEO"}, []string{"city", "town", "county", "state", "region", "district", "municipality", "residence"}},
	{"birth", []string{"DATE_OF_BIRTH", "AGE", "BIRTH_YEAR"}, []string{"age", "dob", "birth", "birthdate", "birthday", "yob"}},
	{"sex", []string{"GENDER"}, []string{"sex", "gender"}},
	{"occupation", []string{"OCCUPATION"}, []string{"occupation", "job", "profession"}},
	{"education", []string{"EDUCATION"}, []string{"education", "degree", "qualification", "schooling"}},
	{"marital", []string{"MARITAL_STATUS"}, []string{"marital", "relationship"}},
	{"employer", []string{"EMPLOYMENT"}, []string{"employer", "workclass", "employment", "company"}},
	{"nationality", []string{"NATIONALITY"}, []string{"nationality", "citizenship", "country"}},
}

// auxSource is an auxiliary source and the kinds of quasi-identifier it
// holds; all means every quasi-identifier of the release.
type auxSource struct {
	name, holds string
	public      bool
	kinds       []string
	all         bool
}

var auxSources = []auxSource{
	{name: "Electoral roll / voter lists", public: true, kinds: []string{"address", "postcode", "place", "birth", "sex"},
		holds: "names and home addresses of registered voters; some voter files add birth date or age and sex"},
	{name: "Social media profiles", public: true, kinds: []string{"place", "birth", "sex", "occupation", "education", "marital", "employer", "nationality"},
		holds: "what people publish about themselves: age or birthday, sex, home town, job, employer, schooling, relationship status"},
	{name: "Public registers", public: true, kinds: []string{"occupation", "employer", "address", "postcode", "place", "birth"},
		holds: "professional and company registers (name, occupation, employer, address; company officers' birth month and year), land registry"},
	{name: "Earlier veil releases of the same data", all: true,
		holds: "an earlier release made from the same records with the same quasi-identifiers; worst case: the intruder knows them as they are in the original"},
}

// kindsOf returns the kinds of quasi-identifier column name is.
func (b *builder) kindsOf(name string) []string {
	var out []string
	ent := b.roles.entity[name]
	toks := names.Tokens(name)
	for _, k := range qiKinds {
		if (ent != "" && slices.Contains(k.entities, ent)) || slices.ContainsFunc(toks, func(t string) bool { return slices.Contains(k.tokens, t) }) {
			out = append(out, k.kind)
		}
	}
	return out
}

// effort describes in plain words what linking with a source takes.
func effort(src auxSource, shared int) string {
	switch {
	case shared == 0:
		return "nothing to link on: it shares none of this release's quasi-identifiers"
	case src.all:
		return fmt.Sprintf("low for anyone who received the earlier release; it shares all %d quasi-identifiers", shared)
	case src.public && shared >= 3:
		return fmt.Sprintf("low: open to anyone, and it shares %d quasi-identifiers", shared)
	case src.public:
		return fmt.Sprintf("moderate: open to anyone, but it shares only %s", plural(shared, "quasi-identifier", "quasi-identifiers"))
	}
	return fmt.Sprintf("high: not open to the public; it shares %s", plural(shared, "quasi-identifier", "quasi-identifiers"))
}

// intruder fills the motivated-intruder section and, for an anonymized
// release, the linkage figures of the linkability section.
func (b *builder) intruder() {
	qi := b.r.Privacy.QuasiIdentifiers
	if len(qi) == 0 || (b.r.Release != "anonymized" && b.r.Release != "synthetic") {
		return
	}
	synthetic := b.r.Release == "synthetic"
	in := &Intruder{Note: "Simulation: the original table stands in for the intruder's source, so every person it holds is in the source with exact, current values; " +
		"a real source holds other people and errors. Each original record's values of the shared quasi-identifiers, generalized as the release is, are looked up among the released rows."}
	if synthetic {
		in.Note += " Synthetic rows are not people's records: a match links a real person to a made-up row, which may still reveal what the model learned about people like them."
	} else {
		in.Note += " The report cannot tell which released row came from which original row (the release carries no row key, and rows may have been suppressed), so correct links are not counted: the expected share of correct links assumes the intruder picks one of the matching rows at random (journalist-style)."
	}
	kinds := map[string][]string{}
	for _, n := range qi {
		kinds[n] = b.kindsOf(n)
	}
	worstUnique, worstExpected := -1.0, -1.0
	var worstU, worstE string
	local := ""
	if !synthetic && b.localRecoding() {
		// The lookup generalizes each original value as the release
		// does, one generalization per value; local recoding gives the
		// same value different ones in different rows.
		local = "the release is locally recoded (" + b.anonAlgorithm() + "): a value is generalized differently in different rows, " +
			"and the simulation's lookup assumes one generalization per value"
		worstU, worstE = local, local
		in.Note += " Not simulated for this release: " + local + "."
	}
	shares := make([][]string, len(auxSources))
	for i, src := range auxSources {
		shares[i] = []string{}
		for _, n := range qi {
			if src.all || slices.ContainsFunc(kinds[n], func(k string) bool { return slices.Contains(src.kinds, k) }) {
				shares[i] = append(shares[i], n)
			}
		}
	}
	// The sources' simulations are independent: one goroutine each (a
	// pass over both tables per source), results in source order.
	links := make([]linked, len(auxSources))
	if local == "" {
		var wg sync.WaitGroup
		slots := make(chan struct{}, runtime.GOMAXPROCS(0)) // each holds two key arrays and an index
		for i := range auxSources {
			if len(shares[i]) > 0 {
				slots <- struct{}{}
				wg.Go(func() {
					defer func() { <-slots }()
					links[i] = linkage(b.orig, b.rel, shares[i])
				})
			}
		}
		wg.Wait()
	}
	for i, src := range auxSources {
		s := IntruderSource{Name: src.name, Holds: src.holds, Public: src.public, Shares: shares[i]}
		s.Effort = effort(src, len(s.Shares))
		if len(s.Shares) > 0 && local != "" {
			s.Note = "not simulated: " + local
		} else if len(s.Shares) > 0 {
			l := links[i]
			s.Records = b.orig.rows
			s.Matched, s.Unique = &l.matched, &l.unique
			if synthetic {
				s.Note = fmt.Sprintf("%s of original records match exactly one synthetic row on %s; those rows are not people's records", pct(l.unique), listNames(s.Shares))
			} else {
				s.Expected = &l.expected
				s.Note = fmt.Sprintf("%s of original records match exactly one released row on %s", pct(l.unique), listNames(s.Shares))
			}
			if l.unique > worstUnique {
				worstUnique, worstU = l.unique, src.name
			}
			if l.expected > worstExpected {
				worstExpected, worstE = l.expected, src.name
			}
		}
		in.Sources = append(in.Sources, s)
	}
	b.r.Intruder = in
	b.method("motivated-intruder linkage simulation", !b.orig.t.Sampled() && !b.rel.t.Sampled(), b.orig.rows,
		sampledNote(b, "exact: every original record looked up among every released row")+"; the original stands in for the intruder's source")
	if synthetic {
		return
	}
	lf := &b.r.Privacy.Linkability.Figures
	*lf = append(*lf,
		newFigure("linkage_unique", "Simulated linkage: records linked to a single released row", worstUnique, worstUnique >= 0, "<=", ref(refSampleUniques), "share",
			"original records whose values of the quasi-identifiers an auxiliary source shares match exactly one released row (linkage simulation on a quasi-identifier subset, the original standing in for the source)",
			sourceNote(local, worstU)+"; see the motivated-intruder section"),
		newFigure("linkage_expected", "Simulated linkage: expected correct links", worstExpected, worstExpected >= 0, "<=", ref(refProsecutorAvg), "share",
			"chance that such a link is to the person's own row, averaged over original records (1/number of candidates, journalist-style); reference: EMA Policy 0070's 0.09",
			sourceNote(local, worstE)))
}

func sourceNote(local, worst string) string {
	if local != "" {
		return "not measured: " + local
	}
	return "worst source: " + worst
}

// anonAlgorithm is the privacy algorithm the anonymize report names
// ("optimal", "mondrian", "optimal+local"), or "".
func (b *builder) anonAlgorithm() string {
	if b.anon == nil {
		return ""
	}
	if p, ok := b.anon.Raw["privacy"].(map[string]any); ok {
		return getStr(p, "algorithm")
	}
	return ""
}

// localRecoding reports whether the anonymize report says the release was
// locally recoded (Mondrian, or optimal with local recoding).
func (b *builder) localRecoding() bool {
	a := b.anonAlgorithm()
	return a == "mondrian" || strings.Contains(a, "local")
}

// linked is the outcome of a linkage simulation.
type linked struct {
	matched, unique, expected float64
}

// linkage looks every row of real up among the rows of rel on cols.
func linkage(real, rel *frame, cols []string) linked {
	realIDs, relIDs := keyIDs(real, rel, cols, nil)
	classes := int32(0)
	for _, id := range relIDs {
		classes = max(classes, id+1)
	}
	n := make([]int, classes) // released rows per key
	m := make([]int, classes) // original rows per key
	for _, id := range relIDs {
		n[id]++
	}
	for _, id := range realIDs {
		if id >= 0 {
			m[id]++
		}
	}
	var matched, unique int
	for _, id := range realIDs {
		if id < 0 {
			continue
		}
		matched++
		if n[id] == 1 {
			unique++
		}
	}
	// The m records of a key each link correctly with chance
	// 1/max(m, n): summed per key, in key order, as m/max(m, n), which
	// keeps a million small terms from piling up rounding error.
	var expected float64
	for id, mk := range m {
		if mk > 0 {
			expected += float64(mk) / float64(max(mk, n[id]))
		}
	}
	if real.rows == 0 {
		return linked{}
	}
	return linked{matched: ratio(matched, real.rows), unique: ratio(unique, real.rows), expected: roundSig(expected/float64(real.rows), 12)}
}

// Pct formats a share for the page ("—" when not measured).
func (IntruderSource) Pct(p *float64) string {
	if p == nil {
		return "—"
	}
	return pct(*p)
}
