package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/report/learn"
	"github.com/veil-data/veil/report/metrics"
)

// Chart limits.
const (
	// maxBins is how many categories a marginal chart shows; the rest are
	// pooled into one bar.
	maxBins = 12
	// minBinRows is the fewest rows a category needs, in the original and
	// in the release, to be named in a chart; rarer ones are pooled, so that
	// a rare value (which can single a person out) is never printed.
	minBinRows = 5
	// maxHeatmapColumns bounds the correlation heatmaps.
	maxHeatmapColumns = 30
)

func (b *builder) utility(ctx context.Context) error {
	u := &b.r.Utility
	if err := b.sdmetrics(ctx); err != nil {
		return err
	}
	b.marginals()
	b.correlations()
	if b.anon != nil && len(b.anon.InfoLoss) > 0 {
		u.InfoLoss = b.anon.InfoLoss
	}
	if b.opt.Target != "" {
		if err := b.tstr(ctx); err != nil {
			return err
		}
	}
	f := newFigure("tstr_ratio", "TSTR / TRTR (F1)", 0, false, ">=", ref(refTSTR), "ratio",
		"F1 of models trained on the release and tested on real rows, over the same models trained on real rows: 1 = no loss for machine learning", "needs --target")
	if t := u.TSTR; t != nil {
		f.Note = t.Note
		if t.Ratio != nil {
			f = newFigure("tstr_ratio", f.Label, *t.Ratio, true, ">=", ref(refTSTR), "ratio", f.Meaning,
				fmt.Sprintf("target %s; mean over %d models", t.Target, len(t.Models)))
		}
	}
	u.Figures = append(u.Figures, f)
	b.infoKept()
	return nil
}

// infoKept measures, per compared column, the share of its entropy the
// release keeps: H(released) / H(original) over the values as they are
// (before any recoding), capped at 1. Generalization lowers it; a synthetic
// or noisy release keeps it near 1.
func (b *builder) infoKept() {
	orig := b.orig
	if b.origRaw != nil {
		orig = b.origRaw
	}
	var sum float64
	n := 0
	for j, s := range b.specs {
		if s.numeric {
			continue
		}
		ho, hr := entropy(orig.cols[j].codes), entropy(b.rel.cols[j].codes)
		if ho == 0 {
			continue
		}
		sum += math.Min(hr/ho, 1)
		n++
		if s.recoded && s.readable {
			b.keptRecoded += math.Min(hr/ho, 1)
			b.nRecoded++
		}
	}
	if b.nRecoded > 0 {
		b.keptRecoded /= float64(b.nRecoded)
	}
	f := newFigure("information_kept", "Information kept (entropy)", sum/float64(max(n, 1)), n > 0, ">=", nil, "share",
		"mean over categorical columns of the released entropy over the original's: generalization lowers it, 1 = as much detail as the original", fmt.Sprintf("%d categorical columns", n))
	b.r.Utility.Figures = append(b.r.Utility.Figures, f)
}

// entropy is the Shannon entropy (nats) of the codes' distribution, null a
// value of its own.
func entropy(codes []int32) float64 {
	counts := codeCounts(codes)
	var h float64
	n := float64(len(codes))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log(p)
		}
	}
	return h
}

// codeCounts returns the number of rows of each code: index 0 counts
// nulls (code −1), index c+1 code c.
func codeCounts(codes []int32) []int {
	hi := int32(-1)
	for _, c := range codes {
		hi = max(hi, c)
	}
	counts := make([]int, hi+2)
	for _, c := range codes {
		counts[c+1]++
	}
	return counts
}

