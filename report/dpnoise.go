package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/veil-data/veil/synth"
)

// The noise behind a DP release, in the unit of each statistic: per step
// of a DP synth model (ρ, σ, what it measured) and per noised column of an
// anonymized release (ε, bounds, scale), each with its 95% interval, and one
// plain sentence made from those figures (design §2.4: "each count is
// within ±3 of the truth with 95% probability"). Everything is read from
// the model file or the anonymize report: the noise itself is never
// reproducible, but what it was drawn from is recorded there.

// z95 is the 0.975 quantile of the standard normal: Gaussian noise
// N(0, σ²) lies within ±1.96σ with 95% probability.
const z95 = 1.959963984540054

// laplace95 is ln 20: Laplace noise of scale b exceeds t in absolute value
// with probability e^(−t/b), so it lies within ±b·ln 20 with 95%
// probability.
var laplace95 = math.Log(20)

// ci95 returns the half-width of the 95% interval of one noisy value.
func ci95(mechanism string, scale float64) float64 {
	if strings.EqualFold(mechanism, "laplace") {
		return laplace95 * scale
	}
	return z95 * scale
}

// ceilSig rounds v up to n significant digits: an interval stated as
// "within ±N" must not be narrower than the one computed. The result is a
// whole multiple of a power of ten, computed so that it prints exactly
// (3000000, not 2.9999999999999995e+06).
func ceilSig(v float64, n int) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	e := int(math.Ceil(math.Log10(v))) - n // v < 10^(e+n)
	if e >= 0 {
		unit := math.Pow(10, float64(e))
		return math.Ceil(v/unit-1e-9) * unit
	}
	scale := math.Pow(10, float64(-e))
	return math.Ceil(v*scale-1e-9) / scale
}

// plusMinus formats a 95% half-width for a sentence: whole counts rounded
// up (a count is within ±140), other units to two significant digits up,
// written out in digits (±3000000, ±0.013).
func plusMinus(v float64, counts bool) string {
	if counts && v >= 1 {
		return fmt.Sprintf("±%d", int64(math.Ceil(v)))
	}
	return "±" + strconv.FormatFloat(ceilSig(v, 2), 'f', -1, 64)
}

// dpNoise fills the noise figures of the release's DP accounting (b.dp
// chose the source) and the error bars of the marginals.
func (b *builder) dpNoise() {
	d := &b.r.Privacy.DP
	switch {
	case d.Epsilon == nil:
	case d.Source == "synth model" && b.synth != nil:
		b.synthNoise(d)
	case d.Source == "anonymize report" && b.anon != nil:
		b.anonNoise(d)
	}
}

// modelSigmas returns the σ of each modelled column's noisy 1-way counts
// (model files from before veil recorded them have none).
func (b *builder) modelSigmas() map[string]float64 {
	out := map[string]float64{}
	cols, _ := b.synth.Raw["columns"].([]any)
	for _, v := range cols {
		if c, ok := v.(map[string]any); ok {
			if s := getNum(c, "sigma"); s != nil && *s > 0 {
				out[getStr(c, "name")] = *s
			}
		}
	}
	return out
}

