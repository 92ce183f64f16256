package fokkerplanck

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"fpsolve/model"
)

// Clustered evolves more than three modes: the modes are partitioned into clusters of at most
// three (typically model.Groups of the target kappa, degenerate modes together), each cluster is
// solved exactly on its own tensor grid (its own Coulomb chamber inside), and the clusters are
// coupled through the mean-field Coulomb force of the other clusters' marginals: mode i feels
// the extra drift
//
//	F_i(x) = D_i(x) E_C(x),   E_C(x) = sum_{j not in C} <1/(x - x_j)>_{P_j},
//
// updated before every step. All modes share one axis. Since F_i/D_i = E_C does not depend on
// D, the extra drift enters as an effective potential psi_i(x) along each axis of the cluster,
// added to the cluster's cell potential before the Scharfetter-Gummel weights are remade, so
// every step stays positive and mass-conserving and the cluster relaxes to exp(-Phi - psi).
//
// Ordering between clusters: with the default Ordered coupling the effective potential is the
// product-ansatz marginal of the Coulomb factor times the ordering constraint (see Ordered),
// which reduces to the mean Coulomb force for separated clusters and confines overlapping
// clusters in the eigenvalue order. With PrincipalValue (the plain mean-field force,
// psi = -int E_C by a trapezoid cumulative sum, E_C the principal value on the grid: sum over
// cells b != a of rho_j(b) h_b / (x_a - x_b), h_b the width of cell b) ordering between clusters is not enforced and
// overlapping clusters exchange places; TestClusteredVsLangevin measures both. Within a cluster
// the ordering is exact. Without the Coulomb term (sys.Coulomb false) the clusters are
// independent and no coupling is applied.
type Clustered struct {
	// Coupling selects the mean-field coupling between clusters (default Ordered).
	Coupling Coupling
	// PotentialTol is the tolerance (in units of kT) up to which a cluster keeps the
	// Scharfetter-Gummel weights and factorisations of an earlier mean-field potential (see
	// Solver.SetPotentialTol): 0 means DefaultPotentialTol, a negative value remakes the weights
	// every step (the exact one-step-lagged mean field).
	PotentialTol float64
	// Remakes counts the weight remakes of all clusters (for diagnostics).
	Remakes int

	sys      model.System
	clusters [][]int
	axis     Axis
	ops      []*Operator
	solvers  []*Solver
	p        [][]float64
	shifts   [][][]float64 // per cluster, the psi of its modes (the effective potential's shift per axis)
	marg     [][]float64   // per mode
	margOf   [][][]float64 // per cluster, the marg of its modes
	field    [][]float64   // E per cluster
	kernel   []float64     // 1/(h k), k = -(n-1)..n-1; index k + n - 1; 0 at k = 0 (nil if graded)
	psi      [][]float64   // effective potential per mode on the axis cells
	above    [][]float64   // log E_j[(x_j - x)_+] per mode (the expectation floored at 1e-300)
	below    [][]float64   // log E_j[(x - x_j)_+] per mode (likewise)
	t        float64
}

// DefaultPotentialTol is the default Clustered.PotentialTol. The mean-field potential is an
// explicit, one-step-lagged approximation already; keeping it to within 1e-3 kT changes the
// weights by at most 0.2 % (measured effect on the means and variances of the modes in
// TestClusteredPotentialTol), and cuts the default study's weight remakes several fold.
const DefaultPotentialTol = 1e-3

// Coupling is the mean-field coupling between the clusters of a Clustered solver.
type Coupling int

const (
	// Ordered (the default) is the product-ansatz marginal of the Coulomb factor together with
	// the ordering of the eigenvalues: mode i in cluster C gets the effective potential
	//
	//	psi_i(x) = -sum_{j > i, j not in C} log E_j[(x_j - x)_+] - sum_{j < i, j not in C} log E_j[(x - x_j)_+],
	//
	// (E_j over mode j's marginal), whose force is the mean Coulomb force <1/(x - x_j)> when the
	// clusters are far apart and which confines mode i below the modes above it and above the
	// modes below it when their marginals overlap. Prefix sums make it O(N) per step.
	Ordered Coupling = iota
	// PrincipalValue is the plain mean-field Coulomb force sum_j <1/(x - x_j)>_{P_j}, a
	// principal value on the common grid (own cell excluded); it does not order the clusters,
	// so overlapping clusters pass through each other. O(N^2) per step.
	PrincipalValue
)

