// Command csvcopy is the benchmark baseline: the minimal encoding/csv copy
// loop that `veil convert in.csv out.csv` is compared with. It reads IN and
// writes OUT record by record, with the same buffer sizes veil uses.
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: csvcopy IN OUT")
		os.Exit(2)
	}
	if err := copyCSV(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "csvcopy:", err)
		os.Exit(1)
	}
}

func copyCSV(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	g, err := os.Create(out)
	if err != nil {
		return err
	}
	defer g.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	r.ReuseRecord = true
	bw := bufio.NewWriterSize(g, 256<<10)
	w := csv.NewWriter(bw)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return g.Sync()
}
