package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
)

// TestVerdictCovers: a PASS on utility gates and the identifier check says
// that no privacy gate was set; with a privacy gate it counts it.
func TestVerdictCovers(t *testing.T) {
	b := &builder{r: &Report{}}
	b.r.Summary.Gates = []Gate{{Name: "min_quality", Kind: "utility", Passed: true}, {Name: "max_tvd_1way", Kind: "utility", Passed: true},
		{Name: "identifiers_released", Kind: "privacy", Passed: true}}
	s := b.verdictSentence()
	if got, want := b.r.Summary.Covers, "3 gates (2 utility, identifiers); no privacy gate set"; got != want {
		t.Errorf("Covers = %q, want %q", got, want)
	}
	if !strings.Contains(s, "no privacy gate") || !strings.Contains(s, "2 utility gates and the identifier check") {
		t.Errorf("verdict sentence %q", s)
	}
	b.r.Summary.Gates = append(b.r.Summary.Gates, Gate{Name: "min_k", Kind: "privacy", Passed: false})
	s = b.verdictSentence()
	if got, want := b.r.Summary.Covers, "4 gates (1 privacy, 2 utility, identifiers)"; got != want {
		t.Errorf("Covers = %q, want %q", got, want)
	}
	if !strings.Contains(s, "3 of 4 gates passed") || !strings.Contains(s, "failed: min_k") || strings.Contains(s, "no privacy gate") {
		t.Errorf("verdict sentence %q", s)
	}
}

// TestSummaryMissedK: a k below the policy's target is named among the
// misses, and the k-anonymity the policy states is not called a guarantee.
func TestSummaryMissedK(t *testing.T) {
	fig := func(id, label string, v float64, meets bool, op string, th float64, src string) Figure {
		return Figure{ID: id, Label: label, Value: &v, Meets: &meets, Op: op, Threshold: &th, Source: src, Unit: "rows"}
	}
	b := &builder{r: &Report{Release: "anonymized"}, in: Inputs{Policy: &policies.Policy{Privacy: &policies.Privacy{K: 5}}}}
	b.r.Privacy.QuasiIdentifiers = []string{"zip", "age"}
	b.r.Privacy.SinglingOut.Figures = []Figure{fig("min_class_size", "Smallest class (k)", 2, false, ">=", 5, "policy target (privacy.k)")}
	b.r.Privacy.Linkability.Figures = []Figure{fig("dcr_baseline_protection", "DCR baseline protection", 0.2, false, ">=", 0.5, "reference")}
	m := b.missesSentence()
	for _, want := range []string{"singling out: smallest class (k) 2 (policy target ≥ 5)", "linkability: DCR baseline protection 0.2 (reference ≥ 0.5)"} {
		if !strings.Contains(m, want) {
			t.Errorf("misses sentence %q does not say %q", m, want)
		}
	}
	g := b.guaranteeSentence()
	if !strings.HasPrefix(g, "The release carries no formal privacy guarantee") || !strings.Contains(g, "k = 5, but the release does not meet it (smallest class 2)") {
		t.Errorf("guarantee sentence with k missed: %q", g)
	}
	b.r.Privacy.SinglingOut.Figures = []Figure{fig("min_class_size", "Smallest class (k)", 5, true, ">=", 5, "policy target (privacy.k)")}
	if g := b.guaranteeSentence(); !strings.HasPrefix(g, "Formal guarantee: k-anonymity with k = 5 on zip and age, stated by the policy and met") {
		t.Errorf("guarantee sentence with k met: %q", g)
	}
	if m := b.missesSentence(); strings.Contains(m, "smallest class") {
		t.Errorf("misses sentence names a k that meets its target: %q", m)
	}
}

// TestNoiseSentence: a DP model whose one-column counts have σ = 1.2 gives
// design §2.4's "within ±3" (1.96 × 1.2 = 2.35, rounded up: the stated
// interval is never narrower); a Laplace column of scale 2 is within ±6
// (2 ln 20 = 5.99).
func TestNoiseSentence(t *testing.T) {
	eps := 1.0
	b := &builder{r: &Report{}, orig: &frame{rows: 1000}}
	b.r.Privacy.DP = DP{Epsilon: &eps, Source: "synth model"}
	b.synth = &synthModel{Raw: map[string]any{
		"columns": []any{map[string]any{"name": "sex", "treatment": "model", "sigma": 1.2}},
		"privacy": map[string]any{"rho": 0.5, "budget": []any{map[string]any{"step": "1-way marginals", "rho": 0.5, "sigma": 1.0}}},
	}}
	b.dpNoise()
	if d := b.r.Privacy.DP; !strings.Contains(d.Plain, "within ±3 of the truth with 95% probability") || d.Split[0].CI95 != 1.959963984540054 {
		t.Errorf("σ 1.2: sentence %q, step interval %v", d.Plain, d.Split[0].CI95)
	}
	b = &builder{r: &Report{}}
	b.r.Privacy.DP = DP{Epsilon: &eps, Source: "anonymize report"}
	b.anon = &anonReport{Raw: map[string]any{"differential_privacy": map[string]any{"columns": []any{
		map[string]any{"name": "income", "mechanism": "laplace", "epsilon": 1.0, "lower": 0.0, "upper": 2.0, "scale": 2.0}}}}}
	b.dpNoise()
	if d := b.r.Privacy.DP; !strings.Contains(d.Plain, "within ±6 (income, clamped to [0, 2] first)") || d.Split[0].Mechanism != "Laplace" {
		t.Errorf("Laplace b = 2: sentence %q, split %+v", d.Plain, d.Split)
	}
	// Local noise on one column is no guarantee for the whole row.
	if g := b.guaranteeSentence(); !strings.Contains(g, "noised values of income only") {
		t.Errorf("guarantee sentence of a noised column: %q", g)
	}
}

