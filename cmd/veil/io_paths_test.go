package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// Tests of the checks that keep veil from writing over what it reads
// (pipeline contract: inputs are only ever opened for reading).

// snapshot records every file under dir with its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			files[rel+"/"] = ""
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			files[rel+"@"] = target
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree fails t unless dir holds exactly the files of before, byte for
// byte (no file changed, removed or added, no temporary file left).
func sameTree(t *testing.T, what, dir string, before map[string]string) {
	t.Helper()
	after := snapshot(t, dir)
	var diffs []string
	for name, b := range before {
		if a, ok := after[name]; !ok {
			diffs = append(diffs, "removed "+name)
		} else if a != b {
			diffs = append(diffs, "changed "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diffs = append(diffs, "added "+name)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: the files changed: %s", what, strings.Join(diffs, ", "))
	}
}

// wantRefused fails t unless r is a refused run: exit 2, an error summary
// naming every string of want.
func wantRefused(t *testing.T, what string, r veilResult, want ...string) {
	t.Helper()
	if r.code != exitUsage || r.summary.Status != "error" {
		t.Errorf("%s: exit %d status %q, want 2 error; error %q", what, r.code, r.summary.Status, r.summary.Error)
		return
	}
	for _, w := range want {
		if !strings.Contains(r.summary.Error, w) {
			t.Errorf("%s: error %q does not say %q", what, r.summary.Error, w)
		}
	}
}

const smallCSV = "id,sex,age,email\n1,Male,34,a@x.org\n2,Female,51,b@x.org\n3,Male,27,c@x.org\n"

// D1: an existing folder given as output is replaced only when veil wrote
// it (its _MANIFEST.json and part files, nothing else) and it holds no
// input.
func TestFolderOutputReplacedOnlyWhenVeilsPaths(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o755)
	in := writeFile(t, data, "in.csv", smallCSV)
	writeFile(t, data, "other.txt", "precious\n")
	before := snapshot(t, dir)

	// The input is inside the output folder.
	r := runVeil(t, "convert", in, data+"/")
	wantRefused(t, "input inside the output folder", r, "input "+in, "inside the output folder "+data)
	sameTree(t, "input inside the output folder", dir, before)

	// A folder of the user's with no input in it.
	in2 := writeFile(t, dir, "in2.csv", smallCSV)
	before = snapshot(t, dir)
	r = runVeil(t, "convert", in2, data+"/")
	wantRefused(t, "user's folder", r, "output folder "+data+"/ exists and is not a veil output folder")
	sameTree(t, "user's folder", dir, before)
	// Also for anonymize's --out (an existing folder is a folder output).
	pol := writeFile(t, dir, "p.yaml", "version: 1\ndefault_action: keep\ncolumns:\n  age: {action: keep}\n")
	before = snapshot(t, dir)
	r = runVeil(t, "anonymize", in2, "--policy", pol, "--out", data)
	wantRefused(t, "anonymize into the user's folder", r, "not a veil output folder")
	sameTree(t, "anonymize into the user's folder", dir, before)

	// A folder veil wrote is replaced by the next run.
	parts := filepath.Join(dir, "parts")
	if r := runVeil(t, "convert", in2, parts+"/", "--part-rows", "1"); r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.summary.Error)
	}
	if r := runVeil(t, "convert", in2, parts+"/", "--part-rows", "2"); r.code != 0 {
		t.Fatalf("second run into veil's folder: exit %d: %s", r.code, r.summary.Error)
	}
	if got := strings.Join(dirNames(t, parts), ","); got != "_MANIFEST.json,part-00000.csv,part-00001.csv" {
		t.Errorf("after the second run the folder holds %s", got)
	}
	// ... but not once a file of the user's is in it.
	writeFile(t, parts, "notes.txt", "mine\n")
	before = snapshot(t, dir)
	r = runVeil(t, "convert", in2, parts+"/")
	wantRefused(t, "veil's folder with a user's file", r, "not a veil output folder", "notes.txt")
	sameTree(t, "veil's folder with a user's file", dir, before)
	os.Remove(filepath.Join(parts, "notes.txt"))
	// ... nor when one of its parts is the input.
	before = snapshot(t, dir)
	r = runVeil(t, "convert", filepath.Join(parts, "part-00000.csv"), parts+"/")
	wantRefused(t, "a part as input", r, "inside the output folder")
	sameTree(t, "a part as input", dir, before)

	// A folder of parts without veil's manifest (someone else's export).
	spark := filepath.Join(dir, "spark")
	os.Mkdir(spark, 0o755)
	writeFile(t, spark, "part-00000.csv", smallCSV)
	before = snapshot(t, dir)
	r = runVeil(t, "convert", in2, spark+"/")
	wantRefused(t, "parts without a manifest", r, "not a veil output folder", "_MANIFEST.json")
	sameTree(t, "parts without a manifest", dir, before)

	// An empty folder loses nothing: it is filled.
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if r := runVeil(t, "convert", in2, empty); r.code != 0 {
		t.Errorf("into an empty folder: exit %d: %s", r.code, r.summary.Error)
	}
}

