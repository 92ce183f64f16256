package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRBMKillResume builds the command, stops it in mid-training with SIGKILL (and, separately,
// with SIGINT), reruns the same command to completion and checks that rbm_spectra.csv and
// drift.csv are those of an uninterrupted run: as a set of rows and byte for byte.
func TestRBMKillResume(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary and trains about 3 s of runs; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "fpsolve")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// 40 runs of 2 10^4 updates: about 3 s on 2 cores, each run about 0.1-0.2 s.
	const runs = 40
	cfg := ensWriteConfig(t, dir, strings.Replace(ensRBMConfig(runs, 20000, 7), "record_every = 100", "record_every = 1000", 1))
	ref := filepath.Join(dir, "ref")
	ensMustRun(t, "-config", cfg, "-out", ref)

	for _, c := range []struct {
		sig   syscall.Signal
		twice bool // a second signal 1 ms after the first (exits at once if the run still runs)
	}{{syscall.SIGKILL, false}, {syscall.SIGINT, false}, {syscall.SIGINT, true}} {
		sig, twice, name := c.sig, c.twice, c.sig.String()
		if twice {
			name += " twice"
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(name, " ", ""))
			cmd := exec.Command(bin, "-config", cfg, "-out", out)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Signal once a few runs are saved (about 1 s in).
			glob := filepath.Join(out, "runs", "rbm", "member-*.gob")
			for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
				if m, _ := filepath.Glob(glob); len(m) >= 5 {
					break
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if twice {
				// The first signal stops the training within milliseconds now, so the second
				// may come too late; TestSecondSignalExits checks the second-signal exit.
				time.Sleep(time.Millisecond)
				cmd.Process.Signal(sig)
			}
			err := cmd.Wait()
			if err == nil {
				t.Skipf("the run finished before the %v (machine too fast for this config)", sig)
			}
			switch {
			case twice && strings.Contains(stderr.String(), "interrupted by signal"):
				t.Logf("two SIGINTs: the first stopped the run before the second (%v)", err)
			case twice:
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "second signal") {
					t.Errorf("two SIGINTs: %v, stderr %q; want exit 130 and the second-signal message", err, stderr.String())
				}
			case sig == syscall.SIGINT && !strings.Contains(stderr.String(), "interrupted"):
				t.Errorf("SIGINT: stderr %q does not report the interruption", stderr.String())
			}
			if _, err := os.Stat(filepath.Join(out, "rbm_spectra.csv")); err == nil {
				t.Errorf("an interrupted run wrote rbm_spectra.csv")
			}
			members, _ := filepath.Glob(glob)
			t.Logf("%v: %d of %d runs saved", sig, len(members), runs)
			if len(members) >= runs {
				t.Skip("every run was saved before the signal")
			}

			if o, err := exec.Command(bin, "-config", cfg, "-out", out).CombinedOutput(); err != nil {
				t.Fatalf("rerun: %v\n%s", err, o)
			}
			for _, f := range []string{"rbm_spectra.csv", "drift.csv"} {
				a, b := ensRead(t, filepath.Join(ref, f)), ensRead(t, filepath.Join(out, f))
				la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
				sort.Strings(la)
				sort.Strings(lb)
				if strings.Join(la, "\n") != strings.Join(lb, "\n") {
					t.Errorf("%s: the resumed run has other rows than the uninterrupted one", f)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s: the resumed run is not byte-identical to the uninterrupted one", f)
				}
			}
		})
	}
}
