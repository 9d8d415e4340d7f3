package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// These tests run veil anonymize with a privacy model on the Adult extract
// (testdata/adult) and check the written output with code that shares
// nothing with the engine: encoding/csv, plain maps over the released
// texts, and the hierarchy files read directly.

const adultCSV = "../../testdata/adult/adult.csv"

// kanonReport is the part of the anonymize report these tests read.
type kanonReport struct {
	RowsIn  int64 `json:"rows_in"`
	RowsOut int64 `json:"rows_out"`
	Privacy struct {
		Algorithm      string         `json:"algorithm"`
		K              int            `json:"k"`
		MinClassSize   int            `json:"min_class_size"`
		Classes        int            `json:"classes"`
		SuppressedRows int            `json:"suppressed_rows"`
		Levels         map[string]int `json:"levels"`
		Information    struct {
			Entropy        *float64 `json:"entropy"`
			Loss           float64  `json:"loss"`
			Discernibility float64  `json:"discernibility"`
			NCP            float64  `json:"ncp"`
		} `json:"information_loss"`
		Local *struct {
			Rounds           int     `json:"rounds"`
			SuppressedBefore int     `json:"suppressed_before"`
			SuppressedAfter  int     `json:"suppressed_after"`
			LossBefore       float64 `json:"loss_before"`
			LossAfter        float64 `json:"loss_after"`
			RecodedRows      int     `json:"recoded_rows"`
			Recodings        []struct {
				Levels map[string]int `json:"levels"`
				Rows   int            `json:"rows"`
			} `json:"recodings"`
		} `json:"local_recoding"`
		Risk struct {
			ProsecutorMax float64 `json:"prosecutor_max"`
			SampleUniques float64 `json:"sample_uniques"`
		} `json:"risk"`
		LDiversity *struct {
			Column      string `json:"column"`
			MinDistinct int    `json:"min_distinct"`
		} `json:"l_diversity"`
		TCloseness *struct {
			Column string  `json:"column"`
			MaxEMD float64 `json:"max_emd"`
		} `json:"t_closeness"`
	} `json:"privacy"`
}

func readCSV(t *testing.T, path string, comma rune) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// released groups the output rows by the quasi-identifiers' texts and
// returns the classes with their rows.
func released(header []string, rows [][]string, qis []string) map[string][][]string {
	idx := make([]int, len(qis))
	for i, q := range qis {
		idx[i] = indexOf(header, q)
	}
	classes := map[string][][]string{}
	for _, r := range rows {
		parts := make([]string, len(idx))
		for i, j := range idx {
			parts[i] = r[j]
		}
		k := strings.Join(parts, "\x1f")
		classes[k] = append(classes[k], r)
	}
	return classes
}

func indexOf(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	return -1
}

// hierarchy reads an ARX hierarchy file: leaf -> its values by level.
func hierarchy(t *testing.T, col string) map[string][]string {
	t.Helper()
	recs := readCSV(t, "../../testdata/adult/adult_hierarchy_"+col+".csv", ';')
	h := map[string][]string{}
	for _, r := range recs {
		h[r[0]] = r
	}
	return h
}

func runKanon(t *testing.T, policy string) (veilResult, [][]string, kanonReport) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	rep := filepath.Join(dir, "anon.json")
	res := runVeil(t, "anonymize", adultCSV, "--policy", "../../testdata/kanon/"+policy, "--out", out, "--report", rep, "--progress", "never")
	if res.code != exitOK {
		t.Fatalf("veil anonymize --policy %s: exit %d, want 0; stderr:\n%s", policy, res.code, res.stderr)
	}
	var r kanonReport
	data, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return res, readCSV(t, out, ','), r
}

var adultQIs = []string{"sex", "age", "race", "marital-status", "education", "native-country", "workclass", "occupation", "salary-class"}

