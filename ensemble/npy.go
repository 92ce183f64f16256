package ensemble

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"
)

// SpectrumKind says which spectrum of a weight matrix W is a member's spectrum.
type SpectrumKind int

const (
	// Singular: the singular values of W (rows x cols), min(rows, cols) of them.
	Singular SpectrumKind = iota
	// Gram: the eigenvalues of W^T W, cols of them (the squares of the singular values, and
	// zeros where cols > rows).
	Gram
	// Symmetric: the eigenvalues of (W + W^T)/2; W must be square.
	Symmetric
	// Values: the array holds spectra already, (runs, snapshots, modes) or (snapshots,
	// modes) with one file per run, as fpsolve's trainers write them; each is sorted.
	Values
)

// ParseSpectrumKind reads "singular", "gram" or "symmetric".
func ParseSpectrumKind(s string) (SpectrumKind, error) {
	switch s {
	case "singular":
		return Singular, nil
	case "gram":
		return Gram, nil
	case "symmetric":
		return Symmetric, nil
	case "values":
		return Values, nil
	}
	return 0, fmt.Errorf("spectrum %q is not one of \"singular\", \"gram\", \"symmetric\", \"values\"", s)
}

func (k SpectrumKind) String() string {
	return [...]string{"singular", "gram", "symmetric", "values"}[k]
}

// ArrayHeader is what the header of a NumPy array says: its element type, order and shape.
type ArrayHeader struct {
	Dtype   string // as written, e.g. "<f8", ">f4", "|O"
	Fortran bool   // column-major data
	Shape   []int
}

// Elements is the number of entries of the array (1 for a scalar).
func (h ArrayHeader) Elements() int64 {
	n := int64(1)
	for _, d := range h.Shape {
		n *= int64(d)
	}
	return n
}

// float returns the byte order and item size of a float32 or float64 array, or an error
// naming the dtype (an object array is a pickle, and the message says how to avoid one).
func (h ArrayHeader) float() (binary.ByteOrder, int, error) {
	d := h.Dtype
	if strings.HasSuffix(d, "O") {
		return nil, 0, errors.New("an object array (a pickle, e.g. a list of matrices of different shapes): save a plain float array instead, np.save(path, np.asarray(W, dtype=np.float64))")
	}
	if len(d) != 3 || (d[1] != 'f') {
		return nil, 0, fmt.Errorf("dtype %q: want float32 or float64 (<f4, >f4, <f8, >f8)", d)
	}
	var bo binary.ByteOrder
	switch d[0] {
	case '<', '=':
		bo = binary.LittleEndian
	case '>':
		bo = binary.BigEndian
	default:
		return nil, 0, fmt.Errorf("dtype %q: unknown byte order", d)
	}
	switch d[2] {
	case '4':
		return bo, 4, nil
	case '8':
		return bo, 8, nil
	}
	return nil, 0, fmt.Errorf("dtype %q: want float32 or float64 (<f4, >f4, <f8, >f8)", d)
}

// NumPyFile is an open .npy file (one array, named by its file's base name without
// extension) or .npz archive (several named arrays). Headers are read on demand without
// reading the data.
//
// The format's headers, archive and version handling are codeberg.org/sbinet/npyio's; the
// data of a weight array is decoded here, matrix by matrix from the stream, because that
// library's Read holds the whole raw file and then its decoded copy (twice the file in
// memory), where a weight ensemble only needs each matrix's spectrum.
type NumPyFile struct {
	path string
	npz  *npz.Reader
	name string // the one array of a .npy
}

