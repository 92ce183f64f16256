package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopConfigs are runs of minutes, one per stage that computes: the signal comes in the middle
// of one unit of work (one training run, one walker block, one eigenproblem, one evolution).
var stopConfigs = []struct {
	stage string // the progress label on stderr
	final string // the stage's output file, which an interrupted run must not write
	cfg   string
}{
	{"rbm", "rbm_spectra.csv", strings.Replace(strings.Replace(ensRBMConfig(2, 100_000_000, 1),
		"record_every = 100\n", "record_every = 10000000\n", 1), "bins = 600\n", "bins = 60\n", 1)},
	{"teacher", "teacher_spectra.csv", `
[teacher]
runs = 2
steps = 2000000000
record_every = 1000000000
`},
	{"langevin", "langevin.csv", strings.Replace(ensLangevinConfig, "steps = 1000\n", "steps = 1000000000\n", 1)},
	{"spectrum", "spectrum.csv", `
[model]
drift = "rbm"
kappa = [5.0, 5.0]
mu2 = 9.0
[noise]
g2 = 0.01
[grid]
points = 1200
[spectrum]
states = 6
`},
	{"fokkerplanck", "density.csv", `
[model]
drift = "harmonic"
kappa = [0.5]
omega = [2.0]
[noise]
g2 = 0.1
[grid]
points = 1600
lo = -3.0
hi = 4.0
[initial]
kind = "gaussian"
mean = [1.5]
var = [0.02]
[time]
t_end = 0.5
dt = 1e-7
snapshots = 3
`},
}

// TestSignalStopsEveryStage builds the command, starts each stage on a config that computes for
// minutes, sends SIGINT once the stage is computing and checks that the command exits within
// 3 s (the promise is 1 s; the margin is for a loaded machine) with status 1 and the
// interruption message, and without the stage's output file.
func TestSignalStopsEveryStage(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := stopBuild(t, dir)
	for _, c := range stopConfigs {
		t.Run(c.stage, func(t *testing.T) {
			t.Parallel()
			sub := filepath.Join(dir, c.stage)
			cfg := ensWriteConfig(t, sub, c.cfg)
			out := filepath.Join(sub, "out")
			cmd, stderr := stopStart(t, bin, cfg, out)
			// Signal once the stage has been computing for a while (past its set-up).
			stopWait(t, stderr, c.stage+": started")
			time.Sleep(time.Second)
			lat, code := stopSignal(t, cmd)
			t.Logf("%s: exit %d %v after SIGINT", c.stage, code, lat)
			if code != 1 || !strings.Contains(stderr.String(), errInterrupted.Error()) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), errInterrupted.Error())
			}
			if lat > 3*time.Second {
				t.Errorf("stopped %v after SIGINT; want < 3 s (promise: 1 s)", lat)
			}
			if _, err := os.Stat(filepath.Join(out, c.final)); err == nil {
				t.Errorf("an interrupted run wrote %s", c.final)
			}
			if m, _ := filepath.Glob(filepath.Join(out, "runs", "*", "member-*")); len(m) > 0 {
				t.Errorf("a member stopped in mid-computation was saved: %v", m)
			}
		})
	}
}

// TestSignalMidUnitResumes: a signal in the middle of the second training run or walker block
// keeps the first, drops the second, and the rerun finishes with the bytes of an uninterrupted
// run.
func TestSignalMidUnitResumes(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := stopBuild(t, dir)
	for _, c := range []struct {
		stage, final, cfg string
	}{
		// One worker per run: 3 runs on 2 cores, the third starts when one of the first ends.
		{"rbm", "rbm_spectra.csv", strings.Replace(ensRBMConfig(3, 300_000, 2), "record_every = 100\n", "record_every = 10000\n", 1)},
		// Two blocks of 1024 walkers, one after the other.
		{"langevin", "langevin.csv", strings.Replace(strings.Replace(ensLangevinConfig, "steps = 1000\n", "steps = 20000\n", 1),
			"walkers = 4096\n", "walkers = 2048\n", 1)},
	} {
		t.Run(c.stage, func(t *testing.T) {
			t.Parallel()
			sub := filepath.Join(dir, c.stage)
			cfg := ensWriteConfig(t, sub, c.cfg)
			ref, out := filepath.Join(sub, "ref"), filepath.Join(sub, "out")
			if o, err := exec.Command(bin, "-config", cfg, "-out", ref).CombinedOutput(); err != nil {
				t.Fatalf("uninterrupted run: %v\n%s", err, o)
			}
			cmd, stderr := stopStart(t, bin, cfg, out)
			glob := filepath.Join(out, "runs", c.stage, "member-*")
			for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(10 * time.Millisecond) {
				if m, _ := filepath.Glob(glob); len(m) >= 1 {
					break
				}
			}
			time.Sleep(50 * time.Millisecond) // into the next unit
			lat, code := stopSignal(t, cmd)
			saved, _ := filepath.Glob(glob)
			t.Logf("%s: exit %d %v after SIGINT, %d members saved", c.stage, code, lat, len(saved))
			if code == 0 {
				t.Skip("the run finished before the signal (machine too fast for this config)")
			}
			if code != 1 || !strings.Contains(stderr.String(), errInterrupted.Error()) {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			if o, err := exec.Command(bin, "-config", cfg, "-out", out).CombinedOutput(); err != nil {
				t.Fatalf("rerun: %v\n%s", err, o)
			}
			if !bytes.Equal(ensRead(t, filepath.Join(ref, c.final)), ensRead(t, filepath.Join(out, c.final))) {
				t.Errorf("%s: the resumed run is not byte-identical to the uninterrupted one", c.final)
			}
		})
	}
}

func stopBuild(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "fpsolve")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// syncBuffer is a bytes.Buffer that the command's stderr copier and the test share.
type syncBuffer struct {
	mu chan struct{}
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return s.b.String()
}

func stopStart(t *testing.T, bin, cfg, out string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "-config", cfg, "-out", out)
	stderr := &syncBuffer{mu: make(chan struct{}, 1)}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, stderr
}

// stopWait waits (up to 30 s) until stderr contains s.
func stopWait(t *testing.T, stderr *syncBuffer, s string) {
	t.Helper()
	for start := time.Now(); !strings.Contains(stderr.String(), s); time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatalf("no %q on stderr after 30 s: %q", s, stderr.String())
		}
	}
}

// stopSignal sends SIGINT and returns the time until the command exited and its exit code.
func stopSignal(t *testing.T, cmd *exec.Cmd) (time.Duration, int) {
	t.Helper()
	t0 := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		lat := time.Since(t0)
		if ee, ok := err.(*exec.ExitError); ok {
			return lat, ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return lat, 0
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 30 s after SIGINT")
		return 0, -1
	}
}

// TestWatchSignals: the first signal cancels the run's context and nothing else; the second
// exits at once with status 130 and says so on one line.
func TestWatchSignals(t *testing.T) {
	t.Parallel()
	sig := make(chan os.Signal, 2)
	stderr := &syncBuffer{mu: make(chan struct{}, 1)}
	exited := make(chan int, 1)
	ctx, stop := watchSignals(sig, stderr, func(code int) { exited <- code })
	defer stop()
	sig <- syscall.SIGINT
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first signal did not cancel the context")
	}
	select {
	case code := <-exited:
		t.Fatalf("the first signal exited (%d)", code)
	case <-time.After(50 * time.Millisecond):
	}
	sig <- syscall.SIGTERM
	select {
	case code := <-exited:
		if code != 130 || !strings.Contains(stderr.String(), "fpsolve: second signal: exiting now") {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not exit")
	}
}
