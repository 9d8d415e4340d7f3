package kanon

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/veil-data/veil/policies"
)

// Hierarchy is a value generalization hierarchy compiled for the search.
// Leaves are numbered in file order; one more leaf, the last, stands for
// missing values (a category of its own at every level, see the package
// documentation). At every level each leaf has the code of
// its generalized value, and codes at one level determine the codes at the
// levels above (the hierarchy is a tree), which lets the search roll
// equivalence classes up from a less generalized transformation.
//
// A Hierarchy is immutable once built and safe for concurrent use.
type Hierarchy struct {
	name   string
	height int
	// leaves is the number of leaves of the file (ARX's domain size).
	leaves int
	index  map[string]int32
	// gen[l][leaf] is the code of leaf's generalization at level l.
	gen [][]uint32
	// labels[l][c] is the text of code c at level l.
	labels [][]string
	// null[l][c] reports that code c at level l is the missing category,
	// written as null.
	null [][]bool
	// size[l][c] is the number of file leaves under code c at level l; the
	// missing leaf is not counted.
	size [][]int32
	// parent[l][c] is the code at level l+1 of code c at level l.
	parent [][]uint32
	// up[a][b-a-1][c] is the code at level b of code c at level a, for
	// 1 <= a < b (level 0 codes are leaves: gen[b] maps them).
	up [][][]uint32
	// order[leaf] is the leaf's rank when leaves are sorted so that every
	// subtree is contiguous (Mondrian orders categorical values so).
	order []int32
	// top reports that the highest level maps every leaf to one value.
	top bool
	// missing is the leaf code of missing values: the extra last leaf.
	missing int32
	// numeric holds the leaves' numbers when every leaf is one (NaN for the
	// missing leaf); nil otherwise.
	numeric []float64
}

// Compile compiles an ARX-format hierarchy for the search. It fails when the
// hierarchy is not a tree: when one value at a level generalizes to two
// different values at the next level up.
func Compile(h *policies.Hierarchy) (*Hierarchy, error) {
	n := h.Len()
	rows := make([][]string, n)
	for i := range n {
		r := make([]string, h.Height()+1)
		for l := range r {
			r[l] = h.At(i, l)
		}
		rows[i] = r
	}
	return compileRows(h.Path, rows)
}

// NewHierarchy builds a hierarchy from rows in ARX's layout: rows[i][0] is
// leaf i and rows[i][l] its generalization at level l. name is used in
// errors. Every row must have the same length.
func NewHierarchy(name string, rows [][]string) (*Hierarchy, error) {
	return compileRows(name, rows)
}

