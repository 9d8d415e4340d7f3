package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nyaruka/phonenumbers"
	"github.com/urfave/cli/v2"

	"github.com/veil-data/veil/internal/atomicfile"
	"github.com/veil-data/veil/profile"
)

func newProfileCommand(e *env) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: "write the profile (JSON, schema veil.profile/v1) to `PATH` (required)"},
		&cli.StringFlag{Name: "html", Usage: "also write the profile as a self-contained HTML page to `PATH`"},
		&cli.StringFlag{Name: "policy-out", Usage: "also write a draft policy (YAML) proposing an action per column to `PATH`"},
		&cli.IntFlag{Name: "sample", Value: 1000, Usage: "values sampled per column (seeded reservoir) for detection"},
		&cli.StringSliceFlag{Name: "region", Usage: "phone `REGION` (ISO 3166 code such as GB, DE, US) tried for numbers without +; repeatable (default: US GB DE FR ES NL BE IT AT CH)"},
		&cli.IntFlag{Name: "min-count", Value: 5, Usage: "list a frequent value only when at least `N` rows hold it"},
		&cli.IntFlag{Name: "risk-rows", Value: 2_000_000, Usage: "analyse re-identification risk on at most `N` rows (a seeded uniform sample above)"},
		seedFlag(),
	}
	flags = append(append(flags, inputFlags()...), manifestFlags()...)
	return &cli.Command{
		Name:      "profile",
		Usage:     "find identifiers, quasi-identifiers and sensitive columns; draft a policy",
		ArgsUsage: "INPUT",
		Description: "profile reads INPUT (CSV or Parquet) in one streaming pass and writes, per column, its kind, null " +
			"share, distinct count, min/max or top values, and a role (direct, identifier, quasi, sensitive, other) with an " +
			"entity (EMAIL, NATIONAL_ID, POSTAL_CODE, INCOME...), a confidence and the evidence behind it. Values are checked " +
			"with validators (Luhn, IBAN mod-97, national ID checksums, libphonenumber, public suffixes), column names in " +
			"English, German, French, Spanish and Dutch. It also measures the re-identification risk of the table as " +
			"exported over the detected quasi-identifiers (sample uniques, smallest class, the minimal combinations of up " +
			"to 3 columns that single out more than 1 % of rows) and can draft a policy (--policy-out).\n\n" +
			"Counts and nulls are exact; distinct counts are exact up to 16,384 values and HyperLogLog estimates above. " +
			"No raw value of a direct identifier or identifier column is written to the profile, the page, the policy " +
			"or the logs: examples are masked, and values seen fewer than --min-count times are never listed.",
		Flags:  flags,
		Action: e.tracked(profileSpec, func(c *cli.Context) error { return runProfile(c, e) }),
	}
}

func profileSpec(c *cli.Context) (runSpec, error) {
	if c.NArg() != 1 || c.String("out") == "" {
		return runSpec{}, nil // runProfile reports the usage error
	}
	return runSpec{out: c.String("out"), inputs: []string{c.Args().Get(0)},
		params: sortedParams(c, "html", "policy-out", "sample", "region", "min-count", "risk-rows",
			"in-format", "delimiter", "null", "lazy-quotes", "no-header", "type", "infer-rows")}, nil
}

