package report

import (
	"fmt"
	"strings"
	"unicode"
)

// The summary's headline (design §2.3 item 2: a badge and 3–5 sentences)
// says what the verdict covers, which privacy figures miss their targets,
// whether the release carries a formal guarantee, and what it keeps; the
// §2.4 sentences on single measures follow as details. A green PASS on
// utility gates alone must not read as "privacy fine".

// leakAssociation is the association with the target above which a
// feature is taken to determine it.
const leakAssociation = 0.99

// verdictSentence sets what the verdict covers and says it in a sentence.
func (b *builder) verdictSentence() string {
	s := &b.r.Summary
	if len(s.Gates) == 0 {
		return ""
	}
	var priv, util, passed int
	ids := false
	var failed []string
	for _, g := range s.Gates {
		switch {
		case g.Name == "identifiers_released":
			ids = true
		case g.Kind == "privacy":
			priv++
		default:
			util++
		}
		if g.Passed {
			passed++
		} else {
			failed = append(failed, g.Name)
		}
	}
	var kinds, words []string
	if priv > 0 {
		kinds = append(kinds, fmt.Sprintf("%d privacy", priv))
		words = append(words, plural(priv, "privacy gate", "privacy gates"))
	}
	if util > 0 {
		kinds = append(kinds, fmt.Sprintf("%d utility", util))
		words = append(words, plural(util, "utility gate", "utility gates"))
	}
	if ids {
		kinds = append(kinds, "identifiers")
		words = append(words, "the identifier check")
	}
	n := len(s.Gates)
	s.Covers = fmt.Sprintf("%s (%s)", plural(n, "gate", "gates"), strings.Join(kinds, ", "))
	if priv == 0 {
		s.Covers += "; no privacy gate set"
	}
	var out string
	if len(failed) == 0 {
		out = fmt.Sprintf("All %s passed: %s", plural(n, "gate", "gates"), listNames(words))
	} else {
		out = fmt.Sprintf("%d of %s passed (%s); failed: %s", passed, plural(n, "gate", "gates"), listNames(words), strings.Join(failed, ", "))
	}
	if priv == 0 {
		out += "; the policy sets no privacy gate, so the verdict says nothing about the privacy figures below"
	}
	return out + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// missesSentence names every privacy figure that misses its reference or
// the policy's target, grouped by WP29 risk.
func (b *builder) missesSentence() string {
	p := &b.r.Privacy
	var groups []string
	measured := 0
	for _, g := range []struct {
		risk string
		figs []Figure
	}{{"singling out", p.SinglingOut.Figures}, {"linkability", p.Linkability.Figures}, {"inference", p.Inference.Figures},
		{"membership", membershipFigures(p.Membership)}, {"differential privacy", p.DP.Figures}} {
		var miss []string
		for _, f := range g.figs {
			if f.Meets == nil {
				continue
			}
			measured++
			if *f.Meets || f.Value == nil || f.Threshold == nil {
				continue
			}
			th := strings.NewReplacer(">=", "≥", "<=", "≤").Replace(figThreshold(f))
			miss = append(miss, fmt.Sprintf("%s %s (%s %s)", lowerFirst(f.Label), figValue(f), targetWord(f.Source), th))
		}
		if len(miss) > 0 {
			risk := g.risk
			if risk == "singling out" && b.r.Release == "synthetic" {
				risk += " (measured on synthetic rows, which are not real people)"
			}
			groups = append(groups, risk+": "+strings.Join(miss, ", "))
		}
	}
	if measured == 0 {
		return ""
	}
	if len(groups) == 0 {
		return "Every privacy figure measured meets its reference or the policy's target."
	}
	return "Privacy figures that miss their reference or the policy's target: " + strings.Join(groups, "; ") + "."
}

// membershipFigures returns the membership inference's figures (none when
// it was not run).
func membershipFigures(m *Membership) []Figure {
	if m == nil {
		return nil
	}
	return m.Figures
}

// lowerFirst lowercases a label's first letter unless it starts an
// acronym ("DCR baseline protection" stays).
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// targetWord names where a threshold comes from.
func targetWord(source string) string {
	switch {
	case source == "gate":
		return "gate"
	case strings.HasPrefix(source, "policy target"):
		return "policy target"
	}
	return "reference"
}

// guaranteeSentence says whether the release carries a formal guarantee:
// differential privacy with its ε, or k-anonymity stated by the policy and
// met; or none.
func (b *builder) guaranteeSentence() string {
	var have []string
	var dpNote string
	d := b.r.Privacy.DP
	if d.Epsilon != nil && d.Unverified {
		dpNote = fmt.Sprintf("the %s states differential privacy with ε = %s, but its own figures do not add up to it (see the budget): unverified, not claimed here",
			d.Source, trimFloat(roundSig(*d.Epsilon, 3)))
	}
	if d.Epsilon != nil && !d.Unverified {
		g := fmt.Sprintf("(ε = %s", trimFloat(roundSig(*d.Epsilon, 3)))
		if d.Delta > 0 {
			g += fmt.Sprintf(", δ = %s", trimFloat(d.Delta))
		}
		if d.Source == "anonymize report" {
			// Noise on single values protects those columns only: the
			// rest of each row is released as the policy says.
			var cols []string
			for _, p := range d.Split {
				cols = append(cols, p.What)
			}
			have = append(have, g+fmt.Sprintf(")-differential privacy of the noised values of %s only (local, per value; the other columns are not covered), from the anonymize report", listNames(cols)))
		} else {
			have = append(have, g+fmt.Sprintf(")-differential privacy, from the %s (smaller ε: less can be learnt about any one person)", d.Source))
		}
	}
	var kNote string
	if b.r.Release == "anonymized" && b.in.Policy != nil && b.in.Policy.Privacy != nil && b.in.Policy.Privacy.K > 0 {
		k := b.in.Policy.Privacy.K
		if got, ok := value(b.r.Figure("min_class_size")); ok && got >= float64(k) {
			have = append(have, fmt.Sprintf("k-anonymity with k = %d on %s, stated by the policy and met (smallest class %s)", k, listNames(b.r.Privacy.QuasiIdentifiers), trimFloat(got)))
		} else if ok {
			kNote = fmt.Sprintf("the policy states k-anonymity with k = %d, but the release does not meet it (smallest class %s)", k, trimFloat(got))
		} else {
			kNote = fmt.Sprintf("the policy states k-anonymity with k = %d, which could not be checked (no quasi-identifiers known)", k)
		}
	}
	if dpNote != "" {
		kNote = strings.TrimPrefix(strings.Join([]string{kNote, dpNote}, "; "), "; ")
	}
	var s string
	if len(have) > 0 {
		s = "Formal guarantee: " + strings.Join(have, "; and ")
		if kNote != "" {
			s += "; " + kNote
		}
		s += "."
	} else {
		why := "no differential privacy"
		switch {
		case dpNote != "":
			why = "no verified differential privacy"
		case b.r.Release == "synthetic":
			why = "the synthetic model was fitted without differential privacy"
		}
		if kNote != "" {
			why += ", and " + kNote
		} else if b.r.Release == "anonymized" {
			why += ", and the policy states no k-anonymity target"
		}
		s = "The release carries no formal privacy guarantee: " + why + "."
	}
	if d.Plain != "" {
		s += " " + d.Plain
	}
	return s
}

// tstrLeak warns when a feature determines the target (association of at
// least leakAssociation in the original) or real rows predict it almost
// perfectly: TSTR then measures that one column, not the release.
func (b *builder) tstrLeak() {
	t := b.r.Utility.TSTR
	if t == nil || len(t.Models) == 0 {
		return
	}
	var by []string
	pairs := b.r.Utility.Pairs
	if b.targetPairs != nil {
		pairs = b.targetPairs // the target's every pair, when the others were sampled
	}
	for _, p := range pairs {
		other := ""
		switch t.Target {
		case p.Pair[0]:
			other = p.Pair[1]
		case p.Pair[1]:
			other = p.Pair[0]
		default:
			continue
		}
		if a := float64(p.RealAssociation); a >= leakAssociation {
			by = append(by, fmt.Sprintf("%s (association %s)", other, trimFloat(roundSig(a, 3))))
		}
	}
	minTRTR := 1.0
	for _, m := range t.Models {
		minTRTR = min(minTRTR, m.TRTR.F1)
	}
	switch {
	case len(by) > 0:
		t.Leak = fmt.Sprintf("%s %s the target %s in the original: a model needs only that, so TSTR says little about what else the release keeps; choose a target no single column determines, or leave that column out of the features.",
			listNames(by), map[bool]string{true: "determines", false: "determine"}[len(by) == 1], t.Target)
	case minTRTR >= leakAssociation:
		t.Leak = fmt.Sprintf("models trained on real rows predict %s almost perfectly (TRTR F1 at least %s): some feature determines it, so TSTR says little about what else the release keeps.",
			t.Target, trimFloat(roundSig(minTRTR, 3)))
	}
}
