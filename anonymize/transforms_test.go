package anonymize

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/fpe"
	"github.com/veil-data/veil/policies"
)

func TestHashRFC4231(t *testing.T) {
	// RFC 4231 test case 2: HMAC-SHA256 with key "Jefe".
	h := newHash([]byte("Jefe"), "hex", 64)
	got, _ := h.apply("what do ya want for nothing?", nil)
	if want := "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"; got.Text != want {
		t.Errorf("hash = %s, want %s", got.Text, want)
	}
	short := newHash([]byte("Jefe"), "hex", 32)
	if got, _ := short.apply("what do ya want for nothing?", nil); got.Text != "5bdcc146bf60754e6a042426089575c7" {
		t.Errorf("hash truncated to 32 = %s", got.Text)
	}
	b := newHash([]byte("Jefe"), "base32", 26)
	got, _ = b.apply("what do ya want for nothing?", nil)
	if len(got.Text) != 26 || strings.Trim(got.Text, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Errorf("base32 pseudonym %q: want 26 characters of a-z2-7", got.Text)
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name        string
		first, last int
		char        rune
		keepSep     bool
		in, want    string
	}{
		{"phone keep last 4", 0, 4, '*', true, "+1 202-823-0778", "+* ***-***-0778"},
		{"card keep first 6 last 4", 6, 4, '*', true, "4111 1111 1111 1111", "4111 11** **** 1111"},
		{"e-mail", 1, 0, '*', true, "ann.lee@example.com", "a**.***@*******.***"},
		{"no separators kept", 0, 2, '#', false, "ab-cd", "###cd"},
		{"short value masked whole", 2, 2, '*', true, "abc", "***"},
		{"unicode", 1, 1, '•', true, "Zoë Ünal", "Z•• •••l"},
		{"mask all", 0, 0, 'x', true, "12-34", "xx-xx"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &maskT{first: tc.first, last: tc.last, char: tc.char, keepSep: tc.keepSep}
			got, _ := m.apply(tc.in, nil)
			if got.Text != tc.want {
				t.Errorf("mask(%q) = %q, want %q", tc.in, got.Text, tc.want)
			}
		})
	}
}

func f64(f float64) *float64 { return &f }

func TestNumericGeneralize(t *testing.T) {
	tests := []struct {
		name string
		c    policies.Column
		in   []string
		want []string
	}{
		{"width 10", policies.Column{Width: 10}, []string{"0", "9", "10", "37", "-1"}, []string{"[0,10)", "[0,10)", "[10,20)", "[30,40)", "[-10,0)"}},
		{"width 0.1", policies.Column{Width: 0.1}, []string{"0.35", "1.05"}, []string{"[0.3,0.4)", "[1,1.1)"}},
		// f/width rounds below the bound: each value lands in the bin its label says holds it.
		{"width 0.1 on bounds", policies.Column{Width: 0.1}, []string{"0.3", "0.7", "2.3", "0.6", "-0.3"}, []string{"[0.3,0.4)", "[0.7,0.8)", "[2.3,2.4)", "[0.6,0.7)", "[-0.3,-0.2)"}},
		{"edges in plain digits", policies.Column{Edges: []float64{0, 1e6}}, []string{"5", "2000000"}, []string{"[0,1000000)", "1000000+"}},
		{"width and top code", policies.Column{Width: 10, TopCode: f64(90)}, []string{"89", "90", "104"}, []string{"[80,90)", "90+", "90+"}},
		{"top code alone", policies.Column{TopCode: f64(90)}, []string{"89", "90"}, []string{"89", "90+"}},
		{"bottom code", policies.Column{BottomCode: f64(18), Width: 5}, []string{"17", "18"}, []string{"<18", "[15,20)"}},
		{"edges", policies.Column{Edges: []float64{18, 30, 65}}, []string{"5", "18", "29.9", "30", "65", "99"}, []string{"<18", "[18,30)", "[18,30)", "[30,65)", "65+", "65+"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newNumeric(&tc.c)
			for i, in := range tc.in {
				got, err := g.apply(in, nil)
				if err != nil || got.Text != tc.want[i] {
					t.Errorf("generalize(%s) = %q, %v, want %q", in, got.Text, err, tc.want[i])
				}
			}
		})
	}
	if _, err := newNumeric(&policies.Column{Width: 10}).apply("ten", nil); !errors.Is(err, dataset.ErrNotFloat) {
		t.Errorf("generalize(ten) error = %v, want ErrNotFloat", err)
	}
}

func TestTruncate(t *testing.T) {
	date := dataset.Column{Name: "d", Kind: dataset.Date, Layout: "02.01.2006"}
	ts := dataset.Column{Name: "t", Kind: dataset.Timestamp}
	tests := []struct {
		col      dataset.Column
		unit, in string
		want     string
	}{
		{date, "year", "17.11.1996", "1996"},
		{date, "month", "17.11.1996", "1996-11"},
		{ts, "day", "2024-03-15T10:20:30Z", "2024-03-15"},
		{ts, "month", "2024-03-15T10:20:30Z", "2024-03"},
	}
	for _, tc := range tests {
		got, err := newTruncate(tc.col, tc.unit).apply(tc.in, nil)
		if err != nil || got.Text != tc.want {
			t.Errorf("truncate %s(%s) = %q, %v, want %q", tc.unit, tc.in, got.Text, err, tc.want)
		}
	}
}

