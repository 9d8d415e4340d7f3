// Package metrics measures how close a released table (synthetic or
// anonymized) is to the real one, and how close it sits to real rows: the
// utility and distance metrics shared by veil synth and veil report.
//
// Tables are loaded into memory by columns ([Domain.Load]): categorical
// columns as codes into a dictionary shared by every table of a [Domain]
// (so equal codes mean equal texts), numeric columns (numbers, dates in
// seconds since 1970) as float64 with NaN for null. Load the real table
// first: it fixes each column's type. Inputs over [DefaultMaxRows] rows are
// sampled uniformly and deterministically (reservoir sampling from a seed).
//
// Utility, from SDMetrics' formulas (reimplemented; see
// ../shared/design/synth-reference.md §4):
//
//   - [MarginalTVD]: mean total variation distance of all k-way marginals,
//     numeric columns cut into bins computed on the real data ([NewBinning]),
//     every category kept; [NewMarginals] bins once for several k;
//   - [KSComplement], [TVComplement] and their mean, [ColumnShapes];
//   - [CorrelationSimilarity], [ContingencySimilarity], [CramersV] and
//     [ColumnPairTrends] with SDMetrics v0.27 thresholds (or all pairs);
//   - [QualityScore], the mean of Column Shapes and Column Pair Trends.
//
// Joint distributions (k-way marginals, contingency tables, [ChiSquared])
// are counted in dense arrays when their domain is small and by radix
// sorting the rows' cell numbers when it is not (a column with a value per
// row, such as an ID, in the set). Cells are visited in a fixed order and
// TVDs are summed in integers: the results are exact and the same, to the
// last bit, on every run and for any number of workers.
//
// Privacy distances:
//
//   - [Distances] and [DCR]: distance to the closest real record with
//     SDMetrics' Gower-like distance, computed exactly with bitsets and two
//     cores, on documented samples for big tables ([DefaultDCRSampleRows],
//     [DefaultDCRRefRows]);
//   - [DCROverfittingProtection] (training versus holdout, corrected for
//     unequal sizes and ties) and [DCRBaselineProtection];
//   - [RowCopies]: exact copies of real rows and NewRowSynthesis.
//
// [Table.Resample] draws a bootstrap resample, the baseline any sampler
// of the same size is measured against: it shows what sampling alone
// costs.
//
// Every random choice (row samples, subsamples, the random baseline) comes
// from a PCG generator seeded by the caller, so results are reproducible.
// Scores are NaN where SDMetrics' are undefined (a constant column, no
// non-null value); encode them as null in JSON. No function holds or
// returns a cell's text except through a column's Dict, which callers must
// not write out for identifying columns.
//
//	d := metrics.NewDomain()
//	real, err := d.Load(ctx, realReader, nil)
//	...
//	syn, err := d.Load(ctx, synReader, nil)
//	...
//	tvd, err := metrics.MarginalTVD(real, syn, 2, nil)
//	q, err := metrics.QualityScore(real, syn, nil)
package metrics