func compileRows(name string, rows [][]string) (*Hierarchy, error) {
	if len(rows) == 0 {
		return nil, fmt.Errorf("hierarchy %s: %w", name, ErrEmptyHierarchy)
	}
	height := len(rows[0]) - 1
	if len(rows) > math.MaxInt32-1 {
		return nil, fmt.Errorf("hierarchy %s: %w", name, ErrTooManyValues)
	}
	h := &Hierarchy{
		name:    name,
		height:  height,
		leaves:  len(rows),
		index:   make(map[string]int32, len(rows)),
		gen:     make([][]uint32, height+1),
		labels:  make([][]string, height+1),
		null:    make([][]bool, height+1),
		size:    make([][]int32, height+1),
		missing: -1,
	}
	for i, r := range rows {
		if len(r) != height+1 {
			return nil, fmt.Errorf("hierarchy %s: row %d: %d levels, the first row has %d", name, i+1, len(r)-1, height)
		}
		if _, dup := h.index[r[0]]; dup {
			return nil, fmt.Errorf("hierarchy %s: row %d: %w", name, i+1, ErrDuplicateLeaf)
		}
		h.index[r[0]] = int32(i)
	}
	h.missing = int32(len(rows))
	nleaves := len(rows) + 1
	// Codes at each level, in order of first appearance.
	for l := 0; l <= height; l++ {
		gen := make([]uint32, nleaves)
		dict := map[string]uint32{}
		var labels []string
		var sizes []int32
		var nulls []bool
		for i, r := range rows {
			c, ok := dict[r[l]]
			if !ok {
				c = uint32(len(labels))
				dict[r[l]] = c
				labels = append(labels, r[l])
				sizes = append(sizes, 0)
				nulls = append(nulls, false)
			}
			gen[i] = c
			sizes[c]++
		}
		if l == height {
			h.top = len(labels) == 1
		}
		gen[h.missing] = uint32(len(labels))
		labels = append(labels, "")
		sizes = append(sizes, 0)
		nulls = append(nulls, true)
		h.gen[l], h.labels[l], h.size[l], h.null[l] = gen, labels, sizes, nulls
	}
	// The hierarchy must be a tree: a code at level l has one parent.
	h.parent = make([][]uint32, height)
	for l := 0; l < height; l++ {
		parent := make([]int32, len(h.labels[l]))
		first := make([]int32, len(h.labels[l]))
		for i := range parent {
			parent[i] = -1
		}
		for i := range nleaves {
			c, p := h.gen[l][i], int32(h.gen[l+1][i])
			switch {
			case parent[c] < 0:
				parent[c], first[c] = p, int32(i)
			case parent[c] != p:
				return nil, &HierarchyError{Name: name, Level: l, RowA: int(first[c]) + 1, RowB: i + 1}
			}
		}
		h.parent[l] = make([]uint32, len(parent))
		for c, p := range parent {
			h.parent[l][c] = uint32(p)
		}
	}
	h.up = make([][][]uint32, height+1)
	for a := 1; a < height; a++ {
		h.up[a] = make([][]uint32, height-a)
		cur := make([]uint32, len(h.labels[a]))
		for c := range cur {
			cur[c] = uint32(c)
		}
		for b := a + 1; b <= height; b++ {
			next := make([]uint32, len(cur))
			for c, p := range cur {
				next[c] = h.parent[b-1][p]
			}
			h.up[a][b-a-1] = next
			cur = next
		}
	}
	// Leaf order with contiguous subtrees: sort by the codes from the top
	// level down (codes are numbered by first appearance), then file order.
	perm := make([]int32, nleaves)
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int {
		for l := height; l >= 1; l-- {
			if c := cmp.Compare(h.gen[l][a], h.gen[l][b]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a, b)
	})
	h.order = make([]int32, nleaves)
	for rank, leaf := range perm {
		h.order[leaf] = int32(rank)
	}
	// Numeric leaves.
	nums := make([]float64, nleaves)
	numeric := true
	for i, r := range rows {
		v, err := strconv.ParseFloat(r[0], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			numeric = false
			break
		}
		nums[i] = v
	}
	nums[h.missing] = math.NaN()
	if numeric {
		h.numeric = nums
	}
	return h, nil
}

// lift returns the map from codes at level a to codes at level b > a.
func (h *Hierarchy) lift(a, b int) []uint32 {
	if a == 0 {
		return h.gen[b]
	}
	return h.up[a][b-a-1]
}

// Name returns the name the hierarchy was built with (usually its path).
func (h *Hierarchy) Name() string { return h.name }

// Height returns the highest level (0 = the leaves).
func (h *Hierarchy) Height() int { return h.height }

// Leaves returns the number of leaves listed by the hierarchy (the domain
// size d of the loss metric).
func (h *Hierarchy) Leaves() int { return h.leaves }

// HasTop reports whether the highest level maps every leaf to one value, so
// that generalizing to it hides the column entirely (missing values
// excepted: they stay missing).
func (h *Hierarchy) HasTop() bool { return h.top }

// Label returns the text of leaf's generalization at level, and whether it
// is the missing category (written as null).
func (h *Hierarchy) Label(leaf int32, level int) (string, bool) {
	c := h.gen[level][leaf]
	return h.labels[level][c], h.null[level][c]
}

// leafCode returns the leaf code of v, or false when v is not a leaf.
func (h *Hierarchy) leafCode(v string, null bool) (int32, bool) {
	if null {
		return h.missing, true
	}
	i, ok := h.index[v]
	return i, ok
}

// numLeaves returns the number of leaf codes, the missing leaf included.
func (h *Hierarchy) numLeaves() int { return len(h.gen[0]) }

