package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
)

// TestRatio checks the ratio logic: a time (lower is better) half the reference is 2x faster, a
// rate half the reference is 2x slower, and non-positive or infinite inputs give no ratio.
// Tolerance 1e-15: one division, rounding only.
func TestRatio(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v, ref float64
		higher bool
		want   float64
		faster bool
		ok     bool
		text   string
	}{
		{2, 4, false, 2, true, true, "2x faster"},  // 2 ms against 4 ms
		{4, 2, false, 2, false, true, "2x slower"}, // 4 ms against 2 ms
		{2, 4, true, 2, false, true, "2x slower"},  // 2 /s against 4 /s
		{3e5, 1300, true, 3e5 / 1300, true, true, "231x faster"},
		{1.79, 5, false, 5 / 1.79, true, true, "2.79x faster"},
		{5, 5, false, 1, true, true, "1x faster"},    // equal counts as not slower
		{0, 5, false, 0, false, false, "-"},          // no figure
		{5, 0, true, 0, false, false, "-"},           // no reference
		{math.NaN(), 5, true, 0, false, false, "-"},  // failed measurement
		{math.Inf(1), 5, true, 0, false, false, "-"}, // infinite
		{-1, 5, false, 0, false, false, "-"},         // negative
	} {
		f, faster, ok := Ratio(c.v, c.ref, c.higher)
		if ok != c.ok || faster != c.faster || math.Abs(f-c.want) > 1e-15*c.want {
			t.Errorf("Ratio(%g, %g, %v) = %g, %v, %v; want %g, %v, %v", c.v, c.ref, c.higher, f, faster, ok, c.want, c.faster, c.ok)
		}
		if got := RatioText(c.v, c.ref, c.higher); got != c.text {
			t.Errorf("RatioText(%g, %g, %v) = %q, want %q", c.v, c.ref, c.higher, got, c.text)
		}
	}
}

