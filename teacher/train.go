package teacher

import (
	"context"
	"fmt"
	"math"
	"sort"

	"fpsolve/rbmdrift"
	"fpsolve/rng"

	"gonum.org/v1/gonum/mat"
)

// Reserved generator streams of a seed: the teacher's orthogonal matrix, and the inputs of
// shared_data. A run r uses stream r, so these are never a run's.
const (
	TeacherStream = ^uint64(0)     // the teacher's O
	DataStream    = ^uint64(0) - 1 // the shared inputs of DataFixed with SharedData
)

// Source is the trainer's generator, xoshiro256** with the ziggurat (rng.Xoshiro256StarStar),
// the type rbmdrift trains with.
type Source = rng.Xoshiro256StarStar

// NewSource returns the generator of stream stream of seed (rng.NewXoshiro256StarStarStream).
func NewSource(seed, stream uint64) *Source {
	src := rng.NewXoshiro256StarStarStream(seed, stream)
	return &src
}

// HaarOrthogonal returns an n x n orthogonal matrix drawn from the Haar measure with src: the
// Q of the QR decomposition of a matrix of standard normal deviates (drawn row-major), with
// column j multiplied by the sign of R_jj so that the law is exactly Haar.
func HaarOrthogonal(n int, src *Source) *mat.Dense {
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, src.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for j := 0; j < n; j++ {
		if r.At(j, j) < 0 {
			for i := 0; i < n; i++ {
				q.Set(i, j, -q.At(i, j))
			}
		}
	}
	return &q
}

// TeacherWeights returns the teacher W_t = O diag(d) O^T of cfg, O = HaarOrthogonal drawn from
// NewSource(cfg.Seed, TeacherStream): one teacher for every run of a seed. It returns cfg's
// validation error, if any.
func TeacherWeights(cfg Config) (*mat.Dense, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := cfg.Size
	o := HaarOrthogonal(n, NewSource(cfg.Seed, TeacherStream))
	w := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			var s float64
			for k, d := range cfg.Teacher {
				s += o.At(i, k) * d * o.At(j, k)
			}
			w.Set(i, j, s)
			w.Set(j, i, s)
		}
	}
	return w, nil
}

// RunResult is what one training run produces.
type RunResult struct {
	Run     int         // run index r (the run's generator is NewSource(Seed, r))
	Steps   []int       // recorded steps: 0, every RecordEvery, and the last
	Spectra [][]float64 // the spectrum (Config.Spectrum), ascending, at each recorded step
	Weights []float64   // final W, row-major N x N
	// WeightSnapshots holds W (row-major) at each of Steps when Config.SaveWeights, else nil.
	WeightSnapshots [][]float64
	// Drift holds the single-step increments of the spectrum when MeasureEvery > 0, else nil:
	// Modes = N, Bins over the drift range (Config.DriftLo), Dt = alpha, Expected = Drift(x,
	// target) with the mode's target from Config.Targets.
	Drift *rbmdrift.DriftAccumulator
}

// Final returns the spectrum at the last recorded step.
func (r RunResult) Final() []float64 { return r.Spectra[len(r.Spectra)-1] }

// trainer holds one run's state in flat row-major slices, so that the update allocates
// nothing.
type trainer struct {
	n, nb      int
	alpha, sd  float64 // sd: off-diagonal sd of the batch-mean noise, eps/sqrt(|B|)
	wt, w, g   []float64
	c, a, x    []float64
	rng        Source
	fixed      bool
	cb, ab     []float64 // DataFixed: per batch, the mean of x x^T and of a_b (n*n each)
	nbatch, at int       // DataFixed: number of batches, the next one
	gram       bool
	spec       *mat.Dense // the spectrum's workspace for N > 2
	svd        mat.SVD
	sv         []float64
}

// Dataset returns the inputs of run r of a DataFixed config, Samples rows of N values
// (row-major): with SharedData drawn from NewSource(cfg.Seed, DataStream), the same for every
// run; else from the run's own generator after its initial weights. It returns nil for online
// data and cfg's validation error, if any.
func Dataset(cfg Config, r int) ([]float64, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.data() != DataFixed {
		return nil, nil
	}
	src, _ := runSource(cfg, r)
	return inputs(cfg, src), nil
}

// runSource returns run r's generator after its initial weights, and those weights.
func runSource(cfg Config, r int) (*Source, []float64) {
	src := NewSource(cfg.Seed, uint64(r))
	w := make([]float64, cfg.Size*cfg.Size)
	for i := range w {
		w[i] = cfg.InitSigma * src.NormFloat64()
	}
	return src, w
}

// inputs draws the dataset of a fixed-data run from src (its own) or the shared stream.
func inputs(cfg Config, src *Source) []float64 {
	if cfg.SharedData {
		src = NewSource(cfg.Seed, DataStream)
	}
	x := make([]float64, cfg.Samples*cfg.Size)
	for i := range x {
		x[i] = src.NormFloat64()
	}
	return x
}

