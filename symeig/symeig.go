// Package symeig diagonalises small dense symmetric matrices (up to about ten rows) by cyclic
// Jacobi rotations, on row-major []float64 slices and without allocating, for the hot loops of
// the samplers: Values gives the eigenvalues alone (langevin's matrix-level step), Warm gives
// eigenvalues and eigenvectors of a matrix that changes a little between calls, starting from
// the previous eigenbasis (rbmdrift's spectrum of W^T W).
//
// Both use the same rotation (the one that zeroes a_pq, with angle |phi| <= pi/4) and return
// the eigenvalues in ascending order. They differ in the sweep: Values updates the upper
// triangle only, without eigenvectors, and drops elements below rounding; Warm keeps the whole
// matrix (each rotation computes the mirrored entries once and stores both, which gives the bits
// of its earlier two full passes) and accumulates the rotations. Each is kept exactly as it was
// in its package, down to the order of the operations (the rotation is written out in both rather than shared, which
// compiles the same arithmetic to a different instruction schedule), so that the results of both
// packages, the stored outputs made from them and the speed of their loops stay the same. For larger matrices gonum's lapack Dsyev or mat.EigenSym is faster.
package symeig

import "math"

// Values overwrites the upper triangle of the symmetric n x n row-major matrix a (the lower
// triangle is not read) and writes its eigenvalues, ascending, into d[:n]. Cyclic Jacobi
// rotations without eigenvectors; it stops when the off-diagonal mass is below (1e-17)^2 of the
// diagonal's, where the eigenvalue error (off-diagonal^2 / gap) is far below rounding, or after
// 60 sweeps. It is fastest on nearly diagonal matrices.
func Values(a []float64, n int, d []float64) {
	for sweep := 0; sweep < 60; sweep++ {
		var off, diag float64
		for p := 0; p < n; p++ {
			diag += a[p*n+p] * a[p*n+p]
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off <= 1e-34*(diag+2*off) {
			break
		}
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				app, aqq := a[p*n+p], a[q*n+q]
				if math.Abs(apq) <= 1e-18*(math.Abs(app)+math.Abs(aqq)) {
					// Negligible: its effect on the eigenvalues is below rounding.
					a[p*n+q] = 0
					continue
				}
				theta := (aqq - app) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				tau := s / (1 + c)
				a[p*n+p] = app - t*apq
				a[q*n+q] = aqq + t*apq
				a[p*n+q] = 0
				for r := 0; r < p; r++ {
					g, h := a[r*n+p], a[r*n+q]
					a[r*n+p] = g - s*(h+g*tau)
					a[r*n+q] = h + s*(g-h*tau)
				}
				for r := p + 1; r < q; r++ {
					g, h := a[p*n+r], a[r*n+q]
					a[p*n+r] = g - s*(h+g*tau)
					a[r*n+q] = h + s*(g-h*tau)
				}
				for r := q + 1; r < n; r++ {
					g, h := a[p*n+r], a[q*n+r]
					a[p*n+r] = g - s*(h+g*tau)
					a[q*n+r] = h + s*(g-h*tau)
				}
			}
		}
	}
	for k := 0; k < n; k++ {
		d[k] = a[k*n+k]
	}
	for k := 1; k < n; k++ { // insertion sort: nearly sorted already
		v := d[k]
		j := k
		for ; j > 0 && d[j-1] > v; j-- {
			d[j] = d[j-1]
		}
		d[j] = v
	}
}

// Warm is a warm-started Jacobi eigensolver for one small symmetric matrix that changes a little
// between calls (for example X = W^T W after one update of W): the previous eigenbasis almost
// diagonalises the new matrix, so one or two sweeps suffice. It holds its workspace and does not
// allocate after NewWarm. A Warm is not safe for concurrent use.
type Warm struct {
	n       int
	v       []float64 // eigenvectors (columns), row-major n x n; the warm start
	a, tmp  []float64
	started bool
}

// NewWarm returns a solver for n x n matrices; its first Solve starts from the identity.
func NewWarm(n int) *Warm {
	return &Warm{n: n, v: make([]float64, n*n), a: make([]float64, n*n), tmp: make([]float64, n*n)}
}

// Reset makes the next Solve start from the identity, as the first one does.
func (e *Warm) Reset() { e.started = false }

// SetBasis makes the next Solve start from the columns of v (row-major n x n, copied): an
// approximate eigenbasis of the next matrix that the caller has kept up to date by other means
// (rbmdrift's perturbative spectrum). Solve re-orthonormalises it first, so v need only be close
// to orthonormal.
func (e *Warm) SetBasis(v []float64) {
	copy(e.v, v[:e.n*e.n])
	e.started = true
}

