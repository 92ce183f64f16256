package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"

	"fpsolve/ensemble"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/internal/runstore"
	"fpsolve/model"
	"fpsolve/rbmdrift"
	"fpsolve/rmt"
)

// rbmOutcome is an rbm ensemble (one [rbm] stage or one sweep point) after training.
//
// The trained ensemble itself (spectra, drift tables, pairs, noise) is ens, the type every source
// of trained ensembles produces; the rest is what only the RBM trainer knows.
type rbmOutcome struct {
	cfg      rbmdrift.Config
	dir      string
	results  []rbmdrift.RunResult // the present runs, ascending run index
	ens      *ensemble.Trained    // their ensemble (nil when no run is present)
	pairs    []ensemble.Pair      // ens.FinalPairs()
	complete bool                 // every run of the ensemble is present (not a partial shard)
	trained  int                  // runs trained in this invocation
	rate     float64              // training updates per wall second
	measured bool                 // rate measured now (false: from the stored runs)
	acc      *rbmdrift.DriftAccumulator
	driftCSV []byte // ens.Drift as drift.csv

	// Set by adoptRBM for the later stages: drift.csv read back by time window, and the last
	// window's tables.
	windows []model.TimeWindow
	tables  []*model.Table
}

// rbmStage trains the [rbm] ensemble (without [sweep], which trains one per setting), writes
// rbm_spectra.csv and drift.csv and the "rbm" summary; its result (r.res.rbm and r.res.adopted)
// gives the later stages the spectra and the measured drift tables.
var rbmStage = stage{
	name:    "rbm",
	enabled: func(r *runner) bool { return r.cfg.RBM != nil && r.cfg.Sweep == nil },
	run:     func(_ context.Context, r *runner) error { return r.stageRBM() },
}

func (r *runner) stageRBM() error {
	rc := r.cfg.RBM.Config
	o, err := r.runRBM(r.out, rc, r.cfg.RBM.Runs, "rbm")
	if err != nil {
		return err
	}
	r.res.rbm = o
	if err := r.adoptRBM(o); err != nil && o.complete && r.cfg.Model != nil && r.cfg.Model.Drift == "table" {
		return fmt.Errorf("the measured drift table: %v (more runs, more bins or fewer drift_windows)", err)
	}
	if o.complete {
		sum := o.summary()
		r.sum.RBM = &sum
		for _, w := range sum.Warnings {
			r.warn("%s", w)
		}
		r.sayRBM("rbm", o)
	}
	return nil
}

// adoptRBM makes o the ensemble whose spectra and measured drift tables the later stages use
// (r.res.adopted). It returns the error of reading the tables back (the tables are then nil).
func (r *runner) adoptRBM(o *rbmOutcome) error {
	r.res.adopted = o
	o.tables, o.windows = nil, nil
	if len(o.driftCSV) > 0 {
		ws, err := model.ReadTimeTablesColumn(bytes.NewReader(o.driftCSV), r.tableColumn())
		if err != nil {
			return err
		}
		// The last window's tables are the model's drift (the long-time one, used after the
		// windows end); windowSystems gives every window's.
		o.windows, o.tables = ws, ws[len(ws)-1].Tables
	}
	return nil
}

// windowSystem is the model during one time window [t0, t1) of a windowed drift table.
type windowSystem struct {
	t0, t1 float64
	sys    model.System
}

// windowSystems returns the model of each time window of the [rbm] stage's drift table, with
// the modes in r.sys()'s sorted order and the noise of r.sys(), or nil when the model is not a
// table of more than one window. The last window's system is r.sys().
func (r *runner) windowSystems() ([]windowSystem, error) {
	c := r.cfg
	o := r.res.rbm
	if c.RBM == nil || c.Model == nil || c.Model.Drift != "table" || o == nil || len(o.windows) < 2 {
		return nil, nil
	}
	lo, hi := c.GridRange() // the domain of setTableDomain
	ws, err := model.WindowSystems(o.windows, r.sys(), r.order(), lo, hi)
	if err != nil {
		return nil, err
	}
	out := make([]windowSystem, len(ws))
	for w, s := range ws {
		out[w] = windowSystem{t0: s.T0, t1: s.T1, sys: s.System}
	}
	return out, nil
}

