package anonymize

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

const peopleCSV = `id,name,email,phone,zip,age,born,visit,income,notes
1,Ann Lee,ann.lee@example.com,+1 202-823-0778,03601,34,1990-04-12,2024-01-10,52000,note-alpha
2,Bob Stone,bob@example.org,+1 781-962-1024,12345,91,1933-01-02,2024-02-11,,note-beta
3,Ann Lee,ann.lee@example.com,+1 202-823-0778,12399,,1990-04-12,2024-03-12,700000,note-gamma
`

const peoplePolicy = `version: 1
description: test people
columns:
  id:     {role: identifier, action: tokenize, key_env: VEIL_TEST_KEY}
  name:   {role: direct, action: drop}
  email:  {role: direct, action: hash, key_env: VEIL_TEST_KEY, reason: join key}
  phone:  {role: direct, action: mask, keep_last: 4}
  zip:    {role: quasi, action: generalize, prefix: 3, restricted: ["036"]}
  age:    {role: quasi, action: generalize, width: 10, top_code: 90}
  born:   {role: quasi, action: generalize, truncate: year}
  visit:  {role: other, action: shift_date, by: email, max_days: 30, key_env: VEIL_TEST_KEY}
  income: {role: sensitive, action: noise, epsilon: 0.5, lower: 0, upper: 500000}
  notes:  {role: other, action: suppress}
privacy:
  max_epsilon: 1
`

// zeroNoise is a NoiseSource that adds nothing, so that the rest of a noise
// column's handling (clamping, rounding, counts) can be checked exactly.
type zeroNoise struct{ calls int }

func (z *zeroNoise) Laplace(x, l1, eps float64) (float64, error) { z.calls++; return x, nil }
func (z *zeroNoise) Gaussian(x, l1, eps, d float64) (float64, error) {
	z.calls++
	return x, nil
}

func TestApplyColumnLocal(t *testing.T) {
	p := parsePolicy(t, strings.Replace(peoplePolicy, "id:     {role: identifier, action: tokenize, key_env: VEIL_TEST_KEY}", "id:     {role: identifier, action: keep}", 1))
	noise := &zeroNoise{}
	out, rep, err := applyCSV(t, p, peopleCSV, &Options{Noise: noise})
	if err != nil {
		t.Fatal(err)
	}
	cells, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(cells[0], ","); h != "id,email,phone,zip,age,born,visit,income,notes" {
		t.Fatalf("header = %q", h)
	}
	mac := newHash([]byte(testKey), "hex", 32)
	wantEmail := string(mac.digest("ann.lee@example.com"))
	tests := []struct {
		row, col int
		want     string
	}{
		{1, 0, "1"}, {2, 0, "2"}, {3, 0, "3"}, // row order kept
		{1, 1, wantEmail}, {3, 1, wantEmail}, // same value, same pseudonym
		{1, 2, "+* ***-***-0778"},
		{1, 3, "000**"}, {2, 3, "123**"},
		{1, 4, "[30,40)"}, {2, 4, "90+"}, {3, 4, ""},
		{1, 5, "1990"}, {2, 5, "1933"},
		{1, 7, "52000"}, {2, 7, ""}, {3, 7, "500000"}, // clamped to upper before (zero) noise
		{1, 8, ""},
	}
	for _, tc := range tests {
		if got := cells[tc.row][tc.col]; got != tc.want {
			t.Errorf("row %d %s = %q, want %q", tc.row, cells[0][tc.col], got, tc.want)
		}
	}
	if cells[1][1] == cells[2][1] {
		t.Error("different e-mails got the same pseudonym")
	}
	// Visits of one entity (rows 1 and 3, same e-mail) keep their interval.
	if cells[1][6] == "2024-01-10" || cells[3][6] == "2024-03-12" {
		t.Errorf("visits not shifted: %s %s", cells[1][6], cells[3][6])
	}
	if noise.calls != 2 {
		t.Errorf("noise called %d times, want 2 (nulls are not noised)", noise.calls)
	}
	if rep.RowsIn != 3 || rep.RowsOut != 3 || rep.DifferentialPrivacy == nil || rep.DifferentialPrivacy.Epsilon != 0.5 {
		t.Errorf("report rows %d/%d, dp %+v", rep.RowsIn, rep.RowsOut, rep.DifferentialPrivacy)
	}
	byName := map[string]ColumnReport{}
	for _, c := range rep.Columns {
		byName[c.Name] = c
	}
	if c := byName["email"]; c.Technique != "pseudonymisation (keyed hash)" || c.KeyID != KeyID([]byte(testKey)) || c.ValuesChanged != 3 {
		t.Errorf("email report = %+v", c)
	}
	if c := byName["age"]; c.ValuesIn != 2 || c.NullsIn != 1 || c.NullsWritten != 1 {
		t.Errorf("age report = %+v, want 2 values in, 1 null in and out", c)
	}
	if c := byName["notes"]; c.NullsWritten != 3 || c.ValuesChanged != 3 {
		t.Errorf("notes report = %+v, want 3 nulls written", c)
	}
	if c := byName["income"]; c.OutputKind != "integer" || c.Technique != "randomisation (noise, differential privacy)" {
		t.Errorf("income report = %+v", c)
	}
	if len(rep.Notes) != 2 || !strings.Contains(rep.Notes[0], "pseudonymised, not anonymised") {
		t.Errorf("notes = %q", rep.Notes)
	}
}

