package fpe

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Sentinel errors. None of them holds the value being encrypted.
var (
	ErrKeySize   = errors.New("fpe: key must be 16, 24 or 32 bytes (AES-128, -192 or -256)")
	ErrRadix     = errors.New("fpe: radix must be between 2 and 65536")
	ErrTooShort  = errors.New("fpe: input too short for format-preserving encryption")
	ErrTooLong   = errors.New("fpe: input too long")
	ErrNumeral   = errors.New("fpe: numeral out of range for the radix")
	ErrAlphabet  = errors.New("fpe: character not in the alphabet")
	ErrTweakSize = errors.New("fpe: tweak too long")
)

// Alphabets for EncryptString: the numeral i is the alphabet's i-th
// character.
const (
	Digits       = "0123456789"
	Lower36      = "0123456789abcdefghijklmnopqrstuvwxyz"
	Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// maxLen caps the numerals of one input. SP 800-38G allows up to 2^32; a
// table cell never needs more than this.
const maxLen = 1 << 16

// maxTweak caps the tweak length in bytes.
const maxTweak = 1 << 16

// FF1 is an FF1 cipher for one key and radix. It is safe for concurrent
// use: every call allocates its own state.
type FF1 struct {
	block  cipher.Block
	radix  int
	minLen int
}

// NewFF1 returns an FF1 cipher with an AES key of 16, 24 or 32 bytes and a
// radix between 2 and 65536.
func NewFF1(key []byte, radix int) (*FF1, error) {
	switch len(key) {
	case 16, 24, 32:
	default:
		return nil, ErrKeySize
	}
	if radix < 2 || radix > 1<<16 {
		return nil, ErrRadix
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &FF1{block: block, radix: radix, minLen: MinLen(radix)}, nil
}

// MinLen returns the fewest numerals FF1 accepts in radix: the smallest
// length with radix^len ≥ 1,000,000 (SP 800-38G Rev. 1), and at least 2.
func MinLen(radix int) int {
	n := int(math.Ceil(6 / math.Log10(float64(radix))))
	// Guard against rounding: make sure radix^n really reaches 10^6.
	for pow(radix, n) < 1_000_000 {
		n++
	}
	return max(n, 2)
}

func pow(r, n int) float64 { return math.Pow(float64(r), float64(n)) }

// Radix returns the cipher's radix.
func (f *FF1) Radix() int { return f.radix }

// MinLen returns the fewest numerals the cipher accepts.
func (f *FF1) MinLen() int { return f.minLen }

// Encrypt returns the encryption of the numerals x under tweak. x is not
// modified.
func (f *FF1) Encrypt(tweak []byte, x []uint16) ([]uint16, error) {
	return f.crypt(tweak, x, true)
}

// Decrypt inverts Encrypt.
func (f *FF1) Decrypt(tweak []byte, x []uint16) ([]uint16, error) {
	return f.crypt(tweak, x, false)
}

// EncryptString encrypts s, whose characters must all be in alphabet
// (radix = the alphabet's length, which must equal the cipher's radix).
func (f *FF1) EncryptString(tweak []byte, s, alphabet string) (string, error) {
	return f.cryptString(tweak, s, alphabet, true)
}

// DecryptString inverts EncryptString.
func (f *FF1) DecryptString(tweak []byte, s, alphabet string) (string, error) {
	return f.cryptString(tweak, s, alphabet, false)
}

func (f *FF1) cryptString(tweak []byte, s, alphabet string, enc bool) (string, error) {
	alpha := []rune(alphabet)
	if len(alpha) != f.radix {
		return "", fmt.Errorf("fpe: alphabet of %d characters for radix %d", len(alpha), f.radix)
	}
	rs := []rune(s)
	x := make([]uint16, len(rs))
	for i, r := range rs {
		j := strings.IndexRune(alphabet, r)
		if j < 0 {
			return "", ErrAlphabet
		}
		x[i] = uint16(len([]rune(alphabet[:j])))
	}
	y, err := f.crypt(tweak, x, enc)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, n := range y {
		b.WriteRune(alpha[n])
	}
	return b.String(), nil
}

// crypt is FF1.Encrypt (Algorithm 7) or FF1.Decrypt (Algorithm 8) of
// SP 800-38G; the step numbers refer to them.
func (f *FF1) crypt(tweak []byte, x []uint16, enc bool) ([]uint16, error) {
	n := len(x)
	if n < f.minLen {
		return nil, ErrTooShort
	}
	if n > maxLen {
		return nil, ErrTooLong
	}
	if len(tweak) > maxTweak {
		return nil, ErrTweakSize
	}
	for _, d := range x {
		if int(d) >= f.radix {
			return nil, ErrNumeral
		}
	}
	t := len(tweak)
	radix := big.NewInt(int64(f.radix))
	// Steps 1-2: split.
	u := n / 2
	v := n - u
	A := append([]uint16(nil), x[:u]...)
	B := append([]uint16(nil), x[u:]...)
	// Step 3: b = ceil(ceil(v·log2(radix)) / 8), the bytes of NUM(B).
	// Computed exactly as the byte length of radix^v - 1.
	rv := new(big.Int).Exp(radix, big.NewInt(int64(v)), nil)
	ru := new(big.Int).Exp(radix, big.NewInt(int64(u)), nil)
	b := (new(big.Int).Sub(rv, big.NewInt(1)).BitLen() + 7) / 8
	// Step 4.
	d := 4*((b+3)/4) + 4
	// Step 5: P.
	var P [16]byte
	P[0], P[1], P[2] = 1, 2, 1
	P[3] = byte(f.radix >> 16)
	P[4] = byte(f.radix >> 8)
	P[5] = byte(f.radix)
	P[6] = 10
	P[7] = byte(u % 256)
	binary.BigEndian.PutUint32(P[8:12], uint32(n))
	binary.BigEndian.PutUint32(P[12:16], uint32(t))
	// The CBC-MAC of P is the same for every round.
	var encP [16]byte
	f.block.Encrypt(encP[:], P[:])

	pad := (((-t - b - 1) % 16) + 16) % 16
	Q := make([]byte, t+pad+1+b)
	copy(Q, tweak)
	nBlocks := (d + 15) / 16
	S := make([]byte, nBlocks*16)
	var R, tmp [16]byte
	y := new(big.Int)
	c := new(big.Int)
	num := new(big.Int)
	numBytes := make([]byte, b)

	for k := 0; k < 10; k++ {
		i := k
		if !enc {
			i = 9 - k
		}
		// Step 6.i: Q = T || 0^pad || [i] || [NUM(B)]^b (decryption uses A).
		src := B
		if !enc {
			src = A
		}
		Q[t+pad] = byte(i)
		numRadix(num, src, radix)
		fillBytes(num, numBytes)
		copy(Q[t+pad+1:], numBytes)
		// Step 6.ii: R = PRF(P || Q), CBC-MAC with a zero IV.
		R = encP
		for off := 0; off < len(Q); off += 16 {
			for j := 0; j < 16; j++ {
				R[j] ^= Q[off+j]
			}
			f.block.Encrypt(R[:], R[:])
		}
		// Step 6.iii: S = R || CIPH(R ⊕ [1]^16) || CIPH(R ⊕ [2]^16) ...
		copy(S, R[:])
		for j := 1; j < nBlocks; j++ {
			tmp = R
			var ctr [16]byte
			binary.BigEndian.PutUint64(ctr[8:], uint64(j))
			for q := 0; q < 16; q++ {
				tmp[q] ^= ctr[q]
			}
			f.block.Encrypt(S[16*j:16*j+16], tmp[:])
		}
		// Step 6.iv: y = NUM(S[:d]).
		y.SetBytes(S[:d])
		// Step 6.v: m = u on even rounds, v on odd ones.
		m, mod := u, ru
		if i%2 == 1 {
			m, mod = v, rv
		}
		if enc {
			// Step 6.vi-ix: c = (NUM(A) + y) mod radix^m; A = B; B = STR(c).
			numRadix(c, A, radix)
			c.Add(c, y)
			c.Mod(c, mod)
			C := strRadix(c, m, f.radix)
			A, B = B, C
		} else {
			// Decryption: c = (NUM(B) - y) mod radix^m; B = A; A = STR(c).
			numRadix(c, B, radix)
			c.Sub(c, y)
			c.Mod(c, mod) // big.Int.Mod is Euclidean: the result is ≥ 0
			C := strRadix(c, m, f.radix)
			B, A = A, C
		}
	}
	return append(A, B...), nil
}

// numRadix sets z to the number the numerals x stand for, most significant
// first.
func numRadix(z *big.Int, x []uint16, radix *big.Int) {
	z.SetInt64(0)
	var d big.Int
	for _, n := range x {
		z.Mul(z, radix)
		z.Add(z, d.SetInt64(int64(n)))
	}
}

// strRadix returns the m numerals of c in radix, most significant first.
func strRadix(c *big.Int, m, radix int) []uint16 {
	out := make([]uint16, m)
	r := big.NewInt(int64(radix))
	q := new(big.Int).Set(c)
	rem := new(big.Int)
	for i := m - 1; i >= 0; i-- {
		q.QuoRem(q, r, rem)
		out[i] = uint16(rem.Int64())
	}
	return out
}

// fillBytes writes z big-endian into buf, left-padded with zeros.
func fillBytes(z *big.Int, buf []byte) {
	z.FillBytes(buf)
}