func (r *runner) sayRBM(label string, o *rbmOutcome) {
	src := "measured"
	if !o.measured {
		src = "stored with the runs"
	}
	r.say("%s: %d runs x %d updates (%d trained now), %.4g updates/s (%s)", label, len(o.results), o.cfg.Steps, o.trained, o.rate, src)
	for _, p := range o.pairs {
		r.say("  pair %v (kappa %.4g): <S> = %.4g +- %.2g", p.Modes, p.Target, p.MeanSpacing, p.MeanSpacingErr)
	}
	if o.ens != nil && o.ens.Noise != nil {
		lines, missing := o.noiseLines(o.ens.Noise)
		if lines != nil {
			r.say("  measured noise at the fixed points, as [noise] for the Coulomb gas (alpha = %g, batch = %d):", o.cfg.Alpha, o.cfg.Batch)
			for _, l := range lines {
				r.say("    %s", l)
			}
		} else if missing != nil {
			r.say("  measured noise at the fixed points: no estimate yet for modes %s (not at their fixed point by the last third of the drift windows), so no [noise] lines", runstore.IndexList(missing))
		}
	}
}

// runRBM trains (or loads) runs 0..runs-1 of rc that belong to this shard, persisting each
// under dir/runs/rbm as it completes, and writes rbm_spectra.csv and drift.csv into dir when the
// ensemble is complete and this is not a shard.
func (r *runner) runRBM(dir string, rc rbmdrift.Config, runs int, label string) (*rbmOutcome, error) {
	if err := rc.Validate(); err != nil {
		return nil, err
	}
	tr, err := trainRuns(r, dir, "rbm", label, rc, runs, float64(rc.Steps),
		func(res rbmdrift.RunResult) bool { return len(res.Spectra) > 0 },
		func(ctx context.Context, i int) (rbmdrift.RunResult, error) {
			return rbmdrift.TrainRunContext(ctx, rc, i)
		})
	if err != nil {
		return nil, err
	}
	o := &rbmOutcome{cfg: rc, dir: dir, results: tr.results, trained: tr.trained, complete: tr.complete, rate: tr.rate, measured: tr.measured}
	if len(o.results) == 0 {
		return o, nil
	}

	// The merged drift, per run in run order (identical however the runs were sharded).
	acc, err := rbmdrift.MergeDrift(o.results)
	if err != nil {
		return nil, err
	}
	o.acc = acc
	if o.ens, err = rbmdrift.TrainedWith(rc, o.results, acc); err != nil {
		return nil, err
	}
	if o.ens.Drift != nil {
		var buf bytes.Buffer
		if err := model.WriteTimeTables(&buf, o.ens.Drift); err != nil {
			return nil, err
		}
		o.driftCSV = buf.Bytes()
	}
	o.pairs = o.ens.FinalPairs()
	if !o.complete {
		return o, nil
	}
	if err := writeSpectra(filepath.Join(dir, "rbm_spectra.csv"), o.ens); err != nil {
		return nil, err
	}
	if err := writeSpectraNPZ(filepath.Join(dir, "rbm_spectra.npz"), o.ens, nil); err != nil {
		return nil, err
	}
	if r.cfg.RBM.SaveWeights {
		runs, snaps := make([]int, len(o.results)), make([][][]float64, len(o.results))
		for m, res := range o.results {
			runs[m], snaps[m] = res.Run, res.WeightSnapshots
		}
		if err := writeWeightsNPZ(filepath.Join(dir, "rbm_weights.npz"), runs, snaps, o.cfg.Visible, o.cfg.Hidden, o.ens, nil); err != nil {
			return nil, err
		}
	}
	if o.driftCSV != nil {
		if err := output.WriteBytes(filepath.Join(dir, "drift.csv"), o.driftCSV); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// writeSpectraNPZ writes e's spectra as a NumPy archive (ensemble.Trained.WriteNPZ):
// numpy.load(path)["spectra"] is (runs, snapshots, modes).
func writeSpectraNPZ(path string, e *ensemble.Trained, extra map[string]any) error {
	return output.WriteFile(path, func(w io.Writer) error { return e.WriteNPZ(w, extra) })
}

// writeWeightsNPZ writes every run's weights at every recorded step (snaps[m][s], row-major
// rows x cols, run runs[m]) as a NumPy archive: "W" (runs, snapshots, rows, cols), "steps",
// "runs", "lr" and "batch_size" (from e, whose steps the snapshots follow) and extra, the
// layout that [ensemble] reads with steps = "steps".
func writeWeightsNPZ(path string, runs []int, snaps [][][]float64, rows, cols int, e *ensemble.Trained, extra map[string]any) error {
	w := make([][][][]float64, len(snaps))
	for m, rs := range snaps {
		if len(rs) != len(e.Steps) {
			return fmt.Errorf("%s: run %d holds %d weight snapshots for %d recorded steps", path, runs[m], len(rs), len(e.Steps))
		}
		for _, snap := range rs {
			mat := make([][]float64, rows)
			for i := range mat {
				mat[i] = snap[i*cols : (i+1)*cols]
			}
			w[m] = append(w[m], mat)
		}
	}
	vals := e.NPZSettings()
	vals["W"] = w
	for k, v := range extra {
		vals[k] = v
	}
	return output.WriteFile(path, func(out io.Writer) error { return ensemble.WriteNPZArrays(out, vals) })
}

// writeSpectra writes run,step,x0,...,x{N-1} for every member and recorded step of e.
func writeSpectra(path string, e *ensemble.Trained) error {
	n := e.Modes()
	head := []string{"run", "step"}
	for i := 0; i < n; i++ {
		head = append(head, fmt.Sprintf("x%d", i))
	}
	return output.WriteFile(path, func(w io.Writer) error {
		c := output.NewCSV(w, head...)
		row := make([]float64, n+2)
		for m, run := range e.Runs {
			for s, spec := range e.Spectra[m] {
				row[0], row[1] = float64(run), float64(e.Steps[s])
				copy(row[2:], spec)
				c.Row(row...)
			}
		}
		return c.Err()
	})
}

// summary is the "rbm" section of summary.json.
func (o *rbmOutcome) summary() rbmSummary {
	e := o.ens
	n := e.Modes()
	last := len(e.Steps) - 1
	sum := rbmSummary{Runs: e.Members(), Steps: o.cfg.Steps, Alpha: jnum(e.Alpha), Batch: e.Batch,
		UpdatesPerSecond: jnum(o.rate), Modes: make([]rbmMode, n), Pairs: []pairOut{}}
	for i := 0; i < n; i++ {
		sum.Modes[i] = rbmMode{momentsOut: moments(rmt.SampleMoments(e.Column(last, i))), Target: jnum(e.Fixed[i]), Kappa: jnum(e.Targets[i])}
	}
	for _, p := range o.pairs {
		sum.Pairs = append(sum.Pairs, pairOut{Modes: p.Modes, Kappa: jnum(p.Target), MeanSpacing: jnum(p.MeanSpacing),
			MeanSpacingErr: jnumPtr(p.MeanSpacingErr), Var: jnum(p.Pooled.Var), Binder: jnum(p.Pooled.Binder)})
	}
	kap := append([]float64(nil), e.Targets...)
	sort.Float64s(kap)
	sum.Kappa = jnums(kap)
	if o.acc != nil {
		d := o.acc.Dropped
		sum.DriftDropped = &d
		sum.Noise = o.noiseSummary(e.Noise)
		if w := o.droppedWarning(); w != "" {
			sum.Warnings = append(sum.Warnings, w)
		}
	}
	return sum
}

// droppedWarning is the warning for drift increments outside the binned range [0, mu^2/sigma_h^2)
// (empty when there are none): there the RBM's visible covariance is not positive definite, so an
// eigenvalue that gets there means that a run left the proper models, and its increments are in
// no drift table.
func (o *rbmOutcome) droppedWarning() string {
	if o.acc == nil || o.acc.Dropped == 0 {
		return ""
	}
	total := o.acc.Dropped
	for _, w := range o.ens.Drift {
		for _, row := range w.Rows {
			total += row.Count
		}
	}
	return fmt.Sprintf("rbm: %d drift increments (%.2g%% of all) fell outside [%g, %g), where the RBM is not normalisable: some runs left the proper models (alpha too large for the step?); drift.csv holds none of them",
		o.acc.Dropped, 100*float64(o.acc.Dropped)/float64(total), o.acc.Lo, o.acc.Hi)
}

// plotRBM draws the ensemble's spectra at several recorded steps (step 0 against the
// Marchenko-Pastur law, later steps with the targets), with the Fokker-Planck and Langevin
// densities over them when overlay is set and they ran (at the last step, and at the others
// where they have snapshots at the same time), and the measured drift per mode against
// 2 sigma_h^2 K(x).
func (r *runner) plotRBM(o *rbmOutcome, path string, overlay bool) error {
	rc, e := o.cfg, o.ens
	steps := e.Steps
	nrec := len(steps)
	// Panels at the start, about 1/3 and 2/3 of the way and the end; with the theories laid
	// over, the intermediate panels move to the nearest recorded steps at which they have
	// snapshots.
	pick := []int{0}
	for _, f := range []float64{1.0 / 3, 2.0 / 3, 1} {
		k := int(math.Round(f * float64(nrec-1)))
		if overlay && f < 1 {
			best := -1
			for j := pick[len(pick)-1] + 1; j < nrec-1; j++ {
				fp, lx := r.theoriesAt(float64(steps[j]) * rc.Alpha)
				if (fp != nil || lx != nil) && (best < 0 || math.Abs(float64(j-k)) < math.Abs(float64(best-k))) {
					best = j
				}
			}
			if best >= 0 {
				k = best
			}
		}
		if k > pick[len(pick)-1] {
			pick = append(pick, k)
		}
	}
	target := rc.TargetSpectrum()
	s2 := rc.SigmaH * rc.SigmaH
	var panels []plots.Panel
	for _, k := range pick {
		var xs []float64
		for _, spec := range e.At(k) {
			xs = append(xs, spec...)
		}
		lo, hi := minMax(xs)
		if k > 0 {
			tl, th := minMax(target)
			lo, hi = math.Min(lo, tl), math.Max(hi, th)
		}
		pad := 0.02*(hi-lo) + 1e-9
		lo, hi = lo-pad, hi+pad
		nb := max(20, min(120, len(xs)/20))
		h := rmt.NewHistogram(lo, hi, nb)
		h.Fill(xs)
		dens := h.Density()
		ser := []plots.Series{{Name: fmt.Sprintf("RBM ensemble (%d runs)", e.Members()), X: h.Centers(), Y: dens, Kind: plots.Steps}}
		if k == 0 && rc.InitSigma > 0 {
			ratio := float64(rc.Hidden) / float64(rc.Visible)
			w2 := rc.InitSigma * rc.InitSigma
			mx, my := make([]float64, 300), make([]float64, 300)
			a, b := rmt.MarchenkoPasturEdges(ratio, w2, rc.Visible)
			for i := range mx {
				mx[i] = a + (b-a)*(float64(i)+0.5)/300
				my[i] = rmt.MarchenkoPastur(mx[i], ratio, w2, rc.Visible)
			}
			ser = append(ser, plots.Series{Name: "Marchenko-Pastur", X: mx, Y: my, Dashed: true})
		}
		if k > 0 {
			ser = append(ser, plots.Series{Name: "targets (mu^2 - kappa)/sigma_h^2", X: target, Y: []float64{maxOf(dens)}, Kind: plots.VLine, Color: plots.Palette[7]})
		}
		var theory []plots.Series
		if overlay && k > 0 {
			theory = r.overlaySeries(lo, hi, nb, rc.Hidden, float64(steps[k])*rc.Alpha, k == nrec-1)
			ser = append(ser, theory...)
		}
		pn := plots.Panel{Title: fmt.Sprintf("eigenvalues of W^T W, step %d (t = %.4g)", steps[k], float64(steps[k])*rc.Alpha),
			XLabel: "x", YLabel: "density (all modes pooled)", Series: ser, Legend: true}
		if len(theory) > 0 {
			pn.XMin, pn.XMax = lo, hi
		}
		if k == 0 { // the Marchenko-Pastur law diverges at x = 0 when hidden = visible
			pn.XMin, pn.XMax, pn.YMax = lo, hi, 1.5*maxOf(dens)
		}
		panels = append(panels, pn)
	}
	if o.acc != nil {
		var ser []plots.Series
		for mode := 0; mode < o.acc.Modes; mode++ {
			col := plots.Palette[mode%len(plots.Palette)]
			var x, y []float64
			for _, b := range o.acc.Table(mode) {
				if b.Count >= 10 && !math.IsNaN(b.Drift) {
					x, y = append(x, b.X), append(y, b.Drift)
				}
			}
			if len(x) == 0 {
				continue
			}
			ser = append(ser, plots.Series{Name: fmt.Sprintf("mode %d", mode), X: x, Y: y, Kind: plots.Marks, Color: col})
			lo, hi := minMax(x)
			kap := o.ens.Targets[mode]
			ax, ay := make([]float64, 100), make([]float64, 100)
			for i := range ax {
				ax[i] = lo + (hi-lo)*float64(i)/99
				ay[i] = 2 * s2 * model.RBM{Mu2: rc.Mu2, Kappa: kap}.K(s2*ax[i]) / s2
			}
			ser = append(ser, plots.Series{X: ax, Y: ay, Dashed: true, Color: col})
		}
		panels = append(panels, plots.Panel{Title: "measured drift (marks) vs 2 sigma_h^2 K(x) (dashed)", XLabel: "x", YLabel: "dx/dt, t = alpha * step",
			Series: ser, Legend: rc.Hidden <= 10})
	}
	return plots.Write(path, 2, panels...)
}

// overlaySeries returns the Fokker-Planck and Langevin spectral densities (1/N) sum_i P_i at
// time t, or at their last time when last is set, when those stages ran on as many modes as the
// RBM has: both on the RBM histogram's nb bins on [lo, hi), so that the three compare bin by bin.
func (r *runner) overlaySeries(lo, hi float64, nb, n int, t float64, last bool) []plots.Series {
	fp, lx := r.theoriesAt(t)
	fpName, lxName := fmt.Sprintf("Fokker-Planck, t = %.4g", t), fmt.Sprintf("Langevin, t = %.4g", t)
	if last {
		fp, lx = nil, nil
		if m := r.res.time; m != nil && len(m.p) > 0 {
			fp, fpName = m.p[len(m.p)-1], fmt.Sprintf("Fokker-Planck, t = %.4g", m.t[len(m.t)-1])
		}
		if l := r.res.langevin; l != nil {
			lx, lxName = l.cols, "Langevin, last step"
		}
	}
	var out []plots.Series
	if len(fp) == n {
		y := make([]float64, nb)
		for k := range fp {
			for i, v := range r.res.time.average(fp[k], lo, hi, nb) {
				y[i] += v / float64(n)
			}
		}
		out = append(out, plots.Series{Name: fpName, X: rmt.NewHistogram(lo, hi, nb).Centers(), Y: y, Kind: plots.Steps, Color: plots.Palette[3]})
	}
	if len(lx) == n {
		var xs []float64
		for _, col := range lx {
			xs = append(xs, col...)
		}
		h := rmt.NewHistogram(lo, hi, nb)
		h.Fill(xs)
		out = append(out, plots.Series{Name: lxName, X: h.Centers(), Y: h.Density(), Kind: plots.Steps, Color: plots.Palette[2]})
	}
	return out
}

// sameTime reports whether two snapshot times agree (within 1e-9 relative).
func sameTime(u, t float64) bool { return math.Abs(u-t) <= 1e-9*math.Max(1, math.Abs(t)) }

// theoriesAt returns the Fokker-Planck marginals and the Langevin walkers (each per sorted mode)
// at time t, nil where that stage has no snapshot at t (the walkers' last step counts as one).
func (r *runner) theoriesAt(t float64) (fp, lx [][]float64) {
	if m := r.res.time; m != nil {
		for s, u := range m.t {
			if sameTime(u, t) {
				fp = m.p[s]
			}
		}
	}
	if l := r.res.langevin; l != nil {
		for _, sn := range l.snaps {
			if sameTime(sn.t, t) {
				lx = sn.cols
			}
		}
		if lc := r.cfg.Langevin; lc != nil && l.cols != nil && sameTime(float64(lc.Steps)*lc.Alpha, t) {
			lx = l.cols
		}
	}
	return fp, lx
}

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if lo > hi {
		return 0, 1
	}
	if lo == hi {
		return lo - 0.5, hi + 0.5
	}
	return lo, hi
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}
