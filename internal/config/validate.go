package config

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"fpsolve/ensemble"
	"fpsolve/fokkerplanck"
	"fpsolve/hamiltonian"
	"fpsolve/model"
	"fpsolve/rbmdrift"
	"fpsolve/teacher"
)

// MaxBytes is the most memory that a run may plan to use: runs whose estimate exceeds it are
// refused before anything is allocated.
const MaxBytes = 16 << 30

// MaxTableBytes is the largest drift table file (model.table) that is read: 64 MiB, about a
// million rows.
const MaxTableBytes = 64 << 20

// Defaults filled in by validate where a key is absent.
const (
	DefaultSnapshots = 10
	DefaultStates    = 6
	DefaultTolerance = 1e-4
	DefaultWallRatio = 1.02
	MaxCluster       = 3 // modes on one tensor grid
)

func (c *Config) errf(key, format string, a ...any) error {
	return &Error{File: c.Path, Key: key, Msg: fmt.Sprintf(format, a...)}
}

// validate checks every key, fills defaults and loads the drift table.
func (c *Config) validate() error {
	if c.Model == nil && (c.Time != nil || c.Spectrum != nil || c.langevinNeedsModel()) {
		return c.errf("model", "section missing: [time], [spectrum] and [langevin] (unless level = \"weights\") need it")
	}
	if c.Sweep != nil && c.RBM == nil && c.Teacher == nil {
		return c.errf("sweep", "needs an [rbm] or a [teacher] section to sweep")
	}
	if c.Teacher != nil && c.RBM != nil {
		return c.errf("teacher", "not together with [rbm] (one source of trained ensembles per config)")
	}
	if c.Ensemble != nil && (c.RBM != nil || c.Teacher != nil || c.Sweep != nil) {
		return c.errf("ensemble", "not together with [rbm], [teacher] or [sweep] (one source of trained ensembles per config)")
	}
	if c.RBM == nil && c.Teacher == nil && c.Ensemble == nil && c.Time == nil && c.Spectrum == nil && c.Langevin == nil {
		return c.errf("", "no stage to run: give [rbm], [teacher], or [model] with [time], [spectrum] or [langevin]")
	}
	for _, check := range []func() error{c.checkRBM, c.checkTeacher, c.checkEnsemble, c.checkModel, c.checkNoise, c.checkGrid, c.checkInitial,
		c.checkTime, c.checkSpectrum, c.checkLangevin, c.checkSweep, c.checkMemory, c.checkWork} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) positive(key string, v float64) error {
	if !finite(v) || v <= 0 {
		return c.errf(key, "%g must be a positive finite number", v)
	}
	return nil
}

func (c *Config) atLeast(key string, v, min int) error {
	if v < min {
		return c.errf(key, "%d must be at least %d", v, min)
	}
	return nil
}

func (c *Config) oneOf(key, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return c.errf(key, "%q is not one of %q", v, allowed)
}

// Modes returns the number of modes of the [model] (0 without one).
func (c *Config) Modes() int {
	switch {
	case c.Model == nil:
		return 0
	case c.Model.Drift == "table" && c.RBM != nil:
		return c.RBM.Hidden
	case c.Model.Drift == "table":
		return len(c.tables)
	}
	return len(c.Model.Kappa)
}

func (c *Config) checkModel() error {
	m := c.Model
	if m == nil {
		return nil
	}
	if err := c.oneOf("model.drift", m.Drift, "rbm", "harmonic", "table"); err != nil {
		return err
	}
	switch m.Drift {
	case "rbm", "harmonic":
		if len(m.Kappa) == 0 {
			return c.errf("model.kappa", "missing: one entry per mode")
		}
		if m.Table != "" {
			return c.errf("model.table", "only with drift = \"table\"")
		}
	}
	switch m.Drift {
	case "rbm":
		if err := c.positive("model.mu2", m.Mu2); err != nil {
			return err
		}
		for i, k := range m.Kappa {
			if !finite(k) || k <= 0 || k >= m.Mu2 {
				return c.errf(fmt.Sprintf("model.kappa[%d]", i), "%g must lie inside (0, mu2 = %g)", k, m.Mu2)
			}
		}
		if len(m.Omega) > 0 {
			return c.errf("model.omega", "only with drift = \"harmonic\"")
		}
	case "harmonic":
		if len(m.Omega) != len(m.Kappa) {
			return c.errf("model.omega", "has %d entries, kappa has %d: one per mode", len(m.Omega), len(m.Kappa))
		}
		for i := range m.Kappa {
			if !finite(m.Kappa[i]) {
				return c.errf(fmt.Sprintf("model.kappa[%d]", i), "%g must be finite", m.Kappa[i])
			}
			if err := c.positive(fmt.Sprintf("model.omega[%d]", i), m.Omega[i]); err != nil {
				return err
			}
		}
	case "table":
		if m.TableDrift == "" {
			m.TableDrift = "measured"
		}
		if err := c.oneOf("model.table_drift", m.TableDrift, "measured", "expected"); err != nil {
			return err
		}
		if len(m.Kappa) > 0 || len(m.Omega) > 0 {
			return c.errf("model.kappa", "not used with drift = \"table\": the modes are the table's")
		}
		if c.RBM != nil {
			if m.Table != "" {
				return c.errf("model.table", "omit it: with [rbm] the table that stage measures is used")
			}
			return nil
		}
		if m.Table == "" {
			return c.errf("model.table", "missing: drift = \"table\" needs a drift file (or an [rbm] section)")
		}
		path := m.Table
		if !filepath.IsAbs(path) {
			path = filepath.Join(c.Dir(), path)
		}
		data, err := readBounded(path, MaxTableBytes, "drift table")
		if err != nil {
			return c.errf("model.table", "cannot read %s: %v", path, err)
		}
		tabs, err := model.ReadTablesColumn(bytes.NewReader(data), c.TableColumn())
		if err != nil {
			return c.errf("model.table", "%s: %v", path, err)
		}
		c.tables = tabs
	}
	if n := c.Modes(); n > 64 {
		return c.errf("model.kappa", "%d modes; at most 64 are supported", n)
	}
	for _, g := range model.Groups(c.Keys()) {
		if len(g) > MaxCluster && c.CoulombEnabled() {
			return c.errf("model.kappa", "%d modes share kappa = %g; at most %d degenerate modes can be solved together", len(g), c.Keys()[g[0]], MaxCluster)
		}
	}
	return nil
}

