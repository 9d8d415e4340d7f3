package report

import (
	"math"
	"runtime"
	"sync"
)

// nearest2 finds, for every row of q, the distances to its closest and
// second-closest rows of ref, with SDMetrics' DCR distance (the mean over
// columns of a per-column distance in [0,1]):
//
//	numeric:     min(|x − y| / range, 1), range = max − min of ref
//	             (range 0: 0 if equal, else 1); one null: 1; both null: 0
//	categorical: 0 if equal (both null included), else 1
//
// Both frames must hold the same columns (same specs, same order). The work
// is split over the available cores; results do not depend on the split.
func nearest2(q, ref *frame) (d1, d2 []float64) {
	nc := len(q.cols)
	d1 = make([]float64, q.rows)
	d2 = make([]float64, q.rows)
	if nc == 0 || ref.rows == 0 {
		for i := range d1 {
			d1[i], d2[i] = math.NaN(), math.NaN()
		}
		return d1, d2
	}
	m := newNNMatrix(q, ref)
	eachQuery(q.rows, func(i int) { d1[i], d2[i] = m.nearestOf(i) })
	n := float64(nc)
	for i := range d1 {
		d1[i] /= n
		d2[i] /= n
	}
	return d1, d2
}

// newNNMatrix lays out the columns of a nearest-neighbour search of q's rows
// among ref's (the same columns, same order); ref must have rows.
func newNNMatrix(q, ref *frame) *nnMatrix {
	// Categorical columns first (cheap to compare), then numeric ones with
	// their reciprocal ranges.
	var qc, rc [][]int32
	var qn, rn [][]float64
	var inv []float64
	for j, c := range ref.cols {
		if c.spec.numeric {
			lo, hi := numRange(c.nums)
			qn = append(qn, q.cols[j].nums)
			rn = append(rn, c.nums)
			if hi > lo {
				inv = append(inv, 1/(hi-lo))
			} else {
				inv = append(inv, 0) // range 0: 0 if equal, else 1
			}
			continue
		}
		qc = append(qc, q.cols[j].codes)
		rc = append(rc, c.codes)
	}
	// The reference rows are laid out row by row: the search reads them in
	// order, a row's columns side by side.
	m := &nnMatrix{qc: qc, qn: qn, inv: inv, refRows: ref.rows, nc: len(rc), nn: len(rn)}
	m.rcat = make([]int32, ref.rows*m.nc)
	for j, col := range rc {
		for r, v := range col {
			m.rcat[r*m.nc+j] = v
		}
	}
	m.rnum = make([]float64, ref.rows*m.nn)
	for j, col := range rn {
		for r, v := range col {
			m.rnum[r*m.nn+j] = v
		}
	}
	return m
}

// nnMatrix holds the columns of a nearest-neighbour search.
type nnMatrix struct {
	qc      [][]int32
	qn      [][]float64
	rcat    []int32   // refRows × nc
	rnum    []float64 // refRows × nn
	nc, nn  int
	inv     []float64
	refRows int
}

// query returns row i of the query frame, categorical codes then numbers.
func (m *nnMatrix) query(i int) (qcodes []int32, qnums []float64) {
	qcodes = make([]int32, len(m.qc))
	for j := range m.qc {
		qcodes[j] = m.qc[j][i]
	}
	qnums = make([]float64, len(m.qn))
	for j := range m.qn {
		qnums[j] = m.qn[j][i]
	}
	return qcodes, qnums
}

// dist returns the summed column distance from the query row (qcodes,
// qnums) to reference row r, or any value >= bound as soon as the partial
// sum reaches bound: the caller has a candidate at least as near.
func (m *nnMatrix) dist(r int, qcodes []int32, qnums []float64, bound float64) float64 {
	var s float64
	row := m.rcat[r*m.nc : r*m.nc+m.nc]
	qcodes = qcodes[:len(row)]
	for j, v := range row {
		if v != qcodes[j] {
			s++
			if s >= bound {
				return s
			}
		}
	}
	nrow := m.rnum[r*m.nn : r*m.nn+m.nn]
	for j, y := range nrow {
		x := qnums[j]
		switch {
		case x != x || y != y:
			if (x != x) != (y != y) {
				s++
			}
		case m.inv[j] == 0:
			if x != y {
				s++
			}
		default:
			d := (x - y) * m.inv[j]
			if d < 0 {
				d = -d
			}
			if d > 1 {
				d = 1
			}
			s += d
		}
		if s >= bound {
			return s
		}
	}
	return s
}

// nearestOf returns the two smallest summed column distances from query row
// i to the reference rows. A candidate is abandoned as soon as its partial
// sum reaches the current second best.
func (m *nnMatrix) nearestOf(i int) (best, second float64) {
	best, second = math.Inf(1), math.Inf(1)
	qcodes, qnums := m.query(i)
	for r := 0; r < m.refRows; r++ {
		s := m.dist(r, qcodes, qnums, second)
		if s < best {
			best, second = s, best
		} else if s < second {
			second = s
		}
		if second == 0 {
			break // two exact matches: nothing can be closer
		}
	}
	return best, second
}

// nearestIndexOf returns the reference row closest to query row i and its
// summed column distance; of rows equally close, the first. A candidate is
// abandoned as soon as its partial sum reaches the best so far.
func (m *nnMatrix) nearestIndexOf(i int) (int32, float64) {
	best, at := math.Inf(1), int32(-1)
	qcodes, qnums := m.query(i)
	for r := 0; r < m.refRows; r++ {
		if s := m.dist(r, qcodes, qnums, best); s < best {
			best, at = s, int32(r)
			if best == 0 {
				break // an exact match: nothing can be closer
			}
		}
	}
	return at, best
}

// dcrBands is the histogram of DCR values (distances in [0,1]).
func dcrBands(d []float64) []Band {
	edges := []float64{0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 1}
	var b []Band
	b = append(b, Band{Label: "0 (copy)", Lo: 0, Hi: 0})
	for k := 0; k+1 < len(edges); k++ {
		b = append(b, Band{Label: fmtRange(edges[k], edges[k+1]), Lo: edges[k], Hi: edges[k+1]})
	}
	for _, x := range d {
		if math.IsNaN(x) {
			continue
		}
		if x == 0 {
			b[0].Rows++
			continue
		}
		for k := 1; k < len(b); k++ {
			if x > b[k].Lo && x <= b[k].Hi {
				b[k].Rows++
				break
			}
		}
	}
	return b
}

func fmtRange(lo, hi float64) string {
	return "(" + trimFloat(lo) + "," + trimFloat(hi) + "]"
}

// eachQuery calls search for every query row 0..rows-1 on up to four
// goroutines; each call writes only its own row's results, so the output
// does not depend on the order.
func eachQuery(rows int, search func(i int)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				search(i)
			}
		}()
	}
	for i := 0; i < rows; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
