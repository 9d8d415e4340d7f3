package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/profile"
	"github.com/veil-data/veil/report/metrics"
)

// Source is a table the report reads.
type Source struct {
	// Path names the file or folder; it is hashed and shown in the report.
	Path string
	// Open opens it; nil means dataset.Open(Path, nil). The report reads
	// the reader to the end and closes it.
	Open func() (dataset.Reader, error)
}

func (s Source) open() (dataset.Reader, error) {
	if s.Open != nil {
		return s.Open()
	}
	return dataset.Open(s.Path, nil)
}

// Inputs are what a report compares and documents.
type Inputs struct {
	// Original is the real table the release was made from (for a
	// synthetic release: the training data). Required.
	Original Source
	// Released is the anonymized or synthetic table. Required.
	Released Source
	// Holdout holds real rows that were not used to make the release; it
	// makes DCR overfitting and TSTR honest. Optional.
	Holdout *Source
	// Policy is the policy the release was made with (roles, treatment,
	// gates). Optional.
	Policy *policies.Policy
	// AnonReport and SynthModel are paths of the artefacts of veil
	// anonymize --report and veil synth fit. Optional.
	AnonReport string
	SynthModel string
	// AnonReportJSON, when AnonReport is empty, is the anonymize report
	// itself (veil anonymize --report-json passes the report it just made).
	AnonReportJSON []byte
	// SynthModelJSON, when SynthModel is empty, is the synth model itself
	// (veil synth --report-json without --model-out).
	SynthModelJSON []byte
	// PreviousReport is the JSON report of the previous release; the
	// governance section compares its policy with this one. Optional.
	PreviousReport string
	// Locate returns where the file named path can be read now: an output
	// of the same run that is not yet renamed into place (the CLI renames
	// a run's outputs together at its end). Nil: path itself. The report
	// always names path.
	Locate func(path string) string
}

// locate applies in.Locate.
func (in *Inputs) locate(path string) string {
	if in.Locate == nil {
		return path
	}
	return in.Locate(path)
}

// Options tunes a report. The zero value works.
type Options struct {
	// Target is the column TSTR predicts; empty skips TSTR.
	Target string
	// Seed drives every sample the report draws.
	Seed uint64
	// Version and RunID identify the veil run in the provenance.
	Version, RunID string
	// Started is when the run started (default: when Build is called).
	Started time.Time
	// Now returns the current time (default time.Now); tests fix it.
	Now func() time.Time
	// Environ lists the environment (default os.Environ); AIRFLOW_CTX_*
	// variables are copied into the provenance.
	Environ func() []string
	// Quasi, Sensitive and Direct name columns' roles, overriding the
	// policy, the anonymize report and detection.
	Quasi, Sensitive, Direct []string
	// Detect, if set, detects roles from the original for the columns no
	// other source names (veil's CLI passes the profiler's detection). It
	// returns what it found per column name.
	Detect func(original Source) (map[string]Detected, error)
	// SampleRows is how many released rows DCR and NNDR measure (default
	// 1,000); ReferenceRows caps the real rows they are compared with
	// (default 50,000). Both are quadratic measures.
	SampleRows    int
	ReferenceRows int
	// TrainRows caps the rows TSTR and TRTR train on (default 50,000), and
	// TestRows the real rows they are tested on (default 50,000); larger
	// sets are seeded uniform samples.
	TrainRows int
	TestRows  int
	// MaxRows caps the rows of each table held in memory (default
	// metrics.DefaultMaxRows); larger tables are sampled (seeded) and the
	// report says so.
	MaxRows int
	// Tick, if set, is called once per record read.
	Tick func()
	// Build identifies the veil binary in the provenance (default:
	// ReadBuildInfo).
	Build *BuildInfo
}

// Errors.
var (
	ErrNoCommonColumns = errors.New("the original and the released table have no column in common")
	ErrTarget          = errors.New("TSTR target column")
	ErrEmptyTable      = errors.New("the table has no rows: there is nothing to measure")
)

// InputError is a problem with one of the report's inputs that is the
// user's to fix (a missing column, an unreadable artefact). It maps to the
// usage exit code.
type InputError struct {
	What string
	Err  error
}

