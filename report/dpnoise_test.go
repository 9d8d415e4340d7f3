package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/report"
	"github.com/veil-data/veil/synth"
)

// TestDPNoiseFromModel fits a DP model, samples a release from it and
// checks the report's noise figures against the model file's own numbers,
// read here as plain JSON: each step's σ and 95% interval (1.96σ), the
// marginals' error bars (1.96σ of the column over the rows), the ±N of the
// sentence, and that ρ with the domain δ fits in the stated δ (the
// Canonne–Kamath–Steinke bound minimised over a grid of α, not by the
// bisection synth uses).
func TestDPNoiseFromModel(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 3000)
	orig := writeCSV(t, filepath.Join(dir, "orig.csv"), header, rows)
	m, err := synth.Fit(context.Background(), func() (dataset.Reader, error) { return dataset.Open(orig, nil) },
		&synth.Options{Seed: 1, Epsilon: 1, MaxClique: 2})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	modelPath := filepath.Join(dir, "model.json")
	os.WriteFile(modelPath, data, 0o644)
	relPath := filepath.Join(dir, "rel.csv")
	f, err := os.Create(relPath)
	if err != nil {
		t.Fatal(err)
	}
	w := dataset.NewCSVWriter(f, m.OutputSchema(), nil)
	if _, err := m.Sample(context.Background(), w, synth.SampleOptions{Rows: 3000, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f.Close()
	r, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: orig}, Released: report.Source{Path: relPath}, SynthModel: modelPath}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}

	var file struct {
		Columns []struct {
			Name  string
			Sigma float64
		}
		Privacy struct {
			Epsilon, Delta, Rho float64
			DomainDelta         float64 `json:"domain_delta"`
			Budget              []struct {
				Step  string
				Rho   float64
				Sigma float64
			}
			Measured []struct{ Sigma float64 }
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	const z = 1.959963984540054
	d := r.Privacy.DP
	if len(d.Split) != len(file.Privacy.Budget) {
		t.Fatalf("report has %d budget steps, model %d", len(d.Split), len(file.Privacy.Budget))
	}
	var sumRho float64
	for i, st := range file.Privacy.Budget {
		got := d.Split[i]
		sumRho += st.Rho
		if got.What != st.Step || got.Rho != st.Rho || got.Sigma != st.Sigma || math.Abs(got.CI95-z*st.Sigma) > 1e-9*st.Sigma {
			t.Errorf("step %q: report ρ %g σ %g ±%g, want ρ %g σ %g ±%g", st.Step, got.Rho, got.Sigma, got.CI95, st.Rho, st.Sigma, z*st.Sigma)
		}
	}
	if math.Abs(sumRho-file.Privacy.Rho) > 1e-6*file.Privacy.Rho || d.Rho != file.Privacy.Rho {
		t.Errorf("steps' ρ sum to %g, report ρ %g, model ρ %g", sumRho, d.Rho, file.Privacy.Rho)
	}
	// (ε, δ) from ρ: min over α of exp((α−1)(αρ−ε))/(α−1)·(1−1/α)^α.
	best := 1.0
	for a := 1.001; a < 2000; a *= 1.001 {
		best = math.Min(best, math.Exp((a-1)*(a*file.Privacy.Rho-file.Privacy.Epsilon)+a*math.Log1p(-1/a))/(a-1))
	}
	if best+file.Privacy.DomainDelta > file.Privacy.Delta*1.001 || strings.Contains(d.Conversion, "unverified") {
		t.Errorf("ρ %g gives δ %g at ε %g, plus domains %g, over δ %g; conversion: %s", file.Privacy.Rho, best, file.Privacy.Epsilon, file.Privacy.DomainDelta, file.Privacy.Delta, d.Conversion)
	}
	sigma := map[string]float64{}
	var maxCol, maxMeasured float64
	for _, c := range file.Columns {
		sigma[c.Name] = c.Sigma
		maxCol = math.Max(maxCol, c.Sigma)
	}
	for _, mm := range file.Privacy.Measured {
		maxMeasured = math.Max(maxMeasured, mm.Sigma)
	}
	for _, want := range []string{fmt.Sprintf("within ±%d of the truth", int(math.Ceil(z*maxCol))), fmt.Sprintf("within ±%d", int(math.Ceil(z*maxMeasured)))} {
		if !strings.Contains(d.Plain, want) {
			t.Errorf("sentence %q does not say %q", d.Plain, want)
		}
	}
	bars := 0
	for _, mg := range r.Utility.Marginals {
		if mg.Column == "age" {
			if mg.NoiseCI != nil {
				t.Errorf("numeric column age has error bars %v: its bars are not single measured counts", mg.NoiseCI)
			}
			continue
		}
		for k, ci := range mg.NoiseCI {
			if mg.Bins[k] == "other, rare or null" {
				if !math.IsNaN(float64(ci)) {
					t.Errorf("%s: pooled bar has an error bar", mg.Column)
				}
				continue
			}
			bars++
			if want := z * sigma[mg.Column] / 3000; math.Abs(float64(ci)-want) > 1e-12 {
				t.Errorf("%s %s: error bar %g, want 1.96σ/rows = %g", mg.Column, mg.Bins[k], float64(ci), want)
			}
		}
	}
	if bars == 0 {
		t.Error("no marginal of the DP release has error bars")
	}
	// Treatment: a column whose model pools rare categories is coarsened,
	// in counts only.
	coarse := 0
	for _, c := range m.Columns {
		pooled := false
		for _, code := range c.Codes {
			pooled = pooled || code.Other
		}
		for _, tr := range r.Treatment {
			if tr.Column == c.Name && pooled {
				coarse++
			}
			if tr.Column == c.Name && pooled && !strings.Contains(tr.Params, fmt.Sprintf("coarsened: %d categories kept", len(c.Codes)-1-nulls(c))) {
				t.Errorf("%s pools rare categories; treatment says %q", c.Name, tr.Params)
			}
		}
	}
	if coarse == 0 {
		t.Error("no column of the DP model pools rare categories: the treatment check did not run")
	}
}

// TestTargetLeak: a target that a feature determines is flagged, and Adult's
// salary-class, which no single column determines, is not.
func TestTargetLeak(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 3))
	header := []string{"sex", "age", "income", "target"}
	// Incomes in two bands, each giving its target: the pair table's
	// association is near 1 and names income.
	table := func() [][]string {
		var rows [][]string
		for range 800 {
			high := rng.IntN(2) == 1
			income := 20000 + rng.IntN(2000)
			if high {
				income += 60000
			}
			target := map[bool]string{false: "<=50K", true: ">50K"}[high]
			rows = append(rows, []string{[]string{"F", "M"}[rng.IntN(2)], strconv.Itoa(18 + rng.IntN(60)), strconv.Itoa(income), target})
		}
		return rows
	}
	build := func(header []string, rows [][]string, target string) *report.Report {
		rel := make([][]string, len(rows))
		for i := range rel {
			rel[i] = rows[rng.IntN(len(rows))]
		}
		opt := fixedOptions()
		opt.Target = target
		r, err := report.Build(context.Background(), report.Inputs{
			Original: report.Source{Path: writeCSV(t, filepath.Join(dir, target+".o.csv"), header, rows)},
			Released: report.Source{Path: writeCSV(t, filepath.Join(dir, target+".r.csv"), header, rel)}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := build(header, table(), "target")
	if r.Utility.TSTR == nil || !strings.Contains(r.Utility.TSTR.Leak, "income (association") || !strings.Contains(strings.Join(r.Summary.Sentences, " "), "Warning: income") {
		t.Errorf("income determines the target; leak warning %q", r.Utility.TSTR.Leak)
	}
	ah, arows := readAdult(t, 1500)
	if a := build(ah, arows, "salary-class"); a.Utility.TSTR == nil || a.Utility.TSTR.Leak != "" {
		t.Errorf("Adult's salary-class flagged as leaking: %+v", a.Utility.TSTR)
	}
}

func nulls(c *synth.ColumnModel) int {
	n := 0
	for _, code := range c.Codes {
		if code.Null {
			n++
		}
	}
	return n
}
