package profile

import "testing"

// TestPatternsCompile compiles every pattern, table and template the
// package builds on first use, so a typo fails here and not in a user's
// run.
func TestPatternsCompile(t *testing.T) {
	named := []lazyRegexp{reUUID, reMAC, reICD10, reUKPost, reNLPost, reZIP, reZIP4, reFRCors, reUser, reSecret,
		reDateLike, reDecimal, reVersionLike}
	for _, sc := range scanners {
		named = append(named, sc.re)
	}
	for i, re := range named {
		if re() == nil {
			t.Errorf("pattern %d did not compile", i)
		}
	}
	if len(entities()) == 0 || len(idHints()) == 0 || htmlTemplate() == nil {
		t.Error("detection tables or template empty")
	}
}
