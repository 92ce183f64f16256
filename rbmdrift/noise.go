package rbmdrift

import (
	"fmt"
	"math"
)

// PCDNoise is the eigenvalue noise of the PCD update, derived from first principles in the
// package documentation ("Eigenvalue noise of the PCD update"): no measured input. The fields
// are the trainer's settings (Config's Alpha, SigmaH, Mu2, Batch, GibbsSteps, Visible).
type PCDNoise struct {
	Alpha, SigmaH, Mu2 float64
	Batch, GibbsSteps  int
	// Visible is N_v, the number of visible directions, which SecondOrderDrift and NextOrder
	// sum over; 0 (or fewer than the eigenvalues given) means as many as the eigenvalues.
	Visible int
}

// Noise returns the PCD noise of the trainer cfg.
func (c Config) Noise() PCDNoise {
	return PCDNoise{Alpha: c.Alpha, SigmaH: c.SigmaH, Mu2: c.Mu2, Batch: c.Batch, GibbsSteps: c.GibbsSteps, Visible: c.Visible}
}

// Validate reports whether the settings are usable: positive finite numbers, Batch and
// GibbsSteps at least 1.
func (p PCDNoise) Validate() error {
	for _, v := range []struct {
		name string
		v    float64
	}{{"alpha", p.Alpha}, {"sigma_h", p.SigmaH}, {"mu2", p.Mu2}} {
		if !(v.v > 0) || math.IsInf(v.v, 0) {
			return fmt.Errorf("pcd noise: %s = %g must be positive and finite", v.name, v.v)
		}
	}
	if p.Batch < 1 || p.GibbsSteps < 1 {
		return fmt.Errorf("pcd noise: batch %d and gibbs_steps %d must be at least 1", p.Batch, p.GibbsSteps)
	}
	return nil
}

// q returns u^T K^-1 u = x / (mu2 - sigma_h^2 x) for the image u = W v of a unit eigenvector of
// X = W^T W with eigenvalue x (u is an eigenvector of W W^T with eigenvalue x, |u|^2 = x); +Inf
// at and beyond the edge mu2/sigma_h^2 of proper models.
func (p PCDNoise) q(x float64) float64 {
	d := p.Mu2 - p.SigmaH*p.SigmaH*x
	if !(d > 0) {
		return math.Inf(1)
	}
	return x / d
}

// SingleStep returns the single-step diffusion of an eigenvalue x of W^T W, per unit
// t = alpha * step: Var(dx)/(2 alpha) = 4 alpha sigma_h^4 q(x)^2 / |B|, q(x) = x/(mu2 - sigma_h^2 x).
// It is what the drift measurement's Diffusion estimates (single-step increments).
func (p PCDNoise) SingleStep(x float64) float64 {
	s2 := p.SigmaH * p.SigmaH
	q := p.q(x)
	return 4 * p.Alpha * s2 * s2 * q * q / float64(p.Batch)
}

// Correlation returns the correlation of the noise of successive updates at eigenvalue x that
// the persistent chains carry: (sigma_h^2 x / mu2)^(2k), k = GibbsSteps.
func (p PCDNoise) Correlation(x float64) float64 {
	tau := p.SigmaH * p.SigmaH * x / p.Mu2
	return math.Pow(tau, float64(2*p.GibbsSteps))
}

// Diffusion returns the diffusion over many updates: SingleStep(x) (1 + rho)/(1 - rho) with
// rho = Correlation(x), the sum of the noise's autocovariances over all lags.
func (p PCDNoise) Diffusion(x float64) float64 {
	r := p.Correlation(x)
	return p.SingleStep(x) * (1 + r) / (1 - r)
}

// G2 returns g^2(y) of the source talk's Coulomb gas (model.RBM's variable y = sigma_h^2 x and
// time tau = 2 sigma_h^2 t, in which the drift is K(y) = (1/kappa - 1/(mu2 - y)) y):
// sigma_h^4 Diffusion(x) / (2 sigma_h^2) at x = y/sigma_h^2. With sigma_h = 1 that is
// (alpha/|B|) gtilde2(y), gtilde2 = 2 q(y)^2 (1 + rho)/(1 - rho).
func (p PCDNoise) G2(y float64) float64 {
	s2 := p.SigmaH * p.SigmaH
	return s2 * p.Diffusion(y/s2) / 2
}

