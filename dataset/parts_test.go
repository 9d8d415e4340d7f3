package dataset

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPartsColumnsDiffer: a part whose columns are not the first part's
// is named, with what is wrong, whether a column is renamed or reordered.
func TestPartsColumnsDiffer(t *testing.T) {
	for name, second := range map[string]string{"renamed": "a,c\n3,4\n", "reordered": "b,a\n3,4\n"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, text := range map[string]string{"part-0.csv": "a,b\n1,2\n", "part-1.csv": second} {
				if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, err := Open(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for err == nil {
				_, err = r.Read()
			}
			if err == io.EOF || !strings.Contains(err.Error(), "part-1.csv") || !strings.Contains(err.Error(), "the columns differ from those of part-0.csv") {
				t.Errorf("err = %v, want part-1.csv's columns differ", err)
			}
		})
	}
}
