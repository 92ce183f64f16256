package rbmdrift

import "math"

// eigen is the state of a warm-started Jacobi eigensolver for one small symmetric matrix that
// changes a little between calls (X = W^T W after one update): the previous eigenbasis almost
// diagonalises the new matrix, so one or two sweeps suffice.
type eigen struct {
	n       int
	v       []float64 // eigenvectors (columns), row-major n x n; the warm start
	a, tmp  []float64
	started bool
}

func newEigen(n int) *eigen {
	return &eigen{n: n, v: make([]float64, n*n), a: make([]float64, n*n), tmp: make([]float64, n*n)}
}

// solve computes the eigenvalues of the symmetric matrix x (row-major n x n, not modified) in
// ascending order into w, and the eigenvectors into e.v.
func (e *eigen) solve(w, x []float64) {
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
// below 1e-30 of the diagonal's (relative accuracy about 1e-15 in the largest eigenvalue).
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
				theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < n; k++ {
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p] = c*akp - s*akq
					a[k*n+q] = s*akp + c*akq
				}
				for k := 0; k < n; k++ {
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k] = c*apk - s*aqk
					a[q*n+k] = s*apk + c*aqk
				}
				a[p*n+q], a[q*n+p] = 0, 0
				for k := 0; k < n; k++ {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
}

// Spectrum writes the eigenvalues of X = W^T W (N_h of them) in ascending order into dst
// (allocated if nil) and returns it. It uses a Jacobi solver warm-started from the previous
// call's eigenbasis and does not allocate after the first call.
func (t *Trainer) Spectrum(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, t.nh)
	}
	if t.eig == nil {
		t.eig = newEigen(t.nh)
		t.x = make([]float64, t.nh*t.nh)
	}
	gramCols(t.x, t.w, t.nv, t.nh)
	t.eig.solve(dst[:t.nh], t.x)
	return dst
}

// ExpectedDrift writes into dst (allocated if nil) the drift dx_i/dt, per unit t = alpha*step,
// of the ascending eigenvalues x_i of X = W^T W under the exact-gradient update
// W <- W + alpha sigma_h^2 (C_t - K^-1) W at the current weights, to first order in alpha:
//
//	dx_i/dt = 2 sigma_h^2 (W v_i)^T (C_t - K^-1) (W v_i),
//
// v_i the unit eigenvector of x_i. If spec is not nil it must hold the eigenvalues from a
// Spectrum call at the current weights (so that the eigenvectors are current too); otherwise
// the spectrum is computed. It returns an error if the model is improper.
func (t *Trainer) ExpectedDrift(dst, spec []float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, t.nh)
	}
	if spec == nil {
		t.Spectrum(dst)
	}
	if !t.prepare() {
		return dst, t.improper()
	}
	nv, nh := t.nv, t.nh
	u, y := t.h[:nv], t.v[:nv]
	vec := t.eig.v
	for m := 0; m < nh; m++ {
		for i := 0; i < nv; i++ {
			var s float64
			for j, wv := range t.w[i*nh : i*nh+nh] {
				s += wv * vec[j*nh+m]
			}
			u[i] = s
		}
		var qt float64
		for i, ui := range u {
			var s float64
			for j, c := range t.ct[i*nv : i*nv+nv] {
				s += c * u[j]
			}
			qt += ui * s
		}
		// u^T K^-1 u = |L^-1 u|^2 / mu^2 with L L^T = 1 - T = K/mu^2.
		var qk float64
		for i := 0; i < nv; i++ {
			s := u[i]
			li := t.ch[i*nv : i*nv+i+1]
			for j := 0; j < i; j++ {
				s -= li[j] * y[j]
			}
			y[i] = s / li[i]
			qk += y[i] * y[i]
		}
		dst[m] = 2 * t.s2 * (qt - qk/t.mu2)
	}
	return dst, nil
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