// NewClustered builds the clustered solver of the modes of sys (in ascending eigenvalue order),
// partitioned by clusters (every mode exactly once, clusters of 1 to 3 modes, indices ascending
// inside a cluster), all on the common axis, stepping with method. The clusters start at their
// stationary densities; use SetDensity or SetInitial to start elsewhere. A graded axis is
// accepted when every cluster has a single mode (the mean-field integrals then use the cell
// widths and centre distances); a multi-mode cluster on a graded axis is an error.
func NewClustered(sys model.System, clusters [][]int, axis Axis, method Method) (*Clustered, error) {
	if err := sys.Validate(); err != nil {
		return nil, fmt.Errorf("fokkerplanck: %v", err)
	}
	if sys.Coulomb && sys.Geometric {
		return nil, fmt.Errorf("fokkerplanck: the geometric pair strength (model.System.Geometric) has no Fokker-Planck operator here; use the Langevin integrator")
	}
	if sys.Extra != nil {
		return nil, fmt.Errorf("fokkerplanck: a configuration-dependent drift (model.System.Extra) has no Fokker-Planck operator here; use the Langevin integrator")
	}
	seen := make([]bool, len(sys.Modes))
	for ci, cl := range clusters {
		if len(cl) < 1 || len(cl) > 3 {
			return nil, fmt.Errorf("fokkerplanck: cluster %d has %d modes, need 1 to 3", ci, len(cl))
		}
		if len(cl) > 1 && axis.Graded() {
			return nil, fmt.Errorf("fokkerplanck: cluster %d has %d modes on a graded axis: %s", ci, len(cl), errGradedMulti)
		}
		for k, m := range cl {
			if m < 0 || m >= len(seen) || seen[m] {
				return nil, fmt.Errorf("fokkerplanck: cluster %d: mode %d is out of range or repeated", ci, m)
			}
			if k > 0 && m < cl[k-1] {
				return nil, fmt.Errorf("fokkerplanck: cluster %d: modes must ascend", ci)
			}
			seen[m] = true
		}
	}
	for m, s := range seen {
		if !s {
			return nil, fmt.Errorf("fokkerplanck: mode %d is in no cluster", m)
		}
	}
	c := &Clustered{sys: sys, axis: axis}
	for ci, cl := range clusters {
		c.clusters = append(c.clusters, append([]int(nil), cl...))
		sub := model.System{Coulomb: sys.Coulomb}
		axes := make([]Axis, len(cl))
		for k, m := range cl {
			sub.Modes = append(sub.Modes, sys.Modes[m])
			axes[k] = axis
		}
		op, err := NewOperator(sub, axes)
		if err != nil {
			return nil, fmt.Errorf("fokkerplanck: cluster %d: %s", ci, strings.TrimPrefix(err.Error(), "fokkerplanck: "))
		}
		c.ops = append(c.ops, op)
		c.solvers = append(c.solvers, NewSolver(op, method))
		c.p = append(c.p, append([]float64(nil), op.Stationary()...))
		c.field = append(c.field, make([]float64, axis.N))
	}
	c.marg = make([][]float64, len(sys.Modes))
	n := axis.N
	if axis.Graded() {
		// updateField uses the centres directly.
		return c, nil
	}
	c.kernel = make([]float64, 2*n-1)
	h := axis.Width()
	for k := -(n - 1); k < n; k++ {
		if k != 0 {
			c.kernel[k+n-1] = 1 / (h * float64(k))
		}
	}
	return c, nil
}

// Clusters returns the partition of the modes (not a copy).
func (c *Clustered) Clusters() [][]int { return c.clusters }

// Operator returns the operator of cluster ci.
func (c *Clustered) Operator(ci int) *Operator { return c.ops[ci] }

// Density returns the density of cluster ci on its operator's cells (the solver's own slice).
func (c *Clustered) Density(ci int) []float64 { return c.p[ci] }

// SetDensity copies p into the density of cluster ci.
func (c *Clustered) SetDensity(ci int, p []float64) {
	if len(p) != c.ops[ci].Len() {
		panic(fmt.Sprintf("fokkerplanck: density of length %d for cluster %d with %d cells", len(p), ci, c.ops[ci].Len()))
	}
	copy(c.p[ci], p)
}

// SetInitial sets every cluster's density to the cell average of f(ci, x) (x the coordinates of
// the cluster's modes), normalised.
func (c *Clustered) SetInitial(f func(ci int, x []float64) float64) error {
	for ci, op := range c.ops {
		p, err := op.Initial(func(x []float64) float64 { return f(ci, x) })
		if err != nil {
			return fmt.Errorf("cluster %d: %w", ci, err)
		}
		copy(c.p[ci], p)
	}
	return nil
}

