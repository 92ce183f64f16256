package fokkerplanck

import (
	"math"
	"reflect"
	"testing"

	"fpsolve/model"
)

func TestPartition(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.Harmonic{Omega: 1}, G2: 0.1}
	sys := func(n int, coulomb bool) model.System {
		s := model.System{Coulomb: coulomb}
		for range n {
			s.Modes = append(s.Modes, mode)
		}
		return s
	}
	cases := []struct {
		name string
		sys  model.System
		keys []float64
		want [][]int
	}{
		{"independent modes", sys(3, false), []float64{1, 1, 2}, [][]int{{0}, {1}, {2}}},
		{"three modes, one grid", sys(3, true), []float64{1, 2, 3}, [][]int{{0, 1, 2}}},
		{"one mode", sys(1, true), []float64{1}, [][]int{{0}}},
		{"degenerate groups", sys(5, true), []float64{1, 2, 2, 3, 3 + 1e-14}, [][]int{{0}, {1, 2}, {3, 4}}},
	}
	for _, c := range cases {
		if got := Partition(c.sys, c.keys); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if got := RelabelClusters([][]int{{0}, {1, 2}}, []int{2, 0, 1}); !reflect.DeepEqual(got, [][]int{{2}, {0, 1}}) {
		t.Errorf("relabelled %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("two keys for three modes did not panic")
		}
	}()
	Partition(sys(3, true), []float64{1, 2})
}

func TestClusterStationary(t *testing.T) {
	t.Parallel()
	// The same density, bit for bit, as the clustered solver's own start.
	sys := model.System{Coulomb: true, Modes: []model.Mode{
		{Drift: model.Harmonic{Omega: 1, C: -1}, G2: 0.1},
		{Drift: model.Harmonic{Omega: 2, C: 0}, G2: 0.1},
		{Drift: model.Harmonic{Omega: 2, C: 0}, G2: 0.1},
		{Drift: model.Harmonic{Omega: 1, C: 1}, G2: 0.2}}}
	clusters := [][]int{{0}, {1, 2}, {3}}
	axis := Axis{Lo: -3, Hi: 3, N: 60}
	cl, err := NewClustered(sys, clusters, axis, BackwardEuler)
	if err != nil {
		t.Fatal(err)
	}
	for ci, g := range clusters {
		ps, err := ClusterStationary(sys, g, axis)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ps, cl.Operator(ci).Stationary()) {
			t.Errorf("cluster %d: stationary densities differ", ci)
		}
	}
	if _, err := ClusterStationary(sys, []int{0, 1, 2, 3}, axis); err == nil {
		t.Error("four modes on one grid: no error")
	}
}

func TestSpacing(t *testing.T) {
	t.Parallel()
	// All mass in one cell of two independent modes: S is the distance of the cell's centres,
	// exactly, in one bin of density 1/width.
	ax := Axis{Lo: 0, Hi: 1, N: 50}
	op, err := NewOperator(model.System{Modes: []model.Mode{{Drift: model.Harmonic{Omega: 1, C: 0.5}, G2: 0.1},
		{Drift: model.Harmonic{Omega: 1, C: 0.5}, G2: 0.1}}}, []Axis{ax, ax})
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, op.Len())
	mi := []int{7, 31}
	c := op.Index(mi)
	p[c] = 1 / op.Volumes()[c]
	sd := op.Spacing(p, 0, 1, ax.Width())
	want := ax.Centre(31) - ax.Centre(7)
	if math.Abs(sd.Mean-want) > 1e-15 {
		t.Errorf("<S> = %g, want %g", sd.Mean, want)
	}
	for k, v := range sd.Density {
		if w := 0.0; k == int(want/sd.Width) {
			if w = 1 / sd.Width; v != w {
				t.Errorf("bin %d: %g, want %g", k, v, w)
			}
		} else if v != w {
			t.Errorf("bin %d: %g, want 0", k, v)
		}
	}
	// The stationary pair of the Coulomb chamber: the mean is Pair's centroid mean (the same
	// sum, so to rounding), and the bins up to 6 <S> hold all the mass of the Wigner-like
	// spacing but exp(-9 pi) (1e-12).
	mode := model.Mode{Drift: model.Harmonic{Omega: 1}, G2: 0.1}
	ax = Axis{Lo: -2.5, Hi: 2.5, N: 200}
	op, err = NewOperator(model.System{Modes: []model.Mode{mode, mode}, Coulomb: true}, []Axis{ax, ax})
	if err != nil {
		t.Fatal(err)
	}
	sd = op.Spacing(op.Stationary(), 0, 1, ax.Width())
	if ms := op.Pair(op.Stationary(), 0, 1).MeanSpacing; math.Abs(sd.Mean/ms-1) > 1e-14 {
		t.Errorf("<S> = %g, Pair %g", sd.Mean, ms)
	}
	var mass float64
	for _, v := range sd.Density {
		mass += v * sd.Width
	}
	if math.Abs(mass-1) > 1e-9 || len(sd.Centres) != len(sd.Density) || sd.Centres[0] != sd.Width/2 {
		t.Errorf("mass %g on %d bins", mass, len(sd.Density))
	}
}

