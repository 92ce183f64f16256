package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestFitSpacingNLO(t *testing.T) {
	t.Parallel()
	// Points on <S> = a x (1 - b g), g = alpha/|B|, at the batch sweep's settings: exact data
	// give a and b back to rounding (1e-12) with chi^2 = 0; with Gaussian errors of 4% (the
	// sweeps' jackknife errors) the spread of b over 2000 replicas matches the propagated
	// error b_err within 10% (the spread's own relative error is 1/sqrt(2*2000) = 1.6%), and
	// chi^2/dof averages 1 within 0.05 (its standard error over 2000 replicas with 18 dof is
	// sqrt(2/18/2000) = 0.007).
	const a, b = 2.5, 9.0
	var pts []sweepPoint
	for _, batch := range []int{4, 8, 16, 32, 64} {
		for _, muk := range []float64{1.4, 2.4, 3.6, 4.6} {
			g := 0.1 / float64(batch)
			x := math.Sqrt(g * muk)
			s := a * x * (1 - b*g)
			pts = append(pts, sweepPoint{alpha: 0.1, batch: batch, x: x, meanS: s, meanErr: 0.04 * s})
		}
	}
	f, err := fitSpacingNLO(pts)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.a-a) > 1e-12 || math.Abs(f.b-b) > 1e-10 || f.chi2dof > 1e-20 {
		t.Fatalf("exact data: a = %.15g, b = %.15g, chi2/dof %g", f.a, f.b, f.chi2dof)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const reps = 2000
	var sb, sbb, chi float64
	noisy := make([]sweepPoint, len(pts))
	for rep := 0; rep < reps; rep++ {
		for k, p := range pts {
			p.meanS += p.meanErr * rng.NormFloat64()
			noisy[k] = p
		}
		g, err := fitSpacingNLO(noisy)
		if err != nil {
			t.Fatal(err)
		}
		sb += g.b
		sbb += g.b * g.b
		chi += g.chi2dof
	}
	mean := sb / reps
	sd := math.Sqrt(sbb/reps - mean*mean)
	if math.Abs(sd/f.bErr-1) > 0.1 {
		t.Errorf("spread of b %.4g, propagated error %.4g", sd, f.bErr)
	}
	if math.Abs(chi/reps-1) > 0.05 {
		t.Errorf("mean chi2/dof %.3f, want 1", chi/reps)
	}
	// One alpha/|B| only: no slope to fit.
	if _, err := fitSpacingNLO(pts[:4]); err == nil {
		t.Error("a single alpha/|B| was fitted")
	}
}

