package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/report/metrics"
)

const adultPath = "../testdata/adult/adult.csv"

func adultPolicy(t testing.TB) *policies.Policy {
	t.Helper()
	pol, err := policies.Parse("../testdata/policies/adult-levels.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

func opener(path string) Opener {
	return func() (dataset.Reader, error) { return dataset.Open(path, nil) }
}

func fit(t testing.TB, path string, o *Options) *Model {
	t.Helper()
	m, err := Fit(context.Background(), opener(path), o)
	if err != nil {
		t.Fatalf("Fit(%s) = %v", path, err)
	}
	return m
}

// sampleCSV samples rows from m as CSV text.
func sampleCSV(t testing.TB, m *Model, opt SampleOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := dataset.NewCSVWriter(&buf, m.OutputSchema(), nil)
	if _, err := m.Sample(context.Background(), w, opt); err != nil {
		t.Fatalf("Sample = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// loadTable loads CSV text or a file into a metrics table of domain d.
func loadTable(t testing.TB, d *metrics.Domain, name string, data []byte, path string) *metrics.Table {
	t.Helper()
	var r dataset.Reader
	var err error
	if path != "" {
		r, err = dataset.Open(path, nil)
	} else {
		r, err = dataset.NewCSVReader(bytes.NewReader(data), name, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tb, err := d.Load(context.Background(), r, &metrics.LoadOptions{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestAdultQuality(t *testing.T) {
	// Issue 6's non-DP targets on the Adult extract (all 9 columns): mean
	// 2-way TVD <= 0.025 and SDMetrics-style quality >= 0.97, with fixed
	// seeds (fit 1, sample 2). At these seeds: 0.0228 and 0.993; a
	// bootstrap resample of the data scores 0.016.
	m := fit(t, adultPath, &Options{Seed: 1})
	if m.Method != MethodGraph {
		t.Errorf("auto chose %s for the categorical Adult table, want graph", m.Method)
	}
	d := metrics.NewDomain()
	real := loadTable(t, d, "real", nil, adultPath)
	syn := loadTable(t, d, "synthetic", sampleCSV(t, m, SampleOptions{Rows: int64(real.Rows), Seed: 2}), "")
	tvd, err := metrics.MarginalTVD(real, syn, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := metrics.QualityScore(real, syn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("non-DP: mean 2-way TVD %.4f, quality %.4f", tvd.Mean, q.Score)
	if tvd.Mean > 0.025 {
		t.Errorf("mean 2-way TVD = %.4f, want <= 0.025", tvd.Mean)
	}
	if q.Score < 0.97 {
		t.Errorf("quality = %.4f, want >= 0.97", q.Score)
	}
}

// splitAdult writes a seeded 80/20 split of the Adult rows to two files.
func splitAdult(t testing.TB, seed uint64) (train, holdout string) {
	t.Helper()
	data, err := os.ReadFile(adultPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\r\n"), []byte("\r\n"))
	header, rows := lines[0], lines[1:]
	perm := rand.New(rand.NewPCG(seed, 5)).Perm(len(rows))
	var tr, ho bytes.Buffer
	for _, b := range []*bytes.Buffer{&tr, &ho} {
		b.Write(header)
		b.WriteString("\n")
	}
	for i, p := range perm {
		b := &tr
		if i >= len(rows)*8/10 {
			b = &ho
		}
		b.Write(rows[p])
		b.WriteString("\n")
	}
	dir := t.TempDir()
	train, holdout = filepath.Join(dir, "train.csv"), filepath.Join(dir, "holdout.csv")
	os.WriteFile(train, tr.Bytes(), 0o644)
	os.WriteFile(holdout, ho.Bytes(), 0o644)
	return train, holdout
}

func TestAdultOverfitting(t *testing.T) {
	// Fit on 80 % of Adult, sample as many rows, and compare their
	// distance to the training rows with their distance to the 20 % held
	// out (metrics.DCROverfittingProtection, which corrects SDMetrics'
	// formula for the 4:1 sizes and for ties), at three split seeds. The
	// issue asks for 0.95.
	//
	// Where the numbers come from (TestFiguresOverfitting): over split
	// seeds 1-10 the scores were 0.953-0.995 (mean 0.978, sd 0.012;
	// seeds 1-3: 0.9529, 0.9763, 0.9719). The metric itself is that noisy:
	// a model fitted on rows disjoint from both tables (a 40/10/50 split)
	// scored 0.967-1.0 over 5 seeds. The test holds the mean of the three
	// splits to 0.95 (measured 0.967) and each split to 0.93. Before the
	// fit measured pairs only and discounted sampling noise in its choice
	// of marginals, the mean over seeds 1-5 was 0.937. A copier of
	// training rows scores about 0.3 (see report/metrics).
	if testing.Short() {
		t.Skip("three fits and DCR searches on Adult (about 4 s)")
	}
	var sum float64
	for _, seed := range []uint64{1, 2, 3} {
		train, holdout := splitAdult(t, seed)
		m := fit(t, train, &Options{Seed: 1})
		d := metrics.NewDomain()
		tr := loadTable(t, d, "train", nil, train)
		ho := loadTable(t, d, "holdout", nil, holdout)
		syn := loadTable(t, d, "synthetic", sampleCSV(t, m, SampleOptions{Rows: int64(tr.Rows), Seed: 2}), "")
		o, err := metrics.DCROverfittingProtection(tr, ho, syn, &metrics.DCROptions{Seed: 1, SampleRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("split %d: DCROverfittingProtection %.4f (closer to training %.4f, expected %.4f; SDMetrics' formula %.4f)",
			seed, o.Score, o.CloserToTraining, o.Expected, o.SDMetricsScore)
		if o.Score < 0.93 {
			t.Errorf("split %d: DCROverfittingProtection = %.4f, want >= 0.93", seed, o.Score)
		}
		sum += o.Score
	}
	if mean := sum / 3; mean < 0.95 {
		t.Errorf("mean DCROverfittingProtection over 3 splits = %.4f, want >= 0.95", mean)
	}
}

func TestAdultDP(t *testing.T) {
	// ε = 1, δ = 1e-9 with the Adult hierarchies as declared domains, with
	// google/differential-privacy's secure noise (not reproducible). Over
	// 20 fits (TestFigures) the mean 2-way TVD was 0.0324-0.0348 (mean
	// 0.0335, sd 0.0007) and the 3-way 0.0747-0.0786 (mean 0.0761, sd
	// 0.0010); other batches of 10 gave sds up to 0.0009 and 0.0014. The
	// test holds 0.038 and 0.085, at least 4.8 of the larger standard
	// deviations above the means, so a false failure has probability
	// below 1e-5 per run (normal tails).
	if testing.Short() {
		t.Skip("DP fit on Adult (about 2 s)")
	}
	pol, err := policies.Parse("../testdata/policies/adult-levels.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := fit(t, adultPath, &Options{Seed: 1, Epsilon: 1, Policy: pol})
	d := metrics.NewDomain()
	real := loadTable(t, d, "real", nil, adultPath)
	syn := loadTable(t, d, "synthetic", sampleCSV(t, m, SampleOptions{Rows: int64(real.Rows), Seed: 2}), "")
	two, _ := metrics.MarginalTVD(real, syn, 2, nil)
	three, _ := metrics.MarginalTVD(real, syn, 3, nil)
	t.Logf("ε=1: mean 2-way TVD %.4f, 3-way %.4f, %d marginals measured", two.Mean, three.Mean, len(m.Privacy.Measured))
	if two.Mean > 0.038 || three.Mean > 0.085 {
		t.Errorf("ε=1: mean TVD 2-way %.4f (want <= 0.038), 3-way %.4f (want <= 0.085)", two.Mean, three.Mean)
	}
	checkBudget(t, m, 1, 1e-9)
}

// checkBudget checks the model's DP accounting independently of the fit:
// the steps' ρ add up to the ρ recorded, and that ρ converts back to the
// ε stated at the δ left after the domain share.
func checkBudget(t *testing.T, m *Model, eps, delta float64) {
	t.Helper()
	pr := m.Privacy
	if !pr.DifferentialPrivacy || pr.Epsilon != eps || pr.Delta != delta {
		t.Fatalf("privacy = %+v, want ε=%g δ=%g", pr, eps, delta)
	}
	var sum, share float64
	for _, s := range pr.Budget {
		sum += s.Rho
		share += s.Share
	}
	if math.Abs(sum-pr.Rho) > 1e-6*pr.Rho || math.Abs(share-1) > 1e-6 {
		t.Errorf("budget steps spend ρ=%g (shares %g), model records ρ=%g", sum, share, pr.Rho)
	}
	if got := CDPEpsilon(pr.Rho, delta-pr.DomainDelta); got > eps*(1+1e-6) {
		t.Errorf("ρ=%g gives ε=%g at δ=%g, above the stated %g", pr.Rho, got, delta-pr.DomainDelta, eps)
	}
}

func TestDPWithoutNoise(t *testing.T) {
	// The DP fit with a no-noise source is deterministic and its estimator
	// must reproduce the data's 1-way marginals on the compressed codes
	// (the measurements are exact; only the thresholds' compression and
	// the within-bin smoothing remain).
	pol, err := policies.Parse("../testdata/policies/adult-levels.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Marginals of two columns keep this test fast; the 3-way path is
	// exercised by TestAdultDP.
	o := &Options{Seed: 1, Epsilon: 1, Policy: pol, Noise: noNoise{}, MaxClique: 2}
	path := headAdult(t, 6000)
	a, b := fit(t, path, o), fit(t, path, o)
	ja, _ := a.MarshalIndent()
	jb, _ := b.MarshalIndent()
	if !bytes.Equal(ja, jb) {
		t.Error("two DP fits without noise differ")
	}
	checkBudget(t, a, 1, 1e-9)
	// Each modelled column's σ (what a report shows as error bars) spends
	// together exactly the 1-way step's ρ: Σ_j 1/(2σ_j²), and the step
	// shows the largest of them.
	var spent, largest float64
	for _, c := range a.Columns {
		if c.Treatment == "model" {
			spent += 1 / (2 * c.Sigma * c.Sigma)
			largest = math.Max(largest, c.Sigma)
		}
	}
	for _, st := range a.Privacy.Budget {
		if strings.HasPrefix(st.Step, "1-way marginals") {
			if math.Abs(spent-st.Rho) > 1e-6*st.Rho || st.Sigma != largest {
				t.Errorf("columns' σ spend ρ = %g with largest σ %g; 1-way step: ρ = %g, σ = %g", spent, largest, st.Rho, st.Sigma)
			}
		}
	}
	if a.Rows != 6000 {
		t.Errorf("Rows = %d, want 6000 (no noise)", a.Rows)
	}
	// The shares of sex, counted here from the rows.
	rows, _ := gen.AdultRows()
	male := 0
	for _, r := range rows[:6000] {
		if r[0] == "Male" {
			male++
		}
	}
	for _, c := range a.Columns[0].Codes {
		want := map[string]float64{"Male": float64(male) / 6000, "Female": float64(6000-male) / 6000}[c.Value]
		if math.Abs(c.P-want) > 1e-4 {
			t.Errorf("P(sex=%s) = %.5f, want %.5f", c.Value, c.P, want)
		}
	}
	for _, c := range a.Columns {
		if c.Domain != "policy" {
			t.Errorf("column %s: domain %q, want policy (declared hierarchy)", c.Name, c.Domain)
		}
	}
}

// headAdult writes the first n rows of the Adult extract to a file.
func headAdult(t testing.TB, n int) string {
	t.Helper()
	data, err := os.ReadFile(adultPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfterN(data, []byte("\n"), n+2)
	path := filepath.Join(t.TempDir(), "adult-head.csv")
	os.WriteFile(path, bytes.Join(lines[:n+1], nil), 0o644)
	return path
}

func TestDPEstimatedDomains(t *testing.T) {
	// Without a declared domain the categories are released by noisy
	// thresholding: with no noise, exactly the values whose count passes
	// τ = 1 + σ·Φ⁻¹(1 − δ_c). The budget gets a domain step and half of δ.
	m := fit(t, headAdult(t, 6000), &Options{Seed: 1, Epsilon: 1, Noise: noNoise{}, MaxClique: 2})
	if m.Privacy.DomainDelta != 0.5e-9 || m.Privacy.Budget[0].Step[:7] != "domains" {
		t.Errorf("privacy = %+v, want a domain step and δ/2 for it", m.Privacy)
	}
	checkBudget(t, m, 1, 1e-9)
	sigma := m.Privacy.Budget[0].Sigma
	tau := thresholdFor(sigma, 0.5e-9/9)
	for _, c := range m.Columns {
		if c.Domain != "dp" {
			t.Errorf("column %s: domain %q, want dp", c.Name, c.Domain)
		}
	}
	// Every released value's count (counted here) passes τ.
	counts := map[string]int{}
	rows, _ := gen.AdultRows()
	for _, r := range rows[:6000] {
		counts[r[5]]++
	}
	for _, c := range m.Columns[5].Codes {
		for _, v := range append([]Member{{Value: c.Value}}, c.Members...) {
			if v.Value == "" || v.Value == OtherText {
				continue
			}
			if float64(counts[v.Value]) < tau {
				t.Errorf("native-country %q released with count %d below τ=%.1f", v.Value, counts[v.Value], tau)
			}
		}
	}
	if notes := strings.Join(m.Privacy.Notes, " "); !strings.Contains(notes, "detected from the data") {
		t.Errorf("notes do not say that roles were detected without a policy: %s", notes)
	}
}

func TestDeterministicSampling(t *testing.T) {
	m := fit(t, adultPath, &Options{Seed: 1})
	data, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := ParseModel(data)
	if err != nil {
		t.Fatal(err)
	}
	a := sampleCSV(t, m, SampleOptions{Rows: 2000, Seed: 7})
	b := sampleCSV(t, loaded, SampleOptions{Rows: 2000, Seed: 7})
	c := sampleCSV(t, loaded, SampleOptions{Rows: 2000, Seed: 8})
	if !bytes.Equal(a, b) {
		t.Error("the same model and seed gave different rows (fitted vs read from its file)")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 gave the same rows")
	}
	// Refitting is deterministic too.
	again, _ := fit(t, adultPath, &Options{Seed: 1}).MarshalIndent()
	if !bytes.Equal(data, again) {
		t.Error("two fits with the same seed gave different models")
	}
}

// genTable writes the generated Adult-like table with identifiers.
func genTable(t testing.TB, rows int, seed uint64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "customers.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Write(f, rows, seed); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// jsonStrings collects every string (keys included) of a JSON document.
// Numbers are left out: an integer key of the input may equal a bin bound
// of another column (an income of 100900) by chance.
func jsonStrings(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out[k] = true
			jsonStrings(e, out)
		}
	case []any:
		for _, e := range x {
			jsonStrings(e, out)
		}
	case string:
		out[x] = true
	}
}

func TestModelHoldsNoIdentifiers(t *testing.T) {
	path := genTable(t, 1500, 11)
	pol, err := policies.Parse("../testdata/policies/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		pol  *policies.Policy
	}{{"policy roles", pol}, {"detected roles", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			m := fit(t, path, &Options{Seed: 1, Policy: tc.pol, MaxClique: 2})
			data, _ := m.MarshalIndent()
			var doc any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			inModel := map[string]bool{}
			jsonStrings(doc, inModel)
			// Independent check: no value of an identifying column of the
			// input is a string or number of the model file.
			r, _ := dataset.Open(path, nil)
			defer r.Close()
			ident := map[int]string{}
			for i, c := range r.Schema().Columns {
				switch c.Name {
				case "customer_id", "name", "email", "phone", "ssn": // direct identifiers and the key (zip is a quasi-identifier)
					ident[i] = c.Name
				}
			}
			for {
				rec, err := r.Read()
				if err != nil {
					break
				}
				for i, name := range ident {
					if v := rec.Values[i]; !v.Null && inModel[v.Text] {
						t.Fatalf("the model holds a value of %s (row %d)", name, rec.Row)
					}
				}
			}
			for _, c := range m.Columns {
				if _, ok := map[string]bool{"name": true, "email": true, "phone": true, "ssn": true, "customer_id": true}[c.Name]; ok &&
					(c.Treatment == TreatModel || len(c.Codes) > 0 || c.Numeric != nil) {
					t.Errorf("identifying column %s is modelled", c.Name)
				}
			}
		})
	}
}

func TestModelSizeBoundedByDomain(t *testing.T) {
	// The model of 2,000 rows and of 8,000 rows of the same population has
	// about the same size: it grows with the domains, not the rows (the
	// identifying columns, whose values grow with rows, are not in it).
	small, _ := fit(t, genTable(t, 2000, 3), &Options{Seed: 1, MaxClique: 2}).MarshalIndent()
	large, _ := fit(t, genTable(t, 8000, 3), &Options{Seed: 1, MaxClique: 2}).MarshalIndent()
	if float64(len(large)) > 2*float64(len(small)) {
		t.Errorf("model of 8,000 rows is %d bytes, of 2,000 rows %d: it grows with rows", len(large), len(small))
	}
}

func TestRegeneratedIdentifiers(t *testing.T) {
	path := genTable(t, 2000, 12)
	pol, _ := policies.Parse("../testdata/policies/example.yaml")
	m := fit(t, path, &Options{Seed: 1, Policy: pol})
	out := sampleCSV(t, m, SampleOptions{Rows: 3000, Seed: 3})
	r, err := dataset.NewCSVReader(bytes.NewReader(out), "out", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Schema()
	if s.Index("name") >= 0 {
		t.Error("name (policy action drop) is in the output")
	}
	inputKeys := map[string]bool{}
	in, _ := dataset.Open(path, nil)
	for {
		rec, err := in.Read()
		if err != nil {
			break
		}
		inputKeys[rec.Values[0].Text] = true
	}
	in.Close()
	keys := map[string]bool{}
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		get := func(col string) string { return rec.Values[s.Index(col)].Text }
		k := get("customer_id")
		if keys[k] || inputKeys[k] {
			t.Fatalf("row %d: key repeated or equal to an input key", rec.Row)
		}
		keys[k] = true
		if _, err := dataset.ParseInt(k); err != nil {
			t.Fatalf("row %d: integer key column holds a non-integer", rec.Row)
		}
		if e := get("email"); !strings.HasSuffix(e, "@synth.example") {
			t.Fatalf("row %d: e-mail not in the reserved domain", rec.Row)
		}
		if p := get("phone"); !strings.HasPrefix(p, "+1 ") || !strings.Contains(p, "555-01") {
			t.Fatalf("row %d: phone %q not in the fictional 555-01NN range", rec.Row, p)
		}
		if n := get("ssn"); len(n) != 11 || n[0] != '9' {
			t.Fatalf("row %d: ssn %q not in the never-issued 9xx area", rec.Row, n)
		}
		if b := get("birth_date"); b != "" {
			if _, err := dataset.ParseTime(dataset.Column{Kind: dataset.Date}, b); err != nil {
				t.Fatalf("row %d: birth_date is not a date", rec.Row)
			}
		}
	}
}

func TestConditionalSampling(t *testing.T) {
	m := fit(t, adultPath, &Options{Seed: 1})
	out := sampleCSV(t, m, SampleOptions{Rows: 20000, Seed: 4, Where: []Condition{{"sex", "Female"}}})
	r, _ := dataset.NewCSVReader(bytes.NewReader(out), "out", nil)
	sex, sal := r.Schema().Index("sex"), r.Schema().Index("salary-class")
	var n, high float64
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if rec.Values[sex].Text != "Female" {
			t.Fatalf("row %d: sex %q under --where sex=Female", rec.Row, rec.Values[sex].Text)
		}
		n++
		if rec.Values[sal].Text == ">50K" {
			high++
		}
	}
	// Adult: 1,112 of 9,782 women earn >50K (0.1137). The standard error
	// of the share in 20,000 rows is 0.0022; 0.015 allows the model's own
	// error.
	if got := high / n; math.Abs(got-1112.0/9782) > 0.015 {
		t.Errorf("P(>50K | Female) = %.4f, want near 0.1137", got)
	}
	for _, tc := range []struct {
		cond Condition
		want error
	}{
		{Condition{"sex", "Other"}, ErrUnknownValue},
		{Condition{"age", "30"}, ErrNotCategorical},
		{Condition{"nope", "x"}, ErrUnknownColumn},
	} {
		var buf bytes.Buffer
		_, err := m.Sample(context.Background(), dataset.NewCSVWriter(&buf, m.OutputSchema(), nil), SampleOptions{Rows: 1, Where: []Condition{tc.cond}})
		var ce *ConditionError
		if !errors.Is(err, tc.want) || !errors.As(err, &ce) {
			t.Errorf("Sample(where %v) = %v, want %v", tc.cond, err, tc.want)
		}
	}
}

// typesCSV is a table of every kind: integers, 2-decimal floats, dates,
// timestamps, and nulls, from a seeded generator.
func typesCSV(t testing.TB, rows int) string {
	rng := rand.New(rand.NewPCG(9, 9))
	var b strings.Builder
	b.WriteString("id,grp,count,amount,day,at\n")
	for i := range rows {
		g := []string{"a", "b", "c"}[rng.IntN(3)]
		count := rng.IntN(50)
		amount := strconv.FormatFloat(math.Round((100+rng.NormFloat64()*20+float64(count))*100)/100, 'f', -1, 64)
		day := "2024-01-" + twoDigits(1+rng.IntN(28))
		at := "2024-03-" + twoDigits(1+rng.IntN(28)) + "T" + twoDigits(rng.IntN(24)) + ":00:00Z"
		if rng.IntN(10) == 0 {
			amount = ""
		}
		b.WriteString(strings.Join([]string{"K" + strconv.Itoa(100000+i), g, strconv.Itoa(count), amount, day, at}, ","))
		b.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "types.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	return path
}

func twoDigits(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

func TestKindsPreserved(t *testing.T) {
	path := typesCSV(t, 1500)
	for _, method := range []string{MethodGraph, MethodCopula} {
		t.Run(method, func(t *testing.T) {
			m := fit(t, path, &Options{Seed: 1, Method: method})
			out := sampleCSV(t, m, SampleOptions{Rows: 3000, Seed: 5})
			r, _ := dataset.NewCSVReader(bytes.NewReader(out), "out", nil)
			s := r.Schema()
			want := map[string]dataset.Kind{"count": dataset.Integer, "amount": dataset.Float, "day": dataset.Date, "at": dataset.Timestamp}
			for name, k := range want {
				if got := s.Columns[s.Index(name)].Kind; got != k && !(k == dataset.Float && got == dataset.Integer) {
					t.Errorf("column %s is %s in the output, want %s", name, got, k)
				}
			}
			var nulls, rows float64
			for {
				rec, err := r.Read()
				if err != nil {
					break
				}
				rows++
				c := rec.Values[s.Index("count")].Text
				if v, err := dataset.ParseInt(c); err != nil || v < 0 || v > 49 {
					t.Fatalf("row %d: count %q is not an integer in [0, 49]", rec.Row, c)
				}
				a := rec.Values[s.Index("amount")]
				if a.Null {
					nulls++
				} else if i := strings.IndexByte(a.Text, '.'); i >= 0 && len(a.Text)-i-1 > 2 {
					t.Fatalf("row %d: amount %q has more than 2 decimals", rec.Row, a.Text)
				}
				if _, err := dataset.ParseTime(dataset.Column{Kind: dataset.Date}, rec.Values[s.Index("day")].Text); err != nil {
					t.Fatalf("row %d: day is not a date", rec.Row)
				}
				if _, err := dataset.ParseTime(dataset.Column{Kind: dataset.Timestamp}, rec.Values[s.Index("at")].Text); err != nil {
					t.Fatalf("row %d: at is not a timestamp", rec.Row)
				}
			}
			// About 10 % nulls in amount (1 in 10 rows of the input); over
			// 3,000 rows the standard error is 0.0055; 0.03 is 5.5 of them.
			if share := nulls / rows; math.Abs(share-0.1) > 0.03 {
				t.Errorf("null share of amount = %.3f, want near 0.10", share)
			}
		})
	}
}

func TestCopulaCorrelation(t *testing.T) {
	// Three correlated normals and a category: numeric-heavy, so auto
	// picks the copula, which keeps the correlations.
	rng := rand.New(rand.NewPCG(3, 3))
	var b strings.Builder
	b.WriteString("x,y,z,c\n")
	for range 4000 {
		x := rng.NormFloat64()
		y := 0.8*x + 0.6*rng.NormFloat64()
		z := -0.5*x + 0.866*rng.NormFloat64()
		c := "p"
		if x > 0.5 {
			c = "q"
		}
		f := func(v float64) string { return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64) }
		b.WriteString(strings.Join([]string{f(x), f(y), f(z), c}, ","))
		b.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "num.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	m := fit(t, path, &Options{Seed: 1})
	if m.Method != MethodCopula {
		t.Fatalf("auto chose %s for a numeric table, want copula", m.Method)
	}
	d := metrics.NewDomain()
	real := loadTable(t, d, "real", nil, path)
	syn := loadTable(t, d, "syn", sampleCSV(t, m, SampleOptions{Rows: 4000, Seed: 2}), "")
	_, pairs, err := metrics.ColumnPairTrends(real, syn, &metrics.TrendOptions{AllPairs: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		// CorrelationSimilarity = 1 − |Δr|/2: 0.97 allows |Δr| = 0.06
		// (the standard error of r at n = 4,000 is under 0.016).
		if p.Metric == "CorrelationSimilarity" && p.Score < 0.97 {
			t.Errorf("correlation of %v: similarity %.3f, want >= 0.97", p.Columns, p.Score)
		}
	}
	// Conditioning the copula on c=q (which means x > 0.5 in the data)
	// shifts x up: a Gaussian copula cannot express the threshold exactly
	// (the normal score of c correlates with x's at about 0.75), so the
	// conditional mean of x is about 0.75·E[z | z > 0.5] ≈ 0.86 rather
	// than the data's 1.14, against 0 unconditionally. The standard error
	// of a mean of 2,000 rows is about 0.02; 0.6 is far from both 0 and
	// the expected value.
	out := sampleCSV(t, m, SampleOptions{Rows: 2000, Seed: 3, Where: []Condition{{"c", "q"}}})
	r, _ := dataset.NewCSVReader(bytes.NewReader(out), "out", nil)
	var sum float64
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if rec.Values[3].Text != "q" {
			t.Fatalf("row %d: c = %q under --where c=q", rec.Row, rec.Values[3].Text)
		}
		x, _ := dataset.ParseFloat(rec.Values[0].Text)
		sum += x
	}
	if mean := sum / 2000; mean < 0.6 {
		t.Errorf("mean x under c=q = %.3f, want above 0.6", mean)
	}
}

func TestBadInput(t *testing.T) {
	// A non-integer in an integer column past the inference sample: a
	// DataError naming file, row and column, without the value.
	var b strings.Builder
	b.WriteString("a,n\n")
	for i := range 1200 {
		b.WriteString("x," + strconv.Itoa(i%7) + "\n")
	}
	b.WriteString("y,seven\n")
	path := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	_, err := Fit(context.Background(), opener(path), nil)
	var de *dataset.DataError
	if !errors.As(err, &de) || de.Row != 1201 || de.Column != "n" || strings.Contains(err.Error(), "seven") {
		t.Errorf("Fit(bad input) = %v, want a DataError at row 1201, column n, without the value", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.csv")
	os.WriteFile(empty, []byte("a,b\n"), 0o644)
	if _, err := Fit(context.Background(), opener(empty), nil); !errors.Is(err, ErrNoRows) {
		t.Errorf("Fit(no rows) = %v, want ErrNoRows", err)
	}
	// Under DP an empty table and its one-row neighbour must both give a
	// model: an error for one of them alone tells them apart for sure.
	one := filepath.Join(t.TempDir(), "one.csv")
	os.WriteFile(one, []byte("a,b\nx,1\n"), 0o644)
	for _, p := range []string{empty, one} {
		m, err := Fit(context.Background(), opener(p), &Options{Seed: 1, Epsilon: 1})
		if err != nil || len(m.Columns) != 2 || math.IsNaN(m.Columns[0].NullShare) {
			t.Errorf("Fit(%s, ε=1) = %v; want a model of both columns", filepath.Base(p), err)
		}
	}
	for _, o := range []*Options{{Method: "gan"}, {Epsilon: -1}, {Epsilon: 1, Method: MethodCopula}, {Epsilon: 1, Delta: 2}, {Delta: 1e-9}} {
		var ue *UsageError
		if _, err := Fit(context.Background(), opener(path), o); !errors.As(err, &ue) {
			t.Errorf("Fit(%+v) = %v, want a UsageError", *o, err)
		}
	}
}

func TestParseModelErrors(t *testing.T) {
	m := fit(t, typesCSV(t, 300), &Options{Seed: 1})
	good, _ := m.MarshalIndent()
	broken := bytes.Replace(good, []byte(`"parent": -1`), []byte(`"parent": 7`), 1)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"not json", []byte("{"), nil},
		{"other schema", []byte(`{"schema": "veil.summary/v1"}`), ErrModelSchema},
		{"bad parent", broken, nil},
	} {
		_, err := ParseModel(tc.data)
		var me *ModelError
		if !errors.As(err, &me) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("ParseModel(%s) = %v, want a ModelError", tc.name, err)
		}
	}
	if _, err := ParseModel(good); err != nil {
		t.Errorf("ParseModel(good) = %v", err)
	}
}
