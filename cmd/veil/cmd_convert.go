package main

import (
	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/dataset"
)

func newConvertCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "convert a table between CSV and Parquet",
		ArgsUsage: "IN OUT",
		Description: "convert reads IN and writes OUT, streaming: memory does not grow with rows. The formats come " +
			"from the extensions (.csv, .tsv, .parquet) unless --in-format or --format say otherwise. Values keep " +
			"their text (zip 01234 stays 01234); column kinds are inferred from the first rows or declared with --type.",
		Flags:  append(append(inputFlags(), outputFlags()...), manifestFlags()...),
		Action: e.tracked(convertSpec, func(c *cli.Context) error { return runConvert(c, e) }),
	}
}

func convertSpec(c *cli.Context) (runSpec, error) {
	if c.NArg() != 2 {
		return runSpec{}, nil // runConvert reports the usage error
	}
	return runSpec{out: c.Args().Get(1), inputs: []string{c.Args().Get(0)},
		params: sortedParams(c, "in-format", "delimiter", "null", "lazy-quotes", "no-header", "type", "infer-rows",
			"format", "out-delimiter", "out-null", "crlf", "compression")}, nil
}

func runConvert(c *cli.Context, e *env) error {
	if c.NArg() != 2 {
		return usagef("convert needs IN and OUT, got %d arguments", c.NArg())
	}
	in, out := c.Args().Get(0), c.Args().Get(1)
	if err := e.checkPaths(runPaths{tables: []string{out}, inputs: []string{in}, primary: out}); err != nil {
		return err
	}
	wopt, err := writerOptions(c)
	if err != nil {
		return err
	}
	r, err := e.openInput(c, in)
	if err != nil {
		return err
	}
	r = dataset.ReadAhead(r) // parse on one core, write on the other
	defer r.Close()
	t, err := e.createTable(out, r.Schema(), wopt)
	if err != nil {
		return err
	}
	defer t.Abort()
	p := e.newProgress("convert", r)
	if _, err := dataset.Pipe(e.ctx, r, t, nil, p.Tick); err != nil {
		return err
	}
	p.Done()
	return t.Commit()
}
