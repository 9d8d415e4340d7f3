package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/veil-data/veil/dataset"
)

// ModelSchema is the schema of the model file.
const ModelSchema = "veil.synth-model/v1"

// Methods.
const (
	MethodAuto   = "auto"
	MethodGraph  = "graph"
	MethodCopula = "copula"
)

// Treatments of a column.
const (
	// TreatModel: the column is learned and sampled from the model.
	TreatModel = "model"
	// TreatFake: a direct identifier regenerated as fresh fake values of
	// the same entity (a name stays a name), drawn from embedded lists and
	// reserved ranges, independent of the input.
	TreatFake = "fake"
	// TreatKey: an identifier regenerated as fresh unique keys of the same
	// shape that no input key can equal.
	TreatKey = "key"
	// TreatDrop: the column is not in the output.
	TreatDrop = "drop"
)

// OtherText is the text sampled for the bucket of categories merged
// because they were too rare to keep (or beyond the category cap). Their
// values are not in the model.
const OtherText = "(other)"

// Model is what veil synth fit learns: aggregate statistics of a table
// (category frequencies, bins, clique marginals or a correlation matrix)
// from which Sample draws new rows. It holds no row of the input and no
// value of a direct-identifier or identifier column; its size is bounded
// by the columns' domains, not by the number of rows. The zero value is
// not usable; get one from Fit or ReadModel. A Model is safe for
// concurrent sampling once built.
type Model struct {
	Schema string `json:"schema"`
	// Method is graph or copula.
	Method string `json:"method"`
	// Rows is the number of input rows learned from: exact without
	// differential privacy, a noisy estimate with it.
	Rows int64 `json:"rows"`
	// Columns holds every input column in order, with its treatment.
	Columns []*ColumnModel `json:"columns"`
	Graph   *Graph         `json:"graph,omitempty"`
	Copula  *Copula        `json:"copula,omitempty"`
	Privacy Privacy        `json:"privacy"`
	// Settings are the fit's parameters.
	Settings Settings `json:"settings"`
}

// Settings records the parameters a model was fitted with.
type Settings struct {
	// MinCount: categories seen fewer times were merged (non-DP fits).
	MinCount int `json:"min_count"`
	// MaxCategories caps the categories kept per column.
	MaxCategories int `json:"max_categories"`
	// Bins is the most bins of a numeric column in the joint model.
	Bins int `json:"bins"`
	// MaxClique is the largest clique (number of columns modelled
	// jointly) of the graph model.
	MaxClique int `json:"max_clique,omitempty"`
	// Passes is the number of passes over the input.
	Passes int `json:"passes"`
	// Seed seeded the fit's random choices (not the DP noise).
	Seed uint64 `json:"seed"`
	// Policy is the SHA-256 of the policy file used, if any.
	Policy string `json:"policy_sha256,omitempty"`
	// Structure says how the graph model's structure was chosen when it
	// was not the default greedy selection: on a wide table, a maximum
	// spanning forest over the scores of every pair (see docs/synth.md).
	Structure string `json:"structure,omitempty"`
}

// Privacy states the guarantee of a model. Without differential privacy
// it says so: such a model holds exact aggregates of the data.
type Privacy struct {
	DifferentialPrivacy bool `json:"differential_privacy"`
	// Epsilon and Delta are the (ε, δ) guarantee of the whole fit, rows
	// as the unit of privacy (add/remove one row).
	Epsilon float64 `json:"epsilon,omitempty"`
	Delta   float64 `json:"delta,omitempty"`
	// Rho is the zero-concentrated DP budget (ρ-zCDP) equivalent to
	// (ε, δ − DomainDelta) that the measurements spent.
	Rho float64 `json:"rho,omitempty"`
	// DomainDelta is the part of δ spent on releasing category values by
	// noisy thresholding (0 when every domain was declared).
	DomainDelta float64 `json:"domain_delta,omitempty"`
	// Budget is how ρ was split between the steps of the fit.
	Budget []BudgetStep `json:"budget,omitempty"`
	// Measured lists the 2- and 3-way marginals measured with noise, in
	// the order the selection chose them.
	Measured []MeasuredMarginal `json:"measured,omitempty"`
	// Noise names the noise source.
	Noise string `json:"noise,omitempty"`
	// Notes say in words what the guarantee covers and what it does not.
	Notes []string `json:"notes,omitempty"`
}

