package report

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/veil-data/veil/report/metrics"
)

// Reference thresholds of the utility figures (veil's defaults; see
// docs/report.md).
const (
	refQuality = 0.9
	refShapes  = 0.9
	refTrends  = 0.9
	refTVD1    = 0.05
	refTVD2    = 0.05
	refTVD3    = 0.1
	refTSTR    = 0.9
)

// maxMarginalSets caps the column sets of one k whose marginal TVD the
// report measures: the 455 sets of 3 of 15 columns are all measured; a
// table of 22 columns or more gets a seeded sample of this many sets for
// k = 3, which bounds the work (each set is one or two passes over the
// rows of both tables).
const maxMarginalSets = 1000

// maxTrendPairs caps the column pairs whose trend (correlation or
// contingency similarity) the report scores: the 4,950 pairs of a table of
// up to maxTrendColumns compared columns are all scored; a wider table gets
// a seeded uniform sample of this many pairs (SDMetrics' reports compute
// every pair, which on 2,000 columns is 2 million contingency tables, and a
// JSON report listing each). The mean of a uniform sample of 5,000 scores
// in [0, 1] is within ±0.014 of the mean over all pairs (95 %, Hoeffding),
// well below the differences the figure is read for.
const (
	maxTrendPairs   = 5000
	maxTrendColumns = 100
)

// pairsOf says, for the figures' notes, which pairs q scored: "" for all
// of them, else the sample's size after "; ".
func pairsOf(q *metrics.Quality) string {
	if len(q.Pairs) < q.PairsTotal {
		return fmt.Sprintf("; the pairs are a seeded uniform sample of %d of the %d column pairs", len(q.Pairs), q.PairsTotal)
	}
	return ""
}

