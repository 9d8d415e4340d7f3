package report_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/report"
)

// The gates on attack figures compare the upper end of the 95% interval.
// These tests recompute it from the counts the report keeps (successes and
// attacks of the main and control attacks; the AUC and the rows scored)
// with the formulas of docs/report.md, written here again.

const z = 1.959963984540054

// wilsonCentre returns the centre and half width of the 95% Wilson
// interval of k successes in n trials.
func wilsonCentre(k, n int) (centre, half float64) {
	fk, fn := float64(k), float64(n)
	centre = (fk + z*z/2) / (fn + z*z)
	half = z / (fn + z*z) * math.Sqrt(fk*(fn-fk)/fn+z*z/4)
	return centre, half
}

// riskUpper is the upper end of the interval of Anonymeter's risk
// (main − control)/(1 − control), its error propagated to first order,
// bound to [0, 1].
func riskUpper(t *testing.T, a report.Attack) float64 {
	t.Helper()
	if a.Control == nil {
		t.Fatalf("attack %s has no control", a.Attack)
	}
	m, em := wilsonCentre(a.Main.Successes, a.Main.Attacks)
	c, ec := wilsonCentre(a.Control.Successes, a.Control.Attacks)
	v := (m - c) / (1 - c)
	e := math.Sqrt(math.Pow(em/(1-c), 2) + math.Pow(ec*(m-1)/((1-c)*(1-c)), 2))
	return math.Min(1, math.Max(0, v+e))
}

// aucUpper is the upper end of the Hanley–McNeil 95% interval of an AUC.
func aucUpper(a float64, n1, n2 int) float64 {
	q1, q2 := a/(2-a), 2*a*a/(1+a)
	v := (a*(1-a) + float64(n1-1)*(q1-a*a) + float64(n2-1)*(q2-a*a)) / float64(n1*n2)
	return math.Min(1, a+z*math.Sqrt(v))
}