func TestSweepLangevin(t *testing.T) {
	t.Parallel()
	// With [model], [noise] (alpha, batch, gtilde2) and [langevin], the sweep reruns the walkers
	// at every setting with its alpha and |B|: g^2 = (alpha/|B|) gtilde2, steps scaled so that
	// t = steps * alpha stays 200. At this small noise a degenerate pair is a two-mode Coulomb
	// gas in the harmonic well Omega = (mu^2 - kappa)/kappa^2, so <S> = sqrt(pi g^2/Omega); the
	// other modes (1 or more away; sigma = 0.09 here) and the anharmonicity shift it by well
	// under 1%, and 2000 walkers give a 1.2% standard error: 4% is three of them.
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, ensRBMConfig(6, 300, 1)+`
[sweep]
alpha = [0.05, 0.1]
batch = []

[model]
drift = "rbm"
mu2 = 9.0
kappa = [8.0, 7.0, 7.0, 5.0, 5.0, 4.0]

[noise]
alpha = 0.1
batch = 16
gtilde2 = 0.05

[langevin]
walkers = 2000
alpha = 0.1
batch = 16
steps = 2000
seed = 5
`)
	out := filepath.Join(dir, "out")
	ensMustRun(t, "-config", cfg, "-out", out)
	recs, err := csv.NewReader(bytes.NewReader(ensRead(t, filepath.Join(out, "scaling.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if len(recs) != 1+2*2 {
		t.Fatalf("scaling.csv has %d rows, want 2 settings x 2 pairs", len(recs)-1)
	}
	for _, rec := range recs[1:] {
		num := func(k string) float64 {
			v, err := strconv.ParseFloat(rec[col[k]], 64)
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			return v
		}
		alpha, kappa, s := num("alpha"), num("kappa"), num("langevin_mean_spacing")
		g := alpha / 16 * 0.05
		want := math.Sqrt(math.Pi * g * kappa * kappa / (9 - kappa))
		if math.Abs(s/want-1) > 0.04 {
			t.Errorf("alpha %g, kappa %g: Langevin <S> = %.4g, two-mode Coulomb gas %.4g", alpha, kappa, s, want)
		}
	}
	for _, sub := range []string{"alpha=0.05_batch=16", "alpha=0.1_batch=16"} {
		if _, err := os.Stat(filepath.Join(out, sub, "langevin.csv")); err != nil {
			t.Errorf("sweep point %s: %v", sub, err)
		}
	}
	// The walkers ran per setting, not once more at the top level.
	if _, err := os.Stat(filepath.Join(out, "langevin.csv")); err == nil {
		t.Error("langevin.csv at the top level of a sweep")
	}
	// Two shards (each with its own walker blocks) merged give the same scaling.csv bytes.
	var shards []string
	for i := 0; i < 2; i++ {
		sh := filepath.Join(dir, "shard"+strconv.Itoa(i))
		ensMustRun(t, "-config", cfg, "-shard", strconv.Itoa(i)+"/2", "-out", sh)
		shards = append(shards, sh)
	}
	if _, err := os.Stat(filepath.Join(shards[1], "alpha=0.1_batch=16", "runs", "langevin")); err != nil {
		t.Errorf("shard 1 ran no walkers: %v", err)
	}
	merged := filepath.Join(dir, "merged")
	ensMustRun(t, append([]string{"merge", "-out", merged}, shards...)...)
	if !bytes.Equal(ensRead(t, filepath.Join(out, "scaling.csv")), ensRead(t, filepath.Join(merged, "scaling.csv"))) {
		t.Error("scaling.csv of the merged shards differs from the unsharded sweep")
	}
}

func TestNoiseSlope(t *testing.T) {
	t.Parallel()
	// One harmonic mode (Omega = 1, centre 0) with g^2(x) = 0.01 exp(5 x): the walkers'
	// stationary mean and variance against the Ito stationary density
	// P ∝ exp(-int_0^x K/D) / D, integrated here directly (trapezoid on 20001 points over
	// [-1, 1], error far below 1e-6). 20000 walkers give standard errors of 0.7% in the mean's
	// scale and 1% in the variance; the step's bias is alpha Omega / 2 = 0.5%: 4% allowances.
	// Constant noise would give mean 0 and variance 0.01, far outside them.
	dir := t.TempDir()
	cfg := ensWriteConfig(t, dir, `
[model]
drift = "harmonic"
kappa = [0.0]
omega = [1.0]

[noise]
g2 = 0.01
slope = 5.0

[grid]
lo = -1.0
hi = 1.0
points = 400

[langevin]
walkers = 20000
alpha = 0.01
batch = 16
steps = 1000
seed = 7
`)
	out := filepath.Join(dir, "out")
	ensMustRun(t, "-config", cfg, "-out", out)
	m := ensSummary(t, out)["langevin"].(map[string]any)["modes"].([]any)[0].(map[string]any)
	const n = 20001
	var z, m1, m2 float64
	xs, ps := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i] = -1 + 2*float64(i)/float64(n-1)
	}
	// The exponent int_0^x y/D(y) dy (K = -y), by the trapezoid rule outwards from x = 0.
	f := func(y float64) float64 { return y / (0.01 * math.Exp(5*y)) }
	mid := (n - 1) / 2
	ex := make([]float64, n)
	for i := mid + 1; i < n; i++ {
		ex[i] = ex[i-1] + 0.5*(f(xs[i-1])+f(xs[i]))*(xs[i]-xs[i-1])
	}
	for i := mid - 1; i >= 0; i-- {
		ex[i] = ex[i+1] - 0.5*(f(xs[i+1])+f(xs[i]))*(xs[i+1]-xs[i])
	}
	for i, x := range xs {
		ps[i] = math.Exp(-ex[i]) / (0.01 * math.Exp(5*x))
	}
	for i := 1; i < n; i++ {
		h := xs[i] - xs[i-1]
		z += 0.5 * h * (ps[i] + ps[i-1])
		m1 += 0.5 * h * (ps[i]*xs[i] + ps[i-1]*xs[i-1])
	}
	mean := m1 / z
	for i := 1; i < n; i++ {
		h := xs[i] - xs[i-1]
		a, b := xs[i]-mean, xs[i-1]-mean
		m2 += 0.5 * h * (ps[i]*a*a + ps[i-1]*b*b)
	}
	vr := m2 / z
	t.Logf("exact mean %.5g var %.5g; walkers %v %v", mean, vr, m["mean"], m["var"])
	if got := m["mean"].(float64); math.Abs(got-mean) > 0.04*math.Sqrt(vr) {
		t.Errorf("mean %.5g, exact %.5g", got, mean)
	}
	if got := m["var"].(float64); math.Abs(got/vr-1) > 0.04 {
		t.Errorf("variance %.5g, exact %.5g", got, vr)
	}
	if math.Abs(vr/0.01-1) < 0.1 && math.Abs(mean) < 0.02 {
		t.Errorf("the slope hardly matters here (exact mean %.3g, var %.3g): the test cannot tell", mean, vr)
	}
}
