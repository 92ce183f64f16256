package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// weightsConfig is a small [langevin] level = "weights" run: a 4 x 4 RBM on the 4-site free
// field with m^2 = 1, whose target kappas are 1, 3, 3, 5, so with mu^2 = 9 and sigma_h = 1 the
// learned spectrum is x = (mu^2 - kappa)/sigma_h^2 = 4, 6, 6, 8 (ascending), with one degenerate
// pair (kappa = 3). The [rbm] stage runs too (2 short runs).
const weightsConfig = `
[output]
plots = false
[rbm]
visible = 4
hidden = 4
target_m2 = 1.0
mu2 = 9.0
sigma_h = 1.0
init_sigma = 0.1
alpha = 0.05
batch = 8
gibbs_steps = 1
steps = 20
runs = 2
record_every = 10
seed = 3
[initial]
kind = "stationary"
[langevin]
level = "weights"
weight_var = 0.001
walkers = 2048
alpha = 0.02
batch = 1
steps = 300
seed = 11
`

// TestLangevinWeights runs the idealised RBM at the weight level from the learned W and checks
// the eigenvalue ensemble against the learned spectrum and the linearised multiplicative noise.
func TestLangevinWeights(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, weightsConfig)
	full := filepath.Join(dir, "full")
	ensMustRun(t, "-config", cfg, "-out", full)
	if _, err := os.Stat(filepath.Join(full, "langevin.csv")); err != nil {
		t.Fatal(err)
	}
	lv := ensSummary(t, full)["langevin"].(map[string]any)
	if lv["level"] != "weights" || lv["weight_var"] != 0.001 {
		t.Errorf("summary level %v, weight_var %v; want weights, 0.001", lv["level"], lv["weight_var"])
	}
	kappa := []float64{5, 3, 3, 1} // in ascending order of the learned eigenvalue
	const mu2, sh2, sw2, alpha = 9.0, 1.0, 0.001, 0.02
	for i, k := range kappa {
		want := (mu2 - k) / sh2
		// Fixed is computed from the target's Fourier modes: only rounding separates it from
		// (mu^2 - kappa)/sigma_h^2.
		if f := num(t, lv, "fixed", i); math.Abs(f-want) > 1e-12 {
			t.Errorf("fixed[%d] = %.15g, want (mu2 - kappa)/sigma_h^2 = %g", i, f, want)
		}
		// Noise broadening: each mode fluctuates with variance ~ s_W^2 kappa^2/sigma_h^4 <= 0.025
		// (sd <= 0.16, so the mean of 2048 walkers has sd <= 0.004) and its mean moves by
		// second-order terms, s_W^2 (N_v + Coulomb sum)/Omega, at most ~0.03 here (mode x = 4:
		// s_W^2 * 9 / 0.32); 0.1 bounds both with room.
		if m := num(t, lv, "modes", i, "mean"); math.Abs(m-want) > 0.1 {
			t.Errorf("mode %d mean %.4g, want the learned x = %g within 0.1", i, m, want)
		}
	}
	// The top mode (kappa = 1, x = 8) relaxes with Omega = 2 sigma_h^2 (mu^2 - kappa)/kappa^2 = 16
	// (t = 6 is ~100 relaxation times) and its stationary variance is, to first order in s_W^2,
	// D(x)/Omega = s_W^2 kappa^2/sigma_h^4, times 1/(1 - alpha Omega/2) for the finite step.
	// The sample variance of 2048 walkers has a relative sd sqrt(2/2048) = 3%; the nonlinear
	// drift and the x-dependence of D add below 1% (sd/x = 0.004); 15% is 5 sd.
	om := 2 * sh2 * (mu2 - 1) / 1
	wantVar := sw2 * 1 / (sh2 * sh2) / (1 - alpha*om/2)
	if v := num(t, lv, "modes", 3, "var"); math.Abs(v/wantVar-1) > 0.15 {
		t.Errorf("top mode var %.4g, want s_W^2 kappa^2/sigma_h^4/(1 - alpha Omega/2) = %.4g", v, wantVar)
	}
	pairs := lv["pairs"].([]any)
	if len(pairs) != 1 {
		t.Fatalf("%d pairs, want 1 (kappa = 3)", len(pairs))
	}
	p := pairs[0].(map[string]any)
	if p["kappa"] != 3.0 || !reflect.DeepEqual(p["modes"], []any{1.0, 2.0}) {
		t.Errorf("pair %v, want modes [1 2] with kappa 3", p)
	}

	// A [model] section without [noise] (and no stage that uses it) is allowed and changes
	// nothing: the weights level does not build the model.
	withModel := filepath.Join(dir, "model")
	cfgModel := ensWriteConfig(t, t.TempDir(), weightsConfig+"[model]\ndrift = \"rbm\"\nmu2 = 9.0\nkappa = [5.0]\n")
	ensMustRun(t, "-config", cfgModel, "-out", withModel)
	if !bytes.Equal(ensRead(t, filepath.Join(full, "langevin.csv")), ensRead(t, filepath.Join(withModel, "langevin.csv"))) {
		t.Errorf("langevin.csv with an unused [model] differs")
	}

	// Shards (2 blocks of 1024 walkers over 2 shards) merge to the same bytes.
	var shards []string
	for i := 0; i < 2; i++ {
		s := filepath.Join(dir, fmt.Sprintf("s%d", i))
		ensMustRun(t, "-config", cfg, "-out", s, "-shard", fmt.Sprintf("%d/2", i))
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged")
	ensMustRun(t, append([]string{"merge", "-out", merged}, shards...)...)
	if !bytes.Equal(ensRead(t, filepath.Join(full, "langevin.csv")), ensRead(t, filepath.Join(merged, "langevin.csv"))) {
		t.Errorf("langevin.csv of the merged shards differs from the unsharded run")
	}
}

