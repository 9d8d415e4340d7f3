package kanon

// An independent oracle for the tests: it computes equivalence classes,
// privacy checks and metrics from the rows' texts and the hierarchies'
// rows with plain maps and the textbook formulas, sharing no code with the
// engine (no codes, no packing, no roll-up, no bounds).

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

const nullText = "\x00null"

// oCell is one value of the oracle's rows.
type oCell struct {
	v    string
	null bool
}

// oCase is a table with hierarchies, as the oracle sees it.
type oCase struct {
	qi       [][]oCell    // rows x quasi-identifiers
	sens     []oCell      // sensitive value per row (nil: none)
	hier     [][][]string // per quasi-identifier: ARX rows leaf;l1;...
	sensHier [][]string   // hierarchy of the sensitive column (nil: none)
	// tsens, when set, is a second sensitive column that t-closeness
	// protects (l-diversity keeps sens), with its hierarchy tsensHier.
	tsens     []oCell
	tsensHier [][]string
}

func (c *oCase) height(q int) int { return len(c.hier[q][0]) - 1 }

// gen returns the released text of a cell at level: missing values stay
// missing at every level.
func (c *oCase) gen(q int, cell oCell, level int) string {
	if cell.null {
		return nullText
	}
	for _, r := range c.hier[q] {
		if r[0] == cell.v {
			return r[level]
		}
	}
	panic("oracle: value not in hierarchy")
}

// oClass is an equivalence class in the oracle.
type oClass struct {
	n     int
	sens  map[string]int
	tsens map[string]int // t-closeness's column when it is another
}

func sensText(c oCell) string {
	if c.null {
		return nullText
	}
	return c.v
}

// classesAt groups the rows by their released texts at levels.
func (c *oCase) classesAt(levels []int) (map[string]*oClass, []string) {
	classes := map[string]*oClass{}
	keys := make([]string, len(c.qi))
	for i, row := range c.qi {
		parts := make([]string, len(row))
		for q, cell := range row {
			parts[q] = c.gen(q, cell, levels[q])
		}
		k := strings.Join(parts, "\x01")
		keys[i] = k
		cl := classes[k]
		if cl == nil {
			cl = &oClass{sens: map[string]int{}, tsens: map[string]int{}}
			classes[k] = cl
		}
		cl.n++
		c.addSens(cl, i)
	}
	return classes, keys
}

func (c *oCase) addSens(cl *oClass, i int) {
	if c.sens != nil {
		cl.sens[sensText(c.sens[i])]++
	}
	if c.tsens != nil {
		cl.tsens[sensText(c.tsens[i])]++
	}
}

// oTarget is the privacy target as the oracle checks it. Boundaries are
// lenient by 1e-9 so that the oracle never rejects what exact arithmetic
// accepts.
type oTarget struct {
	k      int
	limit  float64
	lVar   string
	l, c   float64
	tDist  string
	t      float64
	metric Metric
}

// tCol returns t-closeness's column and hierarchy.
func (c *oCase) tCol() ([]oCell, [][]string) {
	if c.tsens != nil {
		return c.tsens, c.tsensHier
	}
	return c.sens, c.sensHier
}

func (c *oCase) tableSens() map[string]int {
	m := map[string]int{}
	col, _ := c.tCol()
	for _, s := range col {
		m[sensText(s)]++
	}
	return m
}

func (c *oCase) classOK(cl *oClass, tg *oTarget) bool {
	if cl.n < tg.k {
		return false
	}
	switch tg.lVar {
	case "distinct":
		if float64(len(cl.sens)) < tg.l {
			return false
		}
	case "entropy":
		h := 0.0
		for _, n := range cl.sens {
			p := float64(n) / float64(cl.n)
			h -= p * math.Log2(p)
		}
		if h < math.Log2(tg.l)-1e-9 {
			return false
		}
	case "recursive":
		var counts []int
		for _, n := range cl.sens {
			counts = append(counts, n)
		}
		slices.Sort(counts)
		slices.Reverse(counts)
		l := int(tg.l)
		if len(counts) < l {
			return false
		}
		tail := 0
		for _, n := range counts[l-1:] {
			tail += n
		}
		if !(float64(counts[0]) < tg.c*float64(tail)) {
			return false
		}
	}
	if tg.tDist != "" && c.emd(cl, tg.tDist) > tg.t+1e-9 {
		return false
	}
	return true
}

