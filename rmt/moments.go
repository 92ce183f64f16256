package rmt

import (
	"fmt"
	"math"
)

// Moments summarises a one-dimensional distribution.
type Moments struct {
	// Mass is the total weight: the number of points of a sample, the sum of the weights,
	// or the integral of a tabulated density.
	Mass float64
	// Mean is <x> of the normalised distribution.
	Mean float64
	// Var is the central second moment <y^2>, y = x - Mean, of the normalised distribution
	// (a plain average: 1/n for a sample, not 1/(n-1)).
	Var float64
	// Binder is the Binder cumulant <y^4>/(3 <y^2>^2) - 1 of the central moments: 0 for a
	// Gaussian, TwoModeBinder = -4/27 for TwoModeDensity, -2/3 for two equal point masses.
	Binder float64
}

// SampleMoments returns the moments of the sample xs with plain 1/n averages. Mass is len(xs).
// For an empty sample all moments but Mass are NaN; for a sample with zero spread Binder is NaN.
func SampleMoments(xs []float64) Moments {
	n := float64(len(xs))
	if len(xs) == 0 {
		return Moments{Mean: math.NaN(), Var: math.NaN(), Binder: math.NaN()}
	}
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var m2, m4 float64
	for _, x := range xs {
		y := (x - mean) * (x - mean)
		m2 += y
		m4 += y * y
	}
	m2 /= n
	m4 /= n
	return Moments{Mass: n, Mean: mean, Var: m2, Binder: m4/(3*m2*m2) - 1}
}

// Binder returns the Binder cumulant <y^4>/(3 <y^2>^2) - 1 of the sample xs, with y = x - <x> and
// plain 1/n averages. It is SampleMoments(xs).Binder.
func Binder(xs []float64) float64 { return SampleMoments(xs).Binder }

// WeightedMoments returns the moments of the discrete distribution with weights w at the points x.
// The weights need not be normalised: Mass is their sum and the other moments are those of the
// normalised distribution. They are NaN if Mass is zero. WeightedMoments panics if the lengths of x
// and w differ.
func WeightedMoments(x, w []float64) Moments {
	if len(x) != len(w) {
		panic(fmt.Sprintf("rmt: length mismatch: %d points, %d weights", len(x), len(w)))
	}
	var mass, mean float64
	for i, wi := range w {
		mass += wi
		mean += wi * x[i]
	}
	mean /= mass
	var m2, m4 float64
	for i, wi := range w {
		y := (x[i] - mean) * (x[i] - mean)
		m2 += wi * y
		m4 += wi * y * y
	}
	m2 /= mass
	m4 /= mass
	return Moments{Mass: mass, Mean: mean, Var: m2, Binder: m4/(3*m2*m2) - 1}
}

// GridMoments returns the moments of a density p tabulated on cells of width dx centred at x,
// by the midpoint rule: it is WeightedMoments with weights p_i dx. Mass is the integral of p, and
// the moments have an O(dx^2) discretisation error. For cells of unequal width w_i use
// WeightedMoments with weights p_i w_i. GridMoments panics if the lengths of x and p differ or dx
// is not positive.
func GridMoments(x, p []float64, dx float64) Moments {
	if len(x) != len(p) {
		panic(fmt.Sprintf("rmt: length mismatch: %d points, %d densities", len(x), len(p)))
	}
	if !(dx > 0) {
		panic(fmt.Sprintf("rmt: cell width %v must be positive", dx))
	}
	w := make([]float64, len(p))
	for i, pi := range p {
		w[i] = pi * dx
	}
	return WeightedMoments(x, w)
}

// StdErr returns the standard error of the mean of the independent sample xs,
// sqrt(s^2/n) with the unbiased variance s^2. It is NaN for fewer than two points.
// For correlated data use Jackknife with blocks longer than the correlation time.
func StdErr(xs []float64) float64 {
	n := len(xs)
	if n < 2 {
		return math.NaN()
	}
	m := SampleMoments(xs)
	return math.Sqrt(m.Var / float64(n-1))
}
