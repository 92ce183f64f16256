package rbmdrift

import (
	"encoding/json"
	"fmt"
	"math"

	"fpsolve/symeig"
	"gonum.org/v1/gonum/mat"

	"fpsolve/model"
)

// Values of Config.Data and Config.Sampler.
const (
	DataExact   = "exact"   // C_data = C_t exactly
	DataSamples = "samples" // C_data estimated per update from Batch exact target samples

	SamplerDirect = "direct" // exact k-step law phi' = T^k phi + xi, xi ~ N(0, Sigma_k)
	SamplerGibbs  = "gibbs"  // k explicit full Gibbs steps phi -> h -> phi
)

// Config holds every knob of a training run: fpsolve's [rbm] section (the toml tags are its
// keys) plus the drift measurement range of the Go API. DefaultConfig holds the defaults and
// Validate (ValidateStrict for a config file) the rules; the zero value is not usable.
//
// The JSON form (field names, DriftWindows 0 and 1 both omitted, LogBins and LogFloor omitted
// when zero, Measure written only as "perturbative" and only for a measured run, "Kernels": 4
// only for a config on the large-N kernels, Runs never written) is what fpsolve's run store hashes to tag stored runs: a new
// field that changes the runs must appear in it, one that does not (like Runs) must not.
//
// Adding a key: (1) a field here with its toml tag and doc comment; (2) its default in
// DefaultConfig, if it has one; (3) its rule in Config.validate; (4) its line in the README's
// [rbm] reference. internal/config and cmd/fpsolve pick it up from the type.
type Config struct {
	Visible     int     `toml:"visible"`      // N_v, sites of the target lattice and rows of W
	Hidden      int     `toml:"hidden"`       // N_h, columns of W
	TargetM2    float64 `toml:"target_m2"`    // m^2 of the free-field target, > 0
	Mu2         float64 `toml:"mu2"`          // mu^2 of the RBM, > 0
	SigmaH      float64 `toml:"sigma_h"`      // sigma_h of the hidden layer, > 0
	InitSigma   float64 `toml:"init_sigma"`   // initial weights W_ij ~ N(0, InitSigma^2), >= 0 (> 0 in ValidateStrict)
	Alpha       float64 `toml:"alpha"`        // learning rate, > 0
	Batch       int     `toml:"batch"`        // |B|: persistent chains, and target samples per update with DataSamples
	GibbsSteps  int     `toml:"gibbs_steps"`  // k full Gibbs steps per update, >= 1
	Steps       int     `toml:"steps"`        // number of updates, >= 0
	RecordEvery int     `toml:"record_every"` // record the spectrum every this many updates; 0: first and last only
	Data        string  `toml:"data"`         // DataExact (also when empty) or DataSamples
	Sampler     string  `toml:"sampler"`      // SamplerDirect (also when empty) or SamplerGibbs
	Seed        uint64  `toml:"seed"`         // run r draws from NewSource(Seed, r) alone

	// Drift measurement (Kramers-Moyal from single-step increments). MeasureEvery = 0 turns it
	// off; otherwise the single-step increment x(s+1) - x(s) of every eigenvalue is binned at
	// every step s with s % MeasureEvery == 0.
	MeasureEvery int `toml:"measure_every"`
	// Measure is how a measured step gets the spectrum after the update: MeasurePerturbative
	// (also when empty) or MeasureExact. It is part of the JSON form only for a perturbative
	// measurement, so that runs measured exactly before the key existed keep their tags. On the
	// large-N kernels (N >= 16) both give the exact solve, the faster there (package
	// documentation).
	Measure string  `toml:"measure" json:",omitempty"`
	Bins    int     `toml:"bins"` // bins per mode over [DriftLo, DriftHi); 0 means DefaultConfig's
	DriftLo float64 `toml:"-"`    // both zero: the range [0, Mu2/SigmaH^2) of proper models
	DriftHi float64 `toml:"-"`
	// DriftWindows splits the measurement into this many time windows of the run (see
	// DriftAccumulator); 0 or 1: one window. At most Steps when above 1.
	DriftWindows int `toml:"drift_windows" json:",omitempty"`
	// LogBins > 0 splits the first of the Bins equal bins into LogBins geometric bins down to
	// DriftLo + LogFloor (GradedEdges); LogFloor = 0 means 1e-6 of the equal bins' width.
	LogBins  int     `toml:"log_bins" json:",omitempty"`
	LogFloor float64 `toml:"log_floor" json:",omitempty"`
	// SaveWeights keeps W at every recorded step in RunResult.WeightSnapshots (fpsolve writes
	// them to rbm_weights.npz). It changes what a run holds, so it is part of the JSON form when
	// set; runs stored without it are not reused for it.
	SaveWeights bool `toml:"save_weights" json:",omitempty"`

	// Runs is the size of the ensemble, runs 0..Runs-1 (fpsolve's [rbm] runs). TrainRun and
	// TrainEnsemble do not read it, and it is not part of the JSON form: more runs of the same
	// configuration reuse the stored ones.
	Runs int `toml:"runs" json:"-"`
}

