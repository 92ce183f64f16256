// Package ensemble holds a trained ensemble of weight matrices, whatever produced it (the
// Gaussian-RBM trainer of package rbmdrift now; a teacher-student trainer and weight files on
// disk next): the spectra by run and recorded step, the Kramers-Moyal drift and diffusion tables,
// the degenerate pairs and their statistics (spacing, Wigner surmise, pooled density with the
// two-mode fit, Binder cumulant), and the measured noise at the fixed points.
//
// The package is a library: it takes plain Go values and returns plain Go values, prints nothing
// and reads or writes no files. It depends on packages model and rmt only; producers of an
// ensemble (such as rbmdrift.Trained) import it, not the reverse.
package ensemble
