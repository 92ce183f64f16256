package rmt

import (
	"math"
	"sort"
)

// Mean returns the arithmetic mean of xs, NaN for an empty slice.
func Mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// JackknifeMean returns the mean of xs and its delete-one-block jackknife error (Jackknife
// with Mean) over min(len(xs), 100) contiguous blocks. With one point the error is NaN; with
// none both are NaN.
func JackknifeMean(xs []float64) (mean, stderr float64) {
	if len(xs) < 2 {
		if len(xs) == 1 {
			return xs[0], math.NaN()
		}
		return math.NaN(), math.NaN()
	}
	return Jackknife(xs, min(len(xs), 100), Mean)
}

// KDE returns the Gaussian kernel density estimate of the sample xs with bandwidth bw,
//
//	f(x) = 1/(n bw sqrt(2 pi)) sum_i exp(-(x - x_i)^2/(2 bw^2)),
//
// in which points farther than 8 bandwidths from x are left out (their kernels are below
// exp(-32), 1e-14, of the peak). xs is copied; the estimate integrates to one. KDE of an empty
// sample is NaN everywhere.
func KDE(xs []float64, bw float64) func(float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return func(x float64) float64 {
		a := sort.SearchFloat64s(s, x-8*bw)
		b := sort.SearchFloat64s(s, x+8*bw)
		var v float64
		for _, xi := range s[a:b] {
			z := (x - xi) / bw
			v += math.Exp(-0.5 * z * z)
		}
		return v / (float64(len(s)) * bw * math.Sqrt(2*math.Pi))
	}
}

// CompareMoments returns how far a theory's mean and variance lie from the moments m of a sample
// of n independent points: pull = |mean - m.Mean| / sqrt(m.Var/n), the distance of the means in
// standard errors of the sample mean, and relVar = |variance/m.Var - 1|.
func CompareMoments(m Moments, n int, mean, variance float64) (pull, relVar float64) {
	se := math.Sqrt(m.Var / float64(n))
	return math.Abs(mean-m.Mean) / se, math.Abs(variance/m.Var - 1)
}
