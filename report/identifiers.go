package report

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/veil-data/veil/dataset"
)

// The release check of direct identifiers and record keys: does a column
// that identifies people come out with its real values? Such columns are
// never loaded for the utility and privacy measures; their values are only
// hashed, in memory, while the tables are read, and nothing but shares and
// counts leaves this file.

const (
	// identifierExposedShare is the share of a direct identifier's released
	// values that occur among its original values from which the report
	// calls the column exposed. 1 % leaves room for chance matches (a
	// pseudonym or a generalized code that happens to equal a real value)
	// and flags any real leak of consequence: 1 % of 100,000 national IDs is
	// 1,000 people.
	identifierExposedShare = 0.01
	// identifierUnchangedShare is the share from which the report says
	// the column is released unchanged.
	identifierUnchangedShare = 0.99
	// idSampleRows is how many released values per column the check looks
	// up (a seeded uniform sample beyond): the share is then known to
	// within ±0.4 % (95 %).
	idSampleRows = 100_000
	// idMaxOriginal is how many distinct original hashes per column are
	// held (8 bytes each); beyond, both sides are thinned to the values
	// whose hash falls in the same fraction of the hash space, so that a
	// released value kept is looked up among the original values kept.
	idMaxOriginal = 1 << 22
)

// IdentifierCheck is the release check of one direct identifier or record
// key present in both tables: the share of its released values that are
// values of the original column. It holds no value, raw or masked.
type IdentifierCheck struct {
	Column string `json:"column"`
	Role   string `json:"role"`
	// RoleFrom says where the role came from: the policy, the anonymize
	// report, the command line, or veil's detection.
	RoleFrom string `json:"role_from"`
	// Entity is what detection took the values for (NATIONAL_ID,
	// DATE_OF_BIRTH, RECORD_ID...), when it was detection.
	Entity string `json:"entity,omitempty"`
	// Action is the policy's or the anonymize report's treatment, if any.
	Action string `json:"action,omitempty"`
	// InOriginal is the share of the released non-null values checked
	// that occur among the column's original values.
	InOriginal float64 `json:"released_values_in_original"`
	// Checked is how many released non-null values were looked up, of
	// Values.
	Checked int   `json:"checked"`
	Values  int64 `json:"released_values"`
	Exact   bool  `json:"exact"`
	// Exposed is true when InOriginal reaches 1 %: real values of the
	// column are in the release.
	Exposed bool   `json:"exposed"`
	Finding string `json:"finding"`
}

// idCollector gathers the hashes of the checked columns of one table.
type idCollector struct {
	cols    []int // reader column of each checked column
	seed    uint64
	release bool // true: a row sample of hashes; false: the distinct hashes
	rng     *rand.Rand
	hashes  [][]uint64
	seen    []int64 // non-null values seen per column
	level   []uint  // original side: keep hashes whose low level bits are 0
}

func newIDCollector(sc dataset.Schema, names []string, seed uint64, release bool) *idCollector {
	c := &idCollector{seed: seed, release: release, rng: rand.New(rand.NewPCG(seed, 0x1d5ca9)),
		hashes: make([][]uint64, len(names)), seen: make([]int64, len(names)), level: make([]uint, len(names))}
	for _, n := range names {
		c.cols = append(c.cols, sc.Index(n))
	}
	return c
}