// D1, D9: ./ and ../ (the working folder or one holding it) are refused
// with exit 2: renaming them fails with EBUSY, which is no temporary
// failure.
func TestWorkingFolderOutputPaths(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	writeFile(t, work, "in.csv", smallCSV)
	t.Chdir(work)
	before := snapshot(t, dir)
	for _, out := range []string{"./", "../", ".", work} {
		r := runVeil(t, "convert", "in.csv", out)
		wantRefused(t, "output "+out, r)
		sameTree(t, "output "+out, dir, before)
	}
	// Even a folder veil wrote, when it is the working folder.
	parts := filepath.Join(dir, "parts")
	if r := runVeil(t, "convert", "in.csv", parts+"/"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.summary.Error)
	}
	writeFile(t, dir, "in3.csv", smallCSV)
	t.Chdir(parts)
	before = snapshot(t, dir)
	r := runVeil(t, "convert", "../in3.csv", "./")
	wantRefused(t, "veil's folder as ./", r, "holds the working folder")
	sameTree(t, "veil's folder as ./", dir, before)
}

// D5: an output inside an input folder (a folder of parts read as one
// table) is refused: it would be read back as a part.
func TestOutputInsideInputFolderPaths(t *testing.T) {
	dir := t.TempDir()
	okp := filepath.Join(dir, "okp")
	os.Mkdir(okp, 0o755)
	writeFile(t, okp, "part-0.csv", "a,b\n1,2\n")
	writeFile(t, okp, "part-1.csv", "a,b\n3,4\n")
	before := snapshot(t, dir)
	for _, out := range []string{filepath.Join(okp, "all.csv"), filepath.Join(okp, "sub") + "/", filepath.Join(okp, "sub", "x.parquet")} {
		r := runVeil(t, "convert", okp, out)
		wantRefused(t, "output "+out, r, "inside the input folder "+okp)
		sameTree(t, "output "+out, dir, before)
	}
	// Reports and summaries too.
	pol := writeFile(t, dir, "p.yaml", "version: 1\ndefault_action: keep\ncolumns:\n  age: {action: keep}\n")
	before = snapshot(t, dir)
	r := runVeil(t, "anonymize", okp, "--policy", pol, "--out", filepath.Join(dir, "o.csv"), "--report", filepath.Join(okp, "r.json"))
	wantRefused(t, "report inside the input folder", r, "inside the input folder")
	r = runVeil(t, "convert", okp, filepath.Join(dir, "o.csv"), "--summary-file", filepath.Join(okp, "s.json"))
	wantRefused(t, "summary inside the input folder", r, "--summary-file", "inside the input folder")
	sameTree(t, "report and summary inside the input folder", dir, before)
	// The table is still two rows.
	if r := runVeil(t, "convert", okp, filepath.Join(dir, "o.csv")); r.code != 0 || *r.summary.Outputs[0].Rows != 2 {
		t.Errorf("the input folder reads as %v rows (exit %d), want 2", r.summary.Outputs, r.code)
	}
}

