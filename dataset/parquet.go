package dataset

import (
	"errors"
	"io"
)

// NewParquetWriter returns a Writer of a Parquet file to w.
func NewParquetWriter(w io.Writer, schema Schema, opt *WriteOptions) (Writer, error) {
	return nil, errors.New("parquet: not implemented yet")
}

func openParquet(path string, opt *Options) (Reader, error) {
	return nil, errors.New("parquet: not implemented yet")
}