// idHash is FNV-1a over the text, seeded, then SplitMix64's finaliser so
// that every bit is usable for thinning. Keyed by the report's seed, it is
// deterministic, and never written anywhere.
func idHash(seed uint64, s string) uint64 {
	h := uint64(14695981039346656037) ^ seed
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

func (c *idCollector) add(rec *dataset.Record) {
	for k, j := range c.cols {
		if j < 0 || j >= len(rec.Values) {
			continue
		}
		v := rec.Values[j]
		if v.Null || v.Text == "" {
			continue
		}
		h := idHash(c.seed, v.Text)
		c.seen[k]++
		if c.release {
			// Reservoir sample of rows (Algorithm R).
			if len(c.hashes[k]) < idSampleRows {
				c.hashes[k] = append(c.hashes[k], h)
			} else if r := c.rng.Int64N(c.seen[k]); r < idSampleRows {
				c.hashes[k][r] = h
			}
			continue
		}
		if h&(1<<c.level[k]-1) != 0 {
			continue
		}
		c.hashes[k] = append(c.hashes[k], h)
		if len(c.hashes[k]) > idMaxOriginal {
			c.hashes[k] = sortUnique(c.hashes[k])
			for len(c.hashes[k]) > idMaxOriginal/2 {
				c.level[k]++
				c.hashes[k] = thin(c.hashes[k], c.level[k])
			}
		}
	}
}

func sortUnique(h []uint64) []uint64 {
	slices.Sort(h)
	return slices.Compact(h)
}

// thin keeps the hashes whose low level bits are 0.
func thin(h []uint64, level uint) []uint64 {
	mask := uint64(1)<<level - 1
	out := h[:0]
	for _, x := range h {
		if x&mask == 0 {
			out = append(out, x)
		}
	}
	return out
}

// idReader passes records through and hashes the checked columns.
type idReader struct {
	dataset.Reader
	c *idCollector
}

func (r idReader) Read() (*dataset.Record, error) {
	rec, err := r.Reader.Read()
	if err == nil && rec != nil {
		r.c.add(rec)
	}
	return rec, err
}

// checkedIdentifiers returns the columns the release check covers: direct
// identifiers and record keys present in both tables, in column order.
func (b *builder) checkedIdentifiers() []string {
	var out []string
	for _, n := range b.order {
		role := b.roles.roles[n]
		if (role == "direct" || role == "identifier") && b.origSc.Index(n) >= 0 && b.relSc.Index(n) >= 0 {
			out = append(out, n)
		}
	}
	return out
}

// identifierChecks compares the hashes collected while loading and fills
// Privacy.Identifiers and the identifiers_released figure.
func (b *builder) identifierChecks() {
	p := &b.r.Privacy
	p.Identifiers = []IdentifierCheck{}
	names := b.checkedIdentifiers()
	exposed := 0
	var exposedNames []string
	for k, name := range names {
		chk := IdentifierCheck{Column: name, Role: b.roles.roles[name], RoleFrom: b.roles.source[name], Entity: b.roles.entity[name], Action: b.actionOf(name)}
		if b.idOrig == nil || b.idRel == nil {
			continue
		}
		orig := sortUnique(b.idOrig.hashes[k])
		level := b.idOrig.level[k]
		rel := b.idRel.hashes[k]
		chk.Values = b.idRel.seen[k]
		chk.Exact = level == 0 && int64(len(rel)) == chk.Values
		in, n := 0, 0
		mask := uint64(1)<<level - 1
		for _, h := range rel {
			if h&mask != 0 {
				continue
			}
			n++
			if _, ok := slices.BinarySearch(orig, h); ok {
				in++
			}
		}
		chk.Checked = n
		if n > 0 {
			chk.InOriginal = float64(in) / float64(n)
		}
		chk.Exposed = n > 0 && chk.InOriginal >= identifierExposedShare
		looks := entityPhrase(chk.Entity, chk.Role)
		switch {
		case n == 0:
			chk.Finding = fmt.Sprintf("%s (%s): no released value to check", name, looks)
		case chk.Exposed && chk.InOriginal >= identifierUnchangedShare && b.r.Release == "anonymized":
			chk.Finding = fmt.Sprintf("%s looks like %s and is released unchanged: %s of its released values are real values of the original column.", name, looks, pct(chk.InOriginal))
		case chk.Exposed:
			// A synthetic release's rows are not the original's: real
			// values there may sit on other rows, but they are real.
			chk.Finding = fmt.Sprintf("%s looks like %s and %s of its released values are real values of the original column.", name, looks, pct(chk.InOriginal))
		default:
			chk.Finding = fmt.Sprintf("%s (%s): %s of its released values occur in the original column.", name, looks, pct(chk.InOriginal))
		}
		if chk.Exposed {
			exposed++
			exposedNames = append(exposedNames, name)
			if chk.RoleFrom == "detected" {
				chk.Finding += " The policy does not name this column, so its default action applied: give it a role and an action (drop, hash, tokenize, mask)."
			} else {
				chk.Finding += " Drop, hash, tokenize or mask it."
			}
		}
		p.Identifiers = append(p.Identifiers, chk)
	}
	note := fmt.Sprintf("%d direct identifiers and record keys checked", len(p.Identifiers))
	if len(exposedNames) > 0 {
		note += "; exposed: " + listNames(exposedNames)
	}
	p.SinglingOut.Figures = append(p.SinglingOut.Figures,
		newFigure("identifiers_released", "Identifiers released with real values", float64(exposed), true, "<=", ref(0), "columns",
			fmt.Sprintf("direct identifiers and record keys of which at least %s of released values are real values: each singles people out by itself", pct(identifierExposedShare)), note))
	if len(names) > 0 {
		exact := true
		for _, c := range p.Identifiers {
			exact = exact && c.Exact
		}
		b.method("identifiers released", exact, min(idSampleRows, b.rel.t.Rows),
			fmt.Sprintf("values of %s hashed in memory while reading (never kept or written); released values looked up among the original's: every value up to %d per column, else a seeded uniform sample of %d", listNames(names), idSampleRows, idSampleRows))
	}
}

// entityPhrase says in words what a column looks like.
func entityPhrase(entity, role string) string {
	switch entity {
	case "NATIONAL_ID":
		return "a national ID"
	case "DATE_OF_BIRTH":
		return "a date of birth"
	case "RECORD_ID", "UUID":
		return "a record key"
	case "PERSON_NAME":
		return "a person's name"
	case "EMAIL":
		return "an e-mail address"
	case "PHONE":
		return "a phone number"
	case "ADDRESS":
		return "a postal address"
	case "CREDIT_CARD":
		return "a payment card number"
	case "IBAN":
		return "a bank account number (IBAN)"
	case "IP_ADDRESS":
		return "an IP address"
	case "MAC_ADDRESS":
		return "a device (MAC) address"
	case "URL":
		return "a personal URL"
	case "USERNAME":
		return "a user name"
	case "FREE_TEXT":
		return "free text with personal data"
	}
	if role == "identifier" {
		return "a record key"
	}
	return "a direct identifier"
}

// actionOf returns the policy's or the anonymize report's action for a
// column, or the policy's default action.
func (b *builder) actionOf(name string) string {
	for _, t := range b.r.Treatment {
		if t.Column == name {
			return t.Action
		}
	}
	return ""
}
