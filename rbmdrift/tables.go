package rbmdrift

import (
	"math"

	"fpsolve/model"
	"fpsolve/rmt"
)

// TimeTables returns the accumulator's bins as the rows of a drift table file, for
// model.WriteTimeTables: window w's rows (every mode in turn, each in ascending x) with its time
// range [alpha s0, alpha s1) in t = alpha * step, where [s0, s1) = [w steps/W, (w+1) steps/W)
// (integer division) are the window's steps in a run of steps updates (W = NumWindows()).
func (a *DriftAccumulator) TimeTables(alpha float64, steps int) []model.WindowRows {
	nw := a.NumWindows()
	out := make([]model.WindowRows, nw)
	for w := range out {
		out[w].T0 = alpha * float64(w*steps/nw)
		out[w].T1 = alpha * float64((w+1)*steps/nw)
		for mode := 0; mode < a.Modes; mode++ {
			for _, b := range a.TableWindow(w, mode) {
				out[w].Rows = append(out[w].Rows, model.TableRow{Mode: mode, X: b.X, Drift: b.Drift, DriftErr: b.DriftErr,
					Diffusion: b.Diffusion, DiffusionErr: b.DiffusionErr, Count: b.Count, Expected: b.Expected})
			}
		}
	}
	return out
}

// DiffusionFit is a mode's measured diffusion near a point x* (a fixed point of its drift), to
// first order D2(x) = D2 (1 + Slope (x - x*)).
type DiffusionFit struct {
	XStar     float64
	D2, D2Err float64 // D2(x*) and its standard error
	Slope     float64 // the relative slope D2'(x*)/D2(x*)
	SlopeErr  float64 // its standard error, from the covariance of the line's parameters
	Bins      int     // the bins fitted
}

// FitDiffusion fits a straight line D2(x) = A + B (x - x*) to the bins within halfWidth of
// xStar that hold at least minCount increments and a positive error, weighted by those errors
// (rmt.FitLine), and returns D2 = A and Slope = B/A with their errors (rmt.RatioErr). With
// fewer than three such bins, a failed fit or A <= 0 the estimates are NaN (Bins still counts
// the bins).
func FitDiffusion(bins []DriftBin, xStar, halfWidth float64, minCount int64) DiffusionFit {
	f := DiffusionFit{XStar: xStar, D2: math.NaN(), D2Err: math.NaN(), Slope: math.NaN(), SlopeErr: math.NaN()}
	var x, y, e []float64
	for _, b := range bins {
		if b.Count >= minCount && math.Abs(b.X-xStar) <= halfWidth && b.DiffusionErr > 0 {
			x, y, e = append(x, b.X-xStar), append(y, b.Diffusion), append(e, b.DiffusionErr)
		}
	}
	f.Bins = len(x)
	if len(x) >= 3 {
		if l, err := rmt.FitLine(x, y, e); err == nil && l.A > 0 {
			f.D2, f.D2Err = l.A, l.AErr
			f.Slope, f.SlopeErr = rmt.RatioErr(l.B, l.A, l.BErr, l.AErr, l.Cov)
		}
	}
	return f
}
