package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// SchemaV1 is the schema name of profiles this package writes.
const SchemaV1 = "veil.profile/v1"

// ErrSchema is returned by Read for a document that is not a veil profile.
var ErrSchema = errors.New("not a veil profile (want schema " + SchemaV1 + ")")

// Profile is the JSON document `veil profile` writes (schema
// veil.profile/v1). It holds counts, estimates, roles and masked examples,
// never a raw value of a direct identifier or identifier column.
type Profile struct {
	Schema string `json:"schema"`
	// Input is the path of the profiled table, as given.
	Input string `json:"input,omitempty"`
	// Rows is the exact number of data rows.
	Rows int64 `json:"rows"`
	// Seed drove the reservoir samples.
	Seed uint64 `json:"seed"`
	// SampleSize is the largest number of values sampled per column.
	SampleSize int `json:"sample_size"`
	// MinCount is the smallest count of a category listed verbatim.
	MinCount int      `json:"min_count"`
	Columns  []Column `json:"columns"`
	Risk     *Risk    `json:"risk"`
	// Notes are whole-table remarks (limits reached, sampling used).
	Notes []string `json:"notes,omitempty"`
}

// Column is the profile of one column.
type Column struct {
	Name string `json:"name"`
	// Kind is the kind every non-null value of the column has (string
	// when values of several kinds were seen).
	Kind string `json:"kind"`
	// Layout is the date layout of date columns.
	Layout string `json:"layout,omitempty"`
	// Role is direct, identifier, quasi, sensitive or other.
	Role string `json:"role"`
	// Entity is what the values are (EMAIL, POSTAL_CODE, INCOME...); empty
	// (null in JSON) when none applies.
	Entity  NullString `json:"entity"`
	Subtype string     `json:"subtype,omitempty"`
	// Confidence is the noisy-OR of value and name evidence, 0..1.
	Confidence float64 `json:"confidence"`
	// Band is high (≥ 0.85), medium (≥ 0.5), low (≥ 0.2) or none.
	Band string `json:"band"`
	// Sensitivity is the data's tier: high, moderate, low or none.
	Sensitivity  string       `json:"sensitivity"`
	Evidence     Evidence     `json:"evidence"`
	OtherMatches []OtherMatch `json:"other_matches"`
	// ProposedAction is the action of the draft policy.
	ProposedAction string `json:"proposed_action"`
	Stats          Stats  `json:"stats"`
}

// NullString is a string written as JSON null when empty.
type NullString string

// MarshalJSON implements json.Marshaler.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *NullString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = NullString(v)
	return nil
}

