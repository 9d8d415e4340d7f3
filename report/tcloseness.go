package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/veil-data/veil/policies"
)

// t-closeness (Li, Li and Venkatasubramanian): how far the distribution of
// a sensitive column inside a class of the release is from its
// distribution in the whole original table, measured by the Earth Mover's
// Distance (EMD). The definitions are those of docs/kanon.md (ARX's), but
// this file shares no code with anonymize: the report is the check of what
// anonymize claims, so it recounts from the files.
//
//   - equal distance (categories): half the L1 distance, ½ Σ_v |p_v − q_v|;
//   - ordered distance (numbers): 1/(m−1) Σ_r |Σ_{j≤r} (p_j − q_j)| over the
//     m values present in either table, in numeric order, missing last.
//
// The reference q is the original table as read (before suppression), as
// anonymize's t is relative to its input.

// TCloseness is the t-closeness of one sensitive column over the classes
// of the release.
type TCloseness struct {
	// Distance is equal or ordered (see above).
	Distance string `json:"distance"`
	// MaxEMD is the largest EMD of a class; MeanEMD the EMD of a record's
	// class averaged over records.
	// Both are nil when not measured (Note says why).
	MaxEMD  *float64 `json:"max_emd"`
	MeanEMD *float64 `json:"mean_emd"`
	// Target is the policy's t for this column, when it states one;
	// RowsOver is then the share of records in classes farther than t.
	Target   *float64 `json:"target,omitempty"`
	RowsOver *float64 `json:"rows_over_target,omitempty"`
	// Bands counts classes and their records per EMD band.
	Bands []Band `json:"bands,omitempty"`
	Note  string `json:"note,omitempty"`
}

// emdBands are the bands of the EMD distribution: Lo exclusive (but the
// first), Hi inclusive.
func emdBands() []Band {
	edges := []float64{0, 0.05, 0.1, 0.2, 0.3, 0.5, 1}
	b := make([]Band, len(edges)-1)
	for i := range b {
		b[i] = Band{Label: trimFloat(edges[i]) + "–" + trimFloat(edges[i+1]), Lo: edges[i], Hi: edges[i+1]}
	}
	b[0].Label = "≤ 0.05"
	return b
}