func (c *Config) checkNoise() error {
	n := c.Noise
	if n == nil {
		if c.Model != nil && c.Model.Drift != "table" && (c.Time != nil || c.Spectrum != nil || c.langevinNeedsModel()) {
			return c.errf("noise", "section missing: give g2 (or alpha, batch and gtilde2)")
		}
		return nil
	}
	modes := c.Modes()
	list := func(key string, v FloatList) error {
		if len(v) != 1 && len(v) != modes {
			return c.errf(key, "has %d entries: give one number or one per mode (%d)", len(v), modes)
		}
		for i, x := range v {
			if err := c.positive(fmt.Sprintf("%s[%d]", key, i), x); err != nil {
				return err
			}
		}
		return nil
	}
	if len(n.Slope) > 0 {
		if len(n.Slope) != 1 && len(n.Slope) != modes {
			return c.errf("noise.slope", "has %d entries: give one number or one per mode (%d)", len(n.Slope), modes)
		}
		for i, x := range n.Slope {
			if !finite(x) {
				return c.errf(fmt.Sprintf("noise.slope[%d]", i), "%g must be finite", x)
			}
		}
		if c.Model == nil || c.Model.Drift == "table" {
			return c.errf("noise.slope", "only with drift = \"rbm\" or \"harmonic\" (a table carries its own D2)")
		}
		if c.Spectrum != nil {
			return c.errf("noise.slope", "[spectrum] needs a constant noise g^2 (H_FP = -(g^2/2) d^2 + U)")
		}
	}
	if c.IsDefined("noise", "next_order") && n.Model != "pcd" {
		return c.errf("noise.next_order", "only with model = \"pcd\" (the terms of the derived noise's gas)")
	}
	if c.IsDefined("noise", "model") {
		return c.checkPCDNoise()
	}
	switch {
	case len(n.G2) > 0 && (c.IsDefined("noise", "alpha") || c.IsDefined("noise", "batch") || len(n.Gtilde2) > 0):
		return c.errf("noise.alpha", "g2 and alpha/batch/gtilde2 are exclusive: give one form")
	case len(n.G2) > 0:
		return list("noise.g2", n.G2)
	case c.IsDefined("noise", "alpha"):
		if err := c.positive("noise.alpha", n.Alpha); err != nil {
			return err
		}
		if !c.IsDefined("noise", "batch") {
			return c.errf("noise.batch", "missing: noise.batch is required with noise.alpha and noise.gtilde2 (g_i^2 = alpha/batch * gtilde2_i)")
		}
		if err := c.atLeast("noise.batch", n.Batch, 1); err != nil {
			return err
		}
		if len(n.Gtilde2) == 0 {
			return c.errf("noise.gtilde2", "missing: with alpha and batch give gtilde2")
		}
		return list("noise.gtilde2", n.Gtilde2)
	}
	return c.errf("noise.g2", "missing: give g2 (or alpha, batch and gtilde2)")
}

// checkPCDNoise checks [noise] model = "pcd": the derived PCD noise needs the trainer ([rbm] for
// sigma_h and gibbs_steps), the exact rbm drift with its mu2, and the setting (alpha, batch), and
// takes no measured or given noise.
func (c *Config) checkPCDNoise() error {
	n := c.Noise
	switch {
	case n.Model != "pcd":
		return c.errf("noise.model", "%q is not one of [\"pcd\"] (leave it out to give g2 or gtilde2)", n.Model)
	case len(n.G2) > 0 || len(n.Gtilde2) > 0 || len(n.Slope) > 0:
		return c.errf("noise.model", "\"pcd\" derives the noise: leave out g2, gtilde2 and slope")
	case c.Model == nil || c.Model.Drift != "rbm":
		return c.errf("noise.model", "\"pcd\" needs [model] drift = \"rbm\" (the exact drift of the trainer whose noise it derives)")
	case c.RBM == nil:
		return c.errf("noise.model", "\"pcd\" needs the [rbm] section (sigma_h, gibbs_steps of the trainer)")
	case c.Spectrum != nil:
		return c.errf("noise.model", "[spectrum] needs a constant noise g^2 (H_FP = -(g^2/2) d^2 + U)")
	case c.Time != nil && c.CoulombEnabled():
		return c.errf("noise.model", "\"pcd\" couples the modes with the geometric pair strength sqrt(D_i D_j)/(x_i - x_j), which only [langevin] integrates: drop [time] or set [model] coulomb = false")
	case !c.IsDefined("noise", "alpha") || !c.IsDefined("noise", "batch"):
		return c.errf("noise.alpha", "missing: \"pcd\" needs the setting's alpha and batch")
	case c.Model.Mu2 != c.RBM.Mu2:
		return c.errf("noise.model", "\"pcd\" needs [model] mu2 = [rbm] mu2 (%g, %g)", c.Model.Mu2, c.RBM.Mu2)
	case n.NextOrder != nil && *n.NextOrder && !c.CoulombEnabled():
		return c.errf("noise.next_order", "the next-order terms couple the eigenvalues: they need the Coulomb term ([model] coulomb = true)")
	}
	if err := c.positive("noise.alpha", n.Alpha); err != nil {
		return err
	}
	if err := c.atLeast("noise.batch", n.Batch, 1); err != nil {
		return err
	}
	n.pcd = &rbmdrift.PCDNoise{SigmaH: c.RBM.SigmaH, Mu2: c.RBM.Mu2, GibbsSteps: c.RBM.GibbsSteps, Visible: c.RBM.Visible}
	return nil
}

