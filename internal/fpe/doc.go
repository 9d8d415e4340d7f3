// Package fpe implements format-preserving encryption with FF1, the mode of
// NIST SP 800-38G (March 2016, and Revision 1's domain-size rule), on AES
// from crypto/aes.
//
// FF1 encrypts a string of numerals in a radix (base) into another string
// of numerals of the same length and radix: ten decimal digits become ten
// other decimal digits. It is a keyed permutation: the same key and tweak
// always map the same input to the same output, and Decrypt inverts it.
//
//	c, err := fpe.NewFF1(key, 10) // AES-128, -192 or -256 by key length
//	if err != nil { ... }
//	out, err := c.EncryptString(nil, "4111111111", fpe.Digits)
//
// The tweak is public and varies the permutation (for instance by column
// or by table); an empty tweak is allowed. Inputs shorter than MinLen
// numerals are refused: Revision 1 of SP 800-38G asks radix^len ≥ 1,000,000,
// because permutations of smaller domains can be learnt from few pairs.
//
// The implementation is checked against NIST's published FF1 examples
// (samples 1 to 9: AES-128, -192 and -256, radix 10 and 36).
package fpe
