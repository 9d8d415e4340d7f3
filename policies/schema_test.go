package policies

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/veil-data/veil/dataset"
)

// compileSchema compiles the embedded JSON Schema with an independent
// draft 2020-12 validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		t.Fatalf("schema.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("policy.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("policy.schema.json")
	if err != nil {
		t.Fatalf("schema.json does not compile: %v", err)
	}
	return s
}

// yamlToInstance turns a YAML policy into the JSON value an editor's YAML
// language server validates.
func yamlToInstance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestSchemaAcceptsValidPolicies(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob("../testdata/policies/*.yaml")
	docs := map[string][]byte{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		docs[filepath.Base(f)] = b
	}
	gen := dataset.Schema{Columns: []dataset.Column{{Name: "customer_id", Kind: dataset.Integer}, {Name: "name"}, {Name: "email"},
		{Name: "phone"}, {Name: "ssn"}, {Name: "birth_date", Kind: dataset.Date}, {Name: "zip"}, {Name: "age", Kind: dataset.Integer}, {Name: "income", Kind: dataset.Integer}}}
	for _, tpl := range Templates {
		docs["template "+tpl.Name] = tpl.Render(nil)
		docs["template "+tpl.Name+" fitted"] = tpl.Render(&gen)
	}
	for name, b := range docs {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate(yamlToInstance(t, b)); err != nil {
				t.Errorf("schema rejects %s:\n%v", name, err)
			}
		})
	}
}

func TestSchemaRejectsInvalidPolicies(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob("../testdata/policies/bad/*.yaml")
	if len(files) == 0 {
		t.Fatal("no bad policies in testdata/policies/bad")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, _ := os.ReadFile(f)
			if err := s.Validate(yamlToInstance(t, b)); err == nil {
				t.Errorf("schema accepts %s", f)
			}
			// The parser rejects them too.
			if _, err := Parse(f); err == nil {
				t.Errorf("Parse accepts %s", f)
			}
		})
	}
	for name, src := range map[string]string{
		"no version":       "columns:\n  a: keep\n",
		"unknown action":   "version: 1\ncolumns:\n  a: {action: hsah}\n",
		"hash without key": "version: 1\ncolumns:\n  a: {action: hash}\n",
		"hash, both keys":  "version: 1\ncolumns:\n  a: {action: hash, key_env: A, key_file: b}\n",
		"k as a string":    "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy: {k: five}\n",
		"gate above 1":     "version: 1\ncolumns:\n  a: keep\ngates: {max_tvd_1way: 2}\n",
		"local_recoding 1": "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy: {k: 5, local_recoding: 1}\n",
		"unknown top key":  "version: 1\ncolumns:\n  a: keep\nprivcy: {}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate(yamlToInstance(t, []byte(src))); err == nil {
				t.Errorf("schema accepts %q", src)
			}
		})
	}
}
