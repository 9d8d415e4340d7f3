package policies

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// This file holds the two blocks of a policy that describe the release
// rather than the treatment: release (why, for whom, in which setting and
// against which attacker the data leaves) and governance (who reviewed it
// and when it is reviewed again). veil does not act on them; the report
// shows them, chooses its recommended controls from the release model and
// computes the next review date. Both are optional: a report says, item by
// item, what the policy does not state.

// Release models: how the data is made available. They map to the
// sharing models of NIST SP 800-188 and the ICO's range of release
// settings (see the report's scope section).
const (
	ModelEnclave = "enclave" // a controlled environment the data does not leave
	ModelPartner = "partner" // named recipients under a data use agreement
	ModelPublic  = "public"  // open publication
)

// ReleaseModels lists the release models in order of decreasing control.
var ReleaseModels = []string{ModelEnclave, ModelPartner, ModelPublic}

// Release is the release context of a policy: the policy's release block.
// Empty strings and a nil Population mean "not stated".
type Release struct {
	Purpose    string
	Recipients []string
	Model      string // enclave, partner or public
	Controls   FiveSafes
	// Attacker describes who the release is assumed to face and what they
	// know (e.g. "a recipient who knows a neighbour's age, sex and zip").
	Attacker string
	// Population is the number of people the original table is drawn
	// from, when known.
	Population *int64

	line, col int
}

// FiveSafes are the controls of the Five Safes framework that the release
// relies on, in the framework's order; empty means not stated.
type FiveSafes struct {
	Projects string // safe projects: the use is appropriate
	People   string // safe people: the users can be trusted
	Settings string // safe settings: the environment limits misuse
	Data     string // safe data: what the data itself is treated with
	Outputs  string // safe outputs: what may leave, and who checks it
}

// Governance is who reviewed the policy and when it is reviewed again: the
// policy's governance block.
type Governance struct {
	Reviewer string
	Board    string // the data review board or committee
	// PolicyVersion is the organisation's own label of this revision of
	// the policy ("2026-11 r2"); the top-level version key is the file
	// format's version.
	PolicyVersion string
	// ReviewEvery is the review interval (nil when not stated); NextReview
	// a fixed review date (zero when not stated). At most one is set.
	ReviewEvery *Interval
	NextReview  time.Time
}

// Interval is a review interval: N days, weeks, months or years.
type Interval struct {
	N    int
	Unit string // d, w, mo or y
}

func (iv Interval) String() string { return strconv.Itoa(iv.N) + iv.Unit }