// marginals computes each compared column's distribution in the original
// and the release over common bins, for the small-multiple charts.
func (b *builder) marginals() {
	for j, s := range b.specs {
		if b.utilSkip[s.name] != "" {
			continue
		}
		oc, rc := b.orig.cols[j], b.rel.cols[j]
		m := Marginal{Column: s.name}
		if s.numeric {
			// Bins on round edges (years for dates) so that no label is a
			// real value such as the oldest person's birth date.
			isDate := s.kinds[0] == dataset.Date || s.kinds[0] == dataset.Timestamp
			conv := func(v float64) float64 { return v }
			if isDate {
				conv = func(v float64) float64 { return 1970 + v/secondsPerYear }
			}
			lo, hi := numRange(oc.nums)
			edges := niceEdges(conv(lo), conv(hi), 10)
			bins := len(edges) - 1
			for k := 0; k < bins; k++ {
				m.Bins = append(m.Bins, trimFloat(edges[k])+"–"+trimFloat(edges[k+1]))
			}
			m.Bins = append(m.Bins, "null")
			m.Original = make([]float64, bins+1)
			m.Released = make([]float64, bins+1)
			count := func(v []float64, out []float64) {
				for _, x := range v {
					if math.IsNaN(x) {
						out[bins]++
						continue
					}
					out[edgeBin(edges, conv(x))]++
				}
			}
			count(oc.nums, m.Original)
			count(rc.nums, m.Released)
			if m.Original[bins] == 0 && m.Released[bins] == 0 {
				m.Bins, m.Original, m.Released = m.Bins[:bins], m.Original[:bins], m.Released[:bins]
			}
		} else {
			// Categories held by minBinRows rows in both tables, most
			// frequent first (ties by code): the first maxBins are named,
			// every other row is pooled.
			co, cr := codeCounts(oc.codes), codeCounts(rc.codes)
			count := func(counts []int, c int32) float64 {
				if int(c+1) < len(counts) {
					return float64(counts[c+1])
				}
				return 0
			}
			var codes []int32
			for i := 1; i < min(len(co), len(cr)); i++ {
				if co[i] >= minBinRows && cr[i] >= minBinRows {
					codes = append(codes, int32(i-1))
				}
			}
			sort.Slice(codes, func(a, z int) bool {
				ta, tz := count(co, codes[a])+count(cr, codes[a]), count(co, codes[z])+count(cr, codes[z])
				if ta != tz {
					return ta > tz
				}
				return codes[a] < codes[z]
			})
			if len(codes) > maxBins {
				codes = codes[:maxBins]
			}
			var shownO, shownR float64
			for _, c := range codes {
				m.Bins = append(m.Bins, s.text(c))
				m.Original = append(m.Original, count(co, c))
				m.Released = append(m.Released, count(cr, c))
				shownO += count(co, c)
				shownR += count(cr, c)
			}
			otherO, otherR := float64(len(oc.codes))-shownO, float64(len(rc.codes))-shownR
			if otherO+otherR > 0 {
				m.Bins = append(m.Bins, "other, rare or null")
				m.Original = append(m.Original, otherO)
				m.Released = append(m.Released, otherR)
			}
			// The TVD over every category, not over the bars: pooling
			// rare categories into one bar would hide their differences
			// (a zip column's 98 % of rows).
			no, nr := float64(max(len(oc.codes), 1)), float64(max(len(rc.codes), 1))
			for i := range max(len(co), len(cr)) {
				var po, pr float64
				if i < len(co) {
					po = float64(co[i]) / no
				}
				if i < len(cr) {
					pr = float64(cr[i]) / nr
				}
				m.TVD += math.Abs(po-pr) / 2
			}
		}
		normalise(m.Original)
		normalise(m.Released)
		if s.numeric { // the bars are the bins: every row is in one
			for k := range m.Original {
				m.TVD += math.Abs(m.Original[k]-m.Released[k]) / 2
			}
		}
		b.r.Utility.Marginals = append(b.r.Utility.Marginals, m)
	}
}

func normalise(v []float64) {
	var s float64
	for _, x := range v {
		s += x
	}
	if s == 0 {
		return
	}
	for i := range v {
		v[i] /= s
	}
}

// edgeBin returns k with edges[k] <= y < edges[k+1], clamped to the first
// and last bins.
func edgeBin(edges []float64, y float64) int {
	k := sort.Search(len(edges), func(i int) bool { return edges[i] > y }) - 1
	return max(0, min(len(edges)-2, k))
}

// secondsPerYear is the mean Gregorian year, for chart bins of dates.
const secondsPerYear = 365.2425 * 86400

// niceEdges returns about n+1 round bin edges (steps of 1, 2 or 5 times a
// power of ten) covering [lo, hi]; bin k is [edges[k], edges[k+1]).
func niceEdges(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		s := math.Max(1, math.Abs(lo)*0.1)
		return []float64{math.Floor(lo), math.Floor(lo) + s}
	}
	raw := (hi - lo) / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	start := math.Floor(lo/step) * step
	var edges []float64
	for k := 0; ; k++ {
		e := start + float64(k)*step
		// Round away float noise (0.30000000000000004).
		e = math.Round(e/step*1e6) / 1e6 * step
		edges = append(edges, roundSig(e, 12))
		if e > hi || len(edges) > 4*n {
			break
		}
	}
	return edges
}

