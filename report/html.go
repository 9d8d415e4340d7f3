package report

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io"
	"math"
	"slices"
	"sync"
	"time"
)

// The page is report.html.tmpl; a section that has grown its own
// template lives in a section_*.html.tmpl file as a {{define}} block.
//
//go:embed report.html.tmpl section_*.html.tmpl
var pageFiles embed.FS

// page is parsed on first use, not at every command's start-up.
var page = sync.OnceValue(func() *template.Template { return template.Must(newPage()) })

func newPage() (*template.Template, error) {
	return template.New("report.html.tmpl").Funcs(template.FuncMap{
		"figval":    figValue,
		"threshold": figThreshold,
		"meets":     figMeets,
		"num": func(v any) string {
			var f float64
			switch x := v.(type) {
			case float64:
				f = x
			case Float:
				f = float64(x)
			case int:
				f = float64(x)
			default:
				return "—"
			}
			if math.IsNaN(f) {
				return "—"
			}
			return trimFloat(roundSig(f, 4))
		},
		"numptr": func(v *float64) string {
			if v == nil || math.IsNaN(*v) {
				return "—"
			}
			return trimFloat(roundSig(*v, 4))
		},
		"pct": pct,
		// lossMeaning explains an information-loss metric of the anonymize
		// report to a reader who does not know ARX's names.
		"lossMeaning": func(k string) string {
			return map[string]string{
				"entropy":        "information removed by generalization (ARX's monotonic non-uniform entropy, in bits; lower keeps more)",
				"loss":           "share of the values' detail removed (Iyengar's loss: 0 = none, 1 = all; a suppressed value loses all)",
				"discernibility": "sum over records of the size of their class, suppressed records counting the whole table (lower is finer)",
				"precision":      "average generalization level as a share of each hierarchy's height (Sweeney: 0 = original values, 1 = fully generalized)",
				"aecs":           "average class size in records (suppressed records count as one class; closer to k keeps more detail)",
				"ncp":            "share of the quasi-identifiers' ranges each record loses (normalized certainty penalty: 0 to 1)",
			}[k]
		},
		// has reports whether list holds s (a summary sentence shown as a
		// warning above is not repeated below it).
		"has":  func(list []string, s string) bool { return slices.Contains(list, s) },
		"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"rows": func(n *int64) string {
			if n == nil {
				return "—"
			}
			return trimFloat(float64(*n))
		},
		"intptr": func(n *int) string {
			if n == nil {
				return "—"
			}
			return trimFloat(float64(*n))
		},
		"gateval": func(g Gate) string {
			if g.Value == nil {
				return "not measured"
			}
			return trimFloat(roundSig(*g.Value, 4))
		},
	}).ParseFS(pageFiles, "report.html.tmpl", "section_*.html.tmpl")
}

func figValue(f Figure) string {
	if f.Value == nil && f.ID == "epsilon" {
		return "none" // no DP recorded is a finding, not a gap in the measures
	}
	if f.Value == nil {
		return "not measured"
	}
	s := figNumber(f, *f.Value)
	if f.GateValue != nil {
		// The gate compares the interval's upper end: show it beside the
		// point estimate, or a PASS/FAIL would not follow from the value.
		s += " (gate compares the 95% upper bound, " + figNumber(f, *f.GateValue) + ")"
	}
	return s
}

// figNumber formats a value of the figure's unit.
func figNumber(f Figure, v float64) string {
	switch f.Unit {
	case "share":
		return pct(v)
	case "rows", "values":
		return trimFloat(roundSig(v, 6))
	}
	return trimFloat(roundSig(v, 3))
}

func figThreshold(f Figure) string {
	if f.Threshold == nil {
		return "—"
	}
	v := *f.Threshold
	s := trimFloat(roundSig(v, 3))
	if f.Unit == "share" {
		s = pct(v)
	}
	return f.Op + " " + s
}

