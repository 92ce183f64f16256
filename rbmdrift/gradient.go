package rbmdrift

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// modelKernel returns K = mu^2 1 - sigma_h^2 W W^T for the N_v x N_h matrix w.
func modelKernel(cfg Config, w mat.Matrix) *mat.SymDense {
	r, _ := w.Dims()
	var k mat.SymDense
	k.SymOuterK(-cfg.SigmaH*cfg.SigmaH, w)
	for i := 0; i < r; i++ {
		k.SetSym(i, i, k.At(i, i)+cfg.Mu2)
	}
	return &k
}

// KL returns the Kullback-Leibler divergence KL(target || model), in nats, between the free-field
// target N(0, C_t) and the RBM's visible distribution N(0, K^-1), K = mu^2 - sigma_h^2 W W^T:
//
//	KL = (1/2) [tr(K C_t) - log det(K C_t) - N_v].
//
// It returns an error if the model is improper (K not positive definite).
func KL(cfg Config, w mat.Matrix) (float64, error) {
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	ct, err := TargetCovariance(cfg.Visible, cfg.TargetM2)
	if err != nil {
		return 0, err
	}
	k := modelKernel(cfg, w)
	var ch mat.Cholesky
	if !ch.Factorize(k) {
		return 0, fmt.Errorf("model is improper (K not positive definite)")
	}
	var ctCh mat.Cholesky
	ctCh.Factorize(ct)
	var p mat.Dense
	p.Mul(k, ct)
	return 0.5 * (mat.Trace(&p) - ch.LogDet() - ctCh.LogDet() - float64(cfg.Visible)), nil
}

// ExactUpdate writes into dst (resized if empty) the exact-gradient update direction
// sigma_h^2 (C_t - K^-1) W at the weights w (N_v x N_h): the PCD update with C_model replaced by
// the model's exact covariance, per unit of alpha. It equals -dKL/dW exactly (factor 1; see the
// package documentation). It returns an error if the model is improper.
func ExactUpdate(dst *mat.Dense, cfg Config, w mat.Matrix) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	ct, err := TargetCovariance(cfg.Visible, cfg.TargetM2)
	if err != nil {
		return err
	}
	var ch mat.Cholesky
	if !ch.Factorize(modelKernel(cfg, w)) {
		return fmt.Errorf("model is improper (K not positive definite)")
	}
	var kinv mat.SymDense
	if err := ch.InverseTo(&kinv); err != nil {
		return err
	}
	var g mat.Dense
	g.Sub(ct, &kinv)
	dst.Mul(&g, w)
	dst.Scale(cfg.SigmaH*cfg.SigmaH, dst)
	return nil
}