// BudgetStep is one step of a DP fit and the share of ρ it spent.
type BudgetStep struct {
	Step string  `json:"step"`
	Rho  float64 `json:"rho"`
	// Share is Rho / total ρ.
	Share float64 `json:"share"`
	// Measurements is the number of noisy marginals or selections.
	Measurements int `json:"measurements"`
	// Sigma is the standard deviation of the Gaussian noise on each count
	// (measurement steps).
	Sigma float64 `json:"sigma,omitempty"`
	// Epsilon is the exponential mechanism's ε per selection (selection
	// steps).
	Epsilon float64 `json:"epsilon,omitempty"`
}

// MeasuredMarginal is a marginal measured with Gaussian noise.
type MeasuredMarginal struct {
	Columns []string `json:"columns"`
	// Sigma is the standard deviation of the noise on each count.
	Sigma float64 `json:"sigma"`
	Vars  []int   `json:"-"`
}

// ColumnModel is what the model knows about one input column.
type ColumnModel struct {
	Name   string       `json:"name"`
	Kind   dataset.Kind `json:"kind"`
	Layout string       `json:"layout,omitempty"`
	// Role is the column's privacy role (policies.Role values).
	Role string `json:"role"`
	// Treatment is model, fake, key or drop.
	Treatment string `json:"treatment"`
	// Why says where the role came from ("policy", "detected: EMAIL").
	Why string `json:"why,omitempty"`
	// Entity is the kind of fake value of a fake column (PERSON_NAME,
	// EMAIL, ...).
	Entity string `json:"entity,omitempty"`
	// NullShare is the share of nulls (fake and key columns keep it too).
	NullShare float64 `json:"null_share"`
	// Sigma is the standard deviation of the Gaussian noise on each count
	// of the column's fine 1-way histogram (DP fits): each category's
	// noisy count, so that a report can show error bars of the counts the
	// model was fitted on.
	Sigma float64 `json:"sigma,omitempty"`
	// Domain says where a modelled column's values came from: "data"
	// (read from the input, not private), "policy" (declared), or "dp"
	// (released by noisy thresholding or a DP histogram).
	Domain string `json:"domain,omitempty"`
	// Codes are the values of a modelled column in the joint model:
	// categories (or the rare bucket, or null) of a categorical column,
	// bins (or null) of a numeric one. Code i is variable value i.
	Codes []Code `json:"codes,omitempty"`
	// Prefix is set when a code-like text column (zip codes) is modelled
	// by the leading characters of its values: its codes are masked
	// prefixes such as "17***".
	Prefix *Prefix `json:"prefix,omitempty"`
	// Numeric holds the rounding and bounds of a numeric column.
	Numeric *Numeric `json:"numeric,omitempty"`
	// Key is the shape of a regenerated key column.
	Key *KeyFormat `json:"key,omitempty"`
	// Template is the digit layout of a fake phone or national ID, such
	// as "(ddd) ddd-dddd": separators only, no digit of the input.
	Template string `json:"template,omitempty"`
}

// Prefix describes a code-like text column modelled by a prefix of its
// values: the values had Length characters, the codes keep the first Keep
// and mask the others with MaskChar, as anonymize masks ("17044" is
// modelled and sampled as "17***"). The rare bucket (prefixes seen fewer
// than min_count times, and values not of the column's form) is sampled
// as the fully masked code.
type Prefix struct {
	Keep   int `json:"keep"`
	Length int `json:"length"`
}

// check verifies that codes are masked prefixes of the column's form.
func (p *Prefix) check(c *ColumnModel) error {
	if p.Keep < 1 || p.Keep >= p.Length || p.Length > maxCodeLen || c.Numeric != nil {
		return fmt.Errorf("column %q: prefix keeps %d of %d characters", c.Name, p.Keep, p.Length)
	}
	for _, code := range c.Codes {
		if code.Null || code.Bin != nil {
			continue
		}
		v := code.Value
		ok := len(v) == p.Length
		for i := 0; ok && i < len(v); i++ {
			ok = (v[i] == MaskChar) == (i >= p.Keep)
		}
		if code.Other {
			ok = v == "" || v == maskCode("", p.Length)
		}
		if !ok {
			return fmt.Errorf("column %q: code %q is not a prefix of %d characters masked to %d", c.Name, v, p.Keep, p.Length)
		}
	}
	return nil
}