func figMeets(f Figure) string {
	switch {
	case f.Meets == nil:
		return "na"
	case *f.Meets:
		return "pass"
	}
	return "fail"
}

// view is what the page template renders: the report and its charts.
type view struct {
	R           *Report
	Marginals   []template.HTML
	Heatmaps    []template.HTML
	ClassChart  template.HTML
	RiskChart   template.HTML
	DCRChart    template.HTML
	ReportJSON  string
	FailedGates int
	PassedGates int
}

// WriteHTML renders the report as one self-contained HTML page: inline CSS
// and SVG, no script, no external resource. The same report gives the same
// bytes.
func WriteHTML(w io.Writer, r *Report) error {
	v := view{R: r}
	for _, m := range r.Utility.Marginals {
		v.Marginals = append(v.Marginals, barsSVG(m.Column+" (TVD "+trimFloat(roundSig(m.TVD, 2))+")", m.Bins, m.Original, m.Released, m.NoiseCI, "original", "released"))
	}
	if c := r.Utility.Correlations; c != nil {
		d := absDiff(floats(c.Original), floats(c.Released))
		v.Heatmaps = append(v.Heatmaps,
			heatmapSVG("Original", c.Columns, floats(c.Original), false, 1),
			heatmapSVG("Released", c.Columns, floats(c.Released), false, 1),
			heatmapSVG("Difference |original − released|", c.Columns, d, true, diffScale(d)))
	}
	if so := r.Privacy.SinglingOut; len(so.ClassSizes) > 0 {
		v.ClassChart, v.RiskChart = classChart(r), riskChart(r)
	}
	if l := r.Privacy.Linkability; len(l.DCRTrain) > 0 {
		labels, a, _ := bandShares(l.DCRTrain, nil)
		var b []float64
		name := ""
		if len(l.DCRHoldout) > 0 {
			_, b, _ = bandShares(l.DCRHoldout, nil)
			name = "to holdout rows"
		}
		v.DCRChart = columnsSVG("Distance of released rows to the closest real row", labels, a, b, "to training rows", name, "share of released rows")
	}
	var buf bytes.Buffer
	if err := page().Execute(&buf, v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// diffScale is the colour scale of the difference heatmap: the largest
// difference rounded up to 0.05, 0.1, 0.2, 0.5 or 1, so that small
// differences stay visible and the legend says what full red means.
func diffScale(d [][]float64) float64 {
	mx := 0.0
	for _, r := range d {
		for _, v := range r {
			if !math.IsNaN(v) {
				mx = math.Max(mx, v)
			}
		}
	}
	for _, s := range []float64{0.05, 0.1, 0.2, 0.5} {
		if mx <= s {
			return s
		}
	}
	return 1
}

// bandShares returns band labels and the share of rows in each band.
func bandShares(a, b []Band) ([]string, []float64, []float64) {
	labels := make([]string, len(a))
	sa := make([]float64, len(a))
	var sb []float64
	for i, x := range a {
		labels[i] = x.Label
		sa[i] = float64(x.Rows)
	}
	normalise(sa)
	if b != nil {
		sb = make([]float64, len(b))
		for i, x := range b {
			sb[i] = float64(x.Rows)
		}
		normalise(sb)
	}
	return labels, sa, sb
}

func absDiff(a, b [][]float64) [][]float64 {
	out := make([][]float64, len(a))
	for i := range a {
		out[i] = make([]float64, len(a[i]))
		for j := range a[i] {
			out[i][j] = math.Abs(a[i][j] - b[i][j])
		}
	}
	return out
}

// WriteJSON writes the report as indented JSON (schema veil.report/v1).
// NaN values never occur in it: unmeasured figures are null.
func WriteJSON(w io.Writer, r *Report) error {
	b, err := MarshalJSON(r)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// MarshalJSON returns the report as indented JSON with a final newline.
func MarshalJSON(r *Report) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