func TestApplyShiftKeepsIntervals(t *testing.T) {
	p := parsePolicy(t, "version: 1\ndefault_action: keep\ncolumns:\n  visit: {action: shift_date, by: patient, max_days: 365, key_env: VEIL_TEST_KEY}\n")
	in := "patient,visit\nA,2024-01-01\nB,2024-01-01\nA,2024-01-31\nB,2024-02-15\n"
	out, _, err := applyCSV(t, p, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(out), "\n")
	days := func(a, b string) int {
		x, _ := dataset.ParseTime(dataset.Column{Kind: dataset.Date}, strings.Split(a, ",")[1])
		y, _ := dataset.ParseTime(dataset.Column{Kind: dataset.Date}, strings.Split(b, ",")[1])
		return int(y.Sub(x).Hours() / 24)
	}
	if days(rows[1], rows[3]) != 30 || days(rows[2], rows[4]) != 45 {
		t.Errorf("intervals changed:\n%s", out)
	}
}

func TestApplyDeterministic(t *testing.T) {
	p := parsePolicy(t, strings.Replace(peoplePolicy, "income: {role: sensitive, action: noise, epsilon: 0.5, lower: 0, upper: 500000}", "income: keep", 1))
	a, _, err := applyCSV(t, p, peopleCSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := applyCSV(t, p, peopleCSV, nil)
	if a != b {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
}

func TestApplySecureNoiseChangesValues(t *testing.T) {
	p := parsePolicy(t, "version: 1\ndefault_action: keep\ncolumns:\n  income: {action: noise, epsilon: 1, lower: 0, upper: 1000}\n")
	in := "income\n" + strings.Repeat("500\n", 50)
	out, _, err := applyCSV(t, p, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Laplace(b = 1000) noise leaves a value unchanged with probability
	// about 1/2000 after rounding; 50 unchanged rows would be a bug.
	if strings.Count(out, "\n500\n") > 5 {
		t.Errorf("noise left values unchanged:\n%s", out)
	}
	for _, v := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		if _, err := dataset.ParseInt(v); err != nil {
			t.Errorf("noised integer %q is not an integer", v)
		}
	}
}

func TestApplyKeys(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "hash.key")
	os.WriteFile(keyFile, []byte(testKey+"\n"), 0o600)
	short := filepath.Join(dir, "short.key")
	os.WriteFile(short, []byte("tooshort"), 0o600)
	in := "email\nann@example.com\n"
	tests := []struct {
		name   string
		params string
		want   error
	}{
		{"env", "key_env: VEIL_TEST_KEY", nil},
		{"file", "key_file: " + keyFile, nil},
		{"missing env", "key_env: VEIL_NOT_SET", ErrKeyMissing},
		{"missing file", "key_file: " + filepath.Join(dir, "nope.key"), ErrKeyMissing},
		{"short key", "key_file: " + short, ErrKeyTooShort},
	}
	var outputs []string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parsePolicy(t, "version: 1\ncolumns:\n  email: {action: hash, "+tc.params+"}\n")
			out, rep, err := applyCSV(t, p, in, nil)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				outputs = append(outputs, out)
				if rep.Columns[0].KeyID != KeyID([]byte(testKey)) {
					t.Errorf("key ID %s, want %s", rep.Columns[0].KeyID, KeyID([]byte(testKey)))
				}
				return
			}
			var ke *KeyError
			if !errors.Is(err, tc.want) || !errors.As(err, &ke) || ke.ExitClass() != "policy" {
				t.Fatalf("error = %v, want %v as a *KeyError of class policy", err, tc.want)
			}
			if strings.Contains(err.Error(), "tooshort") {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
	if len(outputs) == 2 && outputs[0] != outputs[1] {
		t.Errorf("the same key from env and file gave different pseudonyms:\n%s\n%s", outputs[0], outputs[1])
	}
}

func TestApplyDataErrors(t *testing.T) {
	tests := []struct {
		name, policy, in string
		want             error
		where            string
	}{
		// Kinds are inferred from the first rows: a bad value after them is
		// found while anonymizing.
		{"not a number", "age: {action: generalize, width: 10}", "age\n" + strings.Repeat("34\n", dataset.DefaultInferRows) + "forty-two\n", dataset.ErrNotFloat,
			fmt.Sprintf(`row %d (line %d), column "age"`, dataset.DefaultInferRows+1, dataset.DefaultInferRows+2)},
		{"not a leaf", "sex: {action: generalize, hierarchy: adult/adult_hierarchy_sex.csv, level: 1}", "sex\nMale\nUnknownSex\n", ErrNotLeaf, `row 2 (line 3), column "sex"`},
		{"card too short", "card: {action: tokenize, format: card, key_env: VEIL_TEST_KEY}", "card\n4111 1111 1111 1111\n12345SECRET\n", ErrNotCard, `row 2 (line 3), column "card"`},
		{"fpe domain too small", "pin: {action: tokenize, format: digits, key_env: VEIL_TEST_KEY}", "pin\n1234\n", ErrFPETooShort, `row 1 (line 2), column "pin"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parsePolicy(t, "version: 1\ncolumns:\n  "+tc.policy+"\n")
			_, _, err := applyCSV(t, p, tc.in, nil)
			var de *dataset.DataError
			if !errors.As(err, &de) || !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want a DataError wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "in.csv: "+tc.where) {
				t.Errorf("error %q, want it to name %s", err, tc.where)
			}
			for _, secret := range []string{"forty-two", "UnknownSex", "12345SECRET", "1234"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q holds the value", err)
				}
			}
		})
	}
}

func TestApplyPolicyDoesNotFit(t *testing.T) {
	p := parsePolicy(t, "version: 1\ncolumns:\n  agee: keep\n")
	_, _, err := applyCSV(t, p, "age\n1\n", nil)
	var list policies.ErrorList
	if !errors.As(err, &list) || !errors.Is(err, policies.ErrNotInData) || !errors.Is(err, policies.ErrUnlisted) {
		t.Errorf("error = %v, want policy errors for agee and age", err)
	}
}

// TestReportHasNoValues checks that no value of the input appears in the
// report.
func TestReportHasNoValues(t *testing.T) {
	p := parsePolicy(t, peoplePolicy)
	_, rep, err := applyCSV(t, p, peopleCSV, &Options{Noise: &zeroNoise{}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rep)
	for _, v := range []string{"Ann Lee", "ann.lee", "bob@", "202-823", "03601", "12345", "1990-04-12", "52000", "note-alpha", "note-beta", testKey} {
		if strings.Contains(string(b), v) {
			t.Errorf("the report holds %q:\n%s", v, b)
		}
	}
}

func TestApplyNoPrivacyEngine(t *testing.T) {
	if defaultPrivacy != nil {
		t.Skip("this build has a privacy engine")
	}
	p := parsePolicy(t, "version: 1\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}\nprivacy:\n  k: 2\n")
	_, _, err := applyCSV(t, p, "sex\nMale\n", nil)
	if !errors.Is(err, ErrNoPrivacyEngine) {
		t.Errorf("error = %v, want ErrNoPrivacyEngine", err)
	}
}

func TestNoiseOnQuasiWithModel(t *testing.T) {
	p := parsePolicy(t, "version: 1\ncolumns:\n  age: {role: quasi, action: noise, epsilon: 1, lower: 0, upper: 100}\nprivacy:\n  k: 2\n")
	_, _, err := applyCSV(t, p, "age\n3\n", &Options{Privacy: &uniformEngine{}})
	if !errors.Is(err, policies.ErrConflict) {
		t.Errorf("error = %v, want ErrConflict", err)
	}
}
