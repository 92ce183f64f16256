package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "a.csv")
	if err := WriteFile(path, func(w io.Writer) error {
		c := NewCSV(w, "x", "y")
		c.Row(1, 0.5)
		return c.Err()
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "x,y\n1,0.5\n" {
		t.Fatalf("content %q", got)
	}
	// A failing writer leaves the old file untouched and no temporary behind.
	boom := errors.New("boom")
	if err := WriteFile(path, func(w io.Writer) error { io.WriteString(w, "partial"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	got, _ = os.ReadFile(path)
	if string(got) != "x,y\n1,0.5\n" {
		t.Fatalf("old content lost: %q", got)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if len(ents) != 1 {
		t.Fatalf("left %d files behind", len(ents))
	}
}
