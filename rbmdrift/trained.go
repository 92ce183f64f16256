package rbmdrift

import (
	"fmt"
	"slices"

	"fpsolve/ensemble"
)

// The rule of NoiseAtFixedPoints: a mode's diffusion is fitted to the bins within
// NoiseHalfWidth of its fixed point that hold at least NoiseMinCount increments each, pooled
// over the last third of the drift windows (at least one window), where the ensemble has
// settled near its fixed points.
const (
	NoiseHalfWidth = 0.25 // the bins used: |x - x*| <= 0.25
	NoiseMinCount  = 100  // and at least 100 increments each
)

// NoiseAtFixedPoints fits each mode's diffusion at its fixed point fixed[mode] with
// FitDiffusion, over the bins of acc.TableWindows(w0, W, mode) with w0 = W - max(1, W/3)
// (W = acc.NumWindows()), half width NoiseHalfWidth and minimum count NoiseMinCount. The
// estimates are NaN where fewer than three bins qualify or the fit fails, and for a NaN fixed
// point. For sigma_h = 1 the source talk's Coulomb-gas noise is gtilde2 = D2 |B| / (2 alpha), the 2
// because the RBM's drift per unit t is 2 K(x). NoiseAtFixedPoints panics if len(fixed) is not
// acc.Modes.
func NoiseAtFixedPoints(acc *DriftAccumulator, fixed []float64) []ensemble.Noise {
	if len(fixed) != acc.Modes {
		panic(fmt.Sprintf("rbmdrift: %d fixed points for %d modes", len(fixed), acc.Modes))
	}
	nw := acc.NumWindows()
	w0 := nw - max(1, nw/3)
	out := make([]ensemble.Noise, acc.Modes)
	for m := range out {
		f := FitDiffusion(acc.TableWindows(w0, nw, m), fixed[m], NoiseHalfWidth, NoiseMinCount)
		out[m] = ensemble.Noise{Mode: m, XStar: f.XStar, D2: f.D2, D2Err: f.D2Err, Slope: f.Slope, SlopeErr: f.SlopeErr, Bins: f.Bins}
	}
	return out
}

// Trained returns the ensemble of an RBM training of cfg: Source "rbm", Alpha and Batch of cfg,
// the runs, recorded steps and spectra of results (the spectra shared, not copied), Targets
// cfg.ModeKappa(), Fixed cfg.TargetSpectrum() (the fixed points (mu^2 - kappa)/sigma_h^2, 0
// for the modes that learn nothing), and, if the runs measured the drift, Drift the time tables
// of MergeDrift(results) over cfg.Steps and Noise from NoiseAtFixedPoints at Fixed; else both
// are nil.
//
// It returns an error if cfg is not valid, results is empty, the runs are not in ascending order
// of their index (or repeat one), they do not all have the same Steps, their drift accumulators
// do not merge, or the ensemble does not pass ensemble.Trained.Validate.
func Trained(cfg Config, results []RunResult) (*ensemble.Trained, error) {
	acc, err := MergeDrift(results)
	if err != nil {
		return nil, fmt.Errorf("rbmdrift: merging the drift: %w", err)
	}
	return TrainedWith(cfg, results, acc)
}

// TrainedWith is Trained for a caller that has merged the runs' drift already (MergeDrift of
// the same results; nil when no drift was measured), so that it is not merged twice.
func TrainedWith(cfg Config, results []RunResult, acc *DriftAccumulator) (*ensemble.Trained, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("rbmdrift: no runs")
	}
	e := &ensemble.Trained{
		Source: "rbm", Alpha: cfg.Alpha, Batch: cfg.Batch,
		Steps:   results[0].Steps,
		Targets: cfg.ModeKappa(),
		Fixed:   cfg.TargetSpectrum(),
	}
	for i, r := range results {
		if i > 0 && r.Run <= results[i-1].Run {
			return nil, fmt.Errorf("rbmdrift: run %d after run %d: runs must ascend and be distinct", r.Run, results[i-1].Run)
		}
		if !slices.Equal(r.Steps, e.Steps) {
			return nil, fmt.Errorf("rbmdrift: run %d's recorded steps differ from run %d's: %s", r.Run, results[0].Run, stepsDiffer(r.Steps, e.Steps))
		}
		e.Runs = append(e.Runs, r.Run)
		e.Spectra = append(e.Spectra, r.Spectra)
	}
	if acc != nil {
		e.Drift = acc.TimeTables(cfg.Alpha, cfg.Steps)
		e.Noise = NoiseAtFixedPoints(acc, e.Fixed)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// stepsDiffer describes how the recorded steps a differ from b (which are not equal): the first
// step that differs, or the lengths.
func stepsDiffer(a, b []int) string {
	for s := range min(len(a), len(b)) {
		if a[s] != b[s] {
			return fmt.Sprintf("step %d at index %d, not %d", a[s], s, b[s])
		}
	}
	return fmt.Sprintf("%d recorded steps, not %d", len(a), len(b))
}
