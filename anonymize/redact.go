package anonymize

import (
	"fmt"
	"slices"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
	"github.com/veil-data/veil/profile"
)

// RedactEntities are the entities redact finds in text, with the
// profiler's detectors (profile.FindPII): every candidate passes a
// validator (checksum, public suffix, libphonenumber).
var RedactEntities = []string{"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "NATIONAL_ID", "IP_ADDRESS", "MAC_ADDRESS"}

// redactT replaces the personal data found inside free text with
// "[ENTITY]" (e.g. "[EMAIL]") or a fixed replacement; the rest of the text
// stays. What the detectors miss (names, addresses, rare formats) stays
// too: redact lowers the risk of free text, it does not remove it.
type redactT struct {
	opts        *profile.ScanOptions
	replacement string
	buf         strings.Builder
}

func newRedact(c *policies.Column) (transform, error) {
	for _, e := range c.Entities {
		if !slices.Contains(RedactEntities, e) {
			return nil, fmt.Errorf("redact: unknown entity %q (want %s)", e, strings.Join(RedactEntities, ", "))
		}
	}
	t := &redactT{opts: &profile.ScanOptions{}, replacement: c.Replacement}
	if len(c.Entities) > 0 {
		t.opts.Entities = c.Entities
	}
	return t, nil
}

func (r *redactT) apply(v string, _ *dataset.Record) (dataset.Value, error) {
	ms := profile.FindPII(v, r.opts)
	if len(ms) == 0 {
		return dataset.Value{Text: v}, nil
	}
	r.buf.Reset()
	last := 0
	for _, m := range ms {
		r.buf.WriteString(v[last:m.Start])
		if r.replacement != "" {
			r.buf.WriteString(r.replacement)
		} else {
			r.buf.WriteString("[" + m.Entity + "]")
		}
		last = m.End
	}
	r.buf.WriteString(v[last:])
	return dataset.Value{Text: r.buf.String()}, nil
}
