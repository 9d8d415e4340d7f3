package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/veil-data/veil/dataset"
)

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress reports how far a pass over an input has come: a bar on a
// terminal, a log line every logEvery otherwise. Tick is cheap enough to
// call once per record.
type progress struct {
	e     *env
	label string
	src   dataset.Progresser
	bar   *progressbar.ProgressBar
	rows  int64
	last  time.Time
	every time.Duration
	off   bool
}

const logEvery = 30 * time.Second

// newProgress starts reporting on a pass over r labelled label.
func (e *env) newProgress(label string, r dataset.Reader) *progress {
	p := &progress{e: e, label: label, last: time.Now(), every: logEvery}
	p.src, _ = r.(dataset.Progresser)
	bar := e.progress == "always" || (e.progress == "auto" && isTerminal(e.stderr))
	switch {
	case e.progress == "never":
		p.off = true
	case bar:
		total := int64(-1)
		if p.src != nil {
			if _, t, _ := p.src.Progress(); t > 0 {
				total = t
			}
		}
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription(label),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetPredictTime(true),
		)
	}
	return p
}

// Tick counts one record.
func (p *progress) Tick() {
	p.rows++
	if p.off || p.rows&4095 != 0 {
		return
	}
	if p.bar != nil {
		if p.src != nil {
			if d, _, _ := p.src.Progress(); d > 0 {
				p.bar.Set64(d)
				return
			}
		}
		p.bar.Set64(p.rows)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= p.every {
		p.last = now
		args := []any{"step", p.label, "rows", p.rows}
		if p.src != nil {
			if d, t, unit := p.src.Progress(); t > 0 {
				args = append(args, "percent", int(100*d/t), "unit", unit)
			}
		}
		p.e.log.Info("progress", args...)
	}
}

// Done ends the report.
func (p *progress) Done() {
	if p.bar != nil {
		p.bar.Finish()
		io.WriteString(p.e.stderr, "")
	}
	if !p.off {
		p.e.log.Debug("pass done", "step", p.label, "rows", p.rows)
	}
}
