package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fpsolve"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/internal/runstore"
	"fpsolve/model"
	"fpsolve/rmt"
)

// mine reports whether member i (an rbm run or a langevin block) belongs to this shard.
func (r *runner) mine(i int) bool { return i%r.shard.N == r.shard.I }

// sharded reports whether this invocation is one shard of a larger job (no final outputs).
func (r *runner) sharded() bool { return r.shard.N > 1 }

// session is what every runner of one invocation shares: the top-level runner and the sweep's
// runners of each setting.
type session struct {
	out    string    // the top output directory
	stderr io.Writer // warnings, one line each
	// stores lists the run stores this invocation filled (a shard's manifest, shard.json).
	stores []runstore.StoreRecord
	// merged holds, in `fpsolve merge`, the stores that the shards provided, by directory
	// relative to out: their members are never computed here.
	merged map[string]runstore.StoreRecord
	// configKey is the config's fingerprint (configKey in main.go).
	configKey string
	// shardConfig: the shard's config copy has been written (writeShardConfig).
	shardConfig bool
}

func (r *runner) writeShardManifest() error {
	if err := r.writeShardConfig(); err != nil {
		return err
	}
	return runstore.WriteManifest(r.out, runstore.Manifest{Format: runstore.FormatVersion, Shard: r.shard.I, Of: r.shard.N,
		Config: r.sess.configKey, Stores: r.sess.stores})
}

func (r *runner) warn(format string, a ...any) {
	if r.sess != nil && r.sess.stderr != nil {
		fmt.Fprintf(r.sess.stderr, "fpsolve: warning: "+format+"\n", a...)
	}
}

// openStore returns the run store OUT/runs/<name> of this runner whose members are determined by
// inputs (see runstore.Key: everything resolved that a member depends on).
func (r *runner) openStore(name string, inputs any) (runstore.Store, error) {
	tag, err := runstore.Key(name, inputs)
	if err != nil {
		return runstore.Store{}, err
	}
	return runstore.Store{Dir: filepath.Join(r.out, "runs", name), Tag: tag}, nil
}

// storeRel returns the store's directory relative to the top output directory.
func (r *runner) storeRel(s runstore.Store) string {
	if r.sess == nil {
		return filepath.ToSlash(s.Dir)
	}
	rel, err := filepath.Rel(r.sess.out, s.Dir)
	if err != nil {
		return filepath.ToSlash(s.Dir)
	}
	return filepath.ToSlash(rel)
}

// loadMember returns member i of s, or ok = false when it has to be computed: absent, stored
// under other settings, or damaged. A damaged member is reported on one line and never read as
// data.
func loadMember[T any](r *runner, s runstore.Store, i int) (T, bool, error) {
	v, ok, err := runstore.Load[T](s, i)
	var ce *runstore.CorruptError
	if errors.As(err, &ce) {
		r.warn("%v; computing that member again", ce)
		return v, false, nil
	}
	return v, ok, err
}

// mayCompute checks, before any member of s is computed, that this invocation may compute
// them: in a merge, the members of a store that the shards provided come from the shards only.
func (r *runner) mayCompute(s runstore.Store, todo []int) error {
	if len(todo) == 0 || r.sess == nil || r.sess.merged == nil {
		return nil
	}
	rel := r.storeRel(s)
	rec, ok := r.sess.merged[rel]
	if !ok {
		return nil
	}
	if rec.Tag != s.Tag {
		return fmt.Errorf("the shards computed %s under other settings than this merge resolves (a drift table or another input file changed since?); rerun the shards", rel)
	}
	return fmt.Errorf("%s: members %s are missing after the copy from the shards; merge computes nothing", rel, runstore.IndexList(todo))
}

// storeDone records that this invocation filled store s of an ensemble of members members (the
// shard's manifest).
func (r *runner) storeDone(s runstore.Store, members int) {
	if r.sess == nil {
		return
	}
	r.sess.stores = append(r.sess.stores, runstore.StoreRecord{Dir: r.storeRel(s), Tag: s.Tag, Members: members})
}

// modeKey is one resolved mode in a run-store key. The drift's type is named: two drift kinds
// with the same field values are different models.
type modeKey struct {
	Drift  string
	Params model.Drift
	Stable float64
	G2     float64
}

func modeKeys(ms []model.Mode) []modeKey {
	out := make([]modeKey, len(ms))
	for k, m := range ms {
		out[k] = modeKey{Drift: fmt.Sprintf("%T", m.Drift), Params: m.Drift, Stable: m.Drift.Stable(), G2: m.G2}
	}
	return out
}

// floatsDigest is the SHA-256 of the bits of rows, for run-store keys that depend on data.
func floatsDigest(rows [][]float64) string {
	h := sha256.New()
	var b [8]byte
	for _, row := range rows {
		binary.LittleEndian.PutUint64(b[:], uint64(len(row)))
		h.Write(b[:])
		for _, v := range row {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// embeddedName is the name main.go gives the embedded default config.
const embeddedName = "fp.toml (embedded)"

// writeShardConfig copies the config into OUT/config.toml (and its origin into
// OUT/config.source, to resolve relative paths) so that `fpsolve merge` can rerun it. Only
// shard runs do this, once.
func (r *runner) writeShardConfig() error {
	if !r.sharded() || r.sess.shardConfig {
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
	r.sess.shardConfig = true
	return nil
}

// figuresStage draws rbm.png and wigner_rbm.png once every theory stage has run, with the
// Fokker-Planck and Langevin results laid over the RBM's spectra when those stages ran too.
var figuresStage = stage{
	name:    "figures",
	untimed: true,
	enabled: func(r *runner) bool {
		o := r.res.rbm
		return o != nil && o.complete && !r.sharded() && r.cfg.PlotsEnabled()
	},
	run: func(_ context.Context, r *runner) error {
		o := r.res.rbm
		if err := r.plotRBMPairs(o, r.rbmPairsPath()); err != nil {
			return err
		}
		return r.plotRBM(o, filepath.Join(r.out, "rbm.png"), true)
	},
}

// spacingPanel draws a histogram of spacings against the Wigner surmise with
// sigma = <S>/sqrt(pi).
func spacingPanel(title, label string, s []float64) plots.Panel {
	mean := rmt.Mean(s)
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

// trainPool computes the members todo on a pool of workers, each by train(i), which computes
// member i, saves it and keeps it (distinct i run concurrently). It reports progress under label
// and returns the number computed; errInterrupted when a signal stopped it (the member in
// progress is not saved: train returns the context's error), else the first error.
func (r *runner) trainPool(label string, todo []int, workers int, train func(i int) error) (int, error) {
	if len(todo) == 0 {
		return 0, nil
	}
	var (
		mu       sync.Mutex
		firstErr error
		stopped  bool
		done     int
	)
	r.prog.begin(label, float64(len(todo)))
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for _, i := range todo {
			mu.Lock()
			bad := firstErr != nil
			mu.Unlock()
			if bad {
				return
			}
			select {
			case jobs <- i:
			case <-r.done():
				// A signal while every worker is busy: start no further member.
				mu.Lock()
				stopped = true
				mu.Unlock()
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := train(i)
				mu.Lock()
				if r.stopped(err) {
					stopped = true // the signal stopped this member: not saved, computed next time
				} else if err != nil {
					if firstErr == nil {
						firstErr = err
					}
				} else {
					done++
					r.prog.update(float64(done))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	r.prog.end()
	if firstErr != nil {
		return done, firstErr
	}
	if stopped {
		return done, errInterrupted
	}
	return done, nil
}