// TestLangevinWeightsBadInput: level = "weights" configs that must be refused, each with an
// error naming the key.
func TestLangevinWeightsBadInput(t *testing.T) {
	t.Parallel()
	const eigen = `
[model]
drift = "rbm"
mu2 = 9.0
kappa = [5.0, 5.0]
[noise]
g2 = 0.01
[langevin]
walkers = 10
alpha = 0.01
batch = 1
steps = 10
`
	noRBM := "[langevin]\nlevel = \"weights\"\nweight_var = 0.001\nwalkers = 10\nalpha = 0.01\nbatch = 1\nsteps = 10\n"
	// Each case edits a base config (base "" for none); an edit that does not apply is a test bug.
	cases := []struct{ name, base, from, to, want string }{
		{"weights without [rbm]", noRBM, "", "", "langevin.level"},
		{"weight_var missing", weightsConfig, "weight_var = 0.001\n", "", "langevin.weight_var"},
		{"weight_var zero", weightsConfig, "weight_var = 0.001", "weight_var = 0.0", "langevin.weight_var"},
		{"weight_var with level eigenvalue", eigen, "steps = 10", "steps = 10\nweight_var = 0.001", "langevin.weight_var"},
		{"uniform initial", weightsConfig, "kind = \"stationary\"", "kind = \"uniform\"", "initial.kind"},
		{"matrix level still needs [model]", noRBM, "level = \"weights\"\nweight_var = 0.001", "level = \"matrix\"", "fp.toml: model: section missing"},
	}
	for _, tc := range cases {
		cfg := tc.base
		if tc.from != "" {
			if cfg = strings.Replace(tc.base, tc.from, tc.to, 1); cfg == tc.base {
				t.Fatalf("%s: edit did not apply", tc.name)
			}
		}
		_, _, stderr, code := runConfig(t, cfg)
		line := strings.TrimSpace(stderr)
		if code == 0 || strings.Contains(line, "\n") || !strings.Contains(line, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want one line naming %q", tc.name, code, stderr, tc.want)
		}
	}
}
