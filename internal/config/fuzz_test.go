package config

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fpsolve"
)

// fuzzSnippets are small configs, valid and invalid, that between them touch every section and
// key of the README's config reference (the seed corpus of FuzzParse besides fp.toml and
// testdata/*.toml).
var fuzzSnippets = []string{
	// Valid: one section each way.
	base,
	"[output]\ndir = \"out/x\"\nplots = false\n" + base,
	"[model]\ndrift = \"harmonic\"\nkappa = [0.0, 0.0]\nomega = [1.0, 1.0]\ncoulomb = false\n[noise]\ng2 = [0.01, 0.02]\n[grid]\npoints = 50\nlo = -2.0\nhi = 2.0\n[spectrum]\nstates = 4\npoints = 60\ntolerance = 1e-8\n",
	"[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0]\n[noise]\nalpha = 0.1\nbatch = 16\ngtilde2 = 1.0\n[langevin]\nwalkers = 100\nalpha = 0.01\nbatch = 16\nsteps = 10\nlevel = \"matrix\"\nseed = 3\n",
	"[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0, 5.0]\n[noise]\ng2 = 0.01\n[grid]\npoints = 30\n[initial]\nkind = \"gaussian\"\nmean = [3.9, 4.1]\nvar = [0.1, 0.1]\n[time]\nt_end = 5.0\ndt = 0.5\nsnapshots = 3\nmethod = \"backward-euler\"\nadaptive = true\ntolerance = 1e-3\n",
	"[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0]\n[noise]\ng2 = 0.01\n[grid]\npoints = 30\n[initial]\nkind = \"marchenko-pastur\"\nratio = 0.5\nweight_var = 0.01\nrows = 20\n[time]\nt_end = 1.0\ndt = 0.1\n",
	"[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0]\n[noise]\ng2 = 0.01\n[grid]\npoints = 30\n[initial]\nkind = \"uniform\"\n[time]\nt_end = 1.0\ndt = 0.1\n",
	"[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0]\n[noise]\ng2 = 0.01\n[grid]\npoints = 30\n[initial]\nkind = \"stationary\"\n[time]\nt_end = 1.0\ndt = 0.1\n",
	"[rbm]\nvisible = 10\nhidden = 10\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\ninit_sigma = 0.1\nalpha = 0.1\nbatch = 16\ngibbs_steps = 3\nsteps = 1000\nruns = 5\nrecord_every = 100\ndata = \"samples\"\nsampler = \"gibbs\"\nmeasure_every = 2\nbins = 30\nseed = 1\n",
	"[rbm]\nvisible = 4\nhidden = 2\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\ninit_sigma = 0.1\nalpha = 0.1\nbatch = 4\ngibbs_steps = 1\nsteps = 100\nruns = 2\nrecord_every = 10\n[model]\ndrift = \"table\"\n[grid]\npoints = 20\n[initial]\nkind = \"rbm\"\n[time]\nt_end = 1.0\ndt = 0.1\n[sweep]\nalpha = [0.02, 0.05]\nbatch = [8, 16]\n",
	// Invalid: each names a key, "malformed TOML" or "no stage".
	"",
	"[output]\ndir = \"x\"\n",
	"[grid\npoints = 3\n",
	"[model]\ndrift = \"quartic\"\nkappa = [1.0]\n[time]\nt_end = 1.0\ndt = 0.1\n",
	"[model]\ndrift = \"table\"\ntable = \"nope.csv\"\n[time]\nt_end = 1.0\ndt = 0.1\n",
	strings.Replace(base, "g2 = 0.01", "g2 = 0.01\nalpha = 0.1", 1),
	strings.Replace(base, "g2 = 0.01", "g2 = \"big\"", 1),
	strings.Replace(base, "g2 = 0.01", "g2 = [0.01, inf]", 1),
	strings.Replace(base, "points = 100", "points = 100\nlo = 5.0\nhi = 1.0", 1),
	strings.Replace(base, "points = 100", "points = 100000000", 1),
	strings.Replace(base, "dt = 0.1", "dt = 1e-12", 1),
	base + "[spectrum]\nstates = 200\n",
	base + "[langevin]\nwalkers = 0\nalpha = 0.01\nbatch = 16\nsteps = 10\n",
	base + "[initial]\nkind = \"gaussian\"\nmean = [4.0]\nvar = [0.1, 0.1]\n",
	base + "[initial]\nkind = \"marchenko-pastur\"\nratio = 1.5\nweight_var = 0.01\nrows = 10\n",
	base + "[sweep]\nalpha = [0.1]\n",
	"[rbm]\nvisible = 2\nhidden = 3\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\nalpha = 0.1\nbatch = 4\ngibbs_steps = 1\nsteps = 10\nruns = 1\nrecord_every = 1\n",
	"[model]\nmu2 = 9.0\n[noise]\ng2 = 0.01\n",
	"x = 1\n",
	"[rbm]\nvisible = 9000000000000000000\nhidden = 1\ntarget_m2 = 4.0\nmu2 = 9.0\nsigma_h = 1.0\nalpha = 0.1\nbatch = 4\ngibbs_steps = 1\nsteps = 10\nruns = 1\nrecord_every = 1\n",
}

