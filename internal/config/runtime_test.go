package config

import (
	"strings"
	"testing"
)

const estRBM = "[rbm]\nvisible = 10\nhidden = 10\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\ninit_sigma = 0.1\nalpha = 0.1\nbatch = 16\ngibbs_steps = 3\nsteps = 100000\nruns = 7500\nrecord_every = 1000\nmeasure_every = 0\n"

// TestEstimateLine: the projections of benchmarks/results.txt are announced: 7,500 runs x 1e5
// updates of the 10 x 10 RBM without drift measurement (7.5e8 updates / (2 cores x 2.85e5/s) =
// 1316 s; the suite measured 0.29-0.39 h), and with it at every update (plus 7.5e8 x 4 us / 2 =
// 1500 s; the dataset row measured 0.63-0.79 h per setting); a short run is not.
func TestEstimateLine(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(estRBM), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := c.EstimateSeconds(2); s < 0.25*3600 || s > 0.5*3600 {
		t.Errorf("estimate %g s, want about 0.37 h", s)
	}
	if got, want := c.EstimateLine(2, 180), "estimated run time about 22 min (rbm 22 min)"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	c, err = Parse([]byte(strings.Replace(estRBM, "measure_every = 0", "measure_every = 1", 1)), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.EstimateLine(2, 180), "estimated run time about 47 min (rbm 47 min)"; got != want {
		t.Errorf("measured at every update: line %q, want %q", got, want)
	}
	c, err = Parse([]byte(strings.Replace(estRBM, "runs = 7500", "runs = 10", 1)), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.EstimateLine(2, 180); got != "" {
		t.Errorf("short run announced: %q", got)
	}
}

// TestAbsurdWork: a stage planning more than MaxWork units is refused with its key.
func TestAbsurdWork(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"[model]\ndrift = \"harmonic\"\nkappa = [1.0, 1.0]\nomega = [2.0, 2.0]\n[noise]\ng2 = 0.1\n[langevin]\nwalkers = 1000000\nalpha = 0.001\nbatch = 1\nsteps = 1000000000\n",
			"langevin.steps: the langevin stage plans 2e+15 work units (walkers x steps x modes), more than the 1e+15 allowed"},
		{"[model]\ndrift = \"harmonic\"\nkappa = [1.0]\nomega = [2.0]\n[noise]\ng2 = 0.1\n[grid]\npoints = 20000000\n[time]\nt_end = 1e308\ndt = 1e300\n",
			"time.dt: the time stage plans 2e+15 work units (cells x t_end/dt)"},
	} {
		_, err := Parse([]byte(tc.text), "t.toml")
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
}