// OpenNumPy opens a .npy or .npz file (told apart by its content: an archive starts "PK").
func OpenNumPy(path string) (*NumPyFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [6]byte
	n, _ := io.ReadFull(f, magic[:])
	f.Close()
	switch {
	case n >= 2 && magic[0] == 'P' && magic[1] == 'K':
		r, err := npz.Open(path)
		if err != nil {
			return nil, fmt.Errorf("not a NumPy .npz archive: %v", err)
		}
		return &NumPyFile{path: path, npz: r}, nil
	case n == 6 && magic == npy.Magic:
		base := filepath.Base(path)
		return &NumPyFile{path: path, name: strings.TrimSuffix(base, filepath.Ext(base))}, nil
	}
	return nil, errors.New("not a NumPy file (.npy starts with \\x93NUMPY, .npz is a zip archive)")
}

// Close releases the file.
func (f *NumPyFile) Close() error {
	if f.npz != nil {
		return f.npz.Close()
	}
	return nil
}

// Keys returns the names of the arrays, without the archive's ".npy" suffixes.
func (f *NumPyFile) Keys() []string {
	if f.npz == nil {
		return []string{f.name}
	}
	var keys []string
	for _, k := range f.npz.Keys() {
		keys = append(keys, strings.TrimSuffix(k, ".npy"))
	}
	return keys
}

// Has reports whether the file holds an array named key.
func (f *NumPyFile) Has(key string) bool { return slices.Contains(f.Keys(), key) }

// open returns a stream positioned at the data of array key, with its header.
func (f *NumPyFile) open(key string) (io.ReadCloser, ArrayHeader, error) {
	var rc io.ReadCloser
	if f.npz == nil {
		if key != f.name {
			return nil, ArrayHeader{}, fmt.Errorf("no array %q: a .npy file holds one array (here %q)", key, f.name)
		}
		file, err := os.Open(f.path)
		if err != nil {
			return nil, ArrayHeader{}, err
		}
		rc = file
	} else {
		if !f.Has(key) {
			return nil, ArrayHeader{}, fmt.Errorf("no array %q (the file has %s)", key, strings.Join(f.Keys(), ", "))
		}
		name := key + ".npy"
		if !slices.Contains(f.npz.Keys(), name) {
			name = key // an archive entry written without the suffix
		}
		var err error
		if rc, err = f.npz.Open(name); err != nil {
			return nil, ArrayHeader{}, err
		}
	}
	// npy.NewReader reads the header unbuffered, leaving rc at the first data byte.
	r, err := newNpyReader(rc)
	if err != nil {
		rc.Close()
		return nil, ArrayHeader{}, fmt.Errorf("array %q: not a NumPy array: %v", key, err)
	}
	d := r.Header.Descr
	h := ArrayHeader{Dtype: strings.Trim(d.Type, "'\" "), Fortran: d.Fortran, Shape: d.Shape}
	return rc, h, nil
}

// newNpyReader is npy.NewReader that turns the library's panic on a malformed header (one
// without its closing newline) into an error.
func newNpyReader(rc io.Reader) (r *npy.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("malformed header (%v)", p)
		}
	}()
	return npy.NewReader(rc)
}

// Header returns the header of array key without reading its data.
func (f *NumPyFile) Header(key string) (ArrayHeader, error) {
	rc, h, err := f.open(key)
	if err != nil {
		return h, err
	}
	rc.Close()
	return h, nil
}

