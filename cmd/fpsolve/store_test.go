package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fpsolve/internal/outdir"
)

// The run store's promises at the command level: each test is one way the store could return
// numbers that belong to another question.

// storeUniformConfig is one slow harmonic mode whose walkers start uniform on the grid range:
// after t = 0.01 (Omega t = 1e-3) their mean is still the middle of [lo, hi].
func storeUniformConfig(hi float64) string {
	return fmt.Sprintf(`
[model]
drift = "harmonic"
kappa = [1.0]
omega = [0.1]
[noise]
g2 = 0.001
[grid]
points = 50
lo = 0.0
hi = %g
[initial]
kind = "uniform"
[langevin]
walkers = 2000
alpha = 0.001
batch = 16
steps = 10
seed = 5
`, hi)
}

func langevinMean(t *testing.T, dir string) float64 {
	t.Helper()
	return ensSummary(t, dir)["langevin"].(map[string]any)["modes"].([]any)[0].(map[string]any)["mean"].(float64)
}

// TestStoreKeyHasTheGrid: walker blocks stored for grid.hi = 2 are not reused for grid.hi = 20,
// even when they sit in the directory of a run of the second config (the key changes with the
// grid; once it did not, and the mean came out as 1.0 instead of 10).
func TestStoreKeyHasTheGrid(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	cfgA := ensWriteConfig(t, filepath.Join(dir, "A"), storeUniformConfig(2))
	cfgB := ensWriteConfig(t, filepath.Join(dir, "B"), storeUniformConfig(20))
	ensMustRun(t, "-config", cfgA, "-out", a)
	ensMustRun(t, "-config", cfgB, "-out", b)
	// Uniform on [0, hi] has mean hi/2 and sd hi/sqrt(12); the mean of 2000 walkers is within
	// 4 sd/sqrt(2000) = 0.026 hi of it (the drift moves it by Omega t = 1e-3 of the distance
	// to kappa).
	if m := langevinMean(t, a); abs(m-1) > 0.026*2 {
		t.Fatalf("grid.hi = 2: walker mean %g, want 1", m)
	}
	if m := langevinMean(t, b); abs(m-10) > 0.026*20 {
		t.Fatalf("grid.hi = 20: walker mean %g, want 10", m)
	}
	// c is a run of B whose store holds A's blocks.
	ensMustRun(t, "-config", cfgB, "-out", c)
	blocks, _ := filepath.Glob(filepath.Join(a, "runs", "langevin", "member-*.gob"))
	if len(blocks) != 2 {
		t.Fatalf("%d walker blocks stored, want 2", len(blocks))
	}
	for _, f := range blocks {
		if err := os.WriteFile(filepath.Join(c, "runs", "langevin", filepath.Base(f)), ensRead(t, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ensMustRun(t, "-config", cfgB, "-out", c)
	if m := langevinMean(t, c); m != langevinMean(t, b) {
		t.Errorf("B with A's blocks in its store: walker mean %g, a fresh run of B gives %g", m, langevinMean(t, b))
	}
	if !bytes.Equal(ensRead(t, filepath.Join(b, "langevin.csv")), ensRead(t, filepath.Join(c, "langevin.csv"))) {
		t.Error("langevin.csv differs from a fresh run of the same config")
	}

	// B into A's directory is refused with one line; with -force A's outputs move aside and
	// the result is B's.
	code, _, errs := ensRun(t, "-config", cfgB, "-out", a)
	if code == 0 || !strings.Contains(errs, "another config") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("another config into a used directory: exit %d, stderr %q", code, errs)
	}
	ensMustRun(t, "-config", cfgB, "-out", a, "-force")
	if !bytes.Equal(ensRead(t, filepath.Join(b, "langevin.csv")), ensRead(t, filepath.Join(a, "langevin.csv"))) {
		t.Error("-force: langevin.csv is not that of a fresh run")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestCorruptMemberNotRead flips one byte inside a stored training run, and truncates another:
// the rerun names each file on one line, retrains exactly those runs, and ends with the bytes of
// the intact run (once a flipped byte came back as an eigenvalue of 3.7e-183).
func TestCorruptMemberNotRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(6, 400, 1))
	out := filepath.Join(dir, "out")
	ensMustRun(t, "-config", cfg, "-out", out)
	want := ensRead(t, filepath.Join(out, "rbm_spectra.csv"))
	wantDrift := ensRead(t, filepath.Join(out, "drift.csv"))

	flip := filepath.Join(out, "runs", "rbm", "member-0000002.gob")
	b := ensRead(t, flip)
	b[len(b)/2] ^= 0x10
	os.WriteFile(flip, b, 0o644)
	cut := filepath.Join(out, "runs", "rbm", "member-0000004.gob")
	b = ensRead(t, cut)
	os.WriteFile(cut, b[:len(b)-7], 0o644)

	code, stdout, errs := ensRun(t, "-config", cfg, "-out", out)
	if code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errs)
	}
	var warns []string
	for _, l := range strings.Split(strings.TrimSpace(errs), "\n") {
		if strings.HasPrefix(l, "fpsolve: warning: ") {
			warns = append(warns, l)
		}
	}
	if len(warns) != 2 || !strings.Contains(warns[0], flip+": checksum mismatch") || !strings.Contains(warns[1], cut+": truncated") {
		t.Errorf("warnings %q: want one line for each damaged file, naming it and the damage", warns)
	}
	if !strings.Contains(stdout, "(2 trained now)") {
		t.Errorf("want the two damaged runs retrained:\n%s", stdout)
	}
	if !bytes.Equal(want, ensRead(t, filepath.Join(out, "rbm_spectra.csv"))) || !bytes.Equal(wantDrift, ensRead(t, filepath.Join(out, "drift.csv"))) {
		t.Error("the outputs after recomputing the damaged runs differ from the intact run's")
	}
}

