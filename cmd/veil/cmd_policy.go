package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/policies"
)

func newPolicyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "policy",
		Usage: "validate policies, print their JSON Schema, start from a template",
		Description: "A policy is a YAML file that says what happens to each column of a table (docs/policies.md). " +
			"`veil policy validate` checks one, `veil policy schema` prints the JSON Schema editors use to check it as " +
			"you type, `veil policy init` writes a starting policy from a template.",
		Subcommands: []*cli.Command{
			{
				Name:      "validate",
				Usage:     "check a policy file (and that it fits a data file)",
				ArgsUsage: "FILE",
				Description: "validate reads FILE and reports every problem with its file:line:column: unknown keys (with a " +
					"did-you-mean hint), wrong types, unquoted numbers with leading zeros, parameters that do not belong to " +
					"the action, missing parameters, secrets written into the policy, hierarchies that do not load, a " +
					"differential-privacy budget above privacy.max_epsilon. With --data it also checks the policy against " +
					"the data's columns and kinds. It exits 0 when the policy is valid, 2 otherwise.",
				Flags:  append([]cli.Flag{&cli.StringFlag{Name: "data", Usage: "check the policy against the columns of the table at `PATH`"}}, inputFlags()...),
				Action: e.action(func(c *cli.Context) error { return runPolicyValidate(c, e) }),
			},
			{
				Name:  "schema",
				Usage: "print the policy JSON Schema (draft 2020-12)",
				Description: "schema prints the JSON Schema of policy files, for editors: save it with --out policy.schema.json and " +
					"put `# yaml-language-server: $schema=policy.schema.json` at the top of a policy. Without --out the " +
					"schema goes to stdout and the summary line to stderr.",
				Flags:  []cli.Flag{&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the schema to `PATH` instead of stdout"}},
				Action: e.action(func(c *cli.Context) error { return runPolicySchema(c, e) }),
			},
			{
				Name:  "init",
				Usage: "write a starting policy from a template",
				Description: "init writes a policy from a built-in template: " + templateList() + ". With --data every column " +
					"of the table gets an entry: the template's rule for the identifier its name (or its kind, for dates) " +
					"reveals, or keep with a `review` note. Review the result before use. An existing file is not " +
					"overwritten without --force.",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "template", Aliases: []string{"t"}, Required: true, Usage: "template `NAME`: " + strings.Join(policies.TemplateNames(), ", ")},
					&cli.StringFlag{Name: "data", Usage: "fit the template to the columns of the table at `PATH`"},
					&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "policy file to write"},
					&cli.BoolFlag{Name: "force", Usage: "overwrite an existing policy file"},
				}, inputFlags()...),
				Action: e.action(func(c *cli.Context) error { return runPolicyInit(c, e) }),
			},
		},
	}
}

func templateList() string {
	var parts []string
	for _, t := range policies.Templates {
		parts = append(parts, t.Name+" ("+t.Title+")")
	}
	return strings.Join(parts, ", ")
}

func runPolicyValidate(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("policy validate needs one FILE, got %d arguments", c.NArg())
	}
	// Nothing but --summary-file and --termination-log is written.
	if err := e.checkPaths(runPaths{inputs: []string{c.String("data")}, policy: c.Args().Get(0)}); err != nil {
		return err
	}
	p, err := policies.Parse(c.Args().Get(0))
	if err != nil {
		return err
	}
	e.detail("policy_sha256", p.SHA256)
	e.detail("columns", len(p.Columns))
	if eps, delta := p.Budget(); eps > 0 {
		e.detail("epsilon", eps)
		if delta > 0 {
			e.detail("delta", delta)
		}
	}
	if data := c.String("data"); data != "" {
		r, err := e.openInput(c, data)
		if err != nil {
			return err
		}
		defer r.Close()
		if err := policies.Validate(p, r.Schema()); err != nil {
			return err
		}
		e.detail("data_columns", r.Schema().Len())
	}
	for _, col := range p.Columns {
		if col.KeyEnv != "" {
			if _, ok := os.LookupEnv(col.KeyEnv); !ok {
				// Parse refuses a key_env that is no variable name or looks like
				// a key; never log one that might be the secret all the same.
				if policies.ValidEnvName(col.KeyEnv) && !policies.LooksLikeKey(col.KeyEnv) {
					e.log.Warn("key environment variable not set: veil anonymize will need it", "column", col.Name, "key_env", col.KeyEnv)
				} else {
					e.log.Warn("key environment variable not set: veil anonymize will need it (its name is not shown: it looks like a key)", "column", col.Name)
				}
			}
		}
	}
	return nil
}

func runPolicySchema(c *cli.Context, e *env) error {
	if c.NArg() != 0 {
		return usagef("policy schema takes no arguments")
	}
	if err := e.checkPaths(runPaths{files: []string{c.String("out")}}); err != nil {
		return err
	}
	schema := policies.JSONSchema()
	if out := c.String("out"); out != "" {
		return e.writeFile(out, "schema", schema)
	}
	e.summaryToStderr = true
	_, err := e.stdout.Write(schema)
	return err
}

func runPolicyInit(c *cli.Context, e *env) error {
	if c.NArg() != 0 {
		return usagef("policy init takes no arguments (use --template, --data and --out)")
	}
	t := policies.LookupTemplate(c.String("template"))
	if t == nil {
		return usagef("unknown template %q: want one of %s", c.String("template"), strings.Join(policies.TemplateNames(), ", "))
	}
	out := c.String("out")
	if err := e.checkPaths(runPaths{files: []string{out}, inputs: []string{c.String("data")}}); err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil && !c.Bool("force") {
		return usagef("%s exists: veil does not overwrite a policy without --force", out)
	}
	var text []byte
	if data := c.String("data"); data != "" {
		r, err := e.openInput(c, data)
		if err != nil {
			return err
		}
		schema := r.Schema()
		r.Close()
		text = t.Render(&schema)
		// The written policy must be one veil accepts for this data.
		p, err := policies.ParseBytes(text, out)
		if err == nil {
			err = policies.Validate(p, schema)
		}
		if err != nil {
			return fmt.Errorf("template %s does not fit %s (please report this): %w", t.Name, data, err)
		}
		e.detail("data_columns", schema.Len())
	} else {
		text = t.Render(nil)
	}
	e.detail("template", t.Name)
	return e.writeFile(out, "policy", text)
}
