package report

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/veil-data/veil/policies"
)

// technique maps an action to its technique class in the terms of the
// Article 29 Working Party's Opinion 05/2014 and the row of its Table 6.
// Keyed hashing and tokenization are pseudonymisation: the output is still
// personal data (EDPB Guidelines 01/2025).
func technique(action string, dp bool) (class, row string) {
	switch policies.Action(action) {
	case policies.ActionKeep:
		return "none (kept as is)", ""
	case policies.ActionDrop:
		return "removal of the attribute", ""
	case policies.ActionHash:
		return "pseudonymisation (keyed hash)", "Hashing/Tokenization"
	case policies.ActionTokenize:
		return "pseudonymisation (tokenization)", "Hashing/Tokenization"
	case policies.ActionMask:
		return "masking (partial suppression of characters)", "Aggregation/K-anonymity (a form of generalisation)"
	case policies.ActionRedact:
		return "masking (redaction of identifiers in free text)", ""
	case policies.ActionGeneralize:
		return "generalisation", "Aggregation/K-anonymity"
	case policies.ActionSuppress:
		return "suppression", "Aggregation/K-anonymity"
	case policies.ActionNoise:
		if dp {
			return "randomisation (differentially private noise)", "Differential privacy"
		}
		return "randomisation (noise addition)", "Noise addition"
	case policies.ActionShiftDate:
		return "randomisation (per-entity date shift)", "Noise addition"
	}
	return action, ""
}

// treatment builds the treatment table from the policy and the anonymize
// report, or describes a synthetic release.
func (b *builder) treatment() {
	b.r.Treatment = []Treatment{}
	anonCols := map[string]anonColumn{}
	if b.anon != nil {
		for _, c := range b.anon.Columns {
			anonCols[c.Name] = c
		}
	}
	if b.r.Release == "synthetic" {
		for _, name := range b.origSc.Names() {
			t := Treatment{Column: name, Role: b.roles.roles[name]}
			how := ""
			if b.synth != nil {
				how = b.synth.Columns[name]
			}
			switch {
			case b.relSc.Index(name) < 0:
				t.Action, t.Technique = "drop", "removal of the attribute"
			case t.Role == "direct" || t.Role == "identifier":
				t.Action, t.Technique = "regenerate", "synthesis: fresh values that correspond to no input row"
			default:
				t.Action, t.Technique = "synthesize", "synthesis: new rows sampled from a fitted model"
				if b.synth != nil && b.synth.Epsilon != nil {
					t.WP29Row = "Differential privacy"
				}
			}
			t.Params = how
			if b.in.Policy != nil {
				if pc := b.in.Policy.Column(name); pc != nil {
					t.Reason = pc.Reason // the reviewer's reason, as for an anonymized release
				}
			}
			b.r.Treatment = append(b.r.Treatment, t)
		}
		return
	}
	var cols []string
	seen := map[string]bool{}
	if b.in.Policy != nil {
		for _, c := range b.in.Policy.Columns {
			cols = append(cols, c.Name)
			seen[c.Name] = true
		}
	}
	for _, n := range b.origSc.Names() {
		if !seen[n] && (b.in.Policy != nil || anonCols[n].Action != "") {
			cols = append(cols, n)
			seen[n] = true
		}
	}
	for _, name := range cols {
		t := Treatment{Column: name, Role: b.roles.roles[name]}
		var pc *policies.Column
		if b.in.Policy != nil {
			pc = b.in.Policy.Column(name)
		}
		ac, inAnon := anonCols[name]
		switch {
		case pc != nil:
			t.Action = string(pc.Action)
			t.Params = policyParams(pc)
			t.Reason = pc.Reason
		case inAnon:
			t.Action = ac.Action
		case b.in.Policy != nil && b.in.Policy.DefaultAction != "":
			t.Action = string(b.in.Policy.DefaultAction)
			t.Note = "default_action"
		}
		if inAnon {
			if ac.Params != "" {
				t.Params = ac.Params
			}
			if ac.KeyID != "" {
				t.Params = strings.TrimPrefix(t.Params+", key ID "+ac.KeyID, ", ")
			}
			if ac.Reason != "" && t.Reason == "" {
				t.Reason = ac.Reason
			}
		}
		if lv, ok := b.levelOf(name); ok && !strings.Contains(t.Params, "level=") {
			t.Params = strings.TrimPrefix(t.Params+", level="+strconv.Itoa(lv), ", ")
		}
		t.Technique, t.WP29Row = technique(t.Action, t.Action == string(policies.ActionNoise))
		// A dropped column is "removal of the attribute" whichever tool
		// named it, so that both release types use one name.
		if inAnon && ac.Technique != "" && t.Action != string(policies.ActionDrop) {
			t.Technique = ac.Technique
		}
		if t.Action == string(policies.ActionHash) || t.Action == string(policies.ActionTokenize) {
			t.Note = joinNote(t.Note, "Pseudonymisation, not anonymisation: the output is still personal data (EDPB Guidelines 01/2025).")
		}
		if b.relSc.Index(name) < 0 && t.Action != string(policies.ActionDrop) {
			t.Note = joinNote(t.Note, "not in the released table")
		}
		b.r.Treatment = append(b.r.Treatment, t)
	}
}

