package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"fpsolve/fokkerplanck"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/model"
	"fpsolve/rmt"
)

// clusters partitions the sorted modes for the Fokker-Planck solver (fokkerplanck.Partition by
// the modes' kappa).
func (r *runner) clusters() [][]int { return fokkerplanck.Partition(r.sys(), r.keys()) }

const config3 = fokkerplanck.MaxClusterModes // modes on one exact grid

// fpMethod maps the [time] method to the solver's.
func fpMethod(name string) fokkerplanck.Method {
	if name == "backward-euler" {
		return fokkerplanck.BackwardEuler
	}
	return fokkerplanck.TRBDF2
}

// The [time] stage's health rules, checked after every sub-interval of the run (eight per
// snapshot interval): a density value that is not finite, or a cluster whose mass changed by more
// than massStop of itself, stops the stage with an error naming the time; a mass change above
// massWarn (the promise of docs/REFERENCES.md R4), or an undershoot below -densityNegWarn of the
// largest value, by the end is a warning on stderr and in the summary.
const (
	densityNegWarn = 1e-2
	massStop       = 1e-9
	massWarn       = 1e-12
)

// timeStage evolves the Fokker-Planck equation from [initial] to t_end and writes density.csv,
// density.png, wigner.png and the "fokkerplanck" summary; its result (r.res.time) is the
// marginals at the snapshots. Shards do not run it: it needs the whole ensemble.
var timeStage = stage{
	name:    "fokkerplanck",
	enabled: func(r *runner) bool { return r.cfg.Time != nil && !r.sharded() },
	run:     func(_ context.Context, r *runner) error { return r.stageTime() },
}

