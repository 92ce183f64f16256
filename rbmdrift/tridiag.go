package rbmdrift

import "math"

// symEigen is the large-N kernels' symmetric eigensolver: Householder tridiagonalisation
// (tridiagonalise) and the explicit orthogonal factor (accumulateQ), then the implicit QL
// method (tridiagQL) with the eigenvectors kept as the contiguous rows of Z^T; values does the
// reduction and the same QL iteration without the eigenvectors, so its eigenvalues are solve's
// to the bit.
//
// It replaces gonum's Dsyev, which does the same reduction but applies each plane rotation of
// its QL/QR iteration (Dsteqr through Dlasr) to two columns of the row-major eigenvector
// matrix, an access of stride n per element: at N = 64 that was about 370 of Dsyev's 660 us
// (profile of BenchmarkTrainRunN, gibbs, N = 64, measure_every = 10). The reduction and Q were
// gonum's Dsytrd and Dorgtr until tridiagonalise replaced them (kernel generation 4, see
// kernels_blas.go): BenchmarkSymEigen, side by side at N = 64, gives the figures of
// benchmarks/README.md.
type symEigen struct {
	n, ld     int
	d, e, tau []float64 // the tridiagonal (diagonal, off-diagonal) and Householder scalars
	ap, qt    []float64 // the matrix and Q^T, padded for tridiagonalise (stride ld)
	p         []float64 // ld scratch of the reduction
	zt        []float64 // Z^T (row k the k-th eigenvector), n x n
	order     []int     // the ascending order of the eigenvalues
	zRows     []float64 // scratch of the sort
}

func newSymEigen(n int) *symEigen {
	ld := householderLD(n)
	size := householderRows(n) * ld
	return &symEigen{n: n, ld: ld, d: make([]float64, n), e: make([]float64, n), tau: make([]float64, n),
		ap: make([]float64, size), qt: make([]float64, size), p: make([]float64, ld),
		zt: make([]float64, n*n), order: make([]int, n), zRows: make([]float64, n*n)}
}

// solve sets w to the eigenvalues of the symmetric n x n matrix a (its upper triangle is read),
// ascending, and a to the matrix whose column j is the unit eigenvector of w[j], as Dsyev does.
// It reports false (a and w then unspecified) if the iteration does not converge or an
// eigenvalue is not finite, which covers any NaN or infinity in a.
func (s *symEigen) solve(w, a []float64) bool {
	n, ld := s.n, s.ld
	s.reduce(a)
	accumulateQT(s.qt, s.ap, n, ld, s.tau, s.p)
	for i := 0; i < n; i++ {
		copy(s.zt[i*n:(i+1)*n], s.qt[i*ld:i*ld+n])
	}
	if !s.ql(s.zt) {
		return false
	}
	// The values and the rows of Z^T in ascending order (ql), transposed into a.
	for k, o := range s.order {
		w[k] = s.d[o]
		copy(s.zRows[k*n:(k+1)*n], s.zt[o*n:(o+1)*n])
	}
	transpose(a, s.zRows, n, n)
	return true
}

// reduce copies the upper triangle of the n x n matrix a into both triangles of the padded ap
// and tridiagonalises it.
func (s *symEigen) reduce(a []float64) {
	n, ld := s.n, s.ld
	a = a[:n*n]
	for i := 0; i < n; i++ {
		r := s.ap[i*ld : i*ld+n]
		for j := 0; j < i; j++ {
			r[j] = a[j*n+i]
		}
		copy(r[i:], a[i*n+i:(i+1)*n])
	}
	tridiagonalise(s.ap, n, ld, s.d, s.e, s.tau, s.p)
}

// values is solve without the eigenvectors: w the eigenvalues of a (its upper triangle is read,
// a is not changed), ascending, the same to the bit.
func (s *symEigen) values(w, a []float64) bool {
	s.reduce(a)
	if !s.ql(nil) {
		return false
	}
	for k, o := range s.order {
		w[k] = s.d[o]
	}
	return true
}

