package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/veil-data/veil/policies"
)

// gateDef ties a key of the policy's gates block to the figure it checks.
type gateDef struct {
	key     string // policy key
	figure  string // Figure.ID
	kind    string // privacy or utility
	op      string // >= or <=
	meaning string
	get     func(*policies.Gates) *float64
	// measure, when set, gives what the gate compares instead of the
	// figure's value (see bound); absent, when set, says why the report
	// has no such figure at all (a release of the other kind).
	measure func(*Report) bound
	absent  func(*Report) string
}

func ptrF(v *float64) *float64 { return v }

// ciGate is what the gates on estimated attack figures say they compare.
// A privacy gate holds the release to a ceiling: a point estimate under it
// with an interval reaching over it has not shown that it holds, so these
// gates compare the upper end of the 95% interval, and a smaller sample
// (a wider interval) fails sooner rather than passing on luck.
const ciGate = "; compared by the upper end of its 95% interval"

var gateDefs = []gateDef{
	{key: "min_k", figure: "min_class_size", kind: "privacy", op: ">=", meaning: "every record shares its quasi-identifiers with at least k−1 others",
		get: func(g *policies.Gates) *float64 {
			if g.MinK == nil {
				return nil
			}
			v := float64(*g.MinK)
			return &v
		}},
	{key: "max_prosecutor_risk", figure: "prosecutor_risk_max", kind: "privacy", op: "<=", meaning: "highest chance of picking out a known person's record", get: func(g *policies.Gates) *float64 { return ptrF(g.MaxProsecutorRisk) }},
	{key: "max_sample_uniques", figure: "sample_uniques", kind: "privacy", op: "<=", meaning: "share of records unique on their quasi-identifiers", get: func(g *policies.Gates) *float64 { return ptrF(g.MaxSampleUniques) }},
	{key: "max_exact_copies", figure: "exact_copies", kind: "privacy", op: "<=", meaning: "share of released rows identical to a real row", get: func(g *policies.Gates) *float64 { return ptrF(g.MaxExactCopies) }},
	{key: "min_dcr_overfitting", figure: "dcr_overfitting_protection", kind: "privacy", op: ">=", meaning: "released rows are no closer to the training rows than to unseen real rows", get: func(g *policies.Gates) *float64 { return ptrF(g.MinDCROverfitting) }},
	{key: "min_disclosure_protection", figure: "disclosure_protection", kind: "privacy", op: ">=", meaning: "how well sensitive values resist inference from the quasi-identifiers (worst sensitive column)", get: func(g *policies.Gates) *float64 { return ptrF(g.MinDisclosureProt) }},
	{key: "max_epsilon", figure: "epsilon", kind: "privacy", op: "<=", meaning: "differential-privacy budget spent", get: func(g *policies.Gates) *float64 { return ptrF(g.MaxEpsilon) }},
	{key: "max_singling_out_risk", figure: "singling_out_risk", kind: "privacy", op: "<=",
		meaning: "Anonymeter singling-out risk (multivariate) beyond unseen real rows" + ciGate,
		get:     func(g *policies.Gates) *float64 { return ptrF(g.MaxSinglingOutRisk) },
		// The multivariate attack only, Anonymeter's default mode. The
		// univariate one attacks each value a single synthetic row holds,
		// a handful on categorical data (9 to 15 on 1,000 to 2,000 Adult
		// rows), so its interval reaches about 0.5 at a risk of 0: a gate
		// on it would fail every release for want of attacks, not for
		// what they find. It stays a figure with its reference.
		measure: func(r *Report) bound {
			return riskBound(r.Figure("singling_out_risk"), firstAttack(r.Privacy.SinglingOut.Attacks), "")
		},
		absent: attacksAbsent},
	{key: "max_linkability_risk", figure: "linkability_risk", kind: "privacy", op: "<=",
		meaning: "Anonymeter linkability risk: records of two sources joined through the same synthetic row, beyond unseen real rows" + ciGate,
		get:     func(g *policies.Gates) *float64 { return ptrF(g.MaxLinkabilityRisk) },
		measure: func(r *Report) bound {
			return riskBound(r.Figure("linkability_risk"), firstAttack(r.Privacy.Linkability.Attacks), "")
		},
		absent: attacksAbsent},
	{key: "max_inference_risk", figure: "inference_risk", kind: "privacy", op: "<=",
		meaning: "Anonymeter inference risk beyond unseen real rows, worst sensitive column or target" + ciGate,
		get:     func(g *policies.Gates) *float64 { return ptrF(g.MaxInferenceRisk) },
		measure: inferenceBound,
		absent:  attacksAbsent},
	{key: "max_membership_auc", figure: "membership_auc", kind: "privacy", op: "<=",
		meaning: "membership inference AUC, training against holdout rows by their distance to the synthetic rows (0.5 = chance)" + ciGate,
		get:     func(g *policies.Gates) *float64 { return ptrF(g.MaxMembershipAUC) },
		measure: func(r *Report) bound {
			f := r.Figure("membership_auc")
			m := r.Privacy.Membership
			if f == nil || f.Value == nil || m == nil || m.AUCHigh == nil || math.IsNaN(*m.AUCHigh) {
				return bound{fig: f}
			}
			hi := roundSig(*m.AUCHigh, 12)
			return bound{fig: f, value: &hi, upper: true, note: fmt.Sprintf("upper end of the 95%% interval (Hanley–McNeil); AUC %s (95%% CI %s–%s)",
				trimFloat(roundSig(*f.Value, 4)), trimFloat(roundSig(*m.AUCLow, 4)), trimFloat(roundSig(hi, 4)))}
		},
		absent: attacksAbsent},
	{key: "max_t", figure: "max_emd", kind: "privacy", op: "<=",
		meaning: "t-closeness: largest distance (EMD) between a class's distribution of a sensitive value and the whole table's, worst sensitive column",
		get:     func(g *policies.Gates) *float64 { return ptrF(g.MaxT) }},
	{key: "max_linkage_expected", figure: "linkage_expected", kind: "privacy", op: "<=",
		meaning: "linkage simulation: expected share of original records an intruder links to their own released row, worst auxiliary source",
		get:     func(g *policies.Gates) *float64 { return ptrF(g.MaxLinkageExpected) },
		absent: func(r *Report) string {
			if r.Release == "synthetic" {
				return "the linkage simulation gives this figure for anonymized releases only: a synthetic row is no one's record"
			}
			return "the linkage simulation needs quasi-identifiers"
		}},
	{key: "min_quality", figure: "quality", kind: "utility", op: ">=", meaning: "SDMetrics-style overall quality", get: func(g *policies.Gates) *float64 { return ptrF(g.MinQuality) }},
	{key: "max_tvd_1way", figure: "tvd_1way", kind: "utility", op: "<=", meaning: "mean distance between column distributions", get: func(g *policies.Gates) *float64 { return ptrF(g.MaxTVD1Way) }},
	{key: "max_tvd_2way", figure: "tvd_2way", kind: "utility", op: "<=", meaning: "mean distance between distributions of column pairs", get: func(g *policies.Gates) *float64 { return ptrF(g.MaxTVD2Way) }},
	{key: "min_tstr_ratio", figure: "tstr_ratio", kind: "utility", op: ">=", meaning: "a model trained on the release vs one trained on real rows (F1 ratio)", get: func(g *policies.Gates) *float64 { return ptrF(g.MinTSTRRatio) }},
}

