package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/gen"
)

// TestMain removes the binary buildVeil built: each run of these tests
// used to leave a 25 MB veil-bin-* folder in the temp dir, which filled
// the disk of a machine that runs them often (and then failed tests).
func TestMain(m *testing.M) {
	if limit := os.Getenv(fsizeExecEnv); limit != "" {
		execUnderFileSizeLimit(limit) // a helper process: does not return
	}
	code := m.Run()
	if veilBin != "" {
		os.RemoveAll(filepath.Dir(veilBin))
	}
	os.Exit(code)
}

// fsizeExecEnv, set in the environment of this test binary started as a
// helper process, makes it exec its arguments under RLIMIT_FSIZE of that
// many bytes: the limit is set in the helper, never in the test process
// (whose own files, such as go test's test log, it would cut short).
const fsizeExecEnv = "VEIL_TEST_FSIZE_EXEC"

func execUnderFileSizeLimit(limit string) {
	n, err := strconv.ParseUint(limit, 10, 64)
	if err == nil {
		var old syscall.Rlimit
		if err = syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err == nil {
			err = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: old.Max})
		}
	}
	if err == nil {
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, fsizeExecEnv+"=") {
				env = append(env, kv)
			}
		}
		err = syscall.Exec(os.Args[1], os.Args[1:], env)
	}
	fmt.Fprintf(os.Stderr, "helper: %v\n", err)
	os.Exit(126)
}

// commandUnderFileSizeLimit returns a command running name with args under
// a file size limit of limit bytes (no limit when 0).
func commandUnderFileSizeLimit(limit uint64, name string, args ...string) *exec.Cmd {
	if limit == 0 {
		return exec.Command(name, args...)
	}
	cmd := exec.Command(os.Args[0], append([]string{name}, args...)...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", fsizeExecEnv, limit))
	return cmd
}

// buildVeil builds the veil binary once per test binary run, into a
// folder TestMain removes.
func buildVeil(t *testing.T) string {
	t.Helper()
	veilBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "veil-bin-")
		if err != nil {
			veilBinErr = err
			return
		}
		veilBin = filepath.Join(dir, "veil")
		out, err := exec.Command("go", "build", "-o", veilBin, ".").CombinedOutput()
		if err != nil {
			veilBinErr = err
			t.Logf("go build: %s", out)
		}
	})
	if veilBinErr != nil {
		t.Fatalf("building veil: %v", veilBinErr)
	}
	return veilBin
}

func TestSkipIfDone(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", "a,b\n1,2\n3,4\n")
	out := filepath.Join(dir, "out.parquet.csv")
	first := runVeil(t, "convert", in, out)
	if first.code != 0 {
		t.Fatalf("first run: exit %d: %s", first.code, first.stderr)
	}
	if _, err := os.Stat(out + ".manifest.json"); err != nil {
		t.Fatalf("no manifest beside the output: %v", err)
	}
	again := runVeil(t, "convert", in, out, "--skip-if-done")
	if again.code != exitSkipped || again.summary.Status != "skipped" {
		t.Errorf("second run with --skip-if-done: exit %d status %q, want 99 skipped", again.code, again.summary.Status)
	}
	if again := runVeil(t, "convert", in, out, "--skip-if-done", "--skip-exit-code", "0"); again.code != 0 || again.summary.Status != "skipped" {
		t.Errorf("--skip-exit-code 0: exit %d status %q", again.code, again.summary.Status)
	}
	// A changed input, parameter or output means work to do.
	writeFile(t, dir, "in.csv", "a,b\n1,2\n3,5\n")
	if r := runVeil(t, "convert", in, out, "--skip-if-done"); r.code != 0 || r.summary.Status != "ok" {
		t.Errorf("after the input changed: exit %d status %q, want a new run", r.code, r.summary.Status)
	}
	if r := runVeil(t, "convert", in, out, "--skip-if-done", "--crlf"); r.code != 0 || r.summary.Status != "ok" {
		t.Errorf("with another parameter: exit %d status %q, want a new run", r.code, r.summary.Status)
	}
	os.WriteFile(out, []byte("tampered"), 0o644)
	if r := runVeil(t, "convert", in, out, "--skip-if-done", "--crlf"); r.code != 0 || r.summary.Status != "ok" {
		t.Errorf("after the output changed: exit %d status %q, want a new run", r.code, r.summary.Status)
	}
}

