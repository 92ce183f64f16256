package langevin

import (
	"fmt"
	"math"
	"math/rand/v2"

	"fpsolve/symeig"
	"gonum.org/v1/gonum/mat"
)

// RBMParams describes an idealised Gaussian RBM for NewRBMMatrix: the scalar-field RBM of
// package rbmdrift trained with the exact gradient (C_model = K(W)^-1) plus Gaussian weight noise.
type RBMParams struct {
	Visible, Hidden int // N_v and N_h: W is Visible x Hidden, 1 <= Hidden <= Visible

	// TargetM2 is the target's m^2 > 0: the free field on a periodic chain of Visible sites,
	// kernel K_t = (m^2 + 2) 1 - shift - shift^T, covariance C_target = K_t^-1.
	TargetM2 float64
	// Mu2 is the RBM's mu^2; it must exceed the kappa of every learned mode.
	Mu2 float64
	// SigmaH is sigma_h > 0.
	SigmaH float64
	// NoiseVar is s_W^2 >= 0, the variance per unit t = alpha*step of the noise on each weight:
	// every step adds sqrt(alpha NoiseVar) times an independent standard normal to each W_ij.
	// The induced eigenvalue diffusion is D(x) = 2 NoiseVar x (see RBMMatrix).
	NoiseVar float64
	// InitSigma is the standard deviation of the entries of a fresh W (RBMMatrix.Init).
	InitSigma float64
}

// RBMMatrix is the idealised RBM at the weight level: its state is the weight matrix W itself
// (Visible x Hidden, row-major, W[r*Hidden + c]), and one step is the exact-gradient PCD update
// plus Gaussian noise,
//
//	W' = W + alpha sigma_h^2 (C_target - K(W)^-1) W + sqrt(alpha s_W^2) N,   K(W) = mu^2 - sigma_h^2 W W^T,
//
// with N a matrix of independent standard normals and s_W^2 = RBMParams.NoiseVar. The eigenvalues
// x_i of X = W^T W (Spectrum, Spectra) are the Coulomb gas of the learning picture.
//
// # Eigenvalue drift and noise
//
// For W = U diag(xi) V^T with U aligned to the target's eigenvectors the drift is exact and
// diagonal: xi_i' = xi_i (1 + alpha sigma_h^2 c_i), c_i = 1/kappa_i - 1/(mu^2 - sigma_h^2 x_i),
// so per unit t the drift is Drift(i, x) = 2 sigma_h^2 c_i x (see the package doc). The noise
// moves x_i, to first order, by 2 xi_i (u_i^T dW v_i) with u_i^T N v_i standard normal, so
// Var(delta x_i) = 4 x_i s_W^2 alpha: the eigenvalue diffusion is multiplicative,
//
//	D(x) = 2 s_W^2 x   (Diffusion).
//
// Second-order perturbation theory (the Wishart process of Bru) adds the mean
//
//	s_W^2 [N_v + sum_{j != i} (x_i + x_j)/(x_i - x_j)] = s_W^2 N_v + sum_{j != i} (D_i + D_j)/(2 (x_i - x_j))
//
// per unit t: a Coulomb repulsion with the mean diffusion of the two modes in place of the
// constant g^2 of model.System, plus the constant shift s_W^2 N_v.
//
// Relation to the eigenvalue picture: in the source talk's variables u = sigma_h^2 x and
// tau = 2 sigma_h^2 t the drift is model.RBM's K(u) and the noise is g^2(u) = s_W^2 u. This is not
// the constant-g^2 Coulomb gas: g^2 grows with u. Near the fixed point u_s = mu^2 - kappa it acts
// like g^2 = s_W^2 u_s, and a degenerate pair then follows the Wigner surmise with
// sigma_x^2 = s_W^2 kappa^2 / sigma_h^4 (sigma_u^2 = s_W^2 kappa^2, independent of u_s) in the
// continuum limit; a finite step multiplies sigma^2 by 1/(1 - alpha Omega/2),
// Omega = 2 sigma_h^2 (mu^2 - kappa)/kappa^2 the drift's curvature per unit t. To mimic the
// eigenvalue level's g^2 at mode i choose s_W^2 = g^2/u_s.
//
// # Ensembles
//
// RBMMatrix implements Stepper with Dim() = Visible*Hidden: Ensemble and Run hold and advance W
// per walker, bit-identically for any number of goroutines and any split of the steps, and
// Spectra turns an ensemble of W into an ensemble of spectra for ModeMoments, Pair, Pairs and
// Histogram. A step whose W' is not finite or makes K(W') not positive definite
// (sigma_h^2 x_max >= mu^2: the model distribution is improper, its drift undefined) stops the
// walker at its last good W; Ensemble.Advance then returns its "not finite" error naming the walker,
// the step and t. An RBMMatrix is immutable and safe for concurrent use; Advance does not allocate.
type RBMMatrix struct {
	p      RBMParams
	alpha  float64
	v, h   int
	a      []float64 // alpha sigma_h^2 C_target, v x v row-major
	as2    float64   // alpha sigma_h^2
	sh2    float64   // sigma_h^2
	sd     float64   // sqrt(alpha s_W^2)
	kappa  []float64 // kappa of the learned modes, in ascending order of their fixed points x
	fixed  []float64 // learned fixed points (mu^2 - kappa)/sigma_h^2, ascending
	learnW []float64 // the learned W: column c is sqrt(fixed[c]) times kappa[c]'s eigenvector
	rate   float64   // StabilityRate
}

