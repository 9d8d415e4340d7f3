package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/internal/gen"
)

// demoRows is the size of the demo table: large enough for k-anonymity and
// synthesis to mean something, small enough to run in seconds.
const demoRows = 5000

func newDemoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the whole pipeline on demo data embedded in the binary",
		Description: "demo writes a demo table (an Adult-like customer export with made-up identifiers, generated from " +
			"data embedded in veil) into DIR and runs the steps of the README walkthrough on it, command by command, exactly " +
			"as a user would, with a reviewed policy written for it (policy.yaml): each step is a veil command whose outputs land in DIR. It prints where each artefact is.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Required: true, Usage: "folder for the demo's inputs and outputs (created if missing)"},
			seedFlag(),
		},
		Action: e.action(func(c *cli.Context) error { return runDemo(c, e) }),
	}
}

// demoStep is one veil command line of the walkthrough.
type demoStep struct {
	what string
	args []string
}

func demoSteps(dir string, seed uint64) []demoStep {
	p := func(name string) string { return filepath.Join(dir, name) }
	s := fmt.Sprint(seed)
	return []demoStep{
		{"demo export (CSV)", []string{"generate", "--rows", fmt.Sprint(demoRows), "--seed", s, "--out", p("customers.csv")}},
		{"the same export as Parquet", []string{"convert", p("customers.csv"), p("customers.parquet")}},
		{"profile and draft policy", []string{"profile", p("customers.csv"), "--out", p("profile.json"), "--html", p("profile.html"),
			"--policy-out", p("policy.draft.yaml"), "--seed", s}},
		{"reviewed policy checked", []string{"policy", "validate", p("policy.yaml"), "--data", p("customers.csv")}},
		{"anonymized export", []string{"anonymize", p("customers.csv"), "--policy", p("policy.yaml"), "--out", p("customers.anon.csv"),
			"--report", p("anon.json"), "--seed", s}},
		{"report on the anonymized export", []string{"report", "--original", p("customers.csv"), "--released", p("customers.anon.csv"),
			"--policy", p("policy.yaml"), "--anon-report", p("anon.json"), "--target", "salary-class",
			"--json", p("report.anon.json"), "--html", p("report.anon.html"), "--seed", s}},
		{"synthetic export and its model", []string{"synth", p("customers.csv"), "--policy", p("policy.yaml"), "--rows", fmt.Sprint(demoRows),
			"--out", p("customers.synth.csv"), "--model-out", p("synth-model.json"), "--seed", s}},
		{"report on the synthetic export", []string{"report", "--original", p("customers.csv"), "--released", p("customers.synth.csv"),
			"--policy", p("policy.yaml"), "--synth-model", p("synth-model.json"), "--target", "salary-class",
			"--json", p("report.synth.json"), "--html", p("report.synth.html"), "--seed", s}},
	}
}

// demoPolicy is the policy a reviewer would make of the draft for the demo
// table: what the walkthrough's "edit the drafted policy" step produces.
const demoPolicy = `# veil demo: the reviewed policy for customers.csv (veil profile drafted
# policy.draft.yaml; this is what a reviewer made of it).
version: 1
description: "Demo: customer export released for model training"
default_action: keep
columns:
  customer_id: {role: identifier, action: tokenize, key_file: demo-hash.key, reason: "record key: consistent tokens keep rows joinable"}
  name:        {role: direct, action: drop}
  email:       {role: direct, action: hash, key_file: demo-hash.key, reason: "joins with the orders table"}
  phone:       {role: direct, action: drop}
  ssn:         {role: direct, action: drop}
  birth_date:  {role: direct, action: drop, reason: "age carries what training needs"}
  # Quasi-identifiers: what an attacker finds in public registers. With
  # marital status and country of birth as well, k = 5 on 5,000 rows would
  # leave age fully generalized: the reviewer kept the three that matter.
  zip:         {role: quasi, action: generalize, reason: "left to the search: masked digit by digit"}
  sex:            {role: quasi, action: generalize, hierarchy: customers_hierarchy_sex.csv}
  age:            {role: quasi, action: generalize, hierarchy: customers_hierarchy_age.csv}
  marital-status: {role: other, action: keep}
  education:      {role: other, action: keep}
  native-country: {role: other, action: keep}
  workclass:      {role: other, action: keep}
  occupation:     {role: other, action: keep}
  race:           {role: sensitive, action: keep}
  salary-class:   {role: sensitive, action: keep}
  income:         {role: sensitive, action: keep}
privacy:
  k: 5
  suppression_limit: 0.05
# What veil report checks before the release may leave (exit 4 or 5 if
# not). The anonymized and the synthetic export are both checked with
# these; k itself is enforced by anonymize.
gates:
  min_quality: 0.9
  max_tvd_2way: 0.1
# Why, for whom and in which setting the export leaves: the report's scope
# section, its recommended controls and its governance section come from
# these two blocks (veil does not act on them).
release:
  purpose: Train and validate a salary-band model
  recipients: [Analytics partner's data science team]
  model: partner
  controls:
    projects: One model-training project, approved by the data review board
    people: Named analysts who signed the data use agreement
    settings: Partner's access-controlled analysis server
    data: Identifiers dropped or pseudonymised; k = 5 over zip, sex and age
    outputs: Model metrics and aggregates only
  attacker: An analyst who knows a person's zip code, sex and age from public registers
  population: 250000
governance:
  reviewer: Data protection officer
  board: Data review board
  policy_version: "demo-1"
  review_every: 12mo
`

