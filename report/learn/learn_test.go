package learn

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestAUC(t *testing.T) {
	tests := []struct {
		name  string
		score []float64
		pos   []bool
		want  float64
	}{
		// Hand-computed: every positive above every negative.
		{"perfect", []float64{0.1, 0.2, 0.8, 0.9}, []bool{false, false, true, true}, 1},
		{"inverted", []float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},
		// All tied: every pair counts 1/2.
		{"ties", []float64{0.5, 0.5, 0.5, 0.5}, []bool{false, true, false, true}, 0.5},
		// Pairs (pos,neg): (0.4>0.1) (0.4<0.6) (0.8>0.1) (0.8>0.6): 3 of 4.
		{"mixed", []float64{0.1, 0.4, 0.6, 0.8}, []bool{false, true, false, true}, 0.75},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := AUC(tc.score, tc.pos); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("AUC(%v, %v) = %v, want %v", tc.score, tc.pos, got, tc.want)
			}
		})
	}
	if got := AUC([]float64{1, 2}, []bool{true, true}); !math.IsNaN(got) {
		t.Errorf("AUC(one class) = %v, want NaN", got)
	}
}

func TestScore(t *testing.T) {
	classes := []string{"no", "yes"}
	labels := []string{"no", "no", "yes", "yes", "yes"}
	proba := [][]float64{{0.9, 0.1}, {0.4, 0.6}, {0.2, 0.8}, {0.7, 0.3}, {0.1, 0.9}}
	s := Score(labels, classes, proba, "yes")
	// Predicted: no yes yes no yes. Correct: rows 0, 2, 4 = 3/5.
	// Positive "yes": tp 2, fp 1, fn 1: F1 = 4/6.
	// AUC: positives 0.8, 0.3, 0.9 vs negatives 0.1, 0.6: pairs won 2+1+2 = 5 of 6.
	if s.Accuracy != 0.6 || math.Abs(s.F1-4.0/6) > 1e-12 || math.Abs(s.AUC-5.0/6) > 1e-12 || s.Positive != "yes" {
		t.Errorf("Score = %+v, want accuracy 0.6, F1 0.667, AUC 0.833, positive yes", s)
	}
}

// synthetic makes a table where the label is a noisy function of a numeric
// and a categorical column: y = 1 when x + bonus(c) > 0, flipped with
// probability flip. A third column is pure noise.
func synthetic(n int, flip float64, seed uint64) (Table, []string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n)
	c := make([]string, n)
	noise := make([]string, n)
	y := make([]string, n)
	bonus := map[string]float64{"a": -1.5, "b": 0, "c": 1.5}
	cats := []string{"a", "b", "c"}
	for i := range x {
		x[i] = rng.NormFloat64()
		c[i] = cats[rng.IntN(3)]
		noise[i] = strconv.Itoa(rng.IntN(5))
		v := x[i]+bonus[c[i]] > 0
		if rng.Float64() < flip {
			v = !v
		}
		y[i] = "neg"
		if v {
			y[i] = "pos"
		}
	}
	return Table{Columns: []Column{
		{Name: "x", Numeric: true, Num: x},
		{Name: "c", Cat: c},
		{Name: "noise", Cat: noise},
	}}, y
}

func TestClassifiersLearn(t *testing.T) {
	train, ytrain := synthetic(3000, 0.05, 1)
	test, ytest := synthetic(2000, 0.05, 2)
	enc := NewEncoder(train)
	lr, err := FitLogistic(enc, train, ytrain, nil)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := FitTree(enc, train, ytrain, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name    string
		classes []string
		proba   func() ([][]float64, error)
	}{
		{"logistic", lr.Classes(), func() ([][]float64, error) { return lr.PredictProba(enc, test) }},
		{"tree", tree.Classes(), func() ([][]float64, error) { return tree.PredictProba(enc, test) }},
	} {
		p, err := m.proba()
		if err != nil {
			t.Fatal(err)
		}
		s := Score(ytest, m.classes, p, "pos")
		// The Bayes classifier is right 95% of the time (5% label noise), so
		// a model that learned the rule scores about 0.93-0.95; 0.88 leaves
		// room for the tree's coarse thresholds. A model that learned nothing
		// scores 0.5.
		if s.Accuracy < 0.88 || s.AUC < 0.9 {
			t.Errorf("%s: Score = %+v, want accuracy >= 0.88 and AUC >= 0.9", m.name, s)
		}
	}
}

