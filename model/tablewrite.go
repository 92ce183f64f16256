package model

import (
	"io"
	"strconv"
	"strings"
)

// TableRow is one row of a drift table file: one bin of one mode, in the TableColumns.
type TableRow struct {
	Mode                    int
	X                       float64 // the bin's x (the mean x of its increments, or its centre)
	Drift, DriftErr         float64 // D1(x) and its standard error
	Diffusion, DiffusionErr float64 // D2(x) and its standard error
	Count                   int64   // increments in the bin
	Expected                float64 // the drift without the noise-induced repulsion
}

// WindowRows are the rows of one time window [T0, T1) of a drift table file.
type WindowRows struct {
	T0, T1 float64
	Rows   []TableRow
}

// WriteTimeTables writes a drift table file that ReadTimeTables reads back: a header line of
// TableColumns and WindowColumns, then every row of every window, window w's rows with the
// window index w and its T0 and T1. Numbers are written in the shortest form that parses back to
// the same float64 (strconv 'g', -1), so that a read after a write gives the tables exactly;
// rows that the reader skips (fewer than MinCount increments, a value not finite) are written
// all the same. It returns the first write error.
func WriteTimeTables(w io.Writer, windows []WindowRows) error {
	head := strings.Join(append(append([]string(nil), TableColumns...), WindowColumns...), ",") + "\n"
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	var buf []byte
	for wi, win := range windows {
		for _, r := range win.Rows {
			buf = buf[:0]
			for i, v := range [...]float64{float64(r.Mode), r.X, r.Drift, r.DriftErr, r.Diffusion, r.DiffusionErr,
				float64(r.Count), r.Expected, float64(wi), win.T0, win.T1} {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	}
	return nil
}
