package outdir

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLockRefusesSecondWriter(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	a, err := Claim(dir, Record{Fingerprint: "A"}, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file, so a second claim in this process conflicts as a
	// second process would.
	_, err = Claim(dir, Record{Fingerprint: "A"}, false, t0)
	pid := strconv.Itoa(os.Getpid())
	if err == nil || !strings.Contains(err.Error(), "in use by another fpsolve process (PID "+pid+")") {
		t.Fatalf("second claim: %v", err)
	}
	a.Release()
	b, err := Claim(dir, Record{Fingerprint: "A"}, false, t0)
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	b.Release()
}

func TestOtherRunRefusedOrMovedAside(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	d, err := Claim(dir, Record{Fingerprint: "A", Config: "a.toml"}, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "density.csv"), "old")
	write(t, filepath.Join(dir, "runs", "rbm", "member-0000000.gob"), "old")
	write(t, filepath.Join(dir, "alpha=0.1", "scaling.csv"), "old")
	write(t, filepath.Join(dir, "alpha=0.1", "runs", "rbm", "member-0000001.gob"), "old")
	d.Release()

	// The same run continues in place.
	d, err = Claim(dir, Record{Fingerprint: "A", Config: "a.toml"}, false, t0)
	if err != nil {
		t.Fatalf("same fingerprint: %v", err)
	}
	d.Release()

	// Another run is refused, and nothing is touched.
	_, err = Claim(dir, Record{Fingerprint: "B", Config: "b.toml"}, false, t0)
	if err == nil || !strings.Contains(err.Error(), "another config (a.toml") || !strings.Contains(err.Error(), "-force") {
		t.Fatalf("other fingerprint: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "density.csv")); err != nil {
		t.Fatalf("a refused claim touched the directory: %v", err)
	}

	// Forced: the old contents move into a dated sibling; the directory holds only the new record.
	d, err = Claim(dir, Record{Fingerprint: "B", Config: "b.toml"}, true, t0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	want := dir + ".replaced-20261202-050000"
	if d.MovedTo != want {
		t.Errorf("moved to %q, want %q", d.MovedTo, want)
	}
	for _, f := range []string{"density.csv", "run.json", "alpha=0.1/scaling.csv"} {
		if _, err := os.Stat(filepath.Join(want, f)); err != nil {
			t.Errorf("old %s not moved aside: %v", f, err)
		}
		if _, err := os.Stat(filepath.Join(dir, f)); f != "run.json" && err == nil {
			t.Errorf("stale %s left beside the new run", f)
		}
	}
	// Run stores stay in place, at any depth: their members are keyed by their inputs.
	for _, f := range []string{"runs/rbm/member-0000000.gob", "alpha=0.1/runs/rbm/member-0000001.gob"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("run store %s not kept: %v", f, err)
		}
	}
	rec, err := ReadRecord(dir)
	if err != nil || rec == nil || rec.Fingerprint != "B" {
		t.Errorf("record after force: %+v, %v", rec, err)
	}
}

func TestUnknownContentsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "notes.txt"), "mine")
	_, err := Claim(dir, Record{Fingerprint: "A"}, false, t0)
	if err == nil || !strings.Contains(err.Error(), "no fpsolve run record") {
		t.Fatalf("claim of a directory with foreign files: %v", err)
	}
	write(t, filepath.Join(dir, RecordName), "{not json")
	_, err = Claim(dir, Record{Fingerprint: "A"}, false, t0)
	if err == nil || !strings.Contains(err.Error(), "not a run record") {
		t.Fatalf("claim with a damaged record: %v", err)
	}
}

func TestTemporaryFilesRemoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d, err := Claim(dir, Record{Fingerprint: "A"}, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	d.Release()
	write(t, filepath.Join(dir, ".summary.json.tmp123456"), "half")
	write(t, filepath.Join(dir, "runs", "rbm", ".member-0000001.gob.tmp99"), "half")
	write(t, filepath.Join(dir, "keep.tmp1"), "a result file")
	d, err = Claim(dir, Record{Fingerprint: "A"}, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Release()
	if d.Removed != 2 {
		t.Errorf("removed %d temporary files, want 2", d.Removed)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep.tmp1")); err != nil {
		t.Errorf("a non-temporary file was removed: %v", err)
	}
}
