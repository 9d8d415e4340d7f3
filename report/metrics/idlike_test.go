package metrics

import (
	"math"
	"strconv"
	"testing"

	"github.com/veil-data/veil/dataset"
)

func TestIDLike(t *testing.T) {
	// 100 rows. Distinct counts are chosen around IDLikeRatio·100 = 95:
	// 96 distinct values is ID-like, exactly 95 is not (the test is
	// strict), nulls do not count as values.
	const rows = 100
	cols := []dataset.Column{catCol("id"), catCol("d96"), catCol("d95"), catCol("withnulls"), catCol("sex"), numCol("amount")}
	var data [][]string
	for i := range rows {
		// 50 unique values, then 3 values over the even rows and nulls on
		// the odd ones: 53 distinct of 75 values (71 %).
		null := "u" + strconv.Itoa(i)
		switch {
		case i >= 50 && i%2 == 1:
			null = ""
		case i >= 50:
			null = "n" + strconv.Itoa(i%3)
		}
		data = append(data, []string{
			"id-" + strconv.Itoa(i),
			"v" + strconv.Itoa(min(i, 95)), // rows 95..99 share one value: 96 distinct
			"w" + strconv.Itoa(min(i, 94)), // 95 distinct
			null,
			[]string{"F", "M"}[i%2],
			strconv.Itoa(1000 + i), // numeric and unique: never ID-like
		})
	}
	d := NewDomain()
	tab, err := d.FromStrings("real", cols, data)
	if err != nil {
		t.Fatal(err)
	}
	got := IDLike(tab)
	want := []IDLikeColumn{{Column: "id", Distinct: 100, Values: 100}, {Column: "d96", Distinct: 96, Values: 100}}
	if len(got) != len(want) {
		t.Fatalf("IDLike = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("IDLike[%d] = %v, want %v", i, got[i], want[i])
		}
	}

	// A unique column of a table smaller than IDLikeMinValues is not judged.
	small, err := d.FromStrings("small", []dataset.Column{catCol("id")}, [][]string{{"a"}, {"b"}, {"c"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := IDLike(small); len(got) != 0 {
		t.Errorf("IDLike(3 rows) = %v, want none", got)
	}
}

// TestIDLikeSkipLiftsPairTrends shows why the report skips ID-like columns:
// a release that keeps an ID column unchanged and every other column intact
// still scores low on column pair trends while the ID column is compared,
// because the contingency sample of each table holds different IDs.
func TestIDLikeSkipLiftsPairTrends(t *testing.T) {
	// 2·ContingencyMaxRows rows force the sample: the two tables' samples
	// then share about half their IDs.
	rows := 2 * ContingencyMaxRows
	cols := []dataset.Column{catCol("ssn"), catCol("sex"), catCol("grade")}
	var data [][]string
	for i := range rows {
		data = append(data, []string{"ssn-" + strconv.Itoa(i), []string{"F", "M"}[i%2], []string{"a", "b", "c", "a"}[i%4]})
	}
	d := NewDomain()
	real, err := d.FromStrings("real", cols, data)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := d.FromStrings("released", cols, data)
	if err != nil {
		t.Fatal(err)
	}
	with, _, err := ColumnPairTrends(real, rel, &TrendOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ids := IDLike(real)
	if len(ids) != 1 || ids[0].Column != "ssn" {
		t.Fatalf("IDLike = %v, want ssn only", ids)
	}
	without, pairs, err := ColumnPairTrends(real.Without("ssn"), rel.Without("ssn"), &TrendOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		if p.Columns[0] == "ssn" || p.Columns[1] == "ssn" {
			t.Errorf("pair %v still compared after Without(ssn)", p.Columns)
		}
	}
	// sex and grade are unchanged: their pair's similarity can only differ
	// from 1 through the two independent samples (their 4 cells hold 12,500
	// rows each in expectation, so well under 0.05 apart).
	if math.IsNaN(without) || without < 0.95 {
		t.Errorf("ColumnPairTrends without the ID = %v, want ≥ 0.95", without)
	}
	if !(with < without-0.2) {
		t.Errorf("ColumnPairTrends with the ID = %v, without = %v: want the ID to drag it down by more than 0.2 (the case the skip exists for)", with, without)
	}
	if real.Col("ssn") == nil || len(real.Without("ssn").Columns) != 2 {
		t.Errorf("Without changed the table or kept the column")
	}
}
