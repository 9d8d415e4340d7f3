package kanon

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// criteria decides whether a class may be released: at least k rows, and
// l-diverse and t-close when asked. It also knows whether the decision is
// monotone under generalization when classes may be suppressed.
type criteria struct {
	k      int64
	maxOut int64 // rows that may be suppressed
	n      int64
	l      *LDiversity
	tc     *TCloseness
	li, ti int // the sensitive columns of l and t (index into Table.sens)
	// monotone reports that a node meeting the target implies every more
	// general node meets it (with the suppression limit), so that nodes
	// above it need not be checked for the target and nodes below a
	// failing one fail.
	monotone bool

	// t-closeness: the table's distribution.
	q []float64 // by sensitive code
	// ordered distance: prefix sums over the codes present, in code order.
	rankOf []int32   // code -> rank among the present codes, -1 if absent
	cq     []float64 // cq[r] = q of ranks 0..r
	scq    []float64 // scq[r] = sum of cq[0..r]
	m      int       // number of present codes
	// hierarchical distance.
	sh    *Hierarchy
	qNode [][]float64 // qNode[l][code]: table share under the node
}

func newCriteria(t *Table, cfg *Config) *criteria {
	cr := &criteria{
		k:      int64(cfg.K),
		maxOut: maxOutliers(cfg.SuppressionLimit, t.n),
		n:      t.n,
		l:      cfg.LDiversity,
		tc:     cfg.TCloseness,
	}
	cr.monotone = cr.maxOut == 0 || ((cr.l == nil || cr.l.Variant == DistinctL) && cr.tc == nil)
	cr.li, cr.ti = -1, -1
	if cr.l != nil {
		cr.li = t.sensIndex(cr.l.Column)
	}
	if cr.tc != nil {
		cr.ti = t.sensIndex(cr.tc.Column)
		total := t.sensTotal[cr.ti]
		if t.refTotal != nil {
			total = t.refTotal[cr.ti] // a part of a table: t is relative to the whole
		}
		var n int64
		for _, c := range total {
			n += c
		}
		cr.q = make([]float64, len(total))
		for c, k := range total {
			cr.q[c] = float64(k) / float64(n)
		}
		switch cr.tc.Distance {
		case OrderedDistance:
			cr.rankOf = make([]int32, len(total))
			for c, k := range total {
				if k > 0 {
					cr.rankOf[c] = int32(cr.m)
					cr.m++
				} else {
					cr.rankOf[c] = -1
				}
			}
			cr.cq = make([]float64, cr.m)
			cr.scq = make([]float64, cr.m)
			acc, sacc := 0.0, 0.0
			for c, k := range total {
				if k == 0 {
					continue
				}
				r := cr.rankOf[c]
				acc += float64(k) / float64(n)
				sacc += acc
				cr.cq[r], cr.scq[r] = acc, sacc
			}
		case HierarchicalDistance:
			h := t.sens[cr.ti].h
			cr.sh = h
			cr.qNode = make([][]float64, h.height+1)
			for l := range cr.qNode {
				cr.qNode[l] = make([]float64, len(h.labels[l]))
				for leaf, k := range total {
					cr.qNode[l][h.gen[l][leaf]] += float64(k) / float64(n)
				}
			}
		}
	}
	return cr
}

// needsHist reports whether classes must carry their sensitive values.
func (cr *criteria) needsHist() bool { return cr.l != nil || cr.tc != nil }

// scratch holds per-goroutine buffers for the checks.
type scratch struct {
	counts []int64
	extra  []float64
	codes  []uint32
	next   []uint32
	nextX  []float64
	mark   []int32
	dense  []uint32
	accs   []emdAcc
	hbuf   []sensHist
}

// emdAcc accumulates the positive and negative surpluses of a node's
// touched children and their table share.
type emdAcc struct{ pos, neg, qt float64 }

// ok reports whether a class of count rows whose sensitive columns hold
// hists may be released.
func (cr *criteria) ok(count int64, hists []sensHist, s *scratch) bool {
	if count < cr.k {
		return false
	}
	if cr.l != nil {
		h := hists[cr.li]
		if !cr.diverse(count, h.codes, h.counts, s) {
			return false
		}
	}
	if cr.tc != nil {
		h := hists[cr.ti]
		if cr.emd(count, h.codes, h.counts, s) > cr.tc.T+tolerance {
			return false
		}
	}
	return true
}

// tolerance absorbs floating-point rounding where a class sits exactly on
// the boundary of entropy l-diversity or t-closeness (an EMD of exactly t
// computes as t + 2^-55): values within 1e-9 of the bound pass.
const tolerance = 1e-9

func (cr *criteria) diverse(count int64, codes []uint32, counts []uint32, s *scratch) bool {
	l := cr.l
	switch l.Variant {
	case DistinctL:
		return float64(len(codes)) >= l.L
	case EntropyL:
		if float64(len(codes)) < math.Ceil(l.L) {
			return false
		}
		return entropyBits(count, counts) >= math.Log2(l.L)-tolerance
	default: // recursive
		return recursiveOK(counts, int(l.L), l.C, s)
	}
}

// entropyBits returns -sum p log2 p of the counts (ARX's formula:
// log2(total) - sum(c log2 c)/total).
func entropyBits(total int64, counts []uint32) float64 {
	sum := 0.0
	for _, c := range counts {
		f := float64(c)
		sum += f * math.Log2(f)
	}
	return math.Log2(float64(total)) - sum/float64(total)
}