// SetTime sets the clock.
func (c *Clustered) SetTime(t float64) { c.t = t }

// Time returns the clock.
func (c *Clustered) Time() float64 { return c.t }

// Marginal writes the marginal density of mode (global index) on the common axis into dst
// (allocated if short) and returns it.
func (c *Clustered) Marginal(mode int, dst []float64) []float64 {
	for ci, cl := range c.clusters {
		for k, m := range cl {
			if m == mode {
				return c.ops[ci].Marginal(c.p[ci], k, dst)
			}
		}
	}
	panic(fmt.Sprintf("fokkerplanck: mode %d of %d", mode, len(c.sys.Modes)))
}

// Mass returns the mass of cluster ci's density.
func (c *Clustered) Mass(ci int) float64 { return c.ops[ci].Mass(c.p[ci]) }

// updateField recomputes the mean-field potential of every cluster from the current marginals.
func (c *Clustered) updateField() {
	c.updateMarginals()
	c.fieldFromMarginals()
}

// updateMarginals sets marg to the marginals of every mode.
func (c *Clustered) updateMarginals() {
	n := c.axis.N
	if c.marg[0] == nil {
		for m := range c.marg {
			c.marg[m] = make([]float64, n)
		}
		c.margOf = make([][][]float64, len(c.clusters))
		for ci, cl := range c.clusters {
			for _, m := range cl {
				c.margOf[ci] = append(c.margOf[ci], c.marg[m])
			}
		}
	}
	for ci, op := range c.ops {
		op.marginals(c.p[ci], c.margOf[ci])
	}
}

// fieldFromMarginals sets the mean-field potential psi of every mode from marg.
func (c *Clustered) fieldFromMarginals() {
	n := c.axis.N
	ax := c.axis
	if c.psi == nil {
		c.psi = make([][]float64, len(c.sys.Modes))
		for m := range c.psi {
			c.psi[m] = make([]float64, n)
		}
		c.above = make([][]float64, len(c.sys.Modes))
		c.below = make([][]float64, len(c.sys.Modes))
		for m := range c.above {
			c.above[m] = make([]float64, n)
			c.below[m] = make([]float64, n)
		}
	}
	cluster := make([]int, len(c.sys.Modes))
	for ci, cl := range c.clusters {
		for _, m := range cl {
			cluster[m] = ci
		}
	}
	switch c.Coupling {
	case PrincipalValue:
		total := make([]float64, n)
		own := make([]float64, n)
		for m := range c.marg {
			for i, v := range c.marg[m] {
				total[i] += v
			}
		}
		for ci, cl := range c.clusters {
			copy(own, total)
			for _, m := range cl {
				for i, v := range c.marg[m] {
					own[i] -= v
				}
			}
			e := c.field[ci]
			if ax.Graded() {
				// e[a] = sum_{b != a} rho(b) h_b / (x_a - x_b).
				for a := 0; a < n; a++ {
					xa := ax.Centre(a)
					var s float64
					for b, v := range own {
						if b != a {
							s += v * ax.CellWidth(b) / (xa - ax.Centre(b))
						}
					}
					e[a] = s
				}
			} else {
				h := ax.Width()
				for a := 0; a < n; a++ {
					var s float64
					// kernel[a-b+n-1] = 1/(h (a - b)), 0 for b = a (principal value).
					kr := c.kernel[a : a+n]
					for b, v := range own {
						s += v * kr[n-1-b]
					}
					e[a] = s * h
				}
			}
			for _, m := range cl {
				psi := c.psi[m]
				psi[0] = 0
				for a := 1; a < n; a++ {
					// Trapezoid over the distance between the centres.
					psi[a] = psi[a-1] - ax.centreGap(a-1)*(e[a-1]+e[a])/2
				}
			}
		}
	default:
		// above[j][a] = E_j[(x_j - x_a)_+], below[j][a] = E_j[(x_a - x_j)_+] for the
		// piecewise-constant marginal; the own cell (width h_a) contributes rho h_a^2/8 to each.
		// Their logarithms are taken once per mode j (each is used by every mode i of another
		// cluster).
		for j, rho := range c.marg {
			var m0, m1 float64 // mass and first moment of the cells above a
			for a := n - 1; a >= 0; a-- {
				x, h := ax.Centre(a), ax.CellWidth(a)
				c.above[j][a] = m1 - x*m0 + rho[a]*h*h/8
				m0 += rho[a] * h
				m1 += rho[a] * h * x
			}
			m0, m1 = 0, 0
			for a := 0; a < n; a++ {
				x, h := ax.Centre(a), ax.CellWidth(a)
				c.below[j][a] = x*m0 - m1 + rho[a]*h*h/8
				m0 += rho[a] * h
				m1 += rho[a] * h * x
			}
			for a := range n {
				c.above[j][a] = math.Log(math.Max(c.above[j][a], 1e-300))
				c.below[j][a] = math.Log(math.Max(c.below[j][a], 1e-300))
			}
		}
		for i := range c.sys.Modes {
			psi := c.psi[i]
			for a := range psi {
				psi[a] = 0
			}
			for j := range c.sys.Modes {
				if cluster[j] == cluster[i] {
					continue
				}
				src := c.below[j]
				if j > i {
					src = c.above[j]
				}
				for a, v := range src {
					psi[a] -= v
				}
			}
		}
	}
	if c.shifts == nil {
		for _, cl := range c.clusters {
			sh := make([][]float64, len(cl))
			for k, m := range cl {
				sh[k] = c.psi[m]
			}
			c.shifts = append(c.shifts, sh)
		}
	}
}

