package langevin

import (
	"fmt"
	"math"

	"fpsolve/model"
)

// StabilityLimit is the linear stability limit of one step: the AR(1) map
// x' = x - alpha Omega (x - x*) + noise of a mode with curvature Omega = -K'(x*) at its stable
// point x* is stable only for alpha Omega < StabilityLimit (docs/REFERENCES.md R9); at and
// beyond it every deviation from x* grows geometrically (by |1 - alpha Omega| >= 1 per step).
const StabilityLimit = 2

// OscillationLimit is the alpha Omega above which the linearised step overshoots the stable
// point (1 - alpha Omega < 0: deviations alternate in sign) and the finite-step factor
// 1/(1 - alpha Omega/2) of the stationary variance (R9) exceeds 2. Such a step is stable but its
// results are far from the continuum; NewEigen and NewMatrix accept it, and the command warns.
const OscillationLimit = 1

// Curvature returns the curvature Omega = -K'(x*) of drift d at its stable point x* = Stable():
// model.Harmonic's Omega, model.RBM's (mu^2 - kappa)/kappa^2 (docs/REFERENCES.md R2), and for a
// *model.Table the slope of its linear interpolant on the segment that holds x* (the drift
// that the walkers near x* actually feel). ok is false where no curvature applies: x* or K'(x*)
// not finite, or K'(x*) >= 0 (a table without a sign change of D1, whose Stable is only the node
// of least Phi, or a measured table whose segment at x* happens to be flat or rising): such a
// mode is not checked up front, only by the growth check during the run (see Counts.Diverged).
//
// The Coulomb repulsion is not included: its curvature diverges at collisions, which Eigen's
// refinement of near collisions treats (and the matrix level's diagonalisation does not feel).
func Curvature(d model.Drift) (omega float64, ok bool) {
	xs := d.Stable()
	if math.IsNaN(xs) || math.IsInf(xs, 0) {
		return 0, false
	}
	omega = -d.DK(xs)
	if !(omega > 0) || math.IsInf(omega, 0) {
		return 0, false
	}
	return omega, true
}

// CheckStep returns an error naming the first mode of sys (by index) whose step is linearly
// unstable, alpha Omega >= StabilityLimit with Omega = Curvature(mode's drift); modes without a
// curvature (see Curvature) are skipped. NewEigen and NewMatrix call it: the matrix level's
// eigenvalues move by the same map x + alpha K(x) (plus GOE noise, and the eigenbasis is not
// driven), so the same limit applies.
func CheckStep(sys model.System, alpha float64) error {
	for i, m := range sys.Modes {
		if m.Drift == nil {
			continue // Validate reports it
		}
		om, ok := Curvature(m.Drift)
		if ok && alpha*om >= StabilityLimit {
			return fmt.Errorf("langevin: mode %d: alpha * Omega = %g * %g = %g is not below the stability limit %g of one step (R9): "+
				"deviations from the stable point %g grow geometrically; lower alpha below %g", i, alpha, om, alpha*om, float64(StabilityLimit), m.Drift.Stable(), StabilityLimit/om)
		}
	}
	return nil
}

// Oscillating returns the modes of sys (by index) whose step is stable but overshoots,
// OscillationLimit < alpha Omega < StabilityLimit, and their alpha Omega.
func Oscillating(sys model.System, alpha float64) (modes []int, alphaOmega []float64) {
	for i, m := range sys.Modes {
		if m.Drift == nil {
			continue
		}
		if om, ok := Curvature(m.Drift); ok && alpha*om > OscillationLimit && alpha*om < StabilityLimit {
			modes, alphaOmega = append(modes, i), append(alphaOmega, alpha*om)
		}
	}
	return modes, alphaOmega
}
