// Command suite runs fpsolve's benchmark suite and prints a table: component, workload, size,
// the measured figure, reference figures (targets from the project's issues, stored scipy
// measurements, or scipy, NumPy and PyTorch timed live with -scipy) and the ratio to each.
//
//	go run ./benchmarks/suite                 # full suite, best of 3 (a few minutes on 2 cores)
//	go run ./benchmarks/suite -quick          # smaller sizes, one repetition (about 20 s on 2 cores)
//	go run ./benchmarks/suite -only langevin  # rows whose component/workload/size matches
//	go run ./benchmarks/suite -list           # the row names -only matches
//	go run ./benchmarks/suite -scipy -json out.json  # time scipy, NumPy and PyTorch live too
//
// Each workload calls the libraries directly under testing.Benchmark with the set-ups of the
// packages' own bench_test.go; see benchmarks/README.md for what every row measures and how each
// reference was obtained.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func main() {
	testing.Init() // registers -test.benchtime on flag.CommandLine; our own flags live apart
	fs := flag.NewFlagSet("suite", flag.ExitOnError)
	quick := fs.Bool("quick", false, "smaller sizes and one repetition (about 20 s on 2 cores)")
	only := fs.String("only", "", "run only the rows whose component/workload/size matches this regular expression")
	jsonOut := fs.String("json", "", "also write the rows as JSON to this file")
	scipy := fs.Bool("scipy", false, "time the Python references (scipy, NumPy, PyTorch) live with "+python+" (stored scipy figures otherwise; the NumPy and PyTorch references only then)")
	count := fs.Int("count", 0, "repetitions of each benchmark, best kept (default 3, 1 with -quick)")
	benchtime := fs.String("benchtime", "", "testing benchtime of the short benchmarks (default 1s, 200ms with -quick)")
	list := fs.Bool("list", false, "list the row names and exit")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	re, err := regexp.Compile(*only)
	if err != nil {
		fail(fmt.Errorf("-only: %v", err))
	}
	if *list {
		for _, g := range groups() {
			for _, n := range g.names {
				mark := ""
				if !g.quick {
					mark = "   (not in -quick)"
				}
				fmt.Println(n + mark)
			}
		}
		return
	}
	e := &env{quick: *quick, count: *count, benchtime: *benchtime,
		progress: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "suite: "+f+"\n", a...) }}
	if e.count <= 0 {
		e.count = 3
		if e.quick {
			e.count = 1
		}
	}
	if e.benchtime == "" {
		e.benchtime = "1s"
		if e.quick {
			e.benchtime = "200ms"
		}
	}
	e.cnStep, e.eigshFD, e.eigshCham = storedRefs()

	var sel []group
	keep := func(name string) bool { return re.MatchString(name) }
	for _, g := range groups() {
		if e.quick && !g.quick {
			continue
		}
		for _, n := range g.names {
			if keep(n) {
				sel = append(sel, g)
				break
			}
		}
	}
	if len(sel) == 0 {
		fail(fmt.Errorf("-only %q matches no row (see -list)", *only))
	}

	m := machine()
	if *scipy {
		liveRefs(e, sel)
	}
	start := time.Now()
	var rows []Row
	for _, g := range sel {
		rs, err := g.run(e, keep)
		if err != nil {
			fail(err)
		}
		rows = append(rows, rs...)
	}
	fmt.Printf("machine: %s; NumCPU %d, GOMAXPROCS %d, %s; load average at start %s\n",
		m.CPU, m.NumCPU, m.GOMAXPROCS, m.GoVersion, m.LoadAvg)
	fmt.Printf("settings: count %d (best kept), benchtime %s, quick %v; suite took %.0f s\n\n",
		e.count, e.benchtime, e.quick, time.Since(start).Seconds())
	if err := WriteTable(os.Stdout, rows); err != nil {
		fail(err)
	}
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err != nil {
			fail(err)
		}
		err = WriteJSON(f, m, rows)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fail(err)
		}
	}
}

// liveRefs times the Python references that the selected rows use: the NumPy teacher trainer
// and Langevin update if numpy imports, the PyTorch RBM trainer if torch imports (else those rows
// go without them, with a note), the scipy ones if scipy imports;
// on any failure the stored figure stays and a warning goes to stderr.
func liveRefs(e *env, sel []group) {
	liveTeacher(e, sel)
	liveLangevin(e, sel)
	liveTorch(e, sel)
	if !haveScipy() {
		e.progress("-scipy: %s does not import scipy; using the stored references", python)
		return
	}
	root, err := repoRoot()
	if err != nil {
		e.progress("-scipy: %v; using the stored references", err)
		return
	}
	var needCN, needEigsh bool
	for _, g := range sel {
		for _, n := range g.names {
			needCN = needCN || strings.Contains(n, "/512^2")
			needEigsh = needEigsh || strings.HasPrefix(n, "hamiltonian/")
		}
	}
	if needCN {
		e.progress("scipy Crank-Nicolson, 512^2 (cn_bench.py)")
		if v, err := liveCN(root); err != nil {
			e.progress("-scipy: %v; using the stored figure", err)
		} else {
			e.cnStep.Value, e.cnStep.Source = v, SourceLive
		}
	}
	if needEigsh {
		e.progress("scipy eigsh (benchmarks/hamiltonian/eigsh_bench.py)")
		if fd, sg, ch, err := liveEigsh(root); err != nil {
			e.progress("-scipy: %v; using the stored figures", err)
		} else {
			e.eigshFD.Value, e.eigshFD.Source = fd, SourceLive
			e.eigshSG = Ref{Name: "scipy eigsh shift-invert on the SG matrix", Value: sg, Source: SourceLive}
			e.eigshCham.Value, e.eigshCham.Source = ch, SourceLive
		}
	}
}