func TestPrefix(t *testing.T) {
	p := &prefixT{n: 3, restricted: map[string]bool{"036": true}, restrictedAs: "000"}
	for in, want := range map[string]string{"12345": "123**", "03601": "000**", "12": "12", "123": "123", "036": "000", "Zürich": "Zür***"} {
		if got, _ := p.apply(in, nil); got.Text != want {
			t.Errorf("prefix(%q) = %q, want %q", in, got.Text, want)
		}
	}
}

func TestHierarchyLevel(t *testing.T) {
	h, err := policies.LoadHierarchy("../testdata/adult/adult_hierarchy_age.csv")
	if err != nil {
		t.Fatal(err)
	}
	// adult_hierarchy_age.csv: 39;35-39;30-39;20-39;*
	for level, want := range []string{"39", "35-39", "30-39", "20-39", "*"} {
		got, err := newHierarchyT(h, level, "error").apply("39", nil)
		if err != nil || got.Text != want {
			t.Errorf("level %d: %q, %v, want %q", level, got.Text, err, want)
		}
	}
	if _, err := newHierarchyT(h, 1, "error").apply("150", nil); !errors.Is(err, ErrNotLeaf) {
		t.Errorf("unknown leaf: error %v, want ErrNotLeaf", err)
	}
	if got, _ := newHierarchyT(h, 1, "top").apply("150", nil); got.Text != "*" {
		t.Errorf("unknown leaf with on_unknown top = %q, want *", got.Text)
	}
}

func TestShiftDate(t *testing.T) {
	col := dataset.Column{Name: "visit", Kind: dataset.Date}
	s := newShift([]byte(testKey), 0, col, 30)
	rec := func(entity string) *dataset.Record {
		return &dataset.Record{Values: []dataset.Value{dataset.Text(entity), {}}}
	}
	day := func(s string) time.Time { d, _ := time.Parse(dataset.DateLayout, s); return d }
	seen := map[int]bool{}
	for i := 0; i < 500; i++ {
		ent := "patient-" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		a, _ := s.apply("2024-01-10", rec(ent))
		b, _ := s.apply("2024-03-01", rec(ent))
		off := int(day(a.Text).Sub(day("2024-01-10")).Hours() / 24)
		if off == 0 || off < -30 || off > 30 {
			t.Fatalf("offset %d outside ±30 without 0", off)
		}
		seen[off] = true
		// Intervals within one entity are kept.
		if got := day(b.Text).Sub(day(a.Text)); got != day("2024-03-01").Sub(day("2024-01-10")) {
			t.Fatalf("interval %v changed", got)
		}
	}
	// 500 entities over 60 offsets: all should appear (the chance one
	// offset is missed is 60·(59/60)^500 < 1e-2... so check a looser 50).
	if len(seen) < 50 {
		t.Errorf("only %d distinct offsets over 500 entities", len(seen))
	}
	if got, _ := s.apply("2024-01-10", &dataset.Record{Values: []dataset.Value{dataset.NullValue, {}}}); !got.Null {
		t.Errorf("null entity: %v, want null", got)
	}
}