// Numeric is what is known about a numeric (or date) column's values:
// dates are days since 1970-01-01, timestamps seconds.
type Numeric struct {
	// Integer columns stay integers.
	Integer bool `json:"integer"`
	// Decimals is the number of decimal digits values are rounded to.
	Decimals int `json:"decimals"`
	// Min and Max bound sampled values.
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Code is one value of a column's variable in the joint model.
type Code struct {
	// P is the value's probability (1-way marginal).
	P float64 `json:"p"`
	// Value is the category's text (categorical columns).
	Value string `json:"value,omitempty"`
	// Null marks the null value.
	Null bool `json:"null,omitempty"`
	// Other marks the bucket of merged rare categories. Without Members it
	// is sampled as Value, or OtherText when Value is empty (Value is set
	// for columns modelled by prefixes: the fully masked code); with
	// Members (a declared domain, whose values are public) as one of them.
	Other   bool     `json:"other,omitempty"`
	Members []Member `json:"members,omitempty"`
	// Bin is the interval of a numeric column's code.
	Bin *Bin `json:"bin,omitempty"`
}

// Member is a value of a rare bucket and its share within it.
type Member struct {
	Value string  `json:"value"`
	P     float64 `json:"p"`
}

// Bin is an interval [Lo, Hi] of a numeric column and the distribution of
// values within it: Atoms (values and probabilities, for columns with few
// distinct values) or Knots (equal-probability quantiles: the CDF is
// piecewise linear between them).
type Bin struct {
	Lo    float64   `json:"lo"`
	Hi    float64   `json:"hi"`
	Atoms []Atom    `json:"atoms,omitempty"`
	Knots []float64 `json:"knots,omitempty"`
}

// Atom is a value and its probability within a bin.
type Atom struct {
	V float64 `json:"v"`
	P float64 `json:"p"`
}

// KeyFormat is the shape of a regenerated identifier. Fresh keys are
// Prefix followed by Digits+1 digits starting with 9 (or, for other
// shapes, MaxLen+1 characters of the same classes), so that they are
// longer than every input key and cannot equal one. Only lengths and the
// prefix shared by every input key are stored.
type KeyFormat struct {
	// Shape is "integer", "digits" (Prefix then digits), "uuid" or
	// "string".
	Shape  string `json:"shape"`
	Prefix string `json:"prefix,omitempty"`
	Digits int    `json:"digits,omitempty"`
	MaxLen int    `json:"max_len,omitempty"`
	// Alphabet is the character classes of "string" keys: any of "a"
	// (lower case), "A" (upper case), "9" (digits).
	Alphabet string `json:"alphabet,omitempty"`
}

// Graph is a decomposable graphical model: cliques of columns in a
// junction tree, each with the joint distribution of its columns' codes.
// The distribution of a row is
//
//	P(x) = Π_C P_C(x_C) / Π_S P_S(x_S)
//
// over cliques C and separators S (the intersection of a clique with its
// parent). Cliques are listed so that a parent precedes its children.
type Graph struct {
	// Vars maps each variable to its column index.
	Vars []int `json:"vars"`
	// Cliques in sampling order.
	Cliques []Clique `json:"cliques"`
}

// Clique is a set of variables and their joint distribution.
type Clique struct {
	// Vars are variable indices; the table's last variable varies fastest.
	Vars []int `json:"vars"`
	// Parent is the index of the clique that holds Separator; -1 for a
	// root.
	Parent int `json:"parent"`
	// Separator lists the variables shared with the parent.
	Separator []int `json:"separator"`
	// P is the joint distribution over Vars, row-major.
	P []float64 `json:"p"`
}

// Copula is a Gaussian copula: the correlation of the normal scores of the
// variables, each a modelled column (or the null indicator of a numeric
// column with nulls), with marginals from the columns' Codes.
type Copula struct {
	Vars []CopulaVar `json:"vars"`
	// Corr is the correlation matrix of the normal scores.
	Corr [][]float64 `json:"corr"`
}

// CopulaVar is a variable of a copula.
type CopulaVar struct {
	Column int `json:"column"`
	// NullIndicator marks the variable that says whether the column is
	// null.
	NullIndicator bool `json:"null_indicator,omitempty"`
}

// WriteTo writes m as indented JSON.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	data, err := m.MarshalIndent()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(data)
	return int64(n), err
}

