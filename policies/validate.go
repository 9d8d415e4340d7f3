package policies

import (
	"fmt"
	"slices"
	"strings"

	"github.com/veil-data/veil/dataset"
)

// Validate checks p against the schema of a data file: every data column
// is listed (unless DefaultAction is set), every listed column exists,
// actions fit the columns' kinds (noise and numeric bins need numbers,
// truncate and shift_date need dates) and the columns named by by,
// l_diversity and t_closeness exist. Hierarchies were loaded by Parse; that
// every value of the data is a leaf is checked while anonymizing, where the
// row can be named. Errors are an [ErrorList].
func Validate(p *Policy, schema dataset.Schema) error {
	var errs ErrorList
	add := func(line, col int, path string, sentinel error, format string, args ...any) {
		errs = append(errs, &Error{File: p.Path, Line: line, Col: col, Path: path, Err: sentinel, Msg: fmt.Sprintf(format, args...)})
	}
	names := schema.Names()
	var unlisted []string
	for _, name := range names {
		if p.Column(name) == nil {
			unlisted = append(unlisted, name)
		}
	}
	if len(unlisted) > 0 && p.DefaultAction == "" {
		add(p.columnsLine, p.columnsCol, "columns", ErrUnlisted,
			"the data has %d column(s) the policy does not list: %s; list them, or set default_action (keep, drop or suppress)",
			len(unlisted), quoteList(unlisted))
	}
	for _, c := range p.Columns {
		path := "columns." + c.Name
		at := func(key string) (int, int) {
			if q, ok := c.pos[key]; ok {
				return q[0], q[1]
			}
			return c.Line, c.Col
		}
		i := schema.Index(c.Name)
		if i < 0 {
			add(c.Line, c.Col, path, ErrNotInData, "the data has no column %q%s", c.Name, didYouMean(c.Name, names))
			continue
		}
		kind := schema.Columns[i].Kind
		need := func(key string, ok bool, want string) {
			if !ok {
				l, col := at(key)
				add(l, col, join(path, key), ErrKind, "%s needs %s, but the column holds %s values (declare its kind with --type %s=KIND if inference got it wrong)",
					keyWhat(c, key), want, kind, c.Name)
			}
		}
		switch c.Action {
		case ActionNoise:
			need("action", kind.Numeric(), "numbers")
		case ActionShiftDate:
			need("action", kind == dataset.Date || kind == dataset.Timestamp, "dates or timestamps")
			if c.By != "" && schema.Index(c.By) < 0 {
				l, col := at("by")
				add(l, col, join(path, "by"), ErrNotInData, "the data has no column %q%s", c.By, didYouMean(c.By, names))
			}
		case ActionGeneralize:
			switch {
			case c.Width > 0:
				need("width", kind.Numeric(), "numbers")
			case c.Edges != nil:
				need("edges", kind.Numeric(), "numbers")
			case c.TopCode != nil:
				need("top_code", kind.Numeric(), "numbers")
			case c.BottomCode != nil:
				need("bottom_code", kind.Numeric(), "numbers")
			case c.Truncate != "":
				need("truncate", kind == dataset.Date || kind == dataset.Timestamp, "dates or timestamps")
			}
		}
	}
	if pr := p.Privacy; pr != nil {
		if l := pr.LDiversity; l != nil && l.Column != "" && schema.Index(l.Column) < 0 {
			add(pr.line, pr.col, "privacy.l_diversity.column", ErrNotInData, "the data has no column %q%s", l.Column, didYouMean(l.Column, names))
		}
		if t := pr.TCloseness; t != nil && t.Column != "" && schema.Index(t.Column) < 0 {
			add(pr.line, pr.col, "privacy.t_closeness.column", ErrNotInData, "the data has no column %q%s", t.Column, didYouMean(t.Column, names))
		}
	}
	slices.SortStableFunc(errs, func(a, b *Error) int { return a.Line - b.Line })
	return errs.err()
}

func keyWhat(c *Column, key string) string {
	if key == "action" {
		return string(c.Action)
	}
	return string(c.Action) + " with " + key
}

func quoteList(names []string) string {
	const show = 12
	q := make([]string, 0, min(len(names), show))
	for i, n := range names {
		if i == show {
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > show {
		s += fmt.Sprintf(" and %d more", len(names)-show)
	}
	return s
}