// bound is the value a gate compares and the figure that shows it.
type bound struct {
	fig   *Figure  // nil: the report has no such figure
	value *float64 // nil: not measured (note, else the figure's note, says why)
	// upper is set when value is the upper end of the figure's 95%
	// interval rather than the figure's value.
	upper bool
	note  string // what value is, or why it is missing
}

// figureBound is the default: the figure's own value.
func figureBound(f *Figure) bound {
	if f == nil || f.Value == nil || math.IsNaN(*f.Value) {
		return bound{fig: f}
	}
	v := *f.Value
	return bound{fig: f, value: &v}
}

// riskBound is the upper end of an attack's risk interval; the figure
// shows the point estimate (Anonymeter's). what, when set, names the
// attack in the note.
func riskBound(f *Figure, a *Attack, what string) bound {
	label := func(s string) string {
		if what == "" {
			return s
		}
		return what + ": " + s
	}
	if f == nil || a == nil || a.Risk == nil || f.Value == nil {
		// No holdout, or a control that always succeeds: the figure's
		// note says which.
		b := bound{fig: f}
		if f != nil && f.Note != "" {
			b.note = label(strings.TrimPrefix(f.Note, "not measured: "))
		}
		return b
	}
	hi := roundSig(a.Risk.High, 12) // as figures are (see newFigure)
	return bound{fig: f, value: &hi, upper: true,
		note: label(fmt.Sprintf("upper end of the 95%% interval; risk %s (95%% CI %s–%s)",
			trimFloat(roundSig(a.Risk.Value, 4)), trimFloat(roundSig(a.Risk.Low, 4)), trimFloat(roundSig(a.Risk.High, 4))))}
}