// sdmetrics computes the SDMetrics-style utility figures with package
// metrics on the frames (recoded columns already mapped into the released
// domain).
func (b *builder) sdmetrics(ctx context.Context) error {
	u := &b.r.Utility
	exact := !b.orig.t.Sampled() && !b.rel.t.Sampled()
	skip := b.utilityExcluded()
	origU, relU := b.orig.t, b.rel.t
	if len(skip) > 0 {
		origU, relU = origU.Without(skip...), relU.Without(skip...)
	}
	compared := len(b.specs) - len(skip)
	if compared == 0 {
		u.Figures = append(u.Figures,
			newFigure("quality", "Overall quality", 0, false, ">=", ref(refQuality), "score", "SDMetrics' quality score", "every compared column is ID-like"))
		b.skippedMethod(skip)
		return nil
	}
	q, err := metrics.QualityScoreContext(ctx, origU, relU, &metrics.TrendOptions{Seed: b.opt.Seed, MaxPairs: maxTrendPairs})
	if err != nil {
		return err
	}
	pairsSampled := len(q.Pairs) < q.PairsTotal
	if pairsSampled && b.opt.Target != "" && origU.Col(b.opt.Target) != nil {
		// The leak check (tstrLeak) needs the target's association with
		// every column, not with those the sample happened to draw.
		_, tp, _, err := metrics.ColumnPairTrendsContext(ctx, origU, relU, &metrics.TrendOptions{Seed: b.opt.Seed, Column: b.opt.Target})
		if err != nil {
			return err
		}
		for _, p := range tp {
			b.targetPairs = append(b.targetPairs, PairTrend{Pair: p.Columns, Metric: p.Metric, Score: Float(p.Score), RealAssociation: Float(p.Real), MeetsThreshold: p.MeetsThreshold})
		}
	}
	// The all-pairs variant averages the same pair scores without the
	// thresholds (SDMetrics up to v0.26).
	var defined []float64
	for _, p := range q.Pairs {
		if !math.IsNaN(p.Score) {
			defined = append(defined, p.Score)
		}
	}
	all := meanOf(defined)
	counted := 0
	for _, p := range q.Pairs {
		u.Pairs = append(u.Pairs, PairTrend{Pair: p.Columns, Metric: p.Metric, Score: Float(p.Score), RealAssociation: Float(p.Real), MeetsThreshold: p.MeetsThreshold})
		if p.MeetsThreshold {
			counted++
		}
	}
	for _, c := range q.Columns {
		u.Shapes = append(u.Shapes, ColumnShape{Column: c.Column, Metric: c.Metric, Score: Float(c.Score)})
	}
	u.Figures = append(u.Figures,
		newFigure("quality", "Overall quality", q.Score, true, ">=", ref(refQuality), "score",
			"SDMetrics' quality score: mean of column shapes and column pair trends; 1 = the release reproduces the original's distributions", ""),
		newFigure("column_shapes", "Column shapes", q.ColumnShapes, true, ">=", ref(refShapes), "score",
			"mean over columns of KSComplement (numbers) or TVComplement (categories): 1 = identical distributions", fmt.Sprintf("%d columns", len(q.Columns))),
		newFigure("column_pair_trends", "Column pair trends (v0.27 thresholds)", q.ColumnPairTrends, true, ">=", ref(refTrends), "score",
			"mean over related column pairs of correlation or contingency similarity: 1 = relationships kept",
			fmt.Sprintf("%d of %d pairs meet SDMetrics v0.27's thresholds (|r| > %s, Cramér's V > %s in the original)%s", counted, len(q.Pairs), trimFloat(metrics.RealCorrelationThreshold), trimFloat(metrics.RealAssociationThreshold), pairsOf(q))),
		newFigure("column_pair_trends_all", "Column pair trends (all pairs)", all, true, ">=", ref(refTrends), "score",
			"the same over every pair, as SDMetrics up to v0.26 computed it", strings.TrimPrefix(pairsOf(q), "; ")))
	marg, err := metrics.NewMarginals(origU, relU, &metrics.MarginalOptions{MaxSets: maxMarginalSets, Seed: b.opt.Seed})
	if err != nil {
		return err
	}
	var capped []string
	for _, k := range []int{1, 2, 3} {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := fmt.Sprintf("tvd_%dway", k)
		label := fmt.Sprintf("Mean %d-way marginal TVD", k)
		th := map[int]float64{1: refTVD1, 2: refTVD2, 3: refTVD3}[k]
		meaning := fmt.Sprintf("mean total variation distance between the distributions of every set of %d columns: 0 = identical, 1 = disjoint", k)
		if k > compared {
			u.Figures = append(u.Figures, newFigure(id, label, 0, false, "<=", ref(th), "distance", meaning, fmt.Sprintf("fewer than %d compared columns", k)))
			continue
		}
		res, err := marg.TVDContext(ctx, k)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			u.Figures = append(u.Figures, newFigure(id, label, 0, false, "<=", ref(th), "distance", meaning, err.Error()))
			continue
		}
		sets := fmt.Sprintf("%d column sets", len(res.Sets))
		if len(res.Sets) < res.Total {
			sets = fmt.Sprintf("a seeded uniform sample of %d of the %d column sets", len(res.Sets), res.Total)
			capped = append(capped, fmt.Sprintf("%d-way: %d of %d sets", k, len(res.Sets), res.Total))
		}
		u.Figures = append(u.Figures, newFigure(id, label, res.Mean, true, "<=", ref(th), "distance", meaning,
			fmt.Sprintf("%s; worst %s; numbers with at most %d distinct values compared value by value, others in %d equal-frequency bins of the original", sets, trimFloat(roundSig(res.Max, 3)), metrics.DefaultExactValues, metrics.DefaultBins)))
	}
	b.method("column shapes, correlation similarity, marginal TVD", exact, b.rel.rows, sampledNote(b, "exact over every row (linear in rows)"))
	if b.orig.rows > metrics.ContingencyMaxRows || b.rel.rows > metrics.ContingencyMaxRows {
		b.method("contingency similarity and Cramér's V (column pair trends)", false, metrics.ContingencyMaxRows,
			fmt.Sprintf("on a seeded uniform sample of %d rows of each table, as SDMetrics does (one sample serves every pair)", metrics.ContingencyMaxRows))
	}
	b.skippedMethod(skip)
	if pairsSampled {
		b.method("column pair trends", false, 0, fmt.Sprintf("over a seeded uniform sample of %d of the %d column pairs when there are more than %d (tables of more than %d compared columns); each sampled pair is scored exactly",
			len(q.Pairs), q.PairsTotal, maxTrendPairs, maxTrendColumns))
	}
	if len(capped) > 0 {
		b.method("mean marginal TVD", false, 0, fmt.Sprintf("over a seeded uniform sample of column sets when there are more than %d (%s); each sampled set is measured exactly",
			maxMarginalSets, strings.Join(capped, ", ")))
	}
	return nil
}

// skippedMethod lists, in the methods, the columns the utility comparisons
// leave out and why: direct identifiers and record keys (never loaded) and
// ID-like columns.
func (b *builder) skippedMethod(idLike []string) {
	var parts []string
	for _, n := range b.order {
		role := b.roles.roles[n]
		if (role == "direct" || role == "identifier") && b.origSc.Index(n) >= 0 && b.relSc.Index(n) >= 0 {
			from := "role detected"
			if src := b.roles.source[n]; src != fromDetected {
				from = "role from the " + src
			}
			parts = append(parts, fmt.Sprintf("%s: %s (%s)", n, map[string]string{"direct": "direct identifier", "identifier": "record key"}[role], from))
		}
	}
	for _, n := range idLike {
		parts = append(parts, n+": "+b.utilSkip[n])
	}
	if len(parts) == 0 {
		return
	}
	b.method("columns left out of column shapes, pair trends, marginal TVD and heatmaps", true, 0,
		"as SDMetrics skips id columns: "+strings.Join(parts, "; ")+fmt.Sprintf(". ID-like: categories with more than %s distinct values among at least %d non-null values of the original; their distributions say nothing a release should keep, and two samples of them share few values", pct(metrics.IDLikeRatio), metrics.IDLikeMinValues))
}

