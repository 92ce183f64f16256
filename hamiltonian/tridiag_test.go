package hamiltonian

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// TestTridiagonalMethod: on one-mode Hamiltonians (FD and SG, rbm and Ornstein-Uhlenbeck) the
// tridiagonal method gives the levels of the Lanczos path, orthonormal vectors and residuals
// within the tolerance.
func TestTridiagonalMethod(t *testing.T) {
	t.Parallel()
	rbm := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}
	ou := model.Mode{Drift: model.Harmonic{Omega: 1.5, C: 0.3}, G2: 0.5}
	rbmAx := fokkerplanck.Axis{Lo: 0, Hi: 9, N: 6000}
	ouAx := fokkerplanck.Axis{Lo: 0.3 - 6, Hi: 0.3 + 6, N: 3000}
	fdR, err := FD(rbm, rbmAx)
	if err != nil {
		t.Fatal(err)
	}
	fdO, err := FD(ou, ouAx)
	if err != nil {
		t.Fatal(err)
	}
	sgR, _ := sgOperator(t, []model.Mode{rbm}, false, rbmAx)
	sgO, _ := sgOperator(t, []model.Mode{ou}, false, ouAx)
	for _, c := range []struct {
		name string
		h    *sparse.CSR
		k    int
	}{{"FD rbm", fdR, 6}, {"SG rbm", sgR, 8}, {"FD OU", fdO, 5}, {"SG OU", sgO, 12}} {
		for _, tol := range []float64{0, 1e-9 * DiagonalScale(c.h)} {
			tri := lowest(t, c.h, c.k, &Options{Tol: tol})
			lan := lowest(t, c.h, c.k, &Options{Tol: tol, Method: MethodLanczos})
			if tri.Method != MethodTridiagonal || lan.Method != MethodLanczos {
				t.Fatalf("%s: methods %v and %v", c.name, tri.Method, lan.Method)
			}
			s := DiagonalScale(c.h)
			for i := range tri.Values {
				// Both are Rayleigh quotients of vectors with residuals r <= 1e-9 s: they differ
				// by at most r^2/gap (below 1e-15 s here) plus the rounding of the quotients,
				// a few eps times the local matrix entries (~s): 1e-13 s is loose.
				if d := math.Abs(tri.Values[i] - lan.Values[i]); d > 1e-13*s {
					t.Errorf("%s tol %g: E_%d = %.15g (tridiagonal), %.15g (Lanczos)", c.name, tol, i, tri.Values[i], lan.Values[i])
				}
			}
			var g mat.Dense
			g.Mul(tri.Vectors.T(), tri.Vectors)
			for i := 0; i < c.k; i++ {
				for j := 0; j < c.k; j++ {
					w := 0.0
					if i == j {
						w = 1
					}
					// Orthonormalised by Cholesky QR twice: rounding.
					if math.Abs(g.At(i, j)-w) > 1e-12 {
						t.Errorf("%s: <psi_%d, psi_%d> = %g", c.name, i, j, g.At(i, j))
					}
				}
			}
		}
	}
}

// TestTridiagonalFallback: exactly degenerate levels (two equal decoupled blocks) and a pair
// closer than the method separates make Lowest fall back to Lanczos, with the right levels;
// MethodTridiagonal refuses a matrix that is not tridiagonal.
func TestTridiagonalFallback(t *testing.T) {
	t.Parallel()
	m := 50
	d := mat.NewSymDense(2*m, nil)
	for b := 0; b < 2; b++ {
		for i := 0; i < m; i++ {
			d.SetSym(b*m+i, b*m+i, 2)
			if i+1 < m {
				d.SetSym(b*m+i, b*m+i+1, -1)
			}
		}
	}
	r := lowest(t, toCSR(d), 6, nil)
	if r.Method != MethodLanczos {
		t.Errorf("degenerate levels: method %v, want the Lanczos fallback", r.Method)
	}
	for i := 0; i < 6; i++ {
		j := i/2 + 1
		want := 2 - 2*math.Cos(float64(j)*math.Pi/float64(m+1))
		// Residuals <= the default tolerance ~1e-13 s, gaps ~0.01: rounding.
		if math.Abs(r.Values[i]-want) > 1e-10 {
			t.Errorf("E_%d = %.12g, want %.12g", i, r.Values[i], want)
		}
	}
	// A pair 1e-13 apart (relative to the scale 2): blocks coupled by a tiny entry.
	d.SetSym(m-1, m, 1e-13)
	r = lowest(t, toCSR(d), 4, nil)
	if r.Method != MethodLanczos {
		t.Errorf("near-degenerate pair: method %v, want the Lanczos fallback", r.Method)
	}
	rnd := rand.New(rand.NewPCG(7, 8))
	h, _ := randomSym(rnd, 40, 0.2)
	if _, err := Lowest(h, 3, &Options{Method: MethodTridiagonal}); err == nil {
		t.Error("MethodTridiagonal on a matrix that is not tridiagonal: no error")
	}
}
