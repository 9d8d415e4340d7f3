package report_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/report"
)

// The tests of this file and intruder_test.go recompute t-closeness, the
// linkage simulation and the chart lines with plain maps over the texts of the files they write:
// no code of the report is used to get the expected figures.

// people returns a small table: zip, age, sex, occupation (quasi-
// identifiers), diagnosis and income (sensitive).
func people(n int, seed uint64) (header []string, rows [][]string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	header = []string{"zip", "age", "sex", "occupation", "diagnosis", "income"}
	occ := []string{"nurse", "clerk", "driver", "teacher", "farmer", "cook"}
	diag := []string{"A01", "B20", "C34", "D50", "E11"}
	for range n {
		rows = append(rows, []string{
			strconv.Itoa(10000 + 37*rng.IntN(40)), strconv.Itoa(18 + rng.IntN(63)), []string{"F", "M"}[rng.IntN(2)],
			occ[rng.IntN(len(occ))], diag[rng.IntN(len(diag))], strconv.Itoa(1 + rng.IntN(20))})
	}
	return header, rows
}

// coarsen is the test's own anonymizer: zip to 3 digits, age to decades.
func coarsen(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		age, _ := strconv.Atoi(r[1])
		d := age / 10 * 10
		out[i] = append([]string{r[0][:3] + "**", fmt.Sprintf("%d-%d", d, d+9)}, r[2:]...)
	}
	return out
}

