package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newAnonymizeCommand(e *env) *cli.Command {
	return &cli.Command{Name: "anonymize", Usage: "apply a policy to a table",
		ArgsUsage: "INPUT", Action: e.action(func(*cli.Context) error { return errNotYet })}
}