func (e *InputError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ExitClass makes an InputError a usage error.
func (e *InputError) ExitClass() string { return "usage" }

// ArtefactError is an anonymize report or synth model that cannot be read
// (missing, or not the JSON veil wrote): an input's data error, as a
// damaged model is for veil synth sample.
type ArtefactError struct {
	What string
	Err  error
}

func (e *ArtefactError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *ArtefactError) Unwrap() error { return e.Err }

// ExitClass makes an ArtefactError a data error.
func (e *ArtefactError) ExitClass() string { return "data" }

// Detected is what role detection found for a column.
type Detected struct {
	// Role is direct, identifier, quasi, sensitive or other.
	Role string
	// Entity is what the values look like (NATIONAL_ID, DATE_OF_BIRTH,
	// RECORD_ID, EMAIL...; see package profile); empty when nothing.
	Entity string
}

// Where a column's role came from (ColumnRow.RoleFrom).
const (
	fromDetected = "detected"
	fromNone     = "none"
)

// roles of the columns, and where they came from.
type roleSet struct {
	from   string            // the whole story, for the provenance
	roles  map[string]string // every column's role
	source map[string]string // per column: command line, policy, anonymize report, synth model, detected, none
	entity map[string]string // per detected column: what detection took it for
}

// classNames returns the columns of a role that the class measures use:
// the ones a declared source (command line, policy, anonymize report,
// synth model) names when it names any, else the detected ones. A policy's
// quasi-identifiers are the attacker model its release was made for
// (anonymize's k holds over them): detection does not widen them behind
// its back; detectedOnly lists what it would add.
func (rs roleSet) classNames(role string, order []string) (names, detectedOnly []string) {
	var declared, detected []string
	for _, n := range order {
		if rs.roles[n] != role {
			continue
		}
		if rs.source[n] == fromDetected {
			detected = append(detected, n)
		} else {
			declared = append(declared, n)
		}
	}
	if len(declared) > 0 {
		return declared, detected
	}
	return detected, nil
}

func (rs roleSet) names(role string, order []string) []string {
	var out []string
	for _, n := range order {
		if rs.roles[n] == role {
			out = append(out, n)
		}
	}
	return out
}

// builder holds a report being built.
type builder struct {
	// keptRecoded is the information kept by the generalized (recoded)
	// columns alone, for the summary's sentence; nRecoded counts them.
	keptRecoded float64
	nRecoded    int
	// targetPairs are the --target's pair trends with every other column
	// when Utility.Pairs holds a sample of the pairs (see maxTrendPairs).
	targetPairs []PairTrend

	in     Inputs
	opt    Options
	r      *Report
	rng    *rand.Rand
	roles  roleSet
	anon   *anonReport
	synth  *synthModel
	specs  []*colSpec
	orig   *frame
	rel    *frame
	hold   *frame
	origSc dataset.Schema
	relSc  dataset.Schema
	holdSc dataset.Schema
	order  []string // every column name, original order then released-only
	gates  *policies.Gates

	recodeMethod map[string]string
	dom          *metrics.Domain
	// idOrig and idRel hold the hashes of the checked identifiers (see
	// identifiers.go), filled while the tables are read.
	idOrig, idRel *idCollector
	// utilSkip says why a compared column is left out of column shapes,
	// pair trends, marginal distances and the heatmaps (ID-like).
	utilSkip map[string]string
	// origRaw and holdRaw keep the original and holdout values as read,
	// before recoded columns are mapped into the released domain; nil when
	// no column is recoded.
	origRaw, holdRaw *frame
	// sampler holds a sample of each original column's values while the
	// original is read; evidence is what the detector made of it (see
	// inventory.go).
	sampler  *valueSampler
	evidence map[string]*profile.Detection
	// scan looks for identifying values in the policy's text (appendix.go);
	// prev is the previous report (governance.go).
	scan     *policyScan
	redacts  []redactor // built from scan once the original is read
	prev     *previousReport
	prevInfo FileInfo
}

// Build reads the inputs and measures the release. The report's gates come
// from the policy's gates block; see Report.Summary. Build never fails
// because a gate failed: call Failed on the result.
func Build(ctx context.Context, in Inputs, opt Options) (*Report, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Started.IsZero() {
		opt.Started = opt.Now()
	}
	if opt.Environ == nil {
		opt.Environ = os.Environ
	}
	if opt.SampleRows <= 0 {
		opt.SampleRows = 1000
	}
	if opt.ReferenceRows <= 0 {
		opt.ReferenceRows = 50_000
	}
	if opt.TrainRows <= 0 {
		opt.TrainRows = 50_000
	}
	if opt.TestRows <= 0 {
		opt.TestRows = 50_000
	}
	b := &builder{in: in, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, 0x7e9047)),
		r: &Report{Schema: SchemaID, Statement: Statement, Release: "unknown"}, recodeMethod: map[string]string{}}
	if in.Policy != nil {
		b.gates = in.Policy.Gates
	}
	if err := b.readArtefacts(); err != nil {
		return nil, err
	}
	if err := b.readPrevious(); err != nil {
		return nil, err
	}
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	b.provenance()
	if err := b.detectEvidence(ctx); err != nil {
		return nil, err
	}
	b.provenanceExtra()
	b.idLike()
	b.inventory()
	b.treatment()
	b.treatmentDetails()
	if err := b.utility(ctx); err != nil {
		return nil, err
	}
	if err := b.privacy(ctx); err != nil {
		return nil, err
	}
	b.hipaa()
	b.evaluateGates()
	b.sentences()
	b.limitations()
	b.appendix()
	b.scope()
	b.governance()
	b.controls()
	b.redactAll()
	b.r.Provenance.Finished = opt.Now().UTC()
	return b.r, nil
}

