package synth

import (
	"fmt"
	"sort"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/profile"
)

// fakeEntities are the entities veil can regenerate as fake values; a
// direct identifier of another entity is dropped.
var fakeEntities = map[string]bool{
	"PERSON_NAME": true, "FIRST_NAME": true, "LAST_NAME": true, "EMAIL": true, "PHONE": true,
	"ADDRESS": true, "CITY": true, "IP_ADDRESS": true, "UUID": true, "NATIONAL_ID": true,
	"USERNAME": true, "CREDIT_CARD": true, "IBAN": true, "URL": true, "MAC_ADDRESS": true,
}

// planColumn decides what happens to a column: its role (from the policy,
// else detected from its name and leading values) and its treatment.
// Direct identifiers are never modelled: they are regenerated as fake
// values of their entity when veil knows how, otherwise dropped.
// Identifiers are regenerated as fresh keys. Everything else is modelled.
func planColumn(cm *ColumnModel, s *colStats, pol *policies.Policy) {
	role, why, det, pc := baseRole(cm.Name, s, pol)
	if pc != nil && pc.Action == policies.ActionDrop {
		cm.Role, cm.Why, cm.Treatment = role, "policy: action drop", TreatDrop
		return
	}
	if why != "policy" {
		// A text column whose values nearly all differ, with no entity
		// found, is a key or free text: never model its values.
		if !s.numeric && det.Entity == "" && role != string(policies.RoleDirect) && role != string(policies.RoleIdentifier) &&
			s.n-s.nulls > 50 && float64(s.distinctCount()) > 0.5*float64(s.n-s.nulls) {
			if s.shape.other && !s.shape.uuid {
				role, why = string(policies.RoleDirect), "detected: unique free text"
			} else {
				role, why = string(policies.RoleIdentifier), "detected: unique key"
			}
		}
	}
	cm.Role, cm.Why = role, why
	switch policies.Role(role) {
	case policies.RoleDirect:
		entity := fakeEntity(cm.Name, det.Entity, pc)
		if entity == "" {
			cm.Treatment = TreatDrop
			return
		}
		cm.Treatment, cm.Entity = TreatFake, entity
		if entity == "PHONE" || entity == "NATIONAL_ID" {
			cm.Template = bestTemplate(s.templates)
		}
	case policies.RoleIdentifier:
		cm.Treatment = TreatKey
		cm.Key = keyFormat(cm.Kind, s)
	default:
		cm.Treatment = TreatModel
	}
}

// baseRole returns a column's role from the policy, else from detection
// on its leading values (a date of birth is a quasi-identifier to
// synthesize), with where it came from, the detection and the policy's
// column.
func baseRole(name string, s *colStats, pol *policies.Policy) (role, why string, det profile.Detection, pc *policies.Column) {
	if pol != nil {
		pc = pol.Column(name)
	}
	if s.detected == nil && len(s.sample) > 0 {
		d := profile.DetectKind(name, s.col.Kind, s.sample, nil)
		s.detected = &d
	}
	if s.detected != nil {
		det = *s.detected
	}
	if pc != nil && pc.Role != "" {
		return string(pc.Role), "policy", det, pc
	}
	role, why = det.Role, "detected"
	if det.Entity != "" {
		why = "detected: " + det.Entity
	}
	if det.Entity == "DATE_OF_BIRTH" {
		// A date of birth is a quasi-identifier to synthesize: the model
		// keeps its distribution, not its values.
		role = string(policies.RoleQuasi)
	}
	if role == "" {
		role = string(policies.RoleOther)
	}
	return role, why, det, pc
}

// valuesNeeded reports whether the fit must count a column's values,
// decided as soon as its leading values are in: a column the policy drops
// or the policy or detection makes a direct identifier or identifier is
// never modelled, so the first pass keeps only its shape (lengths,
// character classes, digit templates, bounds), which saves most of the
// pass on tables with names, e-mails and keys.
func valuesNeeded(name string, s *colStats, pol *policies.Policy) bool {
	role, _, _, pc := baseRole(name, s, pol)
	if pc != nil && pc.Action == policies.ActionDrop {
		return false
	}
	return role != string(policies.RoleDirect) && role != string(policies.RoleIdentifier)
}

