// Package atomicfile writes files so that they appear whole or not at all.
//
// Create opens a temporary file in the target's directory; Commit syncs it,
// renames it into place and returns its SHA-256; Abort removes it. Deferring
// Abort right after Create makes every failed or interrupted run leave
// nothing behind:
//
//	f, err := atomicfile.Create(path)
//	if err != nil { return err }
//	defer f.Abort()
//	... write to f ...
//	out, err := f.Commit()
package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"sync"

	"github.com/google/renameio/v2"
)

// File is a pending output file. It is not safe for concurrent use, except
// that Abort may be called from another goroutine (a signal handler).
type File struct {
	path    string
	pending *renameio.PendingFile
	h       hash.Hash
	n       int64
	mu      sync.Mutex
	done    bool
}

// Result describes a committed file.
type Result struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

var (
	liveMu sync.Mutex
	live   = map[*File]bool{}
)

// Create starts writing path. The data goes to a hidden temporary file in
// the same directory until Commit.
func Create(path string) (*File, error) {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("output %s: %s is not a directory", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("output %s: is a directory", path)
	}
	p, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithPermissions(0o644))
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	f := &File{path: path, pending: p, h: sha256.New()}
	liveMu.Lock()
	live[f] = true
	liveMu.Unlock()
	return f, nil
}

// Path returns the final path of the file.
func (f *File) Path() string { return f.path }

// Write writes p to the temporary file and to the running checksum.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.pending.Write(p)
	f.h.Write(p[:n])
	f.n += int64(n)
	return n, err
}

// Commit flushes the file to disk and renames it into place.
func (f *File) Commit() (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return Result{}, fmt.Errorf("output %s: already committed or aborted", f.path)
	}
	f.done = true
	forget(f)
	if err := f.pending.CloseAtomicallyReplace(); err != nil {
		f.pending.Cleanup()
		return Result{}, fmt.Errorf("output %s: %w", f.path, err)
	}
	return Result{Path: f.path, SHA256: hex.EncodeToString(f.h.Sum(nil)), Bytes: f.n}, nil
}

// Abort removes the temporary file. It is a no-op after Commit or a first
// Abort.
func (f *File) Abort() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return
	}
	f.done = true
	forget(f)
	f.pending.Cleanup()
}

func forget(f *File) {
	liveMu.Lock()
	delete(live, f)
	liveMu.Unlock()
}

// AbortAll removes every temporary file not yet committed or aborted. The
// CLI calls it when a signal arrives, before exiting.
func AbortAll() {
	liveMu.Lock()
	files := make([]*File, 0, len(live))
	for f := range live {
		files = append(files, f)
	}
	liveMu.Unlock()
	for _, f := range files {
		f.Abort()
	}
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) (Result, error) {
	f, err := Create(path)
	if err != nil {
		return Result{}, err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return Result{}, fmt.Errorf("output %s: %w", path, err)
	}
	return f.Commit()
}
