package runstore

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

type member struct {
	X []float64
	N int
}

func newStore(t *testing.T, tag string) Store {
	t.Helper()
	return Store{Dir: filepath.Join(t.TempDir(), "runs"), Tag: tag}
}

func TestSaveLoad(t *testing.T) {
	t.Parallel()
	s := newStore(t, "a")
	want := member{X: []float64{0.1, 1.0 / 3}, N: 7}
	if err := Save(s, 12, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := Load[member](s, 12)
	if err != nil || !ok || got.N != 7 || got.X[1] != 1.0/3 {
		t.Fatalf("load: %v %v %+v", ok, err, got)
	}
	if err := s.Check(12); err != nil {
		t.Errorf("Check of an intact member: %v", err)
	}
	if _, ok, err := Load[member](s, 13); ok || err != nil {
		t.Errorf("absent member: ok %v, err %v", ok, err)
	}
	if err := s.Check(13); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Check of an absent member: %v", err)
	}
	other := Store{Dir: s.Dir, Tag: "b"}
	if _, ok, err := Load[member](other, 12); ok || err != nil {
		t.Errorf("member of another tag: ok %v, err %v; want stale (not ok, no error)", ok, err)
	}
	if err := other.Check(12); !errors.Is(err, ErrStale) {
		t.Errorf("Check under another tag: %v, want ErrStale", err)
	}
	idx, _ := s.Indices()
	if len(idx) != 1 || idx[0] != 12 {
		t.Errorf("indices %v", idx)
	}
}

// TestMovedMember: a member file copied under another index is stale, not data for that index.
func TestMovedMember(t *testing.T) {
	t.Parallel()
	s := newStore(t, "a")
	if err := Save(s, 3, member{N: 3}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(s.Path(3))
	if err := os.WriteFile(s.Path(4), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Load[member](s, 4); ok || err != nil {
		t.Errorf("member 3 under the name of 4: ok %v, err %v", ok, err)
	}
	if err := s.Check(4); !errors.Is(err, ErrStale) {
		t.Errorf("Check: %v, want ErrStale", err)
	}
}

// TestEveryDamageIsReported flips each byte of a member file in turn, and truncates it at every
// length: each altered file must be reported as corrupt, never decoded. (SHA-256 over the
// contents: a collision is not a practical event, so the assertion is exact.)
func TestEveryDamageIsReported(t *testing.T) {
	t.Parallel()
	s := newStore(t, "a")
	if err := Save(s, 0, member{X: []float64{1, 2, 3, 1e-7}, N: 5}); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(s.Path(0))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, data []byte) {
		t.Helper()
		if err := os.WriteFile(s.Path(0), data, 0o644); err != nil {
			t.Fatal(err)
		}
		v, ok, err := Load[member](s, 0)
		var ce *CorruptError
		if ok || !errors.As(err, &ce) {
			t.Fatalf("%s: ok %v, value %+v, err %v; want a CorruptError", what, ok, v, err)
		}
		if !strings.HasPrefix(err.Error(), s.Path(0)+": ") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("%s: error %q is not one line starting with the path", what, err)
		}
		if err := s.Check(0); !errors.As(err, &ce) {
			t.Fatalf("%s: Check %v", what, err)
		}
	}
	for i := range orig {
		for _, mask := range []byte{0x01, 0x80} {
			d := append([]byte(nil), orig...)
			d[i] ^= mask
			check("flip of byte "+itoa(i), d)
		}
	}
	for n := 0; n < len(orig); n++ {
		check("truncation to "+itoa(n), orig[:n])
	}
	check("appended byte", append(append([]byte(nil), orig...), 0))
	// The intact file still loads after all that (the test itself is sound).
	if err := os.WriteFile(s.Path(0), orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Load[member](s, 0); !ok || err != nil {
		t.Fatalf("intact file: ok %v, err %v", ok, err)
	}
}

func TestOldFormatIsNotData(t *testing.T) {
	t.Parallel()
	s := newStore(t, "a")
	os.MkdirAll(s.Dir, 0o755)
	os.WriteFile(s.Path(1), []byte("\x3f\xff\x81\x03\x01\x01\x08envelope"), 0o644) // a gob stream, as format 1 wrote
	_, _, err := Load[member](s, 1)
	if err == nil || !strings.Contains(err.Error(), "not a member file of this format") {
		t.Errorf("format-1 file: %v", err)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	type in struct {
		Lo, Hi float64
		Seed   uint64
	}
	a, err := Key("langevin", in{0, 9, 1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Key("langevin", in{0, 9.5, 1})
	c, _ := Key("langevin", in{0, 9, 1})
	d, _ := Key("rbm", in{0, 9, 1})
	if a == b || a == d || a != c {
		t.Errorf("keys: %s %s %s %s", a, b, c, d)
	}
	if !strings.HasPrefix(a, "langevin:") {
		t.Errorf("key %q lacks its kind", a)
	}
	if _, err := Key("x", func() {}); err == nil {
		t.Error("a value JSON cannot encode gave a key")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
