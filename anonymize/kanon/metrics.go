package kanon

import (
	"math"
)

// metricTables holds what the metrics need per column and level, computed
// once per table: ARX precomputes the same.
type metricTables struct {
	n       int64
	heights []int
	// entropy[q][l] = -sum_v f(v) log2(f(v)/F_l(g_l(v))), the column's
	// monotonic non-uniform entropy at level l.
	entropy [][]float64
	// size[q][l][c] is the number of domain values under code c, the
	// missing category counted when the data has missing values; dom[q]
	// is the domain size d.
	size [][][]int64
	dom  []int64
	// lossNum[q][l] = sum over all rows of (size(g_l(v)) - 1), the
	// numerator of the column's loss when nothing is suppressed.
	lossNum [][]uint64
	// present[q][l] is the number of codes at level l that occur in the
	// data.
	present [][]int
}

func newMetricTables(t *Table) *metricTables {
	mt := &metricTables{n: t.n}
	m := len(t.cols)
	mt.heights = make([]int, m)
	mt.entropy = make([][]float64, m)
	mt.size = make([][][]int64, m)
	mt.dom = make([]int64, m)
	mt.lossNum = make([][]uint64, m)
	mt.present = make([][]int, m)
	for q, c := range t.cols {
		h := c.h
		if h == nil {
			continue
		}
		freq := t.leafFreq[q]
		mt.heights[q] = h.height
		withMissing := freq[h.missing] > 0 && int(h.missing) >= h.leaves
		mt.dom[q] = int64(h.leaves)
		if withMissing {
			mt.dom[q]++
		}
		mt.entropy[q] = make([]float64, h.height+1)
		mt.size[q] = make([][]int64, h.height+1)
		mt.lossNum[q] = make([]uint64, h.height+1)
		mt.present[q] = make([]int, h.height+1)
		for l := 0; l <= h.height; l++ {
			gen := h.gen[l]
			size := make([]int64, len(h.labels[l]))
			big := make([]int64, len(h.labels[l])) // F: rows under each code
			for leaf := range gen {
				if int32(leaf) == h.missing && int(h.missing) >= h.leaves && !withMissing {
					continue
				}
				size[gen[leaf]]++
				big[gen[leaf]] += freq[leaf]
			}
			il := 0.0
			var num uint64
			for leaf, f := range freq {
				if f == 0 {
					continue
				}
				a, b := float64(f), float64(big[gen[leaf]])
				il += a * math.Log2(a/b)
				num += uint64(f) * uint64(size[gen[leaf]]-1)
			}
			for _, b := range big {
				if b > 0 {
					mt.present[q][l]++
				}
			}
			if il != 0 {
				il = -il
			}
			mt.entropy[q][l] = il
			mt.size[q][l] = size
			mt.lossNum[q][l] = num
		}
	}
	return mt
}

// nodeStats are the aggregates of one node's classes that the metrics and
// the privacy checks need. All sums are integers, so that they do not
// depend on the order classes are visited in.
type nodeStats struct {
	classes    int    // classes released
	allClasses int    // classes, suppressed or not
	suppressed int64  // rows in suppressed classes
	kOutliers  int64  // rows in classes smaller than k
	minSize    int64  // smallest released class
	sumSq      uint64 // sum of |E|^2 over released classes
	sumSqAll   uint64 // sum of |E|^2 over all classes
	// suppLoss[q] = sum over suppressed classes of |E| * (size_q(E) - 1).
	suppLoss []uint64
}

// entropyIL returns the monotonic non-uniform entropy of a node.
func (mt *metricTables) entropyIL(levels []uint8) float64 {
	il := 0.0
	for q, l := range levels {
		il += mt.entropy[q][l]
	}
	return il
}

