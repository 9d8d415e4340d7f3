package report

import (
	"encoding/json"
	"math"
	"time"
)

// SchemaID identifies the JSON report format.
const SchemaID = "veil.report/v1"

// Statement is the fixed statement every report carries.
const Statement = "This report documents the measures applied and the risks measured; " +
	"whether the output is anonymous data under (UK) GDPR Recital 26 is a determination for the controller."

// Report is the whole report: what the JSON file holds and the HTML page
// shows. Figures are never raw values of identifying columns.
type Report struct {
	Schema     string      `json:"schema"`
	Release    string      `json:"release"` // anonymized, synthetic or unknown
	Provenance Provenance  `json:"provenance"`
	Summary    Summary     `json:"summary"`
	Columns    []ColumnRow `json:"columns"`
	Treatment  []Treatment `json:"treatment"`
	Utility    Utility     `json:"utility"`
	Privacy    Privacy     `json:"privacy"`
	HIPAA      *HIPAA      `json:"hipaa,omitempty"`
	// Scope, Controls, Governance and Appendix are sections 3, 10, 11 and
	// 12 of the outline (scope.go, controls.go, governance.go, appendix.go).
	Scope      Scope      `json:"scope"`
	Controls   []Control  `json:"recommended_controls"`
	Governance Governance `json:"governance"`
	Appendix   Appendix   `json:"appendix"`
	// Intruder is the motivated-intruder test (see intruder.go).
	Intruder *Intruder `json:"motivated_intruder,omitempty"`
	// Methods says, per measure, whether it is exact or sampled and on how
	// many rows.
	Methods     []Method `json:"methods"`
	Limitations []string `json:"limitations"`
	Statement   string   `json:"statement"`
}

// Provenance identifies what the report is about and how it was made.
type Provenance struct {
	Original   FileInfo          `json:"original"`
	Released   FileInfo          `json:"released"`
	Holdout    *FileInfo         `json:"holdout,omitempty"`
	Policy     *FileInfo         `json:"policy,omitempty"`
	AnonReport *FileInfo         `json:"anonymize_report,omitempty"`
	SynthModel *FileInfo         `json:"synth_model,omitempty"`
	PolicyInfo *PolicyInfo       `json:"policy_info,omitempty"`
	Version    string            `json:"veil_version"`
	Build      BuildInfo         `json:"build"`
	RunID      string            `json:"run_id"`
	Seed       uint64            `json:"seed"`
	Target     string            `json:"target,omitempty"`
	Started    time.Time         `json:"started"`
	Finished   time.Time         `json:"finished"`
	Airflow    map[string]string `json:"airflow,omitempty"`
	RolesFrom  string            `json:"roles_from"`
}

// FileInfo identifies an input file.
type FileInfo struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Rows    *int64 `json:"rows,omitempty"`
	Columns int    `json:"columns,omitempty"`
}

// Summary is the executive summary: one verdict per gate and sentences
// generated from the figures.
type Summary struct {
	// Verdict is PASS when every gate passed, FAIL when one failed, and
	// NO GATES when the policy set none.
	Verdict string `json:"verdict"`
	// Covers says what the verdict covers: how many gates of each kind,
	// and that no privacy gate was set when only utility gates and the
	// identifier check were (see summary.go).
	Covers    string   `json:"verdict_covers,omitempty"`
	Gates     []Gate   `json:"gates"`
	Sentences []string `json:"sentences"`
	// Details are the sentences on single measures behind the headline
	// (class sizes, prosecutor risk, inference, copies).
	Details []string `json:"details,omitempty"`
	// Warnings are the findings a reader must not miss, whatever the
	// gates say: direct identifiers or record keys released with their
	// real values.
	Warnings []string `json:"warnings,omitempty"`
}

// Gate is one threshold of the policy's gates block and its verdict.
type Gate struct {
	Name      string   `json:"name"`  // the policy key, e.g. min_k
	Kind      string   `json:"kind"`  // privacy or utility
	Value     *float64 `json:"value"` // nil when the figure could not be measured (the gate fails)
	Threshold float64  `json:"threshold"`
	Op        string   `json:"op"` // >= or <=
	Passed    bool     `json:"passed"`
	Meaning   string   `json:"meaning"`
	Note      string   `json:"note,omitempty"`
}