// DefaultConfig returns the defaults of the keys that have one, the values an [rbm] section
// that omits them gets: exact data, the direct sampler, the drift measured at every step in 60
// bins per mode and one time window. The other keys are zero and must be set (Validate).
//
// In a Config built in Go, an empty Data or Sampler, Bins 0 and DriftWindows 0 also stand for
// these defaults (WithDefaults). MeasureEvery 0 is a value of its own: no drift measurement.
// (Before DefaultConfig the Go API's only defaults were those zero values, with Bins 0 meaning
// 100 bins.)
func DefaultConfig() Config {
	return Config{Data: DataExact, Sampler: SamplerDirect, MeasureEvery: 1, Measure: MeasurePerturbative, Bins: 60, DriftWindows: 1}
}

// WithDefaults returns c with the zero values that stand for a default (empty Data, Sampler and
// Measure, Bins 0, DriftWindows 0) replaced by DefaultConfig's.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.Data == "" {
		c.Data = d.Data
	}
	if c.Sampler == "" {
		c.Sampler = d.Sampler
	}
	if c.Measure == "" {
		c.Measure = d.Measure
	}
	if c.Bins == 0 {
		c.Bins = d.Bins
	}
	if c.DriftWindows == 0 {
		c.DriftWindows = d.DriftWindows
	}
	return c
}

// MarshalJSON writes the JSON form of the Config type's documentation: DriftWindows 1 is
// written as 0 (omitted), the one window of a run that predates the key, so that the two
// spellings of one window share the form. A config that runs on the large-N kernels
// (max(Visible, Hidden) >= 16, see kernels_blas.go) also gets "Kernels": 4 (its kernel
// generation), since its runs no longer match the bits of runs made by the hand-written loops
// or by the earlier batched generations 2 and 3; below that size the form is unchanged.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config // the fields and tags without this method
	type form struct {
		plain
		Kernels int `json:",omitempty"` // the kernel generation, written from kernelsBLAS on
	}
	p := plain(c)
	if p.DriftWindows == 1 {
		p.DriftWindows = 0
	}
	switch {
	case p.MeasureEvery > 0 && (p.Measure == "" || p.Measure == MeasurePerturbative):
		p.Measure = MeasurePerturbative
	case p.Measure == MeasureExact || p.MeasureEvery == 0:
		p.Measure = "" // the exact solve, or no measurement: as before the key
	}
	f := form{plain: p}
	if k := c.kernels(); k != kernelsLoops {
		f.Kernels = k
	}
	return json.Marshal(f)
}

// KeyError is a bad value of a Config, named by its [rbm] key.
type KeyError struct {
	Key string // the toml key of the field, as in "init_sigma" (drift_lo for DriftLo, DriftHi)
	Msg string // what is wrong, starting with the value: "-1 must be a finite number >= 0"
}

func (e *KeyError) Error() string { return e.Key + ": " + e.Msg }

// Validate reports the first value of c that the trainer cannot run, as a *KeyError. It
// accepts the zero shortcuts of the Go API: Steps 0 (no update), RecordEvery 0 (the first and
// last spectrum only), Bins 0 and DriftWindows 0 (the defaults), an empty Data or Sampler.
func (c Config) Validate() error { return c.validate(nil) }

// Strict holds the rules of ValidateStrict that come from outside the Config.
type Strict struct {
	MaxBytes float64 // the most memory a trainer may need (TrainerBytes, key visible); <= 0: no limit
	// DriftNeededBy, when set, refuses MeasureEvery 0: it names what needs the measured drift.
	DriftNeededBy string
}

// ValidateStrict reports the first bad value of c as a *KeyError under the rules of an [rbm]
// section, in which every value is given (DefaultConfig overlaid with the file's keys): on top
// of Validate, Steps, Runs, RecordEvery and DriftWindows must be at least 1, Bins at least 2,
// Hidden at most Visible, Mu2 above every target kappa, LogFloor finite, >= 0 and below the
// first bin's width, and the rules of s hold. It does not check the drift range (DriftLo,
// DriftHi) nor build the graded bin edges: Validate, which every trainer calls, does.
func (c Config) ValidateStrict(s Strict) error { return c.validate(&s) }

