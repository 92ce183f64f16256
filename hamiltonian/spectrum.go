package hamiltonian

import (
	"context"
	"fmt"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// Spectrum is the outcome of SolveSpectrum.
type Spectrum struct {
	Operator *fokkerplanck.Operator // the Scharfetter-Gummel generator's operator
	Levels   *Result                // the lowest eigenpairs of its symmetrised H_FP
	FD       *Result                // the finite-difference check (nil if not run)
}

// SolveSpectrum computes the states lowest eigenpairs of the symmetrised Scharfetter-Gummel
// H_FP of the modes of sys on axes (NewOperator, FromOperator, Lowest), with the residual
// tolerance tol times DiagonalScale of the matrix. With check, one mode and a drift with a
// potential, it also solves the finite-difference H_FP (FD) on the same axis, on a goroutine
// beside the main solve (it needs nothing of it), as an independent check of the levels. At
// most min(states, unknowns - 1) pairs are computed. ctx cancels both solves (Options.Context).
//
// It is the work of the fpsolve [spectrum] stage, so that the stage can be measured against
// scipy's eigsh on the same operator (BenchmarkSpectrum200k, BenchmarkSpectrumChamber256).
func SolveSpectrum(ctx context.Context, sys model.System, axes []fokkerplanck.Axis, states int, tol float64, check bool) (*Spectrum, error) {
	if len(sys.Modes) == 0 || len(axes) == 0 {
		return nil, fmt.Errorf("hamiltonian: no modes")
	}
	fdCtx, cancel := context.WithCancel(ctx) // stops the check once the main solve fails
	defer cancel()
	type fdResult struct {
		res *Result
		err error
	}
	var fdDone chan fdResult
	if _, ok := sys.Modes[0].Drift.(model.Potential); ok && check && len(sys.Modes) == 1 {
		fdDone = make(chan fdResult, 1)
		mode, axis, k := sys.Modes[0], axes[0], min(states, axes[0].N-1)
		go func() {
			hf, err := FD(mode, axis)
			if err != nil {
				fdDone <- fdResult{nil, err}
				return
			}
			res, err := Lowest(hf, k, &Options{Tol: tol * DiagonalScale(hf), Context: fdCtx})
			fdDone <- fdResult{res, err}
		}()
	}
	wait := func() (*Result, error) {
		if fdDone == nil {
			return nil, nil
		}
		got := <-fdDone
		if got.err != nil {
			return nil, fmt.Errorf("finite-difference check: %w", got.err)
		}
		return got.res, nil
	}
	op, err := fokkerplanck.NewOperator(sys, axes)
	if err != nil {
		cancel()
		_, _ = wait()
		return nil, err
	}
	h, err := FromOperator(op)
	if err != nil {
		cancel()
		_, _ = wait()
		return nil, err
	}
	res, err := Lowest(h, min(states, op.Len()-1), &Options{Tol: tol * DiagonalScale(h), Context: ctx})
	if err != nil {
		cancel()
		_, _ = wait()
		return nil, err
	}
	fd, err := wait()
	if err != nil {
		return nil, err
	}
	return &Spectrum{Operator: op, Levels: res, FD: fd}, nil
}
