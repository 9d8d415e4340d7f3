package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newGenerateCommand(e *env) *cli.Command {
	return &cli.Command{Name: "generate", Usage: "generate an Adult-like table with fake identifiers (benchmarks, trials)",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}