// validate holds the rule of every key, in the order in which ValidateStrict reports them.
// With s nil they are Validate's.
func (c Config) validate(s *Strict) error {
	strict := s != nil
	bad := func(key, format string, a ...any) error { return &KeyError{Key: key, Msg: fmt.Sprintf(format, a...)} }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	given := 0 // the least value of a key whose zero is a shortcut of the Go API
	if strict {
		given = 1
	}
	for _, p := range []struct {
		key    string
		v, min int
	}{{"visible", c.Visible, 1}, {"hidden", c.Hidden, 1}, {"batch", c.Batch, 1}, {"gibbs_steps", c.GibbsSteps, 1},
		{"steps", c.Steps, given}, {"runs", c.Runs, given}, {"record_every", c.RecordEvery, given}} {
		if p.v < p.min {
			return bad(p.key, "%d must be at least %d", p.v, p.min)
		}
	}
	if strict && c.Hidden > c.Visible {
		return bad("hidden", "%d must not exceed visible = %d (W is visible x hidden, N <= M)", c.Hidden, c.Visible)
	}
	for _, p := range []struct {
		key string
		v   float64
	}{{"target_m2", c.TargetM2}, {"mu2", c.Mu2}, {"sigma_h", c.SigmaH}, {"alpha", c.Alpha}} {
		if !finite(p.v) || p.v <= 0 {
			return bad(p.key, "%g must be a positive finite number", p.v)
		}
	}
	if !finite(c.InitSigma) || c.InitSigma < 0 {
		return bad("init_sigma", "%g must be a finite number >= 0", c.InitSigma)
	}
	if strict && c.InitSigma == 0 {
		// From W = 0 the trainer never moves: the exact update sigma_h^2 (C_t - K^-1) W vanishes,
		// and runs with sampled data or Gibbs chains stay at 0 as well (all spectra 0, histograms
		// with no width). The Go API keeps 0 for tests of the zero start.
		return bad("init_sigma", "0 must be > 0 (it is required): W = 0 is a fixed point of the training, every eigenvalue of W^T W would stay 0")
	}
	if strict {
		// Refuse a huge lattice before anything of its size is allocated (the target kappa).
		if b := c.TrainerBytes(); s.MaxBytes > 0 && b > s.MaxBytes {
			return bad("visible", "the run needs about %.3g GiB of memory, more than the %d GiB allowed", b/(1<<30), int64(s.MaxBytes)>>30)
		}
		if kmax := model.FreeFieldKappa(c.TargetM2, c.Visible)[c.Visible-1]; c.Mu2 <= kmax {
			return bad("mu2", "%g must exceed the largest target eigenvalue kappa = %g", c.Mu2, kmax)
		}
	}
	d := c.WithDefaults()
	if d.Data != DataExact && d.Data != DataSamples {
		return bad("data", "%q is not one of %q", c.Data, []string{DataExact, DataSamples})
	}
	if d.Sampler != SamplerDirect && d.Sampler != SamplerGibbs {
		return bad("sampler", "%q is not one of %q", c.Sampler, []string{SamplerDirect, SamplerGibbs})
	}
	if d.Measure != MeasurePerturbative && d.Measure != MeasureExact {
		return bad("measure", "%q is not one of %q", c.Measure, []string{MeasurePerturbative, MeasureExact})
	}
	if c.MeasureEvery < 0 {
		return bad("measure_every", "%d must be at least 0", c.MeasureEvery)
	}
	if strict && c.MeasureEvery == 0 && s.DriftNeededBy != "" {
		return bad("measure_every", "0 turns the drift measurement off, but %s needs it", s.DriftNeededBy)
	}
	if c.DriftWindows < given {
		return bad("drift_windows", "%d must be at least %d", c.DriftWindows, given)
	}
	if c.DriftWindows > max(1, c.Steps) {
		return bad("drift_windows", "%d exceeds steps = %d: every window needs at least one step", c.DriftWindows, c.Steps)
	}
	if strict && s.DriftNeededBy != "" && c.MeasureEvery > 0 {
		// Each mode's table in each window needs two rows of model.MinCount increments; the
		// shortest window has steps/drift_windows steps, measured every measure_every.
		per := c.Steps / c.DriftWindows / c.MeasureEvery
		if per == 0 || c.Runs*per < 2*model.MinCount {
			key := "drift_windows"
			if c.DriftWindows == 1 {
				key = "runs"
			}
			return bad(key, "%d runs x %d increments per window (steps = %d / drift_windows = %d / measure_every = %d) give each mode at most %d increments in a window, but %s needs a drift table of at least 2 rows of %d: give fewer drift_windows or more runs or steps",
				c.Runs, per, c.Steps, c.DriftWindows, c.MeasureEvery, c.Runs*per, s.DriftNeededBy, model.MinCount)
		}
	}
	if c.Bins < 2*given {
		return bad("bins", "%d must be at least %d", c.Bins, 2*given)
	}
	if c.LogBins < 0 {
		return bad("log_bins", "%d must be at least 0", c.LogBins)
	}
	if strict {
		if !finite(c.LogFloor) || c.LogFloor < 0 {
			return bad("log_floor", "%g must be non-negative and finite", c.LogFloor)
		}
		if w := c.Mu2 / (c.SigmaH * c.SigmaH) / float64(c.Bins); c.LogBins > 0 && c.LogFloor >= w {
			return bad("log_floor", "%g must lie below the first bin's width %g (mu2/sigma_h^2/bins)", c.LogFloor, w)
		}
		return nil
	}
	if lo, hi := c.driftRange(); !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return bad("drift_lo", "drift range [%g, %g) is empty or not finite", lo, hi)
	}
	if _, err := c.driftEdges(); err != nil {
		return bad("log_floor", "%g: %v", c.LogFloor, err)
	}
	return nil
}

