package policies

import _ "embed"

// schemaJSON is the policy file's JSON Schema (draft 2020-12), written by
// hand next to this file: editors validate policies with it as users type.
//
//go:embed schema.json
var schemaJSON []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of policy files. The
// returned slice is a copy.
func JSONSchema() []byte { return append([]byte(nil), schemaJSON...) }
