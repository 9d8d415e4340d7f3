package main

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/profile"
	"github.com/veil-data/veil/report"
)

func newReportCommand(e *env) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "original", Usage: "`PATH` of the real table the release was made from (for synthetic data: the training table); required"},
		&cli.StringFlag{Name: "released", Usage: "`PATH` of the anonymized or synthetic table; required"},
		&cli.StringFlag{Name: "holdout", Usage: "`PATH` of real rows kept out of the release: enables DCR overfitting protection and an honest TSTR"},
		&cli.StringFlag{Name: "policy", Usage: "policy `FILE` the release was made with: roles, treatment, gates"},
		&cli.StringFlag{Name: "anon-report", Usage: "JSON report `FILE` of veil anonymize --report"},
		&cli.StringFlag{Name: "synth-model", Usage: "model `FILE` of veil synth fit"},
		&cli.StringFlag{Name: "previous-report", Usage: "JSON report `FILE` of the previous release: the governance section shows how the policy changed since"},
		&cli.StringFlag{Name: "profile", Usage: "take column roles from a veil profile output `FILE` when neither policy nor anonymize report gives them"},
		&cli.StringFlag{Name: "target", Usage: "column `COL` that TSTR predicts; empty skips TSTR"},
		&cli.StringSliceFlag{Name: "quasi", Usage: "quasi-identifier `COL` (repeatable or comma-separated; overrides policy and detection)"},
		&cli.StringSliceFlag{Name: "sensitive", Usage: "sensitive `COL` (repeatable or comma-separated)"},
		&cli.StringSliceFlag{Name: "direct", Usage: "direct identifier `COL`: left out of every measure, its values only hashed in memory to check the release holds none (repeatable or comma-separated)"},
		&cli.StringFlag{Name: "json", Usage: "write the report as JSON to `PATH` (schema veil.report/v1)"},
		&cli.StringFlag{Name: "html", Usage: "write the report as a self-contained HTML page to `PATH`"},
		&cli.IntFlag{Name: "sample-rows", Value: 1000, Usage: "released rows sampled for the quadratic distance measures (DCR, NNDR)"},
		&cli.IntFlag{Name: "reference-rows", Value: 50_000, Usage: "real rows the distance measures search at most (a seeded sample beyond)"},
		&cli.IntFlag{Name: "max-rows", Value: 1_000_000, Usage: "rows of each table held in memory at most (a seeded uniform sample beyond; the report says so)"},
		seedFlag(),
	}
	flags = append(flags, inputFlags()...)
	return &cli.Command{
		Name:  "report",
		Usage: "measure utility and privacy risk of a released table, as JSON and as an HTML page",
		Description: "report compares a released table (anonymized or synthetic) with the original it was made from, in the " +
			"order of a compliance review: executive summary (gates, privacy figures that miss their targets, the formal " +
			"guarantee if any), provenance, scope and release context (the policy's release block), data inventory (detector " +
			"evidence as counts, GDPR Art. 9 flags, HIPAA letters), treatment, privacy risk for each WP29 risk (singling out: " +
			"class sizes, prosecutor risk and risk bands, sample uniques, exact copies; linkability: DCR, NNDR, overfitting, " +
			"linkage simulation; inference: l-diversity, homogeneity, CAP, t-closeness; for synthetic releases Anonymeter's " +
			"singling-out, linkability and inference attacks and, with --holdout, membership inference; the differential-privacy " +
			"budget with noise scales and 95% intervals), the ICO motivated-intruder test, utility (column shapes, pair trends, " +
			"1-, 2-, 3-way marginal distances, train-on-released/test-on-real), a HIPAA Safe Harbor annex, limitations with " +
			"recommended controls, governance (the policy's governance block; with --previous-report the policy diff) and an " +
			"appendix (the policy as used, formulas, dependencies, how to reproduce). Column roles come from " +
			"--quasi/--sensitive/--direct, else the policy, else the anonymize report, else the synth model, else --profile, else " +
			"veil's detection on the original. The policy's gates block sets PASS/FAIL thresholds: the report is written first, " +
			"then a failed privacy gate exits 4 and a failed utility gate 5.",
		Flags: flags,
		Action: e.action(func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("report takes no positional argument (got %q): use --original and --released", c.Args().First())
			}
			req := reportRequest{
				original: c.String("original"), released: c.String("released"), holdout: c.String("holdout"),
				policyPath: c.String("policy"), anonReport: c.String("anon-report"), synthModel: c.String("synth-model"),
				profilePath: c.String("profile"), target: c.String("target"), previousReport: c.String("previous-report"),
				quasi: splitList(c.StringSlice("quasi")), sensitive: splitList(c.StringSlice("sensitive")), direct: splitList(c.StringSlice("direct")),
				jsonPath: c.String("json"), htmlPath: c.String("html"),
				sampleRows: c.Int("sample-rows"), referenceRows: c.Int("reference-rows"), maxRows: c.Int("max-rows"),
				addInputs: true,
			}
			switch {
			case req.original == "" && req.released == "":
				return usagef("--original and --released are required")
			case req.original == "":
				return usagef("--original is required")
			case req.released == "":
				return usagef("--released is required")
			case req.jsonPath == "" && req.htmlPath == "":
				return usagef("nothing to write: give --json PATH, --html PATH or both")
			case req.sampleRows <= 0 || req.referenceRows <= 0 || req.maxRows <= 0:
				return usagef("--sample-rows, --reference-rows and --max-rows must be positive")
			}
			return e.writeReport(c, req)
		}),
	}
}

