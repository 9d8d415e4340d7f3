package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")

	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("half"))
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the output exists before Commit")
	}
	f.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Abort left %d files behind", len(entries))
	}

	data := []byte("a,b\n1,2\n")
	res, err := WriteFile(path, data)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if res.SHA256 != hex.EncodeToString(sum[:]) || res.Bytes != int64(len(data)) {
		t.Errorf("WriteFile = %+v, want sha256 %x and %d bytes", res, sum, len(data))
	}
	if got, _ := os.ReadFile(path); string(got) != string(data) {
		t.Errorf("file = %q, want %q", got, data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want just the output", len(entries))
	}
}

func TestAbortAll(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		f, err := Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("x"))
	}
	AbortAll()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("AbortAll left %d files", len(entries))
	}
}

func TestCreateInMissingFolder(t *testing.T) {
	if _, err := Create(filepath.Join(t.TempDir(), "no", "such", "out.csv")); err == nil {
		t.Error("Create in a missing folder succeeded")
	}
}