// demoKey is the pseudonymisation key of the demo. It is written into the
// demo folder, which is fine for made-up data only: a real key lives in a
// secret store and reaches veil through key_env or key_file.
const demoKey = "veil-demo-key: made-up data only, never use it for real data\n"

// writeDemoInputs writes the reviewed policy, its key file and the
// generalization hierarchies beside the demo table.
func writeDemoInputs(e *env, dir string) error {
	files := map[string][]byte{"policy.yaml": []byte(demoPolicy), "demo-hash.key": []byte(demoKey)}
	for _, col := range []string{"sex", "age"} {
		h, err := gen.Hierarchy(col)
		if err != nil {
			return err
		}
		files["customers_hierarchy_"+col+".csv"] = h
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := e.writeFile(filepath.Join(dir, n), "input", files[n]); err != nil {
			return err
		}
	}
	return nil
}

func runDemo(c *cli.Context, e *env) error {
	dir := c.String("out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("demo folder %s: %v", dir, err)
	}
	if err := writeDemoInputs(e, dir); err != nil {
		return err
	}
	// The steps read the policy and hierarchies: put them in place now.
	// Each step is a run of its own, whose outputs appear when it ends.
	if _, err := e.tx.Commit(); err != nil {
		return outputError(err)
	}
	var made []demoArtefact
	for _, step := range demoSteps(dir, c.Uint64("seed")) {
		var out bytes.Buffer
		args := append([]string{"veil"}, step.args...)
		args = append(args, "--progress", "never", "--log-format", c.String("log-format"), "--log-level", "warn")
		e.log.Info("demo step", "step", step.what, "args", "veil "+strings.Join(step.args, " "))
		code := run(e.ctx, args, e.stdin, &out, e.stderr, nil)
		var sub summary
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sub); err != nil {
			return fmt.Errorf("demo step %q: no summary line", step.what)
		}
		if code != exitOK {
			return &demoError{step: step.what, code: code, msg: sub.Error, cause: statusError(sub.Status)}
		}
		for _, o := range sub.Outputs {
			e.summary.Outputs = append(e.summary.Outputs, o)
			if o.Kind != "manifest" {
				made = append(made, demoArtefact{step.what, o})
			}
		}
	}
	printDemoArtefacts(e.stderr, dir, made)
	return nil
}

// demoArtefact is an output of a demo step.
type demoArtefact struct {
	step string
	out  outputRef
}

// printDemoArtefacts tells the user where each artefact of the demo is, one
// line each, after the steps' logs.
func printDemoArtefacts(w io.Writer, dir string, made []demoArtefact) {
	fmt.Fprintf(w, "\nveil demo: the walkthrough ran in %s (the policy it used: policy.yaml, beside them)\n", dir)
	width := 0
	for _, a := range made {
		width = max(width, len(a.step))
	}
	for _, a := range made {
		rows := ""
		if a.out.Rows != nil {
			rows = fmt.Sprintf(" (%d rows)", *a.out.Rows)
		}
		fmt.Fprintf(w, "  %-*s  %s%s\n", width, a.step, a.out.Path, rows)
	}
	fmt.Fprintf(w, "Open %s and %s in a browser; each step's command line is in the log above, and README.md's "+
		"walkthrough runs the same steps by hand on a table of your own.\n",
		filepath.Join(dir, "report.anon.html"), filepath.Join(dir, "report.synth.html"))
}

// demoError is a failed demo step; it keeps the step's exit code and
// status.
type demoError struct {
	step  string
	code  int
	msg   string
	cause error
}

// statusError stands for a step's summary status when mapping the demo's
// own exit status.
func statusError(status string) error {
	switch status {
	case "gate_failed":
		return &gateError{}
	case "skipped":
		return &skipError{}
	}
	return errors.New(status)
}

func (d *demoError) Error() string { return fmt.Sprintf("demo step %q failed: %s", d.step, d.msg) }