// Figure is one measured value with its threshold and a one-line meaning.
type Figure struct {
	ID    string   `json:"id"`
	Label string   `json:"label"`
	Value *float64 `json:"value"` // nil: not measured (see Note)
	// Threshold is the gate's value when the policy sets one, else the
	// reference value veil uses (Source says which); nil when there is no
	// meaningful fixed threshold.
	Threshold *float64 `json:"threshold,omitempty"`
	Op        string   `json:"op,omitempty"`     // >= or <=: how Value must compare
	Source    string   `json:"source,omitempty"` // gate, reference, or the policy target the release claims (privacy.k...)
	Meets     *bool    `json:"meets,omitempty"`
	// GateValue is what a gate compares with Threshold when it is not
	// Value: the upper end of Value's 95% interval for the gates on
	// attack figures (docs/report.md#gates). Meets is then about it.
	GateValue *float64 `json:"gate_value,omitempty"`
	Meaning   string   `json:"meaning"`
	Note      string   `json:"note,omitempty"`
	Unit      string   `json:"unit,omitempty"` // share, rows, ratio, score, epsilon...
}

// ColumnRow is one row of the data inventory.
type ColumnRow struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// RoleFrom says where Role came from: command line, policy, anonymize
	// report, synth model, detected (veil's detection on the original, for
	// a column no other source names) or none.
	RoleFrom     string  `json:"role_from"`
	KindOriginal string  `json:"kind_original,omitempty"`
	KindReleased string  `json:"kind_released,omitempty"`
	InOriginal   bool    `json:"in_original"`
	InReleased   bool    `json:"in_released"`
	NullOriginal float64 `json:"null_share_original"`
	NullReleased float64 `json:"null_share_released"`
	// DistinctOriginal and DistinctReleased are counts of distinct values
	// (not loaded, hence absent, for direct identifiers).
	DistinctOriginal *int `json:"distinct_original,omitempty"`
	DistinctReleased *int `json:"distinct_released,omitempty"`
	// DistinctShareOriginal and DistinctShareReleased divide the distinct
	// counts by the non-null rows; DistinctNote says why a column has no
	// distinct count.
	DistinctShareOriginal *float64 `json:"distinct_share_original,omitempty"`
	DistinctShareReleased *float64 `json:"distinct_share_released,omitempty"`
	DistinctNote          string   `json:"distinct_note,omitempty"`
	// ComparedAs says how the column is compared: "values", "numbers",
	// "recoded: <method>", or why it is not compared.
	ComparedAs string `json:"compared_as"`
	// Evidence is what veil's detector found on a sample of the original
	// column (counts only); nil for a column only in the release.
	Evidence *DetectorEvidence `json:"evidence,omitempty"`
	// Art9 flags a GDPR Art. 9 special category; HIPAA gives the Safe
	// Harbor identifier letter (A-R). Each says why.
	Art9  *Flag `json:"gdpr_art9,omitempty"`
	HIPAA *Flag `json:"hipaa,omitempty"`
}

