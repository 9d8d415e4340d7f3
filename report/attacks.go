package report

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
)

// This file runs attacks on a synthetic release, as Anonymeter does
// (Giomi et al., "A Unified Framework for Quantifying Privacy Risk in
// Synthetic Data", PETS 2023; the anonymeter package), and a membership
// inference on a holdout. Each Anonymeter evaluator runs three attacks with
// the synthetic rows as the attacker's only knowledge of the population:
//
//   - main: against training rows (used to make the release);
//   - baseline: the same task by random guessing, which tells whether the
//     main attack learnt anything from the release at all;
//   - control: the main attack against holdout rows (never seen by the
//     generator), which tells how much of its success any row of the same
//     population would give, without the release leaking it.
//
// risk = (main − control) / (1 − control): the share of what the attacker
// could still gain that the release gives away about its training rows.
// Predicates and guesses stay inside this file: the report keeps only
// counts, rates and column names.

// Reference values: veil's defaults, documented in docs/report.md.
// Anonymeter sets no threshold (the CNIL leaves the decision to the
// controller); 5 points of success above the control is small next to the
// confidence intervals that 500 attacks give (±4 points at 50%).
const (
	refAttackRisk    = 0.05
	refMembershipAUC = 0.6
)

const (
	// attackColumns is the number of columns a multivariate singling-out
	// predicate uses (Anonymeter's n_cols).
	attackColumns = 3
	// attackTolerance is how close a guess of a numeric secret must be,
	// relative to the true value, to count as correct (Anonymeter's 5%).
	attackTolerance = 0.05
	// attackTries bounds the synthetic rows tried per multivariate
	// predicate wanted, so that a release with few rare combinations does
	// not make the report slow (Anonymeter's max_attempts).
	attackTries = 20
)

// Attack is the result of one Anonymeter evaluator.
type Attack struct {
	// Attack names the evaluator: singling out (univariate or
	// multivariate), linkability or inference.
	Attack string `json:"attack"`
	// Secret is the column an inference attack guesses.
	Secret string `json:"secret,omitempty"`
	// Columns are the columns the attacker knows (for linkability the
	// first of the two sets, ColumnsB the second).
	Columns  []string `json:"columns"`
	ColumnsB []string `json:"columns_b,omitempty"`
	// Main is the attack on training rows, Baseline random guessing,
	// Control the attack on holdout rows (nil without a holdout).
	Main     AttackRate  `json:"main"`
	Baseline AttackRate  `json:"baseline"`
	Control  *AttackRate `json:"control,omitempty"`
	// Risk is (main − control) / (1 − control) with its 95% interval; nil
	// without a control.
	Risk *AttackRisk `json:"risk,omitempty"`
	// BeatsBaseline is false when the main attack does no better than
	// random guessing: its success then says nothing about the release
	// (Anonymeter warns that the results cannot be trusted).
	BeatsBaseline bool   `json:"beats_baseline"`
	Note          string `json:"note,omitempty"`
}

