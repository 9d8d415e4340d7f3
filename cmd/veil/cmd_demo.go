package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newDemoCommand(e *env) *cli.Command {
	return &cli.Command{Name: "demo", Usage: "run the whole pipeline on demo data embedded in the binary",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}