// Step advances every cluster by dt after updating the mean-field coupling (clusters run
// concurrently).
func (c *Clustered) Step(dt float64) error {
	coupled := c.sys.Coulomb && len(c.ops) > 1
	if coupled {
		c.updateField()
	}
	errs := make([]error, len(c.ops))
	remade := make([]bool, len(c.ops))
	tol := c.PotentialTol
	if tol == 0 {
		tol = DefaultPotentialTol
	}
	var wg sync.WaitGroup
	for ci := range c.ops {
		wg.Add(1)
		go func(ci int) {
			defer wg.Done()
			s := c.solvers[ci]
			if coupled {
				// The effective potential is the cluster's own plus psi of each mode along
				// its axis: separable, so the solver remakes the weights from 1-D shifts.
				remade[ci] = s.setShiftTol(c.shifts[ci], c.p[ci], tol)
			}
			s.SetTime(c.t)
			if err := s.Step(c.p[ci], dt); err != nil {
				errs[ci] = fmt.Errorf("cluster %d: %w", ci, err)
			}
		}(ci)
	}
	wg.Wait()
	for _, r := range remade {
		if r {
			c.Remakes++
		}
	}
	c.t += dt
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Evolve steps from the clock to t1 with steps of dt (the last one shortened).
func (c *Clustered) Evolve(t1, dt float64) error {
	return c.EvolveContext(context.Background(), t1, dt)
}

// EvolveContext is Evolve with cancellation: it looks at ctx before every step and returns
// ctx.Err() once ctx is done, leaving the densities and the clock at the last completed step.
// Without cancellation it gives Evolve's bits.
func (c *Clustered) EvolveContext(ctx context.Context, t1, dt float64) error {
	done := ctx.Done()
	for c.t < t1*(1-1e-14) {
		if cancelled(done) {
			return ctx.Err()
		}
		h := min(dt, t1-c.t)
		if err := c.Step(h); err != nil {
			return err
		}
	}
	c.t = t1
	return nil
}

// Health checks the clusters' densities after a run or between its steps. massErr is the largest
// relative departure of a cluster's mass from mass0[ci], the mass it started with (the
// Scharfetter-Gummel flux conserves mass to rounding, so more than about 1e-12 means that
// something broke). minRel is the most negative density value relative to its cluster's largest
// value (0 when none is negative): backward Euler keeps P >= 0, TR-BDF2 only approximately, with
// small undershoots near steep fronts. err names the cluster, the cell and the value of the first
// density value that is not finite. Health reads the densities only; it allocates nothing.
func (c *Clustered) Health(mass0 []float64) (massErr, minRel float64, err error) {
	for ci, p := range c.p {
		var big, low float64
		for i, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return massErr, minRel, fmt.Errorf("cluster %d, cell %d: the density is %v", ci, i, v)
			}
			big, low = math.Max(big, v), math.Min(low, v)
		}
		if big > 0 {
			minRel = math.Min(minRel, low/big)
		}
		if ci < len(mass0) {
			massErr = math.Max(massErr, math.Abs(c.Mass(ci)/mass0[ci]-1))
		}
	}
	return massErr, minRel, nil
}
