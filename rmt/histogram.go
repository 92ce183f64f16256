package rmt

import (
	"fmt"
	"math"
)

// Histogram counts points in equal-width bins on [lo, hi].
//
// Bin i holds Edges[i] <= x < Edges[i+1]; the last bin also holds x == hi. Points below lo are
// counted in Under, points above hi in Over, and NaN in NaN; none of these is in Counts.
// The fields may be read but must not be modified except through the methods.
type Histogram struct {
	Edges  []float64 // bin edges, len(Counts)+1 values increasing from lo to hi
	Counts []int     // points in each bin
	Under  int       // points below Edges[0]
	Over   int       // points above Edges[len(Edges)-1]
	NaN    int       // NaN points

	lo, scale float64 // bin index = floor((x - lo) * scale)
}

// NewHistogram returns an empty histogram with the given number of equal-width bins on [lo, hi].
// It panics if bins is not positive or lo < hi does not hold with both finite.
func NewHistogram(lo, hi float64, bins int) *Histogram {
	if bins <= 0 {
		panic(fmt.Sprintf("rmt: histogram needs a positive number of bins, got %d", bins))
	}
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		panic(fmt.Sprintf("rmt: bad histogram range [%v, %v]", lo, hi))
	}
	e := make([]float64, bins+1)
	w := (hi - lo) / float64(bins)
	for i := range e {
		e[i] = lo + float64(i)*w
	}
	e[bins] = hi
	return &Histogram{Edges: e, Counts: make([]int, bins), lo: lo, scale: float64(bins) / (hi - lo)}
}

// Add counts the point x.
func (h *Histogram) Add(x float64) {
	n := len(h.Counts)
	switch {
	case x >= h.lo && x <= h.Edges[n]:
		k := int((x - h.lo) * h.scale)
		// Correct the rare off-by-one of the rounded index against the stored edges.
		if k >= n {
			k = n - 1
		}
		if x < h.Edges[k] {
			k--
		} else if k+1 < n && x >= h.Edges[k+1] {
			k++
		}
		h.Counts[k]++
	case x < h.lo:
		h.Under++
	case x > h.Edges[n]:
		h.Over++
	default:
		h.NaN++
	}
}

// Fill counts every point of xs.
func (h *Histogram) Fill(xs []float64) {
	for _, x := range xs {
		h.Add(x)
	}
}

// Reset sets all counts to zero.
func (h *Histogram) Reset() {
	clear(h.Counts)
	h.Under, h.Over, h.NaN = 0, 0, 0
}

// Total returns the number of points added, inside the range or not, NaN included.
func (h *Histogram) Total() int {
	t := h.Under + h.Over + h.NaN
	for _, c := range h.Counts {
		t += c
	}
	return t
}

// Centers returns the midpoints of the bins.
func (h *Histogram) Centers() []float64 {
	c := make([]float64, len(h.Counts))
	for i := range c {
		c[i] = (h.Edges[i] + h.Edges[i+1]) / 2
	}
	return c
}

// Density returns the estimated probability density in each bin, Counts[i]/(Total() width_i).
// It is normalised to all points added, so sum_i Density()[i] width_i is the fraction of the points
// that fell inside [lo, hi]; it then compares directly with a normalised model density. All values
// are zero if no point was added.
func (h *Histogram) Density() []float64 {
	d := make([]float64, len(h.Counts))
	t := float64(h.Total())
	if t == 0 {
		return d
	}
	for i, c := range h.Counts {
		d[i] = float64(c) / (t * (h.Edges[i+1] - h.Edges[i]))
	}
	return d
}

// DensityErr returns the Poisson error sqrt(Counts[i])/(Total() width_i) of each value of Density,
// the statistical error for independent points.
func (h *Histogram) DensityErr() []float64 {
	d := make([]float64, len(h.Counts))
	t := float64(h.Total())
	if t == 0 {
		return d
	}
	for i, c := range h.Counts {
		d[i] = math.Sqrt(float64(c)) / (t * (h.Edges[i+1] - h.Edges[i]))
	}
	return d
}

// Chi2 returns Pearson's chi^2 = sum (observed - expected)^2/expected of the histogram against a
// model with cumulative distribution cdf, and its number of degrees of freedom.
//
// The categories are Under, each bin and Over, with expected counts n (F(b) - F(a)) where n is the
// number of non-NaN points. Consecutive categories are merged until each group expects at least
// minExpected points (5 is the usual choice; a short last group joins the one before it), and
// dof = groups - 1. For n independent points from the model, chi2 follows the chi^2 law with dof
// degrees of freedom; Chi2PValue gives its p-value. With fewer than two groups Chi2 returns 0, 0.
func (h *Histogram) Chi2(cdf func(float64) float64, minExpected float64) (chi2 float64, dof int) {
	n := float64(h.Total() - h.NaN)
	if n == 0 {
		return 0, 0
	}
	nb := len(h.Counts)
	obs := make([]float64, 0, nb+2)
	exp := make([]float64, 0, nb+2)
	obs = append(obs, float64(h.Under))
	exp = append(exp, n*cdf(h.Edges[0]))
	for i, c := range h.Counts {
		obs = append(obs, float64(c))
		exp = append(exp, n*(cdf(h.Edges[i+1])-cdf(h.Edges[i])))
	}
	obs = append(obs, float64(h.Over))
	exp = append(exp, n*(1-cdf(h.Edges[nb])))

	var gobs, gexp []float64
	var o, e float64
	for i := range obs {
		o += obs[i]
		e += exp[i]
		if e >= minExpected {
			gobs = append(gobs, o)
			gexp = append(gexp, e)
			o, e = 0, 0
		}
	}
	if o != 0 || e != 0 {
		if len(gobs) == 0 {
			gobs, gexp = []float64{0}, []float64{0}
		}
		gobs[len(gobs)-1] += o
		gexp[len(gexp)-1] += e
	}
	if len(gobs) < 2 {
		return 0, 0
	}
	for i := range gobs {
		d := gobs[i] - gexp[i]
		chi2 += d * d / gexp[i]
	}
	return chi2, len(gobs) - 1
}
