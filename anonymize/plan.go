package anonymize

import (
	"errors"
	"fmt"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// Plan is a policy compiled against an input schema: one transform per
// column, prepared once (keys loaded, hierarchies indexed, labels cached)
// so that the per-row path does no lookups by name and allocates only the
// output strings it must. A Plan is not safe for concurrent use.
type Plan struct {
	policy  *policies.Policy
	in      dataset.Schema
	out     dataset.Schema
	cols    []*colPlan // output columns, in input order
	all     []*colPlan // every input column, dropped ones included
	byInput []*colPlan // by input position
	qis     []QI
	free    []*colPlan // the QIs the privacy engine generalizes
	result  *PrivacyResult
}

// colPlan is the plan of one input column.
type colPlan struct {
	name      string
	in        int // input position
	col       *policies.Column
	defaulted bool // the column takes the policy's default_action
	t         transform
	keyID     string
	outKind   dataset.Kind
	qi        int // index into Plan.qis when the engine generalizes the column, else -1
	hier      *policies.Hierarchy

	valuesIn, changed, nullsIn, nullsOut int64
}

// value returns the column's output for input value v of record rec.
func (c *colPlan) value(rec *dataset.Record, v dataset.Value) (dataset.Value, error) {
	if v.Null || c.t == nil {
		return v, nil
	}
	return c.t.apply(v.Text, rec)
}

// Compile checks p against schema (policies.Validate) and prepares its
// transforms: it loads the keys (from the environment through lookupEnv,
// or files), builds the ciphers and hierarchy lookups. Policy problems come
// back as a policies.ErrorList, missing keys as *KeyError values.
func Compile(p *policies.Policy, schema dataset.Schema, opt *Options) (*Plan, error) {
	if err := policies.Validate(p, schema); err != nil {
		return nil, err
	}
	opt = opt.orDefault()
	pl := &Plan{policy: p, in: schema, byInput: make([]*colPlan, schema.Len())}
	model := hasModel(p)
	var errs []error
	for i, sc := range schema.Columns {
		c := p.Column(sc.Name)
		cp := &colPlan{name: sc.Name, in: i, col: c, qi: -1, outKind: dataset.String}
		if c == nil {
			cp.col = &policies.Column{Name: sc.Name, Role: policies.RoleOther, Action: p.DefaultAction}
			cp.defaulted = true
		}
		pl.byInput[i] = cp
		pl.all = append(pl.all, cp)
		if err := pl.prepare(cp, sc, opt, model); err != nil {
			errs = append(errs, err)
			continue
		}
		if cp.col.Action == policies.ActionDrop {
			continue
		}
		out := dataset.Column{Name: sc.Name, Kind: cp.outKind, Nullable: sc.Nullable}
		if cp.outKind == sc.Kind && cp.col.Action != policies.ActionNoise {
			out.Layout = sc.Layout
		}
		switch cp.col.Action {
		case policies.ActionSuppress, policies.ActionShiftDate:
			out.Nullable = true
		}
		pl.cols = append(pl.cols, cp)
		pl.out.Columns = append(pl.out.Columns, out)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if model {
		pl.collectQIs()
	}
	return pl, nil
}

func hasModel(p *policies.Policy) bool {
	pr := p.Privacy
	return pr != nil && (pr.K > 0 || pr.LDiversity != nil || pr.TCloseness != nil)
}

// policyError positions an error at column c's entry in the policy file.
func policyError(p *policies.Policy, c *policies.Column, sentinel error, format string, args ...any) error {
	return policies.ErrorList{{File: p.Path, Line: c.Line, Col: c.Col, Path: "columns." + c.Name, Err: sentinel, Msg: fmt.Sprintf(format, args...)}}
}

// prepare builds the transform of one column.
func (pl *Plan) prepare(cp *colPlan, sc dataset.Column, opt *Options, model bool) error {
	c, p := cp.col, pl.policy
	key := func() ([]byte, error) {
		k, err := loadKey(p, c, opt.LookupEnv)
		if err != nil {
			return nil, err
		}
		cp.keyID = KeyID(k)
		return k, nil
	}
	switch c.Action {
	case policies.ActionKeep:
		cp.outKind = sc.Kind
	case policies.ActionDrop:
	case policies.ActionSuppress:
		cp.outKind = sc.Kind
		cp.t = suppressT{}
	case policies.ActionHash:
		k, err := key()
		if err != nil {
			return err
		}
		cp.t = newHash(k, c.Encoding, c.Length)
	case policies.ActionTokenize:
		k, err := key()
		if err != nil {
			return err
		}
		t, err := newToken(k, c.Format, c.Tweak)
		if err != nil {
			return err
		}
		cp.t = t
	case policies.ActionMask:
		r := []rune(c.MaskChar)
		mc := '*'
		if len(r) == 1 {
			mc = r[0]
		}
		cp.t = &maskT{first: c.KeepFirst, last: c.KeepLast, char: mc, keepSep: c.KeepSeparators}
	case policies.ActionRedact:
		t, err := newRedact(c)
		if err != nil {
			return policyError(p, c, policies.ErrValue, "%v", err)
		}
		cp.t = t
	case policies.ActionGeneralize:
		return pl.prepareGeneralize(cp, sc, model)
	case policies.ActionNoise:
		if model && c.Role == policies.RoleQuasi {
			return policyError(p, c, policies.ErrConflict, "noise on a quasi-identifier cannot be combined with a privacy model: the privacy search needs the values it will write")
		}
		cp.outKind = sc.Kind
		cp.t = &noiseT{src: opt.Noise, gaussian: c.Mechanism == "gaussian", eps: c.Epsilon, delta: c.Delta,
			lower: *c.Lower, upper: *c.Upper, integer: sc.Kind == dataset.Integer}
	case policies.ActionShiftDate:
		k, err := key()
		if err != nil {
			return err
		}
		cp.outKind = sc.Kind
		cp.t = newShift(k, pl.in.Index(c.By), sc, c.MaxDays)
	default:
		return policyError(p, c, policies.ErrValue, "unknown action %q", c.Action)
	}
	return nil
}

func (pl *Plan) prepareGeneralize(cp *colPlan, sc dataset.Column, model bool) error {
	c, p := cp.col, pl.policy
	h, err := p.LoadedHierarchy(c)
	if err != nil {
		return policyError(p, c, policies.ErrHierarchy, "%v", err)
	}
	cp.hier = h
	switch {
	case c.Hierarchy != "" && c.Level != nil:
		if *c.Level > h.Height() {
			return policyError(p, c, policies.ErrValue, "level %d is above the hierarchy's height %d", *c.Level, h.Height())
		}
		cp.t = newHierarchyT(h, *c.Level, c.OnUnknown)
	case c.Hierarchy != "":
		// Left to the privacy search (Parse refuses it without a model).
	case c.Width > 0 || c.Edges != nil || c.TopCode != nil || c.BottomCode != nil:
		cp.t = newNumeric(c)
	case c.Truncate != "":
		cp.t = newTruncate(sc, c.Truncate)
	case c.Prefix > 0:
		t := &prefixT{n: c.Prefix, restrictedAs: c.RestrictedAs, restricted: map[string]bool{}}
		for _, r := range c.Restricted {
			t.restricted[r] = true
		}
		cp.t = t
	}
	if cp.t == nil && !(model && c.Role == policies.RoleQuasi) {
		return policyError(p, c, policies.ErrMissing, "generalize needs a fixed generalization (or role: quasi and a privacy model)")
	}
	return nil
}

// collectQIs lists the quasi-identifiers for the privacy engine.
func (pl *Plan) collectQIs() {
	for _, cp := range pl.all {
		c := cp.col
		if c.Role != policies.RoleQuasi || c.Action == policies.ActionDrop || c.Action == policies.ActionSuppress {
			continue
		}
		q := QI{Name: cp.name, Index: cp.in, Kind: pl.in.Columns[cp.in].Kind, Column: c, Hierarchy: cp.hier, Fixed: cp.t != nil}
		if !q.Fixed {
			cp.qi = len(pl.qis)
			pl.free = append(pl.free, cp)
		}
		pl.qis = append(pl.qis, q)
	}
}

// OutputSchema returns the schema of the output: the input's columns less
// the dropped ones, in input order. Transformed columns become strings,
// except suppress, noise and shift_date, which keep their kind.
func (pl *Plan) OutputSchema() dataset.Schema { return pl.out.Clone() }

// QIs returns the quasi-identifiers handed to the privacy engine (empty
// without a privacy model).
func (pl *Plan) QIs() []QI { return append([]QI(nil), pl.qis...) }

// SetPrivacy installs the privacy engine's result: pass 2 then generalizes
// the engine's quasi-identifiers with it and skips its suppressed rows.
func (pl *Plan) SetPrivacy(res *PrivacyResult) error {
	if res == nil {
		return errors.New("privacy engine returned no result")
	}
	for _, cp := range pl.free {
		if res.Recode != nil {
			continue
		}
		if cp.hier == nil || cp.qi >= len(res.Levels) {
			return fmt.Errorf("privacy engine: no generalization for column %q (it needs Levels with a hierarchy, or Recode)", cp.name)
		}
		l := res.Levels[cp.qi]
		if l < 0 || l > cp.hier.Height() {
			return fmt.Errorf("privacy engine: level %d of column %q is outside its hierarchy (0..%d)", l, cp.name, cp.hier.Height())
		}
	}
	pl.result = res
	return nil
}

// Transform writes the output of input record rec into out, whose Values
// must have OutputSchema().Len() elements. It returns false when the
// privacy engine suppressed the row. Errors are *dataset.ColumnError values
// with the input position (dataset.Locate names the file, row and column).
func (pl *Plan) Transform(rec *dataset.Record, out *dataset.Record) (bool, error) {
	res := pl.result
	if res != nil && res.Suppressed.Has(rec.Row) {
		return false, nil
	}
	out.Row = rec.Row
	for i, cp := range pl.cols {
		v := rec.Values[cp.in]
		if v.Null {
			cp.nullsIn++
			cp.nullsOut++
			out.Values[i] = v
			continue
		}
		cp.valuesIn++
		var o dataset.Value
		var err error
		switch {
		case cp.qi >= 0:
			o, err = pl.generalizeQI(cp, rec, v)
		case cp.t == nil:
			o = v
		default:
			o, err = cp.t.apply(v.Text, rec)
		}
		if err != nil {
			return false, &dataset.ColumnError{Col: cp.in, Err: err}
		}
		if o.Null {
			cp.nullsOut++
			cp.changed++
		} else if o.Text != v.Text {
			cp.changed++
		}
		out.Values[i] = o
	}
	return true, nil
}

func (pl *Plan) generalizeQI(cp *colPlan, rec *dataset.Record, v dataset.Value) (dataset.Value, error) {
	res := pl.result
	if res == nil {
		return dataset.Value{}, fmt.Errorf("column %q: no privacy result installed", cp.name)
	}
	if res.Recode != nil {
		return res.Recode(rec.Row, cp.qi, v)
	}
	g, ok := cp.hier.Generalize(v.Text, res.Levels[cp.qi])
	if !ok {
		if cp.col.OnUnknown == "top" {
			return dataset.Value{Text: newHierarchyT(cp.hier, 0, "top").top}, nil
		}
		return dataset.Value{}, ErrNotLeaf
	}
	return dataset.Value{Text: g}, nil
}
