package policies

import (
	"errors"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

func schemaOf(cols ...dataset.Column) dataset.Schema { return dataset.Schema{Columns: cols} }

func col(name string, k dataset.Kind) dataset.Column { return dataset.Column{Name: name, Kind: k} }

func TestValidate(t *testing.T) {
	data := schemaOf(col("email", dataset.String), col("age", dataset.Integer), col("income", dataset.Float),
		col("born", dataset.Date), col("zip", dataset.String), col("patient", dataset.String))
	tests := []struct {
		name     string
		yaml     string
		sentinel error // nil: valid
		msg      string
	}{
		{"valid with default", "version: 1\ndefault_action: keep\ncolumns:\n  age: {action: generalize, width: 10}\n", nil, ""},
		{"unlisted columns", "version: 1\ncolumns:\n  age: keep\n", ErrUnlisted, `5 column(s) the policy does not list: "email", "income", "born", "zip", "patient"`},
		{"column not in data", "version: 1\ndefault_action: keep\ncolumns:\n  agee: keep\n", ErrNotInData, `p.yaml:4:3: columns.agee: the data has no column "agee" (did you mean "age"?)`},
		{"noise on text", "version: 1\ndefault_action: keep\ncolumns:\n  zip: {action: noise, epsilon: 1, lower: 0, upper: 1}\n", ErrKind, "noise needs numbers, but the column holds string values"},
		{"width on text", "version: 1\ndefault_action: keep\ncolumns:\n  email: {action: generalize, width: 3}\n", ErrKind, "p.yaml:4:31: columns.email.width: generalize with width needs numbers"},
		{"truncate on number", "version: 1\ndefault_action: keep\ncolumns:\n  age: {action: generalize, truncate: year}\n", ErrKind, "needs dates or timestamps"},
		{"shift on text", "version: 1\ndefault_action: keep\ncolumns:\n  zip: {action: shift_date, by: patient, max_days: 10, key_env: K}\n", ErrKind, "shift_date needs dates"},
		{"shift by missing column", "version: 1\ndefault_action: keep\ncolumns:\n  born: {action: shift_date, by: patientt, max_days: 10, key_env: K}\n", ErrNotInData, `did you mean "patient"`},
		{"shift ok", "version: 1\ndefault_action: keep\ncolumns:\n  born: {action: shift_date, by: patient, max_days: 10, key_env: K}\n", nil, ""},
		{"noise on float ok", "version: 1\ndefault_action: keep\ncolumns:\n  income: {action: noise, epsilon: 1, lower: 0, upper: 1}\n", nil, ""},
		{"l-diversity column", "version: 1\ndefault_action: keep\ncolumns:\n  age: {role: quasi, action: keep}\nprivacy:\n  k: 2\n  l_diversity: {column: incme, l: 2}\n", ErrNotInData, `did you mean "income"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseBytes([]byte(tc.yaml), "p.yaml")
			if err != nil {
				t.Fatalf("ParseBytes: %v", err)
			}
			err = Validate(p, data)
			if tc.sentinel == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.sentinel) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Validate = %v, want %v with %q", err, tc.sentinel, tc.msg)
			}
		})
	}
}
