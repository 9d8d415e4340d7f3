package synth

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// zipRegions are the values of zipTable's region column.
var zipRegions = []string{"north", "south", "east", "west"}

// zipTable writes a table of rows rows with a 5-digit zip code, a region
// tied to the zip's first three digits, and an independent plan, and
// returns its path and the 3-digit areas. The 30 areas have weights
// ∝ 1/(1 + i/4) (the smallest holds 1.3 % of the rows, 54 of 4,000: every
// area passes min_count), the last two digits are uniform (4,000 rows
// over 3,000 zips: almost every zip is seen fewer than 10 times, and the
// 300 4-digit prefixes hold 5 to 44 rows each, many fewer than 10). The
// region is the area's own with probability 0.85, else uniform. The
// largest area starts with 0, so the column is text, as zip codes are.
func zipTable(t testing.TB, rows int, seed uint64) (path string, areas []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	seen := map[string]bool{"021": true}
	areas = []string{"021"}
	for len(areas) < 30 {
		a := fmt.Sprintf("%03d", rng.IntN(1000))
		if !seen[a] {
			seen[a] = true
			areas = append(areas, a)
		}
	}
	cum := make([]float64, len(areas))
	var tot float64
	for i := range areas {
		tot += 1 / (1 + float64(i)/4)
		cum[i] = tot
	}
	var b strings.Builder
	b.WriteString("zip,region,plan\n")
	for range rows {
		i := pick(cum, rng.Float64())
		region := zipRegions[i%len(zipRegions)]
		if rng.Float64() >= 0.85 {
			region = zipRegions[rng.IntN(len(zipRegions))]
		}
		fmt.Fprintf(&b, "%s%02d,%s,%s\n", areas[i], rng.IntN(100), region, []string{"basic", "plus", "pro"}[rng.IntN(3)])
	}
	path = filepath.Join(t.TempDir(), "zips.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, areas
}

func readCSVRows(t testing.TB, data []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

// tvd returns the total variation distance between two histograms of a
// and b rows.
func tvd(a, b map[string]float64, na, nb float64) float64 {
	var d float64
	for k, v := range a {
		d += math.Abs(v/na - b[k]/nb)
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			d += v / nb
		}
	}
	return d / 2
}

// expectedTVD returns the expected TVD between a distribution p (a
// histogram of n rows) and the histogram of m rows drawn from it: each
// share's error has standard deviation √(p(1−p)/m), and E|X| = σ·√(2/π)
// for a normal X. It is the sampling noise of a sampler that reproduces p
// exactly.
func expectedTVD(p map[string]float64, n, m float64) float64 {
	var e float64
	for _, c := range p {
		q := c / n
		e += math.Sqrt(2 * q * (1 - q) / (math.Pi * m))
	}
	return e / 2
}

// TestCodeColumnByPrefix checks that a zip-like column whose full values
// are too rare to keep is modelled by its 3-digit prefix: the model keeps
// 3 of 5 characters, sampled values are masked prefixes of the input's
// areas ("021**"), the prefix marginal and its pair with a correlated
// column match the input within sampling noise, and the model maps a full
// input zip to its prefix's code.
func TestCodeColumnByPrefix(t *testing.T) {
	const rows = 4000
	path, areas := zipTable(t, rows, 1)
	m := fit(t, path, &Options{Seed: 1})
	zc := m.Columns[0]
	if zc.Treatment != TreatModel || zc.Numeric != nil {
		t.Fatalf("zip column: treatment %s (%s), numeric %v; want a modelled text column", zc.Treatment, zc.Why, zc.Numeric != nil)
	}
	// Level 3 has no rare prefix; level 4 has many (see zipTable).
	if zc.Prefix == nil || *zc.Prefix != (Prefix{Keep: 3, Length: 5}) {
		t.Fatalf("zip prefix = %+v, want keep 3 of 5", zc.Prefix)
	}
	isArea := map[string]bool{}
	for _, a := range areas {
		isArea[a] = true
	}
	for _, c := range zc.Codes {
		if !c.Other && !c.Null && (!isArea[c.Value[:3]] || c.Value[3:] != "**") {
			t.Errorf("zip code %q, want an area followed by **", c.Value)
		}
	}
	ix := newCodeIndex(zc)
	if got := ix.category("02117"); got < 0 || zc.Codes[got].Value != "021**" {
		t.Errorf("codeIndex.category(02117) = %d, want the code of 021**", got)
	}
	if got := ix.category("0211"); got != ix.other {
		t.Errorf("codeIndex.category(0211) = %d, want the rare bucket %d", got, ix.other)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in := readCSVRows(t, data)
	inArea, inPair := map[string]float64{}, map[string]float64{}
	inRegion := map[string]float64{}
	for _, r := range in {
		inArea[r[0][:3]]++
		inPair[r[0][:3]+"|"+r[1]]++
		inRegion[r[1]]++
	}
	// The pair's distance to independence (the input's joint against the
	// product of its marginals): what a model that lost the tie would
	// score, far above the bound below.
	indep := 0.0
	for a, na := range inArea {
		for rg, nr := range inRegion {
			indep += math.Abs(inPair[a+"|"+rg]/rows - na/rows*nr/rows)
		}
	}
	indep /= 2
	areaBound := 1.5 * expectedTVD(inArea, rows, rows)
	pairBound := 1.5 * expectedTVD(inPair, rows, rows)
	if indep < 3*pairBound {
		t.Fatalf("test table: region's tie to the zip (TVD to independence %.3f) is too weak for the bound %.3f", indep, pairBound)
	}

	// Mean over three sample seeds, each of rows rows; the bounds are 1.5
	// times the TVD expected from sampling alone (a model that reproduces
	// the input's marginals exactly scores about 1.0 times).
	var areaTVD, pairTVD float64
	const seeds = 3
	for seed := uint64(1); seed <= seeds; seed++ {
		out := readCSVRows(t, sampleCSV(t, m, SampleOptions{Rows: rows, Seed: seed}))
		outArea, outPair := map[string]float64{}, map[string]float64{}
		for _, r := range out {
			z := r[0]
			if len(z) != 5 || (z != "*****" && (!isArea[z[:3]] || z[3:] != "**")) {
				t.Fatalf("sampled zip %q, want an input area followed by ** or *****", z)
			}
			outArea[z[:3]]++
			outPair[z[:3]+"|"+r[1]]++
		}
		areaTVD += tvd(inArea, outArea, rows, float64(len(out))) / seeds
		pairTVD += tvd(inPair, outPair, rows, float64(len(out))) / seeds
	}
	t.Logf("3-digit prefix TVD %.4f (bound %.4f); (prefix, region) TVD %.4f (bound %.4f, independence %.3f)",
		areaTVD, areaBound, pairTVD, pairBound, indep)
	if areaTVD > areaBound {
		t.Errorf("mean TVD of the 3-digit prefix marginal = %.4f, want <= %.4f", areaTVD, areaBound)
	}
	if pairTVD > pairBound {
		t.Errorf("mean TVD of (prefix, region) = %.4f, want <= %.4f", pairTVD, pairBound)
	}
}

// TestTextCodesLevels checks textCodes' choice of level on small columns.
func TestTextCodesLevels(t *testing.T) {
	stats := func(values []string) *colStats {
		s := newColStats(dataset.Column{Name: "c", Kind: dataset.String}, 1, 0)
		for _, v := range values {
			if err := s.add(dataset.Text(v), DefaultMaxCategories); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	repeat := func(vs []string, n int) []string {
		var out []string
		for range n {
			out = append(out, vs...)
		}
		return out
	}
	// 10 two-digit areas of 40 zips each; the third digit spreads each
	// area's zips over up to 10 prefixes of about 4 rows.
	var spread []string
	for i := range 400 {
		spread = append(spread, fmt.Sprintf("%02d%03d", i%10*7, i*7919%1000))
	}
	for _, tc := range []struct {
		name   string
		values []string
		want   *Prefix
	}{
		{"frequent codes stay whole", repeat([]string{"10001", "10002", "20001"}, 20), nil},
		{"spread zips keep their area", spread, &Prefix{Keep: 2, Length: 5}},
		{"words are no codes", repeat([]string{"alpha", "bravo", "delta"}, 20), nil},
		{"mixed lengths are no codes", append(repeat([]string{"1", "22", "333"}, 20), spread...), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := textCodes(stats(tc.values), DefaultMinCount, DefaultMaxCategories)
			if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Errorf("textCodes prefix = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestPrefixCountsAfterOverflow checks that the exact prefix counts a
// code-like column keeps once its value counts overflow into Misra-Gries
// equal a direct count.
func TestPrefixCountsAfterOverflow(t *testing.T) {
	s := newColStats(dataset.Column{Name: "c", Kind: dataset.String}, 1, 0)
	want := make([]map[string]int64, 6)
	for k := range want {
		want[k] = map[string]int64{}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// exactCategories + 5,000 distinct 7-digit codes and as many repeats.
	for i := range 2 * (exactCategories + 5000) {
		v := fmt.Sprintf("%07d", i%(exactCategories+5000)*13+rng.IntN(13))
		if err := s.add(dataset.Text(v), DefaultMaxCategories); err != nil {
			t.Fatal(err)
		}
		for k := range want {
			want[k][v[:k+1]]++
		}
	}
	if s.mg == nil {
		t.Fatal("the counts did not overflow")
	}
	for k := 1; k <= 6; k++ {
		got, ok := s.prefixCounts(k, 7)
		// A level of more than exactCategories prefixes is dropped (the
		// 6-digit one here: 91,700 prefixes).
		if wantOK := len(want[k-1]) <= exactCategories; ok != wantOK {
			t.Fatalf("prefixCounts(%d, 7) kept = %v, want %v (%d prefixes)", k, ok, wantOK, len(want[k-1]))
		}
		if !ok {
			continue
		}
		if len(got) != len(want[k-1]) {
			t.Errorf("prefixCounts(%d, 7) = %d prefixes, want %d", k, len(got), len(want[k-1]))
		}
		for _, tc := range got {
			if tc.n != want[k-1][tc.text] {
				t.Errorf("prefixCounts(%d, 7)[%s] = %d, want %d", k, tc.text, tc.n, want[k-1][tc.text])
				break
			}
		}
	}
}

// TestPrefixModelChecked checks that ParseModel refuses a model whose
// prefix does not match its codes.
func TestPrefixModelChecked(t *testing.T) {
	path, _ := zipTable(t, 1000, 2)
	good, err := fit(t, path, &Options{Seed: 1}).MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseModel(good); err != nil {
		t.Fatalf("ParseModel(good) = %v", err)
	}
	if !bytes.Contains(good, []byte(`"keep": 3`)) {
		t.Fatalf("model has no 3-character prefix:\n%.2000s", good)
	}
	for _, tc := range []struct{ name, old, new string }{
		{"keep past the codes", `"keep": 3`, `"keep": 4`},
		{"keep the whole value", `"keep": 3`, `"keep": 5`},
		{"code not masked", `**"`, `9*"`},
	} {
		bad := bytes.Replace(good, []byte(tc.old), []byte(tc.new), 1)
		_, err := ParseModel(bad)
		var me *ModelError
		if !errors.As(err, &me) {
			t.Errorf("ParseModel(%s) = %v, want a ModelError", tc.name, err)
		}
	}
}

// TestCodeColumnByPrefixDP checks the DP fit of a zip-like column whose
// full values are too rare to release: the column's form and prefix level
// are released with DP (releaseCodePrefixes), the model keeps 3 of 5
// characters, its codes are masked input areas, the budget list has the
// step and still adds up, and the sampled 3-digit prefixes match the
// input's within sampling plus DP noise.
//
// 30,000 rows (zipTable: the smallest area holds 1.3 %, about 390 rows)
// at ε = 1, δ = 1e-9: the prefix counts get σ ≈ 39 and a prefix is
// released above τ ≈ 1 + 6.6σ ≈ 260, so every area passes with margin
// (130 rows, 3.3σ, for the smallest), while the 4-digit prefixes (about
// 40 to 230 rows) mostly do not: level 4 leaves far more than 5 % of the
// rows rare, level 3 none. With a few thousand rows the areas themselves
// fall under τ at this δ, and the fit keeps a shorter prefix.
func TestCodeColumnByPrefixDP(t *testing.T) {
	const rows = 30000
	path, areas := zipTable(t, rows, 3)
	isArea := map[string]bool{}
	for _, a := range areas {
		isArea[a] = true
	}

	// Without noise the DP rule must choose the level the exact rule
	// (textCodes, non-DP fit) chooses: the same thresholds on exact counts.
	exact := fit(t, path, &Options{Seed: 1})
	quiet := fit(t, path, &Options{Seed: 1, Epsilon: 1, Noise: noNoise{}})
	if exact.Columns[0].Prefix == nil || quiet.Columns[0].Prefix == nil || *quiet.Columns[0].Prefix != *exact.Columns[0].Prefix {
		t.Errorf("DP fit without noise: prefix %+v, non-DP fit %+v; want the same level", quiet.Columns[0].Prefix, exact.Columns[0].Prefix)
	}

	m := fit(t, path, &Options{Seed: 1, Epsilon: 1})
	checkBudget(t, m, 1, 1e-9)
	js, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseModel(js); err != nil {
		t.Fatalf("ParseModel(DP model) = %v", err)
	}
	zc := m.Columns[0]
	if zc.Prefix == nil || *zc.Prefix != (Prefix{Keep: 3, Length: 5}) || zc.Domain != "dp" {
		t.Fatalf("zip prefix = %+v (domain %q), want keep 3 of 5 released with DP", zc.Prefix, zc.Domain)
	}
	// The step: 3 length histograms (zip, region, plan) and the 4 prefix
	// levels of the zip column.
	var step *BudgetStep
	for i, b := range m.Privacy.Budget {
		if strings.HasPrefix(b.Step, "code-like text columns") {
			step = &m.Privacy.Budget[i]
		}
	}
	if step == nil || step.Measurements != 7 || step.Share != shareCode {
		t.Errorf("budget step of code-like columns = %+v, want 7 measurements and share %g", step, shareCode)
	}
	for _, c := range zc.Codes {
		if !c.Null && !c.Other && (!isArea[c.Value[:3]] || c.Value[3:] != "**") {
			t.Errorf("zip code %q, want an input area followed by **", c.Value)
		}
		for _, mb := range c.Members {
			if mb.Value != "*****" && (!isArea[mb.Value[:3]] || mb.Value[3:] != "**") {
				t.Errorf("rare bucket member %q, want an input area followed by ** or *****", mb.Value)
			}
		}
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inArea := map[string]float64{}
	for _, r := range readCSVRows(t, data) {
		inArea[r[0][:3]]++
	}
	out := readCSVRows(t, sampleCSV(t, m, SampleOptions{Rows: rows, Seed: 1}))
	outArea := map[string]float64{}
	for _, r := range out {
		z := r[0]
		if z == "" {
			// Null: the input has none, but the null cell's noisy count
			// passes 3σ in about 0.1 % of fits; the TVD counts them.
			outArea["null"]++
			continue
		}
		if len(z) != 5 || (z != "*****" && (!isArea[z[:3]] || z[3:] != "**")) {
			t.Fatalf("sampled zip %q, want an input area followed by ** or *****", z)
		}
		outArea[z[:3]]++
	}
	// The bound: 1.5 times the TVD that sampling rows rows alone gives,
	// plus 3 times the expected TVD of the DP noise on the column's 1-way
	// counts, ½·K·σ·√(2/π)/rows for K codes, with σ the largest of the
	// 1-way step (at least the zip column's; the model's estimate also
	// uses the 2-way measurements, which only lower the error). Measured:
	// 0.012 to 0.014 over three fits, against a bound of 0.053 (25 more
	// fits passed); a model that lost the areas (all "*****") scores 1.
	sigma1 := 0.0
	for _, b := range m.Privacy.Budget {
		if strings.HasPrefix(b.Step, "1-way marginals") {
			sigma1 = b.Sigma
		}
	}
	noise := 0.5 * float64(len(zc.Codes)) * sigma1 * math.Sqrt(2/math.Pi) / rows
	bound := 1.5*expectedTVD(inArea, rows, rows) + 3*noise
	got := tvd(inArea, outArea, rows, float64(len(out)))
	t.Logf("ε=1: 3-digit prefix TVD %.4f (bound %.4f: sampling %.4f, DP noise %.4f)", got, bound, expectedTVD(inArea, rows, rows), noise)
	if got > bound {
		t.Errorf("TVD of the 3-digit prefix marginal = %.4f, want <= %.4f", got, bound)
	}

	// Conditioning on a prefix: --where names the masked code the model
	// releases. Area 021 lies in the north for 89 % of its rows (zipTable),
	// against about 30 % of all rows: the condition must carry the tie.
	cond := readCSVRows(t, sampleCSV(t, m, SampleOptions{Rows: 2000, Seed: 2, Where: []Condition{{"zip", "021**"}}}))
	north := 0.0
	for _, r := range cond {
		if r[0] != "021**" {
			t.Fatalf("sampled zip %q under --where zip=021**", r[0])
		}
		if r[1] == "north" {
			north++
		}
	}
	t.Logf("P(north | zip=021**) = %.3f", north/float64(len(cond)))
	if share := north / float64(len(cond)); share < 0.6 {
		t.Errorf("P(north | zip=021**) = %.3f, want near 0.89 (at least 0.6)", share)
	}
	// A full code is not a value of the model: the error says so.
	var buf bytes.Buffer
	_, err = m.Sample(context.Background(), dataset.NewCSVWriter(&buf, m.OutputSchema(), nil), SampleOptions{Rows: 1, Where: []Condition{{"zip", "02117"}}})
	if !errors.Is(err, ErrUnknownValue) {
		t.Errorf("--where zip=02117 = %v, want ErrUnknownValue", err)
	}
}
