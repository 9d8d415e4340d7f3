package main

import (
	"bufio"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/internal/gen"
)

func newGenerateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "generate",
		Usage: "generate an Adult-like table with fake identifiers (benchmarks, trials)",
		Description: "generate writes an N-row CSV whose demographic columns are drawn from the UCI Adult extract " +
			"embedded in veil, with made-up identifying columns (customer_id, name, email, phone, ssn, birth_date, zip) " +
			"and an income consistent with salary-class. No value belongs to a real person. The output is a pure " +
			"function of --rows and --seed.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "rows", Value: 10000, Usage: "number of rows"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "output CSV `PATH`"},
			seedFlag(),
		},
		Action: e.action(func(c *cli.Context) error {
			rows := c.Int("rows")
			if rows < 0 {
				return usagef("--rows must not be negative")
			}
			if err := e.checkPaths(runPaths{files: []string{c.String("out")}}); err != nil {
				return err
			}
			f, err := e.tx.Create(c.String("out"))
			if err != nil {
				return outputError(err)
			}
			defer f.Abort()
			w := bufio.NewWriterSize(f, 1<<20)
			if err := gen.WriteContext(e.ctx, w, rows, c.Uint64("seed")); err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			res, err := f.Commit()
			if err != nil {
				return outputError(err)
			}
			e.addOutput(res, "data", int64(rows))
			return nil
		}),
	}
}
