package report

import (
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// Recoded columns. An anonymized release replaces values by coarser ones
// (an age 39 by "[30,40)" or "30-39", a ZIP 12345 by "123**", an education
// by its hierarchy parent, anything by "*"). Comparing such a column value by
// value with the original would call every row different; an attacker, and a
// model trained on the release, would instead generalize the original
// values the same way. So the report maps each original value to the
// released value that covers it and compares in the released domain:
//
//   - through the policy's hierarchy at the level the policy or the
//     anonymize report gives, when there is one;
//   - else by reading the released values as patterns: "*" covers
//     everything; numeric intervals "[a,b)", "(a,b]", "[a,b]", "a-b"
//     (inclusive, ARX's style), "a+" / ">=a" / ">a" (top coding), "<a" /
//     "<=a" (bottom coding); masks such as "123**" (same length, the
//     unmasked prefix equal) or "*****" (same length); truncated dates ("2024-05" covers
//     "2024-05-17", "2024" covers both).
//
// When several released values cover an original value (local recoding,
// Mondrian), the narrowest wins. An original value no released value covers
// stays as it is (it then counts as a difference). The report lists, per
// column, whether it was compared as recoded and how.

// pattern is one released value read as the set of original values it covers.
type pattern struct {
	text   string
	all    bool
	lo, hi float64 // numeric interval
	loIn   bool
	hiIn   bool
	num    bool
	prefix string // mask or truncated date: covers values starting with prefix
	length int    // mask: the covered value's length (0: any)
	width  float64
}

// parsePattern reads a released value as a pattern; ok is false when it is
// not one (a plain value).
func parsePattern(s string) (pattern, bool) {
	p := pattern{text: s}
	t := strings.TrimSpace(s)
	if t == "*" || t == "" {
		p.all = true
		p.width = math.Inf(1)
		return p, true
	}
	num := func(x string) (float64, bool) {
		x = strings.TrimSpace(x)
		if x == "" {
			return 0, false
		}
		if x == "inf" || x == "+inf" || x == "∞" {
			return math.Inf(1), true
		}
		if x == "-inf" || x == "-∞" {
			return math.Inf(-1), true
		}
		v, err := strconv.ParseFloat(x, 64)
		return v, err == nil
	}
	// Bracketed intervals.
	if len(t) >= 5 && (t[0] == '[' || t[0] == '(') && (t[len(t)-1] == ']' || t[len(t)-1] == ')') {
		inner := t[1 : len(t)-1]
		if a, b, ok := strings.Cut(inner, ","); ok {
			lo, ok1 := num(a)
			hi, ok2 := num(b)
			if ok1 && ok2 && lo <= hi {
				p.num, p.lo, p.hi = true, lo, hi
				p.loIn, p.hiIn = t[0] == '[', t[len(t)-1] == ']'
				p.width = hi - lo
				return p, true
			}
		}
	}
	// Top and bottom coding.
	for _, pre := range []struct {
		s        string
		top, inc bool
	}{{">=", true, true}, {"≥", true, true}, {">", true, false}, {"<=", false, true}, {"≤", false, true}, {"<", false, false}} {
		if strings.HasPrefix(t, pre.s) {
			if v, ok := num(t[len(pre.s):]); ok {
				p.num = true
				if pre.top {
					p.lo, p.loIn, p.hi, p.hiIn = v, pre.inc, math.Inf(1), false
				} else {
					p.lo, p.loIn, p.hi, p.hiIn = math.Inf(-1), false, v, pre.inc
				}
				p.width = math.Inf(1)
				return p, true
			}
		}
	}
	if strings.HasSuffix(t, "+") {
		if v, ok := num(t[:len(t)-1]); ok {
			p.num, p.lo, p.loIn, p.hi = true, v, true, math.Inf(1)
			p.width = math.Inf(1)
			return p, true
		}
	}
	// "a-b" ranges (not a negative number alone).
	if i := strings.Index(t[1:], "-"); i >= 0 {
		a, b := t[:i+1], t[i+2:]
		lo, ok1 := num(a)
		hi, ok2 := num(b)
		if ok1 && ok2 && lo <= hi {
			p.num, p.lo, p.hi, p.loIn, p.hiIn = true, lo, hi, true, true
			p.width = hi - lo + 1
			return p, true
		}
	}
	// Masks: a prefix followed by mask characters.
	if n := len(t); n >= 2 {
		end := n
		for end > 0 && (t[end-1] == '*' || t[end-1] == 'X' || t[end-1] == '#') {
			end--
		}
		// A value masked in full ("*****") covers every value of its
		// length; only stars, since "XX" may be a plain value.
		if end < n && (end > 0 || strings.Trim(t, "*") == "") {
			p.prefix, p.length = t[:end], n
			p.width = float64(n - end)
			return p, true
		}
	}
	return p, false
}

// truncatedDate reports whether s looks like a date truncated to a month
// ("2024-05") or a year ("2024"), and returns it as a prefix pattern.
func truncatedDate(s string) (pattern, bool) {
	t := strings.TrimSpace(s)
	isDigits := func(x string) bool {
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return x != ""
	}
	switch {
	case len(t) == 4 && isDigits(t):
		return pattern{text: s, prefix: t, width: 366}, true
	case len(t) == 7 && t[4] == '-' && isDigits(t[:4]) && isDigits(t[5:]):
		return pattern{text: s, prefix: t, width: 31}, true
	}
	return pattern{}, false
}

func (p pattern) covers(v string, isDate bool) bool {
	switch {
	case p.all:
		return true
	case p.num:
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return false
		}
		if x < p.lo || (x == p.lo && !p.loIn) {
			return false
		}
		if x > p.hi || (x == p.hi && !p.hiIn) {
			return false
		}
		return true
	case p.prefix != "" || p.length > 0:
		if p.length > 0 && len(v) != p.length {
			return false
		}
		if isDate && p.length == 0 {
			return strings.HasPrefix(v, p.prefix) && (len(v) == len(p.prefix) || v[len(p.prefix)] == '-')
		}
		return strings.HasPrefix(v, p.prefix)
	}
	return false
}