// MarshalIndent returns the model file's bytes: indented JSON, with
// probability tables on one line each.
func (m *Model) MarshalIndent() ([]byte, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, data, "", " "); err != nil {
		return nil, err
	}
	return append(compactArrays(buf.Bytes()), '\n'), nil
}

// compactArrays joins arrays of numbers that json.Indent spread over one
// line per element back onto one line.
func compactArrays(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '[' {
			out = append(out, c)
			continue
		}
		// Find the matching ']' if the array holds only numbers.
		j := i + 1
		numeric := true
		for ; j < len(b) && b[j] != ']'; j++ {
			switch ch := b[j]; {
			case ch == ' ' || ch == '\n' || ch == ',' || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E' || (ch >= '0' && ch <= '9'):
			default:
				numeric = false
			}
			if !numeric {
				break
			}
		}
		if !numeric || j >= len(b) {
			out = append(out, c)
			continue
		}
		out = append(out, '[')
		first := true
		for _, f := range bytes.FieldsFunc(b[i+1:j], func(r rune) bool { return r == ' ' || r == '\n' || r == ',' }) {
			if !first {
				out = append(out, ',')
			}
			first = false
			out = append(out, f...)
		}
		out = append(out, ']')
		i = j
	}
	return out
}

// ReadModel reads and checks a model file.
func ReadModel(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ModelError{Path: path, Err: err}
	}
	m, err := ParseModel(data)
	if err != nil {
		var me *ModelError
		if ok := asModelError(err, &me); ok {
			me.Path = path
			return nil, me
		}
		return nil, &ModelError{Path: path, Err: err}
	}
	return m, nil
}

func asModelError(err error, target **ModelError) bool {
	me, ok := err.(*ModelError)
	if ok {
		*target = me
	}
	return ok
}

// ParseModel decodes and checks a model held in data.
func ParseModel(data []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		var probe struct {
			Schema string `json:"schema"`
		}
		if json.Unmarshal(data, &probe) == nil && probe.Schema != ModelSchema {
			return nil, &ModelError{Err: ErrModelSchema}
		}
		return nil, &ModelError{Err: fmt.Errorf("not a valid model file: %v", err)}
	}
	if m.Schema != ModelSchema {
		return nil, &ModelError{Err: ErrModelSchema}
	}
	if err := m.check(); err != nil {
		return nil, &ModelError{Err: err}
	}
	return &m, nil
}

// check verifies the model's internal consistency, so that sampling from
// a damaged or hand-edited file fails with an error rather than a panic.
func (m *Model) check() error {
	if len(m.Columns) == 0 {
		return ErrNoColumns
	}
	for i, c := range m.Columns {
		if c == nil {
			return fmt.Errorf("column %d is empty", i+1)
		}
		switch c.Treatment {
		case TreatModel:
			if len(c.Codes) == 0 {
				return fmt.Errorf("column %q: a modelled column without codes", c.Name)
			}
			for _, code := range c.Codes {
				if !finite(code.P) || code.P < 0 {
					return fmt.Errorf("column %q: a probability is not a number in [0, 1]", c.Name)
				}
				if code.Bin != nil && (c.Numeric == nil || !finite(code.Bin.Lo) || !finite(code.Bin.Hi)) {
					return fmt.Errorf("column %q: a bin without numeric bounds", c.Name)
				}
			}
			if c.Prefix != nil {
				if err := c.Prefix.check(c); err != nil {
					return err
				}
			}
			if c.Kind.Numeric() || c.Kind == dataset.Date || c.Kind == dataset.Timestamp {
				if c.Numeric == nil {
					return fmt.Errorf("column %q: numeric column without bounds", c.Name)
				}
			}
		case TreatFake, TreatDrop:
		case TreatKey:
			if c.Key == nil {
				return fmt.Errorf("column %q: key column without a key format", c.Name)
			}
		default:
			return fmt.Errorf("column %q: unknown treatment %q", c.Name, c.Treatment)
		}
		if !finite(c.NullShare) || c.NullShare < 0 || c.NullShare > 1 {
			return fmt.Errorf("column %q: null share out of [0, 1]", c.Name)
		}
	}
	switch m.Method {
	case MethodGraph:
		if m.Graph == nil {
			return fmt.Errorf("graph model without a graph")
		}
		return m.Graph.check(m)
	case MethodCopula:
		if m.Copula == nil {
			return fmt.Errorf("copula model without a copula")
		}
		return m.Copula.check(m)
	}
	return fmt.Errorf("unknown method %q", m.Method)
}

