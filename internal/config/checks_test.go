package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChecksBeforeComputing: inputs that used to fail after earlier outputs were written, or
// were silently misread, are refused by validation with one line naming the file and the key.
func TestChecksBeforeComputing(t *testing.T) {
	t.Parallel()
	const ou = "[model]\ndrift = \"harmonic\"\nkappa = [1.0]\nomega = [2.0]\n[noise]\ng2 = 0.1\n[grid]\npoints = 40\n"
	const lang = "[langevin]\nwalkers = 10\nalpha = 0.01\nbatch = 4\nsteps = 10\n"
	for _, tc := range []struct{ name, text, want string }{
		{"spectrum states above the solver's limit", ou + "[spectrum]\nstates = 14\n", "spectrum.states: 14 is more than the eigensolver computes on 40 unknowns: at most 13"},
		{"two-mode chamber limit", strings.Replace(ou, "kappa = [1.0]\nomega = [2.0]", "kappa = [1.0, 1.0]\nomega = [2.0, 2.0]", 1) + "[spectrum]\nstates = 2\npoints = 3\n", "spectrum.states: 2 is more than the eigensolver computes on 6 unknowns: at most 1"},
		{"gaussian mean outside the grid", ou + "lo = -1.0\nhi = 3.0\n[initial]\nkind = \"gaussian\"\nmean = [5.0]\nvar = [0.1]\n[time]\nt_end = 1.0\ndt = 0.1\n", "initial.mean[0]: 5 is outside the grid [grid.lo = -1, grid.hi = 3]"},
		{"gaussian mean outside the rbm domain", "[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0]\n[noise]\ng2 = 0.01\n[initial]\nkind = \"gaussian\"\nmean = [-1.0]\nvar = [0.1]\n" + lang, "initial.mean[0]: -1 is outside the rbm drift's domain [0, mu2 = 9)"},
		{"marchenko-pastur rows against the modes", ou + "[initial]\nkind = \"marchenko-pastur\"\nratio = 0.5\nweight_var = 1.0\nrows = 4\n" + lang, "initial.rows: 4 rows with ratio = 0.5 give 2 eigenvalues (round(ratio*rows)), the model has 1 modes"},
		{"duplicate sweep alpha", rbmBase + "[sweep]\nalpha = [0.1, 0.1]\n", "sweep.alpha[1]: 0.1 repeats sweep.alpha[0]"},
		{"duplicate sweep batch", rbmBase + "[sweep]\nbatch = [4, 8, 4]\n", "sweep.batch[2]: 4 repeats sweep.batch[0]"},
		{"rbm.init_sigma = 0", strings.Replace(rbmBase, "init_sigma = 0.1", "init_sigma = 0.0", 1), "rbm.init_sigma: 0 must be > 0 (it is required): W = 0 is a fixed point of the training"},
		{"rbm.init_sigma missing", strings.Replace(rbmBase, "init_sigma = 0.1\n", "", 1), "rbm.init_sigma: 0 must be > 0 (it is required)"},
		{"drift windows too short for a table", rbmBase + "drift_windows = 5\n[model]\ndrift = \"table\"\n[grid]\npoints = 20\n[time]\nt_end = 1.0\ndt = 0.1\n", "rbm.drift_windows: 2 runs x 2 increments per window (steps = 10 / drift_windows = 5 / measure_every = 1) give each mode at most 4 increments in a window"},
		{"too few runs for a table", strings.Replace(rbmBase, "runs = 2", "runs = 1", 1) + "[model]\ndrift = \"table\"\n[grid]\npoints = 20\n[time]\nt_end = 1.0\ndt = 0.1\n", "rbm.runs: 1 runs x 10 increments per window"},
		{"langevin snapshots in the memory estimate", ou + "[time]\nt_end = 10.0\ndt = 0.01\nsnapshots = 1001\n[langevin]\nwalkers = 1500000\nalpha = 0.01\nbatch = 4\nsteps = 1000\n", "langevin.walkers: the run needs about 35.9 GiB of memory, more than the 16 GiB allowed"},
		{"negative rbm seed", rbmBase + "seed = -1\n", "rbm.seed: -1 must be >= 0"},
		{"negative langevin seed", ou + lang + "seed = -3\n", "langevin.seed: -3 must be >= 0"},
		{"tiny g2 is g2's fault", strings.Replace(ou, "g2 = 0.1", "g2 = 1e-300", 1) + "[spectrum]\nstates = 2\n", "noise.g2: g^2 = 1e-300 is too small"},
		{"missing noise.batch", strings.Replace(ou, "g2 = 0.1", "alpha = 0.1\ngtilde2 = 1.0", 1) + "[spectrum]\nstates = 2\n", "noise.batch: missing: noise.batch is required with noise.alpha and noise.gtilde2"},
		{"an integer key given a fraction", strings.Replace(ou, "points = 40", "points = 1.5", 1), "line 8: grid.points: a number with a fraction or exponent is given, the key takes an integer"},
		{"a list key given a number", strings.Replace(ou, "kappa = [1.0]", "kappa = 1.0", 1), "model.kappa: a number with a fraction or exponent is given, the key takes a list"},
		{"a number key given a string", strings.Replace(ou, "g2 = 0.1", "g2 = \"x\"", 1), `noise.g2: "x" (a string) is not a number: give a number or a list of numbers`},
	} {
		_, err := Parse([]byte(tc.text), "t.toml")
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "t.toml") || !strings.Contains(msg, tc.want) || strings.Contains(msg, "float64") || strings.Contains(msg, "int64") {
			t.Errorf("%s: error %q, want one line from t.toml containing %q", tc.name, msg, tc.want)
		}
	}
	// runs = 1e9 is the run count's fault, not bins'.
	_, err := Parse([]byte(strings.Replace(rbmBase, "runs = 2", "runs = 1000000000", 1)), "t.toml")
	if err == nil || !strings.Contains(err.Error(), "rbm.runs: the drift tables of 1000000000 runs need about") {
		t.Errorf("runs = 1e9: %v", err)
	}
}

// TestBoundedReads: a config or drift table that is not a regular file, or too large, is refused
// with one line before it is read.
func TestBoundedReads(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	if _, err := Load("/dev/zero"); err == nil || !strings.Contains(err.Error(), "/dev/zero: cannot read: not a regular file") {
		t.Errorf("config /dev/zero: %v", err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(big, make([]byte, MaxConfigBytes+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("big config: %v", err)
	}
	cfg := filepath.Join(dir, "c.toml")
	os.WriteFile(cfg, []byte("[model]\ndrift = \"table\"\ntable = \"/dev/zero\"\n[grid]\npoints = 10\n[time]\nt_end = 1.0\ndt = 0.5\n"), 0o644)
	if _, err := Load(cfg); err == nil || !strings.Contains(err.Error(), "model.table: cannot read /dev/zero: not a regular file") {
		t.Errorf("table /dev/zero: %v", err)
	}
}
