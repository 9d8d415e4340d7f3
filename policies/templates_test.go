package policies

import (
	"slices"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// genSchema is the schema of `veil generate`'s table (internal/gen).
var genSchema = dataset.Schema{Columns: []dataset.Column{
	{Name: "customer_id", Kind: dataset.Integer}, {Name: "name"}, {Name: "email"}, {Name: "phone"}, {Name: "ssn"},
	{Name: "birth_date", Kind: dataset.Date}, {Name: "zip"}, {Name: "sex"}, {Name: "age", Kind: dataset.Integer},
	{Name: "race"}, {Name: "marital-status"}, {Name: "education"}, {Name: "native-country"}, {Name: "workclass"},
	{Name: "occupation"}, {Name: "salary-class"}, {Name: "income", Kind: dataset.Integer},
}}

func TestHIPAATemplateFitted(t *testing.T) {
	tpl := LookupTemplate("hipaa-safe-harbor")
	p, err := ParseBytes(tpl.Render(&genSchema), "hipaa.yaml")
	if err != nil {
		t.Fatalf("the rendered template does not parse: %v", err)
	}
	if err := Validate(p, genSchema); err != nil {
		t.Fatalf("the fitted template does not fit its data: %v", err)
	}
	for _, name := range []string{"customer_id", "name", "email", "phone", "ssn"} {
		if a := p.Column(name).Action; a != ActionDrop {
			t.Errorf("%s: action %s, want drop (a Safe Harbor identifier)", name, a)
		}
	}
	zip := p.Column("zip")
	// HHS guidance on Safe Harbor: the 17 ZIP3 areas with ≤ 20,000 people.
	if zip.Prefix != 3 || len(zip.Restricted) != 17 || zip.RestrictedAs != "000" || !slices.Contains(zip.Restricted, "036") {
		t.Errorf("zip = %+v, want prefix 3 with the 17 restricted areas as 000", zip)
	}
	if age := p.Column("age"); age.TopCode == nil || *age.TopCode != 90 {
		t.Errorf("age = %+v, want top_code 90 (ages over 89 as 90+)", age)
	}
	if bd := p.Column("birth_date"); bd.Truncate != "year" {
		t.Errorf("birth_date = %+v, want truncate year", bd)
	}
	if a := p.Column("income").Action; a != ActionKeep {
		t.Errorf("income: action %s, want keep (no identifier)", a)
	}
	if !strings.Contains(string(tpl.Render(&genSchema)), "income:") {
		t.Error("unmatched columns must be listed for review")
	}
}

func TestGDPRTemplateFitted(t *testing.T) {
	tpl := LookupTemplate("gdpr-pseudonymisation")
	text := tpl.Render(&genSchema)
	p, err := ParseBytes(text, "gdpr.yaml")
	if err != nil {
		t.Fatalf("the rendered template does not parse: %v", err)
	}
	if err := Validate(p, genSchema); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"customer_id", "name", "email", "phone", "ssn"} {
		c := p.Column(name)
		if c.Action != ActionHash || c.KeyEnv != "VEIL_HASH_KEY" {
			t.Errorf("%s = %+v, want a keyed hash", name, c)
		}
	}
	for _, name := range []string{"zip", "age", "sex", "birth_date"} {
		if c := p.Column(name); c.Action != ActionKeep || c.Role != RoleQuasi {
			t.Errorf("%s = %+v, want a kept quasi-identifier", name, c)
		}
	}
	if !strings.Contains(string(text), "still personal data") {
		t.Error("the GDPR template must say that the output is still personal data")
	}
}

func TestTemplatesWithoutData(t *testing.T) {
	for _, tpl := range Templates {
		if _, err := ParseBytes(tpl.Render(nil), tpl.Name+".yaml"); err != nil {
			t.Errorf("%s: %v", tpl.Name, err)
		}
	}
}

func TestTemplateMatching(t *testing.T) {
	tpl := LookupTemplate("hipaa-safe-harbor")
	tests := []struct {
		col  dataset.Column
		want string // label prefix, "" for no rule
	}{
		{dataset.Column{Name: "license_plate"}, "(L)"},
		{dataset.Column{Name: "driver_license"}, "(K)"},
		{dataset.Column{Name: "ZipCode"}, "(B) ZIP"},
		{dataset.Column{Name: "page"}, ""},
		{dataset.Column{Name: "age", Kind: dataset.String}, ""},
		{dataset.Column{Name: "patient_age", Kind: dataset.Integer}, "(C) ages"},
		{dataset.Column{Name: "admitted", Kind: dataset.Date}, "(C) dates"},
		{dataset.Column{Name: "mailing_address"}, "(B) address"},
	}
	for _, tc := range tests {
		r := tpl.match(tc.col)
		got := ""
		if r != nil {
			got = r.label
		}
		if !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("match(%q) = %q, want %q", tc.col.Name, got, tc.want)
		}
	}
}

func TestYAMLKey(t *testing.T) {
	for in, want := range map[string]string{"age": "age", "marital-status": "marital-status", "01234": `"01234"`, "yes": `"yes"`, "a:b": `"a:b"`, "12": `"12"`} {
		if got := yamlKey(in); got != want {
			t.Errorf("yamlKey(%q) = %s, want %s", in, got, want)
		}
	}
}
