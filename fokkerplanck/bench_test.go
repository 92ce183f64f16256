package fokkerplanck

import (
	"fmt"
	"math"
	"sort"
	"syscall"
	"testing"

	"fpsolve/model"
)

var benchG2 = 0.001

func benchSystem(d int, coulomb bool) model.System {
	modes := make([]model.Mode, d)
	for k := range modes {
		modes[k] = model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: benchG2}
	}
	return model.System{Modes: modes, Coulomb: coulomb}
}

// BenchmarkStep times one implicit step (ns/cell is reported per active cell).
func BenchmarkStep(b *testing.B) {
	cases := []struct {
		d       int
		n       int
		coulomb bool
	}{
		{1, 4096, false}, {1, 65536, false},
		{2, 128, true}, {2, 256, true}, {2, 512, true}, {2, 512, false},
		{3, 32, true}, {3, 64, true}, {3, 128, true},
	}
	for _, m := range []Method{BackwardEuler, TRBDF2} {
		for _, c := range cases {
			name := fmt.Sprintf("%v/d=%d/n=%d/coulomb=%v", m, c.d, c.n, c.coulomb)
			b.Run(name, func(b *testing.B) {
				axes := make([]Axis, c.d)
				for k := range axes {
					axes[k] = Axis{Lo: 0, Hi: 9, N: c.n}
				}
				op, err := NewOperator(benchSystem(c.d, c.coulomb), axes)
				if err != nil {
					b.Fatal(err)
				}
				s := NewSolver(op, m)
				p := append([]float64(nil), op.Stationary()...)
				if err := s.Step(p, 0.01); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := s.Step(p, 0.01); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(op.Len()), "ns/cell")
			})
		}
	}
}

