package anonymize

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// testKey is a 32-byte key used by the tests (never a real one).
const testKey = "test-key-0123456789abcdef-veil!!"

func testEnv(name string) (string, bool) {
	if name == "VEIL_TEST_KEY" {
		return testKey, true
	}
	return "", false
}

// parsePolicy writes src as p.yaml in a temp folder (beside a link to the
// Adult hierarchies) and parses it.
func parsePolicy(t testing.TB, src string) *policies.Policy {
	t.Helper()
	dir := t.TempDir()
	abs, _ := filepath.Abs("../testdata/adult")
	os.Symlink(abs, filepath.Join(dir, "adult"))
	path := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := policies.Parse(path)
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	return p
}

// applyCSV applies p to the CSV text in and returns the CSV output.
func applyCSV(t testing.TB, p *policies.Policy, in string, opt *Options) (string, *Report, error) {
	t.Helper()
	if opt == nil {
		opt = &Options{}
	}
	if opt.LookupEnv == nil {
		opt.LookupEnv = testEnv
	}
	open := func() (dataset.Reader, error) {
		return dataset.NewCSVReader(strings.NewReader(in), "in.csv", nil)
	}
	var out bytes.Buffer
	create := func(s dataset.Schema) (dataset.Writer, error) { return dataset.NewCSVWriter(&out, s, nil), nil }
	rep, err := Apply(context.Background(), p, open, create, opt)
	return out.String(), rep, err
}
