package main

import "github.com/urfave/cli/v2"

// Stub: replaced by the issue that brings this command.
func newReportCommand(e *env) *cli.Command {
	return &cli.Command{Name: "report", Usage: "measure utility and privacy risk of a released table",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}
