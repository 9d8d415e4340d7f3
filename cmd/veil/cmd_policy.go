package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newPolicyCommand(e *env) *cli.Command {
	return &cli.Command{Name: "policy", Usage: "validate policies, print their JSON Schema, start from a template",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}
