package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

// The Parquet encodings veil reads and writes: the RLE/bit-packed hybrid
// (definition levels, dictionary indices, booleans), DELTA_BINARY_PACKED
// and the byte-array encodings built on it, and BYTE_STREAM_SPLIT. PLAIN is
// done inline by the reader and the writer.

func errCorruptf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrParquetCorrupt}, args...)...)
}

// hybridIter reads values of the RLE/bit-packed hybrid encoding one at a
// time, so that definition levels and dictionary indices of a page are
// never expanded in memory. With msb set it reads the deprecated
// BIT_PACKED encoding instead (most significant bit first, no runs).
type hybridIter struct {
	data      []byte
	bitWidth  int
	byteWidth int
	mask      uint64
	rleLeft   uint64
	rleVal    uint32
	bpLeft    uint64
	acc       uint64
	have      int
	msb       bool
	bit       int
}

func (h *hybridIter) reset(data []byte, bitWidth int) error {
	if bitWidth < 0 || bitWidth > 32 {
		return errCorruptf("bit width %d", bitWidth)
	}
	*h = hybridIter{data: data, bitWidth: bitWidth, byteWidth: (bitWidth + 7) / 8, mask: uint64(1)<<bitWidth - 1}
	return nil
}

// next returns the next value.
func (h *hybridIter) next() (uint32, error) {
	if h.msb {
		var v uint32
		for k := 0; k < h.bitWidth; k++ {
			i := h.bit >> 3
			if i >= len(h.data) {
				return 0, errCorruptf("truncated levels")
			}
			v = v<<1 | uint32(h.data[i]>>(7-h.bit&7))&1
			h.bit++
		}
		return v, nil
	}
	for {
		if h.rleLeft > 0 {
			h.rleLeft--
			return h.rleVal, nil
		}
		if h.bpLeft > 0 {
			for h.have < h.bitWidth {
				if len(h.data) == 0 {
					return 0, errCorruptf("truncated bit-packed run")
				}
				h.acc |= uint64(h.data[0]) << h.have
				h.data = h.data[1:]
				h.have += 8
			}
			v := h.acc & h.mask
			h.acc >>= h.bitWidth
			h.have -= h.bitWidth
			h.bpLeft--
			return uint32(v), nil
		}
		header, k := binary.Uvarint(h.data)
		if k <= 0 {
			return 0, errCorruptf("truncated levels or indices")
		}
		h.data = h.data[k:]
		if header&1 == 0 {
			count := header >> 1
			if count == 0 || len(h.data) < h.byteWidth {
				return 0, errCorruptf("bad RLE run")
			}
			var v uint32
			for i := 0; i < h.byteWidth; i++ {
				v |= uint32(h.data[i]) << (8 * i)
			}
			h.data = h.data[h.byteWidth:]
			if uint64(v) > h.mask {
				return 0, errCorruptf("RLE value wider than its bit width")
			}
			h.rleLeft, h.rleVal = count, v
			continue
		}
		groups := header >> 1
		if groups == 0 || groups > uint64(len(h.data))+1 {
			return 0, errCorruptf("bad bit-packed run")
		}
		h.bpLeft, h.acc, h.have = groups*8, 0, 0
	}
}

// countEqual returns how many of the next n values of h equal v.
func (h *hybridIter) countEqual(n int, v uint32) (int, error) {
	k := 0
	for n > 0 {
		if !h.msb && h.rleLeft > 0 {
			take := min(h.rleLeft, uint64(n))
			if h.rleVal == v {
				k += int(take)
			}
			h.rleLeft -= take
			n -= int(take)
			continue
		}
		x, err := h.next()
		if err != nil {
			return 0, err
		}
		if x == v {
			k++
		}
		n--
	}
	return k, nil
}

