package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// The appendix (outline §12): the policy as used, the formulas of the
// figures shown, the versions veil was built with, and how to reproduce
// the report. Also the build facts of the provenance.

// Appendix is the report's appendix.
type Appendix struct {
	// Policy is the policy file's text; nil without a policy.
	Policy *PolicyText `json:"policy,omitempty"`
	// Formulas are those of the figures this report shows, in its order.
	Formulas []Formula `json:"formulas"`
	// Dependencies are the modules the veil binary was built with.
	Dependencies []Dependency `json:"dependencies"`
	Reproduce    Reproduce    `json:"reproduce"`
}

// PolicyText is the policy as used. Policies never hold keys (the parser
// refuses them); their free text (description, reasons, the release and
// governance blocks, comments) is searched for values of the original's
// direct identifiers and record keys, and any found is redacted.
type PolicyText struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"` // of the file as read, before any redaction
	Text   string `json:"text"`
	// Redacted lists the columns some of whose values were found in the
	// text and replaced; Checked says what was searched.
	Redacted []string `json:"redacted,omitempty"`
	Checked  string   `json:"checked"`
	// Withheld says why Text is left out: a value of an identifying column
	// is written in the file in a form that cannot be redacted in place (a
	// YAML escape), though found in the policy's parsed text.
	Withheld string `json:"withheld,omitempty"`
}

// Formula is how one figure is computed, in plain text.
type Formula struct {
	ID      string `json:"id"`
	Measure string `json:"measure"`
	Formula string `json:"formula"`
}

// Dependency is one Go module of the build.
type Dependency struct {
	Path    string `json:"path"`
	Version string `json:"version"`
}

// Reproduce says how to make the same report again.
type Reproduce struct {
	Command string   `json:"command"`
	Seed    uint64   `json:"seed"`
	Notes   []string `json:"notes"`
}

// BuildInfo identifies the veil binary: its commit and the Go release it
// was built with. A binary built outside a checkout (go test, go install
// of a module) has no commit: "unknown".
type BuildInfo struct {
	Commit string `json:"commit"`
	// Modified is "yes" when the checkout had uncommitted changes, "no",
	// or "unknown".
	Modified     string       `json:"modified"`
	GoVersion    string       `json:"go_version"`
	Dependencies []Dependency `json:"-"`
}

// ReadBuildInfo returns the running binary's build facts
// (runtime/debug.ReadBuildInfo). They are the same for every call in one
// binary, so reports made by it stay byte-identical.
var ReadBuildInfo = sync.OnceValue(func() BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return buildInfoFrom(info)
})

// buildInfoFrom extracts the build facts of info (nil: none known).
func buildInfoFrom(info *debug.BuildInfo) BuildInfo {
	bi := BuildInfo{Commit: "unknown", Modified: "unknown", GoVersion: runtime.Version()}
	if info == nil {
		return bi
	}
	if info.GoVersion != "" {
		bi.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Commit = s.Value
		case "vcs.modified":
			bi.Modified = map[string]string{"true": "yes", "false": "no"}[s.Value]
		}
	}
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		bi.Dependencies = append(bi.Dependencies, Dependency{Path: d.Path, Version: d.Version})
	}
	slices.SortFunc(bi.Dependencies, func(a, b Dependency) int { return strings.Compare(a.Path, b.Path) })
	return bi
}

// PolicyInfo is what the provenance says of the policy beyond its file.
type PolicyInfo struct {
	Description string `json:"description,omitempty"`
	// FormatVersion is the policy's version key: the version of veil's
	// policy file format, not a revision of the policy.
	FormatVersion int `json:"format_version"`
	// Revision is the policy's governance.policy_version, when stated.
	Revision string `json:"revision,omitempty"`
}

