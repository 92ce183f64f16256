package main

import (
	"math"
	"testing"

	"fpsolve/fokkerplanck"
)

// TestProductPair: the spacing of two independent modes from their marginals. Two modes each
// uniform on one cell are |a - b| h apart on average (h/3 within one cell, the mean distance of
// two uniform points); two Gaussians of width s have a Gaussian difference of width sqrt(2) s,
// so <|x_a - x_b|> = 2 s/sqrt(pi) when their centres coincide.
func TestProductPair(t *testing.T) {
	t.Parallel()
	axis := fokkerplanck.Axis{Lo: 0, Hi: 1, N: 100}
	h := axis.Width()
	cell := func(i int) []float64 {
		p := make([]float64, axis.N)
		p[i] = 1 / h
		return p
	}
	if got := productPair(cell(10), cell(13), axis).mean; math.Abs(got-3*h) > 1e-12 {
		t.Errorf("cells 10 and 13: <S> = %g, want %g", got, 3*h)
	}
	if got := productPair(cell(10), cell(10), axis).mean; math.Abs(got-h/3) > 1e-12 {
		t.Errorf("one cell: <S> = %g, want h/3", got)
	}
	axis = fokkerplanck.Axis{Lo: -1, Hi: 1, N: 800}
	const s = 0.1
	g := make([]float64, axis.N)
	for i := range g {
		x := axis.Centre(i)
		g[i] = math.Exp(-x*x/(2*s*s)) / (s * math.Sqrt(2*math.Pi))
	}
	// Midpoint quadrature with h/s = 0.025: relative error O((h/s)^2) ~ 1e-3.
	want := 2 * s / math.Sqrt(math.Pi)
	if got := productPair(g, g, axis).mean; math.Abs(got/want-1) > 2e-3 {
		t.Errorf("two Gaussians: <S> = %g, want %g", got, want)
	}
}
