package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/synth"
)

func synthFitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "method", Value: synth.MethodAuto, Usage: "auto (graph for categorical-heavy tables, copula for numeric-heavy ones), graph or copula"},
		&cli.Float64Flag{Name: "epsilon", Usage: "fit with (ε, δ)-differential privacy at this `ε` (graph method; noise from a secure source: keep the model)"},
		&cli.Float64Flag{Name: "delta", Usage: "δ of the differential-privacy guarantee (default 1e-9 with --epsilon)"},
		&cli.StringFlag{Name: "policy", Aliases: []string{"p"}, Usage: "policy `FILE`: column roles (direct identifiers are never modelled) and declared domains (hierarchies, bounds)"},
		&cli.IntFlag{Name: "min-count", Value: synth.DefaultMinCount, Usage: "categories seen fewer times are merged into a rare bucket sampled as " + synth.OtherText + " (non-DP fits; code-like columns such as zip codes are modelled by a prefix instead when too many rows would be rare, sampled masked: 17***)"},
		&cli.IntFlag{Name: "max-categories", Value: synth.DefaultMaxCategories, Usage: "categories kept per column at most"},
		&cli.IntFlag{Name: "bins", DefaultText: "16, 8 with --epsilon", Usage: "bins of a numeric column in the joint model"},
		&cli.IntFlag{Name: "max-clique", DefaultText: "2, 3 with --epsilon", Usage: "largest marginal the graph model measures: 2 or 3 columns"},
	}
}

func synthSampleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Int64Flag{Name: "rows", Aliases: []string{"n"}, Usage: "number of rows to sample (required)"},
		&cli.StringSliceFlag{Name: "where", Usage: "sample only rows with `COL=VALUE` (a categorical column; repeatable): exact conditional sampling"},
	}
}

func newSynthCommand(e *env) *cli.Command {
	both := []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output table `PATH` (.csv, .parquet, or a folder of parts); required"},
		&cli.StringFlag{Name: "model-out", Usage: "also write the fitted model to `PATH` (JSON)"},
		seedFlag(),
	}
	both = append(both, synthFitFlags()...)
	both = append(both, synthSampleFlags()...)
	both = append(both, inputFlags()...)
	both = append(both, outputFlags()...)
	both = append(both, manifestFlags()...)
	both = append(both, reportFlags()...)
	return &cli.Command{
		Name:      "synth",
		Usage:     "fit a model of a table and sample new rows, with or without differential privacy",
		ArgsUsage: "INPUT --rows N --out OUT  |  fit INPUT --out MODEL  |  sample MODEL --rows N --out OUT",
		Description: "synth INPUT --rows N --out OUT fits a model of INPUT and samples N new rows from it (synth fit then " +
			"synth sample in one run). The model (JSON, schema " + synth.ModelSchema + ") holds aggregate statistics only " +
			"(category frequencies, bins, marginals of a few columns, or a correlation matrix), never a row and never a " +
			"value of an identifying column; its size depends on the columns' domains, not on the rows.\n\n" +
			"Direct identifiers (policy role direct, or detected) are never modelled: they are regenerated as fake values " +
			"of the same entity from embedded lists and reserved ranges, or dropped. A detected date of birth is the " +
			"exception: it is modelled as a quasi-identifier (its distribution, never its values) unless the policy gives " +
			"it role direct. Identifier columns become fresh unique keys, longer than every input key. Integers stay " +
			"integers, decimals keep their number of decimals, values stay within the column's range (under --epsilon a " +
			"range found with DP, which can be wider), dates stay dates, nulls keep their share.\n\n" +
			"With --epsilon the graph model is fitted with (ε, δ)-differential privacy (AIM-style selection of marginals, " +
			"Gaussian noise from google/differential-privacy, zero-concentrated accounting). Sampling from a saved model is " +
			"deterministic under --seed and spends no budget; fitting again spends it again, so keep the model. " +
			"An INPUT literally named fit or sample must be written ./fit or ./sample.",
		Flags:  both,
		Action: e.tracked(e.named("synth", synthSpec), func(c *cli.Context) error { return runSynth(c, e) }),
		Subcommands: []*cli.Command{
			newSynthFitCommand(e),
			newSynthSampleCommand(e),
		},
	}
}

func newSynthFitCommand(e *env) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "model `PATH` (JSON); required"},
		seedFlag(),
	}
	flags = append(flags, synthFitFlags()...)
	flags = append(flags, inputFlags()...)
	flags = append(flags, manifestFlags()...)
	return &cli.Command{
		Name:      "fit",
		Usage:     "fit a model of a table (the artefact to keep)",
		ArgsUsage: "INPUT",
		Description: "fit reads INPUT twice (three or four times with --epsilon), with memory bounded by the columns' " +
			"domains, and writes the model. Without --epsilon the model holds exact aggregates of INPUT (categories seen " +
			"fewer than --min-count times merged); with --epsilon it is (ε, δ)-differentially private, and its privacy " +
			"section records ε, δ, ρ and how the budget was split. A DP fit draws new noise every time: its manifest makes " +
			"a re-run reuse the model unless --new-release.",
		Flags:  flags,
		Action: e.tracked(e.named("synth fit", synthFitSpec), func(c *cli.Context) error { return runSynthFit(c, e) }),
	}
}

