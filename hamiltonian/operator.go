package hamiltonian

import (
	"fmt"
	"math"
	"sync"

	"github.com/james-bowman/sparse"

	"fpsolve/fokkerplanck"
	"fpsolve/internal/par"
	"fpsolve/internal/vmath"
	"fpsolve/model"
)

// FD returns the finite-difference H_FP = (1/2) L^T L of one mode with constant diffusion g^2 on
// the cell-centred grid of axis a: a symmetric tridiagonal N x N matrix acting on the values
// psi_i at the cell centres.
//
// L = g d/dx - K/(2g) is discretised on the N-1 interior faces x_f (between cells i and i+1) as
//
//	(L psi)_f = (g/h)(psi_{i+1} - psi_i) - (K(x_f)/(4g))(psi_i + psi_{i+1}),
//
// and the wall faces carry no flux (L psi = 0 there), so they are left out. Then
// psi^T H psi = (1/2) sum_f (L psi)_f^2 >= 0, H is second-order consistent with
// -(g^2/2) d^2 + U, U = K^2/(8 g^2) + K'/4, and E_0 = 0 exactly: the null vector obeys
// psi_{i+1}/psi_i = (1 + z_f)/(1 - z_f), z_f = K(x_f) h/(4 g^2), the (1,1) Pade approximant of
// sqrt(P_s(x_{i+1})/P_s(x_i)) = exp(2 z_f) up to O(h^2) in K. Where |z_f| > 1 (drift-dominated
// cells, far out in the tail of P_s) the null vector alternates in sign but keeps decaying.
//
// FD returns an error if the mode is invalid, has no constant diffusion (a *model.Table), the
// axis is graded (Axis.Edges set: the matrix assumes equal cells), or the axis is not a finite
// interval inside the drift's domain with at least 2 cells.
func FD(m model.Mode, a fokkerplanck.Axis) (*sparse.CSR, error) {
	if a.Graded() {
		return nil, fmt.Errorf("hamiltonian: finite-difference H_FP needs a uniform axis; this axis is graded")
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("hamiltonian: %v", err)
	}
	if _, ok := m.Drift.(*model.Table); ok {
		return nil, fmt.Errorf("hamiltonian: finite-difference H_FP needs a constant diffusion; a table drift has D2(x)")
	}
	if err := checkAxis(m, a); err != nil {
		return nil, err
	}
	n, h := a.N, a.Width()
	g := math.Sqrt(m.G2)
	diag := make([]float64, n)
	off := make([]float64, n-1) // H[i][i+1]
	for f := 0; f < n-1; f++ {
		z := m.K(a.Edge(f+1)) / (4 * g)
		cp := g/h - z // coefficient of psi_{i+1}
		cm := g/h + z // coefficient of psi_i (with a minus sign)
		diag[f] += 0.5 * cm * cm
		diag[f+1] += 0.5 * cp * cp
		off[f] = -0.5 * cp * cm
	}
	return tridiagonal(diag, off), nil
}

func checkAxis(m model.Mode, a fokkerplanck.Axis) error {
	switch {
	case a.N < 2:
		return fmt.Errorf("hamiltonian: %d cells, need at least 2", a.N)
	case !(a.Hi > a.Lo) || math.IsInf(a.Lo, 0) || math.IsInf(a.Hi, 0):
		return fmt.Errorf("hamiltonian: interval [%g, %g] is empty or not finite", a.Lo, a.Hi)
	}
	lo, hi := m.Drift.Domain()
	if a.Lo < lo || a.Hi > hi {
		return fmt.Errorf("hamiltonian: interval [%g, %g] leaves the drift's domain [%g, %g]", a.Lo, a.Hi, lo, hi)
	}
	return nil
}

// tridiagonal assembles the symmetric tridiagonal matrix with the given diagonal and
// superdiagonal as CSR.
func tridiagonal(diag, off []float64) *sparse.CSR {
	n := len(diag)
	ia := make([]int, n+1)
	ja := make([]int, 0, 3*n-2)
	data := make([]float64, 0, 3*n-2)
	for i := 0; i < n; i++ {
		if i > 0 {
			ja = append(ja, i-1)
			data = append(data, off[i-1])
		}
		ja = append(ja, i)
		data = append(data, diag[i])
		if i < n-1 {
			ja = append(ja, i+1)
			data = append(data, off[i])
		}
		ia[i+1] = len(ja)
	}
	return sparse.NewCSR(n, n, ia, ja, data)
}