// D4: --summary-file, --termination-log and the files a policy names are
// checked against every input and output.
func TestSideFilesAndPolicyFilesPaths(t *testing.T) {
	t.Setenv("VEIL_HASH_KEY", "0123456789abcdef0123456789abcdef")
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", smallCSV)
	bad := writeFile(t, dir, "bad.csv", "a,b,a\n1,2,3\n")
	pol := filepath.Join(dir, "pol")
	os.Mkdir(pol, 0o755)
	sexh := writeFile(t, pol, "sexh.csv", "Male,*\nFemale,*\n")
	key := writeFile(t, pol, "key.txt", "0123456789abcdef0123456789abcdef\n")
	ph := writeFile(t, pol, "ph.yaml", "version: 1\ndefault_action: keep\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: sexh.csv, level: 1}\n")
	pkf := writeFile(t, pol, "pkf.yaml", "version: 1\ndefault_action: keep\ncolumns:\n  email: {action: hash, key_file: key.txt}\n")
	// An invalid policy still names its files.
	pbad := writeFile(t, pol, "pbad.yaml", "version: 1\ncolumns:\n  email: {action: hash, key_file: key.txt, actoin: x}\n")
	out := filepath.Join(dir, "o.csv")

	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"summary file is the input", []string{"convert", in, out, "--summary-file", in}, []string{"--summary-file " + in, "also an input"}},
		{"summary file is the input, OUT missing", []string{"convert", in, "--summary-file", in}, []string{"convert needs IN and OUT"}},
		{"termination log is the bad input", []string{"convert", bad, out, "--termination-log", bad}, []string{"--termination-log " + bad}},
		{"termination log is the input, OUT missing", []string{"convert", bad, "--termination-log", bad}, []string{"convert needs IN and OUT"}},
		{"out is the hierarchy", []string{"anonymize", in, "--policy", ph, "--out", sexh}, []string{"output " + sexh, "also an input"}},
		{"report is the key file", []string{"anonymize", in, "--policy", pkf, "--out", out, "--report", key}, []string{"output " + key}},
		{"report-json is the key file", []string{"anonymize", in, "--policy", pkf, "--out", out, "--report-json", key}, []string{"output " + key}},
		{"summary file is the key file", []string{"anonymize", in, "--policy", pkf, "--out", out, "--summary-file", key}, []string{"--summary-file " + key}},
		{"summary file is the policy", []string{"anonymize", in, "--policy", pkf, "--out", out, "--summary-file", pkf}, []string{"--summary-file " + pkf}},
		{"termination log is the key of an invalid policy", []string{"anonymize", in, "--policy", pbad, "--out", out, "--termination-log", key}, []string{"--termination-log " + key}},
		{"model is the hierarchy", []string{"synth", in, "--policy", ph, "--rows", "5", "--out", out, "--model-out", sexh}, []string{"output " + sexh}},
		{"synth fit model is the key", []string{"synth", "fit", in, "--policy", pkf, "--out", key}, []string{"output " + key}},
		{"validate: summary file is the key", []string{"policy", "validate", pkf, "--summary-file", key}, []string{"--summary-file " + key}},
		{"validate: termination log is the hierarchy", []string{"policy", "validate", ph, "--data", filepath.Join(dir, "missing.csv"), "--termination-log", sexh}, []string{"--termination-log " + sexh}},
		{"report json is the key", []string{"report", "--original", in, "--released", in, "--policy", pkf, "--json", key}, []string{"output " + key}},
		{"profile html is the input", []string{"profile", in, "--out", filepath.Join(dir, "p.json"), "--html", in}, []string{"output " + in}},
		{"generate: summary file is the output", []string{"generate", "--rows", "3", "--out", out, "--summary-file", out}, []string{"--summary-file " + out, "output " + out}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, dir)
			r := runVeil(t, tc.args...)
			wantRefused(t, tc.name, r, tc.want...)
			sameTree(t, tc.name, dir, before)
		})
	}

	// The summary file may not replace the data output either.
	r := runVeil(t, "convert", in, out, "--summary-file", out)
	wantRefused(t, "summary file is --out", r, "--summary-file "+out, "same file as the output "+out)
	if _, err := os.Stat(out); err == nil {
		t.Errorf("summary file is --out: %s was written", out)
	}
	// Nor the manifest.
	r = runVeil(t, "convert", in, out, "--summary-file", out+".manifest.json")
	wantRefused(t, "summary file is the manifest", r, "manifest")
}

// The termination log is written atomically: a temporary file renamed
// into place, none left behind; a device is written in place.
func TestTerminationLogAtomicPaths(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "bad.csv", "a,b,a\n1,2,3\n")
	tl := writeFile(t, dir, "termination.log", "old message that is longer than the new one, by far, really\n")
	r := runVeil(t, "convert", in, filepath.Join(dir, "o.csv"), "--termination-log", tl)
	if r.code != exitData {
		t.Fatalf("exit %d, want 3: %s", r.code, r.summary.Error)
	}
	got, _ := os.ReadFile(tl)
	if string(got) != r.summary.Error+"\n" {
		t.Errorf("termination log = %q, want %q", got, r.summary.Error+"\n")
	}
	if names := strings.Join(dirNames(t, dir), ","); names != "bad.csv,termination.log" {
		t.Errorf("folder holds %s, want bad.csv and termination.log only", names)
	}
	devBefore := dirNames(t, "/dev")
	writeTerminationLog("/dev/null", "gone")
	if strings.Join(dirNames(t, "/dev"), ",") != strings.Join(devBefore, ",") {
		t.Error("writing the termination log to /dev/null changed /dev")
	}
}

