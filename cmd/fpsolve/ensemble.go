package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"fpsolve"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/rmt"
)

// ensState holds what the ensemble stages ([rbm], [sweep], [langevin]) hand to the finishing
// hook that draws rbm.png once every stage has run.
type ensState struct {
	rbm       *rbmOutcome // the plain [rbm] stage's result (nil if it did not run)
	langevinX [][]float64 // [langevin]: final walker positions per sorted mode
	// langevinSnaps are the walkers at the [time] snapshots between the first and the last.
	langevinSnaps []langevinSnap
	shardCfg      bool // the shard's config copy has been written
}

func (r *runner) ensemble() *ensState {
	if r.ens == nil {
		r.ens = &ensState{}
	}
	return r.ens
}

// mine reports whether member i (an rbm run or a langevin block) belongs to this shard.
func (r *runner) mine(i int) bool { return i%r.shard.N == r.shard.I }

// sharded reports whether this invocation is one shard of a larger job (no final outputs).
func (r *runner) sharded() bool { return r.shard.N > 1 }

// hashTag returns a short hash of v's JSON form: the tag of a runstore ensemble, so that members
// saved under other settings are never reused.
func hashTag(prefix string, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("hashTag: %v", err)) // only plain config values are hashed
	}
	s := sha256.Sum256(b)
	return prefix + ":" + hex.EncodeToString(s[:12])
}

// embeddedName is the name main.go gives the embedded default config.
const embeddedName = "fp.toml (embedded)"

// writeShardConfig copies the config into OUT/config.toml (and its origin into
// OUT/config.source, to resolve relative paths) so that `fpsolve merge` can rerun it. Only
// shard runs do this, once.
func (r *runner) writeShardConfig() error {
	e := r.ensemble()
	if !r.sharded() || e.shardCfg {
		return nil
	}
	var data []byte
	src := r.cfg.Path
	if src == "" || src == embeddedName || strings.HasSuffix(src, "(embedded)") {
		data, src = fpsolve.DefaultConfig, embeddedName
	} else {
		b, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("copy the config into the shard directory: %v", err)
		}
		data = b
		if abs, err := filepath.Abs(src); err == nil {
			src = abs
		}
	}
	if err := output.WriteBytes(filepath.Join(r.out, "config.toml"), data); err != nil {
		return err
	}
	if err := output.WriteBytes(filepath.Join(r.out, "config.source"), []byte(src+"\n")); err != nil {
		return err
	}
	e.shardCfg = true
	return nil
}

// finishEnsembles runs after every stage: it draws rbm.png, with the Fokker-Planck and Langevin
// results laid over the RBM's final spectra when those stages ran too.
func (r *runner) finishEnsembles() error {
	if r.ens == nil || r.sharded() || !r.cfg.PlotsEnabled() {
		return nil
	}
	if o := r.ens.rbm; o != nil && o.complete {
		if err := r.plotRBMPairs(o, r.rbmPairsPath()); err != nil {
			return err
		}
		return r.plotRBM(o, filepath.Join(r.out, "rbm.png"), true)
	}
	return nil
}

// jackMean returns the mean of xs and its delete-one-block jackknife error over at most 100
// blocks (NaN with fewer than two points).
func jackMean(xs []float64) (mean, stderr float64) {
	if len(xs) < 2 {
		if len(xs) == 1 {
			return xs[0], math.NaN()
		}
		return math.NaN(), math.NaN()
	}
	return rmt.Jackknife(xs, min(len(xs), 100), meanOf)
}

func meanOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// momentsJSON is the summary object of one distribution.
func momentsJSON(m rmt.Moments) map[string]any {
	return map[string]any{"mean": output.Num(m.Mean), "var": output.Num(m.Var), "binder": output.Num(m.Binder)}
}

// spacingPanel draws a histogram of spacings against the Wigner surmise with
// sigma = <S>/sqrt(pi).
func spacingPanel(title, label string, s []float64) plots.Panel {
	mean := meanOf(s)
	if len(s) == 0 || !(mean > 0) {
		return plots.Panel{Title: title}
	}
	bins := max(10, min(60, len(s)/20))
	h := rmt.NewHistogram(0, 4*mean, bins)
	h.Fill(s)
	sigma := mean / math.Sqrt(math.Pi)
	xs := make([]float64, 200)
	ys := make([]float64, 200)
	for i := range xs {
		xs[i] = 4 * mean * float64(i) / 199
		ys[i] = rmt.WignerSurmise(xs[i], sigma)
	}
	return plots.Panel{Title: title, XLabel: "S = |x_i - x_j|", YLabel: "P(S)", Legend: true,
		Series: []plots.Series{
			{Name: label, X: h.Centers(), Y: h.Density(), Kind: plots.Steps},
			{Name: fmt.Sprintf("Wigner surmise, sigma = <S>/sqrt(pi) = %.3g", sigma), X: xs, Y: ys, Dashed: true},
		}}
}