// Vectors returns the eigenvectors of the last Solve: column j of the row-major n x n matrix is
// the unit eigenvector of the j-th smallest eigenvalue. The slice is the solver's own (the next
// warm start): read it, do not keep it across calls or change it.
func (e *Warm) Vectors() []float64 { return e.v }

// Solve computes the eigenvalues of the symmetric matrix x (row-major n x n, not modified) in
// ascending order into w[:n], and their eigenvectors (see Vectors). After the first call it
// starts from the previous eigenvectors, re-orthonormalised: it rotates x into that basis
// (V^T x V) and finishes with Jacobi sweeps over the whole matrix, stopping when the
// off-diagonal mass is below 1e-30 of the diagonal's (relative accuracy about 1e-15 in the
// largest eigenvalue) or after 100 sweeps.
func (e *Warm) Solve(w, x []float64) {
	n := e.n
	a, v := e.a, e.v
	if !e.started {
		for i := range v {
			v[i] = 0
		}
		for i := 0; i < n; i++ {
			v[i*n+i] = 1
		}
		copy(a, x)
		e.started = true
	} else {
		// Rotations keep V orthogonal only to rounding, and the error would accumulate over
		// many warm starts: re-orthonormalise the columns (modified Gram-Schmidt) first.
		orthonormalise(v, n)
		// a = V^T x V.
		t := e.tmp
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for k := 0; k < n; k++ {
					s += x[i*n+k] * v[k*n+j]
				}
				t[i*n+j] = s
			}
		}
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				var s float64
				for k := 0; k < n; k++ {
					s += v[k*n+i] * t[k*n+j]
				}
				a[i*n+j], a[j*n+i] = s, s
			}
		}
	}
	jacobi(a, v, n)
	for i := 0; i < n; i++ {
		w[i] = a[i*n+i]
	}
	// Insertion sort of eigenvalues with their vectors (columns of v).
	for i := 1; i < n; i++ {
		for j := i; j > 0 && w[j] < w[j-1]; j-- {
			w[j], w[j-1] = w[j-1], w[j]
			for k := 0; k < n; k++ {
				v[k*n+j], v[k*n+j-1] = v[k*n+j-1], v[k*n+j]
			}
		}
	}
}

// jacobi diagonalises the symmetric matrix a in place by cyclic Jacobi rotations,
// accumulating them into the columns of v (v <- v P). It stops when the off-diagonal mass is
// below 1e-30 of the diagonal's.
//
// a must be exactly symmetric (Solve makes it so, and a rotation keeps it so). Each rotation
// is then the column update a <- a P followed by the row update a <- P^T a, with the 2 x 2
// block of rows and columns p, q done in that order; outside the block the row update would
// recompute, from the same operands, the values the column update wrote into the mirrored
// entries, so they are computed once and stored in both (the same bits as two passes,
// TestJacobiBits, at 8 instead of 12 multiplications per row).
func jacobi(a, v []float64, n int) {
	for sweep := 0; sweep < 100; sweep++ {
		var off, diag float64
		for i := 0; i < n; i++ {
			diag += a[i*n+i] * a[i*n+i]
			for j := i + 1; j < n; j++ {
				off += a[i*n+j] * a[i*n+j]
			}
		}
		if off <= 1e-30*diag || off == 0 {
			return
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if apq == 0 {
					continue
				}
				app, aqq := a[p*n+p], a[q*n+q]
				theta := (aqq - app) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				rp, rq := a[p*n:p*n+n], a[q*n:q*n+n]
				for k := range rp {
					if k == p || k == q {
						continue
					}
					akp, akq := rp[k], rq[k]
					np, nq := c*akp-s*akq, s*akp+c*akq
					rp[k], rq[k] = np, nq
					a[k*n+p], a[k*n+q] = np, nq
				}
				// The block: column update (rows p and q), then row update.
				bpp := c*app - s*apq
				bpq := s*app + c*apq
				bqp := c*apq - s*aqq
				bqq := s*apq + c*aqq
				rp[p] = c*bpp - s*bqp
				rq[q] = s*bpq + c*bqq
				rp[q], rq[p] = 0, 0
				for k := 0; k < n; k++ {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
}

// orthonormalise applies modified Gram-Schmidt to the columns of the n x n matrix v.
func orthonormalise(v []float64, n int) {
	for j := 0; j < n; j++ {
		for i := 0; i < j; i++ {
			var d float64
			for k := 0; k < n; k++ {
				d += v[k*n+i] * v[k*n+j]
			}
			for k := 0; k < n; k++ {
				v[k*n+j] -= d * v[k*n+i]
			}
		}
		var nr float64
		for k := 0; k < n; k++ {
			nr += v[k*n+j] * v[k*n+j]
		}
		nr = 1 / math.Sqrt(nr)
		for k := 0; k < n; k++ {
			v[k*n+j] *= nr
		}
	}
}
