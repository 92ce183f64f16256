package main

import (
	"context"
	"fmt"

	"fpsolve/fokkerplanck"
	"fpsolve/internal/config"
	"fpsolve/rbmdrift"
)

// resolutionSummary is summary.json's "resolution": what was chosen from the data for the keys
// the config leaves out, and from what.
type resolutionSummary struct {
	Source       string  `json:"source"` // what the choice looked at
	XMin         float64 `json:"x_min"`  // the smallest step-0 eigenvalue
	Rate         float64 `json:"rate"`   // the fastest relative step-0 drift, per unit t
	LogBins      *int    `json:"log_bins,omitempty"`
	LogFloor     float64 `json:"log_floor,omitempty"`
	DriftWindows *int    `json:"drift_windows,omitempty"`
	WindowsCap   string  `json:"drift_windows_capped_by,omitempty"`
	WallCell     float64 `json:"wall_cell,omitempty"`
	Points       int     `json:"points,omitempty"` // grid cells in all, with the wall ramp
	Note         string  `json:"note"`
}

// autoResolution chooses, for a config that compares theory driven by the measured drift table
// with its own [rbm] ensemble ([model] drift = "table", [rbm] without [sweep]), the resolution
// keys it leaves out, from the ensemble's step-0 spectra (rbmdrift.ChooseResolution, whose doc
// states the rule): log bins below the first equal drift bin (log_bins, log_floor; only when
// none of bins, log_bins and log_floor is given), drift_windows, and for [initial] kind = "rbm" without Coulomb a grid graded
// from the wall (grid.wall_cell, with the ramp's cells added to grid.points). Keys that are
// given are kept. It changes cfg, checks it again, and returns one line per choice for stderr and
// the summary entry (nil lines and summary when there was nothing to choose).
func autoResolution(ctx context.Context, cfg *config.Config) ([]string, *resolutionSummary, error) {
	if cfg.RBM == nil || cfg.Sweep != nil || cfg.Model == nil || cfg.Model.Drift != "table" || cfg.RBM.MeasureEvery == 0 {
		return nil, nil, nil
	}
	rc := &cfg.RBM.Config
	wantBins := !cfg.IsDefined("rbm", "bins") && !cfg.IsDefined("rbm", "log_bins") && !cfg.IsDefined("rbm", "log_floor")
	wantWindows := !cfg.IsDefined("rbm", "drift_windows")
	wantGrid := cfg.Initial != nil && cfg.Initial.Kind == "rbm" && cfg.Grid != nil && !cfg.IsDefined("grid", "wall_cell") && !cfg.CoulombEnabled()
	if !wantBins && !wantWindows && !wantGrid {
		return nil, nil, nil
	}
	res, err := rbmdrift.ChooseResolution(ctx, *rc, rbmdrift.Limits{Runs: cfg.RBM.Runs, MaxBytes: config.MaxBytes})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: [rbm]: choosing the resolution from the step-0 spectra: %v", cfg.Path, err)
	}
	sum := &resolutionSummary{Source: fmt.Sprintf("step-0 spectra and exact-gradient drift of %d runs", min(max(cfg.RBM.Runs, 1), 1000)),
		XMin: res.XMin, Rate: res.Rate,
		Note: "chosen for the keys the config leaves out (rbmdrift.ChooseResolution); give a key to override"}
	var lines []string
	say := func(format string, a ...any) { lines = append(lines, "resolution: "+fmt.Sprintf(format, a...)) }
	if wantBins && res.LogBins > 0 {
		rc.LogBins, rc.LogFloor = res.LogBins, res.LogFloor
		sum.LogBins, sum.LogFloor = &res.LogBins, res.LogFloor
		say("rbm.log_bins = %d from rbm.log_floor = %g (5 per decade up to the first equal bin): the smallest step-0 eigenvalue is %.3g", res.LogBins, res.LogFloor, res.XMin)
	}
	if wantWindows {
		rc.DriftWindows = res.DriftWindows
		sum.DriftWindows, sum.WindowsCap = &res.DriftWindows, res.Capped
		msg := fmt.Sprintf("rbm.drift_windows = %d (%d updates each): the fastest step-0 drift changes an eigenvalue at the relative rate %.3g per unit t", res.DriftWindows, rc.Steps/res.DriftWindows, res.Rate)
		if res.Capped != "" {
			msg += fmt.Sprintf("; %d windows would be as short as that time, capped by %s", res.Uncapped, res.Capped)
		}
		say("%s", msg)
	}
	if wantGrid {
		lo, hi := cfg.GridRange()
		ratio := cfg.Grid.WallRatio
		if !cfg.IsDefined("grid", "wall_ratio") {
			ratio = config.DefaultWallRatio
		}
		h := (hi - lo) / float64(cfg.Grid.Points)
		// The first cell a fraction of the smallest eigenvalue, so that the cells there already
		// grow geometrically (width (ratio - 1) x): relative resolution ratio - 1 down to x_min.
		if h0 := (ratio - 1) * (res.XMin - lo) / 2; lo == 0 && h0 > 0 && h0 < h/10 {
			ramp := fokkerplanck.RampCells(h, h0, ratio)
			cfg.Grid.WallCell, cfg.Grid.WallRatio = h0, ratio
			cfg.Grid.Points += ramp
			sum.WallCell, sum.Points = h0, cfg.Grid.Points
			say("grid.wall_cell = %.3g, cells %g times wider each up to the equal width %.3g: %d ramp cells added to grid.points, %d in all", h0, ratio, h, ramp, cfg.Grid.Points)
		}
	}
	if err := cfg.Revalidate(); err != nil {
		return nil, nil, fmt.Errorf("the resolution chosen from the step-0 spectra: %v", err)
	}
	if lines == nil {
		return nil, nil, nil
	}
	return lines, sum, nil
}
