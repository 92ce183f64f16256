package config

import (
	"path/filepath"
	"testing"
)

// TestRepositoryConfigs: every example config of the repository (testdata/*.toml, the
// embedded default fp.toml) parses and validates, so that the README's commands start.
func TestRepositoryConfigs(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("..", "..", "fp.toml"))
	if len(files) < 10 {
		t.Fatalf("found only %d configs", len(files))
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
