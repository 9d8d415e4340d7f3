// Package report measures a released table (anonymized or synthetic)
// against the original it was made from and writes what it finds as JSON
// (schema veil.report/v1) and as one self-contained HTML page.
//
// [Build] reads the original, the release and optionally a holdout of real
// rows kept out of the release, together with the policy, the anonymize
// report and the synth model when there are any, and returns a [Report]:
//
//   - utility: SDMetrics-style column shapes, column pair trends (v0.27
//     thresholds and all pairs), overall quality, mean 1-, 2- and 3-way
//     marginal total variation distance (all from package metrics),
//     information kept, and TSTR against TRTR with the classifiers of
//     package learn;
//   - privacy, one section per risk of WP29's Opinion 05/2014: singling out
//     (equivalence classes over the quasi-identifiers recounted from the
//     released file, prosecutor risk, sample uniques, exact copies),
//     linkability (DCR, NNDR, DCR overfitting and baseline protection,
//     pseudonym scope) and inference (l-diversity, homogeneity, CAP
//     disclosure protection), and the differential-privacy budget;
//   - the treatment of every column with its WP29 technique class, the HIPAA
//     annex (Safe Harbor checklist with residuals checked on the released
//     values, attestation and Expert-Determination fields left empty), the
//     methods (exact or sampled, on how many rows), limitations, and the
//     policy's gates with a PASS/FAIL verdict each;
//   - an executive summary whose sentences are generated from the figures.
//
// Every figure carries its threshold (the policy's gate, or veil's
// reference value) and a one-line meaning. Columns an anonymized release
// recoded (intervals, masks, hierarchy levels, *) are compared in the
// released domain: the original is mapped through the same coding.
//
// Column roles come from the command line, the policy, the anonymize
// report or the synth model; the columns that source does not name take
// the role detection gives them ([Options.Detect]). Every direct
// identifier and record key present in both tables is checked for real
// values in the release ([IdentifierCheck]): an exposed one is a warning at
// the top of the report and fails the implicit identifiers_released gate
// when the policy sets gates. Such columns, and ID-like ones
// ([metrics.IDLike]), are left out of the utility comparisons.
//
// No value of a direct identifier or record key is kept: they are only
// hashed in memory for that check, and, like every column's, a sample of
// 1,000 original values goes through veil's detector in memory for the
// inventory's evidence counts. Values of other columns appear only as
// chart categories held by at least 5 rows in both tables. Output is deterministic for the same inputs and seed (the
// provenance times aside).
//
//	r, err := report.Build(ctx, report.Inputs{
//		Original: report.Source{Path: "adult.csv"},
//		Released: report.Source{Path: "adult-anon.csv"},
//		Policy:   policy,
//	}, report.Options{Target: "salary-class", Seed: 1})
//	if err != nil { ... }
//	report.WriteJSON(jsonFile, r)
//	report.WriteHTML(htmlFile, r)
//	if priv, util, msg := r.Failed(); priv || util { ... } // exit 4 or 5
package report