// reportRequest is a report to make: by veil report, or by veil anonymize
// and veil synth for their --report-json / --report-html flags.
type reportRequest struct {
	original, released, holdout string
	// policy, when set, is used instead of parsing policyPath.
	policy                                          *policies.Policy
	policyPath, anonReport, synthModel, profilePath string
	// anonReportJSON is the anonymize report made in the same run, and
	// synthModelJSON the synth model (when --model-out does not keep it).
	anonReportJSON, synthModelJSON     []byte
	previousReport                     string
	target                             string
	quasi, sensitive, direct           []string
	jsonPath, htmlPath                 string
	sampleRows, referenceRows, maxRows int
	// addInputs records the tables as inputs in the summary (veil report);
	// anonymize and synth have already recorded theirs.
	addInputs bool
}

// reportFlags are the flags veil anonymize and veil synth add to write the
// report of their output in the same run.
func reportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "report-json", Usage: "also write a veil report (utility and privacy risk, schema veil.report/v1) of the output to `PATH`"},
		&cli.StringFlag{Name: "report-html", Usage: "also write the veil report as a self-contained HTML page to `PATH`"},
		&cli.StringFlag{Name: "report-holdout", Usage: "real rows kept out of the release, for the report (`PATH`)"},
		&cli.StringFlag{Name: "report-target", Usage: "column the report's TSTR predicts (`COL`)"},
		&cli.StringFlag{Name: "report-previous", Usage: "JSON report `FILE` of the previous release, for the report's policy diff"},
	}
}

// reportAfter writes the veil report of a command's output when its
// --report-json or --report-html flag is set: veil anonymize passes its
// input, output, policy and anonymize report (any value that encodes to
// the veil.anonymize/v1 JSON; nil for none); veil synth its training input,
// output, policy and model file. It returns nil when neither flag is set,
// and a *gateError when a gate of the policy failed.
// A synth run passes its model's path when it writes one, else the model
// itself (synthModelJSON): either way the report knows the release is
// synthetic and reads the model's privacy section.
func (e *env) reportAfter(c *cli.Context, original, released string, pol *policies.Policy, anonReport any, synthModel string, synthModelJSON []byte) error {
	js, html := c.String("report-json"), c.String("report-html")
	if js == "" && html == "" {
		return nil
	}
	var anonJSON []byte
	if anonReport != nil {
		b, err := json.Marshal(anonReport)
		if err != nil {
			return err
		}
		anonJSON = b
	}
	return e.writeReport(c, reportRequest{
		original: original, released: released, holdout: c.String("report-holdout"),
		policy: pol, anonReportJSON: anonJSON, synthModel: synthModel, synthModelJSON: synthModelJSON, target: c.String("report-target"), previousReport: c.String("report-previous"),
		jsonPath: js, htmlPath: html, sampleRows: 1000, referenceRows: 50_000, maxRows: 1_000_000,
	})
}

