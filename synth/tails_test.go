package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// TestTailCode: the tails are coded at minCount rows, the rest is kept.
func TestTailCode(t *testing.T) {
	vals := []weighted{{1, 1}, {2, 1}, {3, 3}, {4, 10}, {5, 2}, {9, 1}, {100, 1}}
	coded, lo, hi, ok := tailCode(vals, 5)
	// From the top: 100, 9, 5, 5, then 4 is the fifth row's value.
	if !ok || lo != 3 || hi != 4 {
		t.Fatalf("tailCode = %v %v %v %v, want lo 3 and hi 4", coded, lo, hi, ok)
	}
	want := []weighted{{3, 5}, {4, 14}}
	if fmt.Sprint(coded) != fmt.Sprint(want) {
		t.Errorf("coded = %v, want %v", coded, want)
	}
	if _, _, _, ok := tailCode([]weighted{{1, 2}, {2, 2}, {3, 2}}, 5); ok {
		t.Error("a column of 6 rows was coded at 5 rows a tail")
	}
}

// TestModelBoundsNotOnePerson: the highest salary and the youngest age of
// a table are single people's values; the model holds neither, and its
// samples stay within the coded range.
func TestModelBoundsNotOnePerson(t *testing.T) {
	var b strings.Builder
	b.WriteString("age,salary,team\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&b, "%d,%d,%s\n", 25+i%30, 40000+(i%50)*500, []string{"a", "b", "c"}[i%3])
	}
	b.WriteString("17,987654,a\n") // one person: the youngest, and by far the best paid
	path := filepath.Join(t.TempDir(), "staff.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"graph", "copula"} {
		m := fit(t, path, &Options{Seed: 1, Method: method})
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"987654", "17"} {
			if bytes.Contains(js, []byte(`:`+v+`,`)) || bytes.Contains(js, []byte(`,`+v+`,`)) || bytes.Contains(js, []byte(`[`+v+`,`)) ||
				bytes.Contains(js, []byte(`,`+v+`]`)) || bytes.Contains(js, []byte(`:`+v+`}`)) {
				t.Errorf("%s: the model holds the single value %s", method, v)
			}
		}
		var out bytes.Buffer
		w := dataset.NewCSVWriter(&out, m.OutputSchema(), nil)
		if _, err := m.Sample(context.Background(), w, SampleOptions{Rows: 2000, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		w.Close()
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
			var age, salary int
			var team string
			if _, err := fmt.Sscanf(strings.ReplaceAll(line, ",", " "), "%d %d %s", &age, &salary, &team); err != nil {
				t.Fatalf("%s: row %q: %v", method, line, err)
			}
			if age < 25 || salary > 64500 {
				t.Fatalf("%s: sampled %q, outside the coded range (age >= 25, salary <= 64500)", method, line)
			}
		}
	}
}