// ql runs tridiagQL on the reduction's d and e (rotating the rows of zt unless nil), checks
// that the eigenvalues are finite and sets order to their ascending order (a stable insertion
// sort of the indices; n is small).
func (s *symEigen) ql(zt []float64) bool {
	if !tridiagQL(s.d, s.e, zt, s.n) {
		return false
	}
	for _, v := range s.d {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	for i := range s.order {
		s.order[i] = i
	}
	for i := 1; i < s.n; i++ {
		for j := i; j > 0 && s.d[s.order[j]] < s.d[s.order[j-1]]; j-- {
			s.order[j], s.order[j-1] = s.order[j-1], s.order[j]
		}
	}
	return true
}

// qlIterations bounds the QL iterations per eigenvalue (LAPACK's Dsteqr allows 30 on
// average; typical matrices take 1-3).
const qlIterations = 30

// tridiagQL diagonalises the symmetric tridiagonal matrix with diagonal d and off-diagonal e
// (e[i] couples i and i+1; e[n-1] is scratch) by the implicit QL method with Wilkinson's shift,
// leaving the eigenvalues, unsorted, in d. Each plane rotation acting on coordinates i and
// i+1 is applied to rows i and i+1 of the n x n row-major zt, so that zt = Z^T Q^T on input
// becomes the transposed eigenvector matrix: row k is the eigenvector of d[k] in the
// coordinates of the rows of Q^T (the identity, or accumulateQ's Q^T for a tridiagonalised
// matrix); zt nil skips the rotations (the eigenvalues alone, the same to the bit). An off-diagonal element is taken as zero once it is at most the machine epsilon times the sum
// of the magnitudes of its two diagonal neighbours, LAPACK's test. It reports false if an
// eigenvalue has not converged within qlIterations iterations (a NaN never converges).
//
// Written here rather than calling gonum's Dsteqr for the layout of the eigenvectors (see
// symEigen); the iteration itself is the textbook implicit QL step (Wilkinson and Reinsch,
// Handbook for Automatic Computation II, procedure tql2).
func tridiagQL(d, e, zt []float64, n int) bool {
	if n == 0 {
		return true
	}
	const eps = 0x1p-52
	e[n-1] = 0
	for l := 0; l < n; l++ {
		for iter := 0; ; iter++ {
			m := l
			for ; m < n-1; m++ {
				if math.Abs(e[m]) <= eps*(math.Abs(d[m])+math.Abs(d[m+1])) {
					break
				}
			}
			if m == l {
				break
			}
			if iter == qlIterations {
				return false
			}
			// Wilkinson's shift from the leading 2 x 2 block of the unreduced part l..m.
			g := (d[l+1] - d[l]) / (2 * e[l])
			r := hypot(g, 1)
			g = d[m] - d[l] + e[l]/(g+math.Copysign(r, g))
			s, c, p := 1.0, 1.0, 0.0
			i := m - 1
			for ; i >= l; i-- {
				f, b := s*e[i], c*e[i]
				r = hypot(f, g)
				e[i+1] = r
				if r == 0 {
					// The chase underflowed: deflate here and restart the iteration.
					d[i+1] -= p
					e[m] = 0
					break
				}
				s, c = f/r, g/r
				g = d[i+1] - p
				r = (d[i]-g)*s + 2*c*b
				p = s * r
				d[i+1] = g + p
				g = c*r - b
				if zt != nil {
					rotRows(zt[i*n:(i+1)*n], zt[(i+1)*n:(i+2)*n], c, s)
				}
			}
			if r == 0 && i >= l {
				continue
			}
			d[l] -= p
			e[l] = g
			e[m] = 0
		}
	}
	return true
}

// rotRows applies the plane rotation (c, s) to the rows x and y: x <- c x - s y,
// y <- s x + c y, with the old x and y on the right. On AVX2 CPUs the first 4 floor(n/4)
// entries run in rot4avx, with the same operations (TestRotRows).
func rotRows(x, y []float64, c, s float64) {
	y = y[:len(x)]
	k0 := 0
	if fmaKernel && len(x) >= 4 {
		rot4avx(len(x), &x[0], &y[0], c, s)
		k0 = len(x) &^ 3
	}
	for k := k0; k < len(x); k++ {
		xk := x[k]
		yk := y[k]
		x[k] = c*xk - s*yk
		y[k] = s*xk + c*yk
	}
}

// hypot is sqrt(a^2 + b^2), by math.Hypot's scaling only where the sum of squares would
// overflow or lose bits to underflow (math.Hypot throughout was 12% of symEigen's time).
func hypot(a, b float64) float64 {
	r2 := a*a + b*b
	if r2 < 0x1p-1000 || r2 > 0x1p1000 {
		return math.Hypot(a, b)
	}
	return math.Sqrt(r2)
}
