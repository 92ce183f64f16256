package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fpsolve/ensemble"
	"fpsolve/internal/config"
	"fpsolve/model"
	"fpsolve/rbmdrift"
)

// TestNoiseLines: the printed [noise] lines are gtilde2 = d2 |B| / (2 alpha) and the slope, to 3
// digits; with a mode that has no estimate there are no lines (NaN is not TOML) and that mode
// is named instead.
func TestNoiseLines(t *testing.T) {
	t.Parallel()
	o := &rbmOutcome{cfg: rbmdrift.Config{Mu2: 9, SigmaH: 1, Alpha: 0.1, Batch: 16}}
	fits := []ensemble.Noise{{Mode: 0, D2: 0.004, Slope: 1.5}, {Mode: 1, D2: 0.002, Slope: -0.25}}
	lines, missing := o.noiseLines(fits)
	want := []string{fmt.Sprintf("gtilde2 = [%.3g, %.3g]", 0.004*16/0.2, 0.002*16/0.2), "slope = [1.5, -0.25]"}
	if !reflect.DeepEqual(lines, want) || missing != nil {
		t.Errorf("noise lines %q (missing %v), want %q", lines, missing, want)
	}
	fits[1].D2, fits[1].Slope = math.NaN(), math.NaN()
	if lines, missing := o.noiseLines(fits); lines != nil || !reflect.DeepEqual(missing, []int{1}) {
		t.Errorf("with mode 1 unestimated: lines %q, missing %v; want none and [1]", lines, missing)
	}
}

// TestJnum: summary numbers are JSON numbers in the shortest exact form, and null where JSON
// has none (NaN, infinities).
func TestJnum(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		A, B, C, D jnum
	}{jnum(0.1), jnum(math.NaN()), jnum(math.Inf(-1)), jnum(1e-300)})
	if err != nil || string(b) != `{"A":0.1,"B":null,"C":null,"D":1e-300}` {
		t.Errorf("%s, %v", b, err)
	}
}

// pcdModel is the [model] section of the PCD-noise tests: the paper's ten modes.
const pcdModel = `[model]
drift = "rbm"
mu2 = 9.0
kappa = [8.0, 7.618034, 7.618034, 6.618034, 6.618034, 5.381966, 5.381966, 4.381966, 4.381966, 4.0]
`

// pcdTrainer is the [rbm] section's trainer of the PCD-noise tests: the paper's setting.
const pcdTrainer = `visible = 10
hidden = 10
target_m2 = 4.0
mu2 = 9.0
sigma_h = 1.0
init_sigma = 0.1
alpha = 0.1
batch = 16
gibbs_steps = 3
`

