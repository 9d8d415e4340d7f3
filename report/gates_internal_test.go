package report

import (
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
)

// TestInferenceGateWorstBound: the inference gate compares the largest
// upper bound over every attacked column, which need not be the column
// with the largest point estimate (the one the figure shows), and fails as
// not measured when one column's risk could not be measured.
func TestInferenceGateWorstBound(t *testing.T) {
	control := AttackRate{Successes: 50, Attacks: 100}
	att := func(secret string, v, lo, hi float64) Attack {
		return Attack{Attack: "inference", Secret: secret, Control: &control, Risk: &AttackRisk{Value: v, Low: lo, High: hi}}
	}
	run := func(th float64, atts ...Attack) (Gate, Figure) {
		b := &builder{r: &Report{Release: "synthetic"}, gates: &policies.Gates{MaxInferenceRisk: &th}}
		b.r.Privacy.Inference.Attacks = atts
		b.r.Privacy.Inference.Figures = []Figure{newFigure("inference_risk", "Inference attack risk (worst column: a)", 0.1, true, "<=", ref(refAttackRisk), "risk", "", "")}
		b.evaluateGates()
		return b.r.Summary.Gates[0], b.r.Privacy.Inference.Figures[0]
	}
	// a has the larger estimate, b the wider interval.
	a, b := att("a", 0.10, 0.05, 0.15), att("b", 0.08, 0, 0.25)
	for _, tc := range []struct {
		th   float64
		pass bool
	}{{0.2, false}, {0.25, true}, {0.3, true}} {
		g, f := run(tc.th, a, b)
		if g.Value == nil || *g.Value != 0.25 || g.Passed != tc.pass || !strings.HasPrefix(g.Note, "column b: upper end of the 95% interval; risk 0.08") {
			t.Errorf("max_inference_risk %v: gate %+v (value %v), want 0.25 from column b, passed %v", tc.th, g, g.Value, tc.pass)
		}
		if f.Source != "gate" || *f.Threshold != tc.th || *f.GateValue != 0.25 || *f.Meets != tc.pass || *f.Value != 0.1 {
			t.Errorf("max_inference_risk %v: figure %+v", tc.th, f)
		}
	}
	// The control guessed every holdout row: b's risk is undefined, and
	// the worst column is unknown however low a's is.
	b.Risk, b.Note = nil, "the control attack succeeded on every holdout row: the risk cannot be measured"
	g, f := run(0.9, a, b)
	if g.Passed || g.Value != nil || g.Note != "not measured: column b: "+b.Note || *f.Meets || f.GateValue != nil {
		t.Errorf("one column not measured: gate %+v, figure meets %v; want not measured, naming column b", g, *f.Meets)
	}
}

// TestGateNotMeasuredNote: a gate whose figure is missing says why once
// (the figure's "not measured: " is not repeated), and one whose figure is
// absent from the report altogether gives the gate's reason.
func TestGateNotMeasuredNote(t *testing.T) {
	th := 0.1
	b := &builder{r: &Report{Release: "anonymized"}, gates: &policies.Gates{MinDCROverfitting: &th, MaxLinkageExpected: &th, MaxMembershipAUC: &th}}
	b.r.Privacy.Linkability.Figures = []Figure{newFigure("dcr_overfitting_protection", "DCR overfitting protection", 0, false, ">=", nil, "score", "", "not measured: needs --holdout")}
	b.evaluateGates()
	want := map[string]string{
		"min_dcr_overfitting":  "not measured: needs --holdout",
		"max_membership_auc":   "not measured: Anonymeter's attacks and the membership inference run on synthetic releases only (the report was given no synth model)",
		"max_linkage_expected": "not measured: the linkage simulation needs quasi-identifiers",
	}
	for _, g := range b.r.Summary.Gates {
		if g.Passed || g.Value != nil || g.Note != want[g.Name] {
			t.Errorf("gate %s = %+v, want not measured with note %q", g.Name, g, want[g.Name])
		}
	}
	if len(b.r.Summary.Gates) != 3 || b.r.Summary.Verdict != "FAIL" {
		t.Errorf("gates %+v, verdict %s; want 3 failed", b.r.Summary.Gates, b.r.Summary.Verdict)
	}
}
