package model_test

import (
	"fmt"
	"strings"

	"fpsolve/model"
)

func ExampleReadTimeTables() {
	csv := `mode,x,drift,drift_err,diffusion,diffusion_err,count,expected,window,t0,t1
0,1,1,0,0.1,0,50,0,0,0,10
0,2,0,0,0.1,0,50,0,0,0,10
0,1,2,0,0.1,0,50,0,1,10,20
0,2,-2,0,0.1,0,50,0,1,10,20
`
	ws, err := model.ReadTimeTables(strings.NewReader(csv))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range ws {
		fmt.Printf("[%g, %g): K(1.5) = %g\n", w.T0, w.T1, w.Tables[0].K(1.5))
	}
	// Output:
	// [0, 10): K(1.5) = 0.5
	// [10, 20): K(1.5) = 0
}
