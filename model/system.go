package model

import (
	"fmt"
	"math"
	"sort"

	"fpsolve/internal/vmath"
)

// Mode is one eigenvalue x_i: its drift and its noise strength g_i^2.
//
// For a drift with a potential (Harmonic, RBM) the diffusion is the constant G2 and the
// dimensionless potential is Phi = V/G2. For a *Table the diffusion D2(x) and Phi come from the
// table and G2 is not used.
type Mode struct {
	Drift Drift
	G2    float64
}

// K returns the drift K(x) (the Ito drift D1 for a table).
func (m Mode) K(x float64) float64 { return m.Drift.K(x) }

// D returns the diffusion coefficient D(x): g^2, or D2(x) for a table. It is also the strength of
// the mode's Coulomb term, D(x_i) sum_j 1/(x_i - x_j).
func (m Mode) D(x float64) float64 {
	if t, ok := m.Drift.(*Table); ok {
		return t.Diffusion(x)
	}
	return m.G2
}

// Phi returns the dimensionless potential of the mode alone: exp(-Phi) is its stationary density
// up to normalisation. It panics for a drift that is neither a Potential nor a *Table.
func (m Mode) Phi(x float64) float64 {
	switch d := m.Drift.(type) {
	case *Table:
		return d.Phi(x)
	case Potential:
		return d.V(x) / m.G2
	}
	panic(fmt.Sprintf("model: drift %T has no potential", m.Drift))
}

// PhiTo sets dst[i] = m.Phi(x[i]) for every i < len(x), the same values bit for bit. For an
// RBM drift it takes the logarithms four at a time (internal/vmath, math.Log's bits), about
// three times faster than calling Phi at each point (fokkerplanck's operator assembly
// evaluates the potential at 20 points per cell); for other drifts it calls Phi. dst must be
// at least as long as x and must not overlap it.
func (m Mode) PhiTo(dst, x []float64) {
	dst = dst[:len(x)]
	var r RBM
	switch d := m.Drift.(type) {
	case RBM:
		r = d
	case *RBM:
		r = *d
	default:
		for i, v := range x {
			dst[i] = m.Phi(v)
		}
		return
	}
	for i, v := range x {
		dst[i] = r.Mu2 - v
	}
	vmath.Log(dst, dst)
	for i, v := range x {
		// RBM.V's expression, over G2 as in Phi.
		dst[i] = (-v*v/(2*r.Kappa) - v - r.Mu2*dst[i]) / m.G2
	}
}

// Validate reports whether the mode is well defined.
func (m Mode) Validate() error {
	if m.Drift == nil {
		return fmt.Errorf("mode has no drift")
	}
	if v, ok := m.Drift.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	if _, ok := m.Drift.(*Table); !ok && (!(m.G2 > 0) || math.IsInf(m.G2, 0)) {
		return fmt.Errorf("g2 = %g must be positive and finite", m.G2)
	}
	return nil
}

// U returns the potential of the Fokker-Planck Hamiltonian H_FP = -(g^2/2) d^2 + U(x) for a mode
// with constant diffusion g^2: U = K^2/(8 g^2) + K'/4 (= (V')^2/(8 g^2) - V”/4).
func (m Mode) U(x float64) float64 {
	k := m.Drift.K(x)
	return k*k/(8*m.G2) + m.Drift.DK(x)/4
}

// System is a set of modes with, optionally, their pairwise Coulomb repulsion.
type System struct {
	Modes   []Mode
	Coulomb bool
	// Geometric makes the pair (i, j) repel with sqrt(D_i(x_i) D_j(x_j)) / (x_i - x_j) instead of
	// D_i(x_i) / (x_i - x_j): the second-order coupling of two eigenvalues whose noises have the
	// amplitudes sqrt(D_i) and sqrt(D_j) (the PCD update's, rbmdrift.PCDNoise). The two agree for
	// equal diffusions. With it the stationary law is no longer exp(-Phi): only the Langevin
	// integrator takes such a system (fokkerplanck refuses it).
	Geometric bool
	// Extra, when not nil, adds a drift that depends on the whole configuration: it sets dst[i]
	// (len(dst) = len(x) = len(Modes), x in mode order) to the drift added to mode i's force, in
	// the model's variables (rbmdrift.PCDNoise.NextOrder, the terms of order alpha/|B| that the
	// PCD update adds to its eigenvalue gas). It must not keep x or dst and must be safe for
	// concurrent use. Only the Langevin eigenvalue integrator takes such a system (fokkerplanck
	// and the matrix-level integrator refuse it).
	Extra func(dst, x []float64)
}

