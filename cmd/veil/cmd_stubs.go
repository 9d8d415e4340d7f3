package main

import "github.com/urfave/cli/v2"

// Commands whose work later issues bring. Each moves to its own file.

func newProfileCommand(e *env) *cli.Command {
	return &cli.Command{Name: "profile", Usage: "find identifiers, quasi-identifiers and sensitive columns; draft a policy",
		ArgsUsage: "INPUT", Action: e.action(func(*cli.Context) error { return errNotYet })}
}

func newPolicyCommand(e *env) *cli.Command {
	return &cli.Command{Name: "policy", Usage: "validate policies, print their JSON Schema, start from a template",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}

func newAnonymizeCommand(e *env) *cli.Command {
	return &cli.Command{Name: "anonymize", Usage: "apply a policy to a table",
		ArgsUsage: "INPUT", Action: e.action(func(*cli.Context) error { return errNotYet })}
}

func newSynthCommand(e *env) *cli.Command {
	return &cli.Command{Name: "synth", Usage: "fit a model of a table and sample new rows",
		ArgsUsage: "INPUT", Action: e.action(func(*cli.Context) error { return errNotYet })}
}

func newReportCommand(e *env) *cli.Command {
	return &cli.Command{Name: "report", Usage: "measure utility and privacy risk of a released table",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}

func newDemoCommand(e *env) *cli.Command {
	return &cli.Command{Name: "demo", Usage: "run the whole pipeline on demo data embedded in the binary",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}

func newGenerateCommand(e *env) *cli.Command {
	return &cli.Command{Name: "generate", Usage: "generate an Adult-like table with fake identifiers (benchmarks, trials)",
		Action: e.action(func(*cli.Context) error { return errNotYet })}
}
