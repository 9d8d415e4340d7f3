package anonymize

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/internal/anonbase"
	"github.com/veil-data/veil/internal/gen"
)

// benchTable returns `veil generate --rows rows --seed 1` in memory.
func benchTable(b *testing.B, rows int) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := gen.Write(&buf, rows, 1); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkApply runs the benchmark policy (bench/policies/columns.yaml:
// drop, hash, mask and two generalizations) over the generated table.
// Compare with BenchmarkBaselineCSVLoop, which does the same work by hand:
//
//	go test -run '^$' -bench 'Apply|Baseline' -benchmem ./anonymize
func BenchmarkApply(b *testing.B) {
	p := parsePolicy(b, `version: 1
default_action: keep
columns:
  name:  {role: direct, action: drop}
  email: {role: direct, action: hash, key_env: VEIL_TEST_KEY}
  phone: {role: direct, action: mask, keep_last: 4}
  zip:   {role: quasi, action: generalize, prefix: 3}
  age:   {role: quasi, action: generalize, width: 10}
`)
	for _, rows := range []int{1_000, 100_000} {
		data := benchTable(b, rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				open := func() (dataset.Reader, error) { return dataset.NewCSVReader(bytes.NewReader(data), "bench.csv", nil) }
				create := func(s dataset.Schema) (dataset.Writer, error) { return dataset.NewCSVWriter(io.Discard, s, nil), nil }
				if _, err := Apply(context.Background(), p, open, create, &Options{LookupEnv: testEnv}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// BenchmarkBaselineCSVLoop is the hand-written encoding/csv loop doing the
// work of BenchmarkApply (internal/anonbase, also the bench script's
// baseline binary).
func BenchmarkBaselineCSVLoop(b *testing.B) {
	for _, rows := range []int{1_000, 100_000} {
		data := benchTable(b, rows)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := anonbase.Run(bytes.NewReader(data), io.Discard, []byte(testKey)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// TestBaselineMatchesApply checks that the baseline does the same work:
// both outputs are equal on a generated table.
func TestBaselineMatchesApply(t *testing.T) {
	var data bytes.Buffer
	if err := gen.Write(&data, 500, 3); err != nil {
		t.Fatal(err)
	}
	p := parsePolicy(t, "version: 1\ndefault_action: keep\ncolumns:\n  name: drop\n  email: {action: hash, key_env: VEIL_TEST_KEY}\n  phone: {action: mask, keep_last: 4}\n  zip: {action: generalize, prefix: 3}\n  age: {action: generalize, width: 10}\n")
	got, _, err := applyCSV(t, p, data.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := anonbase.Run(bytes.NewReader(data.Bytes()), &want, []byte(testKey)); err != nil {
		t.Fatal(err)
	}
	if got != want.String() {
		t.Errorf("Apply and the baseline differ:\n%.600s\n---\n%.600s", got, want.String())
	}
}

// BenchmarkApplyAdultKanon runs issue 5's reference policy (Adult, nine
// quasi-identifiers with ARX's hierarchies, k=5) through Apply from the
// file: both passes and the search, without the process's start-up, the
// output's fsync and the manifest that `veil anonymize` adds
// (BENCH_STEPS=kanon-adult bench/run.sh measures the whole process).
func BenchmarkApplyAdultKanon(b *testing.B) {
	const columns = `columns:
  sex:            {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}
  age:            {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_age.csv}
  race:           {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_race.csv}
  marital-status: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_marital-status.csv}
  education:      {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_education.csv}
  native-country: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_native-country.csv}
  workclass:      {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_workclass.csv}
  occupation:     {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_occupation.csv}
  salary-class:   {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_salary-class.csv}
`
	for _, limit := range []string{"0", "0.04"} {
		p := parsePolicy(b, "version: 1\n"+columns+"privacy: {k: 5, suppression_limit: "+limit+", algorithm: optimal, metric: entropy}\n")
		b.Run("suppression="+limit, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				open := func() (dataset.Reader, error) { return dataset.Open("../testdata/adult/adult.csv", nil) }
				create := func(s dataset.Schema) (dataset.Writer, error) { return dataset.NewCSVWriter(io.Discard, s, nil), nil }
				if _, err := Apply(context.Background(), p, open, create, &Options{LookupEnv: testEnv}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