// Force returns the drift of mode i at the configuration x:
// F_i = K_i(x_i) + D_i(x_i) sum_{j != i} 1/(x_i - x_j) (the sum only with Coulomb), or with
// Geometric F_i = K_i(x_i) + sum_{j != i} sqrt(D_i(x_i) D_j(x_j)) / (x_i - x_j); plus Extra's
// term when set.
func (s System) Force(i int, x []float64) float64 {
	f := s.Modes[i].K(x[i])
	if s.Extra != nil {
		d := make([]float64, len(x))
		s.Extra(d, x)
		f += d[i]
	}
	if s.Coulomb {
		var c float64
		for j := range x {
			if j == i {
				continue
			}
			if s.Geometric {
				c += math.Sqrt(s.Modes[j].D(x[j])) / (x[i] - x[j])
			} else {
				c += 1 / (x[i] - x[j])
			}
		}
		if s.Geometric {
			f += math.Sqrt(s.Modes[i].D(x[i])) * c
		} else {
			f += s.Modes[i].D(x[i]) * c
		}
	}
	return f
}

// Phi returns the total dimensionless potential sum_i Phi_i(x_i) - sum_{i<j} log|x_i - x_j| (the
// Coulomb part only with Coulomb), so that P_s is proportional to exp(-Phi). It is +Inf where two
// eigenvalues coincide.
func (s System) Phi(x []float64) float64 {
	var p float64
	for i, m := range s.Modes {
		p += m.Phi(x[i])
	}
	if s.Coulomb {
		for i := range x {
			for j := i + 1; j < len(x); j++ {
				p -= math.Log(math.Abs(x[i] - x[j]))
			}
		}
	}
	return p
}

// Validate reports whether every mode is well defined.
func (s System) Validate() error {
	if len(s.Modes) == 0 {
		return fmt.Errorf("system has no modes")
	}
	for i, m := range s.Modes {
		if err := m.Validate(); err != nil {
			return fmt.Errorf("mode %d: %v", i, err)
		}
	}
	return nil
}

// Groups partitions mode indices into clusters of equal keys (for example the target kappa of
// each mode): modes whose keys agree to a relative 1e-12 belong together. Clusters are ordered
// by their first index; indices inside a cluster ascend. A cluster of two is a degenerate pair.
func Groups(keys []float64) [][]int {
	var out [][]int
	seen := make([]bool, len(keys))
	for i := range keys {
		if seen[i] {
			continue
		}
		g := []int{i}
		seen[i] = true
		for j := i + 1; j < len(keys); j++ {
			if !seen[j] && math.Abs(keys[j]-keys[i]) <= 1e-12*math.Max(1, math.Abs(keys[i])) {
				g = append(g, j)
				seen[j] = true
			}
		}
		out = append(out, g)
	}
	return out
}

// FreeFieldKappa returns the eigenvalues kappa_k = m^2 + 2 - 2 cos(2 pi k / n), k = 0..n-1, of the
// free scalar field kernel on a periodic 1-D lattice of n sites, in ascending order (each but the
// lowest and, for even n, the highest appears twice).
func FreeFieldKappa(m2 float64, n int) []float64 {
	k := make([]float64, n)
	for i := range k {
		k[i] = m2 + 2 - 2*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	sort.Float64s(k)
	return k
}

// StationaryWidth returns the width sqrt(g^2/Omega) of the mode's stationary density about its
// stable point x* to lowest order in the noise, with Omega = -K'(x*) the curvature of the
// potential there. It is NaN for a *Table (whose noise is D2(x), not G2) and where Omega is not
// positive.
func (m Mode) StationaryWidth() float64 {
	if _, ok := m.Drift.(*Table); ok {
		return math.NaN()
	}
	om := -m.Drift.DK(m.Drift.Stable())
	if om <= 0 {
		return math.NaN()
	}
	return math.Sqrt(m.G2 / om)
}
