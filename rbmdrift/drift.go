package rbmdrift

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// DriftAccumulator bins single-step increments dx of each mode by the mode's value x before the
// step and keeps integer counts and float power sums, so that accumulators of separate runs
// (or shards) merge exactly: counts add exactly, and float sums add to the same bits when they
// are added in the same order. MergeResults adds runs in ascending run index, so a sharded
// ensemble merged that way reproduces the unsharded one bit for bit.
//
// With Windows > 1 the increments are also split by the step at which they were measured:
// window w holds steps [w*Steps/Windows, (w+1)*Steps/Windows) (integer division), so that a
// time-dependent drift can be measured window by window (Gyongy's mimicking theorem needs the
// conditional drift at each time, not its time average).
//
// Bins are equal on [Lo, Hi) unless Edges is set (NewBinnedDriftAccumulator): then bin b is
// [Edges[b], Edges[b+1]), for instance the graded bins of GradedEdges, which resolve an
// eigenvalue that spends decades of its life near the wall x = 0.
//
// The fields are exported so that a caller can persist and reload an accumulator; index
// (window*Modes + mode)*Bins + bin. Windows = 0 (an accumulator persisted before windows
// existed) means one window.
type DriftAccumulator struct {
	Modes, Bins int
	Lo, Hi      float64   // binned range [Lo, Hi); increments from outside are counted in Dropped
	Edges       []float64 // Bins+1 ascending bin edges from Lo to Hi; nil: equal bins
	Dt          float64   // time per step (alpha)
	Windows     int       // time windows (0 or 1: one window over all steps)
	Steps       int       // steps that the windows divide (unused with one window)

	Count   []int64
	SumX    []float64 // sum of x (for the bin's mean position)
	SumDx   []float64 // sums of dx, dx^2, dx^3, dx^4
	SumDx2  []float64
	SumDx3  []float64
	SumDx4  []float64
	SumExp  []float64 // sum of the expected drift (per unit t) supplied with each increment
	Dropped int64
}

// NewDriftAccumulator returns an empty accumulator for the given number of modes, bins per
// mode over [lo, hi) and time step dt. It panics on non-positive sizes, an empty range or
// dt <= 0.
func NewDriftAccumulator(modes, bins int, lo, hi, dt float64) *DriftAccumulator {
	return NewWindowedDriftAccumulator(modes, bins, 1, 0, lo, hi, dt)
}

// NewWindowedDriftAccumulator returns an empty accumulator with the given number of time
// windows dividing steps steps (see DriftAccumulator). With windows = 1 it equals
// NewDriftAccumulator. It panics on non-positive sizes, windows > 1 with windows > steps, an
// empty range or dt <= 0.
func NewWindowedDriftAccumulator(modes, bins, windows, steps int, lo, hi, dt float64) *DriftAccumulator {
	if modes < 1 || bins < 1 || windows < 1 || (windows > 1 && windows > steps) || !(lo < hi) || !(dt > 0) {
		panic("rbmdrift: bad drift accumulator shape")
	}
	if windows == 1 {
		steps = 0 // one window covers any step: the shape does not depend on the run length
	}
	n := windows * modes * bins
	return &DriftAccumulator{
		Modes: modes, Bins: bins, Lo: lo, Hi: hi, Dt: dt, Windows: windows, Steps: steps,
		Count: make([]int64, n), SumX: make([]float64, n),
		SumDx: make([]float64, n), SumDx2: make([]float64, n),
		SumDx3: make([]float64, n), SumDx4: make([]float64, n),
		SumExp: make([]float64, n),
	}
}

