package main

import (
	"bytes"
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
	set, err := runstore.CheckShards(shards, key)
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
	if err := set.CopyMembers(ctx, *out); err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return err
	}
	if err := output.WriteBytes(filepath.Join(*out, "config.toml"), cfgData); err != nil {
		return err
	}
	r := newRunner(cfg, *out, shardSpec{0, 1}, stdout, stderr)
	r.sess.configKey = key
	r.sess.merged = map[string]runstore.StoreRecord{}
	for _, st := range set.Stores {
		r.sess.merged[st.Dir] = st
	}
	r.ctx = ctx
	return r.all()
}
