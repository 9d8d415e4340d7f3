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
//
// A Txn groups the outputs of one run: their Commit only closes them, and
// the Txn's Commit renames them all into place (its Abort removes them
// all), so that a run's outputs appear together or not at all.
package atomicfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/google/renameio/v2"
)

// File is a pending output file. It is not safe for concurrent use, except
// that Abort may be called from another goroutine (a signal handler).
type File struct {
	path    string
	pending *renameio.PendingFile
	n       int64
	mu      sync.Mutex
	done    bool
	made    []string // parent folders Create made, removed again on Abort
	txn     *Txn     // holds the rename back until the Txn commits
	shown   string   // the path Results name, when not path (a file inside a staged folder)

	// The checksum is computed on another goroutine, off the write path.
	chunks chan []byte
	sum    chan []byte
}

// hashChunk is the size of the buffers handed to the hashing goroutine.
const hashChunk = 256 << 10

var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, hashChunk); return &b }}

func hashLoop(chunks <-chan []byte, sum chan<- []byte) {
	h := sha256.New()
	for c := range chunks {
		h.Write(c)
		c = c[:0]
		chunkPool.Put(&c)
	}
	sum <- h.Sum(nil)
}

// Result describes a committed file.
type Result struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// liveSet is a set of outputs not yet committed or aborted, for AbortAll:
// files, folders and transactions each have one.
type liveSet[T comparable] struct {
	mu sync.Mutex
	m  map[T]bool
}

func (l *liveSet[T]) add(x T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[T]bool{}
	}
	l.m[x] = true
}

func (l *liveSet[T]) remove(x T) {
	l.mu.Lock()
	delete(l.m, x)
	l.mu.Unlock()
}

// list returns the members, so that they can be aborted without the
// lock (an Abort removes its own member).
func (l *liveSet[T]) list() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]T, 0, len(l.m))
	for x := range l.m {
		out = append(out, x)
	}
	return out
}

var (
	liveFiles liveSet[*File]
	liveDirs  liveSet[*Dir]
	liveTxns  liveSet[*Txn]
)

// gate orders the creation of outputs with Shutdown: Create and CreateDir
// hold it for reading until their output is registered, Shutdown closes it.
var gate struct {
	sync.RWMutex
	closed bool
}

// ErrShutdown is the error of Create and CreateDir after Shutdown.
var ErrShutdown = errors.New("veil is exiting (signal): no new output is started")

// errAborted is the error of a Write after Abort.
var errAborted = errors.New("output aborted")

// Create starts writing path. The data goes to a hidden temporary file in
// the same directory until Commit. Missing parent folders are created (a
// pipeline writes into a folder per run date), and stay if the run fails:
// empty folders, never a partial file. After Shutdown it fails with
// ErrShutdown.
func Create(path string) (*File, error) {
	gate.RLock()
	defer gate.RUnlock()
	if gate.closed {
		return nil, fmt.Errorf("output %s: %w", path, ErrShutdown)
	}
	f, err := create(path)
	if err == nil {
		liveFiles.add(f)
	}
	return f, err
}

// create is Create without the gate and without registering the file for
// AbortAll.
func create(path string) (*File, error) {
	dir := filepath.Dir(path)
	st, made, err := makeParent(path, dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("output %s: %s: %w", path, dir, syscall.ENOTDIR)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("output %s: %w", path, syscall.EISDIR)
	}
	p, err := renameio.NewPendingFile(path, renameio.WithTempDir(dir), renameio.WithPermissions(0o644))
	if err != nil {
		removeMade(made)
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	f := &File{path: path, pending: p, made: made, chunks: make(chan []byte, 8), sum: make(chan []byte, 1)}
	go hashLoop(f.chunks, f.sum)
	return f, nil
}

// Path returns the final path of the file.
func (f *File) Path() string { return f.path }

// Write writes p to the temporary file and to the running checksum. After
// Abort (from another goroutine: a signal) it fails.
func (f *File) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return 0, fmt.Errorf("output %s: %w", f.path, errAborted)
	}
	n, err := f.pending.Write(p)
	for rest := p[:n]; len(rest) > 0; {
		k := min(len(rest), hashChunk)
		bp := chunkPool.Get().(*[]byte)
		f.chunks <- append((*bp)[:0], rest[:k]...)
		rest = rest[k:]
	}
	f.n += int64(n)
	return n, err
}