// s returns 1/(mu2 - sigma_h^2 x), the chains' variance along the image of an eigenvector with
// eigenvalue x (+Inf at and beyond the edge).
func (p PCDNoise) s(x float64) float64 { return p.sScaled(x, p.SigmaH*p.SigmaH) }

// sScaled returns 1/(mu2 - c2 v) (+Inf at and beyond the edge): s(x) with c2 = sigma_h^2, and
// the same in y = sigma_h^2 x with c2 = 1 (nextOrder).
func (p PCDNoise) sScaled(v, c2 float64) float64 {
	d := p.Mu2 - c2*v
	if !(d > 0) {
		return math.Inf(1)
	}
	return 1 / d
}

// nullS returns the sum of s over the max(0, Visible - n) visible directions outside the range of
// W (x = 0, s = 1/mu2), for n eigenvalues.
func (p PCDNoise) nullS(n int) float64 { return float64(max(0, p.Visible-n)) / p.Mu2 }

// sumS returns sum_k s(x_k) over the visible directions: the eigenvalues x and
// max(0, Visible - len(x)) directions outside the range of W (x = 0, s = 1/mu2).
func (p PCDNoise) sumS(x []float64) float64 {
	sum := p.nullS(len(x))
	for _, xk := range x {
		sum += p.s(xk)
	}
	return sum
}

// SecondOrderDrift returns the drift, per unit t, that the noise of the update induces on
// eigenvalue i of the spectrum x at second order in alpha beyond the Coulomb term
// (package documentation, "Beyond the leading order"):
//
//	alpha sigma_h^4 x_i s_i (s_i + sum_k s_k) / |B|,   s_k = 1/(mu2 - sigma_h^2 x_k),
//
// the sum over all Visible directions: the len(x) eigenvalues and the directions outside the
// range of W (x = 0, s = 1/mu2). It is the mean of alpha^2 sigma_h^4 u^T G^2 u / x per step
// that the mini-batch fluctuation of G leaves; the first-order noise's pair terms give the
// Coulomb repulsion sqrt(D_i D_j)/(x_i - x_j) with D = SingleStep. It is +Inf where an x_k
// reaches the edge mu2/sigma_h^2. It panics if i is out of range.
func (p PCDNoise) SecondOrderDrift(x []float64, i int) float64 {
	s2 := p.SigmaH * p.SigmaH
	si := p.s(x[i])
	return p.Alpha * s2 * s2 * x[i] * si * (si + p.sumS(x)) / float64(p.Batch)
}

// TiltDrift returns the drift, per unit t, on eigenvalue i of the spectrum x from the tilt of the
// eigenvectors of W W^T away from the target's (package documentation, "Beyond the leading
// order"), kappa[k] being the target eigenvalue that eigenvalue k learns:
//
//	sum_{k: kappa_k != kappa_i} 2 sigma_h^2 x_i (1/kappa_k - 1/kappa_i) MeanSin2(theta_ik^2),
//	theta_ik^2 = alpha sigma_h^2 (x_i + x_k) s_i s_k / (2 |B| |x_i - x_k| |1/kappa_k - 1/kappa_i|),
//
// the first-order drift's change when the eigenvector of x_i mixes with the target eigenvector
// of kappa_k by sin^2 of the tilt angle, whose small-tilt mean square theta_ik^2 is the ratio of
// its derived noise and restoring drift. For small tilts it is an attraction of Coulomb form,
// alpha sigma_h^4 x_i s_i (x_i + x_k) s_k sgn(kappa_i - kappa_k)/(|B| |x_i - x_k|), between
// eigenvalues that learn different kappa (levels of one degenerate kappa, equal to a relative
// 1e-12, do not count: a tilt within their eigenspace changes no drift). It panics if i is out
// of range or len(kappa) != len(x).
func (p PCDNoise) TiltDrift(x, kappa []float64, i int) float64 {
	if len(kappa) != len(x) {
		panic(fmt.Sprintf("rbmdrift: %d kappa for %d eigenvalues", len(kappa), len(x)))
	}
	s2 := p.SigmaH * p.SigmaH
	xi, si, ki := x[i], p.s(x[i]), kappa[i]
	var sum float64
	for k, xk := range x {
		kk := kappa[k]
		if k == i || math.Abs(kk-ki) <= 1e-12*math.Max(math.Abs(kk), math.Abs(ki)) {
			continue
		}
		d := 1/kk - 1/ki
		th := p.Alpha * s2 * (xi + xk) * si * p.s(xk) / (2 * float64(p.Batch) * math.Abs(xi-xk) * math.Abs(d))
		sum += d * MeanSin2(th)
	}
	return 2 * s2 * xi * sum
}

