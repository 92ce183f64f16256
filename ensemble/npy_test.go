package ensemble

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// npyBytes encodes a (R, S, rows, cols) or lower-rank array of vals (given in C order) in
// the NumPy format, with the dtype's byte order and size, in C or Fortran order: the
// independent writer against which the reader is tested.
func npyBytes(t *testing.T, shape []int, vals []float64, dtype string, fortran bool) []byte {
	t.Helper()
	var bo binary.ByteOrder = binary.LittleEndian
	if dtype[0] == '>' {
		bo = binary.BigEndian
	}
	shp := make([]string, len(shape))
	for i, d := range shape {
		shp[i] = fmt.Sprint(d)
	}
	tuple := "(" + strings.Join(shp, ", ") + ",)"
	ford := "False"
	if fortran {
		ford = "True"
	}
	head := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", dtype, ford, tuple)
	for (10+len(head)+1)%64 != 0 {
		head += " "
	}
	head += "\n"
	var b bytes.Buffer
	b.Write([]byte("\x93NUMPY\x01\x00"))
	binary.Write(&b, binary.LittleEndian, uint16(len(head)))
	b.WriteString(head)
	// C-order strides, to find the C index of each Fortran-order position.
	n := len(vals)
	order := make([]int, n)
	for c := range order {
		order[c] = c
	}
	if fortran {
		for f := range n {
			// f = i0 + d0 (i1 + d1 (i2 + ...)); the C index is ((i0 d1 + i1) d2 + i2) ...
			rem, c := f, 0
			idx := make([]int, len(shape))
			for a, d := range shape {
				idx[a] = rem % d
				rem /= d
			}
			for a, d := range shape {
				c = c*d + idx[a]
			}
			order[f] = c
		}
	}
	for _, c := range order {
		if dtype[2] == '4' {
			binary.Write(&b, bo, float32(vals[c]))
		} else {
			binary.Write(&b, bo, vals[c])
		}
	}
	return b.Bytes()
}

