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
	path := filepath.Join(t.TempDir(), "no", "such", "out.csv")
	f, err := Create(path)
	if err != nil {
		t.Fatalf("Create in a missing folder: %v", err)
	}
	f.Write([]byte("x"))
	if _, err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "x" {
		t.Errorf("ReadFile = %q, %v; want x", b, err)
	}
}

func TestAbortRemovesMadeFolders(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "a", "b", "out.csv"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("x"))
	f.Abort()
	d, err := CreateDir(filepath.Join(dir, "c", "parts"))
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("after Abort the folder holds %v, want nothing", names)
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestCreateUnderAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := Create(filepath.Join(file, "out.csv")); err == nil {
		t.Error("Create under a file succeeded")
	}
	if _, err := CreateDir(filepath.Join(file, "parts")); err == nil {
		t.Error("CreateDir under a file succeeded")
	}
}
