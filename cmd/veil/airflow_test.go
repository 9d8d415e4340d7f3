package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/veil-data/veil/internal/gen"
)

// The example DAGs of examples/airflow cannot run here (Airflow is not
// installable), so these tests check what can be checked: each file parses
// with python3's ast module, its operators carry the settings the README
// promises (XCom push, skip on 99, no retry of the gate), and the exact
// command lines it renders for a fixed date run against the real binary
// with the exit codes, summary lines and outputs a DAG run would see.

// dagInspector parses a DAG file with ast and prints, as JSON, its
// module-level constants (evaluated in a namespace of the constants before
// them, without builtins: the DAG's imports are never executed) and the
// keywords of every *Operator call, as source text.
const dagInspector = `
import ast, json, sys
path = sys.argv[1]
tree = ast.parse(open(path).read(), path)
ns = {}
for node in tree.body:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        try:
            ns[node.targets[0].id] = eval(compile(ast.Expression(node.value), path, "eval"), {"__builtins__": {}}, dict(ns))
        except Exception:
            pass
ops = []
for node in ast.walk(tree):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Operator"):
        ops.append({"operator": node.func.id, "keywords": {k.arg: ast.unparse(k.value) for k in node.keywords}})
consts = {k: v for k, v in ns.items() if isinstance(v, (str, dict, list))}
print(json.dumps({"constants": consts, "operators": ops}))
`

// dagFile is what dagInspector reports of a DAG file.
type dagFile struct {
	Constants map[string]json.RawMessage `json:"constants"`
	Operators []struct {
		Operator string            `json:"operator"`
		Keywords map[string]string `json:"keywords"`
	} `json:"operators"`
}

func inspectDAG(t *testing.T, name string) dagFile {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed: the DAG files cannot be parsed")
	}
	out, err := exec.Command(py, "-c", dagInspector, filepath.Join("..", "..", "examples", "airflow", name)).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("python3 ast on %s: %v\n%s", name, err, stderr)
	}
	var d dagFile
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

func (d dagFile) constant(t *testing.T, name string, v any) {
	t.Helper()
	raw, ok := d.Constants[name]
	if !ok {
		t.Fatalf("the DAG defines no constant %s", name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("constant %s: %v", name, err)
	}
}

// template matches the Jinja expressions the DAGs use.
var template = regexp.MustCompile(`\{\{\s*([a-z_.]+)\s*\}\}`)

// render does what Airflow's templating does to the DAGs' command lines,
// for the expressions they use: {{ ds }} and {{ params.NAME }}.
func render(t *testing.T, s, ds string, params map[string]string) string {
	t.Helper()
	out := template.ReplaceAllStringFunc(s, func(m string) string {
		name := template.FindStringSubmatch(m)[1]
		if name == "ds" {
			return ds
		}
		if p, ok := strings.CutPrefix(name, "params."); ok {
			if v, ok := params[p]; ok {
				return v
			}
		}
		t.Fatalf("template %s in %q: not rendered by this test", m, s)
		return ""
	})
	if strings.Contains(out, "{{") {
		t.Fatalf("unrendered template left in %q", out)
	}
	return out
}

// airflowSite lays out what the DAGs expect on a worker: a policy (the
// demo's reviewed policy, with its key from the environment and the gates
// given instead of its own) with its hierarchies, and the day's export.
func airflowSite(t *testing.T, ds string, gates string) (data, policy string) {
	t.Helper()
	root := t.TempDir()
	data = filepath.Join(root, "data")
	conf := filepath.Join(root, "conf")
	exports := filepath.Join(data, "exports", ds)
	for _, d := range []string{conf, exports} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(exports, "customers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Write(f, 3000, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()
	base, _, ok := strings.Cut(demoPolicy, "# What veil report checks")
	if !ok {
		t.Fatal("the demo policy has no gates block to replace")
	}
	pol := strings.ReplaceAll(base, "key_file: demo-hash.key", "key_env: VEIL_HASH_KEY") + gates
	policy = writeFile(t, conf, "policy.yaml", pol)
	for _, col := range []string{"sex", "age"} {
		h, err := gen.Hierarchy(col)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, conf, "customers_hierarchy_"+col+".csv", string(h))
	}
	return data, policy
}

// taskRun is one task's process as Airflow would start it.
type taskRun struct {
	code    int
	lines   []string // stdout
	summary summary  // its last line, what BashOperator pushes to XCom
	stderr  string
}

func runTask(t *testing.T, cmd *exec.Cmd) taskRun {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), "VEIL_HASH_KEY=airflow-test-key-not-secret", "VEIL_LOG_FORMAT=json")
	err := cmd.Run()
	r := taskRun{stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	r.lines = strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if err := json.Unmarshal([]byte(r.lines[len(r.lines)-1]), &r.summary); err != nil {
		t.Fatalf("%v: last stdout line %q is not the summary: %v", cmd.Args, r.lines[len(r.lines)-1], err)
	}
	return r
}