// sampledNote says whether the tables were held whole or sampled.
func sampledNote(b *builder, exact string) string {
	if !b.orig.t.Sampled() && !b.rel.t.Sampled() {
		return exact
	}
	return fmt.Sprintf("on a seeded uniform sample of %d original and %d released rows (of %d and %d)", b.orig.rows, b.rel.rows, b.orig.t.TotalRows, b.rel.t.TotalRows)
}

// linkability measures how close released rows sit to real ones (DCR,
// NNDR, overfitting and baseline protection with package metrics), and
// documents pseudonym scope.
func (b *builder) linkability(ctx context.Context) error {
	l := &b.r.Privacy.Linkability
	for _, t := range b.r.Treatment {
		if t.Action == "hash" || t.Action == "tokenize" {
			l.Pseudonyms = append(l.Pseudonyms, fmt.Sprintf("%s: keyed pseudonyms (%s); anyone holding the key, or another release made with the same key, can link these records; rotate the key per release to prevent it", t.Column, t.Action))
		}
	}
	if b.r.Release == "anonymized" {
		// An anonymized row is its original row with some values coarsened:
		// in the released domain its distance to that row is 0 by
		// construction, so distance measures say nothing; the class sizes
		// (singling out) are what measure linking on quasi-identifiers.
		const na = "not applicable to an anonymized release: every released row is its own original row recoded; see singling out"
		for _, f := range []struct{ id, label string }{
			{"dcr_median", "Median distance to closest real row (DCR)"},
			{"nndr_median", "Median nearest-neighbour distance ratio (NNDR)"},
			{"dcr_overfitting_protection", "DCR overfitting protection"},
			{"dcr_baseline_protection", "DCR baseline protection"},
		} {
			l.Figures = append(l.Figures, newFigure(f.id, f.label, 0, false, ">=", nil, "score", "distance-based linkability of synthetic rows", na))
		}
		return nil
	}
	opt := &metrics.DCROptions{SampleRows: b.opt.SampleRows, RefRows: b.opt.ReferenceRows, Seed: b.opt.Seed, Context: ctx}
	dcr, err := metrics.DCR(b.rel.t, b.orig.t, opt)
	if err != nil {
		return err
	}
	l.DCRTrain = dcrBands(dcr.Distances)
	sampleNote := fmt.Sprintf("%d released rows against %d real rows", dcr.SampleRows, dcr.RefRows)
	// With a holdout, the natural distance is that of unseen real rows to
	// the training rows: a release should sit no closer.
	var natural *float64
	if b.hold != nil {
		hd, err := metrics.DCR(b.hold.t, b.orig.t, opt)
		if err != nil {
			return err
		}
		natural = &hd.Median
		sampleNote += fmt.Sprintf("; reference: median DCR of %d holdout rows to the training rows", hd.SampleRows)
	}
	l.Figures = append(l.Figures, newFigure("dcr_median", "Median distance to closest real row (DCR)", dcr.Median, true, ">=", natural, "distance",
		"0 = a copy of a real row, 1 = different in every column; mean over columns of per-column distances", sampleNote))

	// NNDR needs the two nearest real rows: veil's own search, on a smaller
	// sample.
	nq := min(b.opt.SampleRows, nndrRows)
	q := b.rel.subset(b.sample(b.rel.rows, nq))
	real := b.orig
	if b.orig.rows > b.opt.ReferenceRows {
		real = b.orig.subset(b.sample(b.orig.rows, b.opt.ReferenceRows))
	}
	d1, d2 := nearest2(q, real)
	if err := ctx.Err(); err != nil {
		return err
	}
	nndr := make([]float64, 0, len(d1))
	for i := range d1 {
		switch {
		case math.IsNaN(d1[i]) || math.IsNaN(d2[i]) || math.IsInf(d2[i], 0):
		case d2[i] == 0:
			nndr = append(nndr, 1) // two equally near rows: no single link
		default:
			nndr = append(nndr, d1[i]/d2[i])
		}
	}
	l.Figures = append(l.Figures, newFigure("nndr_median", "Median nearest-neighbour distance ratio (NNDR)", median(nndr), len(nndr) > 0, ">=", ref(refNNDR), "ratio",
		"distance to the closest real row / distance to the second closest: near 0 means a released row points at one real person, 1 that it sits as close to several",
		fmt.Sprintf("%d released rows against %d real rows", q.rows, real.rows)))

	if b.hold != nil {
		of, err := metrics.DCROverfittingProtection(b.orig.t, b.hold.t, b.rel.t, opt)
		if err != nil {
			return err
		}
		hd, err := metrics.DCR(b.rel.t, b.hold.t, opt)
		if err != nil {
			return err
		}
		l.DCRHoldout = dcrBands(hd.Distances)
		l.Figures = append(l.Figures, newFigure("dcr_overfitting_protection", "DCR overfitting protection", of.Score, true, ">=", ref(refDCROverfit), "score",
			"1 = released rows are no closer to the training rows than unseen real rows would be (nothing memorised); SDMetrics' DCROverfittingProtection, corrected for unequal sizes and ties",
			fmt.Sprintf("%s of released rows are nearest to a training row, %s expected without memorisation (%d training vs %d holdout rows, %d released rows); SDMetrics' own formula: %s",
				pct(of.CloserToTraining), pct(of.Expected), of.TrainingRows, of.HoldoutRows, of.SampleRows, trimFloat(roundSig(of.SDMetricsScore, 3)))))
	} else {
		l.Figures = append(l.Figures, newFigure("dcr_overfitting_protection", "DCR overfitting protection", 0, false, ">=", ref(refDCROverfit), "score",
			"needs --holdout: real rows kept out of the release", "not measured without a holdout"))
	}
	bl, err := metrics.DCRBaselineProtection(b.orig.t, b.rel.t, opt)
	if err != nil {
		return err
	}
	l.Figures = append(l.Figures, newFigure("dcr_baseline_protection", "DCR baseline protection", bl.Score, !math.IsNaN(bl.Score), ">=", ref(refDCRBaseline), "score",
		"median DCR of the release / median DCR of random rows: 1 = released rows are as far from real rows as random ones",
		fmt.Sprintf("median DCR: release %s, random rows %s", trimFloat(roundSig(bl.MedianSynthetic, 3)), trimFloat(roundSig(bl.MedianRandom, 3)))))
	exact := dcr.SampleRows == b.rel.rows && dcr.RefRows == b.orig.rows && !b.orig.t.Sampled() && !b.rel.t.Sampled()
	b.method("DCR, overfitting and baseline protection", exact, dcr.SampleRows,
		fmt.Sprintf("quadratic: %s (seeded uniform samples; --sample-rows, --reference-rows)", sampleNote))
	b.method("NNDR", q.rows == b.rel.rows && real.rows == b.orig.rows, q.rows, fmt.Sprintf("quadratic: %d released rows against %d real rows (seeded sample)", q.rows, real.rows))
	return nil
}

