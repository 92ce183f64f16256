package ensemble

import (
	"fmt"
	"math"

	"fpsolve/model"
)

// Trained is a trained ensemble: independent members (training runs) of one setting, each
// with its spectrum recorded at the same training steps, and what was measured over them.
//
// Mode k is the k-th smallest eigenvalue of a member's spectrum. Modes whose Targets agree
// (model.Groups) are degenerate; a group of exactly two is a Pair.
type Trained struct {
	Source  string             // what produced it ("rbm", ...), for messages
	Alpha   float64            // learning rate: t = Alpha * step
	Batch   int                // mini-batch size |B|
	Runs    []int              // run index of each member, ascending
	Steps   []int              // recorded training steps, strictly ascending, shared by every member
	Spectra [][][]float64      // Spectra[m][s][k]: member m's spectrum at Steps[s], ascending in k
	Targets []float64          // per mode k: the value it learns; modes with equal targets (model.Groups) are degenerate
	Fixed   []float64          // per mode k: its fixed point x* (learned eigenvalue); NaN where unknown
	Drift   []model.WindowRows // Kramers-Moyal tables by time window (nil: not measured); model.WriteTimeTables writes them as drift.csv
	Noise   []Noise            // per mode, the measured noise at the fixed point (nil: not measured)
}

// Noise is a mode's measured diffusion near its fixed point x*, to first order
// D2(x) = D2 (1 + Slope (x - x*)).
type Noise struct {
	Mode                       int
	XStar                      float64 // the fixed point the fit is centred on
	D2, D2Err, Slope, SlopeErr float64 // D2(x) = D2 (1 + Slope (x - x*)) to first order, with errors; NaN where not estimable
	Bins                       int     // bins the fit used
}

// Validate returns an error if the ensemble's shapes are inconsistent or its values are not
// usable: it needs at least one member and one recorded step; len(Runs) = len(Spectra) = Members(),
// Runs ascending and distinct; Steps strictly ascending; Alpha finite and positive; Batch not
// negative; every member with len(Steps) spectra of Modes() finite values each, ascending;
// len(Targets) = len(Fixed) = Modes(), Targets finite, Fixed finite or NaN; Noise nil or one
// entry per mode with Noise[k].Mode = k. The error names the member (with its run index), step
// and mode where it applies.
func (e *Trained) Validate() error {
	if len(e.Spectra) == 0 {
		return e.errorf("no members")
	}
	if len(e.Runs) != len(e.Spectra) {
		return e.errorf("%d run indices for %d members", len(e.Runs), len(e.Spectra))
	}
	for m := 1; m < len(e.Runs); m++ {
		if e.Runs[m] <= e.Runs[m-1] {
			return e.errorf("member %d: run %d after run %d: runs must ascend and be distinct", m, e.Runs[m], e.Runs[m-1])
		}
	}
	if len(e.Steps) == 0 {
		return e.errorf("no recorded steps")
	}
	for s := 1; s < len(e.Steps); s++ {
		if e.Steps[s] <= e.Steps[s-1] {
			return e.errorf("step index %d: step %d after step %d: steps must be strictly ascending", s, e.Steps[s], e.Steps[s-1])
		}
	}
	if !(e.Alpha > 0) || math.IsInf(e.Alpha, 1) {
		return e.errorf("alpha = %v, want finite and > 0", e.Alpha)
	}
	if e.Batch < 0 {
		return e.errorf("batch = %d, want >= 0", e.Batch)
	}
	n := e.Modes()
	for m, spec := range e.Spectra {
		if len(spec) != len(e.Steps) {
			return e.errorf("member %d (run %d): %d spectra for %d recorded steps", m, e.Runs[m], len(spec), len(e.Steps))
		}
		for s, x := range spec {
			if len(x) != n {
				return e.errorf("member %d (run %d), step %d: %d modes, want %d", m, e.Runs[m], e.Steps[s], len(x), n)
			}
			for k, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return e.errorf("member %d (run %d), step %d, mode %d: eigenvalue %v", m, e.Runs[m], e.Steps[s], k, v)
				}
				if k > 0 && v < x[k-1] {
					return e.errorf("member %d (run %d), step %d, mode %d: eigenvalue %g below mode %d's %g: spectra must ascend",
						m, e.Runs[m], e.Steps[s], k, v, k-1, x[k-1])
				}
			}
		}
	}
	if len(e.Targets) != n {
		return e.errorf("%d targets for %d modes", len(e.Targets), n)
	}
	for k, v := range e.Targets {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return e.errorf("mode %d: target %v", k, v)
		}
	}
	if len(e.Fixed) != n {
		return e.errorf("%d fixed points for %d modes", len(e.Fixed), n)
	}
	for k, v := range e.Fixed {
		if math.IsInf(v, 0) {
			return e.errorf("mode %d: fixed point %v (NaN, not Inf, marks an unknown one)", k, v)
		}
	}
	if e.Noise != nil {
		if len(e.Noise) != n {
			return e.errorf("noise of %d modes for %d modes", len(e.Noise), n)
		}
		for k, f := range e.Noise {
			if f.Mode != k {
				return e.errorf("mode %d: noise entry of mode %d", k, f.Mode)
			}
		}
	}
	return nil
}

// errorf returns an error prefixed by "ensemble" and the Source.
func (e *Trained) errorf(format string, args ...any) error {
	p := "ensemble"
	if e.Source != "" {
		p += " " + e.Source
	}
	return fmt.Errorf(p+": "+format, args...)
}

// Modes returns the number of modes: the length of the first member's first spectrum, or
// len(Targets) if there is none.
func (e *Trained) Modes() int {
	if len(e.Spectra) > 0 && len(e.Spectra[0]) > 0 {
		return len(e.Spectra[0][0])
	}
	return len(e.Targets)
}

// Members returns the number of members, len(Spectra).
func (e *Trained) Members() int { return len(e.Spectra) }

// Time returns the training time Alpha * Steps[s] of step index s.
func (e *Trained) Time(s int) float64 { return e.Alpha * float64(e.Steps[s]) }

// StepAt returns the step index s whose Time(s) equals t to a relative 1e-9 (of max(1, |t|)),
// and false if there is none.
func (e *Trained) StepAt(t float64) (int, bool) {
	tol := 1e-9 * math.Max(1, math.Abs(t))
	for s := range e.Steps {
		if math.Abs(e.Time(s)-t) <= tol {
			return s, true
		}
	}
	return 0, false
}

// At returns the spectra of every member at step index s: row m is Spectra[m][s], shared, not
// copied.
func (e *Trained) At(s int) [][]float64 {
	out := make([][]float64, len(e.Spectra))
	for m, spec := range e.Spectra {
		out[m] = spec[s]
	}
	return out
}

// Initial returns At(0), the spectra at the first recorded step.
func (e *Trained) Initial() [][]float64 { return e.At(0) }

// Final returns At(len(Steps)-1), the spectra at the last recorded step.
func (e *Trained) Final() [][]float64 { return e.At(len(e.Steps) - 1) }

// Column returns mode k of every member at step index s, in member order, in a new slice.
func (e *Trained) Column(s, k int) []float64 {
	out := make([]float64, len(e.Spectra))
	for m, spec := range e.Spectra {
		out[m] = spec[s][k]
	}
	return out
}
