// Package combin enumerates combinations, for the code that measures or
// models every set of k columns.
package combin

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
