package langevin

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"fpsolve/model"
	"fpsolve/symeig"
)

// Stepper advances one walker of a Coulomb gas; Eigen and Matrix implement it.
type Stepper interface {
	// Dim returns the number of modes.
	Dim() int
	// WorkLen returns the scratch length that Advance needs.
	WorkLen() int
	// Arrange checks an initial point and puts its values in the stepper's order, in place.
	Arrange(x []float64) error
	// Advance moves x by steps updates drawn from src, using work as scratch. At the first
	// step whose proposal is not finite it stops, keeping the last finite state, and reports
	// NonFinite = 1 and the steps made in the returned Counts.
	Advance(x []float64, steps int, src *Source, work []float64) Counts
}

// Init draws the initial point of a walker: one value per mode. rng is the walker's own stream
// (the same that its steps then continue), walker its global index. With the Coulomb term the
// values may come in any order: they are sorted and handed to the modes by rank (see Order).
type Init func(rng *rand.Rand, walker int) []float64

// Ensemble is a set of independent walkers, each with its own random stream derived from
// (seed, global walker index) alone. Results are bit-identical for any number of goroutines, and
// for any split of the steps into Advance calls.
type Ensemble struct {
	N      int       // modes per walker
	Index  []int     // global walker indices
	X      []float64 // X[w*N + i] is mode i of walker w (Index[w])
	Steps  int       // steps done so far
	Counts Counts    // exceptional events so far, over all walkers

	src []Source
}

// Walkers returns the indices 0..w-1.
func Walkers(w int) []int {
	idx := make([]int, w)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// NewEnsemble draws the initial points of the walkers with the given global indices (a shard
// may pass any subset). StableInit gives the default start. It returns an error naming the
// walker if a drawn point is not acceptable (wrong length, not finite, two equal eigenvalues,
// outside the domain).
func NewEnsemble(s Stepper, index []int, seed uint64, init Init) (*Ensemble, error) {
	if init == nil {
		return nil, fmt.Errorf("langevin: NewEnsemble: init is nil; use StableInit for the default")
	}
	n := s.Dim()
	e := &Ensemble{N: n, Index: append([]int(nil), index...), X: make([]float64, n*len(index)), src: make([]Source, len(index))}
	for w, gi := range index {
		e.src[w] = NewSource(seed, gi)
		x := init(rand.New(&e.src[w]), gi)
		if len(x) != n {
			return nil, fmt.Errorf("langevin: walker %d: initial point has %d values, want %d", gi, len(x), n)
		}
		dst := e.X[w*n : w*n+n]
		copy(dst, x)
		if err := s.Arrange(dst); err != nil {
			return nil, fmt.Errorf("langevin: walker %d: %v", gi, err)
		}
	}
	return e, nil
}

// Run draws walkers 0..walkers-1 from init (see NewEnsemble) and advances them by steps updates
// on workers goroutines (GOMAXPROCS if workers <= 0): "W walkers, S steps, initial points from a
// func(rng, walker), final x's" in one call. It returns NewEnsemble's errors and Advance's
// (the ensemble is returned with the latter).
func Run(s Stepper, walkers, steps int, seed uint64, init Init, workers int) (*Ensemble, error) {
	e, err := NewEnsemble(s, Walkers(walkers), seed, init)
	if err != nil {
		return nil, err
	}
	return e, e.Advance(s, steps, workers)
}

// Advance moves every walker by steps updates of s, on workers goroutines (GOMAXPROCS if
// workers <= 0). Walkers are split into contiguous blocks; each walker runs all its steps in
// one go from its own stream, so the split does not change any result.
//
// A walker whose proposal stops being finite (a drift or diffusion returning NaN or Inf) is
// stopped there; Advance then returns an error naming the first such walker, the step and the
// time t = alpha*step, and the ensemble must not be used further. So is a walker stopped by the
// growth check (Counts.Diverged): the error names it, the mode, the step and the likely cause.
func (e *Ensemble) Advance(s Stepper, steps, workers int) error {
	return e.AdvanceContext(context.Background(), s, steps, workers)
}

// AdvanceContext is Advance with cancellation. Each worker runs its walkers' steps in slices
// of about 10 ms (a split that changes no result) and looks at ctx between slices; once ctx
// is done the workers stop and AdvanceContext returns ctx.Err(). The walkers are then at
// different steps, so a cancelled ensemble must not be used further (nor saved): Steps and
// Counts are left as they were before the call. Without cancellation the result is Advance's,
// bit for bit, for any number of workers.
func (e *Ensemble) AdvanceContext(ctx context.Context, s Stepper, steps, workers int) error {
	if s.Dim() != e.N {
		panic("langevin: Ensemble.Advance: stepper dimension differs from the ensemble's")
	}
	if steps < 0 {
		panic("langevin: Ensemble.Advance: negative steps")
	}
	nw := len(e.src)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(nw, 1))
	counts := make([]Counts, workers)
	bad := make([]int, workers) // first stopped walker of each block, -1 if none
	badSteps := make([]int64, workers)
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		lo, hi := g*nw/workers, (g+1)*nw/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := make([]float64, s.WorkLen())
			var c Counts
			bad[g] = -1
			sl := slicer{done: ctx.Done(), n: 16}
			for w := lo; w < hi && !sl.stop; w++ {
				cw := sl.advance(s, e.X[w*e.N:w*e.N+e.N], steps, &e.src[w], work)
				if (cw.NonFinite > 0 || cw.Diverged > 0) && bad[g] < 0 {
					bad[g], badSteps[g] = w, cw.Steps
				}
				c.add(cw)
			}
			counts[g] = c
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, c := range counts {
		e.Counts.add(c)
	}
	step0 := e.Steps
	e.Steps += steps
	for g, w := range bad {
		if w >= 0 {
			step := step0 + int(badSteps[g]) + 1
			tAt := func(step int) string {
				if a, ok := s.(interface{ Alpha() float64 }); ok {
					return fmt.Sprintf("t = %g", a.Alpha()*float64(step))
				}
				return "t = alpha*step"
			}
			if d, ok := s.(interface{ divergence([]float64) string }); ok {
				if msg := d.divergence(e.Walker(w)); msg != "" {
					step-- // a diverged walker's Counts.Steps includes the step that took it out
					return fmt.Errorf("langevin: walker %d: diverged by step %d (%s): %s", e.Index[w], step, tAt(step), msg)
				}
			}
			return fmt.Errorf("langevin: walker %d: drift or diffusion not finite at x = %v in step %d (%s)", e.Index[w], e.Walker(w), step, tAt(step))
		}
	}
	return nil
}