// machine describes this machine: CPU model from /proc/cpuinfo, core counts, Go version and
// the load average (the machine may be shared).
func machine() Machine {
	m := Machine{CPU: "unknown CPU", NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), GoVersion: runtime.Version(), LoadAvg: "unknown"}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return m
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "suite:", err)
	os.Exit(1)
}

// liveTeacher times the NumPy teacher trainer (teacher_bench.py) at the sizes of the selected
// teacher rows, if numpy imports; a size whose script fails keeps no reference and says why.
func liveTeacher(e *env, sel []group) {
	var sizes []int
	for _, g := range sel {
		for _, n := range g.names {
			if strings.HasPrefix(n, "teacher/") {
				sizes = append(sizes, teacherSizes...)
				break
			}
		}
	}
	if len(sizes) == 0 {
		return
	}
	if !haveNumpy() {
		e.progress("-scipy: %s does not import numpy; the teacher rows go without the NumPy reference", python)
		return
	}
	root, err := repoRoot()
	if err != nil {
		e.progress("-scipy: %v; the teacher rows go without the NumPy reference", err)
		return
	}
	e.numpyTeacher = map[int]float64{}
	for _, n := range sizes {
		if _, done := e.numpyTeacher[n]; done {
			continue
		}
		e.progress("NumPy teacher-student trainer, N = %d (teacher_bench.py)", n)
		v, err := liveNumpyTeacher(root, n)
		if err != nil {
			e.progress("-scipy: %v; the N = %d teacher row goes without the NumPy reference", err, n)
			continue
		}
		e.numpyTeacher[n] = v
	}
}

// liveLangevin times the NumPy eigenvalue-level Langevin update (langevin_bench.py) when the
// langevin eigenvalue row is selected, leaving e.numpyEigen zero (with a printed note) when
// numpy is missing or the script fails.
func liveLangevin(e *env, sel []group) {
	want := false
	for _, g := range sel {
		for _, n := range g.names {
			if strings.HasPrefix(n, "langevin/eigenvalue level") {
				want = true
			}
		}
	}
	if !want {
		return
	}
	if !haveNumpy() {
		e.progress("-scipy: %s does not import numpy; the langevin eigenvalue row goes without the NumPy reference", python)
		return
	}
	root, err := repoRoot()
	if err != nil {
		e.progress("-scipy: %v; the langevin eigenvalue row goes without the NumPy reference", err)
		return
	}
	e.progress("NumPy eigenvalue-level Langevin, 256 walkers x 10 modes (langevin_bench.py)")
	v, err := liveNumpyLangevin(root)
	if err != nil {
		e.progress("-scipy: %v; the langevin eigenvalue row goes without the NumPy reference", err)
		return
	}
	e.numpyEigen = v
}

// liveTorch times the PyTorch RBM trainer (rbm_torch_bench.py) at the sizes the selected rows
// use (group.torch), for measure_every = 0, 1, 10, if torch imports; a size whose script fails
// keeps no reference and says why.
func liveTorch(e *env, sel []group) {
	var sizes []int
	for _, g := range sel {
		for _, n := range g.torch {
			if !slices.Contains(sizes, n) {
				sizes = append(sizes, n)
			}
		}
	}
	if len(sizes) == 0 {
		return
	}
	if !haveTorch() {
		e.progress("-scipy: %s does not import torch (Debian: apt-get install python3-torch); the rbmdrift rows go without the PyTorch reference", python)
		return
	}
	root, err := repoRoot()
	if err != nil {
		e.progress("-scipy: %v; the rbmdrift rows go without the PyTorch reference", err)
		return
	}
	reps, block := 3, 0.3
	if e.quick {
		reps, block = 2, 0.15
	}
	e.torchRBM = map[int]map[int]float64{}
	for _, n := range sizes {
		e.progress("PyTorch RBM trainer, N = %d, measure_every %v (rbm_torch_bench.py)", n, rbmMeasureEvery)
		v, err := liveTorchRBM(root, n, rbmMeasureEvery, reps, block)
		if err != nil {
			e.progress("-scipy: %v; the N = %d rbmdrift rows go without the PyTorch reference", err, n)
			continue
		}
		e.torchRBM[n] = v
	}
}
