package teacher

import "math"

// Drift returns the linear drift per unit t = alpha * step of a recorded spectral value x near
// its target d: -(x - d) (Omega = 1; the same for a singular value and for an eigenvalue of
// W^T W, see the package documentation).
func Drift(x, d float64) float64 { return -(x - d) }

// NoiseG2 returns the Coulomb-gas noise strength g^2 = (alpha/|B|) eps^2 of a singular value
// near the teacher (gt^2 = eps^2 per sample).
func NoiseG2(alpha float64, batch int, eps float64) float64 {
	return alpha / float64(batch) * eps * eps
}

// LeadingSigma2 returns the leading-order sigma^2 of the degenerate pair of singular values,
// (alpha/|B|) eps^2/(1 - alpha/2): the AR(1) law (docs/REFERENCES.md R9) with Omega = 1 and the
// multiplicative data noise neglected.
func LeadingSigma2(alpha float64, batch int, eps float64) float64 {
	return NoiseG2(alpha, batch, eps) / (1 - alpha/2)
}

// LeadingSpacing returns the leading-order mean spacing sqrt(pi) sigma of a degenerate pair of
// singular values, sigma^2 = LeadingSigma2.
func LeadingSpacing(alpha float64, batch int, eps float64) float64 {
	return math.Sqrt(math.Pi * LeadingSigma2(alpha, batch, eps))
}

// StationaryCovariance returns the exact stationary second moment of the deviation D = W - W_t
// of the online recursion with N x N matrices, E[D_ij D_kl] = a d_ik d_jl + b d_il d_jk +
// c d_ij d_kl (d the Kronecker delta), for Gaussian inputs and GOE noise of off-diagonal sd eps
// per sample (package documentation):
//
//	a = beta eps^2 kappa / ((kappa - beta)(kappa - (N+1) beta)),
//	b = beta eps^2 kappa / ((kappa - beta)(kappa + beta)),
//	c = beta^2 eps^2 / ((kappa - beta)(kappa + beta)),
//
// kappa = alpha (2 - alpha), beta = alpha^2/|B|. All three are +Inf beyond the stability limit
// kappa <= (N+1) beta.
func StationaryCovariance(alpha float64, batch int, eps float64, n int) (a, b, c float64) {
	kappa := alpha * (2 - alpha)
	beta := alpha * alpha / float64(batch)
	if kappa <= float64(n+1)*beta {
		inf := math.Inf(1)
		return inf, inf, inf
	}
	e2 := eps * eps
	a = beta * e2 * kappa / ((kappa - beta) * (kappa - float64(n+1)*beta))
	b = beta * e2 * kappa / ((kappa - beta) * (kappa + beta))
	c = beta * beta * e2 / ((kappa - beta) * (kappa + beta))
	return a, b, c
}

// ExactSigma2 returns sigma^2 = a + b of StationaryCovariance, the Wigner-surmise parameter of a
// degenerate pair of singular values of the N x N student (N = 2 for the paper's pair), exact
// for the linear recursion up to the mapping of the singular values to the eigenvalues of the
// symmetric part of D, which neglects terms of relative order sigma^2/d^2 (package
// documentation). It reduces to LeadingSigma2 as alpha/|B| -> 0.
func ExactSigma2(alpha float64, batch int, eps float64, n int) float64 {
	a, b, _ := StationaryCovariance(alpha, batch, eps, n)
	return a + b
}

// ExactSpacing returns the mean spacing sqrt(pi) sigma of a degenerate pair with
// sigma^2 = ExactSigma2.
func ExactSpacing(alpha float64, batch int, eps float64, n int) float64 {
	return math.Sqrt(math.Pi * ExactSigma2(alpha, batch, eps, n))
}
