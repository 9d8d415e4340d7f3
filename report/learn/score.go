package learn

import (
	"math"
	"sort"
)

// Scores are a classifier's results on labelled test rows.
type Scores struct {
	// Accuracy is the share of rows whose predicted class (the most
	// probable one) is the true class.
	Accuracy float64 `json:"accuracy"`
	// F1 is the F1 score of the positive class for two classes, the macro
	// average of per-class F1 scores otherwise.
	F1 float64 `json:"f1"`
	// AUC is the area under the ROC curve of the positive class's
	// probability for two classes (ties count one half), the macro average
	// of one-vs-rest AUCs otherwise; NaN when the test rows hold one class.
	AUC float64 `json:"auc"`
	// Positive is the positive class of F1 and AUC for two classes.
	Positive string `json:"positive,omitempty"`
	// Rows is the number of test rows scored.
	Rows int `json:"rows"`
}

// Score compares the true labels with predicted class probabilities (one
// row per label, columns in the order of classes). positive names the
// positive class for a two-class problem; empty means classes[1].
// Labels that are not among classes count as errors.
func Score(labels []string, classes []string, proba [][]float64, positive string) Scores {
	s := Scores{Rows: len(labels)}
	if len(labels) == 0 {
		s.Accuracy, s.F1, s.AUC = math.NaN(), math.NaN(), math.NaN()
		return s
	}
	idx := map[string]int{}
	for i, c := range classes {
		idx[c] = i
	}
	k := len(classes)
	pred := make([]int, len(labels))
	truth := make([]int, len(labels))
	correct := 0
	for i, p := range proba {
		best := 0
		for c := 1; c < k; c++ {
			if p[c] > p[best] {
				best = c
			}
		}
		pred[i] = best
		t, ok := idx[labels[i]]
		if !ok {
			t = -1
		}
		truth[i] = t
		if t == best {
			correct++
		}
	}
	s.Accuracy = float64(correct) / float64(len(labels))
	f1 := func(c int) float64 {
		var tp, fp, fn float64
		for i := range pred {
			switch {
			case pred[i] == c && truth[i] == c:
				tp++
			case pred[i] == c:
				fp++
			case truth[i] == c:
				fn++
			}
		}
		if tp == 0 {
			return 0
		}
		return 2 * tp / (2*tp + fp + fn)
	}
	auc := func(c int) float64 {
		score := make([]float64, len(proba))
		pos := make([]bool, len(proba))
		for i, p := range proba {
			score[i] = p[c]
			pos[i] = truth[i] == c
		}
		return AUC(score, pos)
	}
	if k == 2 {
		pc := 1
		if positive != "" {
			if i, ok := idx[positive]; ok {
				pc = i
			}
		}
		s.Positive = classes[pc]
		s.F1 = f1(pc)
		s.AUC = auc(pc)
		return s
	}
	var sf, sa float64
	na := 0
	for c := 0; c < k; c++ {
		sf += f1(c)
		if a := auc(c); !math.IsNaN(a) {
			sa += a
			na++
		}
	}
	s.F1 = sf / float64(k)
	s.AUC = math.NaN()
	if na > 0 {
		s.AUC = sa / float64(na)
	}
	return s
}

// AUC returns the area under the ROC curve of score for the positive rows:
// the probability that a random positive row scores above a random negative
// one, ties counting one half (the Mann-Whitney U statistic over n₊n₋). It
// is NaN when either group is empty.
func AUC(score []float64, positive []bool) float64 {
	n := len(score)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return score[order[a]] < score[order[b]] })
	var rankSum, np float64
	for i := 0; i < n; {
		j := i
		for j < n && score[order[j]] == score[order[i]] {
			j++
		}
		// Rows i..j-1 tie: each gets the mean rank (1-based).
		r := float64(i+j+1) / 2
		for t := i; t < j; t++ {
			if positive[order[t]] {
				rankSum += r
				np++
			}
		}
		i = j
	}
	nn := float64(n) - np
	if np == 0 || nn == 0 {
		return math.NaN()
	}
	return (rankSum - np*(np+1)/2) / (np * nn)
}
