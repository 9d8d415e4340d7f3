package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
)

const synthAdult = "../../testdata/adult/adult.csv"

// customers writes the generated table with identifiers (veil generate).
func customers(t *testing.T, dir string, rows int) string {
	t.Helper()
	p := filepath.Join(dir, "customers.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Write(f, rows, 21); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return p
}

// containsToken reports whether v occurs in s on its own, not inside a
// longer run of letters and digits: a 6-digit customer number inside a
// SHA-256, a run ID, a nanosecond timestamp or a temporary folder's name
// is chance, not a leak.
func containsToken(s, v string) bool {
	alnum := func(b byte) bool {
		return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(s[i:], v)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(v)
		if (start == 0 || !alnum(s[start-1]) || !alnum(v[0])) && (end == len(s) || !alnum(s[end]) || !alnum(v[len(v)-1])) {
			return true
		}
		i = start + 1
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSynthThreeForms(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.json")
	both := filepath.Join(dir, "both.csv")
	sampled := filepath.Join(dir, "sampled.csv")
	// veil synth INPUT: INPUT is not a subcommand name, flags after it.
	r := runVeil(t, "synth", synthAdult, "--rows", "500", "--out", both, "--seed", "4", "--model-out", model)
	if r.code != exitOK {
		t.Fatalf("synth INPUT: exit %d\n%s", r.code, r.stderr)
	}
	if r.summary.Command != "synth" || r.summary.Details["method"] != "graph" {
		t.Errorf("summary = %+v, want command synth, method graph", r.summary)
	}
	// veil synth fit + veil synth sample give the same rows as the combined
	// form with the same seed.
	fitModel := filepath.Join(dir, "fit.json")
	if r := runVeil(t, "synth", "fit", synthAdult, "--out", fitModel, "--seed", "4"); r.code != exitOK || r.summary.Command != "synth fit" {
		t.Fatalf("synth fit: exit %d command %q\n%s", r.code, r.summary.Command, r.stderr)
	}
	if r := runVeil(t, "synth", "sample", fitModel, "--rows", "500", "--out", sampled, "--seed", "4"); r.code != exitOK || r.summary.Command != "synth sample" {
		t.Fatalf("synth sample: exit %d command %q\n%s", r.code, r.summary.Command, r.stderr)
	}
	if !bytes.Equal(readFile(t, model), readFile(t, fitModel)) {
		t.Error("synth --model-out and synth fit wrote different models")
	}
	if !bytes.Equal(readFile(t, both), readFile(t, sampled)) {
		t.Error("synth INPUT and synth fit + synth sample wrote different rows")
	}
	out := readFile(t, sampled)
	if n := bytes.Count(out, []byte("\n")); n != 501 {
		t.Errorf("sampled %d lines, want a header and 500 rows", n)
	}
}

func TestSynthDeterministic(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if r := runVeil(t, "synth", "fit", synthAdult, "--out", model); r.code != exitOK {
		t.Fatalf("fit: exit %d\n%s", r.code, r.stderr)
	}
	var outs [][]byte
	for i, seed := range []string{"9", "9", "10"} {
		p := filepath.Join(dir, "out"+string(rune('a'+i))+".csv")
		if r := runVeil(t, "synth", "sample", model, "--rows", "2000", "--out", p, "--seed", seed); r.code != exitOK {
			t.Fatalf("sample: exit %d\n%s", r.code, r.stderr)
		}
		outs = append(outs, readFile(t, p))
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two samples with --seed 9 differ")
	}
	if bytes.Equal(outs[0], outs[2]) {
		t.Error("samples with --seed 9 and 10 are equal")
	}
	// --where: every row has the condition.
	p := filepath.Join(dir, "women.parquet")
	if r := runVeil(t, "synth", "sample", model, "--rows", "300", "--out", p, "--where", "sex=Female"); r.code != exitOK {
		t.Fatalf("sample --where: exit %d\n%s", r.code, r.stderr)
	}
	rd, err := dataset.Open(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	rows := 0
	for {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		rows++
		if rec.Values[rd.Schema().Index("sex")].Text != "Female" {
			t.Fatalf("row %d is not Female under --where sex=Female", rec.Row)
		}
	}
	if rows != 300 {
		t.Errorf("Parquet output has %d rows, want 300", rows)
	}
}

func TestSynthModelHasNoRows(t *testing.T) {
	dir := t.TempDir()
	in := customers(t, dir, 1500)
	model := filepath.Join(dir, "m.json")
	out := filepath.Join(dir, "out.csv")
	r := runVeil(t, "synth", in, "--rows", "1000", "--out", out, "--model-out", model, "--policy", "../../testdata/policies/example.yaml")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	data := readFile(t, model)
	var m struct {
		Schema  string
		Columns []struct{ Name, Treatment string }
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Schema != "veil.synth-model/v1" {
		t.Fatalf("model: %v, schema %q", err, m.Schema)
	}
	// No identifying value of any input row is a string of the model file
	// (numbers are left out: an integer key may equal an income bound by
	// chance), a value of the same column of the output, or in stdout or
	// stderr.
	var doc any
	json.Unmarshal(data, &doc)
	modelStrings := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				modelStrings[k] = true
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			modelStrings[x] = true
		}
	}
	walk(doc)
	outCol := map[string]map[string]bool{}
	od, err := dataset.Open(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := od.Read()
		if err != nil {
			break
		}
		for i, c := range od.Schema().Columns {
			if outCol[c.Name] == nil {
				outCol[c.Name] = map[string]bool{}
			}
			outCol[c.Name][rec.Values[i].Text] = true
		}
	}
	od.Close()
	rd, _ := dataset.Open(in, nil)
	defer rd.Close()
	s := rd.Schema()
	logs := r.stdout + r.stderr
	for {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		for _, c := range []string{"customer_id", "name", "email", "phone", "ssn"} {
			v := rec.Values[s.Index(c)]
			if v.Null {
				continue
			}
			if modelStrings[v.Text] || outCol[c][v.Text] || (len(v.Text) >= 6 && containsToken(logs, v.Text)) {
				t.Fatalf("the model, output or logs hold the %s of input row %d", c, rec.Row)
			}
		}
	}
	treat := map[string]string{}
	for _, c := range m.Columns {
		treat[c.Name] = c.Treatment
	}
	want := map[string]string{"customer_id": "key", "name": "drop", "email": "fake", "phone": "fake", "ssn": "fake", "age": "model"}
	for c, w := range want {
		if treat[c] != w {
			t.Errorf("column %s: treatment %q, want %q", c, treat[c], w)
		}
	}
}

func TestSynthDP(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "dp.json")
	r := runVeil(t, "synth", "fit", synthAdult, "--out", model, "--epsilon", "1", "--policy", "../../testdata/policies/adult-levels.yaml", "--max-clique", "2")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var m struct {
		Privacy struct {
			DifferentialPrivacy bool    `json:"differential_privacy"`
			Epsilon             float64 `json:"epsilon"`
			Delta               float64 `json:"delta"`
			Budget              []struct{ Share float64 }
		}
	}
	json.Unmarshal(readFile(t, model), &m)
	if !m.Privacy.DifferentialPrivacy || m.Privacy.Epsilon != 1 || m.Privacy.Delta != 1e-9 || len(m.Privacy.Budget) < 3 {
		t.Errorf("privacy = %+v, want ε=1, δ=1e-9 and the budget split", m.Privacy)
	}
	// The manifest records the DP release: a second run reuses it rather
	// than spending the budget again.
	first := readFile(t, model)
	again := runVeil(t, "synth", "fit", synthAdult, "--out", model, "--epsilon", "1", "--policy", "../../testdata/policies/adult-levels.yaml", "--max-clique", "2")
	if again.code != exitOK || again.summary.Details["reused_release"] == nil || !bytes.Equal(first, readFile(t, model)) {
		t.Errorf("second DP fit: exit %d, details %v: want the release reused", again.code, again.summary.Details)
	}
	// Other parameters on the same data would spend the budget again:
	// refused unless asked for on purpose.
	other := runVeil(t, "synth", "fit", synthAdult, "--out", model, "--epsilon", "2", "--policy", "../../testdata/policies/adult-levels.yaml", "--max-clique", "2")
	if other.code != exitUsage || !strings.Contains(other.summary.Error, "--new-release") || !bytes.Equal(first, readFile(t, model)) {
		t.Errorf("DP fit with another ε on the same data: exit %d (%s), want %d and the release kept", other.code, other.summary.Error, exitUsage)
	}
	other = runVeil(t, "synth", "fit", synthAdult, "--out", model, "--epsilon", "2", "--policy", "../../testdata/policies/adult-levels.yaml", "--max-clique", "2", "--new-release")
	if other.code != exitOK || bytes.Equal(first, readFile(t, model)) {
		t.Errorf("DP fit with --new-release: exit %d, want a new release", other.code)
	}
}

func TestSynthErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv", "a,n\n"+strings.Repeat("x,1\n", 1100)+"y,one\n")
	model := filepath.Join(dir, "m.json")
	notModel := writeFile(t, dir, "x.json", `{"schema":"something/v1"}`)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"bad data", []string{"synth", "fit", bad, "--out", model}, exitData},
		{"missing input", []string{"synth", "fit", filepath.Join(dir, "nope.csv"), "--out", model}, exitData},
		{"not a model", []string{"synth", "sample", notModel, "--rows", "5", "--out", filepath.Join(dir, "o.csv")}, exitData},
		{"no rows flag", []string{"synth", synthAdult, "--out", filepath.Join(dir, "o.csv")}, exitUsage},
		{"no out", []string{"synth", "fit", synthAdult}, exitUsage},
		{"bad method", []string{"synth", "fit", synthAdult, "--out", model, "--method", "gan"}, exitUsage},
		{"dp copula", []string{"synth", "fit", synthAdult, "--out", model, "--method", "copula", "--epsilon", "1"}, exitUsage},
		{"negative epsilon", []string{"synth", "fit", synthAdult, "--out", model, "--epsilon", "-1"}, exitUsage},
		{"unknown flag", []string{"synth", "fit", synthAdult, "--out", model, "--nope"}, exitUsage},
		{"bad rows", []string{"synth", "sample", model, "--rows", "many", "--out", filepath.Join(dir, "o.csv")}, exitUsage},
		{"output is input", []string{"synth", synthAdult, "--rows", "5", "--out", synthAdult}, exitUsage},
		{"two inputs", []string{"synth", "fit", synthAdult, synthAdult, "--out", model}, exitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runVeil(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("veil %s: exit %d, want %d\n%s", strings.Join(tc.args, " "), r.code, tc.code, r.stderr)
			}
			if r.code != exitOK {
				if _, err := os.Stat(model); err == nil && tc.name != "not a model" {
					t.Errorf("a failed run left %s behind", model)
				}
			}
		})
	}
	// A bad condition is a usage error, after the model is read.
	if r := runVeil(t, "synth", "fit", synthAdult, "--out", model); r.code != exitOK {
		t.Fatalf("fit: %d", r.code)
	}
	out := filepath.Join(dir, "w.csv")
	if r := runVeil(t, "synth", "sample", model, "--rows", "5", "--out", out, "--where", "sex=Robot"); r.code != exitUsage {
		t.Errorf("--where sex=Robot: exit %d, want 2", r.code)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed sample left its output behind")
	}
}

func TestContainsToken(t *testing.T) {
	for _, tc := range []struct {
		s, v string
		want bool
	}{
		{`{"msg":"row 100951 leaked"}`, "100951", true},
		{`"sha256":"3f100951ab"`, "100951", false},
		{"/tmp/TestX3617100951/001", "100951", false},
		{"2026-11-29T09:37:22.100951Z", "100951", false},
		{"to anna.meyer@example.de, ok", "anna.meyer@example.de", true},
		{"+1 555-0100 called", "+1 555-0100", true},
	} {
		if got := containsToken(tc.s, tc.v); got != tc.want {
			t.Errorf("containsToken(%q, %q) = %v, want %v", tc.s, tc.v, got, tc.want)
		}
	}
}
