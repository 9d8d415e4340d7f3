package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestTxnHoldsOutputsBack: committed files and folders of a Txn appear
// only at its Commit, can be read meanwhile through Resolve, and a file
// inside a held-back folder travels with it.
func TestTxnHoldsOutputsBack(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	tx := NewTxn()
	defer tx.Abort()
	res, err := tx.WriteFile(old, []byte("new"))
	if err != nil || res.Path != old || res.Bytes != 3 {
		t.Fatalf("WriteFile = %+v, %v", res, err)
	}
	if data, _ := os.ReadFile(old); string(data) != "old" {
		t.Fatalf("before Commit the path holds %q, want the old content", data)
	}
	if data, _ := os.ReadFile(tx.Resolve(old)); string(data) != "new" {
		t.Fatalf("Resolve gives %q, want the new content", data)
	}
	folder := filepath.Join(dir, "parts")
	d, err := tx.CreateDir(folder)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.TempPath("part-00000.csv"), []byte("x\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	m, err := tx.WriteFile(filepath.Join(folder, "_MANIFEST.json"), []byte("{}"))
	if err != nil || m.Path != filepath.Join(folder, "_MANIFEST.json") {
		t.Fatalf("manifest inside the folder: %+v, %v", m, err)
	}
	if _, err := os.Stat(folder); !os.IsNotExist(err) {
		t.Fatalf("the folder is in place before Commit (%v)", err)
	}
	if got := tx.Pending(); len(got) != 2 {
		t.Errorf("Pending = %v, want the file and the folder", got)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(old); string(data) != "new" {
		t.Errorf("after Commit the path holds %q", data)
	}
	if got := names(t, folder); len(got) != 2 || got[0] != "_MANIFEST.json" || got[1] != "part-00000.csv" {
		t.Errorf("folder holds %v", got)
	}
	if got := names(t, dir); len(got) != 2 {
		t.Errorf("dir holds %v, want a.csv and parts only", got)
	}
}

// TestTxnAbort: an aborted Txn (a failed run, or AbortAll on a signal)
// removes what it held back and the folders its files made, and leaves
// earlier files of the same names.
func TestTxnAbort(t *testing.T) {
	for _, viaSignal := range []bool{false, true} {
		dir := t.TempDir()
		old := filepath.Join(dir, "a.csv")
		if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		tx := NewTxn()
		if _, err := tx.WriteFile(old, []byte("new")); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.WriteFile(filepath.Join(dir, "made", "deep", "r.json"), []byte("{}")); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.WriteFile(filepath.Join(dir, "made", "s.json"), []byte("{}")); err != nil {
			t.Fatal(err)
		}
		if viaSignal {
			AbortAll()
		} else {
			tx.Abort()
		}
		if data, _ := os.ReadFile(old); string(data) != "old" {
			t.Errorf("signal %v: the earlier file holds %q", viaSignal, data)
		}
		if got := names(t, dir); len(got) != 1 {
			t.Errorf("signal %v: dir holds %v, want a.csv only", viaSignal, got)
		}
		if _, err := tx.Create(filepath.Join(dir, "b.csv")); err == nil {
			t.Error("Create after Abort succeeded")
		}
	}
}
