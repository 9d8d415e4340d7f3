package anonymize

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
)

// TestLoadKeyErrorsHideKeyLikeSources: a key error names a key_env or
// key_file that is a name or a path, and never one that looks like a key
// itself or is no variable name (the parser refuses both; this covers
// policies built in code).
func TestLoadKeyErrorsHideKeyLikeSources(t *testing.T) {
	const (
		hexKey    = "a3f9c1d2e4b5a6978812ab34cd56ef7890aa11bb22cc33dd44ee55ff66778899"
		base64Key = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg=="
	)
	dir := t.TempDir()
	p := &policies.Policy{Path: filepath.Join(dir, "p.yaml")}
	none := func(string) (string, bool) { return "", false }
	tests := []struct {
		name   string
		col    policies.Column
		hidden string // must not be in the error
		shown  string // must be in the error
	}{
		{"hex in key_env", policies.Column{Name: "email", KeyEnv: hexKey}, hexKey, `column "email": key_env (it holds what looks like a key itself`},
		{"base64 in key_env", policies.Column{Name: "email", KeyEnv: base64Key}, base64Key, `column "email": key_env (it holds what looks like a key itself`},
		{"not a name", policies.Column{Name: "email", KeyEnv: "my s3cret!"}, "s3cret", `column "email": key_env (not an environment variable name`},
		{"base64 in key_file", policies.Column{Name: "email", KeyFile: base64Key}, base64Key, `column "email": key_file (it holds what looks like a key itself`},
		{"unset variable", policies.Column{Name: "email", KeyEnv: "VEIL_NOT_SET"}, "", `column "email": environment variable "VEIL_NOT_SET" (key_env): secret key not set`},
		{"missing file", policies.Column{Name: "email", KeyFile: "nope.key"}, "", `column "email": key file ` + filepath.Join(dir, "nope.key") + ` (key_file): secret key not set: no such file`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadKey(p, &tc.col, none)
			var ke *KeyError
			if !errors.Is(err, ErrKeyMissing) || !errors.As(err, &ke) || ke.ExitClass() != "policy" {
				t.Fatalf("error = %v, want ErrKeyMissing as a *KeyError", err)
			}
			if tc.hidden != "" && strings.Contains(err.Error(), tc.hidden) {
				t.Errorf("error %q repeats %q", err, tc.hidden)
			}
			if !strings.Contains(err.Error(), tc.shown) {
				t.Errorf("error = %q, want %q in it", err, tc.shown)
			}
		})
	}
}

// TestLoadKeyShortNamesSource: a short key's error names its (valid)
// variable or file, not the key.
func TestLoadKeyShortNamesSource(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "short.key"), []byte("tooshort\n"), 0o600)
	p := &policies.Policy{Path: filepath.Join(dir, "p.yaml")}
	env := func(string) (string, bool) { return "tooshort", true }
	for _, c := range []policies.Column{{Name: "a", KeyEnv: "VEIL_HASH_KEY"}, {Name: "a", KeyFile: "short.key"}} {
		_, err := loadKey(p, &c, env)
		if !errors.Is(err, ErrKeyTooShort) || strings.Contains(err.Error(), "tooshort") ||
			!strings.Contains(err.Error(), c.KeyEnv+c.KeyFile) {
			t.Errorf("%+v: error = %v", c, err)
		}
	}
}