func (b *builder) readArtefacts() error {
	switch {
	case b.in.AnonReport != "":
		m, fi, err := readJSONFile(b.in.locate(b.in.AnonReport))
		if err != nil {
			return &ArtefactError{What: "anonymize report", Err: err}
		}
		fi.Path = b.in.AnonReport
		b.anon = parseAnonReport(m)
		b.r.Provenance.AnonReport = fi
		b.r.Release = "anonymized"
	case b.in.AnonReportJSON != nil:
		var m map[string]any
		if err := json.Unmarshal(b.in.AnonReportJSON, &m); err != nil {
			return fmt.Errorf("anonymize report: %w", err)
		}
		b.anon = parseAnonReport(m)
		b.r.Release = "anonymized"
	}
	if b.in.SynthModel != "" {
		m, fi, err := readJSONFile(b.in.locate(b.in.SynthModel))
		if err != nil {
			return &ArtefactError{What: "synth model", Err: err}
		}
		fi.Path = b.in.SynthModel
		b.synth = parseSynthModel(m)
		b.r.Provenance.SynthModel = fi
		b.r.Release = "synthetic"
	}
	if b.in.SynthModel == "" && b.in.SynthModelJSON != nil {
		var m map[string]any
		if err := json.Unmarshal(b.in.SynthModelJSON, &m); err != nil {
			return fmt.Errorf("synth model: %w", err)
		}
		b.synth = parseSynthModel(m)
		b.r.Release = "synthetic"
	}
	if b.r.Release == "unknown" && b.in.Policy != nil {
		b.r.Release = "anonymized"
	}
	return nil
}

