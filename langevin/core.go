package langevin

import (
	"fmt"
	"math"
	"sort"

	"fpsolve/model"
)

// G2 returns the continuum noise strength g^2 = (alpha/batch) gtilde2 of one mode, for learning
// rate alpha, mini-batch size batch and per-sample gradient variance gtilde2 (the source talk's
// gtilde_i^2). With time t = alpha * step, the source talk's discrete update
//
//	x_i' = x_i + alpha K_i + (alpha^2/|B|) sum_j gt_i^2/(x_i - x_j) + (alpha/sqrt|B|) sqrt2 gt_i eta_i
//
// is x_i' = x_i + alpha [K_i + g_i^2 sum_j 1/(x_i - x_j)] + sqrt(2 alpha g_i^2) eta_i, the form
// that Eigen integrates with model.Mode.G2 = G2(alpha, batch, gtilde2). It panics if batch < 1.
func G2(alpha float64, batch int, gtilde2 float64) float64 {
	if batch < 1 {
		panic("langevin: batch size must be at least 1")
	}
	return alpha / float64(batch) * gtilde2
}

// Counts tallies the exceptional events of an integration, summed over walkers and steps.
type Counts struct {
	// Reflected counts mode moves that left the mode's domain and were reflected at its wall.
	Reflected int64
	// Rejected counts mode moves that stayed outside the domain after one reflection (or were
	// not finite) and were rejected: the mode kept its old value for that step.
	Rejected int64
	// Crossings counts adjacent transpositions needed to restore the ascending order after a
	// step: each is one crossing pair reflected back across x_i = x_j.
	Crossings int64
	// Ties counts whole steps rejected because two eigenvalues came out exactly equal.
	Ties int64
	// NonFinite counts walkers stopped because a proposal was NaN or Inf (a drift or diffusion
	// that is not finite at the walker's position). Advance stops such a walker at that step,
	// keeping its last finite state, and Ensemble.Advance returns an error naming it.
	NonFinite int64
	// Diverged counts walkers stopped by the growth check: every DivergenceCheck steps (and at
	// the last step of an Advance) each mode whose domain is unbounded on some side is compared
	// with its divergence bound (see DivergenceFactor); a walker with a mode beyond it is stopped
	// there, and Ensemble.Advance returns an error naming the walker, the mode, the step and the
	// likely cause. Bounded domains (rbm's [0, mu^2), tables) keep walkers in by their walls.
	Diverged int64
	// Steps counts the steps made (summed over walkers): fewer than asked only for walkers
	// stopped by a non-finite proposal or by the growth check.
	Steps int64
}

// DivergenceFactor sets the growth check's bound: a mode has diverged when |x - x*| exceeds
// DivergenceFactor times its scale, the largest of its one-mode stationary width
// sqrt(D(x*)/|K'(x*)|) (sqrt(D(x*)) where K' = 0), |x*| and the width of its domain where that
// is finite on both sides (then the walls keep it in and it is not checked). A walker of a
// stable step is never there (1e6 stationary widths); a geometric blow-up passes it long
// before it overflows, typically within tens of steps.
const DivergenceFactor = 1e6

// DivergenceCheck is the number of steps between two growth checks of a walker (a power of 2).
// Between checks a deviation just inside the bound can grow by at most (alpha Omega - 1)^64
// before it is seen; beyond float64's range the walker is stopped as NonFinite instead.
const DivergenceCheck = 64

func (c *Counts) add(d Counts) {
	c.Reflected += d.Reflected
	c.Rejected += d.Rejected
	c.Crossings += d.Crossings
	c.Ties += d.Ties
	c.NonFinite += d.NonFinite
	c.Diverged += d.Diverged
	c.Steps += d.Steps
}

type driftKind uint8

const (
	kindGeneric driftKind = iota
	kindHarmonic
	kindRBM
)

