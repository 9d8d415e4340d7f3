package main

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/veil-data/veil/internal/atomicfile"
)

// signalState remembers the first SIGINT or SIGTERM received, and what to
// print when veil must exit without the run's own summary.
type signalState struct {
	sig   atomic.Int32
	force atomic.Pointer[func(sig int)]
	// notice logs the first signal, once the run's logger is set up.
	notice atomic.Pointer[func(sig int)]
}

func (s *signalState) received() int { return int(s.sig.Load()) }

// gracePeriod is how long a run may take to unwind after a signal before
// veil removes its temporary files and exits on its own.
const gracePeriod = 5 * time.Second

// notifySignals returns a context cancelled by SIGINT or SIGTERM. The run
// then stops at its next check, removes its temporary files and exits with
// 130 or 143; if it has not returned after gracePeriod, veil removes them
// and exits itself.
func notifySignals(parent context.Context) (context.Context, *signalState) {
	ctx, cancel := context.WithCancel(parent)
	st := &signalState{}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-ch
		n := int32(syscall.SIGINT)
		if s == syscall.SIGTERM {
			n = int32(syscall.SIGTERM)
		}
		st.sig.Store(n)
		// Logged before the run can see the cancellation, so before its
		// summary line.
		if f := st.notice.Load(); f != nil {
			(*f)(int(n))
		}
		cancel()
		select {
		case <-ch:
		case <-time.After(gracePeriod):
		}
		// The run has not stopped: it may still be starting outputs, which
		// Shutdown refuses from now on while it removes the others.
		atomicfile.Shutdown()
		if f := st.force.Load(); f != nil {
			(*f)(int(n)) // the summary line the run had no time to print
		}
		os.Exit(128 + int(n))
	}()
	return ctx, st
}

func signalName(n int) string {
	switch n {
	case int(syscall.SIGINT):
		return "SIGINT"
	case int(syscall.SIGTERM):
		return "SIGTERM"
	}
	return "signal"
}
