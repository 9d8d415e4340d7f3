package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func setReplaceCheck(t *testing.T, f func(string) error) {
	t.Helper()
	old := ReplaceCheck
	ReplaceCheck = f
	t.Cleanup(func() { ReplaceCheck = old })
}

// CreateDir asks ReplaceCheck before it starts to replace a folder, and
// Commit asks again before the old folder goes: files that appeared during
// the run are not deleted.
func TestReplaceCheckPaths(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	os.Mkdir(out, 0o755)
	os.WriteFile(filepath.Join(out, "keep.txt"), []byte("mine"), 0o644)
	errRefused := errors.New("refused")
	setReplaceCheck(t, func(p string) error {
		if _, err := os.Stat(filepath.Join(p, "keep.txt")); err == nil {
			return errRefused
		}
		return nil
	})
	if _, err := CreateDir(out); !errors.Is(err, errRefused) {
		t.Fatalf("CreateDir = %v, want the check's error", err)
	}
	if names := entries(t, dir); strings.Join(names, ",") != "out" {
		t.Errorf("after a refused CreateDir the folder holds %v", names)
	}

	// Allowed at the start, refused at Commit.
	os.Remove(filepath.Join(out, "keep.txt"))
	d, err := CreateDir(out)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(d.TempPath("part-00000.csv"), []byte("new"), 0o644)
	os.WriteFile(filepath.Join(out, "keep.txt"), []byte("mine"), 0o644)
	if err := d.Commit(); !errors.Is(err, errRefused) {
		t.Fatalf("Commit = %v, want the check's error", err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "keep.txt")); err != nil || string(b) != "mine" {
		t.Errorf("keep.txt = %q, %v after a refused Commit", b, err)
	}
	if names := entries(t, dir); strings.Join(names, ",") != "out" {
		t.Errorf("after a refused Commit the folder holds %v, want out only", names)
	}

	// Allowed at both: replaced.
	os.Remove(filepath.Join(out, "keep.txt"))
	d, err = CreateDir(out)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(d.TempPath("part-00000.csv"), []byte("new"), 0o644)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, out); strings.Join(names, ",") != "part-00000.csv" {
		t.Errorf("the replaced folder holds %v", names)
	}
}

// The working folder, or one that holds it, cannot be replaced: renaming
// it fails (EBUSY for "." and ".."), and it would pull the folder from
// under the run.
func TestWorkingFolderNotReplaceablePaths(t *testing.T) {
	dir := t.TempDir()
	work := filepath.Join(dir, "work")
	os.Mkdir(work, 0o755)
	t.Chdir(work)
	for _, p := range []string{".", "..", work, dir} {
		if d, err := CreateDir(p); !errors.Is(err, ErrNotReplaceable) {
			t.Errorf("CreateDir(%q) = %v, want ErrNotReplaceable", p, err)
			if d != nil {
				d.Abort()
			}
		}
	}
	if names := entries(t, dir); strings.Join(names, ",") != "work" {
		t.Errorf("the folder holds %v", names)
	}
}