// firstAttack returns the first of atts (the one its figure shows), or nil.
func firstAttack(atts []Attack) *Attack {
	if len(atts) == 0 {
		return nil
	}
	return &atts[0]
}

// inferenceBound is the largest upper end over every inference attack,
// not only over the column the figure shows (the one with the largest
// point estimate): a column with fewer right guesses but a wider interval
// may reach higher. One column not measured leaves the worst unknown.
func inferenceBound(r *Report) bound {
	f := r.Figure("inference_risk")
	atts := r.Privacy.Inference.Attacks
	if f == nil || len(atts) == 0 {
		return bound{fig: f} // the figure's note: nothing to guess
	}
	var worst *Attack
	for i := range atts {
		a := &atts[i]
		if a.Risk == nil {
			if a.Control == nil {
				return bound{fig: f} // no holdout: the figure's note says so
			}
			return bound{fig: f, note: "column " + a.Secret + ": " + a.Note}
		}
		if worst == nil || a.Risk.High > worst.Risk.High {
			worst = a
		}
	}
	return riskBound(f, worst, "column "+worst.Secret)
}

// attacksAbsent says why a report has no attack figure.
func attacksAbsent(*Report) string {
	return "Anonymeter's attacks and the membership inference run on synthetic releases only (the report was given no synth model)"
}

// figures returns pointers to every figure of the report, in report order.
func (r *Report) figures() []*Figure {
	var out []*Figure
	lists := [][]Figure{r.Utility.Figures, r.Privacy.SinglingOut.Figures, r.Privacy.Linkability.Figures, r.Privacy.Inference.Figures, r.Privacy.DP.Figures}
	if m := r.Privacy.Membership; m != nil {
		lists = append(lists, m.Figures)
	}
	for _, fs := range lists {
		for i := range fs {
			out = append(out, &fs[i])
		}
	}
	return out
}