// emd is the Earth Mover's Distance of Li et al. between the class's
// sensitive distribution and the table's, computed densely.
func (c *oCase) emd(cl *oClass, dist string) float64 {
	table := c.tableSens()
	col, sensHier := c.tCol()
	n := float64(len(col))
	clSens := cl.sens
	if c.tsens != nil {
		clSens = cl.tsens
	}
	var values []string
	for v := range table {
		values = append(values, v)
	}
	switch dist {
	case "equal":
		s := 0.0
		for _, v := range values {
			s += math.Abs(float64(clSens[v])/float64(cl.n) - float64(table[v])/n)
		}
		return s / 2
	case "ordered":
		sortValues(values)
		if len(values) < 2 {
			return 0
		}
		s, cum := 0.0, 0.0
		for _, v := range values {
			cum += float64(clSens[v])/float64(cl.n) - float64(table[v])/n
			s += math.Abs(cum)
		}
		return s / float64(len(values)-1)
	}
	// Hierarchical: build the tree of (level, label) nodes from the leaves
	// present and add up each inner node's cost bottom-up.
	h := len(sensHier[0]) - 1
	row := func(v string) []string {
		for _, r := range sensHier {
			if r[0] == v {
				return r
			}
		}
		if v == nullText {
			// Missing: its own branch, up to the virtual root.
			r := make([]string, h+1)
			for l := range r {
				r[l] = nullText
			}
			return r
		}
		panic("oracle: sensitive value not in hierarchy")
	}
	// extra[level][path] where path identifies the node by its labels from
	// the top down to level.
	type node struct{ pos, neg, extra float64 }
	extra := map[string]float64{}
	for _, v := range values {
		extra[v] = float64(clSens[v])/float64(cl.n) - float64(table[v])/n
	}
	cost := 0.0
	cur := map[string]float64{} // node id -> surplus, level l
	id := func(r []string, l int) string { return strconv.Itoa(l) + "|" + strings.Join(r[l:], "|") }
	for _, v := range values {
		cur[id(row(v), 0)] = extra[v]
	}
	rows := map[string][]string{}
	for _, v := range values {
		r := row(v)
		for l := 0; l <= h; l++ {
			rows[id(r, l)] = r
		}
	}
	for l := 1; l <= h; l++ {
		acc := map[string]*node{}
		for nid, x := range cur {
			pid := id(rows[nid], l)
			a := acc[pid]
			if a == nil {
				a = &node{}
				acc[pid] = a
			}
			if x > 0 {
				a.pos += x
			} else {
				a.neg -= x
			}
		}
		next := map[string]float64{}
		for pid, a := range acc {
			cost += float64(l) / float64(h) * math.Min(a.pos, a.neg)
			next[pid] = a.pos - a.neg
		}
		cur = next
	}
	// The virtual root above the top values, at distance 1.
	pos, neg := 0.0, 0.0
	for _, x := range cur {
		if x > 0 {
			pos += x
		} else {
			neg -= x
		}
	}
	return cost + math.Min(pos, neg)
}

// sortValues orders sensitive values as the ordered distance does:
// numerically when all are numbers, else as text; missing last.
func sortValues(values []string) {
	numeric := true
	for _, v := range values {
		if v == nullText {
			continue
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			numeric = false
		}
	}
	slices.SortFunc(values, func(a, b string) int {
		if a == nullText || b == nullText {
			return boolInt(a == nullText) - boolInt(b == nullText)
		}
		if numeric {
			fa, _ := strconv.ParseFloat(a, 64)
			fb, _ := strconv.ParseFloat(b, 64)
			if fa != fb {
				if fa < fb {
					return -1
				}
				return 1
			}
		}
		return strings.Compare(a, b)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// oNode is the oracle's verdict on one transformation.
type oNode struct {
	levels     []int
	feasible   bool
	value      float64
	classes    int
	suppressed int
}

// evaluate judges one transformation.
func (c *oCase) evaluate(levels []int, tg *oTarget) oNode {
	n := len(c.qi)
	classes, keys := c.classesAt(levels)
	out := map[string]bool{}
	s := 0
	for k, cl := range classes {
		if !c.classOK(cl, tg) {
			out[k] = true
			s += cl.n
		}
	}
	maxOut := int(math.Floor(tg.limit*float64(n) + 1e-9))
	res := oNode{levels: levels, suppressed: s, classes: len(classes) - len(out)}
	res.feasible = s <= maxOut && s < n
	if !res.feasible {
		return res
	}
	m := len(levels)
	N := float64(n)
	switch tg.metric {
	case Entropy:
		for q := range m {
			f := map[string]int{}
			F := map[string]int{}
			for _, row := range c.qi {
				f[sensText(row[q])]++
				F[c.gen(q, row[q], levels[q])]++
			}
			for _, row := range c.qi {
				a := float64(f[sensText(row[q])])
				b := float64(F[c.gen(q, row[q], levels[q])])
				res.value -= math.Log2(a / b) // once per row: sum over values of f*log2(f/F)
			}
		}
	case Loss:
		prod := 1.0
		for q := range m {
			d := len(c.hier[q])
			hasNull := false
			for _, row := range c.qi {
				hasNull = hasNull || row[q].null
			}
			if hasNull {
				d++
			}
			sum := 0.0
			for i, row := range c.qi {
				if out[keys[i]] {
					sum++
					continue
				}
				g := c.gen(q, row[q], levels[q])
				leaves := 0
				if g == nullText {
					leaves = 1
				} else {
					for _, r := range c.hier[q] {
						if r[levels[q]] == g {
							leaves++
						}
					}
				}
				if d > 1 {
					sum += float64(leaves-1) / float64(d-1)
				}
			}
			prod *= math.Pow(sum/N+1, 1/float64(m))
		}
		res.value = prod - 1
	case Precision:
		for q := range m {
			v := 0.0
			if h := c.height(q); h > 0 {
				v = float64(levels[q]) / float64(h)
			}
			res.value += ((N-float64(s))*v + float64(s)) / N
		}
		res.value /= float64(m)
	case Discernibility:
		for k, cl := range classes {
			if !out[k] {
				res.value += float64(cl.n * cl.n)
			}
		}
		res.value += float64(s) * N
	case AECS:
		cnt := res.classes
		if s > 0 {
			cnt++
		}
		res.value = N / float64(cnt)
	}
	return res
}

// bruteForce evaluates every transformation and returns the feasible one
// with the least metric (ties: lower sum of levels, then lexicographic),
// and all verdicts.
func (c *oCase) bruteForce(tg *oTarget) (best *oNode, all []oNode) {
	m := len(c.hier)
	levels := make([]int, m)
	for {
		all = append(all, c.evaluate(slices.Clone(levels), tg))
		q := m - 1
		for q >= 0 && levels[q] == c.height(q) {
			levels[q] = 0
			q--
		}
		if q < 0 {
			break
		}
		levels[q]++
	}
	for i := range all {
		x := &all[i]
		if !x.feasible {
			continue
		}
		if best == nil || x.value < best.value-1e-12*math.Abs(best.value) {
			best = x
		}
	}
	return best, all
}
