// Package output writes fpsolve's result files. Every file is written whole or not at all: the
// content goes to a temporary file in the same directory, is synced, and is renamed over the
// final name only when complete.
package output

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteFile writes the file at path atomically with the content that fill writes.
func WriteFile(path string, fill func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = fill(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

// WriteBytes writes data to path atomically.
func WriteBytes(path string, data []byte) error {
	return WriteFile(path, func(w io.Writer) error { _, err := w.Write(data); return err })
}

// WriteJSON writes v as indented JSON atomically. Non-finite floats must have been replaced by
// null beforehand (fpsolve's summary numbers marshal NaN as null): JSON has no NaN.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return WriteBytes(path, append(data, '\n'))
}

// CSV writes comma-separated rows of numbers with a header line.
type CSV struct {
	w   io.Writer
	buf []byte
	err error
}

// NewCSV starts a CSV on w with the given header columns.
func NewCSV(w io.Writer, header ...string) *CSV {
	c := &CSV{w: w}
	_, c.err = io.WriteString(w, strings.Join(header, ",")+"\n")
	return c
}

// Row writes one row of numbers in the shortest exact representation ('g', -1).
func (c *CSV) Row(vals ...float64) {
	if c.err != nil {
		return
	}
	c.buf = c.buf[:0]
	for i, v := range vals {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = strconv.AppendFloat(c.buf, v, 'g', -1, 64)
	}
	c.buf = append(c.buf, '\n')
	_, c.err = c.w.Write(c.buf)
}

// Err returns the first write error.
func (c *CSV) Err() error { return c.err }