func TestProductSpacing(t *testing.T) {
	t.Parallel()
	// Two modes each uniform on one cell are |a - b| h apart (h/3 within one cell, the mean
	// distance of two uniform points); two Gaussians of width s have a Gaussian difference of
	// width sqrt(2) s, so <|x_a - x_b|> = 2 s/sqrt(pi) when their centres coincide (midpoint
	// quadrature with h/s = 0.025: relative error O((h/s)^2) ~ 1e-3).
	axis := Axis{Lo: 0, Hi: 1, N: 100}
	h := axis.Width()
	cell := func(i int) []float64 {
		p := make([]float64, axis.N)
		p[i] = 1 / h
		return p
	}
	g := make([]float64, 800)
	gauss := Axis{Lo: -1, Hi: 1, N: 800}
	const s = 0.1
	for i := range g {
		x := gauss.Centre(i)
		g[i] = math.Exp(-x*x/(2*s*s)) / (s * math.Sqrt(2*math.Pi))
	}
	cases := []struct {
		name   string
		pa, pb []float64
		axis   Axis
		mean   float64
		tol    float64
	}{
		{"cells 10 and 13", cell(10), cell(13), axis, 3 * h, 1e-12},
		{"one cell", cell(10), cell(10), axis, h / 3, 1e-12},
		{"two Gaussians", g, g, gauss, 2 * s / math.Sqrt(math.Pi), 2e-3 * 2 * s / math.Sqrt(math.Pi)},
	}
	for _, c := range cases {
		sd := ProductSpacing(c.pa, c.pb, c.axis)
		var mass float64
		for _, v := range sd.Density {
			mass += v * sd.Width
		}
		if math.Abs(sd.Mean-c.mean) > c.tol || math.Abs(mass-1) > 1e-12 || len(sd.Density) != c.axis.N {
			t.Errorf("%s: <S> = %g (want %g), mass %g on %d bins", c.name, sd.Mean, c.mean, mass, len(sd.Density))
		}
	}
}

func TestCellCoord(t *testing.T) {
	t.Parallel()
	// Integer at every edge, slope one over the cell's width, linear beyond the ends; on equal
	// cells (x - Lo)/h (to rounding).
	graded, err := NewGradedAxis(0, 9, 200, 1e-4, 1.1)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, 50, 199} {
		if got := graded.CellCoord(graded.Edge(i)); math.Abs(got-float64(i)) > 1e-9 {
			t.Errorf("edge %d: %g", i, got)
		}
		if got := graded.Locate(graded.Centre(i)); got != i {
			t.Errorf("centre of cell %d is in cell %d", i, got)
		}
	}
	if graded.Locate(-1) != 0 || graded.Locate(10) != 199 {
		t.Error("outside the axis: not the end cells")
	}
	if got, want := graded.CellCoord(10), 199+(10-graded.Edge(199))/graded.CellWidth(199); got != want {
		t.Errorf("beyond the end: %g, want %g", got, want)
	}
	equal := Axis{Lo: -1, Hi: 2, N: 30}
	for _, x := range []float64{-1, -0.55, 0.3, 1.999} {
		if got := equal.CellCoord(x); math.Abs(got-(x+1)/0.1) > 1e-12 {
			t.Errorf("equal cells at %g: %g", x, got)
		}
	}
}

// TestRampCells: the count is the smallest m with h0 ratio^m >= h, and n equal cells plus that
// ramp make a graded axis whose equal cells are a little narrower than h (the ramp covers about
// h/(ratio - 1) of the length: 51 widths at ratio 1.02, so the 400 equal cells shrink by ~13%).
func TestRampCells(t *testing.T) {
	t.Parallel()
	h, h0, r := 9.0/400, 1e-9, 1.02
	m := RampCells(h, h0, r)
	if !(h0*math.Pow(r, float64(m)) >= h && h0*math.Pow(r, float64(m-1)) < h) {
		t.Errorf("RampCells = %d: h0 r^m = %g, h0 r^(m-1) = %g around h = %g", m, h0*math.Pow(r, float64(m)), h0*math.Pow(r, float64(m-1)), h)
	}
	if RampCells(h, h, r) != 0 || RampCells(h, 2*h, r) != 0 {
		t.Error("no ramp needed when h0 >= h")
	}
	a, err := NewGradedAxis(0, 9, 400+m, h0, r)
	if err != nil {
		t.Fatal(err)
	}
	if last := a.CellWidth(a.N - 1); !(last > 0.8*h && last <= h) {
		t.Errorf("equal width %g, want just below %g", last, h)
	}
}