func (r *runner) stageTime() error {
	c := r.cfg
	tc := c.Time
	axis, err := r.timeAxis()
	if err != nil {
		return err
	}
	clusters := r.clusters()
	// A windowed drift table is piecewise constant in time: window w's model on [t0, t1), the
	// last window's from its start on.
	wins, err := r.windowSystems()
	if err != nil {
		return err
	}
	win := 0
	sys := r.sys()
	if wins != nil {
		sys = wins[0].sys
	}
	cl, err := fokkerplanck.NewClustered(sys, clusters, axis, fpMethod(tc.Method))
	if err != nil {
		return err
	}
	f, err := r.initialDensity(axis)
	if err != nil {
		return err
	}
	if f != nil {
		if err := cl.SetInitial(func(ci int, x []float64) float64 { return f(clusters[ci], x) }); err != nil {
			return fmt.Errorf("initial density: %v", err)
		}
	}
	single := len(clusters) == 1
	var solver *fokkerplanck.Solver // single cluster: its own solver, for the adaptive option
	var adapt *fokkerplanck.Adaptive
	if single {
		solver = fokkerplanck.NewSolver(cl.Operator(0), fpMethod(tc.Method))
		if tc.Adaptive {
			adapt = &fokkerplanck.Adaptive{Tol: tc.Tolerance, Dt: tc.Dt}
		}
	} else if tc.Adaptive {
		return fmt.Errorf("time.adaptive: adaptive stepping needs one cluster (at most %d modes, or no Coulomb term); use a fixed dt", config3)
	}
	// nextWindow switches the solver to the next window's model at time t, carrying the
	// densities over.
	nextWindow := func(t float64) error {
		win++
		nc, err := fokkerplanck.NewClustered(wins[win].sys, clusters, axis, fpMethod(tc.Method))
		if err != nil {
			return fmt.Errorf("drift window %d: %v", win, err)
		}
		for ci := range clusters {
			nc.SetDensity(ci, cl.Density(ci))
		}
		nc.SetTime(t)
		cl = nc
		if single {
			solver = fokkerplanck.NewSolver(cl.Operator(0), fpMethod(tc.Method))
			solver.SetTime(t)
		}
		return nil
	}
	// evolve advances the densities to t1, crossing window ends on the way.
	evolve := func(t1 float64) error {
		for {
			tb, cross := t1, false
			if wins != nil && win+1 < len(wins) && wins[win].t1 <= t1 {
				tb, cross = wins[win].t1, true
			}
			var err error
			if single {
				p := cl.Density(0)
				if adapt != nil {
					err = solver.EvolveAdaptiveContext(r.context(), p, tb, adapt)
				} else {
					err = solver.EvolveContext(r.context(), p, tb, tc.Dt)
				}
			} else {
				err = cl.EvolveContext(r.context(), tb, tc.Dt)
			}
			if r.stopped(err) {
				return errInterrupted
			}
			if err != nil {
				return err
			}
			t := tb
			if cross {
				if err := nextWindow(t); err != nil {
					return err
				}
			}
			if t >= t1 {
				return nil
			}
		}
	}

	n := len(r.sys().Modes)
	snaps := tc.Snapshots
	m := &marginals{x: make([]float64, axis.N), mode: r.order(), axis: axis}
	for i := range m.x {
		m.x[i] = axis.Centre(i)
	}
	var ps []float64
	if single {
		ps = stationary(wins, cl, axis)
	}
	var dist, distT []float64
	record := func(t float64) {
		row := make([][]float64, n)
		for k := range row {
			row[k] = cl.Marginal(k, nil)
		}
		m.t = append(m.t, t)
		m.p = append(m.p, row)
		if single {
			distT = append(distT, t)
			dist = append(dist, cl.Operator(0).Distance(cl.Density(0), ps))
		}
	}
	record(0)
	// The densities' health after every sub-interval (see checkHealth): the masses they start with.
	mass0 := make([]float64, len(clusters))
	for ci := range clusters {
		mass0[ci] = cl.Mass(ci)
	}
	var worstMass, worstMassT, worstNeg, worstNegT float64
	// Extra distance samples between snapshots for the relaxation-rate fit.
	const sub = 8
	total := tc.TEnd
	r.prog.begin("fokkerplanck", total)
	t := 0.0
	for s := 1; s < snaps; s++ {
		tPrev, tNext := t, tc.TEnd*float64(s)/float64(snaps-1)
		for k := 1; k <= sub; k++ {
			t1 := tPrev + (tNext-tPrev)*float64(k)/sub
			if k == sub {
				t1 = tNext
			}
			if err = evolve(t1); err == errInterrupted {
				r.prog.end()
				return err
			} else if err != nil {
				return fmt.Errorf("at t = %.6g: %v", t, err)
			}
			t = t1
			me, neg, err := cl.Health(mass0)
			if err == nil && me > massStop {
				err = fmt.Errorf("the total probability changed by %.2g of itself (the solver conserves it to 1e-12)", me)
			}
			if err != nil {
				r.prog.end()
				return fmt.Errorf("at t = %.6g: %v; likely cause: a step too large for the drift or cells too coarse for it (lower [time] dt, set adaptive = true, or raise [grid] points)", t, err)
			}
			if me > worstMass {
				worstMass, worstMassT = me, t
			}
			if neg < worstNeg {
				worstNeg, worstNegT = neg, t
			}
			if single && k < sub {
				distT = append(distT, t)
				dist = append(dist, cl.Operator(0).Distance(cl.Density(0), ps))
			}
			r.prog.update(t)
			if r.interrupted() {
				r.prog.end()
				return errInterrupted
			}
		}
		record(t)
	}
	r.prog.end()
	r.res.time = m

	// Summary.
	mass := 1.0
	for ci := range clusters {
		mass *= cl.Mass(ci)
	}
	if math.IsNaN(mass) || math.IsInf(mass, 0) {
		return fmt.Errorf("the density is not finite at t = %g", t)
	}
	sum := &fpSummary{Mass: jnum(mass), Clusters: clusterConfigIndices(clusters, r.order()), TEnd: jnum(tc.TEnd),
		DriftWindows: len(wins), StationaryL1: jnum(math.NaN()), RelaxationRate: jnum(math.NaN())}
	if single {
		sum.StationaryL1 = jnum(dist[len(dist)-1])
		// With drift windows the distances before the last window are to other stationary
		// states: no relaxation rate.
		if rate, err := fokkerplanck.RelaxationRate(distT, dist, tc.TEnd/2); err == nil && dist[len(dist)-1] > 1e-11 && wins == nil {
			sum.RelaxationRate = jnum(rate)
		}
	} else {
		sum.Coupling = "mean-field between clusters"
	}
	final := m.p[len(m.p)-1]
	sum.Modes = make([]momentsOut, n)
	for k := 0; k < n; k++ {
		mo := fokkerplanck.GridMoments(final[k], axis)
		sum.Modes[r.order()[k]] = momentsOut{Mean: jnum(mo.Mean), Var: jnum(mo.Var), Binder: jnum(mo.Binder)}
	}
	sum.Pairs = []pairOut{}
	var spacing []pairSpacing
	for ci, g := range clusters {
		if len(g) < 2 {
			continue
		}
		op := cl.Operator(ci)
		for a := 0; a < len(g); a++ {
			for b := a + 1; b < len(g); b++ {
				if math.Abs(r.keys()[g[a]]-r.keys()[g[b]]) > 1e-12*math.Max(1, math.Abs(r.keys()[g[a]])) {
					continue // a pair is two modes with equal kappa
				}
				ps := op.Pair(cl.Density(ci), a, b)
				i, j := r.order()[g[a]], r.order()[g[b]]
				sum.Pairs = append(sum.Pairs, pairOut{Modes: [2]int{min(i, j), max(i, j)}, MeanSpacing: jnum(ps.MeanSpacing),
					Var: jnum(ps.Pooled.Var), Binder: jnum(ps.Pooled.Binder), Kappa: jnum(r.keys()[g[a]])})
				sp := pairSpacing{modes: [2]int{min(i, j), max(i, j)}, kappa: r.keys()[g[a]], mean: ps.MeanSpacing}
				sp.s, sp.dens, sp.width = spacingDensity(op, cl.Density(ci), a, b, axis.Width())
				spacing = append(spacing, sp)
			}
		}
	}
	// Degenerate pairs solved in separate clusters (no Coulomb term): independent modes, so
	// their pair statistics follow from the product of the two marginals.
	clusterOf := make([]int, n)
	for ci, g := range clusters {
		for _, k := range g {
			clusterOf[k] = ci
		}
	}
	for _, g := range model.Groups(r.keys()) {
		if len(g) != 2 || clusterOf[g[0]] == clusterOf[g[1]] {
			continue
		}
		sp := productPair(final[g[0]], final[g[1]], axis)
		i, j := r.order()[g[0]], r.order()[g[1]]
		sp.modes, sp.kappa = [2]int{min(i, j), max(i, j)}, r.keys()[g[0]]
		pooled := make([]float64, axis.N)
		for c := range pooled {
			pooled[c] = (final[g[0]][c] + final[g[1]][c]) / 2
		}
		pm := fokkerplanck.GridMoments(pooled, axis)
		sum.Pairs = append(sum.Pairs, pairOut{Modes: sp.modes, MeanSpacing: jnum(sp.mean),
			Var: jnum(pm.Var), Binder: jnum(pm.Binder), Kappa: jnum(sp.kappa), Independent: true})
		spacing = append(spacing, sp)
	}
	if worstMass > massWarn {
		w := fmt.Sprintf("fokkerplanck: the total probability changed by %.2g of itself by t = %.6g, more than the 1e-12 the solver promises", worstMass, worstMassT)
		r.warn("%s", w)
		sum.Warnings = append(sum.Warnings, w)
	}
	if worstNeg < -densityNegWarn {
		w := fmt.Sprintf("fokkerplanck: the density undershoots to %.2g of its largest value (t = %.6g): TR-BDF2 is not positivity preserving near steep fronts; method = \"backward-euler\" is, or refine dt or the grid", worstNeg, worstNegT)
		r.warn("%s", w)
		sum.Warnings = append(sum.Warnings, w)
	}
	r.sum.FokkerPlanck = sum
	r.say("fokkerplanck: %d modes in %d cluster(s), %d cells per axis, t = %g, mass %.15f", n, len(clusters), axis.N, tc.TEnd, mass)
	if single {
		r.say("  L1 distance to the discrete stationary state %.3g, relaxation rate %s", float64(sum.StationaryL1), fmtNum(float64(sum.RelaxationRate)))
	}
	for _, p := range spacing {
		r.say("  pair %v (kappa %.4g): <S> = %.4g", p.modes, p.kappa, p.mean)
	}

	if err := r.writeDensityCSV(m); err != nil {
		return err
	}
	if r.cfg.PlotsEnabled() {
		if err := r.plotDensity(m); err != nil {
			return err
		}
		if err := plotWigner(filepath.Join(r.out, "wigner.png"), spacing); err != nil {
			return err
		}
	}
	return nil
}

