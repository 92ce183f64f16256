package langevin

import (
	"math"

	"fpsolve/model"
)

// Eigen is the eigenvalue-level discrete-time integrator: one step is one SGD update,
//
//	x_i' = x_i + alpha K_i(x_i) + alpha D_i(x_i) sum_{j != i} 1/(x_i - x_j) + sqrt(2 alpha D_i(x_i)) eta_i,
//
// with D_i = model.Mode.D (g_i^2, see G2) and eta_i independent standard normals; the Coulomb sum
// only when the system has it. Walls and crossings are treated as described at Counts.
//
// Near collisions: where two neighbours come so close that gap^2 < Refine * alpha (D_i + D_j),
// the map above would kick them apart by alpha D/gap, a heavy-tailed jump (its variance diverges)
// that the matrix level does not have. There the step is split in two halves whose noises are
// the Brownian-bridge refinement of the step's noise (eta_1,2 = (eta ± z)/sqrt2, so the sum is
// unchanged), recursively, down to 2^-maxRefineDepth of a step. Far from collisions (and always
// for a single mode) the step is exactly the map above. An Eigen is immutable and safe for
// concurrent use.
type Eigen struct {
	core
	refine float64
}

// DefaultRefine is the near-collision threshold of NewEigen (see Eigen). Measured on two harmonic
// modes against the exact matrix-level law at alpha Omega = 0.2 (1e5 walkers): thresholds 0.25,
// 0.5, 1, 2 give pooled-variance biases -0.9%, -2.5%, -4.1%, -5.2% and cost 70, 79, 120, 300 ms.
const DefaultRefine = 0.25

// maxRefineDepth bounds the halvings of one step.
const maxRefineDepth = 40

// NewEigen returns the eigenvalue-level integrator of sys with step alpha (time t = alpha*step)
// and the near-collision threshold DefaultRefine.
func NewEigen(sys model.System, alpha float64) (*Eigen, error) {
	c, err := newCore(sys, alpha)
	if err != nil {
		return nil, err
	}
	return &Eigen{core: c, refine: DefaultRefine}, nil
}

// WithRefine returns a copy of e with near-collision threshold refine; 0 turns the refinement
// off, leaving the plain map with crossings reflected. It panics if refine is negative.
func (e *Eigen) WithRefine(refine float64) *Eigen {
	if !(refine >= 0) {
		panic("langevin: negative refine threshold")
	}
	c := *e
	c.refine = refine
	return &c
}

// Alpha returns the step.
func (e *Eigen) Alpha() float64 { return e.alpha }

// WorkLen returns the length of the scratch slice that Advance needs.
func (e *Eigen) WorkLen() int { return (8 + maxRefineDepth) * len(e.p) }

// Advance moves one walker, x (one value per mode, as left by Arrange or a previous Advance),
// by steps updates drawn from src, and returns the exceptional events. It stops early, at the
// first step whose proposal is not finite (see Counts.NonFinite) or at the growth check that
// finds a mode beyond its divergence bound (Counts.Diverged). work must have length
// WorkLen(); Advance does not allocate.
func (e *Eigen) Advance(x []float64, steps int, src *Source, work []float64) Counts {
	n := len(e.p)
	if len(x) != n || len(work) < e.WorkLen() {
		panic("langevin: Eigen.Advance: bad slice length")
	}
	w := eigenWork{r: work[:n], y: work[n : 2*n], c: work[2*n : 3*n], s: work[3*n : 4*n],
		xm: work[4*n : 5*n], dm: work[5*n : 6*n], d: work[6*n : 7*n], eta: work[7*n:]}
	for k, i := range e.order {
		w.r[k] = x[i]
	}
	for k := range w.c {
		w.c[k] = 0 // stays zero without the Coulomb term
	}
	var cnt Counts
	eta0 := w.eta[:n]
	cnt.Steps = int64(steps)
	for s := 0; s < steps; s++ {
		for k := range eta0 {
			eta0[k] = src.NormFloat64()
		}
		e.tableD(&w)
		if e.refine > 0 && e.coulomb && e.crowded(w.r, w.d, e.alpha) {
			e.split(&w, e.alpha, 0, eta0, src, &cnt)
		} else {
			e.plain(&w, 1, eta0, &cnt)
		}
		if cnt.NonFinite > 0 { // stop the walker: see Counts.NonFinite
			cnt.Steps = int64(s)
			break
		}
		if (s&(DivergenceCheck-1) == DivergenceCheck-1 || s == steps-1) && e.diverged(w.r) {
			cnt.Diverged, cnt.Steps = 1, int64(s+1) // stop the walker: see Counts.Diverged
			break
		}
	}
	for k, i := range e.order {
		x[i] = w.r[k]
	}
	return cnt
}

type eigenWork struct {
	r, y, c []float64 // state (rank order), proposal, Coulomb sums
	s       []float64 // sqrt(D) per mode (geometric pair strength)
	xm, dm  []float64 // the state in mode order and the extra drift (model.System.Extra)
	d       []float64 // D(r[k]) of the table modes at r (tableD), used by crowded and plain
	eta     []float64 // noise, one n-vector per refinement level
}

