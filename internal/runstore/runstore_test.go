package runstore

import (
	"os"
	"path/filepath"
	"testing"
)

type member struct {
	X []float64
	N int
}

func TestSaveLoad(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "runs"), Tag: "a"}
	want := member{X: []float64{0.1, 1.0 / 3}, N: 7}
	if err := Save(s, 12, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := Load[member](s, 12)
	if err != nil || !ok || got.N != 7 || got.X[1] != 1.0/3 {
		t.Fatalf("load: %v %v %+v", ok, err, got)
	}
	if _, ok, _ := Load[member](s, 13); ok {
		t.Error("absent member loaded")
	}
	if _, ok, _ := Load[member](Store{Dir: s.Dir, Tag: "b"}, 12); ok {
		t.Error("member of another tag reused")
	}
	idx, _ := s.Indices()
	if len(idx) != 1 || idx[0] != 12 {
		t.Errorf("indices %v", idx)
	}
	os.WriteFile(filepath.Join(s.Dir, "member-0000013.gob"), []byte("junk"), 0o644)
	if _, _, err := Load[member](s, 13); err == nil {
		t.Error("corrupt member accepted")
	}
}