// Treatment is one row of the treatment table: what was done to a column.
type Treatment struct {
	Column    string `json:"column"`
	Role      string `json:"role,omitempty"`
	Action    string `json:"action"`
	Params    string `json:"params,omitempty"`
	Technique string `json:"technique"` // WP29 technique class
	WP29Row   string `json:"wp29,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Utility holds the utility measures.
type Utility struct {
	Figures []Figure `json:"figures"`
	// Shapes holds one score per compared column (KSComplement for numbers,
	// TVComplement for categories).
	Shapes []ColumnShape `json:"column_shapes"`
	// Pairs holds one score per pair of compared columns.
	Pairs []PairTrend `json:"column_pair_trends"`
	// Marginals holds each compared column's distribution in the original
	// and the release (for the charts), identifying columns excepted.
	Marginals []Marginal `json:"marginals"`
	// Correlations holds the association matrices for the heatmaps.
	Correlations *Correlations  `json:"correlations,omitempty"`
	InfoLoss     map[string]any `json:"information_loss,omitempty"`
	TSTR         *TSTR          `json:"tstr,omitempty"`
	// NoiseNote says what the marginals' DP error bars cover.
	NoiseNote string            `json:"dp_noise_note,omitempty"`
	Notes     []string          `json:"notes,omitempty"`
	Extra     map[string]string `json:"extra,omitempty"`
}

// ColumnShape is one column's marginal similarity.
type ColumnShape struct {
	Column string `json:"column"`
	Metric string `json:"metric"` // KSComplement or TVComplement
	Score  Float  `json:"score"`  // null when undefined
}

// PairTrend is one column pair's similarity.
type PairTrend struct {
	Pair   [2]string `json:"pair"`
	Metric string    `json:"metric"` // CorrelationSimilarity or ContingencySimilarity
	Score  Float     `json:"score"`  // null when undefined
	// RealAssociation is |Pearson r| for two numeric columns, Cramér's V
	// otherwise, measured on the original.
	RealAssociation Float `json:"real_association"`
	MeetsThreshold  bool  `json:"meets_threshold"`
}

// Marginal is a column's distribution in the original and the release over
// the same bins (categories, or equal-width bins on the original's range).
type Marginal struct {
	Column   string    `json:"column"`
	Bins     []string  `json:"bins"`
	Original []float64 `json:"original"`
	Released []float64 `json:"released"`
	TVD      float64   `json:"tvd"`
	Masked   bool      `json:"masked,omitempty"` // bin labels hidden (identifying column)
	// NoiseCI is, per bin, the half-width of the 95% interval of the DP
	// noise on the count the model measured for it, as a share of the
	// original's rows (1.96σ/rows); null for a bin that is not one
	// measured count. Absent without a DP synth model.
	NoiseCI []Float `json:"dp_noise_ci95,omitempty"`
}

// Correlations holds association matrices over the compared columns:
// Pearson r between numbers, Cramér's V otherwise (and the correlation ratio
// between a number and a category), in the original and in the release.
type Correlations struct {
	Columns  []string  `json:"columns"`
	Original [][]Float `json:"original"`
	Released [][]Float `json:"released"`
	Measure  string    `json:"measure"`
}

// Float is a number that is written to JSON as null when it is not finite
// (an association undefined for a constant column).
type Float float64

// MarshalJSON writes f as encoding/json writes a float64 (the shortest
// text that reads back to the same bits), or null when f is NaN or
// infinite. Every sum behind a figure is taken in a fixed order, so the
// same inputs give the same bits.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads a number or null (NaN).
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

func floats(m [][]Float) [][]float64 {
	out := make([][]float64, len(m))
	for i, r := range m {
		out[i] = make([]float64, len(r))
		for j, v := range r {
			out[i][j] = float64(v)
		}
	}
	return out
}

// TSTR compares models trained on the release with models trained on real
// rows, both tested on the same real rows.
type TSTR struct {
	Target    string `json:"target"`
	Classes   int    `json:"classes"`
	Positive  string `json:"positive,omitempty"`
	TestRows  int    `json:"test_rows"`
	TestFrom  string `json:"test_from"` // holdout, or a split of the original
	TrainReal int    `json:"train_rows_real"`
	TrainRel  int    `json:"train_rows_released"`
	// Features are the columns the models learn from: every compared
	// column but the target and those left out of the utility comparisons
	// (ID-like), as SDMetrics' ML efficacy drops id columns.
	Features []string    `json:"features"`
	Models   []ModelPair `json:"models"`
	Ratio    *float64    `json:"ratio"` // mean over models of TSTR F1 / TRTR F1
	Note     string      `json:"note,omitempty"`
	// Leak warns that a feature determines the target (or real rows
	// predict it perfectly): TSTR then says little about the release.
	Leak string `json:"leak_warning,omitempty"`
}

// ModelPair is one model family's scores.
type ModelPair struct {
	Model string  `json:"model"`
	TRTR  Scores  `json:"trtr"`
	TSTR  Scores  `json:"tstr"`
	Ratio float64 `json:"f1_ratio"`
}

// Scores are a classifier's test scores.
type Scores struct {
	Accuracy float64  `json:"accuracy"`
	F1       float64  `json:"f1"`
	AUC      *float64 `json:"auc"`
}

// Privacy holds one section per WP29 risk and the DP accounting.
type Privacy struct {
	QuasiIdentifiers []string `json:"quasi_identifiers"`
	Sensitive        []string `json:"sensitive"`
	Direct           []string `json:"direct"`
	// Identifiers checks each direct identifier and record key present in
	// both tables for real values in the release.
	Identifiers []IdentifierCheck `json:"identifier_checks"`
	SinglingOut SinglingOut       `json:"singling_out"`
	Linkability Linkability       `json:"linkability"`
	Inference   Inference         `json:"inference"`
	// Membership is the membership inference on a holdout (synthetic
	// releases; see attacks.go).
	Membership *Membership `json:"membership,omitempty"`
	DP         DP          `json:"differential_privacy"`
}

// SinglingOut is WP29's first risk: can a record be isolated?
type SinglingOut struct {
	Figures []Figure `json:"figures"`
	// ClassSizes is the histogram of equivalence-class sizes over the
	// quasi-identifiers in the release (rows per size band).
	ClassSizes []Band `json:"class_sizes"`
	// OriginalClassSizes is the same over the original, for comparison.
	OriginalClassSizes []Band `json:"original_class_sizes,omitempty"`
	// Attacks are Anonymeter's singling-out attacks (synthetic releases).
	Attacks []Attack `json:"attacks,omitempty"`
	// RiskBands and OriginalRiskBands count records by prosecutor risk
	// (1/class size) band (see riskbands.go).
	RiskBands         []Band `json:"risk_bands,omitempty"`
	OriginalRiskBands []Band `json:"original_risk_bands,omitempty"`
}

// Band is one bar of a histogram.
type Band struct {
	Label string  `json:"label"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"` // inclusive upper bound; +Inf for the last band
	Rows  int     `json:"rows"`
	Count int     `json:"classes,omitempty"`
}