// clusterConfigIndices returns the clusters of sorted modes as config indices.
func clusterConfigIndices(clusters [][]int, order []int) [][]int {
	return fokkerplanck.RelabelClusters(clusters, order)
}

// pairSpacing is the spacing distribution of a degenerate pair.
type pairSpacing struct {
	modes [2]int
	kappa float64
	mean  float64
	s     []float64 // bin centres
	dens  []float64 // density of S on the bins
	width float64   // bin width
}

// spacingDensity bins |x_a - x_b| of a cluster density (op.Spacing) and returns the bin
// centres, the density of S and the bin width.
func spacingDensity(op *fokkerplanck.Operator, p []float64, a, b int, h float64) (centres, dens []float64, width float64) {
	sd := op.Spacing(p, a, b, h)
	return sd.Centres, sd.Density, sd.Width
}

// writeDensityCSV writes t,x,p0,... (modes in config order) at every snapshot.
func (r *runner) writeDensityCSV(m *marginals) error {
	n := len(m.mode)
	head := []string{"t", "x"}
	byConfig := make([]int, n) // config index -> sorted index
	for k, i := range m.mode {
		byConfig[i] = k
	}
	for i := 0; i < n; i++ {
		head = append(head, fmt.Sprintf("p%d", i))
	}
	return output.WriteFile(filepath.Join(r.out, "density.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, head...)
		row := make([]float64, n+2)
		for s, t := range m.t {
			for ix, x := range m.x {
				row[0], row[1] = t, x
				for i := 0; i < n; i++ {
					row[2+i] = m.p[s][byConfig[i]][ix]
				}
				c.Row(row...)
			}
		}
		return c.Err()
	})
}