// NewBinnedDriftAccumulator is NewWindowedDriftAccumulator with the bins given by their edges:
// bin b is [edges[b], edges[b+1]). It panics if there are fewer than two edges or they are not
// finite and strictly ascending, and on the other conditions of NewWindowedDriftAccumulator.
// The accumulator keeps its own copy of edges.
func NewBinnedDriftAccumulator(modes, windows, steps int, edges []float64, dt float64) *DriftAccumulator {
	if len(edges) < 2 {
		panic("rbmdrift: fewer than two bin edges")
	}
	for i, e := range edges {
		if math.IsNaN(e) || math.IsInf(e, 0) || (i > 0 && !(e > edges[i-1])) {
			panic("rbmdrift: bin edges not finite and strictly ascending")
		}
	}
	n := len(edges) - 1
	a := NewWindowedDriftAccumulator(modes, n, windows, steps, edges[0], edges[n], dt)
	a.Edges = slices.Clone(edges)
	return a
}

// GradedEdges returns the edges of bins bins of equal width w = (hi-lo)/bins on [lo, hi) whose
// first bin [lo, lo+w) is split into logBins bins with geometric edges from lo+floor to lo+w,
// plus the bin [lo, lo+floor): bins+logBins edges in all (logBins = 0 gives the equal bins).
// A quantity that grows exponentially from near lo then has bins of equal width in log(x-lo)
// over the decades between floor and w. It returns an error naming the cause if the range is
// empty or not finite, bins < 1, logBins < 0, or floor is not in (0, w).
func GradedEdges(lo, hi float64, bins, logBins int, floor float64) ([]float64, error) {
	switch {
	case !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0):
		return nil, fmt.Errorf("bin range [%g, %g) is empty or not finite", lo, hi)
	case bins < 1:
		return nil, fmt.Errorf("%d bins, need at least 1", bins)
	case logBins < 0:
		return nil, fmt.Errorf("%d log bins must not be negative", logBins)
	}
	w := (hi - lo) / float64(bins)
	if logBins > 0 && !(floor > 0 && floor < w) {
		return nil, fmt.Errorf("log floor %g must lie in (0, %g), the width of the first bin", floor, w)
	}
	edges := []float64{lo}
	if logBins > 0 {
		r := math.Log(w / floor)
		for k := 0; k < logBins; k++ {
			edges = append(edges, lo+floor*math.Exp(r*float64(k)/float64(logBins)))
		}
	}
	for b := 1; b < bins; b++ {
		edges = append(edges, lo+float64(b)*w)
	}
	return append(edges, hi), nil
}

// bin returns the bin of x in [Lo, Hi).
func (a *DriftAccumulator) bin(x float64) int {
	if a.Edges != nil {
		// The first edge above x closes x's bin.
		return sort.Search(a.Bins, func(b int) bool { return a.Edges[b+1] > x })
	}
	return min(int((x-a.Lo)/(a.Hi-a.Lo)*float64(a.Bins)), a.Bins-1)
}

// centre returns the middle of bin b.
func (a *DriftAccumulator) centre(b int) float64 {
	if a.Edges != nil {
		return 0.5 * (a.Edges[b] + a.Edges[b+1])
	}
	return a.Lo + (float64(b)+0.5)*(a.Hi-a.Lo)/float64(a.Bins)
}

// empty returns an accumulator of a's shape with nothing in it.
func (a *DriftAccumulator) empty() *DriftAccumulator {
	if a.Edges != nil {
		return NewBinnedDriftAccumulator(a.Modes, a.NumWindows(), a.Steps, a.Edges, a.Dt)
	}
	return NewWindowedDriftAccumulator(a.Modes, a.Bins, a.NumWindows(), a.Steps, a.Lo, a.Hi, a.Dt)
}

// NumWindows returns the number of time windows (at least 1).
func (a *DriftAccumulator) NumWindows() int { return max(1, a.Windows) }

// WindowRange returns the steps [s0, s1) of window w. With one window it is [0, Steps).
// It panics if w is out of range.
func (a *DriftAccumulator) WindowRange(w int) (s0, s1 int) {
	nw := a.NumWindows()
	if w < 0 || w >= nw {
		panic("rbmdrift: window out of range")
	}
	return w * a.Steps / nw, (w + 1) * a.Steps / nw
}

