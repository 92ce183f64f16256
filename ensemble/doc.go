// Package ensemble holds a trained ensemble of weight matrices, whatever produced it (the
// Gaussian-RBM trainer of package rbmdrift, the teacher-student trainer of package teacher,
// spectra tables on disk): the spectra by run and recorded step, the Kramers-Moyal drift and diffusion tables,
// the degenerate pairs and their statistics (spacing, Wigner surmise, pooled density with the
// two-mode fit, Binder cumulant), and the measured noise at the fixed points.
//
// The package is a library: it takes plain Go values and returns plain Go values, prints nothing
// and opens no files (ReadSpectraCSV parses a spectra table from an io.Reader). It depends on
// packages model and rmt only; producers of an ensemble (such as rbmdrift.Trained) import it,
// not the reverse.
package ensemble
