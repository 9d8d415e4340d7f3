package anonymize

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/veil-data/veil/dataset"
)

// uniformEngine is a deliberately simple privacy engine for testing the
// seam: it raises every free quasi-identifier to the same level (capped by
// each hierarchy's height) until the classes smaller than k hold no more
// rows than the suppression limit allows, and suppresses those rows. It is
// not the optimal search of package kanon.
type uniformEngine struct {
	scans    int             // calls of job.Scan
	fixedSaw map[string]bool // values Scan handed out for Fixed QIs
}

func (u *uniformEngine) Fit(ctx context.Context, job *PrivacyJob) (*PrivacyResult, error) {
	k := job.Privacy.K
	maxLevel := 0
	for _, q := range job.QIs {
		if q.Hierarchy != nil {
			maxLevel = max(maxLevel, q.Hierarchy.Height())
		}
	}
	u.fixedSaw = map[string]bool{}
	for level := 0; level <= maxLevel; level++ {
		levels := make([]int, len(job.QIs))
		for i, q := range job.QIs {
			if !q.Fixed {
				levels[i] = min(level, q.Hierarchy.Height())
			}
		}
		key := func(qi []dataset.Value) (string, error) {
			var b strings.Builder
			for i, v := range qi {
				s := v.Text
				if v.Null {
					s = "\x00null"
				} else if !job.QIs[i].Fixed {
					g, ok := job.QIs[i].Hierarchy.Generalize(v.Text, levels[i])
					if !ok {
						return "", &dataset.ColumnError{Col: job.QIs[i].Index, Err: ErrNotLeaf}
					}
					s = g
				} else {
					u.fixedSaw[s] = true
				}
				b.WriteString(s)
				b.WriteByte(0)
			}
			return b.String(), nil
		}
		counts := map[string]int{}
		rows := 0
		u.scans++
		err := job.Scan(ctx, func(row int64, qi, _ []dataset.Value) error {
			rows++
			s, err := key(qi)
			counts[s]++
			return err
		})
		if err != nil {
			return nil, err
		}
		small := 0
		for _, n := range counts {
			if n < k {
				small += n
			}
		}
		if float64(small) > job.Privacy.SuppressionLimit*float64(rows) {
			continue
		}
		sup := &RowSet{}
		u.scans++
		if err := job.Scan(ctx, func(row int64, qi, _ []dataset.Value) error {
			s, _ := key(qi)
			if counts[s] < k {
				sup.Add(row)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		return &PrivacyResult{Levels: levels, Suppressed: sup, Report: map[string]any{"k": k, "level": level}}, nil
	}
	return nil, errors.New("k cannot be met")
}

// countClasses recounts the equivalence classes of an output CSV over the
// named columns, independently of the engine: it returns the smallest class
// size and the number of rows.
func countClasses(t *testing.T, csv string, cols []string) (minSize, rows int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	header := strings.Split(lines[0], ",")
	var idx []int
	for _, c := range cols {
		for i, h := range header {
			if h == c {
				idx = append(idx, i)
			}
		}
	}
	if len(idx) != len(cols) {
		t.Fatalf("output lacks columns %v: header %v", cols, header)
	}
	counts := map[string]int{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		var key []string
		for _, i := range idx {
			key = append(key, f[i])
		}
		counts[strings.Join(key, "\x00")]++
	}
	minSize = len(lines)
	for _, n := range counts {
		minSize = min(minSize, n)
	}
	return minSize, len(lines) - 1
}

func adultCSV(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/adult/adult.csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPrivacySeam(t *testing.T) {
	adult := adultCSV(t)
	tests := []struct {
		name        string
		k           int
		suppression float64
	}{
		{"k=5, no suppression", 5, 0},
		{"k=10, 2% suppression", 10, 0.02},
		{"k=50, 5% suppression", 50, 0.05},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := parsePolicy(t, `version: 1
default_action: keep
columns:
  age:       {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_age.csv}
  sex:       {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}
  race:      {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_race.csv}
  education: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_education.csv, level: 2}
  occupation: drop
privacy:
  k: `+itoa(tc.k)+`
  suppression_limit: `+ftoa(tc.suppression)+`
`)
			eng := &uniformEngine{}
			out, rep, err := applyCSV(t, p, adult, &Options{Privacy: eng})
			if err != nil {
				t.Fatal(err)
			}
			minSize, rows := countClasses(t, out, []string{"age", "sex", "race", "education"})
			if minSize < tc.k {
				t.Errorf("smallest class %d < k = %d", minSize, tc.k)
			}
			// 30,162 rows in the Adult extract (PROVENANCE.txt).
			if rep.RowsIn != 30162 || int64(rows) != rep.RowsOut || rep.RowsSuppressed != rep.RowsIn-rep.RowsOut {
				t.Errorf("rows in %d, out %d (report %d), suppressed %d", rep.RowsIn, rows, rep.RowsOut, rep.RowsSuppressed)
			}
			if float64(rep.RowsSuppressed) > tc.suppression*30162 {
				t.Errorf("suppressed %d rows, above the limit", rep.RowsSuppressed)
			}
			if rep.Privacy == nil {
				t.Error("the engine's report is missing")
			}
			// education is Fixed at level 2: Scan must hand out level-2 values
			// (adult_hierarchy_education.csv: Bachelors;Undergraduate;Higher education;*).
			if !eng.fixedSaw["Higher education"] || eng.fixedSaw["Bachelors"] {
				t.Errorf("Scan handed out raw values for a Fixed QI: %v", eng.fixedSaw)
			}
			if strings.Contains(strings.SplitN(out, "\n", 2)[0], "occupation") {
				t.Error("dropped column in the output")
			}
		})
	}
}

func TestPrivacySeamDataError(t *testing.T) {
	p := parsePolicy(t, "version: 1\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}\nprivacy:\n  k: 2\n")
	_, _, err := applyCSV(t, p, "sex\nMale\nFemale\nMale\nAlien\n", &Options{Privacy: &uniformEngine{}})
	var de *dataset.DataError
	if !errors.As(err, &de) || de.Row != 4 || de.Column != "sex" {
		t.Errorf("error = %v, want a DataError at row 4, column sex", err)
	}
}

// TestApplyReadsSmallInputOnce checks that a small input is opened once
// however often the engine scans it, and that an error of the output
// pass, replayed from memory, still names its row, line and column; then
// the same with the input over the budget: opened for each pass, with the
// same output and error.
func TestApplyReadsSmallInputOnce(t *testing.T) {
	t.Run("kept", func(t *testing.T) { testApplyPasses(t, false) })
	t.Run("over budget", func(t *testing.T) {
		defer func(b int64) { keepBudget = b }(keepBudget)
		keepBudget = 16
		testApplyPasses(t, true)
	})
}

func testApplyPasses(t *testing.T, reread bool) {
	p := parsePolicy(t, "version: 1\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}\n  n: {action: generalize, width: 10}\nprivacy:\n  k: 3\n")
	for _, tc := range []struct {
		in      string
		wantErr bool
	}{
		{"sex,n\nMale,1\nFemale,2\nMale,3\nFemale,4\n", false},
		{"sex,n\nMale,1\nFemale,2\n\"Male\",\"x\ny\"\nFemale,4\n", true},
	} {
		opens := 0
		open := func() (dataset.Reader, error) {
			opens++
			// Kinds from the first two rows: the third reaches the
			// output pass.
			return dataset.NewCSVReader(strings.NewReader(tc.in), "in.csv", &dataset.Options{InferRows: 2})
		}
		var out bytes.Buffer
		create := func(s dataset.Schema) (dataset.Writer, error) { return dataset.NewCSVWriter(&out, s, nil), nil }
		eng := &uniformEngine{}
		_, err := Apply(context.Background(), p, open, create, &Options{Privacy: eng, LookupEnv: testEnv})
		if (!reread && opens != 1) || (reread && opens != eng.scans+1) || eng.scans < 2 {
			t.Errorf("input opened %d times for %d scans and the output pass (reread %v)", opens, eng.scans, reread)
		}
		if !tc.wantErr {
			if err != nil {
				t.Fatal(err)
			}
			if want := "sex,n\n*,\"[0,10)\"\n*,\"[0,10)\"\n*,\"[0,10)\"\n*,\"[0,10)\"\n"; out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
			continue
		}
		var de *dataset.DataError
		if !errors.As(err, &de) || de.Row != 3 || de.Line != 4 || de.Column != "n" {
			t.Errorf("error = %#v, want a DataError at row 3, line 4, column n", err)
		}
	}
}

func TestSetPrivacyChecksLevels(t *testing.T) {
	p := parsePolicy(t, "version: 1\ncolumns:\n  sex: {role: quasi, action: generalize, hierarchy: adult/adult_hierarchy_sex.csv}\nprivacy:\n  k: 2\n")
	pl, err := Compile(p, dataset.Schema{Columns: []dataset.Column{{Name: "sex"}}}, &Options{LookupEnv: testEnv})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.QIs()) != 1 || pl.QIs()[0].Fixed {
		t.Fatalf("QIs = %+v, want sex, free", pl.QIs())
	}
	for _, res := range []*PrivacyResult{nil, {Levels: []int{2}}, {Levels: nil}} {
		if err := pl.SetPrivacy(res); err == nil {
			t.Errorf("SetPrivacy(%+v) = nil, want an error", res)
		}
	}
	if err := pl.SetPrivacy(&PrivacyResult{Levels: []int{1}}); err != nil {
		t.Error(err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