func writeNPZ(t *testing.T, path string, arrays map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for k, v := range arrays {
		w, err := z.Create(k + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		w.Write(v)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// knownWeights builds runs x snaps matrices rows x cols that are a column permutation of a
// rectangular diagonal D with entries exactly representable in float32, distinct per run,
// snapshot and position: W[i][perm(i)] = d_i. Their singular values are |d_i|, W^T W is
// diagonal with d_i^2 (and zeros for the columns not hit), so every spectrum is known exactly,
// and a swapped axis or a transposed matrix changes it.
func knownWeights(runs, snaps, rows, cols int) (vals []float64, singular, gram [][][]float64) {
	singular = make([][][]float64, runs)
	gram = make([][][]float64, runs)
	for r := range runs {
		for s := range snaps {
			w := make([]float64, rows*cols)
			var sv, g []float64
			for i := range min(rows, cols) {
				d := float64(1+r) + 0.25*float64(s) + 0.0625*float64(i)
				if i%2 == 1 {
					d = -d
				}
				j := (i + 1) % cols
				if rows > cols || cols == 1 {
					j = i
				}
				w[i*cols+j] = d
				sv = append(sv, math.Abs(d))
				g = append(g, d*d)
			}
			for len(g) < cols {
				g = append(g, 0)
			}
			slices.Sort(sv)
			slices.Sort(g)
			vals = append(vals, w...)
			singular[r] = append(singular[r], sv)
			gram[r] = append(gram[r], g)
		}
	}
	return vals, singular, gram
}

func TestWeightSpectraEveryLayout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const R, S, rows, cols = 3, 4, 2, 3
	vals, sing, gram := knownWeights(R, S, rows, cols)
	for _, dtype := range []string{"<f8", ">f8", "<f4", ">f4"} {
		for _, fortran := range []bool{false, true} {
			for _, rank := range []int{4, 3, -3} { // -3: (snapshots, rows, cols), one run per file
				name := fmt.Sprintf("%s fortran=%v rank=%d", dtype, fortran, rank)
				shape, want, wantG, perRun := []int{R, S, rows, cols}, sing, gram, false
				v := vals
				switch rank {
				case 3: // (runs, rows, cols): the first snapshot of each run
					shape = []int{R, rows, cols}
					v, want, wantG = nil, nil, nil
					for r := range R {
						v = append(v, vals[(r*S)*rows*cols:(r*S+1)*rows*cols]...)
						want = append(want, sing[r][:1])
						wantG = append(wantG, gram[r][:1])
					}
				case -3:
					shape, perRun = []int{S, rows, cols}, true
					v, want, wantG = vals[:S*rows*cols], sing[:1], gram[:1]
				}
				path := filepath.Join(dir, strings.NewReplacer("<", "l", ">", "b", " ", "_", "=", "").Replace(name)+".npz")
				writeNPZ(t, path, map[string][]byte{"W": npyBytes(t, shape, v, dtype, fortran)})
				f, err := OpenNumPy(path)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, c := range []struct {
					k    SpectrumKind
					want [][][]float64
				}{{Singular, want}, {Gram, wantG}} {
					got, err := f.WeightSpectra("W", perRun, c.k, 1<<30)
					if err != nil {
						t.Fatalf("%s %v: %v", name, c.k, err)
					}
					// Exact: the entries are float32-representable and every spectrum is of a
					// permuted diagonal, which the SVD and the symmetric eigensolver return exactly.
					if fmt.Sprint(got) != fmt.Sprint(c.want) {
						t.Errorf("%s %v:\n got %v\nwant %v", name, c.k, got, c.want)
					}
				}
				f.Close()
			}
		}
	}
}

func TestWeightSpectraSymmetricAndValues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// (W + W^T)/2 of W = [[1, 4], [0, 1]] is [[1, 2], [2, 1]], eigenvalues -1 and 3.
	path := filepath.Join(dir, "sym.npy")
	if err := os.WriteFile(path, npyBytes(t, []int{1, 1, 2, 2}, []float64{1, 4, 0, 1}, "<f8", true), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenNumPy(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.WeightSpectra("sym", false, Symmetric, 1<<30)
	if err != nil || len(got) != 1 || math.Abs(got[0][0][0]+1) > 1e-15 || math.Abs(got[0][0][1]-3) > 1e-15 {
		t.Errorf("symmetric: %v %v, want [[[-1 3]]] (to rounding)", got, err)
	}
	// Spectra written by WriteNPZ read back exactly with kind Values.
	e := &Trained{Alpha: 0.1, Batch: 16, Runs: []int{0, 3}, Steps: []int{0, 7},
		Spectra: [][][]float64{{{0.1, 0.2}, {0.3, 0.5}}, {{1.0 / 3, 2}, {1e-9, math.Pi}}}}
	var b bytes.Buffer
	if err := e.WriteNPZ(&b, map[string]any{"noise": 0.5}); err != nil {
		t.Fatal(err)
	}
	p2 := filepath.Join(dir, "spectra.npz")
	os.WriteFile(p2, b.Bytes(), 0o644)
	g, err := OpenNumPy(p2)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := g.WeightSpectra("spectra", false, Values, 1<<30)
	if err != nil || fmt.Sprint(sp) != fmt.Sprint(e.Spectra) {
		t.Errorf("values: %v %v, want %v", sp, err, e.Spectra)
	}
	for key, want := range map[string][]float64{"steps": {0, 7}, "runs": {0, 3}, "lr": {0.1}, "batch_size": {16}, "noise": {0.5}} {
		if v, err := g.Floats(key, 16); err != nil || !slices.Equal(v, want) {
			t.Errorf("%s: %v %v, want %v", key, v, err, want)
		}
	}
}

func TestWeightSpectraRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	nan := npyBytes(t, []int{2, 3, 2, 2}, make([]float64, 24), "<f8", false)
	binary.LittleEndian.PutUint64(nan[len(nan)-8*(24-(1*3+2)*4):], math.Float64bits(math.NaN()))
	big := npyBytes(t, []int{9999999, 999, 2, 2}, make([]float64, 4), "<f8", false)
	bad := npyBytes(t, []int{1, 2, 2}, make([]float64, 4), "<f8", false)
	bad = bytes.Replace(bad, []byte(" \n"), []byte("  "), 1)
	cases := []struct {
		path, key string
		kind      SpectrumKind
		want      string
	}{
		{write("text.npy", []byte("run,step\n")), "", Singular, "not a NumPy file"},
		{write("rank.npy", npyBytes(t, []int{4, 2}, make([]float64, 8), "<f8", false)), "rank", Singular, "rank 2"},
		{write("int.npy", npyBytes(t, []int{1, 2, 2}, make([]float64, 4), "<f8", false)[:0]), "int", Singular, "not a NumPy file"},
		{write("nan.npy", nan), "nan", Gram, "run 1, snapshot 2"},
		{write("big.npy", big), "big", Gram, "more than the limit"},
		{write("short.npy", npyBytes(t, []int{2, 2, 2}, make([]float64, 8), "<f8", false)[:128+40]), "short", Singular, "shorter than its shape"},
		{write("bad.npy", bad), "bad", Singular, "malformed header"},
		{write("rect.npy", npyBytes(t, []int{2, 2, 3}, make([]float64, 12), "<f8", false)), "rect", Symmetric, "square"},
		{write("obj.npy", bytes.Replace(npyBytes(t, []int{1, 2, 2}, make([]float64, 4), "<f8", false), []byte("'<f8'"), []byte("'|O' "), 1)), "obj", Singular, "pickle"},
	}
	for _, c := range cases {
		f, err := OpenNumPy(c.path)
		if err == nil {
			_, err = f.WeightSpectra(c.key, false, c.kind, 1<<30)
			f.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", filepath.Base(c.path), err, c.want)
		}
	}
	if f, err := OpenNumPy(cases[1].path); err == nil {
		if _, err := f.WeightSpectra("W", false, Singular, 1<<30); err == nil || !strings.Contains(err.Error(), `no array "W"`) {
			t.Errorf("missing key: %v", err)
		}
	}
}

// TestWeightSpectraNumPy has NumPy write every layout, dtype and order with random weights
// and its own LAPACK spectra (float64) and compares.
func TestWeightSpectraNumPy(t *testing.T) {
	t.Parallel()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skip("python3-numpy is not installed: the Go-written files above cover the reader")
	}
	dir := t.TempDir()
	script := `
import numpy as np, sys, itertools
rng = np.random.default_rng(1)
W = rng.normal(size=(5, 3, 4, 3))
S = np.sort(np.linalg.svd(W, compute_uv=False), axis=-1)
G = np.linalg.eigvalsh(np.swapaxes(W, -1, -2) @ W)
Q = rng.normal(size=(5, 3, 3, 3))
Y = np.linalg.eigvalsh((Q + np.swapaxes(Q, -1, -2)) / 2)
for dt, order in itertools.product(['<f8', '>f8', '<f4', '>f4'], ['C', 'F']):
    w = np.asarray(W, dtype=dt, order=order); q = np.asarray(Q, dtype=dt, order=order)
    w64 = w.astype(np.float64); q64 = q.astype(np.float64)
    np.savez(sys.argv[1] + '/w_%s_%s.npz' % (dt[0] == '<' and 'l' or 'b', dt[1:] + order),
        W=w, Q=q, sing=np.sort(np.linalg.svd(w64, compute_uv=False), axis=-1),
        gram=np.linalg.eigvalsh(np.swapaxes(w64, -1, -2) @ w64),
        sym=np.linalg.eigvalsh((q64 + np.swapaxes(q64, -1, -2)) / 2), lr=0.05, batch_size=8)
`
	if out, err := exec.Command(py, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.npz"))
	if len(files) != 8 {
		t.Fatalf("%d files, want 8", len(files))
	}
	for _, p := range files {
		f, err := OpenNumPy(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			key, ref string
			kind     SpectrumKind
		}{{"W", "sing", Singular}, {"W", "gram", Gram}, {"Q", "sym", Symmetric}} {
			got, err := f.WeightSpectra(c.key, false, c.kind, 1<<30)
			if err != nil {
				t.Fatalf("%s %s: %v", p, c.key, err)
			}
			ref, err := f.WeightSpectra(c.ref, false, Values, 1<<30)
			if err != nil {
				t.Fatalf("%s %s: %v", p, c.ref, err)
			}
			// Both LAPACK (NumPy) and gonum are backward stable: the spectra agree to a few
			// float64 rounding errors of the largest value (about 10 here).
			for r := range got {
				for s := range got[r] {
					for k := range got[r][s] {
						if d := math.Abs(got[r][s][k] - ref[r][s][k]); d > 1e-12 {
							t.Fatalf("%s %v run %d snapshot %d mode %d: %v, numpy %v", filepath.Base(p), c.kind, r, s, k, got[r][s][k], ref[r][s][k])
						}
					}
				}
			}
		}
		if lr, err := f.Floats("lr", 1); err != nil || lr[0] != 0.05 {
			t.Errorf("%s lr: %v %v", p, lr, err)
		}
		f.Close()
	}
}

func BenchmarkWeightSpectra3000x6(b *testing.B) {
	dir := b.TempDir()
	t := &testing.T{}
	vals, _, _ := knownWeights(3000, 6, 2, 2)
	p := filepath.Join(dir, "w.npy")
	os.WriteFile(p, npyBytes(t, []int{3000, 6, 2, 2}, vals, "<f8", false), 0o644)
	b.ResetTimer()
	for b.Loop() {
		f, err := OpenNumPy(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.WeightSpectra("w", false, Singular, 1<<30); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

// BenchmarkWeightSpectra1GB streams a 1 GB float32 C-order file of 62,500 x 4 matrices 32 x
// 32: the process's peak resident memory (maxrss-MB, about the 64 MB of spectra plus the
// runtime's own) shows that the file is never held, let alone twice. The file is written
// once, in the temporary directory, from one reused matrix.
func BenchmarkWeightSpectra1GB(b *testing.B) {
	const R, S, n = 62500, 4, 32
	p := filepath.Join(b.TempDir(), "big.npy")
	t := &testing.T{}
	head := npyBytes(t, []int{R, S, n, n}, nil, "<f4", false)
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	f.Write(head)
	m := make([]byte, n*n*4)
	for i := range n {
		binary.LittleEndian.PutUint32(m[(i*n+i)*4:], math.Float32bits(float32(1+i)))
	}
	for range R * S {
		f.Write(m)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(R * S * n * n * 4))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		z, err := OpenNumPy(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := z.WeightSpectra("big", false, Gram, 1<<30); err != nil {
			b.Fatal(err)
		}
		z.Close()
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
	}
}