// slicer runs one worker's walkers in slices of steps, checking for cancellation in between.
type slicer struct {
	done <-chan struct{} // nil: never cancelled (one Stepper.Advance call per walker)
	n    int             // steps per slice, doubled while a slice takes under sliceTime
	stop bool            // done was closed
}

// sliceTime is the target wall time of one slice: the latency of a cancellation.
const sliceTime = 10 * time.Millisecond

// advance moves x by steps updates of s in slices (a split that changes no result: the walker
// continues its own stream) and returns the summed counts, as one s.Advance call would. It
// stops early when done closes (setting stop), at a non-finite proposal or at a divergence
// (Counts.Diverged; slicing adds growth checks at the slices' ends, which change no result).
func (sl *slicer) advance(s Stepper, x []float64, steps int, src *Source, work []float64) Counts {
	if sl.done == nil {
		return s.Advance(x, steps, src, work)
	}
	var c Counts
	for k := 0; k < steps; {
		select {
		case <-sl.done:
			sl.stop = true
			return c
		default:
		}
		m := min(sl.n, steps-k)
		t0 := time.Now()
		cm := s.Advance(x, m, src, work)
		c.add(cm) // c.Steps: the k steps before this slice and the slice's
		if cm.NonFinite > 0 || cm.Diverged > 0 {
			return c
		}
		k += m
		if time.Since(t0) < sliceTime && sl.n < 1<<30 {
			sl.n *= 2
		}
	}
	return c
}

// Walker returns the current point of walker w (a position in Index), aliasing X.
func (e *Ensemble) Walker(w int) []float64 { return e.X[w*e.N : w*e.N+e.N] }

// Mode copies mode i of every walker into dst (allocated if too short) and returns it.
func (e *Ensemble) Mode(i int, dst []float64) []float64 {
	nw := len(e.Index)
	if cap(dst) < nw {
		dst = make([]float64, nw)
	}
	dst = dst[:nw]
	for w := range dst {
		dst[w] = e.X[w*e.N+i]
	}
	return dst
}

// StableInit starts every mode of sys at its drift's stable point plus a Gaussian of standard
// deviation sqrt(D/|K'|)/10 there (a tenth of the one-mode stationary width; sqrt(D)/10 where
// K' = 0), truncated to the domain: a draw that leaves the domain is drawn again (up to
// stableInitTries times, then the stable point itself). Falling back at once put every such
// mode on its exact stable point, so two degenerate modes near a wall started equal.
func StableInit(sys model.System) Init {
	n := len(sys.Modes)
	mean, sd := make([]float64, n), make([]float64, n)
	for i, m := range sys.Modes {
		mean[i] = m.Drift.Stable()
		curv := math.Abs(m.Drift.DK(mean[i]))
		if curv == 0 {
			curv = 1
		}
		sd[i] = 0.1 * math.Sqrt(m.D(mean[i])/curv)
	}
	return func(rng *rand.Rand, _ int) []float64 {
		x := make([]float64, n)
		for i := range x {
			lo, hi := sys.Modes[i].Drift.Domain()
			x[i] = mean[i]
			for try := 0; try < stableInitTries; try++ {
				if v := mean[i] + sd[i]*rng.NormFloat64(); v >= lo && v < hi {
					x[i] = v
					break
				}
			}
		}
		return x
	}
}

// stableInitTries bounds StableInit's redraws of one mode: a stable point inside the domain
// keeps at least about half of the draws, so 64 failures in a row have probability 2^-64.
const stableInitTries = 64

// GaussianInit draws mode i from a normal distribution of the given mean and standard deviation.
func GaussianInit(mean, sd []float64) Init {
	if len(mean) != len(sd) {
		panic("langevin: GaussianInit: mean and sd differ in length")
	}
	return func(rng *rand.Rand, _ int) []float64 {
		x := make([]float64, len(mean))
		for i := range x {
			x[i] = mean[i] + sd[i]*rng.NormFloat64()
		}
		return x
	}
}

// GOEInit draws the eigenvalues of c*1 + a GOE matrix whose off-diagonal entries have variance
// sigma2 and diagonal entries 2 sigma2: for n harmonic modes of equal centre c, curvature Omega
// and g^2 = sigma2*Omega this is the exact stationary Coulomb gas.
func GOEInit(n int, c, sigma2 float64) Init {
	return func(rng *rand.Rand, _ int) []float64 {
		a := make([]float64, n*n)
		sd := math.Sqrt(sigma2)
		for k := 0; k < n; k++ {
			a[k*n+k] = c + math.Sqrt2*sd*rng.NormFloat64()
			for j := k + 1; j < n; j++ {
				a[k*n+j] = sd * rng.NormFloat64()
			}
		}
		x := make([]float64, n)
		symeig.Values(a, n, x)
		return x
	}
}
