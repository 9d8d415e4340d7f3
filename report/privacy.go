package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Reference thresholds: shown beside a figure when the policy sets no gate
// for it. They are veil's defaults, with their origin in docs/report.md.
const (
	refK             = 5    // k = 5: ARX's default, common in HIPAA expert determinations
	refProsecutorAvg = 0.09 // EMA Policy 0070's threshold for average risk
	refSampleUniques = 0.01
	refDCROverfit    = 0.9
	refDCRBaseline   = 0.5
	refNNDR          = 0.5
	refDisclosure    = 0.5
	refHomogeneous   = 0.1
	refEpsilon       = 1.0
)

func (b *builder) privacy(ctx context.Context) error {
	p := &b.r.Privacy
	quasi, _ := b.roles.classNames("quasi", b.order)
	sensitive, _ := b.roles.classNames("sensitive", b.order)
	p.QuasiIdentifiers = b.compared(quasi)
	p.Sensitive = b.compared(sensitive)
	p.Direct = append(b.roles.names("direct", b.order), b.roles.names("identifier", b.order)...)
	if p.QuasiIdentifiers == nil {
		p.QuasiIdentifiers = []string{}
	}
	if p.Sensitive == nil {
		p.Sensitive = []string{}
	}
	if p.Direct == nil {
		p.Direct = []string{}
	}
	b.identifierChecks()
	if err := b.singlingOut(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.linkability(ctx); err != nil {
		return err
	}
	b.intruder()
	if err := b.inference(ctx); err != nil {
		return err
	}
	if err := b.attacks(ctx); err != nil {
		return err
	}
	b.tCloseness()
	b.dp()
	return nil
}

// compared keeps the names that are compared columns (in both tables).
func (b *builder) compared(names []string) []string {
	var out []string
	for _, n := range names {
		if b.orig.col(n) != nil {
			out = append(out, n)
		}
	}
	return out
}

func (b *builder) kRef() int {
	if b.gates != nil && b.gates.MinK != nil {
		return *b.gates.MinK
	}
	if b.in.Policy != nil && b.in.Policy.Privacy != nil && b.in.Policy.Privacy.K > 0 {
		return b.in.Policy.Privacy.K
	}
	return refK
}

func (b *builder) singlingOut() error {
	so := &b.r.Privacy.SinglingOut
	qi := b.r.Privacy.QuasiIdentifiers
	k := b.kRef()
	if len(qi) == 0 {
		note := "no quasi-identifiers known (" + b.roles.from + ")"
		so.Figures = append(so.Figures,
			newFigure("min_class_size", "Smallest class (k)", 0, false, ">=", ref(refK), "rows", "every record shares its quasi-identifier values with at least k−1 others", note),
			newFigure("prosecutor_risk_max", "Prosecutor risk, highest", 0, false, "<=", ref(1.0/refK), "probability", "the best chance of picking out the record of a person known to be in the table", note),
			newFigure("sample_uniques", "Sample uniques", 0, false, "<=", ref(refSampleUniques), "share", "records that are alone in their class", note))
	} else {
		_, relSizes := classes(b.rel, qi)
		st := summarise(relSizes, b.rel.rows, k)
		// The original as it was read (before recoded columns were mapped
		// into the released domain): the risk the release started from.
		_, origSizes := classes(b.raw(), qi)
		ost := summarise(origSizes, b.orig.rows, k)
		so.ClassSizes = st.bands
		so.OriginalClassSizes = ost.bands
		so.RiskBands, so.OriginalRiskBands = riskBands(relSizes), riskBands(origSizes)
		qiText := strings.Join(qi, ", ")
		so.Figures = append(so.Figures,
			newFigure("min_class_size", "Smallest class (k)", float64(st.minSize), st.rows > 0, ">=", ref(float64(k)), "rows",
				"every released record shares its values of "+qiText+" with at least k−1 others", fmt.Sprintf("%d classes; median class of a record: %s rows; original: k = %d", st.classes, trimFloat(st.medianSize), ost.minSize)),
			newFigure("prosecutor_risk_max", "Prosecutor risk, highest", st.prosecutorMax, st.rows > 0, "<=", ref(1/float64(k)), "probability",
				"the best chance (1/smallest class) that someone who knows a person is in the table and knows their quasi-identifiers picks out their record", ""),
			newFigure("prosecutor_risk_avg", "Prosecutor risk, average", st.prosecutorAvg, st.rows > 0, "<=", ref(refProsecutorAvg), "probability",
				"that chance averaged over records (classes / rows); reference: EMA Policy 0070's 0.09", fmt.Sprintf("original: %s", trimFloat(roundSig(ost.prosecutorAvg, 3)))),
			newFigure("records_at_risk", fmt.Sprintf("Records in classes smaller than %d", k), ratio(st.rowsBelow, st.rows), st.rows > 0, "<=", ref(0), "share",
				"records an attacker could single out with better odds than the k the release aims at", fmt.Sprintf("%d rows; original: %s", st.rowsBelow, pct(ratio(ost.rowsBelow, ost.rows)))),
			newFigure("sample_uniques", "Sample uniques", ratio(st.uniques, st.rows), st.rows > 0, "<=", ref(refSampleUniques), "share",
				"records alone in their class: unique on "+qiText, fmt.Sprintf("%d rows; original: %d rows (%s)", st.uniques, ost.uniques, pct(ratio(ost.uniques, ost.rows)))))
		if b.kFromPolicy() {
			// The policy's own target (privacy.k), not veil's reference:
			// the release claims it.
			for i := len(so.Figures) - 5; i < len(so.Figures); i++ {
				if id := so.Figures[i].ID; id == "min_class_size" || id == "prosecutor_risk_max" || id == "records_at_risk" {
					so.Figures[i].Source = "policy target (privacy.k)"
				}
			}
		}
		b.method("classes, prosecutor risk, sample uniques, l-diversity", !b.orig.t.Sampled() && !b.rel.t.Sampled(), b.rel.rows,
			sampledNote(b, fmt.Sprintf("exact: every row of both tables (%d released, %d original)", b.rel.rows, b.orig.rows)))
	}
	// Suppressed rows: from the anonymize report, else the row difference.
	if b.r.Release == "anonymized" {
		supp := float64(b.orig.rows - b.rel.rows)
		note := "original rows minus released rows"
		if b.anon != nil && b.anon.Suppressed != nil {
			supp = *b.anon.Suppressed
			note = "from the anonymize report"
		}
		f := newFigure("suppressed_rows", "Rows suppressed", ratio(int(supp), b.orig.rows), b.orig.rows > 0, "<=", b.suppressionLimit(), "share",
			"records removed to reach the privacy target", fmt.Sprintf("%d rows, %s", int(supp), note))
		if f.Threshold != nil {
			f.Source = "policy target (privacy.suppression_limit)"
		}
		so.Figures = append(so.Figures, f)
	}
	return b.exactCopies()
}

// kFromPolicy reports whether the k figures are checked against the
// policy's privacy.k (no min_k gate overrides it).
func (b *builder) kFromPolicy() bool {
	return (b.gates == nil || b.gates.MinK == nil) && b.in.Policy != nil && b.in.Policy.Privacy != nil && b.in.Policy.Privacy.K > 0
}

func (b *builder) suppressionLimit() *float64 {
	if b.in.Policy != nil && b.in.Policy.Privacy != nil && b.in.Policy.Privacy.K > 0 {
		v := b.in.Policy.Privacy.SuppressionLimit
		return &v
	}
	return nil
}

func ratio(a, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(a) / float64(n)
}

func median(v []float64) float64 {
	w := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			w = append(w, x)
		}
	}
	if len(w) == 0 {
		return math.NaN()
	}
	sort.Float64s(w)
	n := len(w)
	if n%2 == 1 {
		return w[n/2]
	}
	return (w[n/2-1] + w[n/2]) / 2
}