// Evidence records how a column's role was decided.
type Evidence struct {
	// NameHint is the hint the column name matched (tokens joined by _).
	NameHint string `json:"name_hint,omitempty"`
	// NameScore is 1 for a strong hint, 0.6 for a weak or substring
	// hint, 0 for none and −1 for a negative token.
	NameScore float64 `json:"name_score"`
	// Negative is the negative token found in the name, if any.
	Negative string `json:"negative_token,omitempty"`
	// Sampled (n) values were checked; Matching (m) had the entity's
	// shape; Valid (v) passed its validator.
	Sampled  int `json:"sampled"`
	Matching int `json:"matching"`
	Valid    int `json:"valid"`
	// LLR is the chance test of checksum entities.
	LLR       *float64 `json:"llr,omitempty"`
	Validator string   `json:"validator,omitempty"`
	// Subtypes counts the valid values per card scheme, IBAN country,
	// phone region or ID type.
	Subtypes map[string]int `json:"subtypes,omitempty"`
	// Found counts, for free text, the values holding each entity.
	Found map[string]int `json:"found,omitempty"`
	// Examples are at most 3 masked values.
	Examples []string `json:"examples,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

// OtherMatch is another entity a column's values or name fit.
type OtherMatch struct {
	Entity     string  `json:"entity"`
	Subtype    string  `json:"subtype,omitempty"`
	Role       string  `json:"role"`
	Confidence float64 `json:"confidence"`
	// Prevalence is the share of sampled values that fit the entity.
	Prevalence float64 `json:"prevalence"`
}

// Stats are a column's counts. Rows, Nulls and NonNull are exact;
// Distinct is exact when DistinctExact is set and a HyperLogLog estimate
// (standard error 0.8 %) otherwise.
type Stats struct {
	Nulls         int64   `json:"nulls"`
	NullShare     float64 `json:"null_share"`
	Distinct      int64   `json:"distinct"`
	DistinctExact bool    `json:"distinct_exact"`
	DistinctRatio float64 `json:"distinct_ratio"`
	// Singletons is the number of values seen once (exact only).
	Singletons *int64 `json:"singletons,omitempty"`
	// EntropyBits is the Shannon entropy of the values (exact only).
	EntropyBits *float64 `json:"entropy_bits,omitempty"`
	// Min and Max are the smallest and largest values of numeric and date
	// columns, as written in the data; withheld for identifying columns.
	Min       *string `json:"min,omitempty"`
	Max       *string `json:"max,omitempty"`
	MinLength int     `json:"min_length"`
	MaxLength int     `json:"max_length"`
	// Top lists the 10 most frequent values with at least MinCount rows,
	// with exact counts; masked for identifying columns. It is empty when
	// the column has more distinct values than are counted exactly
	// (DistinctExact false).
	Top []Category `json:"top,omitempty"`
}

// Category is a frequent value and its exact count.
type Category struct {
	Value  string `json:"value"`
	Count  int64  `json:"count"`
	Masked bool   `json:"masked,omitempty"`
}

// Risk is the re-identification risk of the table as exported, over its
// quasi-identifiers: equivalence classes of rows that share every QI value.
type Risk struct {
	// QuasiIdentifiers are the columns analysed: quasi-identifiers and
	// dates of birth.
	QuasiIdentifiers []string `json:"quasi_identifiers"`
	// Excluded lists QIs left out, and why.
	Excluded []Excluded `json:"excluded,omitempty"`
	// Rows is the number of rows analysed; Sampled tells whether they are
	// a uniform random sample of the table (tables above RiskRows rows).
	Rows    int64 `json:"rows"`
	Sampled bool  `json:"sampled"`
	// K is the k of RowsBelowK.
	K int `json:"k"`
	// All is the risk over every analysed quasi-identifier together.
	All *Combination `json:"all"`
	// Threshold is the sample-unique share above which a combination is
	// reported (0.01: 1 % of rows).
	Threshold float64 `json:"threshold"`
	// Combinations are the minimal combinations of at most MaxSize QIs
	// whose sample-unique share exceeds Threshold: no smaller subset of
	// them does.
	Combinations []Combination `json:"combinations"`
	MaxSize      int           `json:"max_size"`
	// Tested is the number of combinations evaluated.
	Tested int    `json:"tested"`
	Note   string `json:"note,omitempty"`
}

// Excluded is a QI left out of the risk analysis.
type Excluded struct {
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// Combination is the equivalence-class structure of rows over Columns.
type Combination struct {
	Columns []string `json:"columns"`
	// Classes is the number of distinct value combinations.
	Classes int64 `json:"classes"`
	// SampleUniques is the number of rows whose combination no other row
	// has; SampleUniqueShare divides it by the rows analysed.
	SampleUniques     int64   `json:"sample_uniques"`
	SampleUniqueShare float64 `json:"sample_unique_share"`
	// SmallestClass is the size of the smallest class (k reached).
	SmallestClass int64 `json:"smallest_class"`
	// RowsBelowK counts the rows in classes smaller than Risk.K.
	RowsBelowK int64 `json:"rows_below_k"`
	// Distinction is classes / rows; Separation is the share of row pairs
	// that differ: 1 − Σ f(f−1) / (N(N−1)) (Motwani & Xu, as in ARX).
	Distinction float64 `json:"distinction"`
	Separation  float64 `json:"separation"`
}

// Column returns the profile of the column named name, or nil.
func (p *Profile) Column(name string) *Column {
	for i := range p.Columns {
		if p.Columns[i].Name == name {
			return &p.Columns[i]
		}
	}
	return nil
}

// Names returns the names of the columns with the given role, in order.
func (p *Profile) Names(role string) []string {
	var out []string
	for _, c := range p.Columns {
		if c.Role == role {
			out = append(out, c.Name)
		}
	}
	return out
}

// MarshalIndent returns the profile as indented JSON with a final newline.
// The output is a pure function of the profile: maps are written with
// sorted keys and floats in their shortest form.
func (p *Profile) MarshalIndent() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Read decodes a profile and checks its schema.
func Read(data []byte) (*Profile, error) {
	var p Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if p.Schema != SchemaV1 {
		return nil, ErrSchema
	}
	return &p, nil
}

// ReadFile reads the profile at path.
func ReadFile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Read(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
