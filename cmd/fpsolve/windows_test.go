package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"testing"

	"fpsolve/model"
)

// windowedPipeline is a tiny measured-table pipeline with two drift windows: 12 runs x 400
// updates, the Fokker-Planck equation and the Langevin walkers driven by each window's table
// in its time range [0, 20) and [20, 40) from the RBM's step-0 spectra.
func windowedPipeline(walkers int) string {
	return ensRBMConfig(12, 400, 1) + "drift_windows = 2\n" + `
[model]
drift = "table"
coulomb = false

[grid]
points = 3000
wall_cell = 0          # equal cells (this test is about the windows, not the grading)

[initial]
kind = "rbm"

[time]
t_end = 40.0
dt = 0.1
snapshots = 3

[langevin]
walkers = ` + fmt.Sprint(walkers) + `
alpha = 0.1
batch = 16
steps = 400
seed = 2
`
}

func TestWindowedPipeline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cfg := ensWriteConfig(t, dir, windowedPipeline(3000))
	ensMustRun(t, "-config", cfg, "-out", out)

	// drift.csv: the SPEC columns first, then window, t0, t1; two windows of 200 updates each,
	// t = alpha * step: [0, 20) and [20, 40).
	raw := ensRead(t, filepath.Join(out, "drift.csv"))
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string(nil), model.TableColumns...), "window", "t0", "t1")
	if !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("drift.csv header %v, want %v", recs[0], want)
	}
	if len(recs)-1 != 2*6*600 {
		t.Errorf("%d rows, want 2 windows x 6 modes x 600 bins", len(recs)-1)
	}
	ws, err := model.ReadTimeTables(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].T0 != 0 || ws[0].T1 != 20 || ws[1].T0 != 20 || ws[1].T1 != 40 || len(ws[1].Tables) != 6 {
		t.Fatalf("windows %+v, want [0, 20) and [20, 40) with 6 modes", ws)
	}
	// The smallest eigenvalue grows from its Marchenko-Pastur start: the first window's table
	// reaches down to smaller x than the second's.
	if a, b := ws[0].Tables[0].X[0], ws[1].Tables[0].X[0]; !(a < b) {
		t.Errorf("mode 0: first window starts at x = %g, second at %g; want the first lower", a, b)
	}

	s := ensSummary(t, out)
	fp := s["fokkerplanck"].(map[string]any)
	if fp["drift_windows"] != 2.0 || fp["relaxation_rate"] != nil {
		t.Errorf("fokkerplanck drift_windows %v, relaxation_rate %v; want 2 and null", fp["drift_windows"], fp["relaxation_rate"])
	}
	// Mass conserved to rounding across the window switch: 6 clusters x 400 steps on 3000
	// cells lose about 1e-12 (as with one window); 1e-11 allows for that.
	if m := fp["mass"].(float64); math.Abs(m-1) > 1e-11 {
		t.Errorf("mass %v", m)
	}
	// The Fokker-Planck equation and the Langevin walkers use the same piecewise tables: their
	// mode means at t = 40 agree within 5 standard errors of the Langevin mean (3000 walkers)
	// plus 0.02 for the discrete-time (alpha = 0.1) and grid (h = 0.003) differences. Mode 0
	// (mean 0.02, started near 0.001) is not resolved by the grid, with one window as well.
	fm := fp["modes"].([]any)
	lm := s["langevin"].(map[string]any)["modes"].([]any)
	for i := 1; i < len(fm); i++ {
		f, l := fm[i].(map[string]any), lm[i].(map[string]any)
		se := math.Sqrt(l["var"].(float64) / 3000)
		if d := math.Abs(f["mean"].(float64) - l["mean"].(float64)); d > 5*se+0.02 {
			t.Errorf("mode %d: Fokker-Planck mean %.4f, Langevin %.4f +- %.4f", i, f["mean"], l["mean"], se)
		}
	}
}
