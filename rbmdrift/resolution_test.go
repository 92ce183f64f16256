package rbmdrift

import (
	"context"
	"math"
	"testing"
)

// TestChooseResolutionPaper checks ChooseResolution at the paper's settings against the step-0
// spectra and drifts computed independently (TrainRun's step-0 record, ExpectedDrift of a fresh
// trainer) and against the rule of Resolution's documentation.
func TestChooseResolutionPaper(t *testing.T) {
	t.Parallel()
	cfg := reference()
	cfg.Steps, cfg.Runs, cfg.MeasureEvery = 3000, 400, 1
	res, err := ChooseResolution(context.Background(), cfg, Limits{Runs: 400, MaxBytes: 16 << 30})
	if err != nil {
		t.Fatal(err)
	}
	xmin, rate := math.Inf(1), 0.0
	c0 := cfg
	c0.Steps, c0.MeasureEvery = 0, 0
	for r := 0; r < 400; r++ {
		run, err := TrainRun(c0, r)
		if err != nil {
			t.Fatal(err)
		}
		tr, _ := NewTrainer(cfg, r)
		ex, err := tr.ExpectedDrift(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range run.Spectra[0] {
			xmin = math.Min(xmin, x)
			rate = math.Max(rate, math.Abs(ex[i])/x)
		}
	}
	// The same eigenvalues from the same solver: equal to rounding (1e-12 relative).
	if math.Abs(res.XMin/xmin-1) > 1e-12 || math.Abs(res.Rate/rate-1) > 1e-12 {
		t.Errorf("x_min %g rate %g, want %g and %g", res.XMin, res.Rate, xmin, rate)
	}
	// The rule: a power of ten between x_min/100 and x_min/10, 5 log bins per decade up to the
	// first equal bin (width 9/60), windows no longer than 1/rate.
	if f := res.LogFloor; !(f <= xmin/10 && f > xmin/100) || math.Abs(math.Log10(f)-math.Round(math.Log10(f))) > 1e-12 {
		t.Errorf("log floor %g for x_min %g", f, xmin)
	}
	if want := int(math.Ceil(5 * math.Log10(0.15/res.LogFloor))); res.LogBins != want {
		t.Errorf("log bins %d, want %d", res.LogBins, want)
	}
	if T := 0.1 * 3000.0; float64(res.DriftWindows) < T*rate || float64(res.DriftWindows-1) >= T*rate || res.Capped != "" {
		t.Errorf("%d windows (capped %q) for t = %g at rate %g", res.DriftWindows, res.Capped, T, rate)
	}
	// The paper's scales: the step-0 eigenvalues reach below 1e-7 (init_sigma 0.1: x ~ 0.1^2
	// times a Marchenko-Pastur factor near 0), and the fastest mode grows at about
	// 2 (1/kappa_min - 1/mu^2) = 2 (1/4 - 1/9) = 0.28 per unit t.
	if xmin > 1e-6 || rate < 0.2 || rate > 0.3 {
		t.Errorf("x_min %g, rate %g: not the paper's scales", xmin, rate)
	}
}

// TestChooseResolutionCaps: few runs cap the windows by the increments they hold, a small
// memory limit by the tables' size, and a short run by MinWindowSteps; starting far from the
// wall needs no log bins.
func TestChooseResolutionCaps(t *testing.T) {
	t.Parallel()
	cfg := reference()
	cfg.Steps, cfg.MeasureEvery = 3000, 1
	ctx := context.Background()
	res, err := ChooseResolution(ctx, cfg, Limits{Runs: 4})
	if err != nil {
		t.Fatal(err)
	}
	if want := 4 * 3000 / MinWindowIncrements; res.DriftWindows != want || res.Capped == "" || res.Uncapped <= want {
		t.Errorf("4 runs: %+v, want %d windows capped", res, want)
	}
	free, err := ChooseResolution(ctx, cfg, Limits{Runs: 400})
	if err != nil {
		t.Fatal(err)
	}
	per := 56.0 * 400 * 10 * float64(60+free.LogBins) // bytes per window
	res, err = ChooseResolution(ctx, cfg, Limits{Runs: 400, MaxBytes: 4 * per * 7})
	if err != nil {
		t.Fatal(err)
	}
	if res.DriftWindows != 7 || res.Capped == "" {
		t.Errorf("memory for 7 windows: %+v", res)
	}
	cfg.Steps, cfg.Alpha = 50, 1 // t = 50: the rate asks for 13 windows of 4 updates
	if res, err = ChooseResolution(ctx, cfg, Limits{Runs: 4000}); err != nil || res.DriftWindows != 50/MinWindowSteps || res.Uncapped < 13 {
		t.Errorf("50 steps: %+v, %v", res, err)
	}
	// Larger initial weights (init_sigma 0.3: eigenvalues of W^T W from about 1e-4 to 3): log
	// bins exactly when the smallest is below a tenth of the first bin.
	cfg.InitSigma, cfg.Steps, cfg.Alpha = 0.3, 3000, 0.1
	res, err = ChooseResolution(ctx, cfg, Limits{Runs: 50})
	if err != nil {
		t.Fatal(err)
	}
	if (res.XMin < 0.015) != (res.LogBins > 0) {
		t.Errorf("init_sigma 0.3: x_min %g with %d log bins", res.XMin, res.LogBins)
	}
}

// TestThin counts by hand: one window, two modes, equal bins [0, 1), [1, 2).
func TestThin(t *testing.T) {
	t.Parallel()
	a := NewDriftAccumulator(2, 2, 0, 2, 0.1)
	for i := 0; i < 5; i++ {
		a.Add(0, 0.5, 0, 0) // mode 0, bin 0: 5 increments
	}
	a.Add(0, 1.5, 0, 0) // mode 0, bin 1: 1
	xs := []float64{0.2, 0.7, 1.2, 2.5}
	// 1.2 lies in a bin of 1 increment, 2.5 outside: 2 of 4 below 3 increments.
	if got := a.Thin(0, 0, xs, 3); got != 0.5 {
		t.Errorf("mode 0: %g, want 0.5", got)
	}
	if got := a.Thin(0, 1, xs, 1); got != 1 {
		t.Errorf("mode 1 (empty): %g, want 1", got)
	}
	if got := a.Thin(0, 0, nil, 3); got != 0 {
		t.Errorf("no values: %g", got)
	}
}