// provenanceExtra adds the policy's description and versions and the
// build facts to the provenance.
func (b *builder) provenanceExtra() {
	p := &b.r.Provenance
	bi := b.opt.Build
	if bi == nil {
		v := ReadBuildInfo()
		bi = &v
	}
	p.Build = *bi
	if pol := b.in.Policy; pol != nil {
		pi := &PolicyInfo{Description: b.redact(pol.Description), FormatVersion: pol.Version}
		if g := pol.Governance; g != nil {
			pi.Revision = b.redact(g.PolicyVersion)
		}
		p.PolicyInfo = pi
	}
}

// formulas holds the formula of each figure, by figure ID. E(r) is the
// equivalence class of row r: the released rows equal to it on the
// quasi-identifiers; n the released rows.
var formulas = map[string]string{
	"identifiers_released":         "number of direct-identifier and record-key columns of which at least 1 % of the released values (a seeded sample of up to 100,000) equal a value of the same column in the original",
	"min_class_size":               "k = min over classes E of |E|",
	"prosecutor_risk_max":          "max over released rows r of 1 / |E(r)| = 1 / k",
	"prosecutor_risk_avg":          "(1/n) × Σ over rows r of 1 / |E(r)| = (number of classes) / n",
	"records_at_risk":              "|{r : |E(r)| < k}| / n, with the k of the policy or the reference",
	"sample_uniques":               "|{r : |E(r)| = 1}| / n",
	"suppressed_rows":              "rows suppressed / rows of the original",
	"exact_copies":                 "|{released rows equal, on every compared column, to some real row}| / n",
	"dcr_median":                   "median over sampled released rows s of DCR(s) = min over real rows y of (1/|C|) Σ over columns j of d_j(s_j, y_j); d_j = min(|x − y| / range_j, 1) for numbers and dates, 0 if equal else 1 for categories",
	"nndr_median":                  "median over sampled released rows s of d₁(s) / d₂(s), the distances to its closest and second-closest real rows",
	"dcr_overfitting_protection":   "min((1 − p) / (1 − p₀), 1); p = mean over released rows s of t_s / (t_s + h_s), t_s and h_s the training and holdout rows at the smallest distance from s; p₀ = n_train / (n_train + n_holdout)",
	"dcr_baseline_protection":      "min(median DCR(released → real) / median DCR(random → real), 1), random rows drawn column by column over the real ranges and values",
	"min_l_diversity":              "min over classes E of the number of distinct sensitive values in E (worst sensitive column)",
	"homogeneous_classes":          "|{E : the most frequent sensitive value holds ≥ 90 % of E}| / number of classes (worst sensitive column)",
	"disclosure_protection":        "min((1 − mean over real rows i with a released key of CAP_i) / (1 − 1 / number of distinct real sensitive values), 1); CAP_i = share of released rows with row i's quasi-identifier values whose sensitive value equals row i's (worst sensitive column)",
	"epsilon":                      "the release's ε: the sum of its steps' ε (sequential composition), or for steps accounted in zero-concentrated DP, ε = ρ + 2 √(ρ ln(1/δ)) over their summed ρ",
	"quality":                      "(column shapes + column pair trends) / 2",
	"column_shapes":                "mean over compared columns of KSComplement = 1 − max over x of |F_original(x) − F_released(x)| (numbers) or TVComplement = 1 − ½ Σ over values v of |p_original(v) − p_released(v)| (categories)",
	"column_pair_trends":           "mean over the column pairs whose real association reaches SDMetrics' v0.27 thresholds (|Pearson r| > 0.5 for two numbers, Cramér's V > 0.3 otherwise) of CorrelationSimilarity = 1 − |r_original − r_released| / 2 (two numbers) or ContingencySimilarity = 1 − ½ Σ |p_original(a,b) − p_released(a,b)|",
	"column_pair_trends_all":       "the same mean over all column pairs",
	"tvd_1way":                     "mean over compared columns of TVD = ½ Σ over values v of |p_original(v) − p_released(v)| (numbers: each value when at most 100 distinct, else 20 equal-frequency bins of the original)",
	"tvd_2way":                     "mean over column pairs of ½ Σ over value pairs of |p_original − p_released|",
	"tvd_3way":                     "mean over column triples of ½ Σ over value triples of |p_original − p_released|",
	"information_kept":             "mean over categorical columns of H(released) / H(original), H the Shannon entropy of the column's values",
	"tstr_ratio":                   "mean over classifiers of F1(trained on the release, tested on real rows) / F1(trained on real rows, tested on the same real rows)",
	"max_emd":                      "max over released classes E of EMD(P_E, Q), Q the sensitive column's distribution over the whole original, P_E over E; EMD = ½ Σ_v |P_E(v) − Q(v)| for categories (equal distance), (1/(m − 1)) Σ_i |Σ_{j≤i} (P_E(v_j) − Q(v_j))| over the m ordered values for numbers (worst sensitive column)",
	"linkage_unique":               "max over auxiliary sources of |{original rows o : exactly one released row matches o on the quasi-identifiers the source shares (o's values recoded as released)}| / rows of the original",
	"linkage_expected":             "max over auxiliary sources of (1 / rows of the original) × Σ over shared-value keys of m / max(m, n), m and n the original and released rows with that key",
	"singling_out_risk":            "(s_main − s_control) / (1 − s_control), s the share of multivariate singling-out predicates (built from synthetic rows, matching one synthetic row) that match exactly one training row (main) or one holdout row (control); 95 % Wilson intervals",
	"singling_out_risk_univariate": "the same with predicates on one column",
	"linkability_risk":             "(s_main − s_control) / (1 − s_control), s the share of attacked rows whose two halves of the quasi-identifiers have the same nearest synthetic row (training rows: main; holdout rows: control)",
	"inference_risk":               "(s_main − s_control) / (1 − s_control), s the share of attacked rows whose secret value equals that of the nearest synthetic row on the other columns (numbers: within 5 %), worst secret column",
	"membership_auc":               "P(DCR(training row) < DCR(holdout row)) + ½ P(equal), over equal-sized samples of training and holdout rows, DCR the distance to the closest synthetic row; 95 % interval by Hanley and McNeil",
	"membership_advantage":         "max over distance thresholds τ of |{training rows with DCR ≤ τ}| / n_train − |{holdout rows with DCR ≤ τ}| / n_holdout",
}

