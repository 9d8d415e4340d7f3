package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Txn makes the outputs of one run appear together or not at all: files
// and folders created through it are written and synced as usual, but
// their Commit only closes them; the Txn's Commit renames them all into
// place, its Abort removes them all. So a run that fails after writing
// its first output (a report that cannot be written, a signal) leaves
// neither that output nor anything else, and an earlier output of the
// same name stays as it was. A file read back within the run (a report
// on the release just written) is found through Resolve.
//
// The renames of Commit are not one atomic step, but they are undone
// together: each output a rename replaces is kept aside (a hard link to
// it, or the old folder renamed) until every rename and the folders'
// syncs succeeded, so should one fail (a disk error), the outputs renamed
// before it are taken back and their predecessors put back in place.
type Txn struct {
	mu     sync.Mutex
	staged []staged
	done   bool
}

// staged is a finished output waiting for its rename.
type staged struct {
	path, tmp string
	made      []string
	dir       bool
}

// NewTxn starts a transaction.
func NewTxn() *Txn {
	t := &Txn{}
	liveTxns.add(t)
	return t
}

// errTxnDone is the error of a Txn used after its end.
var errTxnDone = errors.New("atomicfile: transaction already ended")

// Create is Create for a file of the transaction. A file inside a folder
// the transaction holds back (a folder output's manifest) is written into
// that folder, which carries it into place.
func (t *Txn) Create(path string) (*File, error) {
	if t.ended() {
		return nil, errTxnDone
	}
	if r := t.Resolve(path); r != path {
		f, err := Create(r)
		if err != nil {
			return nil, err
		}
		f.shown = path
		return f, nil
	}
	f, err := Create(path)
	if err != nil {
		return nil, err
	}
	f.txn = t
	return f, nil
}

// CreateDir is CreateDir for a folder of the transaction.
func (t *Txn) CreateDir(path string) (*Dir, error) {
	if t.ended() {
		return nil, errTxnDone
	}
	d, err := CreateDir(path)
	if err != nil {
		return nil, err
	}
	d.txn = t
	return d, nil
}

// WriteFile writes data to path as a file of the transaction.
func (t *Txn) WriteFile(path string, data []byte) (Result, error) {
	f, err := t.Create(path)
	if err != nil {
		return Result{}, err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return Result{}, fmt.Errorf("output %s: %w", path, err)
	}
	return f.Commit()
}

func (t *Txn) ended() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.done
}

func (t *Txn) stage(s staged) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		// Aborted while the output was being finished (a signal).
		remove(s)
		return
	}
	for i, o := range t.staged {
		if o.path == s.path {
			// Written twice in one run: the later one wins.
			remove(o)
			t.staged = append(t.staged[:i], t.staged[i+1:]...)
			break
		}
	}
	t.staged = append(t.staged, s)
}

// Resolve returns where the content of path is while the transaction holds
// it back: the temporary file of a staged output (or the path inside a
// staged folder), and path itself otherwise.
func (t *Txn) Resolve(path string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	clean := filepath.Clean(path)
	for _, s := range t.staged {
		if clean == s.path || clean == filepath.Clean(s.path) {
			return s.tmp
		}
		if s.dir {
			if rel, err := filepath.Rel(s.path, clean); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.Join(s.tmp, rel)
			}
		}
	}
	return path
}

// Pending lists the final paths of the outputs the transaction holds
// back.
func (t *Txn) Pending() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, s := range t.staged {
		out = append(out, s.path)
	}
	return out
}

