// Command veil turns sensitive tabular exports into data that is safe to
// train on: it profiles tables, applies anonymisation policies, synthesises
// data and reports on utility and privacy risk. See README.md.
package main

import (
	"context"
	"flag"
	"os"
)

func main() {
	// The differential-privacy library logs through glog, which would write
	// log files into the temp dir; keep its output on stderr.
	flag.Set("logtostderr", "true")

	ctx, sig := notifySignals(context.Background())
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, sig)
	os.Exit(code)
}
