// Package teacher trains the teacher-student model of the source talk in ensembles of
// independent runs, records the spectra of the student, measures their drift, and holds the
// theory of its stationary fluctuations.
//
// # Model
//
// The teacher is the symmetric N x N matrix W_t = O diag(d) O^T, O Haar-orthogonal from the
// seed (HaarOrthogonal, TeacherWeights). Inputs x ~ N(0, 1_N), targets y = W_t x, student W
// with W_ij ~ N(0, s^2) at the start, per-sample loss |y - W x|^2/2. An update is
//
//	W <- W + alpha mean_b[(W_t - W) x_b x_b^T + a_b],
//
// a_b symmetric Gaussian (GOE-shaped: off-diagonal sd eps, diagonal sd sqrt(2) eps). Online
// data (DataOnline) draws fresh x and a at every update; fixed data (DataFixed) draws Samples
// of each once and cycles through them in a fixed order of mini-batches for Epochs passes, the
// inputs optionally shared by the whole ensemble (SharedData). The recorded spectrum is the
// singular values of W or the eigenvalues of W^T W, ascending; the mode k learns Targets()[k],
// |d| or d^2 sorted ascending.
//
// # Linear theory
//
// With D = W - W_t and C = mean_b x_b x_b^T = 1 + F, A = mean_b a_b the update is exactly
// linear, D' = (1 - alpha) D - alpha D F + alpha A. Per unit t = alpha * step the mean drift is
// -D (Omega = 1). Near the teacher a singular value s_i = d_i + o_i^T D o_i + O(D^2), so each
// singular value has the linear drift Drift(x, d) = -(x - d); an eigenvalue of W^T W,
// d^2 + d o^T (D + D^T) o, has drift -(x - d^2) likewise. The noise A is GOE with variance
// eps^2/|B| per update, gt^2 = eps^2 per sample, g^2 = (alpha/|B|) eps^2 (NoiseG2). A degenerate
// pair of singular values is then the two-mode harmonic Coulomb gas of docs/REFERENCES.md R6:
// Wigner surmise, rho(x), Binder -4/27, <S> = sqrt(pi) sigma, and with the AR(1) law R9 at
// Omega = 1, sigma^2 = (alpha/|B|) eps^2/(1 - alpha/2) at leading order (LeadingSigma2,
// LeadingSpacing).
//
// # Exact stationary second moment
//
// The data noise F multiplies D, so it adds to the variance at order alpha^2/|B|. Write
// Q_ijkl = E[D_ij D_kl], kappa = 1 - (1 - alpha)^2 = alpha (2 - alpha), beta = alpha^2/|B|.
// F and A are independent of D and of each other with mean zero, and for Gaussian x
// E[(x_m x_j - d_mj)(x_n x_l - d_nl)] = d_mn d_jl + d_ml d_jn (from
// E[x x^T A x x^T] = A + A^T + tr(A) 1), divided by |B| for the batch mean;
// E[A_ij A_kl] = (eps^2/|B|)(d_ik d_jl + d_il d_jk). The stationary condition is
//
//	kappa Q_ijkl = beta (d_jl P_ik + Q_ilkj) + beta eps^2 (d_ik d_jl + d_il d_jk),
//
// P_ik = sum_m Q_imkm = E[D D^T]_ik. The noise is invariant under D -> U D U^T (U orthogonal),
// and so is the stationary law: Q = a d_ik d_jl + b d_il d_jk + c d_ij d_kl, P = (N a + b + c) 1.
// Matching the three tensors,
//
//	kappa a = beta ((N+1) a + b + c) + beta eps^2,   kappa b = beta c + beta eps^2,   kappa c = beta b,
//
// whence (StationaryCovariance)
//
//	a = beta eps^2 kappa/((kappa - beta)(kappa - (N+1) beta)),
//	b = beta eps^2 kappa/((kappa - beta)(kappa + beta)),   c = beta b/kappa,
//
// finite while kappa > (N+1) beta (Validate refuses the rest). For N = 2 the symmetric part
// H = (D + D^T)/2 has Var H_12 = Var (H_11 - H_22)/2 = (a + b)/2, independent Gaussians at this
// order, so the spacing of the pair, S = 2 sqrt(((H_11 - H_22)/2)^2 + H_12^2), has the Wigner
// surmise with
//
//	sigma_exact^2 = a + b = beta eps^2 kappa/(kappa - beta) [1/(kappa - (N+1) beta) + 1/(kappa + beta)]
//
// (ExactSigma2, ExactSpacing; it tends to 2 beta eps^2/kappa = LeadingSigma2 as beta -> 0).
// The approximations: (1) the pair's eigenvalues are taken to first order in D, d + eig(H); the
// antisymmetric part enters the singular values at O(sigma^2/d), a relative change of <S> of
// order sigma^2/d^2 (about 1e-4 at the paper's settings); (2) D is treated as Gaussian for the
// surmise: the multiplicative noise makes it a mixture of Gaussians whose covariance varies by a
// relative amount of order alpha/|B|, which leaves <S^2> = 4 sigma^2 exact but lowers
// <S> = sqrt(pi) sigma by a relative amount of the same order, about (alpha/|B|)/8 (measured:
// 0.3% at alpha = 0.1, |B| = 4, 0.6% at alpha = 0.5, |B| = 4, 0.1% or less at |B| = 64).
// The centre of mass has variance (a + b + 2c)/2 instead of (a + b)/2, which the spacing
// does not see. For eps = 0.1, N = 2, the independent NumPy
// trainer of docs/REFERENCES.md R13 gives <S> = 0.01440(5), 0.02915 and 0.03704 where
// ExactSpacing gives 0.01442, 0.02915 and 0.03698.
//
// # Runs and seeds
//
// Run r draws from NewSource(Seed, r) alone (W row-major; then with fixed data its inputs,
// unless shared, and its Samples noise matrices; online, per update, the |B| inputs and then
// the batch's noise), the teacher from stream TeacherStream and shared inputs from DataStream, so a
// run is the same alone, in an ensemble or on any number of goroutines. Online, the batch
// mean of the noise is drawn at once (exact in law). The drift is measured with
// rbmdrift.DriftAccumulator over [0, 2 max|d|) for singular values ([0, 4 max d^2) for the gram
// spectrum) unless DriftLo, DriftHi are set; Trained builds the ensemble.Trained.
package teacher