// fakeEntity returns the entity to fake for a direct identifier: the
// detected one, refined by the column name (first and last names), or one
// the name and the policy's tokenize format suggest.
func fakeEntity(name, detected string, pc *policies.Column) string {
	words := strings.Join(profile.NormalizeName(name), "_")
	has := func(ws ...string) bool {
		for _, w := range ws {
			if strings.Contains(words, w) {
				return true
			}
		}
		return false
	}
	if detected == "PERSON_NAME" || (detected == "" && has("name")) {
		switch {
		case has("first", "given", "fore", "vorname", "prenom"):
			return "FIRST_NAME"
		case has("last", "sur", "family", "nachname"):
			return "LAST_NAME"
		case has("user", "login"):
			return "USERNAME"
		}
		if detected != "" || has("name") {
			return "PERSON_NAME"
		}
	}
	if fakeEntities[detected] {
		return detected
	}
	if pc != nil && pc.Format == "email" {
		return "EMAIL"
	}
	switch {
	case has("email", "e_mail", "mail"):
		return "EMAIL"
	case has("phone", "tel", "mobile", "fax"):
		return "PHONE"
	case has("ssn", "social_security", "national_id", "passport"):
		return "NATIONAL_ID"
	case has("address", "street"):
		return "ADDRESS"
	case has("ip"):
		return "IP_ADDRESS"
	case has("uuid", "guid"):
		return "UUID"
	}
	return ""
}

// bestTemplate returns the most frequent digit template (ties by text).
func bestTemplate(t map[string]int64) string {
	best, n := "", int64(0)
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] > n {
			best, n = k, t[k]
		}
	}
	return best
}

// keyFormat derives the shape of fresh keys from a column's shape
// summary (lengths, the prefix every key shares, character classes).
func keyFormat(kind dataset.Kind, s *colStats) *KeyFormat {
	if kind == dataset.Integer {
		digits := 1
		if s.nonNull > 0 {
			m := max(abs(s.max), abs(s.min))
			digits = len(formatInt(int64(m)))
		}
		return &KeyFormat{Shape: "integer", Digits: digits}
	}
	k := s.shape
	switch {
	case k.uuid && k.started:
		return &KeyFormat{Shape: "uuid"}
	case k.allDigits && k.started && k.digitsTail > 0:
		prefix := k.prefix
		// The shared prefix ends before the digits.
		for len(prefix) > 0 && prefix[len(prefix)-1] >= '0' && prefix[len(prefix)-1] <= '9' {
			prefix = prefix[:len(prefix)-1]
		}
		return &KeyFormat{Shape: "digits", Prefix: prefix, Digits: k.digitsTail}
	}
	alpha := ""
	if k.lower {
		alpha += "a"
	}
	if k.upper {
		alpha += "A"
	}
	if k.digit || alpha == "" {
		alpha += "9"
	}
	prefix := k.prefix
	if len(prefix) > 8 {
		prefix = prefix[:8]
	}
	return &KeyFormat{Shape: "string", Prefix: prefix, MaxLen: max(k.maxLen, len(prefix)+4), Alphabet: alpha}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// describe returns a one-line summary of the plan, for logs: the columns
// per treatment.
func describePlan(cols []*ColumnModel) string {
	by := map[string][]string{}
	for _, c := range cols {
		by[c.Treatment] = append(by[c.Treatment], c.Name)
	}
	var parts []string
	for _, t := range []string{TreatModel, TreatFake, TreatKey, TreatDrop} {
		if len(by[t]) > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s", t, strings.Join(by[t], ", ")))
		}
	}
	return strings.Join(parts, "; ")
}
