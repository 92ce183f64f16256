package rbmdrift

import (
	"math"
	"strings"
	"testing"

	"fpsolve/model"
	"fpsolve/rmt"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestNormalSource(t *testing.T) {
	t.Parallel()
	// The ziggurat must produce N(0,1): KS against the normal CDF and the first four moments.
	const n = 400000
	src := NewSource(7, 3)
	xs := make([]float64, n)
	var m1, m2, m4 float64
	for i := range xs {
		x := src.NormFloat64()
		xs[i] = x
		m1 += x
		m2 += x * x
		m4 += x * x * x * x
	}
	m1, m2, m4 = m1/n, m2/n, m4/n
	// Standard errors with n = 4e5: mean 1/sqrt(n), <x^2> sqrt(2/n), <x^4> sqrt(96/n); 5 sigma.
	if math.Abs(m1) > 5/math.Sqrt(n) || math.Abs(m2-1) > 5*math.Sqrt(2.0/n) || math.Abs(m4-3) > 5*math.Sqrt(96.0/n) {
		t.Errorf("moments <x> = %g, <x^2> = %g, <x^4> = %g; want 0, 1, 3", m1, m2, m4)
	}
	d := rmt.KSDistance(xs, distuv.UnitNormal.CDF)
	// KS p-value below 1e-3 would reject N(0,1) (n independent draws).
	if p := rmt.KSPValue(d, n); p < 1e-3 {
		t.Errorf("KS distance %g from N(0,1), p = %g", d, p)
	}
	// Streams of one seed differ; a stream is reproducible.
	a, b := NewSource(1, 0), NewSource(1, 1)
	if a.Uint64() == b.Uint64() {
		t.Error("streams 0 and 1 start alike")
	}
	if c, d := NewSource(5, 9), NewSource(5, 9); c.Uint64() != d.Uint64() {
		t.Error("a stream is not reproducible")
	}
}

func TestTargetKernelSpectrum(t *testing.T) {
	t.Parallel()
	// Eigenvalues of K_t are kappa_k = m^2 + 2 - 2 cos(2 pi k/n) (model.FreeFieldKappa).
	for _, n := range []int{1, 2, 3, 10} {
		var es mat.EigenSym
		es.Factorize(TargetKernel(n, 4), false)
		got := es.Values(nil)
		want := model.FreeFieldKappa(4, n)
		for i := range got {
			// rounding of a small dense eigensolver
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("n = %d: eigenvalue %d = %g, want %g", n, i, got[i], want[i])
			}
		}
	}
}

