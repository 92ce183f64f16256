package config

import (
	"strings"
	"testing"
)

// gradedBase is an rbm-driven table model with a [time] grid, for the keys of graded bins and
// graded grids; the cases append keys to its sections by name.
func gradedBase(rbmKeys, modelKeys, gridKeys string) string {
	return rbmBase + rbmKeys + `
[model]
drift = "table"
coulomb = false
` + modelKeys + `
[grid]
points = 300
` + gridKeys + `
[initial]
kind = "rbm"

[time]
t_end = 1.0
dt = 0.1
`
}

func TestGradedKeys(t *testing.T) {
	t.Parallel()
	// Defaults: no log bins, equal cells; a graded grid with the default ratio when wall_cell
	// is set.
	c, err := Parse([]byte(gradedBase("", "", "")), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.RBM.LogBins != 0 || c.Grid.WallCell != 0 {
		t.Errorf("defaults: log_bins %d, wall_cell %g", c.RBM.LogBins, c.Grid.WallCell)
	}
	set := gradedBase("log_bins = 20\nlog_floor = 1e-8\n", "", "wall_cell = 1e-9\n")
	c, err = Parse([]byte(strings.Replace(set, "points = 300", "points = 1300", 1)), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.RBM.LogBins != 20 || c.Grid.Points != 1300 || c.Grid.WallRatio != DefaultWallRatio {
		t.Errorf("set: log_bins %d, points %d, wall_ratio %g", c.RBM.LogBins, c.Grid.Points, c.Grid.WallRatio)
	}
	// Each refusal is one line naming the key.
	// wall_cell = 1e-9 with ratio 1.02 needs about 850 cells for its ramp: 300 are too few.
	for _, tc := range []struct{ rbm, model, grid, want string }{
		{"", "", "wall_cell = 1e-9\n", "grid.wall_cell"},
		{"log_bins = -1\n", "", "", "rbm.log_bins: -1 must be at least 0"},
		{"log_bins = 5\nlog_floor = -1e-8\n", "", "", "rbm.log_floor: -1e-08 must be non-negative"},
		{"log_bins = 5\nlog_floor = 0.5\n", "", "", "rbm.log_floor: 0.5 must lie below the first bin's width"},
		{"", "", "wall_cell = -1e-9\n", "grid.wall_cell: -1e-09 must be positive"},
		{"", "", "wall_cell = 1e-9\nwall_ratio = 1.0\n", "grid.wall_ratio: 1 must lie in (1, 2]"},
		{"", "", "wall_cell = 0.5\n", "grid.wall_cell"},
		{"", "", "wall_cell = 1e-300\nwall_ratio = 1.001\n", "grid.wall_cell"},
	} {
		_, err := Parse([]byte(gradedBase(tc.rbm, tc.model, tc.grid)), "t.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q %q %q: err = %v, want one line with %q", tc.rbm, tc.model, tc.grid, err, tc.want)
		}
	}
	// A graded grid solves the modes one by one: refused with the Coulomb term on.
	s := strings.Replace(gradedBase("", "", "wall_cell = 1e-9\n"), "coulomb = false", "coulomb = true", 1)
	if _, err := Parse([]byte(s), "t.toml"); err == nil || !strings.Contains(err.Error(), "grid.wall_cell: a graded grid solves the modes one by one") {
		t.Errorf("graded grid with coulomb: err = %v", err)
	}
}

func TestDriftTableMemory(t *testing.T) {
	t.Parallel()
	// 2 runs x 4 modes x 1e9 bins x 56 bytes is far beyond MaxBytes: refused before training.
	_, err := Parse([]byte(rbmBase+"bins = 1000000000\n"), "t.toml")
	if err == nil || !strings.Contains(err.Error(), "rbm.bins: the drift tables of 2 runs need about") {
		t.Errorf("err = %v", err)
	}
}

func TestNoiseSlopeKey(t *testing.T) {
	t.Parallel()
	// noise.slope: one number or one per mode, finite; only for drifts with a potential, and
	// not with [spectrum] (H_FP needs a constant g^2). Each refusal is one line naming the key.
	base := func(model, noise, extra string) string {
		return "[model]\n" + model + "\n[noise]\n" + noise + "\n[langevin]\nwalkers = 10\nalpha = 0.01\nbatch = 4\nsteps = 10\n" + extra
	}
	rbm := "drift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0, 6.0]"
	c, err := Parse([]byte(base(rbm, "g2 = 0.01\nslope = [1.0, 2.0]", "")), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Slope(); len(got) != 2 || got[1] != 2 {
		t.Errorf("Slope() = %v", got)
	}
	for _, tc := range []struct{ model, noise, extra, want string }{
		{rbm, "g2 = 0.01\nslope = [1.0, 2.0, 3.0]", "", "noise.slope: has 3 entries"},
		{rbm, "g2 = 0.01\nslope = nan", "", "noise.slope[0]: NaN must be finite"},
		{rbm, "g2 = 0.01\nslope = 1.0", "[grid]\npoints = 10\n[spectrum]\nstates = 2\n", "noise.slope: [spectrum] needs a constant noise"},
	} {
		_, err := Parse([]byte(base(tc.model, tc.noise, tc.extra)), "t.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: err = %v, want one line with %q", tc.noise, err, tc.want)
		}
	}
}