// plotCells returns the number and width of the cells on which plots show the densities: the
// axis' own cells, or on a graded axis equal cells as wide as its widest one (the graded cells
// near the wall are too fine for the eye and for comparison with histograms).
func (m *marginals) plotCells() (n int, w float64) {
	a := m.axis
	if !a.Graded() {
		return a.N, a.Width()
	}
	for i := 0; i < a.N; i++ {
		w = math.Max(w, a.CellWidth(i))
	}
	n = max(1, int(math.Round((a.Hi-a.Lo)/w)))
	return n, (a.Hi - a.Lo) / float64(n)
}

// plotX returns the centres of the plot cells.
func (m *marginals) plotX() []float64 {
	if !m.axis.Graded() {
		return m.x
	}
	n, w := m.plotCells()
	x := make([]float64, n)
	for j := range x {
		x[j] = m.axis.Lo + (float64(j)+0.5)*w
	}
	return x
}

// plotY returns the density p (on the axis' cells) averaged over the plot cells: p itself on an
// equal axis.
func (m *marginals) plotY(p []float64) []float64 {
	if !m.axis.Graded() {
		return p
	}
	n, _ := m.plotCells()
	return m.average(p, m.axis.Lo, m.axis.Hi, n)
}

// average returns the density p (on the axis' cells) averaged over n equal bins on [lo, hi),
// each cell's mass shared among the bins by overlap.
func (m *marginals) average(p []float64, lo, hi float64, n int) []float64 {
	a := m.axis
	w := (hi - lo) / float64(n)
	y := make([]float64, n)
	for i, v := range p {
		cl, ch := a.Edge(i), a.Edge(i+1)
		for j := max(0, int((cl-lo)/w)); j < n; j++ {
			bl, bh := lo+float64(j)*w, lo+float64(j+1)*w
			if bl >= ch {
				break
			}
			if ov := math.Min(ch, bh) - math.Max(cl, bl); ov > 0 {
				y[j] += v * ov / w
			}
		}
	}
	return y
}