// TestMergeChecksTheShardSet: merge refuses, naming what is missing and writing nothing, a set
// with a shard missing, a shard of another count, a shard whose member was deleted, and one that
// holds a member of another shard. It never trains in their place.
func TestMergeChecksTheShardSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(7, 300, 1))
	shard := func(name, spec string) string {
		s := filepath.Join(dir, name)
		ensMustRun(t, "-config", cfg, "-out", s, "-shard", spec)
		return s
	}
	s0, s1, s2 := shard("s0", "0/3"), shard("s1", "1/3"), shard("s2", "2/3")
	h1 := shard("h1", "1/2")
	merged := filepath.Join(dir, "merged")
	refuse := func(what, want string, shards ...string) {
		t.Helper()
		code, _, errs := ensRun(t, append([]string{"merge", "-out", merged}, shards...)...)
		if code == 0 || !strings.Contains(errs, want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want one line with %q", what, code, errs, want)
		}
		if _, err := os.Stat(merged); err == nil {
			t.Errorf("%s: merge wrote %s", what, merged)
		}
	}
	refuse("a shard missing", "shard 2/3 missing", s0, s1)
	refuse("a shard of another count", "shards of different counts", s0, h1, s2)
	refuse("the same shard twice", "are both shard 1/3", s0, s1, s1, s2)

	// A shard directory cannot be reused for another shard count.
	code, _, errs := ensRun(t, "-config", cfg, "-out", s1, "-shard", "1/2")
	if code == 0 || !strings.Contains(errs, "another run") {
		t.Errorf("shard 1/2 into the directory of shard 1/3: exit %d, stderr %q", code, errs)
	}

	// Shard 1 holds runs 1 and 4; without run 4 the set is incomplete.
	m4 := filepath.Join(s1, "runs", "rbm", "member-0000004.gob")
	saved := ensRead(t, m4)
	os.Remove(m4)
	refuse("a member deleted", s1+" (shard 1/3) lacks runs/rbm members 4 of 7", s0, s1, s2)
	os.WriteFile(m4, saved, 0o644)

	// Run 0 (shard 0's) copied into shard 1's store is foreign there.
	foreign := filepath.Join(s1, "runs", "rbm", "member-0000000.gob")
	os.WriteFile(foreign, ensRead(t, filepath.Join(s0, "runs", "rbm", "member-0000000.gob")), 0o644)
	refuse("a foreign member", "holds runs/rbm members 0 that belong to no shard 1", s0, s1, s2)
	os.Remove(foreign)

	// A damaged member is named.
	m3 := filepath.Join(s0, "runs", "rbm", "member-0000003.gob")
	b := ensRead(t, m3)
	b[100] ^= 1
	os.WriteFile(m3, b, 0o644)
	refuse("a damaged member", m3+": checksum mismatch", s0, s1, s2)
	b[100] ^= 1
	os.WriteFile(m3, b, 0o644)

	// The complete set merges, in any order, to the unsharded run, training nothing.
	full := filepath.Join(dir, "full")
	ensMustRun(t, "-config", cfg, "-out", full)
	out := ensMustRun(t, "merge", "-out", merged, s2, s0, s1)
	if !strings.Contains(out, "(0 trained now)") {
		t.Errorf("merge trained runs:\n%s", out)
	}
	for _, f := range []string{"rbm_spectra.csv", "drift.csv"} {
		if !bytes.Equal(ensRead(t, filepath.Join(full, f)), ensRead(t, filepath.Join(merged, f))) {
			t.Errorf("%s of the merged shards differs from the unsharded run", f)
		}
	}
}

