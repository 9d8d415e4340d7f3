package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/golang/snappy"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/xitongsys/parquet-go/parquet"
)

// Parquet support: the file format's structures (footer, schema, page
// headers) are the Thrift types of github.com/xitongsys/parquet-go/parquet,
// read and written with Apache Thrift's compact protocol. Pages are encoded
// and decoded here, straight between the bytes and each value's text:
// xitongsys's own readers and writers hold every value in an interface{}
// and, measured on 1M rows, were several times slower and used hundreds of
// MiB (see docs/formats.md).

// Sentinel errors of the Parquet reader and writer. None of them holds a value.
var (
	// ErrParquetCorrupt is returned for a file that is not Parquet or is
	// damaged (truncated, bad page sizes, bad encodings).
	ErrParquetCorrupt = errors.New("not a valid Parquet file, or the file is damaged")
	// ErrParquetUnsupported is returned for Parquet shapes veil does not read:
	// nested or repeated columns, some codecs and encodings, encryption.
	ErrParquetUnsupported = errors.New("unsupported Parquet feature")
	// ErrTypeOverride is returned when a declared column kind cannot be
	// applied to a Parquet column (for example float to integer).
	ErrTypeOverride = errors.New("cannot read this Parquet column as the declared kind")
	// ErrTimestampPrecision is returned by the Parquet writer for a
	// timestamp with sub-microsecond digits in a column that earlier rows
	// made a microsecond column (see NewParquetWriter).
	ErrTimestampPrecision = errors.New("timestamp has nanoseconds but the column is written in microseconds (the first row group had none)")
	// ErrTimestampRange is returned by the Parquet writer for a timestamp
	// outside the range of its column's unit (years 1677 to 2262 for
	// nanoseconds).
	ErrTimestampRange = errors.New("timestamp out of range for the column's unit")
)

// parquetMagic starts and ends every Parquet file.
const parquetMagic = "PAR1"

// maxPageBytes bounds the uncompressed size of one page the reader accepts,
// so that a damaged header cannot make it allocate gigabytes. Writers make
// pages of about 1 MiB.
const maxPageBytes = 256 << 20

func openParquet(path string, opt *Options) (Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &DataError{File: path, Err: fmt.Errorf("%w: Parquet needs a regular file (it is read from the end)", ErrParquetUnsupported)}
	}
	r, err := newParquetReader(f, st.Size(), path, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewParquetReader returns a Reader of the Parquet file held by src, which
// is size bytes long. name is used in errors. Column kinds come from the
// Parquet types (see docs/formats.md); opt.Types may declare other kinds
// where the text allows it: any column as string, an integer column as
// float, a string column as any kind (its values are then checked by whoever
// interprets them), and a date or timestamp column with its own layout,
// which changes how its values are written as text. Other declarations
// return an error wrapping ErrTypeOverride. The CSV options of opt (null
// tokens, delimiter, inference) do not apply.
//
// The reader holds one page per column at a time, so memory does not grow
// with the number of rows. It is not safe for concurrent use.
func NewParquetReader(src io.ReaderAt, size int64, name string, opt *Options) (Reader, error) {
	return newParquetReader(src, size, name, opt)
}

// NewParquetWriter returns a Writer of a Parquet file to w.
//
// Columns are written as OPTIONAL (nullable) with these types: String as
// BYTE_ARRAY (STRING), Integer as INT64, Float as DOUBLE, Boolean as
// BOOLEAN, Date as INT32 (DATE) and Timestamp as INT64 (TIMESTAMP) in
// microseconds, or in nanoseconds when a value of the first row group has
// sub-microsecond digits. Dates and timestamps are parsed with the column's
// Layout. A timestamp column whose layout has a zone (as the canonical
// TimestampLayout does) is adjusted to UTC; one without (2006-01-02
// 15:04:05) holds local date-times and is written with isAdjustedToUTC
// false, as DuckDB writes its TIMESTAMP type, so that reading it back gives
// the same wall-clock text, without a zone. A value that
// is not of its column's kind makes Write return a *ColumnError wrapping
// ErrNotInteger, ErrNotFloat, ErrNotBoolean, ErrNotDate, ErrNotTimestamp,
// ErrIntegerRange, ErrInvalidUTF8, ErrTimestampPrecision or
// ErrTimestampRange; the row is then not written and the writer can go on.
//
// Rows are buffered by row group (opt.RowGroupRows rows, default 65536, or
// about 32 MiB of values, whichever comes first), then encoded column by
// column (dictionary encoding where it pays, page by page) and compressed
// with opt.Compression: snappy (default), gzip, zstd or none. Same records
// and options give the same bytes. Close writes the last row group and the
// footer; it does not close w.
func NewParquetWriter(w io.Writer, schema Schema, opt *WriteOptions) (Writer, error) {
	return newParquetWriter(w, schema, opt)
}

// parseCodec returns the Parquet codec named s.
func parseCodec(s string) (parquet.CompressionCodec, error) {
	switch strings.ToLower(s) {
	case "", "snappy":
		return parquet.CompressionCodec_SNAPPY, nil
	case "gzip":
		return parquet.CompressionCodec_GZIP, nil
	case "zstd":
		return parquet.CompressionCodec_ZSTD, nil
	case "none", "uncompressed":
		return parquet.CompressionCodec_UNCOMPRESSED, nil
	}
	return 0, fmt.Errorf("unknown Parquet compression %q (want snappy, gzip, zstd or none)", s)
}

var (
	zstdOnce sync.Once
	zstdEnc  *zstd.Encoder
	zstdDec  *zstd.Decoder
	zstdErr  error
)

func zstdCodec() (*zstd.Encoder, *zstd.Decoder, error) {
	zstdOnce.Do(func() {
		zstdEnc, zstdErr = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true))
		if zstdErr != nil {
			return
		}
		zstdDec, zstdErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxPageBytes))
	})
	return zstdEnc, zstdDec, zstdErr
}

