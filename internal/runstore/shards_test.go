package runstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestIndexList(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   []int
		want string
	}{
		{nil, ""}, {[]int{4}, "4"}, {[]int{0, 1, 2, 5, 7, 8}, "0-2, 5, 7-8"},
	} {
		if got := IndexList(c.in); got != c.want {
			t.Errorf("IndexList(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	var many []int
	for i := 0; i < 100; i += 2 {
		many = append(many, i)
	}
	if got := IndexList(many); !strings.HasSuffix(got, "... (50 in all)") {
		t.Errorf("50 scattered indices: %q", got)
	}
}

// TestCheckShards builds a two-shard set of a 5-member store by hand and checks that the set is
// accepted and copied whole, and that each defect is named.
func TestCheckShards(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const key, tag = "cfg", "rbm:abc"
	shard := func(name string, i int, members ...int) string {
		d := filepath.Join(dir, name)
		s := Store{Dir: filepath.Join(d, "runs", "rbm"), Tag: tag}
		for _, m := range members {
			if err := Save(s, m, member{N: m}); err != nil {
				t.Fatal(err)
			}
		}
		if err := WriteManifest(d, Manifest{Format: FormatVersion, Shard: i, Of: 2, Config: key,
			Stores: []StoreRecord{{Dir: "runs/rbm", Tag: tag, Members: 5}}}); err != nil {
			t.Fatal(err)
		}
		return d
	}
	s0, s1 := shard("s0", 0, 0, 2, 4), shard("s1", 1, 1, 3)
	set, err := CheckShards([]string{s1, s0}, key)
	if err != nil {
		t.Fatal(err)
	}
	if set.Dirs[0] != s0 || set.Dirs[1] != s1 || len(set.Stores) != 1 {
		t.Fatalf("set %+v", set)
	}
	dst := filepath.Join(dir, "merged")
	if err := set.CopyMembers(context.Background(), dst); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if v, ok, err := Load[member](Store{Dir: filepath.Join(dst, "runs", "rbm"), Tag: tag}, i); !ok || err != nil || v.N != i {
			t.Errorf("merged member %d: %+v %v %v", i, v, ok, err)
		}
	}
	for _, c := range []struct {
		what  string
		paths []string
		key   string
		want  string
	}{
		{"a shard missing", []string{s0}, key, "shard 1/2 missing"},
		{"another config", []string{s0, s1}, "other", "another config"},
		{"the same shard twice", []string{s0, s0, s1}, key, "are both shard 0/2"},
	} {
		if _, err := CheckShards(c.paths, c.key); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.what, err, c.want)
		}
	}
	s2 := shard("s2", 0, 0, 2) // member 4 missing
	if _, err := CheckShards([]string{s2, s1}, key); err == nil || !strings.Contains(err.Error(), "lacks runs/rbm members 4 of 5") {
		t.Errorf("a missing member: %v", err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := set.CopyMembers(cancelled, filepath.Join(dir, "m2")); err != context.Canceled {
		t.Errorf("a cancelled copy: %v", err)
	}
}
