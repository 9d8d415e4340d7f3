package report

import (
	"bytes"
	"hash/maphash"
)

// keyIndex numbers distinct keys of one fixed width (the values of a row
// over some columns, laid out as bytes) in order of first appearance. It
// is an open-addressing hash table (linear probing, at most half full)
// over the keys stored side by side in one slice: no allocation per key,
// so a million classes cost width+8 bytes each. Numbers depend only on
// the order keys are added, never on the hash seed.
type keyIndex struct {
	width int
	keys  []byte  // key i at [i·width, (i+1)·width)
	slots []int32 // number+1 of the key hashed there; 0 = empty
	seed  maphash.Seed
}

func newKeyIndex(width int) *keyIndex {
	return &keyIndex{width: width, slots: make([]int32, 16), seed: maphash.MakeSeed()}
}

// Len returns the number of distinct keys added.
func (x *keyIndex) Len() int {
	if x.width == 0 {
		if len(x.keys) > 0 {
			return 1
		}
		return 0
	}
	return len(x.keys) / x.width
}

func (x *keyIndex) find(key []byte) int {
	mask := len(x.slots) - 1
	i := int(maphash.Bytes(x.seed, key)) & mask
	for {
		n := x.slots[i]
		if n == 0 || bytes.Equal(x.keys[int(n-1)*x.width:int(n)*x.width], key) {
			return i
		}
		i = (i + 1) & mask
	}
}

// Add returns the number of key, adding it when new.
func (x *keyIndex) Add(key []byte) int32 {
	if x.width == 0 { // no column: every row has the same, empty key
		if len(x.keys) == 0 {
			x.keys = []byte{0}
		}
		return 0
	}
	i := x.find(key)
	if n := x.slots[i]; n != 0 {
		return n - 1
	}
	n := int32(x.Len())
	x.keys = append(x.keys, key...)
	x.slots[i] = n + 1
	if 2*x.Len() > len(x.slots) {
		x.slots = make([]int32, 2*len(x.slots))
		for k := range x.Len() {
			x.slots[x.find(x.keys[k*x.width:(k+1)*x.width])] = int32(k) + 1
		}
	}
	return n
}

// Get returns the number of key, or −1 when it was never added.
func (x *keyIndex) Get(key []byte) int32 {
	if x.width == 0 {
		return int32(x.Len()) - 1
	}
	return x.slots[x.find(key)] - 1
}
