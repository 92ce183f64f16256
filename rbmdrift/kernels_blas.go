package rbmdrift

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// Large-N kernels. From blasMin units on (Config.kernels = 4) the trainer advances all Batch
// chains at once as matrix-matrix products and computes T, C_model, G W and the powers of T by
// gemm (kernels_gemm.go: an AVX2/FMA micro-kernel, gonum's Dgemm without it), the Cholesky
// factors and triangular solves by gonum's LAPACK and BLAS (Dpotrf, Dtrsm), and the exact
// spectrum by symEigen (tridiag.go, householder.go); below it the hand-written loops of linalg.go and rbm.go run, whose call overhead is lower at the
// paper's N = 10. The batched arithmetic sums in a different order and draws the chains'
// normal deviates in a different order (all chains' deviates of one half-step in a row), so
// runs on it differ from the loops' runs in the last bits and in the realisation: they are
// tagged by "Kernels": 4 in the JSON form (Config.MarshalJSON). They still depend only on
// (cfg, r) on one machine: gonum's native BLAS is used directly (not blas64's swappable
// implementation), its results do not depend on the number of goroutines it may use, gemm's
// choice of kernel depends on the CPU alone, and nothing else is shared.

// blasMin is the least max(Visible, Hidden) that runs on the large-N kernels. Measured per
// update with the micro-kernel on a shared two-core machine (noisy figures, median of 5 side by
// side, |B| = 16, k = 3), batched against the loops: at N = 10 the direct sampler 4.8 us against
// 4.3 (the loops win; the paper's N = 10 runs stay on them in any case) and the Gibbs sampler
// 7.5 against 11.3; at N = 12 6.9 against 5.7 and 11.2 against 15.0; at N = 16 5.0 against 10.7
// and 9.4 against 25.9; at N = 24 11.9 against 31.2 and 28.0 against 84.3. One threshold serves
// both samplers, so that the JSON marker depends on the size alone.
const blasMin = 16

// Kernel generations of Config.kernels (the "Kernels" key of the JSON form).
const (
	kernelsLoops = 1 // the hand-written loops (never written to the JSON form)
	kernelsBLAS  = 2 // the batched BLAS kernels with Dsyev's exact spectra (no longer made)
	kernelsQL    = 3 // symEigen on gonum's Dsytrd and Dorgtr (no longer made)
	// kernelsHouse: symEigen on tridiagonalise and accumulateQT, and the measured step's
	// spectra by the exact solve (the perturbative update was slower there).
	kernelsHouse = 4
)

// kernels returns the kernel generation that a trainer of c runs on.
func (c Config) kernels() int {
	if max(c.Visible, c.Hidden) >= blasMin {
		return kernelsHouse
	}
	return kernelsLoops
}

var (
	bl blas.Float64 = gonum.Implementation{}
	lp              = lapackgonum.Implementation{}
)

// useBLAS puts the trainer on the large-N kernels: their scratch space and L_t^T.
func (t *Trainer) useBLAS() {
	nv, nh, nb := t.nv, t.nh, t.nb
	t.big = true
	t.hb, t.pn, t.zb = make([]float64, nb*nh), make([]float64, nb*nv), make([]float64, nb*nv)
	t.phit, t.ltT = make([]float64, nv*nb), make([]float64, nv*nv)
	for i := 0; i < nv; i++ {
		for j := 0; j <= i; j++ {
			t.ltT[j*nv+i] = t.lt[i*nv+j]
		}
	}
	t.prepValid = false
}

