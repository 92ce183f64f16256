package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The checks of a [langevin] run that cannot produce sensible numbers (stage_langevin.go's
// "The checks of a [langevin] run").

// blowupConfig is one harmonic mode (Omega = 1) with [time] and [langevin] at step alpha.
func blowupConfig(alpha float64) string {
	return fmt.Sprintf(`
[model]
drift = "harmonic"
kappa = [1.0]
omega = [1.0]
[noise]
g2 = 0.01
[grid]
points = 50
[time]
t_end = 0.5
dt = 0.01
snapshots = 3
[langevin]
walkers = 200
alpha = %g
batch = 16
steps = 50
seed = 1
`, alpha)
}

// TestUnstableStepRefusedUpFront: alpha * Omega = 3 once exited 0 with a mean of -4.9e147. Now
// it is refused before any stage runs: exit 1, one line naming the mode, alpha * Omega and the
// limit, and no stage output in the output directory (the [time] stage, which runs first,
// writes nothing either).
func TestUnstableStepRefusedUpFront(t *testing.T) {
	t.Parallel()
	dir, _, stderr, code := runConfig(t, blowupConfig(3))
	if code == 0 {
		t.Fatal("alpha * Omega = 3 ran")
	}
	line := strings.TrimSpace(stderr)
	for _, want := range []string{"mode 0", "alpha * Omega = 3 * 1 = 3", "stability limit 2"} {
		if !strings.Contains(line, want) {
			t.Errorf("stderr %q does not say %q", line, want)
		}
	}
	if strings.Count(line, "\n") > 0 {
		t.Errorf("stderr is more than one line: %q", line)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".png") || n == "summary.json" || n == "runs" {
			t.Errorf("the refused run wrote %s", n)
		}
	}
}

// TestOscillatingStepWarns: alpha * Omega = 1.5 runs but warns, on stderr and in the summary's
// langevin "warnings"; alpha * Omega = 0.05 has no warnings key at all.
func TestOscillatingStepWarns(t *testing.T) {
	t.Parallel()
	dir, _, stderr, code := runConfig(t, blowupConfig(1.5))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: langevin: mode 0: alpha * Omega = 1.5") {
		t.Errorf("stderr %q has no oscillation warning", stderr)
	}
	w, _ := readSummary(t, dir)["langevin"].(map[string]any)["warnings"].([]any)
	if len(w) != 1 || !strings.Contains(w[0].(string), "alpha * Omega = 1.5") {
		t.Errorf("summary warnings %v, want the oscillation", w)
	}
	dir, _, stderr, _ = runConfig(t, blowupConfig(0.05))
	if _, ok := readSummary(t, dir)["langevin"].(map[string]any)["warnings"]; ok || strings.Contains(stderr, "warning") {
		t.Errorf("a well-behaved run warns: %q", stderr)
	}
}

// tableConfig is one table mode on [-1, 1] whose drift D1 = slope x pushes away from 0: the
// up-front check has no curvature to check (D1 never turns from + to -), the walls keep the
// walkers in, and the moves that overshoot the far wall too are rejected.
func tableConfig(t *testing.T, slope, alpha float64) string {
	t.Helper()
	tmp := t.TempDir()
	var b strings.Builder
	b.WriteString("mode,x,drift,drift_err,diffusion,diffusion_err,count,expected\n")
	for k := 0; k <= 20; k++ {
		x := -1 + 0.1*float64(k)
		fmt.Fprintf(&b, "0,%g,%g,0,0.01,0,1000,%g\n", x, slope*x, slope*x)
	}
	p := filepath.Join(tmp, "drift.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`
[model]
drift = "table"
table = %q
[grid]
points = 50
lo = -1.0
hi = 1.0
[initial]
kind = "uniform"
[langevin]
walkers = 200
alpha = %g
batch = 16
steps = 200
seed = 1
`, p, alpha)
}

// TestRejectionsWarnAndStop: an outward table drift (a growth the up-front check cannot see,
// held in by the walls) at a step that jumps past both walls rejects most moves: the run stops
// with one line naming the fraction and the likely cause. A milder one (a few percent rejected)
// runs and warns on stderr and in the summary.
func TestRejectionsWarnAndStop(t *testing.T) {
	t.Parallel()
	_, _, stderr, code := runConfig(t, tableConfig(t, 50, 0.1))
	if code == 0 || !strings.Contains(stderr, "langevin: ") || !strings.Contains(stderr, "were rejected at the walls (limit 50%)") {
		t.Errorf("exit %d, stderr %q: want a stop for the rejections", code, stderr)
	}
	dir, _, stderr, code := runConfig(t, tableConfig(t, 20.5, 0.1))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "were rejected at the walls (above 1%)") {
		t.Errorf("stderr %q has no rejection warning", stderr)
	}
	w, _ := readSummary(t, dir)["langevin"].(map[string]any)["warnings"].([]any)
	if len(w) == 0 || !strings.Contains(fmt.Sprint(w), "rejected") {
		t.Errorf("summary warnings %v, want the rejections", w)
	}
}

// TestRunTimeFailureSaysWhatIsKept: when a stage fails at run time after others completed, the
// one-line error says that their outputs are kept and where.
func TestRunTimeFailureSaysWhatIsKept(t *testing.T) {
	t.Parallel()
	dir, _, stderr, code := runConfig(t, tableConfig(t, 50, 0.1)+"[time]\nt_end = 0.1\ndt = 0.01\n")
	if code == 0 || !strings.Contains(stderr, "(the outputs of the completed stages fokkerplanck are in "+dir+")") ||
		strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "density.csv")); err != nil {
		t.Errorf("the completed stage's output: %v", err)
	}
}