// PCDNoise returns the derived noise of [noise] model = "pcd" (ok false otherwise).
// The trainer's sigma_h, mu2 and gibbs_steps come from [rbm], alpha and batch from [noise] (which
// a sweep sets per setting).
func (c *Config) PCDNoise() (p rbmdrift.PCDNoise, ok bool) {
	if c.Noise == nil || c.Noise.Model != "pcd" || c.Noise.pcd == nil {
		return p, false
	}
	p = *c.Noise.pcd
	p.Alpha, p.Batch = c.Noise.Alpha, c.Noise.Batch
	return p, true
}

// PCDNextOrder reports whether the Langevin gas takes the next-order drift of the derived PCD
// noise (rbmdrift.PCDNoise.NextOrder): [noise] model = "pcd" with the Coulomb term, unless
// next_order = false.
func (c *Config) PCDNextOrder() bool {
	if _, ok := c.PCDNoise(); !ok || !c.CoulombEnabled() {
		return false
	}
	return c.Noise.NextOrder == nil || *c.Noise.NextOrder
}

// Slope returns noise.slope for every mode (nil without it).
func (c *Config) Slope() []float64 {
	if c.Noise == nil || len(c.Noise.Slope) == 0 {
		return nil
	}
	out := make([]float64, c.Modes())
	for i := range out {
		out[i] = c.Noise.Slope[min(i, len(c.Noise.Slope)-1)]
	}
	return out
}

// G2 returns g_i^2 for every mode (nil for a table drift without [noise]).
func (c *Config) G2() []float64 {
	n := c.Noise
	if n == nil {
		return nil
	}
	out := make([]float64, c.Modes())
	if p, ok := c.PCDNoise(); ok {
		// The derived noise at each mode's stable point y* = mu2 - kappa (its reference value;
		// the model varies it with y).
		for i := range out {
			out[i] = p.G2(c.Model.Mu2 - c.Model.Kappa[i])
		}
		return out
	}
	for i := range out {
		if len(n.G2) > 0 {
			out[i] = n.G2[min(i, len(n.G2)-1)]
		} else {
			out[i] = n.Alpha / float64(n.Batch) * n.Gtilde2[min(i, len(n.Gtilde2)-1)]
		}
	}
	return out
}

func (c *Config) checkGrid() error {
	g := c.Grid
	if g == nil {
		if c.Time != nil || c.Spectrum != nil {
			return c.errf("grid", "section missing: [time] and [spectrum] need points")
		}
		return nil
	}
	if err := c.atLeast("grid.points", g.Points, 3); err != nil {
		return err
	}
	for _, p := range []struct {
		key string
		v   *float64
	}{{"grid.lo", g.Lo}, {"grid.hi", g.Hi}} {
		if p.v != nil && !finite(*p.v) {
			return c.errf(p.key, "%g must be finite", *p.v)
		}
	}
	lo, hi := c.GridRange()
	if !(lo < hi) && c.Model != nil && c.Model.Drift == "harmonic" && (g.Lo == nil || g.Hi == nil) {
		// The default range is the centres -+ 8 stationary widths sqrt(g^2/Omega): a g^2 that
		// tiny leaves no width in floating point (and the stationary density underflows).
		key := "noise.g2"
		if len(c.Noise.G2) == 0 {
			key = "noise.gtilde2"
		}
		return c.errf(key, "g^2 = %g is too small: the stationary width sqrt(g^2/omega) vanishes next to the centres, so the default grid range [%g, %g] is empty and the stationary density underflows; give a larger g^2 (or grid.lo and grid.hi)", c.G2()[0], lo, hi)
	}
	if !(lo < hi) {
		key := "grid.hi"
		if g.Hi == nil {
			key = "grid.lo"
		}
		return c.errf(key, "the grid range [%g, %g] is empty: hi must be above lo", lo, hi)
	}
	if g.WallCell != 0 || g.WallRatio != 0 {
		if !c.IsDefined("grid", "wall_ratio") {
			g.WallRatio = DefaultWallRatio
		}
		if !finite(g.WallRatio) || g.WallRatio <= 1 || g.WallRatio > 2 {
			return c.errf("grid.wall_ratio", "%g must lie in (1, 2]", g.WallRatio)
		}
		if !finite(g.WallCell) || g.WallCell <= 0 {
			return c.errf("grid.wall_cell", "%g must be positive and finite", g.WallCell)
		}
		if c.CoulombEnabled() {
			return c.errf("grid.wall_cell", "a graded grid solves the modes one by one: set [model] coulomb = false")
		}
		if _, err := fokkerplanck.NewGradedAxis(lo, hi, g.Points, g.WallCell, g.WallRatio); err != nil {
			return c.errf("grid.wall_cell", "%v", err)
		}
	}
	if c.Model != nil && c.Model.Drift == "rbm" {
		if lo < 0 {
			return c.errf("grid.lo", "%g is outside the rbm domain [0, mu2)", lo)
		}
		if hi > c.Model.Mu2 {
			return c.errf("grid.hi", "%g is outside the rbm domain [0, mu2 = %g]", hi, c.Model.Mu2)
		}
	}
	return nil
}

// GridRange returns the grid's [lo, hi]: the configured values, or defaults from the drift
// (rbm: [0, mu2]; harmonic: the centres -+ 8 stationary widths plus room for the Coulomb
// repulsion; table: the table's range).
func (c *Config) GridRange() (lo, hi float64) {
	lo, hi = c.defaultRange()
	if c.Grid != nil && c.Grid.Lo != nil {
		lo = *c.Grid.Lo
	}
	if c.Grid != nil && c.Grid.Hi != nil {
		hi = *c.Grid.Hi
	}
	return lo, hi
}