// TrainerBytes is the working memory of one trainer of c: a dozen visible x visible matrices,
// the weights and their gradient, and the persistent chains.
func (c Config) TrainerBytes() float64 {
	nv, nh := float64(c.Visible), float64(c.Hidden)
	return 8 * (12*nv*nv + 2*nv*nh + float64(c.Batch)*nv)
}

// driftEdges returns the graded bin edges, or nil for equal bins (LogBins = 0).
func (c Config) driftEdges() ([]float64, error) {
	if c.LogBins == 0 {
		return nil, nil
	}
	lo, hi := c.driftRange()
	floor := c.LogFloor
	if floor == 0 {
		floor = 1e-6 * (hi - lo) / float64(c.bins())
	}
	return GradedEdges(lo, hi, c.bins(), c.LogBins, floor)
}

// newDrift returns an empty drift accumulator for a run of c.
func (c Config) newDrift() *DriftAccumulator {
	lo, hi := c.driftRange()
	edges, err := c.driftEdges()
	switch {
	case err != nil:
		panic("rbmdrift: " + err.Error()) // Validate refuses such a config
	case edges != nil:
		return NewBinnedDriftAccumulator(c.Hidden, c.driftWindows(), c.Steps, edges, c.Alpha)
	}
	return NewWindowedDriftAccumulator(c.Hidden, c.bins(), c.driftWindows(), c.Steps, lo, hi, c.Alpha)
}

func (c Config) driftRange() (lo, hi float64) {
	if c.DriftLo == 0 && c.DriftHi == 0 {
		return 0, c.Mu2 / (c.SigmaH * c.SigmaH)
	}
	return c.DriftLo, c.DriftHi
}

func (c Config) driftWindows() int { return c.WithDefaults().DriftWindows }

func (c Config) bins() int { return c.WithDefaults().Bins }

// Modes returns the number of eigenvalues of X = W^T W, that is Hidden.
func (c Config) Modes() int { return c.Hidden }

// ModeKappa returns the target kappa that each eigenvalue of X = W^T W learns, in ascending
// order of the eigenvalues: the Hidden smallest of the free-field kappa (model.FreeFieldKappa)
// are learned, and the largest eigenvalue belongs to the smallest kappa. With more hidden than
// visible units the extra Hidden - Visible eigenvalues come first and learn nothing (kappa 0).
func (c Config) ModeKappa() []float64 {
	kap := model.FreeFieldKappa(c.TargetM2, c.Visible)
	out := make([]float64, c.Hidden)
	for i := range out {
		if j := c.Hidden - 1 - i; j < len(kap) {
			out[i] = kap[j]
		}
	}
	return out
}

// TargetSpectrum returns the eigenvalues (mu^2 - kappa_k)/sigma_h^2 of X = W^T W at which the
// exact-gradient dynamics has its stable fixed point, ascending (kappa_k descending, ModeKappa).
// With more hidden than visible units the extra Hidden - Visible eigenvalues are 0 and come
// first; with fewer, only the Hidden largest remain (the Hidden smallest kappa are learned).
func (c Config) TargetSpectrum() []float64 {
	out := c.ModeKappa()
	s2 := c.SigmaH * c.SigmaH
	for i, k := range out {
		if i >= c.Hidden-c.Visible {
			out[i] = (c.Mu2 - k) / s2
		}
	}
	return out
}

