package symeig

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Tolerance: Jacobi and LAPACK's QR iteration are both backward stable, so each eigenvalue is
// within about n*eps*||A||_2 of the exact one (Weyl) — 3e-15 ||A|| for n = 12 — and Jacobi is
// usually better. tol = 1e-13 ||A|| leaves a factor of 30 for the two errors together without
// letting a wrong rotation (an error of order ||A||) through. The eigenvector checks are
// residuals |A v - lambda v| and orthonormality |V^T V - 1|, to the same tolerance.
const tol = 1e-13

// randomSym returns a random symmetric n x n matrix with N(0, 1) entries, row-major.
func randomSym(rng *rand.Rand, n int) []float64 {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			a[i*n+j] = rng.NormFloat64()
			a[j*n+i] = a[i*n+j]
		}
	}
	return a
}

// withSpectrum returns Q diag(lambda) Q^T for a random orthogonal Q (from the QR of a Gaussian
// matrix), row-major.
func withSpectrum(rng *rand.Rand, lambda []float64) []float64 {
	n := len(lambda)
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	var a mat.Dense
	a.Mul(&q, mat.NewDiagDense(n, lambda))
	a.Mul(&a, q.T())
	out := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			out[i*n+j] = 0.5 * (a.At(i, j) + a.At(j, i))
		}
	}
	return out
}

// reference returns gonum's eigenvalues (ascending) of the row-major symmetric a.
func reference(t *testing.T, a []float64, n int) []float64 {
	t.Helper()
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(n, slices.Clone(a)), false) {
		t.Fatal("mat.EigenSym failed")
	}
	return es.Values(nil)
}

// norm2 returns the spectral norm of a from its eigenvalues.
func norm2(lambda []float64) float64 {
	return max(math.Abs(lambda[0]), math.Abs(lambda[len(lambda)-1]), 1e-300)
}

// checkVectors checks that the columns of v are orthonormal eigenvectors of a for w.
func checkVectors(t *testing.T, name string, a, w, v []float64, n int) {
	t.Helper()
	scale := norm2(w)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			r := -w[j] * v[i*n+j]
			for k := 0; k < n; k++ {
				r += a[i*n+k] * v[k*n+j]
			}
			if math.Abs(r) > tol*scale {
				t.Errorf("%s: residual (A v_%d - w v_%d)_%d = %g", name, j, j, i, r)
			}
		}
		for l := 0; l <= j; l++ {
			var d float64
			for k := 0; k < n; k++ {
				d += v[k*n+l] * v[k*n+j]
			}
			if l == j {
				d--
			}
			if math.Abs(d) > tol {
				t.Errorf("%s: v_%d . v_%d off by %g", name, l, j, d)
			}
		}
	}
}

func checkValues(t *testing.T, name string, got, want []float64) {
	t.Helper()
	scale := norm2(want)
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol*scale {
			t.Errorf("%s: eigenvalue %d = %.17g, want %.17g (gonum)", name, i, got[i], want[i])
		}
	}
}

func TestRandomAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 12; n++ {
		for trial := 0; trial < 20; trial++ {
			a := randomSym(rng, n)
			want := reference(t, a, n)
			d := make([]float64, n)
			Values(slices.Clone(a), n, d)
			checkValues(t, "Values", d, want)
			e := NewWarm(n)
			w := make([]float64, n)
			e.Solve(w, a)
			checkValues(t, "Warm", w, want)
			checkVectors(t, "Warm", a, w, e.Vectors(), n)
		}
	}
}

// TestDegenerate: repeated eigenvalues in a random basis. The eigenvectors of a repeated
// eigenvalue are not unique, so only residuals and orthonormality are checked.
func TestDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, lambda := range [][]float64{
		{2, 2},
		{1, 1, 1},
		{-1, 1, 1, 2, 2, 2, 5},
		{0, 0, 0, 0, 3, 3, 3, 3, 3, 3},
		{4, 4, 4, 4, 4, 4, 4, 4},
	} {
		n := len(lambda)
		a := withSpectrum(rng, lambda)
		want := reference(t, a, n)
		checkValues(t, "gonum vs construction", want, lambda)
		d := make([]float64, n)
		Values(slices.Clone(a), n, d)
		checkValues(t, "Values", d, want)
		e := NewWarm(n)
		w := make([]float64, n)
		e.Solve(w, a)
		checkValues(t, "Warm", w, want)
		checkVectors(t, "Warm", a, w, e.Vectors(), n)
	}
}

// TestDiagonal: a diagonal matrix needs no rotation, so the eigenvalues are its diagonal sorted,
// exactly, and the eigenvectors are the matching unit vectors, exactly. The zero matrix too.
func TestDiagonal(t *testing.T) {
	for _, diag := range [][]float64{{3}, {0, 0, 0}, {5, -1, 2, 2, 0.5}, {1e-300, -1e300, 7}} {
		n := len(diag)
		a := make([]float64, n*n)
		for i, x := range diag {
			a[i*n+i] = x
		}
		want := slices.Sorted(slices.Values(diag))
		d := make([]float64, n)
		Values(slices.Clone(a), n, d)
		if !slices.Equal(d, want) {
			t.Errorf("Values(diag %v) = %v, want %v", diag, d, want)
		}
		e := NewWarm(n)
		w := make([]float64, n)
		e.Solve(w, a)
		if !slices.Equal(w, want) {
			t.Errorf("Warm(diag %v) = %v, want %v", diag, w, want)
		}
		v := e.Vectors()
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				x := v[i*n+j]
				if x != 0 && (x != 1 || a[i*n+i] != w[j]) {
					t.Errorf("diag %v: eigenvector %d is not a unit vector of its eigenvalue: v[%d] = %v", diag, j, i, x)
				}
			}
		}
	}
}