func (c *Config) defaultRange() (lo, hi float64) {
	if c.Model == nil {
		return 0, 1
	}
	switch c.Model.Drift {
	case "rbm":
		return 0, c.Model.Mu2
	case "harmonic":
		g2 := c.G2()
		lo, hi = math.Inf(1), math.Inf(-1)
		n := float64(len(c.Model.Kappa))
		for i, k := range c.Model.Kappa {
			s := 1.0
			if i < len(g2) && i < len(c.Model.Omega) {
				s = math.Sqrt(g2[i] / c.Model.Omega[i])
			}
			w := (8 + 2*(n-1)) * s
			lo, hi = math.Min(lo, k-w), math.Max(hi, k+w)
		}
		return lo, hi
	case "table":
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, t := range c.tables {
			a, b := t.Domain()
			lo, hi = math.Min(lo, a), math.Max(hi, b)
		}
		if c.RBM != nil { // measured later: eigenvalues live in [0, mu2/sigma_h^2)
			return 0, c.RBM.Mu2 / (c.RBM.SigmaH * c.RBM.SigmaH)
		}
		return lo, hi
	}
	return 0, 1
}

func (c *Config) checkInitial() error {
	in := c.Initial
	if in == nil {
		return nil
	}
	if err := c.oneOf("initial.kind", in.Kind, "gaussian", "marchenko-pastur", "uniform", "stationary", "rbm"); err != nil {
		return err
	}
	n := c.Modes()
	switch in.Kind {
	case "gaussian":
		if len(in.Mean) != n {
			return c.errf("initial.mean", "has %d entries, the model has %d modes", len(in.Mean), n)
		}
		if len(in.Var) != n {
			return c.errf("initial.var", "has %d entries, the model has %d modes", len(in.Var), n)
		}
		for i := range in.Mean {
			if !finite(in.Mean[i]) {
				return c.errf(fmt.Sprintf("initial.mean[%d]", i), "%g must be finite", in.Mean[i])
			}
			if err := c.positive(fmt.Sprintf("initial.var[%d]", i), in.Var[i]); err != nil {
				return err
			}
			if err := c.meanInDomain(i, in.Mean[i]); err != nil {
				return err
			}
		}
	case "marchenko-pastur":
		if !finite(in.Ratio) || in.Ratio <= 0 || in.Ratio > 1 {
			return c.errf("initial.ratio", "%g must lie in (0, 1]", in.Ratio)
		}
		if err := c.positive("initial.weight_var", in.WeightVar); err != nil {
			return err
		}
		if err := c.atLeast("initial.rows", in.Rows, 1); err != nil {
			return err
		}
		// The walkers start as the eigenvalues of W^T W with W rows x round(ratio*rows): one per mode.
		if cols := int(math.Round(in.Ratio * float64(in.Rows))); c.langevinNeedsModel() && cols != n {
			return c.errf("initial.rows", "%d rows with ratio = %g give %d eigenvalues (round(ratio*rows)), the model has %d modes: [langevin] needs one per mode", in.Rows, in.Ratio, cols, n)
		}
	case "rbm":
		if c.RBM == nil {
			return c.errf("initial.kind", "\"rbm\" needs an [rbm] section")
		}
	}
	return nil
}

// meanInDomain checks a Gaussian initial mean against the drift's domain and, for the
// [time] stage, the grid's [lo, hi]: a start outside carries no mass on the grid.
func (c *Config) meanInDomain(i int, m float64) error {
	key := fmt.Sprintf("initial.mean[%d]", i)
	if c.Model != nil {
		switch c.Model.Drift {
		case "rbm":
			if m < 0 || m >= c.Model.Mu2 {
				return c.errf(key, "%g is outside the rbm drift's domain [0, mu2 = %g)", m, c.Model.Mu2)
			}
		case "table":
			if c.RBM == nil && i < len(c.tables) {
				if a, b := c.tables[i].Domain(); m < a || m > b {
					return c.errf(key, "%g is outside the drift table's domain [%g, %g] of mode %d", m, a, b, i)
				}
			}
		}
	}
	if c.Time != nil && c.Grid != nil {
		if lo, hi := c.GridRange(); m < lo || m > hi {
			return c.errf(key, "%g is outside the grid [grid.lo = %g, grid.hi = %g]: the initial density would be zero on the grid", m, lo, hi)
		}
	}
	return nil
}

func (c *Config) checkTime() error {
	t := c.Time
	if t == nil {
		return nil
	}
	if err := c.positive("time.t_end", t.TEnd); err != nil {
		return err
	}
	if err := c.positive("time.dt", t.Dt); err != nil {
		return err
	}
	if t.Dt > t.TEnd {
		return c.errf("time.dt", "%g is larger than t_end = %g", t.Dt, t.TEnd)
	}
	if t.TEnd/t.Dt > 1e9 {
		return c.errf("time.dt", "t_end/dt = %.3g steps is too many (at most 1e9)", t.TEnd/t.Dt)
	}
	if !c.IsDefined("time", "snapshots") {
		t.Snapshots = DefaultSnapshots
	}
	if err := c.atLeast("time.snapshots", t.Snapshots, 2); err != nil {
		return err
	}
	if t.Method == "" {
		t.Method = "trbdf2"
	}
	if err := c.oneOf("time.method", t.Method, "trbdf2", "backward-euler"); err != nil {
		return err
	}
	if !c.IsDefined("time", "tolerance") {
		t.Tolerance = DefaultTolerance
	}
	if err := c.positive("time.tolerance", t.Tolerance); err != nil {
		return err
	}
	return nil
}

func (c *Config) checkSpectrum() error {
	s := c.Spectrum
	if s == nil {
		return nil
	}
	if !c.IsDefined("spectrum", "states") {
		s.States = DefaultStates
	}
	if err := c.atLeast("spectrum.states", s.States, 1); err != nil {
		return err
	}
	if !c.IsDefined("spectrum", "points") && c.Grid != nil {
		s.Points = c.Grid.Points
	}
	if err := c.atLeast("spectrum.points", s.Points, 3); err != nil {
		return err
	}
	if s.States >= s.Points {
		return c.errf("spectrum.states", "%d must be below the number of grid points (%d)", s.States, s.Points)
	}
	if c.Modes() > 2 {
		return c.errf("spectrum", "the eigenproblem is solved for 1 or 2 modes; the model has %d", c.Modes())
	}
	if cells := c.spectrumCells(); s.States > hamiltonian.MaxStates(cells) {
		return c.errf("spectrum.states", "%d is more than the eigensolver computes on %d unknowns: at most %d ((unknowns - 1)/3; its Lanczos basis of 2 states + 1 vectors and the converged states must fit); raise spectrum.points or lower states", s.States, cells, hamiltonian.MaxStates(cells))
	}
	if !c.IsDefined("spectrum", "tolerance") {
		s.Tolerance = 1e-9
	}
	return c.positive("spectrum.tolerance", s.Tolerance)
}

