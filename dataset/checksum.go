package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Checksum returns the SHA-256 of a file, in hex. For a folder of parts it
// is the SHA-256 of the lines "<sha256> <name>\n" of the folder's visible
// files in name order (files starting with '.' or '_', such as
// _MANIFEST.json, are left out), so that the summary line, the manifests
// and the report name a folder by one hash.
func Checksum(path string) (string, error) {
	return ChecksumContext(context.Background(), path)
}

// ChecksumContext is Checksum that stops, with ctx's error, soon after ctx
// is done: a run that is interrupted does not wait for the hash of a large
// input it no longer needs.
func ChecksumContext(ctx context.Context, path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return fileChecksum(ctx, path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return "", err
	}
	var parts []PartSum
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		sum, err := fileChecksum(ctx, filepath.Join(path, name))
		if err != nil {
			return "", err
		}
		parts = append(parts, PartSum{Name: name, SHA256: sum})
	}
	return FolderChecksum(parts), nil
}

// PartSum is a part of a folder and its SHA-256.
type PartSum struct{ Name, SHA256 string }

// FolderChecksum returns the Checksum of a folder whose visible files are
// parts, in name order: for a writer that hashed the parts as it wrote
// them.
func FolderChecksum(parts []PartSum) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%s %s\n", p.SHA256, p.Name)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileChecksum(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ctxReader fails its reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
