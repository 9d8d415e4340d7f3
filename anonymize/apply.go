package anonymize

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// Options configure Apply. The zero value (or nil) reads keys from the
// process environment, uses the secure DP noise and the built-in privacy
// engine.
type Options struct {
	// LookupEnv reads the environment variables named by key_env; nil means
	// os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Noise adds differential-privacy noise; nil means SecureNoise. Tests
	// use a fake to check the rest of a noise column's handling.
	Noise NoiseSource
	// Privacy finds the generalization for policies with a privacy model;
	// nil means the built-in engine.
	Privacy PrivacyEngine
	// Rand is the seeded source handed to the privacy engine (math/rand/v2
	// PCG seeded from --seed); nil means a PCG seeded with 1. Column-local
	// actions use no randomness besides DP noise: they are keyed.
	Rand *rand.Rand
	// Tick, if set, is called once per record of the output pass.
	Tick func()
}

func (o *Options) orDefault() *Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.LookupEnv == nil {
		c.LookupEnv = os.LookupEnv
	}
	if c.Noise == nil {
		c.Noise = SecureNoise{}
	}
	if c.Privacy == nil {
		c.Privacy = defaultPrivacy
	}
	if c.Rand == nil {
		c.Rand = rand.New(rand.NewPCG(1, 2))
	}
	return &c
}

// Apply applies policy p to the table that open reads and writes the
// result to the writer create returns for the output schema; it closes
// that writer (which flushes it) but commits nothing: the caller owns the
// file. With a privacy model there are two passes: the engine reads the
// quasi-identifiers, then the output is streamed with its generalization,
// suppressed rows skipped. The first pass keeps the records when they fit
// in 64 MiB (dataset.Keep), and the engine's further scans and the second
// pass replay them; otherwise open is called again for each. The input is
// parsed on a goroutine of its own (dataset.Prefetch) when there is a
// second core.
//
// Rows keep their order. Memory does not grow with rows for column-local
// actions. Errors: a policies.ErrorList for a policy that does not fit the
// data, *KeyError for a missing key, *dataset.DataError naming file, row
// and column for a value a transform cannot handle.
func Apply(ctx context.Context, p *policies.Policy, open func() (dataset.Reader, error), create func(dataset.Schema) (dataset.Writer, error), opt *Options) (*Report, error) {
	opt = opt.orDefault()
	r, err := open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	pl, err := Compile(p, r.Schema(), opt)
	if err != nil {
		return nil, err
	}
	rep := newReport(p)
	if hasModel(p) {
		if opt.Privacy == nil {
			return nil, &ModelError{Err: ErrNoPrivacyEngine}
		}
		// Pass 1 reads r and keeps its records when they are small; the
		// engine's further scans and pass 2 then replay them instead of
		// reading the input again.
		keep := dataset.Keep(r, keepBudget)
		first := true
		again := func() (dataset.Reader, error) {
			if first {
				first = false
				return dataset.ReadAhead(keep), nil
			}
			if rr := keep.Replay(); rr != nil {
				return rr, nil
			}
			r, err := open()
			if err != nil {
				return nil, err
			}
			return dataset.ReadAhead(r), nil
		}
		job := &PrivacyJob{Policy: p, Privacy: p.Privacy, Schema: pl.in, QIs: pl.QIs(), Rand: opt.Rand, open: again, plan: pl}
		for _, name := range sensitiveColumns(p.Privacy) {
			job.Sensitive = append(job.Sensitive, pl.in.Index(name))
		}
		res, err := opt.Privacy.Fit(ctx, job)
		if err != nil {
			return nil, err
		}
		if err := pl.SetPrivacy(res); err != nil {
			return nil, err
		}
		rep.Privacy = res.Report
		if r, err = again(); err != nil {
			return nil, err
		}
		defer r.Close()
	} else {
		r = dataset.ReadAhead(r)
		defer r.Close()
	}
	w, err := create(pl.OutputSchema())
	if err != nil {
		return nil, err
	}
	out := &dataset.Record{Values: make([]dataset.Value, pl.out.Len())}
	var written int64
	read, err := dataset.Each(ctx, r, opt.Tick, func(rec *dataset.Record) error {
		keep, err := pl.Transform(rec, out)
		if err != nil || !keep {
			return err
		}
		if err := w.Write(out); err != nil {
			// The writer names the output column; the error names the input's.
			var ce *dataset.ColumnError
			if errors.As(err, &ce) && ce.Col < len(pl.cols) {
				err = &dataset.ColumnError{Col: pl.cols[ce.Col].in, Err: ce.Err}
			}
			return err
		}
		written++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	rep.finish(pl, read, written)
	return rep, nil
}

// keepBudget is the memory, in bytes, that the input's records may take
// between the passes of a policy with a privacy model (about the CSV
// file's size plus 4 bytes per value): smaller inputs are read once. A
// variable so that tests can send small inputs down the path of large ones.
var keepBudget int64 = 64 << 20

// sensitiveColumns returns the columns the privacy model names, each once.
func sensitiveColumns(pr *policies.Privacy) []string {
	var out []string
	if pr.LDiversity != nil && pr.LDiversity.Column != "" {
		out = append(out, pr.LDiversity.Column)
	}
	if pr.TCloseness != nil && pr.TCloseness.Column != "" && (len(out) == 0 || out[0] != pr.TCloseness.Column) {
		out = append(out, pr.TCloseness.Column)
	}
	return out
}

// ModelError reports a privacy model that cannot be applied.
type ModelError struct{ Err error }

func (e *ModelError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *ModelError) Unwrap() error { return e.Err }

// ExitClass makes an unavailable privacy model a policy error.
func (e *ModelError) ExitClass() string { return "policy" }
