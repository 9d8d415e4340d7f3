package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/anonymize"
	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// A manifest records what produced an output: the inputs' and policy's
// SHA-256, veil's version, the seed, the run and the outputs with their
// hashes. It is written beside the primary output as OUT.manifest.json (or
// OUT/_MANIFEST.json for a folder of parts) after every successful run.
//
// A later run with the same command, inputs, policy, seed and veil version
// finds it: with --skip-if-done it exits 99 without work. A differentially
// private output is never recomputed for a matching manifest, even without
// --skip-if-done: new noise on the same data would spend the privacy budget
// a second time (an average of two releases is less noisy than either), so
// the existing release is reported again unless --new-release asks for a
// fresh one on purpose.
type manifest struct {
	Schema     string        `json:"schema"`
	Command    string        `json:"command"`
	Inputs     []fileHash    `json:"inputs"`
	Policy     *fileHash     `json:"policy,omitempty"`
	Version    string        `json:"veil_version"`
	Seed       *uint64       `json:"seed,omitempty"`
	RunID      string        `json:"run_id"`
	Created    string        `json:"created"`
	Outputs    []outputRef   `json:"outputs"`
	DP         *manifestDP   `json:"differential_privacy,omitempty"`
	Parameters []string      `json:"parameters,omitempty"`
	Airflow    *airflowCtx   `json:"airflow,omitempty"`
	Gates      []gateVerdict `json:"gates,omitempty"`
}

type fileHash struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	// Files are the files a policy refers to (generalization
	// hierarchies): a changed hierarchy changes the output as much as a
	// changed policy. Key files are not hashed: a hash of a weak key would
	// let anyone holding the manifest test guesses of it.
	Files []fileHash `json:"files,omitempty"`
	// Keys are the policy's keys as "column=key ID", the public
	// fingerprint the anonymize report shows (anonymize.KeyID): another
	// key gives another output.
	Keys []string `json:"key_ids,omitempty"`
}

type manifestDP struct {
	Epsilon float64 `json:"epsilon"`
	Delta   float64 `json:"delta,omitempty"`
}

type airflowCtx struct {
	DagID    string `json:"dag_id,omitempty"`
	TaskID   string `json:"task_id,omitempty"`
	RunID    string `json:"run_id,omitempty"`
	ExecDate string `json:"execution_date,omitempty"`
}

// runSpec tells the manifest machinery what a command line reads and writes.
type runSpec struct {
	out    string   // the primary output; "" disables manifests
	inputs []string // data inputs (files or folders of parts)
	policy string   // policy file, if any
	// params are the flags that change the output beyond inputs, policy and
	// seed (e.g. --rows, --method); a manifest matches only with the same.
	params []string
	// keys: the output depends on the policy's keys (anonymize), so the
	// manifest records their fingerprints. Other commands leave keys out: a
	// rotated key must not make synth fit draw a new DP release.
	keys bool
}

// manifestFlags are the flags of commands that write manifests.
func manifestFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "skip-if-done", Usage: "exit 99 without work when the output's manifest matches this run (same inputs, policy, seed, parameters and veil version)"},
		&cli.IntFlag{Name: "skip-exit-code", Value: exitSkipped, Usage: "exit code for a skipped run (Airflow's BashOperator skips on 99)"},
		&cli.BoolFlag{Name: "new-release", Usage: "recompute a differentially private output even though a matching manifest exists (spends the privacy budget again)"},
	}
}

// manifestPath returns where the manifest of out lives.
func manifestPath(out string) string {
	if st, err := os.Stat(out); (err == nil && st.IsDir()) || strings.HasSuffix(out, string(os.PathSeparator)) {
		return filepath.Join(out, "_MANIFEST.json")
	}
	return out + ".manifest.json"
}

