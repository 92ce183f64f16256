// Package plots draws fpsolve's PNG figures with gonum/plot and writes them atomically.
package plots

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"fpsolve/internal/output"
)

// Series is one curve, histogram or set of markers of a panel.
type Series struct {
	Name   string
	X, Y   []float64
	Color  color.Color // nil: the palette colour of its index
	Dashed bool
	Width  float64 // line width in points; 0 means 1.5
	Kind   Kind
}

// Kind is how a series is drawn.
type Kind int

const (
	Line  Kind = iota // a polyline through the points
	Steps             // a histogram: X are bin centres of equal width
	Marks             // markers
	VLine             // vertical lines at each X (Y unused)
	HLine             // horizontal lines at each Y (X gives the extent [X[0], X[1]])
)

// Panel is one plot.
type Panel struct {
	Title, XLabel, YLabel string
	Series                []Series
	XMin, XMax            float64 // both zero: automatic
	YMin, YMax            float64
	Legend                bool
}

// Palette is the default colour cycle.
var Palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255},
}

// Gradient returns a colour from blue (f = 0) to red (f = 1), for series ordered in time.
func Gradient(f float64) color.Color {
	f = math.Max(0, math.Min(1, f))
	return color.RGBA{uint8(30 + 200*f), uint8(60 + 60*(1-math.Abs(2*f-1))), uint8(200 - 170*f), 255}
}

func (pn Panel) build() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.X.Label.Text = pn.XLabel
	p.Y.Label.Text = pn.YLabel
	p.Add(plotter.NewGrid())
	for i, s := range pn.Series {
		col := s.Color
		if col == nil {
			col = Palette[i%len(Palette)]
		}
		w := s.Width
		if w == 0 {
			w = 1.5
		}
		var xy plotter.XYs
		for k := range s.X {
			y := 0.0
			if k < len(s.Y) {
				y = s.Y[k]
			}
			if s.Kind == VLine || (!math.IsNaN(s.X[k]) && !math.IsNaN(y) && !math.IsInf(y, 0)) {
				xy = append(xy, plotter.XY{X: s.X[k], Y: y})
			}
		}
		switch s.Kind {
		case Line, Steps:
			if s.Kind == Steps {
				xy = steps(xy)
			}
			if len(xy) == 0 {
				continue
			}
			l, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			l.Color, l.Width = col, vg.Points(w)
			if s.Dashed {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			}
			p.Add(l)
			if s.Name != "" && pn.Legend {
				p.Legend.Add(s.Name, l)
			}
		case Marks:
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			sc.Color = col
			sc.Radius = vg.Points(2.5)
			p.Add(sc)
			if s.Name != "" && pn.Legend {
				p.Legend.Add(s.Name, sc)
			}
		case VLine:
			for _, x := range s.X {
				// Without a fixed y range the lines span [0, max Y of the series].
				top := pn.YMax
				if top == 0 && len(s.Y) > 0 {
					top = s.Y[0]
				}
				seg := plotter.XYs{{X: x, Y: pn.YMin}, {X: x, Y: top}}
				ln, _ := plotter.NewLine(seg)
				ln.Color, ln.Width = col, vg.Points(w)
				ln.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
				p.Add(ln)
			}
		case HLine:
			for k, y := range s.Y {
				if len(s.X) < 2 {
					break
				}
				ln, _ := plotter.NewLine(plotter.XYs{{X: s.X[0], Y: y}, {X: s.X[1], Y: y}})
				ln.Color, ln.Width = col, vg.Points(w)
				p.Add(ln)
				if k == 0 && s.Name != "" && pn.Legend {
					p.Legend.Add(s.Name, ln)
				}
			}
		}
	}
	if pn.XMin != 0 || pn.XMax != 0 {
		p.X.Min, p.X.Max = pn.XMin, pn.XMax
	}
	if pn.YMin != 0 || pn.YMax != 0 {
		p.Y.Min, p.Y.Max = pn.YMin, pn.YMax
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	return p, nil
}

// steps turns bin centres into the outline of a histogram.
func steps(xy plotter.XYs) plotter.XYs {
	if len(xy) < 2 {
		return xy
	}
	w := xy[1].X - xy[0].X
	out := make(plotter.XYs, 0, 2*len(xy)+2)
	out = append(out, plotter.XY{X: xy[0].X - w/2, Y: 0})
	for _, p := range xy {
		out = append(out, plotter.XY{X: p.X - w/2, Y: p.Y}, plotter.XY{X: p.X + w/2, Y: p.Y})
	}
	out = append(out, plotter.XY{X: xy[len(xy)-1].X + w/2, Y: 0})
	return out
}

// Write draws the panels on a grid of cols columns and writes the PNG to path atomically.
// Each panel is about 4.5 x 3.2 inches.
func Write(path string, cols int, panels ...Panel) error {
	if len(panels) == 0 {
		return nil
	}
	cols = max(1, min(cols, len(panels)))
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range grid[r] {
			if k := r*cols + c; k < len(panels) {
				p, err := panels[k].build()
				if err != nil {
					return fmt.Errorf("plot %s: %w", path, err)
				}
				grid[r][c] = p
			}
		}
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(cols)*4.5*vg.Inch, vg.Length(rows)*3.2*vg.Inch), vgimg.UseDPI(150))
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, t, dc)
	for r := range grid {
		for c := range grid[r] {
			if grid[r][c] != nil {
				grid[r][c].Draw(canvases[r][c])
			}
		}
	}
	return output.WriteFile(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
		return err
	})
}
