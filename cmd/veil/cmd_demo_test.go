package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs veil demo as the README's first command does and checks
// what a new user gets: every step ran, each artefact is where the demo
// says, the anonymized export really is 5-anonymous on the policy's
// quasi-identifiers (recounted here), no identifying value of the demo
// table reaches any file the demo derived from it, and a second run with
// the same seed writes the same bytes.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first")
	res := runVeil(t, "demo", "--out", first)
	if res.code != exitOK {
		t.Fatalf("veil demo = exit %d, want 0\nstderr:\n%s", res.code, res.stderr)
	}
	want := []string{
		"customers.csv", "customers.parquet", "profile.json", "profile.html", "policy.draft.yaml", "policy.yaml",
		"customers.anon.csv", "anon.json", "report.anon.json", "report.anon.html",
		"customers.synth.csv", "synth-model.json", "report.synth.json", "report.synth.html",
	}
	listed := map[string]bool{}
	for _, o := range res.summary.Outputs {
		listed[filepath.Base(o.Path)] = true
	}
	for _, name := range want {
		if _, err := os.Stat(filepath.Join(first, name)); err != nil {
			t.Errorf("demo artefact %s: %v", name, err)
		}
		if !listed[name] {
			t.Errorf("demo summary does not list %s", name)
		}
		if name != "policy.yaml" && !strings.Contains(res.stderr, filepath.Join(first, name)) {
			t.Errorf("demo does not tell the user where %s is", name)
		}
	}

	// k = 5 on zip, sex and age (the demo policy's quasi-identifiers),
	// counted without the engine.
	header, rows := readDemoCSV(t, filepath.Join(first, "customers.anon.csv"))
	classes := map[string]int{}
	for _, r := range rows {
		classes[r[demoCol(t, header, "zip")]+"\x00"+r[demoCol(t, header, "sex")]+"\x00"+r[demoCol(t, header, "age")]]++
	}
	for key, n := range classes {
		if n < 5 {
			t.Errorf("class %q holds %d rows, want >= 5", key, n)
		}
	}
	var anon struct {
		Privacy struct {
			K          int `json:"k"`
			Suppressed int `json:"suppressed_rows"`
			Rows       int `json:"rows"`
		} `json:"privacy"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(first, "anon.json")), &anon); err != nil {
		t.Fatal(err)
	}
	if anon.Privacy.K != 5 || anon.Privacy.Rows-anon.Privacy.Suppressed != len(rows) {
		t.Errorf("anon.json privacy = k %d, %d rows - %d suppressed; the output holds %d rows",
			anon.Privacy.K, anon.Privacy.Rows, anon.Privacy.Suppressed, len(rows))
	}

	// Both releases pass the demo policy's gates, the implicit one on
	// identifiers released with real values included.
	for _, name := range []string{"report.anon.json", "report.synth.json"} {
		var rep struct {
			Summary struct {
				Verdict string
				Gates   []struct{ Name string }
			}
		}
		if err := json.Unmarshal(readFile(t, filepath.Join(first, name)), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Summary.Verdict != "PASS" || len(rep.Summary.Gates) < 3 {
			t.Errorf("%s: verdict %s with %d gates, want PASS on the policy's 2 gates and identifiers_released", name, rep.Summary.Verdict, len(rep.Summary.Gates))
		}
	}

	// The identifying values of the demo table appear in nothing derived
	// from it (the table itself and its Parquet copy are the inputs). The
	// record key, six digits, is checked in the output's column only: its
	// digits occur in any file of numbers.
	key := demoCol(t, header, "customer_id")
	for _, r := range rows {
		if !strings.HasPrefix(r[key], "tok_") {
			t.Fatalf("customers.anon.csv: customer_id %q is not a token", r[key])
		}
	}
	inHeader, inRows := readDemoCSV(t, filepath.Join(first, "customers.csv"))
	var secrets []string
	for _, col := range []string{"name", "email", "phone", "ssn"} {
		c := demoCol(t, inHeader, col)
		for _, r := range inRows[:200] {
			secrets = append(secrets, r[c])
		}
	}
	for _, name := range want {
		if name == "customers.csv" || name == "customers.parquet" || name == "policy.yaml" {
			continue
		}
		data := readFile(t, filepath.Join(first, name))
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains an identifying value of the demo table", name)
				break
			}
		}
	}

	// A second run into the same folder writes the same bytes.
	before := map[string][]byte{}
	for _, name := range want {
		before[name] = readFile(t, filepath.Join(first, name))
	}
	if res := runVeil(t, "demo", "--out", first); res.code != exitOK {
		t.Fatalf("second veil demo = exit %d\nstderr:\n%s", res.code, res.stderr)
	}
	for _, name := range want {
		a, b := before[name], readFile(t, filepath.Join(first, name))
		switch {
		case strings.HasSuffix(name, ".html") && strings.HasPrefix(name, "report."):
			continue // the page shows the run's time; its JSON twin is compared
		case strings.HasPrefix(name, "report."):
			a, b = withoutRunTime(t, a), withoutRunTime(t, b)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two demo runs with the same seed", name)
		}
	}
}

// withoutRunTime drops what a report records of the run itself (its id
// and clock times: the pipeline contract puts run time in reports, never
// in data files) and re-encodes the rest.
func withoutRunTime(t *testing.T, report []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(report, &doc); err != nil {
		t.Fatal(err)
	}
	prov, ok := doc["provenance"].(map[string]any)
	if !ok {
		t.Fatal("report has no provenance object")
	}
	for _, k := range []string{"run_id", "started", "finished"} {
		if _, ok := prov[k]; !ok {
			t.Errorf("report provenance has no %s", k)
		}
		delete(prov, k)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readDemoCSV(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return all[0], all[1:]
}

func demoCol(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, header)
	return -1
}
