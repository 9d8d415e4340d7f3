package policies

// This file holds the policy's types: the contract between the policy file,
// anonymize, synth and report. Parsing and validation live beside it.

// Role is what a column is, privacy-wise.
type Role string

// The roles a column can have.
const (
	RoleDirect     Role = "direct"     // identifies a person on its own (name, e-mail, national ID)
	RoleIdentifier Role = "identifier" // a record key or pseudonymous ID: unique, not personal on its own
	RoleQuasi      Role = "quasi"      // identifies in combination (zip, age, sex)
	RoleSensitive  Role = "sensitive"  // what must not be inferred (diagnosis, salary)
	RoleOther      Role = "other"
)

// Action is what happens to a column.
type Action string

// The actions a policy can apply to a column.
const (
	ActionKeep       Action = "keep"
	ActionDrop       Action = "drop"
	ActionHash       Action = "hash"
	ActionTokenize   Action = "tokenize"
	ActionMask       Action = "mask"
	ActionRedact     Action = "redact"
	ActionGeneralize Action = "generalize"
	ActionSuppress   Action = "suppress"
	ActionNoise      Action = "noise"
	ActionShiftDate  Action = "shift_date"
)

// Policy is a parsed policy file.
type Policy struct {
	Version int
	// Description says what the policy is for; reports show it.
	Description string
	// DefaultAction applies to data columns the policy does not list; empty
	// means such columns are an error.
	DefaultAction Action
	// Columns lists the column policies in file order.
	Columns []*Column
	Privacy *Privacy
	Gates   *Gates
	// Release and Governance describe the release and its review (see
	// release.go); nil when the policy has no such block.
	Release    *Release
	Governance *Governance

	// Path and SHA256 identify the file the policy was read from; Text is
	// the file as read (less a byte-order mark), for the report's
	// appendix. A policy never holds a key (Parse refuses them).
	Path   string
	SHA256 string
	Text   []byte

	// Where the columns block starts in the file (1-based), for errors
	// about data columns the policy does not list.
	columnsLine, columnsCol int
}

