package report

import (
	"fmt"
	"strings"

	"github.com/veil-data/veil/synth"
)

// A synthetic release coarsens columns as an anonymized one generalizes
// them: the model keeps a few masked prefixes of a zip code, pools rare
// categories into one, bins numbers. The treatment table says so per
// column, from the model file, in counts only: no value of any column is
// written (a kept category of a quasi-identifier is still a real value).

// coarseTerm is the Treatment's word for what a synthetic model did to a
// column, which the summary uses too.
const coarseTerm = "coarsened"

// coarsening describes how the synth model represents a modelled column,
// and whether that coarsens it (fewer distinct values than the input).
func (b *builder) coarsening(name string) (desc string, coarse bool) {
	if b.synth == nil {
		return "", false
	}
	cols, _ := b.synth.Raw["columns"].([]any)
	var c map[string]any
	for _, v := range cols {
		if o, ok := v.(map[string]any); ok && getStr(o, "name") == name {
			c = o
		}
	}
	if c == nil || getStr(c, "treatment") != "model" {
		return "", false
	}
	codes, _ := c["codes"].([]any)
	var kept, bins, pooledMembers int
	pooled := false
	for _, x := range codes {
		o, ok := x.(map[string]any)
		if !ok {
			continue
		}
		switch {
		case o["bin"] != nil:
			bins++
		case o["other"] == true:
			pooled = true
			// A member that is the catch-all's own text ("(other)": values
			// a DP domain did not release) is not a value of the data.
			if ms, ok := o["members"].([]any); ok {
				for _, m := range ms {
					if mm, ok := m.(map[string]any); !ok || mm["value"] != synth.OtherText {
						pooledMembers++
					}
				}
			}
		case o["null"] == true:
		default:
			kept++
		}
	}
	var parts []string
	if bins > 0 {
		parts = append(parts, fmt.Sprintf("numbers modelled in %d bins (values drawn within each bin)", bins))
	}
	if p := getMap(c, "prefix"); p != nil {
		keep, length := getNum(p, "keep"), getNum(p, "length")
		if keep != nil && length != nil {
			coarse = true
			parts = append(parts, fmt.Sprintf("masked to its first %d of %d characters (the other %d replaced by *), %d prefixes kept",
				int(*keep), int(*length), int(*length-*keep), kept))
			if pooled {
				parts = append(parts, "rarer prefixes and values of another form pooled into one fully masked code")
			}
		}
	} else if bins == 0 {
		parts = append(parts, fmt.Sprintf("%d categories kept", kept))
		if pooled {
			coarse = true
			if pooledMembers > 0 {
				parts = append(parts, fmt.Sprintf("%s pooled into one category (sampled as one of them)", plural(pooledMembers, "rarer value", "rarer values")))
			} else {
				parts = append(parts, `rare or unreleased categories sampled as "`+synth.OtherText+`"`)
			}
		}
	}
	switch getStr(c, "domain") {
	case "dp":
		parts = append(parts, "values released by noisy thresholding (differential privacy)")
	case "policy":
		parts = append(parts, "values declared in the policy")
	case "data":
		parts = append(parts, "values read from the data")
	}
	desc = strings.Join(parts, "; ")
	if coarse {
		desc = coarseTerm + ": " + desc
	}
	return desc, coarse
}

// treatmentDetails completes the treatment table: how a synthetic model
// coarsened each column, and the policy's reason, or that it gave none.
func (b *builder) treatmentDetails() {
	for i := range b.r.Treatment {
		t := &b.r.Treatment[i]
		if b.r.Release == "synthetic" && t.Action == "synthesize" {
			if desc, _ := b.coarsening(t.Column); desc != "" {
				t.Params = strings.TrimPrefix(t.Params+"; "+desc, "; ")
			}
		}
		if t.Reason == "" && b.in.Policy != nil {
			t.Reason = "no reason given in the policy"
		}
	}
}

// coarsenedColumns lists the columns the model coarsened.
func (b *builder) coarsenedColumns() []string {
	var out []string
	for _, t := range b.r.Treatment {
		if _, c := b.coarsening(t.Column); c && t.Action == "synthesize" {
			out = append(out, t.Column)
		}
	}
	return out
}

// recodedNames lists the columns the utility measures compare after
// mapping the original into the release's coarser values.
func (b *builder) recodedNames() []string {
	var out []string
	for _, sp := range b.specs {
		if sp.recoded && sp.readable {
			out = append(out, sp.name)
		}
	}
	return out
}

// recodedTerm is the Treatment table's word for what was done to the
// recoded columns: "coarsened" for a synthetic model, the actions'
// participles for an anonymized release.
func (b *builder) recodedTerm() string {
	act := map[string]string{}
	for _, t := range b.r.Treatment {
		act[t.Column] = t.Action
	}
	coarse := map[string]bool{}
	for _, c := range b.coarsenedColumns() {
		coarse[c] = true
	}
	var words []string
	seen := map[string]bool{}
	for _, n := range b.recodedNames() {
		w := "recoded"
		switch {
		case coarse[n]:
			w = coarseTerm
		case act[n] == "generalize":
			w = "generalized"
		case act[n] == "mask":
			w = "masked"
		}
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return strings.Join(words, " or ")
}

// recodedWords names the recoded columns with the Treatment's term: "the
// coarsened column zip".
func (b *builder) recodedWords() string {
	names := b.recodedNames()
	return fmt.Sprintf("the %s %s %s", b.recodedTerm(), map[bool]string{true: "column", false: "columns"}[len(names) == 1], listNames(names))
}