// MarshalJSON writes +Inf as null.
func (b Band) MarshalJSON() ([]byte, error) {
	type band Band
	var hi *float64
	if !math.IsInf(b.Hi, 0) {
		hi = &b.Hi
	}
	return json.Marshal(struct {
		band
		Hi *float64 `json:"hi"`
	}{band(b), hi})
}

// Linkability is WP29's second risk: can records be linked to a person or
// across data sets?
type Linkability struct {
	Figures []Figure `json:"figures"`
	// DCRTrain and DCRHoldout are histograms of the distance from each
	// sampled released row to its closest real row, in the training data
	// and in the holdout.
	DCRTrain   []Band `json:"dcr_train,omitempty"`
	DCRHoldout []Band `json:"dcr_holdout,omitempty"`
	// Pseudonyms lists the columns replaced by keyed pseudonyms and what
	// that means for linking.
	Pseudonyms []string `json:"pseudonyms,omitempty"`
	// Attacks is Anonymeter's linkability attack (synthetic releases).
	Attacks []Attack `json:"attacks,omitempty"`
}

// Inference is WP29's third risk: can a sensitive value be deduced?
type Inference struct {
	Figures []Figure          `json:"figures"`
	Columns []SensitiveColumn `json:"columns"`
	// Attacks are Anonymeter's inference attacks, one per secret column
	// (synthetic releases).
	Attacks []Attack `json:"attacks,omitempty"`
}

// SensitiveColumn is the inference measures of one sensitive column.
type SensitiveColumn struct {
	Column string `json:"column"`
	// MinDistinctL is the fewest distinct sensitive values in a class.
	MinDistinctL int `json:"min_distinct_l"`
	// MinEntropyL is the smallest exp(entropy) of a class's sensitive values.
	MinEntropyL float64 `json:"min_entropy_l"`
	// Homogeneous is the share of classes in which one sensitive value
	// makes up at least 90% of the rows; HomogeneousRows the share of rows
	// in such classes.
	Homogeneous     float64 `json:"homogeneous_classes"`
	HomogeneousRows float64 `json:"homogeneous_rows"`
	// DisclosureProtection is SDMetrics' DisclosureProtection (CAP); nil
	// when not measured.
	DisclosureProtection *float64 `json:"disclosure_protection"`
	CAP                  *float64 `json:"cap_protection,omitempty"`
	Baseline             *float64 `json:"cap_baseline,omitempty"`
	Binned               bool     `json:"binned,omitempty"`
	// TCloseness is nil when not measured (see tcloseness.go).
	TCloseness *TCloseness `json:"t_closeness,omitempty"`
}

