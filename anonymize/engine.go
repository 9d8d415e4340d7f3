package anonymize

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// PrivacyEngine finds the generalization and the suppressed rows that make
// the output meet the policy's privacy model (k-anonymity, l-diversity,
// t-closeness). Apply calls Fit between its two passes: Fit reads the
// quasi-identifiers with PrivacyJob.Scan (pass 1, as often as it needs) and
// returns a PrivacyResult that pass 2 applies while streaming the output.
type PrivacyEngine interface {
	Fit(ctx context.Context, job *PrivacyJob) (*PrivacyResult, error)
}

// defaultPrivacy is the engine Apply uses when Options.Privacy is nil. The
// k-anonymity package's adapter (anonymize/privacy.go) sets it in an init
// function; without it a policy with a privacy model fails with
// ErrNoPrivacyEngine.
var defaultPrivacy PrivacyEngine

// ErrNoPrivacyEngine is returned for a policy with a privacy model when no
// engine is available.
var ErrNoPrivacyEngine = errors.New("the policy sets a privacy model (k, l_diversity or t_closeness) but this build of veil has no privacy engine")

// QI is a quasi-identifier handed to the privacy engine.
type QI struct {
	Name  string       // column name
	Index int          // position in the input schema
	Kind  dataset.Kind // the input column's kind
	// Column is the column's policy entry.
	Column *policies.Column
	// Hierarchy is the column's generalization hierarchy, or nil when the
	// column has none (numeric columns left to the engine, fixed ones).
	Hierarchy *policies.Hierarchy
	// Fixed is set when the policy fixes the column's output (keep, hash,
	// mask, a generalization at a given level...): Scan hands out the
	// transformed value and the engine may only suppress rows, not
	// generalize the column further. Otherwise (generalize without a level)
	// the engine chooses the generalization.
	Fixed bool
}

// PrivacyJob is what the engine gets: the policy, the quasi-identifiers and
// the sensitive columns, and a way to read them.
type PrivacyJob struct {
	Policy  *policies.Policy
	Privacy *policies.Privacy
	Schema  dataset.Schema // the input's schema
	QIs     []QI
	// Sensitive are the input positions of the columns the privacy model
	// names: the l_diversity column, then the t_closeness column (each at
	// most once); Scan hands out their raw input values in this order.
	Sensitive []int
	// Rand is the run's seeded source, for engines that need randomness.
	Rand *rand.Rand

	open func() (dataset.Reader, error)
	plan *Plan
}

// Scan reads the whole input once and calls fn for every row, in file
// order, with its 1-based row number, the values of the quasi-identifiers
// (in QIs order; the transformed value for Fixed ones, the input value
// otherwise) and of the Sensitive columns. The slices are reused by the
// next call: copy what you keep. An error from fn stops the scan; a
// *dataset.ColumnError whose Col is an input position comes back as a
// *dataset.DataError naming the row and column.
func (j *PrivacyJob) Scan(ctx context.Context, fn func(row int64, qi, sensitive []dataset.Value) error) error {
	r, err := j.open()
	if err != nil {
		return err
	}
	defer r.Close()
	qi := make([]dataset.Value, len(j.QIs))
	sens := make([]dataset.Value, len(j.Sensitive))
	_, err = dataset.Each(ctx, r, nil, func(rec *dataset.Record) error {
		for q := range j.QIs {
			v := rec.Values[j.QIs[q].Index]
			if j.QIs[q].Fixed {
				c := j.plan.byInput[j.QIs[q].Index]
				var err error
				if v, err = c.value(rec, v); err != nil {
					return &dataset.ColumnError{Col: c.in, Err: err}
				}
			}
			qi[q] = v
		}
		for s, i := range j.Sensitive {
			sens[s] = rec.Values[i]
		}
		return fn(rec.Row, qi, sens)
	})
	return err
}

// PrivacyResult is the engine's answer, applied by pass 2.
type PrivacyResult struct {
	// Levels holds, for full-domain generalization, the hierarchy level of
	// each quasi-identifier (in QIs order; 0 for Fixed ones). Pass 2 writes
	// Hierarchy.Generalize(value, level).
	Levels []int
	// Recode, when set, gives the output value of quasi-identifier q in row
	// for local or multidimensional recoding (Mondrian); it is called for
	// the non-Fixed quasi-identifiers only and takes precedence over
	// Levels. in is the row's input value.
	Recode func(row int64, q int, in dataset.Value) (dataset.Value, error)
	// Suppressed holds the rows left out of the output (nil: none).
	Suppressed *RowSet
	// Report becomes the anonymize report's "privacy" object, encoded with
	// encoding/json as it is.
	Report any
}

// RowSet is a set of 1-based row numbers, one bit a row. The zero value is
// an empty set. It is not safe for concurrent use.
type RowSet struct {
	bits []uint64
	n    int
}

// Add puts row in the set.
func (s *RowSet) Add(row int64) {
	if row < 1 {
		return
	}
	i := int((row - 1) >> 6)
	if i >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, i+1-len(s.bits))...)
	}
	m := uint64(1) << uint((row-1)&63)
	if s.bits[i]&m == 0 {
		s.bits[i] |= m
		s.n++
	}
}

// Has reports whether row is in the set. A nil set is empty.
func (s *RowSet) Has(row int64) bool {
	if s == nil || row < 1 {
		return false
	}
	i := int((row - 1) >> 6)
	return i < len(s.bits) && s.bits[i]&(uint64(1)<<uint((row-1)&63)) != 0
}

// Len returns the number of rows in the set.
func (s *RowSet) Len() int {
	if s == nil {
		return 0
	}
	return s.n
}
