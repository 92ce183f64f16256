package main

import (
	"context"
	"strings"
	"testing"

	"fpsolve/internal/config"
)

// plainPipeline is testdata/pipeline_plain.toml (no resolution keys) at the reduced statistics
// of gradedPipeline.
func plainPipeline(t *testing.T) string { return reducedPipeline(t, "pipeline_plain.toml") }

func TestPlainPipeline(t *testing.T) {
	t.Parallel()
	// The comparison with the defaults: without any resolution key the command chooses log
	// bins, drift windows and a graded grid from the step-0 spectra, says so, and then the
	// Fokker-Planck equation and the walkers reproduce every eigenvalue along the path with the
	// allowances of TestGradedPipeline (means within 4 standard errors, variances within 45%:
	// with 120 runs the sample variance is uncertain by about 15%). Before the choice, the same
	// config missed the lowest eigenvalue's final mean by 12 standard errors and its variance by
	// 83% (at 400 runs).
	if testing.Short() {
		t.Skip("trains 120 RBMs (about 12 s)")
	}
	dir, _, stderr, code := runConfig(t, plainPipeline(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"resolution: rbm.log_bins = ", "resolution: rbm.drift_windows = ", "resolution: grid.wall_cell = "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr has no %q:\n%s", want, stderr)
		}
	}
	sum := readSummary(t, dir)
	res, ok := sum["resolution"].(map[string]any)
	if !ok || num(t, res, "log_bins") < 20 || num(t, res, "drift_windows") < 20 || num(t, res, "wall_cell") > 1e-8 {
		t.Errorf("summary resolution %v: want log bins, tens of windows and a wall cell below 1e-8", res)
	}
	cmp := sum["comparison"].(map[string]any)
	// The 30% variance line of the warnings is within the sampling error of 120 runs; the
	// thin-table warning must not appear (every window holds at least 10,000 increments).
	warns, _ := cmp["warnings"].([]any)
	for _, w := range warns {
		if strings.Contains(w.(string), "fewer than") {
			t.Errorf("comparison warning: %v", w)
		}
	}
	for _, e := range cmp["times"].([]any) {
		e := e.(map[string]any)
		if pull, rel := num(t, e, "worst_mean_pull"), num(t, e, "worst_var_rel_diff"); pull > 4 || rel > 0.45 {
			t.Errorf("t = %v: worst mean pull %.2f, worst variance difference %.0f%%", e["t"], pull, 100*rel)
		}
	}
	if pull, rel := num(t, cmp, "worst_mean_pull"), num(t, cmp, "worst_var_rel_diff"); pull > 4 || rel > 0.45 {
		t.Errorf("last step: worst mean pull %.2f, worst variance difference %.0f%%", pull, 100*rel)
	}
}

// TestAutoResolutionKeys: a given key is kept and not reported; the choice needs a table drift
// and the config's own [rbm] ensemble; the chosen config is valid.
func TestAutoResolutionKeys(t *testing.T) {
	t.Parallel()
	base := plainPipeline(t)
	parse := func(s string) *config.Config {
		t.Helper()
		c, err := config.Parse([]byte(s), "t.toml")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	c := parse(base)
	lines, sum, err := autoResolution(ctx, c)
	if err != nil || len(lines) != 3 || sum == nil {
		t.Fatalf("plain: %q, %v, %v", lines, sum, err)
	}
	if c.RBM.LogBins == 0 || c.RBM.DriftWindows < 2 || c.Grid.WallCell == 0 || c.Grid.Points <= 400 {
		t.Errorf("plain: not applied: %+v %+v", c.RBM.Config, *c.Grid)
	}
	// Given keys win.
	s := strings.Replace(base, "seed = 1\n", "seed = 1\ndrift_windows = 3\nlog_bins = 4\n", 1)
	s = strings.Replace(s, "points = 400\n", "points = 400\nwall_cell = 1e-4\n", 1)
	c = parse(s)
	lines, sum, err = autoResolution(ctx, c)
	if err != nil || lines != nil || sum != nil {
		t.Errorf("all keys given: %q, %v, %v", lines, sum, err)
	}
	if c.RBM.DriftWindows != 3 || c.RBM.LogBins != 4 || c.Grid.WallCell != 1e-4 || c.Grid.Points != 400 {
		t.Errorf("given keys changed: %+v %+v", c.RBM.Config, *c.Grid)
	}
	c = parse(strings.Replace(base, "seed = 1\n", "seed = 1\ndrift_windows = 3\n", 1))
	if lines, _, _ := autoResolution(ctx, c); len(lines) != 2 || strings.Contains(strings.Join(lines, "\n"), "drift_windows") || c.RBM.DriftWindows != 3 {
		t.Errorf("drift_windows given: %q, %d windows", lines, c.RBM.DriftWindows)
	}
	// A model that is not the measured table has no use for it.
	c = parse(strings.Replace(base, `drift = "table"`, "drift = \"rbm\"\nkappa = [4.0, 4.4, 4.4, 5.4, 5.4, 6.6, 6.6, 7.6, 7.6, 8.0]\nmu2 = 9.0", 1) + "\n[noise]\ng2 = 0.01\n")
	if lines, sum, err := autoResolution(ctx, c); lines != nil || sum != nil || err != nil || c.RBM.DriftWindows != 1 {
		t.Errorf("drift = rbm: %q, %v, %v", lines, sum, err)
	}
}

// TestThinTableWarning: an ensemble of 3 runs measures the drift with too few increments per bin
// where the eigenvalues are; the comparison says so (summary and stderr), naming step, modes
// and window. (3 runs x 3000 updates in a few windows: bins of fewer than 100 increments under
// a third or more of the ensemble at some recorded steps.)
func TestThinTableWarning(t *testing.T) {
	t.Parallel()
	s := strings.Replace(plainPipeline(t), "runs = 120", "runs = 3", 1)
	s = strings.Replace(s, "walkers = 4000", "walkers = 300", 1)
	dir, _, stderr, code := runConfig(t, s)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	const want = "increments (or outside the bins): the measured drift there is uncertain"
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr has no thin-table warning:\n%s", stderr)
	}
	found := false
	for _, w := range readSummary(t, dir)["comparison"].(map[string]any)["warnings"].([]any) {
		found = found || strings.Contains(w.(string), want)
	}
	if !found {
		t.Error("summary comparison warnings have no thin-table warning")
	}
}
