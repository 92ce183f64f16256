package rbmdrift

import (
	"fmt"
	"math"
)

// PCDNoise is the eigenvalue noise of the PCD update, derived from first principles in the
// package documentation ("Eigenvalue noise of the PCD update"): no measured input. The fields
// are the trainer's settings (Config's Alpha, SigmaH, Mu2, Batch, GibbsSteps).
type PCDNoise struct {
	Alpha, SigmaH, Mu2 float64
	Batch, GibbsSteps  int
}

// Noise returns the PCD noise of the trainer cfg.
func (c Config) Noise() PCDNoise {
	return PCDNoise{Alpha: c.Alpha, SigmaH: c.SigmaH, Mu2: c.Mu2, Batch: c.Batch, GibbsSteps: c.GibbsSteps}
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

// SecondOrderDrift returns the drift, per unit t, that the noise of the update induces on
// eigenvalue i of the spectrum x at second order in alpha beyond the Coulomb term
// (package documentation, "What the eigenvalue gas leaves out"):
//
//	alpha sigma_h^4 x_i s_i (s_i + sum_k s_k) / |B|,   s_k = 1/(mu2 - sigma_h^2 x_k),
//
// the sum over all visible directions: the len(x) eigenvalues and visible - len(x) directions
// outside the range of W (x = 0, s = 1/mu2). It is the mean of alpha^2 sigma_h^4 u^T G^2 u / x
// per step that the mini-batch fluctuation of G leaves; the first-order noise's pair terms give
// the Coulomb repulsion sqrt(D_i D_j)/(x_i - x_j) with D = SingleStep. It is +Inf where an x_k
// reaches the edge mu2/sigma_h^2. It panics if i is out of range or visible < len(x).
func (p PCDNoise) SecondOrderDrift(x []float64, i, visible int) float64 {
	if visible < len(x) {
		panic(fmt.Sprintf("rbmdrift: %d visible directions for %d eigenvalues", visible, len(x)))
	}
	s2 := p.SigmaH * p.SigmaH
	sk := func(x float64) float64 {
		d := p.Mu2 - s2*x
		if !(d > 0) {
			return math.Inf(1)
		}
		return 1 / d
	}
	sum := float64(visible-len(x)) / p.Mu2
	for _, xk := range x {
		sum += sk(xk)
	}
	si := sk(x[i])
	return p.Alpha * s2 * s2 * x[i] * si * (si + sum) / float64(p.Batch)
}
