package teacher

import (
	"fmt"
	"math"
	"slices"
)

// Values of Config.Data and Config.Spectrum.
const (
	DataOnline = "online" // fresh inputs and noise matrices at every update
	DataFixed  = "fixed"  // a dataset of Samples inputs and noise matrices drawn once, cycled for Epochs passes

	SpectrumSingular = "singular" // singular values of W, ascending
	SpectrumGram     = "gram"     // eigenvalues of W^T W, ascending
)

// Config holds every knob of a teacher-student training run (the toml tags are the keys of a
// future [teacher] section) plus the drift measurement range of the Go API. DefaultConfig holds
// the defaults and Validate the rules; the zero value is not usable.
//
// Runs is the size of the ensemble (runs 0..Runs-1); TrainRun does not read it and it is not
// part of the JSON form, like rbmdrift.Config.Runs.
type Config struct {
	Size        int       `toml:"size"`          // N: W and the teacher are N x N, >= 1
	Teacher     []float64 `toml:"teacher"`       // d: the teacher's eigenvalues, N finite values
	InitSigma   float64   `toml:"init_sigma"`    // initial student W_ij ~ N(0, InitSigma^2), >= 0
	Alpha       float64   `toml:"alpha"`         // learning rate, > 0 (and inside the stability limit, see Validate)
	Batch       int       `toml:"batch"`         // |B|, samples per update, >= 1
	Noise       float64   `toml:"noise"`         // eps: off-diagonal sd of the per-sample GOE noise matrix a_b, >= 0
	Steps       int       `toml:"steps"`         // updates (online); with DataFixed 0 or Epochs*Samples/Batch
	Samples     int       `toml:"samples"`       // dataset size with DataFixed, a multiple of Batch
	Epochs      int       `toml:"epochs"`        // passes over the dataset with DataFixed, >= 1
	Data        string    `toml:"data"`          // DataOnline (also when empty) or DataFixed
	SharedData  bool      `toml:"shared_data"`   // DataFixed only: every run uses the inputs drawn from Seed alone
	Runs        int       `toml:"runs" json:"-"` // ensemble size; not read by TrainRun
	RecordEvery int       `toml:"record_every"`  // record the spectrum every this many updates; 0: first and last only
	Spectrum    string    `toml:"spectrum"`      // SpectrumSingular (also when empty) or SpectrumGram
	Seed        uint64    `toml:"seed"`          // run r draws from NewSource(Seed, r); teacher and shared data from reserved streams
	// SaveWeights keeps W at every recorded step in RunResult.WeightSnapshots (fpsolve writes
	// them to teacher_weights.npz); part of the JSON form when set, like
	// rbmdrift.Config.SaveWeights.
	SaveWeights bool `toml:"save_weights" json:",omitempty"`

	// Drift measurement (Kramers-Moyal from single-step increments), as in rbmdrift:
	// MeasureEvery = 0 turns it off; otherwise the increment x(s+1) - x(s) of every recorded
	// spectral value is binned at every step s with s % MeasureEvery == 0.
	MeasureEvery int `toml:"measure_every"`
	Bins         int `toml:"bins"` // bins per mode over [DriftLo, DriftHi); 0 means DefaultConfig's
	// DriftLo, DriftHi: both zero means [0, 2 max|d|) for singular values and [0, (2 max|d|)^2)
	// for the gram spectrum: twice the largest target, so that the whole approach from a small
	// initial W and the fluctuations about the targets are binned.
	DriftLo float64 `toml:"-"`
	DriftHi float64 `toml:"-"`
}

// DefaultConfig returns the paper's model: N = 2, d = (2, 2), s = 0.1, alpha = 0.1, |B| = 16,
// eps = 0.1, online data, singular values, the drift measured at every step in 60 bins per
// mode. Steps, Runs, RecordEvery and Seed are zero and are the caller's to set.
func DefaultConfig() Config {
	return Config{Size: 2, Teacher: []float64{2, 2}, InitSigma: 0.1, Alpha: 0.1, Batch: 16, Noise: 0.1,
		Data: DataOnline, Spectrum: SpectrumSingular, MeasureEvery: 1, Bins: 60}
}

// KeyError is a bad value of a Config, named by its toml key.
type KeyError struct {
	Key string // the toml key, as in "init_sigma" (drift_lo for DriftLo, DriftHi)
	Msg string // what is wrong, starting with the value
}

func (e *KeyError) Error() string { return e.Key + ": " + e.Msg }