// tCloseness fills the t-closeness of every sensitive column the
// inference measures list, and the worst-column figure.
func (b *builder) tCloseness() {
	inf := &b.r.Privacy.Inference
	qi := b.r.Privacy.QuasiIdentifiers
	if len(qi) == 0 || len(inf.Columns) == 0 {
		inf.Figures = append(inf.Figures, newFigure("max_emd", "Largest t-closeness distance (EMD)", 0, false, "<=", nil, "distance",
			"how far a class's distribution of a sensitive value is from the whole table's", "needs quasi-identifiers and sensitive columns ("+b.roles.from+")"))
		return
	}
	ids, sizes := classes(b.rel, qi)
	var target *TCloseness // the column the policy states t for
	targetCol, skipped := "", ""
	worst, worstCol := -1.0, ""
	synthetic := b.r.Release == "synthetic"
	var singletons int
	for _, n := range sizes {
		if n == 1 {
			singletons++
		}
	}
	for i := range inf.Columns {
		sc := &inf.Columns[i]
		tc := &TCloseness{}
		sc.TCloseness = tc
		if synthetic && 2*singletons > b.rel.rows {
			// A class of one synthetic row has a one-value distribution:
			// its EMD says how rare that value is, not what a class
			// reveals about people.
			tc.Note = fmt.Sprintf("not measured: %s of the synthetic rows are alone in their class, so class distributions are single values", pct(ratio(singletons, b.rel.rows)))
			skipped = tc.Note
			continue
		}
		oc, rc := b.orig.col(sc.Column), b.rel.col(sc.Column)
		distance := "equal"
		if oc.spec.numeric {
			distance = "ordered"
		}
		var t *float64
		if p := b.policyTCloseness(); p != nil && p.Column == sc.Column {
			v := p.T
			t = &v
			targetCol = sc.Column
			target = tc
			switch p.Distance {
			case "equal", "ordered":
				distance = p.Distance
			default:
				// Equal distance is at least any other ground distance
				// bounded by 1, so it bounds the policy's from above.
				tc.Note = "the policy states the " + p.Distance + " distance; shown: the equal distance, which is at least as large"
			}
		}
		tc.Distance = distance
		ranks, q := emdDomain(oc, rc, distance == "ordered")
		emd := classEMD(ids, sizes, ranks, q, distance == "ordered")
		tc.Bands = emdBands()
		var over, rows int
		var sum, mx float64
		for c, d := range emd {
			n := sizes[c]
			rows += n
			sum += d * float64(n)
			mx = math.Max(mx, d)
			if t != nil && !compare(d, "<=", *t) {
				over += n
			}
			for k := range tc.Bands {
				if d <= tc.Bands[k].Hi || k == len(tc.Bands)-1 {
					tc.Bands[k].Rows += n
					tc.Bands[k].Count++
					break
				}
			}
		}
		mx, mean := roundSig(mx, 12), roundSig(sum/float64(max(rows, 1)), 12)
		tc.MaxEMD, tc.MeanEMD = &mx, &mean
		if t != nil {
			tc.Target = t
			v := ratio(over, rows)
			tc.RowsOver = &v
		}
		if mx > worst {
			worst, worstCol = mx, sc.Column
		}
	}
	meaning := "how far the distribution of a sensitive column inside a class of the release is from its distribution in the whole original (Earth Mover's Distance, 0 to 1): 0 = belonging to a class tells nothing more about the value"
	// A max_t gate holds every sensitive column to t: the figure is then
	// the worst column even when the policy states t for another one (its
	// target stays in the column table), so that the gate and the figure
	// it marks agree.
	gated := b.gates != nil && b.gates.MaxT != nil
	if target != nil && target.Target != nil && (!gated || worstCol == targetCol) {
		f := newFigure("max_emd", "Largest t-closeness distance (EMD)", *target.MaxEMD, true, "<=", target.Target, "distance", meaning,
			fmt.Sprintf("column %s, %s distance; %s of records in classes farther than t", targetCol, target.Distance, pct(*target.RowsOver)))
		f.Source = "policy target (privacy.t_closeness)"
		inf.Figures = append(inf.Figures, f)
	} else {
		note := "no fixed reference: a suitable t depends on the column; the policy states none"
		if target != nil && target.Target != nil {
			note = fmt.Sprintf("the policy's t-closeness column %s: largest EMD %s (t = %s)", targetCol, trimFloat(roundSig(*target.MaxEMD, 4)), trimFloat(*target.Target))
		}
		switch {
		case worstCol != "":
			note = "worst sensitive column: " + worstCol + "; " + note
		case skipped != "":
			note = skipped
		}
		inf.Figures = append(inf.Figures, newFigure("max_emd", "Largest t-closeness distance (EMD)", worst, worst >= 0, "<=", nil, "distance", meaning, note))
	}
	if worst >= 0 {
		b.method("t-closeness (EMD)", !b.orig.t.Sampled() && !b.rel.t.Sampled(), b.rel.rows,
			sampledNote(b, "exact: every class of the release against every original row")+"; equal distance for categories, ordered for numbers (values of either table, missing last)")
	}
}

// policyTCloseness returns the policy's t-closeness target, or nil.
func (b *builder) policyTCloseness() *policies.TCloseness {
	if b.in.Policy == nil || b.in.Policy.Privacy == nil {
		return nil
	}
	return b.in.Policy.Privacy.TCloseness
}

