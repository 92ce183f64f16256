package config

import (
	"fmt"
	"math"
	"strings"

	"fpsolve/model"
)

// Per-unit costs of the run-time estimate, one core, from benchmarks/results.txt (see
// benchmarks/README.md): an rbm PCD update at N_v = N_h = 10, |B| = 16, k = 3 (2.85e5 updates/s
// direct, 1.03e5 gibbs), a Langevin mode-update of the 10-mode eigenvalue system (5.57e7 per
// core), a 10 x 10 matrix-level walker step (2.38e5 per second), a TR-BDF2 Fokker-Planck step per
// cell (about 20 ns).
const (
	secRBMUpdateDirect = 1 / 2.85e5
	secRBMUpdateGibbs  = 1 / 1.03e5
	secModeUpdate      = 1 / 5.57e7
	secMatrixStep      = 1 / 2.38e5
	secCellStep        = 20e-9
	// rbmCostExponent is the growth of an rbm update's cost with N_v: cost ~ N_v^p, the suite's
	// cost-scaling row (p = 1.77-1.86 in the runs behind results.txt).
	rbmCostExponent = 1.8
	// secRBMMeasure is the drift measurement's cost per measured update at N = 10 (TrainRun at
	// measure_every = 1 against 0: 2.4-4.6 us in those runs), growing as N_v^rbmMeasureExponent
	// (about 335 us at N = 64: 6.4^2.4 = 86 times).
	secRBMMeasure      = 4e-6
	rbmMeasureExponent = 2.4
	// secTeacherUpdate is a teacher-student update at N = 2, |B| = 16 (teacher's
	// BenchmarkTrainRun: 135-140 ns); it is scaled by (N/2)^2 (the suite's teacher rows: 2.7 us
	// at N = 10, 20 times N = 2's, where (N/2)^2 gives 25).
	secTeacherUpdate = 140e-9
)

// MaxWork is the most work units (rbm: runs x steps x (N_v/10)^1.8; langevin: walkers x steps x
// modes; time: cells x steps) that one stage may plan: more is refused as absurd (1e15 units is
// years at the rates above).
const MaxWork = 1e15

// StageTime is one stage's share of the run-time estimate.
type StageTime struct {
	Stage   string
	Seconds float64
}

// work is one stage's planned work: its units, the key that sets them, and its seconds on the
// given number of cores.
type work struct {
	stage   string
	key     string
	units   float64
	seconds float64
}

