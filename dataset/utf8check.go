package dataset

import (
	"io"
	"unicode/utf8"
)

// utf8Check passes bytes through and notes whether they are valid UTF-8.
// Checking the raw stream in large chunks is several times faster than
// checking each field; the CSV reader validates fields one by one (to name
// the row and column) only once the stream has shown an invalid byte. The
// check runs as bytes enter the read buffer, before the parser sees them,
// so the record holding the first invalid byte is always field-checked.
type utf8Check struct {
	r     io.Reader
	carry [utf8.UTFMax]byte // an incomplete rune at the end of the last chunk
	nc    int
	bad   bool
}

func (u *utf8Check) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if !u.bad && n > 0 {
		u.check(p[:n])
	}
	if err == io.EOF && u.nc > 0 {
		u.bad = true // the input ends inside a rune
	}
	return n, err
}

func runeLen(lead byte) int {
	switch {
	case lead >= 0xF0:
		return 4
	case lead >= 0xE0:
		return 3
	case lead >= 0xC0:
		return 2
	}
	return 1
}

func (u *utf8Check) check(b []byte) {
	if u.nc > 0 {
		want := runeLen(u.carry[0])
		k := min(want-u.nc, len(b))
		copy(u.carry[u.nc:], b[:k])
		u.nc += k
		b = b[k:]
		if u.nc < want {
			return
		}
		if !utf8.Valid(u.carry[:u.nc]) {
			u.bad = true
			return
		}
		u.nc = 0
	}
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		c := b[i]
		if c < utf8.RuneSelf {
			break
		}
		if c >= 0xC0 {
			if len(b)-i < runeLen(c) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		u.bad = true
		return
	}
	u.nc = copy(u.carry[:], b[cut:])
}
