package report

import (
	"fmt"
	"strings"

	"github.com/veil-data/veil/policies"
)

// Recommended controls (outline §10): what should surround the release,
// chosen from the release model the policy states and from the figures
// this report measured. Each recommendation says which figures or facts
// led to it.

// Control is one recommended control.
type Control struct {
	// Kind is release, publication, agreement (a data use agreement),
	// access, outputs, pseudonyms or retention.
	Kind           string `json:"kind"`
	Recommendation string `json:"recommendation"`
	Because        string `json:"because"`
}

// singlingIDs are the singling-out figures the controls are chosen on.
var singlingIDs = []string{"min_class_size", "prosecutor_risk_max", "prosecutor_risk_avg", "records_at_risk", "sample_uniques", "exact_copies"}

// singlingMisses describes the singling-out figures that miss their
// threshold, e.g. "smallest class (k) 1 (≥ 5 reference)".
func (b *builder) singlingMisses() []string {
	var out []string
	for _, id := range singlingIDs {
		f := b.r.Figure(id)
		if f == nil || f.Value == nil || f.Meets == nil || *f.Meets {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s (%s %s)", strings.ToLower(f.Label), figValue(*f), figThreshold(*f), f.Source))
	}
	return out
}

// pseudonymColumns are the released columns holding keyed pseudonyms.
func (b *builder) pseudonymColumns() []string {
	var out []string
	for _, t := range b.r.Treatment {
		if t.Action == "hash" || t.Action == "tokenize" {
			out = append(out, t.Column)
		}
	}
	return out
}

// controls chooses the recommended controls; governance must have run (the
// retention control uses the next review date).
func (b *builder) controls() {
	var out []Control
	add := func(kind, rec, because string) { out = append(out, Control{kind, rec, because}) }
	misses := b.singlingMisses()
	pseudo := b.pseudonymColumns()
	qi := b.r.Privacy.QuasiIdentifiers
	exposed := 0
	for _, c := range b.r.Privacy.Identifiers {
		if c.Exposed {
			exposed++
		}
	}
	if exposed > 0 {
		add("release", "Do not release this table in any setting until the exposed identifier columns are dropped or pseudonymised.",
			fmt.Sprintf("%d direct identifier or record-key column(s) hold real values in the release (Singling out).", exposed))
	}
	review := "the next review"
	if d := b.r.Governance.NextReview; d != "" {
		review = "the next review (" + d + ")"
	}
	qiText := "the quasi-identifiers"
	if len(qi) > 0 {
		qiText = listNames(qi)
	}
	model := b.r.Scope.Model
	switch model {
	case policies.ModelPublic:
		if len(misses) > 0 {
			add("publication", "Do not publish this release openly: strengthen the treatment until the figures meet their thresholds, or release it under a data use agreement (partner) or in an enclave instead.",
				"The release model is public and "+strings.Join(misses, "; ")+".")
		} else {
			add("publication", "Re-assess before each publication, including against data published since (motivated intruder test): an open release cannot be withdrawn.",
				"The release model is public, and k, the prosecutor risk (highest and average), the records in classes below k, the sample uniques and the exact copies meet their thresholds where measured.")
		}
		if len(pseudo) > 0 {
			add("pseudonyms", fmt.Sprintf("Do not publish %s: drop them, or release them only under a data use agreement.", listNames(pseudo)),
				"Keyed pseudonyms remain personal data (EDPB Guidelines 01/2025), and published they link with any other release made with the same key.")
		}
		add("retention", "Assume the published data is kept and copied indefinitely: no retention limit can be enforced after publication.",
			"The release model is public.")
	case policies.ModelPartner:
		because := "The release model is partner (NIST SP 800-188's data use agreement model)."
		if len(misses) > 0 {
			because += " The agreement carries protection the data does not: " + strings.Join(misses, "; ") + "."
		}
		add("agreement", fmt.Sprintf("A data use agreement that forbids attempts to re-identify anyone, linking the data with other sources on %s, and onward sharing, and that requires the recipient to report a suspected re-identification.", qiText),
			because)
		if len(pseudo) > 0 {
			add("pseudonyms", fmt.Sprintf("The agreement forbids linking %s with any other data set; the key stays with the controller and is rotated per release.", listNames(pseudo)),
				"Keyed pseudonyms can be linked by anyone holding the key or another release made with it (Linkability).")
		}
		who := "the recipients the agreement names"
		if rc := b.policyRelease().Recipients; len(rc) > 0 {
			who = strings.Join(rc, "; ")
		}
		add("access", "Access limited to named people at "+who+".", "Partner releases rely on who can reach the data.")
		add("retention", "The agreement sets a deletion date, no later than "+review+", and asks for confirmation of deletion.",
			"Data kept past its purpose keeps its risk.")
	case policies.ModelEnclave:
		add("access", "Named accounts only; log every access and query, and keep the logs for audit.",
			"The release model is enclave: the setting carries part of the protection.")
		because := "Outputs are what leaves the enclave (Five Safes: safe outputs)."
		if len(misses) > 0 {
			because += " Records can be singled out inside it: " + strings.Join(misses, "; ") + "."
		}
		add("outputs", "Check every output before it leaves the enclave: aggregates only, no small counts.", because)
		add("retention", "Remove the data from the enclave when the project ends, and no later than "+review+" unless the review renews it.",
			"Data kept past its purpose keeps its risk.")
	default:
		because := "The policy states no release model (release.model)."
		rec := "State the release model (enclave, partner or public) in the policy: the controls depend on it."
		if len(misses) > 0 {
			rec += " Until then, do not publish this release openly."
			because += " " + strings.Join(misses, "; ") + "."
		}
		add("release", rec, because)
	}
	b.r.Controls = out
}

// policyRelease returns the policy's release block, or an empty one.
func (b *builder) policyRelease() policies.Release {
	if b.in.Policy != nil && b.in.Policy.Release != nil {
		return *b.in.Policy.Release
	}
	return policies.Release{}
}