// TestPlusMinus: the sentence's half-width is rounded up, never narrower
// than computed, and written in plain digits whatever its size.
func TestPlusMinus(t *testing.T) {
	for _, c := range []struct {
		v      float64
		counts bool
		want   string
	}{
		{2.35, true, "±3"},
		{127.1, true, "±128"},
		{2995732.273553991, false, "±3000000"}, // Laplace b = 1e6: b·ln 20
		{1599999.9999999998, false, "±1600000"},
		{0.0123, false, "±0.013"},
		{0.5, false, "±0.5"},
		{41, false, "±41"},
		{41.2, false, "±42"},
	} {
		got := plusMinus(c.v, c.counts)
		if got != c.want {
			t.Errorf("plusMinus(%v, %v) = %q, want %q", c.v, c.counts, got, c.want)
		}
		var n float64
		if _, err := fmt.Sscanf(strings.TrimPrefix(got, "±"), "%g", &n); err != nil || n < c.v {
			t.Errorf("plusMinus(%v) = %q is narrower than the half-width or not a number (%v)", c.v, got, err)
		}
	}
}

// TestCoarseningCatchAll: a DP model's catch-all whose only member is the
// "(other)" placeholder (values not released) is not described as a rare
// value of the data pooled; a declared rare bucket's members are counted.
func TestCoarseningCatchAll(t *testing.T) {
	model := func(members string) *builder {
		var raw map[string]any
		js := `{"columns": [{"name": "sex", "treatment": "model", "domain": "dp", "codes": [
			{"p": 0.3, "value": "Female"}, {"p": 0.7, "value": "Male"},
			{"p": 0, "other": true, "members": [` + members + `]}]}]}`
		if err := json.Unmarshal([]byte(js), &raw); err != nil {
			t.Fatal(err)
		}
		return &builder{synth: &synthModel{Raw: raw}}
	}
	desc, coarse := model(`{"value": "(other)", "p": 1}`).coarsening("sex")
	if !coarse || strings.Contains(desc, "rarer value") || !strings.Contains(desc, `sampled as "(other)"`) || !strings.Contains(desc, "2 categories kept") {
		t.Errorf("placeholder catch-all described as %q", desc)
	}
	desc, _ = model(`{"value": "Other", "p": 0.5}, {"value": "Unknown", "p": 0.5}`).coarsening("sex")
	if !strings.Contains(desc, "2 rarer values pooled into one category") {
		t.Errorf("declared rare bucket described as %q", desc)
	}
}

// TestUnverifiedDPNotClaimed: a model whose ρ needs a larger δ than it
// states (ρ = 0.02 at ε = 1 needs δ ≈ 8.8e-8, not 1e-9) gets no "Formal
// guarantee" in the summary, and the conversion does not say "Together".
func TestUnverifiedDPNotClaimed(t *testing.T) {
	eps := 1.0
	for _, tc := range []struct {
		rho      float64
		verified bool
		sentence string
		together bool
	}{
		{0.0149, true, "Formal guarantee: (ε = 1, δ = 1e-09)-differential privacy", true},
		{0.02, false, "no verified differential privacy", false},
	} {
		b := &builder{r: &Report{Release: "synthetic"}, orig: &frame{rows: 1000}}
		b.r.Privacy.DP = DP{Epsilon: &eps, Delta: 1e-9, Source: "synth model"}
		b.synth = &synthModel{Raw: map[string]any{
			"columns": []any{map[string]any{"name": "sex", "treatment": "model", "sigma": 1.2}},
			"privacy": map[string]any{"rho": tc.rho, "budget": []any{map[string]any{"step": "1-way marginals", "rho": tc.rho, "sigma": 1.0}}},
		}}
		b.dpNoise()
		d := b.r.Privacy.DP
		g := b.guaranteeSentence()
		if d.Unverified == tc.verified || !strings.Contains(g, tc.sentence) || strings.Contains(d.Conversion, "Together") != tc.together {
			t.Errorf("ρ = %v: unverified %v, sentence %q, conversion %q", tc.rho, d.Unverified, g, d.Conversion)
		}
		if !tc.verified && strings.Contains(g, "Formal guarantee") {
			t.Errorf("ρ = %v: an unverified guarantee is claimed: %q", tc.rho, g)
		}
	}
}

// TestMissesNameMembership: a membership AUC above its reference is among
// the misses of the summary.
func TestMissesNameMembership(t *testing.T) {
	b := &builder{r: &Report{Release: "synthetic"}}
	b.r.Privacy.Membership = &Membership{Figures: []Figure{newFigure("membership_auc", "Membership inference AUC", 0.601324, true, "<=", ref(0.6), "auc", "", "")}}
	if m := b.missesSentence(); !strings.Contains(m, "membership: membership inference AUC 0.601") {
		t.Errorf("misses sentence %q, want the membership AUC", m)
	}
}

// TestIsHIPAAPolicy: the template is recognised by the description it
// writes, not by a mention of HIPAA.
func TestIsHIPAAPolicy(t *testing.T) {
	tpl := policies.LookupTemplate("hipaa-safe-harbor")
	for desc, want := range map[string]bool{
		tpl.Description:                   true,
		"not a HIPAA Safe Harbor release": false,
		"safe-harbor export":              false,
	} {
		if got := isHIPAAPolicy(&policies.Policy{Description: desc, Path: "hipaa.yaml"}); got != want {
			t.Errorf("isHIPAAPolicy(%q) = %v, want %v", desc, got, want)
		}
	}
}
