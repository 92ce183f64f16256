package rbmdrift

import (
	"math"

	"gonum.org/v1/gonum/blas"
)

// The propriety bound of the large-N Gibbs trainer with exact data.
//
// Every update needs the model to be proper, lambda_max(T) < 1 for T = (sigma_h^2/mu^2) W W^T,
// which prepare decides by a Cholesky factorisation of 1 - T after forming T: at N = 64 about
// 13 us of a 55 us Gibbs update, where nothing else needs T or the factor (the chains use W and
// W^T, and the factor is needed only at measured steps, which call prepare themselves). The
// bound replaces that test by a certificate carried from update to update:
//
//   - An update is W' = (1 + eps G) W with eps = alpha sigma_h^2 and G = C_t - S, S = Phi^T Phi
//     / |B| positive semi-definite, so lambda_max(T') <= ||1 + eps G||_2^2 lambda_max(T). The
//     eigenvalues of G lie in [-trace S, lambda_max(C_t)], so while eps trace S <= 2 (checked at
//     every update: about 1.1 in a trained N = 64 run),
//     ||1 + eps G||_2 <= 1 + eps lambda_max(C_t), and the bound grows by the fixed factor
//     boundGrowth = (1 + eps c_max)^2 per update (1.05 at alpha = 0.1, C_t's c_max = 1/4).
//   - A certificate is made afresh (refreshBound: T, a few warm power iterations for an estimate
//     rho <= lambda_max(T), and a Cholesky factorisation of theta - T at theta = (1 + 5%) rho,
//     whose success proves lambda_max(T) < theta) whenever the carried one has reached
//     boundMax. With lambda_max(T) about 0.7 that is every 6 or 7 updates.
//
// c_max, the bound on lambda_max(C_t), is certified once in the same way (initBound). The
// bounds allow generously for rounding (boundSlack, and boundMax = 1 - 1e-6 leaves far more than
// the rounding of prepare's own test), so an update proceeds exactly where prepare's test
// would let it and the runs are the same to the bit; prepare still decides every update that
// the bound does not certify (and gives its error).
const (
	boundMax    = 1 - 1e-6 // the largest carried bound that certifies propriety
	boundMargin = 0.05     // theta = (1 + boundMargin) rho
	boundSlack  = 1e-9     // relative slack for rounding, per certificate and per update
	boundPower  = 8        // power iterations per certificate (warm-started)
	boundTrace  = 1.999    // the largest eps trace S that carries the bound
)

// propBound is the state of the propriety bound (on the large-N kernels, Gibbs sampler, exact
// data; off otherwise).
type propBound struct {
	on     bool
	growth float64 // boundGrowth: (1 + eps c_max)^2 (1 + boundSlack)
	bound  float64 // certified upper bound of lambda_max(T) at the current W; 0: none
	carry  bool    // the last update kept eps trace S <= boundTrace (a new bound would carry)
	v, tv  []float64
	ch     []float64 // N_v x N_v scratch of the certificate's factorisation
	// certified and refreshed count the updates that the bound certified, and those of them
	// that made a new certificate.
	certified, refreshed int
}

// initBound switches the bound on where it applies, certifying c_max for C_t = t.ct.
func (t *Trainer) initBound() {
	if !t.big || !t.gibbs || t.samples {
		return
	}
	nv := t.nv
	b := &t.pb
	b.v, b.tv, b.ch = make([]float64, nv), make([]float64, nv), make([]float64, nv*nv)
	for i := range b.v {
		b.v[i] = 1 / math.Sqrt(float64(nv))
	}
	cmax, ok := b.certify(t.ct, nv, 50, 1e-3) // C_t's top eigenvector converges fast
	if !ok {
		return
	}
	eps := t.cfg.Alpha * t.s2
	b.growth = (1 + eps*cmax) * (1 + eps*cmax) * (1 + boundSlack)
	b.on = true
	b.carry = false
}

// certify returns theta > lambda_max(a) for the symmetric positive semi-definite n x n matrix a
// (both triangles) and true, from iters power iterations warm-started at b.v (rho = ||a v|| for
// the last unit iterate v, at most lambda_max(a)), theta = (1 + margin) rho, and a Cholesky
// factorisation of theta - a; false if the factorisation fails (the estimate was too low) or a
// value is not finite.
func (b *propBound) certify(a []float64, n, iters int, margin float64) (float64, bool) {
	v, tv := b.v, b.tv
	var rho float64
	for it := 0; it < iters; it++ {
		bl.Dgemv(blas.NoTrans, n, n, 1, a, n, v, 1, 0, tv, 1)
		rho = bl.Dnrm2(n, tv, 1) // ||a v|| <= lambda_max(a) for a unit v
		if !(rho > 0) || math.IsInf(rho, 0) {
			return 0, false
		}
		for i := range v {
			v[i] = tv[i] / rho
		}
	}
	theta := rho * (1 + margin)
	ch := b.ch[:n*n]
	for i, x := range a[:n*n] {
		ch[i] = -x
	}
	for i := 0; i < n; i++ {
		ch[i*n+i] += theta
	}
	if !lp.Dpotrf(blas.Lower, n, ch, n) {
		return 0, false
	}
	return theta * (1 + boundSlack), true
}

// boundProper reports that the current W is proper by the carried bound, or by a new
// certificate made when the carried one has run out (and the next updates can carry it); it
// leaves W^T in t.wt, as prepare does. False means that prepare must decide (where a new
// certificate failed, prepare's decision has been made from its T: prepValid is then set).
func (t *Trainer) boundProper() bool {
	b := &t.pb
	if !b.on {
		return false
	}
	if b.bound > 0 && b.bound < boundMax {
		transpose(t.wt, t.w, t.nv, t.nh)
		b.certified++
		return true
	}
	if !b.carry {
		return false
	}
	t.formT()
	theta, ok := b.certify(t.t, t.nv, boundPower, boundMargin)
	if !ok || !(theta < boundMax) {
		// prepare's decision, from the T just formed.
		b.bound = 0
		t.prepOK, t.prepValid = t.factorT(), true
		return false
	}
	b.bound = theta
	b.certified++
	b.refreshed++
	return true
}

// advanceBound carries the bound over the update just made (chains t.phi, W <- (1 + eps G) W),
// or drops it when eps trace S exceeds boundTrace or is not finite.
func (t *Trainer) advanceBound() {
	b := &t.pb
	if !b.on {
		return
	}
	var tr float64
	for _, x := range t.phi {
		tr += x * x
	}
	eps := t.cfg.Alpha * t.s2
	b.carry = eps*tr/float64(t.nb) <= boundTrace
	if b.carry && b.bound > 0 {
		b.bound *= b.growth
	} else {
		b.bound = 0
	}
}
