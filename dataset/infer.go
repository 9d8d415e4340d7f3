package dataset

import "time"

// DefaultInferRows is how many leading records readers inspect to infer
// column kinds when no other number is set.
const DefaultInferRows = 1000

// Inferrer infers column kinds from a sample of text values, one column at a
// time. The zero value is ready to use. It keeps O(1) state per column.
type Inferrer struct {
	cols []colGuess
}

type colGuess struct {
	seen, nulls int
	notInt      bool
	notFloat    bool
	notBool     bool
	dateOK      []bool // per DateLayouts entry: every value so far parses
	tsOK        []bool // per TimestampLayouts entry
	initialized bool
}

// Add feeds one record's values to the inferrer.
func (in *Inferrer) Add(values []Value) {
	for len(in.cols) < len(values) {
		in.cols = append(in.cols, colGuess{})
	}
	for i, v := range values {
		g := &in.cols[i]
		if !g.initialized {
			g.initialized = true
			g.dateOK = make([]bool, len(DateLayouts))
			g.tsOK = make([]bool, len(TimestampLayouts))
			for j := range g.dateOK {
				g.dateOK[j] = true
			}
			for j := range g.tsOK {
				g.tsOK[j] = true
			}
		}
		if v.Null {
			g.nulls++
			continue
		}
		g.seen++
		s := v.Text
		if !g.notInt {
			if _, err := ParseInt(s); err != nil {
				g.notInt = true
			}
		}
		if !g.notFloat {
			if _, err := ParseExactFloat(s); err != nil {
				g.notFloat = true
			}
		}
		if !g.notBool {
			if _, err := ParseBool(s); err != nil {
				g.notBool = true
			}
		}
		for j, ok := range g.dateOK {
			if ok {
				if len(s) != len(DateLayouts[j]) {
					g.dateOK[j] = false
					continue
				}
				if _, err := time.Parse(DateLayouts[j], s); err != nil {
					g.dateOK[j] = false
				}
			}
		}
		for j, ok := range g.tsOK {
			if ok {
				if _, err := time.Parse(TimestampLayouts[j], s); err != nil {
					g.tsOK[j] = false
				}
			}
		}
	}
}

// Columns returns the inferred columns for the given names. A column with no
// non-null value in the sample is a nullable string.
func (in *Inferrer) Columns(names []string) []Column {
	cols := make([]Column, len(names))
	for i, name := range names {
		cols[i] = Column{Name: name, Kind: String}
		if i >= len(in.cols) {
			cols[i].Nullable = true
			continue
		}
		g := in.cols[i]
		cols[i].Nullable = g.nulls > 0 || g.seen == 0
		if g.seen == 0 {
			continue
		}
		switch {
		case !g.notInt:
			cols[i].Kind = Integer
		case !g.notFloat:
			cols[i].Kind = Float
		case !g.notBool:
			cols[i].Kind = Boolean
		default:
			if j := firstTrue(g.dateOK); j >= 0 {
				cols[i].Kind = Date
				if DateLayouts[j] != DateLayout {
					cols[i].Layout = DateLayouts[j]
				}
			} else if j := firstTrue(g.tsOK); j >= 0 {
				cols[i].Kind = Timestamp
				if TimestampLayouts[j] != TimestampLayout {
					cols[i].Layout = TimestampLayouts[j]
				}
			}
		}
	}
	return cols
}

func firstTrue(b []bool) int {
	for i, v := range b {
		if v {
			return i
		}
	}
	return -1
}

// Override is a user's declaration of one column's kind (and layout), which
// replaces what inference found.
type Override struct {
	Kind   Kind
	Layout string
}

// applyOverrides replaces inferred kinds by declared ones. Unknown names are
// an error so that a typo does not go unnoticed.
func applyOverrides(file string, cols []Column, over map[string]Override, mayBeAbsent bool) error {
	for name, o := range over {
		found := false
		for i := range cols {
			if cols[i].Name == name {
				cols[i].Kind = o.Kind
				cols[i].Layout = o.Layout
				found = true
			}
		}
		if !found && !mayBeAbsent {
			return &DataError{File: file, Line: 1, Column: name, Err: errUnknownOverride}
		}
	}
	return nil
}