func (b *builder) synthNoise(d *DP) {
	priv := getMap(b.synth.Raw, "privacy")
	if priv == nil {
		return
	}
	if v := getNum(priv, "rho"); v != nil {
		d.Rho = *v
	}
	if v := getNum(priv, "domain_delta"); v != nil {
		d.DomainDelta = *v
	}
	var steps []BudgetPart
	var sumRho, oneWay float64
	if list, ok := priv["budget"].([]any); ok {
		for _, x := range list {
			o, ok := x.(map[string]any)
			if !ok {
				continue
			}
			p := BudgetPart{What: getStr(o, "step")}
			if v := getNum(o, "rho"); v != nil {
				p.Rho = *v
				sumRho += *v
			}
			if v := getNum(o, "share"); v != nil {
				p.Share = *v
			}
			if v := getNum(o, "measurements"); v != nil {
				p.Measurements = int(*v)
			}
			if v := getNum(o, "sigma"); v != nil && *v > 0 {
				p.Mechanism, p.Sigma = "Gaussian", *v
				p.CI95, p.Unit = ci95("gaussian", *v), "rows (count)"
				if strings.HasPrefix(p.What, "1-way") {
					oneWay = *v
				}
			}
			if v := getNum(o, "epsilon"); v != nil && *v > 0 {
				// ε₀ of each selection, not the step's ε: the step is
				// accounted in ρ like the others.
				p.Mechanism, p.SelectionEpsilon = "exponential", *v
			}
			steps = append(steps, p)
		}
	}
	if len(steps) > 0 {
		d.Split = steps
	}
	var measuredMax float64
	if list, ok := priv["measured"].([]any); ok {
		for _, x := range list {
			o, ok := x.(map[string]any)
			if !ok {
				continue
			}
			mn := MeasuredNoise{}
			if cs, ok := o["columns"].([]any); ok {
				for _, c := range cs {
					if s, ok := c.(string); ok {
						mn.Columns = append(mn.Columns, s)
					}
				}
			}
			if v := getNum(o, "sigma"); v != nil {
				mn.Sigma, mn.CI95 = *v, ci95("gaussian", *v)
				measuredMax = math.Max(measuredMax, *v)
			}
			d.Measured = append(d.Measured, mn)
		}
	}
	d.Conversion, d.Unverified = conversion(*d.Epsilon, d.Delta, d.Rho, d.DomainDelta, sumRho)

	// The sentence: the largest σ of the one-column counts (per column
	// when the model records it, else the step's, which is their largest)
	// and of the measured pairs and triples.
	sigmas := b.modelSigmas()
	for _, s := range sigmas {
		oneWay = math.Max(oneWay, s)
	}
	if oneWay == 0 {
		return
	}
	s := fmt.Sprintf("The counts the synthetic model was fitted on include random noise (ε = %s per row", trimFloat(roundSig(*d.Epsilon, 3)))
	if d.Delta > 0 {
		s += fmt.Sprintf(", δ = %s", trimFloat(d.Delta))
	}
	s += fmt.Sprintf("): each count of one column's values is within %s of the truth with 95%% probability", plusMinus(ci95("gaussian", oneWay), true))
	if measuredMax > 0 {
		s += fmt.Sprintf(", each count of a combination of two or three columns within %s", plusMinus(ci95("gaussian", measuredMax), true))
	}
	if b.orig != nil && b.orig.rows > 0 {
		s += fmt.Sprintf(" (the original has %d rows)", b.orig.rows)
	}
	d.Plain = s + "."
	b.marginalNoise(sigmas)
}

// conversion says in words how the steps' ρ gives the release's (ε, δ),
// and checks it: ρ-zCDP implies (ε, δ_ρ)-DP with δ_ρ from Canonne, Kamath
// and Steinke (2020, Proposition 12); δ_ρ and the domain δ must fit in δ.
// unverified is set when they do not, or the steps do not add up to ρ.
func conversion(eps, delta, rho, domainDelta, sumRho float64) (s string, unverified bool) {
	if rho <= 0 {
		return "", false
	}
	dRho := synth.CDPDelta(rho, eps)
	s = fmt.Sprintf("The steps are measured in zero-concentrated differential privacy (zCDP), whose budgets ρ add up: total ρ = %s. ", trimFloat(roundSig(rho, 4)))
	if math.Abs(sumRho-rho) > 1e-6*rho {
		s += fmt.Sprintf("(The steps listed add up to %s, not to the total: the model file is inconsistent.) ", trimFloat(roundSig(sumRho, 4)))
		unverified = true
	}
	s += fmt.Sprintf("ρ-zCDP implies (ε, δ)-differential privacy (Canonne, Kamath and Steinke 2020, Proposition 12): ρ = %s gives ε = %s with δ = %s",
		trimFloat(roundSig(rho, 4)), trimFloat(roundSig(eps, 4)), trimFloat(roundSig(dRho, 2)))
	if domainDelta > 0 {
		s += fmt.Sprintf("; another δ = %s covers category values released by noisy thresholding (a value held by a single row may pass the threshold)", trimFloat(domainDelta))
	}
	if dRho+domainDelta > delta*(1+1e-6) {
		unverified = true
		s += fmt.Sprintf(". The model states (ε = %s, δ = %s)-differential privacy, but recomputed, ρ and the domain δ need δ = %s, more than that: treat the stated guarantee as unverified.",
			trimFloat(roundSig(eps, 4)), trimFloat(delta), trimFloat(roundSig(dRho+domainDelta, 3)))
		return s, unverified
	}
	s += fmt.Sprintf(". Together: (ε = %s, δ = %s)-differential privacy, one row as the unit of privacy.", trimFloat(roundSig(eps, 4)), trimFloat(delta))
	if unverified {
		s += " Since the steps do not add up, treat the stated guarantee as unverified."
	}
	return s, unverified
}

