package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newProfileCommand(e *env) *cli.Command {
	return &cli.Command{Name: "profile", Usage: "find identifiers, quasi-identifiers and sensitive columns; draft a policy",
		ArgsUsage: "INPUT", Action: e.action(func(*cli.Context) error { return errNotYet })}
}