func buildAnon(t *testing.T, header []string, orig, rel [][]string, pol *policies.Policy, synthetic bool) *report.Report {
	t.Helper()
	dir := t.TempDir()
	in := report.Inputs{Original: report.Source{Path: writeCSV(t, filepath.Join(dir, "o.csv"), header, orig)},
		Released: report.Source{Path: writeCSV(t, filepath.Join(dir, "r.csv"), header, rel)}, Policy: pol}
	opt := fixedOptions()
	if pol == nil {
		opt.Quasi = []string{"zip", "age", "sex", "occupation"}
		opt.Sensitive = []string{"diagnosis", "income"}
		in.AnonReportJSON = []byte(`{}`)
	}
	if synthetic {
		model := filepath.Join(dir, "model.json")
		os.WriteFile(model, []byte(`{"method": "test"}`), 0o644)
		in.SynthModel, in.AnonReportJSON = model, nil
	}
	r, err := report.Build(context.Background(), in, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// emdEqual is half the L1 distance between two distributions given as
// counts.
func emdEqual(p, q map[string]int) float64 {
	np, nq := 0, 0
	keys := map[string]bool{}
	for k, v := range p {
		np += v
		keys[k] = true
	}
	for k, v := range q {
		nq += v
		keys[k] = true
	}
	s := 0.0
	for k := range keys {
		s += math.Abs(float64(p[k])/float64(np) - float64(q[k])/float64(nq))
	}
	return s / 2
}

// emdOrdered moves earth along the ordered values: the surplus carried
// from one value to the next costs its mass times one step, 1/(m−1).
func emdOrdered(p, q map[string]int, values []string) float64 {
	np, nq := 0, 0
	for _, v := range p {
		np += v
	}
	for _, v := range q {
		nq += v
	}
	carry, cost := 0.0, 0.0
	for _, v := range values[:len(values)-1] {
		carry += float64(p[v])/float64(np) - float64(q[v])/float64(nq)
		cost += math.Abs(carry)
	}
	if len(values) < 2 {
		return 0
	}
	return cost / float64(len(values)-1)
}

type emdStats struct{ max, mean float64 }

// bruteEMD groups the released rows by their quasi-identifier texts and
// measures each group against the original's column col.
func bruteEMD(orig, rel [][]string, qi []int, col int, ordered bool) emdStats {
	q := map[string]int{}
	valueSet := map[string]bool{}
	for _, r := range orig {
		q[r[col]]++
		valueSet[r[col]] = true
	}
	groups := map[string]map[string]int{}
	for _, r := range rel {
		var key []string
		for _, j := range qi {
			key = append(key, r[j])
		}
		k := strings.Join(key, "\x00")
		if groups[k] == nil {
			groups[k] = map[string]int{}
		}
		groups[k][r[col]]++
		valueSet[r[col]] = true
	}
	var values []string
	for v := range valueSet {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool {
		a, _ := strconv.ParseFloat(values[i], 64)
		b, _ := strconv.ParseFloat(values[j], 64)
		return a < b
	})
	var st emdStats
	for _, g := range groups {
		d := emdEqual(g, q)
		if ordered {
			d = emdOrdered(g, q, values)
		}
		n := 0
		for _, c := range g {
			n += c
		}
		st.max = math.Max(st.max, d)
		st.mean += d * float64(n) / float64(len(rel))
	}
	return st
}

func sensitiveTC(t *testing.T, r *report.Report, col string) *report.TCloseness {
	t.Helper()
	for _, c := range r.Privacy.Inference.Columns {
		if c.Column == col {
			if c.TCloseness == nil || c.TCloseness.MaxEMD == nil {
				t.Fatalf("t-closeness of %s not measured", col)
			}
			return c.TCloseness
		}
	}
	t.Fatalf("no sensitive column %s", col)
	return nil
}

// TestTClosenessByHand checks a table small enough to work out on paper:
// classes A, B, C hold incomes {1,1}, {2,2}, {3,3} of a table with a
// third of each, labels {x,x}, {x,y}, {y,y} of a half of each.
func TestTClosenessByHand(t *testing.T) {
	header := []string{"g", "income", "label"}
	rows := [][]string{{"A", "1", "x"}, {"A", "1", "x"}, {"B", "2", "x"}, {"B", "2", "y"}, {"C", "3", "y"}, {"C", "3", "y"}}
	dir := t.TempDir()
	path := writeCSV(t, filepath.Join(dir, "t.csv"), header, rows)
	opt := fixedOptions()
	opt.Quasi, opt.Sensitive = []string{"g"}, []string{"income", "label"}
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: path}, Released: report.Source{Path: path}, AnonReportJSON: []byte(`{}`)}, opt)
	if err != nil {
		t.Fatal(err)
	}
	// income, ordered over 1 < 2 < 3 (m−1 = 2 steps): A: (|1−1/3| +
	// |1−2/3|)/2 = 1/2; B: (1/3 + 1/3)/2 = 1/3; C like A.
	inc := sensitiveTC(t, r, "income")
	if inc.Distance != "ordered" || math.Abs(*inc.MaxEMD-0.5) > 1e-12 || math.Abs(*inc.MeanEMD-(0.5+1.0/3+0.5)/3) > 1e-9 {
		t.Errorf("income: %s max %v mean %v, want ordered 0.5 and %v", inc.Distance, *inc.MaxEMD, *inc.MeanEMD, (0.5+1.0/3+0.5)/3)
	}
	// label, equal: A and C: ½(|1−½| + |0−½|) = ½; B: 0.
	lab := sensitiveTC(t, r, "label")
	if lab.Distance != "equal" || *lab.MaxEMD != 0.5 || math.Abs(*lab.MeanEMD-1.0/3) > 1e-9 {
		t.Errorf("label: %s max %v mean %v, want equal 0.5 and 1/3", lab.Distance, *lab.MaxEMD, *lab.MeanEMD)
	}
	var rows05 int
	for _, b := range lab.Bands {
		if b.Lo < 0.5 && b.Hi >= 0.5 {
			rows05 = b.Rows
		}
	}
	if rows05 != 4 {
		t.Errorf("label: %d records in the band holding 0.5, want 4", rows05)
	}
}

