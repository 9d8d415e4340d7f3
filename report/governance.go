package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"
)

// The governance section (outline §11): who reviewed the release, when it
// is reviewed again, and what changed in the policy since the previous
// release. WP29 (Opinion 05/2014) and the ICO ask that anonymisation be
// re-assessed over time; the next review date makes that a date.

// Governance holds the reviewer, the board, the next review and the policy
// diff against the previous release.
type Governance struct {
	Reviewer      string `json:"reviewer,omitempty"`
	Board         string `json:"board,omitempty"`
	PolicyVersion string `json:"policy_version,omitempty"`
	ReviewEvery   string `json:"review_every,omitempty"`
	// NextReview is YYYY-MM-DD; NextReviewFrom says how it was found:
	// "policy next_review", "report date + review_every", or empty when the
	// policy states neither.
	NextReview     string `json:"next_review,omitempty"`
	NextReviewFrom string `json:"next_review_from,omitempty"`
	// Overdue is true when a fixed next review date is before the report's
	// date.
	Overdue bool        `json:"overdue,omitempty"`
	Diff    *PolicyDiff `json:"policy_diff,omitempty"`
}

// PolicyDiff compares this report's policy text (the appendix's, so with
// the same redactions) with the one held in a previous report.
type PolicyDiff struct {
	// Previous is the previous report file.
	Previous FileInfo `json:"previous_report"`
	// PreviousRun and PreviousStarted identify the run that made it.
	PreviousRun     string    `json:"previous_run,omitempty"`
	PreviousStarted time.Time `json:"previous_started"`
	// PreviousPolicy identifies the previous policy (path and SHA-256).
	PreviousPolicy *FileInfo `json:"previous_policy,omitempty"`
	// Comparable is false when either report holds no policy text; Note
	// says why.
	Comparable bool `json:"comparable"`
	Identical  bool `json:"identical,omitempty"`
	Added      int  `json:"lines_added"`
	Removed    int  `json:"lines_removed"`
	// Lines are the changed lines with up to 2 lines of context around
	// each change, in order.
	Lines []DiffLine `json:"lines,omitempty"`
	Note  string     `json:"note,omitempty"`
}

// DiffLine is one line of the policy diff.
type DiffLine struct {
	// Op is " " (unchanged context), "-" (only in the previous policy) or
	// "+" (only in this one); "…" marks skipped unchanged lines.
	Op   string `json:"op"`
	Old  int    `json:"old_line,omitempty"` // 1-based line in the previous policy
	New  int    `json:"new_line,omitempty"` // 1-based line in this policy
	Text string `json:"text"`
}

// ErrNotVeilReport is wrapped when --previous-report is not a JSON report of
// veil report.
var ErrNotVeilReport = errors.New("not a veil report (schema " + SchemaID + ")")

// previousReport is what the diff needs of the previous report.
type previousReport struct {
	Schema     string `json:"schema"`
	Provenance struct {
		RunID   string    `json:"run_id"`
		Started time.Time `json:"started"`
		Policy  *FileInfo `json:"policy"`
	} `json:"provenance"`
	Appendix struct {
		Policy *PolicyText `json:"policy"`
	} `json:"appendix"`
}

