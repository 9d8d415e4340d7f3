// Package luhn computes the Luhn mod-10 check of payment card numbers and
// other identifiers: from the right, every second digit is doubled (minus 9
// when above 9), and the sum of all digits must be a multiple of 10.
package luhn

// sum returns the Luhn sum of the ASCII digits d, doubling every second
// digit from the right, the last one included when doubleLast; ok is false
// when d holds a byte other than a digit.
func sum[T ~string | ~[]byte](d T, doubleLast bool) (s int, ok bool) {
	double := doubleLast
	for i := len(d) - 1; i >= 0; i-- {
		c := d[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v := int(c - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		s += v
		double = !double
	}
	return s, true
}

// Valid reports whether d, two ASCII digits or more, passes the check.
func Valid[T ~string | ~[]byte](d T) bool {
	s, ok := sum(d, false)
	return ok && len(d) >= 2 && s%10 == 0
}

// CheckDigit returns the ASCII digit to append to payload (ASCII digits)
// so that the whole passes the check.
func CheckDigit[T ~string | ~[]byte](payload T) byte {
	s, _ := sum(payload, true)
	return byte('0' + (10-s%10)%10)
}
