// Package kanon makes a table k-anonymous, l-diverse and t-close with the
// least information loss: the privacy engine behind veil anonymize.
//
// Three steps. An [Encoder] reads the rows' quasi-identifiers (and
// sensitive columns) once and counts each distinct combination of their
// codes, so memory grows with the distinct combinations, never with the
// rows of the other columns. [Encoder.Table] freezes the counts into a
// [Table]. A search then chooses how to generalize:
//
//   - [Optimal] finds the globally optimal full-domain generalization (one
//     hierarchy level per column) under a [Metric], with up to
//     Config.SuppressionLimit of the rows suppressed, as ARX does, and
//     reaches ARX's results exactly on its regression setups. It is a
//     best-first search by a lower bound of the metric with Flash-style
//     predictive tagging and roll-up of equivalence classes; see
//     docs/kanon.md for the pruning rules and why they are exact.
//   - [Mondrian] partitions the table top-down (LeFevre et al. 2006,
//     strict), which keeps far more detail.
//   - [LocalRecode] improves an optimal solution by re-generalizing only
//     the classes it had to suppress, as ARX's local recoding does.
//
// Each returns a [Result]: a [Summary] (the anonymize report's privacy
// object, computed from the released classes themselves) and, through
// [Result.NewRecoder] or [Result.Value], the released values of every row,
// which a second pass over the input writes.
//
// # Metrics
//
// N rows, S suppressed rows, E a released equivalence class, q a
// quasi-identifier with hierarchy height h_q, chosen level l_q and d_q
// leaves (ARX's formulas):
//
//	entropy (monotonic non-uniform): -sum_q sum_v f_q(v) log2(f_q(v) / F_q(g(v)))
//	loss:           prod_q (L_q + 1)^(1/|Q|) - 1,
//	                L_q = (sum_{released cells} (leaves(g(v))-1)/(d_q-1) + S) / N
//	precision:      mean_q ((N-S) l_q/h_q + S) / N
//	discernibility: sum_E |E|^2 + S*N
//	AECS:           N / (#E + 1 if S > 0)
//	NCP (GCP):      (sum_E |E| sum_q NCP_q(E) + S |Q|) / (|Q| N)
//
// # Missing values
//
// A missing quasi-identifier value is a category of its own at every
// level: it is released as missing and forms classes with the other
// missing values of its column, never merging into * (whether a value is
// missing is itself information). A missing sensitive value is one more
// value for l-diversity and t-closeness.
//
// # Errors
//
// A target no transformation meets is an [*UnreachableError] that says why
// and what would work (ExitClass "privacy", exit 4); an invalid
// configuration a [*ConfigError] and a broken hierarchy a [*HierarchyError]
// (ExitClass "policy", exit 2); a value the encoder cannot read a
// [*ValueError] naming the attribute, never holding the value (ExitClass
// "data", exit 3).
//
// A Table and a Result are safe for concurrent use; an Encoder and a
// Recoder are not. Results are deterministic: the same table and
// configuration give the same result, whatever the number of workers.
package kanon
