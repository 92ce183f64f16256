package fokkerplanck

import (
	"fmt"
	"math"
	"testing"
)

// refSweep is the straightforward axis sweep (the formulas of the first implementation: a
// fresh factorisation with divisions, the matrix-vector product and the stage combination as
// separate passes, one line at a time), from the solver's weights.
func refSweep(s *Solver, p []float64, k int, tau float64) {
	ls := &s.op.lines[k]
	st := &s.ax[k]
	beta := tau
	if s.method == TRBDF2 {
		beta = tau * gammaTRBDF2 / 2
	}
	g := gammaTRBDF2
	c1 := 1 / (g * (2 - g))
	c0 := -(1 - g) * (1 - g) / (g * (2 - g))
	flushRef := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return 0
		}
		return v
	}
	for l := 0; l+1 < len(ls.start); l++ {
		m0, m1 := int(ls.start[l]), int(ls.start[l+1])
		n := m1 - m0
		if n == 1 {
			continue
		}
		vinv, ai, cp := make([]float64, n), make([]float64, n), make([]float64, n)
		cpPrev := 0.0
		for j := 0; j < n; j++ {
			m := m0 + j
			b := st.vol[m] + beta*st.wf[m]
			a := 0.0
			if j > 0 {
				b += beta * st.wb[m-1]
				a = -beta * st.wf[m-1]
			}
			den := b - a*cpPrev
			vinv[j], ai[j], cp[j] = st.vol[m]/den, a/den, -beta*st.wb[m]/den
			cpPrev = cp[j]
		}
		thomasRef := func(x []float64) {
			prev := 0.0
			for j := range x {
				prev = flushRef(x[j]*vinv[j] - ai[j]*prev)
				x[j] = prev
			}
			for j := n - 2; j >= 0; j-- {
				x[j] = flushRef(x[j] - cp[j]*x[j+1])
			}
		}
		x := make([]float64, n)
		for j := range x {
			x[j] = p[ls.cell(m0+j)]
		}
		if s.method == TRBDF2 {
			y := append([]float64(nil), x...)
			wf, wb, vol := st.wf[m0:m1], st.wb[m0:m1], st.vol[m0:m1]
			for j := 0; j < n; j++ {
				acc := -wf[j] * y[j]
				if j > 0 {
					acc += wf[j-1]*y[j-1] - wb[j-1]*y[j]
				}
				if j+1 < n {
					acc += wb[j] * y[j+1]
				}
				x[j] = y[j] + beta*acc/vol[j]
			}
			thomasRef(x)
			for j := range x {
				x[j] = c1*x[j] + c0*y[j]
			}
		}
		thomasRef(x)
		for j := range x {
			p[ls.cell(m0+j)] = x[j]
		}
	}
}

// TestSweepKernels compares the fused, two-line sweep kernels with refSweep on every axis of
// chambers and full grids of one to three modes, for both implicit methods, from a density far
// from stationary with far tails (so the flushes act). The two compute the same arithmetic in a
// different order (b/V precomputed, one reciprocal per row of the factorisation), so they agree
// to rounding: 1e-13 relative to the largest density, a few hundred ulps of error growth through
// the sweeps' well-conditioned (diagonally dominant) solves.
func TestSweepKernels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d, n    int
		coulomb bool
	}{{1, 57, false}, {2, 40, true}, {2, 33, false}, {3, 17, true}, {3, 9, false}}
	for _, m := range []Method{BackwardEuler, TRBDF2} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%v/d=%d/n=%d/coulomb=%v", m, c.d, c.n, c.coulomb), func(t *testing.T) {
				axes := make([]Axis, c.d)
				for k := range axes {
					axes[k] = Axis{Lo: 0, Hi: 9, N: c.n}
				}
				op, err := NewOperator(benchSystem(c.d, c.coulomb), axes)
				if err != nil {
					t.Fatal(err)
				}
				p, err := op.Initial(func(x []float64) float64 {
					v := 1.0
					for k, xv := range x {
						v *= math.Exp(-(xv - 1 - float64(k)) * (xv - 1 - float64(k)) / 0.05)
					}
					return v
				})
				if err != nil {
					t.Fatal(err)
				}
				s := NewSolver(op, m)
				for _, dt := range []float64{0.01, 0.5} {
					for k := 0; k < c.d; k++ {
						got := append([]float64(nil), p...)
						want := append([]float64(nil), p...)
						s.sweep(got, k, dt)
						refSweep(s, want, k, dt)
						var big, diff float64
						for i := range want {
							big = math.Max(big, math.Abs(want[i]))
							diff = math.Max(diff, math.Abs(got[i]-want[i]))
						}
						if !(diff <= 1e-13*big) {
							t.Errorf("dt %g axis %d: max difference %g (largest density %g)", dt, k, diff, big)
						}
					}
				}
			})
		}
	}
}

