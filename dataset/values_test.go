package dataset

import (
	"errors"
	"strings"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr error
	}{
		{"0", 0, nil},
		{"42", 42, nil},
		{"-7", -7, nil},
		{"9223372036854775807", 9223372036854775807, nil},
		{"9223372036854775808", 0, ErrIntegerRange},
		{"01234", 0, ErrNotInteger}, // a code, not a number: zip 01234 stays text
		{"+5", 0, ErrNotInteger},
		{"-0", 0, ErrNotInteger},
		{"1.0", 0, ErrNotInteger},
		{"1e3", 0, ErrNotInteger},
		{"", 0, ErrNotInteger},
		{"-", 0, ErrNotInteger},
		{" 1", 0, ErrNotInteger},
		{"1_000", 0, ErrNotInteger},
	}
	for _, tc := range tests {
		got, err := ParseInt(tc.in)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("ParseInt(%q) = %d, %v, want %d, %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestParseFloat(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12.5", 12.5, true},
		{"-3", -3, true},
		{".5", 0.5, true},
		{"0.25", 0.25, true},
		{"1e-3", 0.001, true},
		{"0012.5", 0, false},         // leading zeros: a code
		{"+4915112345678", 0, false}, // a leading +: a phone number or a code
		{"+7", 0, false},
		{"1e+3", 1000, true},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"0x1p-2", 0, false},
		{"1,5", 0, false},
		{"", 0, false},
		{"1e999", 0, false},
		{"e", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseFloat(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFloat(%q) = %v, %v, want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseTime(t *testing.T) {
	d := Column{Kind: Date, Layout: "02.01.2006"}
	if tm, err := ParseTime(d, "31.12.1999"); err != nil || tm.Year() != 1999 || tm.Day() != 31 {
		t.Errorf("ParseTime(dd.mm.yyyy, 31.12.1999) = %v, %v", tm, err)
	}
	if _, err := ParseTime(Column{Kind: Date}, "1999-02-30"); !errors.Is(err, ErrNotDate) {
		t.Errorf("ParseTime(date, 1999-02-30) error = %v, want ErrNotDate", err)
	}
	if _, err := ParseTime(Column{Kind: Timestamp}, "2024-01-01T10:00:00.5+02:00"); err != nil {
		t.Errorf("ParseTime(timestamp, RFC 3339) = %v", err)
	}
}

func TestKindText(t *testing.T) {
	for k := String; k <= Timestamp; k++ {
		b, _ := k.MarshalText()
		var back Kind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("kind %v round trip = %v, %v", k, back, err)
		}
	}
	if _, err := ParseKind("varchar"); err == nil {
		t.Error("ParseKind(varchar) did not fail")
	}
}

func TestDataErrorMessage(t *testing.T) {
	tests := []struct {
		e    DataError
		want string
	}{
		{DataError{File: "a.csv", Row: 17, Line: 18, Column: "age", Err: ErrNotInteger}, `a.csv: row 17 (line 18), column "age": not an integer`},
		{DataError{File: "a.parquet", Row: 3, Column: "zip", Err: ErrNotInteger}, `a.parquet: row 3, column "zip": not an integer`},
		{DataError{File: "a.csv", Line: 1, Err: ErrEmptyHeader}, `a.csv: header (line 1): empty header: the file has no columns`},
		{DataError{File: "a.csv", Row: 2, Line: 3, Byte: 9, Err: ErrQuote}, `a.csv: row 2 (line 3, byte 9): unterminated or misplaced quote in quoted field`},
	}
	for _, tc := range tests {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestParseExactFloat: a value a double cannot hold exactly is not a float
// (inference keeps the column as text; Parquet refuses to round it).
func TestParseExactFloat(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"12.50", true}, {"0.1", true}, {"123456789012345", true}, {"9007199254740992", true},
		{"9007199254740993", false}, {"18446744073709551615", false}, {"0.1234567890123456789", false},
		{"1e21", true}, {"-0.000001", true}, {"3.14159265358979", true},
	} {
		if _, err := ParseExactFloat(tc.in); (err == nil) != tc.ok {
			t.Errorf("ParseExactFloat(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
}

// TestInferKeepsWideNumbersAsText: phone numbers with +, IDs above 2^63 and
// decimals with more digits than a double holds are inferred as text, so
// no round trip changes them.
func TestInferKeepsWideNumbersAsText(t *testing.T) {
	csv := "phone,id,x,amount\n+4915112345678,18446744073709551615,0.1234567890123456789,12.50\n+4917612345678,18446744073709551614,0.5,3.25\n"
	r, err := NewCSVReader(strings.NewReader(csv), "wide.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{"phone": String, "id": String, "x": String, "amount": Float}
	for _, c := range r.Schema().Columns {
		if c.Kind != want[c.Name] {
			t.Errorf("column %s inferred %s, want %s", c.Name, c.Kind, want[c.Name])
		}
	}
}
