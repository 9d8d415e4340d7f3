package profile_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/veil-data/veil/dataset"
	"github.com/veil-data/veil/profile"
	"github.com/veil-data/veil/profile/internal/corpus"
)

const corpusDir = "../testdata/profile"

// TestCorpusUpToDate checks that testdata/profile is what the generator
// writes; VEIL_UPDATE_GOLDEN=1 rewrites it.
func TestCorpusUpToDate(t *testing.T) {
	files, labels := corpus.Generate()
	want := map[string][]byte{"labels.csv": corpus.EncodeLabels(labels)}
	for _, f := range files {
		want[f.Name] = f.Encode()
	}
	update := os.Getenv("VEIL_UPDATE_GOLDEN") == "1"
	for name, data := range want {
		path := filepath.Join(corpusDir, name)
		if update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run VEIL_UPDATE_GOLDEN=1 go test ./profile -run TestCorpusUpToDate)", err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from the generator's output (run VEIL_UPDATE_GOLDEN=1 go test ./profile -run TestCorpusUpToDate)", path)
		}
	}
}

type label struct{ role, entity, subtype string }

func readLabels(t testing.TB) map[string]map[string]label {
	f, err := os.Open(filepath.Join(corpusDir, "labels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]label{}
	for _, r := range recs[1:] {
		if out[r[0]] == nil {
			out[r[0]] = map[string]label{}
		}
		out[r[0]][r[1]] = label{r[2], r[3], r[4]}
	}
	return out
}

// profileFile profiles a corpus file; with blank set, its header is
// replaced by col_1, col_2... first.
func profileFile(t testing.TB, name string, blank bool) (*profile.Profile, []string) {
	data, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := dataset.NewCSVReader(bytes.NewReader(data), name, nil)
	if err != nil {
		t.Fatal(err)
	}
	orig := r.Schema().Names()
	if blank {
		nl := bytes.IndexByte(data, '\n')
		delim := ","
		if strings.Count(string(data[:nl]), ";") > strings.Count(string(data[:nl]), ",") {
			delim = ";"
		}
		var head []string
		for i := range orig {
			head = append(head, fmt.Sprintf("col_%d", i+1))
		}
		data = append([]byte(strings.Join(head, delim)), data[nl:]...)
		r, err = dataset.NewCSVReader(bytes.NewReader(data), name, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := profile.Run(context.Background(), r, &profile.Options{Seed: 1, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return p, orig
}

type scores struct {
	tp, fp, fn, entityOK, direct int
	// decoys counts the columns labelled other, and decoyHits those of
	// them reported as direct or identifier.
	decoys, decoyHits int
	// keys counts the columns labelled identifier, keyHits those reported
	// as identifier or direct (a key must never be listed raw).
	keys, keyHits int
	// perEntity counts, per labelled entity of the direct columns, the
	// columns, those reported direct, and those with the right entity.
	perEntity map[string]*entityScore
	misses    []string
}

type entityScore struct{ n, direct, exact int }

func (s scores) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s scores) recall() float64    { return ratio(s.tp, s.tp+s.fn) }
func (s scores) entityAcc() float64 { return ratio(s.entityOK, s.direct) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// evaluate profiles the clean corpus files, or with messy set the messy
// exports (see corpus.Messy), and scores them against their labels.
func evaluate(t testing.TB, blank, messy bool) scores {
	labels := readLabels(t)
	var names []string
	for n := range labels {
		if corpus.Messy(n) == messy {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	s := scores{perEntity: map[string]*entityScore{}}
	for _, name := range names {
		p, orig := profileFile(t, name, blank)
		for i, c := range p.Columns {
			want := labels[name][orig[i]]
			got := label{c.Role, string(c.Entity), c.Subtype}
			where := fmt.Sprintf("%s:%s", name, orig[i])
			switch {
			case want.role == "direct" && got.role == "direct":
				s.tp++
			case want.role == "direct":
				s.fn++
				s.misses = append(s.misses, fmt.Sprintf("missed %s: got %s/%s, want direct/%s", where, got.role, got.entity, want.entity))
			case got.role == "direct":
				s.fp++
				s.misses = append(s.misses, fmt.Sprintf("false positive %s: got direct/%s, want %s", where, got.entity, want.role))
			}
			if want.role == "identifier" {
				s.keys++
				if got.role == "identifier" || got.role == "direct" {
					s.keyHits++
				} else {
					s.misses = append(s.misses, fmt.Sprintf("missed key %s: got %s/%s", where, got.role, got.entity))
				}
			}
			if want.role == "other" {
				s.decoys++
				if got.role == "direct" || got.role == "identifier" {
					s.decoyHits++
					if got.role == "identifier" {
						s.misses = append(s.misses, fmt.Sprintf("decoy %s: got identifier/%s", where, got.entity))
					}
				}
			}
			if want.role == "direct" {
				s.direct++
				es := s.perEntity[want.entity]
				if es == nil {
					es = &entityScore{}
					s.perEntity[want.entity] = es
				}
				es.n++
				if got.role == "direct" {
					es.direct++
				}
				if got.entity == want.entity && (want.subtype == "" || got.subtype == want.subtype) {
					s.entityOK++
					es.exact++
				} else if got.role == "direct" {
					s.misses = append(s.misses, fmt.Sprintf("entity %s: got %s/%s, want %s/%s", where, got.entity, got.subtype, want.entity, want.subtype))
				}
			}
		}
	}
	return s
}

func logScores(t *testing.T, what string, s scores) {
	t.Logf("%s: direct precision %.3f (%d/%d), recall %.3f (%d/%d), entity accuracy %.3f (%d/%d), keys found %d/%d, decoys flagged %d/%d",
		what, s.precision(), s.tp, s.tp+s.fp, s.recall(), s.tp, s.tp+s.fn,
		s.entityAcc(), s.entityOK, s.direct, s.keyHits, s.keys, s.decoyHits, s.decoys)
	for _, m := range s.misses {
		t.Logf("  %s", m)
	}
}

// TestCorpusAccuracy measures detection on the labelled corpus of
// testdata/profile against the targets of issue 3: recall of direct
// identifiers >= 0.98, precision >= 0.95, entity accuracy >= 0.95, and
// recall >= 0.9 with every header blanked to col_1, col_2...
func TestCorpusAccuracy(t *testing.T) {
	named := evaluate(t, false, false)
	logScores(t, "named headers", named)
	blank := evaluate(t, true, false)
	logScores(t, "blank headers", blank)
	if named.recall() < 0.98 {
		t.Errorf("recall of direct identifiers = %.3f, want >= 0.98", named.recall())
	}
	if named.precision() < 0.95 {
		t.Errorf("precision of direct identifiers = %.3f, want >= 0.95", named.precision())
	}
	if named.entityAcc() < 0.95 {
		t.Errorf("entity accuracy on direct identifiers = %.3f, want >= 0.95", named.entityAcc())
	}
	if blank.recall() < 0.9 {
		t.Errorf("recall of direct identifiers with blank headers = %.3f, want >= 0.9", blank.recall())
	}
	// Named, a time or a measure in another language (tijdstip) and a
	// product's barcode (ean) are not keys; col_9, epoch seconds under a
	// blanked name in the headerless-looking export, is one as far as
	// anyone can tell. 3 before the time words and barcode names.
	if named.decoyHits > 1 {
		t.Errorf("%d decoys flagged with named headers, want at most 1", named.decoyHits)
	}
}

// TestMessyCorpusAccuracy measures detection on the messy exports
// (placeholders, typos, bad checksums, abbreviated and foreign headers,
// identifiers in a share of free-text rows, decoys of the same shapes),
// per entity. A privacy tool errs towards flagging: a direct identifier
// missed is the costly error, so recall is held high, and the decoys
// (order and invoice numbers, SKUs, amounts, timestamps, versions) must
// stay unflagged.
func TestMessyCorpusAccuracy(t *testing.T) {
	for _, blank := range []bool{false, true} {
		s := evaluate(t, blank, true)
		what := "messy, named headers"
		if blank {
			what = "messy, blank headers"
		}
		logScores(t, what, s)
		var ents []string
		for e := range s.perEntity {
			ents = append(ents, e)
		}
		sort.Strings(ents)
		for _, e := range ents {
			es := s.perEntity[e]
			t.Logf("  %-14s columns %d, direct %d, right entity %d", e, es.n, es.direct, es.exact)
		}
		// Floors a little under the measured figures (docs/profile.md):
		// before the typo-tolerant checksum test, mixed date formats,
		// ZIP+4 codes and integral-float and rising keys, recall was
		// 0.935 named and 0.871 blank, entity accuracy 0.839 and 0.774.
		if s.recall() < 0.95 {
			t.Errorf("%s: recall of direct identifiers = %.3f, want >= 0.95", what, s.recall())
		}
		if s.precision() < 0.95 {
			t.Errorf("%s: precision of direct identifiers = %.3f, want >= 0.95", what, s.precision())
		}
		if s.entityAcc() < 0.9 {
			t.Errorf("%s: entity accuracy on direct identifiers = %.3f, want >= 0.9", what, s.entityAcc())
		}
		if s.keyHits < s.keys {
			t.Errorf("%s: %d of %d keys found, want all", what, s.keyHits, s.keys)
		}
		if !blank && s.decoyHits > 1 {
			// Unnamed, a unique 10-digit number is a key as far as
			// anyone can tell (col15); named as an order, invoice or
			// article number it is not.
			t.Errorf("%s: %d decoys flagged, want at most 1", what, s.decoyHits)
		}
	}
}
