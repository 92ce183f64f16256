package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// python is the interpreter of the live references (Debian's python3-scipy lives there).
const python = "/usr/bin/python3"

// storedRefs returns the stored scipy reference figures.
func storedRefs() (cn, fd, chamber Ref) {
	return Ref{Name: "scipy CN + SuperLU, full 512^2 grid", Value: scipyCNStepMs512, Source: SourceStored},
		Ref{Name: "scipy eigsh shift-invert", Value: scipyEigshFD, Source: SourceStored},
		Ref{Name: "scipy eigsh shift-invert", Value: scipyEigshChamber, Source: SourceStored}
}

// haveScipy reports whether python imports scipy.
func haveScipy() bool {
	return exec.Command(python, "-c", "import scipy.sparse.linalg").Run() == nil
}

// haveNumpy reports whether python imports numpy.
func haveNumpy() bool {
	return exec.Command(python, "-c", "import numpy").Run() == nil
}

// haveTorch reports whether python imports torch (Debian's python3-torch).
func haveTorch() bool {
	return exec.Command(python, "-c", "import torch").Run() == nil
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", fmt.Errorf("no go.mod above the working directory; run from inside the repository")
		}
		dir = up
	}
}

// runPython runs a script of the repository from its root and returns its standard output.
func runPython(root string, timeout time.Duration, args ...string) ([]byte, error) {
	cmd := exec.Command(python, args...)
	cmd.Dir = root
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return nil, fmt.Errorf("%s: %v: %s", args[0], err, bytes.TrimSpace(errb.Bytes()))
		}
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		<-done
		return nil, fmt.Errorf("%s: no answer within %v", args[0], timeout)
	}
	return out.Bytes(), nil
}

var (
	reCN      = regexp.MustCompile(`(?m)^cn: .*step_ms=([0-9.eE+-]+)`)
	reFD      = regexp.MustCompile(`(?m)^fd: .*best of \d+: ([0-9.eE+-]+) s`)
	reSG      = regexp.MustCompile(`(?m)^sg: .*best of \d+: ([0-9.eE+-]+) s`)
	reChamber = regexp.MustCompile(`(?m)^chamber: .*best of \d+: ([0-9.eE+-]+) s`)
	reTeacher = regexp.MustCompile(`(?m)^teacher: .*updates_per_s=([0-9.eE+-]+)`)
	reEigen   = regexp.MustCompile(`(?m)^langevin: .*mode_updates_per_s=([0-9.eE+-]+)`)
	reTorch   = regexp.MustCompile(`(?m)^rbm: n=(\d+) .*\bmeasure_every=(\d+) .*\bupdates_per_s=(\S+)`)
)

// parseFigure returns the first submatch of re in out as a positive number.
func parseFigure(re *regexp.Regexp, out []byte) (float64, error) {
	m := re.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no line matching %q in the script's output", re.String())
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil || !(v > 0) {
		return 0, fmt.Errorf("bad figure %q in the script's output", m[1])
	}
	return v, nil
}

// liveCN times scipy's Crank-Nicolson step on the full 512^2 grid (cn_bench.py).
func liveCN(root string) (float64, error) {
	out, err := runPython(root, 10*time.Minute, "benchmarks/suite/cn_bench.py", "512", "10")
	if err != nil {
		return 0, err
	}
	return parseFigure(reCN, out)
}

// liveEigsh runs benchmarks/hamiltonian/eigsh_bench.py (best of 3 for each matrix): eigsh on
// the one-mode FD matrix, on the one-mode SG matrix (the [spectrum] stage's) and on the chamber.
func liveEigsh(root string) (fd, sg, chamber float64, err error) {
	out, err := runPython(root, 10*time.Minute, "benchmarks/hamiltonian/eigsh_bench.py")
	if err != nil {
		return 0, 0, 0, err
	}
	if fd, err = parseFigure(reFD, out); err != nil {
		return 0, 0, 0, err
	}
	if sg, err = parseFigure(reSG, out); err != nil {
		return 0, 0, 0, err
	}
	chamber, err = parseFigure(reChamber, out)
	return fd, sg, chamber, err
}

// liveNumpyTeacher runs teacher_bench.py at size n (after its self-check against the exact
// stationary second moment) and returns NumPy's updates per second on one thread: the best of
// 3 blocks of 20000 updates at N = 2, 5000 at larger N.
func liveNumpyTeacher(root string, n int) (float64, error) {
	updates := 20000
	if n > 2 {
		updates = 5000
	}
	out, err := runPython(root, 5*time.Minute, "benchmarks/suite/teacher_bench.py", strconv.Itoa(n), strconv.Itoa(updates), "3")
	if err != nil {
		return 0, err
	}
	return parseFigure(reTeacher, out)
}

// liveNumpyLangevin runs langevin_bench.py (after its self-check on a harmonic Coulomb pair) and
// returns NumPy's mode-updates per second on one thread for the suite's eigenvalue-level row: 256
// walkers x 10 modes, the best of 3 blocks of 1000 updates.
func liveNumpyLangevin(root string) (float64, error) {
	out, err := runPython(root, 5*time.Minute, "benchmarks/suite/langevin_bench.py", "1000", "3")
	if err != nil {
		return 0, err
	}
	return parseFigure(reEigen, out)
}

// parseTorchRBM reads the lines of rbm_torch_bench.py, one per measure_every, and returns the
// updates per second by measure_every. Every line must be for size n and carry a positive
// finite figure, and every measure_every of want must be present.
func parseTorchRBM(out []byte, n int, want []int) (map[int]float64, error) {
	rates := map[int]float64{}
	for _, m := range reTorch.FindAllSubmatch(out, -1) {
		size, _ := strconv.Atoi(string(m[1]))
		me, _ := strconv.Atoi(string(m[2]))
		v, err := strconv.ParseFloat(string(m[3]), 64)
		if size != n {
			return nil, fmt.Errorf("rbm_torch_bench.py answered for N = %d, asked for %d", size, n)
		}
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("bad figure %q for measure_every = %d in rbm_torch_bench.py's output", m[3], me)
		}
		rates[me] = v
	}
	for _, me := range want {
		if _, ok := rates[me]; !ok {
			return nil, fmt.Errorf("no line for measure_every = %d in rbm_torch_bench.py's output", me)
		}
	}
	return rates, nil
}

// liveTorchRBM runs rbm_torch_bench.py at size n for each measure_every of ms (after its
// self-checks: the Gibbs chains reproduce K^-1 and the paper's setting learns its target
// spectrum) and returns PyTorch's updates per second on one thread by measure_every: the best
// of reps blocks of about blockSec seconds each.
func liveTorchRBM(root string, n int, ms []int, reps int, blockSec float64) (map[int]float64, error) {
	list := make([]string, len(ms))
	for i, m := range ms {
		list[i] = strconv.Itoa(m)
	}
	out, err := runPython(root, 10*time.Minute, "benchmarks/suite/rbm_torch_bench.py", strconv.Itoa(n),
		strings.Join(list, ","), strconv.Itoa(reps), strconv.FormatFloat(blockSec, 'g', -1, 64))
	if err != nil {
		return nil, err
	}
	return parseTorchRBM(out, n, ms)
}
