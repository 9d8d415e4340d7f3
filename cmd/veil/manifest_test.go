package main

import (
	"errors"
	"testing"

	"github.com/veil-data/veil/policies"
)

// TestManifestPolicyChanged: a policy whose bytes the manifest hashed
// differ from the ones the run parsed (edited while veil ran) fails the
// run as a temporary failure instead of recording a policy not applied.
func TestManifestPolicyChanged(t *testing.T) {
	e := &env{usedPolicy: &policies.Policy{Path: "p.yaml", SHA256: "aa"}}
	err := e.writeManifest(runSpec{out: "out.csv"}, nil, &fileHash{Path: "./p.yaml", SHA256: "bb"})
	if !errors.Is(err, errInputChanged) {
		t.Fatalf("writeManifest = %v, want errInputChanged", err)
	}
	if code, _ := exitCode(err, exitSkipped); code != exitTempFail {
		t.Errorf("exit code %d, want %d", code, exitTempFail)
	}
}