// NewRBMMatrix returns the weight-level idealised RBM with parameters p and step alpha (time
// t = alpha*step). It returns an error naming the first bad parameter, and refuses a step that
// makes the learned state linearly unstable, alpha StabilityRate() >= StabilityLimit, naming the
// deviation that grows.
func NewRBMMatrix(p RBMParams, alpha float64) (*RBMMatrix, error) {
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 1) }
	nonneg := func(v float64) bool { return v >= 0 && !math.IsInf(v, 1) }
	switch {
	case p.Visible < 1:
		return nil, fmt.Errorf("langevin: RBM: Visible = %d, want at least 1", p.Visible)
	case p.Hidden < 1 || p.Hidden > p.Visible:
		return nil, fmt.Errorf("langevin: RBM: Hidden = %d, want 1 <= Hidden <= Visible = %d", p.Hidden, p.Visible)
	case !pos(p.TargetM2):
		return nil, fmt.Errorf("langevin: RBM: TargetM2 = %g, want a finite value > 0", p.TargetM2)
	case !pos(p.Mu2):
		return nil, fmt.Errorf("langevin: RBM: Mu2 = %g, want a finite value > 0", p.Mu2)
	case !pos(p.SigmaH):
		return nil, fmt.Errorf("langevin: RBM: SigmaH = %g, want a finite value > 0", p.SigmaH)
	case !nonneg(p.NoiseVar):
		return nil, fmt.Errorf("langevin: RBM: NoiseVar = %g, want a finite value >= 0", p.NoiseVar)
	case !nonneg(p.InitSigma):
		return nil, fmt.Errorf("langevin: RBM: InitSigma = %g, want a finite value >= 0", p.InitSigma)
	case !pos(alpha):
		return nil, fmt.Errorf("langevin: RBM: alpha = %g, want a finite value > 0", alpha)
	}
	v, h := p.Visible, p.Hidden
	// Target modes in ascending kappa: the real Fourier basis, k = 0, (cos, sin) for 0 < k < v/2,
	// and k = v/2 for even v; kappa_k = m^2 + 2 - 2 cos(2 pi k/v) increases with k there.
	kap := make([]float64, 0, v)
	vec := make([][]float64, 0, v)
	for k := 0; 2*k <= v; k++ {
		kk := p.TargetM2 + 2 - 2*math.Cos(2*math.Pi*float64(k)/float64(v))
		c, s := make([]float64, v), make([]float64, v)
		for j := range c {
			th := 2 * math.Pi * float64(k*j) / float64(v)
			c[j], s[j] = math.Cos(th), math.Sin(th)
		}
		if k == 0 || 2*k == v {
			kap, vec = append(kap, kk), append(vec, scaled(c, 1/math.Sqrt(float64(v))))
			continue
		}
		f := math.Sqrt(2 / float64(v))
		kap, vec = append(kap, kk, kk), append(vec, scaled(c, f), scaled(s, f))
	}
	m := &RBMMatrix{p: p, alpha: alpha, v: v, h: h, as2: alpha * p.SigmaH * p.SigmaH,
		sh2: p.SigmaH * p.SigmaH, sd: math.Sqrt(alpha * p.NoiseVar),
		kappa: make([]float64, h), fixed: make([]float64, h), learnW: make([]float64, v*h)}
	for c := 0; c < h; c++ {
		k := h - 1 - c // ascending x is descending kappa
		if !(p.Mu2 > kap[k]) {
			return nil, fmt.Errorf("langevin: RBM: Mu2 = %g does not exceed kappa = %g of learned mode %d: it has no positive fixed point", p.Mu2, kap[k], k)
		}
		m.kappa[c] = kap[k]
		m.fixed[c] = (p.Mu2 - kap[k]) / m.sh2
		xi := math.Sqrt(m.fixed[c])
		for r := 0; r < v; r++ {
			m.learnW[r*h+c] = xi * vec[k][r]
		}
	}
	rate, what := weightRate(kap, h, p.Mu2, m.sh2)
	m.rate = rate
	if alpha*rate >= StabilityLimit {
		return nil, fmt.Errorf("langevin: RBM: alpha * Omega = %g * %g = %g (%s) is not below the stability limit %g of one step: "+
			"the learned W is unstable and deviations grow geometrically; lower alpha below %g", alpha, rate, alpha*rate, what, float64(StabilityLimit), StabilityLimit/rate)
	}
	// C_target = K_t^-1 from the kernel itself (independent of the basis above).
	kt := mat.NewSymDense(v, nil)
	for i := 0; i < v; i++ {
		kt.SetSym(i, i, kt.At(i, i)+p.TargetM2+2)
		// shift + shift^T: -1 on each neighbour pair (one symmetric entry; for v = 2 both
		// neighbours of site 0 are site 1, -2 in all, and for v = 1 the site itself, -2).
		j := (i + 1) % v
		if i != j {
			kt.SetSym(i, j, kt.At(i, j)-1)
		} else {
			kt.SetSym(i, i, kt.At(i, i)-2)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(kt) {
		return nil, fmt.Errorf("langevin: RBM: target kernel is not positive definite (TargetM2 = %g)", p.TargetM2)
	}
	var ct mat.SymDense
	if err := ch.InverseTo(&ct); err != nil {
		return nil, fmt.Errorf("langevin: RBM: inverting the target kernel: %v", err)
	}
	m.a = make([]float64, v*v)
	for i := 0; i < v; i++ {
		for j := 0; j < v; j++ {
			m.a[i*v+j] = m.as2 * ct.At(i, j)
		}
	}
	return m, nil
}

// weightRate returns the largest decay rate per unit t of a deviation of W from the learned
// state, Omega_W, and which deviation it is; the step W' = W + alpha sigma_h^2 (C_target -
// K(W)^-1) W is linearly stable exactly when alpha Omega_W < StabilityLimit. kap are the target's
// kappas, ascending (the first h learned), u_i = mu^2 - kappa_i. Linearising the step about the
// learned W = sum_i xi_i u_i v_i^T (K^-1 perturbed by sigma_h^2 K^-1 d(W W^T) K^-1) in the basis
// of deviations u_a v_i^T gives the multipliers 1 - alpha rate with rates
//
//   - the singular value of learned mode i: 2 sigma_h^2 u_i/kappa_i^2 (twice R2's Omega, the
//     factor 2 sigma_h^2 of the package doc);
//   - the rotations mixing learned modes i != j (u_j v_i^T with u_i v_j^T): sigma_h^2
//     (u_i + u_j)/(kappa_i kappa_j), and 0 (the symmetry W -> W R);
//   - the rotations out of the learned subspace (a not learned, kappa_a >= kappa_i):
//     sigma_h^2 (1/kappa_i - 1/kappa_a).
func weightRate(kap []float64, h int, mu2, sh2 float64) (rate float64, what string) {
	for i := 0; i < h; i++ {
		for j := i; j < h; j++ {
			r := sh2 * ((mu2 - kap[i]) + (mu2 - kap[j])) / (kap[i] * kap[j])
			if r > rate {
				rate, what = r, fmt.Sprintf("learned modes of kappa %g and %g", kap[i], kap[j])
				if i == j {
					what = fmt.Sprintf("singular value of the learned mode of kappa %g", kap[i])
				}
			}
		}
		for a := h; a < len(kap); a++ {
			if r := sh2 * (1/kap[i] - 1/kap[a]); r > rate {
				rate, what = r, fmt.Sprintf("rotation of the learned mode of kappa %g towards kappa %g", kap[i], kap[a])
			}
		}
	}
	return rate, what
}

// StabilityRate returns Omega_W, the largest decay rate per unit t of a deviation of W from the
// learned state: NewRBMMatrix refuses alpha Omega_W >= StabilityLimit (see weightRate's
// derivation in the source; the singular values alone give 2 sigma_h^2 (mu^2 - kappa)/kappa^2).
func (m *RBMMatrix) StabilityRate() float64 { return m.rate }

func scaled(x []float64, f float64) []float64 {
	for i := range x {
		x[i] *= f
	}
	return x
}

// Params returns the parameters.
func (m *RBMMatrix) Params() RBMParams { return m.p }

// Alpha returns the step.
func (m *RBMMatrix) Alpha() float64 { return m.alpha }

// Dim returns Visible*Hidden, the length of a walker's state W.
func (m *RBMMatrix) Dim() int { return m.v * m.h }

// Modes returns Hidden, the number of eigenvalues of X = W^T W.
func (m *RBMMatrix) Modes() int { return m.h }

// Kappas returns the target kappa of each learned mode, in the order of Fixed (descending kappa):
// use it as the keys of Ensemble.Pairs on the ensemble from Spectra.
func (m *RBMMatrix) Kappas() []float64 { return append([]float64(nil), m.kappa...) }

// Fixed returns the learned spectrum, ascending: x_i = (mu^2 - kappa_i)/sigma_h^2 for the
// Hidden lowest target kappas. It is the stable fixed point of the noise-free step.
func (m *RBMMatrix) Fixed() []float64 { return append([]float64(nil), m.fixed...) }

// Drift returns the eigenvalue drift per unit t of learned mode i (in the order of Fixed) at x
// for aligned W: 2 sigma_h^2 (1/kappa_i - 1/(mu^2 - sigma_h^2 x)) x.
func (m *RBMMatrix) Drift(i int, x float64) float64 {
	return 2 * m.sh2 * (1/m.kappa[i] - 1/(m.p.Mu2-m.sh2*x)) * x
}

// Diffusion returns the eigenvalue diffusion D(x) = 2 s_W^2 x induced by the weight noise.
func (m *RBMMatrix) Diffusion(x float64) float64 { return 2 * m.p.NoiseVar * x }

// Init returns the paper's start: W_ij independent N(0, InitSigma^2).
func (m *RBMMatrix) Init() Init {
	n, s := m.v*m.h, m.p.InitSigma
	return func(rng *rand.Rand, _ int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = s * rng.NormFloat64()
		}
		return w
	}
}

