package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// The charts are small SVG drawings written by hand: no script, no external
// resource, the same bytes for the same report. Every number is formatted
// with a fixed precision so that output does not depend on float printing.

// Chart colours: the original in a muted blue, the release in orange
// (distinguishable in colour-blind palettes and in greyscale print).
const (
	colOriginal = "#4c78a8"
	colReleased = "#f58518"
	colGrid     = "#d0d0d0"
	colText     = "#222"
)

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

func esc(s string) string { return html.EscapeString(s) }

// shorten cuts a label to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// barsSVG draws a horizontal grouped bar chart: one row per label, a bar
// for each series (shares in [0,1]). title is drawn above. ci, when not
// nil, holds per label the half-width of a 95% interval around a (NaN for
// none), drawn as a whisker over b's bar: b inside it is within the noise.
func barsSVG(title string, labels []string, a, b []float64, ci []Float, nameA, nameB string) template.HTML {
	const (
		w      = 330.0
		left   = 118.0
		right  = 44.0
		top    = 34.0
		rowH   = 16.0
		barH   = 6.0
		bottom = 8.0
	)
	h := top + rowH*float64(len(labels)) + bottom
	maxV := 0.0
	for i := range labels {
		maxV = math.Max(maxV, math.Max(a[i], b[i]))
		if ci != nil && !math.IsNaN(float64(ci[i])) {
			maxV = math.Max(maxV, a[i]+float64(ci[i]))
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	plotW := w - left - right
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`, f1(w), f1(h), f1(w), f1(h), esc(title))
	fmt.Fprintf(&sb, `<text x="4" y="13" font-size="12" font-weight="bold" fill="%s">%s</text>`, colText, esc(shorten(title, 46)))
	fmt.Fprintf(&sb, `<rect x="%s" y="19" width="9" height="7" fill="%s"/><text x="%s" y="26" font-size="9" fill="%s">%s</text>`, f1(left), colOriginal, f1(left+12), colText, esc(nameA))
	fmt.Fprintf(&sb, `<rect x="%s" y="19" width="9" height="7" fill="%s"/><text x="%s" y="26" font-size="9" fill="%s">%s</text>`, f1(left+80), colReleased, f1(left+92), colText, esc(nameB))
	fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, f1(left), f1(top-2), f1(left), f1(h-bottom), colGrid)
	for i, l := range labels {
		y := top + rowH*float64(i)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="9" text-anchor="end" fill="%s"><title>%s</title>%s</text>`, f1(left-4), f1(y+10), colText, esc(l), esc(shorten(l, 22)))
		wa := plotW * a[i] / maxV
		wb := plotW * b[i] / maxV
		fmt.Fprintf(&sb, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`, f1(left), f1(y+1), f1(wa), f1(barH), colOriginal, esc(nameA), pct(a[i]))
		fmt.Fprintf(&sb, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`, f1(left), f1(y+1+barH), f1(wb), f1(barH), colReleased, esc(nameB), pct(b[i]))
		end := math.Max(wa, wb)
		if ci != nil && !math.IsNaN(float64(ci[i])) {
			lo, hi := plotW*math.Max(a[i]-float64(ci[i]), 0)/maxV, plotW*(a[i]+float64(ci[i]))/maxV
			yc := y + 1 + 1.5*barH
			fmt.Fprintf(&sb, `<g stroke="%s" stroke-width="1"><title>original %s ± %s (95%% DP noise of the measured count)</title><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%s" x2="%s" y2="%s"/></g>`,
				colText, pct(a[i]), pct(float64(ci[i])), f1(left+lo), f1(yc), f1(left+hi), f1(yc),
				f1(left+lo), f1(yc-3), f1(left+lo), f1(yc+3), f1(left+hi), f1(yc-3), f1(left+hi), f1(yc+3))
			end = math.Max(end, hi)
		}
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="8" fill="#555">%s</text>`, f1(left+end+3), f1(y+10), pct(b[i]))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// columnsSVG draws a vertical grouped bar chart of two series over bands.
func columnsSVG(title string, labels []string, a, b []float64, nameA, nameB, yLabel string) template.HTML {
	return columnsMarkedSVG(title, labels, a, b, nameA, nameB, yLabel, nil)
}

// chartMark is a threshold line across a column chart: at Pos slots from
// the left (slot i spans [i, i+1)), labelled Label.
type chartMark struct {
	Pos   float64
	Label string
}

// columnsMarkedSVG is columnsSVG with an optional threshold line.
func columnsMarkedSVG(title string, labels []string, a, b []float64, nameA, nameB, yLabel string, mark *chartMark) template.HTML {
	const (
		w      = 460.0
		h      = 220.0
		left   = 44.0
		right  = 10.0
		top    = 34.0
		bottom = 44.0
	)
	maxV := 0.0
	for i := range labels {
		maxV = math.Max(maxV, a[i])
		if b != nil {
			maxV = math.Max(maxV, b[i])
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	plotW, plotH := w-left-right, h-top-bottom
	slot := plotW / float64(max(1, len(labels)))
	bw := slot * 0.38
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`, f1(w), f1(h), f1(w), f1(h), esc(title))
	fmt.Fprintf(&sb, `<text x="4" y="13" font-size="12" font-weight="bold" fill="%s">%s</text>`, colText, esc(title))
	fmt.Fprintf(&sb, `<rect x="%s" y="19" width="9" height="7" fill="%s"/><text x="%s" y="26" font-size="9" fill="%s">%s</text>`, f1(left), colOriginal, f1(left+12), colText, esc(nameA))
	if b != nil {
		fmt.Fprintf(&sb, `<rect x="%s" y="19" width="9" height="7" fill="%s"/><text x="%s" y="26" font-size="9" fill="%s">%s</text>`, f1(left+120), colReleased, f1(left+132), colText, esc(nameB))
	}
	for k := 0; k <= 4; k++ {
		v := maxV * float64(k) / 4
		y := top + plotH - plotH*float64(k)/4
		fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="0.5"/>`, f1(left), f1(y), f1(w-right), f1(y), colGrid)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="8" text-anchor="end" fill="#555">%s</text>`, f1(left-3), f1(y+3), pct(v))
	}
	fmt.Fprintf(&sb, `<text x="10" y="%s" font-size="9" fill="#555" transform="rotate(-90 10 %s)" text-anchor="middle">%s</text>`, f1(top+plotH/2), f1(top+plotH/2), esc(yLabel))
	for i, l := range labels {
		x := left + slot*float64(i) + slot*0.1
		ha := plotH * a[i] / maxV
		fmt.Fprintf(&sb, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s: %s</title></rect>`, f1(x), f1(top+plotH-ha), f1(bw), f1(ha), colOriginal, esc(nameA), esc(l), pct(a[i]))
		if b != nil {
			hb := plotH * b[i] / maxV
			fmt.Fprintf(&sb, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s: %s</title></rect>`, f1(x+bw), f1(top+plotH-hb), f1(bw), f1(hb), colReleased, esc(nameB), esc(l), pct(b[i]))
		}
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="9" text-anchor="middle" fill="%s">%s</text>`, f1(x+bw), f1(top+plotH+12), colText, esc(l))
	}
	fmt.Fprintf(&sb, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>`, f1(left), f1(top+plotH), f1(w-right), f1(top+plotH))
	if mark != nil {
		x := left + slot*mark.Pos
		// The label sits on the side with more room.
		anchor, dx := "start", 3.0
		if mark.Pos > float64(len(labels))/2 {
			anchor, dx = "end", -3
		}
		fmt.Fprintf(&sb, `<line class="threshold" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#c62828" stroke-width="1.5" stroke-dasharray="4 3"><title>%s</title></line>`,
			f1(x), f1(top-4), f1(x), f1(top+plotH), esc(mark.Label))
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="9" font-weight="bold" text-anchor="%s" fill="#c62828">%s</text>`, f1(x+dx), f1(top+6), anchor, esc(mark.Label))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// heatmapSVG draws a matrix of values in [0, scale] (NaN blank) as
// coloured cells: white to blue for associations, white to red for
// differences (diff).
func heatmapSVG(title string, names []string, m [][]float64, diff bool, scale float64) template.HTML {
	n := len(names)
	cell := math.Min(24, 260/float64(max(n, 1)))
	left, top := 104.0, 112.0
	w := left + cell*float64(n) + 70 // room for the last rotated label
	h := top + cell*float64(n) + 26
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s">`, f1(w), f1(h), f1(w), f1(h), esc(title))
	fmt.Fprintf(&sb, `<text x="4" y="13" font-size="12" font-weight="bold" fill="%s">%s</text>`, colText, esc(title))
	for j, name := range names {
		x := left + cell*float64(j) + cell/2
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="9" fill="%s" transform="rotate(-50 %s %s)">%s</text>`, f1(x), f1(top-4), colText, f1(x), f1(top-4), esc(shorten(name, 16)))
	}
	for i, name := range names {
		y := top + cell*float64(i)
		fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="9" text-anchor="end" fill="%s">%s</text>`, f1(left-4), f1(y+cell/2+3), colText, esc(shorten(name, 18)))
		for j := range names {
			v := m[i][j]
			x := left + cell*float64(j)
			fill := "#ffffff"
			label := "n/a"
			if !math.IsNaN(v) {
				fill = shade(math.Max(0, math.Min(1, v/scale)), diff)
				label = fmt.Sprintf("%.2f", v)
			}
			fmt.Fprintf(&sb, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#fff" stroke-width="0.5"><title>%s × %s: %s</title></rect>`,
				f1(x), f1(y), f1(cell), f1(cell), fill, esc(names[i]), esc(names[j]), label)
		}
	}
	// Legend.
	ly := top + cell*float64(n) + 10
	for k := 0; k <= 10; k++ {
		fmt.Fprintf(&sb, `<rect x="%s" y="%s" width="10" height="8" fill="%s"/>`, f1(left+float64(k)*10), f1(ly), shade(float64(k)/10, diff))
	}
	fmt.Fprintf(&sb, `<text x="%s" y="%s" font-size="8" text-anchor="end" fill="#555">0</text><text x="%s" y="%s" font-size="8" fill="#555">%s</text>`, f1(left-3), f1(ly+7), f1(left+113), f1(ly+7), trimFloat(scale))
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// shade maps v in [0,1] to a colour from white to blue (or red).
func shade(v float64, red bool) string {
	r0, g0, b0 := 255.0, 255.0, 255.0
	r1, g1, b1 := 33.0, 102.0, 172.0
	if red {
		r1, g1, b1 = 202.0, 0.0, 32.0
	}
	mix := func(a, z float64) int { return int(math.Round(a + (z-a)*v)) }
	return fmt.Sprintf("#%02x%02x%02x", mix(r0, r1), mix(g0, g1), mix(b0, b1))
}