// inference measures l-diversity, homogeneity and CAP disclosure protection
// for every sensitive column.
func (b *builder) inference(ctx context.Context) error {
	inf := &b.r.Privacy.Inference
	qi := b.r.Privacy.QuasiIdentifiers
	sens := b.r.Privacy.Sensitive
	lRef := 2.0
	if b.in.Policy != nil && b.in.Policy.Privacy != nil && b.in.Policy.Privacy.LDiversity != nil {
		lRef = b.in.Policy.Privacy.LDiversity.L
	}
	if len(qi) == 0 || len(sens) == 0 {
		note := "needs quasi-identifiers and sensitive columns (" + b.roles.from + ")"
		inf.Figures = append(inf.Figures,
			newFigure("min_l_diversity", "Smallest distinct l-diversity", 0, false, ">=", ref(lRef), "values", "fewest distinct sensitive values in a class", note),
			newFigure("disclosure_protection", "CAP disclosure protection (worst column)", 0, false, ">=", ref(refDisclosure), "score", "how well sensitive values resist inference from the quasi-identifiers", note))
		return nil
	}
	ids, sizes := classes(b.rel, qi)
	// Numeric columns are binned on the original's range (10 equal-width
	// bins), as SDMetrics' DisclosureProtection does.
	bins := map[string][2]float64{}
	for _, n := range append(append([]string{}, qi...), sens...) {
		if c := b.orig.col(n); c != nil && c.spec.numeric {
			lo, hi := numRange(c.nums)
			bins[n] = [2]float64{lo, hi}
		}
	}
	realKey, relKey := keyIDs(b.orig, b.rel, qi, bins)
	worstL, worstDP := math.Inf(1), math.Inf(1)
	var worstHomo float64
	for _, name := range sens {
		if err := ctx.Err(); err != nil {
			return err
		}
		oc, rc := b.orig.col(name), b.rel.col(name)
		r := bins[name]
		sc := SensitiveColumn{Column: name, Binned: oc.spec.numeric}
		relSens := binCodes(rc, r[0], r[1])
		d := lDiversity(ids, sizes, relSens)
		sc.MinDistinctL, sc.MinEntropyL = d.minDistinct, d.minEntropyL
		sc.Homogeneous, sc.HomogeneousRows = d.homogeneous, d.homogeneousRows
		score, prot, base, _ := capProtection(realKey, relKey, binCodes(oc, r[0], r[1]), relSens)
		if !math.IsNaN(score) {
			sc.DisclosureProtection = &score
			worstDP = math.Min(worstDP, score)
		}
		sc.CAP, sc.Baseline = &prot, &base
		worstL = math.Min(worstL, float64(d.minDistinct))
		worstHomo = math.Max(worstHomo, d.homogeneous)
		inf.Columns = append(inf.Columns, sc)
	}
	inf.Figures = append(inf.Figures,
		newFigure("min_l_diversity", "Smallest distinct l-diversity", worstL, !math.IsInf(worstL, 1), ">=", ref(lRef), "values",
			"fewest distinct values of a sensitive column in a class of the release: 1 means some class reveals its sensitive value", "worst sensitive column"),
		newFigure("homogeneous_classes", "Homogeneous classes", worstHomo, true, "<=", ref(refHomogeneous), "share",
			"classes in which one sensitive value makes up 90% or more: membership nearly reveals the value", "worst sensitive column"),
		newFigure("disclosure_protection", "CAP disclosure protection (worst column)", worstDP, !math.IsInf(worstDP, 1), ">=", ref(refDisclosure), "score",
			"SDMetrics' DisclosureProtection: 1 = an attacker who knows a real person's quasi-identifiers guesses the sensitive value from the release no better than at random", ""))
	b.method("CAP disclosure protection", !b.orig.t.Sampled() && !b.rel.t.Sampled(), b.orig.rows,
		sampledNote(b, "exact: every original row looked up in the release")+"; numbers in 10 equal-width bins on the original's range")
	return nil
}

