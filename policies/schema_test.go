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
		"no version":          "columns:\n  a: keep\n",
		"unknown action":      "version: 1\ncolumns:\n  a: {action: hsah}\n",
		"hash without key":    "version: 1\ncolumns:\n  a: {action: hash}\n",
		"hash, both keys":     "version: 1\ncolumns:\n  a: {action: hash, key_env: A, key_file: b}\n",
		"k as a string":       "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy: {k: five}\n",
		"gate above 1":        "version: 1\ncolumns:\n  a: keep\ngates: {max_tvd_1way: 2}\n",
		"attack risk above 1": "version: 1\ncolumns:\n  a: keep\ngates: {max_inference_risk: 1.5}\n",
		"negative t":          "version: 1\ncolumns:\n  a: keep\ngates: {max_t: -0.1}\n",
		"t above 1":           "version: 1\ncolumns:\n  a: keep\ngates: {max_t: 20}\n",
		"AUC as text":         "version: 1\ncolumns:\n  a: keep\ngates: {max_membership_auc: high}\n",
		"misspelt gate":       "version: 1\ncolumns:\n  a: keep\ngates: {max_singling_out: 0.1}\n",
		"local_recoding 1":    "version: 1\ncolumns:\n  a: {role: quasi, action: keep}\nprivacy: {k: 5, local_recoding: 1}\n",
		"unknown top key":     "version: 1\ncolumns:\n  a: keep\nprivcy: {}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if err := s.Validate(yamlToInstance(t, []byte(src))); err == nil {
				t.Errorf("schema accepts %q", src)
			}
		})
	}
}

// TestSchemaGates: the schema knows every gate the parser reads, with the
// parser's bounds, so that an editor neither flags a valid gate nor lets
// through one veil rejects.
func TestSchemaGates(t *testing.T) {
	var doc struct {
		Properties struct {
			Gates struct {
				Properties map[string]struct {
					Type    string   `json:"type"`
					Minimum *float64 `json:"minimum"`
					Maximum *float64 `json:"maximum"`
				} `json:"properties"`
			} `json:"gates"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(JSONSchema(), &doc); err != nil {
		t.Fatal(err)
	}
	props := doc.Properties.Gates.Properties
	if len(props) != len(gateKeys) {
		t.Errorf("schema gates %d keys, parser %d", len(props), len(gateKeys))
	}
	for _, k := range gateKeys {
		if _, ok := props[k]; !ok {
			t.Errorf("schema lacks gate %s", k)
		}
	}
	for _, k := range []string{"max_singling_out_risk", "max_linkability_risk", "max_inference_risk", "max_membership_auc", "max_t", "max_linkage_expected"} {
		p := props[k]
		if p.Type != "number" || p.Minimum == nil || *p.Minimum != 0 || p.Maximum == nil || *p.Maximum != 1 {
			t.Errorf("schema gate %s = %+v, want a number in [0, 1]", k, p)
		}
	}
	s := compileSchema(t)
	src := "version: 1\ncolumns:\n  a: keep\ngates:\n  max_singling_out_risk: 0.05\n  max_linkability_risk: 0.05\n  max_inference_risk: 0.1\n" +
		"  max_membership_auc: 0.6\n  max_t: 0.2\n  max_linkage_expected: 0.09\n"
	if err := s.Validate(yamlToInstance(t, []byte(src))); err != nil {
		t.Errorf("schema rejects the new gates:\n%v", err)
	}
	if _, err := ParseBytes([]byte(src), "p.yaml"); err != nil {
		t.Errorf("Parse rejects what the schema accepts: %v", err)
	}
}