// TestAnonymizeKanonAdult runs ARX's golden setup through the CLI
// (k=5, 4 % suppression, all nine hierarchies: levels 1,0,1,1,3,2,2,0,1,
// 1,046 classes, 906 rows suppressed, see
// ../shared/design/kanon-reference.md) and rebuilds the expected output
// from the input and the hierarchy files: every row generalized to the
// reported levels, the rows of classes under k left out, the others in
// input order.
func TestAnonymizeKanonAdult(t *testing.T) {
	_, out, rep := runKanon(t, "adult_k5.yaml")
	p := rep.Privacy
	want := map[string]int{"sex": 1, "age": 0, "race": 1, "marital-status": 1, "education": 3, "native-country": 2, "workclass": 2, "occupation": 0, "salary-class": 1}
	for c, l := range want {
		if p.Levels[c] != l {
			t.Errorf("levels[%s] = %d, want %d (ARX)", c, p.Levels[c], l)
		}
	}
	if p.Classes != 1046 || p.SuppressedRows != 906 || p.MinClassSize < 5 {
		t.Errorf("report: %d classes, %d suppressed, smallest %d; want 1046, 906, >= 5", p.Classes, p.SuppressedRows, p.MinClassSize)
	}
	if p.Information.Entropy == nil || math.Abs(*p.Information.Entropy-255559.85455731067) > 1e-9*255559.85455731067 {
		t.Errorf("report entropy = %v, want 255559.85455731067 (ARX)", p.Information.Entropy)
	}
	// Expected output, built from the input alone.
	in := readCSV(t, adultCSV, ';')
	header := in[0]
	if got := strings.Join(out[0], ","); got != strings.Join(header, ",") {
		t.Fatalf("output header %q, want %q", got, strings.Join(header, ","))
	}
	hier := map[string]map[string][]string{}
	for _, c := range adultQIs {
		hier[c] = hierarchy(t, c)
	}
	gen := make([][]string, 0, len(in)-1)
	count := map[string]int{}
	for _, r := range in[1:] {
		g := make([]string, len(r))
		for i, v := range r {
			g[i] = hier[header[i]][v][p.Levels[header[i]]]
		}
		gen = append(gen, g)
		count[strings.Join(g, "\x1f")]++
	}
	var expect [][]string
	for _, g := range gen {
		if count[strings.Join(g, "\x1f")] >= 5 {
			expect = append(expect, g)
		}
	}
	if len(out)-1 != len(expect) {
		t.Fatalf("output has %d rows, the input generalized to the reported levels keeps %d", len(out)-1, len(expect))
	}
	for i, g := range expect {
		if strings.Join(out[i+1], ",") != strings.Join(g, ",") {
			t.Fatalf("output row %d = %q, want %q", i+1, out[i+1], g)
		}
	}
	classes := released(header, out[1:], adultQIs)
	if len(classes) != p.Classes {
		t.Errorf("recount: %d classes, report says %d", len(classes), p.Classes)
	}
	if int64(len(out)-1) != rep.RowsOut || rep.RowsIn-rep.RowsOut != int64(p.SuppressedRows) {
		t.Errorf("rows in/out %d/%d, suppressed %d: they do not add up", rep.RowsIn, rep.RowsOut, p.SuppressedRows)
	}
}

