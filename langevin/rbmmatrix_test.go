package langevin

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"fpsolve/rmt"
	"gonum.org/v1/gonum/mat"
)

// freeFieldTarget returns the kappas (ascending) and eigenvectors (columns, same order) of the
// periodic free-field kernel (m^2 + 2) 1 - shift - shift^T, found by gonum's dense EigenSym:
// independent of the Fourier basis that RBMMatrix uses.
func freeFieldTarget(t *testing.T, v int, m2 float64) ([]float64, *mat.Dense) {
	t.Helper()
	k := mat.NewDense(v, v, nil)
	for i := 0; i < v; i++ {
		j := (i + 1) % v
		k.Set(i, i, k.At(i, i)+m2+2)
		k.Set(i, j, k.At(i, j)-1) // shift
		k.Set(j, i, k.At(j, i)-1) // shift^T
	}
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(v, k.RawMatrix().Data), true) {
		t.Fatal("EigenSym failed")
	}
	var u mat.Dense
	es.VectorsTo(&u)
	return es.Values(nil), &u
}

// alignedW returns W = U_H diag(sqrt(x)) R^T (row-major, v x h) with U_H the first h target
// eigenvectors and R a random orthogonal h x h matrix: left singular vectors aligned to the target.
func alignedW(t *testing.T, v, h int, m2 float64, x []float64, seed uint64) []float64 {
	_, u := freeFieldTarget(t, v, m2)
	rng := rand.New(rand.NewPCG(seed, 1))
	g := mat.NewDense(h, h, nil)
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	us := mat.DenseCopyOf(u.Slice(0, v, 0, h))
	for c := 0; c < h; c++ {
		for r := 0; r < v; r++ {
			us.Set(r, c, us.At(r, c)*math.Sqrt(x[c]))
		}
	}
	var w mat.Dense
	w.Mul(us, q.T())
	return append([]float64(nil), w.RawMatrix().Data...)
}

// fixedW returns an Init that starts every walker at w.
func fixedW(w []float64) Init {
	return func(*rand.Rand, int) []float64 { return append([]float64(nil), w...) }
}

func TestRBMMatrixLearnsTargetSpectrum(t *testing.T) {
	t.Parallel()
	// Deterministic learning (NoiseVar = 0) from a small random W: the spectrum of W^T W must
	// reach x_i = (mu^2 - kappa_i)/sigma_h^2 for the Hidden lowest kappa_k = m^2 + 2 - 2cos(2 pi k/N_v).
	// The fixed point of the discrete map is exact (G W = 0), so only the remaining distance
	// exp(-alpha Omega_min steps) and rounding are left: tolerance 1e-9 relative.
	cases := []struct {
		name  string
		p     RBMParams
		alpha float64
		steps int
	}{
		{"paper 10x10", RBMParams{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1}, 0.5, 4000},
		{"4x3", RBMParams{Visible: 4, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1, InitSigma: 0.1}, 0.05, 2000},
		{"6x4 sigma_h 1.5", RBMParams{Visible: 6, Hidden: 4, TargetM2: 2, Mu2: 10, SigmaH: 1.5, InitSigma: 0.1}, 0.05, 3000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := NewRBMMatrix(tc.p, tc.alpha)
			if err != nil {
				t.Fatal(err)
			}
			e, err := Run(st, 1, tc.steps, 3, st.Init(), 1)
			if err != nil {
				t.Fatal(err)
			}
			got := st.Spectrum(nil, e.Walker(0))
			kap := make([]float64, tc.p.Visible)
			for k := range kap {
				kap[k] = tc.p.TargetM2 + 2 - 2*math.Cos(2*math.Pi*float64(k)/float64(tc.p.Visible))
			}
			sort.Float64s(kap)
			want := make([]float64, tc.p.Hidden)
			for i := range want {
				want[i] = (tc.p.Mu2 - kap[i]) / (tc.p.SigmaH * tc.p.SigmaH)
			}
			sort.Float64s(want)
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-9*want[i] {
					t.Errorf("x_%d = %.15g, want %.15g", i, got[i], want[i])
				}
			}
		})
	}
}