// LearnedInit returns the learned state for every walker: W = sum_c sqrt(x_c) u_c e_c^T, with
// x_c = Fixed()[c] and u_c the target eigenvector of kappa_c (a real Fourier mode). It draws
// nothing.
func (m *RBMMatrix) LearnedInit() Init {
	return func(*rand.Rand, int) []float64 { return append([]float64(nil), m.learnW...) }
}

// Arrange checks an initial W: Visible*Hidden finite values with K(W) positive definite. It
// leaves w unchanged.
func (m *RBMMatrix) Arrange(w []float64) error {
	if len(w) != m.v*m.h {
		return fmt.Errorf("initial W has %d values, want %d x %d = %d", len(w), m.v, m.h, m.v*m.h)
	}
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("initial W[%d][%d] = %g is not finite", i/m.h, i%m.h, x)
		}
	}
	l := make([]float64, m.v*m.v+m.v)
	if !m.factor(l[:m.v*m.v], l[m.v*m.v:], w) {
		x := m.Spectrum(nil, w)
		return fmt.Errorf("initial W makes K(W) = mu^2 - sigma_h^2 W W^T improper: sigma_h^2 x_max = %g >= mu^2 = %g", m.sh2*x[len(x)-1], m.p.Mu2)
	}
	return nil
}

