// Command anonbase is the benchmark baseline of `veil anonymize` with
// bench/policies/columns.yaml: a hand-written encoding/csv loop doing the
// same work (see internal/anonbase), with the same buffer sizes veil uses.
// The key comes from VEIL_HASH_KEY like veil's.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/veil-data/veil/internal/anonbase"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: anonbase IN OUT")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "anonbase:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
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
	bw := bufio.NewWriterSize(g, 256<<10)
	if err := anonbase.Run(bufio.NewReaderSize(f, 64<<10), bw, []byte(os.Getenv("VEIL_HASH_KEY"))); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return g.Sync()
}
