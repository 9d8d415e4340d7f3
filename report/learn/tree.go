package learn

import (
	"math"
	"sort"
)

// TreeOptions configures FitTree. The zero value (or nil) uses the defaults.
type TreeOptions struct {
	// MaxDepth bounds the depth of the tree (default 10; the root is depth 0).
	MaxDepth int
	// MinLeaf is the fewest training rows a leaf may hold (default 5).
	MinLeaf int
}

// Tree is a fitted CART classification tree (Gini impurity, balanced class
// weights). Numeric columns split at a threshold (x <= t goes left), with
// missing values imputed by the training mean; categorical columns split on a
// set of categories (in the set goes left; a category unseen in training goes
// right). For two classes the category set is the optimal one (categories
// ordered by their weighted share of the second class, Breiman's theorem);
// for more classes a single category is split from the rest.
type Tree struct {
	classes []string
	enc     *Encoder
	nodes   []treeNode
	// Leaves and Depth describe the fitted tree.
	Leaves int
	Depth  int
}

type treeNode struct {
	leaf      bool
	prob      []float64 // leaf: class distribution (weighted)
	col       int
	threshold float64 // numeric split
	left      map[int]bool
	l, r      int
}

// Classes returns the class labels in the order of PredictProba's columns.
func (t *Tree) Classes() []string { return t.classes }

// treeData is the training table as the tree sees it: numeric columns as
// imputed floats, categorical ones as category codes of the encoder (-1:
// unseen).
type treeData struct {
	num  [][]float64 // per column; nil for categorical
	code [][]int     // per column; nil for numeric
}

func (e *Encoder) treeData(t Table) (*treeData, error) {
	if len(t.Columns) != len(e.cols) {
		return nil, ErrColumnCount
	}
	n := t.Rows()
	td := &treeData{num: make([][]float64, len(e.cols)), code: make([][]int, len(e.cols))}
	for j := range e.cols {
		ec := &e.cols[j]
		c := &t.Columns[j]
		if ec.numeric {
			v := make([]float64, n)
			for i := range v {
				v[i] = ec.mean
				if c.Numeric && !c.missing(i) {
					v[i] = c.Num[i]
				}
			}
			td.num[j] = v
			continue
		}
		codes := make([]int, n)
		for i := range codes {
			var s string
			switch {
			case c.missing(i):
				s = missingCategory
			case c.Numeric:
				s = formatNum(c.Num[i])
			default:
				s = c.Cat[i]
			}
			k, ok := ec.cats[s]
			if !ok {
				k = -1
			}
			codes[i] = k
		}
		td.code[j] = codes
	}
	return td, nil
}

// FitTree fits a CART classification tree of labels on the columns of train,
// encoded by enc.
func FitTree(enc *Encoder, train Table, labels []string, opt *TreeOptions) (*Tree, error) {
	maxDepth, minLeaf := 10, 5
	if opt != nil {
		if opt.MaxDepth > 0 {
			maxDepth = opt.MaxDepth
		}
		if opt.MinLeaf > 0 {
			minLeaf = opt.MinLeaf
		}
	}
	n := train.Rows()
	if n == 0 {
		return nil, ErrNoRows
	}
	if len(labels) != n {
		return nil, ErrShape
	}
	if len(enc.cols) == 0 {
		return nil, ErrNoFeatures
	}
	td, err := enc.treeData(train)
	if err != nil {
		return nil, err
	}
	classes, y := classIndex(labels)
	if len(classes) < 2 {
		return nil, ErrOneClass
	}
	b := &treeBuilder{td: td, y: y, k: len(classes), cw: balancedWeights(y, len(classes)),
		maxDepth: maxDepth, minLeaf: minLeaf, enc: enc}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	t := &Tree{classes: classes, enc: enc}
	b.tree = t
	b.grow(idx, 0)
	return t, nil
}

type treeBuilder struct {
	td       *treeData
	y        []int
	k        int
	cw       []float64
	maxDepth int
	minLeaf  int
	enc      *Encoder
	tree     *Tree
}

func gini(counts []float64, total float64) float64 {
	if total <= 0 {
		return 0
	}
	s := 1.0
	for _, c := range counts {
		p := c / total
		s -= p * p
	}
	return s
}