func gate(t *testing.T, r *report.Report, name string) report.Gate {
	t.Helper()
	for _, g := range r.Summary.Gates {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no gate %s in %+v", name, r.Summary.Gates)
	return report.Gate{}
}

func parsePolicy(t *testing.T, dir, text string) *policies.Policy {
	t.Helper()
	path := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := policies.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const attackGates = `  max_singling_out_risk: 0.2
  max_linkability_risk: 0.2
  max_inference_risk: 0.2
  max_membership_auc: 0.6
`

// TestAttackGates reports on synthetic releases of 1,000 Adult rows: one
// that copies its training rows, one made of other real rows (no row of
// the training data, so nothing to give away about it), and the copy
// without a holdout. The attack gates compare the upper end of each
// interval, recomputed here from the attacks' counts.
func TestAttackGates(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 3000)
	train, hold, fresh := rows[:1000], rows[1000:2000], rows[2000:3000]
	trainP := writeCSV(t, filepath.Join(dir, "train.csv"), header, train)
	holdP := writeCSV(t, filepath.Join(dir, "hold.csv"), header, hold)
	copyP := writeCSV(t, filepath.Join(dir, "copy.csv"), header, train)
	freshP := writeCSV(t, filepath.Join(dir, "fresh.csv"), header, fresh)
	model := filepath.Join(dir, "model.json")
	if err := os.WriteFile(model, []byte(`{"schema": "veil.synth-model/v1", "method": "test"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pol := parsePolicy(t, dir, `version: 1
default_action: keep
columns:
  sex: {role: quasi, action: keep}
  age: {role: quasi, action: keep}
  race: {role: quasi, action: keep}
  education: {role: quasi, action: keep}
  salary-class: {role: sensitive, action: keep}
gates:
`+attackGates+`  max_linkage_expected: 0.1
`)
	build := func(rel, holdout string) *report.Report {
		in := report.Inputs{Original: report.Source{Path: trainP}, Released: report.Source{Path: rel}, SynthModel: model, Policy: pol}
		if holdout != "" {
			in.Holdout = &report.Source{Path: holdout}
		}
		r, err := report.Build(context.Background(), in, fixedOptions())
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// check compares each attack gate with its recount and its figure.
	check := func(name string, r *report.Report, passed map[string]bool) {
		t.Helper()
		p := r.Privacy
		want := map[string]float64{
			"max_singling_out_risk": riskUpper(t, p.SinglingOut.Attacks[0]),
			"max_linkability_risk":  riskUpper(t, p.Linkability.Attacks[0]),
			"max_inference_risk":    riskUpper(t, p.Inference.Attacks[0]),
			"max_membership_auc":    aucUpper(*r.Figure("membership_auc").Value, p.Membership.TrainRows, p.Membership.HoldoutRows),
		}
		figs := map[string]string{"max_singling_out_risk": "singling_out_risk", "max_linkability_risk": "linkability_risk",
			"max_inference_risk": "inference_risk", "max_membership_auc": "membership_auc"}
		for key, w := range want {
			g := gate(t, r, key)
			if g.Value == nil || math.Abs(*g.Value-w) > 1e-9 || g.Passed != passed[key] || g.Passed != (w <= g.Threshold) {
				t.Errorf("%s: gate %s = %v passed %v (note %q), want the upper bound %v, passed %v", name, key, g.Value, g.Passed, g.Note, w, passed[key])
				continue
			}
			if !strings.Contains(g.Meaning, "upper end of its 95% interval") || !strings.Contains(g.Note, "upper end of the 95% interval") {
				t.Errorf("%s: gate %s does not say it compares the upper bound: %q / %q", name, key, g.Meaning, g.Note)
			}
			f := r.Figure(figs[key])
			if f.Source != "gate" || *f.Threshold != g.Threshold || f.GateValue == nil || *f.GateValue != *g.Value || *f.Meets != g.Passed {
				t.Errorf("%s: figure %s = %+v does not show gate %s", name, f.ID, f, key)
			}
			if *f.Value > *g.Value {
				t.Errorf("%s: %s point estimate %v above its upper bound %v", name, f.ID, *f.Value, *g.Value)
			}
		}
		// The linkage simulation's expected links exist for anonymized
		// releases only.
		if g := gate(t, r, "max_linkage_expected"); g.Passed || g.Value != nil || !strings.Contains(g.Note, "anonymized releases only") {
			t.Errorf("%s: max_linkage_expected on a synthetic release = %+v, want not measured", name, g)
		}
		if u := r.Figure("singling_out_risk_univariate"); u.Source == "gate" || u.GateValue != nil {
			t.Errorf("%s: the univariate singling-out figure is marked as gated: %+v", name, u)
		}
	}

	cp := build(copyP, holdP)
	check("copy", cp, map[string]bool{"max_linkability_risk": true})
	if priv, _, msg := cp.Failed(); !priv || !strings.Contains(msg, "max_singling_out_risk") {
		t.Errorf("copy: Failed() = %v, %q; want a privacy failure naming max_singling_out_risk", priv, msg)
	}
	var h bytes.Buffer
	if err := report.WriteHTML(&h, cp); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<td class="mono">max_singling_out_risk</td>`, "gate compares the 95% upper bound", "compared by the upper end of its 95% interval"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("copy: the HTML lacks %q", want)
		}
	}

	// Real rows the generator never saw: the singling-out and membership
	// gates pass; the inference interval (500 guesses at about 75%
	// success, main and control) stays wider than 0.2.
	fr := build(freshP, holdP)
	check("fresh", fr, map[string]bool{"max_singling_out_risk": true, "max_linkability_risk": true, "max_membership_auc": true,
		"max_inference_risk": riskUpper(t, fr.Privacy.Inference.Attacks[0]) <= 0.2})
	if g := gate(t, fr, "max_singling_out_risk"); *fr.Figure("singling_out_risk").Value > *g.Value || *g.Value > 0.2 {
		t.Errorf("fresh: max_singling_out_risk = %v, want a pass", *g.Value)
	}

	// No holdout: no control, so no risk: each attack gate fails, saying
	// why.
	nh := build(copyP, "")
	for _, key := range []string{"max_singling_out_risk", "max_linkability_risk", "max_inference_risk", "max_membership_auc"} {
		g := gate(t, nh, key)
		if g.Passed || g.Value != nil || !strings.HasPrefix(g.Note, "not measured: needs --holdout") {
			t.Errorf("no holdout: gate %s = %+v, want not measured: needs --holdout", key, g)
		}
	}
}

// TestAnonymizedPrivacyGates: on an anonymized release max_t holds every
// sensitive column to t (the worst, recounted by bruteEMD), also when the
// policy's t_closeness names another column; max_linkage_expected reads
// the linkage simulation (recounted by bruteLinkage); the attack gates
// fail as not measured, saying the attacks need a synthetic release.
func TestAnonymizedPrivacyGates(t *testing.T) {
	header, orig := people(400, 11)
	rel := coarsen(orig)
	qi := []int{0, 1, 2, 3}
	emd := map[string]float64{"diagnosis": bruteEMD(orig, rel, qi, 4, false).max, "income": bruteEMD(orig, rel, qi, 5, true).max}
	distance := map[string]string{"diagnosis": "equal", "income": "ordered"} // the report's own choice without a policy
	worst, other := "diagnosis", "income"
	if emd["income"] > emd["diagnosis"] {
		worst, other = other, worst
	}
	var link float64
	for _, cols := range shares {
		_, _, e := bruteLinkage(orig, rel, coarsen, cols)
		link = max(link, e)
	}
	if link == 0 || emd[worst] == emd[other] {
		t.Fatalf("fixture: linkage %v, EMDs %v: want links and two different distances", link, emd)
	}
	for _, tc := range []struct {
		name string
		d    float64 // gate thresholds: the figure + d
		pass bool
	}{{"pass", 0.001, true}, {"fail", -0.001, false}} {
		t.Run(tc.name, func(t *testing.T) {
			pol := parsePolicy(t, t.TempDir(), fmt.Sprintf(`version: 1
columns:
  zip: {role: quasi, action: keep}
  age: {role: quasi, action: keep}
  sex: {role: quasi, action: keep}
  occupation: {role: quasi, action: keep}
  diagnosis: {role: sensitive, action: keep}
  income: {role: sensitive, action: keep}
privacy:
  k: 2
  t_closeness: {column: %s, t: 1, distance: %s}
gates:
  max_t: %v
  max_linkage_expected: %v
%s`, other, distance[other], emd[worst]+tc.d, link+tc.d, attackGates))
			r := buildAnon(t, header, orig, rel, pol, false)
			for key, want := range map[string]float64{"max_t": emd[worst], "max_linkage_expected": link} {
				g := gate(t, r, key)
				if g.Value == nil || math.Abs(*g.Value-want) > 1e-9 || g.Passed != tc.pass || g.Kind != "privacy" {
					t.Errorf("gate %s = %+v (value %v), want %v, passed %v", key, g, g.Value, want, tc.pass)
				}
			}
			// The figure the max_t gate marks is the worst column, and
			// says what the policy's t_closeness column gives.
			f := r.Figure("max_emd")
			if f.Value == nil || math.Abs(*f.Value-emd[worst]) > 1e-9 || f.Source != "gate" || *f.Meets != tc.pass ||
				!strings.Contains(f.Note, "worst sensitive column: "+worst) || !strings.Contains(f.Note, "t-closeness column "+other) {
				t.Errorf("max_emd figure = %+v (value %v), want the worst column %s (%v) under the gate", f, f.Value, worst, emd[worst])
			}
			for _, key := range []string{"max_singling_out_risk", "max_linkability_risk", "max_inference_risk", "max_membership_auc"} {
				g := gate(t, r, key)
				if g.Passed || g.Value != nil || !strings.Contains(g.Note, "not measured: Anonymeter's attacks and the membership inference run on synthetic releases only") {
					t.Errorf("anonymized release: gate %s = %+v, want not measured for want of a synthetic release", key, g)
				}
			}
			if priv, _, _ := r.Failed(); !priv || r.Summary.Verdict != "FAIL" {
				t.Errorf("Failed() privacy = %v, verdict %s: unmeasured privacy gates must fail", priv, r.Summary.Verdict)
			}
		})
	}
}