func runProfile(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("profile needs one INPUT, got %d arguments", c.NArg())
	}
	in := c.Args().Get(0)
	out, htmlOut, policyOut := c.String("out"), c.String("html"), c.String("policy-out")
	if out == "" {
		return usagef("profile needs --out PATH for the profile JSON")
	}
	if err := e.checkPaths(runPaths{files: []string{out, htmlOut, policyOut}, inputs: []string{in}, primary: out}); err != nil {
		return err
	}
	if c.Int("sample") <= 0 {
		return usagef("--sample must be positive")
	}
	if c.Int("min-count") <= 0 {
		return usagef("--min-count must be positive")
	}
	if c.Int("risk-rows") <= 0 {
		return usagef("--risk-rows must be positive")
	}
	regions, err := phoneRegions(c.StringSlice("region"))
	if err != nil {
		return err
	}
	r, err := e.openInput(c, in)
	if err != nil {
		return err
	}
	defer r.Close()
	prog := e.newProgress("profile", r)
	p, err := profile.Run(e.ctx, r, &profile.Options{
		Seed:       c.Uint64("seed"),
		SampleSize: c.Int("sample"),
		MinCount:   c.Int("min-count"),
		Regions:    regions,
		RiskRows:   c.Int("risk-rows"),
		Tick:       prog.Tick,
	})
	if err != nil {
		return err
	}
	prog.Done()
	p.Input = in

	// Encode everything first, then commit: a failure leaves no output.
	type pending struct {
		path, kind string
		data       []byte
	}
	js, err := p.MarshalIndent()
	if err != nil {
		return err
	}
	files := []pending{{out, "profile", js}}
	if htmlOut != "" {
		var b bytes.Buffer
		if err := profile.WriteHTML(&b, p); err != nil {
			return err
		}
		files = append(files, pending{htmlOut, "report", b.Bytes()})
	}
	if policyOut != "" {
		draft := profile.DraftPolicy(p, &profile.DraftOptions{Hierarchies: findHierarchies(in, policyOut, p)})
		files = append(files, pending{policyOut, "policy", draft})
	}
	var open []*atomicfile.File
	defer func() {
		for _, f := range open {
			f.Abort()
		}
	}()
	for _, pf := range files {
		f, err := e.tx.Create(pf.path)
		if err != nil {
			return outputError(err)
		}
		open = append(open, f)
		if _, err := f.Write(pf.data); err != nil {
			return err
		}
	}
	for i, f := range open {
		res, err := f.Commit()
		if err != nil {
			return err
		}
		e.addOutput(res, files[i].kind, -1)
	}
	e.summary.Inputs[len(e.summary.Inputs)-1].Rows = &p.Rows

	roles := map[string]int{}
	for _, col := range p.Columns {
		roles[col.Role]++
	}
	e.detail("columns", len(p.Columns))
	e.detail("roles", roles)
	e.detail("direct", nonNil(p.Names(profile.RoleDirect)))
	e.detail("quasi_identifiers", nonNil(p.Names(profile.RoleQuasi)))
	if p.Risk != nil && p.Risk.All != nil {
		e.detail("sample_unique_share", p.Risk.All.SampleUniqueShare)
		e.detail("smallest_class", p.Risk.All.SmallestClass)
	}
	e.log.Info("profiled", "rows", p.Rows, "columns", len(p.Columns), "direct", roles[profile.RoleDirect],
		"identifier", roles[profile.RoleIdentifier], "quasi", roles[profile.RoleQuasi], "sensitive", roles[profile.RoleSensitive])
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// phoneRegions checks --region values against libphonenumber's regions.
func phoneRegions(list []string) ([]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	supported := phonenumbers.GetSupportedRegions()
	var out []string
	for _, item := range list {
		for _, r := range strings.Split(item, ",") {
			r = strings.ToUpper(strings.TrimSpace(r))
			if r == "" {
				continue
			}
			if r == "UK" {
				return nil, usagef("--region UK: the ISO 3166 code of the United Kingdom is GB")
			}
			if !supported[r] {
				return nil, usagef("--region %q: not a region libphonenumber knows (want an ISO 3166 code such as GB, DE, US)", r)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// findHierarchies looks for ARX hierarchy files beside the input, named as
// ARX's examples name them (<input stem>_hierarchy_<column>.csv), for the
// quasi-identifiers, and returns their paths relative to the policy file.
func findHierarchies(in, policyOut string, p *profile.Profile) map[string]string {
	dir := filepath.Dir(in)
	stem := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
	polDir, _ := filepath.Abs(filepath.Dir(policyOut))
	out := map[string]string{}
	var names []string
	for _, c := range p.Columns {
		if c.Role == profile.RoleQuasi {
			names = append(names, c.Name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, stem+"_hierarchy_"+name+".csv")
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			continue
		}
		abs, _ := filepath.Abs(path)
		if rel, err := filepath.Rel(polDir, abs); err == nil {
			out[name] = filepath.ToSlash(rel)
		} else {
			out[name] = abs
		}
	}
	return out
}
