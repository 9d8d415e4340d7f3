package kanon

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. None of them holds a value of the data.
var (
	ErrEmptyHierarchy  = errors.New("no rows")
	ErrDuplicateLeaf   = errors.New("leaf listed twice")
	ErrTooManyValues   = errors.New("too many distinct values")
	ErrEdgesOrder      = errors.New("bin edges must increase")
	ErrNoBins          = errors.New("no bin width or edges")
	ErrNotInHierarchy  = errors.New("value is not a leaf of the column's hierarchy")
	ErrNotNumber       = errors.New("not a number")
	ErrTooManyRows     = errors.New("more than 4,294,967,295 rows share one combination of quasi-identifiers")
	ErrNoAttributes    = errors.New("no quasi-identifier")
	ErrLatticeTooLarge = errors.New("too many transformations for the optimal search")
	ErrNeedsHierarchy  = errors.New("the optimal search needs a hierarchy or bins for every quasi-identifier")
	ErrUnreachable     = errors.New("privacy target not reachable")
	ErrUnknownRow      = errors.New("row does not belong to the table the search ran on")
)

// HierarchyError reports a hierarchy that is not a tree: the value of row
// RowA at level Level generalizes differently at Level+1 than the same
// value of row RowB. Rows are 1-based leaf rows of the file. It holds no
// value.
type HierarchyError struct {
	Name       string
	Level      int
	RowA, RowB int
}

func (e *HierarchyError) Error() string {
	return fmt.Sprintf("hierarchy %s: rows %d and %d hold the same value at level %d but different values at level %d: a hierarchy must be a tree",
		e.Name, e.RowA, e.RowB, e.Level, e.Level+1)
}

// ExitClass makes a broken hierarchy a policy error.
func (e *HierarchyError) ExitClass() string { return "policy" }

// ValueError reports a quasi-identifier or sensitive value the search
// cannot encode. Attr is its position in the values Encoder.Add takes
// (the attributes, then the sensitive columns), so that the caller can
// name the column and row with dataset.Locate; the value itself is never
// held.
type ValueError struct {
	Attr int
	Name string
	Err  error
}

func (e *ValueError) Error() string { return fmt.Sprintf("column %q: %v", e.Name, e.Err) }

// Unwrap returns the underlying error.
func (e *ValueError) Unwrap() error { return e.Err }

// ExitClass makes a value the search cannot encode a data error.
func (e *ValueError) ExitClass() string { return "data" }

// ConfigError reports a search configuration that is invalid in itself (a
// k below 1, an unknown metric). It maps to the policy exit code.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return "privacy: " + e.Msg }

// ExitClass makes an invalid configuration a policy error.
func (e *ConfigError) ExitClass() string { return "policy" }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

// UnreachableError reports a privacy target that no transformation the
// search may use meets. Reasons say why, and Hints what would work. It
// unwraps to [ErrUnreachable] and maps to exit code 4.
type UnreachableError struct {
	Target  string   // e.g. "k=5 with at most 4% suppressed rows"
	Reasons []string // why, in plain words
	Hints   []string // what would work
}

func (e *UnreachableError) Error() string {
	var b strings.Builder
	b.WriteString("privacy target not reachable: ")
	b.WriteString(e.Target)
	if len(e.Reasons) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Reasons, "; "))
	}
	if len(e.Hints) > 0 {
		b.WriteString(". What would work: ")
		b.WriteString(strings.Join(e.Hints, "; "))
	}
	return b.String()
}

// Unwrap returns ErrUnreachable.
func (e *UnreachableError) Unwrap() error { return ErrUnreachable }

// ExitClass makes an unreachable target a privacy failure (exit 4).
func (e *UnreachableError) ExitClass() string { return "privacy" }

// LatticeError reports a search space too large for the optimal search.
type LatticeError struct {
	Nodes float64 // number of transformations
	Limit int
}

func (e *LatticeError) Error() string {
	return fmt.Sprintf("privacy: %.4g transformations for the optimal search (limit %d): fix the level of some quasi-identifiers, use hierarchies with fewer levels, or use algorithm: mondrian",
		e.Nodes, e.Limit)
}

// Unwrap returns ErrLatticeTooLarge.
func (e *LatticeError) Unwrap() error { return ErrLatticeTooLarge }

// ExitClass makes a too large search space a privacy failure: the target
// cannot be reached with this search.
func (e *LatticeError) ExitClass() string { return "privacy" }
