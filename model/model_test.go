package model

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// derivative by a central difference; error O(h^2) ~ 1e-8 relative for the smooth drifts here.
func derivative(f func(float64) float64, x float64) float64 {
	const h = 1e-5
	return (f(x+h) - f(x-h)) / (2 * h)
}

func TestPotentialDrifts(t *testing.T) {
	t.Parallel()
	// K = -V' and DK = K' for every analytic drift, checked by central differences.
	drifts := []Potential{Harmonic{Omega: 1.3, C: 0.7}, RBM{Mu2: 9, Kappa: 5}, RBM{Mu2: 9, Kappa: 4.2}}
	for _, d := range drifts {
		for _, x := range []float64{0.3, 1, 2.5, 4, 6, 8.5} {
			if got, want := -derivative(d.V, x), d.K(x); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%T at %g: -V' = %g, K = %g", d, x, got, want)
			}
			if got, want := derivative(d.K, x), d.DK(x); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%T at %g: K' = %g, DK = %g", d, x, got, want)
			}
		}
		if k := d.K(d.Stable()); math.Abs(k) > 1e-12 {
			t.Errorf("%T: K(stable) = %g, want 0", d, k)
		}
		if d.DK(d.Stable()) >= 0 {
			t.Errorf("%T: stable point is not stable", d)
		}
	}
}

func TestRBMOmega(t *testing.T) {
	t.Parallel()
	// docs/REFERENCES.md R2: Omega = V''(x_s) = (mu^2 - kappa)/kappa^2, and x_s = mu^2 - kappa.
	r := RBM{Mu2: 9, Kappa: 5}
	if got := -r.DK(r.Stable()); math.Abs(got-4.0/25) > 1e-14 {
		t.Errorf("V''(x_s) = %g, want 0.16", got)
	}
	if math.Abs(r.Omega()-0.16) > 1e-15 || r.Stable() != 4 {
		t.Errorf("Omega %g stable %g", r.Omega(), r.Stable())
	}
	if r.K(0) != 0 || r.DK(0) <= 0 {
		t.Errorf("x = 0 must be an unstable fixed point")
	}
}