// MeanSin2 returns the mean of sin^2 theta for a tilt angle theta of small-tilt mean square th2:
// the stationary law of an angle restored by the drift -gamma sin(2 theta)/2 (the rotation between
// two directions of different variance) and driven by white noise of strength gamma th2 is
// proportional to exp(cos(2 theta)/(4 th2)), so that
//
//	MeanSin2(th2) = (1 - I1(c)/I0(c))/2,   c = 1/(4 th2),
//
// th2 (1 + th2 + ...) for small tilts and 1/2 (full mixing) for large ones. For c >= 8 it sums
// the asymptotic series of I1/I0 to 1/c^5 (relative error below 1e-4); below, it interpolates
// linearly in c between nodes 1/128 apart of the power series of I0 and I1 (sin2Table; relative
// error below 1e-4): a pair's tilt is evaluated at every step of every walker of a gas, where
// the series would cost tens of terms. It returns NaN for NaN and 0 for th2 <= 0.
func MeanSin2(th2 float64) float64 {
	switch {
	case math.IsNaN(th2):
		return th2
	case !(th2 > 0):
		return 0
	}
	return meanSin2C(1 / (4 * th2))
}

// meanSin2C is MeanSin2 as a function of c = 1/(4 th2); c = 0, and anything not a number or
// negative (a tie or a level at the edge in a gas's configuration), is full mixing, 1/2.
func meanSin2C(c float64) float64 {
	if !(c > 0) {
		return 0.5
	}
	if c >= sin2Cmax {
		u := 1 / c
		return u * (0.5 + u*(0.125+u*(0.125+u*(25.0/128+u*13.0/32)))) / 2
	}
	f := c * sin2PerUnit
	j := int(f)
	w := f - float64(j)
	return sin2Table[j] + w*(sin2Table[j+1]-sin2Table[j])
}

const (
	sin2Cmax    = 8   // MeanSin2's asymptotic series from c = 8 on
	sin2PerUnit = 128 // nodes per unit c of sin2Table
)

// sin2Table holds (1 - I1(c)/I0(c))/2 at c = j/128, j = 0..1024 (meanSin2Series).
var sin2Table = func() []float64 {
	t := make([]float64, sin2Cmax*sin2PerUnit+1)
	for j := range t {
		t[j] = meanSin2Series(float64(j) / sin2PerUnit)
	}
	return t
}()

// meanSin2Series returns (1 - I1(c)/I0(c))/2 from the power series of I0 and I1 (c <= 8: at most
// about 40 terms to 1e-17).
func meanSin2Series(c float64) float64 {
	h := c / 2
	var i0, i1 float64
	t0, t1 := 1.0, h
	for m := 0; m < 200; m++ {
		i0 += t0
		i1 += t1
		t0 *= h * h / float64((m+1)*(m+1))
		t1 *= h * h / float64((m+1)*(m+2))
		if t0 <= 1e-18*i0 {
			break
		}
	}
	return (1 - i1/i0) / 2
}

// NextOrder sets dst[i] to SecondOrderDrift(x, i) + TiltDrift(x, kappa, i) for every
// eigenvalue: the drift of order alpha/|B| that the eigenvalue gas of the derived noise and the
// aligned drift leaves out (package documentation), per unit t. It computes each s_k and each
// pair's tilt once (O(len(x)^2)). It panics if the lengths of dst, x and kappa differ.
func (p PCDNoise) NextOrder(dst, x, kappa []float64) {
	s2 := p.SigmaH * p.SigmaH
	p.nextOrder(dst, x, pairDeltas(kappa, len(x)), s2, p.Alpha*s2*s2/float64(p.Batch), 2*s2)
}