// appendix fills the appendix. It runs after every figure is known.
func (b *builder) appendix() {
	a := &b.r.Appendix
	if pol := b.in.Policy; pol != nil && pol.Text != nil {
		pt := &PolicyText{Path: pol.Path, SHA256: pol.SHA256}
		pt.Text, pt.Redacted = b.redactCols(string(pol.Text))
		pt.Checked = b.scan.checked()
		if cols := b.hiddenInText(pol); len(cols) > 0 {
			pt.Text = ""
			pt.Withheld = "a value of " + listNames(cols) + " is written in the policy file in a form veil cannot redact in place " +
				"(a YAML escape or a folded line); the parsed text is redacted wherever the report shows it"
		}
		a.Policy = pt
	}
	a.Formulas = []Formula{}
	seen := map[string]bool{}
	for _, f := range b.r.figures() {
		// Only figures with a value: a "not measured" row has no formula
		// to check.
		if text, ok := formulas[f.ID]; ok && f.Value != nil && !seen[f.ID] {
			seen[f.ID] = true
			a.Formulas = append(a.Formulas, Formula{ID: f.ID, Measure: f.Label, Formula: text})
		}
	}
	a.Dependencies = b.r.Provenance.Build.Dependencies
	if a.Dependencies == nil {
		a.Dependencies = []Dependency{}
	}
	a.Reproduce = b.reproduce()
	// The free text of the policy shown elsewhere goes through the same
	// redaction.
	for i := range b.r.Treatment {
		b.r.Treatment[i].Reason = b.redact(b.r.Treatment[i].Reason)
	}
}