// hashInputs hashes the spec's inputs and policy.
func hashInputs(ctx context.Context, spec runSpec) ([]fileHash, *fileHash, error) {
	var ins []fileHash
	for _, p := range spec.inputs {
		sum, err := dataset.ChecksumContext(ctx, p)
		if err != nil {
			return nil, nil, &inputError{fmt.Errorf("input %w", err)}
		}
		ins = append(ins, fileHash{Path: p, SHA256: sum})
	}
	var pol *fileHash
	if spec.policy != "" {
		sum, err := dataset.Checksum(spec.policy)
		if err != nil {
			return nil, nil, usagef("policy %v", err)
		}
		pol = &fileHash{Path: spec.policy, SHA256: sum}
		// An invalid policy fails the run itself, with its own message.
		if p, err := policies.Parse(spec.policy); err == nil {
			for _, c := range p.Columns {
				if c.Hierarchy == "" {
					continue
				}
				path := p.ResolvePath(c.Hierarchy)
				sum, err := dataset.Checksum(path)
				if err != nil {
					return nil, nil, usagef("policy %s: column %q: hierarchy %v", spec.policy, c.Name, err)
				}
				pol.Files = append(pol.Files, fileHash{Path: path, SHA256: sum})
			}
			if spec.keys {
				pol.Keys = anonymize.PolicyKeyIDs(p, nil)
			}
		}
	}
	return ins, pol, nil
}

// sameHashes reports whether two lists of files have the same contents, in
// order (paths may differ: a moved file with the same bytes matches).
func sameHashes(a, b []fileHash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].SHA256 != b[i].SHA256 {
			return false
		}
	}
	return true
}

