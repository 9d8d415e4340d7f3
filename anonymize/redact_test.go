package anonymize

import (
	"strings"
	"testing"

	"github.com/veil-data/veil/policies"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name     string
		c        policies.Column
		in, want string
	}{
		{"e-mail and IBAN", policies.Column{}, "Mail ann.lee@gmail.com, IBAN DE89 3704 0044 0532 0130 00 please",
			"Mail [EMAIL], IBAN [IBAN] please"},
		{"card", policies.Column{}, "card 4520 6187 3940 2180 on file", "card [CREDIT_CARD] on file"},
		{"only e-mails", policies.Column{Entities: []string{"EMAIL"}}, "ann@gmail.com paid with 4520 6187 3940 2180",
			"[EMAIL] paid with 4520 6187 3940 2180"},
		{"fixed replacement", policies.Column{Replacement: "***"}, "write to ann@gmail.com", "write to ***"},
		{"nothing found", policies.Column{}, "no personal data here", "no personal data here"},
		{"invalid card checksum kept", policies.Column{}, "order 4520 6187 3940 2181", "order 4520 6187 3940 2181"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := newRedact(&tc.c)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := r.apply(tc.in, nil)
			if got.Text != tc.want {
				t.Errorf("redact(%q) = %q, want %q", tc.in, got.Text, tc.want)
			}
		})
	}
	if _, err := newRedact(&policies.Column{Entities: []string{"EMAILS"}}); err == nil || !strings.Contains(err.Error(), "EMAIL, PHONE") {
		t.Errorf("unknown entity: %v", err)
	}
}
