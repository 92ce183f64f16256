package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"

	"gonum.org/v1/gonum/mat"

	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/internal/runstore"
	"fpsolve/langevin"
	"fpsolve/model"
	"fpsolve/rmt"
)

// langevinBlock is the number of walkers per persisted member of the Langevin ensemble.
const langevinBlock = 1024

// langevinMember is one persisted block of walkers after all steps.
type langevinMember struct {
	X      []float64 // X[w*N + k]: sorted mode k of the block's walker w
	Counts langevin.Counts
	Snaps  []float64 // X at each snapshot step in turn (langevinSnapSteps), when there are any
}

// langevinSnapSteps returns the steps strictly between 0 and the last at which the walkers are
// also recorded: those at which the [time] stage takes a snapshot (config.LangevinSnapSteps).
func (r *runner) langevinSnapSteps() []int { return r.cfg.LangevinSnapSteps() }

// langevinBins is the number of histogram bins per mode in langevin.csv.
const langevinBins = 100

// dependsOnRBM reports whether the Langevin walkers need the rbm stage's results (the drift
// table or the step-0 spectra).
func (r *runner) dependsOnRBM() bool {
	c := r.cfg
	return c.RBM != nil && !r.weightsLevel() && ((c.Model != nil && c.Model.Drift == "table") || (c.Initial != nil && c.Initial.Kind == "rbm"))
}

// weightsLevel reports whether the Langevin walkers are the idealised RBM (level = "weights"),
// which takes its parameters from [rbm] and uses neither r.sys() nor the rbm stage's results.
func (r *runner) weightsLevel() bool {
	return r.cfg.Langevin != nil && r.cfg.Langevin.Level == "weights"
}

// langevinStage runs the [langevin] walkers (stageLangevin); in a sweep that reruns them at every
// setting, the sweep runs them instead.
var langevinStage = stage{
	name:    "langevin",
	enabled: func(r *runner) bool { return r.cfg.Langevin != nil && !r.sweepsLangevin() },
	run:     func(_ context.Context, r *runner) error { return r.stageLangevin() },
}

// stageLangevin integrates the discrete-time Coulomb gas for the [langevin] walkers, in
// persisted blocks of langevinBlock walkers, and writes langevin.csv, langevin.png,
// wigner_langevin.png and the "langevin" summary.
func (r *runner) stageLangevin() error {
	lc := r.cfg.Langevin
	if r.sharded() && r.dependsOnRBM() {
		// A shard holds only some rbm runs; the walkers need them all, so they run in the merge.
		return nil
	}
	if lc.Level == "weights" {
		return r.stageLangevinWeights()
	}
	n := len(r.sys().Modes)
	newStepper := func(sys model.System) (langevin.Stepper, error) {
		if lc.Level == "matrix" {
			return langevin.NewMatrix(sys, lc.Alpha)
		}
		return langevin.NewEigen(sys, lc.Alpha)
	}
	step, err := newStepper(r.sys())
	if err != nil {
		return err
	}
	// A windowed drift table is piecewise constant in time: window w's stepper for the steps
	// from round(t0/alpha) to round(t1/alpha), the last window's (r.sys()) from its start on.
	wins, err := r.windowSystems()
	if err != nil {
		return err
	}
	var winSteppers []langevin.Stepper
	var winEnd []int // winEnd[w]: first step after window w
	for w, ws := range wins {
		st, err := newStepper(ws.sys)
		if err != nil {
			return fmt.Errorf("drift window %d: %v", w, err)
		}
		winSteppers = append(winSteppers, st)
		winEnd = append(winEnd, int(math.Round(ws.t1/lc.Alpha)))
	}
	// stepperAt returns the stepper for step s and the number of steps it stays in force
	// (from s on, at most limit).
	stepperAt := func(s, limit int) (langevin.Stepper, int) {
		for w := 0; w+1 < len(wins); w++ {
			if s < winEnd[w] {
				return winSteppers[w], min(limit, winEnd[w]-s)
			}
		}
		if wins != nil {
			return winSteppers[len(wins)-1], limit
		}
		return step, limit
	}
	init, note, err := r.langevinInit()
	if err != nil {
		return err
	}
	if err := r.writeShardConfig(); err != nil {
		return err
	}
	// Everything that determines a block of walkers: the resolved model mode by mode (drift
	// type and values, noise), the drift windows, the grid (walls, table domains, uniform
	// starts), the initial law and its data, the stage settings with the seed, and the snapshots.
	// The rbm ensemble enters only when the walkers use it (its drift table or its spectra),
	// and then as a whole: shards do not run such walkers.
	snaps := r.langevinSnapSteps()
	inputs := struct {
		Modes                                 []modeKey
		Coulomb                               bool
		Geometric                             bool        `json:",omitempty"`
		PCDNextOrder                          string      `json:",omitempty"` // the form of the next-order drift (nextOrderForm)
		Windows                               []tagWindow `json:",omitempty"`
		Model, Noise, Grid, Initial, Langevin any
		Block                                 int
		RBM                                   any    `json:",omitempty"`
		RBMRuns                               int    `json:",omitempty"`
		InitialSpectra                        string `json:",omitempty"`
		Snaps                                 []int  `json:",omitempty"`
	}{Modes: modeKeys(r.sys().Modes), Coulomb: r.sys().Coulomb, Geometric: r.sys().Geometric, PCDNextOrder: r.nextOrderForm(), Model: r.cfg.Model, Noise: r.cfg.Noise, Grid: r.cfg.Grid,
		Initial: r.cfg.Initial, Langevin: lc, Block: langevinBlock, Snaps: snaps}
	if r.dependsOnRBM() {
		inputs.RBM, inputs.RBMRuns = r.cfg.RBM, len(r.rbmInitial())
		if r.cfg.Initial != nil && r.cfg.Initial.Kind == "rbm" {
			inputs.InitialSpectra = floatsDigest(r.rbmInitial())
		}
	}
	for _, ws := range wins {
		inputs.Windows = append(inputs.Windows, tagWindow{Range: fmt.Sprint(ws.t0, ws.t1), Modes: modeKeys(ws.sys.Modes)}) // text: JSON has no +Inf
	}
	store, err := r.openStore("langevin", inputs)
	if err != nil {
		return err
	}
	all, err := r.langevinBlocks(store, step, n, init, stepperAt, snaps)
	if all == nil || err != nil {
		return err
	}
	return r.langevinOutputs(all, r.order(), r.keys(), note, nil)
}

