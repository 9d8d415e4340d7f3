package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReportCLIPreviousReport compares the policy with the previous
// release's through --previous-report, and refuses a file that is not a
// veil report with the data exit code, naming it.
func TestReportCLIPreviousReport(t *testing.T) {
	dir, orig, rel, pol := reportFixture(t, 200, "")
	first := filepath.Join(dir, "first.json")
	res := runVeil(t, "report", "--original", orig, "--released", rel, "--policy", pol, "--json", first, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("first report: exit %d\n%s", res.code, res.stderr)
	}
	// The next release's policy states its governance.
	text, _ := os.ReadFile(pol)
	os.WriteFile(pol, append(text, "governance: {reviewer: DPO, review_every: 1y}\n"...), 0o644)
	second := filepath.Join(dir, "second.json")
	res = runVeil(t, "report", "--original", orig, "--released", rel, "--policy", pol, "--previous-report", first, "--json", second, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("second report: exit %d\n%s", res.code, res.stderr)
	}
	var r struct {
		Governance struct {
			Reviewer string
			Diff     *struct {
				Added   int `json:"lines_added"`
				Removed int `json:"lines_removed"`
				Lines   []struct{ Op, Text string }
			} `json:"policy_diff"`
		}
	}
	data, _ := os.ReadFile(second)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if d := r.Governance.Diff; d == nil || d.Added != 1 || d.Removed != 0 || r.Governance.Reviewer != "DPO" {
		t.Fatalf("governance = %+v, want one added line and reviewer DPO", r.Governance)
	}

	notReport := writeFile(t, dir, "profile.json", `{"schema": "veil.profile/v1"}`)
	for _, prev := range []string{notReport, filepath.Join(dir, "missing.json")} {
		res = runVeil(t, "report", "--original", orig, "--released", rel, "--previous-report", prev, "--json", filepath.Join(dir, "r.json"), "--progress", "never")
		if res.code != exitData || !strings.Contains(res.summary.Error, filepath.Base(prev)) {
			t.Errorf("--previous-report %s: exit %d (%s), want %d naming the file", filepath.Base(prev), res.code, res.summary.Error, exitData)
		}
	}
}

// TestReportCLIBadReleaseBlock: a malformed release or governance block is
// a policy error, exit 2, with file:line:column.
func TestReportCLIBadReleaseBlock(t *testing.T) {
	dir, orig, rel, pol := reportFixture(t, 50, "")
	text, _ := os.ReadFile(pol)
	lines := strings.Count(string(text), "\n")
	os.WriteFile(pol, append(text, "release:\n  model: pubilc\n"...), 0o644)
	res := runVeil(t, "report", "--original", orig, "--released", rel, "--policy", pol, "--json", filepath.Join(dir, "r.json"), "--progress", "never")
	want := filepath.Base(pol) + ":" + strconv.Itoa(lines+2) + ":10"
	if res.code != exitUsage || !strings.Contains(res.summary.Error, want) || !strings.Contains(res.summary.Error, `did you mean "public"`) {
		t.Errorf("exit %d, error %q; want %d at %s", res.code, res.summary.Error, exitUsage, want)
	}
}

// TestAnonymizeReportPrevious: veil anonymize's --report-previous feeds
// the report's policy diff as --previous-report does.
func TestAnonymizeReportPrevious(t *testing.T) {
	dir, in, pol := anonFixture(t, 300, 3, "")
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	res := runVeil(t, "anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "o1.csv"), "--report-json", r1, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	res = runVeil(t, "anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "o2.csv"), "--report-json", r2, "--report-previous", r1, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var r struct {
		Governance struct {
			Diff *struct{ Identical bool } `json:"policy_diff"`
		}
	}
	data, _ := os.ReadFile(r2)
	if err := json.Unmarshal(data, &r); err != nil || r.Governance.Diff == nil || !r.Governance.Diff.Identical {
		t.Errorf("policy diff = %+v (%v), want identical policies", r.Governance.Diff, err)
	}
}
