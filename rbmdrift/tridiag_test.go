package rbmdrift

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// symEigenCase is a symmetric test matrix: a Gram matrix W^T W (the trainer's X), one with
// repeated eigenvalues, a diagonal one (already converged), one of strongly graded
// eigenvalues, and tiny sizes.
func symEigenCases(t *testing.T) map[string][]float64 {
	src := NewSource(9, 1)
	gram := func(n int) []float64 {
		w := make([]float64, n*n)
		InitWeights(w, 1, src)
		x := make([]float64, n*n)
		gramCols(x, w, n, n)
		return x
	}
	// Q diag(lam) Q^T with Q orthogonal (the eigenvectors of a random Gram matrix).
	withSpectrum := func(lam []float64) []float64 {
		n := len(lam)
		q := gram(n)
		var wk [1]float64
		lp.Dsyev(lapack.EVCompute, blas.Upper, n, q, n, make([]float64, n), wk[:], -1)
		work := make([]float64, int(wk[0]))
		if !lp.Dsyev(lapack.EVCompute, blas.Upper, n, q, n, make([]float64, n), work, len(work)) {
			t.Fatal("Dsyev failed on the test basis")
		}
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				for k, l := range lam {
					a[i*n+j] += q[i*n+k] * l * q[j*n+k]
				}
			}
		}
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				a[i*n+j] = a[j*n+i]
			}
		}
		return a
	}
	repeated := make([]float64, 40)
	graded := make([]float64, 30)
	for i := range repeated {
		repeated[i] = float64(i % 4)
	}
	for i := range graded {
		graded[i] = math.Pow(10, -float64(i)/3)
	}
	diag := make([]float64, 17*17)
	for i := 0; i < 17; i++ {
		diag[i*17+i] = float64((i * 7) % 17)
	}
	return map[string][]float64{"gram 64": gram(64), "gram 33": gram(33), "repeated 40": withSpectrum(repeated),
		"graded 30": withSpectrum(graded), "diagonal 17": diag, "gram 2": gram(2), "gram 1": gram(1)}
}

// TestSymEigen: symEigen against Dsyev and against the defining properties. The tolerances are
// in units of n eps ||A||_max (eps = 2.2e-16), the backward-stable bound of both methods, with
// a margin of 10: eigenvalues within that of Dsyev's, residuals |A v - lambda v|_max and the
// departure from orthonormality |V^T V - 1|_max within it too; the eigenvalues ascending.
func TestSymEigen(t *testing.T) {
	t.Parallel()
	for name, a := range symEigenCases(t) {
		n := int(math.Sqrt(float64(len(a))))
		norm := 0.0
		for _, v := range a {
			norm = math.Max(norm, math.Abs(v))
		}
		tol := 10 * float64(n) * 0x1p-52 * norm
		ref, refW := append([]float64(nil), a...), make([]float64, n)
		var wk [1]float64
		lp.Dsyev(lapack.EVCompute, blas.Upper, n, ref, n, refW, wk[:], -1)
		work := make([]float64, int(wk[0]))
		if !lp.Dsyev(lapack.EVCompute, blas.Upper, n, ref, n, refW, work, len(work)) {
			t.Fatalf("%s: Dsyev failed", name)
		}
		v, w := append([]float64(nil), a...), make([]float64, n)
		if !newSymEigen(n).solve(w, v) {
			t.Fatalf("%s: symEigen did not converge", name)
		}
		var worstW, worstR, worstO float64
		for j := 0; j < n; j++ {
			if j > 0 && w[j] < w[j-1] {
				t.Fatalf("%s: eigenvalues not ascending at %d: %g < %g", name, j, w[j], w[j-1])
			}
			worstW = math.Max(worstW, math.Abs(w[j]-refW[j]))
			for i := 0; i < n; i++ {
				r := -w[j] * v[i*n+j]
				for k := 0; k < n; k++ {
					r += a[i*n+k] * v[k*n+j]
				}
				worstR = math.Max(worstR, math.Abs(r))
			}
			for l := 0; l <= j; l++ {
				var dot float64
				for k := 0; k < n; k++ {
					dot += v[k*n+j] * v[k*n+l]
				}
				if l == j {
					dot--
				}
				worstO = math.Max(worstO, math.Abs(dot))
			}
		}
		// values: the same eigenvalues to the bit, a unchanged.
		a2, w2 := append([]float64(nil), a...), make([]float64, n)
		if !newSymEigen(n).values(w2, a2) {
			t.Fatalf("%s: values did not converge", name)
		}
		for j := range w {
			if math.Float64bits(w2[j]) != math.Float64bits(w[j]) {
				t.Fatalf("%s: values gives %v for eigenvalue %d, solve %v", name, w2[j], j, w[j])
			}
		}
		for i := range a {
			if a2[i] != a[i] {
				t.Fatalf("%s: values changed its matrix", name)
			}
		}
		t.Logf("%s: eigenvalues %.2g, residual %.2g, orthonormality %.2g (tolerance %.2g, ||A|| %.3g)", name, worstW, worstR, worstO, tol, norm)
		if worstW > tol || worstR > tol || worstO > 10*float64(n)*0x1p-52 {
			t.Errorf("%s: eigenvalues %.2g from Dsyev's, residual %.2g, orthonormality %.2g; tolerance %.2g", name, worstW, worstR, worstO, tol)
		}
	}
}