// nextOrderForm names the form of the derived next-order drift that the walkers take ("" when
// none) for the Langevin key: walkers stored under another form (the first one, with the
// small-tilt limit, keyed true) are never reused for this one.
func (r *runner) nextOrderForm() string {
	if r.sys().Extra == nil {
		return ""
	}
	return "second order + tilt (MeanSin2)"
}

// langevinBlocks runs (or loads) this invocation's blocks of walkers, each walker's state of
// length dim, from init with the stepper that stepperAt gives for each step, recording the
// walkers at the ascending steps snaps, persisting every block in store. It returns the whole
// ensemble in walker order, or nil (and no error) in a shard, and puts the snapshots (per
// sorted mode) in r.res.langevin.
func (r *runner) langevinBlocks(store runstore.Store, step langevin.Stepper, dim int, init langevin.Init,
	stepperAt func(s, limit int) (langevin.Stepper, int), snaps []int) (*langevin.Ensemble, error) {
	lc := r.cfg.Langevin
	n := dim
	nblocks := (lc.Walkers + langevinBlock - 1) / langevinBlock
	members := make([]*langevinMember, nblocks)
	var todo []int
	for b := 0; b < nblocks; b++ {
		if !r.mine(b) {
			continue
		}
		m, ok, err := loadMember[langevinMember](r, store, b)
		if err != nil {
			return nil, err
		}
		if ok && len(m.X) == n*blockLen(b, lc.Walkers) && len(m.Snaps) == len(snaps)*len(m.X) {
			members[b] = &m
		} else {
			todo = append(todo, b)
		}
	}
	if err := r.mayCompute(store, todo); err != nil {
		return nil, err
	}
	chunk := max(1, (lc.Steps+19)/20)
	if len(todo) > 0 {
		label := "langevin"
		if r.setting != "" {
			label += " " + r.setting
		}
		r.prog.begin(label, float64(len(todo))*float64(lc.Steps))
		var done float64
		for _, b := range todo {
			if r.interrupted() {
				r.prog.end()
				return nil, errInterrupted
			}
			idx := make([]int, blockLen(b, lc.Walkers))
			for w := range idx {
				idx[w] = b*langevinBlock + w
			}
			ens, err := langevin.NewEnsemble(step, idx, lc.Seed, init)
			if err != nil {
				r.prog.end()
				return nil, err
			}
			var rec []float64
			next := 0 // the next snapshot
			for s := 0; s < lc.Steps; {
				limit := min(chunk, lc.Steps-s)
				if next < len(snaps) {
					limit = min(limit, snaps[next]-s)
				}
				st, k := stepperAt(s, limit)
				s += k
				if err := ens.AdvanceContext(r.context(), st, k, runtime.NumCPU()); err != nil {
					r.prog.end()
					if r.stopped(err) {
						return nil, errInterrupted // the block is not saved: rerun it
					}
					return nil, fmt.Errorf("block %d: %w", b, err)
				}
				if next < len(snaps) && s == snaps[next] {
					rec = append(rec, ens.X...)
					next++
				}
				done += float64(k)
				r.prog.update(done)
				if s < lc.Steps && r.interrupted() {
					r.prog.end()
					return nil, errInterrupted
				}
			}
			m := &langevinMember{X: ens.X, Counts: ens.Counts, Snaps: rec}
			if err := runstore.Save(store, b, *m); err != nil {
				r.prog.end()
				return nil, err
			}
			members[b] = m
		}
		r.prog.end()
	}
	r.storeDone(store, nblocks)
	if r.sharded() {
		return nil, nil
	}

	// The whole ensemble, in walker order.
	all := &langevin.Ensemble{N: n, Steps: lc.Steps}
	for b, m := range members {
		if m == nil {
			return nil, fmt.Errorf("walker block %d is missing", b)
		}
		all.X = append(all.X, m.X...)
		c := m.Counts
		all.Counts.Reflected += c.Reflected
		all.Counts.Rejected += c.Rejected
		all.Counts.Crossings += c.Crossings
		all.Counts.Ties += c.Ties
	}
	all.Index = langevin.Walkers(lc.Walkers)
	var ls []langevinSnap
	for j, st := range snaps {
		snap := langevin.Ensemble{N: n, Index: all.Index}
		for _, m := range members {
			l := len(m.X)
			snap.X = append(snap.X, m.Snaps[j*l:(j+1)*l]...)
		}
		cols := make([][]float64, n)
		for k := range cols {
			cols[k] = snap.Mode(k, nil)
		}
		ls = append(ls, langevinSnap{t: float64(st) * lc.Alpha, cols: cols})
	}
	r.res.langevin = &langevinResult{snaps: ls}
	return all, nil
}