func TestJacobiMatchesGonum(t *testing.T) {
	t.Parallel()
	// Warm-started Jacobi against gonum's EigenSym on a sequence of slowly changing W^T W.
	cfg := reference()
	tr, err := NewTrainer(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	var w []float64
	for s := 0; s < 300; s++ {
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		w = tr.Spectrum(w)
		var es mat.EigenSym
		var x mat.SymDense
		x.SymOuterK(1, tr.Weights(nil).T())
		es.Factorize(&x, false)
		want := es.Values(nil)
		for i := range want {
			// relative accuracy of both solvers is ~1e-15 in the largest eigenvalue (~5)
			if math.Abs(w[i]-want[i]) > 1e-12 {
				t.Fatalf("step %d: eigenvalue %d = %.16g, gonum %.16g", s, i, w[i], want[i])
			}
		}
	}
}

// alignedWeights returns W = U diag(sqrt x) V^T with U the real Fourier basis (eigenvectors of
// the free-field kernel, column m has eigenvalue kap[m]) and V a fixed orthogonal matrix.
func alignedWeights(n int, m2 float64, x []float64) (*mat.Dense, []float64) {
	u := mat.NewDense(n, n, nil)
	kap := make([]float64, n)
	for m := 0; m < n; m++ {
		// columns: k = 0, cos/sin pairs, and k = n/2 for even n.
		var f func(j int) float64
		k := (m + 1) / 2
		switch {
		case m == 0:
			f = func(int) float64 { return 1 / math.Sqrt(float64(n)) }
		case n%2 == 0 && m == n-1:
			k = n / 2
			f = func(j int) float64 { return math.Cos(math.Pi*float64(j)) / math.Sqrt(float64(n)) }
		case m%2 == 1:
			f = func(j int) float64 { return math.Sqrt(2/float64(n)) * math.Cos(2*math.Pi*float64(k*j)/float64(n)) }
		default:
			f = func(j int) float64 { return math.Sqrt(2/float64(n)) * math.Sin(2*math.Pi*float64(k*j)/float64(n)) }
		}
		for j := 0; j < n; j++ {
			u.Set(j, m, f(j))
		}
		kap[m] = m2 + 2 - 2*math.Cos(2*math.Pi*float64(k)/float64(n))
	}
	// V: Q factor of a fixed matrix.
	a := mat.NewDense(n, n, nil)
	src := NewSource(99, 0)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, src.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var v mat.Dense
	qr.QTo(&v)
	var w mat.Dense
	d := mat.NewDense(n, n, nil)
	for i, xi := range x {
		d.Set(i, i, math.Sqrt(xi))
	}
	w.Product(u, d, v.T())
	return &w, kap
}

func TestExpectedDriftAligned(t *testing.T) {
	t.Parallel()
	// With W's left singular vectors on the target's eigenvectors, the exact-gradient eigenvalue
	// drift is dx/dt = 2 sigma_h^2 (1/kappa - 1/(mu^2 - sigma_h^2 x)) x (package doc).
	for _, sh := range []float64{1, 1.3} {
		cfg := Config{Visible: 6, Hidden: 6, TargetM2: 1, Mu2: 9, SigmaH: sh, Alpha: 0.1, Batch: 1, GibbsSteps: 1}
		x := []float64{0.3, 1.1, 2.0, 2.9, 3.7, 4.4}
		for i := range x {
			x[i] /= sh * sh
		}
		w, kap := alignedWeights(6, 1, x)
		tr, err := NewTrainer(cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		tr.SetWeights(w)
		spec := tr.Spectrum(nil)
		got, err := tr.ExpectedDrift(nil, spec)
		if err != nil {
			t.Fatal(err)
		}
		// x is ascending, so spectrum index i is mode i.
		for i := range x {
			s2 := sh * sh
			want := 2 * s2 * (1/kap[i] - 1/(cfg.Mu2-s2*x[i])) * x[i]
			// rounding in the eigen-decomposition and the Cholesky solve
			if math.Abs(got[i]-want) > 1e-10 || math.Abs(spec[i]-x[i]) > 1e-12 {
				t.Errorf("sigma_h %g mode %d (x %g, kappa %g): drift %g, want %g", sh, i, spec[i], kap[i], got[i], want)
			}
			// and the source talk's K(x) in its own units (y = sigma_h^2 x, tau = 2 sigma_h^2 t): dy/dtau = K(y).
			if sh == 1 {
				if k := (model.RBM{Mu2: cfg.Mu2, Kappa: kap[i]}).K(x[i]); math.Abs(got[i]-2*k) > 1e-10 {
					t.Errorf("mode %d: drift %g != 2 K(x) = %g", i, got[i], 2*k)
				}
			}
		}
		// The exact update at K = K_t (x = mu^2 - kappa) vanishes, and so does the KL divergence.
		xs := make([]float64, 6)
		for i := range xs {
			xs[i] = (cfg.Mu2 - kap[i]) / (sh * sh)
		}
		w0, _ := alignedWeights(6, 1, xs)
		var g mat.Dense
		if err := ExactUpdate(&g, cfg, w0); err != nil {
			t.Fatal(err)
		}
		kl, err := KL(cfg, w0)
		if err != nil {
			t.Fatal(err)
		}
		// rounding: entries of W are O(1), of C_t O(1)
		if mat.Norm(&g, math.Inf(1)) > 1e-12 || math.Abs(kl) > 1e-12 {
			t.Errorf("at the target: |update| = %g, KL = %g; want 0", mat.Norm(&g, math.Inf(1)), kl)
		}
	}
}

func TestGradientIsMinusKLGradient(t *testing.T) {
	t.Parallel()
	// sigma_h^2 (C_t - K^-1) W = -dKL/dW (factor exactly 1), checked by central differences of KL.
	cfg := Config{Visible: 4, Hidden: 3, TargetM2: 0.7, Mu2: 5, SigmaH: 0.8, Alpha: 0.1, Batch: 1, GibbsSteps: 1}
	src := NewSource(11, 0)
	w := mat.NewDense(4, 3, nil)
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			w.Set(i, j, 0.6*src.NormFloat64())
		}
	}
	var g mat.Dense
	if err := ExactUpdate(&g, cfg, w); err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			v := w.At(i, j)
			w.Set(i, j, v+h)
			kp, err1 := KL(cfg, w)
			w.Set(i, j, v-h)
			km, err2 := KL(cfg, w)
			w.Set(i, j, v)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			fd := (kp - km) / (2 * h)
			// central difference: truncation O(h^2) ~ 1e-10, rounding ~1e-16/h ~ 1e-11
			if math.Abs(g.At(i, j)+fd) > 1e-8 {
				t.Errorf("W[%d,%d]: update %g, -dKL/dW %g", i, j, g.At(i, j), -fd)
			}
		}
	}
}