func (c *Config) works(cores int) []work {
	cores = max(cores, 1)
	var out []work
	if r := c.RBM; r != nil {
		settings := 1.0
		if s := c.Sweep; s != nil {
			settings = float64(max(len(s.Alpha), 1) * max(len(s.Batch), 1))
		}
		updates := settings * float64(r.Runs) * float64(r.Steps)
		units := updates * math.Max(math.Pow(float64(r.Visible)/10, rbmCostExponent), 0.05)
		sec := secRBMUpdateDirect
		if r.Sampler == "gibbs" {
			sec = secRBMUpdateGibbs
		}
		seconds := units * sec
		if r.MeasureEvery > 0 {
			seconds += updates / float64(r.MeasureEvery) * secRBMMeasure *
				math.Max(math.Pow(float64(r.Visible)/10, rbmMeasureExponent), 0.05)
		}
		key := "rbm.runs"
		if r.Steps > r.Runs {
			key = "rbm.steps"
		}
		out = append(out, work{"rbm", key, units, seconds / float64(min(cores, max(r.Runs, 1)))})
	}
	if t := c.Teacher; t != nil {
		settings := 1.0
		if s := c.Sweep; s != nil {
			settings = float64(max(len(s.Alpha), 1) * max(len(s.Batch), 1) * max(len(s.Noise), 1))
		}
		units := settings * float64(t.Runs) * float64(t.TotalSteps()) * math.Pow(float64(t.Size)/2, 2)
		key := "teacher.runs"
		if t.TotalSteps() > t.Runs {
			key = "teacher.steps"
		}
		out = append(out, work{"teacher", key, units, units * secTeacherUpdate / float64(min(cores, max(t.Runs, 1)))})
	}
	if l := c.Langevin; l != nil {
		n := float64(max(c.Modes(), 1))
		per := secModeUpdate * n * math.Max(1, n/10) // the Coulomb pairs grow as n^2
		switch {
		case l.Level == "matrix":
			per = secMatrixStep * math.Max(math.Pow(n/10, 3), 0.01)
		case l.Level == "weights" && c.RBM != nil:
			n = float64(c.RBM.Hidden)
			per = secMatrixStep * math.Max(math.Pow(float64(c.RBM.Visible)/10, 2)*n/10, 0.01)
		}
		units := float64(l.Walkers) * float64(l.Steps) * n
		key := "langevin.walkers"
		if l.Steps > l.Walkers {
			key = "langevin.steps"
		}
		out = append(out, work{"langevin", key, units, float64(l.Walkers) * float64(l.Steps) * per / float64(cores)})
	}
	if t := c.Time; t != nil && c.Grid != nil && c.Model != nil {
		cells := 0.0
		p := float64(c.Grid.Points)
		if c.CoulombEnabled() {
			for _, g := range model.Groups(c.Keys()) {
				d := float64(len(g))
				cells += math.Pow(p, d) / math.Gamma(d+1) // the ordered chamber
			}
		} else {
			cells = p * float64(c.Modes())
		}
		units := cells * (t.TEnd / t.Dt) // adaptive: an upper bound (dt is the first step)
		out = append(out, work{"time", "time.dt", units, units * secCellStep})
	}
	return out
}

// EstimateSeconds returns the estimated wall time of the run on the given number of cores and
// each stage's share (rbm with its sweep settings, langevin, time; [spectrum] is not counted).
// It is an estimate from the benchmarks' per-unit costs, good to a factor of a few.
func (c *Config) EstimateSeconds(cores int) (total float64, parts []StageTime) {
	for _, w := range c.works(cores) {
		total += w.seconds
		parts = append(parts, StageTime{w.stage, w.seconds})
	}
	return total, parts
}

// EstimateLine is the line the command prints before a run estimated to take longer than
// minSeconds ("" for a shorter one), e.g. "estimated run time about 3.2 h (rbm 3 h, langevin
// 0.2 h)".
func (c *Config) EstimateLine(cores int, minSeconds float64) string {
	total, parts := c.EstimateSeconds(cores)
	if total <= minSeconds {
		return ""
	}
	var each []string
	for _, p := range parts {
		each = append(each, p.Stage+" "+humanSeconds(p.Seconds))
	}
	return fmt.Sprintf("estimated run time about %s (%s)", humanSeconds(total), strings.Join(each, ", "))
}

func humanSeconds(s float64) string {
	f := func(v float64, unit string) string {
		if v >= 100 {
			return fmt.Sprintf("%.0f %s", v, unit)
		}
		return fmt.Sprintf("%.2g %s", v, unit)
	}
	switch {
	case s >= 86400:
		return f(s/86400, "d")
	case s >= 3600:
		return f(s/3600, "h")
	case s >= 60:
		return f(s/60, "min")
	}
	return f(s, "s")
}

// checkWork refuses a stage whose planned work exceeds MaxWork.
func (c *Config) checkWork() error {
	for _, w := range c.works(1) {
		if !(w.units <= MaxWork) {
			return c.errf(w.key, "the %s stage plans %.3g work units (%s), more than the %.0e allowed: about %s on one core", w.stage, w.units, unitsOf(w.stage), MaxWork, humanSeconds(w.seconds))
		}
	}
	return nil
}

func unitsOf(stage string) string {
	switch stage {
	case "rbm":
		return "runs x steps x (visible/10)^1.8, times the sweep settings"
	case "langevin":
		return "walkers x steps x modes"
	case "teacher":
		return "runs x steps x (size/2)^2"
	}
	return "cells x t_end/dt"
}
