package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"fpsolve/internal/config"
	"fpsolve/internal/output"
)

// mergeCommand is `fpsolve merge -out DIR SHARD_DIR...`: it copies the persisted members of
// every shard into DIR/runs/... (and DIR/<sweep setting>/runs/...), checks that all shards ran
// the same config, and runs that config with output directory DIR. Every member is then found
// on disk, nothing is recomputed, and the outputs are those of the unsharded run.
func mergeCommand(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("fpsolve merge", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	out := fl.String("out", "", "output directory of the merged run")
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
	for _, d := range shards {
		if err := copyMembers(d, *out); err != nil {
			return err
		}
	}
	if err := output.WriteBytes(filepath.Join(*out, "config.toml"), cfgData); err != nil {
		return err
	}
	r := &runner{cfg: cfg, out: *out, shard: shardSpec{0, 1}, stdout: stdout, prog: newProgress(stderrFile(stderr)),
		summary: map[string]any{}, seconds: map[string]float64{}}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)
	r.interrupt = stop
	return r.all()
}

// copyMembers copies every file below a "runs" directory of the shard directory src into the
// same relative place under dst (atomically, file by file).
func copyMembers(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		under := false
		for _, p := range parts[:len(parts)-1] {
			if p == "runs" {
				under = true
			}
		}
		if !under {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return output.WriteBytes(filepath.Join(dst, rel), data)
	})
}
