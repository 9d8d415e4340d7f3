package dataset

import (
	"errors"
	"runtime"
	"sync"
)

// Prefetch returns a Reader that reads r ahead on its own goroutine, in
// batches of records, so that parsing the input overlaps with the work
// done on each record (on a machine with more than one core). Records,
// row numbers, positions and errors come out as r gives them; Progress
// reports r's progress at the last batch handed over. The returned
// reader's Close stops the goroutine, waiting for a read in progress, and
// closes r: for readers that may block (streams), see ReadAhead.
//
// Values must not share memory that r reuses (the readers of this package
// return strings of their own), since records are held until the batch is
// consumed.
func Prefetch(r Reader) Reader {
	ncols := r.Schema().Len()
	p := &prefetch{
		r:     r,
		ncols: ncols,
		rows:  min(max(prefetchValues/max(ncols, 1), 16), 256),
		ready: make(chan *batch, prefetchBatches),
		free:  make(chan *batch, prefetchBatches+1),
		stop:  make(chan struct{}),
	}
	for range prefetchBatches + 1 {
		p.free <- p.newBatch()
	}
	p.wg.Add(1)
	go p.fill()
	return p
}

// ReadAhead returns Prefetch(r) when the process may run on more than one
// core and r reads a file (its Progress knows a total), and r itself
// otherwise: on one core reading ahead would only add copies, and a
// stream (standard input, a pipe) could leave the goroutine blocked in a
// read that Close would have to wait for.
func ReadAhead(r Reader) Reader {
	if runtime.GOMAXPROCS(0) < 2 {
		return r
	}
	if p, ok := r.(Progresser); !ok {
		return r
	} else if _, total, _ := p.Progress(); total <= 0 {
		return r
	}
	return Prefetch(r)
}

const (
	prefetchValues  = 4096 // values a batch, 16 to 256 records
	prefetchBatches = 4    // batches read ahead
)

var errReadAfterClose = errors.New("dataset: Read after Close")

type prefetch struct {
	r     Reader
	ncols int
	rows  int // records a batch
	ready chan *batch
	free  chan *batch
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once

	cur  *batch
	i    int // next record of cur
	rec  Record
	last int // record of cur last returned, -1 none
	err  error
}

// batch holds records read ahead: their values, rows and positions, and
// the error that ended the reading after them (io.EOF at the end).
type batch struct {
	n     int
	rows  []int64
	vals  []Value  // n × ncols
	lines []int32  // the line of each value
	files []string // per record
	done  int64    // r's progress after the batch
	total int64
	unit  string
	err   error
}

func (p *prefetch) newBatch() *batch {
	return &batch{
		rows:  make([]int64, p.rows),
		vals:  make([]Value, p.rows*p.ncols),
		lines: make([]int32, p.rows*p.ncols),
		files: make([]string, p.rows),
	}
}

// fill reads r into free batches until an error (io.EOF included) or
// stop.
func (p *prefetch) fill() {
	defer p.wg.Done()
	prog, _ := p.r.(Progresser)
	for {
		var b *batch
		select {
		case b = <-p.free:
		case <-p.stop:
			return
		}
		b.n, b.err = 0, nil
		for b.n < p.rows {
			rec, err := p.r.Read()
			if err != nil {
				b.err = err
				break
			}
			i := b.n
			b.rows[i] = rec.Row
			copy(b.vals[i*p.ncols:(i+1)*p.ncols], rec.Values)
			pos, lines := recordPos(p.r, p.ncols)
			b.files[i] = pos.File
			for c := range b.lines[i*p.ncols : (i+1)*p.ncols] {
				line := pos.Line
				if lines != nil {
					line = lines[c]
				}
				b.lines[i*p.ncols+c] = int32(line)
			}
			b.n++
		}
		if prog != nil {
			b.done, b.total, b.unit = prog.Progress()
		}
		select {
		case p.ready <- b:
		case <-p.stop:
			return
		}
		if b.err != nil {
			return
		}
	}
}

func (p *prefetch) Schema() Schema { return p.r.Schema() }

func (p *prefetch) Read() (*Record, error) {
	for {
		if p.err != nil {
			return nil, p.err
		}
		if p.cur != nil && p.i < p.cur.n {
			b := p.cur
			p.rec.Row = b.rows[p.i]
			p.rec.Values = b.vals[p.i*p.ncols : (p.i+1)*p.ncols : (p.i+1)*p.ncols]
			p.last = p.i
			p.i++
			return &p.rec, nil
		}
		if p.cur != nil {
			if p.cur.err != nil {
				p.err = p.cur.err
				continue
			}
			p.free <- p.cur
		}
		p.cur, p.i, p.last = <-p.ready, 0, -1
	}
}

func (p *prefetch) Pos(col int) Position {
	if p.cur == nil || p.last < 0 {
		return Position{}
	}
	pos := Position{File: p.cur.files[p.last]}
	if col >= 0 && col < p.ncols {
		pos.Line = int(p.cur.lines[p.last*p.ncols+col])
	}
	return pos
}

func (p *prefetch) Progress() (done, total int64, unit string) {
	if p.cur == nil {
		return 0, 0, "bytes"
	}
	return p.cur.done, p.cur.total, p.cur.unit
}

// Close stops the reading ahead and closes r.
func (p *prefetch) Close() error {
	p.once.Do(func() {
		close(p.stop)
		p.wg.Wait()
		p.err = errReadAfterClose
	})
	return p.r.Close()
}
