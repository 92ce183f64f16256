package main

import (
	"fmt"
	"strings"
	"testing"

	"fpsolve/ensemble"
	"fpsolve/model"
	"fpsolve/rbmdrift"
)

// TestTimeUndershootWarns: TR-BDF2 on a drift far too steep for its cells (Omega dt = 2, the
// stationary width 0.0016 inside 0.05-wide cells) undershoots to about half the density's
// largest value; the run says so on stderr and in the summary instead of reporting its numbers
// as if nothing happened. Backward Euler, positivity preserving, gives no such warning.
func TestTimeUndershootWarns(t *testing.T) {
	t.Parallel()
	cfg := `
[model]
drift = "harmonic"
kappa = [1.0]
omega = [40.0]
[noise]
g2 = 0.0001
[grid]
points = 40
lo = 0.0
hi = 2.0
[initial]
kind = "gaussian"
mean = [1.8]
var = [0.0004]
[time]
t_end = 1.0
dt = 0.05
`
	dir, _, errs, code := runConfig(t, cfg)
	if code != 0 || !strings.Contains(errs, "fpsolve: warning: fokkerplanck: the density undershoots") {
		t.Fatalf("exit %d, stderr %q; want the undershoot warning", code, errs)
	}
	w, ok := readSummary(t, dir)["fokkerplanck"].(map[string]any)["warnings"].([]any)
	if !ok || len(w) != 1 {
		t.Errorf("summary warnings %v", w)
	}
	_, _, errs, code = runConfig(t, cfg+`method = "backward-euler"`+"\n")
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("backward Euler: exit %d, stderr %q; want no warning", code, errs)
	}
}

// TestDroppedWarning: drift increments outside the binned range (where the RBM is not
// normalisable) are named with their share of all increments; none, no warning.
func TestDroppedWarning(t *testing.T) {
	t.Parallel()
	acc := rbmdrift.NewDriftAccumulator(1, 10, 0, 9, 0.1)
	o := &rbmOutcome{acc: acc, ens: &ensemble.Trained{Drift: []model.WindowRows{{Rows: []model.TableRow{{Count: 90}, {Count: 9}}}}}}
	if w := o.droppedWarning(); w != "" {
		t.Errorf("no drops: %q", w)
	}
	acc.Dropped = 1
	if w := o.droppedWarning(); !strings.Contains(w, "1 drift increments (1% of all) fell outside [0, 9)") {
		t.Errorf("one drop in 100: %q", w)
	}
}

// TestSpectrumCheckOff: [spectrum] check = false skips the finite-difference cross-check (no
// fd_eigenvalues), and the levels are those of the run with the check.
func TestSpectrumCheckOff(t *testing.T) {
	t.Parallel()
	cfg := `
[model]
drift = "harmonic"
kappa = [0.0]
omega = [1.0]
[noise]
g2 = 0.1
[grid]
points = 400
lo = -3.0
hi = 3.0
[spectrum]
states = 4
`
	on, _, errs, code := runConfig(t, cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	off, _, errs, code := runConfig(t, cfg+"check = false\n")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	son, soff := readSummary(t, on)["spectrum"].(map[string]any), readSummary(t, off)["spectrum"].(map[string]any)
	if _, ok := son["fd_eigenvalues"]; !ok {
		t.Error("the default run has no finite-difference check")
	}
	if _, ok := soff["fd_eigenvalues"]; ok {
		t.Error("check = false still ran the finite-difference check")
	}
	if fmt.Sprint(son["eigenvalues"]) != fmt.Sprint(soff["eigenvalues"]) {
		t.Errorf("levels differ: %v and %v", son["eigenvalues"], soff["eigenvalues"])
	}
}
