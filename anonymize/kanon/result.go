package kanon

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/veil-data/veil/dataset"
)

// Summary is the privacy object of the anonymize report: what the released
// table meets and what it cost. Every figure is computed from the released
// equivalence classes (rows equal on every released quasi-identifier), not
// from the search's bookkeeping.
type Summary struct {
	Algorithm        string  `json:"algorithm"`
	Metric           string  `json:"metric,omitempty"`
	K                int     `json:"k"`
	SuppressionLimit float64 `json:"suppression_limit"`
	Rows             int64   `json:"rows"`
	// MinClassSize is the smallest released class: the k the output
	// really meets.
	MinClassSize   int64 `json:"min_class_size"`
	Classes        int   `json:"classes"`
	SuppressedRows int64 `json:"suppressed_rows"`
	// Levels is the level of each quasi-identifier (optimal search).
	Levels          map[string]int  `json:"levels,omitempty"`
	InformationLoss InformationLoss `json:"information_loss"`
	// Risk is the prosecutor re-identification risk of the released rows;
	// InputRisk the same for the input's quasi-identifiers.
	Risk       Risk                `json:"risk"`
	InputRisk  Risk                `json:"input_risk"`
	LDiversity *LDiversitySummary  `json:"l_diversity"`
	TCloseness *TClosenessSummary  `json:"t_closeness"`
	Local      *LocalRecodingGain  `json:"local_recoding,omitempty"`
	Search     *SearchStats        `json:"search,omitempty"`
	Mondrian   *MondrianStats      `json:"mondrian,omitempty"`
	Columns    []ColumnGeneralized `json:"columns"`
}

// InformationLoss holds the metrics of the released table. Nil fields do
// not apply to the algorithm (entropy and precision need full-domain
// levels).
type InformationLoss struct {
	// Entropy is the monotonic non-uniform entropy in bits (optimal).
	Entropy *float64 `json:"entropy,omitempty"`
	// Loss is Iyengar's loss, 0..1, geometric mean over columns.
	Loss float64 `json:"loss"`
	// Discernibility is sum |E|^2 + S*N.
	Discernibility float64 `json:"discernibility"`
	// Precision is Sweeney's precision, 0..1.
	Precision *float64 `json:"precision,omitempty"`
	// AECS is the average equivalence class size, the suppressed rows
	// forming one class.
	AECS float64 `json:"aecs"`
	// NCP is the global certainty penalty as a share, 0..1 (multiply by
	// 100 for the percentages of the Mondrian literature); a suppressed
	// row loses 1 on every column.
	NCP float64 `json:"ncp"`
}

// Risk is the prosecutor model's re-identification risk over a set of
// rows: an attacker who knows a person is in the table and knows their
// quasi-identifiers picks one row of the matching class.
type Risk struct {
	// ProsecutorMax is 1/min |E|.
	ProsecutorMax float64 `json:"prosecutor_max"`
	// ProsecutorAvg is #classes/#rows.
	ProsecutorAvg float64 `json:"prosecutor_avg"`
	// RecordsAtRisk is the share of rows in classes with 1/|E| above
	// Threshold.
	RecordsAtRisk float64 `json:"records_at_risk"`
	Threshold     float64 `json:"threshold"`
	// SampleUniques is the share of rows alone in their class.
	SampleUniques float64 `json:"sample_uniques"`
}

// LDiversitySummary reports the l-diversity of the released classes.
type LDiversitySummary struct {
	Column  string  `json:"column"`
	Variant string  `json:"variant"`
	L       float64 `json:"l"`
	C       float64 `json:"c,omitempty"`
	// MinDistinct is the fewest distinct sensitive values in a class;
	// MinEntropyL the smallest 2^entropy (the entropy l) of a class.
	MinDistinct int     `json:"min_distinct"`
	MinEntropyL float64 `json:"min_entropy_l"`
}

// TClosenessSummary reports the t-closeness of the released classes.
type TClosenessSummary struct {
	Column   string  `json:"column"`
	Distance string  `json:"distance"`
	T        float64 `json:"t"`
	// MaxEMD is the largest distance of a class to the table.
	MaxEMD float64 `json:"max_emd"`
}

// SearchStats describes the optimal search's work.
type SearchStats struct {
	Transformations int `json:"transformations"`
	Checked         int `json:"checked"`
	// StoppedEarly counts the checks that stopped grouping as soon as
	// more rows than the limit were in classes smaller than k.
	StoppedEarly int `json:"stopped_early"`
	Paths        int `json:"paths"`
	// RareValues counts nodes that failed without a check: rows with a
	// value held by fewer than k rows outnumber the suppression limit.
	RareValues int `json:"rare_values"`
}

