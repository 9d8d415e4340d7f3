// Package dataset reads and writes tables as streams of records.
//
// A table is a [Schema] (column names and kinds) and a sequence of [Record]
// values read in file order by a [Reader] and written by a [Writer]. CSV and
// Parquet are supported; [Open] and [Create] pick the format from the file
// extension or an explicit [Format].
//
// Every value keeps its text: a CSV cell "01234" stays "01234" whatever its
// column's kind, and a Parquet INT64 is handed out as its decimal text. Kinds
// say how a value may be interpreted (integer, float, date...) and drive the
// Parquet physical and logical types. Memory does not grow with rows: the CSV
// reader holds one record (plus a bounded inference sample), the Parquet
// reader one page per column, writers one buffer or row group.
//
// Errors about data are [*DataError] values. They name the file, row, line
// and column, and never contain the value of a cell: inputs are personal data
// and errors end up in logs.
//
//	r, err := dataset.Open("adult.csv", nil)
//	if err != nil { ... }
//	defer r.Close()
//	for {
//		rec, err := r.Read()
//		if err == io.EOF { break }
//		if err != nil { return err }
//		_ = rec.Values[0].Text
//	}
package dataset
