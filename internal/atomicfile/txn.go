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
// The renames of Commit are not one atomic step: should one fail (a
// disk error), the outputs renamed before it stay and the rest are
// removed; Commit says which failed.
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
// its inputs before its steps read them). On an error it returns the
// paths not put in place (removed).
func (t *Txn) Commit() (unplaced []string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return nil, errTxnDone
	}
	list := t.staged
	t.staged = nil
	for i, s := range list {
		var err error
		if s.dir {
			err = replaceDir(s.path, s.tmp)
		} else if err = os.Rename(s.tmp, s.path); err != nil {
			err = fmt.Errorf("output %s: %w", s.path, err)
		} else {
			err = syncPath(filepath.Dir(s.path))
		}
		if err != nil {
			rest := list[i+1:]
			if !s.dir {
				rest = list[i:]
			}
			removeAll(rest)
			for _, r := range list[i:] {
				unplaced = append(unplaced, r.path)
			}
			return unplaced, err
		}
	}
	return nil, nil
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