// trainedWeights returns a reference-size W aligned with the target at x_i = 0.9 (mu^2 - kappa_i),
// a proper model with T's eigenvalues up to ~0.5 (chains correlated over a few steps).
func trainedWeights(cfg Config) *mat.Dense {
	kap := model.FreeFieldKappa(cfg.TargetM2, cfg.Visible)
	x := make([]float64, len(kap))
	for i := range x {
		x[i] = 0.9 * (cfg.Mu2 - kap[len(kap)-1-i])
	}
	w, _ := alignedWeights(cfg.Visible, cfg.TargetM2, x)
	return w
}

func TestChainStationaryCovariance(t *testing.T) {
	t.Parallel()
	// With W fixed, the chains' stationary covariance is K^-1, K = mu^2 - sigma_h^2 W W^T, for both
	// the explicit Gibbs sampler and the direct k-step law.
	for _, sampler := range []string{SamplerDirect, SamplerGibbs} {
		cfg := reference()
		cfg.Sampler = sampler
		cfg.Batch = 64
		tr, err := NewTrainer(cfg, 0)
		if err != nil {
			t.Fatal(err)
		}
		w := trainedWeights(cfg)
		tr.SetWeights(w)
		var kinv mat.SymDense
		var ch mat.Cholesky
		if !ch.Factorize(modelKernel(cfg, w)) {
			t.Fatal("improper test model")
		}
		ch.InverseTo(&kinv)
		n, nb := cfg.Visible, cfg.Batch
		steps := 2000
		if testing.Short() {
			steps = 500
		}
		perChain := make([][]float64, nb) // time average of phi_i phi_j per chain
		for b := range perChain {
			perChain[b] = make([]float64, n*n)
		}
		if !tr.prepare() {
			t.Fatal("improper")
		}
		for s := 0; s < steps+20; s++ {
			for i := range tr.cm {
				tr.cm[i] = 0
			}
			if sampler == SamplerGibbs {
				tr.gibbsChains()
			} else {
				tr.directChains()
			}
			if s < 20 { // burn-in: T^(3*20) < 1e-9 of the start
				continue
			}
			for b := 0; b < nb; b++ {
				phi := tr.phi[b*n : b*n+n]
				for i := 0; i < n; i++ {
					for j := i; j < n; j++ {
						perChain[b][i*n+j] += phi[i] * phi[j] / float64(steps)
					}
				}
			}
		}
		worst := 0.0
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				var m, v float64
				for b := range perChain {
					m += perChain[b][i*n+j]
				}
				m /= float64(nb)
				for b := range perChain {
					d := perChain[b][i*n+j] - m
					v += d * d
				}
				se := math.Sqrt(v / float64(nb-1) / float64(nb))
				worst = math.Max(worst, math.Abs(m-kinv.At(i, j))/se)
			}
		}
		// 55 entries, each a mean of 64 independent chains: a pull above 5 has probability
		// ~55 * 6e-7 under the null (t with 63 dof is close to normal there).
		if worst > 5 {
			t.Errorf("%s: largest pull of the chain covariance from K^-1 is %.2f standard errors", sampler, worst)
		}
	}
}

