// Package anonbase is the hand-written baseline that veil anonymize is
// benchmarked against: a plain encoding/csv loop that does the work of
// bench/policies/columns.yaml on `veil generate`'s table (drop name, hash
// email with HMAC-SHA256 to 32 hex characters, mask phone but its last 4
// digits, keep zip's first 3 characters, bin age by 10) with nothing else:
// no policy, no kinds, no error positions, no report.
package anonbase

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"unicode"
)

// Run reads CSV from r and writes the anonymized CSV to w with key.
func Run(r io.Reader, w io.Writer, key []byte) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cw := csv.NewWriter(w)
	header, err := cr.Read()
	if err != nil {
		return err
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[h] = i
	}
	name, email, phone, zip, age := idx["name"], idx["email"], idx["phone"], idx["zip"], idx["age"]
	if len(idx) != len(header) {
		return errors.New("duplicate column")
	}
	out := make([]string, 0, len(header))
	for i, h := range header {
		if i != name {
			out = append(out, h)
		}
	}
	if err := cw.Write(out); err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	var sum []byte
	hexbuf := make([]byte, 64)
	var buf []byte
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		out = out[:0]
		for i, v := range rec {
			switch i {
			case name:
				continue
			case email:
				mac.Reset()
				buf = append(buf[:0], v...)
				mac.Write(buf)
				sum = mac.Sum(sum[:0])
				hex.Encode(hexbuf, sum)
				v = string(hexbuf[:32])
			case phone:
				n := 0
				for _, r := range v {
					if unicode.IsLetter(r) || unicode.IsDigit(r) {
						n++
					}
				}
				buf = buf[:0]
				k := 0
				for _, r := range v {
					if !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
						buf = append(buf, string(r)...)
						continue
					}
					if k >= n-4 {
						buf = append(buf, string(r)...)
					} else {
						buf = append(buf, '*')
					}
					k++
				}
				v = string(buf)
			case zip:
				if len(v) > 3 {
					buf = append(buf[:0], v[:3]...)
					for range v[3:] {
						buf = append(buf, '*')
					}
					v = string(buf)
				}
			case age:
				a, err := strconv.Atoi(v)
				if err != nil {
					return err
				}
				lo := a / 10 * 10
				if a < 0 && a%10 != 0 {
					lo -= 10
				}
				v = "[" + strconv.Itoa(lo) + "," + strconv.Itoa(lo+10) + ")"
			}
			out = append(out, v)
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