func TestRBMMatrixOneStepDrift(t *testing.T) {
	t.Parallel()
	// For aligned W the noise-free step is exact in the singular values:
	// x' = x (1 + alpha sigma_h^2 c)^2, c = 1/kappa - 1/(mu^2 - sigma_h^2 x), so
	// (x' - x)/alpha = 2 sigma_h^2 c x + alpha sigma_h^4 c^2 x. Checked to 1e-10 relative
	// (rounding of W, W^T W and the Jacobi eigenvalues is ~1e-15), and the first-order drift is
	// approached at O(alpha): the residual divided by alpha is sigma_h^4 c^2 x.
	p := RBMParams{Visible: 4, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1.3}
	kap, _ := freeFieldTarget(t, p.Visible, p.TargetM2) // 1, 3, 3, 5
	x := []float64{1, 2.5, 4}                           // paired with kappa 1, 3, 3
	w := alignedW(t, p.Visible, p.Hidden, p.TargetM2, x, 11)
	sh2 := p.SigmaH * p.SigmaH
	for _, alpha := range []float64{1e-2, 1e-3, 1e-4} {
		st, err := NewRBMMatrix(p, alpha)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Run(st, 1, 1, 1, fixedW(w), 1)
		if err != nil {
			t.Fatal(err)
		}
		got := st.Spectrum(nil, e.Walker(0))
		exact := make([]float64, 3)
		b := make([]float64, 3)
		res := make([]float64, 3)
		for i := range x {
			c := 1/kap[i] - 1/(p.Mu2-sh2*x[i])
			f := 1 + alpha*sh2*c
			exact[i] = x[i] * f * f
			b[i] = 2 * sh2 * c * x[i]
			res[i] = sh2 * sh2 * c * c * x[i]
		}
		order := []int{0, 1, 2}
		sort.Slice(order, func(a, c int) bool { return exact[order[a]] < exact[order[c]] })
		for k, i := range order {
			if math.Abs(got[k]-exact[i]) > 1e-10*exact[i] {
				t.Errorf("alpha %g: x'_%d = %.15g, exact map %.15g", alpha, i, got[k], exact[i])
			}
			// Residual of the first-order drift over alpha: sigma_h^4 c^2 x, to 1e-10/alpha^2
			// relative from the rounding of x' - x (x ~ 1, difference ~ alpha).
			r := ((got[k]-x[i])/alpha - b[i]) / alpha
			if math.Abs(r-res[i]) > 1e-3*math.Abs(res[i])+2e-14/(alpha*alpha) {
				t.Errorf("alpha %g: mode %d: ((x'-x)/alpha - K)/alpha = %g, want sigma_h^4 c^2 x = %g", alpha, i, r, res[i])
			}
		}
	}
}

func TestRBMMatrixOneStepNoise(t *testing.T) {
	t.Parallel()
	// One noisy step from a fixed aligned W with well-separated x. With eps^2 = alpha s_W^2 and
	// x_d the noise-free image (exact map above), perturbation theory gives
	//   Var(delta x_i) = 4 x_d,i eps^2 + O(eps^4)                          (induced diffusion)
	//   <delta x_i> = x_d,i - x_i + eps^2 [N_v + sum_j (x_i + x_j)/(x_i - x_j)] + O(eps^4)  (Bru)
	const n = 100000
	p := RBMParams{Visible: 4, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1}
	kap, _ := freeFieldTarget(t, p.Visible, p.TargetM2)
	x := []float64{1, 2.5, 4}
	w := alignedW(t, p.Visible, p.Hidden, p.TargetM2, x, 5)
	const alpha = 0.01
	xd := make([]float64, 3)
	for i := range x {
		f := 1 + alpha*(1/kap[i]-1/(p.Mu2-x[i]))
		xd[i] = x[i] * f * f // ascending like x
	}
	for _, s2 := range []float64{0.01, 0.25} {
		p.NoiseVar = s2
		st, err := NewRBMMatrix(p, alpha)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Run(st, n, 1, 17, fixedW(w), 0)
		if err != nil {
			t.Fatal(err)
		}
		sp := st.Spectra(e)
		eps2 := alpha * s2
		for i := range x {
			m := sp.ModeMoments(i)
			wantVar := 4 * xd[i] * eps2
			// Statistical: relative error sqrt(2/n) = 0.45% of the variance, 5 sigma; checked at
			// eps^2 = 1e-4 where the O(eps^4) correction, ~eps^2 x/gap^2 relative, is below 1e-3.
			tolVar := 5*math.Sqrt(2.0/n)*wantVar + 1e-3*wantVar
			if s2 == 0.01 && math.Abs(m.Var-wantVar) > tolVar {
				t.Errorf("s2 %g: Var(delta x_%d) = %g, want 4 x s^2 alpha = %g (tol %g)", s2, i, m.Var, wantVar, tolVar)
			}
			bru := float64(p.Visible)
			for j := range x {
				if j != i {
					bru += (xd[i] + xd[j]) / (xd[i] - xd[j])
				}
			}
			wantMean := xd[i] - x[i] + eps2*bru
			// Statistical: 5 standard errors sqrt(Var/n); O(eps^4) ~ 1e-5 at eps^2 = 2.5e-3.
			tolMean := 5*math.Sqrt(wantVar/n) + 1e-5
			if math.Abs(m.Mean-x[i]-wantMean) > tolMean {
				t.Errorf("s2 %g: <delta x_%d> = %g, want %g (drift %g + Bru %g), tol %g", s2, i, m.Mean-x[i], wantMean, xd[i]-x[i], eps2*bru, tolMean)
			}
			t.Logf("s2 %g mode %d: Var/want = %.4f, (mean - want)/tol = %.2f, Bru term %.3g", s2, i, m.Var/wantVar, (m.Mean-x[i]-wantMean)/tolMean, eps2*bru)
		}
	}
}

