package config

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"fpsolve/rbmdrift"
)

// TestRBMKeyMessages: every [rbm] key's refusal is one line naming the file and the key, with
// the message of the key's rule.
func TestRBMKeyMessages(t *testing.T) {
	t.Parallel()
	table := "\n[model]\ndrift = \"table\"\n[grid]\npoints = 20\n[time]\nt_end = 1.0\ndt = 0.1\n"
	for _, tc := range []struct{ from, to, extra, want string }{
		{"visible = 4", "visible = 0", "", "rbm.visible: 0 must be at least 1"},
		// 3e7 runs x 4 records: spectra 3.8 GB (allowed); every W kept (with its spectrum) 3e7 x 4 x 20 x 8 B = 17.9 GiB.
		{"runs = 2", "runs = 30000000\nmeasure_every = 0\nsave_weights = true", "", "rbm.save_weights: the run needs about 17.9 GiB of memory, more than the 16 GiB allowed"},
		{"visible = 4", "visible = 100000", "", "rbm.visible: the run needs about 894 GiB of memory, more than the 16 GiB allowed"},
		{"hidden = 4", "hidden = 0", "", "rbm.hidden: 0 must be at least 1"},
		{"hidden = 4", "hidden = 5", "", "rbm.hidden: 5 must not exceed visible = 4 (W is visible x hidden, N <= M)"},
		{"target_m2 = 4.0", "target_m2 = -1.0", "", "rbm.target_m2: -1 must be a positive finite number"},
		{"mu2 = 9.0", "mu2 = nan", "", "rbm.mu2: NaN must be a positive finite number"},
		{"mu2 = 9.0", "mu2 = 8.0", "", "rbm.mu2: 8 must exceed the largest target eigenvalue kappa = 8"},
		{"sigma_h = 1.0", "sigma_h = 0.0", "", "rbm.sigma_h: 0 must be a positive finite number"},
		{"init_sigma = 0.1", "init_sigma = -0.5", "", "rbm.init_sigma: -0.5 must be a finite number >= 0"},
		{"alpha = 0.1", "alpha = inf", "", "rbm.alpha: +Inf must be a positive finite number"},
		{"batch = 4", "batch = -2", "", "rbm.batch: -2 must be at least 1"},
		{"gibbs_steps = 1", "gibbs_steps = 0", "", "rbm.gibbs_steps: 0 must be at least 1"},
		{"steps = 10", "steps = 0", "", "rbm.steps: 0 must be at least 1"},
		{"runs = 2", "runs = 0", "", "rbm.runs: 0 must be at least 1"},
		{"record_every = 5", "record_every = 0", "", "rbm.record_every: 0 must be at least 1"},
		{"runs = 2", "runs = 2\ndata = \"exat\"", "", `rbm.data: "exat" is not one of ["exact" "samples"]`},
		{"runs = 2", "runs = 2\nsampler = \"metropolis\"", "", `rbm.sampler: "metropolis" is not one of ["direct" "gibbs"]`},
		{"runs = 2", "runs = 2\nmeasure = \"approximate\"", "", `rbm.measure: "approximate" is not one of ["perturbative" "exact"]`},
		{"runs = 2", "runs = 2\nmeasure_every = -1", "", "rbm.measure_every: -1 must be at least 0"},
		{"runs = 2", "runs = 2\nmeasure_every = 0", table, `rbm.measure_every: 0 turns the drift measurement off, but [model] drift = "table" needs it`},
		{"runs = 2", "runs = 2\nbins = 1", "", "rbm.bins: 1 must be at least 2"},
		{"runs = 2", "runs = 2\nbins = 0\nmeasure_every = 0", "", "rbm.bins: 0 must be at least 2"},
		{"runs = 2", "runs = 2\nseed = \"one\"", "", "rbm.seed"},
		{"runs = 2", "runs = 2\ndrift_lo = 1.0", "", "rbm.drift_lo: unknown key"},
	} {
		text := strings.Replace(rbmBase, tc.from, tc.to, 1) + tc.extra
		_, err := Parse([]byte(text), "t.toml")
		if err == nil {
			t.Errorf("%q: accepted", tc.to)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "t.toml") || !strings.Contains(msg, tc.want) {
			t.Errorf("%q: error %q, want one line from t.toml containing %q", tc.to, msg, tc.want)
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: error %T is not a *config.Error", tc.to, err)
		}
	}
}

// TestRBMDefaults: an [rbm] section that gives only the keys without a default resolves to
// rbmdrift.DefaultConfig's values; without the section there is none.
func TestRBMDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(rbmBase), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := rbmdrift.Config{Visible: 4, Hidden: 4, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1, Alpha: 0.1, Batch: 4, GibbsSteps: 1,
		Steps: 10, Runs: 2, RecordEvery: 5, Data: "exact", Sampler: "direct", MeasureEvery: 1, Measure: "perturbative", Bins: 60, DriftWindows: 1}
	if c.RBM.Config != want {
		t.Errorf("resolved [rbm]\n%+v, want\n%+v", c.RBM.Config, want)
	}
	// An empty data or sampler stands for the default, as before.
	c, err = Parse([]byte(rbmBase+"data = \"\"\nsampler = \"\"\n"), "t.toml")
	if err != nil || c.RBM.Data != "exact" || c.RBM.Sampler != "direct" {
		t.Errorf("empty data and sampler: %v, %+v", err, c.RBM)
	}
	c, err = Parse([]byte(base), "t.toml")
	if err != nil || c.RBM != nil {
		t.Errorf("no [rbm]: %v, %+v", err, c.RBM)
	}
}