// mirrorUpper copies the upper triangle of the n x n row-major matrix a to its lower triangle.
// With AVX2 the 4 x 4 blocks above the diagonal blocks go through trans4strip, the diagonal
// blocks and the remaining rows and columns through loops.
func mirrorUpper(a []float64, n int) {
	if len(a) < n*n {
		panic("rbmdrift: mirrorUpper slice too short")
	}
	n4 := 0
	if fmaKernel && n >= 8 {
		n4 = n &^ 3
		for i := 0; i+4 < n4; i += 4 {
			trans4strip((n4-i-4)/4, &a[(i+4)*n+i], n, &a[i*n+i+4], n)
		}
		for i := 0; i < n4; i++ { // within the diagonal blocks
			for j := i + 1; j <= i|3; j++ {
				a[j*n+i] = a[i*n+j]
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := max(i+1, n4); j < n; j++ {
			a[j*n+i] = a[i*n+j]
		}
	}
}

// gramColsBLAS sets c = a^T a (m x m) for the r x m matrix a by gemm of a's transpose (into
// the scratch at, m x r) and a: the upper triangle by gemmTri, mirrored (the same bits as the
// full gemm, which is exactly symmetric for such a product).
func gramColsBLAS(c, a, at []float64, r, m int) {
	transpose(at, a, r, m)
	gemmTri(c, at, a, m, r, 1, 0, false)
	mirrorUpper(c, m)
}

// prepareBLAS is computePrepare on the large-N kernels: T = (sigma_h^2/mu^2) W W^T by gemm
// (both triangles), the Cholesky factor of 1 - T by Dpotrf into the lower triangle of t.ch.
func (t *Trainer) prepareBLAS() bool {
	t.formT()
	return t.factorT()
}

// formT sets t.wt = W^T and t.t = T (both triangles), prepareBLAS's first half.
func (t *Trainer) formT() {
	nv := t.nv
	transpose(t.wt, t.w, nv, t.nh)
	gemmTri(t.t, t.w, t.wt, nv, t.nh, t.s2/t.mu2, 0, false)
	mirrorUpper(t.t, nv)
}

// factorT sets t.ch to the Cholesky factor of 1 - T from t.t, prepareBLAS's second half.
func (t *Trainer) factorT() bool {
	nv := t.nv
	// ch = 1 - T in one pass, noting any NaN on the way.
	ch := t.ch[:len(t.t)]
	nan := false
	for i, v := range t.t {
		ch[i] = -v
		nan = nan || v != v
	}
	for i := 0; i < nv; i++ {
		ch[i*nv+i] += 1
	}
	if nan {
		return false
	}
	return lp.Dpotrf(blas.Lower, nv, t.ch, nv)
}

// stepBLAS is the update of Step on the large-N kernels (after prepare): the chains, then
// G = C_data - C_model into t.g and W <- W + alpha sigma_h^2 G W, all by gemm.
func (t *Trainer) stepBLAS() {
	nv, nh, nb := t.nv, t.nh, t.nb
	if t.gibbs {
		t.gibbsBLAS()
	} else {
		t.directBLAS()
	}
	g := t.g
	inv := 1 / float64(nb)
	if t.samples {
		// Batch target samples x_b = L z_b as the rows of X = Z L^T, C_data = X^T X / Batch.
		z, x := t.zb, t.pn
		t.rng.FillNormal(z, 1)
		gemm(x, z, t.ltT, nb, nv, nv, 1, 0)
		transpose(t.phit, x, nb, nv)
		gemmTri(g, t.phit, x, nv, nb, inv, 0, false)
	} else {
		copy(g, t.ct)
	}
	transpose(t.phit, t.phi, nb, nv)
	gemmTri(g, t.phit, t.phi, nv, nb, -inv, 1, false)
	mirrorUpper(g, nv)
	copy(t.gw, t.w)
	gemm(t.gw, g, t.w, nv, nv, nh, t.cfg.Alpha*t.s2, 1)
	t.w, t.gw = t.gw, t.w
}

// gibbsBLAS is gibbsChains for all chains at once, the Batch chains the rows of Phi:
// H = sigma_h^2 Phi W + sigma_h Z_h, Phi = H W^T / mu^2 + Z_phi / mu, k times. The deviates of
// each half-step are drawn for all chains in a row (row-major Z). Requires prepare.
func (t *Trainer) gibbsBLAS() {
	nv, nh, nb := t.nv, t.nh, t.nb
	sh := math.Sqrt(t.s2)
	im := 1 / t.mu2
	sm := math.Sqrt(im)
	h, phi := t.hb, t.phi // t.wt = W^T from prepare (W has not changed since)
	for s := 0; s < t.k; s++ {
		t.rng.FillNormal(h, sh)
		gemm(h, phi, t.w, nb, nv, nh, t.s2, 1)
		t.rng.FillNormal(phi, sm)
		gemm(phi, h, t.wt, nb, nh, nv, im, 1)
	}
}

// directBLAS is directChains for all chains at once: A = T^k and Sigma_k = (P + P T^k)/mu^2 by
// gemm (the powers of T made exactly symmetric from their upper triangle), L L^T = Sigma_k by
// Dpotrf from the lower triangle, then Phi <- Phi A + Z L^T (A symmetric) by gemm, with the
// deviates Z drawn row by row (chain by chain).
func (t *Trainer) directBLAS() {
	nv, nb, k := t.nv, t.nb, t.k
	q := t.q
	for i := range q {
		q[i] = 0
	}
	for i := 0; i < nv; i++ {
		q[i*nv+i] = 1
	}
	copy(t.a, t.t)
	for j := 1; j < k; j++ {
		for i, v := range t.a {
			q[i] += v
		}
		gemmTri(t.tmp, t.a, t.t, nv, nv, 1, 0, false)
		mirrorUpper(t.tmp, nv)
		t.a, t.tmp = t.tmp, t.a
	}
	// q = P = sum_{j<k} T^j; sig = (P + P T^k)/mu^2.
	im := 1 / t.mu2
	for i, v := range q {
		t.sig[i] = im * v
	}
	gemmTri(t.sig, q, t.a, nv, nv, im, 1, true) // Dpotrf and L^T below read the lower triangle only
	if !lp.Dpotrf(blas.Lower, nv, t.sig, nv) {
		// Sigma_k >= 1/mu^2 whenever T is positive semi-definite, which prepare guarantees.
		panic("rbmdrift: k-step noise covariance is not positive definite")
	}
	z, x := t.zb, t.pn
	t.rng.FillNormal(z, 1)
	// tmp = L^T (zero below the diagonal), x = Z L^T + Phi A.
	lt := t.tmp
	transpose(lt, t.sig, nv, nv)
	for i := 1; i < nv; i++ {
		clear(lt[i*nv : i*nv+i])
	}
	gemm(x, z, lt, nb, nv, nv, 1, 0)
	gemm(x, t.phi, t.a, nb, nv, nv, 1, 1)
	copy(t.phi, x) // not a swap: Chains shares t.phi
}

// expectedDriftBLAS is expectedDriftU on the large-N kernels: z = C_t u by gemm, y = L^-1 u by
// Dtrsm with the Cholesky factor of 1 - T (prepare), then the column sums.
func (t *Trainer) expectedDriftBLAS(dst, u []float64) {
	nv, nh := t.nv, t.nh
	z, y := t.pert.z, t.pert.y
	gemm(z, t.ct, u, nv, nv, nh, 1, 0)
	copy(y, u)
	bl.Dtrsm(blas.Left, blas.Lower, blas.NoTrans, blas.NonUnit, nv, nh, 1, t.ch, nv, y, nh)
	for m := 0; m < nh; m++ {
		dst[m] = 0
	}
	// Row by row (contiguous), each column's sums kept apart in dst and the scratch col.
	qk := t.pert.col
	for m := range qk {
		qk[m] = 0
	}
	for i := 0; i < nv; i++ {
		ui, zi, yi := u[i*nh:i*nh+nh], z[i*nh:i*nh+nh], y[i*nh:i*nh+nh]
		for m := range ui {
			dst[m] += ui[m] * zi[m]
			qk[m] += yi[m] * yi[m]
		}
	}
	for m := range dst[:nh] {
		dst[m] = 2 * t.s2 * (dst[m] - qk[m]/t.mu2)
	}
}