// correlations computes the association matrices of the compared columns in
// the original and the release.
func (b *builder) correlations() {
	var idx []int
	for j, s := range b.specs {
		if b.utilSkip[s.name] == "" && len(idx) < maxHeatmapColumns {
			idx = append(idx, j)
		}
	}
	if len(idx) < 2 {
		return
	}
	c := &Correlations{Measure: "|Pearson r| between numbers, Cramér's V between categories, correlation ratio η between a number and a category"}
	for _, j := range idx {
		c.Columns = append(c.Columns, b.specs[j].name)
	}
	c.Original = associationMatrix(b.orig, idx)
	c.Released = associationMatrix(b.rel, idx)
	b.r.Utility.Correlations = c
}

// associationMatrix returns the associations between columns idx of f.
func associationMatrix(f *frame, idx []int) [][]Float {
	n := len(idx)
	m := make([][]Float, n)
	for i := range m {
		m[i] = make([]Float, n)
		m[i][i] = 1
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := Float(association(f.cols[idx[i]], f.cols[idx[j]]))
			m[i][j], m[j][i] = v, v
		}
	}
	return m
}

// idLike sets aside the compared columns that behave as identifiers
// (metrics.IDLike: categories with a new value on more than 95 % of the
// original's rows): SDMetrics leaves id columns out of its quality report
// through metadata, and a release that keeps such a column unchanged would
// otherwise score low on pair trends because two samples of it share few
// values. They stay in the privacy measures (classes, exact copies).
func (b *builder) idLike() {
	b.utilSkip = map[string]string{}
	for _, c := range metrics.IDLike(b.orig.t) {
		b.utilSkip[c.Column] = fmt.Sprintf("ID-like: %d distinct values in %d (%s) in the original", c.Distinct, c.Values, pct(c.Ratio()))
	}
}

// utilityExcluded returns the names left out of the utility comparisons
// (ID-like), in column order.
func (b *builder) utilityExcluded() []string {
	var out []string
	for _, s := range b.specs {
		if b.utilSkip[s.name] != "" {
			out = append(out, s.name)
		}
	}
	return out
}

// association returns |Pearson r|, Cramér's V or the correlation ratio of
// two columns over the rows where both are not null (numbers binned into 10
// equal-width bins for V); NaN when undefined.
func association(a, c *fcol) float64 {
	switch {
	case a.spec.numeric && c.spec.numeric:
		return math.Abs(metrics.Pearson(a.nums, c.nums))
	case a.spec.numeric:
		return corrRatio(a.nums, c.codes)
	case c.spec.numeric:
		return corrRatio(c.nums, a.codes)
	}
	return cramerV(a.codes, c.codes)
}

// cramerV is √(χ²/(n·(min(r,c)−1))) of the contingency table of a and b
// over rows where both are not null (no bias correction, as scipy's
// association(method="cramer")); NaN when either column takes a single
// value there. metrics.ChiSquared counts the table in a fixed order.
func cramerV(a, c []int32) float64 {
	chi2, n, k := metrics.ChiSquared(a, c)
	if n == 0 || k < 2 {
		return math.NaN()
	}
	return math.Min(math.Sqrt(chi2/(float64(n)*float64(k-1))), 1)
}

// corrRatio is η = √(between-group variance / total variance) of x grouped
// by the categories g, over rows where both are not null. Groups are summed
// in order of code.
func corrRatio(x []float64, g []int32) float64 {
	hi := int32(-1)
	for _, c := range g {
		hi = max(hi, c)
	}
	sum := make([]float64, hi+1)
	cnt := make([]float64, hi+1)
	var n, tot float64
	for i := range x {
		if math.IsNaN(x[i]) || g[i] < 0 {
			continue
		}
		sum[g[i]] += x[i]
		cnt[g[i]]++
		tot += x[i]
		n++
	}
	if n < 2 {
		return math.NaN()
	}
	mean := tot / n
	var ss float64
	for i := range x {
		if math.IsNaN(x[i]) || g[i] < 0 {
			continue
		}
		ss += (x[i] - mean) * (x[i] - mean)
	}
	if ss == 0 {
		return math.NaN()
	}
	var between float64
	for k, c := range cnt {
		if c > 0 {
			m := sum[k] / c
			between += c * (m - mean) * (m - mean)
		}
	}
	return math.Sqrt(between / ss)
}