// grow builds the subtree of the rows idx and returns its node index.
func (b *treeBuilder) grow(idx []int, depth int) int {
	counts := make([]float64, b.k)
	for _, i := range idx {
		counts[b.y[i]] += b.cw[b.y[i]]
	}
	var total float64
	for _, c := range counts {
		total += c
	}
	id := len(b.tree.nodes)
	b.tree.nodes = append(b.tree.nodes, treeNode{})
	if depth > b.tree.Depth {
		b.tree.Depth = depth
	}
	pure := 0
	for _, c := range counts {
		if c > 0 {
			pure++
		}
	}
	makeLeaf := func() int {
		p := make([]float64, b.k)
		for c := range p {
			p[c] = counts[c] / total
		}
		b.tree.nodes[id] = treeNode{leaf: true, prob: p}
		b.tree.Leaves++
		return id
	}
	if depth >= b.maxDepth || len(idx) < 2*b.minLeaf || pure <= 1 {
		return makeLeaf()
	}
	parent := gini(counts, total) * total
	best := split{gain: 1e-12 * total}
	for j := range b.enc.cols {
		var s split
		if b.td.num[j] != nil {
			s = b.bestNumeric(j, idx, counts, total)
		} else {
			s = b.bestCategorical(j, idx, counts, total)
		}
		s.gain = parent - s.impurity
		if s.ok && s.gain > best.gain {
			best = s
			best.col = j
		}
	}
	if !best.ok {
		return makeLeaf()
	}
	var left, right []int
	for _, i := range idx {
		if b.goesLeft(best, i) {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	if len(left) == 0 || len(right) == 0 {
		return makeLeaf()
	}
	l := b.grow(left, depth+1)
	r := b.grow(right, depth+1)
	b.tree.nodes[id] = treeNode{col: best.col, threshold: best.threshold, left: best.left, l: l, r: r}
	return id
}

type split struct {
	ok        bool
	col       int
	threshold float64
	left      map[int]bool
	impurity  float64 // weighted impurity of the children
	gain      float64
}

func (b *treeBuilder) goesLeft(s split, i int) bool {
	if s.left == nil {
		return b.td.num[s.col][i] <= s.threshold
	}
	return s.left[b.td.code[s.col][i]]
}

func (b *treeBuilder) bestNumeric(j int, idx []int, counts []float64, total float64) split {
	v := b.td.num[j]
	order := append([]int(nil), idx...)
	sort.Slice(order, func(a, c int) bool { return v[order[a]] < v[order[c]] })
	left := make([]float64, b.k)
	right := append([]float64(nil), counts...)
	var wl float64
	best := split{impurity: math.Inf(1)}
	for p := 0; p < len(order)-1; p++ {
		i := order[p]
		w := b.cw[b.y[i]]
		left[b.y[i]] += w
		right[b.y[i]] -= w
		wl += w
		if v[order[p+1]] == v[i] || p+1 < b.minLeaf || len(order)-p-1 < b.minLeaf {
			continue
		}
		imp := gini(left, wl)*wl + gini(right, total-wl)*(total-wl)
		if imp < best.impurity {
			best = split{ok: true, threshold: (v[i] + v[order[p+1]]) / 2, impurity: imp}
		}
	}
	return best
}

func (b *treeBuilder) bestCategorical(j int, idx []int, counts []float64, total float64) split {
	codes := b.td.code[j]
	type cat struct {
		code   int
		n      int
		counts []float64
		w      float64
	}
	byCode := map[int]*cat{}
	var cats []*cat
	for _, i := range idx {
		c := byCode[codes[i]]
		if c == nil {
			c = &cat{code: codes[i], counts: make([]float64, b.k)}
			byCode[codes[i]] = c
			cats = append(cats, c)
		}
		w := b.cw[b.y[i]]
		c.n++
		c.counts[b.y[i]] += w
		c.w += w
	}
	if len(cats) < 2 {
		return split{}
	}
	sort.Slice(cats, func(a, c int) bool { return cats[a].code < cats[c].code })
	// Candidate splits are a prefix of an ordering of the categories (two
	// classes) or one category (more classes); the running sums make each
	// candidate O(classes), and the winning set is built once.
	bestImp := math.Inf(1)
	bestLo, bestHi := -1, -1
	left := make([]float64, b.k)
	right := make([]float64, b.k)
	eval := func(lo, hi int, wl float64, nl int) {
		if nl < b.minLeaf || len(idx)-nl < b.minLeaf {
			return
		}
		for k := range right {
			right[k] = counts[k] - left[k]
		}
		imp := gini(left, wl)*wl + gini(right, total-wl)*(total-wl)
		if imp < bestImp-1e-12 {
			bestImp, bestLo, bestHi = imp, lo, hi
		}
	}
	if b.k == 2 {
		sort.SliceStable(cats, func(a, c int) bool {
			return cats[a].counts[1]/cats[a].w < cats[c].counts[1]/cats[c].w
		})
		clear(left)
		var wl float64
		nl := 0
		for p := 1; p < len(cats); p++ {
			c := cats[p-1]
			for k := range left {
				left[k] += c.counts[k]
			}
			wl += c.w
			nl += c.n
			eval(0, p, wl, nl)
		}
	} else {
		for p, c := range cats {
			copy(left, c.counts)
			eval(p, p+1, c.w, c.n)
		}
	}
	if bestLo < 0 {
		return split{impurity: math.Inf(1)}
	}
	set := make(map[int]bool, bestHi-bestLo)
	for _, c := range cats[bestLo:bestHi] {
		set[c.code] = true
	}
	return split{ok: true, left: set, impurity: bestImp}
}

// PredictProba returns, for every row of t, the class distribution of the
// leaf it reaches (in Classes order).
func (t *Tree) PredictProba(enc *Encoder, tab Table) ([][]float64, error) {
	td, err := enc.treeData(tab)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, tab.Rows())
	for i := range out {
		n := 0
		for !t.nodes[n].leaf {
			nd := &t.nodes[n]
			var left bool
			if nd.left == nil {
				left = td.num[nd.col][i] <= nd.threshold
			} else {
				left = nd.left[td.code[nd.col][i]]
			}
			if left {
				n = nd.l
			} else {
				n = nd.r
			}
		}
		out[i] = t.nodes[n].prob
	}
	return out, nil
}