// readManifest reads the manifest of out, or returns nil when there is none
// or it cannot be read (then the run recomputes).
func readManifest(out string) *manifest {
	data, err := os.ReadFile(manifestPath(out))
	if err != nil {
		return nil
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil || m.Schema != "veil.manifest/v1" {
		return nil
	}
	return &m
}

// matches reports whether m describes this run's work, and whether the
// outputs it lists are still there unchanged.
func (m *manifest) matches(command string, ins []fileHash, pol *fileHash, seed *uint64, params []string) bool {
	for _, g := range m.Gates {
		if !g.Passed {
			return false // the earlier run failed a gate: not done
		}
	}
	return m.sameRelease(command, ins, pol, seed, params, m.Parameters)
}

// releaseParams drops the flags that only ask for reports of the release
// (--report, --report-json...): they do not change the release itself.
func releaseParams(params []string) []string {
	var out []string
	for _, p := range params {
		if !strings.HasPrefix(p, "report") {
			out = append(out, p)
		}
	}
	return out
}

// sameData reports whether m records a run of the same command on the same
// inputs, policy and keys, whatever its parameters, seed and version.
func (m *manifest) sameData(command string, ins []fileHash, pol *fileHash) bool {
	if m.Command != command || len(m.Inputs) != len(ins) {
		return false
	}
	for i := range ins {
		if m.Inputs[i].SHA256 != ins[i].SHA256 {
			return false
		}
	}
	if (m.Policy == nil) != (pol == nil) {
		return false
	}
	return pol == nil || sameHashes(append([]fileHash{*m.Policy}, m.Policy.Files...), append([]fileHash{*pol}, pol.Files...)) &&
		slices.Equal(m.Policy.Keys, pol.Keys)
}

// sameRelease reports whether m records the release this run would make
// (whatever its gates said), comparing this run's parameters mine with
// the manifest's theirs (release parameters only, for a DP release), and
// the outputs it lists are still there unchanged.
func (m *manifest) sameRelease(command string, ins []fileHash, pol *fileHash, seed *uint64, mine, theirs []string) bool {
	if !m.sameData(command, ins, pol) || m.Version != veilVersion() {
		return false
	}
	if (m.Seed == nil) != (seed == nil) || (seed != nil && *m.Seed != *seed) {
		return false
	}
	if strings.Join(theirs, "\x00") != strings.Join(mine, "\x00") {
		return false
	}
	for _, o := range m.Outputs {
		sum, err := dataset.Checksum(o.Path)
		if err != nil || sum != o.SHA256 {
			return false
		}
	}
	return len(m.Outputs) > 0
}

// checkDone compares m, the manifest found beside the output, with this
// run. It returns a skipError for --skip-if-done, and true when a DP
// release must be reused rather than recomputed.
func (e *env) checkDone(c *cli.Context, spec runSpec, m *manifest, ins []fileHash, pol *fileHash) (reuse bool, err error) {
	if c.Bool("skip-if-done") && m.matches(e.summary.Command, ins, pol, e.summary.Seed, spec.params) {
		e.summary.Outputs = m.Outputs
		return false, &skipError{fmt.Sprintf("%s is up to date (manifest %s, run %s)", spec.out, manifestPath(spec.out), m.RunID)}
	}
	// A DP release is kept, never redrawn by accident: whatever its gates
	// said and whatever reports are asked for now, the same release is
	// reused.
	if m.DP == nil || c.Bool("new-release") {
		return false, nil
	}
	if !m.sameRelease(e.summary.Command, ins, pol, e.summary.Seed, releaseParams(spec.params), releaseParams(m.Parameters)) {
		if m.sameData(e.summary.Command, ins, pol) {
			// Other --rows, --seed, ε or version on the same data: a new
			// draw would spend the budget again, silently. The new noise
			// could be averaged with the kept release's.
			return false, usagef("%s holds a differentially private release of the same inputs and policy (run %s, ε = %g): "+
				"a new one with other parameters would spend the privacy budget again; sample more rows from its model "+
				"(veil synth sample), or pass --new-release to spend it on purpose", spec.out, m.RunID, m.DP.Epsilon)
		}
		return false, nil
	}
	e.log.Warn("reusing the existing differentially private release: recomputing it would spend the privacy budget again (use --new-release to do so on purpose)",
		"manifest", manifestPath(spec.out), "epsilon", m.DP.Epsilon, "run", m.RunID)
	if strings.Join(spec.params, "\x00") != strings.Join(m.Parameters, "\x00") {
		e.log.Warn("report flags not applied to the reused release: run veil report on it", "release", spec.out)
	}
	e.summary.Outputs = m.Outputs
	e.summary.Gates = m.Gates
	e.detail("reused_release", m.RunID)
	var failed []string
	privacy := false
	for _, g := range m.Gates {
		if !g.Passed {
			failed = append(failed, g.Name)
			privacy = privacy || g.Kind == "privacy"
		}
	}
	if len(failed) > 0 {
		return true, &gateError{privacy: privacy, msg: fmt.Sprintf("the reused release failed its gates when it was made (run %s): %s",
			m.RunID, strings.Join(failed, ", "))}
	}
	return true, nil
}

// tracked wraps the work of a command whose outputs get a manifest. spec
// says what the command line reads and writes. The inputs are hashed on the
// side while the work runs, unless an earlier manifest must be compared
// with them first.
func (e *env) tracked(spec func(*cli.Context) (runSpec, error), fn func(*cli.Context) error) cli.ActionFunc {
	return e.action(func(c *cli.Context) error {
		s, err := spec(c)
		if err != nil {
			return err
		}
		if s.out == "" {
			return fn(c)
		}
		type hashes struct {
			ins []fileHash
			pol *fileHash
			err error
		}
		var h hashes
		// A run whose gate failed keeps its outputs (its report says
		// why) and gets a manifest that records the failed verdicts, so
		// that its folder output is recognised as veil's; such a
		// manifest never makes a later run a no-op (manifest.matches).
		var gate error
		// An input that changes while the run reads it (an export still
		// being written, or replaced) gives an output of neither version,
		// and a manifest naming content the run did not use: a temporary
		// failure, also when it made the reading fail.
		before := inputStates(s.inputs)
		work := func(c *cli.Context) error {
			err := fn(c)
			if testHookAfterWork != nil {
				testHookAfterWork()
			}
			if code, _ := exitCode(err, e.skipExitCode); err == nil || code == exitData {
				if cerr := changedInput(s.inputs, before); cerr != nil {
					if err != nil {
						cerr = fmt.Errorf("%w (the run stopped on: %v)", cerr, err)
					}
					return cerr
				}
			}
			var ge *gateError
			if errors.As(err, &ge) {
				gate = err
				return nil
			}
			return err
		}
		// An earlier run's manifest matters before the work only when it
		// may make this run a no-op (--skip-if-done) or reuse a DP release:
		// then the inputs are hashed first.
		if m := readManifest(s.out); m != nil && (c.Bool("skip-if-done") || m.DP != nil) {
			h.ins, h.pol, h.err = hashInputs(e.ctx, s)
			if h.err != nil {
				return h.err
			}
			reuse, err := e.checkDone(c, s, m, h.ins, h.pol)
			if err != nil || reuse {
				return err
			}
			e.inputHashes = func() ([]fileHash, *fileHash, error) { return h.ins, h.pol, h.err }
			if err := work(c); err != nil {
				return err
			}
		} else {
			done := make(chan hashes, 1)
			go func() {
				var r hashes
				r.ins, r.pol, r.err = hashInputs(e.ctx, s)
				done <- r
			}()
			var once sync.Once
			wait := func() hashes {
				once.Do(func() { h = <-done })
				return h
			}
			e.inputHashes = func() ([]fileHash, *fileHash, error) { r := wait(); return r.ins, r.pol, r.err }
			if err := work(c); err != nil {
				// A failed run writes no manifest: the hashes are not
				// waited for (an interrupted run must not wait for the
				// hash of a large input; e.ctx stops it).
				return err
			}
			wait()
			if h.err != nil {
				return h.err
			}
		}
		if err := e.writeManifest(s, h.ins, h.pol); err != nil {
			return err
		}
		return gate
	})
}

// errInputChanged is an input that changed while veil ran: the manifest
// would name content the run did not use. A temporary failure (exit 75):
// rerun once the file stays put.
var errInputChanged = errors.New("changed while veil ran; run again once it no longer changes")

// testHookAfterWork, when set by a test, runs when a tracked command's work
// has returned, before its inputs are checked for changes.
var testHookAfterWork func()

// inputStates returns what stat says of each input, and of each part of an
// input folder: size, modification time, file identity.
func inputStates(paths []string) map[string]string {
	states := map[string]string{}
	add := func(p string) {
		st, err := os.Stat(p)
		if err != nil {
			states[p] = "missing"
			return
		}
		key := fmt.Sprintf("%d %d %v", st.Size(), st.ModTime().UnixNano(), st.Mode())
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			key += fmt.Sprintf(" %d %d", sys.Dev, sys.Ino)
		}
		states[p] = key
	}
	for _, p := range paths {
		if isDir(p) {
			parts, _, _ := dataset.Parts(p)
			states[p] = strings.Join(parts, "\x00")
			for _, part := range parts {
				add(part)
			}
			continue
		}
		add(p)
	}
	return states
}