// TestAnonymizeKanonPrivacyModels runs each algorithm and privacy model through
// the CLI and recounts the written output: every class has at least k
// rows, is l-diverse and t-close as asked, and the report's figures are
// the recount's.
func TestAnonymizeKanonPrivacyModels(t *testing.T) {
	tests := []struct {
		policy    string
		k         int
		qis       []string
		lCol      string // recursive (c=3, l=2)-diversity
		tCol      string // t=0.2, equal distance
		suppLimit float64
	}{
		{"adult_k5_nosup.yaml", 5, adultQIs, "", "", 0},
		{"adult_mondrian.yaml", 10, adultQIs[:8], "", "", 0},
		{"adult_ldiv_tclose.yaml", 5, adultQIs[:7], "occupation", "salary-class", 0.05},
	}
	for _, tc := range tests {
		t.Run(tc.policy, func(t *testing.T) {
			_, out, rep := runKanon(t, tc.policy)
			p := rep.Privacy
			header := out[0]
			classes := released(header, out[1:], tc.qis)
			smallest := -1
			for _, rows := range classes {
				if smallest < 0 || len(rows) < smallest {
					smallest = len(rows)
				}
			}
			if smallest < tc.k || smallest != p.MinClassSize || len(classes) != p.Classes {
				t.Errorf("recount: %d classes, smallest %d; report %d, %d; want smallest >= %d", len(classes), smallest, p.Classes, p.MinClassSize, tc.k)
			}
			if max := int(math.Floor(tc.suppLimit*30162 + 1e-9)); p.SuppressedRows > max || int64(len(out)-1) != 30162-int64(p.SuppressedRows) {
				t.Errorf("%d rows written, %d suppressed (limit %d) of 30162", len(out)-1, p.SuppressedRows, max)
			}
			if want := 1 / float64(smallest); math.Abs(p.Risk.ProsecutorMax-want) > 1e-12 {
				t.Errorf("prosecutor_max = %g, recount gives %g", p.Risk.ProsecutorMax, want)
			}
			if tc.lCol != "" {
				checkRecursiveL(t, header, classes, tc.lCol, 3, 2)
				if p.LDiversity == nil || p.LDiversity.Column != tc.lCol {
					t.Errorf("report l_diversity = %+v, want column %s", p.LDiversity, tc.lCol)
				}
			}
			if tc.tCol != "" {
				in := readCSV(t, adultCSV, ';')
				maxEMD := checkTClose(t, header, classes, in, tc.tCol, 0.2)
				if p.TCloseness == nil || math.Abs(p.TCloseness.MaxEMD-maxEMD) > 1e-9 {
					t.Errorf("report t_closeness = %+v, recount gives max EMD %g", p.TCloseness, maxEMD)
				}
			}
		})
	}
}

// checkRecursiveL checks recursive (c,l)-diversity of col in every class:
// r1 < c (r_l + ... + r_m), counts sorted from the largest.
func checkRecursiveL(t *testing.T, header []string, classes map[string][][]string, col string, c float64, l int) {
	t.Helper()
	j := indexOf(header, col)
	for k, rows := range classes {
		freq := map[string]int{}
		for _, r := range rows {
			freq[r[j]]++
		}
		var counts []int
		for _, n := range freq {
			counts = append(counts, n)
		}
		for a := range counts {
			for b := a + 1; b < len(counts); b++ {
				if counts[b] > counts[a] {
					counts[a], counts[b] = counts[b], counts[a]
				}
			}
		}
		tail := 0
		if len(counts) >= l {
			for _, n := range counts[l-1:] {
				tail += n
			}
		}
		if len(counts) < l || !(float64(counts[0]) < c*float64(tail)) {
			t.Errorf("class %q: %s counts %v are not recursive (%g,%d)-diverse", k, col, counts, c, l)
		}
	}
}

// checkTClose checks that the distribution of col in every class is within
// t of the input's (half the L1 distance: the equal ground distance) and
// returns the largest distance.
func checkTClose(t *testing.T, header []string, classes map[string][][]string, in [][]string, col string, limit float64) float64 {
	t.Helper()
	table := map[string]float64{}
	ij := indexOf(in[0], col)
	for _, r := range in[1:] {
		table[r[ij]]++
	}
	for v := range table {
		table[v] /= float64(len(in) - 1)
	}
	j := indexOf(header, col)
	worst := 0.0
	for k, rows := range classes {
		freq := map[string]float64{}
		for _, r := range rows {
			freq[r[j]] += 1 / float64(len(rows))
		}
		d := 0.0
		for v, q := range table {
			d += math.Abs(freq[v] - q)
		}
		d /= 2
		worst = max(worst, d)
		if d > limit+1e-9 {
			t.Errorf("class %q: %s is %g from the table, more than t=%g", k, col, d, limit)
		}
	}
	return worst
}