// langevinResult is the [langevin] stage's result: the walkers per sorted mode at the last step
// and at the snapshots, and the degenerate pairs' <S>.
type langevinResult struct {
	cols  [][]float64 // cols[k]: sorted mode k of every walker at the last step
	snaps []langevinSnap
	pairs []langPair
}

// langevinSnap is the walkers' positions per sorted mode at time t.
type langevinSnap struct {
	t    float64
	cols [][]float64
}

// langevinOutputs writes langevin.csv, the plots and the "langevin" summary for the final
// ensemble all (N sorted modes per walker), with order[k] the config index of sorted mode k,
// keys the pairing keys in sorted order, and extra entries for the summary.
func (r *runner) langevinOutputs(all *langevin.Ensemble, order []int, keys []float64, note string, extra func(*langevinSummary)) error {
	lc := r.cfg.Langevin
	n := all.N
	cols := make([][]float64, n)
	for k := range cols {
		cols[k] = all.Mode(k, nil)
	}
	res := r.res.langevin
	if res == nil {
		res = &langevinResult{}
		r.res.langevin = res
	}
	res.cols = cols

	kind := "default"
	if r.cfg.Initial != nil {
		kind = r.cfg.Initial.Kind
	}
	sum := &langevinSummary{Modes: make([]momentsOut, n), Pairs: []pairOut{}, Walkers: lc.Walkers, Steps: lc.Steps,
		Alpha: jnum(lc.Alpha), Batch: lc.Batch, Level: lc.Level, T: jnum(float64(lc.Steps) * lc.Alpha), Initial: kind,
		Counts: langevinCounts{Reflected: all.Counts.Reflected, Rejected: all.Counts.Rejected,
			Crossings: all.Counts.Crossings, Ties: all.Counts.Ties}, Note: note}
	if _, ok := r.cfg.PCDNoise(); ok {
		sum.Noise = "pcd, leading order"
		if r.sys().Extra != nil {
			sum.Noise = "pcd, next order"
		}
	}
	for k := 0; k < n; k++ {
		sum.Modes[order[k]] = moments(rmt.SampleMoments(cols[k]))
	}
	var spacingPanels []plots.Panel
	var pairLines []string
	for _, p := range all.Pairs(keys) {
		a, b := p.Modes[0], p.Modes[1]
		i, j := order[a], order[b]
		s := make([]float64, lc.Walkers)
		for w := range s {
			s[w] = math.Abs(cols[a][w] - cols[b][w])
		}
		se := rmt.StdErr(s)
		sum.Pairs = append(sum.Pairs, pairOut{Modes: [2]int{min(i, j), max(i, j)}, Kappa: jnum(keys[a]),
			MeanSpacing: jnum(p.MeanSpacing), MeanSpacingErr: jnumPtr(se), Var: jnum(p.Pooled.Var), Binder: jnum(p.Pooled.Binder)})
		res.pairs = append(res.pairs, langPair{kappa: keys[a], meanS: p.MeanSpacing, err: se})
		pairLines = append(pairLines, fmt.Sprintf("  pair %v (kappa %.4g): <S> = %.4g, pooled var %.4g, binder %.3g", []int{min(i, j), max(i, j)}, keys[a], p.MeanSpacing, p.Pooled.Var, p.Pooled.Binder))
		spacingPanels = append(spacingPanels, spacingPanel(fmt.Sprintf("Langevin pair %v, kappa = %.4g", []int{min(i, j), max(i, j)}, keys[a]), "Langevin", s))
	}
	if extra != nil {
		extra(sum)
	}
	var osc []int
	var oscAO []float64
	if r.weightsLevel() {
		if rm, err := r.newRBMMatrix(); err == nil && lc.Alpha*rm.StabilityRate() > langevin.OscillationLimit {
			osc, oscAO = []int{-1}, []float64{lc.Alpha * rm.StabilityRate()}
		}
	} else {
		o, ao := langevin.Oscillating(r.sys(), lc.Alpha)
		for j, k := range o {
			osc, oscAO = append(osc, r.order()[k]), append(oscAO, ao[j])
		}
	}
	warns, err := langevinWarnings(all.Counts, float64(lc.Walkers)*float64(lc.Steps)*float64(n), lc.Alpha, osc, oscAO)
	if err != nil {
		return err
	}
	for _, w := range warns {
		r.warn("%s", w)
	}
	sum.Warnings = warns
	r.sum.Langevin = sum
	r.say("langevin: %d walkers x %d steps (alpha %g, %s level), t = %g; reflected %d, rejected %d, crossings %d",
		lc.Walkers, lc.Steps, lc.Alpha, lc.Level, float64(lc.Steps)*lc.Alpha, all.Counts.Reflected, all.Counts.Rejected, all.Counts.Crossings)
	r.lines = append(r.lines, pairLines...)
	if note != "" {
		r.say("  note: %s", note)
	}

	// Histograms per mode (config order) on the grid range, or the walkers' range.
	var lo, hi float64
	if r.cfg.Grid != nil && lc.Level != "weights" { // weights: the grid is the model's, not the RBM's
		lo, hi = r.cfg.GridRange()
	} else {
		lo, hi = minMax(all.X)
		pad := 0.02 * (hi - lo)
		lo, hi = lo-pad, hi+pad
	}
	hists := make([]*rmt.Histogram, n)
	for k := range hists {
		hists[k] = rmt.NewHistogram(lo, hi, langevinBins)
		hists[k].Fill(cols[k])
	}
	byConfig := make([]int, n)
	for k, i := range order {
		byConfig[i] = k
	}
	err = output.WriteFile(filepath.Join(r.out, "langevin.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, "mode", "x", "density")
		for i := 0; i < n; i++ {
			h := hists[byConfig[i]]
			d := h.Density()
			for b, x := range h.Centers() {
				c.Row(float64(i), x, d[b])
			}
		}
		return c.Err()
	})
	if err != nil {
		return err
	}
	if !r.cfg.PlotsEnabled() {
		return nil
	}
	var ser []plots.Series
	fp := r.res.time
	for k := 0; k < n; k++ {
		col := plots.Palette[order[k]%len(plots.Palette)]
		ser = append(ser, plots.Series{Name: fmt.Sprintf("mode %d", order[k]), X: hists[k].Centers(), Y: hists[k].Density(), Kind: plots.Steps, Color: col})
		if fp != nil && len(fp.p) > 0 && len(fp.p[len(fp.p)-1]) == n {
			ser = append(ser, plots.Series{X: fp.plotX(), Y: fp.plotY(fp.p[len(fp.p)-1][k]), Dashed: true, Color: col})
		}
	}
	title := fmt.Sprintf("Langevin, %d steps, t = %g", lc.Steps, float64(lc.Steps)*lc.Alpha)
	if fp != nil {
		title = fmt.Sprintf("Langevin at t = %g (dashed: Fokker-Planck)", float64(lc.Steps)*lc.Alpha)
	}
	if err := plots.Write(filepath.Join(r.out, "langevin.png"), 1,
		plots.Panel{Title: title, XLabel: "x", YLabel: "density", Series: ser, Legend: n <= 10}); err != nil {
		return err
	}
	if len(spacingPanels) > 0 {
		return plots.Write(filepath.Join(r.out, "wigner_langevin.png"), 2, spacingPanels...)
	}
	return nil
}

