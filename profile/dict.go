package profile

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

//go:embed data/firstnames.txt
var firstNamesText string

//go:embed data/surnames.txt
var surnamesText string

// names_gofakeit.txt holds gofakeit's person lists: a "# first" section of
// given names, then a "# last" section of surnames.
//
//go:generate go run ./internal/namegen data/names_gofakeit.txt
//go:embed data/names_gofakeit.txt
var gofakeitNamesText string

var (
	dictOnce   sync.Once
	firstNames map[string]bool
	surnames   map[string]bool
)

func loadNameList(text string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			k := nameKey(w)
			if k != "" && !nameParticles[k] {
				m[k] = true
			}
		}
	}
	return m
}

func nameDicts() (first, last map[string]bool) {
	dictOnce.Do(func() {
		firstNames = loadNameList(firstNamesText)
		surnames = loadNameList(surnamesText)
		i := strings.Index(gofakeitNamesText, "# last")
		for k := range loadNameList(gofakeitNamesText[:i]) {
			firstNames[k] = true
		}
		for k := range loadNameList(gofakeitNamesText[i:]) {
			surnames[k] = true
		}
	})
	return firstNames, surnames
}

// nameKey folds a name token for dictionary look-ups.
func nameKey(s string) string {
	return strings.ToLower(foldAccents(strings.Trim(s, ".,'")))
}

// personNameShape splits v into name tokens when it looks like a person
// name: 1 to 5 words (a title and particles allowed) of letters, apostrophes
// and hyphens, 2 to 60 characters in all, the main words capitalised. It
// also accepts "Last, First".
func personNameShape(v string) ([]string, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 2 || len(v) > 60 {
		return nil, false
	}
	words := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
	if len(words) == 0 || len(words) > 5 {
		return nil, false
	}
	var main []string
	for i, w := range words {
		k := nameKey(w)
		if i == 0 && nameTitles[k] && len(words) > 1 {
			continue
		}
		if nameParticles[k] {
			continue
		}
		letters := 0
		for _, r := range w {
			switch {
			case unicode.IsLetter(r):
				letters++
			case r == '\'' || r == '-' || r == '.' || r == '’':
			default:
				return nil, false
			}
		}
		if letters == 0 {
			return nil, false
		}
		first := []rune(w)[0]
		if !unicode.IsUpper(first) {
			return nil, false
		}
		main = append(main, w)
	}
	if len(main) == 0 {
		return nil, false
	}
	return main, true
}

// nameHit reports whether one of the name's main words is a known given
// name or surname (hyphenated parts count separately).
func nameHit(words []string) bool {
	first, last := nameDicts()
	for _, w := range words {
		for _, part := range strings.Split(w, "-") {
			k := nameKey(part)
			if first[k] || last[k] {
				return true
			}
		}
	}
	return false
}