// nndrRows caps the released rows NNDR measures (a second nearest
// neighbour cannot use the DCR search's exact-match shortcut).
const nndrRows = 1000

// exactCopies counts released rows equal to a real row (metrics.RowCopies).
// With a holdout it also gives the natural rate: the share of holdout rows
// that equal a training row, which a release that memorises nothing should
// not exceed by much.
func (b *builder) exactCopies() error {
	c, err := metrics.RowCopies(b.orig.t, b.rel.t)
	if err != nil {
		return err
	}
	var th *float64
	note := fmt.Sprintf("%d of %d released rows; NewRowSynthesis %s", c.ExactCopyRows, c.Rows, trimFloat(roundSig(c.NewRowSynthesis, 3)))
	if b.hold != nil && b.hold.rows > 0 {
		h, err := metrics.RowCopies(b.orig.t, b.hold.t)
		if err != nil {
			return err
		}
		natural := h.ExactCopies
		th = &natural
		note += fmt.Sprintf("; reference: %s of holdout rows equal a training row by chance", pct(natural))
	}
	meaning := "released rows identical to a real row on every compared column"
	if b.r.Release == "anonymized" {
		meaning += " (expected for kept rows of an anonymized release; the class sizes above are what protects them)"
		th = nil
	}
	b.r.Privacy.SinglingOut.Figures = append(b.r.Privacy.SinglingOut.Figures,
		newFigure("exact_copies", "Exact copies of real rows", c.ExactCopies, true, "<=", th, "share", meaning, note))
	b.method("exact copies", !b.orig.t.Sampled() && !b.rel.t.Sampled(), 0, sampledNote(b, "exact: every released row looked up among every original row"))
	return nil
}

// meanOf returns the mean of v, or NaN when v is empty.
func meanOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