// tagWindow is one drift window in the Langevin blocks' key: its time range and model.
type tagWindow struct {
	Range string
	Modes []modeKey
}

func blockLen(b, walkers int) int { return min(langevinBlock, walkers-b*langevinBlock) }

// langevinInit returns the initial law of the walkers (values in the sorted mode order of r.sys())
// from [initial], and a note for the summary.
func (r *runner) langevinInit() (langevin.Init, string, error) {
	in := r.cfg.Initial
	n := len(r.sys().Modes)
	if in == nil {
		return langevin.StableInit(r.sys()), "", nil
	}
	switch in.Kind {
	case "gaussian":
		mean, sd := make([]float64, n), make([]float64, n)
		for k, i := range r.order() {
			mean[k], sd[k] = in.Mean[i], math.Sqrt(in.Var[i])
		}
		return langevin.GaussianInit(mean, sd), "", nil
	case "uniform":
		lo, hi := r.cfg.GridRange()
		for _, m := range r.sys().Modes {
			a, b := m.Drift.Domain()
			lo, hi = math.Max(lo, a), math.Min(hi, b)
		}
		if !(lo < hi) || math.IsInf(hi-lo, 0) {
			return nil, "", fmt.Errorf("initial.kind = \"uniform\": no finite range common to all modes")
		}
		return func(rng *rand.Rand, _ int) []float64 {
			x := make([]float64, n)
			for k := range x {
				x[k] = lo + (hi-lo)*rng.Float64()
			}
			return x
		}, "", nil
	case "stationary":
		return langevin.StableInit(r.sys()), "initial.kind = \"stationary\": walkers start at the stable points; the run must be long enough to equilibrate", nil
	case "marchenko-pastur":
		cols := int(math.Round(in.Ratio * float64(in.Rows)))
		if cols != n {
			return nil, "", fmt.Errorf("initial: marchenko-pastur with rows = %d and ratio = %g gives %d eigenvalues, the model has %d modes", in.Rows, in.Ratio, cols, n)
		}
		rows, sd := in.Rows, math.Sqrt(in.WeightVar)
		return func(rng *rand.Rand, _ int) []float64 {
			w := mat.NewDense(rows, cols, nil)
			for i := 0; i < rows; i++ {
				for j := 0; j < cols; j++ {
					w.Set(i, j, sd*rng.NormFloat64())
				}
			}
			x := mat.NewSymDense(cols, nil)
			x.SymOuterK(1, w.T())
			var es mat.EigenSym
			es.Factorize(x, false)
			return es.Values(nil)
		}, "", nil
	case "rbm":
		if len(r.rbmInitial()) == 0 {
			return nil, "", fmt.Errorf("initial.kind = \"rbm\": the rbm stage recorded no spectra")
		}
		if len(r.rbmInitial()[0]) != n {
			return nil, "", fmt.Errorf("initial.kind = \"rbm\": the rbm spectra have %d eigenvalues, the model has %d modes", len(r.rbmInitial()[0]), n)
		}
		rows := r.rbmInitial()
		return func(_ *rand.Rand, w int) []float64 {
			return append([]float64(nil), rows[w%len(rows)]...)
		}, "", nil
	}
	return nil, "", fmt.Errorf("initial.kind %q", in.Kind)
}

