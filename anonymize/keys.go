package anonymize

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/veil-data/veil/policies"
)

// Key errors. A key's value is never part of an error.
var (
	ErrKeyMissing  = errors.New("secret key not set")
	ErrKeyTooShort = errors.New("secret key too short: use at least 16 bytes (128 bits) of random data, e.g. `openssl rand -hex 32`")
)

// MinKeyBytes is the shortest key accepted: 128 bits.
const MinKeyBytes = 16

// KeyError reports a key that could not be had for a column.
type KeyError struct {
	Column string
	Source string // e.g. `environment variable "VEIL_HASH_KEY"`
	Err    error
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("column %q: %s: %v", e.Column, e.Source, e.Err)
}

// Unwrap returns the cause.
func (e *KeyError) Unwrap() error { return e.Err }

// ExitClass tells the CLI that a missing key is a configuration error of
// the policy's run, exit 2.
func (e *KeyError) ExitClass() string { return "policy" }

// loadKey returns the secret key of column c from the environment variable
// key_env or the file key_file (relative to the policy file; one trailing
// newline is ignored).
func loadKey(p *policies.Policy, c *policies.Column, lookup func(string) (string, bool)) ([]byte, error) {
	var key []byte
	var src string
	switch {
	case c.KeyEnv != "":
		src = keyEnvSource(c.KeyEnv)
		v, ok := lookup(c.KeyEnv)
		if !ok || v == "" {
			return nil, &KeyError{Column: c.Name, Source: src, Err: ErrKeyMissing}
		}
		key = []byte(v)
	case c.KeyFile != "":
		path := p.ResolvePath(c.KeyFile)
		src = keyFileSource(c.KeyFile, path)
		b, err := os.ReadFile(path)
		if err != nil {
			if pe, ok := err.(*os.PathError); ok {
				err = pe.Err
			}
			return nil, &KeyError{Column: c.Name, Source: src, Err: fmt.Errorf("%w: %v", ErrKeyMissing, err)}
		}
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		if len(b) == 0 {
			return nil, &KeyError{Column: c.Name, Source: src, Err: fmt.Errorf("%w: the file is empty", ErrKeyMissing)}
		}
		key = b
	default:
		return nil, &KeyError{Column: c.Name, Source: "policy", Err: ErrKeyMissing}
	}
	if len(key) < MinKeyBytes {
		return nil, &KeyError{Column: c.Name, Source: src, Err: ErrKeyTooShort}
	}
	return key, nil
}

// keyEnvSource names the environment variable key_env names, for errors.
// A value that is no variable name, or that looks like a key itself, is
// not repeated: it may be the secret (the policy parser refuses both; this
// guards policies built otherwise).
func keyEnvSource(name string) string {
	switch {
	case policies.LooksLikeKey(name):
		return "key_env (it holds what looks like a key itself, not repeated here: keys never go in the policy)"
	case !policies.ValidEnvName(name):
		return "key_env (not an environment variable name; not repeated here in case it holds a secret)"
	}
	return fmt.Sprintf("environment variable %q (key_env)", name)
}

// keyFileSource names the key file for errors: resolved is file resolved
// against the policy's folder. A file name that looks like a key itself is
// not repeated.
func keyFileSource(file, resolved string) string {
	if policies.LooksLikeKey(file) || policies.LooksLikeKey(resolved) {
		return "key_file (it holds what looks like a key itself, not repeated here: keys never go in the policy)"
	}
	return fmt.Sprintf("key file %s (key_file)", resolved)
}

// KeyID returns the public fingerprint of a key: the first 8 hex digits of
// its SHA-256. Reports show it so that readers can tell which key made a
// pseudonym without learning the key.
func KeyID(key []byte) string {
	s := sha256.Sum256(key)
	return hex.EncodeToString(s[:4])
}

// PolicyKeyIDs returns "column=key ID" for each column of p with a key_env
// or key_file whose key can be had (lookup reads the environment; nil
// means os.LookupEnv), in policy order. A manifest records them so that a
// run with another key is not taken for a repeat of the last one; keys
// that cannot be had are left out (the run itself reports them).
func PolicyKeyIDs(p *policies.Policy, lookup func(string) (string, bool)) []string {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var out []string
	for _, c := range p.Columns {
		if c.KeyEnv == "" && c.KeyFile == "" {
			continue
		}
		if k, err := loadKey(p, c, lookup); err == nil {
			out = append(out, c.Name+"="+KeyID(k))
		}
	}
	return out
}

// subKey derives an independent key for one use of a column's key, so that
// hash, tokenize and shift_date never reuse key material:
//
//	subkey = HMAC-SHA256(key, "veil/" + purpose)
func subKey(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("veil/" + purpose))
	return m.Sum(nil)
}