// Intervals describes a numeric generalization by bins, turned into a
// hierarchy of nested intervals over the values seen in the data: level 1
// holds the bins, each level above merges pairs of neighbouring bins, and
// the top is *.
type Intervals struct {
	// Auto picks the width from the values: a round number (1, 2 or 5
	// times a power of ten) near a 32nd of their range.
	Auto bool
	// Width is the bin width (bins [0,w), [w,2w), ... and below 0
	// [-w,0), ...); level l uses width w*2^(l-1).
	Width float64
	// Edges are explicit bin edges, increasing; values below the first
	// edge fall in "<e0", values at or above the last in ">=en". Level l
	// merges 2^(l-1) neighbouring bins.
	Edges []float64
	// Label formats a bin [lo, hi) at level 1 and above; nil uses
	// "[lo,hi)", "<e0" and ">=en". lo is -Inf or hi +Inf for open bins.
	Label func(lo, hi float64) string
}

// build returns the hierarchy of the intervals over values (distinct,
// sorted by number, as texts with their numbers).
func (iv *Intervals) build(name string, texts []string, nums []float64) (*Hierarchy, error) {
	label := iv.Label
	if label == nil {
		label = defaultIntervalLabel
	}
	if len(texts) == 0 {
		return compileRows(name, [][]string{{"\x00", "*"}})
	}
	if iv.Auto && iv.Width <= 0 && len(iv.Edges) == 0 {
		w := *iv
		w.Width = niceWidth((nums[len(nums)-1] - nums[0]) / 32)
		iv = &w
	}
	var bins func(v float64, level int) (lo, hi float64)
	switch {
	case len(iv.Edges) > 0:
		edges := iv.Edges
		for i := 1; i < len(edges); i++ {
			if !(edges[i] > edges[i-1]) {
				return nil, fmt.Errorf("intervals for %s: %w", name, ErrEdgesOrder)
			}
		}
		bins = func(v float64, level int) (float64, float64) {
			// Bin index: 0 = below the first edge, len(edges) = at or above
			// the last.
			i, _ := slices.BinarySearch(edges, v)
			if i < len(edges) && edges[i] == v {
				i++
			}
			span := 1 << (level - 1)
			g := i / span * span
			lo, hi := math.Inf(-1), math.Inf(1)
			if g > 0 {
				lo = edges[g-1]
			}
			if g+span-1 < len(edges) {
				hi = edges[g+span-1]
			}
			return lo, hi
		}
	case iv.Width > 0:
		w := iv.Width
		bins = func(v float64, level int) (float64, float64) {
			ww := w * math.Ldexp(1, level-1)
			lo := math.Floor(v/ww) * ww
			return lo, lo + ww
		}
	default:
		return nil, fmt.Errorf("intervals for %s: %w", name, ErrNoBins)
	}
	rows := make([][]string, len(texts))
	for i, t := range texts {
		rows[i] = []string{t}
	}
	// Add levels of wider bins, keeping those that merge values: stop when
	// one bin would hold every value, or when bins wider than twice the
	// range still split the values (width bins on both sides of 0).
	prev := len(nums) + 1
	span := nums[len(nums)-1] - nums[0]
	for level := 1; level <= 64; level++ {
		distinct := 1
		lo0, hi0 := bins(nums[0], level)
		for _, v := range nums[1:] {
			if lo, _ := bins(v, level); lo != lo0 {
				distinct++
				lo0 = lo
			}
		}
		if distinct == 1 || (len(iv.Edges) == 0 && hi0-lo0 > 2*span && distinct >= prev) {
			break
		}
		if distinct >= prev {
			continue // merges nothing: the same classes as the level below
		}
		prev = distinct
		for i, v := range nums {
			lo, hi := bins(v, level)
			rows[i] = append(rows[i], label(lo, hi))
		}
	}
	for i := range rows {
		rows[i] = append(rows[i], "*")
	}
	return compileRows(name, rows)
}

func defaultIntervalLabel(lo, hi float64) string {
	switch {
	case math.IsInf(lo, -1) && math.IsInf(hi, 1):
		return "*"
	case math.IsInf(lo, -1):
		return "<" + formatNum(hi)
	case math.IsInf(hi, 1):
		return ">=" + formatNum(lo)
	}
	return "[" + formatNum(lo) + "," + formatNum(hi) + ")"
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// niceWidth returns a round bin width near w: 1, 2 or 5 times a power of
// ten (1 for w <= 0).
func niceWidth(w float64) float64 {
	if !(w > 0) || math.IsInf(w, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(w)))
	for _, f := range []float64{1, 2, 5, 10} {
		if w <= f*p {
			return f * p
		}
	}
	return 10 * p
}