// TestAnonymizeKanonUnreachable checks the targets no transformation
// meets: veil exits 4, says why and what would work, and writes nothing.
// The row counts in the messages are recounted here from the input: rows
// in classes of fewer than k rows at the most general transformation the
// policy allows.
func TestAnonymizeKanonUnreachable(t *testing.T) {
	adultDir := mustAbs(t, "../../testdata/adult")
	in := readCSV(t, adultCSV, ';')
	header, rows := in[0], in[1:]
	// failing counts the rows whose class (key) holds fewer than k rows.
	failing := func(k int, key func(r []string) string) int {
		n := map[string]int{}
		for _, r := range rows {
			n[key(r)]++
		}
		f := 0
		for _, c := range n {
			if c < k {
				f += c
			}
		}
		return f
	}
	col := func(r []string, name string) string { return r[indexOf(header, name)] }
	// Native countries generalized to their region (level 1 of ARX's
	// hierarchy); the hierarchy cut there has no single top value.
	region := map[string]string{}
	var noTop strings.Builder
	for _, h := range readCSV(t, adultDir+"/adult_hierarchy_native-country.csv", ';') {
		region[h[0]] = h[1]
		fmt.Fprintf(&noTop, "%s;%s\n", h[0], h[1])
	}
	byRegion := failing(2000, func(r []string) string { return region[col(r, "native-country")] })
	byFixed := failing(5, func(r []string) string { return col(r, "sex") + "|" + col(r, "race") + "|" + col(r, "age") })
	need := func(n int) string {
		return fmt.Sprintf("suppression_limit of at least %.4g", math.Ceil(float64(n)/30162*1e4)/1e4)
	}

	nine := func(privacy string) string {
		var b strings.Builder
		b.WriteString("version: 1\ncolumns:\n")
		for _, c := range adultQIs {
			fmt.Fprintf(&b, "  %s: {role: quasi, action: generalize, hierarchy: %s/adult_hierarchy_%s.csv}\n", c, adultDir, c)
		}
		return b.String() + "privacy:\n" + privacy
	}
	fixed := "version: 1\ndefault_action: drop\ncolumns:\n  sex: {role: quasi, action: keep}\n  race: {role: quasi, action: keep}\n  age: {role: quasi, action: keep}\nprivacy:\n  k: 5\n  suppression_limit: 0.001\n"
	tests := []struct {
		name   string
		policy string
		want   []string
	}{
		{"k above the rows", nine("  k: 40000\n"),
			[]string{"the table has 30162 rows, fewer than k=40000", "What would work: k at most 30162"}},
		{"k above the rows, local recoding", nine("  k: 40000\n  suppression_limit: 0.04\n  local_recoding: true\n"),
			[]string{"fewer than k=40000", "k at most 30162"}},
		{"l above the distinct values", strings.Replace(nine("  k: 2\n  l_diversity: {column: salary-class, l: 3}\n"),
			"salary-class: {role: quasi, action: generalize, hierarchy: "+adultDir+"/adult_hierarchy_salary-class.csv}", "salary-class: {role: sensitive, action: keep}", 1),
			[]string{`column "salary-class" has 2 distinct values in the whole table, fewer than l=3`, "l at most 2"}},
		{"hierarchy without a top", "version: 1\ndefault_action: drop\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: " + adultDir + "/adult_hierarchy_sex.csv}\n" +
			"  native-country: {role: quasi, action: generalize, hierarchy: HIER}\nprivacy:\n  k: 2000\n  suppression_limit: 0.01\n",
			[]string{`the hierarchies of "native-country" have no single top value`, fmt.Sprintf("%d of 30162 rows", byRegion), "at most 301 may be suppressed",
				`add a last level * to the hierarchies of "native-country"`, need(byRegion), "algorithm: mondrian"}},
		{"limit too low for fixed columns", fixed,
			[]string{`the policy fixes the released values of "sex", "age", "race"`, fmt.Sprintf("%d of 30162 rows", byFixed), "at most 30 may be suppressed",
				`let the search generalize "sex", "age", "race"`, need(byFixed)}},
		{"limit too low for fixed columns, mondrian", fixed + "  algorithm: mondrian\n",
			[]string{fmt.Sprintf("%d rows are in groups that fail the target on their own", byFixed), "at most 30 may be suppressed",
				"let the search generalize those columns", need(byFixed)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			hier := writeFile(t, dir, "native-country.csv", noTop.String())
			pol := writeFile(t, dir, "p.yaml", strings.Replace(tc.policy, "HIER", hier, 1))
			outDir := filepath.Join(dir, "out")
			if err := os.Mkdir(outDir, 0o755); err != nil {
				t.Fatal(err)
			}
			res := runVeil(t, "anonymize", adultCSV, "--policy", pol, "--out", filepath.Join(outDir, "out.csv"),
				"--report", filepath.Join(outDir, "anon.json"), "--progress", "never")
			if res.code != exitPrivacyGate {
				t.Fatalf("exit = %d, want %d; stderr:\n%s", res.code, exitPrivacyGate, res.stderr)
			}
			msg := res.summary.Error
			for _, w := range append(tc.want, "privacy target not reachable") {
				if !strings.Contains(msg, w) {
					t.Errorf("the error does not say %q:\n%s", w, msg)
				}
			}
			if strings.Contains(tc.name, "fixed") && strings.Contains(msg, "algorithm: mondrian") {
				t.Errorf("the error suggests Mondrian, which never merges rows of different fixed values:\n%s", msg)
			}
			if res.summary.Status != "gate_failed" || len(res.summary.Outputs) != 0 || !strings.Contains(res.stderr, "privacy target not reachable") {
				t.Errorf("summary status %q, outputs %v, stderr %q: want gate_failed, none, the reason", res.summary.Status, res.summary.Outputs, res.stderr)
			}
			if names := dirNames(t, outDir); len(names) != 0 {
				t.Errorf("files left in the output folder: %v, want none", names)
			}
		})
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAnonymizeKanonDeterministic checks that two runs give the same
// bytes (the searches have no randomness; their parallel parts merge in a
// fixed order), for Mondrian and for the optimal search with local
// recoding.
func TestAnonymizeKanonDeterministic(t *testing.T) {
	for _, policy := range []string{"adult_mondrian.yaml", "adult_k5_local.yaml"} {
		t.Run(policy, func(t *testing.T) {
			var outs [][]byte
			for range 2 {
				dir := t.TempDir()
				out := filepath.Join(dir, "out.csv")
				rep := filepath.Join(dir, "anon.json")
				res := runVeil(t, "anonymize", adultCSV, "--policy", "../../testdata/kanon/"+policy, "--out", out, "--report", rep, "--progress", "never")
				if res.code != exitOK {
					t.Fatalf("exit %d: %s", res.code, res.stderr)
				}
				o, _ := os.ReadFile(out)
				r, _ := os.ReadFile(rep)
				var pr struct{ Privacy json.RawMessage }
				if err := json.Unmarshal(r, &pr); err != nil || len(pr.Privacy) == 0 {
					t.Fatalf("report has no privacy object (%v)", err)
				}
				outs = append(outs, append(o, pr.Privacy...))
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Error("two runs of the same policy wrote different outputs or privacy reports")
			}
		})
	}
}

// mixedTable writes a deterministic table whose quasi-identifiers are of
// every kind the search handles: zip (text, left to the search: masking),
// age (integer, left to the search: bins or ranges), sex (kept as is),
// city (hierarchy, some values not in it: on_unknown top); diagnosis is
// sensitive.
func mixedTable(t *testing.T, dir string) (csvPath, hierPath string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("zip,age,sex,city,diagnosis\n")
	cities := []string{"Lyon", "Nice", "Paris", "Lille", "Atlantis"} // Atlantis is not in the hierarchy
	diags := []string{"flu", "asthma", "diabetes", "none"}
	x := uint32(7)
	next := func(n int) int { // a small LCG: the table is the same on every run
		x = x*1664525 + 1013904223
		return int(x>>8) % n
	}
	for i := range 400 {
		zip := fmt.Sprintf("0%d%d%d%d", 1+next(3), next(4), next(10), next(10))
		age := 18 + next(60)
		sex := []string{"F", "M"}[next(2)]
		city := cities[next(len(cities))]
		if i%97 == 0 {
			city = ""
		}
		fmt.Fprintf(&b, "%s,%d,%s,%s,%s\n", zip, age, sex, city, diags[next(len(diags))])
	}
	csvPath = writeFile(t, dir, "mixed.csv", b.String())
	hierPath = writeFile(t, dir, "city.csv", "Lyon;South;*\nNice;South;*\nParis;North;*\nLille;North;*\n")
	return csvPath, hierPath
}

// TestAnonymizeKanonMixedQuasiIdentifiers runs both algorithms on mixedTable and
// recounts the written classes: k, distinct l-diversity, rows and the
// released forms of each column.
func TestAnonymizeKanonMixedQuasiIdentifiers(t *testing.T) {
	for _, algo := range []string{"optimal", "mondrian"} {
		t.Run(algo, func(t *testing.T) {
			dir := t.TempDir()
			in, hier := mixedTable(t, dir)
			pol := writeFile(t, dir, "p.yaml", `version: 1
columns:
  zip:  {role: quasi, action: generalize}
  age:  {role: quasi, action: generalize}
  sex:  {role: quasi, action: keep}
  city: {role: quasi, action: generalize, hierarchy: `+hier+`, on_unknown: top}
  diagnosis: {role: sensitive, action: keep}
privacy:
  k: 4
  suppression_limit: 0.1
  algorithm: `+algo+`
  metric: loss
  l_diversity: {column: diagnosis, l: 2}
`)
			out := filepath.Join(dir, "out.csv")
			rep := filepath.Join(dir, "anon.json")
			res := runVeil(t, "anonymize", in, "--type", "zip=string", "--policy", pol, "--out", out, "--report", rep, "--progress", "never")
			if res.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", res.code, res.stderr)
			}
			recs := readCSV(t, out, ',')
			var r kanonReport
			data, _ := os.ReadFile(rep)
			json.Unmarshal(data, &r)
			classes := released(recs[0], recs[1:], []string{"zip", "age", "sex", "city"})
			if len(classes) != r.Privacy.Classes || int64(len(recs)-1) != 400-int64(r.Privacy.SuppressedRows) || r.Privacy.SuppressedRows > 40 {
				t.Errorf("recount: %d classes, %d rows; report: %d classes, %d suppressed (limit 40)", len(classes), len(recs)-1, r.Privacy.Classes, r.Privacy.SuppressedRows)
			}
			for k, rows := range classes {
				diag := map[string]bool{}
				for _, row := range rows {
					diag[row[4]] = true
				}
				if len(rows) < 4 || len(diag) < 2 {
					t.Errorf("class %q: %d rows, %d diagnoses; want >= 4 and >= 2", k, len(rows), len(diag))
				}
			}
			zipForm := regexp.MustCompile(`^(0[0-9*]{4}|\*|\[0[0-9]{4},0[0-9]{4}\])$`)
			for _, row := range recs[1:] {
				if row[2] != "F" && row[2] != "M" {
					t.Fatalf("sex %q: a kept column must be released as is", row[2])
				}
				if !zipForm.MatchString(row[0]) {
					t.Fatalf("zip %q: want a masked or whole ZIP code", row[0])
				}
				switch row[3] {
				case "", "*", "Lyon", "Nice", "Paris", "Lille", "South", "North":
				default:
					t.Fatalf("city %q: want a hierarchy value, * or missing", row[3])
				}
			}
		})
	}
}

// TestAnonymizeKanonLocalRecoding runs ARX's golden setup (k=5, 4 %
// suppression) with privacy.local_recoding and without, and checks the
// local run's output against an expected output rebuilt from the input,
// the hierarchy files and the levels the report gives: each round
// generalizes the rows no earlier round released to its levels and
// releases the classes of at least k of them; the rows no round releases
// are gone. It recounts the classes, and recomputes Iyengar's loss and
// the discernibility of both written files from the hierarchy files: the
// local recoding must lose no more than the global solution.
func TestAnonymizeKanonLocalRecoding(t *testing.T) {
	const k = 5
	_, gOut, gRep := runKanon(t, "adult_k5.yaml")
	_, out, rep := runKanon(t, "adult_k5_local.yaml")
	p := rep.Privacy
	if p.Algorithm != "optimal+local" || p.Local == nil {
		t.Fatalf("report: algorithm %q, local_recoding %v; want optimal+local with its gain", p.Algorithm, p.Local)
	}
	if fmt.Sprint(p.Levels) != fmt.Sprint(gRep.Privacy.Levels) {
		t.Errorf("levels = %v, want the global solution's %v", p.Levels, gRep.Privacy.Levels)
	}
	// The global solution suppresses 906 rows (ARX's golden result).
	if l := p.Local; l.SuppressedBefore != 906 || gRep.Privacy.SuppressedRows != 906 || l.SuppressedAfter != p.SuppressedRows ||
		l.SuppressedBefore-l.SuppressedAfter != l.RecodedRows || l.Rounds != len(l.Recodings) || l.Rounds == 0 {
		t.Errorf("local_recoding = %+v, global run suppressed %d, now %d: they do not add up", *l, gRep.Privacy.SuppressedRows, p.SuppressedRows)
	}

	// The expected output, built from the input alone.
	in := readCSV(t, adultCSV, ';')
	header, rows := in[0], in[1:]
	hier := map[string]map[string][]string{}
	for _, c := range adultQIs {
		hier[c] = hierarchy(t, c)
	}
	generalize := func(r []string, levels map[string]int) []string {
		g := make([]string, len(r))
		for i, v := range r {
			g[i] = hier[header[i]][v][levels[header[i]]]
		}
		return g
	}
	expect := make([][]string, len(rows)) // nil: not released (yet)
	rounds := []map[string]int{p.Levels}
	for _, rc := range p.Local.Recodings {
		rounds = append(rounds, rc.Levels)
	}
	for i, levels := range rounds {
		gen := map[int][]string{}
		count := map[string]int{}
		for j, r := range rows {
			if expect[j] == nil {
				gen[j] = generalize(r, levels)
				count[strings.Join(gen[j], "\x1f")]++
			}
		}
		released := 0
		for j, g := range gen {
			if count[strings.Join(g, "\x1f")] >= k {
				expect[j] = g
				released++
			}
		}
		if i > 0 && released != p.Local.Recodings[i-1].Rows {
			t.Errorf("round %d releases %d rows at levels %v, the report says %d", i, released, levels, p.Local.Recodings[i-1].Rows)
		}
	}
	var want [][]string
	for _, g := range expect {
		if g != nil {
			want = append(want, g)
		}
	}
	if len(out)-1 != len(want) || len(rows)-len(want) != p.SuppressedRows {
		t.Fatalf("output has %d rows, the rounds release %d of %d (report: %d suppressed)", len(out)-1, len(want), len(rows), p.SuppressedRows)
	}
	for i, g := range want {
		if strings.Join(out[i+1], ",") != strings.Join(g, ",") {
			t.Fatalf("output row %d = %q, want %q", i+1, out[i+1], g)
		}
	}

	// Classes, loss and discernibility of both files, recounted.
	type figures struct {
		classes, smallest, suppressed int
		loss, discernibility          float64
	}
	leaves := map[string]map[string]int{} // column -> released text -> leaves under it
	for _, c := range adultQIs {
		under := map[string]map[string]bool{}
		for leaf, vals := range hier[c] {
			for _, v := range vals {
				if under[v] == nil {
					under[v] = map[string]bool{}
				}
				under[v][leaf] = true
			}
		}
		leaves[c] = map[string]int{}
		for v, ls := range under {
			leaves[c][v] = len(ls)
		}
	}
	recount := func(recs [][]string) figures {
		var f figures
		n := float64(len(rows))
		classes := released(recs[0], recs[1:], adultQIs)
		f.classes, f.smallest, f.suppressed = len(classes), -1, len(rows)-(len(recs)-1)
		for _, cl := range classes {
			if f.smallest < 0 || len(cl) < f.smallest {
				f.smallest = len(cl)
			}
			f.discernibility += float64(len(cl)) * float64(len(cl))
		}
		f.discernibility += float64(f.suppressed) * n
		// Iyengar's loss: per column the mean over rows of
		// (leaves under the released value - 1) / (leaves - 1), 1 for
		// a suppressed row; the geometric mean of (1 + that) minus 1.
		prod := 1.0
		for _, c := range adultQIs {
			j := indexOf(recs[0], c)
			d := float64(len(hier[c]))
			sum := float64(f.suppressed)
			for _, r := range recs[1:] {
				sum += float64(leaves[c][r[j]]-1) / (d - 1)
			}
			prod *= 1 + sum/n
		}
		f.loss = math.Pow(prod, 1/float64(len(adultQIs))) - 1
		return f
	}
	gf, lf := recount(gOut), recount(out)
	for _, c := range []struct {
		name string
		f    figures
		r    kanonReport
	}{{"global", gf, gRep}, {"local", lf, rep}} {
		if c.f.smallest < k || c.f.classes != c.r.Privacy.Classes || c.f.smallest != c.r.Privacy.MinClassSize || c.f.suppressed != c.r.Privacy.SuppressedRows {
			t.Errorf("%s recount: %d classes, smallest %d, %d suppressed; report %d, %d, %d; want smallest >= %d",
				c.name, c.f.classes, c.f.smallest, c.f.suppressed, c.r.Privacy.Classes, c.r.Privacy.MinClassSize, c.r.Privacy.SuppressedRows, k)
		}
		if math.Abs(c.f.loss-c.r.Privacy.Information.Loss) > 1e-9 || c.f.discernibility != c.r.Privacy.Information.Discernibility {
			t.Errorf("%s recount: loss %.12f, discernibility %.0f; report %.12f, %.0f", c.name, c.f.loss, c.f.discernibility,
				c.r.Privacy.Information.Loss, c.r.Privacy.Information.Discernibility)
		}
	}
	if lf.loss > gf.loss || lf.discernibility > gf.discernibility || lf.suppressed >= gf.suppressed {
		t.Errorf("local recoding: loss %.6f, discernibility %.0f, %d suppressed; the global solution %.6f, %.0f, %d: want no worse and fewer suppressed",
			lf.loss, lf.discernibility, lf.suppressed, gf.loss, gf.discernibility, gf.suppressed)
	}
	if math.Abs(p.Local.LossBefore-gf.loss) > 1e-9 || math.Abs(p.Local.LossAfter-lf.loss) > 1e-9 {
		t.Errorf("local_recoding loss %.12f -> %.12f, recount %.12f -> %.12f", p.Local.LossBefore, p.Local.LossAfter, gf.loss, lf.loss)
	}
	t.Logf("global: %+v; local: %+v", gf, lf)
}

// TestAnonymizeKanonParquetInput runs a privacy model on the Parquet copy
// of Adult: the input is kept in memory by rows (not bytes) between the
// passes, and the release must be the CSV input's, byte for byte, with
// the same privacy report.
func TestAnonymizeKanonParquetInput(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "adult.parquet")
	if r := runVeil(t, "convert", adultCSV, pq, "--progress", "never"); r.code != exitOK {
		t.Fatalf("convert: exit %d: %s", r.code, r.stderr)
	}
	var outs, privs [][]byte
	for _, in := range []string{adultCSV, pq} {
		out, rep := filepath.Join(dir, filepath.Base(in)+".out.csv"), filepath.Join(dir, filepath.Base(in)+".json")
		r := runVeil(t, "anonymize", in, "--policy", "../../testdata/kanon/adult_k5.yaml", "--out", out, "--report", rep, "--progress", "never")
		if r.code != exitOK {
			t.Fatalf("%s: exit %d: %s", in, r.code, r.stderr)
		}
		var pr struct{ Privacy json.RawMessage }
		if err := json.Unmarshal(readFile(t, rep), &pr); err != nil || len(pr.Privacy) == 0 {
			t.Fatalf("%s: report has no privacy object (%v)", in, err)
		}
		outs, privs = append(outs, readFile(t, out)), append(privs, pr.Privacy)
	}
	if !bytes.Equal(outs[0], outs[1]) || !bytes.Equal(privs[0], privs[1]) {
		t.Error("the Parquet input gives another release or privacy report than the CSV input")
	}
	if n := bytes.Count(outs[1], []byte("\n")); n < 29000 {
		t.Errorf("the release has %d lines; want about 30,162 less the suppressed rows", n)
	}
}