// TestSymEigenNaN: a NaN or an infinity in the matrix (off the diagonal or on it) is reported
// as a failure, not returned as a spectrum.
func TestSymEigenNaN(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, at := range [][2]int{{5, 7}, {4, 4}, {32, 32}} {
			a := symEigenCases(t)["gram 33"]
			a[at[0]*33+at[1]], a[at[1]*33+at[0]] = bad, bad
			if newSymEigen(33).solve(make([]float64, 33), a) {
				t.Errorf("symEigen solved a matrix with %v at %v", bad, at)
			}
		}
	}
}

// BenchmarkSymEigen: the exact spectrum of a 64 x 64 Gram matrix with the eigenvectors
// (symEigen.solve, Dsyev) and without (symEigen.values).
func BenchmarkSymEigen(b *testing.B) {
	x := symEigenCases(nil)["gram 64"]
	n := 64
	a := make([]float64, n*n)
	w := make([]float64, n)
	b.Run("symEigen", func(b *testing.B) {
		s := newSymEigen(n)
		for b.Loop() {
			copy(a, x)
			s.solve(w, a)
		}
	})
	b.Run("values", func(b *testing.B) {
		s := newSymEigen(n)
		for b.Loop() {
			s.values(w, x)
		}
	})
	b.Run("Dsyev", func(b *testing.B) {
		var wk [1]float64
		lp.Dsyev(lapack.EVCompute, blas.Upper, n, a, n, w, wk[:], -1)
		work := make([]float64, int(wk[0]))
		for b.Loop() {
			copy(a, x)
			lp.Dsyev(lapack.EVCompute, blas.Upper, n, a, n, w, work, len(work))
		}
	})
}

// TestRotRows: rotRows (rot4avx and its Go tail where the CPU has AVX2) gives the Go loop's
// bits on every length up to 13 and at 64, and hypot agrees with math.Hypot to a rounding
// or two where it takes the square root and exactly where it defers to it.
func TestRotRows(t *testing.T) {
	src := NewSource(4, 4)
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 64} {
		x, y := make([]float64, n), make([]float64, n)
		InitWeights(x, 1, src)
		InitWeights(y, 1, src)
		c, s := 0.8, -0.6
		wx, wy := append([]float64(nil), x...), append([]float64(nil), y...)
		for k := range wx {
			xk, yk := wx[k], wy[k]
			wx[k] = c*xk - s*yk
			wy[k] = s*xk + c*yk
		}
		rotRows(x, y, c, s)
		for k := range x {
			if x[k] != wx[k] || y[k] != wy[k] {
				t.Fatalf("n = %d, entry %d: (%v, %v), loop (%v, %v)", n, k, x[k], y[k], wx[k], wy[k])
			}
		}
	}
	for _, ab := range [][2]float64{{3, 4}, {1e-300, 1e-300}, {1e300, 1e300}, {0, 0}, {-2.5, 1e-3}, {1e200, 1}} {
		got, want := hypot(ab[0], ab[1]), math.Hypot(ab[0], ab[1])
		if math.Abs(got-want) > 4.5e-16*want {
			t.Errorf("hypot(%g, %g) = %g, math.Hypot %g", ab[0], ab[1], got, want)
		}
	}
}

// BenchmarkTridiagonalise: the Householder reduction of a 64 x 64 Gram matrix by
// tridiagonalise (with its copy into the padded matrix) and by gonum's Dsytrd, which it
// replaced, side by side.
func BenchmarkTridiagonalise(b *testing.B) {
	x := symEigenCases(nil)["gram 64"]
	n := 64
	s := newSymEigen(n)
	b.Run("tridiagonalise", func(b *testing.B) {
		for b.Loop() {
			s.reduce(x)
		}
	})
	b.Run("Dsytrd", func(b *testing.B) {
		a := make([]float64, n*n)
		var q [1]float64
		lp.Dsytrd(blas.Upper, n, a, n, s.d, s.e[:n-1], s.tau[:n-1], q[:], -1)
		work := make([]float64, int(q[0]))
		for b.Loop() {
			copy(a, x)
			lp.Dsytrd(blas.Upper, n, a, n, s.d, s.e[:n-1], s.tau[:n-1], work, len(work))
		}
	})
}
