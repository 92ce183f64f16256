package plots

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWritePNG(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a.png")
	x := []float64{0, 1, 2, 3}
	err := Write(path, 2,
		Panel{Title: "lines", Legend: true, Series: []Series{{Name: "a", X: x, Y: x}, {Name: "h", X: x, Y: x, Kind: Steps}}},
		Panel{Title: "marks", Series: []Series{{X: x, Y: x, Kind: Marks}, {X: []float64{1.5}, Y: []float64{3}, Kind: VLine}}},
		Panel{Title: "third"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 400 {
		t.Errorf("image %v too small for 2x2 panels", b)
	}
}
