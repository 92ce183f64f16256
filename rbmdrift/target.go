package rbmdrift

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// TargetKernel returns the kernel K_t = (m^2 + 2) 1 - shift - shift^T of the free scalar field on
// a periodic 1-D lattice of n sites. Its eigenvalues are kappa_k = m^2 + 2 - 2 cos(2 pi k / n)
// (model.FreeFieldKappa). It panics if n < 1.
func TargetKernel(n int, m2 float64) *mat.SymDense {
	if n < 1 {
		panic("rbmdrift: lattice size must be positive")
	}
	k := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		k.SetSym(i, i, m2+2)
	}
	// For n = 1 the two neighbours are the site itself; for n = 2 both neighbours are the other
	// site. Accumulate so that both cases come out right.
	for i := 0; i < n; i++ {
		j := (i + 1) % n
		k.SetSym(i, j, k.At(i, j)-1)
		if n == 2 {
			break
		}
	}
	if n == 2 {
		k.SetSym(0, 1, -2)
	}
	if n == 1 {
		k.SetSym(0, 0, m2)
	}
	return k
}

// TargetCovariance returns the target covariance C_t = K_t^-1 of the free field (see
// TargetKernel). It returns an error if K_t is not positive definite (m^2 <= 0).
func TargetCovariance(n int, m2 float64) (*mat.SymDense, error) {
	var ch mat.Cholesky
	if !ch.Factorize(TargetKernel(n, m2)) {
		return nil, fmt.Errorf("target kernel with m2 = %g is not positive definite", m2)
	}
	var c mat.SymDense
	if err := ch.InverseTo(&c); err != nil {
		return nil, fmt.Errorf("target covariance: %v", err)
	}
	return &c, nil
}
