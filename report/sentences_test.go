package report

import (
	"strings"
	"testing"
)

func TestOneIn(t *testing.T) {
	for _, tc := range []struct {
		p    float64
		want string
	}{{0, "0%"}, {0.2, "1 in 5 (20%)"}, {0.34, "1 in 3 (34%)"}, {0.5, "1 in 2 (50%)"}, {0.647, "65%"}, {1, "100%"}} {
		if got := oneIn(tc.p); got != tc.want {
			t.Errorf("oneIn(%v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// TestSentencesFollowFigures: the summary's sentences say what the figures
// say: a failed overfitting figure is not reported as protection, and a
// synthetic release's unique rows are not "singled out".
func TestSentencesFollowFigures(t *testing.T) {
	fig := func(id string, v float64, meets bool, threshold float64) Figure {
		return Figure{ID: id, Value: &v, Meets: &meets, Threshold: &threshold}
	}
	b := &builder{r: &Report{Release: "synthetic"}, orig: &frame{rows: 5000}, rel: &frame{rows: 5000}}
	b.r.Privacy.QuasiIdentifiers = []string{"zip", "age"}
	b.r.Privacy.SinglingOut.Figures = []Figure{fig("min_class_size", 1, false, 5), fig("sample_uniques", 0.4, false, 0.05),
		fig("prosecutor_risk_max", 1, false, 0.2), fig("prosecutor_risk_avg", 0.6, false, 0.2)}
	b.r.Privacy.Linkability.Figures = []Figure{fig("exact_copies", 0, true, 0.01), fig("dcr_overfitting_protection", 0.87, false, 0.9)}
	copies := b.copiesSentence()
	if strings.Contains(copies, "no closer") || !strings.Contains(copies, "closer to the training rows") || !strings.Contains(copies, "below 0.9") {
		t.Errorf("copies sentence with a failed overfitting figure: %q", copies)
	}
	if s := b.singlingOutSentence(); strings.Contains(s, "singled out by") || !strings.Contains(s, "synthetic rows") {
		t.Errorf("singling-out sentence of a synthetic release: %q", s)
	}
	if s := b.prosecutorSentence(); s != "" {
		t.Errorf("prosecutor sentence of a synthetic release: %q", s)
	}
	b.r.Release = "anonymized"
	if s := b.prosecutorSentence(); !strings.Contains(s, "100%") || !strings.Contains(s, "60%") {
		t.Errorf("prosecutor sentence: %q", s)
	}
}