// FromOperator returns the symmetrised Scharfetter-Gummel H_FP of a Fokker-Planck operator (one
// mode, or two or three modes in the Coulomb chamber): Symmetrize(op.Generator(), op.Phi(),
// op.Volumes()). Its spectrum is that of the time stepper of package fokkerplanck:
// P - P_s ~ exp(-2 E_1 t).
func FromOperator(op *fokkerplanck.Operator) (*sparse.CSR, error) {
	return Symmetrize(op.Generator(), op.Phi(), op.Volumes())
}

// Symmetrize returns H = -(1/2) X G X^-1 with X = diag(sqrt(V_c exp(Phi_c))), for a generator G
// (dp/dt = G p on cell densities p) in detailed balance with the stationary density
// p_s proportional to exp(-Phi): G = M^-1 A with M = diag(V) and A diag(p_s) symmetric. H is
// symmetric and positive semi-definite, its eigenvalues are half the decay rates of G, and its
// null vector is sqrt(V_c p_s,c). Entries are formed from Phi differences, so p_s may underflow.
//
// Symmetrize returns an error if the sizes disagree or G is not in detailed balance with
// exp(-Phi) (the two mirrored entries of H differ by more than 1e-9 relative, beyond an
// underflow allowance of 1e-14 of the diagonal).
func Symmetrize(g *sparse.CSR, phi, vol []float64) (*sparse.CSR, error) {
	r, c := g.Dims()
	if r != c || len(phi) != r || len(vol) != r {
		return nil, fmt.Errorf("hamiltonian: generator %d x %d with %d potentials and %d volumes", r, c, len(phi), len(vol))
	}
	raw := g.RawMatrix()
	n := r
	ia := append([]int(nil), raw.Indptr[:n+1]...)
	ja := append([]int(nil), raw.Ind[:raw.Indptr[n]]...)
	data := make([]float64, len(ja))
	// The rows in chunks on up to GOMAXPROCS goroutines (the entries of a row depend only on
	// it and on the mirrored entry, which only the row of the upper entry writes); the error
	// is that of the first row with one, as a sequential loop would report.
	var mu sync.Mutex
	errRow, firstErr := n, error(nil)
	report := func(row int, err error) {
		mu.Lock()
		if row < errRow {
			errRow, firstErr = row, err
		}
		mu.Unlock()
	}
	par.Chunks(n, symmetrizeRows, func(lo, hi int) {
		// The exponentials of the chunk in one batch (vmath.Exp, math.Exp's bits), their
		// arguments written where the entries will be.
		p0 := ia[lo]
		e := data[p0:ia[hi]]
		for a := lo; a < hi; a++ {
			if !(vol[a] > 0) {
				report(a, fmt.Errorf("hamiltonian: cell %d has volume %g", a, vol[a]))
				return
			}
			for p := ia[a]; p < ia[a+1]; p++ {
				e[p-p0] = 0.5 * (phi[a] - phi[ja[p]])
			}
		}
		vmath.Exp(e, e)
		for a := lo; a < hi; a++ {
			for p := ia[a]; p < ia[a+1]; p++ {
				b := ja[p]
				v := raw.Data[p]
				if a == b || v == 0 {
					data[p] = -0.5 * v
					continue
				}
				data[p] = -0.5 * v * math.Sqrt(vol[a]/vol[b]) * data[p]
			}
		}
	})
	if firstErr != nil {
		return nil, firstErr
	}
	h := csrPattern{n: n, indptr: ia, ind: ja, data: data}
	par.Chunks(n, symmetrizeRows, func(lo, hi int) {
		for a := lo; a < hi; a++ {
			for p := ia[a]; p < ia[a+1]; p++ {
				b := ja[p]
				if b <= a {
					continue
				}
				u := data[p]
				w, _ := lookup(h, b, a)
				da, _ := lookup(h, a, a)
				db, _ := lookup(h, b, b)
				if math.Abs(u-w) > 1e-9*(math.Abs(u)+math.Abs(w))+1e-14*(math.Abs(da)+math.Abs(db)) {
					report(a, fmt.Errorf("hamiltonian: generator is not in detailed balance with exp(-phi) between cells %d and %d (%g vs %g)", a, b, u, w))
					return
				}
				// Make the mirrored entries bit-identical.
				avg := 0.5 * (u + w)
				data[p] = avg
				setEntry(h, b, a, avg)
			}
		}
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return sparse.NewCSR(n, n, ia, ja, data), nil
}

// symmetrizeRows is the least count of rows per goroutine in Symmetrize.
const symmetrizeRows = 8192

func setEntry(a csrPattern, i, j int, v float64) {
	for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
		if a.ind[p] == j {
			a.data[p] = v
			return
		}
	}
}