// Window returns the window that holds step s; steps before 0 go to the first window and
// steps from Steps on to the last.
func (a *DriftAccumulator) Window(s int) int {
	nw := a.NumWindows()
	if nw == 1 || s <= 0 {
		return 0
	}
	if s >= a.Steps {
		return nw - 1
	}
	w := int(int64(s) * int64(nw) / int64(a.Steps)) // a first guess, off by at most one
	for w+1 < nw && (w+1)*a.Steps/nw <= s {
		w++
	}
	for w > 0 && w*a.Steps/nw > s {
		w--
	}
	return w
}

// Add records one single-step increment dx of mode at position x, with the expected drift at
// that point (per unit time; pass 0 if unknown), in the first window (the only one of an
// accumulator without windows). AddAt files it by step.
func (a *DriftAccumulator) Add(mode int, x, dx, expected float64) {
	a.AddWindow(0, mode, x, dx, expected)
}

// AddAt records the increment dx measured from step s to s+1 in the window that holds s.
func (a *DriftAccumulator) AddAt(s, mode int, x, dx, expected float64) {
	a.AddWindow(a.Window(s), mode, x, dx, expected)
}

// AddWindow records the increment in window w.
func (a *DriftAccumulator) AddWindow(w, mode int, x, dx, expected float64) {
	if !(x >= a.Lo && x < a.Hi) {
		a.Dropped++
		return
	}
	i := (w*a.Modes+mode)*a.Bins + a.bin(x)
	a.Count[i]++
	a.SumX[i] += x
	d2 := dx * dx
	a.SumDx[i] += dx
	a.SumDx2[i] += d2
	a.SumDx3[i] += d2 * dx
	a.SumDx4[i] += d2 * d2
	a.SumExp[i] += expected
}

// Merge adds b into a. It returns an error if the shapes differ.
func (a *DriftAccumulator) Merge(b *DriftAccumulator) error {
	if a.Modes != b.Modes || a.Bins != b.Bins || a.Lo != b.Lo || a.Hi != b.Hi || a.Dt != b.Dt ||
		a.NumWindows() != b.NumWindows() || (a.NumWindows() > 1 && a.Steps != b.Steps) {
		return fmt.Errorf("drift accumulators differ in shape: %d x %d on [%g, %g) dt %g, %d windows of %d steps vs %d x %d on [%g, %g) dt %g, %d windows of %d steps",
			a.Modes, a.Bins, a.Lo, a.Hi, a.Dt, a.NumWindows(), a.Steps, b.Modes, b.Bins, b.Lo, b.Hi, b.Dt, b.NumWindows(), b.Steps)
	}
	if !slices.Equal(a.Edges, b.Edges) {
		return fmt.Errorf("drift accumulators differ in their bin edges")
	}
	for i := range a.Count {
		a.Count[i] += b.Count[i]
	}
	bf := b.floats()
	for k, f := range a.floats() {
		for i := range f {
			f[i] += bf[k][i]
		}
	}
	a.Dropped += b.Dropped
	return nil
}

// floats returns the per-bin float sums in binSums' order: x, dx, dx^2, dx^3, dx^4, expected.
func (a *DriftAccumulator) floats() [6][]float64 {
	return [6][]float64{a.SumX, a.SumDx, a.SumDx2, a.SumDx3, a.SumDx4, a.SumExp}
}

// Clone returns a deep copy of a.
func (a *DriftAccumulator) Clone() *DriftAccumulator {
	c := *a
	for _, p := range []*[]float64{&c.SumX, &c.SumDx, &c.SumDx2, &c.SumDx3, &c.SumDx4, &c.SumExp} {
		*p = append([]float64(nil), *p...)
	}
	c.Count = append([]int64(nil), a.Count...)
	c.Edges = slices.Clone(a.Edges)
	return &c
}

// DriftBin is the Kramers-Moyal estimate in one bin, per unit of t = alpha * step:
// Drift D1 = <dx>/dt and Diffusion D2 = <(dx - D1 dt)^2>/(2 dt) (sample variance with the
// n - 1 denominator), with standard errors from the increments' own moments (single-step
// increments are independent given x). X is the mean position of the increments in the bin
// (the bin centre when empty), Expected the mean expected drift there. With Count < 2 the
// estimates are NaN.
type DriftBin struct {
	X                       float64
	Drift, DriftErr         float64
	Diffusion, DiffusionErr float64
	Expected                float64
	Count                   int64
}

