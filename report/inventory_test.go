package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/veil-data/veil/internal/gen"
	"github.com/veil-data/veil/report"
)

// build writes orig and rel and builds their report with no policy.
func build(t *testing.T, header []string, orig, rel [][]string) *report.Report {
	t.Helper()
	dir := t.TempDir()
	o := writeCSV(t, filepath.Join(dir, "o.csv"), header, orig)
	r := writeCSV(t, filepath.Join(dir, "r.csv"), header, rel)
	rep, err := report.Build(context.Background(), report.Inputs{Original: report.Source{Path: o}, Released: report.Source{Path: r}}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func column(t *testing.T, r *report.Report, name string) report.ColumnRow {
	t.Helper()
	for _, c := range r.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no inventory row for %s", name)
	return report.ColumnRow{}
}

// iban returns a German IBAN for n with a correct (ok) or a wrong check
// digit pair, computed here with math/big (ISO 13616 mod 97).
func iban(n int, ok bool) string {
	bban := fmt.Sprintf("37040044%010d", 532013000+n)
	num, _ := new(big.Int).SetString(bban+"131400", 10) // D=13, E=14, "00"
	check := 98 - int(new(big.Int).Mod(num, big.NewInt(97)).Int64())
	if !ok {
		check = check%97 + 1 // any other pair fails mod 97
	}
	return fmt.Sprintf("DE%02d%s", check, bban)
}

// TestInventoryLetters gives a table with a column of each HIPAA
// identifier's kind and checks each row's letter.
func TestInventoryLetters(t *testing.T) {
	var b bytes.Buffer
	if err := gen.Write(&b, 300, 5); err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(&b).ReadAll()
	g := map[string]int{}
	for i, c := range recs[0] {
		g[c] = i
	}
	want := map[string]string{"name": "A", "zip": "B", "birth_date": "C", "age": "C", "phone": "D", "fax": "E", "email": "F",
		"ssn": "G", "mrn": "H", "health_plan_beneficiary": "I", "iban": "J", "license_number": "K", "vin": "L",
		"device_serial": "M", "website": "N", "ip_address": "O", "fingerprint": "P", "photo": "Q", "customer_id": "R",
		"education": "", "salary-class": ""}
	header := []string{"name", "zip", "birth_date", "age", "phone", "fax", "email", "ssn", "mrn", "health_plan_beneficiary", "iban",
		"license_number", "vin", "device_serial", "website", "ip_address", "fingerprint", "photo", "customer_id", "education", "salary-class"}
	var rows [][]string
	for i, r := range recs[1:] {
		rows = append(rows, []string{r[g["name"]], r[g["zip"]], r[g["birth_date"]], r[g["age"]], r[g["phone"]], r[g["phone"]], r[g["email"]], r[g["ssn"]],
			fmt.Sprintf("MRN%07d", 1000+i), fmt.Sprintf("HPB-%08d", 5000+i), iban(i, true), fmt.Sprintf("LIC-%06d", i),
			fmt.Sprintf("1HGCM82633A%06d", i), fmt.Sprintf("SN-%08d", 7*i), fmt.Sprintf("https://example.org/~user%d", i),
			fmt.Sprintf("203.0.%d.%d", i/250, i%250+1), fmt.Sprintf("fp:%x", i*7919), fmt.Sprintf("img_%05d.jpg", i), r[g["customer_id"]],
			r[g["education"]], r[g["salary-class"]]})
	}
	r := build(t, header, rows, rows)
	for _, c := range r.Columns {
		got := ""
		if c.HIPAA != nil {
			got = c.HIPAA.Value
			if c.HIPAA.Reason == "" {
				t.Errorf("%s: letter %s without a reason", c.Name, got)
			}
		}
		if got != want[c.Name] {
			t.Errorf("HIPAA letter of %s = %q (%+v), want %q", c.Name, got, c.HIPAA, want[c.Name])
		}
	}
	if r.HIPAA == nil || len(r.HIPAA.Items) != 18 {
		t.Fatalf("HIPAA annex = %+v, want 18 items on a report without a policy", r.HIPAA)
	}
	for _, it := range r.HIPAA.Items {
		if len(it.Columns) == 0 || it.Residual == "none" {
			t.Errorf("item %s: columns %q, residual %q: want found columns, released unchanged", it.Letter, it.Columns, it.Residual)
		}
	}
	a := r.HIPAA.Attestation
	if a.Text == "" || a.Name != "" || a.Title != "" || a.Date != "" || a.Signature != "" {
		t.Errorf("attestation %+v: want the text and every field left to the covered entity", a)
	}
	if e := r.HIPAA.Expert; len(e.Results) == 0 || e.ReviewDate != "" || e.Expert != "" || e.Conclusion != "" {
		t.Errorf("expert pack %+v: want results and empty expert fields", e)
	}
}

// TestHIPAAResiduals checks the residual of ZIP, date and age columns on
// constructed releases.
func TestHIPAAResiduals(t *testing.T) {
	header := []string{"zip", "visit_date", "age"}
	orig := make([][]string, 60)
	for i := range orig {
		orig[i] = []string{fmt.Sprintf("%05d", 10000+i*997), fmt.Sprintf("2023-%02d-%02d", i%12+1, i%28+1), fmt.Sprint(20 + i)}
	}
	release := func(zip, date, age string) [][]string {
		out := make([][]string, len(orig))
		for i := range out {
			out[i] = []string{"100**", "2023", "[20, 30)"}
			if i == 7 {
				out[i] = []string{zip, date, age}
			}
		}
		return out
	}
	for _, tc := range []struct {
		name, zip, date, age string
		want                 map[string]string // letter -> residual
	}{
		{"safe", "000**", "2023", "90+", map[string]string{"B": "none", "C": "none"}},
		{"zip of 5 digits", "10234", "2023", "90+", map[string]string{"B": "found", "C": "none"}},
		{"restricted prefix", "036**", "2023", "90+", map[string]string{"B": "found", "C": "none"}},
		{"restricted prefix as 000", "000", "2023", "[80, 90)", map[string]string{"B": "none", "C": "none"}},
		{"date with day", "000**", "2023-04-05", "90+", map[string]string{"B": "none", "C": "found"}},
		{"day first", "000**", "05.04.2023", "90+", map[string]string{"C": "found"}},
		{"age 95", "000**", "2023", "95", map[string]string{"B": "none", "C": "found"}},
		{"band above 89", "000**", "2023", "90-94", map[string]string{"C": "found"}},
		// Safe Harbor keeps a ZIP's initial 3 digits only, and a date's
		// year only.
		{"zip's last digits", "**044", "2023", "90+", map[string]string{"B": "found"}},
		{"zip's middle digits", "1*23*", "2023", "90+", map[string]string{"B": "found"}},
		{"month and year", "000**", "04/2023", "90+", map[string]string{"C": "found"}},
		{"month name", "000**", "Apr 2023", "90+", map[string]string{"C": "found"}},
		{"year then month name", "000**", "2023 April", "90+", map[string]string{"C": "found"}},
		{"quarter", "000**", "2023-Q2", "90+", map[string]string{"C": "found"}},
		{"year range", "000**", "2020-2024", "90+", map[string]string{"C": "none"}},
		{"year band", "000**", "2020-24", "90+", map[string]string{"C": "none"}},
		{"two-digit year", "000**", "04/23", "90+", map[string]string{"C": "found"}},
		{"month name and day", "000**", "April 5, 2023", "90+", map[string]string{"C": "found"}},
		{"compact date", "000**", "d20230405", "90+", map[string]string{"C": "found"}},
		{"zip range of one area", "10000-10099", "2023", "90+", map[string]string{"B": "none"}},
		{"zip range inside an area", "10000-10049", "2023", "90+", map[string]string{"B": "found"}},
		{"labelled zip", "ZIP 100**", "2023", "90+", map[string]string{"B": "none"}},
		{"labelled last digits", "ZIP: **044", "2023", "90+", map[string]string{"B": "found"}},
		{"age group in words", "000**", "2023", "90 and over", map[string]string{"C": "none"}},
		{"half-open band, French", "000**", "2023", "[80,90[", map[string]string{"C": "none"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := build(t, header, orig, release(tc.zip, tc.date, tc.age))
			for _, it := range r.HIPAA.Items {
				if w, ok := tc.want[it.Letter]; ok && it.Residual != w {
					t.Errorf("item %s residual = %q (%s; %s), want %q", it.Letter, it.Residual, it.Status, it.ResidualNote, w)
				}
				if it.Residual == "found" && !strings.Contains(it.ResidualNote, "1 of 60") {
					t.Errorf("item %s note %q, want the count 1 of 60", it.Letter, it.ResidualNote)
				}
			}
		})
	}
}

// TestArt9Flags: special categories from detection and names; sex is not
// one.
func TestArt9Flags(t *testing.T) {
	header, rows := readAdult(t, 300)
	header = append(header, "religion", "diagnosis", "union_member", "political_party")
	for i := range rows {
		rows[i] = append(rows[i], []string{"Catholic", "Protestant", "None"}[i%3], []string{"E11.9", "I10", "J45.909"}[i%3],
			[]string{"yes", "no"}[i%2], []string{"Labour", "Green"}[i%2])
	}
	r := build(t, header, rows, rows)
	want := map[string]string{"race": "racial or ethnic origin", "religion": "religious or philosophical beliefs", "diagnosis": "health",
		"union_member": "trade-union membership", "political_party": "political opinions", "sex": "", "age": "", "salary-class": ""}
	for col, w := range want {
		c := column(t, r, col)
		got := ""
		if c.Art9 != nil {
			got = c.Art9.Value
		}
		if got != w || (c.Art9 != nil && c.Art9.Reason == "") {
			t.Errorf("Art. 9 of %s = %+v, want %q with a reason", col, c.Art9, w)
		}
	}
}

// TestEvidenceCounts recomputes the detector's counts on a fixture with a
// known number of valid IBANs and phone numbers (fewer rows than the
// sample: every value is checked).
func TestEvidenceCounts(t *testing.T) {
	var b bytes.Buffer
	if err := gen.Write(&b, 400, 9); err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(&b).ReadAll()
	phoneCol := 0
	for i, c := range recs[0] {
		if c == "phone" {
			phoneCol = i
		}
	}
	header := []string{"iban", "phone", "sex"}
	var rows [][]string
	wantIBAN, wantPhone := 0, 0
	for i, r := range recs[1:] {
		ok := i%20 != 0 // 95 %: the detector wants 90 % of shapes valid
		phone := r[phoneCol]
		if i%5 == 0 {
			phone = fmt.Sprintf("+1 %03d", i) // too short to be a number
		}
		if n, err := phonenumbers.Parse(phone, "US"); err == nil && phonenumbers.IsValidNumber(n) {
			wantPhone++
		}
		if ok {
			wantIBAN++
		}
		rows = append(rows, []string{iban(i, ok), phone, []string{"F", "M"}[i%2]})
	}
	r := build(t, header, rows, rows)
	for col, want := range map[string]string{
		"iban":  fmt.Sprintf("IBAN: %d of 400 sampled values (%.1f %%) pass the IBAN checksum", wantIBAN, float64(wantIBAN)/4),
		"phone": fmt.Sprintf("PHONE: %d of 400 sampled values", wantPhone),
	} {
		c := column(t, r, col)
		if c.Evidence == nil || !strings.HasPrefix(c.Evidence.Text, strings.Replace(want, ".0 %", " %", 1)) {
			t.Errorf("evidence of %s = %+v, want %q", col, c.Evidence, want)
		}
	}
	if wantIBAN != 380 || wantPhone == 400 || wantPhone == 0 {
		t.Fatalf("fixture: %d valid IBANs, %d valid phones", wantIBAN, wantPhone)
	}
}

// TestInventoryHoldsNoValues: no value of an identifying column, raw, is in
// the JSON or the HTML, though the release keeps them all.
func TestInventoryHoldsNoValues(t *testing.T) {
	var b bytes.Buffer
	if err := gen.Write(&b, 500, 11); err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(&b).ReadAll()
	r := build(t, recs[0], recs[1:], recs[1:])
	js, err := report.MarshalJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, col := range recs[0] {
		switch col {
		// customer_id is left out: its values are short numbers that
		// any count may contain.
		case "name", "email", "phone", "ssn", "birth_date":
		default:
			continue
		}
		for k, row := range recs[1:] {
			checked++
			if bytes.Contains(js, []byte(row[i])) || bytes.Contains(page.Bytes(), []byte(row[i])) {
				t.Fatalf("the report holds the %s value of row %d", col, k+1)
			}
		}
	}
	if checked != 5*500 {
		t.Fatalf("checked %d values", checked)
	}
	for _, c := range r.Columns {
		if c.Evidence == nil || c.Evidence.Sampled != 500 {
			t.Errorf("%s: evidence %+v, want 500 values sampled", c.Name, c.Evidence)
		}
	}
}