// appendHybrid appends vals in the RLE/bit-packed hybrid encoding to dst:
// runs of 8 or more equal values as RLE runs, the rest bit-packed.
func appendHybrid(dst []byte, vals []uint32, bitWidth int) []byte {
	byteWidth := (bitWidth + 7) / 8
	n := len(vals)
	for i := 0; i < n; {
		if r := runLength(vals, i, n); r >= 8 {
			dst = binary.AppendUvarint(dst, uint64(r)<<1)
			v := vals[i]
			for b := 0; b < byteWidth; b++ {
				dst = append(dst, byte(v>>(8*b)))
			}
			i += r
			continue
		}
		start := i
		for i < n {
			i += 8
			if i >= n {
				i = n
				break
			}
			if runLength(vals, i, i+8) >= 8 {
				break
			}
		}
		groups := (i - start + 7) / 8
		dst = binary.AppendUvarint(dst, uint64(groups)<<1|1)
		dst = packBits(dst, vals[start:i], bitWidth, groups*8)
	}
	return dst
}

// runLength returns how many values from vals[i] on, up to index end, equal vals[i].
func runLength(vals []uint32, i, end int) int {
	end = min(end, len(vals))
	j := i + 1
	for j < end && vals[j] == vals[i] {
		j++
	}
	return j - i
}

// packBits appends vals packed in bitWidth bits, least significant bit
// first, padded with zeros to total values.
func packBits(dst []byte, vals []uint32, bitWidth, total int) []byte {
	if bitWidth == 0 {
		return dst
	}
	var acc uint64
	var have int
	for j := 0; j < total; j++ {
		var v uint32
		if j < len(vals) {
			v = vals[j]
		}
		acc |= uint64(v) << have
		have += bitWidth
		for have >= 8 {
			dst = append(dst, byte(acc))
			acc >>= 8
			have -= 8
		}
	}
	if have > 0 {
		dst = append(dst, byte(acc))
	}
	return dst
}

// bitWidthOf returns the number of bits needed for values up to max.
func bitWidthOf(max uint32) int { return bits.Len32(max) }

// decodeDeltaBinaryPacked appends n values in the DELTA_BINARY_PACKED
// encoding in data to dst and returns the bytes after them.
func decodeDeltaBinaryPacked(dst []int64, data []byte, n int) ([]int64, []byte, error) {
	blockSize, k1 := binary.Uvarint(data)
	if k1 <= 0 {
		return dst, nil, errCorruptf("bad delta header")
	}
	data = data[k1:]
	miniblocks, k2 := binary.Uvarint(data)
	if k2 <= 0 {
		return dst, nil, errCorruptf("bad delta header")
	}
	data = data[k2:]
	total, k3 := binary.Uvarint(data)
	if k3 <= 0 {
		return dst, nil, errCorruptf("bad delta header")
	}
	data = data[k3:]
	first, k4 := binary.Varint(data)
	if k4 <= 0 {
		return dst, nil, errCorruptf("bad delta header")
	}
	data = data[k4:]
	if blockSize == 0 || blockSize%128 != 0 || miniblocks == 0 || blockSize%miniblocks != 0 || (blockSize/miniblocks)%32 != 0 || blockSize > 1<<20 {
		return dst, nil, errCorruptf("bad delta block size")
	}
	if total < uint64(n) || total > maxPageValues {
		return dst, nil, errCorruptf("delta run holds %d values, want %d", total, n)
	}
	if total == 0 {
		return dst, data, nil
	}
	perMini := int(blockSize / miniblocks)
	dst = append(dst, first)
	prev := first
	// Values are read up to total (not only n), so that what follows them
	// (DELTA_LENGTH_BYTE_ARRAY's bytes) starts where it should.
	got := uint64(1)
	widths := make([]byte, miniblocks)
	for got < total {
		minDelta, k := binary.Varint(data)
		if k <= 0 || len(data) < k+int(miniblocks) {
			return dst, nil, errCorruptf("truncated delta block")
		}
		data = data[k:]
		copy(widths, data[:miniblocks])
		data = data[miniblocks:]
		for m := 0; m < int(miniblocks) && got < total; m++ {
			w := int(widths[m])
			if w > 64 {
				return dst, nil, errCorruptf("delta bit width %d", w)
			}
			size := perMini * w / 8
			if size > len(data) {
				return dst, nil, errCorruptf("truncated delta miniblock")
			}
			mb := data[:size]
			data = data[size:]
			for j := 0; j < perMini && got < total; j++ {
				delta := readBits64(mb, j*w, w)
				prev += minDelta + int64(delta)
				if got < uint64(n) {
					dst = append(dst, prev)
				}
				got++
			}
		}
	}
	return dst, data, nil
}