// Table returns the bins of one mode in ascending x, pooled over all time windows (with one
// window, that window's bins).
func (a *DriftAccumulator) Table(mode int) []DriftBin {
	return a.TableWindows(0, a.NumWindows(), mode)
}

// TableWindows returns the bins of one mode pooled over the time windows [w0, w1), for instance
// the last ones, where an ensemble is near its stationary state. It panics if the range is
// empty or out of range.
func (a *DriftAccumulator) TableWindows(w0, w1, mode int) []DriftBin {
	if w0 < 0 || w1 > a.NumWindows() || w0 >= w1 || mode < 0 || mode >= a.Modes {
		panic("rbmdrift: window range or mode out of range")
	}
	if w1-w0 == 1 {
		return a.TableWindow(w0, mode)
	}
	var s binSums
	s.init(a.Bins)
	for w := w0; w < w1; w++ {
		s.add(a, (w*a.Modes+mode)*a.Bins)
	}
	return s.bins(a, 0)
}

// TableWindow returns the bins of one mode in time window w, in ascending x.
func (a *DriftAccumulator) TableWindow(w, mode int) []DriftBin {
	if w < 0 || w >= a.NumWindows() || mode < 0 || mode >= a.Modes {
		panic("rbmdrift: window or mode out of range")
	}
	s := binSums{a.Count, a.SumX, a.SumDx, a.SumDx2, a.SumDx3, a.SumDx4, a.SumExp}
	return s.bins(a, (w*a.Modes+mode)*a.Bins)
}

// binSums are the per-bin sums of one table.
type binSums struct {
	count                        []int64
	sumX, s1, s2, s3, s4, sumExp []float64
}

func (s *binSums) init(n int) {
	s.count = make([]int64, n)
	for _, p := range []*[]float64{&s.sumX, &s.s1, &s.s2, &s.s3, &s.s4, &s.sumExp} {
		*p = make([]float64, n)
	}
}

// add adds the accumulator's bins from offset off on.
func (s *binSums) add(a *DriftAccumulator, off int) {
	for b := range s.count {
		s.count[b] += a.Count[off+b]
	}
	af := a.floats()
	for k, f := range [6][]float64{s.sumX, s.s1, s.s2, s.s3, s.s4, s.sumExp} {
		for b := range f {
			f[b] += af[k][off+b]
		}
	}
}

// bins turns the sums from offset off on into a.Bins Kramers-Moyal estimates.
func (s *binSums) bins(a *DriftAccumulator, off int) []DriftBin {
	out := make([]DriftBin, a.Bins)
	dt := a.Dt
	for b := range out {
		i := off + b
		n := s.count[i]
		d := DriftBin{X: a.centre(b), Count: n}
		nan := math.NaN()
		d.Drift, d.DriftErr, d.Diffusion, d.DiffusionErr, d.Expected = nan, nan, nan, nan, nan
		if n > 0 {
			d.X = s.sumX[i] / float64(n)
			d.Expected = s.sumExp[i] / float64(n)
		}
		if n >= 2 {
			fn := float64(n)
			m1 := s.s1[i] / fn
			e2, e3, e4 := s.s2[i]/fn, s.s3[i]/fn, s.s4[i]/fn
			c2 := math.Max(e2-m1*m1, 0)                     // central second moment
			c4 := e4 - 4*m1*e3 + 6*m1*m1*e2 - 3*m1*m1*m1*m1 // central fourth moment
			v := c2 * fn / (fn - 1)
			d.Drift = m1 / dt
			d.DriftErr = math.Sqrt(v/fn) / dt
			d.Diffusion = v / (2 * dt)
			d.DiffusionErr = math.Sqrt(math.Max(c4-c2*c2, 0)/fn) / (2 * dt)
		}
		out[b] = d
	}
	return out
}