// AttackRate is the success of one attack with its 95% Wilson score
// interval.
type AttackRate struct {
	Successes int     `json:"successes"`
	Attacks   int     `json:"attacks"`
	Rate      float64 `json:"rate"` // successes / attacks
	// Estimate is the centre of the Wilson interval, the point estimate
	// Anonymeter reports and computes the risk from.
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"ci_low"`
	High     float64 `json:"ci_high"`
}

// AttackRisk is a risk in [0,1] with its 95% interval.
type AttackRisk struct {
	Value float64 `json:"value"`
	Low   float64 `json:"ci_low"`
	High  float64 `json:"ci_high"`
}

// Membership is the membership inference on a holdout.
type Membership struct {
	Figures []Figure `json:"figures"`
	// TrainRows and HoldoutRows are the real rows scored; SyntheticRows
	// the released rows they are compared with.
	TrainRows     int `json:"train_rows,omitempty"`
	HoldoutRows   int `json:"holdout_rows,omitempty"`
	SyntheticRows int `json:"synthetic_rows,omitempty"`
	// AUCLow and AUCHigh are the 95% interval of the AUC (Hanley and
	// McNeil).
	AUCLow  *float64 `json:"auc_ci_low,omitempty"`
	AUCHigh *float64 `json:"auc_ci_high,omitempty"`
}

// wilson returns the rate of k successes in n trials and its 95% Wilson
// score interval. The interval is centre ± half:
//
//	centre = (k + z²/2) / (n + z²)
//	half   = z / (n + z²) · √(k(n − k)/n + z²/4)
func wilson(k, n int) AttackRate {
	r := AttackRate{Successes: k, Attacks: n, Rate: math.NaN(), Estimate: math.NaN(), Low: math.NaN(), High: math.NaN()}
	if n <= 0 {
		return r
	}
	z2 := z95 * z95
	fk, fn := float64(k), float64(n)
	centre := (fk + z2/2) / (fn + z2)
	half := z95 / (fn + z2) * math.Sqrt(fk*(fn-fk)/fn+z2/4)
	r.Rate, r.Estimate = fk/fn, centre
	r.Low, r.High = math.Max(0, centre-half), math.Min(1, centre+half)
	return r
}

// halfWidth is the half width of r's interval before it is clipped to
// [0,1].
func (r AttackRate) halfWidth() float64 {
	z2 := z95 * z95
	fk, fn := float64(r.Successes), float64(r.Attacks)
	return z95 / (fn + z2) * math.Sqrt(fk*(fn-fk)/fn+z2/4)
}

// residualRisk is Anonymeter's risk (main − control) / (1 − control) on
// the Wilson estimates, with the error of both rates propagated to first
// order and the value and interval bound to [0,1]. It is undefined (false)
// when the control attack succeeded on every row (the Wilson estimate of
// n of n is below 1, so its count says it, not the estimate).
func residualRisk(main, control AttackRate) (AttackRisk, bool) {
	a, c := main.Estimate, control.Estimate
	if main.Attacks == 0 || control.Attacks == 0 || c >= 1 || control.Successes >= control.Attacks {
		return AttackRisk{}, false
	}
	v := (a - c) / (1 - c)
	da := 1 / (1 - c)
	dc := (a - 1) / ((1 - c) * (1 - c))
	e := math.Hypot(main.halfWidth()*da, control.halfWidth()*dc)
	clip := func(x float64) float64 { return math.Min(1, math.Max(0, x)) }
	return AttackRisk{Value: clip(v), Low: clip(v - e), High: clip(v + e)}, true
}

// newAttack fills the rates, the risk and the baseline flag.
func newAttack(name string, cols []string, main, baseline AttackRate, control *AttackRate) Attack {
	a := Attack{Attack: name, Columns: cols, Main: main, Baseline: baseline, Control: control}
	a.BeatsBaseline = main.Estimate > baseline.Estimate
	if control != nil {
		if r, ok := residualRisk(main, *control); ok {
			a.Risk = &r
		} else {
			a.Note = "the control attack succeeded on every holdout row: the risk cannot be measured"
		}
	}
	return a
}

// attackData holds the tables the attacks use: seeded samples of the
// training rows, holdout rows and synthetic rows, over the attacked columns.
// minControlRows is the fewest holdout rows the control attacks and the
// membership inference use; below, they are not measured.
const minControlRows = 30

// needHoldout says why a control was not measured: no holdout, or one too
// small.
func (b *builder) needHoldout() string {
	if b.hold != nil && b.hold.rows < minControlRows {
		return fmt.Sprintf("needs a --holdout of at least %d rows (this one has %d)", minControlRows, b.hold.rows)
	}
	return "needs --holdout"
}

type attackData struct {
	rng              *rand.Rand
	names            []string
	train, hold, syn *frame
	// targets and controls are the training and holdout rows attacked by
	// linkability and inference (and scored by membership inference).
	targets, controls *frame
	attacks           int
}

// attackColumnsOf returns the columns the attacks use: the compared columns
// (direct identifiers and record keys are never loaded) but the ID-like
// ones, which would make every row unique and every neighbour search a
// match on the key rather than on the person.
func (b *builder) attackColumnsOf() []string {
	var out []string
	for _, c := range b.orig.cols {
		if b.utilSkip[c.spec.name] == "" {
			out = append(out, c.spec.name)
		}
	}
	return out
}

// attacks runs the Anonymeter evaluators and the membership inference on a
// synthetic release and adds their figures to the WP29 sections.
func (b *builder) attacks(ctx context.Context) error {
	if b.r.Release != "synthetic" {
		return nil
	}
	p := &b.r.Privacy
	p.Membership = &Membership{}
	names := b.attackColumnsOf()
	if len(names) == 0 || b.rel.rows == 0 || b.orig.rows == 0 {
		b.attackFigures(nil, nil, nil, "no column to attack")
		b.membership(nil)
		return nil
	}
	d := newAttackData(rand.New(rand.NewPCG(b.opt.Seed, 0xa77ac4)), names, b.orig, b.hold, b.rel, b.opt.ReferenceRows, max(1, b.opt.SampleRows/2))
	so := []Attack{d.singlingOut(true), d.singlingOut(false)}
	if err := ctx.Err(); err != nil {
		return err
	}
	var link []Attack
	quasi := map[string]bool{}
	for _, n := range p.QuasiIdentifiers {
		quasi[n] = true
	}
	var qi []int
	for j, n := range names {
		if quasi[n] {
			qi = append(qi, j)
		}
	}
	linkNote := ""
	if len(qi) >= 2 {
		link = append(link, d.linkability(qi[:len(qi)/2], qi[len(qi)/2:]))
	} else {
		linkNote = "needs two quasi-identifiers (the attacker's two sources); " + fmt.Sprint(len(qi)) + " known"
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var inf []Attack
	for _, s := range b.secrets(names) {
		if err := ctx.Err(); err != nil {
			return err
		}
		inf = append(inf, d.inference(slices.Index(names, s)))
	}
	p.SinglingOut.Attacks, p.Linkability.Attacks, p.Inference.Attacks = so, link, inf
	b.attackFigures(so, link, inf, linkNote)
	b.membership(d)

	rows := fmt.Sprintf("%d training rows", d.train.rows)
	if d.hold != nil {
		rows += fmt.Sprintf(" and %d holdout rows", d.hold.rows)
	}
	b.method("Anonymeter singling out, linkability, inference", false, d.train.rows,
		fmt.Sprintf("up to %d attacks each (--sample-rows ÷ 2); %s against %d synthetic rows (seeded samples, at most --reference-rows); 95%% Wilson intervals", d.attacks, rows, d.syn.rows))
	return nil
}

// newAttackData draws the attacks' samples: at most maxRows rows of the
// original, the holdout (nil: none) and the release over the columns names,
// and attacks rows of each real table to attack.
func newAttackData(rng *rand.Rand, names []string, orig, hold, rel *frame, maxRows, attacks int) *attackData {
	d := &attackData{rng: rng, names: names, attacks: attacks}
	if hold != nil && hold.rows < minControlRows {
		// A control on a handful of rows says nothing (a 1-row holdout
		// gave an AUC interval of 0–0): measured as without one.
		hold = nil
	}
	// Main and control attacks run on equally many real rows: a predicate
	// is likelier to match exactly one row of a smaller table, so unequal
	// sizes would show a difference that is not a leak (Anonymeter fits a
	// correction instead).
	nReal := min(orig.rows, maxRows)
	if hold != nil && hold.rows > 0 {
		nReal = min(nReal, hold.rows)
	}
	d.train = pick(orig, names, sampleRows(rng, orig.rows, nReal))
	if hold != nil && hold.rows > 0 {
		d.hold = pick(hold, names, sampleRows(rng, hold.rows, nReal))
	}
	d.syn = pick(rel, names, sampleRows(rng, rel.rows, min(rel.rows, maxRows)))
	d.targets = pick(d.train, nil, sampleRows(rng, d.train.rows, min(attacks, d.train.rows)))
	if d.hold != nil {
		d.controls = pick(d.hold, nil, sampleRows(rng, d.hold.rows, min(attacks, d.hold.rows)))
	}
	return d
}

// secrets returns the columns inference attacks guess: the sensitive
// columns and the TSTR target, among the attacked columns.
func (b *builder) secrets(names []string) []string {
	var out []string
	for _, n := range append(append([]string{}, b.r.Privacy.Sensitive...), b.opt.Target) {
		if n != "" && slices.Contains(names, n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// sampleRows returns n row numbers of rows in increasing order, drawn
// without replacement (all rows when n >= rows).
func sampleRows(rng *rand.Rand, rows, n int) []int {
	if n >= rows {
		idx := make([]int, rows)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := rng.Perm(rows)[:n]
	sort.Ints(idx)
	return idx
}

// pick returns the given rows of f's columns named names (every column when
// names is nil), as a frame of its own (no metrics.Table behind it).
func pick(f *frame, names []string, rows []int) *frame {
	out := &frame{rows: len(rows)}
	for _, c := range f.cols {
		if names != nil && !slices.Contains(names, c.spec.name) {
			continue
		}
		nc := &fcol{spec: c.spec}
		if c.spec.numeric {
			nc.nums = make([]float64, len(rows))
			for i, r := range rows {
				nc.nums[i] = c.nums[r]
			}
		} else {
			nc.codes = make([]int32, len(rows))
			for i, r := range rows {
				nc.codes[i] = c.codes[r]
			}
		}
		out.cols = append(out.cols, nc)
	}
	return out
}

// project returns a frame sharing f's rows, with the columns at idx.
func project(f *frame, idx []int) *frame {
	out := &frame{rows: f.rows}
	for _, j := range idx {
		out.cols = append(out.cols, f.cols[j])
	}
	return out
}

// distinctRows returns f without repeated rows (the first of each kept),
// as Anonymeter drops duplicates before singling out: a predicate matching
// two identical records still isolates one person's values.
func distinctRows(f *frame) *frame {
	names := make([]string, len(f.cols))
	for j, c := range f.cols {
		names[j] = c.spec.name
	}
	ids, sizes := classes(f, names)
	seen := make([]bool, len(sizes))
	var keep []int
	for i, id := range ids {
		if !seen[id] {
			seen[id] = true
			keep = append(keep, i)
		}
	}
	return pick(f, nil, keep)
}

// nearestRows returns, for every row of q, the row of ref closest to it
// with the DCR distance (see nearest2) and that distance; of equally close
// rows the first. Both frames must hold the same columns.
func nearestRows(q, ref *frame) ([]int32, []float64) {
	at := make([]int32, q.rows)
	dist := make([]float64, q.rows)
	if len(q.cols) == 0 || ref.rows == 0 {
		for i := range at {
			at[i], dist[i] = -1, math.NaN()
		}
		return at, dist
	}
	m := newNNMatrix(q, ref)
	eachQuery(q.rows, func(i int) { at[i], dist[i] = m.nearestIndexOf(i) })
	n := float64(len(q.cols))
	for i := range dist {
		dist[i] /= n
	}
	return at, dist
}

// Singling out.

// Comparison operators of a predicate.
const (
	opNull uint8 = iota
	opNotNull
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
)

// pred is one condition on one column: column op value.
type pred struct {
	col  int
	op   uint8
	code int32   // categorical value
	num  float64 // numeric value
}

// match reports whether row i of f meets p. A null meets only opNull and
// opNotNull, as in SQL and polars (Anonymeter's engine).
func (p pred) match(f *frame, i int) bool {
	c := f.cols[p.col]
	var x float64
	var code int32
	var null bool
	if c.spec.numeric {
		x = c.nums[i]
		null = math.IsNaN(x)
	} else {
		code = c.codes[i]
		null = code < 0
	}
	switch {
	case p.op == opNull:
		return null
	case p.op == opNotNull:
		return !null
	case null:
		return false
	case !c.spec.numeric:
		return (code == p.code) == (p.op == opEq)
	}
	switch p.op {
	case opEq:
		return x == p.num
	case opNe:
		return x != p.num
	case opLt:
		return x < p.num
	case opLe:
		return x <= p.num
	case opGt:
		return x > p.num
	default:
		return x >= p.num
	}
}

// key identifies a predicate set, to keep each only once.
func key(q []pred) string {
	var sb strings.Builder
	for _, p := range q {
		fmt.Fprintf(&sb, "%d %d %d %x;", p.col, p.op, p.code, math.Float64bits(p.num))
	}
	return sb.String()
}

// matches counts the rows of f that meet every predicate of q, stopping at
// limit: singling out only asks whether there is one match or more.
func matches(f *frame, q []pred, limit int) int {
	n := 0
	for i := 0; i < f.rows; i++ {
		ok := true
		for _, p := range q {
			if !p.match(f, i) {
				ok = false
				break
			}
		}
		if ok {
			n++
			if n >= limit {
				return n
			}
		}
	}
	return n
}

// singlingOut runs Anonymeter's singling-out evaluator. The attacker
// writes predicates that isolate exactly one synthetic row and claims each
// isolates one real person too: a claim succeeds when the predicate matches
// exactly one training row. Multivariate predicates take a random synthetic
// row and attackColumns random columns (a number: ≥ its value when above
// the column's median, else ≤; a category: =; a null: is null);
// univariate ones are a column's rare values (one synthetic row), its
// minimum (≤) or maximum (≥), or its null when one row has it. The
// baseline draws predicates at random (random columns, random values of
// the synthetic columns, random operators) without looking at which
// isolate a synthetic row.
func (d *attackData) singlingOut(multivariate bool) Attack {
	syn, train := distinctRows(d.syn), distinctRows(d.train)
	var hold *frame
	if d.hold != nil {
		hold = distinctRows(d.hold)
	}
	k := min(attackColumns, len(syn.cols))
	name := fmt.Sprintf("singling out, multivariate (%d columns)", k)
	var queries [][]pred
	if multivariate {
		queries = d.multivariateQueries(syn, k)
	} else {
		k = 1
		name = "singling out, univariate"
		queries = d.univariateQueries(syn)
	}
	n := len(queries)
	count := func(f *frame, qs [][]pred) int {
		s := 0
		for _, q := range qs {
			if matches(f, q, 2) == 1 {
				s++
			}
		}
		return s
	}
	base := count(train, d.randomQueries(syn, n, k))
	var control *AttackRate
	if hold != nil {
		c := wilson(count(hold, queries), n)
		control = &c
	}
	a := newAttack(name, d.names, wilson(count(train, queries), n), wilson(base, n), control)
	if n < d.attacks {
		a.Note = joinClauses(a.Note, fmt.Sprintf("%d predicates isolate a synthetic row, of %d wanted: the rate is over those", n, d.attacks))
	}
	return a
}

// multivariateQueries draws predicates from synthetic rows until d.attacks
// isolate exactly one synthetic row, or attackTries per wanted predicate
// have been tried.
func (d *attackData) multivariateQueries(syn *frame, k int) [][]pred {
	if syn.rows == 0 || k == 0 {
		return nil
	}
	medians := make([]float64, len(syn.cols))
	for j, c := range syn.cols {
		if c.spec.numeric {
			medians[j] = median(c.nums)
		}
	}
	seen := map[string]bool{}
	var out [][]pred
	for try := 0; try < attackTries*d.attacks && len(out) < d.attacks; try++ {
		r := d.rng.IntN(syn.rows)
		cols := d.rng.Perm(len(syn.cols))[:k]
		sort.Ints(cols)
		q := make([]pred, len(cols))
		for i, j := range cols {
			c := syn.cols[j]
			switch {
			case c.isNull(r):
				q[i] = pred{col: j, op: opNull}
			case !c.spec.numeric:
				q[i] = pred{col: j, op: opEq, code: c.codes[r]}
			case c.nums[r] > medians[j]:
				q[i] = pred{col: j, op: opGe, num: c.nums[r]}
			default:
				q[i] = pred{col: j, op: opLe, num: c.nums[r]}
			}
		}
		kq := key(q)
		if seen[kq] {
			continue
		}
		seen[kq] = true
		if matches(syn, q, 2) == 1 {
			out = append(out, q)
		}
	}
	return out
}

// univariateQueries lists the one-column predicates that isolate exactly
// one synthetic row, shuffled, and keeps d.attacks of them.
func (d *attackData) univariateQueries(syn *frame) [][]pred {
	var out [][]pred
	for j, c := range syn.cols {
		nulls := 0
		for i := 0; i < syn.rows; i++ {
			if c.isNull(i) {
				nulls++
			}
		}
		if nulls == 1 {
			out = append(out, []pred{{col: j, op: opNull}})
		}
		if !c.spec.numeric {
			counts := map[int32]int{}
			for _, v := range c.codes {
				if v >= 0 {
					counts[v]++
				}
			}
			var rare []int32
			for v, n := range counts {
				if n == 1 {
					rare = append(rare, v)
				}
			}
			slices.Sort(rare)
			for _, v := range rare {
				out = append(out, []pred{{col: j, op: opEq, code: v}})
			}
			continue
		}
		vals := make([]float64, 0, syn.rows)
		for _, v := range c.nums {
			if !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		sort.Float64s(vals)
		if len(vals) == 0 {
			continue
		}
		// The minimum (≤) and maximum (≥) isolate a row when one row holds
		// them; a value held by one row is rare.
		lo, hi := vals[0], vals[len(vals)-1]
		if len(vals) == 1 || vals[1] != lo {
			out = append(out, []pred{{col: j, op: opLe, num: lo}})
		}
		if len(vals) > 1 && vals[len(vals)-2] != hi {
			out = append(out, []pred{{col: j, op: opGe, num: hi}})
		}
		for i := 0; i < len(vals); {
			e := i
			for e < len(vals) && vals[e] == vals[i] {
				e++
			}
			if e-i == 1 {
				out = append(out, []pred{{col: j, op: opEq, num: vals[i]}})
			}
			i = e
		}
	}
	d.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(len(out), d.attacks)]
}

// randomQueries draws n predicates of k random columns, each with a random
// value of the synthetic column (null included when it occurs) and a
// random operator: = or ≠ for categories, one of = ≠ < ≤ > ≥ for numbers,
// is null or is not null for a null.
func (d *attackData) randomQueries(syn *frame, n, k int) [][]pred {
	type domain struct {
		codes []int32
		nums  []float64
		null  bool
	}
	doms := make([]domain, len(syn.cols))
	for j, c := range syn.cols {
		if c.spec.numeric {
			seen := map[float64]bool{}
			for _, v := range c.nums {
				if math.IsNaN(v) {
					doms[j].null = true
				} else if !seen[v] {
					seen[v] = true
					doms[j].nums = append(doms[j].nums, v)
				}
			}
			sort.Float64s(doms[j].nums)
			continue
		}
		seen := map[int32]bool{}
		for _, v := range c.codes {
			if v < 0 {
				doms[j].null = true
			} else if !seen[v] {
				seen[v] = true
				doms[j].codes = append(doms[j].codes, v)
			}
		}
		slices.Sort(doms[j].codes)
	}
	out := make([][]pred, 0, n)
	for len(out) < n && syn.rows > 0 && k > 0 {
		cols := d.rng.Perm(len(syn.cols))[:k]
		sort.Ints(cols)
		q := make([]pred, len(cols))
		for i, j := range cols {
			dm, numeric := doms[j], syn.cols[j].spec.numeric
			size := len(dm.codes) + len(dm.nums)
			if dm.null {
				size++
			}
			v := d.rng.IntN(size)
			switch {
			case v == len(dm.codes)+len(dm.nums):
				q[i] = pred{col: j, op: []uint8{opNull, opNotNull}[d.rng.IntN(2)]}
			case numeric:
				q[i] = pred{col: j, op: []uint8{opEq, opNe, opLt, opLe, opGt, opGe}[d.rng.IntN(6)], num: dm.nums[v]}
			default:
				q[i] = pred{col: j, op: []uint8{opEq, opNe}[d.rng.IntN(2)], code: dm.codes[v]}
			}
		}
		out = append(out, q)
	}
	return out
}

// Linkability.

// linkability runs Anonymeter's linkability evaluator. The attacker holds
// two sources about the same people: one with the columns a, one with the
// columns b. For each attacked real row it looks up the nearest synthetic
// row on a and on b (n_neighbors = 1); the rows are linked when both
// searches find the same synthetic row. The baseline picks both synthetic
// rows at random.
func (d *attackData) linkability(a, b []int) Attack {
	links := func(t *frame) int {
		na, _ := nearestRows(project(t, a), project(d.syn, a))
		nb, _ := nearestRows(project(t, b), project(d.syn, b))
		s := 0
		for i := range na {
			if na[i] >= 0 && na[i] == nb[i] {
				s++
			}
		}
		return s
	}
	n := d.targets.rows
	base := 0
	for i := 0; i < n; i++ {
		if d.rng.IntN(d.syn.rows) == d.rng.IntN(d.syn.rows) {
			base++
		}
	}
	var control *AttackRate
	if d.controls != nil {
		c := wilson(links(d.controls), d.controls.rows)
		control = &c
	}
	at := newAttack("linkability", namesAt(d.names, a), wilson(links(d.targets), n), wilson(base, n), control)
	at.ColumnsB = namesAt(d.names, b)
	return at
}

func namesAt(names []string, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = names[j]
	}
	return out
}

// Inference.

// inference runs Anonymeter's inference evaluator for the column at s: the
// attacker knows every other attacked column of a real row, finds the
// nearest synthetic row on them and guesses its value of s. A guess of a
// category is right when equal; of a number, when within attackTolerance
// of the true value (relative); a null is right for a null. The baseline
// guesses the value of a random synthetic row.
func (d *attackData) inference(s int) Attack {
	var aux []int
	for j := range d.names {
		if j != s {
			aux = append(aux, j)
		}
	}
	secret := d.syn.cols[s]
	right := func(t *frame, i int, g int32) bool {
		c := t.cols[s]
		if !c.spec.numeric {
			return c.codes[i] == secret.codes[g]
		}
		x, y := c.nums[i], secret.nums[g]
		if math.IsNaN(x) || math.IsNaN(y) {
			return math.IsNaN(x) && math.IsNaN(y)
		}
		return math.Abs(y-x) <= attackTolerance*math.Abs(x)
	}
	guess := func(t *frame) int {
		nn, _ := nearestRows(project(t, aux), project(d.syn, aux))
		k := 0
		for i, g := range nn {
			if g >= 0 && right(t, i, g) {
				k++
			}
		}
		return k
	}
	n := d.targets.rows
	base := 0
	for i := 0; i < n; i++ {
		if right(d.targets, i, int32(d.rng.IntN(d.syn.rows))) {
			base++
		}
	}
	var control *AttackRate
	if d.controls != nil {
		c := wilson(guess(d.controls), d.controls.rows)
		control = &c
	}
	main := wilson(0, n)
	if len(aux) > 0 {
		main = wilson(guess(d.targets), n)
	}
	a := newAttack("inference", namesAt(d.names, aux), main, wilson(base, n), control)
	a.Secret = d.names[s]
	if len(aux) == 0 {
		a.Note = "no other column to infer from"
	}
	return a
}

// Figures.

// attackFigures adds one risk figure per evaluator to the WP29 sections:
// the multivariate and univariate singling out, linkability, and the
// inference of the sensitive column at most risk.
func (b *builder) attackFigures(so, link, inf []Attack, linkNote string) {
	p := &b.r.Privacy
	const soMeaning = "Anonymeter: share of claims \"only one person has these values\", written from synthetic rows, that are true of the training data beyond what they are of unseen real rows: 0 = the release isolates no one more than the population does"
	for i, id := range []string{"singling_out_risk", "singling_out_risk_univariate"} {
		label := []string{"Singling-out attack risk (multivariate)", "Singling-out attack risk (univariate)"}[i]
		var a *Attack
		if i < len(so) {
			a = &so[i]
		}
		p.SinglingOut.Figures = append(p.SinglingOut.Figures, attackFigure(id, label, soMeaning, a, "no column to attack", b.needHoldout()))
	}
	var l *Attack
	if len(link) > 0 {
		l = &link[0]
	}
	if linkNote == "" {
		linkNote = "no column to attack"
	}
	p.Linkability.Figures = append(p.Linkability.Figures, attackFigure("linkability_risk", "Linkability attack risk",
		"Anonymeter: share of real people whose records in two sources (the quasi-identifiers split in two) an attacker joins through the same nearest synthetic row, beyond unseen real rows: 0 = no link the population would not give", l, linkNote, b.needHoldout()))
	var worst *Attack
	for i := range inf {
		if worst == nil || riskOrder(&inf[i]) > riskOrder(worst) {
			worst = &inf[i]
		}
	}
	label, note := "Inference attack risk (worst column)", "no sensitive column or --target to guess"
	if worst != nil {
		label = "Inference attack risk (worst column: " + worst.Secret + ")"
	}
	p.Inference.Figures = append(p.Inference.Figures, attackFigure("inference_risk", label,
		"Anonymeter: share of sensitive values guessed right from the nearest synthetic row on the other columns, beyond the same guess for unseen real rows: 0 = the release tells no more about its training rows than about anyone", worst, note, b.needHoldout()))
}

// riskOrder orders inference results by risk, else by main success above
// the baseline (without a holdout).
func riskOrder(a *Attack) float64 {
	if a.Risk != nil {
		return a.Risk.Value
	}
	return a.Main.Estimate - a.Baseline.Estimate
}

// attackFigure is an evaluator's risk as a figure: not measured without a
// control, with the main attack against the baseline in the note.
func attackFigure(id, label, meaning string, a *Attack, why, noControl string) Figure {
	if a == nil {
		return newFigure(id, label, 0, false, "<=", ref(refAttackRisk), "risk", meaning, why)
	}
	note := fmt.Sprintf("main attack %s, baseline (random guessing) %s", a.Main.Text(), a.Baseline.Text())
	if a.Control != nil {
		note += ", control (holdout rows) " + a.Control.Text()
	}
	if !a.BeatsBaseline {
		note += "; the attack does no better than random guessing: its result is not meaningful"
	}
	note = joinClauses(note, a.Note)
	if a.Risk == nil {
		if a.Control == nil {
			note = "not measured: " + noControl + "; " + note
		}
		return newFigure(id, label, 0, false, "<=", ref(refAttackRisk), "risk", meaning, note)
	}
	note = fmt.Sprintf("95%% CI %s–%s; ", trimFloat(roundSig(a.Risk.Low, 2)), trimFloat(roundSig(a.Risk.High, 2))) + note
	return newFigure(id, label, a.Risk.Value, true, "<=", ref(refAttackRisk), "risk", meaning, note)
}

// Membership inference.

// membership scores every attacked training and holdout row by its
// distance to the closest synthetic row (DCR): an attacker who guesses
// "member" below a distance threshold separates the two with the AUC
// below. 0.5 (advantage 0) means the release does not tell members apart.
func (b *builder) membership(d *attackData) {
	m := b.r.Privacy.Membership
	const aucMeaning = "chance that a training row sits closer to the synthetic rows (DCR) than a holdout row: 0.5 = an attacker cannot tell who was in the training data, 1 = always can"
	const advMeaning = "largest difference, over distance thresholds, between the share of training rows and of holdout rows the attacker calls members (max TPR − FPR): 0 = no membership signal"
	if d == nil || d.controls == nil {
		why := "not measured: " + b.needHoldout() + " (real rows kept out of the release)"
		if d == nil {
			why = "no column to attack"
		}
		m.Figures = append(m.Figures,
			newFigure("membership_auc", "Membership inference AUC", 0, false, "<=", ref(refMembershipAUC), "auc", aucMeaning, why),
			newFigure("membership_advantage", "Membership inference advantage", 0, false, "<=", nil, "advantage", advMeaning, why))
		return
	}
	// As many training as holdout rows, so that the AUC is balanced.
	n := min(d.targets.rows, d.controls.rows)
	train := pick(d.targets, nil, sampleRows(d.rng, d.targets.rows, n))
	hold := pick(d.controls, nil, sampleRows(d.rng, d.controls.rows, n))
	_, dt := nearestRows(train, d.syn)
	_, dh := nearestRows(hold, d.syn)
	auc, adv := membershipAUC(dt, dh)
	lo, hi := aucInterval(auc, len(dt), len(dh))
	m.TrainRows, m.HoldoutRows, m.SyntheticRows = len(dt), len(dh), d.syn.rows
	m.AUCLow, m.AUCHigh = &lo, &hi
	note := fmt.Sprintf("95%% CI %s–%s (Hanley–McNeil); %d training and %d holdout rows against %d synthetic rows",
		trimFloat(roundSig(lo, 3)), trimFloat(roundSig(hi, 3)), len(dt), len(dh), d.syn.rows)
	m.Figures = append(m.Figures,
		newFigure("membership_auc", "Membership inference AUC", auc, !math.IsNaN(auc), "<=", ref(refMembershipAUC), "auc", aucMeaning, note),
		newFigure("membership_advantage", "Membership inference advantage", adv, !math.IsNaN(adv), "<=", nil, "advantage", advMeaning,
			fmt.Sprintf("max TPR − FPR, not 2·(AUC − 0.5); with %d rows on each side, chance alone stays below %s 95%% of the time", len(dt), trimFloat(roundSig(1.36*math.Sqrt(2/float64(max(1, len(dt)))), 2)))))
	b.method("membership inference", false, len(dt)+len(dh),
		fmt.Sprintf("%d training and %d holdout rows (seeded samples, at most --sample-rows ÷ 2 each) scored by DCR to %d synthetic rows", len(dt), len(dh), d.syn.rows))
}

// membershipAUC returns the AUC of "member" scores (smaller distance =
// likelier member) of members dt against non-members dh: P(dt < dh) +
// P(dt = dh)/2 (Mann–Whitney), and the advantage max over thresholds t of
// P(dt ≤ t) − P(dh ≤ t), at least 0. NaN distances are left out.
func membershipAUC(dt, dh []float64) (auc, adv float64) {
	type score struct {
		d      float64
		member bool
	}
	var all []score
	var nt, nh int
	for _, x := range dt {
		if !math.IsNaN(x) {
			all = append(all, score{x, true})
			nt++
		}
	}
	for _, x := range dh {
		if !math.IsNaN(x) {
			all = append(all, score{x, false})
			nh++
		}
	}
	if nt == 0 || nh == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d < all[j].d })
	var wins float64
	var ct, ch int // members and non-members at or below the current distance
	for i := 0; i < len(all); {
		e, t, h := i, 0, 0
		for e < len(all) && all[e].d == all[i].d {
			if all[e].member {
				t++
			} else {
				h++
			}
			e++
		}
		// Members of this distance beat the non-members above it and tie
		// with those at it.
		wins += float64(t) * (float64(nh-ch-h) + float64(h)/2)
		ct, ch = ct+t, ch+h
		adv = math.Max(adv, float64(ct)/float64(nt)-float64(ch)/float64(nh))
		i = e
	}
	return wins / (float64(nt) * float64(nh)), adv
}

// aucInterval is the 95% interval of an AUC from n1 positives and n2
// negatives (Hanley and McNeil, Radiology 1982), clipped to [0,1].
func aucInterval(a float64, n1, n2 int) (lo, hi float64) {
	q1 := a / (2 - a)
	q2 := 2 * a * a / (1 + a)
	v := (a*(1-a) + float64(n1-1)*(q1-a*a) + float64(n2-1)*(q2-a*a)) / float64(n1*n2)
	se := math.Sqrt(math.Max(0, v))
	return math.Max(0, a-z95*se), math.Min(1, a+z95*se)
}

// Sentences.

// attackSentence reports the inference attack at most risk in points of
// success above its control (or, without a holdout, above random
// guessing), as the compliance reference's last template does.
func (b *builder) attackSentence() string {
	var worst *Attack
	for i, a := range b.r.Privacy.Inference.Attacks {
		if a.Main.Attacks > 0 && (worst == nil || riskOrder(&b.r.Privacy.Inference.Attacks[i]) > riskOrder(worst)) {
			worst = &b.r.Privacy.Inference.Attacks[i]
		}
	}
	if worst == nil {
		return ""
	}
	points := func(a, c AttackRate) string {
		p := math.Round((a.Rate-c.Rate)*1000) / 10
		switch {
		case p == 0:
			return "as well as"
		case p > 0:
			return fmt.Sprintf("%s points above", trimFloat(p))
		}
		return fmt.Sprintf("%s points below", trimFloat(-p))
	}
	s := fmt.Sprintf("An attack inferring %s from the nearest synthetic row guessed %s of training records right, %s a random-guessing baseline",
		worst.Secret, pct(worst.Main.Rate), points(worst.Main, worst.Baseline))
	if worst.Control == nil {
		return s + "; whether this is more than it would guess of anyone in the population is not measured (" + b.needHoldout() + ")."
	}
	s += fmt.Sprintf(" and %s the same attack on holdout records", points(worst.Main, *worst.Control))
	if worst.Risk != nil {
		s += fmt.Sprintf(" (risk %s, 95%% CI %s–%s)", trimFloat(roundSig(worst.Risk.Value, 2)), trimFloat(roundSig(worst.Risk.Low, 2)), trimFloat(roundSig(worst.Risk.High, 2)))
	}
	return s + "."
}

// membershipSentence reports the membership-inference AUC.
func (b *builder) membershipSentence() string {
	m := b.r.Privacy.Membership
	if m == nil {
		return ""
	}
	f := b.r.Figure("membership_auc")
	v, ok := value(f)
	if !ok || m.AUCLow == nil {
		return ""
	}
	what := "no better than chance within its interval"
	if *m.AUCLow > 0.5 {
		what = "better than chance: training records sit measurably closer to the synthetic rows, which reveals who was in the training data to that degree"
	}
	return fmt.Sprintf("Telling training records from unseen ones by their distance to the closest synthetic row scores an AUC of %s (95%% CI %s–%s; 0.5 = chance): %s.",
		trimFloat(roundSig(v, 2)), trimFloat(roundSig(*m.AUCLow, 2)), trimFloat(roundSig(*m.AUCHigh, 2)), what)
}

// Text writes the rate for the HTML table: "12%" and its interval.
func (r AttackRate) Text() string {
	if r.Attacks == 0 {
		return "not measured"
	}
	return fmt.Sprintf("%s (95%% CI %s–%s; %d of %d)", pct(r.Rate), pct(r.Low), pct(r.High), r.Successes, r.Attacks)
}

// Text writes the risk for the HTML table.
func (r AttackRisk) Text() string {
	return fmt.Sprintf("%s (95%% CI %s–%s)", trimFloat(roundSig(r.Value, 2)), trimFloat(roundSig(r.Low, 2)), trimFloat(roundSig(r.High, 2)))
}

// joinClauses joins two clauses of a note with a semicolon.
func joinClauses(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
