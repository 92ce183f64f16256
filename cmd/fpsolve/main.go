// Command fpsolve computes the stochastic dynamics of weight-matrix eigenvalues: it trains
// Gaussian-RBM ensembles, evolves the Fokker-Planck equation of the eigenvalue Coulomb gas,
// diagonalises the Fokker-Planck Hamiltonian and runs the discrete-time Langevin integrator, as
// the stages of a TOML config name them. See README.md for the config and the outputs.
//
//	fpsolve -config fp.toml [-out DIR] [-shard I/N] [-force] [-cpuprofile FILE]
//	fpsolve                      # the embedded default study
//	fpsolve merge -out DIR SHARD_DIR...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"fpsolve"
	"fpsolve/fokkerplanck"
	"fpsolve/internal/config"
	"fpsolve/internal/outdir"
	"fpsolve/internal/output"
	"fpsolve/internal/runstore"
	"fpsolve/model"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit code. Errors are one line on stderr.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "fpsolve: internal error: %v\n", r)
			if os.Getenv("FPSOLVE_TRACE") != "" {
				stderr.Write(debug.Stack())
			}
			code = 3
		}
	}()
	if len(args) > 0 && args[0] == "merge" {
		if err := mergeCommand(args[1:], stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "fpsolve merge: %v\n", oneLine(err))
			return 1
		}
		return 0
	}
	fs := flag.NewFlagSet("fpsolve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "config file (TOML); without it the embedded default study runs")
	outDir := fs.String("out", "", "output directory (overrides [output] dir)")
	shard := fs.String("shard", "", "I/N: run only the rbm runs and langevin walkers with index = I mod N")
	force := fs.Bool("force", false, "if the output directory holds another config's results, move them aside into a dated folder instead of refusing")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to `FILE` (read it with go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fpsolve: unexpected argument %q (see -help)\n", fs.Arg(0))
		return 2
	}
	var cfg *config.Config
	var err error
	if *cfgPath == "" {
		cfg, err = config.Parse(fpsolve.DefaultConfig, "fp.toml (embedded)")
	} else {
		cfg, err = config.Load(*cfgPath)
	}
	if err != nil {
		fmt.Fprintf(stderr, "fpsolve: %v\n", oneLine(err))
		return 1
	}
	resLines, resSum, err := autoResolution(context.Background(), cfg)
	if err != nil {
		fmt.Fprintf(stderr, "fpsolve: %v\n", oneLine(err))
		return 1
	}
	for _, l := range resLines {
		fmt.Fprintf(stderr, "fpsolve: %s\n", l)
	}
	sh, err := parseShard(*shard)
	if err != nil {
		fmt.Fprintf(stderr, "fpsolve: -shard: %v\n", err)
		return 2
	}
	if sh.N > 1 && cfg.RBM == nil && cfg.Sweep == nil && cfg.Teacher == nil && cfg.Langevin == nil {
		fmt.Fprintf(stderr, "fpsolve: -shard: %s has no ensemble to split ([rbm], [sweep], [teacher] or [langevin]); run it without -shard\n", cfg.Path)
		return 2
	}
	dir := cfg.Output.Dir
	if *outDir != "" {
		dir = *outDir
	}
	if dir == "" {
		dir = "out"
	}
	runKey, err := configKey(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "fpsolve: %v\n", oneLine(err))
		return 1
	}
	// The profile starts before the claim so that a bad path is refused before any work.
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "fpsolve: -cpuprofile: %v\n", err)
			return 2
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				fmt.Fprintf(stderr, "fpsolve: -cpuprofile: %v\n", err)
			}
		}()
	}
	claim, err := claimOut(dir, runKey, cfg, *shard, *force, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "fpsolve: %v\n", oneLine(err))
		return 1
	}
	defer claim.Release()
	if line := cfg.EstimateLine(runtime.NumCPU(), 180); line != "" { // runs of more than 3 minutes
		fmt.Fprintf(stderr, "fpsolve: %s\n", line)
	}
	r := newRunner(cfg, dir, sh, stdout, stderr)
	r.sess.configKey = runKey
	r.sum.Resolution = resSum
	ctx, stop := signalContext(stderr)
	defer stop()
	r.ctx = ctx
	if err := r.all(); err != nil {
		fmt.Fprintf(stderr, "fpsolve: %v\n", oneLine(err))
		return 1
	}
	return 0
}