func newSynthSampleCommand(e *env) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output table `PATH` (.csv, .parquet, or a folder of parts); required"},
		seedFlag(),
	}
	flags = append(flags, synthSampleFlags()...)
	flags = append(flags, outputFlags()...)
	flags = append(flags, manifestFlags()...)
	return &cli.Command{
		Name:      "sample",
		Usage:     "sample rows from a model",
		ArgsUsage: "MODEL",
		Description: "sample draws --rows rows from MODEL: the same model, rows, conditions and --seed give a byte-identical " +
			"output. --where COL=VALUE fixes a categorical column: the graph model samples exactly from the conditional " +
			"distribution, the copula from the conditional normal. Sampling a DP model spends no privacy budget.",
		Flags:  flags,
		Action: e.tracked(e.named("synth sample", synthSampleSpec), func(c *cli.Context) error { return runSynthSample(c, e) }),
	}
}

var (
	fitParams    = []string{"method", "epsilon", "delta", "min-count", "max-categories", "bins", "max-clique", "in-format", "delimiter", "null", "lazy-quotes", "no-header", "type", "infer-rows"}
	sampleParams = []string{"rows", "where", "format", "out-delimiter", "out-null", "crlf", "compression"}
)

// named sets the summary's command name (urfave/cli gives a subcommand
// only its own name) before spec runs, so that summaries and manifests say
// "synth fit" rather than "fit".
func (e *env) named(name string, spec func(*cli.Context) (runSpec, error)) func(*cli.Context) (runSpec, error) {
	return func(c *cli.Context) (runSpec, error) {
		if e.summary.Command != name {
			e.summary.Command = name
			e.log = e.log.With("command", name)
		}
		return spec(c)
	}
}

func synthSpec(c *cli.Context) (runSpec, error) {
	if c.NArg() != 1 {
		return runSpec{}, nil
	}
	return runSpec{out: c.String("out"), inputs: []string{c.Args().Get(0)}, policy: c.String("policy"),
		params: sortedParams(c, append(append([]string{"model-out", "report-json", "report-html", "report-holdout", "report-target"}, fitParams...), sampleParams...)...)}, nil
}

func synthFitSpec(c *cli.Context) (runSpec, error) {
	if c.NArg() != 1 {
		return runSpec{}, nil
	}
	return runSpec{out: c.String("out"), inputs: []string{c.Args().Get(0)}, policy: c.String("policy"), params: sortedParams(c, fitParams...)}, nil
}

func synthSampleSpec(c *cli.Context) (runSpec, error) {
	if c.NArg() != 1 {
		return runSpec{}, nil
	}
	return runSpec{out: c.String("out"), inputs: []string{c.Args().Get(0)}, params: sortedParams(c, sampleParams...)}, nil
}

// fitOptions reads the fit flags.
func fitOptions(c *cli.Context, e *env) (*synth.Options, *policies.Policy, error) {
	o := &synth.Options{
		Method: c.String("method"), Epsilon: c.Float64("epsilon"), Delta: c.Float64("delta"), Seed: c.Uint64("seed"),
		MinCount: c.Int("min-count"), MaxCategories: c.Int("max-categories"), Bins: c.Int("bins"), MaxClique: c.Int("max-clique"),
	}
	if c.IsSet("epsilon") && o.Epsilon <= 0 {
		return nil, nil, usagef("--epsilon must be positive")
	}
	if c.IsSet("min-count") && o.MinCount < 1 || c.IsSet("max-categories") && o.MaxCategories < 1 || c.IsSet("bins") && o.Bins < 1 {
		return nil, nil, usagef("--min-count, --max-categories and --bins must be positive")
	}
	var pol *policies.Policy
	if path := c.String("policy"); path != "" {
		p, err := e.parsePolicy(path)
		if err != nil {
			return nil, nil, err
		}
		pol = p
		o.Policy = p
		if max := p.Privacy; max != nil && max.MaxEpsilon > 0 && o.Epsilon > max.MaxEpsilon {
			return nil, nil, usagef("--epsilon %g is above the policy's max_epsilon %g", o.Epsilon, max.MaxEpsilon)
		}
	}
	return o, pol, nil
}