// WorkLen returns the length of the scratch slice that Advance needs.
func (m *RBMMatrix) WorkLen() int { return m.v*m.v + m.v + 2*m.v*m.h }

// Advance moves one walker's W (as checked by Arrange) by steps updates drawn from src, using work
// (length WorkLen()) as scratch. At the first step whose W' is not finite or makes K(W') not
// positive definite it stops, keeping the last good W, and reports NonFinite = 1 and the steps
// made. With NoiseVar = 0 it draws no random numbers.
func (m *RBMMatrix) Advance(w []float64, steps int, src *Source, work []float64) Counts {
	v, h := m.v, m.h
	if len(w) != v*h || len(work) < m.WorkLen() {
		panic("langevin: RBMMatrix.Advance: bad slice length")
	}
	l, invd := work[:v*v], work[v*v:v*v+v]
	y, wn := work[v*v+v:v*v+v+v*h], work[v*v+v+v*h:v*v+v+2*v*h]
	cur := w
	var cnt Counts
	cnt.Steps = int64(steps)
	if !m.factor(l, invd, cur) {
		cnt.NonFinite, cnt.Steps = 1, 0
		return cnt
	}
	for s := 0; s < steps; s++ {
		m.solve(y, l, invd, cur)
		for r := 0; r < v; r++ {
			row, wr, yr := wn[r*h:r*h+h], cur[r*h:r*h+h], y[r*h:r*h+h]
			for c := range row {
				row[c] = wr[c] - m.as2*yr[c]
			}
			ar := m.a[r*v : r*v+v]
			k := 0
			for ; k+1 < v; k += 2 { // two rows of W per pass: half the loads and stores of row
				a0, a1 := ar[k], ar[k+1]
				w0, w1 := cur[k*h:k*h+h], cur[k*h+h:k*h+2*h]
				w0, w1 = w0[:len(row)], w1[:len(row)]
				for c := range row {
					row[c] += a0*w0[c] + a1*w1[c]
				}
			}
			if k < v {
				ak, wk := ar[k], cur[k*h:k*h+h]
				wk = wk[:len(row)]
				for c := range row {
					row[c] += ak * wk[c]
				}
			}
			if m.sd != 0 {
				for c := range row {
					row[c] += m.sd * src.NormFloat64()
				}
			}
		}
		// The factorisation of K(W') both guards the step and serves the next one.
		if !m.factor(l, invd, wn) {
			cnt.NonFinite, cnt.Steps = 1, int64(s)
			break
		}
		cur, wn = wn, cur
	}
	if &cur[0] != &w[0] {
		copy(w, cur)
	}
	return cnt
}

