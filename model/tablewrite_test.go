package model

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

// windowedRows are the rows of windowedCSV.
func windowedRows() []WindowRows {
	r := func(mode int, x, d1, d2 float64, count int64) TableRow {
		return TableRow{Mode: mode, X: x, Drift: d1, DriftErr: 0.1, Diffusion: d2, DiffusionErr: 0.01, Count: count}
	}
	return []WindowRows{
		{T0: 0, T1: 5, Rows: []TableRow{r(0, 1, 0.5, 0.2, 10), r(0, 2, -0.5, 0.2, 10), r(0, 3, 7, 0.2, 0), r(1, 3, 1, 0.4, 10), r(1, 4, -1, 0.4, 10)}},
		{T0: 5, T1: 10, Rows: []TableRow{r(0, 1, 2, 0.3, 10), r(0, 2, 1, 0.3, 10), r(1, 3, 3, 0.5, 10), r(1, 4, 2, 0.5, 10)}},
	}
}

func TestWriteTimeTablesFormat(t *testing.T) {
	t.Parallel()
	// The reader's own fixture, byte for byte.
	var buf bytes.Buffer
	if err := WriteTimeTables(&buf, windowedRows()); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != windowedCSV {
		t.Errorf("written:\n%s\nwant:\n%s", got, windowedCSV)
	}
}

func TestWriteTimeTablesRoundTrip(t *testing.T) {
	t.Parallel()
	// Values that need all 17 digits, tiny and large ones and a window ending at +Inf read back
	// exactly (==, not within a tolerance): the writer's shortest exact form parses to the same
	// float64. The rows with 9 increments (below MinCount, one with a NaN diffusion: an empty
	// bin) are written but skipped by the reader.
	x := []float64{1.0 / 3, 2 + 1e-15, math.Pi, 7.5e3}
	d1 := []float64{-1e-300, 0.1 + 0.2, -math.SmallestNonzeroFloat64, 123.456789123456789}
	d2 := []float64{math.Nextafter(1, 2), 3e5, 2.0 / 3, 1e-3 * math.Pi}
	exp := []float64{0.7, -1.0 / 7, 0, 1e-20}
	var rows []TableRow
	for k := range x {
		for mode := range 2 {
			rows = append(rows, TableRow{Mode: mode, X: x[k], Drift: d1[k], DriftErr: 1e-3, Diffusion: d2[k], DiffusionErr: 1e-4,
				Count: 1 << 40, Expected: exp[k]})
		}
	}
	rows = append(rows, TableRow{Mode: 0, X: 9, Drift: 1, Diffusion: 1, Count: MinCount - 1},
		TableRow{Mode: 1, X: 9, Drift: 1, Diffusion: math.NaN(), Count: MinCount - 1})
	wins := []WindowRows{{T0: 0, T1: 0.1 * 3, Rows: rows}, {T0: 0.1 * 3, T1: math.Inf(1), Rows: rows[:8]}}
	var buf bytes.Buffer
	if err := WriteTimeTables(&buf, wins); err != nil {
		t.Fatal(err)
	}
	for _, col := range []struct {
		name string
		d1   []float64
	}{{"drift", d1}, {"expected", exp}} {
		got, err := ReadTimeTablesColumn(bytes.NewReader(buf.Bytes()), col.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("%d windows", len(got))
		}
		for w, win := range got {
			if win.T0 != wins[w].T0 || win.T1 != wins[w].T1 || len(win.Tables) != 2 {
				t.Errorf("%s: window %d: [%v, %v) with %d modes", col.name, w, win.T0, win.T1, len(win.Tables))
			}
			for m, tab := range win.Tables {
				if !reflect.DeepEqual(tab.X, x) || !reflect.DeepEqual(tab.D1, col.d1) || !reflect.DeepEqual(tab.D2, d2) {
					t.Errorf("%s: window %d mode %d: %v %v %v", col.name, w, m, tab.X, tab.D1, tab.D2)
				}
			}
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriteTimeTablesError(t *testing.T) {
	t.Parallel()
	for n := range 3 { // the header, the first row, the second row
		if err := WriteTimeTables(&failWriter{n: n}, windowedRows()); err == nil {
			t.Errorf("write error %d not returned", n)
		}
	}
}

func TestWindowSystems(t *testing.T) {
	t.Parallel()
	wins, err := ReadTimeTables(bytes.NewReader([]byte(windowedCSV)))
	if err != nil {
		t.Fatal(err)
	}
	base := System{Coulomb: true, Modes: []Mode{{Drift: Harmonic{Omega: 1}, G2: 0.1}, {Drift: Harmonic{Omega: 1}, G2: 0.2}}}
	// The system's mode 0 is the table's mode 1 and vice versa.
	got, err := WindowSystems(wins, base, []int{1, 0}, -1, 6)
	if err != nil {
		t.Fatal(err)
	}
	for w, ws := range got {
		if ws.T0 != wins[w].T0 || ws.T1 != wins[w].T1 || !ws.System.Coulomb || len(ws.System.Modes) != 2 {
			t.Fatalf("window %d: %+v", w, ws)
		}
		for k, i := range []int{1, 0} {
			m := ws.System.Modes[k]
			lo, hi := m.Drift.Domain()
			if m.Drift != wins[w].Tables[i] || m.G2 != base.Modes[k].G2 || lo != -1 || hi != 6 {
				t.Errorf("window %d mode %d: %+v on [%g, %g]", w, k, m, lo, hi)
			}
		}
	}
	if _, err := WindowSystems(wins, System{Modes: []Mode{{}, {}, {}}}, []int{0, 1, 2}, -1, 6); err == nil {
		t.Error("three modes from tables of two: no error")
	}
	if _, err := WindowSystems(wins, base, []int{1, 0}, 6, -1); err == nil {
		t.Error("empty domain: no error")
	}
}

func TestStationaryWidth(t *testing.T) {
	t.Parallel()
	tab, err := NewTable([]float64{0, 1}, []float64{1, -1}, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		m    Mode
		want float64
	}{
		// sqrt(g^2/Omega) exactly (one rounding each).
		{"harmonic", Mode{Drift: Harmonic{Omega: 4, C: 1}, G2: 0.09}, 0.15},
		// RBM: Omega = (mu^2 - kappa)/kappa^2 = 8/4 at x* = 8.
		{"rbm", Mode{Drift: RBM{Mu2: 10, Kappa: 2}, G2: 0.5}, 0.5},
		{"table", Mode{Drift: tab, G2: 1}, math.NaN()},
		{"unstable", Mode{Drift: Harmonic{Omega: -1}, G2: 1}, math.NaN()},
	}
	for _, c := range cases {
		got := c.m.StationaryWidth()
		if math.IsNaN(c.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-c.want) > 1e-15) {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}
