package hamiltonian

import (
	"math"

	"github.com/james-bowman/sparse"
)

// DiagonalScale returns the median absolute diagonal entry of h, the element of rank n/2
// (counting from 0) of the sorted |h_ii|: for the Hamiltonians of FD and FromOperator the kinetic
// scale g^2/h^2 of the grid, to which relative tolerances of Lowest (Options.Tol) can refer. It
// is NaN for an empty matrix.
func DiagonalScale(h *sparse.CSR) float64 {
	n, _ := h.Dims()
	if n == 0 {
		return math.NaN()
	}
	raw := h.RawMatrix()
	d := absDiag(csrPattern{n: n, indptr: raw.Indptr, ind: raw.Ind, data: raw.Data})
	return selectRank(d, n/2)
}

// absDiag returns |a_ii| for every row.
func absDiag(a csrPattern) []float64 {
	d := make([]float64, a.n)
	for i := range d {
		v, _ := lookup(a, i, i)
		d[i] = math.Abs(v)
	}
	return d
}

// selectRank returns the element of rank r (counting from 0) of d, the value sort.Float64s
// would put at d[r], reordering d (quickselect: O(n) expected, against the O(n log n) of a
// sort, 10-15 ms on the 200,000 diagonal entries of a one-mode H_FP). d holds no NaN.
func selectRank(d []float64, r int) float64 {
	lo, hi := 0, len(d)-1
	for lo < hi {
		// Median of three as the pivot, then a Hoare partition.
		mid := lo + (hi-lo)/2
		if d[mid] < d[lo] {
			d[mid], d[lo] = d[lo], d[mid]
		}
		if d[hi] < d[lo] {
			d[hi], d[lo] = d[lo], d[hi]
		}
		if d[hi] < d[mid] {
			d[hi], d[mid] = d[mid], d[hi]
		}
		p := d[mid]
		i, j := lo, hi
		for i <= j {
			for d[i] < p {
				i++
			}
			for d[j] > p {
				j--
			}
			if i <= j {
				d[i], d[j] = d[j], d[i]
				i++
				j--
			}
		}
		switch {
		case r <= j:
			hi = j
		case r >= i:
			lo = i
		default:
			return d[r] // between j and i: equal to the pivot
		}
	}
	return d[r]
}