func TestLogisticMatchesClosedForm(t *testing.T) {
	// One binary feature, no penalty to speak of: the maximum-likelihood
	// probabilities are the empirical class shares within each category
	// (with balanced weights, reweighted). Data: category u has 30 pos /
	// 10 neg, category v 10 pos / 30 neg; classes are balanced overall, so
	// weights are 1 and P(pos|u) = 0.75, P(pos|v) = 0.25.
	var cat, y []string
	add := func(c, l string, n int) {
		for i := 0; i < n; i++ {
			cat = append(cat, c)
			y = append(y, l)
		}
	}
	add("u", "pos", 30)
	add("u", "neg", 10)
	add("v", "pos", 10)
	add("v", "neg", 30)
	tab := Table{Columns: []Column{{Name: "c", Cat: cat}}}
	enc := NewEncoder(tab)
	m, err := FitLogistic(enc, tab, y, &LogisticOptions{Lambda: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.PredictProba(enc, Table{Columns: []Column{{Name: "c", Cat: []string{"u", "v"}}}})
	if err != nil {
		t.Fatal(err)
	}
	pos := 1 // classes sorted: neg, pos
	if math.Abs(p[0][pos]-0.75) > 1e-3 || math.Abs(p[1][pos]-0.25) > 1e-3 {
		t.Errorf("PredictProba(u, v) = %v, %v; want P(pos) 0.75 and 0.25", p[0], p[1])
	}
}

func TestTreeSplitsExactly(t *testing.T) {
	// y = pos exactly when x > 2.5 or c = "z": a depth-2 tree is perfect.
	var x []float64
	var c, y []string
	for i := 0; i < 200; i++ {
		xv := float64(i % 6)
		cv := []string{"w", "z"}[i%7%2]
		x = append(x, xv)
		c = append(c, cv)
		if xv > 2.5 || cv == "z" {
			y = append(y, "pos")
		} else {
			y = append(y, "neg")
		}
	}
	tab := Table{Columns: []Column{{Name: "x", Numeric: true, Num: x}, {Name: "c", Cat: c}}}
	enc := NewEncoder(tab)
	tree, err := FitTree(enc, tab, y, &TreeOptions{MaxDepth: 2, MinLeaf: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := tree.PredictProba(enc, tab)
	if err != nil {
		t.Fatal(err)
	}
	if s := Score(y, tree.Classes(), p, "pos"); s.Accuracy != 1 {
		t.Errorf("tree accuracy on a depth-2 rule = %v, want 1 (leaves %d, depth %d)", s.Accuracy, tree.Leaves, tree.Depth)
	}
}

func TestErrors(t *testing.T) {
	tab := Table{Columns: []Column{{Name: "c", Cat: []string{"a", "b"}}}}
	enc := NewEncoder(tab)
	if _, err := FitLogistic(enc, tab, []string{"x", "x"}, nil); err != ErrOneClass {
		t.Errorf("FitLogistic(one class) error = %v, want %v", err, ErrOneClass)
	}
	if _, err := FitTree(enc, tab, []string{"x"}, nil); err != ErrShape {
		t.Errorf("FitTree(short labels) error = %v, want %v", err, ErrShape)
	}
}

func TestEncoderCapsCategories(t *testing.T) {
	// 150 categories, category i appearing i+1 times: the 100 kept are the
	// most frequent, 50..149.
	var cat []string
	for i := 0; i < 150; i++ {
		for j := 0; j <= i; j++ {
			cat = append(cat, strconv.Itoa(i))
		}
	}
	enc := NewEncoder(Table{Columns: []Column{{Name: "c", Cat: cat}}})
	if enc.Dim() != MaxCategories {
		t.Fatalf("NewEncoder(150 categories).Dim() = %d, want %d", enc.Dim(), MaxCategories)
	}
	if _, ok := enc.cols[0].cats["49"]; ok {
		t.Error("category 49 (50 rows) kept, want only the 100 most frequent (50..149)")
	}
	if _, ok := enc.cols[0].cats["50"]; !ok {
		t.Error("category 50 (51 rows) dropped, want it kept")
	}
}