// lossColumns returns each column's loss L_q:
//
//	L_q = ( sum_{released cells} (leaves(g(v)) - 1)/(d_q - 1) + S ) / N
//
// suppLoss nil means nothing is suppressed.
func (mt *metricTables) lossColumns(levels []uint8, s int64, suppLoss []uint64, out []float64) []float64 {
	out = out[:0]
	for q, l := range levels {
		d := mt.dom[q]
		if d <= 1 {
			out = append(out, float64(s)/float64(mt.n))
			continue
		}
		num := mt.lossNum[q][l]
		if suppLoss != nil {
			num -= suppLoss[q]
		}
		v := (float64(num) + float64(s)*float64(d-1)) / (float64(d-1) * float64(mt.n))
		out = append(out, v)
	}
	return out
}

// geometricMean aggregates per-column losses as ARX does:
// prod_q (L_q + 1)^(1/|Q|) - 1.
func geometricMean(vals []float64) float64 {
	r := 1.0
	for _, v := range vals {
		r *= math.Pow(v+1, 1/float64(len(vals)))
	}
	return r - 1
}

// precision returns Sweeney's precision of a node with s rows suppressed:
// the mean over columns of ((N-S) l_q/h_q + S)/N.
func (mt *metricTables) precision(levels []uint8, s int64) float64 {
	sum := 0.0
	n := float64(mt.n)
	for q, l := range levels {
		v := 0.0
		if h := mt.heights[q]; h > 0 {
			v = float64(l) / float64(h)
		}
		sum += ((n-float64(s))*v + float64(s)) / n
	}
	return sum / float64(len(levels))
}

// discernibility returns sum_{released} |E|^2 + S*N.
func (mt *metricTables) discernibility(st *nodeStats) float64 {
	return float64(st.sumSq + uint64(st.suppressed)*uint64(mt.n))
}

// aecs returns N / (released classes + 1 if rows are suppressed).
func (mt *metricTables) aecs(st *nodeStats) float64 {
	c := st.classes
	if st.suppressed > 0 {
		c++
	}
	if c == 0 {
		return float64(mt.n)
	}
	return float64(mt.n) / float64(c)
}

// value returns metric m of a node.
func (mt *metricTables) value(m Metric, levels []uint8, st *nodeStats, buf []float64) float64 {
	switch m {
	case Entropy:
		return mt.entropyIL(levels)
	case Loss:
		var sl []uint64
		if st.suppressed > 0 {
			sl = st.suppLoss
		}
		return geometricMean(mt.lossColumns(levels, st.suppressed, sl, buf))
	case Precision:
		return mt.precision(levels, st.suppressed)
	case Discernibility:
		return mt.discernibility(st)
	default:
		return mt.aecs(st)
	}
}

// bound returns a lower bound of metric m at levels and at every more
// general node, computed from the levels alone (separable): the metric
// without suppression for entropy, loss and precision; for discernibility
// and AECS the bounds N^2/c and N/c, where c bounds the number of classes
// by the distinct generalized values (Cauchy-Schwarz: sum |E|^2 >= N^2/c).
func (mt *metricTables) bound(m Metric, levels []uint8, distinct int, buf []float64) float64 {
	switch m {
	case Entropy:
		return mt.entropyIL(levels)
	case Loss:
		return geometricMean(mt.lossColumns(levels, 0, nil, buf))
	case Precision:
		return mt.precision(levels, 0)
	}
	c := float64(distinct)
	p := 1.0
	for q, l := range levels {
		p *= float64(mt.present[q][l])
		if p >= c {
			break
		}
	}
	c = min(c, p)
	n := float64(mt.n)
	if m == Discernibility {
		return n * n / c
	}
	return n / c
}

// groupBound returns a lower bound of metric m at every node at least as
// general as one whose classes gave st (ARX's bounds: suppression
// ignored); ok is false when the metric has no better bound than bound.
func (mt *metricTables) groupBound(m Metric, st *nodeStats) (float64, bool) {
	switch m {
	case Discernibility:
		return float64(st.sumSqAll), true
	case AECS:
		return float64(mt.n) / float64(st.allClasses), true
	}
	return 0, false
}