// hangLimit is far above Parse's time on any input (microseconds): it only turns a hang into a
// failure that the fuzzer records.
const hangLimit = 10 * time.Second

// FuzzParse checks Parse's contract on arbitrary input: it never panics; an error is a
// *Error printed on one line that starts with the file name and names a key (or says
// "malformed TOML" or "no stage"); an accepted config has a finite memory estimate within
// MaxBytes, one entry per mode in every per-mode list, and the defaults filled in.
func FuzzParse(f *testing.F) {
	f.Add(fpsolve.DefaultConfig)
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*.toml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if len(files) == 0 {
		f.Fatal("no testdata/*.toml seeds found")
	}
	for _, s := range fuzzSnippets {
		f.Add([]byte(s))
	}
	const name = "fuzz.toml"
	f.Fuzz(func(t *testing.T, data []byte) {
		// model.table is opened relative to the config: keep the fuzzer away from device files
		// (an endless /dev/zero would be a test-harness hang, not a finding about Parse).
		if bytes.Contains(data, []byte("/dev")) || bytes.Contains(data, []byte("/proc")) {
			t.Skip()
		}
		type result struct {
			c   *Config
			err error
		}
		done := make(chan result, 1)
		go func() { c, err := Parse(data, name); done <- result{c, err} }()
		var r result
		select {
		case r = <-done:
		case <-time.After(hangLimit):
			t.Fatalf("Parse did not return within %v on %q", hangLimit, data)
		}
		c, err := r.c, r.err
		if err != nil {
			checkParseError(t, err, name)
			return
		}
		checkAccepted(t, c)
	})
}

func checkParseError(t *testing.T, err error, name string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, name) {
		t.Fatalf("error does not start with the file name %q: %q", name, msg)
	}
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %q is a %T, not a *config.Error", msg, err)
	}
	switch {
	case ce.Key != "":
	case strings.Contains(ce.Msg, "malformed TOML"), strings.Contains(ce.Msg, "no stage"):
	case strings.Contains(ce.Msg, "key"): // the decoder's type errors: `(last key "model.mu2")`
	default:
		t.Fatalf("error names no key: %q", msg)
	}
}

func checkAccepted(t *testing.T, c *Config) {
	t.Helper()
	b, key := c.EstimateBytes()
	if math.IsNaN(b) || math.IsInf(b, 0) || b < 0 || b > MaxBytes {
		t.Fatalf("accepted config with memory estimate %g (key %q), limit %d", b, key, int64(MaxBytes))
	}
	n := c.Modes()
	if c.Model != nil {
		if n < 1 {
			t.Fatalf("accepted [model] with %d modes", n)
		}
		if k := c.Keys(); len(k) != n {
			t.Fatalf("Keys has %d entries for %d modes", len(k), n)
		}
		switch c.Model.Drift {
		case "rbm":
			for i, k := range c.Model.Kappa {
				if !(k > 0 && k < c.Model.Mu2) {
					t.Fatalf("accepted kappa[%d] = %g outside (0, mu2 = %g)", i, k, c.Model.Mu2)
				}
			}
		case "harmonic":
			if len(c.Model.Omega) != n {
				t.Fatalf("accepted %d omegas for %d modes", len(c.Model.Omega), n)
			}
		}
	}
	if c.Noise != nil {
		g2 := c.G2()
		if len(g2) != n {
			t.Fatalf("G2 has %d entries for %d modes", len(g2), n)
		}
		for i, g := range g2 {
			if !(g > 0) || math.IsInf(g, 0) {
				t.Fatalf("accepted g2[%d] = %g", i, g)
			}
		}
	}
	if c.Grid != nil && (c.Time != nil || c.Spectrum != nil) {
		lo, hi := c.GridRange()
		if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			t.Fatalf("accepted grid range [%g, %g]", lo, hi)
		}
	}
	if in := c.Initial; in != nil && in.Kind == "gaussian" {
		if len(in.Mean) != n || len(in.Var) != n {
			t.Fatalf("gaussian initial with %d means, %d variances for %d modes", len(in.Mean), len(in.Var), n)
		}
	}
	if c.Time != nil && (c.Time.Snapshots < 2 || c.Time.Method == "" || !(c.Time.Dt > 0 && c.Time.Dt <= c.Time.TEnd)) {
		t.Fatalf("accepted [time] %+v", *c.Time)
	}
	if c.Spectrum != nil && !(c.Spectrum.States >= 1 && c.Spectrum.States < c.Spectrum.Points) {
		t.Fatalf("accepted [spectrum] %+v", *c.Spectrum)
	}
	if c.Langevin != nil && (c.Langevin.Walkers < 1 || c.Langevin.Steps < 1 || c.Langevin.Level == "") {
		t.Fatalf("accepted [langevin] %+v", *c.Langevin)
	}
	if c.RBM != nil && (c.RBM.Hidden > c.RBM.Visible || c.RBM.Bins < 2 || c.RBM.Data == "" || c.RBM.Sampler == "") {
		t.Fatalf("accepted [rbm] %+v", *c.RBM)
	}
}
