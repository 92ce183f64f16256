package main

import (
	"fmt"
	"math"

	"fpsolve/fokkerplanck"
	"fpsolve/rmt"
)

// initialDensity returns the [initial] density of a group of modes (indices in the sorted order
// of r.sys(), ascending and consecutive) at the coordinates x of those modes, up to normalisation.
// A nil result means "the stationary density".
func (r *runner) initialDensity(axis fokkerplanck.Axis) (func(modes []int, x []float64) float64, error) {
	h := axis.Width()
	in := r.cfg.Initial
	n := len(r.sys().Modes)
	kind := "default"
	if in != nil {
		kind = in.Kind
	}
	gauss := func(mean, sd []float64) func([]int, []float64) float64 {
		return func(modes []int, x []float64) float64 {
			var e float64
			for k, m := range modes {
				z := (x[k] - mean[m]) / sd[m]
				e += z * z
			}
			return math.Exp(-0.5 * e)
		}
	}
	switch kind {
	case "default": // a narrow Gaussian at each mode's stable fixed point
		mean, sd := make([]float64, n), make([]float64, n)
		for i, m := range r.sys().Modes {
			mean[i] = m.Drift.Stable()
			sd[i] = 3 * h
			if w := m.StationaryWidth(); !math.IsNaN(w) {
				sd[i] = math.Max(sd[i], 0.25*w)
			}
		}
		return gauss(mean, sd), nil
	case "gaussian":
		mean, sd := make([]float64, n), make([]float64, n)
		for k, i := range r.order() {
			mean[k], sd[k] = in.Mean[i], math.Sqrt(in.Var[i])
		}
		return gauss(mean, sd), nil
	case "uniform":
		return func([]int, []float64) float64 { return 1 }, nil
	case "stationary":
		return nil, nil
	case "marchenko-pastur":
		// The eigenvalues start as the order statistics of n independent draws from the
		// Marchenko-Pastur law: sorted modes m_1 < ... < m_d of one group have the joint density
		// F(x_1)^{m_1} (1 - F(x_d))^{n-1-m_d} prod f(x_k) on x_1 < ... < x_d.
		lo, hi := rmt.MarchenkoPasturEdges(in.Ratio, in.WeightVar, in.Rows)
		f := func(x float64) float64 {
			// The density diverges like x^(-1/2) at x- = 0 when r = 1; clamp inside the support.
			x = math.Max(x, lo+1e-9*(hi-lo))
			return rmt.MarchenkoPastur(x, in.Ratio, in.WeightVar, in.Rows)
		}
		F := func(x float64) float64 { return rmt.MarchenkoPasturCDF(x, in.Ratio, in.WeightVar, in.Rows) }
		return func(modes []int, x []float64) float64 {
			v := 1.0
			for k := range modes {
				if x[k] <= lo || x[k] >= hi {
					return 0
				}
				v *= f(x[k])
			}
			first, last := modes[0], modes[len(modes)-1]
			return v * math.Pow(F(x[0]), float64(first)) * math.Pow(1-F(x[len(x)-1]), float64(n-1-last))
		}, nil
	case "rbm":
		if len(r.rbmInitial()) == 0 {
			return nil, fmt.Errorf("initial.kind = \"rbm\": the rbm stage recorded no spectra")
		}
		// Each mode's step-0 eigenvalues, smoothed with a Gaussian kernel two cells wide in the
		// cell coordinate: in x on equal cells, in log x on cells graded from a wall (the lowest
		// eigenvalue starts spread over decades). A wider kernel (Silverman's bandwidth, a third
		// of the spread for 400 runs) would widen the start by 10% in variance, and on graded
		// cells by a factor 2.6 in x; the equation smooths the start within a few steps anyway.
		xi, dxi := cellCoord(axis)
		dens := make([]func(float64) float64, n)
		for k := range dens {
			var us []float64
			for _, row := range r.rbmInitial() {
				if k < len(row) {
					us = append(us, xi(row[k]))
				}
			}
			f := rmt.KDE(us, 2)
			dens[k] = func(x float64) float64 { return f(xi(x)) * dxi(x) }
		}
		return func(modes []int, x []float64) float64 {
			v := 1.0
			for k, m := range modes {
				v *= dens[m](x[k])
			}
			return v
		}, nil
	}
	return nil, fmt.Errorf("initial.kind %q", kind)
}

// cellCoord returns the cell coordinate of axis (Axis.CellCoord) and its derivative
// 1/CellWidth: on equal cells (x - Lo)/h.
func cellCoord(axis fokkerplanck.Axis) (xi, dxi func(float64) float64) {
	return axis.CellCoord, func(x float64) float64 { return 1 / axis.CellWidth(axis.Locate(x)) }
}
