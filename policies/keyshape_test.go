package policies

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

const (
	hexKey       = "a3f9c1d2e4b5a6978812ab34cd56ef7890aa11bb22cc33dd44ee55ff66778899"
	base64Key    = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg=="
	base64RawKey = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg"
)

func TestLooksLikeKey(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		// Names of environment variables.
		{"VEIL_HASH_KEY", false},
		{"VEIL_TEST_HASH_KEY", false},
		{"CUSTOMER_KEY_2024", false},
		{"CUSTOMER_KEY_20240101", false},
		{"MY_APP_HMAC_KEY_PRODUCTION", false},
		{"AWS_SECRET_ACCESS_KEY", false},
		{"OAUTH2CLIENTSECRET", false},
		{"X509CERTIFICATEKEY2", false},
		{"MyAppHmacKeyProduction", false},
		{"DEADBEEF_CAFE_BABE", false},
		{"K", false},
		{"c0ffee-key", false},
		// Paths of key files.
		{"/run/secrets/veil-hash.key", false},
		{"./keys/demo-hash.key", false},
		{"secrets/k1.bin", false},
		{"demo-hash.key", false},
		{"hash.key", false},
		{"keys/prod/hash", false},
		{"/etc/veil/keys/customer-hash-2024", false},
		{"/tmp/TestAnonymizeKeyFile2837462/001/hash", false},
		{`C:\keys\veil-hash.key`, false},
		{"/home/JohnSmith1990/keys/hashkey", false},
		{"/tmp/TestKeys3984/001/hk", false},
		{"MY_APP_2FA_SECRET_v2", false},
		{"../secrets/veil_hash_key_production.txt", false},
		// Keys.
		{hexKey, true},
		{strings.ToUpper(hexKey), true},
		{"a3f9c1d2e4b5a697", true},                              // 16 hex digits
		{"1234567890123456", true},                              // 16 digits
		{base64Key, true},                                       // base64 with padding
		{base64RawKey, true},                                    // base64 without padding
		{"q83v+EjRWeJCrze8SNFZ4kKvN7x", true},                   // a + of base64
		{"q83vEjRWeJ-Crze8SNF_Z4kKvN7xI0VniQq83vEjRWeJA", true}, // base64url
		{"JBSWY3DPEHPK3PXP", true},                              // base32
		{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", true},              // base32
		{"550e8400-e29b-41d4-a716-446655440000", true},          // UUID
		{"VEIL_HASH_KEY=" + hexKey, true},                       // a pasted assignment
		{"export VEIL_HASH_KEY=" + base64Key, true},
		{"/run/secrets/" + base64Key, true},
		{"keys/Zm9vYmFyYmF6cXV4MTIz", true},
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc", true},
		{"Zm9vYmFy/YmF6cXV4MTIz", true}, // unpadded base64 with a /
		{"a3f9c1d2e4b5a69", false},      // 15 characters: too short to be a key veil accepts
	}
	for _, tc := range tests {
		if got := looksLikeKey(tc.s); got != tc.want {
			t.Errorf("looksLikeKey(%q) = %v, want %v", tc.s, got, tc.want)
		}
		if got := LooksLikeKey(tc.s); got != tc.want {
			t.Errorf("LooksLikeKey(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestParseRefusesKeyAsKeySource: a key pasted where the name of its
// environment variable or the path of its file belongs is refused like a
// key: entry, and no message repeats it.
func TestParseRefusesKeyAsKeySource(t *testing.T) {
	tests := []struct {
		name   string
		column string // the column entry
		secret string // must appear in no error
		where  string
		path   string
	}{
		{"hex in key_env", `{role: direct, action: hash, key_env: "` + hexKey + `"}`, hexKey, "p.yaml:3:48", "columns.email.key_env: key_env holds what looks like a key itself"},
		{"base64 in key_env", `{role: direct, action: hash, key_env: "` + base64Key + `"}`, base64Key, "p.yaml:3:48", "columns.email.key_env: key_env holds what looks like a key itself"},
		{"base64 in key_file", `{role: direct, action: hash, key_file: "` + base64Key + `"}`, base64Key, "p.yaml:3:49", "columns.email.key_file: key_file holds what looks like a key itself"},
		{"unquoted digits in key_env", `{action: hash, key_env: 01234567890123456789}`, "01234567890123456789", "p.yaml:3:34", "columns.email.key_env: key_env holds"},
		{"assignment in key_env", `{action: tokenize, key_env: "VEIL_HASH_KEY=` + hexKey + `"}`, hexKey, "p.yaml:3:38", "columns.email.key_env: key_env holds"},
		{"key in shift_date key_file", `{action: shift_date, by: id, max_days: 30, key_file: ` + base64RawKey + `}`, base64RawKey, "p.yaml:3:63", "columns.email.key_file: key_file holds"},
		{"key_env=key as a key", `{action: hash, key_env=` + hexKey + `}`, hexKey, "p.yaml:3:25", "columns.email: a key here looks like a secret key itself"},
		{"block style", "\n    action: hash\n    key_env: " + hexKey, hexKey, "p.yaml:5:14", "columns.email.key_env: key_env holds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBytes([]byte("version: 1\ncolumns:\n  email: "+tc.column+"\n"), "p.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrSecret) {
				t.Errorf("error %q is not ErrSecret", err)
			}
			var el ErrorList
			if !errors.As(err, &el) || el.ExitClass() != "policy" {
				t.Errorf("error %T is not a policy ErrorList", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.where+": "+tc.path) {
				t.Errorf("error = %q, want %q in it", msg, tc.where+": "+tc.path)
			}
			if strings.Contains(msg, tc.secret) || strings.Contains(msg, tc.secret[:12]) {
				t.Errorf("error repeats the key: %q", msg)
			}
			if strings.Contains(msg, "missing:") && !strings.Contains(tc.column, "key_env=") {
				t.Errorf("a refused key source is also reported missing: %q", msg)
			}
		})
	}
}

// TestParseKeyEnvNotAName: a key_env that is no variable name is an error
// that does not repeat the value (it may hold part of a secret).
func TestParseKeyEnvNotAName(t *testing.T) {
	for _, v := range []string{"'s3cr3t!pass'", "'my key'", "0123", "'VEIL-HASH-KEY'"} {
		_, err := ParseBytes([]byte("version: 1\ncolumns:\n  a: {action: hash, key_env: "+v+"}\n"), "p.yaml")
		if !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), "p.yaml:3:30: columns.a.key_env: not an environment variable name") {
			t.Errorf("key_env %s: error = %v, want an invalid name", v, err)
			continue
		}
		if strings.Contains(err.Error(), strings.Trim(v, "'")) {
			t.Errorf("key_env %s: error repeats the value: %q", v, err)
		}
	}
}

// TestParseKeySourcesKept: ordinary names and paths still parse.
func TestParseKeySourcesKept(t *testing.T) {
	for _, src := range []string{"key_env: VEIL_HASH_KEY", "key_env: CUSTOMER_KEY_2024", "key_env: MY_APP_HMAC_KEY_PRODUCTION",
		"key_file: /run/secrets/veil-hash.key", "key_file: ./keys/demo-hash.key", "key_file: secrets/k1.bin"} {
		p, err := ParseBytes([]byte("version: 1\ncolumns:\n  a: {action: hash, "+src+"}\n"), "p.yaml")
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := p.Columns[0].KeyEnv + p.Columns[0].KeyFile; !strings.HasSuffix(src, " "+got) {
			t.Errorf("%s: key source = %q", src, got)
		}
	}
}

// TestLooksLikeKeyGeneratedKeys: keys made the ways the documentation
// shows (openssl rand -hex 32, head -c 32 /dev/urandom | base64) are
// always recognised, as are 16-byte ones and Python's token_hex.
func TestLooksLikeKeyGeneratedKeys(t *testing.T) {
	r := rand.New(rand.NewChaCha8([32]byte{'v', 'e', 'i', 'l'}))
	encodings := map[string]func([]byte) string{
		"hex":    hex.EncodeToString,
		"base64": base64.StdEncoding.EncodeToString,
	}
	for _, n := range []int{16, 32, 64} {
		for name, enc := range encodings {
			for range 2000 {
				b := make([]byte, n)
				for i := range b {
					b[i] = byte(r.Uint32())
				}
				if k := enc(b); !looksLikeKey(k) {
					t.Errorf("%d-byte %s key %q not recognised", n, name, k)
				}
			}
		}
	}
}
