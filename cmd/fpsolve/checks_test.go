package main

import (
	"os"
	"strings"
	"testing"
)

// TestRefusedBeforeComputing: configs that used to fail (or misbehave) after earlier stages had
// written their outputs are refused up front: one line on stderr naming fp.toml and the key, a
// non-zero exit and nothing written.
func TestRefusedBeforeComputing(t *testing.T) {
	t.Parallel()
	const ou = "[model]\ndrift = \"harmonic\"\nkappa = [1.0]\nomega = [2.0]\n[noise]\ng2 = 0.1\n[grid]\npoints = 20\nlo = -2.0\nhi = 4.0\n[time]\nt_end = 0.1\ndt = 0.05\nsnapshots = 2\n"
	for _, tc := range []struct{ name, cfg, want string }{
		{"spectrum states above the solver's limit", ou + "[spectrum]\nstates = 7\n", "spectrum.states: 7 is more than the eigensolver computes on 20 unknowns: at most 6"},
		{"gaussian mean outside the grid", ou + "[initial]\nkind = \"gaussian\"\nmean = [9.0]\nvar = [0.1]\n", "initial.mean[0]: 9 is outside the grid"},
		{"marchenko-pastur rows", ou + "[initial]\nkind = \"marchenko-pastur\"\nratio = 1.0\nweight_var = 1.0\nrows = 3\n[langevin]\nwalkers = 10\nalpha = 0.01\nbatch = 4\nsteps = 5\n", "initial.rows: 3 rows with ratio = 1 give 3 eigenvalues"},
		{"negative seed", ou + "[langevin]\nwalkers = 10\nalpha = 0.01\nbatch = 4\nsteps = 5\nseed = -1\n", "langevin.seed: -1 must be >= 0"},
		{"rbm.init_sigma = 0", "[rbm]\nvisible = 4\nhidden = 4\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\ninit_sigma = 0.0\nalpha = 0.1\nbatch = 4\ngibbs_steps = 1\nsteps = 200\nruns = 10\nrecord_every = 50\n", "rbm.init_sigma: 0 must be > 0"},
		{"duplicate sweep alpha", "[rbm]\nvisible = 4\nhidden = 4\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\ninit_sigma = 0.1\nalpha = 0.1\nbatch = 4\ngibbs_steps = 1\nsteps = 200\nruns = 10\nrecord_every = 50\n[sweep]\nalpha = [0.1, 0.1]\n", "sweep.alpha[1]: 0.1 repeats sweep.alpha[0]"},
		{"drift windows too short for a table", "[rbm]\nvisible = 4\nhidden = 4\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\ninit_sigma = 0.1\nalpha = 0.1\nbatch = 4\ngibbs_steps = 1\nsteps = 40\nruns = 2\nrecord_every = 10\ndrift_windows = 20\n[model]\ndrift = \"table\"\ncoulomb = false\n[grid]\npoints = 20\n[time]\nt_end = 4.0\ndt = 0.1\n", "rbm.drift_windows: 2 runs x 2 increments per window"},
		{"absurd langevin work", "[model]\ndrift = \"harmonic\"\nkappa = [1.0, 1.0]\nomega = [2.0, 2.0]\n[noise]\ng2 = 0.1\n[langevin]\nwalkers = 1000000\nalpha = 0.001\nbatch = 1\nsteps = 1000000000\n", "langevin.steps: the langevin stage plans 2e+15 work units"},
		{"table is /dev/zero", "[model]\ndrift = \"table\"\ntable = \"/dev/zero\"\n[grid]\npoints = 10\n[time]\nt_end = 1.0\ndt = 0.5\n", "model.table: cannot read /dev/zero: not a regular file"},
	} {
		dir, stdout, stderr, code := runConfig(t, tc.cfg)
		line := strings.TrimSuffix(stderr, "\n")
		if code == 0 || strings.Contains(line, "\n") || !strings.Contains(line, "fp.toml") || !strings.Contains(line, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want one line naming fp.toml and %q", tc.name, code, stderr, tc.want)
		}
		if stdout != "" {
			t.Errorf("%s: stdout %q", tc.name, stdout)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%s: output directory created", tc.name)
		}
	}
	code, _, stderr := ensRun(t, "-config", "/dev/zero", "-out", t.TempDir()+"/out")
	if code == 0 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "/dev/zero: cannot read: not a regular file") {
		t.Errorf("-config /dev/zero: exit %d, stderr %q", code, stderr)
	}
}