// modeParams holds one mode's constants, premultiplied by the step where that saves work.
type modeParams struct {
	kind   driftKind
	a, b   float64 // harmonic: alpha*Omega, C; rbm: alpha/kappa, mu^2
	aD     float64 // alpha * g^2 (constant diffusion)
	sd     float64 // sqrt(2 alpha g^2)
	lo, hi float64 // domain [lo, hi)
	xs     float64 // stable point
	bound  float64 // divergence bound of |x - xs| (+Inf: not checked)
	mode   model.Mode
	table  bool // diffusion depends on x
}

// drift returns alpha*K(x).
func (p *modeParams) drift(alpha, x float64) float64 {
	switch p.kind {
	case kindHarmonic:
		return -p.a * (x - p.b)
	case kindRBM:
		return x * (p.a - alpha/(p.b-x))
	}
	return alpha * p.mode.K(x)
}

// core is what both levels share: the modes in rank order and the wall/order treatment.
type core struct {
	alpha   float64
	coulomb bool
	geom    bool                   // model.System.Geometric
	extra   func(dst, x []float64) // model.System.Extra (mode order)
	tables  bool                   // some mode has a table drift
	order   []int                  // order[k] is the mode of rank k
	p       []modeParams
}

func newCore(sys model.System, alpha float64) (core, error) {
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return core{}, fmt.Errorf("langevin: step alpha = %g must be positive and finite", alpha)
	}
	if err := sys.Validate(); err != nil {
		return core{}, fmt.Errorf("langevin: %v", err)
	}
	if err := CheckStep(sys, alpha); err != nil {
		return core{}, err
	}
	n := len(sys.Modes)
	c := core{alpha: alpha, coulomb: sys.Coulomb, geom: sys.Coulomb && sys.Geometric, extra: sys.Extra, order: make([]int, n), p: make([]modeParams, n)}
	stable := make([]float64, n)
	for i, m := range sys.Modes {
		c.order[i] = i
		stable[i] = m.Drift.Stable()
	}
	if sys.Coulomb {
		// Eigenvalues never cross: rank k carries the mode with the k-th lowest stable point.
		sort.SliceStable(c.order, func(a, b int) bool { return stable[c.order[a]] < stable[c.order[b]] })
	}
	for k, i := range c.order {
		m := sys.Modes[i]
		p := modeParams{mode: m}
		p.lo, p.hi = m.Drift.Domain()
		p.xs, p.bound = stable[i], divergenceBound(m, stable[i], p.lo, p.hi)
		switch d := m.Drift.(type) {
		case model.Harmonic:
			p.kind, p.a, p.b = kindHarmonic, alpha*d.Omega, d.C
		case model.RBM:
			p.kind, p.a, p.b = kindRBM, alpha/d.Kappa, d.Mu2
		case *model.Table:
			p.table, c.tables = true, true
		}
		if !p.table {
			p.aD = alpha * m.G2
			p.sd = math.Sqrt(2 * alpha * m.G2)
		}
		c.p[k] = p
	}
	return c, nil
}

// divergenceBound returns the bound of |x - xs| of the growth check (see DivergenceFactor).
func divergenceBound(m model.Mode, xs, lo, hi float64) float64 {
	if !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
		return math.Inf(1)
	}
	curv := math.Abs(m.Drift.DK(xs))
	if !(curv > 0) || math.IsInf(curv, 0) {
		curv = 1
	}
	scale := math.Max(math.Sqrt(m.D(xs)/curv), math.Abs(xs))
	if b := DivergenceFactor * scale; b > 0 && !math.IsInf(b, 0) {
		return b
	}
	return math.Inf(1)
}

// diverged reports whether some mode of r (rank order) is beyond its divergence bound.
func (c *core) diverged(r []float64) bool {
	for k := range r {
		if p := &c.p[k]; math.Abs(r[k]-p.xs) > p.bound {
			return true
		}
	}
	return false
}