// reproduce gives the command shape that makes this report again.
func (b *builder) reproduce() Reproduce {
	p := b.r.Provenance
	args := []string{"veil report", "--original " + p.Original.Path, "--released " + p.Released.Path}
	if p.Holdout != nil {
		args = append(args, "--holdout "+p.Holdout.Path)
	}
	if p.Policy != nil {
		args = append(args, "--policy "+p.Policy.Path)
	}
	if p.AnonReport != nil {
		args = append(args, "--anon-report "+p.AnonReport.Path)
	}
	if p.SynthModel != nil {
		args = append(args, "--synth-model "+p.SynthModel.Path)
	}
	if p.Target != "" {
		args = append(args, "--target "+p.Target)
	}
	if b.in.PreviousReport != "" {
		args = append(args, "--previous-report "+b.in.PreviousReport)
	}
	args = append(args, fmt.Sprintf("--seed %d", p.Seed), "--json REPORT.json", "--html REPORT.html")
	r := Reproduce{Command: strings.Join(args, " "), Seed: p.Seed, Notes: []string{
		"The same inputs (same SHA-256 as in the provenance), flags, seed and veil build give a byte-identical report, apart from the run ID and the times.",
		"--quasi, --sensitive, --direct, --profile and the row caps (--sample-rows, --reference-rows, --max-rows) change the figures: give them as in the original run (their use shows in the methods and in \"Roles from\").",
	}}
	if b.in.AnonReport == "" && b.in.AnonReportJSON != nil {
		r.Notes = append(r.Notes, "This report was made by veil anonymize --report-json/--report-html from the anonymize report of the same run: to make it with veil report, write that report too (veil anonymize --report anon.json) and add --anon-report anon.json.")
	}
	if b.r.Privacy.DP.Epsilon != nil {
		r.Notes = append(r.Notes, "Differential-privacy noise is not reproducible by design: running the release step again with the same seed gives a different release; this report is reproducible for this release only.")
	}
	return r
}

// policyScan looks for values of the original's direct identifiers and
// record keys in the policy's text. The text's words, and runs of up to
// scanMaxWords words, of scanMinLen characters or more, are hashed; the
// identifying columns' values are read in the same canonical form (words
// joined by one space) while the original is read, and looked up. Only
// hashes are held, and only the text's words are ever written back (as
// redactions).
type policyScan struct {
	seed   uint64
	cols   []int    // reader columns of the identifying columns
	names  []string // their names
	cands  map[uint64]string
	found  map[string]map[string]bool // word run → columns it is a value of
	values int64                      // values looked up
}

const (
	scanMinLen   = 6
	scanMaxWords = 6
)

// scanSep separates words: white space, YAML's punctuation, and what
// glues a value to a prefix in prose ("mailto:", "id=", "ID:", "cust-",
// "a/b", "(...)"). Values are split the same way, so "629-17-4972" is the
// run "629 17 4972" on both sides. Letters, digits and the characters of
// e-mail addresses and phone numbers (". @ + _") stay inside words.
func scanSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '{', '}', '[', ']', ',', '"', '\'', '#',
		':', '=', '&', '?', '/', '\\', ';', '(', ')', '<', '>', '!', '|', '-', '*', '~', '`':
		return true
	}
	return false
}

// scanSepClass is scanSep as a regular expression class, for the redactor.
const scanSepClass = `[\s{}\[\],"'#:=&?/\\;()<>!|\-*~` + "`" + `]`

// scanWords splits s into words, lower-cased: a name typed in capitals
// is the same value.
func scanWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), scanSep)
}

// freeTexts returns the text written by people that the report may
// show: the policy file, the previous report's copy of its policy (the
// diff shows it), and the strings of the anonymize report (its reasons and
// description come from a policy the report may not be given).
func (b *builder) freeTexts() []string {
	var texts []string
	if b.in.Policy != nil {
		if len(b.in.Policy.Text) > 0 {
			texts = append(texts, string(b.in.Policy.Text))
		}
		// And the parsed strings, which the report shows: a YAML escape
		// ("Ronald\x20Lawrence") hides a value from the file's words.
		texts = appendStrings(texts, b.in.Policy)
	}
	if b.prev != nil && b.prev.Appendix.Policy != nil {
		texts = append(texts, b.prev.Appendix.Policy.Text)
	}
	if b.anon != nil {
		texts = appendStrings(texts, b.anon.Raw)
	}
	return texts
}