// spectrumCells is the size of the [spectrum] operator: points cells for one mode, the ordered
// chamber's points (points + 1)/2 cells for two modes with the Coulomb term, points^2 without.
func (c *Config) spectrumCells() int {
	p := c.Spectrum.Points
	switch {
	case c.Modes() < 2:
		return p
	case c.CoulombEnabled():
		return p * (p + 1) / 2
	}
	return p * p
}

func (c *Config) checkLangevin() error {
	l := c.Langevin
	if l == nil {
		return nil
	}
	if err := c.atLeast("langevin.walkers", l.Walkers, 1); err != nil {
		return err
	}
	if err := c.positive("langevin.alpha", l.Alpha); err != nil {
		return err
	}
	if err := c.atLeast("langevin.batch", l.Batch, 1); err != nil {
		return err
	}
	if err := c.atLeast("langevin.steps", l.Steps, 1); err != nil {
		return err
	}
	if l.Level == "" {
		l.Level = "eigenvalue"
	}
	if err := c.oneOf("langevin.level", l.Level, "eigenvalue", "matrix", "weights"); err != nil {
		return err
	}
	if l.Level != "weights" {
		if c.IsDefined("langevin", "weight_var") {
			return c.errf("langevin.weight_var", "is only used with level = \"weights\" (level is %q)", l.Level)
		}
		return nil
	}
	if c.RBM == nil {
		return c.errf("langevin.level", "\"weights\" needs an [rbm] section (visible, hidden, target_m2, mu2, sigma_h, init_sigma)")
	}
	if !c.IsDefined("langevin", "weight_var") {
		return c.errf("langevin.weight_var", "missing: level = \"weights\" needs the weight noise variance s_W^2 > 0")
	}
	if err := c.positive("langevin.weight_var", l.WeightVar); err != nil {
		return err
	}
	if c.Initial != nil && c.Initial.Kind != "stationary" {
		return c.errf("initial.kind", "%q is not available with langevin.level = \"weights\": give \"stationary\" (the learned W) or omit [initial] (W ~ N(0, init_sigma^2))", c.Initial.Kind)
	}
	return nil // checkRBM has made mu2 exceed every target kappa: each learned mode has a fixed point
}

// langevinNeedsModel reports whether a [langevin] section needs [model] (and [noise]): every
// level but "weights", whose idealised RBM takes its parameters from [rbm].
func (c *Config) langevinNeedsModel() bool {
	return c.Langevin != nil && c.Langevin.Level != "weights"
}

// checkRBM applies the [rbm] rules of rbmdrift.Config.ValidateStrict (with this file's memory
// limit, and the measured drift required by a table model), naming the file and section, then
// the memory of the ensemble's drift tables, and resolves an empty data or sampler to its
// default.
func (c *Config) checkRBM() error {
	r := c.RBM
	if r == nil {
		return nil
	}
	strict := rbmdrift.Strict{MaxBytes: MaxBytes}
	if c.Model != nil && c.Model.Drift == "table" {
		strict.DriftNeededBy = `[model] drift = "table"`
	}
	if err := r.ValidateStrict(strict); err != nil {
		var ke *rbmdrift.KeyError
		if errors.As(err, &ke) {
			return c.errf("rbm."+ke.Key, "%s", ke.Msg)
		}
		return c.errf("rbm", "%v", err)
	}
	// Every run keeps its drift accumulator (7 sums per bin, mode and window) until the merge.
	if b := 56 * float64(r.Runs) * float64(r.DriftWindows) * float64(r.Hidden) * float64(r.Bins+r.LogBins); r.MeasureEvery > 0 && b > MaxBytes {
		key := "rbm.runs" // the run count, unless one run alone is too large
		if b/float64(r.Runs) > MaxBytes {
			key = "rbm.bins"
		}
		return c.errf(key, "the drift tables of %d runs need about %.3g GiB of memory (%d windows x %d modes x %d bins per run), more than the %d GiB allowed", r.Runs, b/(1<<30), r.DriftWindows, r.Hidden, r.Bins+r.LogBins, MaxBytes>>30)
	}
	r.Config = r.WithDefaults()
	return nil
}

// checkTeacher applies the [teacher] rules of teacher.Config.Validate, naming the file and
// section, then the memory of the runs' drift accumulators.
func (c *Config) checkTeacher() error {
	t := c.Teacher
	if t == nil {
		return nil
	}
	if err := t.Validate(); err != nil {
		var ke *teacher.KeyError
		if errors.As(err, &ke) {
			return c.errf("teacher."+ke.Key, "%s", ke.Msg)
		}
		return c.errf("teacher", "%v", err)
	}
	if t.Runs < 1 {
		return c.errf("teacher.runs", "%d must be at least 1", t.Runs)
	}
	if t.TotalSteps() < 1 {
		return c.errf("teacher.steps", "%d must be at least 1", t.Steps)
	}
	// Every run keeps its drift accumulator (7 sums per bin and mode) until the merge.
	if b := 56 * float64(t.Runs) * float64(t.Size) * float64(t.Bins); t.MeasureEvery > 0 && b > MaxBytes {
		key := "teacher.runs"
		if b/float64(t.Runs) > MaxBytes {
			key = "teacher.bins"
		}
		return c.errf(key, "the drift tables of %d runs need about %.3g GiB of memory (%d modes x %d bins per run), more than the %d GiB allowed", t.Runs, b/(1<<30), t.Size, t.Bins, MaxBytes>>30)
	}
	return nil
}

