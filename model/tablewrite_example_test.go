package model_test

import (
	"bytes"
	"fmt"
	"os"

	"fpsolve/model"
)

func ExampleWriteTimeTables() {
	// Two windows of one mode, written and read back; the second window's model follows with
	// WindowSystems.
	row := func(x, d1 float64) model.TableRow {
		return model.TableRow{X: x, Drift: d1, Diffusion: 0.1, Count: 50}
	}
	wins := []model.WindowRows{
		{T0: 0, T1: 10, Rows: []model.TableRow{row(1, 1), row(2, 0)}},
		{T0: 10, T1: 20, Rows: []model.TableRow{row(1, 2), row(2, -2)}},
	}
	var buf bytes.Buffer
	if err := model.WriteTimeTables(&buf, wins); err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(buf.Bytes())
	ws, err := model.ReadTimeTables(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	base := model.System{Modes: []model.Mode{{Drift: model.Harmonic{Omega: 1}, G2: 0.1}}}
	sys, err := model.WindowSystems(ws, base, []int{0}, 0, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sys {
		lo, hi := s.System.Modes[0].Drift.Domain()
		fmt.Printf("[%g, %g): K(1.5) = %g on [%g, %g]\n", s.T0, s.T1, s.System.Modes[0].K(1.5), lo, hi)
	}
	// Output:
	// mode,x,drift,drift_err,diffusion,diffusion_err,count,expected,window,t0,t1
	// 0,1,1,0,0.1,0,50,0,0,0,10
	// 0,2,0,0,0.1,0,50,0,0,0,10
	// 0,1,2,0,0.1,0,50,0,1,10,20
	// 0,2,-2,0,0.1,0,50,0,1,10,20
	// [0, 10): K(1.5) = 0.5 on [0, 3]
	// [10, 20): K(1.5) = 0 on [0, 3]
}

func ExampleMode_StationaryWidth() {
	m := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 1.5}, G2: 0.01}
	fmt.Printf("x* = %g, Omega = %.4f, width %.4f\n", m.Drift.Stable(), m.Drift.(model.RBM).Omega(), m.StationaryWidth())
	// Output: x* = 7.5, Omega = 3.3333, width 0.0548
}