// emdDomain numbers the values of the released column rc that the EMD
// compares (ranks, one per released row) and returns the original's
// distribution q over the same numbers: the values of either table, and
// missing last. For the ordered distance the numbers follow the values'
// order: numbers (and texts that are all numbers) by value, other texts
// by text.
func emdDomain(oc, rc *fcol, ordered bool) (ranks []int32, q []float64) {
	var rankOf func(c *fcol, i int) int32
	m := 0
	if oc.spec.numeric {
		var vals []float64
		for _, c := range []*fcol{oc, rc} {
			for _, v := range c.nums {
				if !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
		}
		slices.Sort(vals)
		vals = slices.Compact(vals)
		null := int32(len(vals))
		m = len(vals)
		if hasNull(oc) || hasNull(rc) {
			m++
		}
		rankOf = func(c *fcol, i int) int32 {
			v := c.nums[i]
			if math.IsNaN(v) {
				return null
			}
			r, _ := slices.BinarySearch(vals, v)
			return int32(r)
		}
	} else {
		n := oc.spec.size()
		present := make([]bool, n)
		null := false
		for _, c := range []*fcol{oc, rc} {
			for _, code := range c.codes {
				if code < 0 {
					null = true
				} else {
					present[code] = true
				}
			}
		}
		var codes []int32
		for code, ok := range present {
			if ok {
				codes = append(codes, int32(code))
			}
		}
		if ordered {
			nums := make([]float64, n)
			allNum := true
			for _, code := range codes {
				x, err := strconv.ParseFloat(strings.TrimSpace(oc.spec.text(code)), 64)
				nums[code] = x
				allNum = allNum && err == nil
			}
			slices.SortFunc(codes, func(a, b int32) int {
				if allNum && nums[a] != nums[b] {
					if nums[a] < nums[b] {
						return -1
					}
					return 1
				}
				return strings.Compare(oc.spec.text(a), oc.spec.text(b))
			})
		}
		table := make([]int32, n)
		for r, code := range codes {
			table[code] = int32(r)
		}
		m = len(codes)
		nullRank := int32(m)
		if null {
			m++
		}
		rankOf = func(c *fcol, i int) int32 {
			if code := c.codes[i]; code >= 0 {
				return table[code]
			}
			return nullRank
		}
	}
	on := rowsOf(oc)
	q = make([]float64, m)
	for i := 0; i < on; i++ {
		q[rankOf(oc, i)]++
	}
	for r := range q {
		q[r] /= float64(on)
	}
	ranks = make([]int32, rowsOf(rc))
	for i := range ranks {
		ranks[i] = rankOf(rc, i)
	}
	return ranks, q
}

func hasNull(c *fcol) bool {
	return slices.ContainsFunc(c.nums, math.IsNaN)
}

func rowsOf(c *fcol) int {
	if c.spec.numeric {
		return len(c.nums)
	}
	return len(c.codes)
}

// classEMD returns the EMD of every class (ids and sizes from classes) to
// q, the values given as ranks into q.
func classEMD(ids []int32, sizes []int, ranks []int32, q []float64, ordered bool) []float64 {
	// Sort (class, rank) cells: per class the ranks come in increasing
	// order, which the ordered distance needs and which fixes the order of
	// every float sum.
	cells := make([]uint64, len(ids))
	for i, id := range ids {
		cells[i] = uint64(uint32(id))<<32 | uint64(uint32(ranks[i]))
	}
	slices.Sort(cells)
	m := len(q)
	// Q[r] = q_0 + … + q_r; SQ[r] = Q[0] + … + Q[r−1].
	Q := make([]float64, m)
	SQ := make([]float64, m+1)
	acc := 0.0
	for r, v := range q {
		acc += v
		Q[r] = acc
		SQ[r+1] = SQ[r] + acc
	}
	// sumAbs is Σ_{r∈[a,b)} |c − Q[r]|: Q is nondecreasing, so the sum
	// splits where Q reaches c.
	sumAbs := func(a, b int, c float64) float64 {
		if a >= b {
			return 0
		}
		s := a + sort.Search(b-a, func(i int) bool { return Q[a+i] >= c })
		return c*float64(s-a) - (SQ[s] - SQ[a]) + (SQ[b] - SQ[s]) - c*float64(b-s)
	}
	out := make([]float64, len(sizes))
	for i := 0; i < len(cells); {
		class := int32(cells[i] >> 32)
		n := float64(sizes[class])
		var d, cum float64
		prev := 0 // ordered: ranks before prev are summed
		for i < len(cells) && int32(cells[i]>>32) == class {
			j := i
			for j < len(cells) && cells[j] == cells[i] {
				j++
			}
			r := int(uint32(cells[i]))
			p := float64(j-i) / n
			if ordered {
				d += sumAbs(prev, r, cum)
				cum += p
				prev = r
			} else {
				d += math.Abs(p-q[r]) - q[r]
			}
			i = j
		}
		switch {
		case ordered && m > 1:
			// The last rank's cumulative difference is 0 (both sums are
			// 1) and adds nothing; m−1 steps separate the extremes.
			d += sumAbs(prev, m-1, cum)
			d /= float64(m - 1)
		case ordered:
			d = 0
		default:
			// ½ (Σ_{v in class} |p−q| + Σ_{v not in class} q).
			d = (d + 1) / 2
		}
		out[class] = math.Max(0, math.Min(1, d))
	}
	return out
}

// Distribution lists the share of records per EMD band, empty bands left
// out, for the page.
func (t *TCloseness) Distribution() string {
	total := 0
	for _, b := range t.Bands {
		total += b.Rows
	}
	var parts []string
	for _, b := range t.Bands {
		if b.Rows > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s", b.Label, pct(ratio(b.Rows, total))))
		}
	}
	return strings.Join(parts, " · ")
}

// Over formats RowsOver for the page ("—" without a policy target).
func (t *TCloseness) Over() string {
	if t.RowsOver == nil {
		return "—"
	}
	return pct(*t.RowsOver)
}
