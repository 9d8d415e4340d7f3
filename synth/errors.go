package synth

import (
	"errors"
	"fmt"
)

// Sentinel errors. None of them holds a value of the data.
var (
	// ErrNoRows is returned when the input has no data row.
	ErrNoRows = errors.New("the input has no rows to learn from")
	// ErrNoColumns is returned when every column is dropped or regenerated
	// and nothing is left to model.
	ErrNoColumns = errors.New("no column left to model")
	// ErrModelSchema is returned for a model file of another schema.
	ErrModelSchema = errors.New("not a veil synth model (schema veil.synth-model/v1)")
	// ErrUnknownColumn is returned by a condition on a column the model
	// does not have.
	ErrUnknownColumn = errors.New("the model has no such column")
	// ErrNotCategorical is returned by a condition on a numeric or
	// regenerated column.
	ErrNotCategorical = errors.New("conditions are supported on categorical columns only")
	// ErrUnknownValue is returned by a condition on a value the model never
	// saw (or merged into the rare bucket).
	ErrUnknownValue = errors.New("the model has no such category")
	// ErrImpossible is returned when the conditions have probability 0
	// under the model.
	ErrImpossible = errors.New("the conditions have probability 0 under the model")
	// ErrBudget is returned for an invalid privacy budget.
	ErrBudget = errors.New("invalid privacy budget")
)

// UsageError is a mistake in the options: an unknown method, a bad
// condition, a budget out of range. It maps to exit code 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string     { return e.Err.Error() }
func (e *UsageError) Unwrap() error     { return e.Err }
func (e *UsageError) ExitClass() string { return "usage" }

func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// ModelError reports a model file that cannot be used: not JSON, another
// schema, or inconsistent. It maps to exit code 3 (bad input data).
type ModelError struct {
	Path string
	Err  error
}

func (e *ModelError) Error() string {
	if e.Path == "" {
		return "model: " + e.Err.Error()
	}
	return "model " + e.Path + ": " + e.Err.Error()
}
func (e *ModelError) Unwrap() error     { return e.Err }
func (e *ModelError) ExitClass() string { return "data" }

// ConditionError reports a --where condition the model cannot meet.
type ConditionError struct {
	Column string
	Err    error
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("condition on column %q: %v", e.Column, e.Err)
}
func (e *ConditionError) Unwrap() error     { return e.Err }
func (e *ConditionError) ExitClass() string { return "usage" }
