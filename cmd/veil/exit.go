package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/veil-data/veil/dataset"
)

// Exit codes. This file is the only place that maps errors to them; README
// and every command's help (exitStatusHelp) list the same table.
const (
	exitOK          = 0
	exitInternal    = 1
	exitUsage       = 2
	exitData        = 3
	exitPrivacyGate = 4
	exitUtilityGate = 5
	exitTempFail    = 75
	exitSkipped     = 99
	exitSIGINT      = 130
	exitSIGTERM     = 143
)

const exitStatusHelp = `EXIT STATUS:
   0    ok
   1    internal error
   2    usage error or invalid policy (file:line:column named)
   3    input data error (file, row, line and column named)
   4    privacy gate failed or privacy target not reachable
   5    utility gate failed
   75   temporary failure (disk full, busy, input or policy changed during the run): retry later
   99   nothing to do: a matching manifest exists (--skip-if-done)
   130  interrupted (SIGINT); 143 terminated (SIGTERM)
   The last line on stdout is a JSON summary (schema veil.summary/v1).`

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// inputError is a failure to open or read an input file: the user's data,
// not veil, is at fault.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

// skipError ends a run that has nothing to do.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

// gateError reports failed gates after their report was written.
type gateError struct {
	privacy bool // a privacy gate failed (else a utility gate)
	msg     string
}

func (e *gateError) Error() string { return e.msg }

// exitCode maps err to the process exit code and the summary status.
func exitCode(err error, skipCode int) (code int, status string) {
	if err == nil {
		return exitOK, "ok"
	}
	var (
		ue *usageError
		ie *inputError
		de *dataset.DataError
		se *skipError
		ge *gateError
		ce coder
		dm *demoError
	)
	switch {
	case errors.As(err, &dm):
		_, status := exitCode(dm.cause, skipCode)
		return dm.code, status
	case errors.As(err, &se):
		return skipCode, "skipped"
	case errors.As(err, &ge):
		if ge.privacy {
			return exitPrivacyGate, "gate_failed"
		}
		return exitUtilityGate, "gate_failed"
	case errors.As(err, &ce):
		c := ce.ExitClass()
		switch c {
		case "usage", "policy":
			return exitUsage, "error"
		case "data":
			return exitData, "error"
		case "privacy":
			return exitPrivacyGate, "gate_failed"
		case "utility":
			return exitUtilityGate, "gate_failed"
		}
		return exitInternal, "error"
	case errors.As(err, &ue):
		return exitUsage, "error"
	case errors.As(err, &de), errors.As(err, &ie):
		return exitData, "error"
	case isTempFail(err):
		return exitTempFail, "error"
	case errors.Is(err, context.Canceled):
		return exitSIGINT, "error"
	case isOutputPathError(err):
		// A path veil cannot write, whichever step found it: the user
		// must name another (outputError says so where it can).
		return exitUsage, "error"
	}
	return exitInternal, "error"
}

// coder is implemented by errors of veil's packages that belong to one
// class of failure: "usage", "policy", "data", "privacy" or "utility". The
// packages name the class; only this file turns it into a number.
type coder interface {
	error
	ExitClass() string
}

// isTempFail reports a failure that a retry later may get past: a full
// disk or quota, a busy resource, a timeout.
func isTempFail(err error) bool {
	if isRenameBusy(err) {
		return false
	}
	for _, e := range []error{syscall.ENOSPC, syscall.EAGAIN, syscall.EBUSY, syscall.ETIMEDOUT, syscall.EDQUOT, syscall.EINTR} {
		if errors.Is(err, e) {
			return true
		}
	}
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, errInputChanged)
}

// isRenameBusy reports EBUSY from a rename: the target is a mount point,
// the working folder, "." or "..". That never goes away by itself.
func isRenameBusy(err error) bool {
	var le *os.LinkError
	return errors.Is(err, syscall.EBUSY) && errors.As(err, &le)
}

// isOutputPathError reports a failure that only another path mends: a
// read-only file system, a permission denied, a file larger than the file
// system or the process's file size limit allows (EFBIG: FAT's 4 GB, ulimit
// -f), a rename that can never succeed (isRenameBusy).
func isOutputPathError(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EFBIG) ||
		isRenameBusy(err)
}