// TestClosedForm: 2 x 2, eigenvalues (a+d)/2 -+ sqrt(((a-d)/2)^2 + b^2); 3 x 3 tridiagonal
// Toeplitz [1 2 1], eigenvalues 2 + 2 cos(k pi/4), k = 3, 2, 1. Rounding: 1e-14.
func TestClosedForm(t *testing.T) {
	for name, solve := range map[string]func(a []float64, n int) []float64{
		"Values": func(a []float64, n int) []float64 { d := make([]float64, n); Values(a, n, d); return d },
		"Warm":   func(a []float64, n int) []float64 { d := make([]float64, n); NewWarm(n).Solve(d, a); return d },
	} {
		d := solve([]float64{1, 0.5, 0.5, 3}, 2)
		m, r := 2.0, math.Sqrt(1+0.25)
		if math.Abs(d[0]-(m-r)) > 1e-14 || math.Abs(d[1]-(m+r)) > 1e-14 {
			t.Errorf("%s 2x2: %v", name, d)
		}
		d = solve([]float64{2, 1, 0, 1, 2, 1, 0, 1, 2}, 3)
		for i, k := range []float64{3, 2, 1} {
			if want := 2 + 2*math.Cos(k*math.Pi/4); math.Abs(d[i]-want) > 1e-14 {
				t.Errorf("%s 3x3 eigenvalue %d = %.17g, want %.17g", name, i, d[i], want)
			}
		}
	}
}

// TestWarmStart follows a matrix through many small random changes, as a trainer's W^T W: each
// warm solve must agree with gonum on the new matrix, keep its vectors orthonormal (the
// re-orthonormalisation stops the drift of rounding), and give the eigenvalues of a cold solve.
// Reset makes the next solve cold, bit for bit.
func TestWarmStart(t *testing.T) {
	const n, steps = 8, 2000
	rng := rand.New(rand.NewPCG(5, 6))
	a := randomSym(rng, n)
	e := NewWarm(n)
	w, wc := make([]float64, n), make([]float64, n)
	for s := 0; s < steps; s++ {
		b := randomSym(rng, n)
		for i := range a {
			a[i] += 1e-3 * b[i]
		}
		e.Solve(w, a)
		if s%100 == 0 || s == steps-1 {
			checkValues(t, "warm", w, reference(t, a, n))
			checkVectors(t, "warm", a, w, e.Vectors(), n)
			NewWarm(n).Solve(wc, a)
			checkValues(t, "warm vs cold", w, wc)
		}
	}
	e.Reset()
	e.Solve(w, a)
	c := NewWarm(n)
	c.Solve(wc, a)
	if !slices.Equal(w, wc) || !slices.Equal(e.Vectors(), c.Vectors()) {
		t.Error("Solve after Reset differs from a fresh solver's")
	}
}

// TestSetBasis: a Solve started from a given basis (here a cold solve's eigenvectors, slightly
// rotated and scaled, so not orthonormal) gives the eigenpairs to the accuracy of any solve, and
// SetBasis copies its argument.
func TestSetBasis(t *testing.T) {
	const n = 8
	rng := rand.New(rand.NewPCG(7, 8))
	a := randomSym(rng, n)
	c := NewWarm(n)
	wc := make([]float64, n)
	c.Solve(wc, a)
	v := append([]float64(nil), c.Vectors()...)
	for i := range v {
		v[i] = v[i]*1.01 + 1e-3*rng.NormFloat64()
	}
	keep := append([]float64(nil), v...)
	e := NewWarm(n)
	e.SetBasis(v)
	w := make([]float64, n)
	e.Solve(w, a)
	checkValues(t, "set basis", w, reference(t, a, n))
	checkVectors(t, "set basis", a, w, e.Vectors(), n)
	if !slices.Equal(v, keep) {
		t.Error("SetBasis or Solve changed the caller's slice")
	}
}

// TestValuesReadsUpperTriangle: Values must not read the lower triangle.
func TestValuesReadsUpperTriangle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 6
	a := randomSym(rng, n)
	want := reference(t, a, n)
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			a[i*n+j] = math.NaN()
		}
	}
	d := make([]float64, n)
	Values(a, n, d)
	checkValues(t, "Values, NaN lower triangle", d, want)
}

func TestNoAllocs(t *testing.T) {
	const n = 10
	rng := rand.New(rand.NewPCG(9, 10))
	a := randomSym(rng, n)
	b := make([]float64, n*n)
	d := make([]float64, n)
	e := NewWarm(n)
	if got := testing.AllocsPerRun(20, func() {
		copy(b, a)
		Values(b, n, d)
		e.Solve(d, a)
	}); got != 0 {
		t.Errorf("%v allocations per call", got)
	}
}
