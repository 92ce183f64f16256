// Package langevin integrates the stochastic Coulomb gas of weight-matrix eigenvalues in
// discrete time, one step per SGD update, at two levels:
//
//   - Eigen, the eigenvalue level: the source talk's update
//     x_i' = x_i + alpha K_i + (alpha^2/|B|) sum_j gt_i^2/(x_i - x_j) + (alpha/sqrt|B|) sqrt2 gt_i eta_i,
//     written with the continuum noise g_i^2 = G2(alpha, |B|, gt_i^2) of model.Mode.G2 and the
//     time t = alpha*step;
//   - Matrix, the matrix level: a symmetric matrix with the drift applied in its own eigenbasis
//     and GOE noise, diagonalised every step; its eigenvalues feel the Coulomb repulsion through
//     second-order perturbation theory.
//
// Ensembles of walkers (Ensemble, Run) spread over goroutines; each walker draws from its own
// xoshiro256++ stream seeded by (seed, walker index) alone, so results are bit-identical for any
// number of goroutines or shards. Inner loops do not allocate.
//
// # Ordering, walls and near collisions
//
// With the Coulomb term eigenvalues never cross: the mode with the k-th lowest stable point holds
// the k-th smallest eigenvalue (Order). A step that would cross is re-sorted, which reflects the
// crossing pair across x_i = x_j. A value that leaves its domain (rbm: [0, mu^2)) is reflected at
// the wall once, and the move is rejected if that does not bring it back. Where two neighbours
// come within gap^2 < DefaultRefine * alpha (D_i + D_j), Eigen halves the step (Brownian-bridge
// noise) until they do not: the plain map kicks such a pair apart by alpha D/gap, a jump of
// divergent variance (measured for alpha Omega = 0.02 to 0.4: the pooled variance of a harmonic pair
// comes out 200 to 10000 times too large). With the refinement the eigenvalue level agrees with the matrix
// level up to a bias of order alpha Omega (measured on two harmonic modes: pooled variance -0.9%
// at alpha Omega = 0.2, -0.3% at 0.05).
//
// # The RBM in matrix form
//
// The idealised Gaussian RBM updates its weights W (M x N) by
// W <- W + alpha sigma_h^2 (C_target - K(W)^-1) W + noise, K(W) = mu^2 - sigma_h^2 W W^T. With
// W = U diag(xi) V^T and C_target diagonal in the basis U (eigenvalues 1/kappa_i; the basis that
// learning aligns), the singular values move by d xi_i = alpha sigma_h^2 (1/kappa_i -
// 1/(mu^2 - sigma_h^2 xi_i^2)) xi_i, so x_i = xi_i^2 obeys, to first order in alpha,
//
//	dx_i/dt = 2 sigma_h^2 (1/kappa_i - 1/(mu^2 - sigma_h^2 x_i)) x_i.
//
// In u_i = sigma_h^2 x_i this is du_i/dt = 2 sigma_h^2 K(u_i) with K the drift of model.RBM: the
// matrix form drives u at 2 sigma_h^2 times the source talk's K (a factor 2 for sigma_h = 1, from
// dx = 2 xi dxi), towards the fixed point u = mu^2 - kappa, x = (mu^2 - kappa)/sigma_h^2. The
// same factor rescales time and g^2: the eigenvalue process of the RBM matches Eigen with
// model.RBM after t -> 2 sigma_h^2 t. RBMMatrix is that weight-level
// integrator: an idealised RBM whose state is W, stepped by the exact-gradient update plus
// Gaussian weight noise (multiplicative eigenvalue noise D(x) = 2 s_W^2 x, see its doc).
package langevin