// compressPage appends src compressed with codec to dst.
func compressPage(dst, src []byte, codec parquet.CompressionCodec, gz **gzip.Writer) ([]byte, error) {
	switch codec {
	case parquet.CompressionCodec_UNCOMPRESSED:
		return append(dst, src...), nil
	case parquet.CompressionCodec_SNAPPY:
		n := snappy.MaxEncodedLen(len(src))
		if cap(dst)-len(dst) < n {
			dst = append(make([]byte, 0, len(dst)+n), dst...)
		}
		out := snappy.Encode(dst[len(dst):len(dst)+n], src)
		return dst[:len(dst)+len(out)], nil
	case parquet.CompressionCodec_GZIP:
		buf := bytes.NewBuffer(dst)
		if *gz == nil {
			*gz = gzip.NewWriter(buf)
		} else {
			(*gz).Reset(buf)
		}
		if _, err := (*gz).Write(src); err != nil {
			return nil, err
		}
		if err := (*gz).Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case parquet.CompressionCodec_ZSTD:
		enc, _, err := zstdCodec()
		if err != nil {
			return nil, err
		}
		return enc.EncodeAll(src, dst), nil
	}
	return nil, fmt.Errorf("%w: compression codec %v", ErrParquetUnsupported, codec)
}

// decompressPage returns src decompressed with codec, which must give
// exactly size bytes. dst is a buffer that may be reused.
func decompressPage(dst, src []byte, codec parquet.CompressionCodec, size int) ([]byte, error) {
	if size < 0 || size > maxPageBytes {
		return nil, fmt.Errorf("%w: page size %d", ErrParquetCorrupt, size)
	}
	var out []byte
	switch codec {
	case parquet.CompressionCodec_UNCOMPRESSED:
		out = src
	case parquet.CompressionCodec_SNAPPY:
		n, k := binary.Uvarint(src)
		// A snappy block expands at most about 22 times (a 3-byte copy
		// yields 64 bytes), which bounds what a damaged length can claim.
		if k <= 0 || n != uint64(size) || n > 32*uint64(len(src))+64 {
			return nil, fmt.Errorf("%w: bad snappy page", ErrParquetCorrupt)
		}
		if cap(dst) < size {
			dst = make([]byte, size)
		}
		var err error
		out, err = snappy.Decode(dst[:size], src)
		if err != nil {
			return nil, fmt.Errorf("%w: bad snappy page", ErrParquetCorrupt)
		}
	case parquet.CompressionCodec_GZIP:
		zr, err := gzip.NewReader(bytes.NewReader(src))
		if err != nil {
			return nil, fmt.Errorf("%w: bad gzip page", ErrParquetCorrupt)
		}
		// Read what the data holds, up to one byte more than announced:
		// a damaged size then allocates nothing.
		buf := bytes.NewBuffer(dst[:0])
		if _, err := buf.ReadFrom(io.LimitReader(zr, int64(size)+1)); err != nil {
			return nil, fmt.Errorf("%w: bad gzip page", ErrParquetCorrupt)
		}
		out = buf.Bytes()
	case parquet.CompressionCodec_ZSTD:
		_, dec, err := zstdCodec()
		if err != nil {
			return nil, err
		}
		out, err = dec.DecodeAll(src, dst[:0])
		if err != nil {
			return nil, fmt.Errorf("%w: bad zstd page", ErrParquetCorrupt)
		}
	default:
		return nil, fmt.Errorf("%w: compression codec %v (veil reads snappy, gzip, zstd and uncompressed files)", ErrParquetUnsupported, codec)
	}
	if len(out) != size {
		return nil, fmt.Errorf("%w: page is %d bytes, its header says %d", ErrParquetCorrupt, len(out), size)
	}
	return out, nil
}

// recoverParquet turns a panic inside the Parquet code (the Thrift decoder,
// a decompressor, or a bug of ours on input nobody foresaw) into an error
// about the file, so that damaged input never crashes veil. Runtime error
// texts hold no values, so they are kept for the bug report.
func recoverParquet(r any) error {
	if re, ok := r.(runtime.Error); ok {
		return fmt.Errorf("%w (%v)", ErrParquetCorrupt, re)
	}
	return ErrParquetCorrupt
}