// stageLangevinWeights is the [langevin] stage at level = "weights": the idealised RBM
// (langevin.RBMMatrix) with the [rbm] parameters and noise variance weight_var per weight and
// unit t. The walkers' state is W; after the last step each walker's W becomes the ascending
// eigenvalues of W^T W, the RBM's modes, paired by their target kappa. It needs neither
// [model] nor [noise].
func (r *runner) stageLangevinWeights() error {
	lc, rc := r.cfg.Langevin, r.cfg.RBM
	rm, err := r.newRBMMatrix()
	if err != nil {
		return err
	}
	init, note, kind := rm.Init(), "", "default"
	if in := r.cfg.Initial; in != nil {
		if in.Kind != "stationary" {
			return fmt.Errorf("initial.kind %q is not available with level = \"weights\" (use \"stationary\" or omit [initial])", in.Kind)
		}
		init, kind = rm.LearnedInit(), in.Kind
		note = "initial.kind = \"stationary\": every walker starts at the learned W (eigenvalues at the fixed points); the run must be long enough to equilibrate"
	}
	if err := r.writeShardConfig(); err != nil {
		return err
	}
	inputs := struct {
		Level     string
		WeightVar float64
		Initial   string
		Langevin  any
		RBM       any
		Block     int
	}{lc.Level, lc.WeightVar, kind, lc, rc, langevinBlock}
	store, err := r.openStore("langevin", inputs)
	if err != nil {
		return err
	}
	whole := func(_, limit int) (langevin.Stepper, int) { return rm, limit }
	all, err := r.langevinBlocks(store, rm, rm.Dim(), init, whole, nil)
	if all == nil || err != nil {
		return err
	}
	spec := rm.Spectra(all)
	order := make([]int, spec.N)
	for k := range order {
		order[k] = k
	}
	extra := func(s *langevinSummary) { s.WeightVar, s.Fixed = jnum(lc.WeightVar), jnums(rm.Fixed()) }
	return r.langevinOutputs(spec, order, rm.Kappas(), note, extra)
}

