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
}

func ptrF(v *float64) *float64 { return v }

var gateDefs = []gateDef{
	{"min_k", "min_class_size", "privacy", ">=", "every record shares its quasi-identifiers with at least k−1 others",
		func(g *policies.Gates) *float64 {
			if g.MinK == nil {
				return nil
			}
			v := float64(*g.MinK)
			return &v
		}},
	{"max_prosecutor_risk", "prosecutor_risk_max", "privacy", "<=", "highest chance of picking out a known person's record", func(g *policies.Gates) *float64 { return ptrF(g.MaxProsecutorRisk) }},
	{"max_sample_uniques", "sample_uniques", "privacy", "<=", "share of records unique on their quasi-identifiers", func(g *policies.Gates) *float64 { return ptrF(g.MaxSampleUniques) }},
	{"max_exact_copies", "exact_copies", "privacy", "<=", "share of released rows identical to a real row", func(g *policies.Gates) *float64 { return ptrF(g.MaxExactCopies) }},
	{"min_dcr_overfitting", "dcr_overfitting_protection", "privacy", ">=", "released rows are no closer to the training rows than to unseen real rows", func(g *policies.Gates) *float64 { return ptrF(g.MinDCROverfitting) }},
	{"min_disclosure_protection", "disclosure_protection", "privacy", ">=", "how well sensitive values resist inference from the quasi-identifiers (worst sensitive column)", func(g *policies.Gates) *float64 { return ptrF(g.MinDisclosureProt) }},
	{"max_epsilon", "epsilon", "privacy", "<=", "differential-privacy budget spent", func(g *policies.Gates) *float64 { return ptrF(g.MaxEpsilon) }},
	{"min_quality", "quality", "utility", ">=", "SDMetrics-style overall quality", func(g *policies.Gates) *float64 { return ptrF(g.MinQuality) }},
	{"max_tvd_1way", "tvd_1way", "utility", "<=", "mean distance between column distributions", func(g *policies.Gates) *float64 { return ptrF(g.MaxTVD1Way) }},
	{"max_tvd_2way", "tvd_2way", "utility", "<=", "mean distance between distributions of column pairs", func(g *policies.Gates) *float64 { return ptrF(g.MaxTVD2Way) }},
	{"min_tstr_ratio", "tstr_ratio", "utility", ">=", "a model trained on the release vs one trained on real rows (F1 ratio)", func(g *policies.Gates) *float64 { return ptrF(g.MinTSTRRatio) }},
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
		f := b.r.Figure(d.figure)
		if f != nil {
			t := *th
			f.Threshold, f.Op, f.Source = &t, d.op, "gate"
		}
		switch {
		case f == nil || f.Value == nil || math.IsNaN(*f.Value):
			g.Passed = false
			g.Note = "not measured"
			if f != nil && f.Note != "" {
				g.Note += ": " + f.Note
			}
			if f != nil {
				no := false
				f.Meets = &no
			}
		default:
			v := *f.Value
			g.Value = &v
			g.Passed = compare(v, d.op, *th)
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