// load reads the three tables. The released table is read first; the
// original's and holdout's values of recoded columns are then mapped into
// the released domain.
func (b *builder) load(ctx context.Context) error {
	readers, err := b.openAll()
	if err != nil {
		return err
	}
	defer closeAll(readers)
	ro, rr, rh := readers[0], readers[1], readers[2]
	if rh != nil {
		b.holdSc = rh.Schema()
	}
	b.origSc, b.relSc = ro.Schema(), rr.Schema()
	b.order = b.origSc.Names()
	for _, c := range b.relSc.Columns {
		if b.origSc.Index(c.Name) < 0 {
			b.order = append(b.order, c.Name)
		}
	}
	if err := b.resolveRoles(); err != nil {
		return err
	}
	b.scan = b.newPolicyScan()
	if b.opt.Target != "" && (b.origSc.Index(b.opt.Target) < 0 || b.relSc.Index(b.opt.Target) < 0) {
		return &InputError{What: "--target", Err: fmt.Errorf("%w %q is not in both the original and the released table", ErrTarget, b.opt.Target)}
	}
	// The compared columns: in both tables, not direct identifiers or
	// record keys.
	for _, c := range b.origSc.Columns {
		j := b.relSc.Index(c.Name)
		if j < 0 {
			continue
		}
		role := b.roles.roles[c.Name]
		if role == string(policies.RoleDirect) || role == string(policies.RoleIdentifier) {
			continue
		}
		rk := b.relSc.Columns[j].Kind
		s := &colSpec{name: c.Name, role: role}
		s.kinds[0], s.kinds[1] = c.Kind, rk
		s.numeric = numericKind(c.Kind) && numericKind(rk) && (c.Kind.Numeric() == rk.Numeric())
		if rh != nil {
			h := b.holdSc.Index(c.Name)
			if h < 0 {
				return &InputError{What: "holdout", Err: fmt.Errorf("column %q of the original and the release is missing", c.Name)}
			}
			s.kinds[2] = b.holdSc.Columns[h].Kind
			if s.numeric && !(numericKind(s.kinds[2]) && s.kinds[2].Numeric() == c.Kind.Numeric()) {
				s.numeric = false
			}
		}
		b.specs = append(b.specs, s)
	}
	if len(b.specs) == 0 {
		return &InputError{What: "inputs", Err: ErrNoCommonColumns}
	}
	// Kinds are inferred from the first rows of each file: a numeric
	// column may hold text further down ("90+" after top coding). Such a
	// column is compared as text: read the tables again with it so.
	for attempt := 0; ; attempt++ {
		err := b.loadFrames(ctx, readers)
		var de *dataset.DataError
		if err == nil || !errors.As(err, &de) || de.Column == "" || attempt >= len(b.specs) {
			if err != nil {
				return err
			}
			for _, t := range []struct {
				f   *frame
				src *Source
			}{{b.orig, &b.in.Original}, {b.rel, &b.in.Released}, {b.hold, b.in.Holdout}} {
				if t.f != nil && t.f.rows == 0 {
					return &dataset.DataError{File: t.src.Path, Err: ErrEmptyTable}
				}
			}
			b.recode()
			return nil
		}
		var retry *colSpec
		for _, s := range b.specs {
			if s.name == de.Column && s.numeric {
				retry = s
			}
		}
		if retry == nil {
			return err
		}
		retry.numeric = false
		retry.textNote = fmt.Sprintf("text: %s row %d is not a number", filepath.Base(de.File), de.Row)
		closeAll(readers)
		if readers, err = b.openAll(); err != nil {
			return err
		}
	}
}

