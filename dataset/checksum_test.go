package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestChecksum(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hexSum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	write("part-00001.csv", "a\n2\n")
	write("part-00000.csv", "a\n1\n")
	write("_MANIFEST.json", "{}")
	write(".part-00002.csv.tmp", "a\n3\n")

	got, err := Checksum(filepath.Join(dir, "part-00000.csv"))
	if want := hexSum("a\n1\n"); err != nil || got != want {
		t.Errorf("Checksum(file) = %s, %v; want %s", got, err, want)
	}
	// A folder: the lines "<sha256> <name>" of its visible files in name
	// order; the manifest and hidden temporary files are not part of it.
	want := hexSum(hexSum("a\n1\n") + " part-00000.csv\n" + hexSum("a\n2\n") + " part-00001.csv\n")
	if got, err := Checksum(dir); err != nil || got != want {
		t.Errorf("Checksum(folder) = %s, %v; want %s", got, err, want)
	}
	if _, err := Checksum(filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("Checksum(missing file) succeeded")
	}
}

// TestChecksumContextStops: an interrupted run does not wait for the hash
// of a large input.
func TestChecksumContextStops(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(p, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ChecksumContext(ctx, p); !errors.Is(err, context.Canceled) {
		t.Errorf("ChecksumContext(cancelled) = %v, want context.Canceled", err)
	}
	want, _ := Checksum(p)
	if got, err := ChecksumContext(context.Background(), p); err != nil || got != want {
		t.Errorf("ChecksumContext = %s, %v; want %s", got, err, want)
	}
}
