package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportGate is a gate row of report.json.
type reportGate struct {
	Name      string
	Kind      string
	Value     *float64
	Threshold float64
	Passed    bool
	Meaning   string
	Note      string
}

// readReport decodes what these tests read of report.json.
func readReport(t *testing.T, path string) (gates map[string]reportGate, attacks []struct {
	Main    struct{ Successes, Attacks int }
	Control *struct{ Successes, Attacks int }
}) {
	t.Helper()
	var r struct {
		Summary struct{ Gates []reportGate }
		Privacy struct {
			SinglingOut struct {
				Attacks []struct {
					Main    struct{ Successes, Attacks int }
					Control *struct{ Successes, Attacks int }
				}
			} `json:"singling_out"`
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	gates = map[string]reportGate{}
	for _, g := range r.Summary.Gates {
		gates[g.Name] = g
	}
	return gates, r.Privacy.SinglingOut.Attacks
}

// TestReportCLISinglingOutGate runs veil report on two synthetic releases
// of 1,000 Adult training rows, with 1,000 holdout rows: one that copies
// the training rows fails max_singling_out_risk (exit 4), one made of
// 1,000 other real rows passes. The gate's value is the upper end of the
// risk's 95% interval, recomputed here from the attack counts of
// report.json (Wilson intervals, the risk's error propagated to first
// order: docs/report.md), and the summary line, the --summary-file and
// report.json agree.
func TestReportCLISinglingOutGate(t *testing.T) {
	dir := t.TempDir()
	in := readCSV(t, adultCSV, ';')
	header, rows := in[0], in[1:]
	write := func(name string, rows [][]string) string {
		var b strings.Builder
		b.WriteString(strings.Join(header, ",") + "\n")
		for _, r := range rows {
			b.WriteString(strings.Join(r, ",") + "\n")
		}
		return writeFile(t, dir, name, b.String())
	}
	train := write("train.csv", rows[:1000])
	hold := write("hold.csv", rows[1000:2000])
	copied := write("copy.csv", rows[:1000])
	fresh := write("fresh.csv", rows[2000:3000])
	model := writeFile(t, dir, "model.json", `{"schema": "veil.synth-model/v1", "method": "test"}`)
	pol := writeFile(t, dir, "policy.yaml", `version: 1
default_action: keep
columns:
  sex: {role: quasi, action: keep}
  age: {role: quasi, action: keep}
  race: {role: quasi, action: keep}
  education: {role: quasi, action: keep}
  salary-class: {role: sensitive, action: keep}
gates:
  max_singling_out_risk: 0.2
`)
	const z = 1.959963984540054
	wilson := func(k, n int) (float64, float64) {
		fk, fn := float64(k), float64(n)
		return (fk + z*z/2) / (fn + z*z), z / (fn + z*z) * math.Sqrt(fk*(fn-fk)/fn+z*z/4)
	}
	for _, tc := range []struct {
		name, released string
		code           int
		passed         bool
	}{
		{"copy", copied, exitPrivacyGate, false},
		{"fresh", fresh, exitOK, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			js, html, sf := filepath.Join(out, "report.json"), filepath.Join(out, "report.html"), filepath.Join(out, "summary.json")
			res := runVeil(t, "report", "--original", train, "--released", tc.released, "--holdout", hold, "--synth-model", model,
				"--policy", pol, "--json", js, "--html", html, "--summary-file", sf, "--progress", "never")
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, tc.code, res.stderr)
			}
			gates, attacks := readReport(t, js)
			g, ok := gates["max_singling_out_risk"]
			if !ok || len(attacks) == 0 || attacks[0].Control == nil || g.Value == nil {
				t.Fatalf("report.json: gate %+v, singling-out attacks %+v", g, attacks)
			}
			a := attacks[0] // multivariate
			m, em := wilson(a.Main.Successes, a.Main.Attacks)
			c, ec := wilson(a.Control.Successes, a.Control.Attacks)
			upper := math.Min(1, math.Max(0, (m-c)/(1-c)+math.Hypot(em/(1-c), ec*(m-1)/((1-c)*(1-c)))))
			if math.Abs(*g.Value-upper) > 1e-9 || g.Passed != tc.passed || g.Kind != "privacy" || g.Threshold != 0.2 {
				t.Errorf("gate row %+v (value %v), want the upper bound %v (main %d/%d, control %d/%d), passed %v",
					g, *g.Value, upper, a.Main.Successes, a.Main.Attacks, a.Control.Successes, a.Control.Attacks, tc.passed)
			}
			if !strings.Contains(g.Meaning, "upper end of its 95% interval") {
				t.Errorf("gate meaning %q does not say what it compares", g.Meaning)
			}
			if len(res.summary.Gates) != 1 {
				t.Fatalf("summary gates = %+v, want max_singling_out_risk only", res.summary.Gates)
			}
			if s := res.summary.Gates[0]; s.Name != "max_singling_out_risk" || s.Kind != "privacy" || s.Passed != tc.passed || s.Value == nil || *s.Value != *g.Value || s.Threshold != 0.2 {
				t.Errorf("summary gate %+v, report.json %+v (value %v)", s, g, *g.Value)
			}
			file, err := os.ReadFile(sf)
			lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
			if err != nil || strings.TrimSpace(string(file)) != lines[len(lines)-1] {
				t.Errorf("--summary-file = %q (%v), want the summary line %q", file, err, lines[len(lines)-1])
			}
			page, _ := os.ReadFile(html)
			if !strings.Contains(string(page), `<td class="mono">max_singling_out_risk</td>`) {
				t.Error("the HTML report has no row for the gate")
			}
			if tc.code != exitOK && !strings.Contains(res.summary.Error, "max_singling_out_risk") {
				t.Errorf("summary error %q does not name the gate", res.summary.Error)
			}
		})
	}

	// Without a holdout the risk is not measured: the gate fails, and the
	// summary line gives its value as null, not as a passing 0.
	res := runVeil(t, "report", "--original", train, "--released", fresh, "--synth-model", model,
		"--policy", pol, "--json", filepath.Join(dir, "noholdout.json"), "--progress", "never")
	if res.code != exitPrivacyGate {
		t.Fatalf("no holdout: exit %d, want %d; stderr:\n%s", res.code, exitPrivacyGate, res.stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if len(res.summary.Gates) != 1 || res.summary.Gates[0].Value != nil || res.summary.Gates[0].Passed ||
		!strings.Contains(lines[len(lines)-1], `"passed":false,"value":null,`) {
		t.Errorf("no holdout: summary line %s, want the gate failed with a null value", lines[len(lines)-1])
	}
}

// TestReportCLITClosenessGate gates t-closeness on the Adult extract
// anonymized with testdata/kanon/adult_ldiv_tclose.yaml (0.2-closeness of
// salary-class): max_t compares the largest EMD over the sensitive columns,
// recounted here from the written output (checkTClose). With salary-class
// as the only sensitive column, its 0.19629 passes 0.2 and fails 0.15;
// with the policy's roles occupation, sensitive too and only l-diverse,
// is at 0.7488 and fails 0.2.
func TestReportCLITClosenessGate(t *testing.T) {
	_, out, _ := runKanon(t, "adult_ldiv_tclose.yaml")
	in := readCSV(t, adultCSV, ';')
	header := out[0]
	qis := adultQIs[:7]
	classes := released(header, out[1:], qis)
	emd := map[string]float64{}
	for _, col := range []string{"salary-class", "occupation"} {
		emd[col] = checkTClose(t, header, classes, in, col, 1)
	}
	if math.Abs(emd["salary-class"]-0.19629) > 1e-5 || emd["occupation"] < 0.7 {
		t.Fatalf("recount: largest EMD %v, want salary-class 0.19629 and occupation above 0.7", emd)
	}
	dir := t.TempDir()
	rel := filepath.Join(dir, "released.csv")
	var b strings.Builder
	for _, r := range out {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	writeFile(t, dir, "released.csv", b.String())
	src, err := os.ReadFile("../../testdata/kanon/adult_ldiv_tclose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	policy := strings.ReplaceAll(string(src), "../adult/", mustAbs(t, "../../testdata/adult")+"/")
	for _, tc := range []struct {
		name      string
		maxT      string
		roles     []string // command-line roles: none = the policy's
		code      int
		worst     string
		wantValue float64
	}{
		{"salary-class at 0.2", "0.2", []string{"--quasi", strings.Join(qis, ","), "--sensitive", "salary-class"}, exitOK, "salary-class", emd["salary-class"]},
		{"salary-class at 0.15", "0.15", []string{"--quasi", strings.Join(qis, ","), "--sensitive", "salary-class"}, exitPrivacyGate, "salary-class", emd["salary-class"]},
		{"both sensitive at 0.2", "0.2", nil, exitPrivacyGate, "occupation", emd["occupation"]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := writeFile(t, t.TempDir(), "policy.yaml", policy+"gates:\n  max_t: "+tc.maxT+"\n")
			js := filepath.Join(t.TempDir(), "report.json")
			args := append([]string{"report", "--original", adultCSV, "--released", rel, "--policy", pol, "--json", js, "--progress", "never"}, tc.roles...)
			res := runVeil(t, args...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", res.code, tc.code, res.stderr)
			}
			gates, _ := readReport(t, js)
			g := gates["max_t"]
			if g.Value == nil || math.Abs(*g.Value-tc.wantValue) > 1e-9 || g.Passed != (tc.code == exitOK) {
				t.Fatalf("gate max_t = %+v, want %v (%s)", g, tc.wantValue, tc.worst)
			}
			if len(res.summary.Gates) != 1 || res.summary.Gates[0].Name != "max_t" || res.summary.Gates[0].Value == nil || *res.summary.Gates[0].Value != *g.Value ||
				res.summary.Gates[0].Passed != g.Passed {
				t.Errorf("summary gates %+v, report.json %+v", res.summary.Gates, g)
			}
		})
	}
}