// Commit renames every staged output into place, in the order they were
// committed, and leaves the transaction open for more (the demo commits
// its inputs before its steps read them). On an error nothing of this
// commit stays in place: the outputs already renamed are removed, the
// ones they replaced are put back, and it returns every staged path.
func (t *Txn) Commit() (unplaced []string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return nil, errTxnDone
	}
	list := t.staged
	t.staged = nil
	var in []placed
	fail := func(rest []staged, err error) ([]string, error) {
		for i := len(in) - 1; i >= 0; i-- {
			in[i].undo()
		}
		removeAll(rest)
		for _, s := range list {
			unplaced = append(unplaced, s.path)
		}
		return unplaced, err
	}
	for i, s := range list {
		p, err := place(s)
		if err != nil {
			return fail(list[i:], err)
		}
		in = append(in, p)
	}
	synced := map[string]bool{}
	for _, p := range in {
		dir := filepath.Dir(p.path)
		if synced[dir] {
			continue
		}
		synced[dir] = true
		if err := syncPath(dir); err != nil {
			return fail(nil, fmt.Errorf("output %s: %w", p.path, err))
		}
	}
	for _, p := range in {
		p.forget()
	}
	return nil, nil
}

// placed is an output Commit renamed into place, with the output of the
// same name it replaced, kept aside until the whole commit succeeded.
type placed struct {
	staged
	old string // "" when there was none
}

// rename is os.Rename; tests make it fail.
var rename = os.Rename

// place renames s into place. On an error nothing has moved: s's
// temporary file or folder is where it was, and so is the old output.
func place(s staged) (placed, error) {
	p := placed{staged: s}
	if s.dir {
		if _, err := os.Lstat(s.path); err == nil {
			if err := checkReplace(s.path); err != nil {
				return p, err
			}
			p.old = s.tmp + ".old"
			if err := rename(s.path, p.old); err != nil {
				return p, fmt.Errorf("output %s: %w", s.path, err)
			}
		}
		if err := rename(s.tmp, s.path); err != nil {
			if p.old != "" {
				os.Rename(p.old, s.path)
			}
			return p, fmt.Errorf("output %s: %w", s.path, err)
		}
		return p, nil
	}
	linked := false
	if fi, err := os.Lstat(s.path); err == nil && fi.Mode().IsRegular() {
		// A hard link keeps the old file where it is until the rename
		// replaces it, so a reader never finds the path missing; where
		// the file system has no hard links, the old file is moved aside.
		p.old = s.tmp + ".old"
		linked = os.Link(s.path, p.old) == nil
		if !linked {
			if err := rename(s.path, p.old); err != nil {
				p.old = ""
				return p, fmt.Errorf("output %s: %w", s.path, err)
			}
		}
	}
	if err := rename(s.tmp, s.path); err != nil {
		switch {
		case linked:
			os.Remove(p.old)
		case p.old != "":
			os.Rename(p.old, s.path)
		}
		return p, fmt.Errorf("output %s: %w", s.path, err)
	}
	return p, nil
}

// undo takes the output back out of place and puts the one it replaced
// back, or removes the folders made for it.
func (p placed) undo() {
	if p.dir {
		os.RemoveAll(p.path)
	}
	if p.old == "" {
		if !p.dir {
			os.Remove(p.path)
		}
		removeMade(p.made)
		return
	}
	// A file's old copy replaces the new one in one rename.
	os.Rename(p.old, p.path)
}

// forget drops the replaced output once the commit succeeded.
func (p placed) forget() {
	if p.old != "" {
		os.RemoveAll(p.old)
	}
}

// Abort removes every staged output and ends the transaction. It is a
// no-op after a first Abort.
func (t *Txn) Abort() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.done = true
	removeAll(t.staged)
	t.staged = nil
	liveTxns.remove(t)
}

// Close ends a committed transaction (nothing staged is left to remove).
func (t *Txn) Close() { t.Abort() }

func remove(s staged) { removeAll([]staged{s}) }

// removeAll removes the outputs' temporary files and folders, then the
// parent folders they made, once all are gone (two outputs may share a
// folder one of them made).
func removeAll(list []staged) {
	for _, s := range list {
		if s.dir {
			os.RemoveAll(s.tmp)
		} else {
			os.Remove(s.tmp)
		}
	}
	for i := len(list) - 1; i >= 0; i-- {
		removeMade(list[i].made)
	}
}
