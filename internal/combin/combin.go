// Package combin enumerates combinations, for the code that measures or
// models every set of k columns.
package combin

import (
	"math"

	statcombin "gonum.org/v1/gonum/stat/combin"
)

// ForSubsets calls fn with every k-subset of 0..n−1 in lexicographic
// order, and not at all when k is not in 1..n. fn must not keep the slice.
func ForSubsets(n, k int, fn func([]int)) {
	if k > n || k <= 0 {
		return
	}
	set := make([]int, k)
	for i := range set {
		set[i] = i
	}
	for {
		fn(set)
		i := k - 1
		for i >= 0 && set[i] == n-k+i {
			i--
		}
		if i < 0 {
			return
		}
		set[i]++
		for j := i + 1; j < k; j++ {
			set[j] = set[j-1] + 1
		}
	}
}

// Binomial returns the number of k-subsets of n elements, or −1 when it
// does not fit an int.
func Binomial(n, k int) int {
	if k < 0 || k > n {
		return 0
	}
	k = min(k, n-k)
	c := 1
	for i := 1; i <= k; i++ {
		// c·(n−k+i)/i is exact: c·(n−k+i) is i times a binomial.
		x := n - k + i
		if c > math.MaxInt/x {
			return -1
		}
		c = c * x / i
	}
	return c
}

// Unrank sets set (of length k) to the k-subset of 0..n−1 at index r of
// ForSubsets' lexicographic order, 0 ≤ r < Binomial(n, k): a sampled subset
// of a wide table's column sets is found without listing the others.
// gonum's IndexToCombination does the work (in that same order, which
// TestUnrankMatchesForSubsets holds it to: the seeded samples depend on it).
func Unrank(n, r int, set []int) {
	statcombin.IndexToCombination(set, r, n, len(set))
}
