package rbmdrift

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"fpsolve/model"
)

func TestTimeTables(t *testing.T) {
	t.Parallel()
	// Two windows of 5 steps each (t = 0.1 step): [0, 0.5) and [0.5, 1). The rows are the
	// windows' bins, mode by mode, and read back through the drift table file exactly.
	acc := NewWindowedDriftAccumulator(2, 4, 2, 10, 0, 4, 0.1)
	for s := range 10 {
		for i := range 40 {
			x := 0.05 + 0.1*float64(i)
			acc.AddAt(s, 0, x, 0.01*float64(s+1)*math.Sin(float64(i)), 0.5)
			acc.AddAt(s, 1, x, -0.02*math.Cos(float64(i*s)), -0.5)
		}
	}
	tt := acc.TimeTables(0.1, 10)
	if len(tt) != 2 || tt[0].T0 != 0 || tt[0].T1 != 0.5 || tt[1].T0 != 0.5 || tt[1].T1 != 1 {
		t.Fatalf("windows %v", tt)
	}
	for w, win := range tt {
		var want []model.TableRow
		for mode := range 2 {
			for _, b := range acc.TableWindow(w, mode) {
				want = append(want, model.TableRow{Mode: mode, X: b.X, Drift: b.Drift, DriftErr: b.DriftErr,
					Diffusion: b.Diffusion, DiffusionErr: b.DiffusionErr, Count: b.Count, Expected: b.Expected})
			}
		}
		if !reflect.DeepEqual(win.Rows, want) {
			t.Errorf("window %d: rows differ from TableWindow", w)
		}
	}
	var buf bytes.Buffer
	if err := model.WriteTimeTables(&buf, tt); err != nil {
		t.Fatal(err)
	}
	ws, err := model.ReadTimeTables(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for w := range ws {
		for mode, tab := range ws[w].Tables {
			var x, d1 []float64
			for _, b := range acc.TableWindow(w, mode) {
				x, d1 = append(x, b.X), append(d1, b.Drift)
			}
			if !reflect.DeepEqual(tab.X, x) || !reflect.DeepEqual(tab.D1, d1) {
				t.Errorf("window %d mode %d: read back %v %v, want %v %v", w, mode, tab.X, tab.D1, x, d1)
			}
		}
	}
}

func TestFitDiffusion(t *testing.T) {
	t.Parallel()
	// Bins exactly on D2 = d (1 + s (x - x*)) at x* + {-0.2, ..., 0.2} with equal errors e give d
	// and s back to rounding (1e-12). The x are symmetric about x*, so the line's intercept and
	// slope are uncorrelated and the errors are exact: err(A) = e/sqrt(5),
	// err(B) = e/sqrt(sum u^2) = e/sqrt(0.1), and the slope's relative error is the quadrature
	// sum of theirs.
	const d, s, xs, e = 0.004, 1.5, 2.0, 1e-5
	bin := func(u float64, count int64, err float64) DriftBin {
		return DriftBin{X: xs + u, Diffusion: d * (1 + s*u), DiffusionErr: err, Count: count}
	}
	var bins []DriftBin
	for _, u := range []float64{-0.2, -0.1, 0, 0.1, 0.2} {
		bins = append(bins, bin(u, 500, e))
	}
	// Not used: too few increments, too far from x*, no error.
	bins = append(bins, bin(0.05, 99, e), bin(0.3, 500, e), bin(-0.15, 500, 0))
	f := FitDiffusion(bins, xs, 0.25, 100)
	aErr, bErr := e/math.Sqrt(5), e/math.Sqrt(0.1)
	sErr := s * math.Hypot(aErr/d, bErr/(d*s))
	if f.Bins != 5 || f.XStar != xs || math.Abs(f.D2-d) > 1e-12*d || math.Abs(f.Slope-s) > 1e-12*s ||
		math.Abs(f.D2Err/aErr-1) > 1e-12 || math.Abs(f.SlopeErr/sErr-1) > 1e-9 {
		t.Errorf("fit %+v, want d2 %g +- %g, slope %g +- %g", f, d, aErr, s, sErr)
	}
	cases := []struct {
		name  string
		bins  []DriftBin
		nbins int
	}{
		{"two bins", bins[:2], 2},
		// Equal weights: A is the mean of the three, (2d - 3d)/3 < 0.
		{"negative intercept", []DriftBin{bin(-0.1, 500, e), {X: xs, Diffusion: -3 * d, DiffusionErr: e, Count: 500}, bin(0.1, 500, e)}, 3},
		{"no bins", nil, 0},
	}
	for _, c := range cases {
		g := FitDiffusion(c.bins, xs, 0.25, 100)
		if g.Bins != c.nbins || !math.IsNaN(g.D2) || !math.IsNaN(g.D2Err) || !math.IsNaN(g.Slope) || !math.IsNaN(g.SlopeErr) {
			t.Errorf("%s: %+v, want NaN on %d bins", c.name, g, c.nbins)
		}
	}
}
