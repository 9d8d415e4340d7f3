package synth_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/synth"
)

// ExampleFit fits a model of a small table and samples rows from it.
func ExampleFit() {
	var b strings.Builder
	b.WriteString("plan,region,seats\n")
	for i := range 200 {
		// Pro accounts have more seats.
		plan, region, seats := "basic", "north", 1+i%3
		if i%3 == 0 {
			plan, seats = "pro", 3+i%5
		}
		if i%4 == 0 {
			region = "south"
		}
		fmt.Fprintf(&b, "%s,%s,%d\n", plan, region, seats)
	}
	text := b.String()
	open := func() (dataset.Reader, error) {
		return dataset.NewCSVReader(strings.NewReader(text), "accounts.csv", nil)
	}
	m, err := synth.Fit(context.Background(), open, &synth.Options{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Describe())
	w := dataset.NewCSVWriter(os.Stdout, m.OutputSchema(), nil)
	m.Sample(context.Background(), w, synth.SampleOptions{Rows: 6, Seed: 7, Where: []synth.Condition{{Column: "plan", Value: "pro"}}})
	w.Close()
	// Output:
	// graph model of 3 columns, 2 cliques
	// plan,region,seats
	// pro,north,6
	// pro,north,7
	// pro,north,7
	// pro,north,7
	// pro,north,4
	// pro,north,7
}