// newTrainer returns the trainer of run r. Draw order of the run's generator: W row-major;
// with DataFixed the inputs (unless shared) and then the Samples noise matrices (upper
// triangle row-major each); online, per update, the |B| inputs and then the batch's noise.
func newTrainer(cfg Config, r int) (*trainer, error) {
	wt, err := TeacherWeights(cfg)
	if err != nil {
		return nil, err
	}
	n := cfg.Size
	t := &trainer{n: n, nb: cfg.Batch, alpha: cfg.Alpha, sd: cfg.Noise / math.Sqrt(float64(cfg.Batch)),
		wt: append([]float64(nil), wt.RawMatrix().Data...),
		g:  make([]float64, n*n), c: make([]float64, n*n), a: make([]float64, n*n), x: make([]float64, n),
		fixed: cfg.data() == DataFixed, gram: cfg.spectrum() == SpectrumGram}
	src, w := runSource(cfg, r)
	t.w = w
	t.rng = *src
	if n > 2 {
		t.spec = mat.NewDense(n, n, nil)
		t.sv = make([]float64, n)
	}
	if t.fixed {
		xs := inputs(cfg, &t.rng)
		t.nbatch = cfg.Samples / cfg.Batch
		t.cb = make([]float64, t.nbatch*n*n)
		t.ab = make([]float64, t.nbatch*n*n)
		inv := 1 / float64(cfg.Batch)
		for s := 0; s < cfg.Samples; s++ {
			k := s / cfg.Batch
			cb, ab := t.cb[k*n*n:(k+1)*n*n], t.ab[k*n*n:(k+1)*n*n]
			x := xs[s*n : (s+1)*n]
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					cb[i*n+j] += x[i] * x[j] * inv
				}
			}
			t.goe(t.a, cfg.Noise)
			for i, v := range t.a {
				ab[i] += v * inv
			}
		}
	}
	return t, nil
}

// goe fills a (n x n) with a symmetric Gaussian matrix of off-diagonal sd sd and diagonal sd
// sqrt(2) sd, drawing the upper triangle row-major.
func (t *trainer) goe(a []float64, sd float64) {
	n := t.n
	d := math.Sqrt2 * sd
	for i := 0; i < n; i++ {
		a[i*n+i] = d * t.rng.NormFloat64()
		for j := i + 1; j < n; j++ {
			v := sd * t.rng.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}

// step performs one update W <- W + alpha [(W_t - W) C + A], C the batch mean of x x^T and A
// the batch mean of a_b. Online, A is drawn at once as a GOE matrix of sd eps/sqrt|B|: the mean
// of |B| independent GOE matrices of sd eps has exactly that law, and one draw saves
// 3(|B| - 1) normal deviates per update at N = 2.
func (t *trainer) step() {
	if t.fixed {
		k := t.at
		t.at++
		if t.at == t.nbatch {
			t.at = 0
		}
		nn := t.n * t.n
		t.update(t.cb[k*nn:(k+1)*nn], t.ab[k*nn:(k+1)*nn])
		return
	}
	if t.n == 2 {
		t.step2()
		return
	}
	t.stepGeneral()
}

// stepGeneral is the online step for any N.
func (t *trainer) stepGeneral() {
	n, c := t.n, t.c
	clear(c)
	x := t.x
	for b := 0; b < t.nb; b++ {
		for i := range x {
			x[i] = t.rng.NormFloat64()
		}
		for i, xi := range x {
			ci := c[i*n : i*n+n]
			for j := i; j < n; j++ {
				ci[j] += xi * x[j]
			}
		}
	}
	inv := 1 / float64(t.nb)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := c[i*n+j] * inv
			c[i*n+j], c[j*n+i] = v, v
		}
	}
	t.goe(t.a, t.sd)
	t.update(c, t.a)
}

// update applies W <- W + alpha [(W_t - W) C + A] for general N (plain loops over the flat
// slices: for the N <= 10 of this model gonum's Dense products cost more in call overhead than
// the arithmetic).
func (t *trainer) update(c, a []float64) {
	n := t.n
	g := t.g
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += (t.wt[i*n+k] - t.w[i*n+k]) * c[k*n+j]
			}
			g[i*n+j] = s + a[i*n+j]
		}
	}
	for i, v := range g {
		t.w[i] += t.alpha * v
	}
}