// marginalNoise sets the error bars of the categorical marginals of a DP
// synthetic release: each named category's bar is one noisy count of the
// model's 1-way measurement, N(0, σ²) with the column's σ.
func (b *builder) marginalNoise(sigmas map[string]float64) {
	if b.orig == nil || b.orig.rows == 0 || len(sigmas) == 0 {
		return
	}
	numeric := map[string]bool{}
	for _, s := range b.specs {
		numeric[s.name] = s.numeric
	}
	shown := false
	for i := range b.r.Utility.Marginals {
		m := &b.r.Utility.Marginals[i]
		sigma := sigmas[m.Column]
		if sigma == 0 || numeric[m.Column] {
			continue // numeric bars span several fine cells of the model
		}
		ci := make([]Float, len(m.Bins))
		for k, label := range m.Bins {
			ci[k] = Float(math.NaN())
			if pooledBin(label) {
				continue
			}
			ci[k] = Float(ci95("gaussian", sigma) / float64(b.orig.rows))
		}
		m.NoiseCI = ci
		shown = true
	}
	if shown {
		b.r.Utility.NoiseNote = "Whiskers on the released bars of categorical columns: the original's share ± the 95% interval of the differential-privacy noise on the count the model measured for that category (1.96σ / rows, with the column's σ from the model). A released bar ending inside its whisker differs from the original by no more than that noise can explain. The whisker covers the noise of that one measurement only: the model combines it with other noisy measurements, and sampling the synthetic rows adds its own error, which it does not show. Numeric columns and pooled bars have none: they are not single measured counts."
	}
}

// pooledBin reports whether a marginal's bar pools several categories: the
// chart's bar of rare categories, the model's "(other)" category, or a
// fully masked code.
func pooledBin(label string) bool {
	return label == "other, rare or null" || label == synth.OtherText || (label != "" && strings.Trim(label, "*") == "")
}

// anonNoise reads the noised columns of an anonymized release: each
// value was clamped to [lower, upper] and noised on its own.
func (b *builder) anonNoise(d *DP) {
	dp := getMap(b.anon.Raw, "differential_privacy", "epsilon_accounting", "dp")
	if dp == nil {
		return
	}
	list, _ := dp["columns"].([]any)
	var parts []BudgetPart
	for _, x := range list {
		o, ok := x.(map[string]any)
		if !ok {
			continue
		}
		mech := getStr(o, "mechanism")
		p := BudgetPart{What: getStr(o, "name", "column"), Mechanism: mechanismName(mech), Lower: getNum(o, "lower"), Upper: getNum(o, "upper"), Unit: "column's unit"}
		if v := getNum(o, "epsilon"); v != nil {
			p.Epsilon = *v
		}
		if v := getNum(o, "delta"); v != nil {
			p.Delta = *v
		}
		if v := getNum(o, "scale"); v != nil && *v > 0 {
			p.Sigma, p.CI95 = *v, ci95(mech, *v)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return
	}
	d.Split = parts
	var names, eps, within []string
	for _, p := range parts {
		names = append(names, p.What)
		eps = append(eps, trimFloat(roundSig(p.Epsilon, 3)))
		w := plusMinus(p.CI95, false)
		if p.Lower != nil && p.Upper != nil {
			w += fmt.Sprintf(" (%s, clamped to [%s, %s] first)", p.What, trimFloat(*p.Lower), trimFloat(*p.Upper))
		} else {
			w += " (" + p.What + ")"
		}
		within = append(within, w)
	}
	d.Plain = fmt.Sprintf("Each value of %s includes random noise (ε = %s per row); each noised value is within %s of its true value with 95%% probability.",
		listNames(names), listNames(eps), listNames(within))
}

func mechanismName(m string) string {
	switch strings.ToLower(m) {
	case "laplace":
		return "Laplace"
	case "gaussian":
		return "Gaussian"
	}
	return m
}
