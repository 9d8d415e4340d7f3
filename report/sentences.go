package report

import (
	"fmt"
	"math"
	"strings"
)

// The executive summary's sentences are filled from the figures by the
// templates below (after ../shared/design/compliance-report.md §2.4); no
// sentence about a number is written by hand.

func (b *builder) sentences() {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	r := b.r
	add(b.verdictSentence())
	// Identifiers released with real values come first: nothing else in
	// the report matters as much.
	var warnings []string
	for _, c := range r.Privacy.Identifiers {
		if c.Exposed {
			add(c.Finding)
			warnings = append(warnings, c.Finding)
		}
	}
	r.Summary.Warnings = warnings
	add(b.missesSentence())
	add(b.guaranteeSentence())
	add(b.pseudonymSentence())
	add(b.utilitySentence())
	b.tstrLeak()
	add(b.tstrSentence())
	// The §2.4 sentences on single measures: details behind the headline.
	for _, s := range []string{b.singlingOutSentence(), b.prosecutorSentence(), b.inferenceSentence(), b.copiesSentence(),
		b.attackSentence(), b.membershipSentence()} {
		if s != "" {
			r.Summary.Details = append(r.Summary.Details, s)
		}
	}
	r.Summary.Sentences = out
}

func value(f *Figure) (float64, bool) {
	if f == nil || f.Value == nil {
		return 0, false
	}
	return *f.Value, true
}

func listNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (b *builder) singlingOutSentence() string {
	k, ok := value(b.r.Figure("min_class_size"))
	if !ok {
		return "No quasi-identifiers are known for this table, so the risk of singling out was not measured; name them in the policy (role: quasi)."
	}
	qi := listNames(b.r.Privacy.QuasiIdentifiers)
	var s string
	if b.r.Release == "synthetic" {
		// Synthetic rows are not records of people: how distinctive they
		// are is no singling out (exact copies and DCR say whether real
		// records came through).
		u, _ := value(b.r.Figure("sample_uniques"))
		return fmt.Sprintf("Using %s, %s of synthetic rows are unique; they are not records of real people, so this measures how distinctive the synthetic rows are, not who can be singled out (copies of real records are measured below).", qi, pct(u))
	}
	if k <= 1 {
		u, _ := value(b.r.Figure("sample_uniques"))
		s = fmt.Sprintf("Using %s, %s of released records (%d) are unique: each can be singled out by someone who knows those attributes.",
			qi, pct(u), int(math.Round(u*float64(b.rel.rows))))
	} else {
		s = fmt.Sprintf("Using %s, every released record shares its values with at least %d others (k=%d).", qi, int(k)-1, int(k))
	}
	if f := b.r.Figure("suppressed_rows"); f != nil && f.Value != nil && *f.Value > 0 {
		s = strings.TrimSuffix(s, ".") + fmt.Sprintf("; %s of records (%d) were removed to achieve this.", pct(*f.Value), int(math.Round(*f.Value*float64(b.orig.rows))))
	}
	return s
}

// oneIn formats a probability as "1 in N (P%)", or as P% alone when it is
// above one half (a rounded "1 in 2" would say 50% for 65%).
func oneIn(p float64) string {
	if p <= 0 {
		return "0%"
	}
	if p > 0.5 {
		return pct(p)
	}
	return fmt.Sprintf("1 in %s (%s)", trimFloat(math.Round(1/p)), pct(p))
}

func (b *builder) prosecutorSentence() string {
	mx, ok := value(b.r.Figure("prosecutor_risk_max"))
	if !ok || b.r.Release == "synthetic" {
		return "" // no synthetic row is a person's record to pick out
	}
	avg, _ := value(b.r.Figure("prosecutor_risk_avg"))
	return fmt.Sprintf("Someone who knows a person is in this table and knows those attributes has at most a %s chance of picking out their record, %s on average.",
		oneIn(mx), oneIn(avg))
}

func (b *builder) inferenceSentence() string {
	cols := b.r.Privacy.Inference.Columns
	if len(cols) == 0 {
		return ""
	}
	// The worst column by homogeneity.
	w := cols[0]
	for _, c := range cols[1:] {
		if c.Homogeneous > w.Homogeneous {
			w = c
		}
	}
	s := fmt.Sprintf("In %s of groups no single %s value makes up 90%% or more of the group, so group membership does not reveal it",
		pct(1-w.Homogeneous), w.Column)
	if w.Homogeneous > 0 {
		s += fmt.Sprintf("; in the other %s (holding %s of records) it nearly does", pct(w.Homogeneous), pct(w.HomogeneousRows))
	}
	s += "."
	if w.DisclosureProtection != nil {
		s += fmt.Sprintf(" An attacker guessing %s from the quasi-identifiers scores a disclosure protection of %s (1 = no better than chance).",
			w.Column, trimFloat(roundSig(*w.DisclosureProtection, 2)))
	}
	return s
}

func (b *builder) pseudonymSentence() string {
	var cols []string
	for _, t := range b.r.Treatment {
		if t.Action == "hash" || t.Action == "tokenize" {
			cols = append(cols, t.Column)
		}
	}
	if len(cols) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s replaced by keyed pseudonyms (pseudonymisation, not anonymisation): anyone holding the key, or a release made with the same key, can link these records; rotate the key per release to prevent it.",
		listNames(cols), map[bool]string{true: "was", false: "were"}[len(cols) == 1])
}

