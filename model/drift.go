// Package model holds the stochastic Coulomb gas that every solver of fpsolve shares: the modes
// (eigenvalues x_i of X = W^T W), their drifts K_i, potentials V_i, noise strengths g_i^2, the
// pairwise Coulomb repulsion and the stationary density
//
//	P_s({x_i}) = (1/Z) prod_{i<j} |x_i - x_j| exp(-sum_i V_i(x_i)/g_i^2).
//
// The package imports no solver. A solver asks a Mode for its drift K(x), diffusion D(x) and
// dimensionless potential Phi(x), and a System for the forces and the total Phi including the
// Coulomb term.
package model

import (
	"fmt"
	"math"
)

// Drift is the deterministic part K(x) of one mode's motion, per unit of the continuous time
// t = alpha * step.
type Drift interface {
	// K returns the drift at x.
	K(x float64) float64
	// DK returns the derivative dK/dx at x.
	DK(x float64) float64
	// Domain returns the natural domain of the mode; either end may be infinite.
	Domain() (lo, hi float64)
	// Stable returns the stable fixed point of the drift (K = 0, K' < 0).
	Stable() float64
}

// Potential is a drift derived from a potential, K = -V'.
type Potential interface {
	Drift
	// V returns the potential at x (up to an additive constant).
	V(x float64) float64
}

// Harmonic is the Ornstein-Uhlenbeck drift K(x) = -Omega (x - C), V = Omega (x - C)^2 / 2.
type Harmonic struct {
	Omega float64 // curvature, > 0
	C     float64 // centre
}

// K implements Drift.
func (h Harmonic) K(x float64) float64 { return -h.Omega * (x - h.C) }

// DK implements Drift.
func (h Harmonic) DK(float64) float64 { return -h.Omega }

// Domain implements Drift: the whole real line.
func (h Harmonic) Domain() (lo, hi float64) { return math.Inf(-1), math.Inf(1) }

// Stable implements Drift.
func (h Harmonic) Stable() float64 { return h.C }

// V implements Potential.
func (h Harmonic) V(x float64) float64 { d := x - h.C; return 0.5 * h.Omega * d * d }

// RBM is the drift of one eigenvalue of W^T W in a Gaussian RBM learning a target with kernel
// eigenvalue Kappa:
//
//	K(x) = (1/kappa - 1/(mu^2 - x)) x,   0 <= x < mu^2,
//	V(x) = -x^2/(2 kappa) - x - mu^2 log(mu^2 - x).
//
// Its stable fixed point is x_s = mu^2 - kappa with curvature V”(x_s) = (mu^2 - kappa)/kappa^2;
// x = 0 is a second, unstable fixed point.
type RBM struct {
	Mu2   float64 // mu^2 > 0
	Kappa float64 // target eigenvalue, 0 < kappa < mu^2
}

// K implements Drift.
func (r RBM) K(x float64) float64 { return (1/r.Kappa - 1/(r.Mu2-x)) * x }

// DK implements Drift.
func (r RBM) DK(x float64) float64 { d := r.Mu2 - x; return 1/r.Kappa - r.Mu2/(d*d) }

// Domain implements Drift: [0, mu^2).
func (r RBM) Domain() (lo, hi float64) { return 0, r.Mu2 }

// Stable implements Drift.
func (r RBM) Stable() float64 { return r.Mu2 - r.Kappa }

// V implements Potential.
func (r RBM) V(x float64) float64 {
	return -x*x/(2*r.Kappa) - x - r.Mu2*math.Log(r.Mu2-x)
}

// Omega returns the curvature V”(x_s) = (mu^2 - kappa)/kappa^2 at the stable fixed point.
func (r RBM) Omega() float64 { return (r.Mu2 - r.Kappa) / (r.Kappa * r.Kappa) }

// Validate reports whether the parameters describe a well-defined drift.
func (r RBM) Validate() error {
	switch {
	case !(r.Mu2 > 0) || math.IsInf(r.Mu2, 0):
		return fmt.Errorf("mu2 = %g must be positive and finite", r.Mu2)
	case !(r.Kappa > 0 && r.Kappa < r.Mu2):
		return fmt.Errorf("kappa = %g must lie in (0, mu2 = %g)", r.Kappa, r.Mu2)
	}
	return nil
}

// Validate reports whether the parameters describe a well-defined drift.
func (h Harmonic) Validate() error {
	switch {
	case !(h.Omega > 0) || math.IsInf(h.Omega, 0):
		return fmt.Errorf("omega = %g must be positive and finite", h.Omega)
	case math.IsNaN(h.C) || math.IsInf(h.C, 0):
		return fmt.Errorf("centre = %g must be finite", h.C)
	}
	return nil
}
