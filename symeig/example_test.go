package symeig_test

import (
	"fmt"

	"fpsolve/symeig"
)

func Example() {
	// The 3 x 3 tridiagonal Toeplitz matrix [1 2 1]: eigenvalues 2 - sqrt2, 2, 2 + sqrt2.
	x := []float64{
		2, 1, 0,
		1, 2, 1,
		0, 1, 2,
	}
	d := make([]float64, 3)
	symeig.Values(append([]float64(nil), x...), 3, d) // Values overwrites its matrix
	fmt.Printf("values:  %.6f\n", d)

	e := symeig.NewWarm(3)
	e.Solve(d, x)
	v := e.Vectors() // column j is the eigenvector of d[j]; its sign is arbitrary
	u := []float64{v[1], v[4], v[7]}
	if u[0] < 0 {
		for i := range u {
			u[i] = -u[i]
		}
	}
	fmt.Printf("warm:    %.6f\n", d)
	fmt.Printf("vector of %.6f: %.6f\n", d[1], []float64{u[0], u[1] + 0, u[2]}) // +0: no -0

	x[4] += 0.01 // a small change: the next solve starts from the last eigenbasis
	e.Solve(d, x)
	fmt.Printf("changed: %.6f\n", d)
	// Output:
	// values:  [0.585786 2.000000 3.414214]
	// warm:    [0.585786 2.000000 3.414214]
	// vector of 2.000000: [0.707107 0.000000 -0.707107]
	// changed: [0.590778 2.000000 3.419222]
}
