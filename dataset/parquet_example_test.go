package dataset_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/veil-data/veil/dataset"
)

// ExampleNewParquetWriter writes a small table to Parquet in memory and
// reads it back: the zip code keeps its leading zero because its column is
// a string column, and the missing age is a null.
func ExampleNewParquetWriter() {
	schema := dataset.Schema{Columns: []dataset.Column{
		{Name: "zip", Kind: dataset.String},
		{Name: "age", Kind: dataset.Integer},
	}}
	var buf bytes.Buffer
	w, err := dataset.NewParquetWriter(&buf, schema, nil) // snappy
	if err != nil {
		panic(err)
	}
	w.Write(&dataset.Record{Values: []dataset.Value{dataset.Text("01234"), dataset.Text("42")}})
	w.Write(&dataset.Record{Values: []dataset.Value{dataset.Text("99999"), dataset.NullValue}})
	if err := w.Close(); err != nil {
		panic(err)
	}

	r, err := dataset.NewParquetReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "people.parquet", nil)
	if err != nil {
		panic(err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		var fields []string
		for i, v := range rec.Values {
			text := v.Text
			if v.Null {
				text = "null"
			}
			fields = append(fields, r.Schema().Columns[i].Name+"="+text)
		}
		fmt.Println(strings.Join(fields, " "))
	}
	// Output:
	// zip=01234 age=42
	// zip=99999 age=null
}