// MaxSpectraBytes is the largest [ensemble] spectra table that is read: 1 GiB (the table is held
// in memory as float64, about a third of its text).
const MaxSpectraBytes = 1 << 30

// checkEnsemble reads every [ensemble] file before any work starts, so that a missing or
// malformed file is one line naming it before anything is written.
func (c *Config) checkEnsemble() error {
	e := c.Ensemble
	if e == nil {
		return nil
	}
	if len(e.Files) == 0 {
		return c.errf("ensemble.files", "missing: give one or more spectra tables (run,step,x0,...) or NumPy files (.npy, .npz)")
	}
	if !finite(e.Alpha) || e.Alpha < 0 {
		return c.errf("ensemble.alpha", "%g must be a positive finite number (or absent: from the files)", e.Alpha)
	}
	if e.Batch < 0 {
		return c.errf("ensemble.batch", "%d must be at least 0 (0: from the files, or unknown)", e.Batch)
	}
	if !finite(e.Noise) || e.Noise < 0 {
		return c.errf("ensemble.noise", "%g must be a finite number >= 0", e.Noise)
	}
	for i, v := range e.Targets {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return c.errf(fmt.Sprintf("ensemble.targets[%d]", i), "%v is not a finite number", v)
		}
	}
	if e.Key == "" {
		e.Key = "W"
	}
	if e.Spectrum == "" {
		e.Spectrum = "singular"
	}
	kind, err := ensemble.ParseSpectrumKind(e.Spectrum)
	if err != nil {
		return c.errf("ensemble.spectrum", "%v", err)
	}
	if e.Layout == "" {
		e.Layout = "runs"
	}
	if err := c.oneOf("ensemble.layout", e.Layout, "runs", "snapshots"); err != nil {
		return err
	}
	for _, k := range []struct {
		key *string
		def string
	}{{&e.AlphaKey, "lr"}, {&e.BatchKey, "batch_size"}, {&e.NoiseKey, "noise"}} {
		if *k.key == "" {
			*k.key = k.def
		}
	}
	var stepList []int
	stepKey := ""
	switch v := e.Steps.(type) {
	case nil:
	case string:
		stepKey = v
	case []any:
		for i, x := range v {
			n, ok := x.(int64)
			if !ok || n < 0 {
				return c.errf(fmt.Sprintf("ensemble.steps[%d]", i), "%v is not a training step (an integer >= 0)", x)
			}
			stepList = append(stepList, int(n))
		}
	default:
		return c.errf("ensemble.steps", "%v: want a list of steps or the name of an array in the files", v)
	}
	var paths []string
	for i, f := range e.Files {
		key := fmt.Sprintf("ensemble.files[%d]", i)
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.Dir(), p)
		}
		m, err := filepath.Glob(p)
		if err != nil {
			return c.errf(key, "%q: bad glob pattern: %v", f, err)
		}
		if len(m) == 0 {
			return c.errf(key, "%s: no such file", p)
		}
		paths = append(paths, m...)
	}
	csv := 0
	for _, p := range paths {
		if strings.ToLower(filepath.Ext(p)) == ".csv" {
			csv++
		}
	}
	if csv > 0 && csv < len(paths) {
		return c.errf("ensemble.files", "mixes spectra tables (.csv) and NumPy files: give one kind")
	}
	var ens []EnsembleFile
	if csv > 0 {
		for _, p := range paths {
			data, err := readBounded(p, MaxSpectraBytes, "spectra table")
			if err != nil {
				return c.errf("ensemble.files", "cannot read %s: %v", p, err)
			}
			rec, err := ensemble.ReadSpectraCSV(bytes.NewReader(data))
			if err != nil {
				return c.errf("ensemble.files", "%s: %v", p, err)
			}
			if e.Alpha == 0 {
				return c.errf("ensemble.alpha", "missing: a spectra table does not record the learning rate")
			}
			ens = append(ens, EnsembleFile{Path: p, Files: []string{p}, Recorded: rec, Alpha: e.Alpha, Batch: e.Batch, Noise: e.Noise})
		}
	} else {
		perRun := e.Layout == "snapshots"
		var held int64
		for _, p := range paths {
			f, err := c.readNumPy(p, kind, perRun, stepKey, stepList, MaxSpectraBytes-held)
			if err != nil {
				return err
			}
			for _, sp := range f.Recorded.Spectra {
				held += int64(len(sp) * len(sp[0]) * 8)
			}
			if perRun && len(ens) > 0 {
				// One ensemble, one file per run: same shape, steps and settings.
				a := &ens[0]
				if len(f.Recorded.Steps) != len(a.Recorded.Steps) || len(f.Recorded.Spectra[0][0]) != len(a.Recorded.Spectra[0][0]) {
					return c.errf("ensemble.files", "%s: %d snapshots of %d modes, but %s has %d of %d: the files of one ensemble have one shape",
						p, len(f.Recorded.Steps), len(f.Recorded.Spectra[0][0]), a.Path, len(a.Recorded.Steps), len(a.Recorded.Spectra[0][0]))
				}
				if !slices.Equal(f.Recorded.Steps, a.Recorded.Steps) || f.Alpha != a.Alpha || f.Batch != a.Batch || f.Noise != a.Noise {
					return c.errf("ensemble.files", "%s: steps or settings differ from %s's: the files of one ensemble share them", p, a.Path)
				}
				a.Files = append(a.Files, p)
				a.Recorded.Runs = append(a.Recorded.Runs, len(a.Recorded.Runs))
				a.Recorded.Spectra = append(a.Recorded.Spectra, f.Recorded.Spectra[0])
				continue
			}
			ens = append(ens, f)
		}
	}
	for _, f := range ens {
		n := len(f.Recorded.Spectra[0][0])
		f.Targets = e.Targets
		if len(e.Targets) == 0 {
			f.Targets, f.Derived = f.Recorded.PairTargets(), true
		} else if len(e.Targets) != n {
			return c.errf("ensemble.targets", "%d targets, but %s has %d modes", len(e.Targets), f.Path, n)
		}
		c.files = append(c.files, f)
	}
	return nil
}