// factor writes the lower Cholesky factor of K(W) = mu^2 - sigma_h^2 W W^T into l (v x v,
// row-major, lower triangle) and its inverse diagonal into invd. It reports false if K is not
// positive definite or W is not finite (a pivot that is not > 0, NaN included).
func (m *RBMMatrix) factor(l, invd, w []float64) bool {
	v, h := m.v, m.h
	for i := 0; i < v; i++ {
		wi, li := w[i*h:i*h+h], l[i*v:i*v+v]
		for j := 0; j <= i; j++ {
			wj, lj := w[j*h:j*h+h], l[j*v:j*v+j]
			wj, lij := wj[:len(wi)], li[:len(lj)]
			var d float64
			for c, x := range wi {
				d += x * wj[c]
			}
			s := -m.sh2 * d
			if i == j {
				s += m.p.Mu2
			}
			for k, x := range lj {
				s -= lij[k] * x
			}
			if i == j {
				if !(s > 0) {
					return false
				}
				li[i] = math.Sqrt(s)
				invd[i] = 1 / li[i]
			} else {
				li[j] = s * invd[j]
			}
		}
	}
	return true
}

// solve writes y = K^-1 W from the factor of K.
func (m *RBMMatrix) solve(y, l, invd, w []float64) {
	v, h := m.v, m.h
	for r := 0; r < v; r++ { // L z = W
		yr := y[r*h : r*h+h]
		copy(yr, w[r*h:r*h+h])
		for k, lrk := range l[r*v : r*v+r] {
			yk := y[k*h : k*h+h]
			yk = yk[:len(yr)]
			for c := range yr {
				yr[c] -= lrk * yk[c]
			}
		}
		for c := range yr {
			yr[c] *= invd[r]
		}
	}
	for r := v - 1; r >= 0; r-- { // L^T y = z
		yr := y[r*h : r*h+h]
		for k := r + 1; k < v; k++ {
			lkr, yk := l[k*v+r], y[k*h:k*h+h]
			yk = yk[:len(yr)]
			for c := range yr {
				yr[c] -= lkr * yk[c]
			}
		}
		for c := range yr {
			yr[c] *= invd[r]
		}
	}
}

