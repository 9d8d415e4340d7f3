package policies

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTestdata(t *testing.T) {
	files, _ := filepath.Glob("../testdata/policies/*.yaml")
	if len(files) == 0 {
		t.Fatal("no policies in testdata/policies")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			p, err := Parse(f)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", f, err)
			}
			data, _ := os.ReadFile(f)
			if len(p.SHA256) != 64 || p.Path != f || len(data) == 0 {
				t.Errorf("Parse(%s): Path %q, SHA256 %q", f, p.Path, p.SHA256)
			}
		})
	}
}

func TestParseExample(t *testing.T) {
	p, err := Parse("../testdata/policies/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.DefaultAction != ActionKeep || len(p.Columns) != 9 {
		t.Fatalf("Parse = version %d, default %q, %d columns; want 1, keep, 9", p.Version, p.DefaultAction, len(p.Columns))
	}
	email := p.Column("email")
	if email.Action != ActionHash || email.KeyEnv != "VEIL_HASH_KEY" || email.Encoding != "hex" || email.Length != 32 {
		t.Errorf("email = %+v, want hash from VEIL_HASH_KEY, hex, 32 (the defaults)", email)
	}
	if email.Reason == "" || email.Line != 10 || email.Col != 3 {
		t.Errorf("email reason %q at %d:%d, want a reason at 10:3", email.Reason, email.Line, email.Col)
	}
	phone := p.Column("phone")
	if phone.KeepLast != 4 || phone.MaskChar != "*" || !phone.KeepSeparators {
		t.Errorf("phone = %+v, want keep_last 4, mask_char *, separators kept", phone)
	}
	age := p.Column("age")
	if age.Width != 10 || age.TopCode == nil || *age.TopCode != 90 {
		t.Errorf("age = %+v, want width 10, top_code 90", age)
	}
	income := p.Column("income")
	if income.Mechanism != "laplace" || income.Epsilon != 0.5 || *income.Lower != 0 || *income.Upper != 500000 {
		t.Errorf("income = %+v", income)
	}
	if eps, delta := p.Budget(); eps != 0.5 || delta != 0 {
		t.Errorf("Budget() = %v, %v, want 0.5, 0", eps, delta)
	}
}

func TestParseHierarchies(t *testing.T) {
	p, err := Parse("../testdata/policies/adult-k5.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Privacy == nil || p.Privacy.K != 5 || p.Privacy.SuppressionLimit != 0.04 || p.Privacy.Algorithm != "optimal" || p.Privacy.Metric != "entropy" {
		t.Fatalf("privacy = %+v", p.Privacy)
	}
	// Heights from kanon-reference.md: sex 1, age 4, race 1, marital 2,
	// education 3, country 2, workclass 2, occupation 2, salary 1.
	want := map[string]int{"sex": 1, "age": 4, "race": 1, "marital-status": 2, "education": 3, "native-country": 2, "workclass": 2, "occupation": 2, "salary-class": 1}
	for _, c := range p.Columns {
		h, err := p.LoadedHierarchy(c)
		if err != nil || h == nil {
			t.Fatalf("LoadedHierarchy(%s) = %v, %v", c.Name, h, err)
		}
		if h.Height() != want[c.Name] {
			t.Errorf("%s: Height() = %d, want %d", c.Name, h.Height(), want[c.Name])
		}
	}
}