// checksum stops the hashing goroutine and returns the hex SHA-256.
func (f *File) checksum() string {
	close(f.chunks)
	return hex.EncodeToString(<-f.sum)
}

// Commit flushes the file to disk and renames it into place; a file of a
// Txn is flushed and closed, and renamed by the Txn's Commit.
func (f *File) Commit() (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return Result{}, fmt.Errorf("output %s: already committed or aborted", f.path)
	}
	f.done = true
	// Live until staged or renamed: AbortAll (a signal) then waits on f.mu
	// for the commit to end instead of leaving its temporary file.
	defer liveFiles.remove(f)
	sum := f.checksum()
	res := Result{Path: f.path, SHA256: sum, Bytes: f.n}
	if f.shown != "" {
		res.Path = f.shown
	}
	if f.txn != nil {
		// Synced before the rename, as CloseAtomicallyReplace does: a
		// renamed file is never empty after a crash.
		err := f.pending.Sync()
		if cerr := f.pending.File.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.pending.Name())
			removeMade(f.made)
			return Result{}, fmt.Errorf("output %s: %w", f.path, err)
		}
		f.txn.stage(staged{path: f.path, tmp: f.pending.Name(), made: f.made})
		return res, nil
	}
	if err := f.pending.CloseAtomicallyReplace(); err != nil {
		f.pending.Cleanup()
		return Result{}, fmt.Errorf("output %s: %w", f.path, err)
	}
	return res, nil
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
	f.checksum()
	f.pending.Cleanup()
	removeMade(f.made)
	liveFiles.remove(f) // after the removal: AbortAll waits on f.mu for it
}

// AbortAll removes every temporary file and folder not yet committed or
// aborted, and everything the open Txns hold back. The CLI calls it when a
// signal arrives, before exiting.
//
// A run still going may start new outputs after it (or bring back the
// temporary folder of a folder output with its next part): when the run
// has not stopped, use Shutdown.
func AbortAll() {
	for _, t := range liveTxns.list() {
		t.Abort()
	}
	for _, f := range liveFiles.list() {
		f.Abort()
	}
	for _, d := range liveDirs.list() {
		d.Abort()
	}
}

// Shutdown is AbortAll for a process about to exit while its run may
// still be writing on other goroutines (it did not stop in time after a
// signal): from its start, Create and CreateDir fail with ErrShutdown, so
// that nothing the run starts afterwards escapes the removal; it waits for
// the outputs being created to be registered, then removes them all.
// Only WriteFinal writes after it.
func Shutdown() {
	gate.Lock()
	gate.closed = true
	gate.Unlock()
	AbortAll()
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) (Result, error) {
	f, err := Create(path)
	if err != nil {
		return Result{}, err
	}
	return writeAll(f, path, data)
}

// WriteFinal is WriteFile for what a process writes on its way out (its
// summary, its termination message): it also writes after Shutdown, and
// AbortAll does not remove it.
func WriteFinal(path string, data []byte) (Result, error) {
	f, err := create(path)
	if err != nil {
		return Result{}, err
	}
	return writeAll(f, path, data)
}

func writeAll(f *File, path string, data []byte) (Result, error) {
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return Result{}, fmt.Errorf("output %s: %w", path, err)
	}
	return f.Commit()
}

// Dir is a pending output folder: files are written into a hidden temporary
// folder beside the target, which Commit renames into place. An existing
// folder of the same name is replaced as a whole, so CreateDir and Commit
// refuse to replace one that ReplaceCheck refuses, or that holds the
// working folder (".", "..").
type Dir struct {
	path string
	tmp  string
	made []string // parent folders CreateDir made, removed again on Abort
	txn  *Txn     // holds the rename back until the Txn commits
	mu   sync.Mutex
	done bool
}

// ReplaceCheck, when set, is asked whether the existing folder path may be
// replaced by a Dir, whose Commit deletes it with all it holds: CreateDir
// asks before the work and Commit again just before the replacement (files
// may have appeared in between). A non-nil error refuses, and CreateDir
// or Commit return it unchanged. When nil, any folder is replaced.
var ReplaceCheck func(path string) error