func (b *builder) levelOf(name string) (int, bool) {
	if b.anon != nil {
		if l, ok := b.anon.Levels[name]; ok {
			return l, true
		}
	}
	return 0, false
}

// policyParams writes a column's action parameters, never a secret: keys
// are named by their environment variable or file name only.
func policyParams(c *policies.Column) string {
	var p []string
	add := func(k, v string) { p = append(p, k+"="+v) }
	f := func(v float64) string { return trimFloat(v) }
	switch c.Action {
	case policies.ActionHash, policies.ActionTokenize:
		if c.KeyEnv != "" {
			add("key_env", c.KeyEnv)
		}
		if c.KeyFile != "" {
			add("key_file", filepath.Base(c.KeyFile))
		}
		if c.Format != "" {
			add("format", c.Format)
		}
	case policies.ActionMask:
		if c.KeepFirst > 0 {
			add("keep_first", strconv.Itoa(c.KeepFirst))
		}
		if c.KeepLast > 0 {
			add("keep_last", strconv.Itoa(c.KeepLast))
		}
	case policies.ActionGeneralize:
		if c.Width > 0 {
			add("width", f(c.Width))
		}
		if len(c.Edges) > 0 {
			var e []string
			for _, x := range c.Edges {
				e = append(e, f(x))
			}
			add("edges", "["+strings.Join(e, " ")+"]")
		}
		if c.TopCode != nil {
			add("top_code", f(*c.TopCode))
		}
		if c.BottomCode != nil {
			add("bottom_code", f(*c.BottomCode))
		}
		if c.Truncate != "" {
			add("truncate", c.Truncate)
		}
		if c.Prefix > 0 {
			add("prefix", strconv.Itoa(c.Prefix))
		}
		if c.Hierarchy != "" {
			add("hierarchy", filepath.Base(c.Hierarchy))
		}
		if c.Level != nil {
			add("level", strconv.Itoa(*c.Level))
		}
	case policies.ActionNoise:
		add("mechanism", c.Mechanism)
		add("epsilon", f(c.Epsilon))
		if c.Delta > 0 {
			add("delta", f(c.Delta))
		}
		if c.Lower != nil && c.Upper != nil {
			add("bounds", "["+f(*c.Lower)+", "+f(*c.Upper)+"]")
		}
	case policies.ActionShiftDate:
		if c.By != "" {
			add("by", c.By)
		}
		if c.MaxDays > 0 {
			add("max_days", strconv.Itoa(c.MaxDays))
		}
	}
	return strings.Join(p, ", ")
}

// trimFloat formats v in the shortest form.
func trimFloat(v float64) string {
	if math.IsInf(v, 1) {
		return "∞"
	}
	// Plain digits for a reader (2996000, not 2.996e+06) in the range
	// where they stay short.
	if a := math.Abs(v); a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// roundSig rounds v to n significant digits.
func roundSig(v float64, n int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	d := math.Ceil(math.Log10(math.Abs(v)))
	p := math.Pow(10, float64(n)-d)
	return math.Round(v*p) / p
}

// pct formats a share as a percentage with up to one decimal.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	x := v * 100
	switch {
	case x == 0:
		return "0%"
	case x < 0.1:
		return "<0.1%"
	case x >= 10:
		return strconv.FormatFloat(math.Round(x), 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) + "%"
}

// dateLabel formats seconds since 1970 as a date.
func dateLabel(sec float64) string {
	return time.Unix(int64(sec), 0).UTC().Format("2006-01-02")
}