// TestRBMJSON: the fingerprints of a config hash the section's JSON form, so every [rbm] key,
// and any added later, must change it (found by reflection over the toml tags).
func TestRBMJSON(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(rbmBase+"log_bins = 3\nlog_floor = 1e-8\nseed = 7\n"), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	base, err := json.Marshal(c.RBM)
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(c.RBM.Config)
	keys := 0
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("toml")
		if tag == "" || tag == "-" {
			continue
		}
		keys++
		alt := *c.RBM
		v := reflect.ValueOf(&alt.Config).Elem().Field(i)
		switch v.Kind() {
		case reflect.Int, reflect.Int64:
			v.SetInt(v.Int() + 2) // +2: DriftWindows 0 and 1 share a form
		case reflect.Uint64:
			v.SetUint(v.Uint() + 1)
		case reflect.Float64:
			v.SetFloat(2*v.Float() + 1)
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		default:
			t.Fatalf("rbm.%s: a field of kind %v; extend this test", tag, v.Kind())
		}
		if b, _ := json.Marshal(&alt); string(b) == string(base) {
			t.Errorf("rbm.%s: changing it leaves the section's JSON form unchanged", tag)
		}
	}
	if keys < 15 {
		t.Errorf("only %d [rbm] keys found by their toml tags", keys)
	}
	alt := *c.RBM
	alt.Runs++
	if b, _ := json.Marshal(&alt); string(b) == string(base) {
		t.Error("rbm.runs: changing it leaves the section's JSON form unchanged")
	}
	var none *RBM
	if b, _ := json.Marshal(none); string(b) != "null" {
		t.Errorf("absent section: %s", b)
	}
}

// TestPCDNoiseConfig: [noise] model = "pcd" takes the trainer's settings and refuses what it
// cannot use, naming the key.
func TestPCDNoiseConfig(t *testing.T) {
	t.Parallel()
	base := rbmBase + "\n[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [8.0, 7.0, 6.0, 5.0]\n\n[langevin]\nwalkers = 10\nalpha = 0.1\nbatch = 4\nsteps = 10\n\n[noise]\n"
	c, err := Parse([]byte(base+"model = \"pcd\"\nalpha = 0.1\nbatch = 4\n"), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := c.PCDNoise()
	if !ok || p.Alpha != 0.1 || p.Batch != 4 || p.SigmaH != 1 || p.Mu2 != 9 || p.GibbsSteps != 1 || p.Visible != c.RBM.Visible {
		t.Fatalf("PCDNoise %+v, %v", p, ok)
	}
	// The next-order drift is on by default with the Coulomb term, off with next_order = false
	// or coulomb = false.
	if !c.PCDNextOrder() {
		t.Error("PCDNextOrder false by default")
	}
	off, err := Parse([]byte(base+"model = \"pcd\"\nalpha = 0.1\nbatch = 4\nnext_order = false\n"), "t.toml")
	if err != nil || off.PCDNextOrder() {
		t.Errorf("next_order = false: %v, PCDNextOrder %v", err, err == nil && off.PCDNextOrder())
	}
	nc, err := Parse([]byte(strings.Replace(base, "kappa = [", "coulomb = false\nkappa = [", 1)+"model = \"pcd\"\nalpha = 0.1\nbatch = 4\n"), "t.toml")
	if err != nil || nc.PCDNextOrder() {
		t.Errorf("coulomb = false: %v, PCDNextOrder %v", err, err == nil && nc.PCDNextOrder())
	}
	// G2 is the derived noise at the stable points y* = mu2 - kappa.
	for i, g := range c.G2() {
		if want := p.G2(9 - c.Model.Kappa[i]); g != want {
			t.Errorf("G2[%d] = %g, want %g", i, g, want)
		}
	}
	for _, tc := range []struct{ add, want string }{
		{"model = \"measured\"\nalpha = 0.1\nbatch = 4\n", `noise.model: "measured" is not one of`},
		{"model = \"pcd\"\nalpha = 0.1\nbatch = 4\ngtilde2 = 1.0\n", "noise.model: \"pcd\" derives the noise"},
		{"model = \"pcd\"\nalpha = 0.1\n", "noise.alpha: missing"},
		{"model = \"pcd\"\nalpha = 0.1\nbatch = 0\n", "noise.batch"},
		{"alpha = 0.1\nbatch = 4\ngtilde2 = 1.0\nnext_order = true\n", "noise.next_order: only with model = \"pcd\""},
	} {
		_, err := Parse([]byte(base+tc.add), "t.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.add, err, tc.want)
		}
	}
	if _, err := Parse([]byte(strings.Replace(base, "kappa = [", "coulomb = false\nkappa = [", 1)+"model = \"pcd\"\nalpha = 0.1\nbatch = 4\nnext_order = true\n"), "t.toml"); err == nil || !strings.Contains(err.Error(), "noise.next_order: the next-order terms couple") {
		t.Errorf("next_order = true without the Coulomb term: %v", err)
	}
	// The exact rbm drift is required, and the [rbm] trainer.
	if _, err := Parse([]byte(strings.Replace(base, "mu2 = 9.0\nkappa", "mu2 = 8.5\nkappa", 1)+"model = \"pcd\"\nalpha = 0.1\nbatch = 4\n"), "t.toml"); err == nil || !strings.Contains(err.Error(), "[model] mu2 = [rbm] mu2") {
		t.Errorf("mu2 mismatch: %v", err)
	}
}
