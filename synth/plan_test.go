package synth

import (
	"fmt"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

func TestValuesNeeded(t *testing.T) {
	// The first pass stops counting the values of a column that will not
	// be modelled once its detection sample is in; columns to model, a
	// date of birth included, keep being counted.
	pol, err := policies.Parse("../testdata/policies/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		kind   dataset.Kind
		value  func(i int) string
		policy *policies.Policy
		want   bool
	}{
		{"email", dataset.String, func(i int) string { return fmt.Sprintf("user%d@mail.example.com", i) }, nil, false},
		{"customer_id", dataset.Integer, func(i int) string { return fmt.Sprint(100000 + i) }, nil, false},
		{"plan", dataset.String, func(i int) string { return []string{"basic", "pro"}[i%2] }, nil, true},
		{"birth_date", dataset.Date, func(i int) string { return fmt.Sprintf("19%02d-0%d-1%d", 50+i%40, 1+i%9, i%10) }, nil, true},
		{"name", dataset.String, func(i int) string { return []string{"basic", "pro"}[i%2] }, pol, false}, // policy: drop
	} {
		s := newColStats(dataset.Column{Name: tc.name, Kind: tc.kind}, 1, 0)
		s.needed = func(s *colStats) bool { return valuesNeeded(tc.name, s, tc.policy) }
		for i := range detectSample + 10 {
			if err := s.add(dataset.Text(tc.value(i)), 200); err != nil {
				t.Fatalf("%s: add = %v", tc.name, err)
			}
		}
		if got := !s.shapeOnly; got != tc.want {
			t.Errorf("%s: values counted after %d values = %v, want %v", tc.name, detectSample+10, got, tc.want)
		}
		var counted int64
		for _, c := range s.counts {
			counted += c
		}
		if s.shapeOnly && (counted > detectSample || len(s.reservoir) > detectSample) {
			t.Errorf("%s: %d texts and %d numbers counted, want at most the %d of the detection sample",
				tc.name, counted, len(s.reservoir), detectSample)
		}
	}
}
