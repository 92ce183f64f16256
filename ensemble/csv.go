package ensemble

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Recorded is what a spectra table holds: members (runs) with their spectra at shared
// recorded steps. Spectra[m][s][k] is member m's k-th value at Steps[s], ascending in k.
type Recorded struct {
	Runs    []int
	Steps   []int
	Spectra [][][]float64
}

// ReadSpectraCSV reads a spectra table in the layout fpsolve writes (rbm_spectra.csv,
// teacher_spectra.csv): a header "run,step,x0,...,x{N-1}", then one row per run and recorded
// step. Runs may come in any order but each run's steps ascend, and every run has the same
// steps; the values of a row must be finite and ascending. The members are returned by
// ascending run index. Errors name the line and the cause.
func ReadSpectraCSV(r io.Reader) (*Recorded, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	line := 0
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("empty: want a header run,step,x0,x1 (and more x columns)")
	}
	line++
	head := strings.Split(strings.TrimSpace(sc.Text()), ",")
	if len(head) < 3 || head[0] != "run" || head[1] != "step" {
		return nil, fmt.Errorf("line 1: header %q, want run,step,x0 (x1, x2, ... after it)", sc.Text())
	}
	for k, h := range head[2:] {
		if h != fmt.Sprintf("x%d", k) {
			return nil, fmt.Errorf("line 1: column %d is %q, want x%d", k+3, h, k)
		}
	}
	n := len(head) - 2
	type member struct {
		steps []int
		spec  [][]float64
	}
	byRun := map[int]*member{}
	var order []int
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		f := strings.Split(text, ",")
		if len(f) != n+2 {
			return nil, fmt.Errorf("line %d: %d fields, want %d", line, len(f), n+2)
		}
		run, err := strconv.Atoi(f[0])
		if err != nil || run < 0 {
			return nil, fmt.Errorf("line %d: run %q is not an integer >= 0", line, f[0])
		}
		step, err := strconv.Atoi(f[1])
		if err != nil || step < 0 {
			return nil, fmt.Errorf("line %d: step %q is not an integer >= 0", line, f[1])
		}
		x := make([]float64, n)
		for k := range x {
			v, err := strconv.ParseFloat(f[k+2], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("line %d (run %d, step %d): x%d = %q is not a finite number", line, run, step, k, f[k+2])
			}
			if k > 0 && v < x[k-1] {
				return nil, fmt.Errorf("line %d (run %d, step %d): x%d = %v below x%d = %v: values must ascend", line, run, step, k, v, k-1, x[k-1])
			}
			x[k] = v
		}
		m := byRun[run]
		if m == nil {
			m = &member{}
			byRun[run] = m
			order = append(order, run)
		}
		if len(m.steps) > 0 && step <= m.steps[len(m.steps)-1] {
			return nil, fmt.Errorf("line %d: run %d: step %d after step %d: a run's steps must ascend", line, run, step, m.steps[len(m.steps)-1])
		}
		m.steps = append(m.steps, step)
		m.spec = append(m.spec, x)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no rows after the header")
	}
	runs := append([]int(nil), order...)
	for i := 1; i < len(runs); i++ { // insertion sort: runs usually come in order already
		for j := i; j > 0 && runs[j] < runs[j-1]; j-- {
			runs[j], runs[j-1] = runs[j-1], runs[j]
		}
	}
	out := &Recorded{Runs: runs, Steps: byRun[runs[0]].steps}
	for _, run := range runs {
		m := byRun[run]
		if len(m.steps) != len(out.Steps) {
			return nil, fmt.Errorf("run %d has %d recorded steps, run %d has %d: every run needs the same steps", run, len(m.steps), runs[0], len(out.Steps))
		}
		for s, st := range m.steps {
			if st != out.Steps[s] {
				return nil, fmt.Errorf("run %d records step %d where run %d records step %d: every run needs the same steps", run, st, runs[0], out.Steps[s])
			}
		}
		out.Spectra = append(out.Spectra, m.spec)
	}
	return out, nil
}

// PairTargets returns pairing targets for spectra without known targets: each mode's mean at
// the last recorded step, with adjacent modes merged into one degenerate group (their targets
// set to the group's mean) while the gap between their means is below the sum of their
// standard deviations over the members (the modes' distributions overlap at one sigma, as a
// degenerate pair's do: its spacing is about 1.8 sigma against a mode's spread of about 1.2
// sigma). It needs at least one member.
func (r *Recorded) PairTargets() []float64 {
	last := len(r.Steps) - 1
	n := len(r.Spectra[0][last])
	mean, sd := make([]float64, n), make([]float64, n)
	for k := range n {
		var s, s2 float64
		for _, m := range r.Spectra {
			v := m[last][k]
			s += v
			s2 += v * v
		}
		c := float64(len(r.Spectra))
		mean[k] = s / c
		sd[k] = math.Sqrt(math.Max(0, s2/c-mean[k]*mean[k]))
	}
	out := append([]float64(nil), mean...)
	for i := 0; i < n; {
		j := i + 1
		for j < n && mean[j]-mean[j-1] < sd[j]+sd[j-1] {
			j++
		}
		var s float64
		for k := i; k < j; k++ {
			s += mean[k]
		}
		for k := i; k < j; k++ {
			out[k] = s / float64(j-i)
		}
		i = j
	}
	return out
}