const airflowGates = `gates:
  min_k: 5
  max_prosecutor_risk: 0.2
`

func TestAirflowBashDAG(t *testing.T) {
	dag := inspectDAG(t, "veil_dag.py")
	var commands map[string]string
	dag.constant(t, "COMMANDS", &commands)
	var params map[string]string
	dag.constant(t, "PARAMS", &params)
	for _, p := range []string{"veil", "data", "policy"} {
		if _, ok := params[p]; !ok {
			t.Errorf("PARAMS has no %q", p)
		}
	}

	// The operators: one BashOperator per command, each pushing its
	// summary line to XCom; the transforms skip on 99, the gate never
	// retries.
	tasks := map[string]map[string]string{}
	for _, op := range dag.Operators {
		if op.Operator == "BashOperator" {
			tasks[strings.Trim(op.Keywords["task_id"], `"'`)] = op.Keywords
		}
	}
	for _, name := range []string{"profile", "anonymize", "report"} {
		kw, ok := tasks[name]
		if !ok {
			t.Fatalf("no BashOperator task %q", name)
		}
		if got := strings.ReplaceAll(kw["bash_command"], "'", `"`); got != `COMMANDS["`+name+`"]` {
			t.Errorf("task %s runs %s, want COMMANDS[%q] (what this test renders)", name, got, name)
		}
		if kw["do_xcom_push"] != "True" {
			t.Errorf("task %s: do_xcom_push = %q, want True", name, kw["do_xcom_push"])
		}
	}
	for _, name := range []string{"profile", "anonymize"} {
		if tasks[name]["skip_on_exit_code"] != "99" {
			t.Errorf("task %s: skip_on_exit_code = %q, want 99", name, tasks[name]["skip_on_exit_code"])
		}
	}
	if tasks["report"]["retries"] != "0" {
		t.Errorf("the gate task retries = %q, want 0", tasks["report"]["retries"])
	}
	if !strings.Contains(tasks["anonymize"]["env"], "VEIL_HASH_KEY") {
		t.Errorf("the anonymize task does not pass VEIL_HASH_KEY: env = %s", tasks["anonymize"]["env"])
	}

	veil := buildVeil(t)
	const ds = "2026-11-28"
	data, policy := airflowSite(t, ds, airflowGates)
	params = map[string]string{"veil": veil, "data": data, "policy": policy}
	order := []string{"profile", "anonymize", "report"}
	for _, name := range order {
		r := runTask(t, exec.Command("bash", "-c", render(t, commands[name], ds, params)))
		if r.code != exitOK || r.summary.Status != "ok" || r.summary.Command != name {
			t.Fatalf("task %s: exit %d, summary %s %q, want 0 ok\nstderr:\n%s", name, r.code, r.summary.Command, r.summary.Status, r.stderr)
		}
		for _, o := range r.summary.Outputs {
			if _, err := os.Stat(o.Path); err != nil || !strings.HasPrefix(o.Path, filepath.Join(data, "veil", ds)) {
				t.Errorf("task %s: output %s: %v (want it under the day's folder)", name, o.Path, err)
			}
		}
	}
	for _, name := range []string{"profile.json", "profile.html", "policy.draft.yaml", "customers.anon.parquet", "anon.json", "report.json", "report.html"} {
		if _, err := os.Stat(filepath.Join(data, "veil", ds, name)); err != nil {
			t.Errorf("after the DAG run: %v", err)
		}
	}

	// A second run of the day (a retry, a cleared task): the transforms
	// find their manifests and exit 99, which the DAG marks skipped.
	for _, name := range []string{"profile", "anonymize"} {
		before := readFile(t, filepath.Join(data, "veil", ds, map[string]string{"profile": "profile.json", "anonymize": "customers.anon.parquet"}[name]))
		r := runTask(t, exec.Command("bash", "-c", render(t, commands[name], ds, params)))
		if r.code != exitSkipped || r.summary.Status != "skipped" {
			t.Errorf("task %s again: exit %d status %q, want 99 skipped\nstderr:\n%s", name, r.code, r.summary.Status, r.stderr)
		}
		after := readFile(t, filepath.Join(data, "veil", ds, map[string]string{"profile": "profile.json", "anonymize": "customers.anon.parquet"}[name]))
		if !bytes.Equal(before, after) {
			t.Errorf("task %s again rewrote its output", name)
		}
	}

	// A gate the release does not meet fails the report task with exit 4
	// (the task that has no retries), after writing the report.
	const next = "2026-11-29"
	data2, strict := airflowSite(t, next, "gates:\n  min_k: 50\n")
	params2 := map[string]string{"veil": veil, "data": data2, "policy": strict}
	for _, name := range order {
		r := runTask(t, exec.Command("bash", "-c", render(t, commands[name], next, params2)))
		want, status := exitOK, "ok"
		if name == "report" {
			want, status = exitPrivacyGate, "gate_failed"
		}
		if r.code != want || r.summary.Status != status {
			t.Fatalf("strict gate, task %s: exit %d status %q, want %d %s\nstderr:\n%s", name, r.code, r.summary.Status, want, status, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(data2, "veil", next, "report.html")); err != nil {
		t.Errorf("a failed gate must still leave the report for review: %v", err)
	}
}

func TestAirflowKubernetesDAG(t *testing.T) {
	dag := inspectDAG(t, "veil_dag_k8s.py")
	var arguments map[string][]string
	dag.constant(t, "ARGUMENTS", &arguments)
	var dataDir, xcom, termLog, policyPath string
	dag.constant(t, "DATA", &dataDir)
	dag.constant(t, "XCOM", &xcom)
	dag.constant(t, "TERMINATION_LOG", &termLog)
	dag.constant(t, "POLICY", &policyPath)
	if xcom != "/airflow/xcom/return.json" {
		t.Errorf("XCOM = %q, want /airflow/xcom/return.json (what KubernetesPodOperator reads)", xcom)
	}
	var pods []map[string]string
	for _, op := range dag.Operators {
		if op.Operator == "KubernetesPodOperator" {
			pods = append(pods, op.Keywords)
		}
	}
	if len(pods) != 1 {
		t.Fatalf("%d KubernetesPodOperator calls, want the one in the loop over ARGUMENTS", len(pods))
	}
	kw := pods[0]
	for key, want := range map[string]string{
		"arguments": "arguments", "do_xcom_push": "True", "skip_on_exit_code": "99",
		"retries": `0 if name == "report" else 2`, "cmds": `["veil"]`,
	} {
		if got := strings.ReplaceAll(kw[key], "'", `"`); got != want {
			t.Errorf("KubernetesPodOperator %s = %s, want %s", key, got, want)
		}
	}

	veil := buildVeil(t)
	const ds = "2026-11-28"
	data, policy := airflowSite(t, ds, airflowGates)
	pod := t.TempDir() // the pod's own paths: XCom and the termination log
	rewrite := func(arg string) string {
		switch arg {
		case xcom:
			return filepath.Join(pod, "airflow", "xcom", "return.json")
		case termLog:
			return filepath.Join(pod, "termination-log")
		case policyPath:
			return policy
		}
		if rest, ok := strings.CutPrefix(arg, dataDir+"/"); ok {
			return filepath.Join(data, rest)
		}
		return arg
	}
	for _, name := range []string{"profile", "anonymize", "report"} {
		var args []string
		for _, a := range arguments[name] {
			args = append(args, rewrite(render(t, a, ds, nil)))
		}
		os.RemoveAll(filepath.Join(pod, "airflow"))
		r := runTask(t, exec.Command(veil, args...))
		if r.code != exitOK || r.summary.Status != "ok" {
			t.Fatalf("pod %s: exit %d status %q\nstderr:\n%s", name, r.code, r.summary.Status, r.stderr)
		}
		got, err := os.ReadFile(filepath.Join(pod, "airflow", "xcom", "return.json"))
		if err != nil {
			t.Fatalf("pod %s wrote no XCom file: %v", name, err)
		}
		if strings.TrimSpace(string(got)) != r.lines[len(r.lines)-1] {
			t.Errorf("pod %s: return.json differs from the summary line\n%s\n%s", name, got, r.lines[len(r.lines)-1])
		}
	}
	if names := dirNamesQuiet(filepath.Join(data, "veil", ds)); !slices.Contains(names, "report.html") {
		t.Errorf("the day's folder holds %v, want the report among them", names)
	}

	// A failing pod leaves its error in the termination log.
	bad := []string{"anonymize", filepath.Join(data, "exports", ds, "missing.csv"), "--policy", policy,
		"--out", filepath.Join(data, "veil", ds, "x.parquet"), "--termination-log", filepath.Join(pod, "termination-log")}
	if r := runTask(t, exec.Command(veil, bad...)); r.code != exitData {
		t.Errorf("missing input: exit %d, want %d", r.code, exitData)
	}
	if msg, err := os.ReadFile(filepath.Join(pod, "termination-log")); err != nil || !strings.Contains(string(msg), "missing.csv") {
		t.Errorf("termination log = %q, %v; want the error naming the file", msg, err)
	}
}

// skipIfDoneRun returns the arguments of an anonymize run of the Airflow
// example site with --skip-if-done, its policy and its output.
func skipIfDoneRun(t *testing.T) (args []string, policy, out string) {
	const ds = "2026-11-28"
	data, policy := airflowSite(t, ds, "")
	in := filepath.Join(data, "exports", ds, "customers.csv")
	out = filepath.Join(data, "anon.csv")
	return []string{"anonymize", in, "--policy", policy, "--out", out, "--skip-if-done", "--progress", "never"}, policy, out
}

// TestSkipIfDoneSeesHierarchies checks that a changed generalization
// hierarchy, a file the policy only refers to, makes a new run: the
// manifest hashes it with the policy.
func TestSkipIfDoneSeesHierarchies(t *testing.T) {
	args, policy, out := skipIfDoneRun(t)
	t.Setenv("VEIL_HASH_KEY", "test-key-not-secret")
	if r := runVeil(t, args...); r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	if r := runVeil(t, args...); r.code != exitSkipped {
		t.Fatalf("second run: exit %d, want 99", r.code)
	}
	hier := filepath.Join(filepath.Dir(policy), "customers_hierarchy_age.csv")
	h := readFile(t, hier)
	os.WriteFile(hier, bytes.ReplaceAll(h, []byte("-"), []byte(" to ")), 0o644)
	r := runVeil(t, args...)
	if r.code != exitOK || r.summary.Status != "ok" {
		t.Fatalf("after the age hierarchy changed: exit %d status %q, want a new run\n%s", r.code, r.summary.Status, r.stderr)
	}
	if !bytes.Contains(readFile(t, out), []byte(" to ")) {
		t.Error("the new run did not use the changed hierarchy")
	}
}

// TestSkipIfDoneSeesKeys checks that a rotated key makes a new run (the
// manifest records the keys' public fingerprints), and that the manifest
// holds no key.
func TestSkipIfDoneSeesKeys(t *testing.T) {
	args, _, out := skipIfDoneRun(t)
	const first, second = "test-key-not-secret", "rotated-key-not-secret"
	t.Setenv("VEIL_HASH_KEY", first)
	if r := runVeil(t, args...); r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	before := readFile(t, out)
	if r := runVeil(t, args...); r.code != exitSkipped {
		t.Fatalf("second run, same key: exit %d, want 99", r.code)
	}
	t.Setenv("VEIL_HASH_KEY", second)
	r := runVeil(t, args...)
	if r.code != exitOK || r.summary.Status != "ok" {
		t.Fatalf("after the key changed: exit %d status %q, want a new run\n%s", r.code, r.summary.Status, r.stderr)
	}
	if bytes.Equal(readFile(t, out), before) {
		t.Error("the new run's output equals the first key's")
	}
	m := readFile(t, manifestPath(out))
	if !bytes.Contains(m, []byte(`"key_ids"`)) || bytes.Contains(m, []byte(first)) || bytes.Contains(m, []byte(second)) {
		t.Errorf("manifest %s: want key fingerprints and no key", m)
	}
	if r := runVeil(t, args...); r.code != exitSkipped {
		t.Fatalf("again with the rotated key: exit %d, want 99", r.code)
	}
}

// TestDPReleaseIgnoresKeys checks that a rotated key, which makes anonymize
// run again, does not make synth fit draw a new DP release: synth's model
// does not depend on keys, and drawing again would spend the budget twice.
func TestDPReleaseIgnoresKeys(t *testing.T) {
	args, policy, _ := skipIfDoneRun(t)
	model := filepath.Join(filepath.Dir(policy), "dp.model.json")
	fit := []string{"synth", "fit", args[1], "--policy", policy, "--out", model, "--epsilon", "1", "--progress", "never"}
	t.Setenv("VEIL_HASH_KEY", "test-key-not-secret")
	if r := runVeil(t, fit...); r.code != exitOK {
		t.Fatalf("first fit: exit %d\n%s", r.code, r.stderr)
	}
	first := readFile(t, model)
	t.Setenv("VEIL_HASH_KEY", "rotated-key-not-secret")
	r := runVeil(t, fit...)
	if r.code != exitOK || r.summary.Details["reused_release"] == nil || !bytes.Equal(first, readFile(t, model)) {
		t.Errorf("fit after the key changed: exit %d, details %v; want the DP release reused", r.code, r.summary.Details)
	}
}