// MondrianStats describes Mondrian's partitioning.
type MondrianStats struct {
	Partitions int `json:"partitions"`
}

// LocalRecodingGain compares the global solution with its local recoding.
type LocalRecodingGain struct {
	Rounds               int     `json:"rounds"`
	SuppressedBefore     int64   `json:"suppressed_before"`
	SuppressedAfter      int64   `json:"suppressed_after"`
	LossBefore           float64 `json:"loss_before"`
	LossAfter            float64 `json:"loss_after"`
	ClassesBefore        int     `json:"classes_before"`
	ClassesAfter         int     `json:"classes_after"`
	RecodedRows          int64   `json:"recoded_rows"`
	DiscernibilityBefore float64 `json:"discernibility_before"`
	DiscernibilityAfter  float64 `json:"discernibility_after"`
	// Recodings lists the rounds that released rows: the levels their
	// rows were generalized to and how many rows they released.
	Recodings []Recoding `json:"recodings"`
}

// Recoding is one round of local recoding.
type Recoding struct {
	Levels map[string]int `json:"levels"`
	Rows   int64          `json:"rows"`
}

// ColumnGeneralized says how one quasi-identifier was released.
type ColumnGeneralized struct {
	Name string `json:"name"`
	// Level is the hierarchy level (optimal search); -1 when it varies by
	// class.
	Level  int `json:"level"`
	Height int `json:"height"`
	// Values is the number of distinct released values.
	Values int `json:"values"`
}

// Result is the outcome of a search: the summary for the report and the
// recoding that the second pass applies to every row with Recode. It is
// safe for concurrent use.
type Result struct {
	Summary Summary

	t          *Table
	entryClass []int32 // per entry: output class, -1 when suppressed
	classLab   []int32 // per output class: m label ids
	labels     []*labelSet
}

// labelSet holds the released values of one column.
type labelSet struct {
	texts  []string
	null   []bool
	ncp    []float64 // NCP of the value
	share  []float64 // loss of the value, 0..1
	level  []int     // hierarchy level; -1 for a range
	index  map[string]int32
	nullID int32
}

func newLabelSet() *labelSet { return &labelSet{index: map[string]int32{}, nullID: -1} }

// add returns the id of a released value, registering it with its costs.
func (ls *labelSet) add(text string, null bool, ncp, share float64, level int) int32 {
	if null || text == "" {
		if ls.nullID < 0 {
			ls.nullID = int32(len(ls.texts))
			ls.texts = append(ls.texts, "")
			ls.null = append(ls.null, true)
			ls.ncp = append(ls.ncp, ncp)
			ls.share = append(ls.share, share)
			ls.level = append(ls.level, level)
		}
		return ls.nullID
	}
	if id, ok := ls.index[text]; ok {
		if ls.level[id] != level {
			ls.level[id] = -1
		}
		return id
	}
	id := int32(len(ls.texts))
	ls.index[text] = id
	ls.texts = append(ls.texts, text)
	ls.null = append(ls.null, false)
	ls.ncp = append(ls.ncp, ncp)
	ls.share = append(ls.share, share)
	ls.level = append(ls.level, level)
	return id
}

// Recoder recodes rows for the second pass. Each goroutine needs its own.
type Recoder struct {
	r   *Result
	key []uint64
}

// NewRecoder returns a recoder of rows by r.
func (r *Result) NewRecoder() *Recoder {
	return &Recoder{r: r, key: make([]uint64, r.t.words)}
}

// Recode writes the released values of a row's quasi-identifiers (given in
// the order of the attributes) into out, and reports whether the row is
// suppressed (then out is not written and the row must not be released).
// A row the search did not see is an error.
func (rc *Recoder) Recode(qi []dataset.Value, out []dataset.Value) (suppressed bool, err error) {
	r := rc.r
	e, err := r.t.lookup(qi, rc.key)
	if err != nil {
		return false, err
	}
	c := r.entryClass[e]
	if c < 0 {
		return true, nil
	}
	m := len(r.labels)
	for q := range m {
		id := r.classLab[int(c)*m+q]
		ls := r.labels[q]
		if ls.null[id] {
			out[q] = dataset.NullValue
		} else {
			out[q] = dataset.Text(ls.texts[id])
		}
	}
	return false, nil
}

