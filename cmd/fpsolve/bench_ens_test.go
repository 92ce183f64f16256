package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRBMStageReload measures the persistence overhead of the rbm stage: a rerun in which
// every one of 12 runs (400 updates) is loaded from its gob file and rbm_spectra.csv, drift.csv
// and summary.json are rewritten (plots off).
func BenchmarkRBMStageReload(b *testing.B) {
	dir := b.TempDir()
	cfg := filepath.Join(dir, "fp.toml")
	os.WriteFile(cfg, []byte(ensRBMConfig(12, 400, 1)+"[output]\nplots = false\n"), 0o644)
	out := filepath.Join(dir, "out")
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		b.Fatal("first run failed")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
			b.Fatal("rerun failed")
		}
	}
}

// BenchmarkRBMStageTrain measures a fresh rbm stage of 12 runs x 400 updates (plots off),
// training included, to compare with the reload above.
func BenchmarkRBMStageTrain(b *testing.B) {
	dir := b.TempDir()
	cfg := filepath.Join(dir, "fp.toml")
	os.WriteFile(cfg, []byte(ensRBMConfig(12, 400, 1)+"[output]\nplots = false\n"), 0o644)
	for i := 0; i < b.N; i++ {
		out := filepath.Join(dir, fmt.Sprintf("out%d", i))
		if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
			b.Fatal("run failed")
		}
	}
}
