// Package policies reads declarative YAML anonymisation policies: what
// happens to each column (keep, drop, suppress, hash, tokenize, mask,
// redact, generalize, noise, shift_date), which privacy model the output
// must meet (k-anonymity, l-diversity, t-closeness, a differential privacy
// budget) and which gates a release must pass. It also reads value
// generalization hierarchies in ARX's CSV format, holds the policy file's
// JSON Schema and the built-in templates (HIPAA Safe Harbor, GDPR
// pseudonymisation).
//
// [Parse] decodes a file through go.yaml.in/yaml/v3's Node tree, so that
// every problem carries file:line:column, and collects all of them in an
// [ErrorList]: unknown keys (with a did-you-mean hint), wrong types,
// unquoted numbers with leading zeros where text is meant, parameters that
// do not belong to the action, missing parameters, secrets written into the
// policy, hierarchies that do not load, a differential-privacy budget above
// privacy.max_epsilon. [Validate] then checks a parsed policy against the
// schema of a data file. Errors implement ExitClass() "policy" (exit 2).
//
//	p, err := policies.Parse("policy.yaml")
//	if err != nil { return err }           // every problem, file:line:column
//	if err := policies.Validate(p, r.Schema()); err != nil { return err }
//
// The reference of the format is docs/policies.md.
package policies