func TestFolderOfParts(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	f, _ := os.Create(in)
	gen.Write(f, 2500, 7)
	f.Close()
	parts := filepath.Join(dir, "parts") + "/"
	r := runVeil(t, "convert", in, parts, "--part-rows", "1000")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// The summary names the folder by the hash the manifests recompute.
	if sum, err := dataset.Checksum(filepath.Join(dir, "parts")); err != nil || r.summary.Outputs[0].SHA256 != sum {
		t.Errorf("summary hash of the parts %s, dataset.Checksum %s (%v)", r.summary.Outputs[0].SHA256, sum, err)
	}
	names := dirNames(t, filepath.Join(dir, "parts"))
	want := "_MANIFEST.json,part-00000.csv,part-00001.csv,part-00002.csv"
	if strings.Join(names, ",") != want {
		t.Errorf("parts = %v, want %s", names, want)
	}
	// A folder reads as one table, written back as parts of another size
	// (no extension: a folder, because the input is one), then as one file.
	if r := runVeil(t, "convert", filepath.Join(dir, "parts"), filepath.Join(dir, "parts2"), "--part-rows", "2000"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	joined := filepath.Join(dir, "joined.csv")
	if r := runVeil(t, "convert", filepath.Join(dir, "parts2"), joined); r.code != 0 || *r.summary.Outputs[0].Rows != 2500 {
		t.Fatalf("exit %d rows %v: %s", r.code, r.summary.Outputs, r.stderr)
	}
	a, _ := os.ReadFile(in)
	b, _ := os.ReadFile(joined)
	if string(a) != string(b) {
		t.Error("file -> parts -> parts -> file is not the same file")
	}
	// Parts with different columns are an error naming the part.
	writeFile(t, filepath.Join(dir, "parts2"), "part-00009.csv", "x,y\n1,2\n")
	r = runVeil(t, "convert", filepath.Join(dir, "parts2"), filepath.Join(dir, "bad.csv"))
	if r.code != exitData || !strings.Contains(r.summary.Error, "part-00009.csv") {
		t.Errorf("mismatched part: exit %d error %q, want 3 naming the part", r.code, r.summary.Error)
	}
}

// signalFixture builds the binary and a 400,000-row input.
func signalFixture(t *testing.T) (bin, in string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin = buildVeil(t)
	in = filepath.Join(t.TempDir(), "in.csv")
	f, _ := os.Create(in)
	gen.Write(f, 400_000, 1)
	f.Close()
	return bin, in
}

// convertRun is a veil convert process started by startConvert.
type convertRun struct {
	cmd    *exec.Cmd
	stdout strings.Builder
	exited chan struct{} // closed once the process has exited
	err    error         // of Wait, once exited
	// notice is closed when veil logs that it received a signal.
	notice chan struct{}
	stderr strings.Builder // complete once exited
}

// startConvert starts bin convert in out with args and waits until the run
// has put a file or folder into outDir and, when inside is set, a file into
// the folder output being built there: events, not a sleep, so that the
// signals a test sends find the run writing however loaded the machine is.
func startConvert(t *testing.T, bin, in, out, outDir string, inside bool, args ...string) *convertRun {
	t.Helper()
	r := &convertRun{exited: make(chan struct{}), notice: make(chan struct{})}
	r.cmd = exec.Command(bin, append([]string{"convert", in, out, "--progress", "never", "--log-format", "json"}, args...)...)
	r.cmd.Stdout = &r.stdout
	errPipe, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(errPipe)
		noticed := false
		for sc.Scan() {
			r.stderr.WriteString(sc.Text() + "\n")
			if !noticed && strings.Contains(sc.Text(), "signal received") {
				noticed = true
				close(r.notice)
			}
		}
	}()
	go func() {
		<-logDone // Wait closes the pipe: read it to the end first
		r.err = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.exited
	})
	for !r.writing(outDir, inside) {
		select {
		case <-r.exited:
			t.Fatalf("veil exited (%v) before writing into %s; stdout %s", r.err, outDir, r.stdout.String())
		case <-time.After(2 * time.Millisecond):
		}
	}
	return r
}

// writing reports whether outDir holds something and, with inside, whether
// a folder in it holds a file.
func (r *convertRun) writing(outDir string, inside bool) bool {
	names := dirNamesQuiet(outDir)
	if !inside {
		return len(names) > 0
	}
	for _, n := range names {
		if len(dirNamesQuiet(filepath.Join(outDir, n))) > 0 {
			return true
		}
	}
	return false
}

// wait waits for the process to exit and returns its exit code.
func (r *convertRun) wait() int {
	<-r.exited
	return r.cmd.ProcessState.ExitCode()
}

func TestSIGTERMLeavesNothing(t *testing.T) {
	bin, in := signalFixture(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		outDir := t.TempDir()
		// Signal once the run is writing its temporary file.
		r := startConvert(t, bin, in, filepath.Join(outDir, "out.csv"), outDir, false)
		r.cmd.Process.Signal(sig)
		code := r.wait()
		if want := 128 + int(sig); code != want {
			t.Errorf("%v: exit %d (%v), want %d; stdout %s", sig, code, r.err, want, r.stdout.String())
		}
		if names := dirNamesQuiet(outDir); len(names) != 0 {
			t.Errorf("%v: left %v behind, want nothing", sig, names)
		}
		if !strings.Contains(r.stdout.String(), `"status":"error"`) {
			t.Errorf("%v: summary line = %q, want status error", sig, r.stdout.String())
		}
		if !strings.Contains(r.stderr.String(), `"signal":"`+signalName(int(sig))+`"`) {
			t.Errorf("%v: no log line says the signal arrived:\n%s", sig, r.stderr.String())
		}
	}
}

// TestSecondSignalLeavesNothing: a second SIGINT makes veil exit at once,
// yet the folder output being written is still removed (also when the run
// goes on writing parts meanwhile: internal/atomicfile's
// TestShutdownWhileWriting) and the summary line still printed, once, as
// the last line veil prints.
func TestSecondSignalLeavesNothing(t *testing.T) {
	bin, in := signalFixture(t)
	outDir := t.TempDir()
	// Once a part is written, signal; once veil says it got the signal
	// (two signals sent at once may arrive as one), signal again.
	r := startConvert(t, bin, in, filepath.Join(outDir, "parts")+"/", outDir, true, "--part-rows", "2000")
	r.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-r.notice:
		r.cmd.Process.Signal(syscall.SIGINT)
	case <-r.exited: // stopped before saying so: a failure, reported below
	}
	if code := r.wait(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if names := dirNamesQuiet(outDir); len(names) != 0 {
		t.Errorf("left %v behind, want nothing", names)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], `"status":"error"`) || !strings.Contains(lines[0], `"exit_code":130`) {
		t.Errorf("stdout = %q, want one summary line with exit 130", r.stdout.String())
	}
	if !strings.Contains(r.stderr.String(), "signal received") {
		t.Errorf("no log line says the signal arrived:\n%s", r.stderr.String())
	}
}

func dirNamesQuiet(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

var (
	veilBinOnce sync.Once
	veilBin     string
	veilBinErr  error
)
