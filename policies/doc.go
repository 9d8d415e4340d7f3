// Package policies reads declarative YAML anonymisation policies: what
// happens to each column (keep, drop, hash, tokenize, mask, redact,
// generalize, suppress, noise, shift_date), which privacy model the output
// must meet (k-anonymity, l-diversity, t-closeness, a differential privacy
// budget) and which gates a release must pass. It also reads value
// generalization hierarchies in ARX's CSV format.
package policies
