// Package rbmdrift trains the scalar-field Gaussian restricted Boltzmann machine of Aarts, Lucini
// and Park (arXiv:2407.16427) with persistent contrastive divergence, in ensembles of independent
// runs, records the spectra of X = W^T W and measures the eigenvalues' drift and diffusion for the
// `table` drift of package model.
//
// # Model and target
//
// S(phi, h) = mu^2 phi.phi/2 + (h - eta).(h - eta)/(2 sigma_h^2) - phi^T W h with W the
// N_v x N_h weight matrix and eta = 0. The conditionals are h | phi ~ N(sigma_h^2 W^T phi,
// sigma_h^2) and phi | h ~ N(W h/mu^2, 1/mu^2); the visible marginal is N(0, K^-1) with
// K = mu^2 - sigma_h^2 W W^T, proper while every eigenvalue x of X satisfies sigma_h^2 x < mu^2.
// The target is the free field on a periodic chain, kernel K_t = (m^2 + 2) 1 - shift - shift^T,
// eigenvalues kappa_k = m^2 + 2 - 2 cos(2 pi k/N_v), covariance C_t = K_t^-1.
//
// # Training
//
// Only W is learned: W <- W + alpha sigma_h^2 (C_data - C_model) W, with C_data = C_t ("exact")
// or the mean of phi phi^T over |B| exact target samples phi = L z, L L^T = C_t ("samples"), and
// C_model the mean of phi phi^T over |B| persistent chains after each has advanced k full Gibbs
// steps phi -> h -> phi. W_ij ~ N(0, s^2) at the start, chains at phi = (1, ..., 1).
//
// One Gibbs step is linear-Gaussian: phi' = T phi + xi_1, T = (sigma_h^2/mu^2) W W^T,
// xi_1 = (sigma_h/mu^2) W z_h + z_phi/mu ~ N(0, (1 + T)/mu^2). T and the noise covariance commute,
// so k steps are phi' = T^k phi + xi, xi ~ N(0, Sigma_k),
//
//	Sigma_k = sum_{m<k} T^m (1 + T) T^m / mu^2 = (1/mu^2) sum_{j<2k} T^j = (1/mu^2) P (1 + T^k),
//
// P = sum_{j<k} T^j. The default sampler ("direct") draws this law exactly: k small matrix
// products and one Cholesky factorisation per update, then one mat-vec and one correlated normal
// vector per chain. The "gibbs" sampler performs the k steps explicitly. Both leave N(0, K^-1)
// invariant: K^-1 - T K^-1 T = (1 - T^2)/(mu^2 (1 - T)) = (1 + T)/mu^2.
//
// # Gradient
//
// KL(target || model) = (1/2)[tr(K C_t) - log det K - log det C_t - N_v], so
// dKL = (1/2) tr((C_t - K^-1) dK) with dK = -sigma_h^2 (dW W^T + W dW^T), hence
//
//	dKL/dW = -sigma_h^2 (C_t - K^-1) W:
//
// the PCD update is alpha times minus the gradient of the KL divergence (in nats), factor exactly
// 1, with C_model standing in for K^-1 (ExactUpdate, KL).
//
// # Eigenvalue drift and the source talk's K(x)
//
// With G = C_t - K^-1 the exact update is W' = W + alpha sigma_h^2 G W, so
// X' = W'^T W' = X + 2 alpha sigma_h^2 W^T G W + O(alpha^2) and, by first-order perturbation
// theory, per unit of t = alpha * step,
//
//	dx_i/dt = 2 sigma_h^2 (W v_i)^T G (W v_i),   X v_i = x_i v_i (ExpectedDrift).
//
// When W's left singular vectors are aligned with the target's eigenvectors, W v_i = sqrt(x_i) u_i
// with C_t u_i = u_i/kappa_i and K^-1 u_i = u_i/(mu^2 - sigma_h^2 x_i), so
//
//	dx_i/dt = 2 sigma_h^2 (1/kappa_i - 1/(mu^2 - sigma_h^2 x_i)) x_i.
//
// In terms of y = sigma_h^2 x and tau = 2 sigma_h^2 t this is dy/dtau = (1/kappa - 1/(mu^2 - y)) y,
// the source talk's K(y) (model.RBM). So with sigma_h = 1 the drift measured here, per unit
// t = alpha * step, is twice the source talk's K(x): the source talk's time is tau = 2 alpha * step. The fixed
// point is x_s = (mu^2 - kappa)/sigma_h^2 (Config.TargetSpectrum).
//
// # Drift measurement
//
// With MeasureEvery = m > 0 the trainer computes the spectrum before and after every update at
// steps s = 0, m, 2m, ... and bins the single-step increment dx_i = x_i(s+1) - x_i(s) of each
// ascending eigenvalue by x_i(s) (Kramers-Moyal from single steps, never from the record
// interval), together with the exact-gradient drift at W(s). DriftAccumulator.Table gives
// D1 = <dx>/dt and D2 = <(dx - D1 dt)^2>/(2 dt) with dt = alpha, standard errors and counts.
// Accumulators hold integer counts and float sums; MergeDrift adds them in ascending run index,
// which makes a merged ensemble independent of sharding and scheduling. Merged float sums depend
// on the order of addition in the last bits, so merge per-run accumulators in run order (not
// pre-merged shards) to reproduce an unsharded result bit for bit.
//
// The spectrum before a measured step is the Jacobi solver's, warm-started from the previous
// eigenbasis (symeig.Warm; on the large-N kernels a fresh solve by tridiagonalisation and QL), unless the previous step was
// measured too. The spectrum after it
// comes, with Measure = MeasurePerturbative (the default), from perturbation theory in the old
// eigenbasis: the update W' = (1 + f G) W, f = alpha sigma_h^2, changes X by terms of first and
// second order in f G, and the eigenvalues are needed to second order (the level repulsion,
// the Coulomb term of the drift, is a second-order effect). Two stages (see perturber.update:
// exact rotations of the nearly degenerate pairs, a first-order rotation of the basis, then
// second-order perturbation theory in the rotated basis) leave an error of fourth or higher
// order, a millionth of a step's change at the paper's settings; TestPerturbativeMeasurement
// shows that the binned drifts and diffusions agree with the exact solve's (MeasureExact) to
// about 1e-4 of their standard errors. A step whose levels cannot be separated that way falls
// back to the exact solve, and recorded spectra are always the exact solve's.
//
// # Eigenvalue noise of the PCD update
//
// PCDNoise derives the noise of the eigenvalues from the update itself, with no measured input.
// Write f = alpha sigma_h^2 and G = C_t - C_model, C_model = (1/|B|) sum_b phi_b phi_b^T over the
// persistent chains, so that W' = (1 + f G) W and X' = W^T (1 + f G)^2 W. For a unit eigenvector v
// of X with eigenvalue x, u = W v is an eigenvector of W W^T with the same eigenvalue and
// |u|^2 = x, so to first order
//
//	dx = v^T (X' - X) v = 2 f u^T G u,
//
// and its fluctuating part is -2 f u^T (C_model - <C_model>) u. Given W the chains are Gaussian with
// the model covariance Sigma = K^-1, K = mu^2 - sigma_h^2 W W^T (exactly: the Gibbs steps are
// linear-Gaussian), independent across chains. With a_b = u^T phi_b ~ N(0, q), q = u^T K^-1 u, the
// Gaussian fourth moment gives Var(a_b^2) = 2 q^2, so Var(u^T C_model u) = 2 q^2/|B|; and since u is
// an eigenvector of W W^T, K^-1 u = u/(mu^2 - sigma_h^2 x):
//
//	q(x) = x / (mu^2 - sigma_h^2 x),   Var(dx) = 8 f^2 q^2/|B|,
//	D2(x) = Var(dx)/(2 alpha) = 4 alpha sigma_h^4 q(x)^2/|B|       (per unit t = alpha step).
//
// The noise is multiplicative: D2 grows as x^2 near the wall and diverges at the edge
// mu^2/sigma_h^2 of proper models; its logarithmic slope 2/x + 2 sigma_h^2/(mu^2 - sigma_h^2 x) is
// 2.25 at x = 1 and 0.9 at x = 5 for the paper's mu^2 = 9 (the slopes measured by the drift tables
// are 1.9-2.0 and 0.9-1.3 there). The same computation for two eigenvalues gives the off-diagonal
// coupling E[(v_i^T dX v_j)^2] = 4 f^2 q_i q_j/|B| (u_i^T K^-1 u_j = 0), the strength of their
// second-order repulsion: per unit t, 4 alpha sigma_h^4 q_i q_j/(|B| (x_i - x_j)), which is
// D2(x_i)/(x_i - x_j) for close levels, the Coulomb term of the source talk's gas.
//
// The persistent chains carry the noise from one update to the next: k Gibbs steps map
// phi -> T^k phi + xi with T = sigma_h^2 W W^T/mu^2, and u is an eigenvector of T with eigenvalue
// tau = sigma_h^2 x/mu^2, so a_b follows an AR(1) process a' = tau^k a + noise and
// Cov(a_s^2, a_{s+m}^2) = 2 tau^{2km} q^2. Successive updates' noise is correlated with
// rho(x) = tau^{2k} (PCDNoise.Correlation), and over many updates the eigenvalue diffuses with the
// sum of the autocovariances, D2 (1 + rho)/(1 - rho) (PCDNoise.Diffusion): the single-step D2
// that the drift measurement estimates, times 1.06 at the top eigenvalue x = 5 for k = 3 and
// mu^2 = 9 (1.9 for k = 1). The drift measurement, from single steps, sees D2; the Coulomb gas
// that reproduces the ensemble over long times needs the correlated sum.
//
// In the source talk's variables (y = sigma_h^2 x, tau = 2 sigma_h^2 t, drift
// K(y) = (1/kappa - 1/(mu^2 - y)) y) the gas has g^2(y) = sigma_h^2 D2 (1 + rho)/(1 - rho)/2
// (PCDNoise.G2); with sigma_h = 1 that is (alpha/|B|) gtilde2 with gtilde2 = 2 q(y)^2 (1+rho)/(1-rho):
// at the fixed points y* = mu^2 - kappa of the paper's target, q = y*/kappa and gtilde2 =
// 0.031, 0.066, 0.26, 0.91, 2.3, 3.3 for kappa = 8, 7.62, 6.62, 5.38, 4.38, 4 (measured at
// alpha = 0.1, |B| = 16: 0.033, 0.069, 0.27, 0.93, 2.1, 2.3).
//
// Checks (noise_pcd_test.go): at the fixed point and alpha = 0.02 the measured single-step
// diffusion of every eigenvalue is the derived one to 1-5% (the sorting of a degenerate pair
// moves a few per cent of the variance from its upper to its lower member; pairs' means agree to
// 1%); at alpha = 0.1 the terms of higher order, left out above, grow with alpha/|B|: they add
// 2-4% at |B| = 64, 5-10% at 16 and 15-24% at 4 to the lower eigenvalues' diffusion, and take
// 5%, 18% and 42% from the top eigenvalue's (near the edge mu^2). The chains' lag-1 correlation of u^T C_model u is tau^{2k} to 0.001
// for k = 1 and 3. What this leading order leaves out of the noise: terms of order alpha^2 in dx
// (f^2 u^T G^2 u and its cross term with the first order), the lag of the chains behind a moving W
// (which biases the drift, not the noise), and the sorting of nearly degenerate levels (which the
// gas's repulsion models); what it leaves out of the drift, the next section adds.
//
// # Beyond the leading order: the noise's drift and the eigenvectors' tilt
//
// The gas of the leading order moves the eigenvalues alone, each with the target-aligned drift
// 2 sigma_h^2 x_i (1/kappa_i - s_i), s_i = 1/(mu^2 - sigma_h^2 x_i), the derived noise and the
// repulsion sqrt(D_i D_j)/(x_i - x_j). The RBM's stationary state tests that force with nothing
// fitted: there every eigenvalue's mean increment vanishes, so the right drift has mean zero over
// the RBM's own configurations, and a mean left over them is a term the gas misses. At |B| = 4,
// alpha = 0.1 (the sweep point furthest from the leading order; TestPCDDriftTerms, per unit t,
// standard errors 0.0002-0.008) it leaves -0.007, -0.008, -0.018, -0.020, -0.054, -0.028,
// -0.122, +0.018, -0.117, +0.164 for the ten eigenvalues in ascending order. Two terms of order
// alpha/|B| account for it; PCDNoise.NextOrder gives both, and fpsolve's [noise] model = "pcd"
// adds them to the gas (next_order = false leaves them out).
//
// The noise's second-order drift (PCDNoise.SecondOrderDrift). To second order in f,
// dx_i = 2 f x_i G_ii + f^2 x_i (G^2)_ii + sum_j 4 f^2 x_i x_j G_ij^2/(x_i - x_j) in the
// eigenbasis e of W W^T (G_ij = e_i^T G e_j); the last sum is the Coulomb term, and the mean of
// the middle one over the chains' fluctuation, with E[G_ii^2] = 2 s_i^2/|B| and E[G_ik^2] =
// s_i s_k/|B| (Gaussian fourth moments), is alpha sigma_h^4 x_i s_i (s_i + sum_k s_k)/|B| per
// unit t, the sum over all N_v visible directions (s = 1/mu^2 outside the range of W). Measured
// on the RBM above: +0.003, +0.005, +0.007, +0.011, +0.016, +0.023, +0.031, +0.042, +0.056,
// +0.083 (it is a function of the configuration, evaluated there).
//
// The eigenvectors' tilt (PCDNoise.TiltDrift). The noise tilts the eigenvectors of W W^T away
// from the target's, and a tilted eigenvector sees a mix of the target's variances: the
// first-order drift is 2 sigma_h^2 x_i (e_i^T C_t e_i - s_i) (Trainer.ExpectedDrift), which a
// tilt theta_ik towards the target eigenvector of kappa_k changes by 2 sigma_h^2 x_i theta_ik^2
// (1/kappa_k - 1/kappa_i). Measured: +0.005, +0.005, +0.012, +0.012, +0.037, +0.011, +0.075,
// -0.104, -0.040, -0.211. The tilt follows from the same update: W' = (1 + f G) W rotates e_i
// towards e_k by f (x_i + x_k) G_ik/(x_i - x_k) per step. The mean of G_ik, (C_t)_ik =
// theta_ki (1/kappa_k - 1/kappa_i), restores the tilt at the rate
// f (x_i + x_k) |1/kappa_k - 1/kappa_i|/|x_i - x_k| per step, and its fluctuation, variance
// s_i s_k/|B|, drives it. Where the tilt relaxes faster than the gap moves, its small-tilt mean
// square is the ratio of the two (an Ornstein-Uhlenbeck variance),
//
//	theta_ik^2 = alpha sigma_h^2 (x_i + x_k) s_i s_k / (2 |B| |x_i - x_k| |1/kappa_k - 1/kappa_i|),
//
// and for small tilts the drift's change is an attraction of Coulomb form between eigenvalues
// that learn different kappa (within a degenerate kappa a tilt changes nothing),
// alpha sigma_h^4 x_i s_i (x_i + x_k) s_k sgn(kappa_i - kappa_k)/(|B| |x_i - x_k|). With the pair's
// whole second-order term, f^2 x_i (x_i + 3 x_k) G_ik^2/(x_i - x_k) (the Coulomb term and the
// pair's share of the second-order drift), it leaves 2 alpha sigma_h^4 x_i s_i x_k s_k/
// (|B| (x_i - x_k)): two levels of different kappa repel with half the Coulomb strength that the
// levels of a degenerate pair keep. Near the top of the spectrum theta_ik^2 passes 1/2, where
// the small-tilt form fails (mixing is at most complete). The angle lives on a circle: the mean
// of G_ik restores it as -gamma sin(2 theta)/2, so its stationary law is proportional to
// exp(cos(2 theta)/(4 theta_ik^2)) and the mixing is MeanSin2(theta_ik^2) = (1 - I1(c)/I0(c))/2,
// c = 1/(4 theta_ik^2): theta_ik^2 for small tilts, 1/2 for full mixing (TiltDrift uses it).
// Evaluated on the RBM's configurations, TiltDrift is the measured tilt drift to 3-17% for the
// seven lower eigenvalues (+0.004, +0.004, +0.011, +0.010, +0.034, +0.012, +0.088), and
// -0.074, -0.020, -0.264 for the top three (the small-tilt form: -0.077, +0.084, -0.361).
//
// With both terms the gas's residual on the RBM's configurations falls to +0.001, +0.001,
// -0.000, +0.001, -0.004, +0.007, -0.003 for the lower seven eigenvalues and -0.015, -0.081,
// -0.017 for the top three; the -0.08 of the upper member of the top pair is what the measured
// tilt leaves too (a term of third order near the edge mu^2, not the tilt). The testdata sweeps
// with them reproduce the RBM's <S> to 2.8% on average over the learning-rate sweep (chi2 per
// point 0.64, every point within 9%; the leading-order gas: 4.5%, up to 12.8%) and to 4.4% over
// the batch sweep (chi2 per point 2.0; leading order 8.6%, chi2 7.8, up to 30%). What remains is
// largest at |B| = 4, where the gas's pairs come out 4-14% narrow (the RBM's standard errors
// there are 3.6-4.5%). The noise
// itself holds bin by bin: over the RBM's growth from its small initial weights (x from 0.01 to
// 4.2, D2 over five decades) the measured single-step diffusion about the exact expected
// increment is SingleStep's with chi2 per bin 1.2 in 99 bins (TestPCDNoiseBins, alpha = 0.05).
//
// # Ensembles and reproducibility
//
// Run r draws every random number (initial weights, chains, target samples) from its own
// generator NewSource(Seed, r), so TrainRun(cfg, r) reproduces run r bit for bit alone, inside
// TrainEnsemble, with any number of goroutines, and in any shard.
//
// # Large N
//
// From max(N_v, N_h) = 16 on the trainer runs on batched kernels (kernels_blas.go): the Batch
// chains advance together as matrix-matrix products; T, C_model, G W, the powers of T and
// W V for the drift come from one matrix product (kernels_gemm.go: an AVX2/FMA
// micro-kernel where the CPU has it, gonum's Dgemm otherwise), the Cholesky factors and
// triangular solves from gonum's LAPACK and BLAS, and the exact spectrum from a Householder
// tridiagonalisation on AVX kernels (householder.go) followed by an implicit QL iteration that
// keeps the eigenvectors as contiguous rows (tridiag.go, about 3 times as fast as gonum's Dsyev
// at N = 64). The measured steps take the exact solve there, whatever Measure says: it was
// faster than the perturbative update at N = 16, 32 and 64 (9.5, 38 and 192 us against 10.6,
// 50 and 273 us, BenchmarkMeasuredSpectrum), which the large-N kernels no longer have, and
// where the next step is not measured (measure_every > 1) it skips the eigenvectors. The Gibbs
// sampler with exact data decides most updates' propriety by a bound carried from update to
// update (propriety.go: lambda_max(T) grows by at most (1 + alpha sigma_h^2 lambda_max(C_t))^2
// per update, re-certified by one Cholesky factorisation every six or seven updates) instead of
// forming T and factorising 1 - T at each, with the same runs to the bit.
// Below that size the hand-written loops run unchanged. The batched runs are reproducible in
// the same way (on one machine) but are other realisations (the deviates are drawn in another
// order), so their configs carry "Kernels": 4 in the JSON form. (Generation 2 marked the runs
// whose exact spectra came from Dsyev, generation 3 those whose symEigen reduced by gonum's
// Dsytrd and whose measured spectra were perturbative; they differ from today's in the last
// bits of the recorded and measured eigenvalues, so a run store does not mix them with new
// runs.)
//
// Up to N = 12 a few of the loops (the direct sampler's chains, C_model and powers of T,
// T = W W^T, G W, the perturbative update's products and Gram-Schmidt, X = W^T W) run on AVX kernels
// where the CPU has them (kernels_amd64.s: comb2avx, comb2pair10, rank2x10, mgs10). They do a
// loop's multiplications and additions, unfused, in its order, four lanes at a time, so a run is
// the same to the bit with or without them (TestGoldenN10 and TestGoldenN10Loops pin both to the
// same digests). On the large-N kernels the same holds for the plane rotations of the QL
// iteration and of the perturber (rot4avx, with the perturber's rotations of r and u applied
// after each sweep on their transposes), for the 4 x 4 block transposes of transpose and
// mirrorUpper (trans4strip), and for the symmetric products, of which gemmTri computes one
// triangle. All trainers draw their normal deviates in batches (Source.FillNormal), the same
// deviates in the same order as one call at a time.
package rbmdrift