// The checks of a [langevin] run (README "How it is checked"):
//
//   - Up front, the step: a mode with alpha * Omega >= 2 (Omega = -K'(x*), the curvature at its
//     stable point; langevin.CheckStep, docs/REFERENCES.md R9) is refused before any stage writes
//     output (langevinPreflight). With drift = "table" and [rbm] the table exists only after
//     training, so the refusal comes from the model stage, after the rbm stage's outputs and
//     before those of [time] and [langevin]. level = "weights" checks the weight-level step
//     (langevin.RBMMatrix.StabilityRate).
//   - During the run, the growth: a walker beyond its divergence bound stops the run
//     (langevin.Counts.Diverged).
//   - After the run, the walls: see langevinWarnings.
const (
	// rejectWarn and rejectStop are the fractions of mode moves rejected at the walls above
	// which a [langevin] run warns, and stops with an error: a rejected move keeps the old value,
	// so beyond a few percent the density piles up at the walls by the rule, not the drift, and
	// beyond half the walkers mostly stand still.
	rejectWarn, rejectStop = 0.01, 0.5
	// reflectWarn is the fraction of mode moves reflected at a wall above which the run warns:
	// reflection is exact for a wall of the model, but so many mean the walls shape the result.
	reflectWarn = 0.1
	// crossWarn is the fraction of mode moves that crossed a neighbour (and were reflected back
	// across x_i = x_j) above which the run warns: a crossing means one step moved a mode by more
	// than its spacing, so the step does not resolve the Coulomb repulsion g^2/(x_j - x_i) and
	// the spacing statistics are set by the reflection, not by the gas. Measured: the two-mode
	// Wigner config (testdata/wigner_two_modes.toml, alpha g^2/S^2 about 0.005) crosses on
	// 0.07% of moves and reproduces the surmise; the teacher-student pair at alpha = 0.5,
	// |B| = 16, eps = 0.1 crosses on 7% and its <S> is 12% low (the matrix level: none, exact).
	crossWarn = 0.01
)

// langevinPreflight checks the [langevin] step against the model before any stage runs (see the
// checks above), where the model does not come from the rbm stage.
func (r *runner) langevinPreflight() error {
	lc := r.cfg.Langevin
	if lc == nil || !langevinStage.enabled(r) {
		return nil
	}
	if r.weightsLevel() {
		_, err := r.newRBMMatrix()
		return err
	}
	if r.cfg.Model == nil || r.cfg.Model.Drift == "table" && r.cfg.RBM != nil || !r.needsModel() {
		return nil
	}
	// The model stage builds the model again and reports its errors in its own name.
	if err := r.buildSystem(); err != nil {
		r.res.model = nil
		return nil
	}
	return r.langevinStepCheck()
}

