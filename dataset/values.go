package dataset

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Canonical layouts: the text form of dates and timestamps read from Parquet
// and the layouts written when no other is set.
const (
	DateLayout      = "2006-01-02"
	TimestampLayout = "2006-01-02T15:04:05.999999999Z07:00"
)

// DateLayouts are the date layouts inference tries, in order of preference.
// Day-first comes before month-first: when every sampled value fits both, the
// European reading wins (override it with a column type).
var DateLayouts = []string{"2006-01-02", "2006/01/02", "02.01.2006", "02/01/2006", "01/02/2006", "02-01-2006", "20060102"}

// TimestampLayouts are the timestamp layouts inference tries, in order.
var TimestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"02.01.2006 15:04:05",
	"02/01/2006 15:04:05",
	"01/02/2006 15:04:05",
}

// ParseInt parses a canonical decimal integer: an optional minus sign and
// digits without leading zeros ("0" alone is fine). "007" and "+7" are not
// integers, so codes keep their text. Errors never quote the value.
func ParseInt(s string) (int64, error) {
	if !isCanonicalInt(s) {
		return 0, ErrNotInteger
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrIntegerRange
	}
	return v, nil
}

func isCanonicalInt(s string) bool {
	if s == "" {
		return false
	}
	d := s
	if d[0] == '-' {
		d = d[1:]
		if d == "" || d == "0" {
			return false
		}
	}
	if len(d) > 1 && d[0] == '0' {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return len(d) > 0
}

// ParseFloat parses a decimal number such as "12.5", "-3", "1e-3" or ".5".
// Hexadecimal forms, "NaN" and "Inf" are refused, as are integer parts with
// leading zeros ("0012.5") and a leading "+" ("+4915112345678"), which are
// codes rather than amounts.
func ParseFloat(s string) (float64, error) {
	if s == "" || s[0] == '+' {
		return 0, ErrNotFloat
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E':
		default:
			return 0, ErrNotFloat
		}
	}
	if digits == 0 {
		return 0, ErrNotFloat
	}
	t := strings.TrimPrefix(s, "-")
	if len(t) > 1 && t[0] == '0' && t[1] >= '0' && t[1] <= '9' {
		return 0, ErrNotFloat
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, ErrNotFloat
		}
		return 0, ErrNotFloat
	}
	return v, nil
}

// ParseExactFloat is ParseFloat for a value that a float must hold
// exactly: a float column (inferred, or written to Parquet as a double)
// would otherwise round it. A number with more significant digits than a
// double keeps (0.1234567890123456789, an integer above 2^53 such as an
// ID) is refused with ErrNotExactFloat: as text it keeps every digit.
func ParseExactFloat(s string) (float64, error) {
	v, err := ParseFloat(s)
	if err != nil {
		return 0, err
	}
	if !exactFloat(s, v) {
		return 0, ErrNotExactFloat
	}
	return v, nil
}

// exactFloat reports whether v, parsed from the decimal s, keeps every
// significant digit of s.
func exactFloat(s string, v float64) bool {
	mant, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(s, "+-")), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	// Trailing zeros are not significant: after the point they add
	// nothing, before it they are the exponent.
	digits := strings.TrimRight(strings.TrimLeft(intPart+frac, "0"), "0")
	if len(digits) <= 15 {
		return true // a double holds any 15 significant digits
	}
	if len(digits) > 17 {
		return false
	}
	got := strconv.FormatFloat(math.Abs(v), 'e', len(digits)-1, 64)
	gm, _, _ := strings.Cut(got, "e")
	return strings.TrimRight(strings.Replace(gm, ".", "", 1), "0") == digits
}

// ParseBool parses "true" or "false" in any case.
func ParseBool(s string) (bool, error) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, nil
	case strings.EqualFold(s, "false"):
		return false, nil
	}
	return false, ErrNotBoolean
}

// ParseTime parses s as a value of column c (Date or Timestamp), using the
// column's layout or the kind's canonical one. Timestamps without a zone are
// taken as UTC.
func ParseTime(c Column, s string) (time.Time, error) {
	layout := c.Layout
	if layout == "" {
		if c.Kind == Date {
			layout = DateLayout
		} else {
			layout = TimestampLayout
		}
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		if c.Kind == Date {
			return time.Time{}, ErrNotDate
		}
		return time.Time{}, ErrNotTimestamp
	}
	return t, nil
}

// FormatFloat formats f in the shortest form that parses back to f, as the
// Parquet reader does: plain digits from 1e-6 to 1e21 with ".0" on whole
// numbers (so the text still reads as a float), an exponent outside.
func FormatFloat(f float64) string { return formatFloat(f, 64) }

// Check reports whether s is a valid value of column c. Strings always are.
func Check(c Column, s string) error {
	var err error
	switch c.Kind {
	case Integer:
		_, err = ParseInt(s)
	case Float:
		_, err = ParseFloat(s)
	case Boolean:
		_, err = ParseBool(s)
	case Date, Timestamp:
		_, err = ParseTime(c, s)
	}
	return err
}