// Trainer is one persistent-contrastive-divergence training run of the Gaussian RBM. It owns
// its weights, chains, random source and scratch space; Step does not allocate.
type Trainer struct {
	cfg                      Config
	run                      int
	nv, nh, nb, k            int
	gibbs, samples           bool
	s2, mu2                  float64
	step                     int
	rng                      Source
	w, phi                   []float64 // N_v x N_h weights, Batch x N_v chain states
	ct, lt                   []float64 // target covariance and its Cholesky factor (N_v x N_v)
	t, a, sig, p2, u, q, tmp []float64 // N_v x N_v scratch
	ch, cm, g, gw            []float64
	mz                       []float64    // 2 N_v x N_v: the rows A_j, U_j of directChainsAVX
	h, v                     []float64    // vector scratch
	zn                       []float64    // 2 max(N_v, N_h) normal deviates, drawn by FillNormal
	eig                      *symeig.Warm // warm-started eigensolver for X = W^T W
	x                        []float64    // X = W^T W
	prepValid, prepOK        bool         // prepare's result is current (W unchanged since)
	pert                     *perturber   // the perturbative spectrum of MeasurePerturbative
	big                      bool         // on the large-N kernels (Config.kernels, kernels_blas.go)
	hb, pn, zb               []float64    // Batch x N_h and Batch x N_v scratch of the large-N kernels
	wt                       []float64    // W^T (current while prepValid; computePrepare's gramRows and the large-N kernels)
	phit, ltT                []float64    // Phi^T and L_t^T of the large-N kernels
	evec                     []float64    // symEigen's eigenvectors (large-N kernels)
	symEig                   *symEigen    // the exact eigensolver of the large-N kernels
	evecOK                   bool         // evec holds the last Spectrum's eigenvectors
	pb                       propBound    // the propriety bound of the large-N Gibbs trainer (propriety.go)
}

// NewTrainer returns the trainer of run r: W_ij ~ N(0, InitSigma^2) drawn (row-major) from
// NewSource(cfg.Seed, r), chains at phi = (1, ..., 1).
func NewTrainer(cfg Config, r int) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ctm, err := TargetCovariance(cfg.Visible, cfg.TargetM2)
	if err != nil {
		return nil, err
	}
	nv, nh, nb := cfg.Visible, cfg.Hidden, cfg.Batch
	t := &Trainer{
		cfg: cfg, run: r, nv: nv, nh: nh, nb: nb, k: cfg.GibbsSteps,
		gibbs:   cfg.Sampler == SamplerGibbs,
		samples: cfg.Data == DataSamples,
		s2:      cfg.SigmaH * cfg.SigmaH, mu2: cfg.Mu2,
		w:   make([]float64, nv*nh),
		phi: make([]float64, nb*nv),
		h:   make([]float64, max(nv, nh)),
		v:   make([]float64, max(nv, nh)),
		zn:  make([]float64, 2*max(nv, nh)),
	}
	for _, p := range []*[]float64{&t.ct, &t.lt, &t.t, &t.a, &t.sig, &t.p2, &t.u, &t.q, &t.tmp, &t.ch, &t.cm, &t.g} {
		*p = make([]float64, nv*nv)
	}
	t.gw, t.wt = make([]float64, nv*nh), make([]float64, nh*nv)
	for i := 0; i < nv; i++ {
		for j := 0; j < nv; j++ {
			t.ct[i*nv+j] = ctm.At(i, j)
		}
	}
	copy(t.lt, t.ct)
	if !cholesky(t.lt, nv) {
		return nil, fmt.Errorf("target covariance is not positive definite")
	}
	if cfg.kernels() != kernelsLoops {
		t.useBLAS()
		t.initBound()
	}
	t.rng.SeedStream(cfg.Seed, uint64(r))
	InitWeights(t.w, cfg.InitSigma, &t.rng)
	for i := range t.phi {
		t.phi[i] = 1
	}
	return t, nil
}

// InitWeights fills w with independent N(0, sigma^2) deviates drawn from src in order.
func InitWeights(w []float64, sigma float64, src *Source) {
	src.FillNormal(w, sigma)
}

// Run returns the run index the trainer was seeded with.
func (t *Trainer) Run() int { return t.run }

// StepCount returns the number of updates done so far.
func (t *Trainer) StepCount() int { return t.step }

// Weights copies the current N_v x N_h weight matrix into dst (resized if empty) and returns it.
func (t *Trainer) Weights(dst *mat.Dense) *mat.Dense {
	if dst == nil {
		dst = mat.NewDense(t.nv, t.nh, nil)
	} else if dst.IsEmpty() {
		dst.ReuseAs(t.nv, t.nh)
	}
	for i := 0; i < t.nv; i++ {
		for j := 0; j < t.nh; j++ {
			dst.Set(i, j, t.w[i*t.nh+j])
		}
	}
	return dst
}