// recodeMap maps original values to released ones for one column.
type recodeMap struct {
	method string            // how the mapping was found, for the report
	m      map[string]string // original text -> released text
}

// hierarchyMap maps through h at level.
func hierarchyMap(h *policies.Hierarchy, level int, originals []string) *recodeMap {
	rm := &recodeMap{method: "hierarchy " + filepath.Base(h.Path) + " at level " + strconv.Itoa(level), m: map[string]string{}}
	if level < 0 || level > h.Height() {
		return nil
	}
	for _, v := range originals {
		if g, ok := h.Generalize(v, level); ok {
			rm.m[v] = g
		}
	}
	return rm
}

// patternMap maps each original value to the narrowest released value that
// covers it. It returns nil when the released values are not patterns.
func patternMap(released []string, originals []string, kind dataset.Kind) *recodeMap {
	var pats []pattern
	isDate := kind == dataset.Date || kind == dataset.Timestamp
	for _, r := range released {
		if p, ok := parsePattern(r); ok {
			pats = append(pats, p)
			continue
		}
		if isDate {
			if p, ok := truncatedDate(r); ok {
				pats = append(pats, p)
			}
		}
	}
	if len(pats) == 0 {
		return nil
	}
	sort.SliceStable(pats, func(i, j int) bool { return pats[i].width < pats[j].width })
	rm := &recodeMap{method: "patterns read from the released values (intervals, masks, truncated dates, *)", m: map[string]string{}}
	for _, v := range originals {
		for _, p := range pats {
			if p.covers(v, isDate) {
				rm.m[v] = p.text
				break
			}
		}
	}
	return rm
}