// langevinStepCheck refuses a [langevin] step that is unstable for the model just built (and its
// drift windows), naming the mode and alpha * Omega.
func (r *runner) langevinStepCheck() error {
	lc := r.cfg.Langevin
	if lc == nil || r.weightsLevel() || !langevinStage.enabled(r) {
		return nil
	}
	if err := langevin.CheckStep(r.sys(), lc.Alpha); err != nil {
		return fmt.Errorf("[langevin] alpha = %g is unstable for the model (nothing run): %v", lc.Alpha, err)
	}
	wins, err := r.windowSystems()
	if err != nil {
		return err
	}
	for w, ws := range wins {
		if err := langevin.CheckStep(ws.sys, lc.Alpha); err != nil {
			return fmt.Errorf("[langevin] alpha = %g is unstable for drift window %d (t in [%g, %g]): %v", lc.Alpha, w, ws.t0, ws.t1, err)
		}
	}
	return nil
}

// newRBMMatrix returns the level = "weights" walkers' integrator.
func (r *runner) newRBMMatrix() (*langevin.RBMMatrix, error) {
	lc, rc := r.cfg.Langevin, r.cfg.RBM
	return langevin.NewRBMMatrix(langevin.RBMParams{Visible: rc.Visible, Hidden: rc.Hidden, TargetM2: rc.TargetM2,
		Mu2: rc.Mu2, SigmaH: rc.SigmaH, NoiseVar: lc.WeightVar, InitSigma: rc.InitSigma}, lc.Alpha)
}

// langevinWarnings returns the warnings of a finished run with counts c over moves mode moves
// (walkers x steps x modes), and an error if it must stop: rejected moves above rejectWarn warn
// and above rejectStop stop, reflected moves above reflectWarn warn, and a step with
// alpha * Omega above 1 (oscillating; the finite-step factor 1/(1 - alpha Omega/2) of R9
// exceeds 2) warns, naming the modes (oscillating: config mode index and alpha * Omega; -1 for
// the weight level's step).
func langevinWarnings(c langevin.Counts, moves float64, alpha float64, oscModes []int, oscAO []float64) ([]string, error) {
	var w []string
	if moves > 0 {
		rej, refl := float64(c.Rejected)/moves, float64(c.Reflected)/moves
		if rej > rejectStop {
			return nil, fmt.Errorf("%.3g%% of the mode moves (%d of %.0f) were rejected at the walls (limit %g%%): the walkers stand at the domain's walls; likely cause: alpha = %g too large for the drift near the walls, or noise too strong for the step",
				100*rej, c.Rejected, moves, 100*rejectStop, alpha)
		}
		if rej > rejectWarn {
			w = append(w, fmt.Sprintf("langevin: %.3g%% of the mode moves (%d) were rejected at the walls (above %g%%): the density near the walls is shaped by the rejections; likely cause: alpha = %g too large near the walls, or noise too strong for the step",
				100*rej, c.Rejected, 100*rejectWarn, alpha))
		}
		if refl > reflectWarn {
			w = append(w, fmt.Sprintf("langevin: %.3g%% of the mode moves (%d) were reflected at the walls (above %g%%): the walls shape the result", 100*refl, c.Reflected, 100*reflectWarn))
		}
		if cr := float64(c.Crossings) / moves; cr > crossWarn {
			w = append(w, fmt.Sprintf("langevin: %.3g%% of the mode moves (%d) crossed a neighbouring mode (above %g%%): the step alpha = %g does not resolve the Coulomb repulsion and the spacings are shaped by the reflections; use a smaller alpha or level = \"matrix\"",
				100*cr, c.Crossings, 100*crossWarn, alpha))
		}
	}
	for k, i := range oscModes {
		what := fmt.Sprintf("mode %d", i)
		if i < 0 {
			what = "the weight-level step"
		}
		w = append(w, fmt.Sprintf("langevin: %s: alpha * Omega = %.3g is above %d: the step overshoots the stable point and the finite-step factor 1/(1 - alpha Omega/2) = %.3g of the variance (R9) is large",
			what, oscAO[k], langevin.OscillationLimit, 1/(1-oscAO[k]/2)))
	}
	return w, nil
}
