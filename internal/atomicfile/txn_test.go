package atomicfile

import (
	"maps"
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

// tree maps every file under dir to its content (folders end in "/").
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		out[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTxnCommitUndone: when a rename of Commit fails, the outputs renamed
// before it are taken back, the ones they replaced (files and folders)
// are back with their content, folders made for new outputs are gone, and
// no temporary file is left: the tree is as it was before the run. Each
// rename of the commit is made to fail in turn, over outputs that replace
// earlier ones and outputs that are new.
func TestTxnCommitUndone(t *testing.T) {
	for _, replace := range []bool{true, false} {
		for failAt := 1; failAt <= 5; failAt++ {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "sub", "b.json")
			folder := filepath.Join(dir, "parts")
			if replace {
				for p, v := range map[string]string{a: "a0", b: "b0", filepath.Join(folder, "part-00000.csv"): "x\n0\n"} {
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			before := tree(t, dir)

			tx := NewTxn()
			stageOutputs(t, tx, a, folder)
			if _, err := tx.WriteFile(b, []byte("b1")); err != nil {
				t.Fatal(err)
			}

			calls := 0
			rename = func(from, to string) error {
				calls++
				if calls == failAt {
					return &os.LinkError{Op: "rename", Old: from, New: to, Err: os.ErrPermission}
				}
				return os.Rename(from, to)
			}
			unplaced, err := tx.Commit()
			rename = os.Rename
			tx.Abort()
			if calls < failAt {
				// Fewer renames than failAt: the commit went through.
				if err != nil {
					t.Fatalf("replace=%v failAt=%d: %v", replace, failAt, err)
				}
				continue
			}
			if err == nil || len(unplaced) != 3 {
				t.Fatalf("replace=%v failAt=%d: Commit = %v, %v; want an error and the three outputs unplaced", replace, failAt, unplaced, err)
			}
			if after := tree(t, dir); !maps.Equal(after, before) {
				t.Errorf("replace=%v failAt=%d: tree after the failed commit\n%v\nwant\n%v", replace, failAt, after, before)
			}
		}
	}
}

// TestTxnCommitReplaces: a successful commit leaves only the new outputs,
// no earlier copy kept aside.
func TestTxnCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(a, []byte("a0"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "parts")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "part-00000.csv"), []byte("x\n0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tx := NewTxn()
	defer tx.Close()
	stageOutputs(t, tx, a, folder)
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"./": "", "a.csv": "a1", "parts/": "", "parts/part-00000.csv": "x\n1\n"}
	if got := tree(t, dir); !maps.Equal(got, want) {
		t.Errorf("tree after commit: %v, want %v", got, want)
	}
}

// stageOutputs writes "a1" to file and a folder of one part ("x\n1\n")
// through tx, both held back until its Commit.
func stageOutputs(t *testing.T, tx *Txn, file, folder string) {
	t.Helper()
	if _, err := tx.WriteFile(file, []byte("a1")); err != nil {
		t.Fatal(err)
	}
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
}
