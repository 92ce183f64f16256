package rmt

import (
	"math"
	"testing"
)

func TestMeanAndJackknifeMean(t *testing.T) {
	t.Parallel()
	// The delete-one jackknife error of the mean is the usual standard error s/sqrt(n) exactly
	// (algebraically), so up to rounding (1e-14 relative) while n <= 100 blocks.
	cases := []struct {
		name string
		xs   []float64
		mean float64
	}{
		{"1..5", []float64{1, 2, 3, 4, 5}, 3},
		{"two", []float64{-1, 1}, 0},
		{"quarters", []float64{0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2}, 1.125},
	}
	for _, c := range cases {
		if got := Mean(c.xs); got != c.mean {
			t.Errorf("%s: Mean %g, want %g", c.name, got, c.mean)
		}
		m, e := JackknifeMean(c.xs)
		if want := StdErr(c.xs); m != c.mean || math.Abs(e-want) > 1e-14*want {
			t.Errorf("%s: JackknifeMean %g +- %g, want %g +- %g", c.name, m, e, c.mean, want)
		}
	}
	if m, e := JackknifeMean([]float64{4}); m != 4 || !math.IsNaN(e) {
		t.Errorf("one point: %g +- %g", m, e)
	}
	if m, e := JackknifeMean(nil); !math.IsNaN(m) || !math.IsNaN(e) {
		t.Errorf("no points: %g +- %g", m, e)
	}
	if !math.IsNaN(Mean(nil)) {
		t.Error("Mean(nil) is not NaN")
	}
	// 1000 points in 100 blocks of 10: the block means of 0..999 are 4.5 + 10 b, and the
	// delete-one-block jackknife over blocks of equal size is the standard error of the 100 block
	// means, sqrt(var(block means)/100) = sqrt((100^2-1)/12 * 100/99 / 100) * 10.
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = float64(i)
	}
	want := 10 * math.Sqrt((100*100-1)/12.0*100/99/100)
	if m, e := JackknifeMean(xs); m != 499.5 || math.Abs(e-want) > 1e-12*want {
		t.Errorf("blocked: %g +- %g, want 499.5 +- %g", m, e, want)
	}
}

func TestKDE(t *testing.T) {
	t.Parallel()
	// One point: the normal density itself (to rounding), cut off beyond 8 bandwidths.
	f := KDE([]float64{1}, 0.5)
	for _, x := range []float64{1, 1.3, 0, 3.9} {
		z := (x - 1) / 0.5
		want := math.Exp(-0.5*z*z) / (0.5 * math.Sqrt(2*math.Pi))
		if got := f(x); math.Abs(got-want) > 1e-15*want {
			t.Errorf("f(%g) = %g, want %g", x, got, want)
		}
	}
	if got := f(1 + 8.5*0.5); got != 0 {
		t.Errorf("beyond the cutoff: %g", got)
	}
	// Several points, unsorted: the mean of their kernels, and unit mass (Gauss-Legendre on
	// the support widened by 10 bandwidths; the cutoff loses 1e-15).
	xs := []float64{2, -1, 0.5, 0.7}
	g := KDE(xs, 0.3)
	for _, x := range []float64{-1, 0.6, 1.9} {
		var want float64
		for _, xi := range xs {
			want += math.Exp(-0.5*(x-xi)*(x-xi)/0.09) / (0.3 * math.Sqrt(2*math.Pi)) / 4
		}
		if got := g(x); math.Abs(got-want) > 1e-14*want {
			t.Errorf("g(%g) = %g, want %g", x, got, want)
		}
	}
	if m := integrate(g, -4, 5, 4000); math.Abs(m-1) > 1e-9 {
		t.Errorf("mass %g", m)
	}
	if !math.IsNaN(KDE(nil, 1)(0)) {
		t.Error("empty sample is not NaN")
	}
}

func TestKSGrid(t *testing.T) {
	t.Parallel()
	// KS of n points at the quantiles (k - 1/2)/n of a uniform density is exactly 1/(2n) (to
	// rounding, 1e-12) on equal cells given by their ends and on unequal cells given by edges.
	const n = 50
	sample := make([]float64, n)
	for j := range sample {
		sample[j] = 9 * (float64(j) + 0.5) / n
	}
	graded := []float64{0, 0.001, 0.01, 0.1, 1, 3, 9}
	cases := []struct {
		name  string
		edges []float64
		cells int
	}{
		{"equal cells", []float64{0, 9}, 90},
		{"graded cells", graded, len(graded) - 1},
	}
	for _, c := range cases {
		u := make([]float64, c.cells)
		for i := range u {
			u[i] = 2.0 / 9 // any constant: the mass is normalised
		}
		if d := KSGrid(sample, c.edges, u); math.Abs(d-0.5/n) > 1e-12 {
			t.Errorf("%s: KS = %g, want %g", c.name, d, 0.5/n)
		}
	}
	// A step density against the same step as a closed-form distribution function through
	// KSDistance: density 1 on [0, 1/2) and 3 on [1/2, 1) (as four equal cells), mass 2,
	// F(v) = v/2 below 1/2 and 1/4 + 3(v - 1/2)/2 above. Equal to rounding (1e-15).
	step := []float64{1, 1, 3, 3}
	F := func(v float64) float64 {
		switch {
		case v <= 0:
			return 0
		case v >= 1:
			return 1
		case v < 0.5:
			return v / 2
		}
		return 0.25 + 1.5*(v-0.5)
	}
	rng := newRand(3)
	xs := make([]float64, 200)
	for i := range xs {
		xs[i] = 1.2*rng.Float64() - 0.1
	}
	if got, want := KSGrid(xs, []float64{0, 1}, step), KSDistance(xs, F); math.Abs(got-want) > 1e-15 {
		t.Errorf("step density: KS %g, want %g", got, want)
	}
	if !math.IsNaN(KSGrid(nil, []float64{0, 1}, step)) || !math.IsNaN(KSGrid(xs, []float64{0, 1}, make([]float64, 4))) {
		t.Error("no sample or no mass: not NaN")
	}
	defer func() {
		if recover() == nil {
			t.Error("3 edges for 4 cells did not panic")
		}
	}()
	KSGrid(xs, []float64{0, 0.5, 1}, step)
}

func TestCompareMoments(t *testing.T) {
	t.Parallel()
	// Exact: standard error sqrt(4/16) = 1/2.
	m := Moments{Mean: 1, Var: 4}
	cases := []struct {
		name           string
		mean, variance float64
		pull, relVar   float64
	}{
		{"agreement", 1, 4, 0, 0},
		{"two errors above, 25% wider", 2, 5, 2, 0.25},
		{"one error below, half as wide", 0.5, 2, 1, 0.5},
	}
	for _, c := range cases {
		if p, r := CompareMoments(m, 16, c.mean, c.variance); p != c.pull || r != c.relVar {
			t.Errorf("%s: pull %g, relVar %g; want %g, %g", c.name, p, r, c.pull, c.relVar)
		}
	}
}