// TestFormatNumber checks three significant digits, plain inside [0.001, 1e5), compact
// exponent outside.
func TestFormatNumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {1, "1"}, {4.3171, "4.32"}, {12.55, "12.6"}, {56, "56"}, {213.6, "214"},
		{99999, "99999"}, {1e5, "1e5"}, {1.2345e8, "1.23e8"}, {6.88e7, "6.88e7"},
		{0.001, "0.001"}, {0.00042, "4.2e-4"}, {-2.5e6, "-2.5e6"}, {math.Inf(1), "+Inf"},
	} {
		if got := FormatNumber(c.v); got != c.want {
			t.Errorf("FormatNumber(%g) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestWriteTable checks the layout on two rows written out by hand: padded columns joined by
// " | ", a rule as wide as the header, one extra line per extra reference, notes after.
func TestWriteTable(t *testing.T) {
	t.Parallel()
	rows := []Row{
		{Component: "a", Workload: "w", Size: "n=1", Value: 2, Unit: "s",
			Refs: []Ref{{Name: "target", Value: 4, Source: SourceTarget}, {Name: "scipy", Value: 1, Source: SourceStored}}},
		{Component: "bb", Workload: "ww", Size: "n=22", Value: 1e6, Unit: "op/s", Higher: true, Note: "a note"},
	}
	var b bytes.Buffer
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	// Widths: 9 (component), 8 (workload), 4 (size), 8 ("1e6 op/s"), 19 ("4 s target [target]"),
	// 9 ("2x faster"); rule 57 + 5 separators of 3 = 72.
	want := "" +
		"component | workload | size | figure   | reference           | ratio\n" +
		strings.Repeat("-", 72) + "\n" +
		"a         | w        | n=1  | 2 s      | 4 s target [target] | 2x faster\n" +
		"          |          |      |          | 1 s scipy [stored]  | 2x slower\n" +
		"bb        | ww       | n=22 | 1e6 op/s | -                   | -\n" +
		"\n" +
		"bb/ww/n=22: a note\n"
	if got := b.String(); got != want {
		t.Errorf("WriteTable:\n%s\nwant:\n%s", got, want)
	}
}

// TestWriteJSON checks that the JSON holds the machine, every row and one ratio text per reference.
func TestWriteJSON(t *testing.T) {
	t.Parallel()
	rows := []Row{{Component: "c", Workload: "w", Size: "s", Value: 10, Unit: "ms/step",
		Refs: []Ref{{Name: "target", Value: 5, Source: SourceTarget}, {Name: "scipy", Value: 56, Source: SourceLive}}}}
	var b bytes.Buffer
	if err := WriteJSON(&b, Machine{CPU: "x", NumCPU: 2, GOMAXPROCS: 2, GoVersion: "go"}, rows); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Machine Machine
		Rows    []struct {
			Row
			Ratios []string
		}
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Machine.NumCPU != 2 || len(got.Rows) != 1 || got.Rows[0].Value != 10 || len(got.Rows[0].Refs) != 2 {
		t.Fatalf("round trip lost data: %+v", got)
	}
	if r := got.Rows[0].Ratios; len(r) != 2 || r[0] != "2x slower" || r[1] != "5.6x faster" {
		t.Errorf("ratios = %q, want [2x slower 5.6x faster]", r)
	}
}

// TestGridCells checks the chamber cell counts against the binomial formulas n(n+1)/2 and
// n(n+1)(n+2)/6 (the cells i_0 <= i_1 [<= i_2]) evaluated by hand, and the size labels.
func TestGridCells(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		g     fpGrid
		cells int
		size  string
	}{
		{fpGrid{d: 1, n: 4096}, 4096, "n=4096"},
		{fpGrid{d: 2, n: 512, coulomb: true}, 131328, "512^2 (131,328 cells)"},
		{fpGrid{d: 2, n: 512}, 262144, "512^2 (262,144 cells)"},
		{fpGrid{d: 3, n: 64, coulomb: true}, 45760, "64^3 (45,760 cells)"},
		{fpGrid{d: 3, n: 128, coulomb: true}, 357760, "128^3 (357,760 cells)"},
	} {
		if got := c.g.cells(); got != c.cells {
			t.Errorf("%+v: cells = %d, want %d", c.g, got, c.cells)
		}
		if got := c.g.size(); got != c.size {
			t.Errorf("%+v: size = %q, want %q", c.g, got, c.size)
		}
	}
	if got := thousands(999); got != "999" {
		t.Errorf("thousands(999) = %q", got)
	}
}

// TestRowNames checks that every -list name is unique and has the component/workload/size
// shape that -only matches.
func TestRowNames(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	shape := regexp.MustCompile(`^(fokkerplanck|hamiltonian|langevin|rbmdrift|teacher)/[^/]+/.+$`)
	for _, g := range groups() {
		for _, n := range g.names {
			if seen[n] {
				t.Errorf("duplicate row name %q", n)
			}
			seen[n] = true
			if !shape.MatchString(n) {
				t.Errorf("row name %q is not component/workload/size", n)
			}
		}
	}
	if len(seen) < 25 {
		t.Errorf("%d rows, want at least the 25 of the brief", len(seen))
	}
}

// TestParseFigure checks the parsing of the reference scripts' output lines (as printed by
// cn_bench.py, teacher_bench.py, langevin_bench.py and benchmarks/hamiltonian/eigsh_bench.py).
func TestParseFigure(t *testing.T) {
	t.Parallel()
	out := []byte(strings.Join([]string{
		"fd assembly (numpy): 0.041 s",
		"fd: n=200000 k=6 best of 3: 0.493 s",
		"  E = 0.0000000 0.0433560",
		"chamber: n=32896 k=8 best of 3: 0.381 s",
		"cn: n=512 cells=262144 factor=3.425 step_ms=72.441 mass=1.000000000000",
		"teacher: n=2 batch=16 updates=20000 reps=3 updates_per_s=83778 var_off=3.36e-05/3.333e-05",
		"langevin: walkers=256 modes=10 updates=1000 reps=3 mode_updates_per_s=9.81714e+06 median_spacing=0.1745/0.1669",
	}, "\n"))
	for _, c := range []struct {
		re   *regexp.Regexp
		want float64
	}{{reFD, 0.493}, {reChamber, 0.381}, {reCN, 72.441}, {reTeacher, 83778}, {reEigen, 9.81714e6}} {
		got, err := parseFigure(c.re, out)
		if err != nil || got != c.want {
			t.Errorf("parseFigure(%s) = %g, %v; want %g", c.re, got, err, c.want)
		}
	}
	if _, err := parseFigure(reCN, []byte("cn: step_ms=nan")); err == nil {
		t.Error("parseFigure accepted a missing figure")
	}
}

// TestParseTorchRBM checks the parsing of rbm_torch_bench.py's lines (one per measure_every, as
// the script prints them) and the refusals: a line for another N, a missing measure_every, a
// figure that is not a positive finite number.
func TestParseTorchRBM(t *testing.T) {
	t.Parallel()
	out := []byte(strings.Join([]string{
		"rbm: n=64 batch=16 k=3 measure_every=0 updates=1533 reps=3 updates_per_s=5320.94",
		"rbm: n=64 batch=16 k=3 measure_every=1 updates=457 reps=3 updates_per_s=1588.08",
		"some other line",
		"rbm: n=64 batch=16 k=3 measure_every=10 updates=1170 reps=3 updates_per_s=4.09933e+03",
	}, "\n"))
	got, err := parseTorchRBM(out, 64, []int{0, 1, 10})
	if err != nil {
		t.Fatal(err)
	}
	for m, want := range map[int]float64{0: 5320.94, 1: 1588.08, 10: 4099.33} {
		if got[m] != want {
			t.Errorf("measure_every %d: %g, want %g", m, got[m], want)
		}
	}
	if _, err := parseTorchRBM(out, 10, []int{0}); err == nil {
		t.Error("accepted lines for N = 64 when N = 10 was asked for")
	}
	if _, err := parseTorchRBM(out, 64, []int{0, 5}); err == nil {
		t.Error("accepted output without the measure_every = 5 line")
	}
	for _, bad := range []string{"nan", "inf", "0", "-3", "x"} {
		line := "rbm: n=10 batch=16 k=3 measure_every=0 updates=10 reps=3 updates_per_s=" + bad
		if _, err := parseTorchRBM([]byte(line), 10, []int{0}); err == nil {
			t.Errorf("accepted the figure %q", bad)
		}
	}
}

// TestFitSlope checks the least-squares slope on exact power laws: cost = 3 N^2.5 at the suite's
// sizes gives p = 2.5, and a constant gives 0. Tolerance 1e-12: a few logarithms and sums of
// four terms, rounding only.
func TestFitSlope(t *testing.T) {
	t.Parallel()
	var x, y, c []float64
	for _, n := range rbmScalingSizes {
		x = append(x, math.Log(float64(n)))
		y = append(y, math.Log(3*math.Pow(float64(n), 2.5)))
		c = append(c, math.Log(7))
	}
	if p := fitSlope(x, y); math.Abs(p-2.5) > 1e-12 {
		t.Errorf("slope %g, want 2.5", p)
	}
	if p := fitSlope(x, c); math.Abs(p) > 1e-12 {
		t.Errorf("slope of a constant %g, want 0", p)
	}
}

// TestCPUSeconds checks that the process CPU clock reads as a finite, non-negative number that
// does not run backwards over some work (no speed is asserted).
func TestCPUSeconds(t *testing.T) {
	c0 := cpuSeconds()
	s := 0.0
	for i := range 1000000 {
		s += math.Sqrt(float64(i))
	}
	c1 := cpuSeconds()
	if !(c0 >= 0) || math.IsInf(c1, 0) || c1 < c0 {
		t.Errorf("cpuSeconds went from %g to %g (sum %g)", c0, c1, s)
	}
}

// TestRBMRowNames checks that the TrainRun rows cover measure_every 0, 1, 10 at N = 10 (direct)
// and at N = 64 for both samplers, and that each group asks for the PyTorch reference of its N.
func TestRBMRowNames(t *testing.T) {
	t.Parallel()
	want := map[string]bool{}
	for _, c := range []struct {
		n       int
		sampler string
	}{{10, "direct"}, {64, "direct"}, {64, "gibbs"}} {
		for _, m := range []int{0, 1, 10} {
			want[fmt.Sprintf("rbmdrift/TrainRun, %s sampler, measure_every=%d, one core/N_v=N_h=%d, |B|=16, k=3", c.sampler, m, c.n)] = true
		}
	}
	for _, g := range groups() {
		for _, n := range g.names {
			if !want[n] {
				continue
			}
			delete(want, n)
			if !strings.Contains(n, fmt.Sprintf("N_v=N_h=%d,", g.torch[0])) || len(g.torch) != 1 {
				t.Errorf("row %q: group asks for the PyTorch sizes %v", n, g.torch)
			}
		}
	}
	for n := range want {
		t.Errorf("missing row %q", n)
	}
}
