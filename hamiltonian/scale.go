package hamiltonian

import (
	"math"
	"sort"

	"github.com/james-bowman/sparse"
)

// DiagonalScale returns the median absolute diagonal entry of h, the element of rank n/2
// (counting from 0) of the sorted |h_ii|: for the Hamiltonians of FD and FromOperator the kinetic
// scale g^2/h^2 of the grid, to which relative tolerances of Lowest (Options.Tol) can refer. It
// is NaN for an empty matrix.
func DiagonalScale(h *sparse.CSR) float64 {
	n, _ := h.Dims()
	d := make([]float64, n)
	for i := range d {
		d[i] = math.Abs(h.At(i, i))
	}
	sort.Float64s(d)
	if len(d) == 0 {
		return math.NaN()
	}
	return d[len(d)/2]
}
