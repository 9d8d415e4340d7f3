package profile

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFindPII checks that FindPII never panics, returns ordered,
// non-overlapping matches inside the text, and that Mask never returns a
// match unchanged.
func FuzzFindPII(f *testing.F) {
	for _, s := range []string{
		"Mail jane.doe@example.com or call +49 30 1234567",
		"IBAN DE89 3704 0044 0532 0130 00, card 4539 1488 0343 6467",
		"BSN: 111222333, NIR 2 55 08 14 168 025 38, 81.2.69.160, fe80::1",
		"@@@ +++ 00 (( 1.2.3.4 x@y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		end := 0
		for _, m := range FindPII(text, nil) {
			if m.Start < end || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("FindPII(%q): match %+v out of order or bounds", text, m)
			}
			end = m.End
			v := text[m.Start:m.End]
			if utf8.RuneCountInString(v) > 1 && Mask(m.Entity, v) == v {
				t.Errorf("Mask(%q, %q) returned the value", m.Entity, v)
			}
		}
	})
}

// FuzzDetectColumn checks that detection never panics on arbitrary names
// and values.
func FuzzDetectColumn(f *testing.F) {
	f.Add("email", "a@b.de|c@d.fr")
	f.Add("Straße", "Hauptstraße 1|\xff\xfe")
	f.Add("col_1", "1 84 12 76 451 089 46|2A")
	f.Fuzz(func(t *testing.T, name, joined string) {
		d := DetectColumn(name, strings.Split(joined, "|"), []string{"DE"})
		if d.Confidence < 0 || d.Confidence > 1 {
			t.Errorf("DetectColumn(%q) confidence %v outside 0..1", name, d.Confidence)
		}
	})
}
