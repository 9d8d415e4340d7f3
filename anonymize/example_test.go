package anonymize_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/veil-data/veil/anonymize"
	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

func ExampleApply() {
	dir, _ := os.MkdirTemp("", "veil-example")
	defer os.RemoveAll(dir)
	policy := filepath.Join(dir, "policy.yaml")
	os.WriteFile(policy, []byte(`version: 1
columns:
  name:  {role: direct, action: drop}
  phone: {role: direct, action: mask, keep_last: 4}
  zip:   {role: quasi, action: generalize, prefix: 3}
  age:   {role: quasi, action: generalize, width: 10, top_code: 90}
`), 0o644)
	p, err := policies.Parse(policy)
	if err != nil {
		fmt.Println(err)
		return
	}
	in := "name,phone,zip,age\nAnn Lee,+1 202-823-0778,02139,34\nBob Stone,+1 781-962-1024,94110,93\n"
	open := func() (dataset.Reader, error) { return dataset.NewCSVReader(strings.NewReader(in), "in.csv", nil) }
	create := func(s dataset.Schema) (dataset.Writer, error) { return dataset.NewCSVWriter(os.Stdout, s, nil), nil }
	rep, err := anonymize.Apply(context.Background(), p, open, create, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.RowsOut, "rows;", rep.Columns[3].Technique)
	// Output:
	// phone,zip,age
	// +* ***-***-0778,021**,"[30,40)"
	// +* ***-***-1024,941**,90+
	// 2 rows; generalisation
}
