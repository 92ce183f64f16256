// Package fpsolve is the root of the fpsolve module: a toolkit for the stochastic dynamics of
// neural-network weight matrices (Dyson Brownian motion of the eigenvalues of W^T W). The
// numerical packages are model, rmt, fokkerplanck, hamiltonian, langevin and rbmdrift; the command
// is cmd/fpsolve. This package only carries the default study.
package fpsolve

import _ "embed"

// DefaultConfig is the repository's fp.toml, the study that `fpsolve` runs without -config.
//
//go:embed fp.toml
var DefaultConfig []byte