// recursiveOK reports r_1 < c (r_l + ... + r_m) for the counts sorted
// from the largest.
func recursiveOK(counts []uint32, l int, c float64, s *scratch) bool {
	if len(counts) < l {
		return false
	}
	s.counts = s.counts[:0]
	for _, c := range counts {
		s.counts = append(s.counts, int64(c))
	}
	slices.SortFunc(s.counts, func(a, b int64) int { return cmp.Compare(b, a) })
	var tail int64
	for _, r := range s.counts[l-1:] {
		tail += r
	}
	return float64(s.counts[0]) < c*float64(tail)
}

// emd returns the Earth Mover's Distance between the class's distribution
// and the table's.
func (cr *criteria) emd(count int64, codes []uint32, counts []uint32, s *scratch) float64 {
	switch cr.tc.Distance {
	case EqualDistance:
		return emdEqual(cr.q, count, codes, counts)
	case OrderedDistance:
		return cr.emdOrdered(count, codes, counts)
	default:
		return cr.emdHierarchical(count, codes, counts, s)
	}
}

// emdEqual is half the L1 distance: 0.5 * sum_i |p_i - q_i|, computed over
// the class's values only (the others contribute q_i).
func emdEqual(q []float64, count int64, codes []uint32, counts []uint32) float64 {
	sum := 1.0
	for i, c := range codes {
		p := float64(counts[i]) / float64(count)
		sum += math.Abs(p-q[c]) - q[c]
	}
	return max(0.5*sum, 0)
}

// emdOrdered is the ordered distance of Li et al.:
//
//	EMD = 1/(m-1) * sum_{r=1..m} | sum_{j<=r} (p_j - q_j) |
//
// over the m values present in the table, in order. Between two values of
// the class the running sum of p is constant and that of q grows, so each
// stretch is summed in closed form from prefix sums.
func (cr *criteria) emdOrdered(count int64, codes []uint32, counts []uint32) float64 {
	if cr.m <= 1 {
		return 0
	}
	total := 0.0
	pc := 0.0 // running p
	a := 0    // first rank of the current stretch
	seg := func(a, b int, pc float64) float64 {
		// sum_{r=a..b} |pc - cq[r]|, cq non-decreasing.
		if a > b {
			return 0
		}
		s := a + sort.Search(b-a+1, func(i int) bool { return cr.cq[a+i] > pc })
		sq := func(r int) float64 {
			if r < 0 {
				return 0
			}
			return cr.scq[r]
		}
		left := float64(s-a)*pc - (sq(s-1) - sq(a-1))
		right := (sq(b) - sq(s-1)) - float64(b-s+1)*pc
		return left + right
	}
	for i, c := range codes {
		r := int(cr.rankOf[c])
		total += seg(a, r-1, pc)
		pc += float64(counts[i]) / float64(count)
		a = r
	}
	total += seg(a, cr.m-1, pc)
	return max(total/float64(cr.m-1), 0)
}

// emdHierarchical is the hierarchical distance of Li et al.: every inner
// node N of the sensitive column's hierarchy costs
//
//	level(N)/H * min(pos(N), neg(N))
//
// where pos and neg add up the positive and negative surpluses (p - q) of
// its children. Only nodes above the class's values can have a positive
// surplus; the others hold -q and are summed in bulk. Values under
// different top values (and missing values) are at distance 1.
func (cr *criteria) emdHierarchical(count int64, codes []uint32, counts []uint32, s *scratch) float64 {
	h := cr.sh
	if h.height == 0 {
		return 0
	}
	// Level 0: the class's leaves with their surplus p - q.
	s.codes = append(s.codes[:0], codes...)
	s.extra = s.extra[:0]
	for i, c := range codes {
		s.extra = append(s.extra, float64(counts[i])/float64(count)-cr.q[c])
	}
	cost := 0.0
	for l := 0; l < h.height; l++ {
		// Group the touched nodes of level l by parent.
		np := len(h.labels[l+1])
		if cap(s.mark) < np {
			s.mark = make([]int32, np)
		}
		mark := s.mark[:np]
		for i := range mark {
			mark[i] = -1
		}
		s.next = s.next[:0]
		s.nextX = s.nextX[:0]
		accs := s.accs[:0]
		for i, c := range s.codes {
			p := h.parent[l][c]
			j := mark[p]
			if j < 0 {
				j = int32(len(s.next))
				mark[p] = j
				s.next = append(s.next, p)
				accs = append(accs, emdAcc{})
			}
			x := s.extra[i]
			if x > 0 {
				accs[j].pos += x
			} else {
				accs[j].neg -= x
			}
			accs[j].qt += cr.qNode[l][c]
		}
		w := float64(l+1) / float64(h.height)
		for j, p := range s.next {
			a := accs[j]
			neg := a.neg + max(cr.qNode[l+1][p]-a.qt, 0)
			cost += w * min(a.pos, neg)
			s.nextX = append(s.nextX, a.pos-neg)
		}
		s.codes = append(s.codes[:0], s.next...)
		s.extra = append(s.extra[:0], s.nextX...)
		s.accs = accs
	}
	// Above the top level, a virtual root at distance 1 joins the top
	// values: more than one when the hierarchy has no single top, and
	// always the missing category, which stays apart at every level.
	var pos, neg, qt float64
	for i, c := range s.codes {
		if x := s.extra[i]; x > 0 {
			pos += x
		} else {
			neg -= x
		}
		qt += cr.qNode[h.height][c]
	}
	neg += max(1-qt, 0)
	cost += min(pos, neg)
	return max(cost, 0)
}

// maxOutliers returns how many rows a suppression limit allows:
// floor(limit * n), as in ARX, with a tolerance of 1e-9 rows so that a
// limit such as 0.29 of 100 rows allows 29 and not 28 (0.29*100 is
// 28.999999999999996 in floating point).
func maxOutliers(limit float64, n int64) int64 {
	return int64(math.Floor(limit*float64(n) + 1e-9))
}