// hiddenInText returns the columns of values found in the policy's parsed
// strings that no redaction of the file's text matches.
func (b *builder) hiddenInText(pol *policies.Policy) []string {
	raw := string(pol.Text)
	parsed := appendStrings(nil, pol)
	var cols []string
	for _, r := range b.redactors() {
		if r.re.MatchString(raw) {
			continue
		}
		for _, s := range parsed {
			if r.re.MatchString(s) {
				for _, c := range r.cols {
					if !slices.Contains(cols, c) {
						cols = append(cols, c)
					}
				}
				break
			}
		}
	}
	slices.Sort(cols)
	return cols
}

// visitStrings calls f on every string v holds: in exported fields,
// slice and array elements (not byte slices: a file's bytes), map values
// and through pointers and interfaces. A string that can be set (a field,
// a slice element, a map value) is replaced by f's result when it differs.
func visitStrings(v reflect.Value, f func(string) string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			visitStrings(v.Elem(), f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				visitStrings(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			break
		}
		for i := 0; i < v.Len(); i++ {
			visitStrings(v.Index(i), f)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := v.MapIndex(k)
			if e.Kind() == reflect.Interface && !e.IsNil() {
				e = e.Elem()
			}
			if e.Kind() != reflect.String {
				visitStrings(e, f)
				continue
			}
			if r := f(e.String()); r != e.String() {
				v.SetMapIndex(k, reflect.ValueOf(r).Convert(v.Type().Elem()))
			}
		}
	case reflect.String:
		if r := f(v.String()); r != v.String() && v.CanSet() {
			v.SetString(r)
		}
	}
}

// appendStrings appends every string v holds (see visitStrings).
func appendStrings(out []string, v any) []string {
	visitStrings(reflect.ValueOf(v), func(s string) string {
		out = append(out, s)
		return s
	})
	return out
}

// newPolicyScan prepares the scan of the free texts against the
// identifying columns of sc (nil when there is nothing to scan).
func (b *builder) newPolicyScan() *policyScan {
	texts := b.freeTexts()
	if len(texts) == 0 {
		return nil
	}
	s := &policyScan{seed: b.opt.Seed, cands: map[uint64]string{}, found: map[string]map[string]bool{}}
	for i, c := range b.origSc.Columns {
		if r := b.roles.roles[c.Name]; r == string(policies.RoleDirect) || r == string(policies.RoleIdentifier) {
			s.cols = append(s.cols, i)
			s.names = append(s.names, c.Name)
		}
	}
	for _, text := range texts {
		s.addCandidates(text)
	}
	return s
}

// addCandidates adds the word runs of text to the values looked for.
func (s *policyScan) addCandidates(text string) {
	words := scanWords(text)
	for i := range words {
		for n := 1; n <= scanMaxWords && i+n <= len(words); n++ {
			run := strings.Join(words[i:i+n], " ")
			// Prose puts punctuation against a value ("ssn 233-30-4909;",
			// "(+1 781-962-1024)", "Tyler Webb."): the run is also tried
			// without it.
			for _, r := range []string{run, trimRun(run)} {
				if len(r) >= scanMinLen {
					s.cands[idHash(s.seed, r)] = r
				}
			}
		}
	}
}

// trimRun strips the punctuation and symbols that prose puts before and
// after a value, keeping a leading "+" (of a phone number).
func trimRun(run string) string {
	edge := func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }
	run = strings.TrimLeftFunc(run, func(r rune) bool { return r != '+' && edge(r) })
	return strings.TrimRightFunc(run, edge)
}

