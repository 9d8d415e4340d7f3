package profile

import (
	"strings"

	"github.com/veil-data/veil/internal/names"
)

// NormalizeName splits a column name into lower-case ASCII-folded tokens
// (see names.Tokens: accents folded, camelCase and letter/digit boundaries
// split, any other character separates).
//
//	NormalizeName("Kunden_TelefonNr.") = [kunden telefon nr]
//	NormalizeName("dateOfBirth")       = [date of birth]
func NormalizeName(name string) []string { return names.Tokens(name) }

// foldAccents removes accents (names.Fold).
func foldAccents(s string) string { return names.Fold(s) }

// hint is one name hint of an entity: a phrase of normalized tokens.
type hint struct {
	tokens []string
	joined string  // the tokens without separator, for substring matches
	score  float64 // 1 strong, 0.6 weak
	text   string  // as written in the table, for evidence
}

// nameMatch is the result of matching a column name against an entity's
// hints.
type nameMatch struct {
	score    float64 // 1, 0.6, 0 or −1 (negative token)
	hint     string  // the hint matched
	negative string  // the negative token found, if any
	exact    bool    // a whole-token match (not a substring)
}

// matchName matches the column's tokens against hints. A hint matches as a
// contiguous run of whole tokens (score as given), or, when its letters
// number at least 6, as a substring of the name with separators removed
// (score 0.6; this catches German compounds such as kundentelefonnummer).
// Tokens outside the matched run that are in neg make the score −1.
func matchName(tokens []string, joined string, hints []hint, neg map[string]bool) nameMatch {
	best := nameMatch{}
	bestStart, bestLen := -1, 0
	for _, h := range hints {
		if i := indexRun(tokens, h.tokens); i >= 0 {
			if h.score > best.score || (h.score == best.score && len(h.tokens) > bestLen) {
				best = nameMatch{score: h.score, hint: h.text, exact: true}
				bestStart, bestLen = i, len(h.tokens)
			}
			continue
		}
		if len(h.joined) >= 6 && strings.Contains(joined, h.joined) && best.score < 0.6 {
			best = nameMatch{score: 0.6, hint: h.text}
			bestStart, bestLen = -1, 0
		}
	}
	if neg == nil {
		return best
	}
	for i, t := range tokens {
		if bestStart >= 0 && i >= bestStart && i < bestStart+bestLen {
			continue
		}
		// A negative token anywhere outside the hint (email_verified,
		// phone_count, product_code) says the column is not the value.
		if neg[t] || (i+1 < len(tokens) && neg[t+"_"+tokens[i+1]]) {
			return nameMatch{score: -1, hint: best.hint, negative: t}
		}
	}
	return best
}

// indexRun returns the index of the first run of tokens equal to run, or −1.
func indexRun(tokens, run []string) int {
	if len(run) == 0 || len(run) > len(tokens) {
		return -1
	}
outer:
	for i := 0; i+len(run) <= len(tokens); i++ {
		for j, r := range run {
			if tokens[i+j] != r {
				continue outer
			}
		}
		return i
	}
	return -1
}

// parseHints turns a space-separated list of hint phrases (tokens joined by
// _) into hints of the given score.
func parseHints(list string, score float64) []hint {
	var hs []hint
	for _, f := range strings.Fields(list) {
		toks := NormalizeName(f)
		hs = append(hs, hint{tokens: toks, joined: strings.Join(toks, ""), score: score, text: strings.Join(toks, "_")})
	}
	return hs
}