func TestSamplersAgreeOnSpectra(t *testing.T) {
	t.Parallel()
	// The direct k-step law is exact in law: short training ensembles with either sampler have
	// the same distribution of every final eigenvalue (two-sample KS).
	runs := 200
	if testing.Short() {
		runs = 80
	}
	cfg := reference()
	cfg.Steps = 300
	cfg.RecordEvery = 0
	finals := map[string][][]float64{}
	for i, s := range []string{SamplerDirect, SamplerGibbs} {
		cfg.Sampler = s
		cfg.Seed = uint64(10 + i) // independent ensembles
		idx := make([]int, runs)
		for r := range idx {
			idx[r] = r
		}
		res, err := TrainEnsemble(cfg, idx, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			finals[s] = append(finals[s], r.Final())
		}
	}
	for m := 0; m < cfg.Hidden; m++ {
		a, b := make([]float64, runs), make([]float64, runs)
		for r := 0; r < runs; r++ {
			a[r], b[r] = finals[SamplerDirect][r][m], finals[SamplerGibbs][r][m]
		}
		d := rmt.KSDistance2(a, b)
		// Ten tests: a p-value below 1e-3 for any one is a family-wise 1% false alarm.
		if p := rmt.KSPValue(d, float64(runs)/2); p < 1e-3 {
			t.Errorf("eigenvalue %d: KS distance %g between samplers, p = %g", m, d, p)
		}
	}
}

func TestMarchenkoPasturInit(t *testing.T) {
	t.Parallel()
	// X = W^T W for W_ij ~ N(0, s^2), 400 x 200, has the Marchenko-Pastur spectrum with r = 1/2.
	const rows, cols, s = 400, 200, 0.1
	w := make([]float64, rows*cols)
	InitWeights(w, s, NewSource(3, 0))
	x := mat.NewSymDense(cols, nil)
	x.SymOuterK(1, mat.NewDense(rows, cols, w).T())
	var es mat.EigenSym
	es.Factorize(x, false)
	ev := es.Values(nil)
	d := rmt.KSDistance(ev, func(v float64) float64 { return rmt.MarchenkoPasturCDF(v, 0.5, s*s, rows) })
	// Eigenvalues are rigid (far less scattered than independent draws), so the KS distance is
	// set by the finite-N edge corrections, O(N^-2/3) ~ 0.03 at N = 200.
	if d > 0.03 {
		t.Errorf("KS distance %g from Marchenko-Pastur", d)
	}
}

func TestImproperAndNaN(t *testing.T) {
	t.Parallel()
	cfg := reference()
	cfg.InitSigma = 2 // sigma_h^2 x_max ~ 10 * 4 * 4 > mu^2 = 9
	_, err := TrainRun(cfg, 7)
	if err == nil || !strings.Contains(err.Error(), "run 7, step 0") || !strings.Contains(err.Error(), "improper") {
		t.Errorf("improper initial model: error %v", err)
	}
	cfg = reference()
	tr, _ := NewTrainer(cfg, 2)
	w := tr.Weights(nil)
	w.Set(3, 4, math.NaN())
	tr.SetWeights(w)
	if err := tr.Step(); err == nil || !strings.Contains(err.Error(), "run 2, step 0") || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN weights: error %v", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	bad := map[string]func(*Config){
		"visible":       func(c *Config) { c.Visible = 0 },
		"hidden":        func(c *Config) { c.Hidden = -1 },
		"mu2":           func(c *Config) { c.Mu2 = 0 },
		"sigma_h":       func(c *Config) { c.SigmaH = math.NaN() },
		"alpha":         func(c *Config) { c.Alpha = -1 },
		"batch":         func(c *Config) { c.Batch = 0 },
		"gibbs_steps":   func(c *Config) { c.GibbsSteps = 0 },
		"data":          func(c *Config) { c.Data = "exat" },
		"sampler":       func(c *Config) { c.Sampler = "metropolis" },
		"init_sigma":    func(c *Config) { c.InitSigma = -0.1 },
		"drift range":   func(c *Config) { c.DriftLo, c.DriftHi = 3, 1 },
		"measure_every": func(c *Config) { c.MeasureEvery = -2 },
	}
	for key, f := range bad {
		c := reference()
		f(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: error %v", key, err)
		}
	}
	if err := reference().Validate(); err != nil {
		t.Error(err)
	}
}

func TestTargetSpectrum(t *testing.T) {
	t.Parallel()
	// x_s = (mu^2 - kappa)/sigma_h^2, ascending.
	c := reference()
	c.SigmaH = 2
	got := c.TargetSpectrum()
	kap := model.FreeFieldKappa(4, 10)
	for i := range got {
		if want := (9 - kap[9-i]) / 4; math.Abs(got[i]-want) > 1e-15 {
			t.Errorf("target %d = %g, want %g", i, got[i], want)
		}
	}
}
