package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"fpsolve/ensemble"
	"fpsolve/internal/plots"
	"fpsolve/rbmdrift"
	"fpsolve/rmt"
)

// ensembleStage analyses the trained ensembles of [ensemble] (spectra tables read when the
// config was validated): per file ensemble_spectra.csv (ensemble_spectra_<k>.csv with several
// files), ensemble.png and wigner_ensemble.png (ensemble_<k>.png, wigner_ensemble_<k>.png) and
// an entry of the "ensemble" summary.
var ensembleStage = stage{
	name:    "ensemble",
	enabled: func(r *runner) bool { return r.cfg.Ensemble != nil },
	run:     func(_ context.Context, r *runner) error { return r.stageEnsemble() },
}

// ensembleSummary is the "ensemble" section of summary.json.
type ensembleSummary struct {
	Files []ensembleFileOut `json:"files"`
}

type ensembleFileOut struct {
	File        string          `json:"file"`
	Settings    ensembleSetting `json:"settings"`
	Runs        int             `json:"runs"`
	Snapshots   int             `json:"snapshots"`
	TargetsFrom string          `json:"targets_from"` // "config" or "data" (the rule of the README)
	Modes       []teacherMode   `json:"modes"`
	Pairs       []teacherPair   `json:"pairs"`
	// DriftSnapshotPairs counts the consecutive snapshots one step apart that gave the
	// Kramers-Moyal tables (ensemble_drift.csv); 0: no table.
	DriftSnapshotPairs int `json:"drift_snapshot_pairs"`
}

// ensembleDriftBins is the number of equal bins per mode of an [ensemble] drift table, over
// the range of the values that start an increment.
const ensembleDriftBins = 60

type ensembleSetting struct {
	Alpha jnum `json:"alpha"`
	Batch int  `json:"batch"`
	Noise jnum `json:"noise"` // 0: none given
}

func (r *runner) stageEnsemble() error {
	files := r.cfg.EnsembleFiles()
	sum := &ensembleSummary{Files: []ensembleFileOut{}}
	for k, f := range files {
		rec := f.Recorded
		n := len(rec.Spectra[0][0])
		e := &ensemble.Trained{Source: f.Path, Alpha: f.Alpha, Batch: f.Batch,
			Runs: rec.Runs, Steps: rec.Steps, Spectra: rec.Spectra, Targets: f.Targets, Fixed: make([]float64, n)}
		for i := range e.Fixed {
			e.Fixed[i] = math.NaN()
		}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		suffix := ""
		if len(files) > 1 {
			suffix = fmt.Sprintf("_%d", k)
		}
		if err := writeSpectra(filepath.Join(r.out, "ensemble_spectra"+suffix+".csv"), e); err != nil {
			return err
		}
		// Kramers-Moyal tables from the snapshots one step apart (none: no table).
		acc, used := rbmdrift.SnapshotDrift(e.Spectra, e.Steps, e.Alpha, ensembleDriftBins)
		if acc != nil {
			e.Drift = acc.TimeTables(e.Alpha, e.Steps[len(e.Steps)-1]+1)
			if err := writeDriftTables(filepath.Join(r.out, "ensemble_drift"+suffix+".csv"), e.Drift); err != nil {
				return err
			}
		}
		last := len(e.Steps) - 1
		out := ensembleFileOut{File: f.Path, Settings: ensembleSetting{Alpha: jnum(e.Alpha), Batch: e.Batch, Noise: jnum(f.Noise)}, Runs: e.Members(),
			Snapshots: len(e.Steps), TargetsFrom: "config", Modes: make([]teacherMode, n), Pairs: []teacherPair{}}
		if f.Derived {
			out.TargetsFrom = "data"
		}
		for i := range out.Modes {
			m := rmt.SampleMoments(e.Column(last, i))
			out.Modes[i] = teacherMode{Mean: jnum(m.Mean), Var: jnum(m.Var), Target: jnum(e.Targets[i])}
		}
		pairs := e.FinalPairs()
		from := f.Path
		if len(f.Files) > 1 {
			from = fmt.Sprintf("%s and %d more files (one per run)", f.Path, len(f.Files)-1)
		}
		r.say("ensemble %s: %d runs x %d snapshots of %d modes (steps %d..%d), alpha %g, batch %d, targets from the %s", from, e.Members(), len(e.Steps), n,
			e.Steps[0], e.Steps[last], e.Alpha, e.Batch, out.TargetsFrom)
		for _, p := range pairs {
			out.Pairs = append(out.Pairs, teacherPair{Modes: p.Modes, MeanSpacing: jnum(p.MeanSpacing), MeanSpacingErr: jnum(p.MeanSpacingErr),
				Var: jnum(p.Pooled.Var), Binder: jnum(p.Pooled.Binder)})
			r.say("  pair %v (target %.4g): <S> = %.4g +- %.2g, pooled var %.4g, Binder %.3f (Coulomb gas -0.148)",
				p.Modes, p.Target, p.MeanSpacing, p.MeanSpacingErr, p.Pooled.Var, p.Pooled.Binder)
		}
		out.DriftSnapshotPairs = used
		if used > 0 {
			r.say("  drift: Kramers-Moyal tables from %d pairs of snapshots one step apart (%d increments per mode)", used, used*e.Members())
		}
		sum.Files = append(sum.Files, out)
		if r.cfg.PlotsEnabled() {
			// The matrix shape behind a spectra table is unknown: no Marchenko-Pastur law over step 0.
			panels := spectraPanels(e, "ensemble", "recorded spectrum", nil)
			if err := plots.Write(filepath.Join(r.out, "ensemble"+suffix+".png"), 2, panels...); err != nil {
				return err
			}
			if err := plotPairs(pairs, "ensemble", "target", filepath.Join(r.out, "wigner_ensemble"+suffix+".png")); err != nil {
				return err
			}
		}
	}
	r.sum.Ensemble = sum
	return nil
}