// writeReport builds the report, writes its JSON and HTML atomically, puts
// the gate verdicts in the summary and returns a *gateError when a gate
// failed (after writing). veil anonymize and veil synth call it with their
// input as original and their output as released.
func (e *env) writeReport(c *cli.Context, req reportRequest) error {
	if err := e.checkPaths(runPaths{files: []string{req.jsonPath, req.htmlPath},
		inputs: []string{req.original, req.released, req.holdout, req.anonReport, req.synthModel, req.profilePath, req.previousReport}, policy: req.policyPath}); err != nil {
		return err
	}
	if req.jsonPath != "" && req.jsonPath == req.htmlPath {
		return usagef("--json and --html name the same file")
	}
	pol := req.policy
	if pol == nil && req.policyPath != "" {
		p, err := e.parsePolicy(req.policyPath)
		if err != nil {
			return err
		}
		pol = p
	}
	// The report may read a table twice (when a column turns out to hold
	// text): record each input in the summary once.
	recorded := map[string]bool{}
	open := func(path string, release bool) func() (dataset.Reader, error) {
		return func() (dataset.Reader, error) {
			// A release written by this same run is still held back
			// (e.tx): read it where it is.
			r, err := e.openHeld(c, path, release)
			if err == nil && req.addInputs && !recorded[path] {
				recorded[path] = true
				e.summary.Inputs = append(e.summary.Inputs, inputRef{Path: path})
			}
			return r, err
		}
	}
	in := report.Inputs{
		Original:       report.Source{Path: req.original, Open: open(req.original, false)},
		Released:       report.Source{Path: req.released, Open: open(req.released, true)},
		Policy:         pol,
		AnonReport:     req.anonReport,
		SynthModel:     req.synthModel,
		AnonReportJSON: req.anonReportJSON,
		SynthModelJSON: req.synthModelJSON,
		PreviousReport: req.previousReport,
		Locate:         e.tx.Resolve,
	}
	if req.holdout != "" {
		in.Holdout = &report.Source{Path: req.holdout, Open: open(req.holdout, false)}
	}
	var seed uint64
	if e.summary.Seed != nil {
		seed = *e.summary.Seed
	}
	opt := report.Options{
		Target: req.target, Seed: seed, Version: veilVersion(), RunID: e.summary.RunID, Started: e.started,
		Quasi: req.quasi, Sensitive: req.sensitive, Direct: req.direct,
		SampleRows: req.sampleRows, ReferenceRows: req.referenceRows, MaxRows: req.maxRows,
	}
	if req.profilePath != "" {
		p, err := profile.ReadFile(req.profilePath)
		if err != nil {
			return usagef("--profile: %v", err)
		}
		opt.Detect = func(report.Source) (map[string]report.Detected, error) { return profileRoles(p), nil }
	} else {
		opt.Detect = func(src report.Source) (map[string]report.Detected, error) {
			r, err := e.openHeld(c, src.Path, src.Path == req.released && src.Path != req.original)
			if err != nil {
				return nil, err
			}
			defer r.Close()
			// Only the detected roles are used: they do not depend on the
			// profile's re-identification risk analysis, which is kept to
			// a token sample so that it costs neither time nor memory.
			p, err := profile.Run(e.ctx, r, &profile.Options{Seed: seed, RiskRows: 1000, MaxCombination: 1})
			if err != nil {
				return nil, err
			}
			return profileRoles(p), nil
		}
	}
	// One progress line per table read.
	prog := &progress{e: e, label: "report", off: e.progress == "never", last: time.Now(), every: logEvery}
	opt.Tick = prog.Tick
	rep, err := report.Build(e.ctx, in, opt)
	prog.Done()
	if err != nil {
		return err
	}
	if req.jsonPath != "" {
		data, err := report.MarshalJSON(rep)
		if err != nil {
			return err
		}
		if err := e.writeFile(req.jsonPath, "report", data); err != nil {
			return err
		}
		e.summary.Report = req.jsonPath
	}
	if req.htmlPath != "" {
		var buf bytes.Buffer
		if err := report.WriteHTML(&buf, rep); err != nil {
			return err
		}
		if err := e.writeFile(req.htmlPath, "report", buf.Bytes()); err != nil {
			return err
		}
		if e.summary.Report == "" {
			e.summary.Report = req.htmlPath
		}
	}
	for _, g := range rep.Summary.Gates {
		e.summary.Gates = append(e.summary.Gates, gateVerdict{Name: g.Name, Kind: g.Kind, Passed: g.Passed, Value: g.Value, Threshold: g.Threshold})
	}
	e.detail("verdict", rep.Summary.Verdict)
	e.detail("release", rep.Release)
	if f := rep.Figure("min_class_size"); f != nil && f.Value != nil {
		e.detail("k", *f.Value)
	}
	if f := rep.Figure("quality"); f != nil && f.Value != nil {
		e.detail("quality", *f.Value)
	}
	if priv, util, msg := rep.Failed(); priv || util {
		return &gateError{privacy: priv, msg: msg}
	}
	return nil
}

// profileRoles returns the roles and entities a profile detected.
func profileRoles(p *profile.Profile) map[string]report.Detected {
	roles := make(map[string]report.Detected, len(p.Columns))
	for _, c := range p.Columns {
		roles[c.Name] = report.Detected{Role: c.Role, Entity: string(c.Entity)}
	}
	return roles
}

// splitList splits comma-separated flag values.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range bytes.Split([]byte(v), []byte(",")) {
			if t := string(bytes.TrimSpace(s)); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}
