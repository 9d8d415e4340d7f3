package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/internal/gen"
)

// TestRunOutputsAllOrNothing: a run's outputs appear together at its end.
// A run that fails after writing its first output (here the report of the
// release, whose holdout is missing) leaves none of them, keeps the
// outputs of an earlier run of the same names as they were, removes the
// folders it made, and its summary lists nothing. A run that succeeds
// reports on the release it holds back, with the release's final path and
// hash.
func TestRunOutputsAllOrNothing(t *testing.T) {
	dir, in, pol := anonFixture(t, 400, 3, `  zip:         {role: quasi, action: generalize, prefix: 2}
  age:         {role: quasi, action: generalize, width: 10}
`)
	out, anon := filepath.Join(dir, "out.csv"), filepath.Join(dir, "anon.json")
	res := runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--report", anon, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", res.code, res.stderr)
	}
	read := func(p string) string {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	firstOut, firstAnon := read(out), read(anon)
	before := dirNames(t, dir)

	// The same outputs again, failing after the release and its anonymize
	// report are written.
	missing := filepath.Join(dir, "missing.csv")
	res = runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--report", anon, "--seed", "2",
		"--report-json", filepath.Join(dir, "r.json"), "--report-holdout", missing, "--progress", "never")
	if res.code != exitData {
		t.Fatalf("failing run: exit %d, want %d\n%s", res.code, exitData, res.stderr)
	}
	if read(out) != firstOut || read(anon) != firstAnon {
		t.Error("a failed run replaced the outputs of the earlier run")
	}
	if after := dirNames(t, dir); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("files after the failed run %v, want %v", after, before)
	}
	if len(res.summary.Outputs) != 0 {
		t.Errorf("the failed run's summary lists outputs: %+v", res.summary.Outputs)
	}

	// Into folders that do not exist yet: they are removed again.
	res = runVeil(t, "anonymize", in, "--policy", pol, "--out", filepath.Join(dir, "new", "sub", "out.csv"),
		"--report", filepath.Join(dir, "new", "anon.json"), "--report-json", filepath.Join(dir, "new", "r.json"),
		"--report-holdout", missing, "--progress", "never")
	if res.code != exitData {
		t.Fatalf("failing run into new folders: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Errorf("the folders a failed run made are still there (%v)", err)
	}

	// A run that succeeds: the report reads the release the run holds back
	// and names it by its final path and hash.
	rj := filepath.Join(dir, "r.json")
	res = runVeil(t, "anonymize", in, "--policy", pol, "--out", out, "--seed", "3", "--report-json", rj, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("run with a report: exit %d\n%s", res.code, res.stderr)
	}
	var r struct {
		Provenance struct {
			Released struct{ Path, SHA256 string }
		}
	}
	if err := json.Unmarshal([]byte(read(rj)), &r); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(read(out)))
	if r.Provenance.Released.Path != out || r.Provenance.Released.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("report names the release %s %s, want %s %x", r.Provenance.Released.Path, r.Provenance.Released.SHA256, out, sum)
	}
	for _, n := range dirNames(t, dir) {
		if strings.HasPrefix(n, ".") {
			t.Errorf("temporary file %s left", n)
		}
	}
}

// TestGateFailedRunRerun: a run that fails a gate keeps its outputs, and
// its manifest (with the failed verdict) lets a rerun replace its folder
// output; --skip-if-done never takes it for done.
func TestGateFailedRunRerun(t *testing.T) {
	dir, in, pol := anonFixture(t, 300, 4, `  age:         {role: quasi, action: generalize, width: 40}
gates:
  min_k: 1000
`)
	out := filepath.Join(dir, "release") + string(filepath.Separator)
	args := []string{"anonymize", in, "--policy", pol, "--out", out, "--report-json", filepath.Join(dir, "r.json"), "--progress", "never"}
	for i, extra := range [][]string{nil, nil, {"--skip-if-done"}} {
		res := runVeil(t, append(append([]string{}, args...), extra...)...)
		if res.code != exitPrivacyGate {
			t.Fatalf("run %d: exit %d, want %d (a failed privacy gate)\n%s", i+1, res.code, exitPrivacyGate, res.stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "_MANIFEST.json")); err != nil {
			t.Errorf("run %d: no manifest in the folder output: %v", i+1, err)
		}
	}
}

// TestDPReleaseKeptWhateverItsGates: a DP release that failed a gate is
// kept on disk, so a rerun reuses it (and fails the same gate) instead of
// drawing new noise; asking for a report on a rerun does not redraw it
// either.
func TestDPReleaseKeptWhateverItsGates(t *testing.T) {
	dir, in, pol := anonFixture(t, 300, 6, `  age:         {role: quasi, action: generalize, width: 40}
  income:      {role: sensitive, action: noise, mechanism: laplace, epsilon: 1, lower: 0, upper: 300000}
gates:
  min_k: 1000
`)
	out := filepath.Join(dir, "out.csv")
	args := []string{"anonymize", in, "--policy", pol, "--out", out, "--report-json", filepath.Join(dir, "r.json"), "--progress", "never"}
	res := runVeil(t, args...)
	if res.code != exitPrivacyGate {
		t.Fatalf("first run: exit %d, want %d\n%s", res.code, exitPrivacyGate, res.stderr)
	}
	first, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	res = runVeil(t, args...)
	again, _ := os.ReadFile(out)
	if res.code != exitPrivacyGate || res.summary.Details["reused_release"] == nil || !bytes.Equal(first, again) {
		t.Fatalf("rerun: exit %d, details %v, same release %v; want the release reused and its gate failing again\n%s",
			res.code, res.summary.Details, bytes.Equal(first, again), res.stderr)
	}
	// Another report asked for: still the same release.
	res = runVeil(t, append(args, "--report-html", filepath.Join(dir, "r.html"))...)
	again, _ = os.ReadFile(out)
	if res.summary.Details["reused_release"] == nil || !bytes.Equal(first, again) {
		t.Fatalf("rerun with a new report flag redrew the release (exit %d)\n%s", res.code, res.stderr)
	}
}

// anonFixture writes a generated table of rows (seed) and a policy that
// drops its direct identifiers and keeps the other columns, followed by
// more: YAML lines for further columns (and gates).
func anonFixture(t *testing.T, rows int, seed uint64, more string) (dir, in, pol string) {
	t.Helper()
	dir = t.TempDir()
	var b bytes.Buffer
	if err := gen.Write(&b, rows, seed); err != nil {
		t.Fatal(err)
	}
	in = writeFile(t, dir, "in.csv", b.String())
	pol = writeFile(t, dir, "policy.yaml", `version: 1
default_action: keep
columns:
  customer_id: {action: drop}
  name:        {action: drop}
  email:       {action: drop}
  phone:       {action: drop}
  ssn:         {action: drop}
  birth_date:  {action: drop}
`+more)
	return dir, in, pol
}