// readBits64 returns the width-bit value at bit offset pos of data, least
// significant bit first.
func readBits64(data []byte, pos, width int) uint64 {
	var v uint64
	for k := 0; k < width; {
		b := data[pos>>3] >> (pos & 7)
		take := min(8-(pos&7), width-k)
		v |= uint64(b&byte(1<<take-1)) << k
		k += take
		pos += take
	}
	return v
}

// decodeDeltaLengthByteArray appends n byte arrays in the
// DELTA_LENGTH_BYTE_ARRAY encoding to dst. The arrays point into data.
func decodeDeltaLengthByteArray(dst [][]byte, data []byte, n int, lens []int64) ([][]byte, []int64, error) {
	lens, rest, err := decodeDeltaBinaryPacked(lens[:0], data, n)
	if err != nil {
		return dst, lens, err
	}
	for _, l := range lens {
		if l < 0 || l > int64(len(rest)) {
			return dst, lens, errCorruptf("bad byte array length")
		}
		dst = append(dst, rest[:l:l])
		rest = rest[l:]
	}
	return dst, lens, nil
}

// decodeDeltaByteArray appends n byte arrays in the DELTA_BYTE_ARRAY
// (incremental) encoding to dst. Each value is a new slice.
func decodeDeltaByteArray(dst [][]byte, data []byte, n int, lens []int64) ([][]byte, []int64, error) {
	prefixes, rest, err := decodeDeltaBinaryPacked(lens[:0], data, n)
	if err != nil {
		return dst, lens, err
	}
	prefixes = append([]int64(nil), prefixes...)
	suffixes, lens, err := decodeDeltaLengthByteArray(nil, rest, n, lens)
	if err != nil {
		return dst, lens, err
	}
	var prev []byte
	for i := 0; i < n; i++ {
		p := prefixes[i]
		if p < 0 || p > int64(len(prev)) {
			return dst, lens, errCorruptf("bad prefix length")
		}
		v := make([]byte, 0, int(p)+len(suffixes[i]))
		v = append(append(v, prev[:p]...), suffixes[i]...)
		dst = append(dst, v)
		prev = v
	}
	return dst, lens, nil
}

// byteStreamSplit undoes the BYTE_STREAM_SPLIT encoding of n values of
// width bytes: byte k of value i is at data[k*n+i].
func byteStreamSplit(dst, data []byte, n, width int) ([]byte, error) {
	if len(data) < n*width {
		return dst, errCorruptf("truncated byte-stream-split page")
	}
	dst = dst[:0]
	for i := 0; i < n; i++ {
		for k := 0; k < width; k++ {
			dst = append(dst, data[k*n+i])
		}
	}
	return dst, nil
}

// formatFloat returns the shortest text that parses back to f with the
// given bit size (32 for FLOAT), as Python, DuckDB and JavaScript print
// numbers: plain digits from 1e-6 to 1e21, with ".0" for whole numbers (so
// that the text still reads as a float, and a CSV written from it infers
// the same kind), and an exponent outside that range.
func formatFloat(f float64, bitSize int) string {
	a := math.Abs(f)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, bitSize)
	}
	if a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(f, 'e', -1, bitSize)
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'f', -1, bitSize)
	if bytes.IndexByte(b, '.') < 0 {
		b = append(b, '.', '0')
	}
	return string(b)
}
