package rbmdrift

import (
	"fmt"
	"math"
	"reflect"
	"testing"
)

func TestDriftWindowOfStep(t *testing.T) {
	t.Parallel()
	// Window w covers steps [w*Steps/W, (w+1)*Steps/W) with integer division: the boundaries
	// below are worked out by hand.
	for _, c := range []struct {
		windows, steps int
		want           []int // window of steps 0, 1, ..., steps-1
	}{
		{1, 5, []int{0, 0, 0, 0, 0}},
		{2, 4, []int{0, 0, 1, 1}},
		{3, 10, []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 2}}, // boundaries 0, 3, 6, 10
		{4, 6, []int{0, 1, 1, 2, 3, 3}},              // boundaries 0, 1, 3, 4, 6
		{5, 5, []int{0, 1, 2, 3, 4}},
	} {
		a := NewWindowedDriftAccumulator(1, 2, c.windows, c.steps, 0, 1, 0.1)
		for s, w := range c.want {
			if got := a.Window(s); got != w {
				t.Errorf("%d windows of %d steps: step %d in window %d, want %d", c.windows, c.steps, s, got, w)
			}
			if s0, s1 := a.WindowRange(w); s < s0 || (s >= s1 && c.windows > 1) {
				t.Errorf("%d windows of %d steps: step %d outside window %d's range [%d, %d)", c.windows, c.steps, s, w, s0, s1)
			}
		}
	}
}

