package rbmdrift

import "fpsolve/symeig"

// Spectrum writes the eigenvalues of X = W^T W (N_h of them) in ascending order into dst
// (allocated if nil) and returns it. It uses a Jacobi solver warm-started from the previous
// call's eigenbasis (symeig.Warm) and does not allocate after the first call.
func (t *Trainer) Spectrum(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, t.nh)
	}
	if t.eig == nil {
		t.eig = symeig.NewWarm(t.nh)
		t.x = make([]float64, t.nh*t.nh)
	}
	gramCols(t.x, t.w, t.nv, t.nh)
	t.eig.Solve(dst[:t.nh], t.x)
	return dst
}

// ExpectedDrift writes into dst (allocated if nil) the drift dx_i/dt, per unit t = alpha*step,
// of the ascending eigenvalues x_i of X = W^T W under the exact-gradient update
// W <- W + alpha sigma_h^2 (C_t - K^-1) W at the current weights, to first order in alpha:
//
//	dx_i/dt = 2 sigma_h^2 (W v_i)^T (C_t - K^-1) (W v_i),
//
// v_i the unit eigenvector of x_i. If spec is not nil it must hold the eigenvalues from a
// Spectrum call at the current weights (so that the eigenvectors are current too); otherwise
// the spectrum is computed. It returns an error if the model is improper.
func (t *Trainer) ExpectedDrift(dst, spec []float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, t.nh)
	}
	if spec == nil {
		t.Spectrum(dst)
	}
	if !t.prepare() {
		return dst, t.improper()
	}
	nv, nh := t.nv, t.nh
	u, y := t.h[:nv], t.v[:nv]
	vec := t.eig.Vectors()
	for m := 0; m < nh; m++ {
		for i := 0; i < nv; i++ {
			var s float64
			for j, wv := range t.w[i*nh : i*nh+nh] {
				s += wv * vec[j*nh+m]
			}
			u[i] = s
		}
		var qt float64
		for i, ui := range u {
			var s float64
			for j, c := range t.ct[i*nv : i*nv+nv] {
				s += c * u[j]
			}
			qt += ui * s
		}
		// u^T K^-1 u = |L^-1 u|^2 / mu^2 with L L^T = 1 - T = K/mu^2.
		var qk float64
		for i := 0; i < nv; i++ {
			s := u[i]
			li := t.ch[i*nv : i*nv+i+1]
			for j := 0; j < i; j++ {
				s -= li[j] * y[j]
			}
			y[i] = s / li[i]
			qk += y[i] * y[i]
		}
		dst[m] = 2 * t.s2 * (qt - qk/t.mu2)
	}
	return dst, nil
}
