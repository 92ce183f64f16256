package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Sources of a reference figure.
const (
	SourceTarget  = "target"   // a speed target from the project's issues
	SourceStored  = "stored"   // a measured figure stored in this suite (README says how it was obtained)
	SourceLive    = "live"     // measured in this run (-scipy)
	SourceDerived = "derived"  // computed from another reference (e.g. a projection of a rate)
	SourceRun     = "this run" // a Go figure of a related workload, measured in this run
)

// Ref is one reference figure for a row, in the row's unit.
type Ref struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// Row is one line of the suite's table: a measured figure and its references.
type Row struct {
	Component string  `json:"component"`
	Workload  string  `json:"workload"`
	Size      string  `json:"size"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Higher    bool    `json:"higher_is_better"`
	Refs      []Ref   `json:"refs,omitempty"`
	Note      string  `json:"note,omitempty"`
}

// Name is the row's identifier, matched by -only.
func (r Row) Name() string { return r.Component + "/" + r.Workload + "/" + r.Size }

// Ratio compares a figure v with a reference ref. factor >= 1 is how many times the figure is
// better ("faster") or worse ("slower") than the reference; higher says whether larger figures
// are better (rates) or smaller ones (times). ok is false if either value is not positive and
// finite.
func Ratio(v, ref float64, higher bool) (factor float64, faster bool, ok bool) {
	if !(v > 0) || !(ref > 0) || math.IsInf(v, 0) || math.IsInf(ref, 0) {
		return 0, false, false
	}
	r := ref / v
	if higher {
		r = v / ref
	}
	if r >= 1 {
		return r, true, true
	}
	return 1 / r, false, true
}

// RatioText is Ratio as the table prints it: "3.2x faster", "1.5x slower", or "-".
func RatioText(v, ref float64, higher bool) string {
	f, faster, ok := Ratio(v, ref, higher)
	if !ok {
		return "-"
	}
	word := "slower"
	if faster {
		word = "faster"
	}
	return FormatNumber(f) + "x " + word
}

// FormatNumber prints v with three significant digits, in plain notation from 0.001 to 99,999
// and as 1.23e8 outside (no plus sign or leading zero in the exponent).
func FormatNumber(v float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case math.IsNaN(v) || math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'g', -1, 64)
	case a >= 1e5 || a < 1e-3:
		s := strconv.FormatFloat(v, 'e', 2, 64)
		mant, exp, _ := strings.Cut(s, "e")
		mant = strings.TrimSuffix(strings.TrimRight(mant, "0"), ".")
		e, _ := strconv.Atoi(exp)
		return mant + "e" + strconv.Itoa(e)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// columns of the printed table.
var header = []string{"component", "workload", "size", "figure", "reference", "ratio"}

// cells returns the printed lines of a row: the first carries the row and its first
// reference, the others one more reference each with the leading columns blank.
func (r Row) cells() [][]string {
	fig := FormatNumber(r.Value) + " " + r.Unit
	if len(r.Refs) == 0 {
		return [][]string{{r.Component, r.Workload, r.Size, fig, "-", "-"}}
	}
	out := make([][]string, len(r.Refs))
	for i, ref := range r.Refs {
		refText := FormatNumber(ref.Value) + " " + r.Unit + " " + ref.Name + " [" + ref.Source + "]"
		line := []string{"", "", "", "", refText, RatioText(r.Value, ref.Value, r.Higher)}
		if i == 0 {
			line[0], line[1], line[2], line[3] = r.Component, r.Workload, r.Size, fig
		}
		out[i] = line
	}
	return out
}

// WriteTable prints rows as a plain-text table with " | " between padded columns, a header
// and a rule under it; notes follow the table, numbered.
func WriteTable(w io.Writer, rows []Row) error {
	lines := [][]string{header}
	for _, r := range rows {
		lines = append(lines, r.cells()...)
	}
	width := make([]int, len(header))
	for _, l := range lines {
		for i, c := range l {
			width[i] = max(width[i], len(c))
		}
	}
	var b strings.Builder
	for k, l := range lines {
		for i, c := range l {
			if i > 0 {
				b.WriteString(" | ")
			}
			if i == len(l)-1 {
				b.WriteString(c)
			} else {
				b.WriteString(c + strings.Repeat(" ", width[i]-len(c)))
			}
		}
		b.WriteString("\n")
		if k == 0 {
			total := 3 * (len(width) - 1)
			for _, wd := range width {
				total += wd
			}
			b.WriteString(strings.Repeat("-", total) + "\n")
		}
	}
	n := 0
	for _, r := range rows {
		if r.Note != "" {
			n++
			if n == 1 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s: %s\n", r.Name(), r.Note)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Machine describes where the suite ran.
type Machine struct {
	CPU        string `json:"cpu"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GoVersion  string `json:"go_version"`
	LoadAvg    string `json:"load_avg,omitempty"`
}

// jsonRow is a Row with the ratio to each reference spelled out.
type jsonRow struct {
	Row
	Ratios []string `json:"ratios,omitempty"`
}

// WriteJSON writes the machine and the rows (with their ratio texts) as indented JSON.
func WriteJSON(w io.Writer, m Machine, rows []Row) error {
	out := struct {
		Machine Machine   `json:"machine"`
		Rows    []jsonRow `json:"rows"`
	}{Machine: m, Rows: make([]jsonRow, len(rows))}
	for i, r := range rows {
		out.Rows[i].Row = r
		for _, ref := range r.Refs {
			out.Rows[i].Ratios = append(out.Rows[i].Ratios, RatioText(r.Value, ref.Value, r.Higher))
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