// readNumPy reads one [ensemble] NumPy file: its spectra, steps and settings. Errors are one
// line naming the file, the array and the cause.
func (c *Config) readNumPy(p string, kind ensemble.SpectrumKind, perRun bool, stepKey string, stepList []int, maxHeld int64) (EnsembleFile, error) {
	e := c.Ensemble
	out := EnsembleFile{Path: p, Files: []string{p}}
	f, err := ensemble.OpenNumPy(p)
	if err != nil {
		return out, c.errf("ensemble.files", "%s: %v", p, err)
	}
	defer f.Close()
	key := e.Key
	if len(f.Keys()) == 1 && !strings.HasSuffix(strings.ToLower(p), ".npz") {
		key = f.Keys()[0] // a .npy holds one array, whatever its name
	}
	spectra, err := f.WeightSpectra(key, perRun, kind, maxHeld)
	if err != nil {
		return out, c.errf("ensemble.files", "%s: %v", p, err)
	}
	if h, err := f.Header(key); err == nil && kind != ensemble.Values {
		if l, err := h.Layout(perRun, kind); err == nil {
			out.Rows, out.Cols = l.Rows, l.Cols
		}
	}
	out.Spectrum = kind
	snaps := len(spectra[0])
	runs := make([]int, len(spectra))
	for i := range runs {
		runs[i] = i
	}
	steps := make([]int, snaps)
	for i := range steps {
		steps[i] = i
	}
	switch {
	case stepList != nil:
		if len(stepList) != snaps {
			return out, c.errf("ensemble.steps", "%d steps, but %s array %q has %d snapshots", len(stepList), p, key, snaps)
		}
		steps = stepList
	case stepKey != "":
		v, err := f.Floats(stepKey, 1<<24)
		if err != nil {
			return out, c.errf("ensemble.steps", "%s: %v", p, err)
		}
		if len(v) != snaps {
			return out, c.errf("ensemble.steps", "%s: array %q has %d steps for %d snapshots", p, stepKey, len(v), snaps)
		}
		for i, x := range v {
			if x != math.Trunc(x) || x < 0 {
				return out, c.errf("ensemble.steps", "%s: array %q entry %d is %v, not a training step", p, stepKey, i, x)
			}
			steps[i] = int(x)
		}
	}
	for i := 1; i < len(steps); i++ {
		if steps[i] <= steps[i-1] {
			return out, c.errf("ensemble.steps", "%s: step %d after step %d: the snapshots' steps must ascend", p, steps[i], steps[i-1])
		}
	}
	scalar := func(name, cfgKey string, fromCfg float64) (float64, error) {
		if !f.Has(name) {
			return fromCfg, nil
		}
		v, err := f.Floats(name, 1)
		if err != nil || len(v) != 1 {
			return 0, c.errf(cfgKey, "%s: array %q is not a scalar: %v", p, name, err)
		}
		if fromCfg != 0 && v[0] != fromCfg {
			return 0, c.errf(cfgKey, "%g, but %s says %s = %g: give one (remove the config key to use the file's)", fromCfg, p, name, v[0])
		}
		return v[0], nil
	}
	if out.Alpha, err = scalar(e.AlphaKey, "ensemble.alpha", e.Alpha); err != nil {
		return out, err
	}
	if !(out.Alpha > 0) || math.IsInf(out.Alpha, 0) {
		return out, c.errf("ensemble.alpha", "%s: no learning rate: the file has no scalar %q and the config sets none", p, e.AlphaKey)
	}
	b, err := scalar(e.BatchKey, "ensemble.batch", float64(e.Batch))
	if err != nil {
		return out, err
	}
	if b < 0 || b != math.Trunc(b) {
		return out, c.errf("ensemble.batch", "%s: %s = %g is not a batch size", p, e.BatchKey, b)
	}
	out.Batch = int(b)
	if out.Noise, err = scalar(e.NoiseKey, "ensemble.noise", e.Noise); err != nil {
		return out, err
	}
	out.Recorded = &ensemble.Recorded{Runs: runs, Steps: steps, Spectra: spectra}
	return out, nil
}

func (c *Config) checkSweep() error {
	s := c.Sweep
	if s == nil {
		return nil
	}
	if len(s.Alpha) == 0 && len(s.Batch) == 0 && len(s.Noise) == 0 {
		return c.errf("sweep", "give alpha, batch and/or noise lists")
	}
	if len(s.Noise) > 0 && c.Teacher == nil {
		return c.errf("sweep.noise", "sweeps the [teacher] noise eps, but there is no [teacher] section (the rbm's noise is set by alpha and batch)")
	}
	if c.Teacher != nil && (c.Time != nil || c.Spectrum != nil || c.Langevin != nil) {
		return c.errf("sweep", "with [teacher] sweeps the trainer only: run [time], [spectrum] and [langevin] in a config of one setting")
	}
	for i, e := range s.Noise {
		if err := c.positive(fmt.Sprintf("sweep.noise[%d]", i), e); err != nil {
			return err
		}
		for j := range i {
			if s.Noise[j] == e {
				return c.errf(fmt.Sprintf("sweep.noise[%d]", i), "%g repeats sweep.noise[%d]: every setting is trained once, give each value once", e, j)
			}
		}
	}
	for i, a := range s.Alpha {
		if err := c.positive(fmt.Sprintf("sweep.alpha[%d]", i), a); err != nil {
			return err
		}
		for j := range i {
			if s.Alpha[j] == a {
				return c.errf(fmt.Sprintf("sweep.alpha[%d]", i), "%g repeats sweep.alpha[%d]: every setting is trained once, give each value once", a, j)
			}
		}
	}
	for i, b := range s.Batch {
		if err := c.atLeast(fmt.Sprintf("sweep.batch[%d]", i), b, 1); err != nil {
			return err
		}
		for j := range i {
			if s.Batch[j] == b {
				return c.errf(fmt.Sprintf("sweep.batch[%d]", i), "%d repeats sweep.batch[%d]: every setting is trained once, give each value once", b, j)
			}
		}
	}
	return nil
}

