package rmt

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// KSDistance returns the one-sample Kolmogorov-Smirnov distance sup_x |F_n(x) - F(x)| between the
// empirical distribution of sample and the continuous cumulative distribution cdf. The sample is
// not modified. KSDistance returns NaN for an empty sample.
func KSDistance(sample []float64, cdf func(float64) float64) float64 {
	n := len(sample)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(sample)
	slices.Sort(s)
	var d float64
	for i, x := range s {
		f := cdf(x)
		d = math.Max(d, math.Max(float64(i+1)/float64(n)-f, f-float64(i)/float64(n)))
	}
	return d
}

// KSDistance2 returns the two-sample Kolmogorov-Smirnov distance sup_x |F_a(x) - F_b(x)| between
// the empirical distributions of a and b. Neither slice is modified. It returns NaN if either is
// empty.
func KSDistance2(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	sa, sb := slices.Clone(a), slices.Clone(b)
	slices.Sort(sa)
	slices.Sort(sb)
	na, nb := float64(len(sa)), float64(len(sb))
	var i, j int
	var d float64
	for i < len(sa) && j < len(sb) {
		// Step past every copy of the smaller value in both samples, so that ties are compared
		// after the jump of both empirical distributions.
		x := math.Min(sa[i], sb[j])
		for i < len(sa) && sa[i] == x {
			i++
		}
		for j < len(sb) && sb[j] == x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/na-float64(j)/nb))
	}
	return d
}

// KSPValue returns the asymptotic probability that the Kolmogorov-Smirnov distance of n independent
// points from the hypothesised law exceeds d, using Kolmogorov's distribution at
// lambda = (sqrt(n) + 0.12 + 0.11/sqrt(n)) d (Stephens' correction, good for n >= 5 or so). For the
// two-sample distance use the effective size n = n_a n_b / (n_a + n_b).
func KSPValue(d, n float64) float64 {
	sn := math.Sqrt(n)
	l := (sn + 0.12 + 0.11/sn) * d
	switch {
	case l <= 0:
		return 1
	case l < 1.18:
		// P(K <= l) = sqrt(2 pi)/l sum_k exp(-(2k-1)^2 pi^2/(8 l^2)), fast for small l.
		var s float64
		for k := 1; k <= 8; k++ {
			m := float64(2*k - 1)
			s += math.Exp(-m * m * math.Pi * math.Pi / (8 * l * l))
		}
		return math.Max(0, math.Min(1, 1-math.Sqrt(2*math.Pi)/l*s))
	}
	// Q(l) = 2 sum_k (-1)^(k-1) exp(-2 k^2 l^2), fast for large l.
	var q float64
	sign := 1.0
	for k := 1; k <= 8; k++ {
		q += sign * math.Exp(-2*float64(k*k)*l*l)
		sign = -sign
	}
	return math.Max(0, math.Min(1, 2*q))
}

// Chi2 returns sum_i ((obs_i - model_i)/sigma_i)^2. It panics if the lengths differ.
func Chi2(obs, model, sigma []float64) float64 {
	if len(obs) != len(model) || len(obs) != len(sigma) {
		panic(fmt.Sprintf("rmt: length mismatch: %d, %d, %d", len(obs), len(model), len(sigma)))
	}
	var c float64
	for i, o := range obs {
		d := (o - model[i]) / sigma[i]
		c += d * d
	}
	return c
}

// Chi2PValue returns the probability that a chi^2 variable with dof degrees of freedom exceeds
// chi2. It returns NaN if dof is not positive.
func Chi2PValue(chi2 float64, dof int) float64 {
	if dof <= 0 {
		return math.NaN()
	}
	return distuv.ChiSquared{K: float64(dof)}.Survival(chi2)
}

// Jackknife returns the estimate stat(xs) and its delete-one-block jackknife error.
//
// xs is cut into nblocks contiguous blocks of nearly equal length (sizes differ by at most one);
// theta_b is stat of xs without block b, and
//
//	stderr = sqrt((nblocks-1)/nblocks sum_b (theta_b - mean theta)^2).
//
// Blocks longer than the autocorrelation time of xs make the error valid for correlated data. The
// returned estimate is not bias-corrected. Jackknife panics if nblocks < 2 or nblocks > len(xs).
func Jackknife(xs []float64, nblocks int, stat func([]float64) float64) (est, stderr float64) {
	n := len(xs)
	if nblocks < 2 || nblocks > n {
		panic(fmt.Sprintf("rmt: jackknife with %d blocks of %d points", nblocks, n))
	}
	est = stat(xs)
	theta := make([]float64, nblocks)
	buf := make([]float64, 0, n)
	for b := range nblocks {
		lo, hi := b*n/nblocks, (b+1)*n/nblocks
		buf = append(append(buf[:0], xs[:lo]...), xs[hi:]...)
		theta[b] = stat(buf)
	}
	return est, math.Sqrt(float64(nblocks-1) / float64(nblocks) * sumSquares(theta))
}

// Bootstrap returns the estimate stat(xs) and its bootstrap error: the standard deviation of stat
// over nres resamples of xs drawn with replacement using rng. The points must be independent.
// Bootstrap panics if nres < 2 or xs is empty.
func Bootstrap(xs []float64, stat func([]float64) float64, nres int, rng *rand.Rand) (est, stderr float64) {
	n := len(xs)
	if nres < 2 || n == 0 {
		panic(fmt.Sprintf("rmt: bootstrap with %d resamples of %d points", nres, n))
	}
	est = stat(xs)
	buf := make([]float64, n)
	theta := make([]float64, nres)
	for r := range theta {
		for i := range buf {
			buf[i] = xs[rng.IntN(n)]
		}
		theta[r] = stat(buf)
	}
	return est, math.Sqrt(sumSquares(theta) / float64(nres-1))
}

// sumSquares returns the sum of squared deviations of v from its mean.
func sumSquares(v []float64) float64 {
	var mean float64
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return ss
}