// plotDensity draws the spectral density (1/N) sum_i P_i(x) at every snapshot, and each mode's
// marginal at t_end with the drift's stable points marked.
func (r *runner) plotDensity(m *marginals) error {
	n := len(m.mode)
	var total, final []plots.Series
	px := m.plotX()
	for s, t := range m.t {
		y := make([]float64, len(px))
		for k := 0; k < n; k++ {
			for i, v := range m.plotY(m.p[s][k]) {
				y[i] += v / float64(n)
			}
		}
		total = append(total, plots.Series{Name: fmt.Sprintf("t = %.3g", t), X: px, Y: y,
			Color: plots.Gradient(float64(s) / float64(max(1, len(m.t)-1)))})
	}
	// The start (a Marchenko-Pastur spike, say) would flatten the rest: scale to the later times.
	top := 0.0
	for s := min(1, len(total)-1); s < len(total); s++ {
		for _, v := range total[s].Y {
			top = math.Max(top, v)
		}
	}
	last := m.p[len(m.p)-1]
	var stable []float64
	ymax := 0.0
	for k := 0; k < n; k++ {
		y := m.plotY(last[k])
		final = append(final, plots.Series{Name: fmt.Sprintf("mode %d", m.mode[k]), X: px, Y: y})
		stable = append(stable, r.sys().Modes[k].Drift.Stable())
		for _, v := range y {
			ymax = math.Max(ymax, v)
		}
	}
	final = append(final, plots.Series{Name: "stable points", X: stable, Y: []float64{ymax}, Kind: plots.VLine, Color: plots.Palette[7]})
	return plots.Write(filepath.Join(r.out, "density.png"), 2,
		plots.Panel{Title: "Fokker-Planck: spectral density (1/N) sum_i P_i(x, t)", XLabel: "x", YLabel: "density", Series: total, Legend: true,
			YMin: 0, YMax: 1.3 * top},
		plots.Panel{Title: fmt.Sprintf("marginals at t = %g", m.t[len(m.t)-1]), XLabel: "x", YLabel: "P_i(x)", Series: final, Legend: n <= 10})
}

// plotWigner draws each pair's spacing density against the Wigner surmise with
// sigma = <S>/sqrt(pi).
func plotWigner(path string, pairs []pairSpacing) error {
	if len(pairs) == 0 {
		return nil
	}
	var panels []plots.Panel
	for _, p := range pairs {
		sigma := p.mean / math.Sqrt(math.Pi)
		curve := make([]float64, 200)
		xs := make([]float64, 200)
		for i := range xs {
			xs[i] = (p.s[len(p.s)-1] + p.width/2) * float64(i) / 199
			curve[i] = rmt.WignerSurmise(xs[i], sigma)
		}
		panels = append(panels, plots.Panel{
			Title:  fmt.Sprintf("pair %v, kappa = %.4g", p.modes, p.kappa),
			XLabel: "S = |x_i - x_j|", YLabel: "P(S)", Legend: true,
			Series: []plots.Series{
				{Name: "Fokker-Planck", X: p.s, Y: p.dens, Kind: plots.Steps},
				{Name: fmt.Sprintf("Wigner surmise, sigma = <S>/sqrt(pi) = %.3g", sigma), X: xs, Y: curve, Dashed: true},
			}})
	}
	return plots.Write(path, 2, panels...)
}

// timeAxis returns the [time] grid: equal cells, or cells graded from the lower end with
// grid.wall_cell.
func (r *runner) timeAxis() (fokkerplanck.Axis, error) {
	g := r.cfg.Grid
	lo, hi := r.cfg.GridRange()
	if g.WallCell > 0 {
		return fokkerplanck.NewGradedAxis(lo, hi, g.Points, g.WallCell, g.WallRatio)
	}
	return fokkerplanck.Axis{Lo: lo, Hi: hi, N: g.Points}, nil
}

// stationary returns the stationary density of the single cluster's operator: the last drift
// window's when the table has windows (the distance is then to the long-time state), else cl's.
func stationary(wins []windowSystem, cl *fokkerplanck.Clustered, axis fokkerplanck.Axis) []float64 {
	if wins == nil {
		return cl.Operator(0).Stationary()
	}
	ps, err := fokkerplanck.ClusterStationary(wins[len(wins)-1].sys, cl.Clusters()[0], axis)
	if err != nil {
		return cl.Operator(0).Stationary()
	}
	return ps
}

// productPair returns the spacing of two independent modes with marginals pa, pb on the cells
// of axis (fokkerplanck.ProductSpacing), its empty tail trimmed for the plot.
func productPair(pa, pb []float64, axis fokkerplanck.Axis) pairSpacing {
	sd := fokkerplanck.ProductSpacing(pa, pb, axis)
	last := len(sd.Density) - 1
	for last > 10 && sd.Density[last] < 1e-6*sd.Density[0]+1e-12 {
		last--
	}
	return pairSpacing{mean: sd.Mean, s: sd.Centres[:last+1], dens: sd.Density[:last+1], width: sd.Width}
}
