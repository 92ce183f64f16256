package model

import (
	"math"
	"strings"
	"testing"
)

const plainCSV = `mode,x,drift,drift_err,diffusion,diffusion_err,count,expected
0,1,0.5,0.1,0.2,0.01,10,0
0,2,-0.5,0.1,0.2,0.01,10,0
1,3,1,0.1,0.4,0.01,10,0
1,4,-1,0.1,0.4,0.01,10,0
`

// windowedCSV has two windows [0, 5) and [5, 10) whose drifts differ in sign convention, so a
// mix-up between windows shows in the values.
const windowedCSV = `mode,x,drift,drift_err,diffusion,diffusion_err,count,expected,window,t0,t1
0,1,0.5,0.1,0.2,0.01,10,0,0,0,5
0,2,-0.5,0.1,0.2,0.01,10,0,0,0,5
0,3,7,0.1,0.2,0.01,0,0,0,0,5
1,3,1,0.1,0.4,0.01,10,0,0,0,5
1,4,-1,0.1,0.4,0.01,10,0,0,0,5
0,1,2,0.1,0.3,0.01,10,0,1,5,10
0,2,1,0.1,0.3,0.01,10,0,1,5,10
1,3,3,0.1,0.5,0.01,10,0,1,5,10
1,4,2,0.1,0.5,0.01,10,0,1,5,10
`

func TestReadTimeTablesWithoutWindows(t *testing.T) {
	t.Parallel()
	// A file without window columns is one window over all time, [0, +Inf), with the tables
	// that ReadTables returns (the nodes as written).
	ws, err := ReadTimeTables(strings.NewReader(plainCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || ws[0].T0 != 0 || !math.IsInf(ws[0].T1, 1) || len(ws[0].Tables) != 2 {
		t.Fatalf("got %d windows, first [%g, %g) with %d modes; want 1 window [0, +Inf) with 2 modes", len(ws), ws[0].T0, ws[0].T1, len(ws[0].Tables))
	}
	plain, err := ReadTables(strings.NewReader(plainCSV))
	if err != nil {
		t.Fatal(err)
	}
	for m, tab := range plain {
		for _, x := range []float64{0.5, 1.5, 3.5, 5} {
			if a, b := tab.K(x), ws[0].Tables[m].K(x); a != b {
				t.Errorf("mode %d: K(%g) = %g from ReadTables, %g from ReadTimeTables", m, x, a, b)
			}
		}
	}
	// midpoint of the two nodes of mode 1: linear interpolation of 1 and -1 (exact)
	if k := plain[1].K(3.5); k != 0 {
		t.Errorf("mode 1: K(3.5) = %g, want 0", k)
	}
}

func TestReadTimeTablesWindows(t *testing.T) {
	t.Parallel()
	ws, err := ReadTimeTables(strings.NewReader(windowedCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 {
		t.Fatalf("%d windows, want 2", len(ws))
	}
	// Values as written in the file, per window (exact: nodes are returned unchanged).
	for _, c := range []struct {
		w, mode      int
		t0, t1       float64
		x, drift, d2 []float64
	}{
		{0, 0, 0, 5, []float64{1, 2}, []float64{0.5, -0.5}, []float64{0.2, 0.2}}, // the count-0 row is skipped
		{0, 1, 0, 5, []float64{3, 4}, []float64{1, -1}, []float64{0.4, 0.4}},
		{1, 0, 5, 10, []float64{1, 2}, []float64{2, 1}, []float64{0.3, 0.3}},
		{1, 1, 5, 10, []float64{3, 4}, []float64{3, 2}, []float64{0.5, 0.5}},
	} {
		w := ws[c.w]
		if w.T0 != c.t0 || w.T1 != c.t1 {
			t.Errorf("window %d: [%g, %g), want [%g, %g)", c.w, w.T0, w.T1, c.t0, c.t1)
		}
		tab := w.Tables[c.mode]
		if len(tab.X) != len(c.x) {
			t.Errorf("window %d mode %d: %d nodes, want %d", c.w, c.mode, len(tab.X), len(c.x))
			continue
		}
		for k := range c.x {
			if tab.X[k] != c.x[k] || tab.D1[k] != c.drift[k] || tab.D2[k] != c.d2[k] {
				t.Errorf("window %d mode %d node %d: (%g, %g, %g), want (%g, %g, %g)", c.w, c.mode, k,
					tab.X[k], tab.D1[k], tab.D2[k], c.x[k], c.drift[k], c.d2[k])
			}
		}
	}
	// The one-window reader refuses a file with several windows rather than mixing them.
	if _, err := ReadTables(strings.NewReader(windowedCSV)); err == nil || !strings.Contains(err.Error(), "2 time windows") {
		t.Errorf("ReadTables on a 2-window file: err = %v, want a refusal naming the windows", err)
	}
	// One window with the window columns reads with ReadTables too.
	one := strings.Join(strings.Split(windowedCSV, "\n")[:6], "\n")
	if tabs, err := ReadTables(strings.NewReader(one)); err != nil || len(tabs) != 2 {
		t.Errorf("ReadTables on a 1-window file: %d tables, err = %v", len(tabs), err)
	}
}

func TestReadTimeTablesErrors(t *testing.T) {
	t.Parallel()
	head := "mode,x,drift,drift_err,diffusion,diffusion_err,count,expected,window,t0,t1\n"
	rows := func(w1, t0, t1 string) string {
		return head + "0,1,0.5,0,0.2,0,10,0,0,0,5\n0,2,-0.5,0,0.2,0,10,0,0,0,5\n" +
			"0,1,0.5,0,0.2,0,10,0," + w1 + "," + t0 + "," + t1 + "\n0,2,-0.5,0,0.2,0,10,0," + w1 + "," + t0 + "," + t1 + "\n"
	}
	for _, c := range []struct {
		name, csv, want string
	}{
		{"gap", rows("2", "5", "10"), "window 1 is missing"},
		{"overlap", rows("1", "4", "10"), "starts at t = 4"},
		{"empty range", rows("1", "5", "5"), "empty or not finite"},
		{"fractional", rows("1.5", "5", "10"), "not a non-negative integer"},
		{"inconsistent", head + "0,1,0.5,0,0.2,0,10,0,0,0,5\n0,2,-0.5,0,0.2,0,10,0,0,0,6\n", "line 2 gave"},
		{"no t1", "mode,x,drift,diffusion,count,window,t0\n0,1,1,1,1,0,0\n", `no "t1" column`},
		{"modes differ", rows("1", "5", "10") + "1,1,0.5,0,0.2,0,10,0,1,5,10\n1,2,0.5,0,0.2,0,10,0,1,5,10\n", "window 1 has 2 modes"},
	} {
		_, err := ReadTimeTables(strings.NewReader(c.csv))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, err, c.want)
		}
	}
}
