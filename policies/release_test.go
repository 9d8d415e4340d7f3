package policies

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseReleaseAndGovernance(t *testing.T) {
	p, err := Parse("../testdata/policies/release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, g := p.Release, p.Governance
	if r == nil || g == nil {
		t.Fatalf("Parse: release %v, governance %v, want both", r, g)
	}
	if r.Purpose != "Train and validate the churn model" || r.Model != ModelPartner || r.Attacker == "" {
		t.Errorf("release = %+v", r)
	}
	if len(r.Recipients) != 2 || r.Recipients[1] != "Analytics vendor (processor)" {
		t.Errorf("recipients = %q, want the two of the file", r.Recipients)
	}
	if r.Population == nil || *r.Population != 120000 {
		t.Errorf("population = %v, want 120000", r.Population)
	}
	c := r.Controls
	if c.Projects == "" || c.People == "" || c.Settings == "" || c.Data == "" || c.Outputs == "" {
		t.Errorf("controls = %+v, want all five", c)
	}
	if g.Reviewer != "Data protection officer" || g.Board != "Data review board" || g.PolicyVersion != "2026-11 r2" {
		t.Errorf("governance = %+v", g)
	}
	if g.ReviewEvery == nil || *g.ReviewEvery != (Interval{12, "mo"}) || !g.NextReview.IsZero() {
		t.Errorf("review_every = %v, next_review %v; want 12mo and none", g.ReviewEvery, g.NextReview)
	}
	if !strings.Contains(string(p.Text), "review_every: 12mo") {
		t.Error("Text does not hold the file")
	}
	// A single recipient may be a string, and a date may be unquoted.
	p, err = ParseBytes([]byte("version: 1\ncolumns:\n  a: keep\nrelease: {recipients: Partner Ltd}\ngovernance: {next_review: 2027-06-30}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Release.Recipients) != 1 || !p.Governance.NextReview.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("recipients %q, next_review %v", p.Release.Recipients, p.Governance.NextReview)
	}
}

func TestParseReleaseErrors(t *testing.T) {
	const head = "version: 1\ncolumns:\n  a: keep\n"
	tests := []struct {
		name, yaml string
		sentinel   error
		where, msg string
	}{
		{"model misspelt", "release:\n  model: pubilc\n", ErrValue, "p.yaml:5:10", `did you mean "public"`},
		{"unknown release key", "release:\n  purpouse: x\n", ErrUnknownKey, "p.yaml:5:3", `did you mean "purpose"`},
		{"unknown control", "release:\n  controls: {safe_people: x}\n", ErrUnknownKey, "p.yaml:5:14", "allowed here: projects, people, settings, data, outputs"},
		{"population zero", "release:\n  population: 0\n", ErrValue, "p.yaml:5:15", "at least 1"},
		{"population fraction", "release:\n  population: 12.5\n", ErrValue, "p.yaml:5:15", "whole number"},
		{"population text", "release:\n  population: many\n", ErrType, "p.yaml:5:15", "want a number"},
		{"empty purpose", "release:\n  purpose: ''\n", ErrValue, "p.yaml:5:12", "leave the key out"},
		{"secret in release", "release:\n  password: x\n", ErrSecret, "p.yaml:5:3", "secrets never go in the policy"},
		{"release a list", "release: [a]\n", ErrType, "p.yaml:4:10", "want a mapping"},
		// What the JSON Schema refuses, validation refuses too.
		{"no recipients", "release:\n  recipients: []\n", ErrValue, "p.yaml:5:15", "empty list"},
		{"recipients a number", "release:\n  recipients: 5\n", ErrType, "p.yaml:5:15", "want text or a list"},
		{"control a number", "release:\n  controls: {data: 5}\n", ErrType, "p.yaml:5:20", "quote it"},
		{"reviewer a boolean", "governance:\n  reviewer: true\n", ErrType, "p.yaml:5:13", "quote it"},
		{"interval unit", "governance:\n  review_every: 12 months\n", ErrValue, "p.yaml:5:17", "12mo, 1y"},
		{"interval zero", "governance:\n  review_every: 0mo\n", ErrValue, "p.yaml:5:17", "not an interval"},
		{"bad date", "governance:\n  next_review: 2027-13-01\n", ErrValue, "p.yaml:5:16", "YYYY-MM-DD"},
		{"both review keys", "governance:\n  review_every: 1y\n  next_review: 2027-01-01\n", ErrConflict, "p.yaml:6:3", "not both"},
		{"unknown governance key", "governance:\n  reviwer: x\n", ErrUnknownKey, "p.yaml:5:3", `did you mean "reviewer"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBytes([]byte(head+tc.yaml), "p.yaml")
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("ParseBytes = %v, want %v", err, tc.sentinel)
			}
			if s := err.Error(); !strings.HasPrefix(s, tc.where+":") || !strings.Contains(s, tc.msg) {
				t.Errorf("ParseBytes = %q, want it at %s and saying %q", s, tc.where, tc.msg)
			}
		})
	}
}

func TestIntervalAfter(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		iv   Interval
		from time.Time
		want time.Time
	}{
		{Interval{12, "mo"}, day(2026, 11, 29), day(2027, 11, 29)},
		{Interval{1, "mo"}, day(2027, 1, 31), day(2027, 2, 28)}, // the month's last day, not 3 March
		{Interval{1, "mo"}, day(2028, 1, 31), day(2028, 2, 29)}, // leap year
		{Interval{1, "y"}, day(2028, 2, 29), day(2029, 2, 28)},
		{Interval{6, "mo"}, day(2026, 8, 31), day(2027, 2, 28)},
		{Interval{2, "w"}, day(2026, 12, 25), day(2027, 1, 8)},
		{Interval{90, "d"}, day(2026, 11, 29), day(2027, 2, 27)},
	}
	for _, tc := range tests {
		if got := tc.iv.After(tc.from); !got.Equal(tc.want) {
			t.Errorf("%v.After(%s) = %s, want %s", tc.iv, tc.from.Format(time.DateOnly), got.Format(time.DateOnly), tc.want.Format(time.DateOnly))
		}
	}
}