// TestTClosenessBruteForce compares the report with a brute-force count
// over random generalized tables, and the policy's t with the largest EMD.
func TestTClosenessBruteForce(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		header, orig := people(400, seed)
		rel := coarsen(orig)
		r := buildAnon(t, header, orig, rel, nil, false)
		qi := []int{0, 1, 2, 3}
		for _, c := range []struct {
			col     string
			j       int
			ordered bool
		}{{"diagnosis", 4, false}, {"income", 5, true}} {
			want := bruteEMD(orig, rel, qi, c.j, c.ordered)
			got := sensitiveTC(t, r, c.col)
			if math.Abs(*got.MaxEMD-want.max) > 1e-9 || math.Abs(*got.MeanEMD-want.mean) > 1e-9 {
				t.Errorf("seed %d %s: max %v mean %v, want %v %v", seed, c.col, *got.MaxEMD, *got.MeanEMD, want.max, want.mean)
			}
		}
	}
	// A policy's t: the figure is held to it and says so.
	header, orig := people(300, 9)
	rel := coarsen(orig)
	dir := t.TempDir()
	want := bruteEMD(orig, rel, []int{0, 1, 2, 3}, 4, false)
	for _, tt := range []float64{want.max - 0.01, want.max + 0.01} {
		pol := filepath.Join(dir, "p.yaml")
		os.WriteFile(pol, []byte(fmt.Sprintf(`version: 1
description: t-closeness target
columns:
  zip: {role: quasi, action: keep}
  age: {role: quasi, action: keep}
  sex: {role: quasi, action: keep}
  occupation: {role: quasi, action: keep}
  diagnosis: {role: sensitive, action: keep}
  income: {role: sensitive, action: keep}
privacy:
  k: 2
  t_closeness: {column: diagnosis, t: %v, distance: equal}
`, tt)), 0o644)
		p, err := policies.Parse(pol)
		if err != nil {
			t.Fatal(err)
		}
		r := buildAnon(t, header, orig, rel, p, false)
		f := r.Figure("max_emd")
		if f == nil || f.Value == nil || f.Threshold == nil || f.Meets == nil {
			t.Fatalf("t = %v: max_emd figure %+v lacks value, threshold or verdict", tt, f)
		}
		if math.Abs(*f.Value-want.max) > 1e-9 || *f.Threshold != tt || *f.Meets != (want.max <= tt) || !strings.Contains(f.Source, "t_closeness") {
			t.Errorf("t = %v: figure %v (threshold %v, meets %v, source %q), want %v, meets %v", tt, *f.Value, *f.Threshold, *f.Meets, f.Source, want.max, want.max <= tt)
		}
	}
}

var (
	svgRe  = regexp.MustCompile(`(?s)<svg[^>]*aria-label="([^"]*)".*?</svg>`)
	lineRe = regexp.MustCompile(`<line class="threshold" x1="([0-9.]+)"`)
	rectRe = regexp.MustCompile(`<rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)" height="[0-9.]+" fill="[^"]*"><title>(?:original|released) ([^:]+):`)
)

// between checks that the threshold line of the chart titled title lies
// right of every bar of band left and left of every bar of band right.
func between(t *testing.T, page, title, left, right string) {
	t.Helper()
	for _, m := range svgRe.FindAllStringSubmatch(page, -1) {
		if m[1] != title {
			continue
		}
		lm := lineRe.FindStringSubmatch(m[0])
		if lm == nil {
			t.Fatalf("%s: no threshold line", title)
		}
		x, _ := strconv.ParseFloat(lm[1], 64)
		var seen int
		for _, r := range rectRe.FindAllStringSubmatch(m[0], -1) {
			rx, _ := strconv.ParseFloat(r[1], 64)
			w, _ := strconv.ParseFloat(r[2], 64)
			switch strings.TrimSpace(r[3]) {
			case left:
				seen++
				if rx+w > x {
					t.Errorf("%s: bar of %s ends at %v, right of the line at %v", title, left, rx+w, x)
				}
			case right:
				seen++
				if rx < x {
					t.Errorf("%s: bar of %s starts at %v, left of the line at %v", title, right, rx, x)
				}
			}
		}
		if seen != 4 {
			t.Errorf("%s: %d bars of %s and %s, want 4", title, seen, left, right)
		}
		return
	}
	t.Fatalf("no chart %q", title)
}

// TestChartThresholdLines checks the line at k on the class-size
// histogram and at the highest risk on the risk-band chart, for k from a
// gate and from the reference.
func TestChartThresholdLines(t *testing.T) {
	for _, c := range []struct {
		gates             string
		sizeL, sizeR      string
		riskL, riskR      string
		wantK, wantSource string
	}{
		{"  min_k: 10\n", "5-9", "10-19", "5–10%", "10–20%", "k = 10", "gate"},
		{"", "3-4", "5-9", "10–20%", "20–50%", "k = 5", "reference"},
	} {
		r, _, _ := anonymized(t, 1500, c.gates)
		var h bytes.Buffer
		if err := report.WriteHTML(&h, r); err != nil {
			t.Fatal(err)
		}
		page := h.String()
		between(t, page, "Records by size of their class", c.sizeL, c.sizeR)
		between(t, page, "Records by prosecutor risk (1 / class size)", c.riskL, c.riskR)
		if !strings.Contains(page, c.wantK+" ("+c.wantSource+")") {
			t.Errorf("gates %q: the page has no label %q", c.gates, c.wantK+" ("+c.wantSource+")")
		}
	}
}
