// Package runstore persists the completed members of an ensemble (training runs, blocks of
// walkers), one file per member, so that an interrupted job continues where it stopped and
// shards of a job can be merged. Files are written atomically: a member is either complete on
// disk or absent.
package runstore

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"fpsolve/internal/output"
)

// Store is a directory of members of one ensemble, keyed by their global index.
type Store struct {
	Dir string
	// Tag identifies the ensemble's settings; members saved under another tag are not reused
	// (a changed config starts afresh instead of mixing results).
	Tag string
}

var nameRE = regexp.MustCompile(`^member-(\d+)\.gob$`)

func (s Store) path(i int) string { return filepath.Join(s.Dir, fmt.Sprintf("member-%07d.gob", i)) }

type envelope[T any] struct {
	Tag   string
	Index int
	Value T
}

// Save writes member i atomically.
func Save[T any](s Store, i int, v T) error {
	return output.WriteFile(s.path(i), func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(envelope[T]{Tag: s.Tag, Index: i, Value: v})
	})
}

// Load reads member i; ok is false when it is absent or was saved under another tag.
func Load[T any](s Store, i int) (v T, ok bool, err error) {
	f, err := os.Open(s.path(i))
	if errors.Is(err, os.ErrNotExist) {
		return v, false, nil
	}
	if err != nil {
		return v, false, err
	}
	defer f.Close()
	var e envelope[T]
	if err := gob.NewDecoder(f).Decode(&e); err != nil {
		return v, false, fmt.Errorf("%s: unreadable (%v); delete it to recompute that member", s.path(i), err)
	}
	if e.Tag != s.Tag || e.Index != i {
		return v, false, nil
	}
	return e.Value, true, nil
}

// Indices lists the member indices present in the directory, ascending.
func (s Store) Indices() ([]int, error) {
	ents, err := os.ReadDir(s.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range ents {
		if m := nameRE.FindStringSubmatch(e.Name()); m != nil {
			i, _ := strconv.Atoi(m[1])
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out, nil
}