// refStep is Solver.Step's implicit Strang step by refSweep (no skipped lines), with Step's flush.
func refStep(s *Solver, p []float64, dt float64) {
	d := s.op.dim
	for k := 0; k < d-1; k++ {
		refSweep(s, p, k, dt/2)
	}
	refSweep(s, p, d-1, dt)
	for k := d - 2; k >= 0; k-- {
		refSweep(s, p, k, dt/2)
	}
	for c, v := range p {
		if math.Abs(v) < tiny {
			p[c] = 0
		}
	}
}

// TestClusteredStepReference runs the 10-mode seed picture (60 cells per axis, 120 steps of
// 0.25) with Clustered.Step and with the formulas of the first implementation: marginals by
// Marginal, the mean-field potential summed per cell, SetPotentialTol and bernPair for the
// weights, and refSweep for the steps. Backward Euler starts narrow, so the densities have long
// runs of flushed zeros (the skipped lines); TR-BDF2 starts from the clusters' stationary
// densities, where the mean field settles and some weights are kept. The two computations are the
// same arithmetic regrouped, so the weight remakes must coincide and the densities agree to
// rounding: 1e-11 of each cluster's largest value allows a few hundred ulps of difference per
// step to grow over 120 steps (measured about 1e-13).
func TestClusteredStepReference(t *testing.T) {
	t.Parallel()
	sys, cl := seedPicture()
	ax := Axis{Lo: 0, Hi: 9, N: 60}
	start := func(ci int, x []float64) float64 {
		v := 1.0
		for k, xv := range x {
			mu := 0.3 + 0.4*float64(cl[ci][k])
			v *= math.Exp(-(xv - mu) * (xv - mu) / (2 * 0.05 * 0.05))
		}
		return v
	}
	for _, m := range []Method{BackwardEuler, TRBDF2} {
		fast, err := NewClustered(sys, cl, ax, m)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := NewClustered(sys, cl, ax, m)
		if err != nil {
			t.Fatal(err)
		}
		if m == BackwardEuler {
			// TR-BDF2 starts from the clusters' own stationary densities, where the mean
			// field soon settles and SetPotentialTol keeps weights.
			if err := fast.SetInitial(start); err != nil {
				t.Fatal(err)
			}
			if err := ref.SetInitial(start); err != nil {
				t.Fatal(err)
			}
		}
		rs := make([]*Solver, len(cl))
		for ci := range rs {
			rs[ci] = NewSolver(ref.ops[ci], m)
		}
		remakes := 0
		for step := 0; step < 120; step++ {
			if err := fast.Step(0.25); err != nil {
				t.Fatal(err)
			}
			ref.updateMarginals()
			for mode := range sys.Modes {
				ref.marg[mode] = ref.Marginal(mode, ref.marg[mode])
			}
			ref.fieldFromMarginals()
			for ci := range rs {
				if rs[ci].SetPotentialTol(shiftedPotential(ref.ops[ci], ref.shifts[ci]), ref.p[ci], DefaultPotentialTol) {
					remakes++
				}
				refStep(rs[ci], ref.p[ci], 0.25)
			}
		}
		if fast.Remakes != remakes {
			t.Errorf("%v: %d remakes, reference %d", m, fast.Remakes, remakes)
		}
		var worst float64
		for ci := range cl {
			var big, diff float64
			for c, v := range ref.p[ci] {
				big = math.Max(big, math.Abs(v))
				diff = math.Max(diff, math.Abs(fast.p[ci][c]-v))
			}
			worst = math.Max(worst, diff/big)
			if !(diff <= 1e-11*big) {
				t.Errorf("%v cluster %d: max difference %g (largest density %g)", m, ci, diff, big)
			}
		}
		t.Logf("%v: %d remakes, largest relative difference %g", m, remakes, worst)
	}
}
