// Package outdir claims an output directory for one fpsolve process: it locks the directory
// against a second writer and refuses to mix the results of two different runs in it.
//
// A claimed directory holds a record, run.json, with the fingerprint of the run that owns it
// (a hash of the resolved config and the shard). A later run with the same fingerprint continues
// there (its stored members are reused); a run with another fingerprint is refused, or, when
// forced, the old outputs are first moved aside into a dated sibling folder, so that stale
// files never sit beside new results. The run stores stay: their members are keyed by all that
// determines them, so the new run reuses exactly those that fit it.
package outdir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fpsolve/internal/output"
)

// LockName and RecordName are the two files the claim keeps in the directory.
const (
	LockName   = ".fpsolve.lock"
	RecordName = "run.json"
)

// Record describes the run that owns a directory.
type Record struct {
	Fingerprint string `json:"fingerprint"`
	Config      string `json:"config"` // where the config came from, for messages
	Shard       string `json:"shard,omitempty"`
	Started     string `json:"started"`
}

// Dir is a claimed output directory. Release it when the run ends.
type Dir struct {
	Path string
	lock *os.File
	// MovedTo is the folder the previous contents were moved into (forced claims only).
	MovedTo string
	// Removed counts the temporary files of an interrupted writer that the claim deleted.
	Removed int
}

// Claim locks dir (creating it) for this process and checks it against rec. It fails with a
// one-line error when another process holds the lock (naming its PID), or when dir holds the
// results of another run (another fingerprint, or files but no record) and force is false. With
// force, those contents are moved into a sibling folder named after dir and the time now, all
// but the run stores (see moveAside).
// Temporary files left by an interrupted writer are removed.
func Claim(dir string, rec Record, force bool, now time.Time) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %v", err)
	}
	lp := filepath.Join(dir, LockName)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("output directory %s: %v", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(lp)
		f.Close()
		holder := strings.TrimSpace(string(b))
		if holder == "" {
			holder = "unknown"
		}
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("output directory %s is in use by another fpsolve process (PID %s); wait for it or choose another -out", dir, holder)
		}
		return nil, fmt.Errorf("lock output directory %s: %v", dir, err)
	}
	d := &Dir{Path: dir, lock: f}
	fail := func(err error) (*Dir, error) { d.Release(); return nil, err }
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}

	old, err := readRecord(dir)
	if err != nil {
		return fail(err)
	}
	busy, err := hasContents(dir)
	if err != nil {
		return fail(err)
	}
	switch {
	case old != nil && old.Fingerprint == rec.Fingerprint:
		// The same run: continue.
	case !busy:
		// A new or empty directory.
	case !force:
		what := "files that no fpsolve run record describes"
		if old != nil {
			what = fmt.Sprintf("the results of another config (%s, started %s)", old.Config, old.Started)
			if old.Shard != rec.Shard {
				what = fmt.Sprintf("the results of another run (%s, shard %q, started %s)", old.Config, old.Shard, old.Started)
			}
		}
		return fail(fmt.Errorf("output directory %s holds %s; choose another -out, or rerun with -force to move them aside", dir, what))
	default:
		to, err := moveAside(dir, now)
		if err != nil {
			return fail(err)
		}
		d.MovedTo = to
	}
	n, err := removeTemps(dir)
	if err != nil {
		return fail(err)
	}
	d.Removed = n
	if old == nil || old.Fingerprint != rec.Fingerprint || d.MovedTo != "" {
		if rec.Started == "" {
			rec.Started = now.UTC().Format(time.RFC3339)
		}
		if err := output.WriteJSON(filepath.Join(dir, RecordName), rec); err != nil {
			return fail(err)
		}
	}
	return d, nil
}

// Release unlocks the directory. The lock file stays (it is unlocked, and the next claim
// takes it); it is never a sign of a running process by itself.
func (d *Dir) Release() {
	if d == nil || d.lock == nil {
		return
	}
	syscall.Flock(int(d.lock.Fd()), syscall.LOCK_UN)
	d.lock.Close()
	d.lock = nil
}

// ReadRecord returns the record of dir, nil when it has none.
func ReadRecord(dir string) (*Record, error) { return readRecord(dir) }

func readRecord(dir string) (*Record, error) {
	p := filepath.Join(dir, RecordName)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil || r.Fingerprint == "" {
		return nil, fmt.Errorf("%s: not a run record (%v); move the directory aside or rerun with -force", p, errOr(err, "no fingerprint"))
	}
	return &r, nil
}

func errOr(err error, s string) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// hasContents reports whether dir holds anything but the lock file.
func hasContents(dir string) (bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if e.Name() != LockName {
			return true, nil
		}
	}
	return false, nil
}

// StoreDirName is the name of the run-store directories that a forced claim keeps in place.
const StoreDirName = "runs"

// moveAside moves the contents of dir into DIR.replaced-YYYYMMDD-HHMMSS beside it, keeping the
// directory tree's shape, and returns that folder. Run stores (directories named StoreDirName,
// at any depth) and the lock stay: every member in a store is keyed by everything that
// determines it, so the next run reuses those that fit it and recomputes the rest.
func moveAside(dir string, now time.Time) (string, error) {
	clean := filepath.Clean(dir)
	base := clean + ".replaced-" + now.UTC().Format("20060102-150405")
	to := base
	for k := 2; ; k++ {
		if _, err := os.Lstat(to); errors.Is(err, os.ErrNotExist) {
			break
		}
		to = fmt.Sprintf("%s-%d", base, k)
	}
	if err := os.Mkdir(to, 0o755); err != nil {
		return "", fmt.Errorf("move the old outputs aside: %v", err)
	}
	if err := moveTree(clean, to, true); err != nil {
		return "", fmt.Errorf("move the old outputs aside into %s: %v", to, err)
	}
	return to, nil
}

// moveTree moves the entries of src into dst, recursing into directories that hold a run store
// somewhere below them, and keeping run stores (and, at the top, the lock) where they are.
func moveTree(src, dst string, top bool) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		name := e.Name()
		if (top && name == LockName) || (e.IsDir() && name == StoreDirName) {
			continue
		}
		from, to := filepath.Join(src, name), filepath.Join(dst, name)
		if e.IsDir() && holdsStore(from) {
			if err := os.Mkdir(to, 0o755); err != nil {
				return err
			}
			if err := moveTree(from, to, false); err != nil {
				return err
			}
			continue
		}
		if err := os.Rename(from, to); err != nil {
			return err
		}
	}
	return nil
}

// holdsStore reports whether a run store lies somewhere below dir.
func holdsStore(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.IsDir() && e.Name() == StoreDirName {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// tempRE matches the temporary files of output.WriteFile.
var tempRE = regexp.MustCompile(`^\..+\.tmp\d+$`)

// removeTemps deletes the temporary files that an interrupted writer left below dir (the lock is
// held, so no writer is running) and returns how many there were.
func removeTemps(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && tempRE.MatchString(e.Name()) {
			if err := os.Remove(p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