func (s *policyScan) add(rec *dataset.Record) {
	for k, j := range s.cols {
		if j >= len(rec.Values) {
			continue
		}
		v := rec.Values[j]
		if v.Null || len(v.Text) < scanMinLen {
			continue
		}
		s.values++
		canon := strings.Join(scanWords(v.Text), " ")
		if run, ok := s.cands[idHash(s.seed, canon)]; ok && run == canon {
			if s.found[run] == nil {
				s.found[run] = map[string]bool{}
			}
			s.found[run][s.names[k]] = true
		}
	}
}

func (s *policyScan) checked() string {
	if s == nil || len(s.cols) == 0 {
		return "no direct identifier or record key is known in the original: the policy's text was not searched for their values"
	}
	return fmt.Sprintf("the policy's words and runs of up to %d words (%d characters or more) were compared with the %d values of %s in the original; comments and every free-text field included",
		scanMaxWords, scanMinLen, s.values, listNames(s.names))
}

// scanReader feeds the records read to a policyScan.
type scanReader struct {
	dataset.Reader
	s *policyScan
}

func (r scanReader) Read() (*dataset.Record, error) {
	rec, err := r.Reader.Read()
	if err == nil && rec != nil {
		r.s.add(rec)
	}
	return rec, err
}

// redactor replaces one value found in the free texts.
type redactor struct {
	re   *regexp.Regexp
	repl string
	cols []string
}

// redactors are the replacements of the values found, longest first so
// that a run is replaced before a word inside it; built once, after the
// original was read.
func (b *builder) redactors() []redactor {
	if b.scan == nil || len(b.scan.found) == 0 {
		return nil
	}
	if b.redacts != nil {
		return b.redacts
	}
	runs := make([]string, 0, len(b.scan.found))
	for run := range b.scan.found {
		runs = append(runs, run)
	}
	slices.SortFunc(runs, func(x, y string) int {
		if len(x) != len(y) {
			return len(y) - len(x)
		}
		return strings.Compare(x, y)
	})
	for _, run := range runs {
		cols := make([]string, 0, len(b.scan.found[run]))
		for c := range b.scan.found[run] {
			cols = append(cols, c)
		}
		slices.Sort(cols)
		words := strings.Split(run, " ")
		for i, w := range words {
			words[i] = regexp.QuoteMeta(w)
		}
		// The run's words, separated as the text separates them, and not
		// part of a longer word or number.
		re := regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])` + strings.Join(words, scanSepClass+`+`) + `(:?)($|[^\p{L}\p{N}])`)
		b.redacts = append(b.redacts, redactor{re: re, repl: "${1}[redacted: a value of " + strings.Join(cols, ", ") + "]${2}${3}", cols: cols})
	}
	return b.redacts
}

// redactCols replaces every word run of text found among the identifying
// columns' values and returns the columns concerned.
func (b *builder) redactCols(text string) (string, []string) {
	colSet := map[string]bool{}
	for _, r := range b.redactors() {
		if !r.re.MatchString(text) {
			continue
		}
		for _, c := range r.cols {
			colSet[c] = true
		}
		for {
			next := r.re.ReplaceAllString(text, r.repl)
			if next == text {
				break
			}
			text = next // adjacent matches share a separator: repeat
		}
	}
	out := make([]string, 0, len(colSet))
	for c := range colSet {
		out = append(out, c)
	}
	slices.Sort(out)
	return text, out
}

// redact applies redactCols to one piece of the policy's free text.
func (b *builder) redact(s string) string {
	t, _ := b.redactCols(s)
	return t
}

// redactAll passes every string of the report through redact, the last
// step of Build: whatever section quotes a free text (a recipient in a
// recommended control, an anonymize report's reason, a line of the
// previous policy in the diff), no value found in it is written.
func (b *builder) redactAll() {
	if len(b.redactors()) == 0 {
		return
	}
	visitStrings(reflect.ValueOf(b.r), b.redact)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
