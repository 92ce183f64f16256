package runstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fpsolve/internal/output"
)

// ManifestName is the file in which a shard directory lists the stores it filled.
const ManifestName = "shard.json"

// Manifest is a shard's shard.json: written by a shard run that completed, read by a merge to
// check that the shard set is complete and consistent before anything is written.
type Manifest struct {
	Format int           `json:"format"` // FormatVersion of the writer
	Shard  int           `json:"shard"`  // I of I/N
	Of     int           `json:"of"`     // N
	Config string        `json:"config"` // the fingerprint of the config the shard ran
	Stores []StoreRecord `json:"stores"`
}

// StoreRecord describes one store of a shard: its directory relative to the shard directory
// (slash-separated), the key of its members, and how many members the whole ensemble has (the
// shard holds those with index = I mod N).
type StoreRecord struct {
	Dir     string `json:"dir"`
	Tag     string `json:"tag"`
	Members int    `json:"members"`
}

// WriteManifest writes m as dir/shard.json.
func WriteManifest(dir string, m Manifest) error {
	if m.Stores == nil {
		m.Stores = []StoreRecord{}
	}
	return output.WriteJSON(filepath.Join(dir, ManifestName), m)
}

// ShardSet is a checked, complete and consistent set of shard directories.
type ShardSet struct {
	Dirs   []string      // Dirs[I] holds shard I/N
	Stores []StoreRecord // the stores every shard filled
}

// CheckShards reads the manifest of every shard directory in paths and checks, without writing
// anything, that they are one complete, consistent set: every directory holds a manifest of
// this format whose config fingerprint is key; the shards are 0/N ... N-1/N of one N, each once;
// every shard lists the same stores (directory, key, size); and shard I holds every member
// i = I mod N of each store, intact and under the store's key, and no other member. Every
// problem is one line naming the shard directory and what is wrong or missing.
func CheckShards(paths []string, key string) (*ShardSet, error) {
	var n int
	var first []StoreRecord
	var dirs []string
	for k, d := range paths {
		b, err := os.ReadFile(filepath.Join(d, ManifestName))
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s: the shard did not finish (rerun its fpsolve -shard command to complete it)", d, ManifestName)
		}
		if err != nil {
			return nil, err
		}
		var m Manifest
		if err := json.Unmarshal(b, &m); err != nil || m.Of < 1 || m.Shard < 0 || m.Shard >= m.Of {
			return nil, fmt.Errorf("%s: %s is damaged (%v); rerun that shard", d, ManifestName, errOrText(err, "shard index out of range"))
		}
		if m.Format != FormatVersion {
			return nil, fmt.Errorf("%s: written by another fpsolve format (%d, this is %d); rerun that shard", d, m.Format, FormatVersion)
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
	set := &ShardSet{Dirs: dirs, Stores: first}
	for _, st := range first {
		if err := set.checkStore(st); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// checkStore checks that shard I holds, intact and under the store's key, every member i of st
// with i = I mod N, and no other member.
func (set *ShardSet) checkStore(st StoreRecord) error {
	n := len(set.Dirs)
	for sh, d := range set.Dirs {
		s := Store{Dir: filepath.Join(d, filepath.FromSlash(st.Dir)), Tag: st.Tag}
		var absent, stale []int
		for i := sh; i < st.Members; i += n {
			var ce *CorruptError
			switch err := s.Check(i); {
			case err == nil:
			case errors.Is(err, os.ErrNotExist):
				absent = append(absent, i)
			case errors.Is(err, ErrStale):
				stale = append(stale, i)
			case errors.As(err, &ce):
				return fmt.Errorf("%v; rerun shard %d/%d in %s to recompute it", err, sh, n, d)
			default:
				return err
			}
		}
		if absent != nil {
			return fmt.Errorf("%s (shard %d/%d) lacks %s members %s of %d; rerun that shard to complete it", d, sh, n, st.Dir, IndexList(absent), st.Members)
		}
		if stale != nil {
			return fmt.Errorf("%s (shard %d/%d): %s members %s were stored under other settings; rerun that shard", d, sh, n, st.Dir, IndexList(stale))
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
			return fmt.Errorf("%s (shard %d/%d) holds %s members %s that belong to no shard %d of %d members; it was used by another shard or run: rerun that shard into a fresh directory", d, sh, n, st.Dir, IndexList(foreign), sh, st.Members)
		}
	}
	return nil
}

// CopyMembers copies every member of the set's stores from the shard that holds it into the same
// place under dst (atomically, file by file; a member already there intact is kept). A cancelled
// ctx stops it between files with ctx.Err(); running it again continues the copy.
func (set *ShardSet) CopyMembers(ctx context.Context, dst string) error {
	n := len(set.Dirs)
	for _, st := range set.Stores {
		to := Store{Dir: filepath.Join(dst, filepath.FromSlash(st.Dir)), Tag: st.Tag}
		for i := 0; i < st.Members; i++ {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if to.Check(i) == nil {
				continue
			}
			from := Store{Dir: filepath.Join(set.Dirs[i%n], filepath.FromSlash(st.Dir)), Tag: st.Tag}
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

func sameStores(a, b []StoreRecord) bool {
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

func storeNames(st []StoreRecord) string {
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
	b, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	var m Manifest
	json.Unmarshal(b, &m)
	return m.Shard
}

func errOrText(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// IndexList formats ascending indices compactly: "0, 3-5, 9" (at most 20 items).
func IndexList(idx []int) string {
	var parts []string
	for k := 0; k < len(idx); {
		j := k
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if len(parts) == 20 {
			parts = append(parts, fmt.Sprintf("... (%d in all)", len(idx)))
			break
		}
		if j > k {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[k], idx[j]))
		} else {
			parts = append(parts, fmt.Sprint(idx[k]))
		}
		k = j + 1
	}
	return strings.Join(parts, ", ")
}
