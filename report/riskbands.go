package report

import (
	"fmt"
	"html/template"
	"math"
)

// Records by prosecutor-risk band (compliance reference §2.3.6: "records
// by risk band with a threshold line"). A record's prosecutor risk is
// 1/size of its class: the chance that someone who knows the person is in
// the table, and knows their quasi-identifiers, picks out their record.

// riskBands counts the records and classes of each risk band. The bands
// are (Lo, Hi]: ≤ 1 %, 1–5 %, 5–10 %, 10–20 %, 20–50 %, > 50 %.
func riskBands(sizes []int) []Band {
	edges := []struct {
		label  string
		lo, hi float64
	}{{"≤1%", 0, 0.01}, {"1–5%", 0.01, 0.05}, {"5–10%", 0.05, 0.1}, {"10–20%", 0.1, 0.2}, {"20–50%", 0.2, 0.5}, {">50%", 0.5, 1}}
	b := make([]Band, len(edges))
	for i, e := range edges {
		b[i] = Band{Label: e.label, Lo: e.lo, Hi: e.hi}
	}
	for _, n := range sizes {
		risk := 1 / float64(n)
		for i := range b {
			if risk <= b[i].Hi {
				b[i].Rows += n
				b[i].Count++
				break
			}
		}
	}
	return b
}

// classChart draws the class-size histogram with a line at the k the
// smallest-class figure is held to (gate, policy target or reference).
func classChart(r *Report) template.HTML {
	so := r.Privacy.SinglingOut
	labels, a, b := bandShares(so.OriginalClassSizes, so.ClassSizes)
	var mark *chartMark
	if f := r.Figure("min_class_size"); f != nil && f.Threshold != nil {
		k := *f.Threshold
		mark = bandMark(so.ClassSizes, k, true, fmt.Sprintf("k = %s (%s)", trimFloat(k), sourceWord(f.Source)))
	}
	return columnsMarkedSVG("Records by size of their class", labels, a, b, "original", "released", "share of records", mark)
}

// riskChart draws records by risk band with a line at the highest risk the
// prosecutor-risk figure is held to. It is empty without risk bands.
func riskChart(r *Report) template.HTML {
	so := r.Privacy.SinglingOut
	if len(so.RiskBands) == 0 {
		return ""
	}
	labels, a, b := bandShares(so.OriginalRiskBands, so.RiskBands)
	var mark *chartMark
	if f := r.Figure("prosecutor_risk_max"); f != nil && f.Threshold != nil {
		t := *f.Threshold
		mark = bandMark(so.RiskBands, t, false, fmt.Sprintf("max risk %s (%s)", pct(t), sourceWord(f.Source)))
	}
	return columnsMarkedSVG("Records by prosecutor risk (1 / class size)", labels, a, b, "original", "released", "share of records", mark)
}

// bandMark places v on a chart of bands: in slot i when it falls in band
// i, at its place inside the band. Integer bands ([Lo, Hi] class sizes)
// give a value its own unit, so that k = 5 sits at the left edge of
// "5-9"; risk bands are (Lo, Hi], so that 20 % sits at the right edge of
// "10–20%". It returns nil when v falls in no band.
func bandMark(bands []Band, v float64, integer bool, label string) *chartMark {
	for i, b := range bands {
		switch {
		case integer && v >= b.Lo && v <= b.Hi:
			frac := 0.5
			if !math.IsInf(b.Hi, 1) {
				frac = (v - b.Lo) / (b.Hi - b.Lo + 1)
			}
			if v == b.Lo {
				frac = 0
			}
			return &chartMark{Pos: float64(i) + frac, Label: label}
		case !integer && v > b.Lo && v <= b.Hi:
			return &chartMark{Pos: float64(i) + (v-b.Lo)/(b.Hi-b.Lo), Label: label}
		case !integer && i == 0 && v <= b.Lo:
			return &chartMark{Pos: 0, Label: label}
		}
	}
	return nil
}

// sourceWord names a threshold's source in a chart label.
func sourceWord(source string) string {
	switch {
	case source == "gate":
		return "gate"
	case source == "reference":
		return "reference"
	case source != "":
		return "policy"
	}
	return "threshold"
}