// D9: a path veil cannot write (read-only file system, permission denied,
// a rename that never succeeds) is exit 2, not 1 (internal) nor 75
// (retry).
func TestOutputPathErrorExitCodesPaths(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"EROFS", outputError(fmt.Errorf("output /ro/o.csv: %w", &fs.PathError{Op: "open", Path: "/ro/.o.csv1", Err: syscall.EROFS})), exitUsage},
		{"EACCES", outputError(fmt.Errorf("output /x/o.csv: %w", &fs.PathError{Op: "open", Path: "/x/.o.csv1", Err: syscall.EACCES})), exitUsage},
		{"EPERM unwrapped", &fs.PathError{Op: "open", Path: "/x/o.csv", Err: syscall.EPERM}, exitUsage},
		{"rename . EBUSY", fmt.Errorf("output .: %w", &os.LinkError{Op: "rename", Old: ".", New: "./.x.old", Err: syscall.EBUSY}), exitUsage},
		{"ENOSPC", fmt.Errorf("write: %w", &fs.PathError{Op: "write", Path: "o.csv", Err: syscall.ENOSPC}), exitTempFail},
		{"EFBIG", fmt.Errorf("write: %w", &fs.PathError{Op: "write", Path: ".o.csv1", Err: syscall.EFBIG}), exitUsage},
		{"EBUSY elsewhere", &fs.PathError{Op: "open", Path: "/dev/x", Err: syscall.EBUSY}, exitTempFail},
		{"plain error", errors.New("boom"), exitInternal},
	}
	for _, tc := range cases {
		if got, _ := exitCode(tc.err, exitSkipped); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}

// D9 end to end, where a folder can be made unwritable (not as root).
func TestUnwritableOutputPaths(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into a read-only folder; TestOutputPathErrorExitCodesPaths covers the mapping")
	}
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", smallCSV)
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	for _, args := range [][]string{
		{"convert", in, filepath.Join(ro, "o.parquet")},
		{"convert", in, filepath.Join(ro, "parts") + "/"},
		{"generate", "--rows", "3", "--out", filepath.Join(ro, "g.csv")},
		{"convert", in, filepath.Join(dir, "o.csv"), "--summary-file", filepath.Join(ro, "s.json")},
	} {
		r := runVeil(t, args...)
		wantRefused(t, strings.Join(args, " "), r, ro)
	}
}

// The path checks see through symbolic links and hard links.
func TestLinkedPathsPaths(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", smallCSV)
	if err := os.Symlink(dir, filepath.Join(dir, "link")); err != nil {
		t.Skip(err)
	}
	if err := os.Link(in, filepath.Join(dir, "hard.csv")); err != nil {
		t.Skip(err)
	}
	before := snapshot(t, dir)
	for _, out := range []string{filepath.Join(dir, "link", "in.csv"), filepath.Join(dir, "hard.csv")} {
		r := runVeil(t, "convert", in, out)
		wantRefused(t, out, r, "input")
	}
	r := runVeil(t, "convert", in, filepath.Join(dir, "o.csv"), "--summary-file", filepath.Join(dir, "link", "in.csv"))
	wantRefused(t, "summary through a link", r, "--summary-file")
	sameTree(t, "links", dir, before)
	if !bytes.Equal([]byte(before["in.csv"]), []byte(smallCSV)) {
		t.Error("snapshot is wrong")
	}
}

// TestOpenWithNamesTheOutput: an error reading an output this run holds
// under a temporary name names the output's path, not the temporary one.
func TestOpenWithNamesTheOutput(t *testing.T) {
	dir := t.TempDir()
	at := filepath.Join(dir, ".out.csv123456")
	if err := os.WriteFile(at, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	_, err := openWith(out, at, &dataset.Options{Types: map[string]dataset.Override{"gone": {Kind: dataset.String}}})
	var de *dataset.DataError
	if !errors.As(err, &de) || de.File != out || strings.Contains(err.Error(), ".out.csv123456") {
		t.Errorf("error %v names %q, want %q", err, de.File, out)
	}
}