// step2 is the online step at N = 2 with every matrix in registers; it draws in the same
// order as the general step and performs the same floating-point operations.
func (t *trainer) step2() {
	var c00, c01, c11 float64
	r := &t.rng
	for b := 0; b < t.nb; b++ {
		x0 := r.NormFloat64()
		x1 := r.NormFloat64()
		c00 += x0 * x0
		c01 += x0 * x1
		c11 += x1 * x1
	}
	inv := 1 / float64(t.nb)
	c00, c01, c11 = c00*inv, c01*inv, c11*inv
	sd := t.sd
	a00 := math.Sqrt2 * sd * r.NormFloat64()
	a01 := sd * r.NormFloat64()
	a11 := math.Sqrt2 * sd * r.NormFloat64()
	w, wt := t.w[:4], t.wt[:4]
	e00, e01, e10, e11 := wt[0]-w[0], wt[1]-w[1], wt[2]-w[2], wt[3]-w[3]
	al := t.alpha
	w[0] += al * (e00*c00 + e01*c01 + a00)
	w[1] += al * (e00*c01 + e01*c11 + a01)
	w[2] += al * (e10*c00 + e11*c01 + a01)
	w[3] += al * (e10*c01 + e11*c11 + a11)
}

// spectrum writes the spectrum of the current W into dst, ascending. At N = 2 it uses the
// closed form s = (sqrt(p) -+ sqrt(q))/2, p = (w00+w11)^2 + (w01-w10)^2,
// q = (w00-w11)^2 + (w01+w10)^2, free of allocations and accurate for the spacing sqrt(q) near
// a degenerate pair; for N > 2 gonum's SVD.
func (t *trainer) spectrum(dst []float64) {
	if t.n == 1 {
		dst[0] = math.Abs(t.w[0])
	} else if t.n == 2 {
		w := t.w
		p := math.Hypot(w[0]+w[3], w[1]-w[2])
		q := math.Hypot(w[0]-w[3], w[1]+w[2])
		dst[0], dst[1] = 0.5*math.Abs(p-q), 0.5*(p+q)
	} else {
		copy(t.spec.RawMatrix().Data, t.w)
		if !t.svd.Factorize(t.spec, mat.SVDNone) {
			for i := range dst {
				dst[i] = math.NaN()
			}
			return
		}
		t.svd.Values(t.sv)
		copy(dst, t.sv)
		sort.Float64s(dst)
	}
	if t.gram {
		for i, v := range dst {
			dst[i] = v * v
		}
	}
}

// TrainRun performs training run r of cfg from scratch. The result depends only on cfg and r:
// the same call reproduces it bit for bit, alone or inside any ensemble, on any number of
// goroutines. It returns an error naming the run if cfg is not valid or the weights stop being
// finite (with the partial result).
func TrainRun(cfg Config, r int) (RunResult, error) {
	return TrainRunContext(context.Background(), cfg, r)
}

// TrainRunContext is TrainRun with cancellation: it looks at ctx.Done() before every update
// (nothing when ctx cannot be cancelled) and, once ctx is done, returns the partial result with
// ctx.Err(). A run that is not cancelled gives the same bits as TrainRun.
func TrainRunContext(ctx context.Context, cfg Config, r int) (RunResult, error) {
	done := ctx.Done()
	res := RunResult{Run: r}
	t, err := newTrainer(cfg, r)
	if err != nil {
		return res, fmt.Errorf("run %d: %w", r, err)
	}
	n := cfg.Size
	x, xn := make([]float64, n), make([]float64, n)
	record := func(s int, spec []float64) {
		res.Steps = append(res.Steps, s)
		res.Spectra = append(res.Spectra, append([]float64(nil), spec...))
		if cfg.SaveWeights {
			res.WeightSnapshots = append(res.WeightSnapshots, append([]float64(nil), t.w...))
		}
	}
	t.spectrum(x)
	record(0, x)
	have := true
	var targets []float64
	if cfg.MeasureEvery > 0 {
		lo, hi := cfg.driftRange()
		res.Drift = rbmdrift.NewDriftAccumulator(n, cfg.bins(), lo, hi, cfg.Alpha)
		targets = cfg.Targets()
	}
	steps := cfg.TotalSteps()
	for s := 0; s < steps; s++ {
		if done != nil {
			select {
			case <-done:
				return res, ctx.Err()
			default:
			}
		}
		meas := res.Drift != nil && s%cfg.MeasureEvery == 0
		if meas && !have {
			t.spectrum(x)
		}
		t.step()
		have = false
		if meas {
			t.spectrum(xn)
			for i := range xn {
				res.Drift.Add(i, x[i], xn[i]-x[i], Drift(x[i], targets[i]))
			}
			x, xn = xn, x
			have = true
		}
		if m := s + 1; m == steps || (cfg.RecordEvery > 0 && m%cfg.RecordEvery == 0) {
			if !have {
				t.spectrum(x)
				have = true
			}
			record(m, x)
		}
	}
	res.Weights = append([]float64(nil), t.w...)
	for _, v := range t.w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return res, fmt.Errorf("run %d: weights are not finite after %d steps", r, steps)
		}
	}
	return res, nil
}
