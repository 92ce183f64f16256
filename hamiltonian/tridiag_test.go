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

// factorRef is the first implementation of the twisted factorisation (recur and vector in one
// function, the vector's products read back from z), kept as the reference of
// TestTwistedFactorBits.
func (t *tridiag) factorRef(w *twisted, mu float64, z []float64) (neg int, gamma, ztz float64) {
	n := t.n
	a, b, pm := t.a, t.b, t.pivmin
	lp, um := w.lp, w.um
	df := a[0] - mu
	db := a[n-1] - mu
	for i := 0; i < n-1; i++ {
		if math.Abs(df) < pm {
			df = -pm
		}
		if df < 0 {
			neg++
		}
		l := b[i] / df
		lp[i] = l
		df = (a[i+1] - mu) - l*b[i]
		m := n - 1 - i
		if math.Abs(db) < pm {
			db = -pm
		}
		u := b[m-1] / db
		um[m] = u
		db = (a[m-1] - mu) - u*b[m-1]
	}
	if math.Abs(df) < pm {
		df = -pm
	}
	if df < 0 {
		neg++
	}
	r := 0
	gamma = math.Inf(1)
	for i := 0; i < n; i++ {
		g := a[i] - mu
		if i > 0 {
			g -= lp[i-1] * b[i-1]
		}
		if i < n-1 {
			g -= um[i+1] * b[i]
		}
		if math.Abs(g) < math.Abs(gamma) {
			gamma, r = g, i
		}
	}
	const tiny = 1e-200
	z[r] = 1
	ztz = 1
	i := r - 1
	for ; i >= 0; i-- {
		v := -lp[i] * z[i+1]
		if math.Abs(v) < tiny {
			break
		}
		z[i] = v
		ztz += v * v
	}
	for ; i >= 0; i-- {
		z[i] = 0
	}
	for i = r + 1; i < n; i++ {
		v := -um[i] * z[i-1]
		if math.Abs(v) < tiny {
			break
		}
		z[i] = v
		ztz += v * v
	}
	for ; i < n; i++ {
		z[i] = 0
	}
	return neg, gamma, ztz
}

// TestTwistedFactorBits: recur then vector give factorRef's count, gamma, z^T z and z bit for
// bit, and recur2 gives two recurs' multipliers and counts, on the SG rbm Hamiltonian at shifts
// below, among and above its lowest levels (including shifts equal to a diagonal entry, where
// a pivot can vanish), and on matrices of 1, 2 and 3 rows.
func TestTwistedFactorBits(t *testing.T) {
	t.Parallel()
	rbm := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}
	sg, _ := sgOperator(t, []model.Mode{rbm}, false, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 6000})
	diag, off, ok := tridiagonalOf(patternOf(sg))
	if !ok {
		t.Fatal("SG one-mode Hamiltonian not tridiagonal")
	}
	tris := []*tridiag{newTridiag(diag, off), newTridiag([]float64{2}, nil), newTridiag([]float64{2, 3}, []float64{-1}),
		newTridiag([]float64{1, 1, 1}, []float64{1, 0})}
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tr := range tris {
		n := tr.n
		shifts := []float64{tr.a[0], tr.a[n-1], -1, tr.gu, tr.gl}
		for range 12 {
			shifts = append(shifts, tr.gl+(tr.gu-tr.gl)*math.Pow(rnd.Float64(), 8))
		}
		w1, w2, wr := newTwisted(n), newTwisted(n), newTwisted(n)
		z, zr := make([]float64, n), make([]float64, n)
		for q, mu := range shifts {
			negR, gR, ztzR := tr.factorRef(wr, mu, zr)
			neg := tr.recur(w1, mu)
			g, ztz := tr.vector(w1, mu, z)
			same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
			if neg != negR || !same(g, gR) || !same(ztz, ztzR) {
				t.Fatalf("n = %d, mu = %v: (%d, %v, %v), reference (%d, %v, %v)", n, mu, neg, g, ztz, negR, gR, ztzR)
			}
			for i := range z {
				if !same(z[i], zr[i]) {
					t.Fatalf("n = %d, mu = %v: z[%d] = %v, reference %v", n, mu, i, z[i], zr[i])
				}
			}
			mu2 := shifts[(q+1)%len(shifts)]
			neg1, neg2 := tr.recur2(w1, w2, mu, mu2)
			negB := tr.recur(wr, mu2)
			if neg1 != negR || neg2 != negB {
				t.Fatalf("n = %d: recur2 counts (%d, %d), recur (%d, %d)", n, neg1, neg2, negR, negB)
			}
			tr.recur(wr, mu)
			sameMultipliers(t, w1, wr, mu)
			tr.recur(wr, mu2)
			sameMultipliers(t, w2, wr, mu2)
		}
	}
}

// sameMultipliers fails t unless w and ref hold the same multipliers bit for bit.
func sameMultipliers(t *testing.T, w, ref *twisted, mu float64) {
	t.Helper()
	for i := range w.lp {
		if math.Float64bits(w.lp[i]) != math.Float64bits(ref.lp[i]) || math.Float64bits(w.um[i]) != math.Float64bits(ref.um[i]) {
			t.Fatalf("mu = %v: recur2's multipliers differ from recur's at %d", mu, i)
		}
	}
}
