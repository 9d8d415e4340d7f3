package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// reopen undoes Shutdown for the next tests of this process.
func reopen() {
	gate.Lock()
	gate.closed = false
	gate.Unlock()
}

// TestShutdownStopsNewOutputs: after a signal the CLI removes the outputs
// while a run that did not stop in time may still be writing. A part the
// run starts after the removal must neither bring back the folder being
// built (Create makes missing parent folders) nor leave a temporary file:
// Create and CreateDir fail from Shutdown on, and only WriteFinal (the
// summary file) still writes.
func TestShutdownStopsNewOutputs(t *testing.T) {
	t.Cleanup(reopen)
	dir := t.TempDir()
	d, err := CreateDir(filepath.Join(dir, "parts"))
	if err != nil {
		t.Fatal(err)
	}
	writePart := func(i int) error {
		f, err := Create(d.TempPath(fmt.Sprintf("part-%05d.csv", i)))
		if err != nil {
			return err
		}
		f.Write([]byte("a\n1\n"))
		f.Commit()
		return nil
	}
	for i := range 3 {
		if err := writePart(i); err != nil {
			t.Fatal(err)
		}
	}
	Shutdown()
	if err := writePart(3); !errors.Is(err, ErrShutdown) {
		t.Errorf("Create of a part after Shutdown: %v, want ErrShutdown", err)
	}
	if _, err := CreateDir(filepath.Join(dir, "other")); !errors.Is(err, ErrShutdown) {
		t.Errorf("CreateDir after Shutdown: %v, want ErrShutdown", err)
	}
	if names := names(t, dir); len(names) != 0 {
		t.Errorf("left %v behind", names)
	}
	sum := filepath.Join(dir, "summary.json")
	if _, err := WriteFinal(sum, []byte("{}\n")); err != nil {
		t.Fatalf("WriteFinal after Shutdown: %v", err)
	}
	AbortAll() // a later abort does not take the summary back
	if got, _ := os.ReadFile(sum); string(got) != "{}\n" {
		t.Errorf("summary file = %q", got)
	}
}

// TestShutdownWhileWriting: Shutdown on one goroutine while another writes
// parts as fast as it can (the run that did not stop): once the writer has
// run into the refusal, nothing is left.
func TestShutdownWhileWriting(t *testing.T) {
	t.Cleanup(reopen)
	dir := t.TempDir()
	d, err := CreateDir(filepath.Join(dir, "parts"))
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			if i == 10 {
				close(started)
			}
			f, err := Create(d.TempPath(fmt.Sprintf("part-%05d.csv", i)))
			if err != nil {
				done <- err
				return
			}
			f.Write([]byte("a\n1\n"))
			f.Commit()
		}
	}()
	<-started
	Shutdown()
	if err := <-done; !errors.Is(err, ErrShutdown) {
		t.Errorf("the writer stopped on %v, want ErrShutdown", err)
	}
	if names := names(t, dir); len(names) != 0 {
		t.Errorf("left %v behind", names)
	}
}

// TestAbortDuringWrite: Abort from another goroutine (a signal) while a
// Write is under way must not crash the writer (a send on the closed
// checksum channel) nor leave the temporary file; Writes after it fail.
func TestAbortDuringWrite(t *testing.T) {
	dir := t.TempDir()
	chunk := bytes.Repeat([]byte("x"), 3*hashChunk+17)
	for range 50 {
		f, err := Create(filepath.Join(dir, "out.csv"))
		if err != nil {
			t.Fatal(err)
		}
		wrote := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			for i := 0; ; i++ {
				if _, err := f.Write(chunk); err != nil {
					done <- err
					return
				}
				if i == 2 {
					close(wrote)
				}
			}
		}()
		<-wrote
		f.Abort()
		if err := <-done; err == nil {
			t.Fatal("Write after Abort succeeded")
		}
		if names := names(t, dir); len(names) != 0 {
			t.Fatalf("left %v behind", names)
		}
	}
}