func TestRBMMatrixStationaryPair(t *testing.T) {
	t.Parallel()
	// N_v = N_h = 3, m^2 = 1, mu^2 = 9: kappa = 1, 4, 4, learned x = 8, 5, 5. At small noise the
	// degenerate pair is a Coulomb gas with g^2 = D(x_s) = 2 s^2 x_s and curvature
	// Omega = 2 sigma_h^4 x_s/kappa^2, so sigma^2 = s^2 kappa^2/sigma_h^4, times
	// 1/(1 - alpha Omega/2) at finite step. Its spacing follows the Wigner surmise and the pooled
	// pair has Binder -4/27. Start at the learned W (spacing 0); t = 8 is 2 Omega t = 10 gap
	// relaxation times.
	nw, steps := 8000, 400
	if !testing.Short() {
		nw = 40000
	}
	p := RBMParams{Visible: 3, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1, NoiseVar: 1e-4}
	const alpha = 0.02
	st, err := NewRBMMatrix(p, alpha)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Run(st, nw, steps, 2024, st.LearnedInit(), 0)
	if err != nil {
		t.Fatal(err)
	}
	sp := st.Spectra(e)
	pairs := sp.Pairs(st.Kappas())
	if len(pairs) != 1 || pairs[0].Modes != [2]int{0, 1} {
		t.Fatalf("pairs %v, want modes 0 and 1", pairs)
	}
	kappa, xs := 4.0, 5.0
	omega := 2 * xs / (kappa * kappa)
	sigma := math.Sqrt(p.NoiseVar * kappa * kappa / (1 - alpha*omega/2))
	S := make([]float64, nw)
	pooled := make([]float64, 0, 2*nw)
	for w := range S {
		x := sp.Walker(w)
		S[w] = x[1] - x[0]
		pooled = append(pooled, x[0], x[1])
	}
	meanS := pairs[0].MeanSpacing
	// <S> = sqrt(pi) sigma: statistical error sd(S)/sqrt(n) = 0.52 <S>/sqrt(n) (Wigner), 4 sigma,
	// plus 1% for the O(sigma/x_s) = 0.8% nonlinearity of drift and diffusion across the pair.
	if tol := 4*0.523/math.Sqrt(float64(nw)) + 0.01; math.Abs(meanS/(math.Sqrt(math.Pi)*sigma)-1) > tol {
		t.Errorf("<S> = %g, want sqrt(pi) sigma = %g (sigma^2 = s^2 kappa^2/(1 - alpha Omega/2)), rel tol %g", meanS, math.Sqrt(math.Pi)*sigma, tol)
	}
	// Shape: KS against the Wigner surmise with sigma from <S>. The fitted scale makes the
	// Kolmogorov p-value conservative; require p > 0.01.
	sfit := meanS / math.Sqrt(math.Pi)
	d := rmt.KSDistance(S, func(s float64) float64 { return rmt.WignerCDF(s, sfit) })
	if pv := rmt.KSPValue(d, float64(nw)); pv < 0.01 {
		t.Errorf("spacing vs Wigner surmise: KS D = %g, p = %g < 0.01 (n = %d)", d, pv, nw)
	}
	// Binder of the pooled pair: -4/27 within 4 jackknife errors (40 blocks of whole walkers)
	// plus 0.01 for the O(sigma/x_s) skewness of the drift.
	b, be := rmt.Jackknife(pooled, 40, rmt.Binder)
	if math.Abs(b-rmt.TwoModeBinder) > 4*be+0.01 {
		t.Errorf("pooled Binder = %g +- %g, want -4/27 = %g", b, be, rmt.TwoModeBinder)
	}
	t.Logf("n %d: <S>/(sqrt(pi) sigma) = %.4f, KS D = %.4f, Binder %.4f +- %.4f", nw, meanS/(math.Sqrt(math.Pi)*sigma), d, b, be)
}