// tableD sets w.d[k] = D(w.r[k]) for the table modes: the diffusion that crowded, the geometric
// pair strength and the step all need at the same state, looked up once (the table lookups were
// 38% of a step of the derived-noise gas).
func (e *Eigen) tableD(w *eigenWork) {
	if !e.tables {
		return
	}
	for k := range e.p {
		if e.p[k].table {
			w.d[k] = e.p[k].mode.D(w.r[k])
		}
	}
}

// crowded reports whether some neighbouring pair has gap^2 < refine * h (D_k + D_k+1); d holds
// the table modes' D at r (tableD).
func (e *Eigen) crowded(r, d []float64, h float64) bool {
	lim := e.refine * h
	for k := 0; k+1 < len(r); k++ {
		g := r[k+1] - r[k]
		dk, dk1 := e.p[k].aD, e.p[k+1].aD
		if e.p[k].table {
			dk = e.alpha * d[k]
		}
		if e.p[k+1].table {
			dk1 = e.alpha * d[k+1]
		}
		if g*g*e.alpha < lim*(dk+dk1) {
			return true
		}
	}
	return false
}

// split integrates a time h with full-interval noise eta (standard normals) in two halves.
func (e *Eigen) split(w *eigenWork, h float64, depth int, eta []float64, src *Source, cnt *Counts) {
	n := len(e.p)
	first := w.eta[(depth+1)*n : (depth+2)*n]
	for k := range eta {
		z := src.NormFloat64()
		first[k] = (eta[k] + z) * math.Sqrt2 / 2
		eta[k] = (eta[k] - z) * math.Sqrt2 / 2
	}
	half := h / 2
	for _, et := range [2][]float64{first, eta} {
		if cnt.NonFinite > 0 {
			return
		}
		e.tableD(w)
		if depth+1 < maxRefineDepth && e.crowded(w.r, w.d, half) {
			e.split(w, half, depth+1, et, src, cnt)
		} else {
			e.plain(w, half/e.alpha, et, cnt)
		}
	}
}

// plain makes one update of the map over the time f*alpha with noise eta.
func (e *Eigen) plain(w *eigenWork, f float64, eta []float64, cnt *Counts) {
	r, y, c := w.r, w.y, w.c
	n := len(r)
	if e.coulomb && e.geom {
		e.geometricSums(r, w.d, c, w.s)
	} else if e.coulomb {
		for k := range c {
			c[k] = 0
		}
		for k := 0; k < n; k++ {
			rk := r[k]
			ck := c[k]
			for j := k + 1; j < n; j++ {
				inv := 1 / (r[j] - rk)
				ck -= inv
				c[j] += inv
			}
			c[k] = ck
		}
	}
	alpha := e.alpha
	sf := 1.0
	if f != 1 {
		sf = math.Sqrt(f)
	}
	if e.extra != nil {
		for k, i := range e.order {
			w.xm[i] = r[k]
		}
		e.extra(w.dm, w.xm)
	}
	for k := range e.p {
		pk := &e.p[k]
		v := r[k]
		switch {
		case pk.kind == kindHarmonic:
			y[k] = v + f*(-pk.a*(v-pk.b)+pk.aD*c[k]) + sf*pk.sd*eta[k]
		case pk.kind == kindRBM:
			y[k] = v + f*(v*(pk.a-alpha/(pk.b-v))+pk.aD*c[k]) + sf*pk.sd*eta[k]
		case pk.table:
			d := w.d[k]
			y[k] = v + f*alpha*(pk.mode.K(v)+d*c[k]) + sf*math.Sqrt(2*alpha*d)*eta[k]
		default:
			y[k] = v + f*(pk.drift(alpha, v)+pk.aD*c[k]) + sf*pk.sd*eta[k]
		}
		if e.extra != nil {
			y[k] += f * alpha * w.dm[e.order[k]]
		}
	}
	e.finish(r, y, cnt)
}

// geometricSums sets c so that D_k c_k is the geometric Coulomb term of mode k (model.System
// Geometric): c_k = (1/sqrt(D_k)) sum_j sqrt(D_j)/(r_k - r_j), zero where D_k = 0; dt holds the
// table modes' D at r (tableD). s is n scratch.
func (e *Eigen) geometricSums(r, dt, c, s []float64) {
	n := len(r)
	for k := range s {
		pk := &e.p[k]
		d := pk.aD / e.alpha
		if pk.table {
			d = dt[k]
		}
		s[k] = math.Sqrt(d)
		c[k] = 0
	}
	for k := 0; k < n; k++ {
		rk := r[k]
		ck := c[k]
		for j := k + 1; j < n; j++ {
			inv := 1 / (r[j] - rk)
			ck -= inv * s[j]
			c[j] += inv * s[k]
		}
		c[k] = ck
	}
	for k := range c {
		if s[k] > 0 {
			c[k] /= s[k]
		} else {
			c[k] = 0
		}
	}
}