// readPrevious reads and checks the previous report; its errors are
// *ArtefactError (a data error, exit 3) naming the file.
func (b *builder) readPrevious() error {
	path := b.in.PreviousReport
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(b.in.locate(path))
	if err != nil {
		return &ArtefactError{What: "previous report " + path, Err: unwrapPath(err)}
	}
	var prev previousReport
	if err := json.Unmarshal(data, &prev); err != nil {
		return &ArtefactError{What: "previous report " + path, Err: fmt.Errorf("%w: %v", ErrNotVeilReport, err)}
	}
	if prev.Schema != SchemaID {
		return &ArtefactError{What: "previous report " + path, Err: fmt.Errorf("%w: its schema is %q", ErrNotVeilReport, prev.Schema)}
	}
	b.prev = &prev
	b.prevInfo = FileInfo{Path: path, SHA256: sha256Hex(data)}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// governance fills the governance section; the appendix must have run (the
// diff compares its policy text).
func (b *builder) governance() {
	g := &b.r.Governance
	today := b.r.Provenance.Started.UTC()
	if b.in.Policy != nil && b.in.Policy.Governance != nil {
		pg := b.in.Policy.Governance
		g.Reviewer, g.Board, g.PolicyVersion = b.redact(pg.Reviewer), b.redact(pg.Board), b.redact(pg.PolicyVersion)
		switch {
		case pg.ReviewEvery != nil:
			g.ReviewEvery = pg.ReviewEvery.String()
			g.NextReview = pg.ReviewEvery.After(today).Format(time.DateOnly)
			g.NextReviewFrom = "report date + review_every"
		case !pg.NextReview.IsZero():
			g.NextReview = pg.NextReview.Format(time.DateOnly)
			g.NextReviewFrom = "policy next_review"
			y, m, d := today.Date()
			g.Overdue = pg.NextReview.Before(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
		}
	}
	// The consequence named is the one of what is missing: who approved
	// (no reviewer and no board), when to re-assess (no date).
	var missing, unsaid []string
	for _, it := range []struct{ v, name string }{{g.Reviewer, "reviewer"}, {g.Board, "review board"}, {g.NextReview, "next review date"}} {
		if it.v == "" {
			missing = append(missing, it.name)
		}
	}
	if g.Reviewer == "" && g.Board == "" {
		unsaid = append(unsaid, "who approved the release")
	}
	if g.NextReview == "" {
		unsaid = append(unsaid, "when it must be re-assessed")
	}
	switch {
	case len(unsaid) > 0:
		b.r.Limitations = append(b.r.Limitations, fmt.Sprintf("The policy's governance block does not state the %s: the report does not say %s.",
			strings.Join(missing, ", "), strings.Join(unsaid, " or ")))
	case len(missing) > 0:
		b.r.Limitations = append(b.r.Limitations, fmt.Sprintf("The policy's governance block does not state the %s.", strings.Join(missing, ", ")))
	}
	if g.Overdue {
		b.r.Limitations = append(b.r.Limitations, fmt.Sprintf("The policy's review date %s has passed: review the policy before this release.", g.NextReview))
	}
	if b.prev != nil {
		g.Diff = b.policyDiff()
	}
}

// policyDiff compares the previous report's policy text with this one's,
// line by line (difflib's SequenceMatcher, Python difflib's algorithm),
// keeping 2 lines of context around each change.
func (b *builder) policyDiff() *PolicyDiff {
	p := b.prev
	d := &PolicyDiff{Previous: b.prevInfo, PreviousRun: p.Provenance.RunID, PreviousStarted: p.Provenance.Started.UTC(), PreviousPolicy: p.Provenance.Policy}
	cur := b.r.Appendix.Policy
	switch {
	case p.Appendix.Policy == nil:
		d.Note = "the previous report holds no policy text (it was made without a policy, or by a veil without the appendix): no diff"
		return d
	case cur == nil:
		d.Note = "this report was made without a policy: no diff"
		return d
	case cur.Withheld != "" || p.Appendix.Policy.Withheld != "":
		d.Note = "a policy text is withheld (see the appendix): no diff"
		return d
	}
	d.Comparable = true
	a, c := splitLines(p.Appendix.Policy.Text), splitLines(cur.Text)
	m := difflib.NewMatcher(a, c)
	groups := m.GetGroupedOpCodes(2)
	for gi, group := range groups {
		if gi > 0 || (len(group) > 0 && (group[0].I1 > 0 || group[0].J1 > 0)) {
			d.Lines = append(d.Lines, DiffLine{Op: "…"})
		}
		for _, op := range group {
			switch op.Tag {
			case 'e':
				for i := op.I1; i < op.I2; i++ {
					d.Lines = append(d.Lines, DiffLine{Op: " ", Old: i + 1, New: op.J1 + i - op.I1 + 1, Text: a[i]})
				}
			default: // r, d, i
				for i := op.I1; i < op.I2; i++ {
					d.Lines = append(d.Lines, DiffLine{Op: "-", Old: i + 1, Text: a[i]})
					d.Removed++
				}
				for j := op.J1; j < op.J2; j++ {
					d.Lines = append(d.Lines, DiffLine{Op: "+", New: j + 1, Text: c[j]})
					d.Added++
				}
			}
		}
	}
	if n := len(groups); n > 0 && len(groups[n-1]) > 0 && groups[n-1][len(groups[n-1])-1].I2 < len(a) {
		d.Lines = append(d.Lines, DiffLine{Op: "…"})
	}
	d.Identical = d.Added == 0 && d.Removed == 0
	if d.Identical {
		d.Lines = nil
	}
	return d
}

// splitLines splits text into lines without their ends (a final newline
// ends the last line rather than starting an empty one).
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
