package rbmdrift

import "fpsolve/symeig"

// Spectrum writes the eigenvalues of X = W^T W (N_h of them) in ascending order into dst
// (allocated if nil) and returns it. It uses a Jacobi solver warm-started from the previous
// call's eigenbasis (symeig.Warm) and does not allocate after the first call. On the large-N
// kernels (kernels_blas.go) it uses symEigen (Householder tridiagonalisation and implicit QL,
// 2.2 times as fast as gonum's Dsyev at N = 64, BenchmarkSymEigen) instead: at N = 64 the
// warm-started Jacobi solve takes about 5 times as long as Dsyev after one update (cyclic
// sweeps over the whole matrix); Jacobi remains the fallback should symEigen not converge.
func (t *Trainer) Spectrum(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, t.nh)
	}
	nh := t.nh
	if t.x == nil {
		t.x = make([]float64, nh*nh)
	}
	if t.big {
		gramColsBLAS(t.x, t.w, t.wt, t.nv, nh)
		if t.evec == nil {
			t.evec = make([]float64, nh*nh)
			t.symEig = newSymEigen(nh)
		}
		copy(t.evec, t.x)
		if t.symEig.solve(dst[:nh], t.evec) {
			t.evecOK = true
			return dst
		}
		t.evecOK = false
	}
	if t.eig == nil {
		t.eig = symeig.NewWarm(nh)
	}
	if !t.big {
		gramCols(t.x, t.w, t.nv, nh)
	}
	t.eig.Solve(dst[:nh], t.x)
	return dst
}

// spectrumValues is Spectrum without the eigenvectors on the large-N kernels (symEigen's
// values, the same to the bit as Spectrum's), Spectrum itself below them or should the values
// fail. The eigenvectors of the last Spectrum call are then stale.
func (t *Trainer) spectrumValues(dst []float64) {
	if !t.big || t.symEig == nil {
		t.Spectrum(dst)
		return
	}
	gramColsBLAS(t.x, t.w, t.wt, t.nv, t.nh)
	t.evecOK = false
	if !t.symEig.values(dst[:t.nh], t.x) {
		t.Spectrum(dst)
	}
}

// vectors returns the eigenvectors of the last Spectrum call (columns, row-major N_h x N_h,
// ascending with the values): symEigen's on the large-N kernels, else the Jacobi solver's.
func (t *Trainer) vectors() []float64 {
	if t.big && t.evecOK {
		return t.evec
	}
	return t.eig.Vectors()
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
	if t.pert == nil {
		t.pert = newPerturber(t.nv, t.nh)
	}
	t.pert.project(t.w, t.vectors())
	t.expectedDriftU(dst, t.pert.u)
	return dst, nil
}

// expectedDriftU writes the drift of ExpectedDrift into dst from u = W V (N_v x N_h, column m
// the image W v_m of eigenvector m). Requires prepare. The sums run in the order of the
// one-column loops this replaced, so the figures are the same to the bit.
func (t *Trainer) expectedDriftU(dst, u []float64) {
	nv, nh := t.nv, t.nh
	p := t.pert
	if p.big {
		t.expectedDriftBLAS(dst, u)
		return
	}
	// z = C_t u (u^T C_t u per column), y = L^-1 u by forward substitution (u^T K^-1 u).
	z, y := p.z, p.y
	mulRows(z, t.ct, u, nv, nv, nh)
	for i := 0; i < nv; i++ {
		yi := y[i*nh : i*nh+nh]
		copy(yi, u[i*nh:i*nh+nh])
		li := t.ch[i*nv : i*nv+i+1]
		combRows(yi, -1, li[:i], y, nh)
		for m := range yi {
			yi[m] /= li[i]
		}
	}
	// The column sums row by row, each still over i in order from zero (so the bits are those
	// of one column at a time), reading u, z and y along their rows.
	qt, qk := p.col[:nh], dst[:nh]
	clear(qt)
	clear(qk)
	for i := 0; i < nv; i++ {
		ui, zi, yi := u[i*nh:i*nh+nh], z[i*nh:i*nh+nh], y[i*nh:i*nh+nh]
		for m := range qt {
			qt[m] += ui[m] * zi[m]
			qk[m] += yi[m] * yi[m]
		}
	}
	for m, v := range qt {
		dst[m] = 2 * t.s2 * (v - qk[m]/t.mu2)
	}
}
