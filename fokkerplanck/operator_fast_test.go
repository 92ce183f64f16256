package fokkerplanck

import (
	"math"
	"sort"
	"testing"

	"github.com/james-bowman/sparse"

	"fpsolve/model"
)

// generatorRef is the earlier Generator (a slice per row, sorted with sort.Slice), kept as the
// reference of the in-place assembly.
func generatorRef(op *Operator) *sparse.CSR {
	type entry struct {
		col int
		v   float64
	}
	rows := make([][]entry, op.ncell)
	for c := range rows {
		rows[c] = append(make([]entry, 0, 2*op.dim+1), entry{c, 0})
	}
	for k := 0; k < op.dim; k++ {
		ls := &op.lines[k]
		for l := 0; l+1 < len(ls.start); l++ {
			for m := int(ls.start[l]); m < int(ls.start[l+1])-1; m++ {
				a, b := ls.cell(m), ls.cell(m+1)
				bf, bb := bernPair(op.phi[b] - op.phi[a])
				wf, wb := ls.tf[m]*bf, ls.tf[m]*bb
				rows[a][0].v -= wf / op.vol[a]
				rows[a] = append(rows[a], entry{b, wb / op.vol[a]})
				rows[b][0].v -= wb / op.vol[b]
				rows[b] = append(rows[b], entry{a, wf / op.vol[b]})
			}
		}
	}
	ia := make([]int, op.ncell+1)
	var ja []int
	var data []float64
	for c, r := range rows {
		sort.Slice(r, func(i, j int) bool { return r[i].col < r[j].col })
		for _, e := range r {
			ja = append(ja, e.col)
			data = append(data, e.v)
		}
		ia[c+1] = len(ja)
	}
	return sparse.NewCSR(op.ncell, op.ncell, ia, ja, data)
}

// TestFastAssembly: the cell potentials of potentialFast (nodes evaluated once, cells split
// among goroutines) and the in-place Generator equal those of potential (potential.go) and
// generatorRef on every test grid, and on 1-D and chamber grids large enough to be split among
// goroutines (more than 2 parallelCells cells per axis or in all).
func TestFastAssembly(t *testing.T) {
	t.Parallel()
	cases := opCases(t)
	cases = append(cases,
		opCase{"1d-rbm-20000", model.System{Modes: []model.Mode{rbmMode(5, 1e-3)}}, []Axis{{Lo: 0, Hi: 9, N: 20000}}},
		opCase{"1d-harmonic-graded", model.System{Modes: []model.Mode{harmonic(1, 0.5, 0.1)}}, []Axis{mustGraded(t, -2, 3, 9000, 1e-4, 1.05)}},
		opCase{"2d-coulomb-rbm-128", model.System{Coulomb: true, Modes: []model.Mode{rbmMode(5, 0.01), rbmMode(5, 0.01)}},
			[]Axis{{Lo: 0, Hi: 9, N: 128}, {Lo: 0, Hi: 9, N: 128}}})
	for _, tc := range cases {
		op, err := NewOperator(tc.sys, tc.axes)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fast := append([]float64(nil), op.phi...)
		if err := op.potential(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// The same operations in the same order: equal bit for bit unless the compiler fuses a
		// multiply-add in one copy and not the other (the Go spec allows it), a few ulps.
		for c, v := range op.phi {
			if math.Abs(fast[c]-v) > 4e-16*math.Max(1, math.Abs(v)) {
				t.Fatalf("%s: cell %d: Phi %v, potential.go %v", tc.name, c, fast[c], v)
			}
		}
		g, want := op.Generator(), generatorRef(op)
		gr, wr := g.RawMatrix(), want.RawMatrix()
		if gr.I != wr.I || len(gr.Ind) != len(wr.Ind) {
			t.Fatalf("%s: generator %d rows, %d entries; reference %d, %d", tc.name, gr.I, len(gr.Ind), wr.I, len(wr.Ind))
		}
		for i := 0; i <= gr.I; i++ {
			if gr.Indptr[i] != wr.Indptr[i] {
				t.Fatalf("%s: row pointer %d: %d, reference %d", tc.name, i, gr.Indptr[i], wr.Indptr[i])
			}
		}
		for p := range wr.Ind {
			// Same sums in the same order: bit for bit.
			if gr.Ind[p] != wr.Ind[p] || math.Float64bits(gr.Data[p]) != math.Float64bits(wr.Data[p]) {
				t.Fatalf("%s: entry %d: (%d, %v), reference (%d, %v)", tc.name, p, gr.Ind[p], gr.Data[p], wr.Ind[p], wr.Data[p])
			}
		}
	}
}

func mustGraded(t *testing.T, lo, hi float64, n int, h0, ratio float64) Axis {
	t.Helper()
	a, err := NewGradedAxis(lo, hi, n, h0, ratio)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
