package langevin

import (
	"fmt"
	"math"

	"fpsolve/model"
	"fpsolve/symeig"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// Matrix is the matrix-level Dyson integrator: a symmetric N x N matrix X = Q diag(x) Q^T is
// updated by
//
//	X' = X + alpha Q diag(K_k(x_k)) Q^T + G,
//
// G a GOE matrix with off-diagonal variance g^2 alpha and diagonal variance 2 g^2 alpha, and the
// new eigenvalues are those of X' (the drift of rank k acts on the k-th smallest eigenvalue).
// Because the law of G is invariant under X -> Q^T X Q, the eigenvalues of X' have the law of
// those of diag(x + alpha K(x)) + G: the step is carried out in the previous eigenbasis, where
// the matrix is nearly diagonal, and a cyclic Jacobi iteration (symeig.Values) finds its
// eigenvalues in a few sweeps (this is the warm start from the previous eigenbasis; the
// eigenvectors themselves are never needed for the spectrum). The Coulomb repulsion is not put in: it comes out of the
// diagonalisation (second-order perturbation theory gives alpha g^2 sum_j 1/(x_k - x_j)).
//
// Mode-dependent g_i are not natural at this level (the noise of one matrix has one strength),
// so every mode must have the same G2, and table drifts (x-dependent diffusion) are refused.
// Walls are treated as in Eigen. A Matrix is immutable and safe for concurrent use.
type Matrix struct {
	core
	g2     float64
	sdDiag float64 // sqrt(2 g^2 alpha)
	sdOff  float64 // sqrt(g^2 alpha)
	lwork  int     // Dsyev workspace, 0 when Jacobi is used
}

// jacobiMaxN is the largest size diagonalised by Jacobi; above it gonum's Dsyev (eigenvalues
// only) is faster: measured per matrix of a step, Jacobi/Dsyev = 26/63 ns (n = 2), 220/325 ns
// (n = 3), 720/940 ns (n = 5), 5.5/3.4 us (n = 10).
const jacobiMaxN = 7

// NewMatrix returns the matrix-level integrator of sys with step alpha. sys must have the
// Coulomb term (the matrix level always has it), equal G2 for all modes and no table drift.
func NewMatrix(sys model.System, alpha float64) (*Matrix, error) {
	c, err := newCore(sys, alpha)
	if err != nil {
		return nil, err
	}
	if !sys.Coulomb {
		return nil, fmt.Errorf("langevin: the matrix level always has the Coulomb term; set Coulomb")
	}
	if sys.Extra != nil || sys.Geometric {
		return nil, fmt.Errorf("langevin: the matrix level takes neither a configuration-dependent drift (model.System.Extra) nor the geometric pair strength")
	}
	g2 := sys.Modes[0].G2
	for i, m := range sys.Modes {
		if _, ok := m.Drift.(*model.Table); ok {
			return nil, fmt.Errorf("langevin: mode %d: the matrix level needs a constant g^2, not a table drift", i)
		}
		if m.G2 != g2 {
			return nil, fmt.Errorf("langevin: mode %d has g2 = %g, mode 0 has %g: the matrix level needs equal g2", i, m.G2, g2)
		}
	}
	m := &Matrix{core: c, g2: g2, sdDiag: math.Sqrt(2 * g2 * alpha), sdOff: math.Sqrt(g2 * alpha)}
	if n := len(c.p); n > jacobiMaxN {
		var q [1]float64
		gonum.Implementation{}.Dsyev(lapack.EVNone, blas.Upper, n, make([]float64, n*n), n, make([]float64, n), q[:], -1)
		m.lwork = int(q[0])
	}
	return m, nil
}

// Alpha returns the step.
func (m *Matrix) Alpha() float64 { return m.alpha }

// WorkLen returns the length of the scratch slice that Advance needs.
func (m *Matrix) WorkLen() int { n := len(m.p); return n*n + 2*n + m.lwork }

// Advance moves one walker by steps matrix-level updates; see Eigen.Advance (it also stops at
// the first step whose drift is not finite, and at the growth check of Counts.Diverged).
func (m *Matrix) Advance(x []float64, steps int, src *Source, work []float64) Counts {
	n := len(m.p)
	if len(x) != n || len(work) < m.WorkLen() {
		panic("langevin: Matrix.Advance: bad slice length")
	}
	r, y, a := work[:n], work[n:2*n], work[2*n:2*n+n*n]
	lw := work[2*n+n*n : 2*n+n*n+m.lwork]
	for k, i := range m.order {
		r[k] = x[i]
	}
	var cnt Counts
	cnt.Steps = int64(steps)
	for s := 0; s < steps; s++ {
		finite := true
		for k := 0; k < n; k++ {
			row := a[k*n : k*n+n]
			row[k] = r[k] + m.p[k].drift(m.alpha, r[k]) + m.sdDiag*src.NormFloat64()
			finite = finite && row[k]-row[k] == 0
			for j := k + 1; j < n; j++ {
				row[j] = m.sdOff * src.NormFloat64()
			}
		}
		if !finite { // a drift is not finite: stop the walker (Counts.NonFinite)
			cnt.Rejected += int64(n)
			cnt.NonFinite, cnt.Steps = 1, int64(s)
			break
		}
		if m.lwork == 0 {
			symeig.Values(a, n, y)
		} else if !(gonum.Implementation{}).Dsyev(lapack.EVNone, blas.Upper, n, a, n, y, lw, m.lwork) {
			panic("langevin: Dsyev did not converge") // only with NaN input, excluded above
		}
		m.finish(r, y, &cnt)
		if (s&(DivergenceCheck-1) == DivergenceCheck-1 || s == steps-1) && m.diverged(r) {
			cnt.Diverged, cnt.Steps = 1, int64(s+1) // stop the walker: see Counts.Diverged
			break
		}
	}
	for k, i := range m.order {
		x[i] = r[k]
	}
	return cnt
}
