package rbmdrift

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// atFixedPoint returns a trainer of cfg whose weights sit at the exact fixed point
// W = F diag(sqrt(x*)), F the eigenvectors of the target covariance (W W^T = mu2 - K_t), with the
// chains equilibrated by burn updates.
func atFixedPoint(t *testing.T, cfg Config, r, burn int) *Trainer {
	t.Helper()
	tr, err := NewTrainer(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	var es mat.EigenSym
	if !es.Factorize(TargetKernel(cfg.Visible, cfg.TargetM2), true) {
		t.Fatal("eigen")
	}
	var f mat.Dense
	es.VectorsTo(&f)
	kap := es.Values(nil)
	w := mat.NewDense(cfg.Visible, cfg.Hidden, nil)
	for i := 0; i < cfg.Visible; i++ {
		for j := 0; j < cfg.Hidden; j++ {
			w.Set(i, j, f.At(i, j)*math.Sqrt((cfg.Mu2-kap[j])/(cfg.SigmaH*cfg.SigmaH)))
		}
	}
	tr.SetWeights(w)
	for s := 0; s < burn; s++ {
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// TestPCDNoiseSingleStep checks PCDNoise.SingleStep, derived with no measured input, against the
// single-step increments of trained RBMs at their fixed point (8 runs, alpha = 0.02, so that
// the corrections of higher order in alpha, about 5% at 0.1 and growing towards the edge mu2,
// are small): the measured Var(dx)/(2 alpha) of every eigenvalue against the mean of SingleStep
// over the eigenvalues it visited. Allowed: 6% per eigenvalue (statistical error about 1.5%
// with 160,000 increments of a correlated series; the sorting of a degenerate pair moves up to
// 5% of the variance from its upper to its lower member, measured 3-5%) and 2.5% for a
// degenerate pair's mean (the sorting cancels; measured below 1%).
func TestPCDNoiseSingleStep(t *testing.T) {
	t.Parallel()
	cfg := reference()
	cfg.Alpha = 0.02
	runs, steps := 8, 20000
	if testing.Short() {
		runs = 4
	}
	p := cfg.Noise()
	n := cfg.Hidden
	sum, sum2, der := make([]float64, n), make([]float64, n), make([]float64, n)
	x, xn := make([]float64, n), make([]float64, n)
	for r := 0; r < runs; r++ {
		tr := atFixedPoint(t, cfg, r, 300)
		tr.Spectrum(x)
		for s := 0; s < steps; s++ {
			if err := tr.Step(); err != nil {
				t.Fatal(err)
			}
			tr.Spectrum(xn)
			for i := range x {
				d := xn[i] - x[i]
				sum[i] += d
				sum2[i] += d * d
				der[i] += p.SingleStep(x[i])
			}
			x, xn = xn, x
		}
	}
	ratio := make([]float64, n)
	for i := range ratio {
		m := float64(runs * steps)
		v := sum2[i]/m - (sum[i]/m)*(sum[i]/m)
		ratio[i] = v / (2 * cfg.Alpha) / (der[i] / m)
		if math.Abs(ratio[i]-1) > 0.06 {
			t.Errorf("mode %d: measured single-step diffusion %.3f of the derived", i, ratio[i])
		}
	}
	for _, pair := range [][2]int{{1, 2}, {3, 4}, {5, 6}, {7, 8}} {
		if r := (ratio[pair[0]] + ratio[pair[1]]) / 2; math.Abs(r-1) > 0.025 {
			t.Errorf("pair %v: mean ratio %.3f", pair, r)
		}
	}
	t.Logf("measured / derived single-step diffusion per mode: %.3f", ratio)
}

// TestPCDNoiseCorrelation checks PCDNoise.Correlation and Diffusion on the persistent chains
// themselves, at fixed weights (alpha = 1e-12: W does not move): the noise of an update along
// eigenvector i is n_s = u_i^T C_model u_i (C_model the chains' mean of phi phi^T); its lag-1
// autocorrelation must be (sigma_h^2 x/mu2)^(2k), and the variance of its sums over blocks of L
// updates, per update, Var(n) (1 + rho)/(1 - rho). One gibbs step (k = 1), where rho is largest
// (0.31 for the top eigenvalue x = 5), and k = 3. Tolerances: 4 standard errors of the estimates
// from 40,000 updates (1/sqrt(40000) = 0.005 for the correlation: 0.02; block variances from
// 400 blocks, relative error about 7%: 25%, which still tells 1.9 = (1 + 0.31)/(1 - 0.31) from 1).
func TestPCDNoiseCorrelation(t *testing.T) {
	t.Parallel()
	for _, k := range []int{1, 3} {
		cfg := reference()
		cfg.GibbsSteps = k
		cfg.Alpha = 1e-12
		p := cfg.Noise()
		tr := atFixedPoint(t, cfg, 0, 200)
		x := make([]float64, cfg.Hidden)
		tr.Spectrum(x)
		top := cfg.Hidden - 1
		vec := tr.eig.Vectors()
		nv, nh := cfg.Visible, cfg.Hidden
		u := make([]float64, nv)
		for i := 0; i < nv; i++ {
			for j := 0; j < nh; j++ {
				u[i] += tr.w[i*nh+j] * vec[j*nh+top]
			}
		}
		const steps, block = 40000, 100
		ns := make([]float64, steps)
		for s := range ns {
			if err := tr.Step(); err != nil {
				t.Fatal(err)
			}
			ch := tr.Chains()
			var a float64
			for b := 0; b < cfg.Batch; b++ {
				var d float64
				for i := 0; i < nv; i++ {
					d += u[i] * ch[b*nv+i]
				}
				a += d * d
			}
			ns[s] = a / float64(cfg.Batch)
		}
		var m, v, c float64
		for _, a := range ns {
			m += a
		}
		m /= steps
		for s, a := range ns {
			v += (a - m) * (a - m)
			if s > 0 {
				c += (a - m) * (ns[s-1] - m)
			}
		}
		rho := c / v
		want := p.Correlation(x[top])
		if math.Abs(rho-want) > 0.02 {
			t.Errorf("k = %d: lag-1 correlation %.4f, derived %.4f", k, rho, want)
		}
		var bv float64
		for b := 0; b < steps/block; b++ {
			var s float64
			for _, a := range ns[b*block : (b+1)*block] {
				s += a - m
			}
			bv += s * s
		}
		got := bv / float64(steps/block) / block / (v / steps)
		if f := p.Diffusion(x[top]) / p.SingleStep(x[top]); math.Abs(got/f-1) > 0.25 {
			t.Errorf("k = %d: block variance factor %.3f, derived (1+rho)/(1-rho) = %.3f", k, got, f)
		}
		t.Logf("k = %d, x = %.3f: correlation %.4f (derived %.4f), long-time factor %.3f (derived %.3f)", k, x[top], rho, want, got, p.Diffusion(x[top])/p.SingleStep(x[top]))
	}
}
