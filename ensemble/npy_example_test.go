package ensemble_test

import (
	"fmt"
	"os"
	"path/filepath"

	"fpsolve/ensemble"
)

// Spectra written as a NumPy archive (what numpy.load reads in one call) and read back: the
// array "spectra" holds ready spectra, so its kind is Values.
func ExampleOpenNumPy() {
	e := &ensemble.Trained{Alpha: 0.1, Batch: 16, Runs: []int{0, 1}, Steps: []int{0, 10},
		Spectra: [][][]float64{{{0.5, 1}, {1.5, 2}}, {{0.25, 1}, {1.75, 2.5}}}}
	dir, _ := os.MkdirTemp("", "npz")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "spectra.npz")
	f, _ := os.Create(path)
	if err := e.WriteNPZ(f, nil); err != nil {
		fmt.Println(err)
	}
	f.Close()

	z, err := ensemble.OpenNumPy(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer z.Close()
	h, _ := z.Header("spectra")
	spectra, _ := z.WeightSpectra("spectra", false, ensemble.Values, 1<<20)
	lr, _ := z.Floats("lr", 1)
	fmt.Println(z.Keys())
	fmt.Println(h.Dtype, h.Shape, spectra[1][1], lr)
	// Output:
	// [batch_size lr runs spectra steps]
	// <f8 [2 2 2] [1.75 2.5] [0.1]
}