// BenchmarkSeedPicture runs the source talk's 10-mode picture (400 cells per axis on [0, 9),
// g^2 = 0.01) with the Ordered coupling from a narrow start near the Marchenko-Pastur range
// [0, 0.4] to t = 300: dt = 0.05 to t = 1, 0.25 to t = 10, 1 after (365 steps).
func BenchmarkSeedPicture(b *testing.B) {
	sys, cl := seedPicture()
	for i := 0; i < b.N; i++ {
		c, err := NewClustered(sys, cl, Axis{Lo: 0, Hi: 9, N: 400}, BackwardEuler)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.SetInitial(func(ci int, x []float64) float64 {
			v := 1.0
			for k, xv := range x {
				mu := 0.02 + 0.04*float64(cl[ci][k])
				v *= math.Exp(-(xv - mu) * (xv - mu) / (2 * 0.02 * 0.02))
			}
			return v
		}); err != nil {
			b.Fatal(err)
		}
		for _, seg := range []struct{ t, dt float64 }{{1, 0.05}, {10, 0.25}, {300, 1}} {
			if err := c.Evolve(seg.t, seg.dt); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkGraded1D times one TR-BDF2 step of the growing CIR mode (the RBM's lowest
// eigenvalue: D1 = 2e-5 + 0.05 x, D2 = 1e-5 x) on a 600-cell axis of [0, 9] graded from
// h0 = 1e-7 by 1.05 (ns/cell per cell), from the density at t = 30 of a start at x0 = 1e-4.
func BenchmarkGraded1D(b *testing.B) {
	ax, err := NewGradedAxis(0, 9, 600, 1e-7, 1.05)
	if err != nil {
		b.Fatal(err)
	}
	op, err := NewOperator(model.System{Modes: []model.Mode{cirMode(b, 0.05, 2e-5, 1e-5, 9)}}, []Axis{ax})
	if err != nil {
		b.Fatal(err)
	}
	p := make([]float64, op.Len())
	i0 := 0
	for ax.Edge(i0+1) <= 1e-4 {
		i0++
	}
	p[i0] = 1 / ax.CellWidth(i0)
	s := NewSolver(op, TRBDF2)
	if err := s.Evolve(p, 30, 0.1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Step(p, 0.1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(op.Len()), "ns/cell")
}

// seedStudy is the default study's 10-mode picture (g^2 = 0.005, 400 cells on [0, 9],
// TR-BDF2, dt = 0.5) from narrow Gaussians inside the Marchenko-Pastur range [0, 0.4].
func seedStudy(b *testing.B) (*Clustered, [][]int) {
	kap := model.FreeFieldKappa(4, 10)
	sort.Sort(sort.Reverse(sort.Float64Slice(kap)))
	sys := model.System{Coulomb: true}
	for _, k := range kap {
		sys.Modes = append(sys.Modes, rbmMode(k, 0.005))
	}
	cl := model.Groups(kap)
	c, err := NewClustered(sys, cl, Axis{Lo: 0, Hi: 9, N: 400}, TRBDF2)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.SetInitial(func(ci int, x []float64) float64 {
		v := 1.0
		for k, xv := range x {
			mu := 0.02 + 0.04*float64(cl[ci][k])
			v *= math.Exp(-(xv - mu) * (xv - mu) / (2 * 0.02 * 0.02))
		}
		return v
	}); err != nil {
		b.Fatal(err)
	}
	return c, cl
}

// cpuNanos returns the user + system CPU time of the process in nanoseconds (other processes
// share the machine, so CPU time is the fairer measure of the work done).
func cpuNanos() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return 1e9*float64(ru.Utime.Sec+ru.Stime.Sec) + 1e3*float64(ru.Utime.Usec+ru.Stime.Usec)
}

// BenchmarkClusteredSeed evolves the default study's picture (seedStudy) from t = 0 to 60 and
// to 300 (the whole study: 600 steps; set-up excluded) and reports the CPU nanoseconds per
// cell-step (cells summed over the clusters) and the weight remakes per step.
func BenchmarkClusteredSeed(b *testing.B) {
	for _, tEnd := range []float64{60, 300} {
		b.Run(fmt.Sprintf("t=%g", tEnd), func(b *testing.B) {
			var cpu float64
			var cells, steps, remakes int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				c, cl := seedStudy(b)
				cells = 0
				for ci := range cl {
					cells += c.Operator(ci).Len()
				}
				b.StartTimer()
				c0 := cpuNanos()
				if err := c.Evolve(tEnd, 0.5); err != nil {
					b.Fatal(err)
				}
				cpu += cpuNanos() - c0
				steps += int(math.Round(tEnd / 0.5))
				remakes += c.Remakes
			}
			b.ReportMetric(cpu/float64(steps)/float64(cells), "cpu-ns/cell")
			b.ReportMetric(float64(remakes)/float64(steps), "remakes/step")
		})
	}
}

// BenchmarkPlainChamberSeed is one plain TR-BDF2 step (dt = 0.5) of the 400^2 chamber of the
// default study's first pair cluster, from its stationary density: the reference of
// BenchmarkClusteredSeed.
func BenchmarkPlainChamberSeed(b *testing.B) {
	c, cl := seedStudy(b)
	pair := 0
	for len(cl[pair]) != 2 {
		pair++
	}
	op := c.Operator(pair)
	s := NewSolver(op, TRBDF2)
	p := append([]float64(nil), op.Stationary()...)
	if err := s.Step(p, 0.5); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	c0 := cpuNanos()
	for i := 0; i < b.N; i++ {
		if err := s.Step(p, 0.5); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuNanos()-c0)/float64(b.N)/float64(op.Len()), "cpu-ns/cell")
}

// BenchmarkNewOperator200k times the operator assembly of the [spectrum] stage's one-mode case
// (one rbm mode, mu^2 = 9, kappa = 5, g^2 = 0.001, 200,000 cells over [0, 9]): the cell
// potentials, whose per-axis moments take most of it, and the generator. Compare commits
// with benchstat.
func BenchmarkNewOperator200k(b *testing.B) {
	sys := benchSystem(1, false)
	axes := []Axis{{Lo: 0, Hi: 9, N: 200000}}
	for b.Loop() {
		if _, err := NewOperator(sys, axes); err != nil {
			b.Fatal(err)
		}
	}
}