func (b *builder) copiesSentence() string {
	f := b.r.Figure("exact_copies")
	c, ok := value(f)
	if !ok || b.r.Release == "anonymized" {
		return ""
	}
	n := int(math.Round(c * float64(b.rel.rows)))
	var s string
	if n == 0 {
		s = "No released row copies a real record."
	} else {
		s = fmt.Sprintf("%d released rows (%s) are identical to a real record", n, pct(c))
		if f.Threshold != nil {
			s += fmt.Sprintf(", against %s of holdout rows that match a training row by chance", pct(*f.Threshold))
		}
		s += "."
	}
	if f := b.r.Figure("dcr_overfitting_protection"); f != nil && f.Value != nil {
		o := trimFloat(roundSig(*f.Value, 2))
		if f.Meets == nil || *f.Meets {
			s += fmt.Sprintf(" Released rows are no closer to the training rows than to unseen real rows: DCR overfitting protection %s (1 = nothing memorised).", o)
		} else {
			s += fmt.Sprintf(" Released rows are closer to the training rows than to unseen real rows: DCR overfitting protection %s (1 = nothing memorised)", o)
			if f.Threshold != nil {
				s += fmt.Sprintf(", below %s", trimFloat(*f.Threshold))
			}
			s += ": the model may have memorised some of them."
		}
	}
	return s
}

func (b *builder) utilitySentence() string {
	shapes, ok1 := value(b.r.Figure("column_shapes"))
	pairs, ok2 := value(b.r.Figure("column_pair_trends"))
	tvd2, ok3 := value(b.r.Figure("tvd_2way"))
	if !ok1 {
		return ""
	}
	s := fmt.Sprintf("Column distributions match the original with an average score of %s (1 = identical)", trimFloat(roundSig(shapes, 3)))
	if ok2 {
		s += fmt.Sprintf(", relationships between columns %s", trimFloat(roundSig(pairs, 3)))
	}
	if ok3 {
		s += fmt.Sprintf("; pairs of columns differ by %s on average (total variation distance)", pct(tvd2))
	}
	s += "."
	recoded := 0
	for _, sp := range b.specs {
		if sp.recoded && sp.readable {
			recoded++
		}
	}
	if recoded > 0 {
		s += fmt.Sprintf(" For %s this compares the release with the original %s the same way", b.recodedWords(), b.recodedTerm())
		if b.nRecoded > 0 {
			s += fmt.Sprintf("; they kept %s of their information (entropy)", pct(b.keptRecoded))
		}
		s += "."
	}
	return s
}

func (b *builder) tstrSentence() string {
	t := b.r.Utility.TSTR
	if t == nil || t.Ratio == nil {
		return ""
	}
	s := fmt.Sprintf("A model trained on the release to predict %s reaches %s of the F1 score of the same model trained on real rows (tested on %s).",
		t.Target, pct(*t.Ratio), t.TestFrom)
	if t.Leak != "" {
		s += " Warning: " + t.Leak
	}
	return s
}

// limitations lists what the report does not establish.
func (b *builder) limitations() {
	l := []string{
		"Figures describe this release against this original; they do not account for other data an attacker may hold (linkage with external sources, earlier releases): assess the motivated intruder (ICO) separately.",
		"Quasi-identifiers and sensitive columns are those named by " + b.roles.from + "; a column left out is not measured.",
		fmt.Sprintf("Direct identifiers and record keys are checked for real values in the release by exact match: a value reformatted or shifted (spaces, case, a date moved by a day) is not recognised; the check flags a column when at least %s of its released values are real.", pct(identifierExposedShare)),
		"Thresholds marked 'reference' are veil's defaults, not legal limits; gates in the policy are what the release is held to.",
	}
	if b.hold == nil {
		l = append(l, "No holdout was given: DCR overfitting protection is not measured and TSTR is tested on rows that were used to make the release.")
	}
	for _, m := range b.r.Methods {
		if !m.Exact {
			l = append(l, fmt.Sprintf("%s: estimated, %s.", m.Measure, m.Note))
		}
	}
	if b.r.Release == "anonymized" {
		l = append(l, "Keyed pseudonyms and kept columns remain personal data; the class sizes hold only for the quasi-identifiers listed.")
	}
	if b.r.Privacy.DP.Epsilon != nil {
		l = append(l, "Differential-privacy noise is not reproducible by design; this report describes this particular noisy release.")
	}
	for _, s := range b.specs {
		if s.recoded && !s.readable {
			l = append(l, fmt.Sprintf("Column %s was recoded and no mapping to the original's values was found; its utility is measured value by value.", s.name))
		}
	}
	for _, role := range []struct{ role, words string }{{"quasi", "quasi-identifiers"}, {"sensitive", "sensitive columns"}} {
		if used, extra := b.roles.classNames(role.role, b.order); len(used) > 0 && len(extra) > 0 {
			l = append(l, fmt.Sprintf("Detection finds %s that %s does not name (%s); the measures use only those it names (%s): give the others a role there to settle it.",
				role.words, b.declaredSource(), listNames(extra), listNames(used)))
		}
	}
	if b.r.Intruder != nil {
		// The simulation replaces "assess separately": say what it
		// leaves to the controller instead.
		l[0] = "Figures describe this release against this original. The motivated-intruder section simulates linkage with the original table standing in for an intruder's sources; which sources an intruder really holds, and how complete and accurate they are, remains for the controller to assess (ICO)."
	}
	b.r.Limitations = l
}

// declaredSource names the source of the declared roles ("the policy").
func (b *builder) declaredSource() string {
	for _, n := range b.order {
		if src := b.roles.source[n]; src != fromDetected && src != fromNone {
			return "the " + src
		}
	}
	return "the policy"
}