// After returns the date iv after t. A month or year step that lands past
// the end of a month stops on its last day (31 January + 1mo = 28 or 29
// February), as a reviewer counting months would.
func (iv Interval) After(t time.Time) time.Time {
	switch iv.Unit {
	case "d":
		return t.AddDate(0, 0, iv.N)
	case "w":
		return t.AddDate(0, 0, 7*iv.N)
	}
	months := iv.N
	if iv.Unit == "y" {
		months = 12 * iv.N
	}
	y, m, d := t.Date()
	first := time.Date(y, m, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

var (
	releaseKeys    = []string{"purpose", "recipients", "model", "controls", "attacker", "population"}
	controlKeys    = []string{"projects", "people", "settings", "data", "outputs"}
	governanceKeys = []string{"reviewer", "board", "policy_version", "review_every", "next_review"}
	intervalRE     = regexp.MustCompile(`^([1-9][0-9]{0,2})(d|w|mo|y)$`)
)

// text reads a non-empty string.
func (d *decoder) text(n *yaml.Node, path string) string {
	s, ok := d.str(n, path)
	if ok && strings.TrimSpace(s) == "" {
		d.errorf(n, path, ErrValue, "empty: write the text, or leave the key out (the report then says it is not stated)")
		return ""
	}
	return s
}

// prose reads a non-empty text written as a string: a number or a
// boolean there is a mistake the JSON Schema refuses too (quote it if
// meant).
func (d *decoder) prose(n *yaml.Node, path string) string {
	if r := resolveAlias(n); r.Kind == yaml.ScalarNode && r.ShortTag() != "!!str" && r.ShortTag() != "!!null" {
		d.errorf(n, path, ErrType, "want text, got %s (quote it if it is meant as text)", describe(r))
		return ""
	}
	return d.text(n, path)
}

func (d *decoder) release(n *yaml.Node) *Release {
	n = resolveAlias(n)
	r := &Release{line: n.Line, col: n.Column}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return r
	}
	for _, kv := range d.mapping(n, "release") {
		k, v := kv[0], kv[1]
		path := "release." + k.Value
		switch k.Value {
		case "purpose":
			r.Purpose = d.prose(v, path)
		case "recipients":
			if rv := resolveAlias(v); rv.Kind == yaml.SequenceNode && len(rv.Content) == 0 {
				d.errorf(v, path, ErrValue, "empty list: name the recipients, or leave the key out (the report then says they are not stated)")
			} else if rv.Kind == yaml.ScalarNode && rv.ShortTag() != "!!str" {
				d.errorf(v, path, ErrType, "want text or a list of texts, got %s", describe(rv))
			} else if list, ok := d.strList(v, path); ok {
				for i, s := range list {
					if strings.TrimSpace(s) == "" {
						d.errorf(v, fmt.Sprintf("%s[%d]", path, i), ErrValue, "empty recipient")
					}
				}
				r.Recipients = list
			}
		case "model":
			r.Model, _ = d.oneOf(v, path, ReleaseModels)
		case "controls":
			d.controls(v, path, &r.Controls)
		case "attacker":
			r.Attacker = d.prose(v, path)
		case "population":
			f, ok := d.number(v, path)
			if ok && (f < 1 || f != math.Trunc(f) || f > 1e12) {
				d.errorf(v, path, ErrValue, "the number of people the data is drawn from: a whole number of at least 1")
				ok = false
			}
			if ok {
				p := int64(f)
				r.Population = &p
			}
		default:
			d.unknownKey(k, "release", releaseKeys)
		}
	}
	return r
}

func (d *decoder) controls(n *yaml.Node, path string, c *FiveSafes) {
	n = resolveAlias(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	for _, kv := range d.mapping(n, path) {
		k, v := kv[0], kv[1]
		p := join(path, k.Value)
		switch k.Value {
		case "projects":
			c.Projects = d.prose(v, p)
		case "people":
			c.People = d.prose(v, p)
		case "settings":
			c.Settings = d.prose(v, p)
		case "data":
			c.Data = d.prose(v, p)
		case "outputs":
			c.Outputs = d.prose(v, p)
		default:
			d.unknownKey(k, path, controlKeys)
		}
	}
}

func (d *decoder) governance(n *yaml.Node) *Governance {
	n = resolveAlias(n)
	g := &Governance{}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return g
	}
	var every, next *yaml.Node
	for _, kv := range d.mapping(n, "governance") {
		k, v := kv[0], kv[1]
		path := "governance." + k.Value
		switch k.Value {
		case "reviewer":
			g.Reviewer = d.prose(v, path)
		case "board":
			g.Board = d.prose(v, path)
		case "policy_version":
			g.PolicyVersion = d.text(v, path)
		case "review_every":
			every = k
			s, ok := d.str(v, path)
			if !ok {
				continue
			}
			m := intervalRE.FindStringSubmatch(strings.TrimSpace(s))
			if m == nil {
				d.errorf(v, path, ErrValue, "%q is not an interval: write a number and d, w, mo or y (12mo, 1y, 26w, 90d)", s)
				continue
			}
			nn, _ := strconv.Atoi(m[1])
			g.ReviewEvery = &Interval{N: nn, Unit: m[2]}
		case "next_review":
			next = k
			s, ok := d.str(v, path)
			if !ok {
				continue
			}
			t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
			if err != nil {
				d.errorf(v, path, ErrValue, "%q is not a date: write YYYY-MM-DD (2027-06-30)", s)
				continue
			}
			g.NextReview = t
		default:
			d.unknownKey(k, "governance", governanceKeys)
		}
	}
	if every != nil && next != nil {
		d.errorf(next, "governance.next_review", ErrConflict,
			"give review_every (the report computes the next review from its date) or next_review (a fixed date), not both")
	}
	return g
}