func (g *Graph) check(m *Model) error {
	for v, col := range g.Vars {
		if col < 0 || col >= len(m.Columns) || m.Columns[col].Treatment != TreatModel {
			return fmt.Errorf("graph variable %d: not a modelled column", v)
		}
	}
	seen := make([]bool, len(g.Vars))
	for i, c := range g.Cliques {
		if c.Parent >= i || c.Parent < -1 {
			return fmt.Errorf("clique %d: its parent must come before it", i)
		}
		cells := 1
		for _, v := range c.Vars {
			if v < 0 || v >= len(g.Vars) {
				return fmt.Errorf("clique %d: unknown variable", i)
			}
			cells *= len(m.Columns[g.Vars[v]].Codes)
		}
		if len(c.P) != cells {
			return fmt.Errorf("clique %d: table has %d cells, want %d", i, len(c.P), cells)
		}
		for _, p := range c.P {
			if !finite(p) || p < 0 {
				return fmt.Errorf("clique %d: a probability is not a number in [0, 1]", i)
			}
		}
		for _, s := range c.Separator {
			if !contains(c.Vars, s) || (c.Parent >= 0 && !contains(g.Cliques[c.Parent].Vars, s)) {
				return fmt.Errorf("clique %d: separator variable %d not in both cliques", i, s)
			}
		}
		if c.Parent < 0 && len(c.Separator) > 0 {
			return fmt.Errorf("clique %d: a root with a separator", i)
		}
		for _, v := range c.Vars {
			if contains(c.Separator, v) {
				continue
			}
			if seen[v] {
				return fmt.Errorf("clique %d: variable %d is introduced twice", i, v)
			}
			seen[v] = true
		}
	}
	for v, ok := range seen {
		if !ok {
			return fmt.Errorf("graph variable %d is in no clique", v)
		}
	}
	return nil
}

func (c *Copula) check(m *Model) error {
	n := len(c.Vars)
	if len(c.Corr) != n {
		return fmt.Errorf("copula: correlation matrix is not %d×%d", n, n)
	}
	for i, row := range c.Corr {
		if len(row) != n {
			return fmt.Errorf("copula: correlation matrix is not %d×%d", n, n)
		}
		for _, v := range row {
			if !finite(v) || math.Abs(v) > 1+1e-9 {
				return fmt.Errorf("copula: a correlation is not in [-1, 1]")
			}
		}
		col := c.Vars[i].Column
		if col < 0 || col >= len(m.Columns) || m.Columns[col].Treatment != TreatModel {
			return fmt.Errorf("copula variable %d: not a modelled column", i)
		}
	}
	return nil
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// OutputSchema returns the schema of the rows Sample writes: the columns
// not dropped, with their kinds and layouts.
func (m *Model) OutputSchema() dataset.Schema {
	var s dataset.Schema
	for _, c := range m.Columns {
		if c.Treatment == TreatDrop {
			continue
		}
		s.Columns = append(s.Columns, dataset.Column{Name: c.Name, Kind: c.Kind, Layout: c.Layout, Nullable: c.NullShare > 0})
	}
	return s
}