// Keys returns each mode's pairing key: the target kappa (rbm), centre (harmonic) or, for a
// table, the target kappa of the rbm stage when it runs (modes ascending in eigenvalue, so
// kappa descending), else the table's stable point.
func (c *Config) Keys() []float64 {
	if c.Model == nil {
		return nil
	}
	switch c.Model.Drift {
	case "table":
		if c.RBM != nil {
			return c.RBM.ModeKappa()
		}
		out := make([]float64, len(c.tables))
		for i, t := range c.tables {
			out[i] = t.Stable()
		}
		return out
	}
	return append([]float64(nil), c.Model.Kappa...)
}

// Tables returns the drift tables read from model.table (nil otherwise).
func (c *Config) Tables() []*model.Table { return c.tables }

// EstimateBytes returns the planned memory of the run (the largest stage counts) and the key
// that sets it.
func (c *Config) EstimateBytes() (bytes float64, key string) {
	consider := func(b float64, k string) {
		if b > bytes {
			bytes, key = b, k
		}
	}
	if c.Grid != nil && c.Model != nil && (c.Time != nil || c.Spectrum != nil) {
		d := 1
		if c.CoulombEnabled() {
			for _, g := range model.Groups(c.Keys()) {
				d = max(d, len(g))
			}
		}
		if c.Spectrum != nil {
			d = max(d, min(c.Modes(), 2))
		}
		// About 25 float64 per cell: density, coefficients, work arrays, sparse matrix.
		consider(200*math.Pow(float64(c.Grid.Points), float64(d)), "grid.points")
	}
	if c.Langevin != nil {
		dim := float64(max(c.Modes(), 1)) * 3
		n := float64(max(c.Modes(), 1))
		if c.Langevin.Level == "weights" && c.RBM != nil { // W per walker, and its spectrum
			dim = float64(c.RBM.Visible*c.RBM.Hidden + c.RBM.Hidden)
			n = float64(c.RBM.Hidden)
		}
		// Besides the stepping state: the stored blocks' final values and snapshots, the whole
		// ensemble and each snapshot assembled again per mode (twice the snapshots), and the
		// final columns and sorted copies of the analysis.
		// Measured: 1e5 walkers of 10 modes with 99 snapshot steps peak at 2.51 GB resident
		// against 1.64 GB by this count: the garbage-collected heap's slack and the runtime,
		// a factor langevinHeapFactor.
		snaps := float64(c.langevinSnapCount())
		consider(langevinHeapFactor*float64(c.Langevin.Walkers)*8*(dim+n*(2*snaps+4)), "langevin.walkers")
	}
	if t := c.Teacher; t != nil {
		recs := 2.0 // the first and last step
		if t.RecordEvery > 0 {
			recs = float64(t.TotalSteps()/t.RecordEvery + 2)
		}
		n := float64(t.Size)
		// The recorded spectra and final weights of every run, and a run's dataset (fixed data).
		consider(float64(t.Runs)*(recs*n+n*n)*8, "teacher.runs")
		if t.SaveWeights { // W at every recorded step
			consider(float64(t.Runs)*recs*(n+n*n)*8, "teacher.save_weights")
		}
		consider(float64(max(t.Samples, 0))*n*(n+1)*8*float64(min(t.Runs, 64)), "teacher.samples")
	}
	if c.RBM != nil {
		recs := float64(c.RBM.Steps/c.RBM.RecordEvery + 2)
		consider(float64(c.RBM.Runs)*recs*float64(c.RBM.Hidden)*8, "rbm.runs")
		if c.RBM.SaveWeights { // W at every recorded step, besides the spectra
			consider(float64(c.RBM.Runs)*recs*float64(c.RBM.Hidden+c.RBM.Visible*c.RBM.Hidden)*8, "rbm.save_weights")
		}
		consider(c.RBM.TrainerBytes(), "rbm.visible")
	}
	return bytes, key
}

// LangevinSnapSteps returns the steps strictly between 0 and the last at which the [langevin]
// langevinHeapFactor is the measured ratio of the [langevin] stage's peak resident memory to its
// count of live floats (see EstimateBytes).
const langevinHeapFactor = 1.6

// walkers are also recorded: those at which the [time] stage takes a snapshot
// (t = step * alpha), so that rbm.png can lay both theories over the RBM ensemble at
// intermediate times. None without [time].
func (c *Config) LangevinSnapSteps() []int {
	tc, lc := c.Time, c.Langevin
	if tc == nil || lc == nil {
		return nil
	}
	var out []int
	for k := 1; k < tc.Snapshots-1; k++ {
		u := tc.TEnd * float64(k) / float64(tc.Snapshots-1) / lc.Alpha
		s := int(math.Round(u))
		if math.Abs(u-float64(s)) <= 1e-9*u && s > 0 && s < lc.Steps && (len(out) == 0 || s > out[len(out)-1]) {
			out = append(out, s)
		}
	}
	return out
}

// langevinSnapCount is len(LangevinSnapSteps()), bounded above without the loop when
// time.snapshots is huge.
func (c *Config) langevinSnapCount() int {
	if c.Time == nil || c.Langevin == nil {
		return 0
	}
	if c.Time.Snapshots > 1<<20 {
		return max(0, min(c.Time.Snapshots-2, c.Langevin.Steps-1))
	}
	return len(c.LangevinSnapSteps())
}

func (c *Config) checkMemory() error {
	if b, key := c.EstimateBytes(); b > MaxBytes {
		return c.errf(key, "the run needs about %.3g GiB of memory, more than the %d GiB allowed", b/(1<<30), MaxBytes>>30)
	}
	return nil
}

// TableColumn is the drift table column that model.table_drift selects.
func (c *Config) TableColumn() string {
	if c.Model != nil && c.Model.TableDrift == "expected" {
		return "expected"
	}
	return "drift"
}
