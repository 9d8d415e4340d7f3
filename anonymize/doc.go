// Package anonymize applies a policy (package policies) to a table: per
// column keep, drop, suppress, hash, tokenize, mask, redact, generalize,
// noise or shift_date, and, when the policy sets a privacy model, the
// generalization and row suppression a privacy engine chooses.
//
// [Apply] is the entry point. It compiles the policy against the input's
// schema into a [Plan] (one prepared transform per column: keys loaded,
// ciphers and hierarchy lookups built, labels cached), then streams the
// rows through it in file order. Column-local actions keep one record in
// memory, whatever the number of rows. The same input, policy, keys and
// seed give byte-identical output, except differential-privacy noise,
// which comes from a secure source ([SecureNoise]) and is never
// reproducible.
//
//	p, err := policies.Parse("policy.yaml")
//	...
//	rep, err := anonymize.Apply(ctx, p,
//		func() (dataset.Reader, error) { return dataset.Open("in.csv", nil) },
//		func(s dataset.Schema) (dataset.Writer, error) { return dataset.NewCSVWriter(w, s, nil), nil },
//		nil)
//
// # The privacy engine seam
//
// A policy whose privacy block sets k, l_diversity or t_closeness needs the
// whole table to choose a generalization, so Apply runs two passes:
//
//  1. Compile finds the quasi-identifiers: role quasi, not dropped or
//     suppressed. Those with action generalize and no fixed result (a
//     hierarchy without level, or no generalization parameter) are free:
//     the engine chooses their generalization. The others are Fixed: the
//     engine sees their transformed values and may only suppress rows.
//  2. Apply calls PrivacyEngine.Fit with a [PrivacyJob]. The engine reads
//     the quasi-identifiers (and the l-diversity / t-closeness columns)
//     with PrivacyJob.Scan (the first scan reads the input; later ones
//     replay its records from memory when they fit in 64 MiB, or re-open
//     it), and returns a [PrivacyResult]: a hierarchy level per
//     quasi-identifier (full-domain generalization) or a Recode function
//     (local or multidimensional recoding, e.g. Mondrian), the [RowSet] of
//     rows to suppress, and its report (the anonymize report's "privacy"
//     object).
//  3. Apply streams the input again (from memory when it was kept):
//     column-local actions as usual, the engine's generalization for the
//     free quasi-identifiers, suppressed rows skipped.
//
// Options.Privacy selects the engine; when nil, Apply uses the built-in
// one, which the k-anonymity package's adapter (anonymize/privacy.go)
// installs by assigning defaultPrivacy in an init function. A build
// without it fails such policies with [ErrNoPrivacyEngine]. The engine
// never writes output: an engine that cannot meet the model returns an
// error, and nothing is written.
//
// # Errors
//
// A policy that does not fit the data is a policies.ErrorList; a missing
// or short key a [*KeyError] (both exit 2 in the CLI); a value an action
// cannot handle a *dataset.DataError naming file, row, line and column,
// never the value (exit 3).
package anonymize
