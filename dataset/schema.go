package dataset

import (
	"fmt"
	"strings"
)

// Kind is the type of a column's values.
type Kind uint8

// The kinds a column can have. String is the zero value: any text is a valid
// string, so a column falls back to it when nothing narrower fits.
const (
	String Kind = iota
	Integer
	Float
	Boolean
	Date
	Timestamp
)

var kindNames = [...]string{"string", "integer", "float", "boolean", "date", "timestamp"}

// String returns the kind's name as used in schemas, flags and profiles.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Numeric reports whether values of kind k are numbers.
func (k Kind) Numeric() bool { return k == Integer || k == Float }

// ParseKind returns the kind named s (case-insensitive); "int" and "bool" are
// accepted as short forms.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "string", "text":
		return String, nil
	case "integer", "int":
		return Integer, nil
	case "float", "double", "number":
		return Float, nil
	case "boolean", "bool":
		return Boolean, nil
	case "date":
		return Date, nil
	case "timestamp", "datetime":
		return Timestamp, nil
	}
	return String, fmt.Errorf("unknown kind %q (want string, integer, float, boolean, date or timestamp)", s)
}

// MarshalText implements encoding.TextMarshaler, so kinds appear by name in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Column describes one column of a table.
type Column struct {
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Nullable bool   `json:"nullable"`
	// Layout is the time layout (package time) of Date and Timestamp values
	// as they appear in the text, for example "2006-01-02" or "02.01.2006".
	// Empty means the canonical layout of the kind (DateLayout, TimestampLayout).
	Layout string `json:"layout,omitempty"`
}

// Schema is the ordered list of a table's columns.
type Schema struct {
	Columns []Column `json:"columns"`
}

// Len returns the number of columns.
func (s Schema) Len() int { return len(s.Columns) }

// Index returns the position of the column named name, or -1.
func (s Schema) Index(name string) int {
	for i, c := range s.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the column names in order.
func (s Schema) Names() []string {
	names := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		names[i] = c.Name
	}
	return names
}

// Clone returns a deep copy of s.
func (s Schema) Clone() Schema {
	return Schema{Columns: append([]Column(nil), s.Columns...)}
}

// Value is one cell. Text holds the value as text in its column's layout;
// it is meaningless when Null is set.
type Value struct {
	Text string
	Null bool
}

// NullValue is the missing value.
var NullValue = Value{Null: true}

// Text returns a non-null value holding s.
func Text(s string) Value { return Value{Text: s} }

// Record is one row of a table.
type Record struct {
	// Row is the 1-based data row, header excluded: the number users see in
	// errors.
	Row int64
	// Values holds one value per schema column.
	Values []Value
}

// Clone returns a copy of r that does not share its Values slice.
func (r *Record) Clone() *Record {
	return &Record{Row: r.Row, Values: append([]Value(nil), r.Values...)}
}