// Validate reports the first value of c that the trainer cannot run, as a *KeyError. Beyond the
// ranges of the fields' comments it refuses an alpha at which the stationary second moment of
// the student's deviation diverges, alpha (2 - alpha) <= (N+1) alpha^2/|B| (see
// StationaryCovariance), and shared_data without fixed data.
func (c Config) Validate() error {
	bad := func(key, format string, a ...any) error { return &KeyError{Key: key, Msg: fmt.Sprintf(format, a...)} }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, p := range []struct {
		key    string
		v, min int
	}{{"size", c.Size, 1}, {"batch", c.Batch, 1}, {"steps", c.Steps, 0}, {"runs", c.Runs, 0},
		{"record_every", c.RecordEvery, 0}, {"measure_every", c.MeasureEvery, 0}, {"bins", c.Bins, 0}} {
		if p.v < p.min {
			return bad(p.key, "%d must be at least %d", p.v, p.min)
		}
	}
	if len(c.Teacher) != c.Size {
		return bad("teacher", "%d eigenvalues for size = %d", len(c.Teacher), c.Size)
	}
	for i, v := range c.Teacher {
		if !finite(v) {
			return bad("teacher", "eigenvalue %d is %g, not finite", i, v)
		}
	}
	if !finite(c.InitSigma) || c.InitSigma < 0 {
		return bad("init_sigma", "%g must be a finite number >= 0", c.InitSigma)
	}
	if !finite(c.Alpha) || c.Alpha <= 0 {
		return bad("alpha", "%g must be a positive finite number", c.Alpha)
	}
	if k, b := c.Alpha*(2-c.Alpha), float64(c.Size+1)*c.Alpha*c.Alpha/float64(c.Batch); k <= b {
		return bad("alpha", "%g is beyond the stability limit alpha (2 - alpha) > (size+1) alpha^2/batch = %g: the second moment of W diverges", c.Alpha, b)
	}
	if !finite(c.Noise) || c.Noise < 0 {
		return bad("noise", "%g must be a finite number >= 0", c.Noise)
	}
	switch c.data() {
	case DataOnline:
		if c.SharedData {
			return bad("shared_data", "true needs data = %q", DataFixed)
		}
	case DataFixed:
		if c.Samples < c.Batch || c.Samples%c.Batch != 0 {
			return bad("samples", "%d must be a positive multiple of batch = %d", c.Samples, c.Batch)
		}
		if c.Epochs < 1 {
			return bad("epochs", "%d must be at least 1", c.Epochs)
		}
		if n := c.Epochs * (c.Samples / c.Batch); c.Steps != 0 && c.Steps != n {
			return bad("steps", "%d must be 0 or epochs*samples/batch = %d with data = %q", c.Steps, n, DataFixed)
		}
	default:
		return bad("data", "%q is not one of %q", c.Data, []string{DataOnline, DataFixed})
	}
	if s := c.spectrum(); s != SpectrumSingular && s != SpectrumGram {
		return bad("spectrum", "%q is not one of %q", c.Spectrum, []string{SpectrumSingular, SpectrumGram})
	}
	if lo, hi := c.driftRange(); !(lo < hi) || !finite(lo) || !finite(hi) {
		return bad("drift_lo", "drift range [%g, %g) is empty or not finite", lo, hi)
	}
	return nil
}

func (c Config) data() string {
	if c.Data == "" {
		return DataOnline
	}
	return c.Data
}

func (c Config) spectrum() string {
	if c.Spectrum == "" {
		return SpectrumSingular
	}
	return c.Spectrum
}

func (c Config) bins() int {
	if c.Bins == 0 {
		return DefaultConfig().Bins
	}
	return c.Bins
}

// TotalSteps returns the number of updates of a run: Steps with online data, Epochs*Samples/Batch
// with fixed data.
func (c Config) TotalSteps() int {
	if c.data() == DataFixed {
		return c.Epochs * (c.Samples / c.Batch)
	}
	return c.Steps
}

func (c Config) driftRange() (lo, hi float64) {
	if c.DriftLo != 0 || c.DriftHi != 0 {
		return c.DriftLo, c.DriftHi
	}
	var m float64
	for _, v := range c.Teacher {
		m = math.Max(m, math.Abs(v))
	}
	if m == 0 {
		m = 1 // a zero teacher: bin [0, 2) (or [0, 4)) all the same
	}
	hi = 2 * m
	if c.spectrum() == SpectrumGram {
		hi *= hi
	}
	return 0, hi
}

// Targets returns the value each ascending mode of the recorded spectrum learns: |d| sorted
// ascending for singular values, d^2 sorted ascending for the gram spectrum.
func (c Config) Targets() []float64 {
	out := make([]float64, len(c.Teacher))
	for i, v := range c.Teacher {
		out[i] = math.Abs(v)
		if c.spectrum() == SpectrumGram {
			out[i] = v * v
		}
	}
	slices.Sort(out)
	return out
}
