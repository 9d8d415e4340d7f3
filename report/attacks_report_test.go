package report_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/veil-data/veil/report"
)

// TestAttackFigures builds the report of a synthetic release (a bootstrap
// of the training rows, which copies them) with and without a holdout: the
// attack figures are measured only with it, say why without it, and two
// runs give the same bytes.
func TestAttackFigures(t *testing.T) {
	dir := t.TempDir()
	header, rows := readAdult(t, 5000)
	rng := rand.New(rand.NewPCG(9, 9))
	train, hold := rows[:3000], rows[3000:]
	boot := make([][]string, len(train))
	for i := range boot {
		boot[i] = train[rng.IntN(len(train))]
	}
	trainP := writeCSV(t, filepath.Join(dir, "train.csv"), header, train)
	holdP := writeCSV(t, filepath.Join(dir, "hold.csv"), header, hold)
	relP := writeCSV(t, filepath.Join(dir, "rel.csv"), header, boot)
	model := filepath.Join(dir, "model.json")
	if err := os.WriteFile(model, []byte(`{"schema": "veil.synth-model/v1", "method": "test"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tinyP := writeCSV(t, filepath.Join(dir, "tiny.csv"), header, hold[:5])
	buildWith := func(holdout string) *report.Report {
		opt := fixedOptions()
		opt.Quasi = []string{"sex", "age", "race", "education"}
		opt.Sensitive = []string{"salary-class"}
		in := report.Inputs{Original: report.Source{Path: trainP}, Released: report.Source{Path: relP}, SynthModel: model}
		if holdout != "" {
			in.Holdout = &report.Source{Path: holdout}
		}
		r, err := report.Build(context.Background(), in, opt)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	build := func(holdout bool) *report.Report {
		if holdout {
			return buildWith(holdP)
		}
		return buildWith("")
	}
	// A 5-row holdout is too small for a control: not measured, saying so.
	tiny := buildWith(tinyP)
	for _, id := range []string{"membership_auc", "inference_risk"} {
		if f := tiny.Figure(id); f == nil || f.Value != nil || !strings.Contains(f.Note, "at least 30 rows (this one has 5)") {
			t.Errorf("%s with a 5-row holdout = %+v, want not measured for a holdout too small", id, f)
		}
	}

	r := build(true)
	// A bootstrap copies about 63% of the training rows: each attack must
	// find them far likelier targets than holdout rows.
	for _, id := range []string{"singling_out_risk", "inference_risk"} {
		if v := value(t, r, id); v < 0.3 {
			t.Errorf("%s = %v on a bootstrap of the training rows, want high", id, v)
		}
	}
	if v := value(t, r, "membership_auc"); v < 0.7 {
		t.Errorf("membership_auc = %v on a bootstrap of the training rows, want well above 0.5", v)
	}
	if a := r.Privacy.Inference.Attacks; len(a) != 1 || a[0].Secret != "salary-class" || a[0].Control == nil {
		t.Errorf("inference attacks = %+v, want one on salary-class with a control", a)
	}
	if !hasSentence(r, "An attack inferring salary-class") || !hasSentence(r, "scores an AUC of") {
		t.Errorf("sentences = %q, details %q, want the attack and membership sentences", r.Summary.Sentences, r.Summary.Details)
	}
	var h bytes.Buffer
	if err := report.WriteHTML(&h, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Membership inference", "Baseline: random guess", "Control: holdout rows"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	j1, _ := report.MarshalJSON(r)
	j2, _ := report.MarshalJSON(build(true))
	if !bytes.Equal(regexpTemp.ReplaceAll(j1, nil), regexpTemp.ReplaceAll(j2, nil)) {
		t.Error("two runs on the same inputs and seed give different JSON")
	}

	r = build(false)
	for _, id := range []string{"singling_out_risk", "linkability_risk", "inference_risk", "membership_auc"} {
		f := r.Figure(id)
		if f == nil || f.Value != nil || !strings.Contains(f.Note, "needs --holdout") {
			t.Errorf("%s without a holdout = %+v, want not measured: needs --holdout", id, f)
		}
	}
	if a := r.Privacy.SinglingOut.Attacks; len(a) != 2 || a[0].Main.Attacks == 0 || a[0].Control != nil {
		t.Errorf("singling-out attacks without a holdout = %+v, want main and baseline only", a)
	}
	if !hasSentence(r, "not measured (needs --holdout)") {
		t.Errorf("sentences = %q, details %q, want the attack sentence to say the control needs a holdout", r.Summary.Sentences, r.Summary.Details)
	}
}

// hasSentence reports whether the summary's headline or its details hold
// a sentence containing part.
func hasSentence(r *report.Report, part string) bool {
	for _, s := range append(r.Summary.Sentences, r.Summary.Details...) {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}