// tstr trains a logistic regression and a decision tree on the release
// (TSTR) and on real rows (TRTR), and tests both on the same real rows. TRTR
// sees the real values as they are; TSTR sees the test rows as the release
// would present them (recoded columns mapped into the released domain), as
// a model trained on the release would be used.
func (b *builder) tstr(ctx context.Context) error {
	tj := -1
	for j, s := range b.specs {
		if s.name == b.opt.Target {
			tj = j
		}
	}
	if tj < 0 {
		b.r.Utility.TSTR = &TSTR{Target: b.opt.Target, Note: "the target is an identifying column or not in both tables; TSTR not measured"}
		return nil
	}
	t := &TSTR{Target: b.opt.Target}
	origRaw, holdRaw := b.orig, b.hold
	if b.origRaw != nil {
		origRaw, holdRaw = b.origRaw, b.holdRaw
	}
	var trainReal, testRaw, testRel *frame
	testAll := true // every test row available is used
	if b.hold != nil {
		trainReal = origRaw.subset(b.sample(b.orig.rows, b.opt.TrainRows))
		testRaw, testRel = holdRaw, b.hold
		if b.hold.rows > b.opt.TestRows {
			te := b.sample(b.hold.rows, b.opt.TestRows)
			testRaw, testRel = holdRaw.subset(te), b.hold.subset(te)
			testAll = false
		}
		t.TestFrom = "holdout"
	} else {
		// Split the original 80/20 with the seed: TRTR trains on 80 %, both
		// models are tested on the other 20 %.
		perm := b.rng.Perm(b.orig.rows)
		cut := b.orig.rows * 4 / 5
		tr := perm[:min(cut, b.opt.TrainRows)]
		te := perm[cut:min(len(perm), cut+b.opt.TestRows)]
		testAll = len(te) == len(perm)-cut
		sort.Ints(tr)
		sort.Ints(te)
		trainReal = origRaw.subset(tr)
		testRaw, testRel = origRaw.subset(te), b.orig.subset(te)
		t.TestFrom = "a 20 % split of the original (no holdout given)"
		t.Note = "Without a holdout the test rows were also used to make the release, which flatters TSTR; pass --holdout with real rows kept out of anonymization or synthesis."
	}
	trainRel := b.rel.subset(b.sample(b.rel.rows, b.opt.TrainRows))
	t.TestRows, t.TrainReal, t.TrainRel = testRaw.rows, trainReal.rows, trainRel.rows
	if testRaw.rows == 0 || trainReal.rows == 0 || trainRel.rows == 0 {
		t.Note = joinNote(t.Note, "Too few rows to train and test; TSTR not measured.")
		b.r.Utility.TSTR = t
		return nil
	}
	if b.origRaw != nil {
		t.Note = joinNote(t.Note, "Recoded columns: TRTR trains and tests on the real values, TSTR tests on the real rows recoded as in the release.")
	}

	// Labels: categories as they are; a numeric target split at the real
	// training median.
	spec := b.specs[tj]
	var median float64
	if spec.numeric {
		v := make([]float64, 0, trainReal.rows)
		for _, x := range trainReal.cols[tj].nums {
			if !math.IsNaN(x) {
				v = append(v, x)
			}
		}
		sort.Float64s(v)
		if len(v) > 0 {
			median = v[len(v)/2]
		}
		t.Note = joinNote(t.Note, fmt.Sprintf("The numeric target is split at the original's median (%s) into two classes.", trimFloat(roundSig(median, 4))))
	}
	labels := func(f *frame) []string {
		c := f.cols[tj]
		out := make([]string, f.rows)
		for i := range out {
			switch {
			case c.isNull(i):
				out[i] = "(null)"
			case spec.numeric && c.nums[i] <= median:
				out[i] = "<= median"
			case spec.numeric:
				out[i] = "> median"
			default:
				out[i] = spec.text(c.codes[i])
			}
		}
		return out
	}
	yReal, yRel, yTestRaw, yTestRel := labels(trainReal), labels(trainRel), labels(testRaw), labels(testRel)
	counts := map[string]int{}
	for _, y := range yReal {
		counts[y]++
	}
	t.Classes = len(counts)
	if t.Classes == 2 {
		// The positive class is the rarer real class (">50K" on Adult).
		for c, n := range counts {
			if t.Positive == "" || n < counts[t.Positive] || (n == counts[t.Positive] && c < t.Positive) {
				t.Positive = c
			}
		}
	}
	if t.Classes < 2 {
		t.Note = joinNote(t.Note, "The target has a single class in the original; TSTR not measured.")
		b.r.Utility.TSTR = t
		return nil
	}
	var feat []int // the columns the models learn from
	for j, s := range b.specs {
		if j != tj && b.utilSkip[s.name] == "" {
			feat = append(feat, j)
			t.Features = append(t.Features, s.name)
		}
	}
	if skipped := b.utilityExcluded(); len(skipped) > 0 {
		t.Note = joinNote(t.Note, "Not used as features (ID-like, as in the other utility figures): "+strings.Join(skipped, ", ")+".")
	}
	features := func(f *frame) learn.Table {
		var tab learn.Table
		for _, j := range feat {
			s := b.specs[j]
			c := f.cols[j]
			lc := learn.Column{Name: s.name, Numeric: s.numeric}
			if s.numeric {
				lc.Num = c.nums
			} else {
				lc.Cat = make([]string, f.rows)
				lc.Missing = make([]bool, f.rows)
				for i, code := range c.codes {
					if code < 0 {
						lc.Missing[i] = true
					} else {
						lc.Cat[i] = s.text(code)
					}
				}
			}
			tab.Columns = append(tab.Columns, lc)
		}
		return tab
	}
	xReal, xRel, xTestRaw, xTestRel := features(trainReal), features(trainRel), features(testRaw), features(testRel)
	if len(xReal.Columns) == 0 {
		t.Note = joinNote(t.Note, "No feature column besides the target; TSTR not measured.")
		b.r.Utility.TSTR = t
		return nil
	}
	type fitFn func(x learn.Table, y []string, test learn.Table) (classes []string, proba [][]float64, err error)
	models := []struct {
		name string
		fit  fitFn
	}{
		{"logistic regression (L2, one-hot)", func(x learn.Table, y []string, test learn.Table) ([]string, [][]float64, error) {
			enc := learn.NewEncoder(x)
			m, err := learn.FitLogistic(enc, x, y, nil)
			if err != nil {
				return nil, nil, err
			}
			p, err := m.PredictProba(enc, test)
			return m.Classes(), p, err
		}},
		{"decision tree (CART, depth 10)", func(x learn.Table, y []string, test learn.Table) ([]string, [][]float64, error) {
			enc := learn.NewEncoder(x)
			m, err := learn.FitTree(enc, x, y, nil)
			if err != nil {
				return nil, nil, err
			}
			p, err := m.PredictProba(enc, test)
			return m.Classes(), p, err
		}},
	}
	var ratios []float64
	for _, m := range models {
		if err := ctx.Err(); err != nil {
			return err
		}
		pair := ModelPair{Model: m.name}
		cls, p, err := m.fit(xReal, yReal, xTestRaw)
		if err != nil {
			t.Note = joinNote(t.Note, m.name+" on real rows: "+err.Error()+".")
			continue
		}
		pair.TRTR = scores(learn.Score(yTestRaw, cls, p, t.Positive))
		cls, p, err = m.fit(xRel, yRel, xTestRel)
		if err != nil {
			// A release whose target has one class predicts that class.
			cls, p = constantPrediction(yRel, testRel.rows)
			t.Note = joinNote(t.Note, m.name+" on the release: "+err.Error()+"; it predicts its single class.")
		}
		pair.TSTR = scores(learn.Score(yTestRel, cls, p, t.Positive))
		if pair.TRTR.F1 > 0 {
			pair.Ratio = pair.TSTR.F1 / pair.TRTR.F1
			ratios = append(ratios, pair.Ratio)
		}
		t.Models = append(t.Models, pair)
	}
	if len(ratios) > 0 {
		var s float64
		for _, r := range ratios {
			s += r
		}
		v := s / float64(len(ratios))
		t.Ratio = &v
	}
	b.r.Utility.TSTR = t
	b.method("TSTR / TRTR", testAll && (trainReal.rows == b.orig.rows || (b.hold == nil && trainReal.rows == b.orig.rows*4/5)), trainReal.rows,
		fmt.Sprintf("models trained on up to %d rows of each table, tested on %d real rows (%s; up to %d, seeded samples)", b.opt.TrainRows, testRaw.rows, t.TestFrom, b.opt.TestRows))
	return nil
}

func constantPrediction(y []string, rows int) ([]string, [][]float64) {
	label := "(none)"
	if len(y) > 0 {
		label = y[0]
	}
	p := make([][]float64, rows)
	for i := range p {
		p[i] = []float64{1}
	}
	return []string{label}, p
}

func scores(s learn.Scores) Scores {
	out := Scores{Accuracy: s.Accuracy, F1: s.F1}
	if !math.IsNaN(s.AUC) {
		a := s.AUC
		out.AUC = &a
	}
	return out
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
