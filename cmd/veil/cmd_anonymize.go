package main

import (
	"encoding/json"
	"math/rand/v2"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/anonymize"
	"github.com/veil-data/veil/dataset"
)

func newAnonymizeCommand(e *env) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "policy", Aliases: []string{"p"}, Required: true, Usage: "policy `FILE` (YAML; see `veil policy schema` and docs/policies.md)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "output table `PATH` (.csv, .parquet, or a folder of parts)"},
		&cli.StringFlag{Name: "report", Usage: "also write the JSON report (schema veil.anonymize/v1) to `PATH`"},
		seedFlag(),
	}
	flags = append(flags, inputFlags()...)
	flags = append(flags, outputFlags()...)
	flags = append(flags, manifestFlags()...)
	flags = append(flags, reportFlags()...)
	return &cli.Command{
		Name:      "anonymize",
		Usage:     "apply a policy to a table",
		ArgsUsage: "INPUT",
		Description: "anonymize applies the policy's column actions (keep, drop, suppress, hash, tokenize, mask, redact, " +
			"generalize, noise, shift_date) to INPUT and writes OUT, streaming and in row order: memory does not grow " +
			"with rows. With a privacy model in the policy (privacy.k, l_diversity, t_closeness) it makes two passes: " +
			"the privacy search sees the quasi-identifiers, then the output is written with its generalization and " +
			"without the rows it suppresses; an input whose records fit in 64 MiB is kept in memory between them " +
			"(read once), a larger one is read twice.\n\n" +
			"Keys for hash, tokenize and shift_date come from the environment variable named by key_env or the file " +
			"named by key_file, never from the policy; a missing key is an error (exit 2). The same input, policy, keys " +
			"and --seed give a byte-identical output, except for differential-privacy noise, which is drawn from a " +
			"secure source and never reproducible: a noised output is a release to keep (its manifest makes a re-run " +
			"reuse it unless --new-release).\n\n" +
			"The report names per column the action, its parameters, the WP29 technique class, the key's ID (never " +
			"the key) and counts; never a value of the data.",
		Flags:  flags,
		Action: e.tracked(anonymizeSpec, func(c *cli.Context) error { return runAnonymize(c, e) }),
	}
}

func anonymizeSpec(c *cli.Context) (runSpec, error) {
	if c.NArg() != 1 {
		return runSpec{}, nil // runAnonymize reports the usage error
	}
	return runSpec{out: c.String("out"), inputs: []string{c.Args().Get(0)}, policy: c.String("policy"), keys: true,
		params: sortedParams(c, "in-format", "delimiter", "null", "lazy-quotes", "no-header", "type", "infer-rows",
			"format", "out-delimiter", "out-null", "crlf", "compression", "report",
			"report-json", "report-html", "report-holdout", "report-target")}, nil
}

func runAnonymize(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("anonymize needs one INPUT, got %d arguments", c.NArg())
	}
	in, out, reportPath := c.Args().Get(0), c.String("out"), c.String("report")
	if err := e.checkPaths(runPaths{tables: []string{out}, files: []string{reportPath, c.String("report-json"), c.String("report-html")},
		inputs: []string{in, c.String("report-holdout")}, policy: c.String("policy"), primary: out}); err != nil {
		return err
	}
	p, err := e.parsePolicy(c.String("policy"))
	if err != nil {
		return err
	}
	wopt, err := writerOptions(c)
	if err != nil {
		return err
	}
	ropt, err := readerOptions(c)
	if err != nil {
		return err
	}
	seed := c.Uint64("seed")
	var progress *progress
	opened := false
	open := func() (dataset.Reader, error) {
		if !opened {
			opened = true
			r, err := e.openInput(c, in)
			if err == nil {
				progress = e.newProgress("anonymize", r)
			}
			return r, err
		}
		r, err := dataset.Open(in, ropt)
		if err != nil {
			return nil, &inputError{err}
		}
		return r, nil
	}
	var t *tableOut
	defer func() {
		if t != nil {
			t.Abort()
		}
	}()
	create := func(s dataset.Schema) (dataset.Writer, error) {
		var err error
		t, err = e.createTable(out, s, wopt)
		return t, err
	}
	opt := &anonymize.Options{
		Rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		Tick: func() {
			if progress != nil {
				progress.Tick()
			}
		},
	}
	rep, err := anonymize.Apply(e.ctx, p, open, create, opt)
	if err != nil {
		return err
	}
	if progress != nil {
		progress.Done()
	}
	if err := t.Commit(); err != nil {
		return err
	}
	o := e.summary.Outputs[len(e.summary.Outputs)-1]
	rep.Output.Path, rep.Output.SHA256 = o.Path, o.SHA256
	rep.Input.Path = in
	rep.VeilVersion = veilVersion()
	rep.Seed = &seed
	if e.inputHashes != nil {
		if ins, pol, herr := e.inputHashes(); herr == nil {
			if len(ins) > 0 {
				rep.Input.SHA256 = ins[0].SHA256
			}
			if pol != nil && pol.SHA256 != p.SHA256 {
				e.log.Warn("the policy file changed while veil ran; the report gives the hash of the version applied")
			}
		}
	}
	rows := rep.RowsIn
	e.summary.Inputs[0].Rows = &rows
	if dp := rep.DifferentialPrivacy; dp != nil {
		e.dp = &manifestDP{Epsilon: dp.Epsilon, Delta: dp.Delta}
		e.detail("epsilon", dp.Epsilon)
	}
	e.detail("rows_in", rep.RowsIn)
	e.detail("rows_out", rep.RowsOut)
	e.detail("rows_suppressed", rep.RowsSuppressed)
	e.detail("policy_sha256", p.SHA256)
	if reportPath != "" {
		data, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := e.writeFile(reportPath, "report", append(data, '\n')); err != nil {
			return err // the run's outputs are then all removed, an earlier release left as it was
		}
		e.summary.Report = reportPath
	}
	// --report-json / --report-html: the veil report of this release.
	return e.reportAfter(c, in, o.Path, p, rep, "", nil)
}