// openAll opens the original, the release and the holdout (nil when none).
func (b *builder) openAll() ([]dataset.Reader, error) {
	srcs := []*Source{&b.in.Original, &b.in.Released, b.in.Holdout}
	out := make([]dataset.Reader, 3)
	for i, s := range srcs {
		if s == nil {
			continue
		}
		r, err := s.open()
		if err != nil {
			closeAll(out)
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

func closeAll(rs []dataset.Reader) {
	for i, r := range rs {
		if r != nil {
			r.Close()
			rs[i] = nil
		}
	}
}

// loadFrames reads the tables into a new domain, concurrently (see
// metrics.Domain.LoadAll): the original fixes each column's type.
func (b *builder) loadFrames(ctx context.Context, readers []dataset.Reader) error {
	b.dom = metrics.NewDomain()
	for _, s := range b.specs {
		s.dict = nil
	}
	var only, categorical []string
	for _, s := range b.specs {
		only = append(only, s.name)
		if !s.numeric {
			categorical = append(categorical, s.name)
		}
	}
	// The caller's tick is not safe for concurrent use.
	var mu sync.Mutex
	tick := func() {
		if b.opt.Tick != nil {
			mu.Lock()
			b.opt.Tick()
			mu.Unlock()
		}
	}
	var rs []dataset.Reader
	var opts []*metrics.LoadOptions
	b.idOrig, b.idRel = nil, nil
	if ids := b.checkedIdentifiers(); len(ids) > 0 {
		b.idOrig = newIDCollector(b.origSc, ids, b.opt.Seed, false)
		b.idRel = newIDCollector(b.relSc, ids, b.opt.Seed, true)
	}
	for i, name := range []string{"original", "released", "holdout"} {
		if readers[i] == nil {
			continue
		}
		var r dataset.Reader = tickReader{readers[i], tick}
		switch {
		case i == 0 && b.idOrig != nil:
			r = idReader{r, b.idOrig}
		case i == 1 && b.idRel != nil:
			r = idReader{r, b.idRel}
		}
		if i == 0 {
			b.sampler = newValueSampler(b.origSc.Len(), b.opt.Seed)
			r = sampleReader{r, b.sampler}
			if b.scan != nil {
				r = scanReader{r, b.scan}
			}
		}
		rs = append(rs, r)
		opts = append(opts, &metrics.LoadOptions{Name: name, Only: only, Categorical: categorical, MaxRows: b.opt.MaxRows, Seed: b.opt.Seed})
	}
	tabs, err := b.dom.LoadAll(ctx, rs, opts)
	if err != nil {
		return err
	}
	b.orig, b.rel = wrap(tabs[0], b.specs), wrap(tabs[1], b.specs)
	if len(tabs) > 2 {
		b.hold = wrap(tabs[2], b.specs)
	}
	return nil
}

// raw returns the original as read: before recoded columns were mapped.
func (b *builder) raw() *frame {
	if b.origRaw != nil {
		return b.origRaw
	}
	return b.orig
}

func numericKind(k dataset.Kind) bool {
	return k == dataset.Integer || k == dataset.Float || k == dataset.Date || k == dataset.Timestamp
}

// recode finds categorical columns whose released values mostly lie outside
// the original's values and maps the original (and holdout) into the
// released domain (see recode.go).
func (b *builder) recode() {
	for j, s := range b.specs {
		if s.numeric {
			continue
		}
		inOrig := present(b.orig.cols[j].codes, s.size())
		var relN, relIn int
		relSeen := make([]bool, s.size())
		for _, c := range b.rel.cols[j].codes {
			if c >= 0 {
				relN++
				relSeen[c] = true
				if inOrig[c] {
					relIn++
				}
			}
		}
		s.overlap = 1
		if relN > 0 {
			s.overlap = float64(relIn) / float64(relN)
		}
		if s.overlap >= 0.5 {
			continue
		}
		// Values of the holdout the original lacks (most of a zip column's)
		// are mapped too: left raw, no holdout row could match a release
		// row, and every holdout figure (DCR overfitting, TSTR) would be
		// off.
		inHold := make([]bool, s.size())
		if b.hold != nil {
			inHold = present(b.hold.cols[j].codes, s.size())
		}
		var released, originals []string
		for code := range s.size() {
			v := s.text(int32(code))
			if relSeen[code] {
				released = append(released, v)
			}
			if (inOrig[code] || inHold[code]) && !relSeen[code] {
				originals = append(originals, v)
			}
		}
		var rm *recodeMap
		if h, level, ok := b.hierarchyOf(s.name); ok {
			rm = hierarchyMap(h, level, originals)
		}
		if rm == nil || len(rm.m) == 0 {
			rm = patternMap(released, originals, s.kinds[0])
		}
		s.recoded = true
		if rm != nil && len(rm.m) > 0 && b.origRaw == nil {
			// The raw frames share every column with the mapped ones; a
			// mapped column gets new codes below, so only those are copied.
			b.origRaw = b.orig.view()
			if b.hold != nil {
				b.holdRaw = b.hold.view()
			}
		}
		if rm == nil || len(rm.m) == 0 {
			s.readable = false
			continue
		}
		s.readable = true
		n := s.size()
		table := make([]int32, n)
		for code := 0; code < n; code++ {
			v := s.text(int32(code))
			table[code] = int32(code)
			if g, ok := rm.m[v]; ok {
				table[code] = s.code(g)
			}
		}
		for _, f := range []*frame{b.orig, b.hold} {
			if f == nil {
				continue
			}
			codes := slices.Clone(f.cols[j].codes)
			for i, c := range codes {
				if c >= 0 && int(c) < len(table) {
					codes[i] = table[c]
				}
			}
			f.setCodes(j, codes)
		}
		b.recodeMethod[s.name] = rm.method
	}
}

// present marks the codes below n that occur in codes (nulls, -1, aside).
func present(codes []int32, n int) []bool {
	seen := make([]bool, n)
	for _, c := range codes {
		if c >= 0 && int(c) < n {
			seen[c] = true
		}
	}
	return seen
}

// hierarchyOf returns the policy's hierarchy of a column and the level the
// policy or the anonymize report gives it.
func (b *builder) hierarchyOf(name string) (*policies.Hierarchy, int, bool) {
	if b.in.Policy == nil {
		return nil, 0, false
	}
	pc := b.in.Policy.Column(name)
	if pc == nil || pc.Hierarchy == "" {
		return nil, 0, false
	}
	level := -1
	if pc.Level != nil {
		level = *pc.Level
	}
	if b.anon != nil {
		if l, ok := b.anon.Levels[name]; ok {
			level = l
		}
	}
	if level < 0 {
		return nil, 0, false
	}
	path := pc.Hierarchy
	if !filepath.IsAbs(path) && b.in.Policy.Path != "" {
		path = filepath.Join(filepath.Dir(b.in.Policy.Path), path)
	}
	h, err := policies.LoadHierarchy(path)
	if err != nil {
		return nil, 0, false
	}
	return h, level, true
}

// resolveRoles takes column roles from the options, the policy, the
// anonymize report or the synth model, in that order; the columns of the
// original that source does not name get the role detection gives them
// (all of them when there is no other source). Without detection they
// are "other".
func (b *builder) resolveRoles() error {
	rs := roleSet{roles: map[string]string{}, source: map[string]string{}, entity: map[string]string{}}
	declare := func(name, role, from string) {
		if role != "" {
			rs.roles[name], rs.source[name] = role, from
		}
	}
	switch {
	case len(b.opt.Quasi)+len(b.opt.Sensitive)+len(b.opt.Direct) > 0:
		rs.from = "command line"
		for _, set := range []struct {
			names []string
			role  string
		}{{b.opt.Direct, "direct"}, {b.opt.Quasi, "quasi"}, {b.opt.Sensitive, "sensitive"}} {
			for _, n := range set.names {
				if b.origSc.Index(n) < 0 && b.relSc.Index(n) < 0 {
					return &InputError{What: "roles", Err: fmt.Errorf("column %q is in neither table", n)}
				}
				declare(n, set.role, rs.from)
			}
		}
	case b.in.Policy != nil && policyHasRoles(b.in.Policy):
		rs.from = "policy " + filepath.Base(b.in.Policy.Path)
		for _, c := range b.in.Policy.Columns {
			declare(c.Name, string(c.Role), "policy")
		}
	case b.anon != nil && anonHasRoles(b.anon):
		rs.from = "anonymize report"
		for _, c := range b.anon.Columns {
			declare(c.Name, c.Role, rs.from)
		}
	case b.synth != nil && len(b.synth.Roles) > 0:
		rs.from = "synth model"
		for k, v := range b.synth.Roles {
			declare(k, v, rs.from)
		}
	}
	var unnamed []string
	for _, n := range b.origSc.Names() {
		if rs.roles[n] == "" {
			unnamed = append(unnamed, n)
		}
	}
	switch {
	case len(unnamed) > 0 && b.opt.Detect != nil:
		found, err := b.opt.Detect(b.in.Original)
		if err != nil {
			return err
		}
		for _, n := range unnamed {
			if d, ok := found[n]; ok && d.Role != "" {
				declare(n, d.Role, fromDetected)
				if d.Entity != "" {
					rs.entity[n] = d.Entity
				}
			}
		}
		if rs.from == "" {
			rs.from = "detected by veil profile"
		} else {
			rs.from += fmt.Sprintf("; the %d columns it does not name: detected by veil profile", len(unnamed))
		}
	case rs.from == "":
		rs.from = "none (no policy, anonymize report or detection): privacy measures over quasi-identifiers are skipped"
	}
	for _, n := range b.order {
		if rs.roles[n] == "" {
			rs.roles[n], rs.source[n] = string(policies.RoleOther), fromNone
		}
	}
	b.roles = rs
	return nil
}

func policyHasRoles(p *policies.Policy) bool {
	for _, c := range p.Columns {
		if c.Role != "" {
			return true
		}
	}
	return false
}

func anonHasRoles(a *anonReport) bool {
	for _, c := range a.Columns {
		if c.Role != "" {
			return true
		}
	}
	return false
}

// sample returns up to n row indices of [0, rows), drawn without
// replacement with the report's generator and sorted; all rows when rows <= n.
func (b *builder) sample(rows, n int) []int {
	if rows <= n {
		idx := make([]int, rows)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	perm := b.rng.Perm(rows)[:n]
	sort.Ints(perm)
	return perm
}

func (b *builder) method(measure string, exact bool, rows int, note string) {
	b.r.Methods = append(b.r.Methods, Method{Measure: measure, Exact: exact, Rows: rows, Note: note})
}

func (b *builder) provenance() {
	p := &b.r.Provenance
	p.Version, p.RunID, p.Seed, p.Target = b.opt.Version, b.opt.RunID, b.opt.Seed, b.opt.Target
	p.Started = b.opt.Started.UTC()
	p.RolesFrom = b.roles.from
	fi := func(path string, rows int, cols int) FileInfo {
		f := FileInfo{Path: path, Columns: cols}
		if sum, err := dataset.Checksum(b.in.locate(path)); err == nil {
			f.SHA256 = sum
		}
		n := int64(rows)
		f.Rows = &n
		return f
	}
	p.Original = fi(b.in.Original.Path, b.orig.rows, b.origSc.Len())
	p.Released = fi(b.in.Released.Path, b.rel.rows, b.relSc.Len())
	if b.hold != nil {
		h := fi(b.in.Holdout.Path, b.hold.rows, b.holdSc.Len())
		p.Holdout = &h
	}
	if b.in.Policy != nil {
		p.Policy = &FileInfo{Path: b.in.Policy.Path, SHA256: b.in.Policy.SHA256}
	}
	for _, kv := range b.opt.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AIRFLOW_CTX_") {
			if p.Airflow == nil {
				p.Airflow = map[string]string{}
			}
			p.Airflow[k] = v
		}
	}
}

// inventory lists every column with its role, kinds, nulls and distinct
// counts (never values).
func (b *builder) inventory() {
	for _, name := range b.order {
		row := ColumnRow{Name: name, Role: b.roles.roles[name], RoleFrom: b.roles.source[name]}
		if i := b.origSc.Index(name); i >= 0 {
			row.InOriginal = true
			row.KindOriginal = b.origSc.Columns[i].Kind.String()
		}
		if i := b.relSc.Index(name); i >= 0 {
			row.InReleased = true
			row.KindReleased = b.relSc.Columns[i].Kind.String()
		}
		j := slices.IndexFunc(b.specs, func(s *colSpec) bool { return s.name == name })
		switch {
		case j >= 0:
			s := b.specs[j]
			oc, rc := b.raw().cols[j], b.rel.cols[j]
			row.NullOriginal = nullShare(oc, b.orig.rows)
			row.NullReleased = nullShare(rc, b.rel.rows)
			do, dr := distinct(oc), distinct(rc)
			row.DistinctOriginal, row.DistinctReleased = &do, &dr
			row.DistinctShareOriginal = distinctShare(do, b.orig.rows-nullCount(oc, b.orig.rows))
			row.DistinctShareReleased = distinctShare(dr, b.rel.rows-nullCount(rc, b.rel.rows))
			switch {
			case s.numeric:
				row.ComparedAs = "numbers"
			case s.textNote != "" && !s.recoded:
				row.ComparedAs = s.textNote
			case s.recoded && s.readable:
				row.ComparedAs = "recoded: original mapped through " + b.recodeMethod[name]
			case s.recoded:
				row.ComparedAs = fmt.Sprintf("recoded: only %s of released values occur in the original and no mapping was found; compared as values", pct(s.overlap))
			default:
				row.ComparedAs = "values"
			}
			if why := b.utilSkip[name]; why != "" {
				row.ComparedAs += "; left out of shapes, pair trends and marginal distances: " + why
			}
		case !row.InReleased:
			row.ComparedAs = "not released"
			row.DistinctNote = "not counted: the column is not in the release, so it is not loaded"
		case !row.InOriginal:
			row.ComparedAs = "not in the original"
			row.DistinctNote = "not counted: the column is not in the original, so it is not loaded"
		default:
			row.ComparedAs = "not compared: " + row.Role + " column (values are only hashed, in memory, to check whether the release holds real ones)"
			row.DistinctNote = "not counted: values of direct identifiers and record keys are not loaded for the measures; they are hashed, in memory, for the release check"
		}
		b.classify(&row)
		b.r.Columns = append(b.r.Columns, row)
	}
}

func nullShare(c *fcol, rows int) float64 {
	if rows == 0 {
		return 0
	}
	return float64(nullCount(c, rows)) / float64(rows)
}

func nullCount(c *fcol, rows int) int {
	n := 0
	for i := 0; i < rows; i++ {
		if c.isNull(i) {
			n++
		}
	}
	return n
}

func distinct(c *fcol) int {
	n := 0
	if c.spec.numeric {
		v := make([]float64, 0, len(c.nums))
		for _, x := range c.nums {
			if x == x {
				v = append(v, x)
			}
		}
		slices.Sort(v)
		for i, x := range v {
			if i == 0 || x != v[i-1] {
				n++
			}
		}
		return n
	}
	seen := make([]bool, c.spec.size())
	for _, v := range c.codes {
		if v >= 0 && !seen[v] {
			seen[v] = true
			n++
		}
	}
	return n
}
