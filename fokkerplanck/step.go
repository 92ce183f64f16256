package fokkerplanck

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Method is a time-stepping scheme of a Solver.
type Method int

const (
	// BackwardEuler splits the generator by axis (Strang ordering) and takes a backward-Euler
	// step per axis: first order in dt, positive and mass-conserving for every dt.
	BackwardEuler Method = iota
	// TRBDF2 splits by axis (Strang ordering) and takes a TR-BDF2 step per axis
	// (gamma = 2 - sqrt 2; both stages share one factorisation): second order in dt and
	// L-stable, mass-conserving and exact on the stationary state, but not guaranteed
	// positive for large dt (the BDF2 stage weights the start with a negative coefficient).
	TRBDF2
	// Explicit is forward Euler on the whole generator (no splitting). Step refuses a dt above
	// the positivity limit 1/max_c |G_cc|; see Solver.ExplicitLimit.
	Explicit
)

func (m Method) String() string {
	switch m {
	case BackwardEuler:
		return "backward-Euler"
	case TRBDF2:
		return "TR-BDF2"
	case Explicit:
		return "explicit"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Stepper advances a density on the cells of an operator by dt in place.
type Stepper interface {
	Step(p []float64, dt float64) error
}

// Solver integrates dp/dt = G p on the cells of an Operator. It keeps the tridiagonal
// factorisations of the last few step sizes, so a run with fixed dt factorises once (each line
// when a sweep first needs it). A Solver
// is not safe for concurrent use; it runs the lines of each sweep on several goroutines.
type Solver struct {
	op     *Operator
	method Method

	phi  []float64    // cell potential used for the weights (op.phi or an effective one)
	wphi []float64    // copy of phi at the last setWeights (SetPotentialTol compares against it)
	ax   [3]axisState // per axis, in line order

	shift      [3]shiftAxis // separable shifts (setShiftTol)
	shiftReady bool         // shift's per-face data are built
	shiftValid bool         // the weights were last made by setShiftTol
	shiftW     [3]bool      // axis k's weights are the shift's, not yet written to ax[k] (see weights)

	cache   []factor
	spare   []factor // storage of dropped factorisations, for reuse
	workers int
	chunks  [3][]int // line index boundaries per worker
	scratch [][]float64
	maxL    int // longest line

	steps  int
	serial int
	t      float64
	work   []float64 // explicit: G p
}

type axisState struct {
	wf, wb []float64 // T B(dPhi), T B(-dPhi) of the face after each position
	vol    []float64 // cell volume per position
	ivol   []float64 // 1 / vol
}

type factor struct {
	axis          int
	beta          float64
	q             []facRow
	ready         []bool // per line: q holds its factorisation
	lastUseSerial int
}

// gammaTRBDF2 is the TR-BDF2 stage fraction 2 - sqrt 2.
var gammaTRBDF2 = 2 - math.Sqrt2

// NewSolver returns a solver of op's generator with the given method.
func NewSolver(op *Operator, method Method) *Solver {
	if method < BackwardEuler || method > Explicit {
		panic(fmt.Sprintf("fokkerplanck: unknown method %d", int(method)))
	}
	s := &Solver{op: op, method: method, phi: op.phi}
	s.workers = runtime.GOMAXPROCS(0)
	if op.ncell < 1<<14 {
		s.workers = 1
	}
	maxL := 0
	for k := 0; k < op.dim; k++ {
		ls := &op.lines[k]
		maxL = max(maxL, ls.maxL)
		n := len(ls.tf)
		st := axisState{wf: make([]float64, n), wb: make([]float64, n), vol: make([]float64, n), ivol: make([]float64, n)}
		for m := range st.vol {
			st.vol[m] = op.vol[ls.cell(m)]
			st.ivol[m] = 1 / st.vol[m]
		}
		s.ax[k] = st
		// Balance workers by positions.
		nl := len(ls.start) - 1
		b := []int{0}
		for w := 1; w < s.workers; w++ {
			target := int32(n * w / s.workers)
			l := b[len(b)-1]
			for l < nl && ls.start[l] < target {
				l++
			}
			b = append(b, l)
		}
		s.chunks[k] = append(b, nl)
	}
	s.maxL = maxL
	s.scratch = make([][]float64, s.workers)
	for w := range s.scratch {
		s.scratch[w] = make([]float64, 8*maxL) // two lines' y and x, then two lines' weights
	}
	s.setWeights()
	return s
}

// Operator returns the solver's operator.
func (s *Solver) Operator() *Operator { return s.op }

// Method returns the solver's method.
func (s *Solver) Method() Method { return s.method }

// SetPotential replaces the cell potential from which the Scharfetter-Gummel weights are made
// (len(phi) = op.Len()); nil restores the operator's own. The weights keep the face
// transmissivities of the operator, so the stationary state of the stepped equation becomes
// exp(-phi) normalised. Used for mean-field drifts; the slice is kept, not copied.
func (s *Solver) SetPotential(phi []float64) {
	if phi == nil {
		phi = s.op.phi
	}
	if len(phi) != s.op.ncell {
		panic(fmt.Sprintf("fokkerplanck: potential of length %d for %d cells", len(phi), s.op.ncell))
	}
	s.phi = phi
	s.setWeights()
}

// SetPotentialTol is SetPotential that keeps the current weights (and their cached
// factorisations) when the new potential differs from the one the weights were made from by at
// most tol up to a constant, on the cells where p (the density about to be stepped) is at least
// 1e-10 of its largest value. It reports whether the weights were remade.
//
// Why it is safe: a constant shift of the potential leaves every Scharfetter-Gummel weight
// unchanged, and d log B(z)/dz lies in [-1, 0], so when the cell-wise difference of the two
// potentials stays within a band of width 2 tol, every weight between two such cells is within
// a factor exp(±2 tol) of its exact value, and the stationary density of the kept weights is
// within a factor exp(±2 tol) of the exact one there. Cells below 1e-10 of the peak carry
// too little mass for their weights to show. Clustered uses it for the mean-field potential,
// which is already lagged by one step; tol bounds the extra lag. tol <= 0 always remakes.
func (s *Solver) SetPotentialTol(phi, p []float64, tol float64) bool {
	if len(phi) != s.op.ncell || len(p) != s.op.ncell {
		panic(fmt.Sprintf("fokkerplanck: potential of length %d, density of length %d for %d cells", len(phi), len(p), s.op.ncell))
	}
	if tol > 0 && s.wphi != nil {
		var big float64
		for _, v := range p {
			if v > big {
				big = v
			}
		}
		cut := 1e-10 * big
		lo, hi := math.Inf(1), math.Inf(-1)
		for c, v := range p {
			if v >= cut {
				d := phi[c] - s.wphi[c]
				lo, hi = min(lo, d), max(hi, d)
			}
		}
		if hi-lo <= 2*tol {
			return false
		}
	}
	s.phi = phi
	s.setWeights()
	return true
}

func (s *Solver) setWeights() {
	for k := 0; k < s.op.dim; k++ {
		ls := &s.op.lines[k]
		st := &s.ax[k]
		s.parallel(k, func(_ int, l0, l1 int) {
			for m := int(ls.start[l0]); m < int(ls.start[l1]); m++ {
				if ls.tf[m] == 0 {
					st.wf[m], st.wb[m] = 0, 0
					continue
				}
				bf, bb := bernPair(s.phi[ls.cell(m+1)] - s.phi[ls.cell(m)])
				st.wf[m], st.wb[m] = flush(ls.tf[m]*bf), flush(ls.tf[m]*bb)
			}
		})
	}
	s.dropFactors()
	if len(s.wphi) != len(s.phi) {
		s.wphi = make([]float64, len(s.phi))
	}
	copy(s.wphi, s.phi)
	s.shiftValid = false
	s.shiftW = [3]bool{}
}

// weights writes the weights of every axis into ax (they stay implicit in the shifts after a
// remake by setShiftTol until something other than a factorisation needs them).
func (s *Solver) weights() {
	for k := 0; k < s.op.dim; k++ {
		if !s.shiftW[k] {
			continue
		}
		ls := &s.op.lines[k]
		st := &s.ax[k]
		sa := &s.shift[k]
		s.parallel(k, func(_ int, l0, l1 int) {
			for l := l0; l < l1; l++ {
				m0, m1 := int(ls.start[l]), int(ls.start[l+1])
				shiftWeights(sa, ls.tf, st.wf[m0:m1], st.wb[m0:m1], m0, m1)
			}
		})
		s.shiftW[k] = false
	}
}

// dropFactors empties the factorisation cache, keeping the storage for reuse.
func (s *Solver) dropFactors() {
	s.spare = append(s.spare, s.cache...)
	s.cache = s.cache[:0]
}

// tiny is the flush-to-zero threshold of densities and weights (see Step).
const tiny = 1e-250

// flush returns 0 for |v| < tiny (a weight ratio below 1e-250 of its partner carries no flux
// that could show at rounding, and subnormal operands slow the sweeps several fold).
func flush(v float64) float64 {
	if v < tiny && v > -tiny {
		return 0
	}
	return v
}

// parallel runs fn over the worker chunks of axis k's lines.
func (s *Solver) parallel(k int, fn func(w, l0, l1 int)) {
	ch := s.chunks[k]
	if s.workers == 1 {
		fn(0, ch[0], ch[len(ch)-1])
		return
	}
	var wg sync.WaitGroup
	for w := 0; w+1 < len(ch); w++ {
		if ch[w] == ch[w+1] {
			continue
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			fn(w, ch[w], ch[w+1])
		}(w)
	}
	wg.Wait()
}

// factorFor returns the Thomas factorisation of (V - beta V A_k) along axis k.
func (s *Solver) factorFor(k int, beta float64) *factor {
	s.serial++
	for i := range s.cache {
		if f := &s.cache[i]; f.axis == k && f.beta == beta {
			f.lastUseSerial = s.serial
			return f
		}
	}
	ls := &s.op.lines[k]
	n := len(ls.tf)
	var f factor
	if len(s.cache) >= 8 {
		// Reuse the least recently used entry's storage.
		old := 0
		for i := range s.cache {
			if s.cache[i].lastUseSerial < s.cache[old].lastUseSerial {
				old = i
			}
		}
		f = s.cache[old]
		s.cache = append(s.cache[:old], s.cache[old+1:]...)
	} else if ns := len(s.spare); ns > 0 {
		f = s.spare[ns-1]
		s.spare = s.spare[:ns-1]
	} else {
		f = factor{q: make([]facRow, n)}
	}
	f.axis, f.beta, f.lastUseSerial = k, beta, s.serial
	// Lines are factorised when a sweep first needs them (factorLines).
	nl := len(ls.start) - 1
	if cap(f.ready) < nl {
		f.ready = make([]bool, nl)
	}
	f.ready = f.ready[:nl]
	clear(f.ready)
	s.cache = append(s.cache, f)
	return &s.cache[len(s.cache)-1]
}

// factorLines factorises the lines ls[0:nl] of axis k into f (two at once where there are
// two), with buf scratch of 4 maxL for weights made from the shifts.
func (s *Solver) factorLines(f *factor, k int, lines []int, buf []float64) {
	ls := &s.op.lines[k]
	st := &s.ax[k]
	sa := &s.shift[k]
	n2 := len(buf) / 4
	var fl [2]factorLine
	for i, l := range lines {
		m0, m1 := int(ls.start[l]), int(ls.start[l+1])
		fl[i].set(st, f, m0, m1)
		if s.shiftW[k] {
			// The weights of the line, from the shifts, into scratch (L1-resident, so the
			// factorisation does not read them back from memory).
			wf, wb := buf[2*i*n2:][:m1-m0], buf[(2*i+1)*n2:][:m1-m0]
			shiftWeights(sa, ls.tf, wf, wb, m0, m1)
			fl[i].wf, fl[i].wb = wf, wb
		}
		f.ready[l] = true
	}
	switch len(lines) {
	case 2:
		factor2(&fl[0], &fl[1], f.beta)
	case 1:
		fl[0].factor(0, fl[0].start(f.beta), f.beta)
	}
}

// factorAll factorises every line of f (for tests; the sweeps factorise the lines they need).
func (s *Solver) factorAll(f *factor) {
	s.parallel(f.axis, func(w, l0, l1 int) {
		for l := l0; l < l1; l += 2 {
			lines := []int{l, l + 1}
			if l+1 == l1 {
				lines = lines[:1]
			}
			s.factorLines(f, f.axis, lines, s.scratch[w][4*s.maxL:])
		}
	})
}

// Step advances p by dt in place (Stepper). It returns an error for a dt that is not positive
// and finite, for an explicit dt above the stability limit, and when the density stops being
// finite (naming the step and the time).
func (s *Solver) Step(p []float64, dt float64) error {
	if len(p) != s.op.ncell {
		panic(fmt.Sprintf("fokkerplanck: density of length %d for %d cells", len(p), s.op.ncell))
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("fokkerplanck: step size %g is not positive and finite", dt)
	}
	switch s.method {
	case Explicit:
		if lim := s.ExplicitLimit(); dt > lim {
			return fmt.Errorf("fokkerplanck: explicit step %g exceeds the stability limit %g (use an implicit method)", dt, lim)
		}
		s.explicitStep(p, dt)
	default:
		d := s.op.dim
		for k := 0; k < d-1; k++ {
			s.sweep(p, k, dt/2)
		}
		s.sweep(p, d-1, dt)
		for k := d - 2; k >= 0; k-- {
			s.sweep(p, k, dt/2)
		}
	}
	s.steps++
	s.t += dt
	// Flush densities below 1e-250 to zero: subnormal numbers slow the sweeps several fold
	// where exp(-Phi) underflows (g^2 = 1e-3); the mass lost is below 1e-250 per cell.
	var sum float64
	for c, v := range p {
		if math.Abs(v) < tiny {
			p[c] = 0
		}
		sum += v
	}
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		return fmt.Errorf("fokkerplanck: non-finite density after step %d at t = %g", s.steps, s.t)
	}
	return nil
}

// SetTime sets the clock that Step advances and error messages report.
func (s *Solver) SetTime(t float64) { s.t = t }

// Time returns the clock: the time set by SetTime plus the steps taken since.
func (s *Solver) Time() float64 { return s.t }

// Steps returns the number of steps taken.
func (s *Solver) Steps() int { return s.steps }

// sweep applies the axis-k factor over a sub-step tau to every line. A line of zeros is skipped:
// its result is zeros (every value of its solve is 0 or flushed to 0), so the skip leaves the
// densities unchanged; where the density has been flushed to zero, which is most of a chamber
// in the default study's narrow clusters, this saves the sweep and the line's factorisation
// (made when a sweep first needs the line, factorLines).
func (s *Solver) sweep(p []float64, k int, tau float64) {
	ls := &s.op.lines[k]
	var f *factor
	if s.method == TRBDF2 {
		f = s.factorFor(k, tau*gammaTRBDF2/2)
	} else {
		f = s.factorFor(k, tau)
	}
	g := gammaTRBDF2
	c1 := 1 / (g * (2 - g))
	c0 := -(1 - g) * (1 - g) / (g * (2 - g))
	tr := s.method == TRBDF2
	s.parallel(k, func(w, l0, l1 int) {
		buf := s.scratch[w]
		n2 := s.maxL
		var jobs [2]lineJob
		var pm [2][2]int // positions of the pending lines
		var pl, need [2]int
		nj := 0
		run := func() {
			nn := 0
			for i := 0; i < nj; i++ {
				if !f.ready[pl[i]] {
					need[nn] = pl[i]
					nn++
				}
			}
			if nn > 0 {
				s.factorLines(f, k, need[:nn], buf[4*n2:])
			}
			switch {
			case nj == 2 && tr:
				trbdf2x2(&jobs[0], &jobs[1], c1, c0)
			case nj == 2:
				solve2(&jobs[0], &jobs[1], 1, 0)
			case tr:
				jobs[0].trbdf2(c1, c0)
			default:
				jobs[0].solve(1, 0)
			}
			if ls.perm != nil {
				for i := 0; i < nj; i++ {
					m0, m1 := pm[i][0], pm[i][1]
					y := jobs[i].y
					for j, c := range ls.perm[m0:m1] {
						p[c] = y[j]
					}
				}
			}
			nj = 0
		}
		for l := l0; l < l1; l++ {
			m0, m1 := int(ls.start[l]), int(ls.start[l+1])
			n := m1 - m0
			if n == 1 {
				continue
			}
			// A line of zeros stays zeros (every value of its sweep would be flushed to 0), so
			// it is skipped, with its factorisation.
			part := buf[2*nj*n2 : 2*(nj+1)*n2]
			var y []float64
			nonzero := false
			if ls.perm == nil {
				y = p[m0:m1]
				for _, v := range y {
					if v != 0 {
						nonzero = true
						break
					}
				}
			} else {
				y = part[:n]
				for j, c := range ls.perm[m0:m1] {
					v := p[c]
					y[j] = v
					nonzero = nonzero || v != 0
				}
			}
			if !nonzero {
				continue
			}
			x := y
			if tr {
				x = part[n2 : n2+n]
			}
			jobs[nj].set(y, x, f, m0)
			pm[nj] = [2]int{m0, m1}
			pl[nj] = l
			nj++
			if nj == 2 {
				run()
			}
		}
		if nj > 0 {
			run()
		}
	})
}

// ExplicitLimit returns the largest dt for which a forward-Euler step keeps every density
// non-negative: 1 / max_c |G_cc|.
func (s *Solver) ExplicitLimit() float64 {
	s.weights()
	out := make([]float64, s.op.ncell)
	for k := 0; k < s.op.dim; k++ {
		ls := &s.op.lines[k]
		st := &s.ax[k]
		for m := range ls.tf {
			if ls.tf[m] == 0 {
				continue
			}
			a, b := ls.cell(m), ls.cell(m+1)
			out[a] += st.wf[m] / st.vol[m]
			out[b] += st.wb[m] / st.vol[m+1]
		}
	}
	mx := 0.0
	for _, v := range out {
		mx = math.Max(mx, v)
	}
	return 1 / mx
}

func (s *Solver) explicitStep(p []float64, dt float64) {
	s.weights()
	if len(s.work) != len(p) {
		s.work = make([]float64, len(p))
	}
	g := s.work
	for c := range g {
		g[c] = 0
	}
	for k := 0; k < s.op.dim; k++ {
		ls := &s.op.lines[k]
		st := &s.ax[k]
		for m := range ls.tf {
			if ls.tf[m] == 0 {
				continue
			}
			a, b := ls.cell(m), ls.cell(m+1)
			flux := st.wf[m]*p[a] - st.wb[m]*p[b]
			g[a] -= flux / st.vol[m]
			g[b] += flux / st.vol[m+1]
		}
	}
	for c := range p {
		p[c] += dt * g[c]
	}
}

// Evolve advances p from the solver's time to t1 with steps of dt (the last one shortened to
// land on t1).
func (s *Solver) Evolve(p []float64, t1, dt float64) error {
	return s.EvolveContext(context.Background(), p, t1, dt)
}

// EvolveContext is Evolve with cancellation: it looks at ctx before every step and returns
// ctx.Err() once ctx is done, leaving p and the clock at the last completed step. Without
// cancellation it gives Evolve's bits.
func (s *Solver) EvolveContext(ctx context.Context, p []float64, t1, dt float64) error {
	done := ctx.Done()
	for s.t < t1*(1-1e-14) {
		if cancelled(done) {
			return ctx.Err()
		}
		h := math.Min(dt, t1-s.t)
		if err := s.Step(p, h); err != nil {
			return err
		}
	}
	s.t = t1
	return nil
}

// Adaptive controls EvolveAdaptive.
type Adaptive struct {
	Tol   float64 // allowed L1 error (of the mass) per unit time; > 0
	Dt    float64 // first trial step; updated to the last accepted-step proposal
	MinDt float64 // smallest step before giving up; 0 means 1e-12 (t1 - t0)
	MaxDt float64 // largest step; 0 means no limit

	Accepted, Rejected int // counters
}

// ErrStepTooSmall is returned by EvolveAdaptive when the error control asks for a step below
// MinDt.
var ErrStepTooSmall = errors.New("fokkerplanck: adaptive step size fell below the minimum")

// EvolveAdaptive advances p from the solver's time to t1 with step doubling: each step is taken
// once with h and twice with h/2, the L1 distance of the two (times V) estimates the local
// error of the finer, which is kept if the distance is at most Tol h. The next h follows from
// the method's order. Three steps per accepted step: worth it when the solution has slow and
// fast phases.
func (s *Solver) EvolveAdaptive(p []float64, t1 float64, a *Adaptive) error {
	return s.EvolveAdaptiveContext(context.Background(), p, t1, a)
}

// EvolveAdaptiveContext is EvolveAdaptive with cancellation: it looks at ctx before every trial
// step and returns ctx.Err() once ctx is done, leaving p, the clock and a at the last accepted
// or rejected step. Without cancellation it gives EvolveAdaptive's bits.
func (s *Solver) EvolveAdaptiveContext(ctx context.Context, p []float64, t1 float64, a *Adaptive) error {
	if !(a.Tol > 0) {
		return fmt.Errorf("fokkerplanck: adaptive tolerance %g must be positive", a.Tol)
	}
	if !(a.Dt > 0) {
		return fmt.Errorf("fokkerplanck: adaptive first step %g must be positive", a.Dt)
	}
	minDt := a.MinDt
	if minDt <= 0 {
		minDt = 1e-12 * math.Abs(t1-s.t)
	}
	order := 1.0
	if s.method == TRBDF2 {
		order = 2
	}
	coarse := make([]float64, len(p))
	fine := make([]float64, len(p))
	vol := s.op.vol
	done := ctx.Done()
	for s.t < t1*(1-1e-14) {
		if cancelled(done) {
			return ctx.Err()
		}
		h := math.Min(a.Dt, t1-s.t)
		if a.MaxDt > 0 {
			h = math.Min(h, a.MaxDt)
		}
		t0, n0 := s.t, s.steps
		copy(coarse, p)
		copy(fine, p)
		if err := s.Step(coarse, h); err != nil {
			return err
		}
		if err := s.Step(fine, h/2); err != nil {
			return err
		}
		if err := s.Step(fine, h/2); err != nil {
			return err
		}
		s.t, s.steps = t0, n0
		var e float64
		for c := range p {
			e += vol[c] * math.Abs(fine[c]-coarse[c])
		}
		fac := 5.0
		if e > 0 {
			fac = math.Min(5, math.Max(0.2, 0.9*math.Pow(a.Tol*h/e, 1/order)))
		}
		if e <= a.Tol*h {
			copy(p, fine)
			s.t += h
			s.steps++
			a.Accepted++
			if h == a.Dt || fac < 1 {
				a.Dt = h * fac
			}
		} else {
			a.Rejected++
			a.Dt = h * fac
			if a.Dt < minDt {
				return fmt.Errorf("%w (%g at t = %g)", ErrStepTooSmall, a.Dt, s.t)
			}
		}
	}
	s.t = t1
	return nil
}

// cancelled reports whether done (a context's Done channel; nil never closes) is closed.
func cancelled(done <-chan struct{}) bool {
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}
