package policies_test

import (
	"fmt"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

func ExampleParseBytes() {
	src := []byte(`version: 1
columns:
  email:  {role: direct, action: hash, key_env: VEIL_HASH_KEY}
  zip:    {role: quasi, action: generalize, prefix: 3, restricted: [036]}
  income: {role: sensitive, action: noise, epsilon: 0.5, lower: 0, upper: 500000}
`)
	_, err := policies.ParseBytes(src, "policy.yaml")
	fmt.Println(err)
	// Output:
	// policy.yaml:4:69: columns.zip.restricted[0]: 036 has a leading zero: quote it ("036") so that it stays text
}

func ExampleValidate() {
	p, err := policies.ParseBytes([]byte("version: 1\ncolumns:\n  age: {action: generalize, width: 10}\n"), "policy.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	schema := dataset.Schema{Columns: []dataset.Column{{Name: "age", Kind: dataset.Integer}, {Name: "name"}}}
	fmt.Println(policies.Validate(p, schema))
	// Output:
	// policy.yaml:2:1: columns: the data has 1 column(s) the policy does not list: "name"; list them, or set default_action (keep, drop or suppress)
}
