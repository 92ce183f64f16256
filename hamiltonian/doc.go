// Package hamiltonian holds the Fokker-Planck Hamiltonian H_FP of the stochastic Coulomb gas and
// a sparse symmetric eigensolver for its lowest levels.
//
// With P = sqrt(P_s) psi the Fokker-Planck equation of one mode becomes d_t psi = -2 H_FP psi,
//
//	H_FP = (1/2) L^dag L = -(g^2/2) d^2 + U(x),   U = K^2/(8 g^2) + K'/4,   L = g d/dx - K/(2g),
//
// so the ground state is psi_0 = sqrt(P_s) with E_0 = 0 and P(t) - P_s decays like exp(-2 E_1 t).
// Two discretisations are offered:
//
//   - FD: finite differences of L on a cell-centred grid, H = (1/2) L^T L, with no flux
//     through the walls (L psi = 0 there); tridiagonal, E_0 = 0 exactly, second order.
//   - FromOperator / Symmetrize: the exponentially fitted (Scharfetter-Gummel) generator G of
//     package fokkerplanck, symmetrised as -(1/2) X G X^-1 with X = diag(sqrt(V/p_s)). It has
//     E_0 = 0 to rounding and exactly the spectrum of the time stepper; with two or three modes
//     and the Coulomb term it lives on the ordered chamber grid.
//
// Lowest computes the k lowest eigenpairs of a symmetric sparse matrix (james-bowman/sparse CSR)
// by thick-restart Lanczos with full reorthogonalisation on the shift-invert operator
// (H - sigma I)^-1, factored by a sparse LDL^T with an automatic fill-reducing ordering (natural
// for banded matrices, nested dissection for 2-D grids), whose solves work by supernodes (runs
// of columns of L sharing their rows, dense on contiguous slices). Convergence is judged by the residual
// ||H psi - E psi||; a second Lanczos run in the complement of the found vectors recovers
// eigenvalues of exact multiplicity that a single Krylov space cannot see. For a tridiagonal
// matrix (every one-mode Hamiltonian) Lowest uses, unless told otherwise (Options.Method), an
// O(n)-per-eigenpair method instead: Sturm counts isolate each level, Rayleigh-quotient
// iteration on twisted factorisations refines it with its vector, and one inverse-iteration and
// Rayleigh-Ritz step finishes; near-degenerate levels fall back to Lanczos.
//
// SolveSpectrum is the [spectrum] stage's work: operator, symmetrisation, Lowest, and for one
// mode the finite-difference check beside it.
package hamiltonian
