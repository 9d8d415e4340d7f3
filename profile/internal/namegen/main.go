// Command namegen writes profile/data/names_gofakeit.txt, the given names
// and surnames of github.com/brianvoe/gofakeit/v7's person data (US
// census-derived lists), one line per list, for the profiler's name
// dictionary. Run it from the repository root with
//
//	go generate ./profile
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/brianvoe/gofakeit/v7/data"
)

func main() {
	var b strings.Builder
	b.WriteString("# Given names and surnames from github.com/brianvoe/gofakeit/v7 v7.18.2 (data/person.go),\n")
	b.WriteString("# written by profile/internal/namegen (go generate ./profile). Do not edit.\n")
	for _, key := range []string{"first", "last"} {
		names := append([]string(nil), data.Person[key]...)
		sort.Strings(names)
		fmt.Fprintf(&b, "# %s\n", key)
		for i := 0; i < len(names); i += 12 {
			b.WriteString(strings.Join(names[i:min(i+12, len(names))], " "))
			b.WriteByte('\n')
		}
	}
	if err := os.WriteFile(os.Args[1], []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