// DP is the differential-privacy accounting of the release.
type DP struct {
	Figures []Figure `json:"figures"`
	Epsilon *float64 `json:"epsilon"` // nil: no differential privacy recorded
	Delta   float64  `json:"delta"`
	Source  string   `json:"source,omitempty"` // anonymize report or synth model
	// Rho is the zero-concentrated DP budget the steps spent (synth
	// models); DomainDelta the part of δ spent on releasing category
	// values by noisy thresholding.
	Rho         float64 `json:"rho,omitempty"`
	DomainDelta float64 `json:"domain_delta,omitempty"`
	// Conversion says in words how ρ maps to (ε, δ); Plain is the
	// plain-language sentence on the noise (±N with 95% probability).
	Conversion string `json:"conversion,omitempty"`
	Plain      string `json:"plain,omitempty"`
	// Unverified is set when the recomputed conversion needs a larger δ
	// than the one stated: the stated guarantee is not claimed.
	Unverified bool         `json:"unverified,omitempty"`
	Split      []BudgetPart `json:"split"`
	// Measured lists the marginals a DP model measured with noise.
	Measured []MeasuredNoise `json:"measured,omitempty"`
	Note     string          `json:"note,omitempty"`
}

// BudgetPart is one use of the privacy budget.
type BudgetPart struct {
	What string `json:"what"`
	// Mechanism is Gaussian, Laplace or exponential.
	Mechanism string  `json:"mechanism,omitempty"`
	Epsilon   float64 `json:"epsilon,omitempty"`
	Delta     float64 `json:"delta,omitempty"`
	Rho       float64 `json:"rho,omitempty"`
	Share     float64 `json:"share,omitempty"` // of ρ
	// Measurements is the number of noisy marginals or selections.
	Measurements int `json:"measurements,omitempty"`
	// Sigma is the noise scale: the Gaussian σ, or the Laplace scale b.
	Sigma float64 `json:"sigma,omitempty"`
	// SelectionEpsilon is the exponential mechanism's ε per selection.
	SelectionEpsilon float64 `json:"selection_epsilon,omitempty"`
	// CI95 is the half-width of the 95% interval of one noisy value
	// (1.96σ, or b·ln 20 for Laplace), in Unit.
	CI95 float64 `json:"ci95,omitempty"`
	Unit string  `json:"unit,omitempty"`
	// Lower and Upper are the clamping bounds of a noised column.
	Lower *float64 `json:"lower,omitempty"`
	Upper *float64 `json:"upper,omitempty"`
}

// MeasuredNoise is one marginal a DP model measured: its columns (names,
// never values), the σ of the noise on each count and the 95% interval.
type MeasuredNoise struct {
	Columns []string `json:"columns"`
	Sigma   float64  `json:"sigma"`
	CI95    float64  `json:"ci95"`
}

// Method says how a measure was computed.
type Method struct {
	Measure string `json:"measure"`
	Exact   bool   `json:"exact"`
	Rows    int    `json:"rows,omitempty"` // rows used when sampled
	Note    string `json:"note"`
}

// HIPAA is the Safe Harbor checklist (45 CFR 164.514(b)(2)(i)(A)-(R)).
type HIPAA struct {
	Items []HIPAAItem `json:"items"`
	Note  string      `json:"note"`
	// Template tells whether the policy is veil's Safe Harbor template;
	// the checklist is made for every release all the same.
	Template    bool        `json:"policy_is_safe_harbor_template"`
	Attestation Attestation `json:"attestation"`
	Expert      ExpertPack  `json:"expert_determination"`
}

// HIPAAItem is one of the 18 identifiers.
type HIPAAItem struct {
	Letter     string   `json:"letter"`
	Identifier string   `json:"identifier"`
	Columns    []string `json:"columns"`
	Action     string   `json:"action"`
	Status     string   `json:"status"` // removed, generalized, not present, present: review
	// Found says per column how it was matched to the identifier.
	Found []string `json:"found,omitempty"`
	// Residual is what the released data still hold of the identifier:
	// none (checked on every released row), found, review (in the
	// release and not checked, or checked on a sample only), or not
	// applicable (no column found); ResidualNote gives the counts.
	Residual     string `json:"residual"`
	ResidualNote string `json:"residual_note,omitempty"`
}