// Value returns the released value of quasi-identifier q for the rows of
// entry e (see Table.Entry), and false when those rows are suppressed.
func (r *Result) Value(e, q int) (dataset.Value, bool) {
	c := r.entryClass[e]
	if c < 0 {
		return dataset.Value{}, false
	}
	ls := r.labels[q]
	id := r.classLab[int(c)*len(r.labels)+q]
	if ls.null[id] {
		return dataset.NullValue, true
	}
	return dataset.Text(ls.texts[id]), true
}

// Suppressed reports whether the rows of entry e are suppressed.
func (r *Result) Suppressed(e int) bool { return r.entryClass[e] < 0 }

// SuppressedRows returns how many rows the result suppresses.
func (r *Result) SuppressedRows() int64 { return r.Summary.SuppressedRows }

// classesOut is the released table grouped by released values.
type classesOut struct {
	count []int64
	lab   []int32              // m per class
	hist  [][]map[uint32]int64 // per class, per sensitive column
}

// build groups the entries by their released values and fills the
// summary's figures. protoLab gives, per proto class, the m label ids;
// entryProto maps entries to proto classes (-1 = suppressed).
func (r *Result) build(cfg *Config, protoLab []int32, entryProto []int32) error {
	t := r.t
	m := len(t.cols)
	// Released classes: the proto classes with equal released values
	// merged, numbered in order of their values.
	nproto := len(protoLab) / max(m, 1)
	order := make([]int32, nproto)
	for i := range order {
		order[i] = int32(i)
	}
	lab := func(p int32) []int32 { return protoLab[int(p)*m : int(p+1)*m] }
	slices.SortFunc(order, func(a, b int32) int {
		if c := slices.Compare(lab(a), lab(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	protoClass := make([]int32, nproto)
	var out classesOut
	for i, p := range order {
		if i == 0 || !slices.Equal(lab(p), lab(order[i-1])) {
			out.lab = append(out.lab, lab(p)...)
			out.count = append(out.count, 0)
		}
		protoClass[p] = int32(len(out.count) - 1)
	}
	order = nil
	if len(t.sens) > 0 {
		out.hist = make([][]map[uint32]int64, len(out.count))
		for c := range out.hist {
			hs := make([]map[uint32]int64, len(t.sens))
			for k := range hs {
				hs[k] = map[uint32]int64{}
			}
			out.hist[c] = hs
		}
	}
	r.entryClass = make([]int32, len(t.counts))
	var released int64
	for e, p := range entryProto {
		if p < 0 {
			r.entryClass[e] = -1
			continue
		}
		c := protoClass[p]
		r.entryClass[e] = c
		n := int64(t.counts[e])
		out.count[c] += n
		released += n
		for k := range t.sens {
			h := &t.hist[k]
			for i := h.off[e]; i < h.off[e+1]; i++ {
				out.hist[c][k][h.code[i]] += int64(h.cnt[i])
			}
		}
	}
	// Drop classes no entry reached (a proto class of suppressed entries
	// only).
	keep := make([]int32, len(out.count))
	var kept classesOut
	for c, n := range out.count {
		if n == 0 {
			keep[c] = -1
			continue
		}
		keep[c] = int32(len(kept.count))
		kept.count = append(kept.count, n)
		kept.lab = append(kept.lab, out.lab[c*m:(c+1)*m]...)
		if out.hist != nil {
			kept.hist = append(kept.hist, out.hist[c])
		}
	}
	for e, c := range r.entryClass {
		if c >= 0 {
			r.entryClass[e] = keep[c]
		}
	}
	out = kept
	r.classLab = out.lab
	s := &r.Summary
	s.K = cfg.K
	s.SuppressionLimit = cfg.SuppressionLimit
	s.Rows = t.n
	s.Classes = len(out.count)
	s.SuppressedRows = t.n - released
	s.MinClassSize = 0
	for i, c := range out.count {
		if i == 0 || c < s.MinClassSize {
			s.MinClassSize = c
		}
	}
	thr := cfg.riskThreshold()
	s.Risk = riskOf(out.count, released, thr)
	in := make([]int64, len(t.counts))
	for e, c := range t.counts {
		in[e] = int64(c)
	}
	s.InputRisk = riskOf(in, t.n, thr)
	// Check the target on the released classes: the search must never
	// release what it does not meet.
	cr := newCriteria(t, cfg)
	var sc scratch
	var minDistinct = -1
	minEntropyL, maxEMD := math.Inf(1), 0.0
	hists := make([]sensHist, len(t.sens))
	for c, n := range out.count {
		if n < int64(cfg.K) {
			return fmt.Errorf("kanon: internal error: a released class has %d rows, fewer than k=%d", n, cfg.K)
		}
		if len(t.sens) == 0 {
			continue
		}
		for k := range t.sens {
			hists[k] = sortedHist(out.hist[c][k])
		}
		if cr.needsHist() && !cr.ok(n, hists, &sc) {
			return fmt.Errorf("kanon: internal error: a released class fails the privacy model")
		}
		if cr.l != nil {
			h := hists[cr.li]
			if minDistinct < 0 || len(h.codes) < minDistinct {
				minDistinct = len(h.codes)
			}
			minEntropyL = min(minEntropyL, math.Exp2(entropyBits(n, h.counts)))
		}
		if cr.tc != nil {
			h := hists[cr.ti]
			maxEMD = max(maxEMD, cr.emd(n, h.codes, h.counts, &sc))
		}
	}
	if l := cfg.LDiversity; l != nil {
		s.LDiversity = &LDiversitySummary{Column: t.sens[cr.li].name, Variant: l.Variant, L: l.L, C: l.C,
			MinDistinct: max(minDistinct, 0), MinEntropyL: finite(minEntropyL)}
	}
	if tc := cfg.TCloseness; tc != nil {
		s.TCloseness = &TClosenessSummary{Column: t.sens[cr.ti].name, Distance: tc.Distance, T: tc.T, MaxEMD: maxEMD}
	}
	// Information loss of the released table.
	S := float64(s.SuppressedRows)
	N := float64(t.n)
	var ncp float64
	lossCols := make([]float64, m)
	var dm float64
	prec := make([]float64, m)
	precOK := true
	for c, n := range out.count {
		fn := float64(n)
		dm += fn * fn
		for q := range m {
			id := out.lab[c*m+q]
			ls := r.labels[q]
			ncp += fn * ls.ncp[id]
			lossCols[q] += fn * ls.share[id]
			if lv := ls.level[id]; lv >= 0 && t.cols[q].h != nil {
				if h := t.cols[q].h.height; h > 0 {
					prec[q] += fn * float64(lv) / float64(h)
				}
			} else {
				precOK = false
			}
		}
	}
	ncp += S * float64(m)
	il := &s.InformationLoss
	il.NCP = ncp / (float64(m) * N)
	for q := range m {
		lossCols[q] = (lossCols[q] + S) / N
		prec[q] = (prec[q] + S) / N
	}
	il.Loss = geometricMean(lossCols)
	il.Discernibility = dm + S*N
	classes := float64(len(out.count))
	if S > 0 {
		classes++
	}
	il.AECS = N / max(classes, 1)
	if precOK {
		p := 0.0
		for _, v := range prec {
			p += v
		}
		p /= float64(m)
		il.Precision = &p
	}
	s.Columns = make([]ColumnGeneralized, m)
	for q, c := range t.cols {
		cg := ColumnGeneralized{Name: c.name, Level: -1}
		if c.h != nil {
			cg.Height = c.h.height
		}
		used := map[int32]bool{}
		lv := -2
		for cl := range out.count {
			id := out.lab[cl*m+q]
			used[id] = true
			l := r.labels[q].level[id]
			if r.labels[q].null[id] {
				continue
			}
			switch {
			case lv == -2:
				lv = l
			case lv != l:
				lv = -1
			}
		}
		if lv >= 0 {
			cg.Level = lv
		}
		cg.Values = len(used)
		s.Columns[q] = cg
	}
	return nil
}

func finite(f float64) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0
	}
	return f
}

func sortedHist(h map[uint32]int64) sensHist {
	codes := make([]uint32, 0, len(h))
	for c := range h {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	counts := make([]uint32, len(codes))
	for i, c := range codes {
		counts[i] = uint32(h[c])
	}
	return sensHist{codes: codes, counts: counts}
}

// riskOf returns the prosecutor risk of classes of the given sizes over n
// rows.
func riskOf(sizes []int64, n int64, thr float64) Risk {
	r := Risk{Threshold: thr}
	if n == 0 || len(sizes) == 0 {
		return r
	}
	minSize := int64(-1)
	var atRisk, uniques int64
	var classes int
	for _, c := range sizes {
		if c == 0 {
			continue
		}
		classes++
		if minSize < 0 || c < minSize {
			minSize = c
		}
		if 1/float64(c) > thr {
			atRisk += c
		}
		if c == 1 {
			uniques++
		}
	}
	r.ProsecutorMax = 1 / float64(minSize)
	r.ProsecutorAvg = float64(classes) / float64(n)
	r.RecordsAtRisk = float64(atRisk) / float64(n)
	r.SampleUniques = float64(uniques) / float64(n)
	return r
}
