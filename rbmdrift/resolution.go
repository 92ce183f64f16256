package rbmdrift

import (
	"context"
	"fmt"
	"math"
)

// Resolution is a drift-measurement resolution chosen from the ensemble's step-0 spectra and its
// exact-gradient drift there, before any training (ChooseResolution). The zero LogBins means
// equal bins suffice.
//
// The rule, and why:
//
//   - Log bins. Trained from small weights (init_sigma = 0.1), the lowest eigenvalues start
//     decades below the first equal drift bin (at the paper's settings between 1e-7 and 1e-2
//     with bins of width 0.15) and grow exponentially: one bin [0, 0.15) would average their
//     x-proportional drift and diffusion over five decades. When the smallest step-0
//     eigenvalue XMin lies below a tenth of the equal width, the first equal bin is split into
//     log bins from LogFloor = XMin/10, rounded down to a power of ten, at 5 per decade: the
//     drift and diffusion of a multiplicative process (D1, D2 proportional to x) change by
//     less than 60% from bin to bin.
//   - Drift windows. The conditional drift of each eigenvalue changes as the ensemble moves;
//     a drift averaged over a window longer than the time the ensemble takes to change does
//     not drive a one-dimensional process with the ensemble's marginals (the mimicking
//     theorem needs the drift at each time). The fastest relative rate Rate = max_i |dx_i/dt| /
//     x_i of the step-0 exact-gradient drift sets the shortest time scale 1/Rate; the windows
//     are as many as make each at most that long, DriftWindows = ceil(alpha steps Rate),
//     within the bounds of Limits (each window at least MinWindowSteps updates and at least
//     MinWindowIncrements increments per mode; the tables' memory), which Capped names.
//
// At the paper's settings (400 runs of 3000 updates, alpha 0.1, |B| 16) the rule gives the
// resolution that a hand-tuned configuration reached by trial (testdata/pipeline.toml: 35 log
// bins from 1e-8, 60 windows of 50 updates): see TestChooseResolutionPaper.
type Resolution struct {
	XMin     float64 // the smallest step-0 eigenvalue over the runs looked at (> 0)
	Rate     float64 // the fastest relative step-0 drift max |dx/dt| / x, per unit t
	LogBins  int
	LogFloor float64
	// DriftWindows is the number of time windows; Uncapped what the rate alone asks and Capped
	// the bound that lowered it ("" when none did).
	DriftWindows, Uncapped int
	Capped                 string
}

// Limits bound ChooseResolution's drift windows.
type Limits struct {
	// MaxBytes bounds the drift tables' memory (56 bytes per run, window, mode and bin); 0: none.
	MaxBytes float64
	// Runs is the ensemble's size (for the increments per window and the memory).
	Runs int
}

// MinWindowSteps is the fewest updates in one drift window that ChooseResolution gives: shorter
// windows hold single-step increments that are strongly correlated over the chain's memory
// (k Gibbs steps of persistent chains).
const MinWindowSteps = 10

// MinWindowIncrements is the fewest increments per mode and window that ChooseResolution allows:
// a mode's increments in a window spread over ten or twenty bins, each of which should hold
// hundreds for the drift and its slope to be smooth enough for the theories (with 2,000, one
// window of a 40-run ensemble had a noisy slope that made the Langevin step unstable).
const MinWindowIncrements = 10000

// ChooseResolution looks at the step-0 spectra and exact-gradient drifts of runs 0..n-1 of cfg
// (n = min(lim.Runs, 1000); their initial weights, no training) and returns the resolution of
// the rule of Resolution. It does not change cfg. It returns an error if cfg is invalid or a
// run's initial model is improper.
func ChooseResolution(ctx context.Context, cfg Config, lim Limits) (Resolution, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return Resolution{}, err
	}
	n := min(max(lim.Runs, 1), 1000)
	res := Resolution{XMin: math.Inf(1)}
	x, ex := make([]float64, cfg.Hidden), make([]float64, cfg.Hidden)
	for r := 0; r < n; r++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		tr, err := NewTrainer(cfg, r)
		if err != nil {
			return res, err
		}
		tr.Spectrum(x)
		if _, err := tr.ExpectedDrift(ex, x); err != nil {
			return res, err
		}
		for i, v := range x {
			if v > 0 {
				res.XMin = math.Min(res.XMin, v)
				res.Rate = math.Max(res.Rate, math.Abs(ex[i])/v)
			}
		}
	}
	if math.IsInf(res.XMin, 1) {
		return res, fmt.Errorf("every step-0 eigenvalue is 0: no scale to resolve")
	}
	lo, hi := cfg.driftRange()
	w := (hi - lo) / float64(cfg.Bins)
	if res.XMin < w/10 {
		res.LogFloor = math.Pow(10, math.Floor(math.Log10(res.XMin/10)))
		res.LogBins = int(math.Ceil(5 * math.Log10(w/res.LogFloor)))
	}
	t := cfg.Alpha * float64(cfg.Steps)
	res.Uncapped = max(1, int(math.Ceil(t*res.Rate)))
	res.DriftWindows = res.Uncapped
	capTo := func(m int, why string) {
		if m < res.DriftWindows {
			res.DriftWindows, res.Capped = max(1, m), why
		}
	}
	capTo(cfg.Steps/MinWindowSteps, fmt.Sprintf("at least %d updates per window", MinWindowSteps))
	if cfg.MeasureEvery > 0 {
		inc := float64(max(lim.Runs, 1)) * float64(cfg.Steps) / float64(cfg.MeasureEvery)
		capTo(int(inc/MinWindowIncrements), fmt.Sprintf("at least %d increments per mode and window", MinWindowIncrements))
		if lim.MaxBytes > 0 {
			per := 56 * float64(max(lim.Runs, 1)) * float64(cfg.Hidden) * float64(cfg.Bins+res.LogBins)
			capTo(int(lim.MaxBytes/4/per), "a quarter of the memory limit for the drift tables")
		}
	}
	return res, nil
}

// Thin returns the fraction of the values xs (a mode's eigenvalues across the runs at one
// step) that lie in bins of window w of that mode holding fewer than minCount increments, or
// outside the binned range: where the measured drift and diffusion that a theory uses are
// uncertain or extrapolated. It returns 0 for no values and panics if w or mode is out of
// range.
func (a *DriftAccumulator) Thin(w, mode int, xs []float64, minCount int64) float64 {
	if w < 0 || w >= a.NumWindows() || mode < 0 || mode >= a.Modes {
		panic("rbmdrift: window or mode out of range")
	}
	if len(xs) == 0 {
		return 0
	}
	off := (w*a.Modes + mode) * a.Bins
	thin := 0
	for _, x := range xs {
		if !(x >= a.Lo && x < a.Hi) || a.Count[off+a.bin(x)] < minCount {
			thin++
		}
	}
	return float64(thin) / float64(len(xs))
}