func TestRBMMatrixReproducible(t *testing.T) {
	t.Parallel()
	// Bit-identical walkers for 1 and 2 goroutines and for 50 steps in one call or as 20 + 30.
	p := RBMParams{Visible: 5, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1, NoiseVar: 0.01, InitSigma: 0.1}
	st, err := NewRBMMatrix(p, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	e1, err := Run(st, 7, 50, 9, st.Init(), 1)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := Run(st, 7, 50, 9, st.Init(), 2)
	if err != nil {
		t.Fatal(err)
	}
	e3, err := NewEnsemble(st, Walkers(7), 9, st.Init())
	if err != nil {
		t.Fatal(err)
	}
	if err := e3.Advance(st, 20, 2); err != nil {
		t.Fatal(err)
	}
	if err := e3.Advance(st, 30, 1); err != nil {
		t.Fatal(err)
	}
	for i := range e1.X {
		if e1.X[i] != e2.X[i] || e1.X[i] != e3.X[i] {
			t.Fatalf("W entry %d: %v (1 goroutine), %v (2), %v (20 + 30 steps)", i, e1.X[i], e2.X[i], e3.X[i])
		}
	}
	if e1.Steps != 50 || e1.Counts.Steps != 7*50 {
		t.Errorf("Steps %d, Counts.Steps %d, want 50 and 350", e1.Steps, e1.Counts.Steps)
	}
}

func TestRBMMatrixErrors(t *testing.T) {
	t.Parallel()
	good := RBMParams{Visible: 4, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1, NoiseVar: 0.01, InitSigma: 0.1}
	bad := []struct {
		name  string
		edit  func(*RBMParams)
		alpha float64
		want  string
	}{
		{"visible", func(p *RBMParams) { p.Visible = 0 }, 0.1, "Visible"},
		{"hidden > visible", func(p *RBMParams) { p.Hidden = 5 }, 0.1, "Hidden"},
		{"m2", func(p *RBMParams) { p.TargetM2 = 0 }, 0.1, "TargetM2"},
		{"sigma_h", func(p *RBMParams) { p.SigmaH = math.NaN() }, 0.1, "SigmaH"},
		{"noise", func(p *RBMParams) { p.NoiseVar = -1 }, 0.1, "NoiseVar"},
		{"init", func(p *RBMParams) { p.InitSigma = math.Inf(1) }, 0.1, "InitSigma"},
		{"alpha", func(p *RBMParams) {}, 0, "alpha"},
		{"mu2 below kappa", func(p *RBMParams) { p.Mu2 = 2 }, 0.1, "kappa = 3"},
	}
	for _, tc := range bad {
		p := good
		tc.edit(&p)
		if _, err := NewRBMMatrix(p, tc.alpha); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
	st, err := NewRBMMatrix(good, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// An initial W with sigma_h^2 x_max = 16 >= mu^2 = 9 is refused, naming the walker.
	big := alignedW(t, 4, 3, 1, []float64{1, 2, 16}, 1)
	if _, err := NewEnsemble(st, Walkers(2), 1, fixedW(big)); err == nil || !strings.Contains(err.Error(), "walker 0") || !strings.Contains(err.Error(), "improper") {
		t.Errorf("improper initial W: error %v", err)
	}
	nan := append([]float64(nil), big...)
	nan[4] = math.NaN()
	if err := st.Arrange(nan); err == nil || !strings.Contains(err.Error(), "W[1][1]") {
		t.Errorf("NaN initial W: error %v", err)
	}
	// Strong noise (s^2 = 20, per-step weight noise 1.4) pushes walkers past sigma_h^2 x = mu^2:
	// the run stops with an error naming walker and step, and every walker keeps a proper W.
	loud := good
	loud.NoiseVar = 20
	st2, err := NewRBMMatrix(loud, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Run(st2, 4, 200, 1, st2.LearnedInit(), 2)
	if err == nil || !strings.Contains(err.Error(), "walker") || !strings.Contains(err.Error(), "step") {
		t.Fatalf("run into an improper K: error %v", err)
	}
	if e.Counts.NonFinite == 0 {
		t.Errorf("Counts.NonFinite = 0 after an improper step")
	}
	for w := range e.Index {
		if err := st2.Arrange(e.Walker(w)); err != nil {
			t.Errorf("walker %d left at a bad W: %v", w, err)
		}
	}
}

// BenchmarkRBMMatrixStep times one step of one walker with a 10 x 10 W at the paper's settings,
// with weight noise (ns/op is one step).
func BenchmarkRBMMatrixStep(b *testing.B) { benchRBMStep(b, 1e-3) }

// BenchmarkRBMMatrixStepNoNoise is the same without noise: the linear algebra alone.
func BenchmarkRBMMatrixStepNoNoise(b *testing.B) { benchRBMStep(b, 0) }

func benchRBMStep(b *testing.B, s2 float64) {
	p := RBMParams{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, NoiseVar: s2}
	st, err := NewRBMMatrix(p, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	w := append([]float64(nil), st.learnW...)
	work := make([]float64, st.WorkLen())
	src := NewSource(1, 0)
	b.ResetTimer()
	if cnt := st.Advance(w, b.N, &src, work); cnt.NonFinite != 0 {
		b.Fatal("walker stopped")
	}
}
