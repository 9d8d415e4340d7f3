// Package synth fits a model of a table and samples new rows from it,
// with or without differential privacy.
//
// [Fit] reads a table in two streaming passes (memory bounded by the
// columns' domains, not the rows) and returns a [Model]: aggregate
// statistics only, saved as JSON (schema veil.synth-model/v1) with
// [Model.MarshalIndent] and read back with [ReadModel]. [Model.Sample]
// draws rows from it, deterministically for a seed, optionally conditioned
// on categorical values ([Condition]).
//
// Columns are planned first ([ColumnModel.Treatment]): direct identifiers
// (policy role direct, or detected by package profile) are never modelled
// but regenerated as fake values of the same entity from embedded lists
// and reserved ranges, or dropped; identifiers become fresh unique keys
// longer than any input key; the other columns are modelled. Categories
// seen fewer than MinCount times share a rare bucket sampled as
// [OtherText], except in code-like text columns (zip codes: values of one
// length, letters and digits), which are modelled by the longest prefix
// that keeps the rare bucket under 5 % of the rows and sampled as masked
// prefixes ("17***", as anonymize masks; [Prefix]); numbers are cut into equal-frequency bins, each describing
// its values by atoms or quantile knots, so integers stay integers, dates
// stay dates and the rounding and bounds are kept.
//
// Two models:
//
//   - graph: a graphical model on the discretized columns. Marginals of 2
//     and 3 columns are selected greedily (the one the current model
//     answers worst), their union is triangulated into a junction tree of
//     bounded size, and the model is the maximum-entropy distribution that
//     matches them, fitted by iterative proportional fitting. Sampling
//     follows the junction tree; conditions are exact (backward messages,
//     then forward sampling).
//   - copula: a Gaussian copula (as SDV's GaussianCopula): marginals from
//     the columns' codes, the correlation of normal scores (null indicators
//     included), conditional sampling by the conditional normal.
//
// With Options.Epsilon the graph model is fitted with (ε, δ)-differential
// privacy in the manner of AIM (McKenna et al. 2022): 1-way marginals,
// then rounds that pick a marginal with the exponential mechanism and
// measure it with Gaussian noise, with zCDP accounting ([CDPRho]); domains
// come from the policy (hierarchies, bounds) or are released with DP; the
// joint is estimated from the noisy marginals by Private-PGM's mirror
// descent on the junction tree. Noise comes from google/differential-
// privacy through the [Noise] interface ([SecureNoise]); tests pass a
// fake.
//
//	m, err := synth.Fit(ctx, func() (dataset.Reader, error) { return dataset.Open("in.csv", nil) }, &synth.Options{Seed: 1})
//	...
//	n, err := m.Sample(ctx, w, synth.SampleOptions{Rows: 1000, Seed: 1})
package synth