// SetWeights replaces the weights by w (N_v x N_h). It panics on a size mismatch.
func (t *Trainer) SetWeights(w mat.Matrix) {
	if r, c := w.Dims(); r != t.nv || c != t.nh {
		panic("rbmdrift: weight matrix has the wrong size")
	}
	for i := 0; i < t.nv; i++ {
		for j := 0; j < t.nh; j++ {
			t.w[i*t.nh+j] = w.At(i, j)
		}
	}
	t.prepValid = false
	t.pb.bound, t.pb.carry = 0, false
}

// Chains returns the persistent chain states, Batch rows of N_v values (shared, not a copy).
func (t *Trainer) Chains() []float64 { return t.phi }

// improper returns the error for a model whose K is not positive definite.
func (t *Trainer) improper() error {
	for _, v := range t.w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("run %d, step %d: weights are not finite", t.run, t.step)
		}
	}
	return fmt.Errorf("run %d, step %d: model is improper (K = mu2 - sigma_h^2 W W^T is not positive definite)", t.run, t.step)
}

// prepare sets t.t = T = (sigma_h^2/mu^2) W W^T and t.ch to the Cholesky factor of 1 - T
// (= K/mu^2); it reports false if the model is improper.
func (t *Trainer) prepare() bool {
	if t.prepValid {
		return t.prepOK
	}
	t.prepOK = t.computePrepare()
	t.prepValid = true
	return t.prepOK
}

// computePrepare is prepare without the cache.
func (t *Trainer) computePrepare() bool {
	if t.big {
		return t.prepareBLAS()
	}
	nv := t.nv
	gramRows(t.t, t.w, t.wt, nv, t.nh, t.s2/t.mu2)
	ch := t.ch[:nv*nv]
	for i, v := range t.t[:len(ch)] {
		ch[i] = -v
	}
	for i := 0; i < nv; i++ {
		ch[i*nv+i] += 1
	}
	return cholesky(ch, nv)
}

// Check returns an error if the current model is improper or its weights are not finite.
func (t *Trainer) Check() error {
	if !t.prepare() {
		return t.improper()
	}
	return nil
}

// Step performs one PCD update: every chain advances k full Gibbs steps, C_model is the
// average of phi phi^T over the chains, and W <- W + alpha sigma_h^2 (C_data - C_model) W.
// It returns an error naming the run and step if the model is improper before the update.
func (t *Trainer) Step() error {
	// On the large-N Gibbs kernels the propriety bound certifies most updates without
	// prepare's factorisation (propriety.go); prepare decides the rest.
	if !(!t.prepValid && t.boundProper()) && !t.prepare() {
		return t.improper()
	}
	if t.big {
		t.stepBLAS()
		t.advanceBound()
		t.prepValid = false
		t.step++
		return nil
	}
	nv, nh, nb := t.nv, t.nh, t.nb
	cm := t.cm
	for i := range cm {
		cm[i] = 0
	}
	if t.gibbs {
		t.gibbsChains()
	} else {
		t.directChains()
	}
	// C_data - C_model into g (upper triangle accumulated; mirror).
	g := t.g
	inv := 1 / float64(nb)
	if t.samples {
		for i := range g {
			g[i] = 0
		}
		for b := 0; b < nb; b++ {
			x := t.v[:nv]
			t.rng.FillNormal(t.h[:nv], 1)
			for i := 0; i < nv; i++ {
				li := t.lt[i*nv : i*nv+i+1]
				var s float64
				for j, l := range li {
					s += l * t.h[j]
				}
				x[i] = s
			}
			for i, xi := range x {
				gi := g[i*nv : i*nv+nv]
				for j := i; j < nv; j++ {
					gi[j] += xi * x[j]
				}
			}
		}
		for i := 0; i < nv; i++ {
			for j := i; j < nv; j++ {
				d := (g[i*nv+j] - cm[i*nv+j]) * inv
				g[i*nv+j], g[j*nv+i] = d, d
			}
		}
	} else {
		for i := 0; i < nv; i++ {
			for j := i; j < nv; j++ {
				d := t.ct[i*nv+j] - cm[i*nv+j]*inv
				g[i*nv+j], g[j*nv+i] = d, d
			}
		}
	}
	// W <- W + alpha sigma_h^2 G W.
	f := t.cfg.Alpha * t.s2
	gw := t.gw
	mulPairs(gw, g, t.w, nv, nv, nh)
	for i, v := range gw {
		t.w[i] += f * v
	}
	t.prepValid = false
	t.step++
	return nil
}