// luhnValid checks a card number independently of the code under test.
func luhnValid(s string) bool {
	var d []int
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d = append(d, int(r-'0'))
		}
	}
	sum := 0
	for i := 0; i < len(d); i++ {
		x := d[len(d)-1-i]
		if i%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// ibanValid checks ISO 13616's mod-97 independently.
func ibanValid(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	r := s[4:] + s[:4]
	m := 0
	for _, c := range r {
		switch {
		case c >= '0' && c <= '9':
			m = (m*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			m = (m*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return m == 1
}

func shape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteByte('9')
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			b.WriteByte('a')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestTokenizeFormats(t *testing.T) {
	tests := []struct {
		format, in string
		check      func(in, out string) bool
	}{
		{"digits", "+1 202-823-0778", func(in, out string) bool { return shape(in) == shape(out) }},
		{"digits", "851-75-3555", func(in, out string) bool { return shape(in) == shape(out) }},
		{"alnum", "AB12-cd34", func(in, out string) bool { return len(in) == len(out) && out[4] == '-' }},
		{"email", "Ronald.Lawrence@mail.example.com", func(in, out string) bool {
			sep := func(s string) string {
				return strings.Map(func(r rune) rune {
					if r == '.' || r == '@' {
						return r
					}
					return 'x'
				}, s)
			}
			return len(in) == len(out) && sep(in) == sep(out) && strings.HasSuffix(out, ".com") && out == strings.ToLower(out)
		}},
		{"card", "4111 1111 1111 1111", func(in, out string) bool { return luhnValid(out) && out[:7] == "4111 11" && len(out) == len(in) }},
		{"card", "378282246310005", func(in, out string) bool { return luhnValid(out) && out[:6] == "378282" && len(out) == 15 }},
		{"iban", "DE89 3704 0044 0532 0130 00", func(in, out string) bool { return ibanValid(out) && out[:2] == "DE" && shape(in) == shape(out) }},
		{"iban", "GB29NWBK60161331926819", func(in, out string) bool { return ibanValid(out) && out[:2] == "GB" && out[4:8] == "NWBK" }},
	}
	for _, tc := range tests {
		t.Run(tc.format+" "+tc.in, func(t *testing.T) {
			tok, err := newToken([]byte(testKey), tc.format, "")
			if err != nil {
				t.Fatal(err)
			}
			got, err := tok.apply(tc.in, nil)
			if err != nil {
				t.Fatalf("tokenize(%q) error %v", tc.in, err)
			}
			if got.Text == tc.in || !tc.check(tc.in, got.Text) {
				t.Errorf("tokenize %s(%q) = %q: wrong shape", tc.format, tc.in, got.Text)
			}
			again, _ := tok.apply(tc.in, nil)
			if again.Text != got.Text {
				t.Errorf("tokenize is not deterministic: %q then %q", got.Text, again.Text)
			}
			other, _ := newToken([]byte("another-key-0123456789abcdefghij"), tc.format, "")
			if o, _ := other.apply(tc.in, nil); o.Text == got.Text {
				t.Errorf("two keys gave the same token %q", o.Text)
			}
			tweaked, _ := newToken([]byte(testKey), tc.format, "orders")
			if o, _ := tweaked.apply(tc.in, nil); o.Text == got.Text {
				t.Errorf("two tweaks gave the same token %q", o.Text)
			}
		})
	}
}

// TestTokenizeDigitsDecrypts checks that a digits token is the FF1
// encryption of the digits under the derived key, by decrypting it.
func TestTokenizeDigitsDecrypts(t *testing.T) {
	tok, _ := newToken([]byte(testKey), "digits", "t")
	out, _ := tok.apply("851-75-3555", nil)
	c, _ := fpe.NewFF1(subKey([]byte(testKey), "ff1"), 10)
	back, err := c.DecryptString([]byte("t"), strings.ReplaceAll(out.Text, "-", ""), fpe.Digits)
	if err != nil || back != "851753555" {
		t.Errorf("Decrypt(%q) = %q, %v, want 851753555", out.Text, back, err)
	}
}

func TestTokenizeErrors(t *testing.T) {
	tests := []struct {
		format, in string
		want       error
	}{
		{"digits", "12-34", ErrFPETooShort},
		{"email", "not-an-email", ErrNotEmail},
		{"email", "a@b", ErrNotEmail},
		{"card", "4111-1111", ErrNotCard},
		{"card", "4111x1111111111111", ErrNotCard},
		{"iban", "DE89", ErrNotIBAN},
		{"iban", "1234567890123456", ErrNotIBAN},
	}
	for _, tc := range tests {
		tok, _ := newToken([]byte(testKey), tc.format, "")
		if _, err := tok.apply(tc.in, nil); !errors.Is(err, tc.want) {
			t.Errorf("tokenize %s(%q) error = %v, want %v", tc.format, tc.in, err, tc.want)
		}
	}
}

func TestPlainToken(t *testing.T) {
	tok, _ := newToken([]byte(testKey), "", "")
	got, _ := tok.apply("100042", nil)
	// Independent recomputation: tok_ + base32(HMAC(subkey, v))[:20].
	m := hmac.New(sha256.New, subKey([]byte(testKey), "tokenize"))
	m.Write([]byte("100042"))
	want := "tok_" + b32.EncodeToString(m.Sum(nil))[:20]
	if got.Text != want {
		t.Errorf("token = %q, want %q", got.Text, want)
	}
}

func TestKeyID(t *testing.T) {
	s := sha256.Sum256([]byte(testKey))
	if got, want := KeyID([]byte(testKey)), hex.EncodeToString(s[:])[:8]; got != want {
		t.Errorf("KeyID = %s, want %s", got, want)
	}
}

func TestRowSet(t *testing.T) {
	var s RowSet
	for _, r := range []int64{1, 64, 65, 1000, 64} {
		s.Add(r)
	}
	if s.Len() != 4 {
		t.Errorf("Len = %d, want 4", s.Len())
	}
	for r, want := range map[int64]bool{1: true, 2: false, 64: true, 65: true, 66: false, 1000: true, 5000: false, 0: false} {
		if s.Has(r) != want {
			t.Errorf("Has(%d) = %v, want %v", r, !want, want)
		}
	}
	var nilSet *RowSet
	if nilSet.Has(1) || nilSet.Len() != 0 {
		t.Error("a nil set must be empty")
	}
}
