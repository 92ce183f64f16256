package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fpsolve/fokkerplanck"
	"fpsolve/internal/config"
)

// gradedPipeline is testdata/pipeline.toml at reduced statistics: 120 runs x 3000 updates,
// 4000 Langevin walkers.
func gradedPipeline(t *testing.T) string { return reducedPipeline(t, "pipeline.toml") }

// reducedPipeline is the testdata config file with 120 runs instead of 400 and 4000 Langevin
// walkers instead of 20000.
func reducedPipeline(t *testing.T, file string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(raw), "runs = 400", "runs = 120", 1)
	return strings.Replace(s, "walkers = 20000", "walkers = 4000", 1)
}

func TestGradedPipeline(t *testing.T) {
	t.Parallel()
	// The pipeline's acceptance at reduced statistics: the Fokker-Planck equation on the graded
	// grid and the Langevin walkers, driven by the log-binned drift table, reproduce every RBM
	// eigenvalue's final mean within 4 standard errors and variance within 45% (with 120 runs
	// the sample variance has a relative standard error of about 15%: 3 of them); measured
	// here 0.86 and 25% at the end, at most 1.74 and 33% along the path. The lowest
	// eigenvalue, which starts at 1e-7..1e-2, is the one that needs the graded settings: on the
	// equal 600-cell grid its Fokker-Planck mean is more than 4 standard errors off.
	if testing.Short() {
		t.Skip("trains 120 RBMs (about 12 s)")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cfg := ensWriteConfig(t, dir, gradedPipeline(t))
	ensMustRun(t, "-config", cfg, "-out", out)
	cmp := ensSummary(t, out)["comparison"].(map[string]any)
	modes := cmp["modes"].([]any)
	if len(modes) != 10 {
		t.Fatalf("%d modes compared, want 10", len(modes))
	}
	// The path: compared at t = 0, 50, ..., 250 (the [time] snapshots, at which the walkers are
	// recorded too). At t = 0 the Fokker-Planck start is the smoothed step-0 spectra: means
	// within 0.5 standard errors and variances within 10% (the kernel is two cells wide).
	times := cmp["times"].([]any)
	if len(times) != 6 {
		t.Fatalf("%d earlier times compared, want 6", len(times))
	}
	t0 := times[0].(map[string]any)
	if t0["t"] != 0.0 || t0["worst_mean_pull"].(float64) > 0.5 || t0["worst_var_rel_diff"].(float64) > 0.1 {
		t.Errorf("start: %v", t0)
	}
	if t1 := times[1].(map[string]any); t1["t"] != 50.0 || t1["modes"].([]any)[0].(map[string]any)["langevin"] == nil {
		t.Errorf("t = 50 has no Langevin comparison: %v", t1)
	}
	// Along the path, with the drift measured in 60 windows, the same allowances as at the end.
	for _, e := range times[1:] {
		e := e.(map[string]any)
		if pull, rel := e["worst_mean_pull"].(float64), e["worst_var_rel_diff"].(float64); pull > 4 || rel > 0.45 {
			t.Errorf("t = %v: worst mean pull %.2f, worst variance difference %.0f%%", e["t"], pull, 100*rel)
		}
	}
	for _, m := range modes {
		m := m.(map[string]any)
		for _, th := range []string{"fokkerplanck", "langevin"} {
			e := m[th].(map[string]any)
			if pull, rel := e["mean_pull"].(float64), e["var_rel_diff"].(float64); pull > 4 || rel > 0.45 {
				t.Errorf("mode %v, %s: mean pull %.2f, variance off by %.0f%%", m["mode"], th, pull, 100*rel)
			}
		}
	}

	// The same ensemble (loaded from runs/) on the equal grid, Fokker-Planck only.
	s := gradedPipeline(t)
	s = strings.Replace(s, "wall_cell = 1e-9", "wall_cell = 0", 1) // 0: equal cells, not the grading chosen from the data
	s = s[:strings.Index(s, "[langevin]")]
	// Another config into the same directory: -force moves the first one's outputs aside and
	// keeps its run store, whose members are keyed by their inputs.
	ensMustRun(t, "-config", ensWriteConfig(t, dir, s), "-out", out, "-force")
	m0 := ensSummary(t, out)["comparison"].(map[string]any)["modes"].([]any)[0].(map[string]any)
	if pull := m0["fokkerplanck"].(map[string]any)["mean_pull"].(float64); pull < 4 {
		t.Errorf("equal grid: lowest eigenvalue's mean pull %.2f, want the graded grid's gain (> 4)", pull)
	}
}

func TestGradedPlotAndKS(t *testing.T) {
	t.Parallel()
	axis, err := fokkerplanck.NewGradedAxis(0, 9, 1300, 1e-9, 1.02)
	if err != nil {
		t.Fatal(err)
	}
	m := &marginals{axis: axis}
	// Averaging onto the plot cells keeps the mass (sum p_i w_i) to rounding, 1e-12.
	p := make([]float64, axis.N)
	var mass float64
	for i := range p {
		p[i] = math.Exp(-axis.Centre(i)) / math.Sqrt(axis.Centre(i))
		mass += p[i] * axis.CellWidth(i)
	}
	n, w := m.plotCells()
	var got float64
	for _, v := range m.plotY(p) {
		got += v * w
	}
	if len(m.plotX()) != n || math.Abs(got/mass-1) > 1e-12 {
		t.Errorf("plot cells: %d centres for %d cells, mass %g, want %g", len(m.plotX()), n, got, mass)
	}
	// KS of n points at the quantiles (k - 1/2)/n of the uniform density on [0, 9] is exactly
	// 1/(2n) (to rounding) however the cells are graded.
	u := make([]float64, axis.N)
	for i := range u {
		u[i] = 1.0 / 9
	}
	const k = 50
	sample := make([]float64, k)
	for j := range sample {
		sample[j] = 9 * (float64(j) + 0.5) / k
	}
	if d := ksGrid(sample, u, axis); math.Abs(d-0.5/k) > 1e-12 {
		t.Errorf("KS = %g, want %g", d, 0.5/k)
	}
	// The cell coordinate: integer at every edge, slope one over the cell's width.
	xi, dxi := cellCoord(axis)
	for _, i := range []int{0, 1, 500, 1000, axis.N - 1} {
		if got := xi(axis.Edge(i)); math.Abs(got-float64(i)) > 1e-9 {
			t.Errorf("xi(edge %d) = %g", i, got)
		}
		if got := dxi(axis.Centre(i)) * axis.CellWidth(i); math.Abs(got-1) > 1e-12 {
			t.Errorf("xi' at cell %d: %g cells per width", i, got)
		}
	}
}

func TestLangevinSnapshotsKeepTheWalk(t *testing.T) {
	t.Parallel()
	// Recording the walkers at the [time] snapshots splits their run at those steps; each
	// walker's stream is its own, so the final positions (langevin.csv) are the same bytes as
	// without [time]. The snapshot steps are t_k/alpha: 100, 200, ..., 500 of 600.
	cfg := `
[model]
drift = "harmonic"
kappa = [1.0, 1.0]
omega = [2.0, 2.0]

[noise]
g2 = 0.1

[grid]
points = 100

[langevin]
walkers = 1500
alpha = 0.01
batch = 16
steps = 600
seed = 1
`
	withTime := cfg + "\n[time]\nt_end = 6.0\ndt = 0.01\nsnapshots = 7\n"
	dir := t.TempDir()
	r := &runner{}
	c, err := config.Parse([]byte(withTime), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	r.cfg = c
	if got := r.langevinSnapSteps(); !reflect.DeepEqual(got, []int{100, 200, 300, 400, 500}) {
		t.Fatalf("snapshot steps %v", got)
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	ensMustRun(t, "-config", ensWriteConfig(t, dir, cfg), "-out", a)
	ensMustRun(t, "-config", ensWriteConfig(t, dir, withTime), "-out", b)
	if !bytes.Equal(ensRead(t, filepath.Join(a, "langevin.csv")), ensRead(t, filepath.Join(b, "langevin.csv"))) {
		t.Error("langevin.csv differs when the walkers are also recorded at the snapshots")
	}
}