// signalContext returns a context that is cancelled by the first SIGINT or SIGTERM: the stages
// then stop at their next check, keeping every completed member and file. A second signal exits
// at once (status 130), leaving the same resumable state (files are written atomically).
func signalContext(stderr io.Writer) (context.Context, func()) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ctx, stop := watchSignals(sig, stderr, os.Exit)
	return ctx, func() { signal.Stop(sig); stop() }
}

// watchSignals is signalContext on the signals that arrive on sig, exiting through exit.
func watchSignals(sig <-chan os.Signal, stderr io.Writer, exit func(int)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			cancel()
		case <-done:
			return
		}
		select {
		case <-sig:
			fmt.Fprintln(stderr, "fpsolve: second signal: exiting now; completed work is kept, rerun the same command to continue")
			exit(130)
		case <-done:
		}
	}()
	return ctx, func() { close(done); cancel() }
}

// newRunner returns the top-level runner of one invocation.
func newRunner(cfg *config.Config, out string, sh shardSpec, stdout, stderr io.Writer) *runner {
	return &runner{cfg: cfg, out: out, shard: sh, stdout: stdout, prog: newProgress(stderrFile(stderr)),
		sess: &session{out: out, stderr: stderr}}
}

// configKey is the fingerprint of a config: a hash of every resolved section (the output
// directory and the file's own path excepted, since -out and moving the file change no result).
func configKey(cfg *config.Config) (string, error) {
	c := *cfg
	c.Output.Dir, c.Path = "", ""
	return runstore.Key("config", c)
}

// claimOut locks the output directory for this invocation and checks that it holds nothing of
// another run (another config, or another shard of it); see package outdir. shard is "" for a
// whole run, "I/N" for a shard and "merge" for `fpsolve merge`.
func claimOut(dir, key string, cfg *config.Config, shard string, force bool, stderr io.Writer) (*outdir.Dir, error) {
	src := cfg.Path
	if src == "" {
		src = embeddedName
	}
	fp, err := runstore.Key("run", struct{ Config, Shard string }{key, shard})
	if err != nil {
		return nil, err
	}
	d, err := outdir.Claim(dir, outdir.Record{Fingerprint: fp, Config: src, Shard: shard}, force, time.Now())
	if err != nil {
		return nil, err
	}
	if d.MovedTo != "" {
		fmt.Fprintf(stderr, "fpsolve: -force: moved the previous outputs of %s into %s (its run stores stay: a stored member is reused only where all its inputs match)\n", dir, d.MovedTo)
	}
	if d.Removed > 0 {
		fmt.Fprintf(stderr, "fpsolve: removed %d temporary files that an interrupted run left in %s\n", d.Removed, dir)
	}
	return d, nil
}

func stderrFile(w io.Writer) *os.File {
	if f, ok := w.(*os.File); ok {
		return f
	}
	f, _ := os.Open(os.DevNull) // tests: not a terminal; plain lines go nowhere
	return f
}

func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}

// shardSpec selects the runs with index = I mod N.
type shardSpec struct{ I, N int }

func parseShard(s string) (shardSpec, error) {
	if s == "" {
		return shardSpec{0, 1}, nil
	}
	var i, n int
	if _, err := fmt.Sscanf(s, "%d/%d", &i, &n); err != nil || n < 1 || i < 0 || i >= n || fmt.Sprintf("%d/%d", i, n) != s {
		return shardSpec{}, fmt.Errorf("%q is not I/N with 0 <= I < N", s)
	}
	return shardSpec{i, n}, nil
}