// ErrNotReplaceable is wrapped by the error of CreateDir and Commit for a
// folder that can never be replaced: the working folder or one holding it.
var ErrNotReplaceable = errors.New("holds the working folder: it cannot be replaced; name a folder outside it")

// checkReplace returns why the existing folder path may not be replaced,
// or nil.
func checkReplace(path string) error {
	if abs, err := filepath.Abs(path); err == nil {
		if wd, err := os.Getwd(); err == nil {
			if wd == abs || strings.HasPrefix(wd, strings.TrimSuffix(abs, string(filepath.Separator))+string(filepath.Separator)) {
				return fmt.Errorf("output %s: %w", path, ErrNotReplaceable)
			}
		}
	}
	if ReplaceCheck != nil {
		return ReplaceCheck(path)
	}
	return nil
}

// makeParent creates the folder dir of the output path when it is missing
// and returns what it is, with the folders it created, deepest first.
func makeParent(path, dir string) (os.FileInfo, []string, error) {
	var made []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) || d == filepath.Dir(d) {
			break
		}
		made = append(made, d)
	}
	if len(made) > 0 {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			removeMade(made)
			return nil, nil, fmt.Errorf("output %s: %w", path, err)
		}
	}
	st, err := os.Stat(dir)
	if err != nil {
		removeMade(made)
		return nil, nil, fmt.Errorf("output %s: %w", path, err)
	}
	return st, made, nil
}

// removeMade removes the folders makeParent created for an output that
// was not committed, as long as they are empty (another output of the run
// may have been committed into them).
func removeMade(made []string) {
	for _, d := range made {
		if os.Remove(d) != nil {
			return
		}
	}
}

// CreateDir starts writing the folder path, creating its missing parent
// folders. After Shutdown it fails with ErrShutdown.
func CreateDir(path string) (*Dir, error) {
	gate.RLock()
	defer gate.RUnlock()
	if gate.closed {
		return nil, fmt.Errorf("output %s: %w", path, ErrShutdown)
	}
	path = filepath.Clean(path)
	parent := filepath.Dir(path)
	st, made, err := makeParent(path, parent)
	if err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("output %s: %s: %w", path, parent, syscall.ENOTDIR)
	}
	if st, err := os.Stat(path); err == nil {
		if !st.IsDir() {
			return nil, fmt.Errorf("output %s: exists and is not a folder: %w", path, syscall.ENOTDIR)
		}
		if err := checkReplace(path); err != nil {
			removeMade(made)
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		removeMade(made)
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		removeMade(made)
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	d := &Dir{path: path, tmp: tmp, made: made}
	liveDirs.add(d)
	return d, nil
}

// Path returns the final path of the folder.
func (d *Dir) Path() string { return d.path }

// TempPath returns the path of name inside the folder being built.
func (d *Dir) TempPath(name string) string { return filepath.Join(d.tmp, name) }

// Commit syncs the folder's files and renames the folder into place,
// replacing an earlier one of the same name when checkReplace allows it
// (else the new folder is removed and the old one left as it is).
func (d *Dir) Commit() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return fmt.Errorf("output %s: already committed or aborted", d.path)
	}
	d.done = true
	defer liveDirs.remove(d) // live until staged or renamed, as File.Commit
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		os.RemoveAll(d.tmp)
		return err
	}
	for _, e := range entries {
		if err := syncPath(filepath.Join(d.tmp, e.Name())); err != nil {
			os.RemoveAll(d.tmp)
			removeMade(d.made)
			return fmt.Errorf("output %s: %w", d.path, err)
		}
	}
	if d.txn != nil {
		d.txn.stage(staged{path: d.path, tmp: d.tmp, made: d.made, dir: true})
		return nil
	}
	return replaceDir(d.path, d.tmp)
}

// replaceDir renames the finished folder tmp to path, replacing an earlier
// one of the same name when checkReplace allows it (else tmp is removed
// and the old folder left as it is): a transaction's commit of one folder.
func replaceDir(path, tmp string) error {
	p, err := place(staged{path: path, tmp: tmp, dir: true})
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	p.forget()
	return syncPath(filepath.Dir(path))
}

func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Abort removes the temporary folder; a no-op after Commit.
func (d *Dir) Abort() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		return
	}
	d.done = true
	os.RemoveAll(d.tmp)
	removeMade(d.made)
	liveDirs.remove(d) // after the removal: AbortAll waits on d.mu for it
}
