package policies

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by [*Error]. None of them holds a data value.
var (
	ErrSyntax        = errors.New("not valid YAML")
	ErrUnknownKey    = errors.New("unknown key")
	ErrDuplicateKey  = errors.New("key given twice")
	ErrType          = errors.New("wrong type")
	ErrLeadingZero   = errors.New("number with a leading zero")
	ErrMissing       = errors.New("missing")
	ErrValue         = errors.New("invalid value")
	ErrNotApplicable = errors.New("parameter does not apply to the action")
	ErrConflict      = errors.New("conflicting parameters")
	ErrSecret        = errors.New("secret in the policy")
	ErrHierarchy     = errors.New("hierarchy")
	ErrBudget        = errors.New("privacy budget exceeded")
	ErrNotInData     = errors.New("column not in the data")
	ErrUnlisted      = errors.New("data column not in the policy")
	ErrKind          = errors.New("action does not fit the column's kind")
)

// Error is one problem in a policy file. It names the file, line and column
// (1-based; 0 when unknown) and the path of the key, e.g.
//
//	policy.yaml:12:5: columns.zip.widht: unknown key (did you mean "width"?)
//
// It never holds a value of the data.
type Error struct {
	File      string
	Line, Col int
	Path      string // dotted key path, e.g. columns.zip.width
	Err       error  // one of the sentinels above
	Msg       string // what is wrong and how to fix it
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteByte(':')
		if e.Col > 0 {
			b.WriteString(strconv.Itoa(e.Col))
			b.WriteByte(':')
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// ExitClass tells the CLI that a policy error exits with the usage code.
func (e *Error) ExitClass() string { return "policy" }

// ErrorList is every problem found in a policy, in file order. Parse and
// Validate collect all of them rather than stopping at the first.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d errors in the policy:", len(l))
	for _, e := range l {
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, so that errors.Is finds any sentinel.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// ExitClass tells the CLI that policy errors exit with the usage code.
func (l ErrorList) ExitClass() string { return "policy" }

// err returns l as an error, or nil when empty.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// didYouMean returns ` (did you mean "x"?)` for the candidate closest to s,
// when one is close enough to be a typo, or "".
func didYouMean(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, min(len(s), len(best))/3)
	if best != "" && bestD <= limit {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// levenshtein returns the edit distance between a and b, counting an
// adjacent swap as one edit (optimal string alignment).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