// TestPCDNoiseModel: with [noise] model = "pcd" every mode's diffusion (and so its Coulomb
// strength) is the derived rbmdrift.PCDNoise.G2(y) on the grid range, to the table's linear
// interpolation between its 2000 nodes (relative 1e-4: g^2 ~ y^2/(mu2 - y)^2 curves by less than
// that over 0.0045), and the drift is the exact rbm drift.
func TestPCDNoiseModel(t *testing.T) {
	t.Parallel()
	cfg := `
[rbm]
` + pcdTrainer + `steps = 10
runs = 2
record_every = 5
` + pcdModel + `[noise]
model = "pcd"
alpha = 0.05
batch = 8
[langevin]
walkers = 10
alpha = 0.05
batch = 8
steps = 10
`
	c, err := config.Parse([]byte(cfg), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(c, t.TempDir(), shardSpec{}, io.Discard, io.Discard)
	if err := r.buildSystem(); err != nil {
		t.Fatal(err)
	}
	p := rbmdrift.PCDNoise{Alpha: 0.05, SigmaH: 1, Mu2: 9, Batch: 8, GibbsSteps: 3, Visible: 10}
	// The next-order drift (on by default with the Coulomb term) is GasDrift with each rank's
	// kappa, at a configuration in rank order.
	sys := r.sys()
	if sys.Extra == nil {
		t.Fatal("no next-order drift")
	}
	y := []float64{0.6, 1.2, 1.5, 2.2, 2.6, 3.4, 3.8, 4.4, 4.9, 5.3}
	kap := make([]float64, len(y))
	for k, i := range r.order() {
		kap[k] = c.Model.Kappa[i]
	}
	got, want := make([]float64, len(y)), make([]float64, len(y))
	sys.Extra(got, y)
	p.GasDrift(want, y, kap)
	for k := range got {
		if got[k] != want[k] {
			t.Errorf("rank %d: extra drift %g, GasDrift %g", k, got[k], want[k])
		}
	}
	for k, m := range r.sys().Modes {
		kappa := c.Model.Kappa[r.order()[k]]
		exact := model.RBM{Mu2: 9, Kappa: kappa}
		for _, y := range []float64{0.5, 1.3, 3.7, 5.2, 8.1} {
			if got, want := m.D(y), p.G2(y); math.Abs(got/want-1) > 1e-4 {
				t.Errorf("mode %d, y = %g: D = %g, derived g^2 = %g", k, y, got, want)
			}
			if got, want := m.K(y), exact.K(y); math.Abs(got-want) > 1e-4*math.Abs(want)+1e-9 {
				t.Errorf("mode %d, y = %g: K = %g, exact %g", k, y, got, want)
			}
		}
	}
}

// TestPCDNoiseSweep: a sweep reruns the walkers at each setting with the derived noise of that
// setting (a sweep setting's config has no [rbm]: the trainer's settings come with [noise]).
func TestPCDNoiseSweep(t *testing.T) {
	t.Parallel()
	cfg := `
[rbm]
` + pcdTrainer + `steps = 300
runs = 3
record_every = 100
measure_every = 0
[sweep]
alpha = [0.05, 0.1]
batch = [16]
` + pcdModel + `[noise]
model = "pcd"
alpha = 0.1
batch = 16
[langevin]
walkers = 50
alpha = 0.1
batch = 16
steps = 200
seed = 3
[output]
plots = false
`
	_, stdout, stderr, code := runConfig(t, cfg)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(stdout, "Langevin (kappa"); n != 8 {
		t.Errorf("%d Langevin pair lines, want 4 pairs x 2 settings:\n%s", n, stdout)
	}
}

// TestPCDNextOrderStoreKey: walkers stored without the next-order drift (next_order = false)
// are not reused for the default, which takes it: the Langevin key records whether it applied.
// Run into the first config's directory with -force, the default config's langevin.csv is that
// of a fresh run, and differs from the first one's; summary.json's langevin "noise" names the
// model that ran.
func TestPCDNextOrderStoreKey(t *testing.T) {
	t.Parallel()
	cfg := func(extra string) string {
		return `
[rbm]
` + pcdTrainer + `steps = 10
runs = 2
record_every = 5
` + pcdModel + `[noise]
model = "pcd"
alpha = 0.1
batch = 4
` + extra + `
[langevin]
walkers = 20
alpha = 0.1
batch = 4
steps = 200
[output]
plots = false
`
	}
	dir := t.TempDir()
	off := ensWriteConfig(t, filepath.Join(dir, "off"), cfg("next_order = false"))
	on := ensWriteConfig(t, filepath.Join(dir, "on"), cfg(""))
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	ensMustRun(t, "-config", off, "-out", a)
	first := ensRead(t, filepath.Join(a, "langevin.csv"))
	ensMustRun(t, "-config", on, "-out", a, "-force")
	ensMustRun(t, "-config", on, "-out", b)
	got, fresh := ensRead(t, filepath.Join(a, "langevin.csv")), ensRead(t, filepath.Join(b, "langevin.csv"))
	if !bytes.Equal(got, fresh) {
		t.Error("the default config over next_order = false's store: langevin.csv is not that of a fresh run")
	}
	if bytes.Equal(got, first) {
		t.Error("the next-order drift changed nothing in langevin.csv")
	}
	// The summary names the model that ran.
	c := filepath.Join(dir, "c")
	ensMustRun(t, "-config", off, "-out", c)
	for d, want := range map[string]string{b: "pcd, next order", c: "pcd, leading order"} {
		if got := ensSummary(t, d)["langevin"].(map[string]any)["noise"]; got != want {
			t.Errorf("%s: summary langevin noise %v, want %q", d, got, want)
		}
	}
}
