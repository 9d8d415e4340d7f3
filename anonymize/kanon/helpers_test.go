package kanon

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/policies"
)

// adultDir holds the Adult extract and ARX's hierarchies for it.
const adultDir = "../../testdata/adult"

// adultColumns are the Adult extract's columns in file order, the order of
// ARX's golden results.
var adultColumns = []string{"sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation", "salary-class"}

func adultHierarchy(tb testing.TB, col string) *Hierarchy {
	tb.Helper()
	ph, err := policies.LoadHierarchy(filepath.Join(adultDir, "adult_hierarchy_"+col+".csv"))
	if err != nil {
		tb.Fatal(err)
	}
	h, err := Compile(ph)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// readAdult returns the Adult rows (all columns, as values).
func readAdult(tb testing.TB) (dataset.Schema, [][]dataset.Value) {
	tb.Helper()
	r, err := dataset.Open(filepath.Join(adultDir, "adult.csv"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var rows [][]dataset.Value
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, append([]dataset.Value(nil), rec.Values...))
	}
	return r.Schema(), rows
}

// adultTable encodes the Adult rows with the given quasi-identifiers (all
// with ARX's hierarchies) and sensitive column ("" for none).
func adultTable(tb testing.TB, qis []string, sens string, sensHier bool) *Table {
	tb.Helper()
	schema, rows := readAdult(tb)
	var attrs []Attribute
	var idx []int
	for _, c := range qis {
		attrs = append(attrs, Attribute{Name: c, Hierarchy: adultHierarchy(tb, c)})
		idx = append(idx, schema.Index(c))
	}
	var sa []SensitiveAttribute
	if sens != "" {
		sa = append(sa, SensitiveAttribute{Name: sens})
		if sensHier {
			sa[0].Hierarchy = adultHierarchy(tb, sens)
		}
		idx = append(idx, schema.Index(sens))
	}
	enc, err := NewEncoder(attrs, sa...)
	if err != nil {
		tb.Fatal(err)
	}
	vals := make([]dataset.Value, len(idx))
	for _, row := range rows {
		for i, j := range idx {
			vals[i] = row[j]
		}
		if _, err := enc.Add(vals); err != nil {
			tb.Fatal(err)
		}
	}
	tab, err := enc.Table()
	if err != nil {
		tb.Fatal(err)
	}
	return tab
}

// checkReleased releases every Adult row through r and recounts the
// released classes with a plain map over the released texts: every class
// must hold at least k rows, and the counts must match the summary.
func checkReleased(tb testing.TB, tab *Table, r *Result, k int) {
	tb.Helper()
	schema, rows := readAdult(tb)
	var idx []int
	for _, name := range tab.Attributes() {
		idx = append(idx, schema.Index(name))
	}
	rc := r.NewRecoder()
	qi := make([]dataset.Value, len(idx))
	out := make([]dataset.Value, len(idx))
	classes := map[string]int{}
	suppressed := 0
	for _, row := range rows {
		for i, j := range idx {
			qi[i] = row[j]
		}
		sup, err := rc.Recode(qi, out)
		if err != nil {
			tb.Fatal(err)
		}
		if sup {
			suppressed++
			continue
		}
		key := ""
		for _, v := range out {
			if v.Null {
				key += "\x00null\x01"
			} else {
				key += v.Text + "\x01"
			}
		}
		classes[key]++
	}
	s := r.Summary
	if int64(suppressed) != s.SuppressedRows || len(classes) != s.Classes {
		tb.Errorf("recount: %d classes, %d suppressed; summary says %d and %d", len(classes), suppressed, s.Classes, s.SuppressedRows)
	}
	smallest := -1
	for _, n := range classes {
		if smallest < 0 || n < smallest {
			smallest = n
		}
	}
	if smallest < k || int64(smallest) != s.MinClassSize {
		tb.Errorf("recount: smallest class %d, want >= %d and equal to the summary's %d", smallest, k, s.MinClassSize)
	}
}