// dp reports the differential-privacy accounting from the anonymize report
// or the synth model.
func (b *builder) dp() {
	d := &b.r.Privacy.DP
	switch {
	case b.synth != nil && b.synth.Epsilon != nil:
		d.Epsilon, d.Source, d.Split = b.synth.Epsilon, "synth model", b.synth.Split
		if b.synth.Delta != nil {
			d.Delta = *b.synth.Delta
		}
		d.Note = "The model was fitted with differential privacy; every row sampled from it inherits the guarantee (post-processing). Domains declared in the policy, and roles or kinds detected from the data, are outside it: see the model's notes. This report itself describes the original (row counts, classes, hashes) and is not covered by the guarantee."
	case b.anon != nil && b.anon.Epsilon != nil:
		d.Epsilon, d.Source, d.Split = b.anon.Epsilon, "anonymize report", b.anon.Split
		if b.anon.Delta != nil {
			d.Delta = *b.anon.Delta
		}
		d.Note = "Noise was added to individual values (local differential privacy per column, sequential composition over columns); other columns of the same row are not protected by it."
	}
	if d.Epsilon != nil {
		d.Figures = append(d.Figures, newFigure("epsilon", "Differential-privacy budget ε", *d.Epsilon, true, "<=", ref(refEpsilon), "epsilon",
			"bounds how much any one person's data can change the release: smaller is stronger; ε ≤ 1 is commonly called strong",
			fmt.Sprintf("δ = %s, from the %s", trimFloat(d.Delta), d.Source)))
		b.dpNoise()
		return
	}
	note := "none: the release carries no differential privacy (the synth model or anonymize report records none)"
	if b.synth == nil && b.anon == nil {
		note = "none recorded: no synth model or anonymize report was given"
	}
	d.Figures = append(d.Figures, newFigure("epsilon", "Differential-privacy budget ε", 0, false, "<=", nil, "epsilon",
		"bounds how much any one person's data can change the release", note))
}
