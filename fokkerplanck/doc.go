// Package fokkerplanck solves the Fokker-Planck equation of the stochastic Coulomb gas of
// weight-matrix eigenvalues,
//
//	dP/dt = sum_i d_i [ D_i d_i P - F_i P ],   F_i = K_i(x_i) + D_i sum_{j != i} 1/(x_i - x_j),
//
// by finite volumes on a tensor grid of one to three modes.
//
// The flux between neighbouring cells is exponentially fitted (Scharfetter-Gummel):
// with Phi_c the cell average of the total dimensionless potential (Phi_c = -log of the cell mean of
// exp(-Phi), Phi including -sum log|x_i - x_j|), the flux from cell a to its neighbour b is
//
//	T_ab [ B(Phi_b - Phi_a) p_a - B(Phi_a - Phi_b) p_b ],   B(z) = z/(e^z - 1),
//
// with T_ab = D(face) * face area / dx, dx the distance between the cell centres. Every edge is
// in detailed balance with exp(-Phi_c), so the discrete stationary density is exactly
// exp(-Phi_c) normalised, the total mass is conserved to rounding and the generator is similar
// to a symmetric matrix.
//
// With the Coulomb term and two or three modes only the ordered chamber x_0 < x_1 < x_2 is
// gridded: the cells with i_0 <= i_1 <= i_2 on a common axis, diagonal cells cut to the part
// inside the chamber, and no flux across x_i = x_j (eigenvalues never cross; a square grid that
// lets probability pass between orderings has a spurious slow mode). Modes of a chamber are in
// ascending order of eigenvalue.
//
// Time stepping (Solver) splits the generator by axis (Strang ordering) and solves each axis
// implicitly line by line with the Thomas algorithm, either by backward Euler (positive and
// mass-conserving for every dt, first order) or by TR-BDF2 (second order, L-stable). Every axis
// factor annihilates exp(-Phi_c), so the split step keeps the stationary state exact.
//
// An axis may be graded (Axis.Edges, NewGradedAxis): cells of unequal width, for a density that
// spans decades near a wall (multiplicative noise D2 ~ x). Cell volumes are the widths, the
// quadratures of exp(-Phi) use each cell's edges and the flux between neighbours the distance
// between their centres, so the stationary state stays exact and the scheme second order in the
// cell widths. Graded axes are supported where the operator is one dimensional: an Operator of
// one mode and a Clustered solver of single-mode clusters.
//
// More than three modes are handled by Clustered: clusters of at most three modes, each solved
// exactly on its own grid, coupled through the mean-field Coulomb force of the other clusters'
// marginals.
package fokkerplanck