// TestParseErrors checks that each mistake is reported with its position,
// sentinel and a helpful message.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		sentinel error
		where    string // file:line:column
		msg      string // a substring of the message
	}{
		{"not yaml", "version: 1\ncolumns: [a\n", ErrSyntax, "p.yaml:1", "not valid YAML"},
		{"empty", "", ErrMissing, "p.yaml:1:1", "empty"},
		{"no version", "columns:\n  a: keep\n", ErrMissing, "p.yaml:1:1", "version: 1"},
		{"bad version", "version: 2\ncolumns:\n  a: keep\n", ErrValue, "p.yaml:1:10", "not supported"},
		{"unknown top key", "version: 1\ncolumn:\n  a: keep\n", ErrUnknownKey, "p.yaml:2:1", `did you mean "columns"`},
		{"unknown column key", "version: 1\ncolumns:\n  age: {action: generalize, widht: 10}\n", ErrUnknownKey, "p.yaml:3:29", `did you mean "width"`},
		{"unknown action", "version: 1\ncolumns:\n  a: {action: hsah}\n", ErrValue, "p.yaml:3:15", `did you mean "hash"`},
		{"misspelt action key", "version: 1\ncolumns:\n  age: {role: quasi, actoin: drop}\n", ErrUnknownKey, "p.yaml:3:22", `actoin: unknown key (did you mean "action"?)`},
		{"unknown role", "version: 1\ncolumns:\n  a: {role: qausi, action: keep}\n", ErrValue, "p.yaml:3:13", `did you mean "quasi"`},
		{"missing action", "version: 1\ncolumns:\n  a: {role: direct}\n", ErrMissing, "p.yaml:3:6", "say what happens"},
		{"param of another action", "version: 1\ncolumns:\n  a: {action: mask, width: 3}\n", ErrNotApplicable, "p.yaml:3:21", "belongs to generalize"},
		{"param on keep", "version: 1\ncolumns:\n  a: {action: keep, keep_last: 3}\n", ErrNotApplicable, "p.yaml:3:21", "keep takes no parameters"},
		{"secret key", "version: 1\ncolumns:\n  a: {action: hash, key: s3cret}\n", ErrSecret, "p.yaml:3:21", "key_env"},
		{"missing key source", "version: 1\ncolumns:\n  a: {action: hash}\n", ErrMissing, "p.yaml:3:6", "key_env"},
		{"two key sources", "version: 1\ncolumns:\n  a: {action: hash, key_env: K, key_file: k.txt}\n", ErrConflict, "p.yaml:3:33", "not both"},
		{"key_env holding a key", "version: 1\ncolumns:\n  a: {action: hash, key_env: 'c0ffee-key'}\n", ErrValue, "p.yaml:3:30", "never holds the key"},
		{"leading zero string", "version: 1\ncolumns:\n  a: {action: generalize, prefix: 3, restricted: [\"059\", 036]}\n", ErrLeadingZero, "p.yaml:3:58", `quote it ("036")`},
		{"leading zero column name", "version: 1\ncolumns:\n  01234: keep\n", ErrLeadingZero, "p.yaml:3:3", "quote it"},
		{"leading zero number", "version: 1\ncolumns:\n  a: {action: generalize, width: 010}\n", ErrLeadingZero, "p.yaml:3:34", "leading zero"},
		{"string for integer", "version: 1\ncolumns:\n  a: {action: mask, keep_last: four}\n", ErrType, "p.yaml:3:32", "want an integer"},
		{"mask char too long", "version: 1\ncolumns:\n  a: {action: mask, mask_char: '##'}\n", ErrValue, "p.yaml:3:32", "one character"},
		{"noise without bounds", "version: 1\ncolumns:\n  a: {action: noise, epsilon: 1}\n", ErrMissing, "p.yaml:3:6", "lower and upper"},
		{"noise bounds reversed", "version: 1\ncolumns:\n  a: {action: noise, epsilon: 1, lower: 5, upper: 1}\n", ErrValue, "p.yaml:3:44", "greater than lower"},
		{"gaussian without delta", "version: 1\ncolumns:\n  a: {action: noise, mechanism: gaussian, epsilon: 1, lower: 0, upper: 1}\n", ErrMissing, "p.yaml:3:6", "0 < δ < 1"},
		{"laplace with delta", "version: 1\ncolumns:\n  a: {action: noise, epsilon: 1, delta: 0.001, lower: 0, upper: 1}\n", ErrNotApplicable, "p.yaml:3:34", "takes no δ"},
		{"epsilon zero", "version: 1\ncolumns:\n  a: {action: noise, epsilon: 0, lower: 0, upper: 1}\n", ErrValue, "p.yaml:3:31", "positive"},
		{"budget", "version: 1\ncolumns:\n  a: {action: noise, epsilon: 0.8, lower: 0, upper: 1}\n  b: {action: noise, epsilon: 0.5, lower: 0, upper: 1}\nprivacy:\n  max_epsilon: 1\n", ErrBudget, "p.yaml:6:3", "ε = 1.3"},
		{"two generalizations", "version: 1\ncolumns:\n  a: {action: generalize, width: 10, prefix: 2}\n", ErrConflict, "p.yaml:3:6", "one kind of generalization"},
		{"width and edges", "version: 1\ncolumns:\n  a: {action: generalize, width: 10, edges: [1, 2]}\n", ErrConflict, "p.yaml:3:38", "not both"},
		{"edges not increasing", "version: 1\ncolumns:\n  a: {action: generalize, edges: [1, 3, 2]}\n", ErrValue, "p.yaml:3:41", "increase strictly"},
		{"level without hierarchy", "version: 1\ncolumns:\n  a: {action: generalize, prefix: 2, level: 1}\n", ErrNotApplicable, "p.yaml:3:38", "go with hierarchy"},
		{"hierarchy missing", "version: 1\ncolumns:\n  a: {action: generalize, hierarchy: nope.csv, level: 1}\n", ErrHierarchy, "p.yaml:3:27", "no such file"},
		{"hierarchy level too high", "version: 1\ncolumns:\n  sex: {action: generalize, hierarchy: adult/adult_hierarchy_sex.csv, level: 2}\n", ErrValue, "p.yaml:3:71", "above the hierarchy's height 1"},
		{"hierarchy without level or model", "version: 1\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}\n", ErrMissing, "p.yaml:3:22", "privacy.k"},
		{"model without quasi", "version: 1\ncolumns:\n  a: keep\nprivacy:\n  k: 5\n", ErrMissing, "p.yaml:2:1", "role: quasi"},
		{"k too small", "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy:\n  k: 1\n", ErrValue, "p.yaml:5:6", "at least 2"},
		{"local recoding with mondrian", "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy:\n  k: 5\n  algorithm: mondrian\n  local_recoding: true\n", ErrConflict, "p.yaml:7:19", "use algorithm: optimal"},
		{"local recoding not a boolean", "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy:\n  k: 5\n  local_recoding: yes please\n", ErrType, "p.yaml:6:19", "want true or false"},
		{"l-diversity incomplete", "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy:\n  l_diversity: {l: 3, variant: recursive}\n", ErrMissing, "p.yaml:5:16", "sensitive column"},
		{"gate out of range", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_prosecutor_risk: 1.5\n", ErrValue, "p.yaml:5:24", "between 0 and 1"},
		{"unknown gate", "version: 1\ncolumns:\n  a: keep\ngates:\n  min_kk: 5\n", ErrUnknownKey, "p.yaml:5:3", `did you mean "min_k"`},
		{"attack risk above 1", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_singling_out_risk: 1.2\n", ErrValue, "p.yaml:5:26", "between 0 and 1"},
		{"negative inference risk", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_linkability_risk: 0.1\n  max_inference_risk: -0.1\n", ErrValue, "p.yaml:6:23", "between 0 and 1"},
		{"AUC above 1", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_membership_auc: 60\n", ErrValue, "p.yaml:5:23", "between 0 and 1"},
		{"negative t", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_t: -0.2\n", ErrValue, "p.yaml:5:10", "t must be between 0 and 1"},
		{"t as a percentage", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_t: 20\n", ErrValue, "p.yaml:5:10", "at most 1"},
		{"t as text", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_t: low\n", ErrType, "p.yaml:5:10", "gates.max_t"},
		{"linkage above 1", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_linkage_expected: 9\n", ErrValue, "p.yaml:5:25", "between 0 and 1"},
		{"misspelt attack gate", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_singling_out: 0.1\n", ErrUnknownKey, "p.yaml:5:3", `did you mean "max_singling_out_risk"`},
		{"misspelt membership gate", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_membrship_auc: 0.6\n", ErrUnknownKey, "p.yaml:5:3", `did you mean "max_membership_auc"`},
		{"t-closeness gate named as the model", "version: 1\ncolumns:\n  a: keep\ngates:\n  max_tt: 0.2\n", ErrUnknownKey, "p.yaml:5:3", `did you mean "max_t"`},
		{"duplicate key", "version: 1\ncolumns:\n  a: {action: mask, keep_last: 1, keep_last: 2}\n", ErrDuplicateKey, "p.yaml:3:35", "given twice"},
		{"shift by itself", "version: 1\ncolumns:\n  d: {action: shift_date, by: d, max_days: 30, key_env: K}\n", ErrValue, "p.yaml:3:27", "own shift"},
		{"default action hash", "version: 1\ndefault_action: hash\ncolumns:\n  a: keep\n", ErrValue, "p.yaml:2:17", "keep, drop, suppress"},
	}
	dir := t.TempDir()
	// Hierarchies resolve relative to the policy: give the temp folder the
	// Adult ones.
	if err := os.Symlink(mustAbs(t, "../testdata/adult"), filepath.Join(dir, "adult")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "p.yaml")
			_, err := ParseBytes([]byte(tc.yaml), path)
			if err == nil {
				t.Fatalf("ParseBytes(%q) = nil error, want %v", tc.yaml, tc.sentinel)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("ParseBytes(%q) = %v, want %v", tc.yaml, err, tc.sentinel)
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !strings.Contains(msg, tc.where) || !strings.Contains(msg, tc.msg) {
				t.Errorf("ParseBytes(%q) = %q, want %q and %q in it", tc.yaml, msg, tc.where, tc.msg)
			}
			var c interface{ ExitClass() string }
			if !errors.As(err, &c) || c.ExitClass() != "policy" {
				t.Errorf("error %T has no ExitClass policy", err)
			}
		})
	}
}

// TestParseAttackGates reads the gates on attack risks, membership
// inference, t-closeness and the linkage simulation: each key sets its
// field, the bounds 0 and 1 are allowed, and a key left out stays nil.
func TestParseAttackGates(t *testing.T) {
	src := "version: 1\ncolumns:\n  a: keep\ngates:\n  max_singling_out_risk: 0.05\n  max_linkability_risk: 0\n" +
		"  max_inference_risk: 1\n  max_membership_auc: 0.6\n  max_t: 0.2\n  max_linkage_expected: 0.09\n"
	p, err := ParseBytes([]byte(src), "p.yaml")
	if err != nil {
		t.Fatalf("ParseBytes(%q) = %v", src, err)
	}
	g := p.Gates
	for name, tc := range map[string]struct {
		got  *float64
		want float64
	}{
		"max_singling_out_risk": {g.MaxSinglingOutRisk, 0.05}, "max_linkability_risk": {g.MaxLinkabilityRisk, 0},
		"max_inference_risk": {g.MaxInferenceRisk, 1}, "max_membership_auc": {g.MaxMembershipAUC, 0.6},
		"max_t": {g.MaxT, 0.2}, "max_linkage_expected": {g.MaxLinkageExpected, 0.09},
	} {
		if tc.got == nil || *tc.got != tc.want {
			t.Errorf("%s = %v, want %v", name, tc.got, tc.want)
		}
	}
	p, err = ParseBytes([]byte("version: 1\ncolumns:\n  a: keep\ngates:\n  max_t: 0.3\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if g := p.Gates; g.MaxT == nil || g.MaxSinglingOutRisk != nil || g.MaxLinkabilityRisk != nil || g.MaxInferenceRisk != nil ||
		g.MaxMembershipAUC != nil || g.MaxLinkageExpected != nil {
		t.Errorf("gates with max_t only = %+v", g)
	}
}

// TestParseLocalRecoding checks privacy.local_recoding: off unless set,
// and kept with the default algorithm (optimal).
func TestParseLocalRecoding(t *testing.T) {
	tests := []struct {
		name, privacy string
		want          bool
	}{
		{"absent", "k: 5", false},
		{"true", "k: 5\n  suppression_limit: 0.04\n  local_recoding: true", true},
		{"false", "k: 5\n  local_recoding: false", false},
		{"true with optimal", "k: 5\n  algorithm: optimal\n  local_recoding: true", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy:\n  " + tc.privacy + "\n"
			p, err := ParseBytes([]byte(src), "p.yaml")
			if err != nil {
				t.Fatalf("ParseBytes(%q) = %v", src, err)
			}
			if p.Privacy.LocalRecoding != tc.want || p.Privacy.Algorithm != "optimal" {
				t.Errorf("ParseBytes(%q): local_recoding %v, algorithm %q; want %v, optimal", src, p.Privacy.LocalRecoding, p.Privacy.Algorithm, tc.want)
			}
		})
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestParseCollectsAll checks that every error is reported, not only the
// first.
func TestParseCollectsAll(t *testing.T) {
	src := "version: 1\ncolumns:\n  a: {action: hsah}\n  b: {action: mask, widht: 2}\n  c: {action: hash, key: x}\nprivacy:\n  k: one\n"
	_, err := ParseBytes([]byte(src), "p.yaml")
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("ParseBytes = %T %v, want an ErrorList", err, err)
	}
	lines := []int{}
	for _, e := range list {
		lines = append(lines, e.Line)
	}
	if len(list) < 4 {
		t.Fatalf("ParseBytes found %d errors (lines %v), want at least 4:\n%v", len(list), lines, err)
	}
	for i := 1; i < len(list); i++ {
		if list[i].Line < list[i-1].Line {
			t.Errorf("errors not in file order: lines %v", lines)
		}
	}
}

func TestParseShorthandAndNullColumns(t *testing.T) {
	p, err := ParseBytes([]byte("version: 1\ndefault_action: drop\ncolumns:\n  a: keep\n  '01234': suppress\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Column("a").Action != ActionKeep || p.Column("01234").Action != ActionSuppress {
		t.Errorf("columns = %+v %+v", p.Column("a"), p.Column("01234"))
	}
	if _, err := ParseBytes([]byte("version: 1\ndefault_action: keep\ncolumns:\n"), "p.yaml"); err != nil {
		t.Errorf("empty columns with default_action: %v", err)
	}
}

func TestParseFileErrors(t *testing.T) {
	_, err := Parse(filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Parse(missing) = %v", err)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{{"width", "widht", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"hash", "hash", 0}, {"quasi", "qausi", 1}}
	for _, tc := range tests {
		if got := levenshtein(tc.a, tc.b); got != tc.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func FuzzPolicyParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/policies/*.yaml")
	bad, _ := filepath.Glob("../testdata/policies/bad/*.yaml")
	for _, p := range append(files, bad...) {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte("version: 1\ncolumns:\n  a: {action: generalize, edges: [1, 2], top_code: 0x10}\n"))
	f.Add([]byte("a: &x {b: *x}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseBytes(data, filepath.Join(t.TempDir(), "f.yaml"))
		if err == nil && p == nil {
			t.Fatal("nil policy without an error")
		}
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}
