package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fpsolve/model"
	"fpsolve/rmt"
)

// ensRBMConfig is a small rbm study: 6 x 6 weights, spectra every 100 updates, drift bins of
// width 0.015 (fine enough that the slow smallest eigenvalue, near 0.02, spans several bins).
func ensRBMConfig(runs, steps int, seed int) string {
	return fmt.Sprintf(`[rbm]
visible = 6
hidden = 6
target_m2 = 4.0
mu2 = 9.0
sigma_h = 1.0
init_sigma = 0.1
alpha = 0.1
batch = 16
gibbs_steps = 3
steps = %d
runs = %d
record_every = 100
bins = 600
seed = %d
`, steps, runs, seed)
}

func TestRBMStageOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cfg := ensWriteConfig(t, dir, ensRBMConfig(12, 400, 1))
	stdout := ensMustRun(t, "-config", cfg, "-out", out)
	if !strings.Contains(stdout, "rbm: 12 runs") {
		t.Errorf("human summary lacks the run count:\n%s", stdout)
	}

	// rbm_spectra.csv: 12 runs x recorded steps 0, 100, ..., 400; columns run, step, x0..x5.
	recs, err := csv.NewReader(bytes.NewReader(ensRead(t, filepath.Join(out, "rbm_spectra.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"run", "step", "x0", "x1", "x2", "x3", "x4", "x5"}
	if !reflect.DeepEqual(recs[0], wantHead) {
		t.Fatalf("header %v, want %v", recs[0], wantHead)
	}
	if len(recs) != 1+12*5 {
		t.Fatalf("%d data rows, want 12 runs x 5 recorded steps = 60", len(recs)-1)
	}
	// Step 0 is the Marchenko-Pastur start: E[tr(W^T W)]/N = M s^2 = 6 * 0.01 exactly. Per run
	// tr/N has sd sqrt(2 M N) s^2 / N = 0.0141; over 12 runs the mean has sd 0.0041: 4 sd.
	var sum0 float64
	var n0 int
	for _, rec := range recs[1:] {
		if rec[1] != "0" {
			continue
		}
		prev := math.Inf(-1)
		for _, v := range rec[2:] {
			var x float64
			fmt.Sscan(v, &x)
			if x < prev {
				t.Fatalf("eigenvalues not ascending in row %v", rec)
			}
			prev = x
			sum0 += x
			n0++
		}
	}
	if n0 != 72 {
		t.Fatalf("%d step-0 eigenvalues, want 72", n0)
	}
	if m := sum0 / float64(n0); math.Abs(m-0.06) > 4*0.0041 {
		t.Errorf("step-0 mean eigenvalue %.4g, Marchenko-Pastur mean M s^2 = 0.06", m)
	}

	// drift.csv is a model table: one table per eigenvalue.
	f, err := os.Open(filepath.Join(out, "drift.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tabs, err := model.ReadTables(f)
	f.Close()
	if err != nil {
		t.Fatalf("drift.csv is not a readable table: %v", err)
	}
	if len(tabs) != 6 {
		t.Errorf("drift.csv has %d modes, want 6", len(tabs))
	}

	// summary.json: the SPEC keys.
	s := ensSummary(t, out)
	rb, ok := s["rbm"].(map[string]any)
	if !ok {
		t.Fatalf("summary has no rbm section: %v", s)
	}
	for _, k := range []string{"kappa", "modes", "pairs", "updates_per_second", "runs"} {
		if _, ok := rb[k]; !ok {
			t.Errorf("summary rbm lacks %q", k)
		}
	}
	// kappa_k = 6 - 2 cos(2 pi k/6) ascending: 4, 5, 5, 7, 7, 8.
	kap := rb["kappa"].([]any)
	for i, want := range []float64{4, 5, 5, 7, 7, 8} {
		if math.Abs(kap[i].(float64)-want) > 1e-12 { // rounding of the cosine
			t.Errorf("kappa[%d] = %v, want %v", i, kap[i], want)
		}
	}
	modes := rb["modes"].([]any)
	for i, want := range []float64{1, 2, 2, 4, 4, 5} { // targets mu^2 - kappa, ascending
		m := modes[i].(map[string]any)
		if math.Abs(m["target"].(float64)-want) > 1e-12 {
			t.Errorf("mode %d target %v, want %v", i, m["target"], want)
		}
		for _, k := range []string{"mean", "var"} {
			if _, ok := m[k]; !ok {
				t.Errorf("mode %d lacks %q", i, k)
			}
		}
	}
	pairs := rb["pairs"].([]any)
	if len(pairs) != 2 {
		t.Fatalf("%d pairs, want the 2 degenerate pairs kappa = 5 and 7", len(pairs))
	}
	for _, p := range pairs {
		pm := p.(map[string]any)
		for _, k := range []string{"modes", "mean_spacing", "mean_spacing_err", "var", "binder"} {
			if _, ok := pm[k]; !ok {
				t.Errorf("pair lacks %q", k)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(out, "rbm.png")); err != nil {
		t.Errorf("rbm.png: %v", err)
	}
}

// TestRBMResume removes some persisted runs and every output of a complete run, as a kill
// would leave them, and checks that the rerun ends with the same bytes.
func TestRBMResume(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(12, 400, 1))
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	ensMustRun(t, "-config", cfg, "-out", a)
	ensMustRun(t, "-config", cfg, "-out", b)
	for _, i := range []int{1, 4, 5, 11} {
		if err := os.Remove(filepath.Join(b, "runs", "rbm", fmt.Sprintf("member-%07d.gob", i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"rbm_spectra.csv", "drift.csv", "summary.json", "rbm.png"} {
		os.Remove(filepath.Join(b, f))
	}
	out := ensMustRun(t, "-config", cfg, "-out", b)
	if !strings.Contains(out, "(4 trained now)") {
		t.Errorf("expected exactly the 4 removed runs to be retrained:\n%s", out)
	}
	for _, f := range []string{"rbm_spectra.csv", "drift.csv"} {
		if !bytes.Equal(ensRead(t, filepath.Join(a, f)), ensRead(t, filepath.Join(b, f))) {
			t.Errorf("%s differs after resume", f)
		}
	}
	if sa, sb := ensStripTimes(ensSummary(t, a)), ensStripTimes(ensSummary(t, b)); !reflect.DeepEqual(sa, sb) {
		t.Errorf("summary differs after resume:\n%v\n%v", sa, sb)
	}
	// All runs present: nothing is trained, and the stored throughput is reported.
	out = ensMustRun(t, "-config", cfg, "-out", b)
	if !strings.Contains(out, "(0 trained now)") || !strings.Contains(out, "stored with the runs") {
		t.Errorf("a complete rerun should load every run:\n%s", out)
	}
	if !bytes.Equal(ensRead(t, filepath.Join(a, "rbm_spectra.csv")), ensRead(t, filepath.Join(b, "rbm_spectra.csv"))) {
		t.Errorf("rbm_spectra.csv differs after a full reload")
	}
	// A changed config is refused in a used directory; with -force the old outputs move aside,
	// and the runs of the other seed are not reused (the key differs).
	cfg2 := ensWriteConfig(t, dir, ensRBMConfig(12, 400, 2))
	if code, _, errs := ensRun(t, "-config", cfg2, "-out", b); code == 0 || !strings.Contains(errs, "another config") {
		t.Errorf("another config into a used directory: exit %d, stderr %q", code, errs)
	}
	out = ensMustRun(t, "-config", cfg2, "-out", b, "-force")
	if !strings.Contains(out, "(12 trained now)") {
		t.Errorf("a new seed must retrain every run:\n%s", out)
	}
}

func TestRBMShardMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(12, 400, 1))
	full := filepath.Join(dir, "full")
	ensMustRun(t, "-config", cfg, "-out", full)
	var shards []string
	for i := 0; i < 3; i++ {
		s := filepath.Join(dir, fmt.Sprintf("shard%d", i))
		ensMustRun(t, "-config", cfg, "-out", s, "-shard", fmt.Sprintf("%d/3", i))
		for _, f := range []string{"rbm_spectra.csv", "drift.csv", "summary.json", "rbm.png"} {
			if _, err := os.Stat(filepath.Join(s, f)); err == nil {
				t.Errorf("shard %d wrote the final output %s", i, f)
			}
		}
		if _, err := os.Stat(filepath.Join(s, "config.toml")); err != nil {
			t.Errorf("shard %d has no config copy: %v", i, err)
		}
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged")
	out := ensMustRun(t, append([]string{"merge", "-out", merged}, shards...)...)
	if !strings.Contains(out, "(0 trained now)") {
		t.Errorf("merge retrained runs:\n%s", out)
	}
	for _, f := range []string{"rbm_spectra.csv", "drift.csv"} {
		if !bytes.Equal(ensRead(t, filepath.Join(full, f)), ensRead(t, filepath.Join(merged, f))) {
			t.Errorf("%s of the merged shards differs from the unsharded run", f)
		}
	}
	if sa, sb := ensStripTimes(ensSummary(t, full)), ensStripTimes(ensSummary(t, merged)); !reflect.DeepEqual(sa, sb) {
		t.Errorf("merged summary differs:\n%v\n%v", sa, sb)
	}

	// Shards of different configs are refused with one line.
	other := filepath.Join(dir, "other")
	cfg2dir := filepath.Join(dir, "c2")
	os.MkdirAll(cfg2dir, 0o755)
	cfg2 := ensWriteConfig(t, cfg2dir, ensRBMConfig(12, 400, 2))
	ensMustRun(t, "-config", cfg2, "-out", other, "-shard", "1/3")
	code, _, errs := ensRun(t, "merge", "-out", filepath.Join(dir, "bad"), shards[0], other)
	if code == 0 || !strings.Contains(errs, "different configs") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("merging different configs: exit %d, stderr %q; want a one-line refusal", code, errs)
	}
	code, _, errs = ensRun(t, "merge", shards[0])
	if code == 0 || !strings.Contains(errs, "-out") {
		t.Errorf("merge without -out: exit %d, stderr %q", code, errs)
	}
}

// ensLangevinConfig is two harmonic modes with equal centre and curvature, with Coulomb:
// sigma^2 = g^2/Omega = 0.01.
const ensLangevinConfig = `
[model]
drift = "harmonic"
kappa = [1.0, 1.0]
omega = [1.0, 1.0]
[noise]
g2 = 0.01
[langevin]
walkers = 4096
alpha = 0.01
batch = 16
steps = 1000
seed = 3
`

func TestLangevinStage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensLangevinConfig)
	full := filepath.Join(dir, "full")
	ensMustRun(t, "-config", cfg, "-out", full)
	for _, f := range []string{"langevin.csv", "langevin.png", "wigner_langevin.png", "summary.json"} {
		if _, err := os.Stat(filepath.Join(full, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	lv := ensSummary(t, full)["langevin"].(map[string]any)
	pairs := lv["pairs"].([]any)
	if len(pairs) != 1 {
		t.Fatalf("%d pairs, want 1", len(pairs))
	}
	p := pairs[0].(map[string]any)
	const sigma2 = 0.01
	// Pooled two-mode density: <y^2> = 1.5 sigma^2. The sample variance of 4096 walkers has a
	// relative standard error sqrt((<y^4>/<y^2>^2 - 1)/n) = sqrt((3 (1 - 4/27) - 1)/4096) = 1.9%
	// (counting each walker once); 4 standard errors. The time-step bias (alpha Omega = 0.01) is
	// below 0.5% and the start has relaxed by e^(-2 Omega t) = e^(-20).
	if v := p["var"].(float64); math.Abs(v/(rmt.TwoModeVar*sigma2)-1) > 4*0.019 {
		t.Errorf("pooled var %.5g, want 1.5 sigma^2 = %.5g", v, rmt.TwoModeVar*sigma2)
	}
	// Wigner surmise: <S> = sqrt(pi) sigma; the spacing sd is sigma sqrt(4 - pi) = 0.093, so
	// the mean of 4096 has sd 0.00145; 4 sd.
	if s := p["mean_spacing"].(float64); math.Abs(s-math.Sqrt(math.Pi*sigma2)) > 4*0.00145 {
		t.Errorf("<S> = %.5g, want sqrt(pi) sigma = %.5g", s, math.Sqrt(math.Pi*sigma2))
	}
	if lv["walkers"].(float64) != 4096 || lv["steps"].(float64) != 1000 {
		t.Errorf("walkers/steps: %v %v", lv["walkers"], lv["steps"])
	}
	for _, k := range []string{"reflected", "rejected", "crossings"} {
		if _, ok := lv["counts"].(map[string]any)[k]; !ok {
			t.Errorf("counts lacks %q", k)
		}
	}

	// Shards (4 blocks of 1024 walkers over 2 shards) merge to the same bytes.
	var shards []string
	for i := 0; i < 2; i++ {
		s := filepath.Join(dir, fmt.Sprintf("s%d", i))
		ensMustRun(t, "-config", cfg, "-out", s, "-shard", fmt.Sprintf("%d/2", i))
		if _, err := os.Stat(filepath.Join(s, "langevin.csv")); err == nil {
			t.Errorf("shard %d wrote langevin.csv", i)
		}
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged")
	ensMustRun(t, append([]string{"merge", "-out", merged}, shards...)...)
	if !bytes.Equal(ensRead(t, filepath.Join(full, "langevin.csv")), ensRead(t, filepath.Join(merged, "langevin.csv"))) {
		t.Errorf("langevin.csv of the merged shards differs from the unsharded run")
	}
	if sa, sb := ensStripTimes(ensSummary(t, full)), ensStripTimes(ensSummary(t, merged)); !reflect.DeepEqual(sa, sb) {
		t.Errorf("merged langevin summary differs")
	}
}

func TestSweepStage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(6, 300, 1)+`
[sweep]
alpha = [0.05, 0.1]
batch = []
`)
	out := filepath.Join(dir, "out")
	ensMustRun(t, "-config", cfg, "-out", out)
	recs, err := csv.NewReader(bytes.NewReader(ensRead(t, filepath.Join(out, "scaling.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alpha", "batch", "pair", "kappa", "mean_spacing", "mean_spacing_err", "sigma_fit", "sigma_fit_err"}
	if !reflect.DeepEqual(recs[0][:len(want)], want) {
		t.Errorf("scaling.csv header %v, want it to start with %v", recs[0], want)
	}
	if len(recs) != 1+2*2 { // 2 alphas x 1 batch x 2 degenerate pairs
		t.Errorf("scaling.csv has %d rows, want 4", len(recs)-1)
	}
	for _, sub := range []string{"alpha=0.05_batch=16", "alpha=0.1_batch=16"} {
		if _, err := os.Stat(filepath.Join(out, sub, "rbm_spectra.csv")); err != nil {
			t.Errorf("sweep point %s: %v", sub, err)
		}
	}
	sw := ensSummary(t, out)["sweep"].(map[string]any)
	a, ok := sw["a_fit"].(float64)
	if !ok || math.IsNaN(a) || a <= 0 {
		t.Errorf("a_fit = %v, want a finite positive slope", sw["a_fit"])
	}
	for _, k := range []string{"a_fit_err", "chi2_dof", "points"} {
		if _, ok := sw[k]; !ok {
			t.Errorf("sweep summary lacks %q", k)
		}
	}
	for _, f := range []string{"scaling.png", "wigner_sweep.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