// TestOneWriterPerDirectory: while a process holds the output directory, a second run into it
// is refused with one line naming the holder's PID, and writes nothing.
func TestOneWriterPerDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(2, 200, 1))
	out := filepath.Join(dir, "out")
	held, err := outdir.Claim(out, outdir.Record{Fingerprint: "another process"}, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := ensRun(t, "-config", cfg, "-out", out)
	if code == 0 || !strings.Contains(errs, fmt.Sprintf("in use by another fpsolve process (PID %d)", os.Getpid())) ||
		strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("second writer: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); err == nil {
		t.Error("the refused run wrote members")
	}
	held.Release()
}

// TestNoStaleOutputs: a [time] study and then a [langevin]-only config into one directory; the
// second is refused, and with -force the first one's density.* are moved aside, not left beside
// a summary that does not mention them.
func TestNoStaleOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	first := ensWriteConfig(t, filepath.Join(dir, "1"), `
[model]
drift = "harmonic"
kappa = [1.0]
omega = [1.0]
[noise]
g2 = 0.01
[grid]
points = 60
lo = 0.0
hi = 2.0
[time]
t_end = 0.5
dt = 0.05
`)
	ensMustRun(t, "-config", first, "-out", out)
	if _, err := os.Stat(filepath.Join(out, "density.csv")); err != nil {
		t.Fatal(err)
	}
	second := ensWriteConfig(t, filepath.Join(dir, "2"), ensLangevinConfig)
	if code, _, _ := ensRun(t, "-config", second, "-out", out); code == 0 {
		t.Fatal("another config ran into a used directory")
	}
	code, _, errs := ensRun(t, "-config", second, "-out", out, "-force")
	if code != 0 {
		t.Fatalf("-force: exit %d: %s", code, errs)
	}
	for _, f := range []string{"density.csv", "density.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("stale %s beside the new summary", f)
		}
	}
	moved, _ := filepath.Glob(out + ".replaced-*")
	if len(moved) != 1 || !strings.Contains(errs, moved[0]) {
		t.Fatalf("moved-aside folders %v; stderr %q should name it", moved, errs)
	}
	if _, err := os.Stat(filepath.Join(moved[0], "density.csv")); err != nil {
		t.Errorf("the old density.csv was not kept aside: %v", err)
	}
	if _, ok := ensSummary(t, out)["fokkerplanck"]; ok {
		t.Error("the new summary mentions the old stage")
	}
}

// TestShardNeedsAnEnsemble: -shard on a config with nothing to split is refused before any work.
func TestShardNeedsAnEnsemble(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, `
[model]
drift = "harmonic"
kappa = [1.0]
omega = [1.0]
[noise]
g2 = 0.01
[grid]
points = 40
lo = 0.0
hi = 2.0
[time]
t_end = 0.1
dt = 0.05
`)
	out := filepath.Join(dir, "out")
	code, _, errs := ensRun(t, "-config", cfg, "-out", out, "-shard", "0/2")
	if code == 0 || !strings.Contains(errs, "no ensemble to split") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("-shard without an ensemble: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the refused run created its output directory")
	}
}

// TestShardMergeRBMAndWalkers: an [rbm] ensemble and walkers that do not use it (their own
// model) are both sharded; the merge accepts the shards and matches the unsharded run. The
// walkers' key once held the number of rbm runs present, which is the shard's own in a shard.
func TestShardMergeRBMAndWalkers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(4, 200, 3)+`
[model]
drift = "rbm"
mu2 = 9.0
kappa = [5.0, 7.0]
[noise]
g2 = 0.01
[grid]
points = 100
[langevin]
walkers = 2048
alpha = 0.01
batch = 16
steps = 50
seed = 4
`)
	full := filepath.Join(dir, "full")
	ensMustRun(t, "-config", cfg, "-out", full)
	var shards []string
	for i := 0; i < 2; i++ {
		s := filepath.Join(dir, fmt.Sprintf("s%d", i))
		ensMustRun(t, "-config", cfg, "-out", s, "-shard", fmt.Sprintf("%d/2", i))
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged")
	ensMustRun(t, append([]string{"merge", "-out", merged}, shards...)...)
	for _, f := range []string{"rbm_spectra.csv", "langevin.csv"} {
		if !bytes.Equal(ensRead(t, filepath.Join(full, f)), ensRead(t, filepath.Join(merged, f))) {
			t.Errorf("%s of the merged shards differs from the unsharded run", f)
		}
	}
}
