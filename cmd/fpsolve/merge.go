package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fpsolve/internal/config"
	"fpsolve/internal/output"
	"fpsolve/internal/runstore"
)

// mergeCommand is `fpsolve merge -out DIR SHARD_DIR...`. It first checks that the shard
// directories are one complete, consistent set: every shard I/N of the same N present once, all
// run with the same config, each a finished shard (its shard.json), and every member that a
// shard was to compute present in it, intact and stored under the same key. Only then does it
// lock DIR, copy the members into DIR/runs/... (and DIR/<sweep setting>/runs/...) and run the
// config there. The members are then all on disk: merge trains no run and integrates no walker
// block that a shard was to provide (a missing one is an error), and the outputs are those of
// the unsharded run. Walkers that need the whole rbm ensemble, which shards do not run, and the
// stages that need no ensemble run here.
func mergeCommand(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("fpsolve merge", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	out := fl.String("out", "", "output directory of the merged run")
	force := fl.Bool("force", false, "move another run's results in DIR aside instead of refusing")
	if err := fl.Parse(args); err != nil {
		return fmt.Errorf("%v (usage: fpsolve merge -out DIR SHARD_DIR...)", err)
	}
	shards := fl.Args()
	if *out == "" {
		return errors.New("-out DIR is required (usage: fpsolve merge -out DIR SHARD_DIR...)")
	}
	if len(shards) == 0 {
		return errors.New("no shard directories given (usage: fpsolve merge -out DIR SHARD_DIR...)")
	}
	var cfgData []byte
	var source string
	for k, d := range shards {
		data, err := os.ReadFile(filepath.Join(d, "config.toml"))
		if err != nil {
			return fmt.Errorf("%s: no config.toml: not a shard directory (run with -shard I/N first)", d)
		}
		if k == 0 {
			cfgData = data
			if s, err := os.ReadFile(filepath.Join(d, "config.source")); err == nil {
				source = strings.TrimSpace(string(s))
			}
			continue
		}
		if !bytes.Equal(data, cfgData) {
			return fmt.Errorf("%s and %s were run with different configs; refusing to merge", shards[0], d)
		}
	}
	if source == "" {
		source = filepath.Join(shards[0], "config.toml")
	}
	cfg, err := config.Parse(cfgData, source)
	if err != nil {
		return err
	}
	key, err := configKey(cfg)
	if err != nil {
		return err
	}
	set, err := checkShards(shards, key)
	if err != nil {
		return err
	}
	claim, err := claimOut(*out, key, cfg, "merge", *force, stderr)
	if err != nil {
		return err
	}
	defer claim.Release()
	ctx, stop := signalContext(stderr)
	defer stop()
	if err := set.copyMembers(ctx, *out); err != nil {
		return err
	}
	if err := output.WriteBytes(filepath.Join(*out, "config.toml"), cfgData); err != nil {
		return err
	}
	r := newRunner(cfg, *out, shardSpec{0, 1}, stdout, stderr)
	r.sess.configKey = key
	r.sess.merged = map[string]storeRecord{}
	for _, st := range set.stores {
		r.sess.merged[st.Dir] = st
	}
	r.ctx = ctx
	return r.all()
}

// shardSet is a checked set of shard directories: dirs[I] holds shard I/N.
type shardSet struct {
	dirs   []string
	stores []storeRecord
}

// checkShards reads every shard's manifest and checks the set (see mergeCommand). Every
// problem is one line naming the shard directory and what is wrong or missing.
func checkShards(paths []string, key string) (*shardSet, error) {
	var n int
	var first []storeRecord
	var dirs []string
	for k, d := range paths {
		b, err := os.ReadFile(filepath.Join(d, shardManifestName))
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s: the shard did not finish (rerun its fpsolve -shard command to complete it)", d, shardManifestName)
		}
		if err != nil {
			return nil, err
		}
		var m shardManifest
		if err := json.Unmarshal(b, &m); err != nil || m.Of < 1 || m.Shard < 0 || m.Shard >= m.Of {
			return nil, fmt.Errorf("%s: %s is damaged (%v); rerun that shard", d, shardManifestName, errOrText(err, "shard index out of range"))
		}
		if m.Format != runstore.FormatVersion {
			return nil, fmt.Errorf("%s: written by another fpsolve format (%d, this is %d); rerun that shard", d, m.Format, runstore.FormatVersion)
		}
		if m.Config != key {
			return nil, fmt.Errorf("%s: its members were computed under another config than its config.toml resolves to now (an input file changed?); rerun that shard", d)
		}
		if k == 0 {
			n, first = m.Of, m.Stores
			dirs = make([]string, n)
		} else if m.Of != n {
			return nil, fmt.Errorf("%s is shard %d/%d, but %s is shard %d/%d: shards of different counts", d, m.Shard, m.Of, paths[0], shardOf(paths[0]), n)
		}
		if dirs[m.Shard] != "" {
			return nil, fmt.Errorf("%s and %s are both shard %d/%d", dirs[m.Shard], d, m.Shard, n)
		}
		dirs[m.Shard] = d
		if !sameStores(m.Stores, first) {
			return nil, fmt.Errorf("%s and %s computed different ensembles (stores %s against %s)", d, paths[0], storeNames(m.Stores), storeNames(first))
		}
	}
	var missing []string
	for i, d := range dirs {
		if d == "" {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if missing != nil {
		return nil, fmt.Errorf("shard %s missing: no directory given holds it (run fpsolve -shard for it, or give its directory)", strings.Join(missing, ", "))
	}
	set := &shardSet{dirs: dirs, stores: first}
	for _, st := range first {
		if err := set.checkStore(st); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// checkStore checks that shard I holds, intact and under the store's key, every member i of st
// with i = I mod N, and no other member.
func (set *shardSet) checkStore(st storeRecord) error {
	n := len(set.dirs)
	for sh, d := range set.dirs {
		s := runstore.Store{Dir: filepath.Join(d, filepath.FromSlash(st.Dir)), Tag: st.Tag}
		var absent, stale []int
		for i := sh; i < st.Members; i += n {
			var ce *runstore.CorruptError
			switch err := s.Check(i); {
			case err == nil:
			case errors.Is(err, os.ErrNotExist):
				absent = append(absent, i)
			case errors.Is(err, runstore.ErrStale):
				stale = append(stale, i)
			case errors.As(err, &ce):
				return fmt.Errorf("%v; rerun shard %d/%d in %s to recompute it", err, sh, n, d)
			default:
				return err
			}
		}
		if absent != nil {
			return fmt.Errorf("%s (shard %d/%d) lacks %s members %s of %d; rerun that shard to complete it", d, sh, n, st.Dir, indexList(absent), st.Members)
		}
		if stale != nil {
			return fmt.Errorf("%s (shard %d/%d): %s members %s were stored under other settings; rerun that shard", d, sh, n, st.Dir, indexList(stale))
		}
		present, err := s.Indices()
		if err != nil {
			return err
		}
		var foreign []int
		for _, i := range present {
			if i%n != sh || i >= st.Members {
				foreign = append(foreign, i)
			}
		}
		if foreign != nil {
			return fmt.Errorf("%s (shard %d/%d) holds %s members %s that belong to no shard %d of %d members; it was used by another shard or run: rerun that shard into a fresh directory", d, sh, n, st.Dir, indexList(foreign), sh, st.Members)
		}
	}
	return nil
}

// copyMembers copies every member of the set's stores from the shard that holds it into the same
// place under dst (atomically, file by file; a member already there intact is kept). A signal
// stops it between files; the rerun continues the copy.
func (set *shardSet) copyMembers(ctx context.Context, dst string) error {
	n := len(set.dirs)
	for _, st := range set.stores {
		to := runstore.Store{Dir: filepath.Join(dst, filepath.FromSlash(st.Dir)), Tag: st.Tag}
		for i := 0; i < st.Members; i++ {
			if ctx.Err() != nil {
				return errInterrupted
			}
			if to.Check(i) == nil {
				continue
			}
			from := runstore.Store{Dir: filepath.Join(set.dirs[i%n], filepath.FromSlash(st.Dir)), Tag: st.Tag}
			data, err := os.ReadFile(from.Path(i))
			if err != nil {
				return err
			}
			if err := output.WriteBytes(to.Path(i), data); err != nil {
				return err
			}
		}
	}
	return nil
}

func sameStores(a, b []storeRecord) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func storeNames(st []storeRecord) string {
	var s []string
	for _, x := range st {
		s = append(s, fmt.Sprintf("%s (%d members)", x.Dir, x.Members))
	}
	if s == nil {
		return "none"
	}
	return strings.Join(s, ", ")
}

func shardOf(dir string) int {
	b, _ := os.ReadFile(filepath.Join(dir, shardManifestName))
	var m shardManifest
	json.Unmarshal(b, &m)
	return m.Shard
}

func errOrText(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}
