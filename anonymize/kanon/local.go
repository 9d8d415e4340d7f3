package kanon

import (
	"context"
	"errors"
)

// maxLocalRounds bounds the rounds of local recoding; each round releases
// at least one class.
const maxLocalRounds = 100

// LocalRecode improves g, a solution of Optimal, as ARX's local recoding
// does: the rows g suppresses are anonymized again on their own, with the
// same target, suppression limit and metric (the limit now applies to
// them), and the classes of their optimal transformation that meet the
// target are released; the rows still suppressed go through the next
// round, until a round releases nothing or no transformation of them meets
// the target. Only the suppressed classes are re-generalized: every class
// g releases keeps its values. With a high suppression limit (ARX's
// benchmarks use 1 - 1/iterations) each round releases the rows that
// generalize least, and the result approaches a fine local recoding.
//
// The released table mixes generalization levels, class by class. Every
// released class, after classes with equal released values are merged,
// meets the target; the summary reports the gain over g
// (Summary.Local).
func LocalRecode(ctx context.Context, t *Table, cfg Config, g *Result) (*Result, error) {
	m := len(t.cols)
	global := make([]uint8, m)
	for q, c := range t.cols {
		l, ok := g.Summary.Levels[c.name]
		if !ok {
			return nil, configErrorf("local recoding needs the levels of a full-domain solution")
		}
		global[q] = uint8(l)
	}
	// round[e] is the round that released entry e: 0 for g, -1 while
	// suppressed.
	round := make([]int32, t.Distinct())
	levels := [][]uint8{global}
	var left []int32
	for e, c := range g.entryClass {
		if c < 0 {
			round[e] = -1
			left = append(left, int32(e))
		}
	}
	rounds := 0
	for len(left) > 0 && rounds < maxLocalRounds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sub := t.subset(left)
		sc := cfg
		sc.LocalRecoding = false
		r, err := Optimal(ctx, sub, sc)
		var ue *UnreachableError
		if errors.As(err, &ue) {
			break
		}
		if err != nil {
			return nil, err
		}
		lv := make([]uint8, m)
		for q, c := range t.cols {
			lv[q] = uint8(r.Summary.Levels[c.name])
		}
		levels = append(levels, lv)
		rounds++
		var still []int32
		for i, e := range left {
			if r.entryClass[i] >= 0 {
				round[e] = int32(rounds)
			} else {
				still = append(still, e)
			}
		}
		if len(still) == len(left) {
			break
		}
		left = still
	}
	// Released values: each entry at its round's levels.
	mt := newMetricTables(t)
	res := &Result{t: t, labels: make([]*labelSet, m)}
	for q := range m {
		res.labels[q] = newLabelSet()
	}
	protoLab := make([]int32, t.Distinct()*m)
	entryProto := make([]int32, t.Distinct())
	for e := range entryProto {
		if round[e] < 0 {
			entryProto[e] = -1
			continue
		}
		entryProto[e] = int32(e)
		lv := levels[round[e]]
		for q, c := range t.cols {
			leaf := t.code(e, q)
			code := leaf
			if lv[q] > 0 {
				code = c.h.lift(0, int(lv[q]))[leaf]
			}
			protoLab[e*m+q] = addHierarchyLabel(res.labels[q], c.h, mt, q, int(lv[q]), code)
		}
	}
	if err := res.build(&cfg, protoLab, entryProto); err != nil {
		return nil, err
	}
	s := &res.Summary
	s.Algorithm = "optimal+local"
	s.Metric = g.Summary.Metric
	s.Levels = g.Summary.Levels
	s.Search = g.Summary.Search
	var recoded int64
	perRound := make([]int64, len(levels))
	for e, r := range round {
		if r > 0 {
			recoded += int64(t.counts[e])
			perRound[r] += int64(t.counts[e])
		}
	}
	recodings := make([]Recoding, 0, rounds)
	for r := 1; r < len(levels); r++ {
		lv := map[string]int{}
		for q, c := range t.cols {
			lv[c.name] = int(levels[r][q])
		}
		recodings = append(recodings, Recoding{Levels: lv, Rows: perRound[r]})
	}
	s.Local = &LocalRecodingGain{
		Rounds:           rounds,
		SuppressedBefore: g.Summary.SuppressedRows, SuppressedAfter: s.SuppressedRows,
		LossBefore: g.Summary.InformationLoss.Loss, LossAfter: s.InformationLoss.Loss,
		ClassesBefore: g.Summary.Classes, ClassesAfter: s.Classes,
		RecodedRows:          recoded,
		DiscernibilityBefore: g.Summary.InformationLoss.Discernibility, DiscernibilityAfter: s.InformationLoss.Discernibility,
		Recodings: recodings,
	}
	return res, nil
}

// subset returns the table of the given entries only. t-closeness keeps
// comparing with the whole table's distribution.
func (t *Table) subset(entries []int32) *Table {
	s := &Table{cols: t.cols, sens: t.sens, words: t.words, top: t.top}
	W := t.words
	s.keys = make([]uint64, 0, len(entries)*W)
	s.counts = make([]uint32, 0, len(entries))
	for _, e := range entries {
		s.keys = append(s.keys, t.keys[int(e)*W:int(e+1)*W]...)
		s.counts = append(s.counts, t.counts[e])
		s.n += int64(t.counts[e])
	}
	for k := range t.sens {
		h := &t.hist[k]
		sh := histCSR{off: make([]int32, len(entries)+1)}
		for i, e := range entries {
			lo, hi := h.off[e], h.off[e+1]
			sh.code = append(sh.code, h.code[lo:hi]...)
			sh.cnt = append(sh.cnt, h.cnt[lo:hi]...)
			sh.off[i+1] = int32(len(sh.code))
		}
		s.hist = append(s.hist, sh)
	}
	s.refTotal = t.refTotal
	if s.refTotal == nil {
		s.refTotal = t.sensTotal
	}
	s.finish()
	return s
}