// GasDrift is NextOrder in the variables of the source talk's gas (model.RBM: y = sigma_h^2 x,
// time tau = 2 sigma_h^2 t), for model.System.Extra: dst[i] = NextOrder's term at x = y/sigma_h^2,
// divided by 2.
func (p PCDNoise) GasDrift(dst, y, kappa []float64) {
	p.nextOrder(dst, y, pairDeltas(kappa, len(y)), 1, p.gasPre(), 1)
}

// GasDriftFunc returns GasDrift for the fixed kappa, with the pairs' 1/kappa_k - 1/kappa_i
// worked out once (the same values, for model.System.Extra: it runs at every step of every
// walker). The function is safe for concurrent use and panics if len(y) or len(dst) is not
// len(kappa).
func (p PCDNoise) GasDriftFunc(kappa []float64) func(dst, y []float64) {
	dk := pairDeltas(kappa, len(kappa))
	pre := p.gasPre()
	return func(dst, y []float64) { p.nextOrder(dst, y, dk, 1, pre, 1) }
}

func (p PCDNoise) gasPre() float64 { return p.Alpha * p.SigmaH * p.SigmaH / (2 * float64(p.Batch)) }

// pairDeltas returns, for k > i, d[i*n+k] = 1/kappa_k - 1/kappa_i, 0 where the two kappa agree
// to a relative 1e-12 (one degenerate kappa: no tilt drift). It panics if len(kappa) != n.
func pairDeltas(kappa []float64, n int) []float64 {
	if len(kappa) != n {
		panic(fmt.Sprintf("rbmdrift: %d kappa for %d eigenvalues", len(kappa), n))
	}
	d := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for k := i + 1; k < n; k++ {
			ki, kk := kappa[i], kappa[k]
			if math.Abs(kk-ki) > 1e-12*math.Max(math.Abs(kk), math.Abs(ki)) {
				d[i*n+k] = 1/kk - 1/ki
			}
		}
	}
	return d
}

// nextOrder sets dst[i] = pre v_i s_i (s_i + sum_k s_k) + tiltPre v_i sum_k d_ik MeanSin2(th_ik)
// with s_k = 1/(mu2 - c2 v_k), d_ik = 1/kappa_k - 1/kappa_i (pairDeltas) and
// th_ik = alpha sigma_h^2 (v_i + v_k) s_i s_k/(2 |B| |v_i - v_k| |d_ik|) (the ratio is the same in x
// and in y = sigma_h^2 x; tiltPre is 2 sigma_h^2 in x per unit t, 1 in y per unit tau).
func (p PCDNoise) nextOrder(dst, v, dk []float64, c2, pre, tiltPre float64) {
	n := len(v)
	if len(dst) != n || len(dk) != n*n {
		panic(fmt.Sprintf("rbmdrift: NextOrder: lengths %d, %d for %d pair deltas", len(dst), n, len(dk)))
	}
	sum := p.nullS(n)
	for k, vk := range v {
		dst[k] = p.sScaled(vk, c2) // s_k until the last loop
		sum += dst[k]
	}
	var tilt [16]float64 // no allocation for the gases of up to 16 modes
	var t []float64
	if n <= len(tilt) {
		t = tilt[:n]
	} else {
		t = make([]float64, n)
	}
	// c_ik = 1/(4 th_ik) = |v_i - v_k| |d_ik| / (4 thPre (v_i + v_k) s_i s_k): one division a pair.
	cPre := 2 * float64(p.Batch) / (4 * p.Alpha * p.SigmaH * p.SigmaH)
	for i := 0; i < n; i++ {
		row := dk[i*n : i*n+n]
		for k := i + 1; k < n; k++ {
			d := row[k]
			if d == 0 {
				continue
			}
			c := cPre * math.Abs(v[i]-v[k]) * math.Abs(d) / ((v[i] + v[k]) * dst[i] * dst[k])
			m := d * meanSin2C(c)
			t[i] += m
			t[k] -= m
		}
	}
	for i := range dst {
		si := dst[i]
		dst[i] = pre*v[i]*si*(si+sum) + tiltPre*v[i]*t[i]
	}
}
