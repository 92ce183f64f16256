// Package rmt holds the random-matrix and statistics analysis that all solvers of fpsolve share:
// the closed-form laws that the eigenvalues of a weight matrix must follow, and the tools to compare
// a sample or a tabulated density with them.
//
// Laws:
//   - the Wigner surmise for the spacing S = |x_1 - x_2| of two degenerate modes in a harmonic
//     well (Gaussian Coulomb gas, beta = 1, N = 2), P(S) = S/(2 sigma^2) exp(-S^2/(4 sigma^2)),
//     with sigma^2 = g^2/Omega, and its unit-mean form (WignerSurmise, WignerSurmiseUnit);
//   - the pooled one-mode density of the same pair, rho(y), y = x - c, with <y^2> = 1.5 sigma^2
//     and Binder cumulant -4/27, and the densities of the lower and upper eigenvalue
//     (TwoModeDensity, TwoModeLower, TwoModeUpper);
//   - the Marchenko-Pastur law of X = W^T W for a fresh random W (MarchenkoPastur).
//
// Tools: sample and tabulated moments with the Binder cumulant, histograms, Gaussian kernel
// density estimates, one- and two-sample Kolmogorov-Smirnov distances and the distance of a sample
// from a piecewise-constant density on cells, Pearson chi^2 of a histogram against a model,
// blocked jackknife and bootstrap errors, weighted straight-line fits (also as y = A (1 - B x)),
// the propagated error of a ratio of estimates, and a maximum-likelihood fit of the two-mode
// density.
//
// The package is a library: it takes plain Go values and returns plain Go values, prints nothing
// and reads or writes no files. Random numbers come from an explicit *rand.Rand (math/rand/v2).
// Bad data (too few points, non-finite values, a failed fit) gives an error; a programmer error
// (mismatched slice lengths, a non-positive width) panics.
package rmt
