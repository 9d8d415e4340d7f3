// Command veil turns sensitive tabular exports into data that is safe to
// train on: it profiles tables, applies anonymisation policies, synthesises
// data and reports on utility and privacy risk. See README.md.
package main

import (
	"context"
	"flag"
	"os"
	"runtime/pprof"
)

func main() {
	// The differential-privacy library logs through glog, which would write
	// log files into the temp dir; keep its output on stderr.
	flag.Set("logtostderr", "true")

	ctx, sig := notifySignals(context.Background())
	stop := startProfile(os.Getenv("VEIL_CPUPROFILE"))
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, sig)
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile to path (for benchmarking: set
// VEIL_CPUPROFILE); the returned func stops it.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil || pprof.StartCPUProfile(f) != nil {
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
