package rbmdrift

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"fpsolve/model"
)

// smallTraining returns a small real training with the drift measured at every step in three
// time windows: 4 visible and 4 hidden units (targets mu^2 - kappa = 1, 3, 3, 5: one degenerate
// pair, modes 1 and 2), three runs of 3000 steps.
func smallTraining(t *testing.T) (Config, []RunResult) {
	t.Helper()
	cfg := Config{Visible: 4, Hidden: 4, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1,
		Alpha: 0.1, Batch: 16, GibbsSteps: 1, Steps: 3000, RecordEvery: 1000, Seed: 3,
		MeasureEvery: 1, Bins: 60, DriftWindows: 3}
	results, err := TrainEnsemble(cfg, []int{0, 1, 2}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, results
}

func TestTrained(t *testing.T) {
	t.Parallel()
	cfg, results := smallTraining(t)
	e, err := Trained(cfg, results)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Source != "rbm" || e.Alpha != cfg.Alpha || e.Batch != cfg.Batch || e.Members() != 3 || e.Modes() != 4 ||
		!reflect.DeepEqual(e.Runs, []int{0, 1, 2}) || !reflect.DeepEqual(e.Steps, []int{0, 1000, 2000, 3000}) {
		t.Errorf("source %q, alpha %g, batch %d, runs %v, steps %v, %d modes", e.Source, e.Alpha, e.Batch, e.Runs, e.Steps, e.Modes())
	}
	for m, r := range results {
		if !reflect.DeepEqual(e.Spectra[m], r.Spectra) {
			t.Errorf("member %d: spectra differ from run %d's", m, r.Run)
		}
	}
	if !reflect.DeepEqual(e.Targets, cfg.ModeKappa()) || !reflect.DeepEqual(e.Fixed, cfg.TargetSpectrum()) {
		t.Errorf("targets %v, fixed %v", e.Targets, e.Fixed)
	}
	// The pairs of the final spectra: the one degenerate pair, with the spacings of the runs.
	got := e.FinalPairs()
	if len(got) != 1 {
		t.Fatalf("%d pairs, want 1", len(got))
	}
	for m, r := range results {
		f := r.Final()
		if want := math.Abs(f[got[0].Modes[1]] - f[got[0].Modes[0]]); got[0].Spacing[m] != want {
			t.Errorf("run %d: spacing %g, want %g", r.Run, got[0].Spacing[m], want)
		}
	}
	acc, err := MergeDrift(results)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Drift) != 3 || len(e.Drift[2].Rows) == 0 || e.Drift[2].T1 != cfg.Alpha*float64(cfg.Steps) {
		t.Fatalf("%d drift windows, want 3 with rows up to t = %g", len(e.Drift), cfg.Alpha*float64(cfg.Steps))
	}
	if want := acc.TimeTables(cfg.Alpha, cfg.Steps); !sameWindows(e.Drift, want) {
		t.Error("Drift differs from the merged accumulator's TimeTables")
	}
	// The noise is the rule that cmd/fpsolve applied: FitDiffusion over the last third of
	// the windows (here the last one of 3), half width 0.25, at least 100 increments.
	if len(e.Noise) != 4 {
		t.Fatalf("%d noise entries, want 4", len(e.Noise))
	}
	fitted := 0
	for m, f := range e.Noise {
		want := FitDiffusion(acc.TableWindows(2, 3, m), cfg.TargetSpectrum()[m], 0.25, 100)
		if f.Mode != m || f.XStar != want.XStar || f.Bins != want.Bins || !same(f.D2, want.D2) || !same(f.D2Err, want.D2Err) ||
			!same(f.Slope, want.Slope) || !same(f.SlopeErr, want.SlopeErr) {
			t.Errorf("mode %d: noise %+v, FitDiffusion %+v", m, f, want)
		}
		if !math.IsNaN(f.D2) {
			fitted++
		}
	}
	t.Logf("noise estimable for %d of 4 modes: %+v", fitted, e.Noise)
	if fitted == 0 {
		t.Error("no mode's noise was estimable: the test compares only NaNs")
	}

	// Without a drift measurement there are no tables and no noise.
	cfg0 := cfg
	cfg0.MeasureEvery = 0
	plain := make([]RunResult, len(results))
	for i, r := range results {
		r.Drift = nil
		plain[i] = r
	}
	if e, err := Trained(cfg0, plain); err != nil || e.Drift != nil || e.Noise != nil {
		t.Errorf("no drift measured: err %v, drift %v, noise %v", err, e.Drift != nil, e.Noise != nil)
	}
}

func TestTrainedErrors(t *testing.T) {
	t.Parallel()
	cfg := Config{Visible: 2, Hidden: 2, TargetM2: 4, Mu2: 9, SigmaH: 1, Alpha: 0.1, Batch: 1, GibbsSteps: 1, Steps: 10}
	run := func(r int, steps ...int) RunResult {
		res := RunResult{Run: r, Steps: steps}
		for range steps {
			res.Spectra = append(res.Spectra, []float64{1, 2})
		}
		return res
	}
	for _, tc := range []struct {
		name    string
		results []RunResult
		words   []string
	}{
		{"no runs", nil, []string{"no runs"}},
		{"different steps", []RunResult{run(0, 0, 10), run(1, 0, 5)}, []string{"run 1's recorded steps differ from run 0's", "step 5 at index 1, not 10"}},
		{"more steps", []RunResult{run(0, 0, 10), run(1, 0, 10, 20)}, []string{"run 1", "3 recorded steps, not 2"}},
		{"descending runs", []RunResult{run(1, 0, 10), run(0, 0, 10)}, []string{"run 0 after run 1"}},
		{"repeated run", []RunResult{run(1, 0, 10), run(1, 0, 10)}, []string{"run 1 after run 1"}},
		{"wrong number of modes", []RunResult{{Run: 0, Steps: []int{0}, Spectra: [][]float64{{1, 2, 3}}}}, []string{"ensemble rbm", "2 targets for 3 modes"}},
	} {
		_, err := Trained(cfg, tc.results)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %q", tc.name, err, w)
			}
		}
	}
	if _, err := Trained(cfg, []RunResult{run(0, 0, 10), run(3, 0, 10)}); err != nil {
		t.Errorf("valid runs 0, 3: %v", err)
	}
}

// same reports whether a and b are equal or both NaN.
func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// sameWindows reports whether the drift tables a and b are equal, NaN equal to NaN (the
// errors of a bin with one increment are NaN).
func sameWindows(a, b []model.WindowRows) bool {
	if len(a) != len(b) {
		return false
	}
	for w := range a {
		if a[w].T0 != b[w].T0 || a[w].T1 != b[w].T1 || len(a[w].Rows) != len(b[w].Rows) {
			return false
		}
		for i, r := range a[w].Rows {
			q := b[w].Rows[i]
			if r.Mode != q.Mode || r.Count != q.Count || !same(r.X, q.X) || !same(r.Drift, q.Drift) || !same(r.DriftErr, q.DriftErr) ||
				!same(r.Diffusion, q.Diffusion) || !same(r.DiffusionErr, q.DiffusionErr) || !same(r.Expected, q.Expected) {
				return false
			}
		}
	}
	return true
}
