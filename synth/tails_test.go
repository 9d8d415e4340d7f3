package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
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

// TestKnotsNotOneRow: a column of unique values (measurements, days of
// birth) is described by knots; none of the model's numbers for it is the
// value of a row (knots are means of min-count rows), but for the coded
// bounds of the column.
func TestKnotsNotOneRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("born,team\n")
	count := map[float64]int{}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		text := fmt.Sprintf("%.4f", rng.Float64()*1000)
		v, _ := strconv.ParseFloat(text, 64)
		count[v]++
		fmt.Fprintf(&b, "%s,%s\n", text, []string{"a", "b"}[i%2])
	}
	path := filepath.Join(t.TempDir(), "born.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var sorted []float64
	for v := range count {
		sorted = append(sorted, v)
	}
	slices.Sort(sorted)
	// The column's coded bounds: where DefaultMinCount rows lie at or
	// beyond.
	bound := map[float64]bool{sorted[DefaultMinCount-1]: true, sorted[len(sorted)-DefaultMinCount]: true}
	m := fit(t, path, &Options{Seed: 1})
	js, _ := json.Marshal(m)
	var doc struct {
		Columns []struct {
			Name  string
			Codes []struct {
				Bin *struct {
					Lo, Hi float64
					Knots  []float64
					Atoms  []struct{ V float64 }
				}
			}
		}
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range doc.Columns {
		if c.Name != "born" {
			continue
		}
		for _, code := range c.Codes {
			if code.Bin == nil {
				continue
			}
			nums := append([]float64{code.Bin.Lo, code.Bin.Hi}, code.Bin.Knots...)
			for _, a := range code.Bin.Atoms {
				nums = append(nums, a.V)
			}
			for _, v := range nums {
				checked++
				if n := count[v]; n > 0 && !bound[v] {
					t.Errorf("the model holds %v, the value of %d row(s)", v, n)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked %d numbers of born, want its bins", checked)
	}
}

// TestDPNotesNameDetectedRoles: under DP, the columns a policy leaves to
// detection are named as outside the guarantee.
func TestDPNotesNameDetectedRoles(t *testing.T) {
	pol, err := policies.ParseBytes([]byte("version: 1\ndefault_action: keep\ncolumns:\n  sex: {role: quasi, action: keep}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := fit(t, adultPath, &Options{Seed: 1, Epsilon: 1, Policy: pol, MaxClique: 2})
	all := strings.Join(m.Privacy.Notes, "\n")
	if !strings.Contains(all, "were detected from the data (the policy does not name them)") || !strings.Contains(all, "occupation") ||
		strings.Contains(all, "roles of sex") {
		t.Errorf("notes do not name the detected roles:\n%s", all)
	}
}
