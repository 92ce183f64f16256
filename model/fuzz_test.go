package model

import (
	"strings"
	"testing"
)

const tableHead = "mode,x,drift,drift_err,diffusion,diffusion_err,count\n"

// FuzzReadTables checks ReadTables' contract on arbitrary input: it never panics, and every
// table it accepts has at least two nodes, strictly ascending finite X, finite D1, finite D2 > 0,
// and K, DK, Diffusion and Phi finite at the nodes, the segment midpoints and the ends of
// Domain(), which itself is finite.
func FuzzReadTables(f *testing.F) {
	seeds := []string{
		// Valid: one mode, two modes, unsorted rows, empty bins skipped, spaces, extra columns.
		tableHead + "0,1,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n",
		tableHead + "0,1,0.5,0.01,0.1,0.01,50\n0,2,-0.5,0.01,0.2,0.01,50\n1,3,0.4,0,0.1,0,70\n1,4,-0.4,0,0.1,0,70\n1,5,-1.2,0,0.3,0,70\n",
		tableHead + "0,2,-0.5,0,0.1,0,50\n0,1,0.5,0,0.1,0,50\n0,1.5,0,0,0.1,0,50\n",
		tableHead + "0,1,0.5,0,0.1,0,50\n0,1.5,NaN,0,NaN,0,0\n0,2,-0.5,0,0.1,0,50\n",
		"mode, x, drift, drift_err, diffusion, diffusion_err, count\n0, 1, 0.5, 0, 0.1, 0, 50\n0, 2, -0.5, 0, 0.1, 0, 50\n",
		"count,diffusion,drift,x,mode,extra\n50,0.1,0.5,1,0,a\n50,0.1,-0.5,2,0,b\n",
		// Invalid.
		"",
		tableHead,
		"mode,x,drift\n0,1,0.5\n",
		tableHead + "0,1,0.5,0,0.1,0\n",
		tableHead + "0,1,0.5,0,0.1,0,50,9\n",
		tableHead + "0,one,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n",
		tableHead + "0,1,0.5,0,-0.1,0,50\n0,2,-0.5,0,0.1,0,50\n",
		tableHead + "0,1,0.5,0,0,0,50\n0,2,-0.5,0,0.1,0,50\n",
		tableHead + "0,NaN,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n",
		tableHead + "0,1,NaN,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n",
		tableHead + "0,1,0.5,0,0.1,0,50\n0,1,-0.5,0,0.1,0,50\n",
		tableHead + "0,1,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n2,1,0.5,0,0.1,0,50\n2,2,-0.5,0,0.1,0,50\n",
		tableHead + "1.5,1,0.5,0,0.1,0,5\n",
		tableHead + "-1,1,0.5,0,0.1,0,5\n",
		tableHead + "0,1,0.5,0,0.1,0,5\n",
		tableHead + "0,1,1e300,0,1e-300,0,5\n0,2,1e300,0,1e-300,0,5\n",
		tableHead + "0,-1e308,1,0,1,0,5\n0,1e308,-1,0,1,0,5\n",
		tableHead + "0,1,0.5,0,0.1,0,5\n0,\"2,-0.5,0,0.1,0,5\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tabs, err := ReadTables(strings.NewReader(string(data)))
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if len(tabs) == 0 {
			t.Fatal("no error and no tables")
		}
		for m, tab := range tabs {
			checkTable(t, m, tab)
		}
	})
}

func checkTable(t *testing.T, m int, tab *Table) {
	t.Helper()
	n := len(tab.X)
	if n < 2 || len(tab.D1) != n || len(tab.D2) != n {
		t.Fatalf("mode %d: %d nodes, %d drifts, %d diffusions", m, n, len(tab.D1), len(tab.D2))
	}
	for k := range tab.X {
		if !finite(tab.X[k]) || !finite(tab.D1[k]) || !finite(tab.D2[k]) || !(tab.D2[k] > 0) {
			t.Fatalf("mode %d node %d: x %g, D1 %g, D2 %g", m, k, tab.X[k], tab.D1[k], tab.D2[k])
		}
		if k > 0 && !(tab.X[k] > tab.X[k-1]) {
			t.Fatalf("mode %d: nodes not strictly ascending at %d: %g, %g", m, k, tab.X[k-1], tab.X[k])
		}
	}
	lo, hi := tab.Domain()
	if !finite(lo) || !finite(hi) || !(lo < hi) {
		t.Fatalf("mode %d: domain [%g, %g]", m, lo, hi)
	}
	xs := []float64{lo, hi}
	for k := range tab.X {
		xs = append(xs, tab.X[k])
		if k > 0 {
			xs = append(xs, tab.X[k-1]+(tab.X[k]-tab.X[k-1])/2)
		}
	}
	for _, x := range xs {
		for _, v := range []struct {
			name string
			f    func(float64) float64
		}{{"K", tab.K}, {"DK", tab.DK}, {"Diffusion", tab.Diffusion}, {"Phi", tab.Phi}} {
			if y := v.f(x); !finite(y) {
				t.Fatalf("mode %d: %s(%g) = %g on domain [%g, %g]", m, v.name, x, y, lo, hi)
			}
		}
	}
	if s := tab.Stable(); !finite(s) {
		t.Fatalf("mode %d: Stable() = %g", m, s)
	}
}
