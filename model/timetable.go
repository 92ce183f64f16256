package model

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// WindowColumns are the optional columns of a drift table file, after TableColumns, that
// split it into time windows: the window index and the window's time range [t0, t1) in
// t = alpha * step. Every row of a window carries the same t0 and t1.
var WindowColumns = []string{"window", "t0", "t1"}

// TimeWindow is the drift table of one time window: the tables of all modes, measured from
// the increments at times in [T0, T1).
type TimeWindow struct {
	T0, T1 float64
	Tables []*Table // one per mode
}

// ReadTimeTables parses a drift table in CSV form that may carry the WindowColumns and
// returns its windows in ascending window index, each with one Table per mode (as ReadTables
// does for the whole file). Windows must be numbered 0..n-1 without gaps and hold the same
// modes; their time ranges must be non-empty and ascend. A file without a window column is one
// window with T0 = 0 and T1 = +Inf. Errors name the line.
func ReadTimeTables(r io.Reader) ([]TimeWindow, error) { return ReadTimeTablesColumn(r, "drift") }

// MinCount is the fewest increments a table row needs to become a node: the relative error of a
// diffusion from n increments is about sqrt(2/n), 45% at n = 10, and a near-zero diffusion from
// two or three increments would make a spurious wall (a drift/diffusion ratio of 1e9). Rows
// with fewer are skipped like empty bins.
const MinCount = 10

// ReadTimeTablesColumn is ReadTimeTables with D1 taken from the named column ("drift" or
// "expected").
func ReadTimeTablesColumn(r io.Reader, driftColumn string) ([]TimeWindow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("drift table is empty")
		}
		return nil, fmt.Errorf("drift table: %v", err)
	}
	col := map[string]int{}
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF") // a UTF-8 byte order mark (spreadsheet exports)
		}
		col[strings.TrimSpace(h)] = i
	}
	need := []string{"mode", "x", driftColumn, "diffusion", "count"}
	for _, c := range need {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("drift table: header has no %q column", c)
		}
	}
	_, windowed := col["window"]
	if windowed {
		for _, c := range WindowColumns[1:] {
			if _, ok := col[c]; !ok {
				return nil, fmt.Errorf("drift table: header has a window column but no %q column", c)
			}
		}
		need = append(need, WindowColumns...)
	}
	type node struct {
		x, d1, d2 float64
		line      int
	}
	type window struct {
		t0, t1  float64
		line    int // first line of the window
		modes   map[int][]node
		maxMode int
	}
	wins := map[int]*window{}
	maxWin := -1
	vals := make([]float64, len(need))
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("drift table: %v", err)
		}
		if len(rec) != len(head) {
			return nil, fmt.Errorf("drift table line %d: %d fields, header has %d", line, len(rec), len(head))
		}
		for i, name := range need {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[col[name]]), 64)
			if err != nil {
				return nil, fmt.Errorf("drift table line %d: column %s: %q is not a number", line, name, rec[col[name]])
			}
			vals[i] = v
		}
		m := int(vals[0])
		if float64(m) != vals[0] || m < 0 || m > 1<<20 {
			return nil, fmt.Errorf("drift table line %d: mode %q is not a non-negative integer", line, rec[col["mode"]])
		}
		if !finite(vals[1]) {
			return nil, fmt.Errorf("drift table line %d: x is not finite", line)
		}
		wi, t0, t1 := 0, 0.0, math.Inf(1)
		if windowed {
			wi, t0, t1 = int(vals[5]), vals[6], vals[7]
			if float64(wi) != vals[5] || wi < 0 || wi > 1<<20 {
				return nil, fmt.Errorf("drift table line %d: window %q is not a non-negative integer", line, rec[col["window"]])
			}
			if !finite(t0) || math.IsNaN(t1) || !(t0 < t1) {
				return nil, fmt.Errorf("drift table line %d: window time range [%g, %g) is empty or not finite", line, t0, t1)
			}
		}
		w := wins[wi]
		if w == nil {
			w = &window{t0: t0, t1: t1, line: line, modes: map[int][]node{}, maxMode: -1}
			wins[wi] = w
			maxWin = max(maxWin, wi)
		} else if w.t0 != t0 || w.t1 != t1 {
			return nil, fmt.Errorf("drift table line %d: window %d has time range [%g, %g), line %d gave [%g, %g)", line, wi, t0, t1, w.line, w.t0, w.t1)
		}
		if !finite(vals[4]) {
			return nil, fmt.Errorf("drift table line %d: column count: %q is not finite", line, rec[col["count"]])
		}
		if vals[4] < MinCount {
			continue // an empty or nearly empty bin (its values may be NaN)
		}
		for i, name := range need[2:4] {
			if !finite(vals[2+i]) {
				return nil, fmt.Errorf("drift table line %d: column %s: %q is not finite (a row with count >= %d must hold finite values)", line, name, rec[col[name]], MinCount)
			}
		}
		if vals[3] <= 0 {
			return nil, fmt.Errorf("drift table line %d: diffusion %g must be positive", line, vals[3])
		}
		w.modes[m] = append(w.modes[m], node{vals[1], vals[2], vals[3], line})
		w.maxMode = max(w.maxMode, m)
	}
	if maxWin < 0 {
		return nil, errors.New("drift table has no usable rows")
	}
	for wi, w := range wins {
		if w.maxMode < 0 && !windowed {
			return nil, errors.New("drift table has no usable rows")
		}
		if w.maxMode < 0 {
			return nil, fmt.Errorf("drift table: window %d has no usable rows", wi)
		}
	}
	out := make([]TimeWindow, maxWin+1)
	for wi := range out {
		w := wins[wi]
		where := ""
		if windowed {
			where = fmt.Sprintf(" window %d:", wi)
		}
		if w == nil {
			return nil, fmt.Errorf("drift table: window %d is missing (windows must be numbered 0..%d)", wi, maxWin)
		}
		if wi > 0 && w.t0 < out[wi-1].T1 {
			return nil, fmt.Errorf("drift table: window %d starts at t = %g before window %d ends at %g", wi, w.t0, wi-1, out[wi-1].T1)
		}
		if wi > 0 && w.maxMode != wins[0].maxMode {
			return nil, fmt.Errorf("drift table: window %d has %d modes, window 0 has %d", wi, w.maxMode+1, wins[0].maxMode+1)
		}
		tabs := make([]*Table, w.maxMode+1)
		for m := range tabs {
			ns := w.modes[m]
			if len(ns) < 2 {
				return nil, fmt.Errorf("drift table:%s mode %d has %d usable rows, need at least 2", where, m, len(ns))
			}
			sort.Slice(ns, func(a, b int) bool { return ns[a].x < ns[b].x })
			x, d1, d2 := make([]float64, len(ns)), make([]float64, len(ns)), make([]float64, len(ns))
			for k, n := range ns {
				x[k], d1[k], d2[k] = n.x, n.d1, n.d2
			}
			t, err := NewTable(x, d1, d2)
			if err != nil {
				var ne *NodeError
				if errors.As(err, &ne) {
					return nil, fmt.Errorf("drift table line %d:%s mode %d: %v", ns[ne.Node].line, where, m, err)
				}
				return nil, fmt.Errorf("drift table:%s mode %d: %v", where, m, err)
			}
			tabs[m] = t
		}
		out[wi] = TimeWindow{T0: w.t0, T1: w.t1, Tables: tabs}
	}
	return out, nil
}
