package profile

import (
	"regexp"
	"sync"
)

// lazyRegexp is a pattern compiled on its first use. Every veil command
// links this package, and compiling its thirty patterns at start-up cost
// the commands that never detect anything (anonymize, synth, report) two
// milliseconds a run. TestPatternsCompile compiles them all.
type lazyRegexp func() *regexp.Regexp

func lazyRE(pattern string) lazyRegexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

func (l lazyRegexp) MatchString(s string) bool { return l().MatchString(s) }

func (l lazyRegexp) FindAllStringIndex(s string, n int) [][]int { return l().FindAllStringIndex(s, n) }
