package kanon_test

import (
	"context"
	"fmt"

	"github.com/veil-data/veil/anonymize/kanon"
	"github.com/veil-data/veil/dataset"
)

// The hierarchies of a small example: ages in decades then *, ZIP codes by
// prefix then *.
func exampleHierarchies() (*kanon.Hierarchy, *kanon.Hierarchy) {
	age, err := kanon.NewHierarchy("age", [][]string{
		{"31", "30-39", "*"}, {"34", "30-39", "*"}, {"38", "30-39", "*"},
		{"42", "40-49", "*"}, {"45", "40-49", "*"}, {"47", "40-49", "*"},
	})
	if err != nil {
		panic(err)
	}
	zip, err := kanon.NewHierarchy("zip", [][]string{
		{"13053", "1305*", "*"}, {"13068", "1306*", "*"}, {"13067", "1306*", "*"},
	})
	if err != nil {
		panic(err)
	}
	return age, zip
}

var exampleRows = [][2]string{
	{"31", "13053"}, {"34", "13053"}, {"38", "13068"}, {"34", "13068"},
	{"42", "13053"}, {"45", "13053"}, {"47", "13067"}, {"42", "13067"},
}

// ExampleOptimal makes a small table 2-anonymous with the least
// information loss and releases its rows.
func ExampleOptimal() {
	age, zip := exampleHierarchies()
	enc, err := kanon.NewEncoder([]kanon.Attribute{{Name: "age", Hierarchy: age}, {Name: "zip", Hierarchy: zip}})
	if err != nil {
		panic(err)
	}
	for _, r := range exampleRows {
		if _, err := enc.Add([]dataset.Value{dataset.Text(r[0]), dataset.Text(r[1])}); err != nil {
			panic(err)
		}
	}
	tab, err := enc.Table()
	if err != nil {
		panic(err)
	}
	res, err := kanon.Optimal(context.Background(), tab, kanon.Config{K: 2, Metric: kanon.Loss})
	if err != nil {
		panic(err)
	}
	s := res.Summary
	fmt.Printf("levels age=%d zip=%d, %d classes, smallest %d\n", s.Levels["age"], s.Levels["zip"], s.Classes, s.MinClassSize)
	rc := res.NewRecoder()
	out := make([]dataset.Value, 2)
	for _, r := range exampleRows[:3] {
		rc.Recode([]dataset.Value{dataset.Text(r[0]), dataset.Text(r[1])}, out)
		fmt.Println(out[0].Text, out[1].Text)
	}
	// Output:
	// levels age=1 zip=0, 4 classes, smallest 2
	// 30-39 13053
	// 30-39 13053
	// 30-39 13068
}

// ExampleMondrian partitions the same table into classes of at least 2
// rows, cutting age (no hierarchy) into ranges and ZIP codes along their
// hierarchy.
func ExampleMondrian() {
	_, zip := exampleHierarchies()
	enc, err := kanon.NewEncoder([]kanon.Attribute{{Name: "age"}, {Name: "zip", Hierarchy: zip}})
	if err != nil {
		panic(err)
	}
	for _, r := range exampleRows {
		if _, err := enc.Add([]dataset.Value{dataset.Text(r[0]), dataset.Text(r[1])}); err != nil {
			panic(err)
		}
	}
	tab, err := enc.Table()
	if err != nil {
		panic(err)
	}
	res, err := kanon.Mondrian(context.Background(), tab, kanon.Config{K: 2})
	if err != nil {
		panic(err)
	}
	rc := res.NewRecoder()
	out := make([]dataset.Value, 2)
	for _, r := range exampleRows {
		rc.Recode([]dataset.Value{dataset.Text(r[0]), dataset.Text(r[1])}, out)
		fmt.Println(r[0], r[1], "->", out[0].Text, out[1].Text)
	}
	fmt.Printf("%d classes, smallest %d\n", res.Summary.Classes, res.Summary.MinClassSize)
	// Output:
	// 31 13053 -> [31,34] 13053
	// 34 13053 -> [31,34] 13053
	// 38 13068 -> [34,38] 13068
	// 34 13068 -> [34,38] 13068
	// 42 13053 -> [42,45] 13053
	// 45 13053 -> [42,45] 13053
	// 47 13067 -> [42,47] 13067
	// 42 13067 -> [42,47] 13067
	// 4 classes, smallest 2
}