// changedInput returns errInputChanged, naming the input, when one of
// paths is not as before said.
func changedInput(paths []string, before map[string]string) error {
	now := inputStates(paths)
	var changed []string
	for p, st := range now {
		if before[p] != st {
			changed = append(changed, p)
		}
	}
	for p := range before {
		if _, ok := now[p]; !ok {
			changed = append(changed, p)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	sort.Strings(changed)
	return fmt.Errorf("input %s: %w", changed[0], errInputChanged)
}

// parsePolicy reads the run's policy and remembers the hash of the bytes
// it parsed, which the manifest must record.
func (e *env) parsePolicy(path string) (*policies.Policy, error) {
	p, err := policies.Parse(path)
	if err == nil {
		e.usedPolicy = p
	}
	return p, err
}

// writeManifest records this run's outputs beside the primary output.
func (e *env) writeManifest(spec runSpec, ins []fileHash, pol *fileHash) error {
	if u := e.usedPolicy; u != nil && pol != nil && samePath(u.Path, pol.Path) && u.SHA256 != pol.SHA256 {
		// The manifest hashes the policy on the side: an edit between
		// that read and the run's would record a policy not applied.
		return fmt.Errorf("policy %s: %w", pol.Path, errInputChanged)
	}
	m := manifest{
		Schema:     "veil.manifest/v1",
		Command:    e.summary.Command,
		Inputs:     ins,
		Policy:     pol,
		Version:    veilVersion(),
		Seed:       e.summary.Seed,
		RunID:      e.summary.RunID,
		Created:    e.started.UTC().Format(time.RFC3339),
		Outputs:    e.summary.Outputs,
		DP:         e.dp,
		Parameters: spec.params,
		Gates:      e.summary.Gates,
	}
	if dag := os.Getenv("AIRFLOW_CTX_DAG_ID"); dag != "" {
		m.Airflow = &airflowCtx{DagID: dag, TaskID: os.Getenv("AIRFLOW_CTX_TASK_ID"),
			RunID: os.Getenv("AIRFLOW_CTX_DAG_RUN_ID"), ExecDate: os.Getenv("AIRFLOW_CTX_EXECUTION_DATE")}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := manifestPath(spec.out)
	if err := e.writeFile(path, "manifest", append(data, '\n')); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

// sortedParams renders flag values as name=value, sorted, for manifests.
func sortedParams(c *cli.Context, names ...string) []string {
	var out []string
	for _, n := range names {
		if c.IsSet(n) {
			out = append(out, n+"="+fmt.Sprint(c.Value(n)))
		}
	}
	sort.Strings(out)
	return out
}
