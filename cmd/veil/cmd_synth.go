package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newSynthCommand(e *env) *cli.Command {
	return &cli.Command{Name: "synth", Usage: "fit a model of a table and sample new rows",
		ArgsUsage: "INPUT", Action: e.action(func(*cli.Context) error { return errNotYet })}
}