// runner holds one invocation's state shared by the stages.
type runner struct {
	cfg    *config.Config
	out    string
	shard  shardSpec
	stdout io.Writer
	prog   *progress
	ctx    context.Context // cancelled by a signal (signalContext)

	sum   summary  // summary.json, a typed section per stage (summary.go)
	lines []string // the human summary printed at the end
	res   results  // the stages' typed results (stage.go)

	sess    *session // shared by every runner of this invocation (ensemble.go)
	setting string   // the sweep setting a sub-runner works on ("" at the top level)
}

// marginals are per-mode densities on a common axis at several times.
type marginals struct {
	axis fokkerplanck.Axis // the cells of p
	x    []float64         // their centres
	t    []float64
	p    [][][]float64 // p[snapshot][mode][cell]
	mode []int         // config index of each mode
}

var errInterrupted = errors.New("interrupted by signal; completed work is kept, rerun the same command to continue")

// interrupted reports whether a signal asked the run to stop.
func (r *runner) interrupted() bool { return r.ctx != nil && r.ctx.Err() != nil }

// context returns the run's context (context.Background() when it has none): the libraries'
// long computations take it and return its error promptly after a signal.
func (r *runner) context() context.Context {
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

// stopped reports whether err is a library's answer to a signal: the run's context is done and
// err is (or wraps) its error.
func (r *runner) stopped(err error) bool {
	return r.interrupted() && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// done is closed when a signal asks the run to stop (never, without a context).
func (r *runner) done() <-chan struct{} {
	if r.ctx == nil {
		return nil
	}
	return r.ctx.Done()
}

// all runs every stage that the config names, in the order rbm, fokkerplanck, spectrum, langevin.
func (r *runner) all() error {
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		return fmt.Errorf("output directory: %v", err)
	}
	r.sum.Seconds = map[string]float64{}
	if err := r.langevinPreflight(); err != nil {
		return err
	}
	var done []string // the stages that completed and wrote their outputs
	for _, s := range pipeline {
		if !s.enabled(r) {
			continue
		}
		t0 := time.Now()
		if err := s.run(r.ctx, r); err != nil {
			if r.stopped(err) {
				return errInterrupted // a library stopped by the signal
			}
			if err == errInterrupted {
				return err
			}
			if !strings.HasPrefix(err.Error(), s.name+": ") { // the library may name the stage already
				err = fmt.Errorf("%s: %w", s.name, err)
			}
			if len(done) > 0 {
				err = fmt.Errorf("%w (the outputs of the completed stages %s are in %s)", err, strings.Join(done, ", "), r.out)
			}
			return err
		}
		if !s.untimed {
			r.sum.Seconds[s.name] = time.Since(t0).Seconds()
			done = append(done, s.name)
		}
		if r.interrupted() {
			return errInterrupted
		}
	}
	if r.shard.N > 1 {
		// Shard directories hold partial ensembles; `fpsolve merge` writes the summary from
		// their members, which the manifest lists.
		return r.writeShardManifest()
	}
	if err := output.WriteJSON(filepath.Join(r.out, "summary.json"), r.sum); err != nil {
		return err
	}
	for _, l := range r.lines {
		fmt.Fprintln(r.stdout, l)
	}
	fmt.Fprintf(r.stdout, "results in %s\n", r.out)
	return nil
}

func (r *runner) say(format string, a ...any) { r.lines = append(r.lines, fmt.Sprintf(format, a...)) }

// needsModel reports whether a stage of this invocation uses the [model]. A shard computes
// ensemble members only: the deterministic stages, and walkers that need the whole rbm ensemble,
// run when the shards are merged. Walkers at level "weights" do not use the model.
func (r *runner) needsModel() bool {
	if r.cfg.Model == nil {
		return false
	}
	if !r.sharded() && (r.cfg.Time != nil || r.cfg.Spectrum != nil) {
		return true
	}
	return r.cfg.Langevin != nil && !r.weightsLevel() && !(r.sharded() && r.dependsOnRBM())
}

// setTableDomain prepares a drift table for the grid: the walkers and the grid may go beyond
// the bins the ensemble visited, so the table's domain is the grid range (for a measured RBM
// drift [0, mu^2/sigma_h^2]).
func (r *runner) setTableDomain(t *model.Table) error {
	lo, hi := r.cfg.GridRange()
	return t.SetDomain(lo, hi)
}

// varyingNoiseNodes is the number of table nodes of a mode with noise.slope: 2000 on [0, 9]
// interpolate the rbm drift to 2e-6 between nodes.
const varyingNoiseNodes = 2000

// buildSystem turns [model] and [noise] into the shared model (r.res.model), its modes sorted by
// their stable point (the ascending eigenvalue order that the solvers need).
func (r *runner) buildSystem() error {
	c := r.cfg
	g2, slope := c.G2(), c.Slope()
	tables := c.Tables()
	if c.Model.Drift == "table" && c.RBM != nil {
		tables = nil
		if a := r.res.adopted; a != nil {
			tables = a.tables
		}
	}
	n := c.Modes()
	modes := make([]model.Mode, n)
	for i := range modes {
		var g float64
		if g2 != nil {
			g = g2[i]
		}
		switch c.Model.Drift {
		case "rbm":
			modes[i] = model.Mode{Drift: model.RBM{Mu2: c.Model.Mu2, Kappa: c.Model.Kappa[i]}, G2: g}
		case "harmonic":
			modes[i] = model.Mode{Drift: model.Harmonic{Omega: c.Model.Omega[i], C: c.Model.Kappa[i]}, G2: g}
		case "table":
			if i >= len(tables) {
				return fmt.Errorf("the drift table has %d modes, the model needs %d", len(tables), n)
			}
			if err := r.setTableDomain(tables[i]); err != nil {
				return err
			}
			modes[i] = model.Mode{Drift: tables[i], G2: g}
		}
		if p, ok := c.PCDNoise(); ok {
			// The derived PCD noise varies with y: the drift becomes a table on the grid range
			// with D2 = rbmdrift.PCDNoise.G2(y).
			lo, hi := c.GridRange()
			tab, err := model.NoiseTable(modes[i].Drift, p.G2, lo, hi, varyingNoiseNodes)
			if err != nil {
				return fmt.Errorf("noise.model = \"pcd\": mode %d: %v", i, err)
			}
			modes[i] = model.Mode{Drift: tab, G2: g}
		}
		if slope != nil {
			// The noise varies about the stable point: the drift becomes a table on the grid
			// range with D2 = g^2 exp(slope (x - x*)).
			lo, hi := c.GridRange()
			tab, err := model.VaryingNoise(modes[i].Drift, g, slope[i], lo, hi, varyingNoiseNodes)
			if err != nil {
				return fmt.Errorf("noise.slope: mode %d: %v", i, err)
			}
			modes[i] = model.Mode{Drift: tab, G2: g}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return modes[order[a]].Drift.Stable() < modes[order[b]].Drift.Stable() })
	keys := c.Keys()
	_, pcd := c.PCDNoise()
	// The derived PCD noise couples two eigenvalues with sqrt(D_i D_j) (rbmdrift package
	// documentation): the geometric pair strength.
	m := &modelResult{sys: model.System{Coulomb: c.CoulombEnabled(), Geometric: pcd}, order: order, keys: make([]float64, n)}
	for k, i := range order {
		m.sys.Modes = append(m.sys.Modes, modes[i])
		m.keys[k] = keys[i]
	}
	if p, ok := c.PCDNoise(); ok && c.PCDNextOrder() {
		// The drift of order alpha/|B| beyond the gas of the derived noise (the noise's second
		// order and the eigenvectors' tilt), with each mode's target kappa.
		kappa := make([]float64, n)
		for k, i := range order {
			kappa[k] = c.Model.Kappa[i]
		}
		m.sys.Extra = p.GasDriftFunc(kappa)
	}
	if err := m.sys.Validate(); err != nil {
		return err
	}
	r.res.model = m
	return nil
}

// The model's parts, for the stages that run after modelStage.
func (r *runner) sys() model.System { return r.res.model.sys }
func (r *runner) order() []int      { return r.res.model.order }
func (r *runner) keys() []float64   { return r.res.model.keys }
