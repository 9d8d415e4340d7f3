package profile

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName splits a column name into lower-case ASCII-folded tokens:
// accents are removed by NFKD decomposition (téléphone → telephone), ß
// becomes ss, camelCase and letter/digit boundaries split, and any other
// character (_ - . space ...) separates tokens.
//
//	NormalizeName("Kunden_TelefonNr.") = [kunden telefon nr]
//	NormalizeName("dateOfBirth")       = [date of birth]
func NormalizeName(name string) []string {
	folded := foldAccents(name)
	var tokens []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			tokens = append(tokens, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(folded)
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(cur) > 0 {
				prev := cur[len(cur)-1]
				switch {
				case unicode.IsLower(prev) && unicode.IsUpper(r):
					flush()
				case unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(runes) && unicode.IsLower(runes[i+1]):
					// "HTTPStatus" → HTTP, Status
					flush()
				case unicode.IsDigit(prev) != unicode.IsDigit(r):
					flush()
				}
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return tokens
}

// foldAccents removes combining marks after NFKD decomposition and spells
// out the letters NFKD leaves alone.
func foldAccents(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
		case 'ẞ':
			b.WriteString("SS")
		case 'æ':
			b.WriteString("ae")
		case 'Æ':
			b.WriteString("AE")
		case 'ø':
			b.WriteString("o")
		case 'Ø':
			b.WriteString("O")
		case 'œ':
			b.WriteString("oe")
		case 'Œ':
			b.WriteString("OE")
		case 'ł':
			b.WriteString("l")
		case 'Ł':
			b.WriteString("L")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

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