// Spectrum writes the eigenvalues of X = W^T W, ascending, into dst (allocated if too short) and
// returns it. w is a walker's state (Visible x Hidden, row-major).
func (m *RBMMatrix) Spectrum(dst, w []float64) []float64 {
	return m.spectrum(dst, w, make([]float64, m.h*m.h))
}

func (m *RBMMatrix) spectrum(dst, w, a []float64) []float64 {
	v, h := m.v, m.h
	if len(w) != v*h {
		panic("langevin: RBMMatrix.Spectrum: W has the wrong length")
	}
	if cap(dst) < h {
		dst = make([]float64, h)
	}
	dst = dst[:h]
	for i := range a {
		a[i] = 0
	}
	for r := 0; r < v; r++ {
		wr := w[r*h : r*h+h]
		for i, x := range wr {
			for j := i; j < h; j++ {
				a[i*h+j] += x * wr[j]
			}
		}
	}
	symeig.Values(a, h, dst)
	return dst
}

// Spectra returns a snapshot of e, an ensemble of W from this stepper, as an ensemble of spectra:
// N = Hidden, X holds the ascending eigenvalues of X = W^T W of each walker, Index, Steps and
// Counts are copied. Use its statistics (ModeMoments, Pair, Pairs with Kappas, Histogram); it has
// no random streams, so advancing it does nothing. It panics if e's dimension is not Dim().
func (m *RBMMatrix) Spectra(e *Ensemble) *Ensemble {
	if e.N != m.Dim() {
		panic("langevin: RBMMatrix.Spectra: ensemble dimension is not Visible*Hidden")
	}
	nw := len(e.Index)
	out := &Ensemble{N: m.h, Index: append([]int(nil), e.Index...), X: make([]float64, nw*m.h), Steps: e.Steps, Counts: e.Counts}
	a := make([]float64, m.h*m.h)
	for w := 0; w < nw; w++ {
		m.spectrum(out.X[w*m.h:w*m.h+m.h], e.Walker(w), a)
	}
	return out
}

var _ Stepper = (*RBMMatrix)(nil)
