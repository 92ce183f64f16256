package rmt

import (
	"fmt"
	"math"
)

// MarchenkoPastur returns the Marchenko-Pastur density of the eigenvalues of X = W^T W, where W is
// a rows x N matrix (M = rows, N = r M, 0 < r <= 1) with independent N(0, s2) entries, in the limit
// of large M and N at fixed r:
//
//	P(x) = sqrt((x+ - x)(x - x-)) / (2 pi s2 M r x)  on [x-, x+],  x± = M s2 (1 ± sqrt(r))^2,
//
// and 0 outside. It integrates to 1 and has mean M s2 = E[trace(X)]/N. MarchenkoPastur panics if r
// is not in (0, 1], s2 is not positive or rows is not positive.
func MarchenkoPastur(x, r, s2 float64, rows int) float64 {
	lo, hi := MarchenkoPasturEdges(r, s2, rows)
	if x <= lo || x >= hi {
		return 0
	}
	return math.Sqrt((hi-x)*(x-lo)) / (2 * math.Pi * s2 * float64(rows) * r * x)
}

// MarchenkoPasturEdges returns the edges x± = M s2 (1 ± sqrt(r))^2 of the support of
// MarchenkoPastur. It panics under the same conditions as MarchenkoPastur.
func MarchenkoPasturEdges(r, s2 float64, rows int) (lo, hi float64) {
	checkMP(r, s2, rows)
	a := float64(rows) * s2
	q := math.Sqrt(r)
	return a * (1 - q) * (1 - q), a * (1 + q) * (1 + q)
}

// MarchenkoPasturCDF returns the cumulative distribution of MarchenkoPastur in closed form. With
// t = x/(M s2) = 1 + r - 2 sqrt(r) cos(phi), phi in [0, pi],
//
//	F = [2 sqrt(r) sin(phi) + (1 + r) phi - 2 (1 - r) atan((1 + sqrt r) tan(phi/2) / (1 - sqrt r))] / (2 pi r).
//
// It panics under the same conditions as MarchenkoPastur.
func MarchenkoPasturCDF(x, r, s2 float64, rows int) float64 {
	lo, hi := MarchenkoPasturEdges(r, s2, rows)
	switch {
	case x <= lo:
		return 0
	case x >= hi:
		return 1
	}
	q := math.Sqrt(r)
	t := x / (float64(rows) * s2)
	c := (1 + r - t) / (2 * q)
	phi := math.Acos(math.Max(-1, math.Min(1, c)))
	s, co := math.Sincos(phi / 2)
	at := math.Atan2((1+q)*s, (1-q)*co)
	f := (2*q*math.Sin(phi) + (1+r)*phi - 2*(1-r)*at) / (2 * math.Pi * r)
	return math.Max(0, math.Min(1, f))
}

func checkMP(r, s2 float64, rows int) {
	if !(r > 0 && r <= 1) {
		panic(fmt.Sprintf("rmt: Marchenko-Pastur ratio r = %v outside (0, 1]", r))
	}
	if !(s2 > 0) || math.IsInf(s2, 1) {
		panic(fmt.Sprintf("rmt: Marchenko-Pastur variance s2 = %v must be positive and finite", s2))
	}
	if rows <= 0 {
		panic(fmt.Sprintf("rmt: Marchenko-Pastur rows = %d must be positive", rows))
	}
}