// directChains advances every chain by the exact k-step law and accumulates the upper triangle
// of sum_b phi_b phi_b^T into t.cm. Requires prepare.
//
// One full Gibbs step is phi' = T phi + xi_1 with T = (sigma_h^2/mu^2) W W^T and
// xi_1 = (sigma_h/mu^2) W z_h + z_phi/mu ~ N(0, Sigma_1), Sigma_1 = (1 + T)/mu^2. Since T and
// Sigma_1 commute, k steps give phi' = T^k phi + xi with
// Sigma_k = sum_{m<k} T^m Sigma_1 T^m = (1/mu^2) sum_{j<2k} T^j = (1/mu^2) P (1 + T^k),
// P = sum_{j<k} T^j: k small matrix products in all.
func (t *Trainer) directChains() {
	nv, k := t.nv, t.k
	// q = P = sum_{j<k} T^j, a = T^k. (The passes over q, a and sig run on local slices: on the
	// fields the compiler reloads t.q at every entry.)
	q := t.q[:nv*nv]
	clear(q)
	for i := 0; i < nv; i++ {
		q[i*nv+i] = 1
	}
	copy(t.a, t.t)
	for j := 1; j < k; j++ {
		for i, v := range t.a[:len(q)] {
			q[i] += v
		}
		symMul(t.tmp, t.a, t.t, nv)
		t.a, t.tmp = t.tmp, t.a
	}
	// q = sum_{j<=k} T^j, then T^k removed again to get P (both passes' roundings, as they
	// were), then sig = (P + P T^k)/mu^2.
	for i, v := range t.a[:len(q)] {
		q[i] = (q[i] + v) - v
	}
	symMul(t.sig, q, t.a, nv)
	im := 1 / t.mu2
	sig := t.sig[:len(q)]
	for i, v := range q {
		sig[i] = (sig[i] + v) * im
	}
	if !cholesky(t.sig, nv) {
		// Sigma_k >= 1/mu^2 whenever T is positive semi-definite, which prepare guarantees.
		panic("rbmdrift: k-step noise covariance is not positive definite")
	}
	// Store the factor transposed (upper triangle U = L^T, row j holds column j of L) so that
	// x = A phi + L z is a sum of contiguous row updates: x += phi_j A_j + z_j U_j.
	for i := 0; i < nv; i++ {
		for j := 0; j < i; j++ {
			t.sig[j*nv+i] = t.sig[i*nv+j]
		}
	}
	// Two chains at a time share the loads of A and U.
	x, y := t.v[:nv], t.h[:nv]
	b := 0
	if fmaKernel && nv <= 12 {
		b = t.directChainsAVX()
	}
	for ; b+2 <= t.nb; b += 2 {
		p1 := t.phi[b*nv : b*nv+nv]
		p2 := t.phi[(b+1)*nv : (b+1)*nv+nv]
		for i := range x {
			x[i], y[i] = 0, 0
		}
		// Columns j, j+1 of the sums together: each entry gets the terms A_j, U_j, A_j+1,
		// U_j+1 in that order, as one column at a time gave them (the same bits, TestGoldenN10),
		// with x and y loaded and stored once per two columns. The normals are drawn in the
		// order of that loop, z_j of the first chain then of the second for j = 0, 1, ...:
		// zn[2j] and zn[2j+1].
		zn := t.zn[:2*nv]
		t.rng.FillNormal(zn, 1)
		j := 0
		for ; j+2 <= nv; j += 2 {
			f1, f2, h1, h2 := p1[j], p2[j], p1[j+1], p2[j+1]
			g1, g2 := zn[2*j], zn[2*j+1]
			e1, e2 := zn[2*j+2], zn[2*j+3]
			aj := t.a[j*nv : j*nv+nv]
			ak := t.a[(j+1)*nv : (j+1)*nv+len(aj)]
			uj := t.sig[j*nv : j*nv+len(aj)]
			uk := t.sig[(j+1)*nv : (j+1)*nv+len(aj)]
			x, y := x[:len(aj)], y[:len(aj)]
			for i := 0; i < j; i++ {
				x[i] = (x[i] + f1*aj[i]) + h1*ak[i]
				y[i] = (y[i] + f2*aj[i]) + h2*ak[i]
			}
			x[j] = ((x[j] + f1*aj[j]) + g1*uj[j]) + h1*ak[j]
			y[j] = ((y[j] + f2*aj[j]) + g2*uj[j]) + h2*ak[j]
			for i := j + 1; i < len(aj); i++ {
				x[i] = (((x[i] + f1*aj[i]) + g1*uj[i]) + h1*ak[i]) + e1*uk[i]
				y[i] = (((y[i] + f2*aj[i]) + g2*uj[i]) + h2*ak[i]) + e2*uk[i]
			}
		}
		if j < nv {
			f1, f2 := p1[j], p2[j]
			aj := t.a[j*nv : j*nv+nv]
			x, y := x[:len(aj)], y[:len(aj)]
			for i, v := range aj {
				x[i] += f1 * v
				y[i] += f2 * v
			}
			g1, g2 := zn[2*j], zn[2*j+1]
			uj := t.sig[j*nv+j : j*nv+nv]
			xj, yj := x[j:j+len(uj)], y[j:j+len(uj)]
			for i, v := range uj {
				xj[i] += g1 * v
				yj[i] += g2 * v
			}
		}
		copy(p1, x)
		copy(p2, y)
		rank2Upper(t.cm, p1, p2, nv)
	}
	for ; b < t.nb; b++ {
		phi := t.phi[b*nv : b*nv+nv]
		for i := range x {
			x[i] = 0
		}
		zn := t.zn[:nv]
		t.rng.FillNormal(zn, 1)
		for j, p := range phi {
			axpy(x, p, t.a[j*nv:j*nv+nv])
			axpy(x[j:], zn[j], t.sig[j*nv+j:j*nv+nv])
		}
		copy(phi, x)
		for i, xi := range phi {
			axpy(t.cm[i*nv+i:i*nv+nv], xi, phi[i:])
		}
	}
}