// Figure returns the figure with the given ID, or nil.
func (r *Report) Figure(id string) *Figure {
	for _, f := range r.figures() {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// evaluateGates checks the policy's gates against the figures. A gate whose
// figure could not be measured fails: a threshold the report cannot show is
// met is not met.
func (b *builder) evaluateGates() {
	s := &b.r.Summary
	s.Gates = []Gate{}
	if b.gates == nil {
		s.Verdict = "NO GATES"
		return
	}
	for _, d := range gateDefs {
		th := d.get(b.gates)
		if th == nil {
			continue
		}
		g := Gate{Name: d.key, Kind: d.kind, Threshold: *th, Op: d.op, Meaning: d.meaning}
		var x bound
		if d.measure != nil {
			x = d.measure(b.r)
		} else {
			x = figureBound(b.r.Figure(d.figure))
		}
		if x.value == nil {
			g.Passed = false
			g.Note = "not measured"
			why := x.note
			if why == "" && x.fig != nil {
				why = strings.TrimPrefix(x.fig.Note, "not measured: ")
			}
			if why == "" && x.fig == nil && d.absent != nil {
				why = d.absent(b.r)
			}
			if why != "" {
				g.Note += ": " + why
			}
		} else {
			v := *x.value
			g.Value = &v
			g.Passed = compare(v, d.op, *th)
			g.Note = x.note
		}
		if f := x.fig; f != nil {
			t := *th
			f.Threshold, f.Op, f.Source = &t, d.op, "gate"
			if x.upper && x.value != nil {
				v := *x.value
				f.GateValue = &v
			}
			ok := g.Passed
			f.Meets = &ok
		}
		s.Gates = append(s.Gates, g)
	}
	// The implicit gate: a policy that sets gates holds the release to a
	// standard, and no standard lets a direct identifier or record key out
	// with its real values. It applies when the release has such a column.
	if len(b.r.Privacy.Identifiers) > 0 {
		if f := b.r.Figure("identifiers_released"); f != nil && f.Value != nil {
			v := *f.Value
			g := Gate{Name: "identifiers_released", Kind: "privacy", Value: &v, Threshold: 0, Op: "<=", Passed: compare(v, "<=", 0),
				Meaning: "no direct identifier or record key is released with its real values",
				Note:    "implicit in every policy with gates; to release such a column on purpose, give it role other (with a reason) in the policy"}
			t := 0.0
			f.Threshold, f.Op, f.Source = &t, "<=", "gate"
			ok := g.Passed
			f.Meets = &ok
			s.Gates = append(s.Gates, g)
		}
	}
	s.Verdict = "PASS"
	if len(s.Gates) == 0 {
		s.Verdict = "NO GATES"
	}
	for _, g := range s.Gates {
		if !g.Passed {
			s.Verdict = "FAIL"
		}
	}
}

func compare(v float64, op string, th float64) bool {
	// A tolerance of a few ulps keeps 0.1+0.2-style noise from failing a
	// gate set to the exact value.
	eps := 1e-12 * math.Max(1, math.Abs(th))
	if op == ">=" {
		return v >= th-eps
	}
	return v <= th+eps
}

// Failed reports the failed gates: privacy (exit 4) takes precedence over
// utility (exit 5). msg lists them.
func (r *Report) Failed() (privacy, utility bool, msg string) {
	var names []string
	for _, g := range r.Summary.Gates {
		if g.Passed {
			continue
		}
		if g.Kind == "privacy" {
			privacy = true
		} else {
			utility = true
		}
		val := "not measured"
		if g.Value != nil {
			val = trimFloat(roundSig(*g.Value, 4))
		}
		names = append(names, fmt.Sprintf("%s (%s, want %s %s)", g.Name, val, g.Op, trimFloat(g.Threshold)))
	}
	if len(names) > 0 {
		msg = "gate failed: " + strings.Join(names, "; ")
	}
	return privacy, utility, msg
}

// setFigure fills a figure with a value and its reference threshold (the
// gate, when set, replaces it in evaluateGates).
func newFigure(id, label string, value float64, measured bool, op string, ref *float64, unit, meaning, note string) Figure {
	f := Figure{ID: id, Label: label, Op: op, Unit: unit, Meaning: meaning, Note: note}
	if measured && !math.IsNaN(value) && !math.IsInf(value, 0) {
		// Twelve significant digits (see Float); sums that should be 0 but
		// carry rounding noise (1e-17) are 0.
		v := roundSig(value, 12)
		if math.Abs(v) < 1e-12 {
			v = 0
		}
		f.Value = &v
	}
	if ref != nil {
		t := *ref
		f.Threshold = &t
		f.Source = "reference"
		if f.Value != nil {
			ok := compare(*f.Value, op, t)
			f.Meets = &ok
		}
	}
	return f
}

func ref(v float64) *float64 { return &v }
