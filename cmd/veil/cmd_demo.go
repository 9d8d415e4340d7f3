package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
)

// demoRows is the size of the demo table: large enough for k-anonymity and
// synthesis to mean something, small enough to run in seconds.
const demoRows = 5000

func newDemoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the whole pipeline on demo data embedded in the binary",
		Description: "demo writes a demo table (an Adult-like customer export with made-up identifiers, generated from " +
			"data embedded in veil) into DIR and runs the README walkthrough on it, command by command, exactly as a user " +
			"would: each step is a veil command whose outputs land in DIR. It prints where each artefact is.",
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
	}
}

func runDemo(c *cli.Context, e *env) error {
	dir := c.String("out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("demo folder %s: %v", dir, err)
	}
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
			fmt.Fprintf(e.stderr, "  %-28s %s\n", step.what, o.Path)
		}
	}
	return nil
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