// replay trains run r of cfg step by step with the exported Trainer and files every increment
// with Add into a one-window accumulator (the accumulation as it was before windows existed)
// and with AddWindow into a windowed one, using the window formula
// w = max{w : w*Steps/W <= s} written out here independently of DriftAccumulator.Window.
func replay(t *testing.T, cfg Config, r, windows int) (plain, windowed *DriftAccumulator) {
	t.Helper()
	tr, err := NewTrainer(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := cfg.driftRange()
	plain = NewDriftAccumulator(cfg.Hidden, cfg.bins(), lo, hi, cfg.Alpha)
	windowed = NewWindowedDriftAccumulator(cfg.Hidden, cfg.bins(), windows, cfg.Steps, lo, hi, cfg.Alpha)
	n := cfg.Hidden
	x, xn, ex := make([]float64, n), make([]float64, n), make([]float64, n)
	tr.Spectrum(x) // afterwards x is the spectrum before each step, as in TrainRun
	for s := 0; s < cfg.Steps; s++ {
		if _, err := tr.ExpectedDrift(ex, x); err != nil {
			t.Fatal(err)
		}
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		tr.Spectrum(xn)
		w := 0
		for w+1 < windows && (w+1)*cfg.Steps/windows <= s {
			w++
		}
		for i := range xn {
			plain.Add(i, x[i], xn[i]-x[i], ex[i])
			windowed.AddWindow(w, i, x[i], xn[i]-x[i], ex[i])
		}
		x, xn = xn, x
	}
	return plain, windowed
}

func TestDriftWindowsOneIsUnchanged(t *testing.T) {
	t.Parallel()
	// drift_windows = 1 (and the unset 0) accumulate exactly as the single-window accumulator
	// did: bit-for-bit equal sums; W = 3 files the same increments by window. The replay uses
	// the exported exact spectrum, so the runs measure exactly too.
	cfg := reference()
	cfg.Measure = MeasureExact
	cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Bins = 60, 0, 1, 40
	plain, win3 := replay(t, cfg, 2, 3)
	for _, w := range []int{0, 1} {
		cfg.DriftWindows = w
		res, err := TrainRun(cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Drift, plain) {
			t.Errorf("drift_windows = %d: accumulator differs from the single-window accumulation", w)
		}
		// %v prints the shortest decimal that identifies each float64 (and NaN, which
		// DeepEqual would call unequal to itself)
		if fmt.Sprint(res.Drift.Table(3)) != fmt.Sprint(plain.Table(3)) {
			t.Errorf("drift_windows = %d: table differs", w)
		}
	}
	cfg.DriftWindows = 3
	res, err := TrainRun(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Drift, win3) {
		t.Error("drift_windows = 3: accumulator differs from the replayed windowed accumulation")
	}
	// Pooling the windows gives the single-window counts exactly (sums to rounding: the order
	// of the float additions differs; 1e-12 relative).
	for m := 0; m < cfg.Hidden; m++ {
		pooled, want := res.Drift.Table(m), plain.Table(m)
		for b := range want {
			if pooled[b].Count != want[b].Count {
				t.Fatalf("mode %d bin %d: pooled count %d, want %d", m, b, pooled[b].Count, want[b].Count)
			}
			if want[b].Count > 0 && math.Abs(pooled[b].X-want[b].X) > 1e-12*math.Abs(want[b].X) {
				t.Errorf("mode %d bin %d: pooled x %g, want %g", m, b, pooled[b].X, want[b].X)
			}
		}
	}
	// Merge keeps the windows and refuses a different window count.
	m, err := MergeDrift([]RunResult{{Run: 0, Drift: res.Drift}, {Run: 1, Drift: res.Drift.Clone()}})
	if err != nil {
		t.Fatal(err)
	}
	if m.NumWindows() != 3 || m.Count[len(m.Count)-1] != 2*res.Drift.Count[len(m.Count)-1] {
		t.Error("merged accumulator lost its windows")
	}
	if err := m.Merge(plain); err == nil {
		t.Error("merging 3 windows with 1 window did not fail")
	}
}

func TestDriftWindowsRecoverSwitchingAR1(t *testing.T) {
	t.Parallel()
	// Synthetic AR(1) whose drift coefficient switches at mid-run:
	// x' = x - a(s) x dt + sqrt(2 D dt) eta, a = 1 for s < 200, a = 3 after. Per window the
	// Kramers-Moyal drift is exactly -a x (Euler step, linear drift) and the diffusion D.
	const dt, diff, steps, walkers, bins = 0.01, 0.5, 400, 2000, 20
	src := NewSource(7, 0)
	acc := NewWindowedDriftAccumulator(1, bins, 2, steps, -2, 2, dt)
	one := NewDriftAccumulator(1, bins, -2, 2, dt)
	x := make([]float64, walkers)
	for i := range x {
		x[i] = 0.7 * src.NormFloat64() // stationary sd sqrt(D/a) = 0.71 for a = 1
	}
	for s := 0; s < steps; s++ {
		a := 1.0
		if s >= steps/2 {
			a = 3
		}
		for i := range x {
			dx := -a*x[i]*dt + math.Sqrt(2*diff*dt)*src.NormFloat64()
			acc.AddAt(s, 0, x[i], dx, 0)
			one.Add(0, x[i], dx, 0)
			x[i] += dx
		}
	}
	// Weighted least-squares slope of D1 against x through the origin, with its error.
	slope := func(tab []DriftBin) (a, err float64) {
		var sxy, sxx float64
		for _, b := range tab {
			if b.Count < 100 {
				continue
			}
			w := 1 / (b.DriftErr * b.DriftErr)
			sxy += w * b.X * b.Drift
			sxx += w * b.X * b.X
		}
		return -sxy / sxx, 1 / math.Sqrt(sxx)
	}
	for w, want := range []float64{1, 3} {
		a, e := slope(acc.TableWindow(w, 0))
		// 5 standard errors of the fitted slope (about 0.03 with 4e5 increments per window)
		if math.Abs(a-want) > 5*e {
			t.Errorf("window %d: drift slope %.4f +- %.4f, want %g", w, a, e, want)
		}
		for _, b := range acc.TableWindow(w, 0) {
			// D2 = D per bin, 5 sigma of its own error estimate
			if b.Count >= 1000 && math.Abs(b.Diffusion-diff) > 5*b.DiffusionErr {
				t.Errorf("window %d x = %.3f: D2 = %.4f +- %.4f, want %g", w, b.X, b.Diffusion, b.DiffusionErr, diff)
			}
		}
	}
	// The time-averaged table mixes both and matches neither (the reason for windows): its
	// slope lies strictly between, more than 10 standard errors from each.
	a, e := slope(one.Table(0))
	if !(a > 1+10*e && a < 3-10*e) {
		t.Errorf("single-window slope %.4f +- %.4f is not strictly between 1 and 3", a, e)
	}
	pa, _ := slope(acc.Table(0))
	if math.Abs(pa-a) > 1e-9 {
		t.Errorf("pooled windows slope %.6f, single window %.6f", pa, a)
	}
}

// BenchmarkDriftAdd compares filing one increment per mode and step without windows (Add) and
// by step into 10 windows (AddAt), for 10 modes and 90 bins.
func BenchmarkDriftAdd(b *testing.B) {
	for _, c := range []struct {
		name    string
		windows int
	}{{"windows=1", 1}, {"windows=10", 10}} {
		b.Run(c.name, func(b *testing.B) {
			acc := NewWindowedDriftAccumulator(10, 90, c.windows, 3000, 0, 9, 0.1)
			for i := 0; i < b.N; i++ {
				s := i % 3000
				for m := 0; m < 10; m++ {
					x := float64(m) + 0.001*float64(s%100)
					if c.windows == 1 {
						acc.Add(m, x, 1e-3, 0)
					} else {
						acc.AddAt(s, m, x, 1e-3, 0)
					}
				}
			}
		})
	}
}

func TestTableWindowsPools(t *testing.T) {
	t.Parallel()
	// Pooling windows [1, 3) adds their counts exactly, and its drift is the count-weighted
	// mean of the two windows' drifts (1e-12 relative: the same sums in another order).
	cfg := reference()
	cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Bins, cfg.DriftWindows = 90, 0, 1, 30, 3
	res, err := TrainRun(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	acc := res.Drift
	for m := 0; m < cfg.Hidden; m++ {
		p, a, b := acc.TableWindows(1, 3, m), acc.TableWindow(1, m), acc.TableWindow(2, m)
		for k := range p {
			if p[k].Count != a[k].Count+b[k].Count {
				t.Fatalf("mode %d bin %d: pooled count %d, want %d", m, k, p[k].Count, a[k].Count+b[k].Count)
			}
			if a[k].Count > 1 && b[k].Count > 1 {
				want := (float64(a[k].Count)*a[k].Drift + float64(b[k].Count)*b[k].Drift) / float64(p[k].Count)
				if math.Abs(p[k].Drift-want) > 1e-12*math.Abs(want)+1e-15 {
					t.Errorf("mode %d bin %d: pooled drift %g, want %g", m, k, p[k].Drift, want)
				}
			}
		}
	}
}
