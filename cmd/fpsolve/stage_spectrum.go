package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"fpsolve/fokkerplanck"
	"fpsolve/hamiltonian"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/model"
)

// spectrumStage computes the lowest eigenpairs of H_FP (stageSpectrum). Shards do not run it.
var spectrumStage = stage{
	name:    "spectrum",
	enabled: func(r *runner) bool { return r.cfg.Spectrum != nil && !r.sharded() },
	run:     func(_ context.Context, r *runner) error { return r.stageSpectrum() },
}

// stageSpectrum computes the lowest eigenpairs of the Fokker-Planck Hamiltonian H_FP of one mode
// or of two modes in the Coulomb chamber, from the symmetrised Scharfetter-Gummel generator (the
// spectrum of the [time] solver: P - P_s ~ exp(-2 E_1 t)). For one mode with a potential drift
// the finite-difference Schroedinger form is solved as well, as an independent check.
func (r *runner) stageSpectrum() error {
	sc := r.cfg.Spectrum
	lo, hi := r.cfg.GridRange()
	axis := fokkerplanck.Axis{Lo: lo, Hi: hi, N: sc.Points}
	n := len(r.sys().Modes)
	axes := make([]fokkerplanck.Axis, n)
	for i := range axes {
		axes[i] = axis
	}
	r.prog.begin("spectrum", 1)
	// hamiltonian.SolveSpectrum runs the finite-difference check (one mode with a potential)
	// beside the main solve. The assembly has no checks of its own: the solve runs aside, and
	// a signal abandons it at once (it writes nothing, and the command exits after this
	// stage); Lowest checks the context itself.
	var sp *hamiltonian.Spectrum
	if err := r.aside(func() (err error) {
		sp, err = hamiltonian.SolveSpectrum(r.context(), r.sys(), axes, sc.States, sc.Tolerance, sc.SpectrumCheck())
		return err
	}); err != nil {
		if r.stopped(err) {
			return errInterrupted
		}
		return err
	}
	r.prog.end()
	res, fd := sp.Levels, sp.FD
	states := len(res.Values)
	sum := &spectrumSummary{Eigenvalues: jnums(res.Values), Residuals: jnums(res.Residuals),
		Discretisation: "symmetrised Scharfetter-Gummel generator", Points: sc.Points, Modes: n}
	if fd != nil {
		sum.FDEigenvalues = jnums(fd.Values)
	}
	r.sum.Spectrum = sum
	r.say("spectrum: E_n = %s", fmtList(res.Values))
	if fd != nil {
		r.say("  finite-difference check: E_n = %s", fmtList(fd.Values))
	}
	if err := output.WriteFile(filepath.Join(r.out, "spectrum.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, "n", "E", "residual")
		for i, e := range res.Values {
			c.Row(float64(i), e, res.Residuals[i])
		}
		return c.Err()
	}); err != nil {
		return err
	}
	if n != 1 {
		if r.cfg.PlotsEnabled() {
			return plotLevels(filepath.Join(r.out, "spectrum.png"), res.Values, nil, nil, nil)
		}
		return nil
	}
	// Eigenfunctions normalised as integral psi^2 dx = 1 (the symmetric vector over sqrt(h)),
	// signed so that the first nonzero value is positive.
	width := axis.Width()
	xs := make([]float64, axis.N)
	psi := make([][]float64, states)
	for i := range xs {
		xs[i] = axis.Centre(i)
	}
	for k := range psi {
		psi[k] = make([]float64, axis.N)
		sign := 0.0
		for i := range xs {
			v := res.Vectors.At(i, k) / math.Sqrt(width)
			if sign == 0 && math.Abs(v) > 1e-8 {
				sign = math.Copysign(1, v)
			}
			psi[k][i] = v
		}
		if sign < 0 {
			for i := range psi[k] {
				psi[k][i] = -psi[k][i]
			}
		}
	}
	if err := output.WriteFile(filepath.Join(r.out, "eigenfunctions.csv"), func(w io.Writer) error {
		head := []string{"x"}
		for k := range psi {
			head = append(head, fmt.Sprintf("psi%d", k))
		}
		c := output.NewCSV(w, head...)
		row := make([]float64, states+1)
		for i, x := range xs {
			row[0] = x
			for k := range psi {
				row[k+1] = psi[k][i]
			}
			c.Row(row...)
		}
		return c.Err()
	}); err != nil {
		return err
	}
	if !r.cfg.PlotsEnabled() {
		return nil
	}
	var u []float64
	if _, ok := r.sys().Modes[0].Drift.(model.Potential); ok {
		u = make([]float64, len(xs))
		for i, x := range xs {
			u[i] = r.sys().Modes[0].U(x)
		}
	}
	return plotLevels(filepath.Join(r.out, "spectrum.png"), res.Values, xs, u, psi)
}

func fmtList(v []float64) string {
	s := ""
	for i, x := range v {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%.6g", x)
	}
	return s
}

// plotLevels draws U(x) with the levels E_n as horizontal lines and the eigenfunctions drawn
// around their levels (the source talk's double-well figure); without U, only the levels.
func plotLevels(path string, levels, xs, u []float64, psi [][]float64) error {
	top := levels[len(levels)-1]
	gap := top / float64(max(1, len(levels)-1))
	var series []plots.Series
	p := plots.Panel{Title: "H_FP: potential U(x), levels E_n and eigenfunctions", XLabel: "x", YLabel: "U(x), E_n", Legend: true}
	if u != nil {
		series = append(series, plots.Series{Name: "U(x)", X: xs, Y: u, Color: plots.Palette[7], Width: 2})
		umin := math.Inf(1)
		for _, v := range u {
			umin = math.Min(umin, v)
		}
		p.YMin, p.YMax = math.Min(umin, 0)-0.3*gap, top+1.2*gap
	}
	if xs == nil {
		xs = []float64{0, 1}
		p.XLabel = ""
	}
	for k, e := range levels {
		series = append(series, plots.Series{X: []float64{xs[0], xs[len(xs)-1]}, Y: []float64{e}, Kind: plots.HLine,
			Color: plots.Palette[k%len(plots.Palette)], Width: 0.8})
		if psi != nil && k < len(psi) {
			amp := 0.0
			for _, v := range psi[k] {
				amp = math.Max(amp, math.Abs(v))
			}
			y := make([]float64, len(xs))
			for i := range y {
				y[i] = e + 0.45*gap*psi[k][i]/amp
			}
			series = append(series, plots.Series{Name: fmt.Sprintf("E_%d = %.4g", k, e), X: xs, Y: y, Color: plots.Palette[k%len(plots.Palette)]})
		}
	}
	p.Series = series
	return plots.Write(path, 1, p)
}