// Floats reads a small array key (at most max entries) of any real or integer dtype as
// float64 values, in C order. It is for settings and steps, not for weights.
func (f *NumPyFile) Floats(key string, max int) ([]float64, error) {
	rc, h, err := f.open(key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	n := h.Elements()
	if n > int64(max) {
		return nil, fmt.Errorf("array %q has %d entries, want at most %d", key, n, max)
	}
	if len(h.Shape) > 1 {
		return nil, fmt.Errorf("array %q has shape %v, want a scalar or a list", key, h.Shape)
	}
	d := h.Dtype
	if len(d) < 3 {
		return nil, fmt.Errorf("array %q: dtype %q is not a number", key, d)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if d[0] == '>' {
		bo = binary.BigEndian
	}
	size := 0
	if _, err := fmt.Sscanf(d[2:], "%d", &size); err != nil || (size != 1 && size != 2 && size != 4 && size != 8) {
		return nil, fmt.Errorf("array %q: dtype %q is not a number", key, d)
	}
	buf := make([]byte, int(n)*size)
	if _, err := io.ReadFull(rc, buf); err != nil {
		return nil, fmt.Errorf("array %q: %d entries of %d bytes: %v", key, n, size, err)
	}
	out := make([]float64, n)
	for i := range out {
		b := buf[i*size : (i+1)*size]
		switch {
		case d[1] == 'f' && size == 4:
			out[i] = float64(math.Float32frombits(bo.Uint32(b)))
		case d[1] == 'f' && size == 8:
			out[i] = math.Float64frombits(bo.Uint64(b))
		case d[1] == 'i' || d[1] == 'u' || d[1] == 'b':
			out[i] = intOf(b, bo, d[1] == 'i')
		default:
			return nil, fmt.Errorf("array %q: dtype %q is not a real number", key, d)
		}
	}
	return out, nil
}

func intOf(b []byte, bo binary.ByteOrder, signed bool) float64 {
	var u uint64
	switch len(b) {
	case 1:
		u = uint64(b[0])
		if signed {
			return float64(int8(b[0]))
		}
	case 2:
		u = uint64(bo.Uint16(b))
		if signed {
			return float64(int16(u))
		}
	case 4:
		u = uint64(bo.Uint32(b))
		if signed {
			return float64(int32(u))
		}
	default:
		u = bo.Uint64(b)
		if signed {
			return float64(int64(u))
		}
	}
	return float64(u)
}

// WeightLayout says how the leading axes of a weight array are read.
type WeightLayout struct {
	// Runs and Snapshots are the sizes of the leading axes: for a (runs, snapshots, rows,
	// cols) array both; for (runs, rows, cols) Snapshots = 1; for (snapshots, rows, cols), one
	// file per run, Runs = 1.
	Runs, Snapshots int
	Rows, Cols      int
}

// Layout interprets the shape of a weight array: rank 4 is (runs, snapshots, rows, cols);
// rank 3 is (snapshots, rows, cols) when perRun (one file per run) and (runs, rows, cols)
// otherwise.
//
// For spectra (kind Values) the matrices are single rows: rank 3 is (runs, snapshots, modes)
// and rank 2, one file per run, (snapshots, modes).
func (h ArrayHeader) Layout(perRun bool, k SpectrumKind) (WeightLayout, error) {
	s := h.Shape
	if k == Values {
		switch {
		case len(s) == 3:
			s = []int{s[0], s[1], 1, s[2]}
		case len(s) == 2 && perRun:
			s = []int{1, s[0], 1, s[1]}
		default:
			return WeightLayout{}, fmt.Errorf("shape %v: spectra are (runs, snapshots, modes), or (snapshots, modes) with one file per run", h.Shape)
		}
	}
	for _, d := range s {
		if d <= 0 {
			return WeightLayout{}, fmt.Errorf("shape %v has an empty axis", s)
		}
	}
	switch {
	case len(s) == 4:
		return WeightLayout{Runs: s[0], Snapshots: s[1], Rows: s[2], Cols: s[3]}, nil
	case len(s) == 3 && perRun:
		return WeightLayout{Runs: 1, Snapshots: s[0], Rows: s[1], Cols: s[2]}, nil
	case len(s) == 3:
		return WeightLayout{Runs: s[0], Snapshots: 1, Rows: s[1], Cols: s[2]}, nil
	}
	return WeightLayout{}, fmt.Errorf("shape %v has rank %d: want (runs, snapshots, rows, cols), (runs, rows, cols) or (snapshots, rows, cols)", s, len(s))
}

// Modes is the length of each spectrum of kind k.
func (l WeightLayout) Modes(k SpectrumKind) int {
	switch k {
	case Singular:
		return min(l.Rows, l.Cols)
	case Gram, Values:
		return l.Cols
	}
	return l.Rows
}

// HeldBytes is the memory that WeightSpectra holds for an array of this header: the spectra,
// plus the whole raw data for a Fortran-order array (whose matrices are not contiguous).
func (h ArrayHeader) HeldBytes(l WeightLayout, k SpectrumKind) int64 {
	held := int64(l.Runs) * int64(l.Snapshots) * int64(l.Modes(k)) * 8
	if h.Fortran {
		_, size, _ := h.float()
		held += h.Elements() * int64(size)
	}
	return held
}

// WeightSpectra reads the weight array key and returns the spectrum of kind k of every
// matrix, spectra[run][snapshot][mode], ascending in mode. A C-order array is streamed one
// matrix at a time; a Fortran-order array is read once into memory (its matrices are spread
// over the whole file) and decoded from there. maxHeld bounds HeldBytes, checked from the
// header before any data is read. Errors name the array and, for NaN or Inf entries, the run
// and snapshot.
func (f *NumPyFile) WeightSpectra(key string, perRun bool, k SpectrumKind, maxHeld int64) ([][][]float64, error) {
	rc, h, err := f.open(key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	bo, size, err := h.float()
	if err != nil {
		return nil, fmt.Errorf("array %q: %v", key, err)
	}
	l, err := h.Layout(perRun, k)
	if err != nil {
		return nil, fmt.Errorf("array %q: %v", key, err)
	}
	if k == Symmetric && l.Rows != l.Cols {
		return nil, fmt.Errorf("array %q: spectrum \"symmetric\" needs square matrices, these are %d x %d", key, l.Rows, l.Cols)
	}
	if held := h.HeldBytes(l, k); held > maxHeld {
		return nil, fmt.Errorf("array %q of shape %v (%s) would hold %d MB in memory, more than the limit of %d MB", key, h.Shape, h.Dtype, held>>20, maxHeld>>20)
	}
	nm := l.Rows * l.Cols
	var at func(r, s int, w []float64) error // fills w (row-major) with matrix (r, s)
	if h.Fortran {
		raw := make([]byte, h.Elements()*int64(size))
		if _, err := io.ReadFull(rc, raw); err != nil {
			return nil, fmt.Errorf("array %q: data shorter than its shape %v says: %v", key, h.Shape, err)
		}
		// Element (r, s, i, j) of a column-major (R, S, rows, cols) array is at
		// r + R (s + S (i + rows j)); a rank-3 array is the same with the missing axis of size 1.
		at = func(r, s int, w []float64) error {
			for i := range l.Rows {
				for j := range l.Cols {
					off := r + l.Runs*(s+l.Snapshots*(i+l.Rows*j))
					w[i*l.Cols+j] = decode(raw[off*size:off*size+size], bo)
				}
			}
			return nil
		}
	} else {
		br := bufio.NewReaderSize(rc, 1<<20)
		buf := make([]byte, nm*size)
		at = func(r, s int, w []float64) error {
			if _, err := io.ReadFull(br, buf); err != nil {
				return fmt.Errorf("array %q: data shorter than its shape %v says (run %d, snapshot %d): %v", key, h.Shape, r, s, err)
			}
			for i := range w {
				w[i] = decode(buf[i*size:i*size+size], bo)
			}
			return nil
		}
	}
	sp := newSpectrumOf(k, l.Rows, l.Cols)
	w := make([]float64, nm)
	n := l.Modes(k)
	flat := make([]float64, l.Runs*l.Snapshots*n)
	out := make([][][]float64, l.Runs)
	for r := range out {
		out[r] = make([][]float64, l.Snapshots)
		for s := range out[r] {
			if err := at(r, s, w); err != nil {
				return nil, err
			}
			for e, v := range w {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("array %q: run %d, snapshot %d: entry (%d, %d) is %v", key, r, s, e/l.Cols, e%l.Cols, v)
				}
			}
			x := flat[:n:n]
			flat = flat[n:]
			if err := sp.of(w, x); err != nil {
				return nil, fmt.Errorf("array %q: run %d, snapshot %d: %v", key, r, s, err)
			}
			out[r][s] = x
		}
	}
	return out, nil
}

func decode(b []byte, bo binary.ByteOrder) float64 {
	if len(b) == 4 {
		return float64(math.Float32frombits(bo.Uint32(b)))
	}
	return math.Float64frombits(bo.Uint64(b))
}

// spectrumOf computes one kind of spectrum of rows x cols matrices with reused gonum
// workspaces.
type spectrumOf struct {
	kind       SpectrumKind
	rows, cols int
	svd        mat.SVD
	eig        mat.EigenSym
	sym        *mat.SymDense
	w          []float64 // the backing of W, set by of
	W          *mat.Dense
	vals       []float64
}

func newSpectrumOf(k SpectrumKind, rows, cols int) *spectrumOf {
	s := &spectrumOf{kind: k, rows: rows, cols: cols}
	if k == Gram || k == Symmetric {
		s.sym = mat.NewSymDense(cols, nil)
	}
	return s
}

// of writes the ascending spectrum of the row-major matrix w into x.
func (s *spectrumOf) of(w, x []float64) error {
	if s.kind == Values {
		copy(x, w)
		slices.Sort(x)
		return nil
	}
	if s.W == nil || &s.w[0] != &w[0] {
		s.w, s.W = w, mat.NewDense(s.rows, s.cols, w)
	}
	W := s.W
	switch s.kind {
	case Singular:
		if !s.svd.Factorize(W, mat.SVDNone) {
			return errors.New("singular value decomposition failed")
		}
		s.vals = s.svd.Values(s.vals)
		for i, v := range s.vals {
			x[len(x)-1-i] = v
		}
		return nil
	case Gram:
		s.sym.SymOuterK(1, W.T())
	case Symmetric:
		for i := range s.rows {
			for j := i; j < s.cols; j++ {
				s.sym.SetSym(i, j, (w[i*s.cols+j]+w[j*s.cols+i])/2)
			}
		}
	}
	if !s.eig.Factorize(s.sym, false) {
		return errors.New("symmetric eigendecomposition failed")
	}
	s.vals = s.eig.Values(s.vals)
	copy(x, s.vals)
	return nil
}

// WriteNPZ writes the recorded spectra of e to w as a NumPy .npz archive that
// numpy.load reads in one call: "spectra" (runs, snapshots, modes) float64, "steps"
// (snapshots,) and "runs" (runs,) int64, the scalars "lr" (Alpha) and "batch_size" (Batch),
// and the entries of extra (e.g. "noise"; values as WriteNPZArrays takes them).
func (e *Trained) WriteNPZ(w io.Writer, extra map[string]any) error {
	vals := e.NPZSettings()
	vals["spectra"] = e.Spectra
	for k, v := range extra {
		vals[k] = v
	}
	return WriteNPZArrays(w, vals)
}

// NPZSettings returns the "steps", "runs", "lr" and "batch_size" entries that WriteNPZ
// writes, for an archive of other arrays of the same ensemble (its weights, say).
func (e *Trained) NPZSettings() map[string]any {
	steps := make([]int64, len(e.Steps))
	for i, s := range e.Steps {
		steps[i] = int64(s)
	}
	runs := make([]int64, len(e.Runs))
	for i, r := range e.Runs {
		runs[i] = int64(r)
	}
	return map[string]any{"steps": steps, "runs": runs, "lr": e.Alpha, "batch_size": int64(e.Batch)}
}

// WriteNPZArrays writes vals to w as a NumPy .npz archive, one entry "<name>.npy" per key in
// sorted order: plain Go values that npyio writes (scalars, slices, nested slices of equal
// lengths, in C order).
func WriteNPZArrays(w io.Writer, vals map[string]any) error {
	z := npz.NewWriter(w)
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		if err := z.Write(k+".npy", vals[k]); err != nil {
			return err
		}
	}
	return z.Close()
}