// fitModel fits the model of input with the command's flags.
func fitModel(c *cli.Context, e *env, in string) (*synth.Model, error) {
	o, pol, err := fitOptions(c, e)
	if err != nil {
		return nil, err
	}
	ropt, err := readerOptions(c)
	if err != nil {
		return nil, err
	}
	pass := 0
	var prog *progress
	open := func() (dataset.Reader, error) {
		var r dataset.Reader
		var err error
		if pass == 0 {
			r, err = e.openInput(c, in)
		} else {
			r, err = dataset.Open(in, ropt)
			if err != nil {
				err = &inputError{err}
			}
		}
		if err != nil {
			return nil, err
		}
		if pol != nil && pass == 0 {
			if err := policies.Validate(pol, r.Schema()); err != nil {
				r.Close()
				return nil, err
			}
		}
		pass++
		if prog != nil {
			prog.Done()
		}
		prog = e.newProgress("synth fit", r)
		return r, nil
	}
	o.Tick = func() {
		if prog != nil {
			prog.Tick()
		}
	}
	m, err := synth.Fit(e.ctx, open, o)
	if prog != nil {
		prog.Done()
	}
	if err != nil {
		if errors.Is(err, synth.ErrNoRows) {
			return nil, &inputError{err}
		}
		return nil, err
	}
	if m.Privacy.DifferentialPrivacy {
		e.dp = &manifestDP{Epsilon: m.Privacy.Epsilon, Delta: m.Privacy.Delta}
	}
	e.detail("method", m.Method)
	e.detail("model", m.Describe())
	treat := map[string][]string{}
	for _, col := range m.Columns {
		treat[col.Treatment] = append(treat[col.Treatment], col.Name)
	}
	e.detail("columns", treat)
	if m.Privacy.DifferentialPrivacy {
		e.detail("differential_privacy", map[string]any{"epsilon": m.Privacy.Epsilon, "delta": m.Privacy.Delta, "rho": m.Privacy.Rho})
	}
	e.log.Info("fitted", "model", m.Describe(), "passes", m.Settings.Passes)
	return m, nil
}

// sampleModel writes rows sampled from m to out.
func sampleModel(c *cli.Context, e *env, m *synth.Model, out string) error {
	if !c.IsSet("rows") {
		return usagef("--rows is required")
	}
	rows := c.Int64("rows")
	if rows < 0 {
		return usagef("--rows must not be negative")
	}
	var where []synth.Condition
	for _, w := range c.StringSlice("where") {
		cond, err := synth.ParseCondition(w)
		if err != nil {
			return err
		}
		where = append(where, cond)
	}
	wopt, err := writerOptions(c)
	if err != nil {
		return err
	}
	t, err := e.createTable(out, m.OutputSchema(), wopt)
	if err != nil {
		return err
	}
	defer t.Abort()
	n, err := m.Sample(e.ctx, t, synth.SampleOptions{Rows: rows, Seed: c.Uint64("seed"), Where: where})
	if err != nil {
		return err
	}
	e.detail("rows_sampled", n)
	return t.Commit()
}

func runSynthFit(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("synth fit needs one INPUT, got %d arguments", c.NArg())
	}
	in, out := c.Args().Get(0), c.String("out")
	if out == "" {
		return usagef("--out is required: the model file to write")
	}
	if err := e.checkPaths(runPaths{files: []string{out}, inputs: []string{in}, policy: c.String("policy"), primary: out}); err != nil {
		return err
	}
	m, err := fitModel(c, e, in)
	if err != nil {
		return err
	}
	data, err := m.MarshalIndent()
	if err != nil {
		return err
	}
	return e.writeFile(out, "model", data)
}

func runSynthSample(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("synth sample needs one MODEL, got %d arguments", c.NArg())
	}
	in, out := c.Args().Get(0), c.String("out")
	if out == "" {
		return usagef("--out is required")
	}
	if err := e.checkPaths(runPaths{tables: []string{out}, inputs: []string{in}, primary: out}); err != nil {
		return err
	}
	m, err := synth.ReadModel(in)
	if err != nil {
		return err
	}
	e.summary.Inputs = append(e.summary.Inputs, inputRef{Path: in})
	e.detail("model", m.Describe())
	return sampleModel(c, e, m, out)
}

func runSynth(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("synth needs one INPUT (or a subcommand: fit, sample), got %d arguments", c.NArg())
	}
	in, out, modelOut := c.Args().Get(0), c.String("out"), c.String("model-out")
	if out == "" {
		return usagef("--out is required")
	}
	if !c.IsSet("rows") {
		return usagef("--rows is required")
	}
	if err := e.checkPaths(runPaths{tables: []string{out}, files: []string{modelOut, c.String("report-json"), c.String("report-html")},
		inputs: []string{in, c.String("report-holdout")}, policy: c.String("policy"), primary: out}); err != nil {
		return err
	}
	m, err := fitModel(c, e, in)
	if err != nil {
		return err
	}
	// Sample from the model as a saved file holds it, so that this run's
	// rows equal those of synth fit followed by synth sample.
	data, err := m.MarshalIndent()
	if err != nil {
		return err
	}
	if m, err = synth.ParseModel(data); err != nil {
		return err
	}
	if err := sampleModel(c, e, m, out); err != nil {
		return err
	}
	if modelOut != "" {
		if err := e.writeFile(modelOut, "model", data); err != nil {
			return err
		}
	}
	var pol *policies.Policy
	if c.String("policy") != "" {
		pol, _ = policies.Parse(c.String("policy"))
	}
	if modelOut != "" {
		data = nil // the report reads the file, and names it
	}
	return e.reportAfter(c, in, out, pol, nil, modelOut, data)
}
