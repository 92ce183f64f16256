package rbmdrift

import (
	"math"
	"reflect"
	"testing"

	"fpsolve/rmt"
)

func TestLearnedEigenvaluesApproachTarget(t *testing.T) {
	t.Parallel()
	// As alpha/|B| -> 0 the learned x_i approach mu^2 - kappa_i (sigma_h = 1): the time-averaged
	// spectrum of one long run deviates by ~ sigma ~ sqrt(alpha/|B|) (Coulomb gas width).
	settings := []struct {
		alpha float64
		batch int
		steps int
	}{
		{0.1, 8, 20000},   // alpha/|B| = 1/80
		{0.02, 64, 50000}, // alpha/|B| = 1/3200
	}
	var rms []float64
	for _, s := range settings {
		cfg := reference()
		cfg.Alpha, cfg.Batch, cfg.Steps, cfg.RecordEvery = s.alpha, s.batch, s.steps, 10
		res, err := TrainRun(cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		target := cfg.TargetSpectrum()
		mean := make([]float64, len(target))
		var n float64
		for k, st := range res.Steps {
			if st > cfg.Steps/2 {
				for i, x := range res.Spectra[k] {
					mean[i] += x
				}
				n++
			}
		}
		var d2 float64
		for i := range mean {
			d := mean[i]/n - target[i]
			d2 += d * d
		}
		rms = append(rms, math.Sqrt(d2/float64(len(mean))))
	}
	t.Logf("rms deviation from mu^2 - kappa: %.4f (alpha/|B| = 1/80), %.4f (1/3200)", rms[0], rms[1])
	// The ratio falls by 40, the width by sqrt(40) ~ 6: require a factor 2 and an absolute
	// 0.1 (a tenth of the smallest gap between distinct targets, 1) at the small ratio.
	if !(rms[1] < rms[0]/2) || rms[1] > 0.1 {
		t.Errorf("rms deviation %.4f at the small ratio, %.4f at the large one", rms[1], rms[0])
	}
}

func TestWignerSurmiseOfPair(t *testing.T) {
	t.Parallel()
	// The spacing S of the degenerate pair with the smallest kappa (ascending indices 7, 8)
	// follows the Wigner surmise P(S) = S/(2 sigma^2) exp(-S^2/(4 sigma^2)), sigma = <S>/sqrt(pi).
	runs := 300
	if testing.Short() {
		runs = 120
	}
	cfg := reference()
	cfg.Steps, cfg.RecordEvery = 1000, 0 // t = 100, many relaxation times of that pair
	idx := make([]int, runs)
	for i := range idx {
		idx[i] = i
	}
	res, err := TrainEnsemble(cfg, idx, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := make([]float64, runs)
	var mean float64
	for i, r := range res {
		f := r.Final()
		s[i] = f[8] - f[7]
		mean += s[i] / float64(runs)
	}
	sigma := mean / math.Sqrt(math.Pi)
	d := rmt.KSDistance(s, func(x float64) float64 { return rmt.WignerCDF(x, sigma) })
	p := rmt.KSPValue(d, float64(runs))
	t.Logf("pair (7,8): <S> = %.4f, sigma = %.4f, KS %.4f, p = %.3f", mean, sigma, d, p)
	// p < 0.01 rejects; fitting sigma from the same data makes the test conservative.
	if p < 0.01 {
		t.Errorf("spacing distribution differs from the Wigner surmise: KS %.4f, p = %.2g", d, p)
	}
	// A Poisson (uncorrelated) spacing with the same mean is far: guards against a test that
	// cannot fail.
	dp := rmt.KSDistance(s, func(x float64) float64 { return 1 - math.Exp(-x/mean) })
	if rmt.KSPValue(dp, float64(runs)) > 0.01 {
		t.Errorf("spacings are also compatible with Poisson (KS %.4f)", dp)
	}
}

func TestReproducibleRuns(t *testing.T) {
	t.Parallel()
	// Run r depends only on (seed, r): alone, inside an ensemble, with 1 or 2 goroutines.
	for _, sampler := range []string{SamplerDirect, SamplerGibbs} {
		cfg := reference()
		cfg.Sampler = sampler
		cfg.Data = DataSamples
		cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Bins = 200, 50, 3, 20
		alone, err := TrainRun(cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			var calls int
			res, err := TrainEnsemble(cfg, []int{5, 3, 0, 1}, workers, func(RunResult, error) { calls++ })
			if err != nil {
				t.Fatal(err)
			}
			if calls != 4 {
				t.Errorf("%d progress calls, want 4", calls)
			}
			if res[1].Run != 3 || !reflect.DeepEqual(res[1], alone) {
				t.Errorf("%s, %d workers: run 3 differs from the run alone", sampler, workers)
			}
		}
		other, _ := TrainRun(cfg, 4)
		if reflect.DeepEqual(other.Weights, alone.Weights) {
			t.Error("runs 3 and 4 are identical")
		}
	}
}

func TestDriftRecoversAR1(t *testing.T) {
	t.Parallel()
	// Synthetic AR(1), x' = x - Omega (x - c) dt + sqrt(2 D dt) eta: Kramers-Moyal from single
	// steps must give D1 = -Omega (x - c) and D2 = D per bin (exact for a linear drift and
	// Gaussian increments; the bin mean position absorbs the drift's variation across a bin).
	const omega, c, diff, dt = 0.8, 2.0, 0.05, 0.01
	const bins = 10
	var results []RunResult
	for r := 0; r < 4; r++ { // four "runs", merged
		acc := NewDriftAccumulator(1, bins, 1.5, 2.5, dt)
		src := NewSource(21, uint64(r))
		x := c
		for s := 0; s < 200000; s++ {
			dx := -omega*(x-c)*dt + math.Sqrt(2*diff*dt)*src.NormFloat64()
			acc.Add(0, x, dx, -omega*(x-c))
			x += dx
		}
		results = append(results, RunResult{Run: 3 - r, Drift: acc})
	}
	merged, err := MergeDrift(results)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, b := range merged.Table(0) {
		total += b.Count
		if b.Count < 1000 {
			continue
		}
		want := -omega * (b.X - c)
		// pulls against the estimator's own standard error; 5 sigma over 2 x 10 bins
		if p := (b.Drift - want) / b.DriftErr; math.Abs(p) > 5 {
			t.Errorf("x = %.3f: D1 = %.4f +- %.4f, want %.4f", b.X, b.Drift, b.DriftErr, want)
		}
		if p := (b.Diffusion - diff) / b.DiffusionErr; math.Abs(p) > 5 {
			t.Errorf("x = %.3f: D2 = %.5f +- %.5f, want %g", b.X, b.Diffusion, b.DiffusionErr, diff)
		}
		// the mean expected drift in the bin is the drift at the bin's mean position (linear drift)
		if math.Abs(b.Expected-want) > 1e-9 {
			t.Errorf("x = %.3f: expected drift %g, want %g", b.X, b.Expected, want)
		}
		// the error of D1 is sqrt(2 D/(n dt)) for Gaussian increments (10% from the finite n)
		if e := math.Sqrt(2 * diff / (float64(b.Count) * dt)); math.Abs(b.DriftErr/e-1) > 0.1 {
			t.Errorf("x = %.3f: D1 error %g, want %g", b.X, b.DriftErr, e)
		}
	}
	if total+merged.Dropped != 800000 {
		t.Errorf("counted %d + %d dropped increments, want 800000", total, merged.Dropped)
	}
	// Merging in run order is the same whatever the order of the results.
	again, _ := MergeDrift([]RunResult{results[2], results[0], results[3], results[1]})
	if !reflect.DeepEqual(again, merged) {
		t.Error("merge depends on the order of the results")
	}
}

func TestDriftMeasuredOnTrainer(t *testing.T) {
	t.Parallel()
	// Measured single-step drift agrees with the exact-gradient drift where the latter dominates
	// (far from the fixed point, early in training, single modes), within errors plus the O(alpha)
	// discrete-time correction.
	cfg := reference()
	cfg.Alpha, cfg.Batch, cfg.Steps, cfg.RecordEvery = 0.02, 64, 2000, 0
	cfg.MeasureEvery, cfg.Bins, cfg.DriftLo, cfg.DriftHi = 1, 30, 0, 6
	idx := []int{0, 1, 2, 3}
	res, err := TrainEnsemble(cfg, idx, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := MergeDrift(res)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for m := 0; m < cfg.Hidden; m++ {
		for _, b := range acc.Table(m) {
			if b.Count < 200 || math.Abs(b.Expected) < 0.05 {
				continue
			}
			checked++
			// statistical 5 sigma plus 10% of the drift for the alpha and Coulomb corrections
			if math.Abs(b.Drift-b.Expected) > 5*b.DriftErr+0.1*math.Abs(b.Expected) {
				t.Errorf("mode %d x = %.3f: measured %.4f +- %.4f, exact gradient %.4f", m, b.X, b.Drift, b.DriftErr, b.Expected)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d bins checked", checked)
	}
}