// Column returns the policy of the column named name, or nil.
func (p *Policy) Column(name string) *Column {
	for _, c := range p.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Column is the policy of one column. Only the parameters of its action are
// set.
type Column struct {
	Name   string
	Role   Role
	Action Action
	// Reason says why the column is treated so; reports show it.
	Reason string

	// hash, tokenize: where the secret key comes from (never the policy).
	KeyEnv  string
	KeyFile string
	// tokenize: format to preserve: "" (random-looking token), digits,
	// email, card, iban, ... (see the tokenize documentation).
	Format string
	// tokenize: public tweak of the format-preserving cipher; tokens
	// made with different tweaks do not match.
	Tweak string
	// hash: output encoding (hex or base32) and length in characters.
	Encoding string
	Length   int

	// mask: characters kept at each end, and the mask character.
	KeepFirst int
	KeepLast  int
	MaskChar  string
	// KeepSeparators keeps characters that are neither letters nor digits
	// (spaces, dashes, dots, @) in place; only letters and digits are
	// counted and masked. The parser sets it true unless the policy says
	// keep_separators: false.
	KeepSeparators bool

	// redact: the entities to replace (the profiler's names, e.g. EMAIL,
	// PHONE; empty = all it detects) and the replacement text ("" = the
	// entity's name in brackets, e.g. [EMAIL]).
	Entities    []string
	Replacement string

	// generalize: numeric bins of a width or at explicit edges, top and
	// bottom coding, date truncation, string prefix, or an ARX hierarchy
	// at a fixed level (left to the privacy search when Level is nil and
	// the column is a quasi-identifier).
	Width      float64
	Edges      []float64
	TopCode    *float64
	BottomCode *float64
	Truncate   string // day, month or year
	Prefix     int
	Hierarchy  string // path to an ARX-format CSV, relative to the policy file
	Level      *int
	// Restricted lists prefixes (after prefix generalization) that are
	// replaced by RestrictedAs (default: zeros), e.g. the 17 US ZIP3 areas
	// of fewer than 20,000 people under HIPAA Safe Harbor.
	Restricted   []string
	RestrictedAs string
	// OnUnknown says what a value missing from the hierarchy becomes:
	// "error" (a data error naming the row; the default) or "top" (the
	// hierarchy's highest level, usually *).
	OnUnknown string

	// noise: differential privacy on a numeric column.
	Mechanism string // laplace or gaussian
	Epsilon   float64
	Delta     float64
	Lower     *float64
	Upper     *float64

	// shift_date: the column whose value keys the entity (all dates of one
	// entity move by the same secret offset) and the largest shift in days.
	By      string
	MaxDays int

	// Where the column's entry starts in the policy file (1-based).
	Line, Col int

	// pos holds where each key of the entry is, for errors found later.
	pos map[string][2]int
	// hier is the loaded hierarchy.
	hier *Hierarchy
}

// Privacy is the privacy model the output must meet.
type Privacy struct {
	K                int     // k-anonymity: every class holds at least K rows; 0 = none
	SuppressionLimit float64 // share of rows that may be suppressed, 0..1
	Algorithm        string  // optimal (full-domain lattice search) or mondrian
	Metric           string  // entropy, loss, discernibility, precision or aecs
	LDiversity       *LDiversity
	TCloseness       *TCloseness
	// LocalRecoding, with algorithm optimal, re-generalizes the rows the
	// optimal solution suppresses, class by class, instead of leaving them
	// out (ARX's local recoding).
	LocalRecoding bool
	// MaxEpsilon caps the total differential-privacy budget (ε) the policy
	// may spend; 0 = no cap.
	MaxEpsilon float64
	MaxDelta   float64

	// Where the privacy block starts in the file.
	line, col int
}

// LDiversity asks that every class hold L well-represented values of Column.
type LDiversity struct {
	Column  string
	L       float64
	Variant string  // distinct, entropy or recursive
	C       float64 // recursive (c,l)-diversity's c
}

// TCloseness asks that the distribution of Column in every class be within
// T (Earth Mover's Distance) of the table's.
type TCloseness struct {
	Column   string
	T        float64
	Distance string // equal, ordered or hierarchical
}

// Gates are thresholds a release must meet; nil fields are not checked.
// Privacy gates fail with exit 4, utility gates with exit 5.
type Gates struct {
	// Privacy gates.
	MinK              *int     // smallest equivalence class over the quasi-identifiers
	MaxProsecutorRisk *float64 // highest re-identification probability, 1/min class size
	MaxSampleUniques  *float64 // share of rows unique on the quasi-identifiers
	MaxExactCopies    *float64 // share of released rows equal to a real row
	MinDCROverfitting *float64 // SDMetrics DCROverfittingProtection, 0..1
	MinDisclosureProt *float64 // CAP disclosure protection of sensitive columns, 0..1
	MaxEpsilon        *float64 // differential privacy budget spent
	// On a synthetic release, with a holdout: Anonymeter's attack risks
	// and the membership-inference AUC, each compared by the upper end
	// of its 95% interval (see report/gates.go).
	MaxSinglingOutRisk *float64 // multivariate singling out, 0..1
	MaxLinkabilityRisk *float64 // linkability, 0..1
	MaxInferenceRisk   *float64 // inference, worst sensitive column or target, 0..1
	MaxMembershipAUC   *float64 // membership inference AUC, 0..1
	// On an anonymized release (t-closeness also on a synthetic one).
	MaxT               *float64 // t-closeness: largest EMD, worst sensitive column, 0..1
	MaxLinkageExpected *float64 // linkage simulation: expected share of correct links, worst source, 0..1

	// Utility gates.
	MinQuality   *float64 // SDMetrics-style overall quality, 0..1
	MaxTVD1Way   *float64 // mean total variation distance of 1-way marginals
	MaxTVD2Way   *float64 // mean total variation distance of 2-way marginals
	MinTSTRRatio *float64 // TSTR score / TRTR score
}