func TestTableReproducesHarmonic(t *testing.T) {
	t.Parallel()
	// A table of D1 = -Omega (x - c), constant D2 = g2 is the OU process: Phi = V/g2 + const.
	h := Harmonic{Omega: 2, C: 1}
	const g2 = 0.05
	var x, d1, d2 []float64
	for k := 0; k <= 40; k++ {
		xk := -1 + 0.1*float64(k)
		x, d1, d2 = append(x, xk), append(d1, h.K(xk)), append(d2, g2)
	}
	tab, err := NewTable(x, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	m, ref := Mode{Drift: tab}, Mode{Drift: h, G2: g2}
	off := m.Phi(0) - ref.Phi(0)
	for _, xv := range []float64{-0.8, 0.33, 1, 1.77, 2.9} {
		// Simpson on linear D1 / constant D2 is exact up to rounding.
		if d := m.Phi(xv) - ref.Phi(xv) - off; math.Abs(d) > 1e-10 {
			t.Errorf("Phi(%g) differs from V/g2 by %g", xv, d)
		}
		if m.K(xv) != h.K(xv) && math.Abs(m.K(xv)-h.K(xv)) > 1e-12 {
			t.Errorf("K(%g) = %g, want %g", xv, m.K(xv), h.K(xv))
		}
	}
	if s := tab.Stable(); math.Abs(s-1) > 1e-12 {
		t.Errorf("stable point %g, want 1", s)
	}
}

func TestTablePhiDerivative(t *testing.T) {
	t.Parallel()
	// Phi' = (D2' - D1)/D2 for a table with varying diffusion (Ito form stationary density).
	x := []float64{0, 1, 2, 3, 4}
	d1 := []float64{1, 0.5, -0.2, -1, -2}
	d2 := []float64{0.1, 0.2, 0.15, 0.3, 0.25}
	tab, err := NewTable(x, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	for _, xv := range []float64{0.3, 1.5, 2.2, 3.7} {
		k := tab.segment(xv)
		dD2 := (d2[k+1] - d2[k]) / (x[k+1] - x[k])
		want := (dD2 - tab.K(xv)) / tab.Diffusion(xv)
		// Simpson with 8 panels on a smooth ratio: error well below 1e-6.
		if got := derivative(tab.Phi, xv); math.Abs(got-want) > 1e-6 {
			t.Errorf("Phi'(%g) = %g, want %g", xv, got, want)
		}
	}
}

func TestReadTables(t *testing.T) {
	t.Parallel()
	in := "mode,x,drift,drift_err,diffusion,diffusion_err,count\n" +
		"0,1,0.5,0.01,0.1,0.01,10\n0,2,-0.5,0.01,0.1,0.01,10\n0,3,NaN,NaN,NaN,NaN,0\n" +
		"1,5,1,0.1,0.2,0.1,30\n1,6,-1,0.1,0.2,0.1,30\n0,4,9,0.1,1e-9,0.1,9\n"
	tabs, err := ReadTables(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(tabs) != 2 || len(tabs[0].X) != 2 || tabs[1].X[1] != 6 {
		t.Fatalf("parsed %d tables", len(tabs))
	}
	if s := tabs[0].Stable(); s != 1.5 {
		t.Errorf("stable %g, want 1.5", s)
	}
	bad := map[string]string{
		"":                                "empty",
		"mode,x,drift\n":                  "column",
		TableHeader() + "0,a,1,0,1,0,1\n": "not a number",
		TableHeader() + "0,1,1,0,-1,0,10\n0,2,1,0,1,0,10\n": "positive",
		TableHeader() + "1,1,1,0,1,0,10\n1,2,1,0,1,0,10\n":  "mode 0",
	}
	for input, want := range bad {
		if _, err := ReadTables(strings.NewReader(input)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("input %q: error %v, want one mentioning %q", input, err, want)
		}
	}
}

// TableHeader is the header without the optional expected column.
func TableHeader() string { return strings.Join(TableColumns[:7], ",") + "\n" }

func TestSystemForceIsGradient(t *testing.T) {
	t.Parallel()
	// docs/REFERENCES.md R3: F_i = g_i^2 d_i log P_s = -g_i^2 d_i Phi, also when the g_i differ.
	s := System{Coulomb: true, Modes: []Mode{
		{Drift: RBM{Mu2: 9, Kappa: 5}, G2: 0.01},
		{Drift: RBM{Mu2: 9, Kappa: 5}, G2: 0.02},
		{Drift: Harmonic{Omega: 1, C: 2}, G2: 0.05},
	}}
	x := []float64{3.9, 4.2, 2.5}
	for i := range x {
		f := func(v float64) float64 {
			y := append([]float64(nil), x...)
			y[i] = v
			return s.Phi(y)
		}
		want := -s.Modes[i].G2 * derivative(f, x[i])
		if got := s.Force(i, x); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("mode %d: F = %g, -g2 dPhi = %g", i, got, want)
		}
	}
}

func TestGroupsFreeField(t *testing.T) {
	t.Parallel()
	// kappa_k = m^2 + 2 - 2cos(2 pi k/N): for N = 10 two single modes and four pairs.
	k := FreeFieldKappa(4, 10)
	g := Groups(k)
	if len(g) != 6 {
		t.Fatalf("groups %v", g)
	}
	sizes := []int{1, 2, 2, 2, 2, 1}
	for i, gr := range g {
		if len(gr) != sizes[i] {
			t.Errorf("group %d = %v, want size %d", i, gr, sizes[i])
		}
	}
	if k[0] != 4 || math.Abs(k[9]-8) > 1e-14 {
		t.Errorf("kappa range %g..%g, want 4..8", k[0], k[9])
	}
}

func TestUMatchesSchroedingerForm(t *testing.T) {
	t.Parallel()
	// U = (V')^2/(8 g^2) - V''/4 (docs/REFERENCES.md R7); for OU U = Omega^2 y^2/(8 g^2) - Omega/4.
	m := Mode{Drift: Harmonic{Omega: 2, C: 0}, G2: 0.5}
	for _, y := range []float64{-1, 0, 0.5} {
		want := 4*y*y/(8*0.5) - 0.5
		if got := m.U(y); math.Abs(got-want) > 1e-14 {
			t.Errorf("U(%g) = %g, want %g", y, got, want)
		}
	}
}

func TestTableDomain(t *testing.T) {
	t.Parallel()
	tab, err := NewTable([]float64{1, 2}, []float64{1, -1}, []float64{0.1, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := tab.Domain(); lo != 0.5 || hi != 2.5 {
		t.Errorf("default domain [%g, %g], want the nodes widened by half a spacing", lo, hi)
	}
	if err := tab.SetDomain(0, 9); err != nil {
		t.Fatal(err)
	}
	if lo, hi := tab.Domain(); lo != 0 || hi != 9 {
		t.Errorf("domain [%g, %g] after SetDomain(0, 9)", lo, hi)
	}
	if tab.SetDomain(3, 3) == nil {
		t.Error("empty domain accepted")
	}
}

func TestTableBeyondNodes(t *testing.T) {
	t.Parallel()
	// Beyond the nodes D1 and D2 keep their end values, and Phi' = -D1/D2 there.
	tab, err := NewTable([]float64{1, 2, 3}, []float64{0.5, 0.1, -1}, []float64{0.1, 0.2, 0.4})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ x, k, d float64 }{{0.2, 0.5, 0.1}, {5, -1, 0.4}} {
		if tab.K(c.x) != c.k || tab.Diffusion(c.x) != c.d || tab.DK(c.x) != 0 {
			t.Errorf("x = %g: K %g D %g DK %g", c.x, tab.K(c.x), tab.Diffusion(c.x), tab.DK(c.x))
		}
		// Central difference of an exactly linear Phi: rounding only.
		if got, want := derivative(tab.Phi, c.x), -c.k/c.d; math.Abs(got-want) > 1e-6 {
			t.Errorf("Phi'(%g) = %g, want %g", c.x, got, want)
		}
	}
	// Phi is continuous across the end nodes.
	for _, x := range []float64{1, 3} {
		if d := math.Abs(tab.Phi(x+1e-9) - tab.Phi(x-1e-9)); d > 1e-6 {
			t.Errorf("Phi jumps by %g at %g", d, x)
		}
	}
}

func TestVaryingNoise(t *testing.T) {
	t.Parallel()
	// The rbm drift with D2 = g2 exp(s (x - x*)): at the nodes D1 = K and D2 as given (exact);
	// between nodes K to the linear-interpolation error h^2 max|K''|/8 (h = 9/2000,
	// |K''| = 2 mu^2/(mu^2 - x)^3 <= 0.61 on [0.5, 5.9]: 1.6e-6); with slope 0 a table with constant diffusion whose stationary density
	// matches the rbm potential's: Phi_table - V/g2 constant to 3e-4 (the trapezoidal error of
	// integrating the interpolated K from x* to x, (h^2/12)|K'(x) - K'(x*)| <= 1.7e-6 * 0.9,
	// divided by g2 = 0.01).
	d := RBM{Mu2: 9, Kappa: 7.618034}
	tab, err := VaryingNoise(d, 0.01, 1.5, 0, 9, 2000)
	if err != nil {
		t.Fatal(err)
	}
	xs := d.Stable()
	if got := tab.Stable(); math.Abs(got-xs) > 1e-5 {
		t.Errorf("stable point %g, want %g", got, xs)
	}
	for _, x := range []float64{0.5, xs, 2.0, 5.9} {
		if got, want := tab.K(x), d.K(x); math.Abs(got-want) > 2e-6 {
			t.Errorf("K(%g) = %g, want %g", x, got, want)
		}
		want := 0.01 * math.Exp(1.5*(x-xs))
		if got := tab.Diffusion(x); math.Abs(got/want-1) > 2e-5 { // linear interpolation of exp over h: (1.5 h)^2/8
			t.Errorf("D2(%g) = %g, want %g", x, got, want)
		}
	}
	flat, err := VaryingNoise(d, 0.01, 0, 0, 9, 2000)
	if err != nil {
		t.Fatal(err)
	}
	ref := flat.Phi(xs) - d.V(xs)/0.01
	for _, x := range []float64{0.5, 2.0, 4.0, 6.0} {
		if got := flat.Phi(x) - d.V(x)/0.01; math.Abs(got-ref) > 3e-4 {
			t.Errorf("Phi(%g) - V/g2 = %g, want %g", x, got, ref)
		}
	}
	for _, c := range []struct{ g2, s, lo, hi float64 }{{0, 1, 0, 9}, {0.01, math.NaN(), 0, 9}, {0.01, 1, 9, 0}} {
		if _, err := VaryingNoise(d, c.g2, c.s, c.lo, c.hi, 100); err == nil {
			t.Errorf("VaryingNoise(%+v) accepted", c)
		}
	}
}

func TestTableSegmentEqualSpacing(t *testing.T) {
	t.Parallel()
	// On equally spaced nodes the arithmetic guess gives the same segment as the binary search
	// for every x: random points, the nodes themselves, their neighbouring floats and the ends.
	tab, err := VaryingNoise(RBM{Mu2: 9, Kappa: 5}, 0.01, 1, 0, 9, 777)
	if err != nil {
		t.Fatal(err)
	}
	if tab.step == 0 {
		t.Fatal("equally spaced nodes not detected")
	}
	want := func(x float64) int {
		return min(max(sort.SearchFloat64s(tab.X, x)-1, 0), len(tab.X)-2)
	}
	xs := []float64{-1, 0, 9, 10, math.Inf(1), math.Inf(-1)}
	for _, v := range tab.X {
		xs = append(xs, v, math.Nextafter(v, -1), math.Nextafter(v, 10))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000; i++ {
		xs = append(xs, -0.5+10*r.Float64())
	}
	for _, x := range xs {
		if got, w := tab.segment(x), want(x); got != w {
			t.Fatalf("segment(%v) = %d, binary search %d", x, got, w)
		}
	}
	// Unequal nodes keep the binary search.
	if u, _ := NewTable([]float64{0, 1, 3}, []float64{1, 0, -1}, []float64{1, 1, 1}); u.step != 0 {
		t.Error("unequal nodes taken as equally spaced")
	}
}
