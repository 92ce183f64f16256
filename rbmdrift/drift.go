package rbmdrift

import (
	"fmt"
	"math"
)

// DriftAccumulator bins single-step increments dx of each mode by the mode's value x before the
// step and keeps integer counts and float power sums, so that accumulators of separate runs
// (or shards) merge exactly: counts add exactly, and float sums add to the same bits when they
// are added in the same order. MergeResults adds runs in ascending run index, so a sharded
// ensemble merged that way reproduces the unsharded one bit for bit.
//
// The fields are exported so that a caller can persist and reload an accumulator; index
// mode*Bins + bin.
type DriftAccumulator struct {
	Modes, Bins int
	Lo, Hi      float64 // binned range [Lo, Hi); increments from outside are counted in Dropped
	Dt          float64 // time per step (alpha)

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
	if modes < 1 || bins < 1 || !(lo < hi) || !(dt > 0) {
		panic("rbmdrift: bad drift accumulator shape")
	}
	n := modes * bins
	return &DriftAccumulator{
		Modes: modes, Bins: bins, Lo: lo, Hi: hi, Dt: dt,
		Count: make([]int64, n), SumX: make([]float64, n),
		SumDx: make([]float64, n), SumDx2: make([]float64, n),
		SumDx3: make([]float64, n), SumDx4: make([]float64, n),
		SumExp: make([]float64, n),
	}
}

// Add records one single-step increment dx of mode at position x, with the expected drift at
// that point (per unit time; pass 0 if unknown).
func (a *DriftAccumulator) Add(mode int, x, dx, expected float64) {
	if !(x >= a.Lo && x < a.Hi) {
		a.Dropped++
		return
	}
	b := int((x - a.Lo) / (a.Hi - a.Lo) * float64(a.Bins))
	if b >= a.Bins {
		b = a.Bins - 1
	}
	i := mode*a.Bins + b
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
	if a.Modes != b.Modes || a.Bins != b.Bins || a.Lo != b.Lo || a.Hi != b.Hi || a.Dt != b.Dt {
		return fmt.Errorf("drift accumulators differ in shape: %d x %d on [%g, %g) dt %g vs %d x %d on [%g, %g) dt %g",
			a.Modes, a.Bins, a.Lo, a.Hi, a.Dt, b.Modes, b.Bins, b.Lo, b.Hi, b.Dt)
	}
	for i := range a.Count {
		a.Count[i] += b.Count[i]
		a.SumX[i] += b.SumX[i]
		a.SumDx[i] += b.SumDx[i]
		a.SumDx2[i] += b.SumDx2[i]
		a.SumDx3[i] += b.SumDx3[i]
		a.SumDx4[i] += b.SumDx4[i]
		a.SumExp[i] += b.SumExp[i]
	}
	a.Dropped += b.Dropped
	return nil
}

// Clone returns a deep copy of a.
func (a *DriftAccumulator) Clone() *DriftAccumulator {
	c := *a
	for _, p := range []*[]float64{&c.SumX, &c.SumDx, &c.SumDx2, &c.SumDx3, &c.SumDx4, &c.SumExp} {
		*p = append([]float64(nil), *p...)
	}
	c.Count = append([]int64(nil), a.Count...)
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

// Table returns the bins of one mode in ascending x.
func (a *DriftAccumulator) Table(mode int) []DriftBin {
	out := make([]DriftBin, a.Bins)
	w := (a.Hi - a.Lo) / float64(a.Bins)
	dt := a.Dt
	for b := range out {
		i := mode*a.Bins + b
		n := a.Count[i]
		d := DriftBin{X: a.Lo + (float64(b)+0.5)*w, Count: n}
		nan := math.NaN()
		d.Drift, d.DriftErr, d.Diffusion, d.DiffusionErr, d.Expected = nan, nan, nan, nan, nan
		if n > 0 {
			d.X = a.SumX[i] / float64(n)
			d.Expected = a.SumExp[i] / float64(n)
		}
		if n >= 2 {
			fn := float64(n)
			m1 := a.SumDx[i] / fn
			e2, e3, e4 := a.SumDx2[i]/fn, a.SumDx3[i]/fn, a.SumDx4[i]/fn
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