// directChainsAVX is the chain-pair loop of directChains on the AVX kernel (N_v <= 12): with
// the rows A_0, U_0, A_1, U_1, ... (U with zeros below its diagonal) in t.mz, each chain's
// x = A phi + U z is comb2avx's sum of those rows weighted by phi_0, z_0, phi_1, z_1, ... from
// zero, the terms in the loop's order (a zero term adds +-0 to a sum that is never -0, so it
// changes no bit); the normals are drawn in the loop's order. It returns the first chain it
// left (an odd last one).
func (t *Trainer) directChainsAVX() int {
	nv := t.nv
	if len(t.mz) < 2*nv*nv {
		t.mz = make([]float64, 2*nv*nv)
	}
	mz := t.mz
	for j := 0; j < nv; j++ {
		copy(mz[2*j*nv:(2*j+1)*nv], t.a[j*nv:(j+1)*nv])
		uj := mz[(2*j+1)*nv : (2*j+2)*nv]
		clear(uj[:j])
		copy(uj[j:], t.sig[j*nv+j:(j+1)*nv])
	}
	var w1, w2 [24]float64
	zn := t.zn[:2*nv]
	b := 0
	for ; b+2 <= t.nb; b += 2 {
		p1 := t.phi[b*nv : b*nv+nv]
		p2 := t.phi[(b+1)*nv : (b+1)*nv+nv]
		t.rng.FillNormal(zn, 1) // in directChains' order: z_j of the first chain, then the second
		for j := range nv {
			w1[2*j], w2[2*j] = p1[j], p2[j]
			w1[2*j+1], w2[2*j+1] = zn[2*j], zn[2*j+1]
		}
		// The weights are copied: the sums go straight into the chains' rows.
		clear(t.phi[b*nv : b*nv+2*nv])
		comb2avx(2*nv, &w1[0], &w2[0], &mz[0], nv, &p1[0], &p2[0], &laneMasks[nv], nv)
		rank2Upper(t.cm, p1, p2, nv)
	}
	return b
}

// gibbsChains advances every chain by k explicit Gibbs steps, h | phi ~ N(sigma_h^2 W^T phi,
// sigma_h^2) then phi | h ~ N(W h/mu^2, 1/mu^2), and accumulates into t.cm like directChains.
func (t *Trainer) gibbsChains() {
	nv, nh := t.nv, t.nh
	sh := math.Sqrt(t.s2)
	im := 1 / t.mu2
	sm := math.Sqrt(im)
	h := t.h[:nh]
	zh, zv := t.zn[:nh], t.zn[:nv]
	for b := 0; b < t.nb; b++ {
		phi := t.phi[b*nv : b*nv+nv]
		for s := 0; s < t.k; s++ {
			for j := range h {
				h[j] = 0
			}
			for i, p := range phi {
				for j, wv := range t.w[i*nh : i*nh+nh] {
					h[j] += wv * p
				}
			}
			t.rng.FillNormal(zh, sh)
			for j := range h {
				h[j] = t.s2*h[j] + zh[j]
			}
			t.rng.FillNormal(zv, sm)
			for i := range phi {
				var s float64
				for j, wv := range t.w[i*nh : i*nh+nh] {
					s += wv * h[j]
				}
				phi[i] = s*im + zv[i]
			}
		}
		for i, xi := range phi {
			ci := t.cm[i*nv : i*nv+nv]
			for j := i; j < nv; j++ {
				ci[j] += xi * phi[j]
			}
		}
	}
}
