package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/veil-data/veil/policies"
)

// The scope section (outline §3): the release context the policy's release
// block states. Nothing here is inferred: an item the policy leaves out is
// shown as not stated, and the limitations say so.

// notStated is what the page shows for an item the policy does not state.
const notStated = "not stated in the policy"

// Scope is the release context: purpose, recipients, release model (with
// its place on the ICO's range of release settings and its NIST SP 800-188
// sharing model), Five Safes controls, attacker and population.
type Scope struct {
	// Stated is true when the policy has a release block.
	Stated bool        `json:"stated"`
	Items  []ScopeItem `json:"items"`
	// Model is the release model (enclave, partner, public); empty when
	// not stated.
	Model string `json:"model,omitempty"`
}

// ScopeItem is one item of the release context.
type ScopeItem struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// Value is the policy's text (or what veil derives from the release
	// model); empty when not stated.
	Value  string `json:"value,omitempty"`
	Stated bool   `json:"stated"`
	// Note relates the item to the figures of the report.
	Note string `json:"note,omitempty"`
}

// modelMaps says, per release model, where it sits on the ICO's range of
// release settings (anonymisation guidance: the release environment is part
// of identifiability) and which data-sharing model of NIST SP 800-188 it is.
var modelMaps = map[string]struct{ ico, nist string }{
	policies.ModelEnclave: {
		"controlled access in a secure environment (the most controlled end of the ICO's range): the setting's controls share the protection with the data",
		"enclave model: the data stays in a controlled environment and outputs are checked before they leave"},
	policies.ModelPartner: {
		"restricted release to named recipients under contract (between open publication and a secure environment on the ICO's range)",
		"data use agreement (DUA) model: recipients are bound by an agreement on use, linkage and onward sharing"},
	policies.ModelPublic: {
		"open release (the least controlled end of the ICO's range): no control applies after publication, so the data itself must carry all the protection",
		"release-and-forget model: the data is published and cannot be withdrawn"},
}

// scope fills the scope section from the policy's release block.
func (b *builder) scope() {
	var rel policies.Release
	if b.in.Policy != nil && b.in.Policy.Release != nil {
		rel = *b.in.Policy.Release
		b.r.Scope.Stated = true
	}
	s := &b.r.Scope
	s.Model = rel.Model
	add := func(id, label, value, note string) {
		// The policy's texts go through the appendix's redaction.
		s.Items = append(s.Items, ScopeItem{ID: id, Label: label, Value: b.redact(value), Stated: value != "", Note: note})
	}
	add("purpose", "Purpose", rel.Purpose, "")
	add("recipients", "Recipients", strings.Join(rel.Recipients, "; "), "")
	m := modelMaps[rel.Model]
	add("model", "Release model", rel.Model, "")
	add("ico_spectrum", "ICO release setting", m.ico, "derived from the release model")
	add("nist_model", "NIST SP 800-188 sharing model", m.nist, "derived from the release model")
	c := rel.Controls
	add("safe_projects", "Five Safes: safe projects", c.Projects, "")
	add("safe_people", "Five Safes: safe people", c.People, "")
	add("safe_settings", "Five Safes: safe settings", c.Settings, "")
	add("safe_data", "Five Safes: safe data", c.Data, "the treatment and the measured risks of this report describe the data itself")
	add("safe_outputs", "Five Safes: safe outputs", c.Outputs, "")
	add("attacker", "Assumed attacker", rel.Attacker, b.attackerNote())
	pop, popNote := "", ""
	if rel.Population != nil {
		pop = strconv.FormatInt(*rel.Population, 10) + " people"
		popNote = b.populationNote(*rel.Population)
	}
	add("population", "Population size", pop, popNote)

	var missing []string
	for _, it := range s.Items {
		if !it.Stated && it.ID != "ico_spectrum" && it.ID != "nist_model" {
			missing = append(missing, strings.ToLower(it.Label))
		}
	}
	switch {
	case !s.Stated:
		b.r.Limitations = append(b.r.Limitations, "The policy states no release context (its release block: purpose, recipients, release model, Five Safes controls, attacker, population): "+
			"the report cannot judge the measured risks against the setting the data goes into, and its recommended controls are not chosen for a release model.")
	case len(missing) > 0:
		b.r.Limitations = append(b.r.Limitations, fmt.Sprintf("The policy's release block does not state: %s; the report assumes none of them.", strings.Join(missing, ", ")))
	}
}

// attackerNote names what the figures assume the attacker knows: the
// quasi-identifiers the class measures used.
func (b *builder) attackerNote() string {
	q := b.r.Privacy.QuasiIdentifiers
	if len(q) == 0 {
		return "no quasi-identifier is known to the report: it measures no attacker's knowledge of the people in the table"
	}
	return fmt.Sprintf("the class measures of this report assume an attacker who knows %s of a person (the quasi-identifiers, from %s)", listNames(q), b.roles.from)
}

// populationNote relates the stated population to the original's rows. It
// states the sampling fraction and, for an anonymized release, the one
// relation that holds without a population model: a person's class in the
// population is at least as large as in the release, so the risk for an
// attacker who does not know whether the person is in the release
// (journalist risk) is at most the prosecutor risk shown.
func (b *builder) populationNote(pop int64) string {
	rows := b.orig.t.TotalRows
	if rows <= 0 {
		rows = int64(b.orig.rows)
	}
	if rows > pop {
		return fmt.Sprintf("the original holds %d rows, more than the stated population: several rows per person, or the figure is wrong; check it", rows)
	}
	s := fmt.Sprintf("the original holds %d rows, %s of the stated population (sampling fraction)", rows, pct(float64(rows)/float64(pop)))
	if b.r.Release == "anonymized" && len(b.r.Privacy.QuasiIdentifiers) > 0 {
		s += "; a person's class in the population is at least as large as in the release, so for an attacker who does not know whether someone is in the release " +
			"the chance of picking out their record is at most the prosecutor risk shown (veil does not estimate it more closely)"
	}
	return s
}