// divergence describes the first mode of the walker x (mode order) beyond its divergence bound
// and the likely cause, for Ensemble.Advance's error; "" if there is none.
func (c *core) divergence(x []float64) string {
	for k, i := range c.order {
		p := &c.p[k]
		v := x[i]
		if !(math.Abs(v-p.xs) > p.bound) {
			continue
		}
		cause := "noise too strong for the step"
		if a := c.alpha * math.Abs(p.mode.Drift.DK(v)); a >= StabilityLimit {
			cause = fmt.Sprintf("alpha * |K'(x)| = %.3g there: alpha * Omega too large for a stable step", a)
		} else if p.mode.K(v)*(v-p.xs) > 0 {
			cause = "the drift pushes away from the stable point there"
		}
		return fmt.Sprintf("mode %d at x = %.6g is %.3g from its stable point %g, beyond the divergence bound %.3g (%g times its scale): %s",
			i, v, math.Abs(v-p.xs), p.xs, p.bound, DivergenceFactor, cause)
	}
	return ""
}

// Dim returns the number of modes.
func (c *core) Dim() int { return len(c.p) }

// Order returns the modes by rank: with the Coulomb term, mode Order()[k] always holds the k-th
// smallest eigenvalue (modes are ranked by their stable points, ties by index). Without it the
// order is the identity. The slice must not be modified.
func (c *core) Order() []int { return c.order }

// Arrange checks an initial point x (one value per mode: finite, in its domain, within the
// divergence bound of Counts.Diverged) and, with the Coulomb term, sorts its
// values and hands them out by rank (see Order), so any draw of a spectrum can be used.
func (c *core) Arrange(x []float64) error {
	if len(x) != len(c.p) {
		return fmt.Errorf("initial point has %d values, want %d", len(x), len(c.p))
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("initial point %v is not finite", x)
		}
	}
	if c.coulomb {
		s := append([]float64(nil), x...)
		sort.Float64s(s)
		for k := 1; k < len(s); k++ {
			if s[k] == s[k-1] {
				return fmt.Errorf("initial point has two equal eigenvalues %g (the Coulomb term is infinite)", s[k])
			}
		}
		for k, i := range c.order {
			x[i] = s[k]
		}
	}
	for k, i := range c.order {
		if p := &c.p[k]; !(x[i] >= p.lo && x[i] < p.hi) {
			return fmt.Errorf("initial value %g of mode %d is outside its domain [%g, %g)", x[i], i, p.lo, p.hi)
		} else if math.Abs(x[i]-p.xs) > p.bound {
			return fmt.Errorf("initial value %g of mode %d is beyond the divergence bound %g of its stable point %g (see DivergenceFactor)", x[i], i, p.bound, p.xs)
		}
	}
	return nil
}

// finish applies the walls and the ordering to the proposal y from r (both in rank order) and
// stores the accepted state in r.
//
// Walls: a value outside [lo, hi) is reflected once at the wall it crossed; if it is still
// outside (or not finite) the mode's move is rejected. Order (with Coulomb): the proposal is
// re-sorted by insertion, which maps a crossing pair to its mirror image across x_i = x_j; an
// exact tie rejects the whole step.
func (c *core) finish(r, y []float64, cnt *Counts) {
	for k := range y {
		p := &c.p[k]
		v := y[k]
		if v >= p.lo && v < p.hi && v-v == 0 {
			continue
		}
		if v-v != 0 {
			// NaN or Inf: the drift or diffusion is not finite here. Reject the move and flag
			// the walker (Advance stops it).
			y[k] = r[k]
			cnt.Rejected++
			cnt.NonFinite = 1
			continue
		}
		switch {
		case v < p.lo:
			v = 2*p.lo - v
		case v >= p.hi:
			v = 2*p.hi - v
		}
		if v >= p.lo && v < p.hi && v-v == 0 {
			y[k] = v
			cnt.Reflected++
		} else {
			y[k] = r[k]
			cnt.Rejected++
		}
	}
	if c.coulomb {
		for k := 1; k < len(y); k++ {
			v := y[k]
			if v > y[k-1] {
				continue
			}
			j := k
			for ; j > 0 && y[j-1] > v; j-- {
				y[j] = y[j-1]
				cnt.Crossings++
			}
			y[j] = v
			if j > 0 && y[j-1] == v || j+1 < len(y) && y[j+1] == v {
				cnt.Ties++
				return // r unchanged: the step is rejected
			}
		}
	}
	copy(r, y)
}
