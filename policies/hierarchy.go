package policies

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Hierarchy is a value generalization hierarchy in ARX's format: one row per
// leaf value, `leaf;level1;level2;...;*`, the last level usually being the
// full suppression `*`. Level 0 is the leaf itself; Height is the highest
// level.
type Hierarchy struct {
	Path   string
	rows   [][]string
	leaves map[string]int
}

// LoadHierarchy reads an ARX-format hierarchy file.
func LoadHierarchy(path string) (*Hierarchy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hierarchy %w", err)
	}
	defer f.Close()
	h, err := ParseHierarchy(f, path)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ParseHierarchy reads a hierarchy from r; name is used in errors. The
// separator is ';' (ARX's) or ',' when no line holds a ';'. Every row must
// have the same number of levels, and leaves must be unique.
func ParseHierarchy(r io.Reader, name string) (*Hierarchy, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("hierarchy %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	sep := ";"
	if !bytes.Contains(data, []byte(";")) && bytes.Contains(data, []byte(",")) {
		sep = ","
	}
	h := &Hierarchy{Path: name, leaves: map[string]int{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("hierarchy %s: line %d: invalid UTF-8", name, line)
		}
		fields := strings.Split(text, sep)
		if len(h.rows) > 0 && len(fields) != len(h.rows[0]) {
			return nil, fmt.Errorf("hierarchy %s: line %d: %d levels, the first row has %d", name, line, len(fields), len(h.rows[0]))
		}
		if _, dup := h.leaves[fields[0]]; dup {
			return nil, fmt.Errorf("hierarchy %s: line %d: leaf listed twice", name, line)
		}
		h.leaves[fields[0]] = len(h.rows)
		h.rows = append(h.rows, fields)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("hierarchy %s: %w", name, err)
	}
	if len(h.rows) == 0 {
		return nil, fmt.Errorf("hierarchy %s: %w", name, errEmptyHierarchy)
	}
	return h, nil
}

var errEmptyHierarchy = errors.New("no rows")

// Height returns the highest level: the number of columns after the leaf.
func (h *Hierarchy) Height() int { return len(h.rows[0]) - 1 }

// Len returns the number of leaves.
func (h *Hierarchy) Len() int { return len(h.rows) }

// Leaf returns leaf i in file order.
func (h *Hierarchy) Leaf(i int) string { return h.rows[i][0] }

// Index returns the position of leaf v, and whether it is a leaf.
func (h *Hierarchy) Index(v string) (int, bool) {
	i, ok := h.leaves[v]
	return i, ok
}

// At returns the generalization of leaf i at level (0 = the leaf).
func (h *Hierarchy) At(i, level int) string { return h.rows[i][level] }

// Generalize returns the generalization of v at level, and false when v is
// not a leaf of the hierarchy.
func (h *Hierarchy) Generalize(v string, level int) (string, bool) {
	i, ok := h.leaves[v]
	if !ok {
		return "", false
	}
	return h.rows[i][level], true
}

// Top reports whether the highest level maps every leaf to one value, so
// that generalizing to it suppresses the column.
func (h *Hierarchy) Top() bool {
	top := h.rows[0][h.Height()]
	for _, r := range h.rows {
		if r[len(r)-1] != top {
			return false
		}
	}
	return true
}
