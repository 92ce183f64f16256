package rbmdrift

import "math"

// Values of Config.Measure: how the measured steps get the spectrum after the update.
const (
	// MeasurePerturbative (the default) computes the eigenvalues of X' = W'^T W' after a
	// measured update from those before by perturbation theory in the basis of the old
	// eigenvectors, to third order in the change (see perturber): a few small matrix products
	// instead of a Jacobi solve.
	MeasurePerturbative = "perturbative"
	// MeasureExact diagonalises X' by warm-started Jacobi rotations at every measured step, to
	// rounding.
	MeasureExact = "exact"
)

// pertRatio is the largest |B_pq| / |B_pp - B_qq| that perturbation theory is left to handle;
// pairs above it are first rotated exactly (Jacobi). Below it the fourth-order remainder of an
// eigenvalue is at most about pertRatio^3 |B_pq| per pair: with 0.1, a thousandth of the step's
// own change of the eigenvalue, far below the statistical error of any drift or diffusion the
// increments are binned into (TestPerturbativeMeasurement checks the tables against the exact
// solve). In the paper's setting about one pair in ten exceeds it at a typical step.
const pertRatio = 0.1

// pertPasses bounds the sweeps of exact rotations over the pairs above pertRatio; a step that
// still has one after them (a cluster of nearly degenerate levels that the rotations keep
// mixing, or the first steps from W near 0, where every level is near 0) falls back to the exact
// solve.
const pertPasses = 3

// refreshEvery is the number of perturbative updates after which the carried basis and u are
// recomputed (see perturber.update); the cost is one projection per 64 updates.
const refreshEvery = 64

// perturber holds the state of the perturbative spectrum: an orthonormal basis V whose columns
// are the eigenvectors of X = W^T W to second order in the last update, and the workspaces.
// It is hand-written (no gonum) for the same reason as linalg.go: the matrices are 10 x 10 and
// the whole update must cost a few microseconds. On the large-N kernels (big) only project (on
// gemm) and the drift's scratch are used: the measured steps there take the exact solve, which
// is faster (TrainRunContext). Until kernel generation 4 the update ran there too, on gemm,
// with Cholesky QR and pairs rotated down to 0.01 of their gap: 273 us per update at N = 64
// against 192 us for symEigen with the eigenvectors (BenchmarkMeasuredSpectrum, stop 28).
type perturber struct {
	nv, nh int
	v      []float64 // basis, N_h x N_h row-major, columns ascending in eigenvalue
	u      []float64 // U = W V before the update, N_v x N_h
	z, y   []float64 // N_v x N_h scratch
	b, q   []float64 // N_h x N_h: B = V^T X' V, and the first-order mixing coefficients
	r, vn  []float64 // N_h x N_h: the rotation of the basis, and scratch
	col    []float64 // N_h scratch
	// current reports that u = W V holds for the current weights and basis (update sets it;
	// a change of either clears it); refresh counts the updates since the last project.
	current bool
	refresh int
	// Fallbacks counts the measured steps that needed the exact solve.
	fallbacks int
	// big selects gemm for project on the large-N kernels (max(N_v, N_h) >= blasMin, as the
	// trainer's kernels); update is not available there.
	big bool
}

func newPerturber(nv, nh int) *perturber {
	n2, m := nh*nh, nv*nh
	p := &perturber{nv: nv, nh: nh, v: make([]float64, n2), u: make([]float64, m), z: make([]float64, m),
		y: make([]float64, m), b: make([]float64, n2), q: make([]float64, n2), r: make([]float64, n2), vn: make([]float64, n2),
		col: make([]float64, nh)}
	p.big = max(nv, nh) >= blasMin
	return p
}

// orth makes the columns of the N_h x N_h matrix v orthonormal (orthonormalise).
func (p *perturber) orth(v []float64) {
	orthonormalise(v, p.nh, p.q) // q is free outside update's first stage
}

// project sets u = W V for the basis vec (N_h x N_h, columns) and the weights w (N_v x N_h),
// summing in the order of a dot product of row i of W with column m of V.
func (p *perturber) project(w, vec []float64) {
	nv, nh := p.nv, p.nh
	if p.big {
		gemm(p.u, w, vec, nv, nh, nh, 1, 0)
		return
	}
	mulRows(p.u, w, vec, nv, nh, nh)
}

// update computes the eigenvalues of X' = W'^T W' after the update W' = (1 + f G) W, for G the
// symmetric N_v x N_v matrix g and u = W V from project at the old weights, into dst
// (ascending), moves the basis V to the new eigenvectors and sets u = W' V for the new basis.
// It reports false, leaving V unchanged (u is then stale), when a cluster of close levels needs
// the exact solve or a value is not finite, and always on the large-N kernels (big), whose
// measured steps take the exact solve.
//
// The method: B = V^T X' V = U'^T U' with U' = U + f G U is diagonal up to the change. Two
// stages bring it to the new eigenbasis.
//
// 1. Pairs whose coupling |B_pq| exceeds pertRatio times their gap |B_pp - B_qq| (nearly
// degenerate levels, crossings) are rotated away exactly by Jacobi rotations (up to pertPasses
// sweeps). The rest, O (|O_pq| <= pertRatio |d_p - d_q|, d = diag B), is a perturbation of
// D = diag(d): the first-order eigenvectors v_i + sum_j y_ij v_j, y_ij = O_ij / (d_i - d_j),
// orthonormalised (modified Gram-Schmidt), give a rotation R of the basis.
//
// 2. In the rotated basis B2 = R^T B R = (U' R)^T (U' R) is diagonal up to second order in the
// change, including within a pair that the first stage rotated (where the first-order basis
// leaves a second-order coupling over a first-order gap, which a single stage would miss at
// third order). Second-order perturbation theory on B2 (after exact rotations of any pair still
// above pertRatio),
//
//	x_i = d_i + sum_j O_ij^2 / (d_i - d_j),
//
// then leaves an error of third order in B2's off-diagonal part, sixth order in the change for
// well-separated levels and fourth order within a nearly degenerate pair. The basis moves to
// V R (its own second-order error is the next step's off-diagonal part: the eigenvalues are
// computed from B afresh at every step, so errors do not accumulate), and U' R = W' V R is the
// next step's u.
func (p *perturber) update(dst []float64, g []float64, f float64) bool {
	if p.big {
		return false
	}
	nv, nh := p.nv, p.nh
	u, z := p.u, p.z
	// z = U' = U + f G U.
	{
		i := 0
		for ; i+2 <= nv; i += 2 {
			z1, z2 := z[i*nh:i*nh+nh], z[(i+1)*nh:(i+1)*nh+nh]
			copy(z1, u[i*nh:i*nh+nh])
			copy(z2, u[(i+1)*nh:(i+1)*nh+nh])
			combRows2(z1, z2, f, g[i*nv:i*nv+nv], g[(i+1)*nv:(i+1)*nv+nv], u, nh)
		}
		if i < nv {
			zi := z[i*nh : i*nh+nh]
			copy(zi, u[i*nh:i*nh+nh])
			combRows(zi, f, g[i*nv:i*nv+nv], u, nh)
		}
	}
	b, r, q, vn := p.b, p.r, p.q, p.vn
	gramCols(b, z, nv, nh)
	for i := range r {
		r[i] = 0
	}
	for i := 0; i < nh; i++ {
		r[i*nh+i] = 1
	}
	if !p.rotateStrong(b, r, nil) {
		return false
	}
	// r <- r (1 + Y), Y_ji = y_ij; then orthonormal. q holds Y.
	for i := 0; i < nh; i++ {
		q[i*nh+i] = 0
		for j := i + 1; j < nh; j++ {
			var y float64
			if o := b[i*nh+j]; o != 0 {
				y = o / (b[i*nh+i] - b[j*nh+j])
			}
			q[j*nh+i], q[i*nh+j] = y, -y
		}
	}
	// vn_ki = r_ki + (r Y)_ki, the sum over l in order from zero (mulRows): the operations of
	// r_ki + dot(row k of r, row i of Q), which this replaced, at mulRows' speed.
	mulRows(vn, r, q, nh, nh, nh)
	for i, v := range r[:len(vn)] {
		vn[i] = v + vn[i]
	}
	p.orth(vn)
	r, vn = vn, r
	// Stage 2: u = z r (the next step's W V), B2 = u^T u.
	mulRows(u, z, r, nv, nh, nh)
	gramCols(b, u, nv, nh)
	if !p.rotateStrong(b, r, u) {
		return false
	}
	// x_i = d_i + sum_{j != i} O_ij^2 / (d_i - d_j), summed over j in order. B2 is symmetric to
	// the bit and d_j - d_i = -(d_i - d_j) exactly, so the term of (j, i) is minus that of (i, j):
	// one division per pair, its quotient added to x_i and subtracted from x_j, each x still
	// receiving its terms in ascending j (from the rows above it first, then its own).
	dst = dst[:nh]
	for i := range dst {
		dst[i] = b[i*nh+i]
	}
	for i, x := range dst {
		bi := b[i*nh : i*nh+nh]
		di := bi[i]
		for j := i + 1; j < nh; j++ {
			if o := bi[j]; o != 0 {
				t := o * o / (di - b[j*nh+j])
				x += t
				dst[j] -= t
			}
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
		dst[i] = x
	}
	// V <- V r.
	mulRows(vn, p.v, r, nh, nh, nh)
	p.v, p.vn = vn, p.v
	p.r = r
	// u and V are carried from step to step; their rounding errors (about 1e-16 per step) would
	// grow like a random walk over a long run: every refreshEvery updates the basis is
	// orthonormalised afresh and u is recomputed from W by the caller (project).
	p.refresh++
	p.current = p.refresh < refreshEvery
	if !p.current {
		p.refresh = 0
		p.orth(p.v)
	}
	// Ascending order (a crossing resolved by the rotations), columns of V and u with the values.
	v := p.v
	for i := 1; i < nh; i++ {
		for j := i; j > 0 && dst[j] < dst[j-1]; j-- {
			dst[j], dst[j-1] = dst[j-1], dst[j]
			for k := 0; k < nh; k++ {
				v[k*nh+j], v[k*nh+j-1] = v[k*nh+j-1], v[k*nh+j]
			}
			for k := 0; k < nv; k++ {
				u[k*nh+j], u[k*nh+j-1] = u[k*nh+j-1], u[k*nh+j]
			}
		}
	}
	return true
}

// rotateStrong applies exact Jacobi rotations to the pairs of b whose coupling exceeds
// pertRatio times their gap, accumulating them into the columns of r and, if not nil, of the
// N_v x N_h matrix u, for up to pertPasses sweeps. It reports false when a pair is still above
// after them or b holds NaN.
func (p *perturber) rotateStrong(b, r, u []float64) bool {
	nh := p.nh
	for pass := 0; ; pass++ {
		rotated := false
		for i := 0; i < nh; i++ {
			for j := i + 1; j < nh; j++ {
				bij := b[i*nh+j]
				gap := b[j*nh+j] - b[i*nh+i]
				if !(math.Abs(bij) > pertRatio*math.Abs(gap)) {
					if bij != bij || gap != gap { // NaN
						return false
					}
					continue
				}
				if pass == pertPasses {
					return false
				}
				c, s := rotate(b, r, nh, i, j)
				if u != nil {
					for k := 0; k < p.nv; k++ {
						ukp, ukq := u[k*nh+i], u[k*nh+j]
						u[k*nh+i] = c*ukp - s*ukq
						u[k*nh+j] = s*ukp + c*ukq
					}
				}
				rotated = true
			}
		}
		if !rotated {
			return true
		}
	}
}

// rotBlock is the new diagonal (p, p), (q, q) of the 2 x 2 block (bpp, bpq; bpq, bqq) under
// the rotation (c, s): the column update (rows p and q), then the row update, as rotate
// computes it (the off-diagonal becomes zero).
func rotBlock(c, s, bpp, bqq, bpq float64) (pp, qq float64) {
	cpp, cpq := c*bpp-s*bpq, s*bpp+c*bpq
	cqp, cqq := c*bpq-s*bqq, s*bpq+c*bqq
	return c*cpp - s*cqp, s*cpq + c*cqq
}

// jacobiAngle is the cosine and sine of the Jacobi rotation that zeroes b_pq of the 2 x 2
// block (bpp, bpq; bpq, bqq), the smaller of the two angles.
func jacobiAngle(bpp, bqq, bpq float64) (c, s float64) {
	theta := (bqq - bpp) / (2 * bpq)
	t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
	if theta < 0 {
		t = -t
	}
	c = 1 / math.Sqrt(t*t+1)
	return c, t * c
}

// rotate applies the Jacobi rotation that zeroes b_pq (p < q) of the symmetric n x n matrix b
// to b and accumulates it into the columns p, q of v, returning its cosine and sine. It is the
// rotation of symeig's Jacobi sweep, which keeps its own copy inline (see the symeig package
// comment); this one also returns (c, s) for rotating u alongside. As there, b must be exactly
// symmetric (gram mirrors its triangle, and a rotation keeps it so): the column update and the
// row update outside the 2 x 2 block give the mirrored entries the same values from the same
// operands, so each is computed once and stored in both (the bits of the two full passes,
// TestKernelBits).
func rotate(b, v []float64, n, p, q int) (c, s float64) {
	bpq := b[p*n+q]
	bpp, bqq := b[p*n+p], b[q*n+q]
	c, s = jacobiAngle(bpp, bqq, bpq)
	rp, rq := b[p*n:p*n+n], b[q*n:q*n+n]
	for k := range rp {
		if k == p || k == q {
			continue
		}
		bkp, bkq := rp[k], rq[k]
		np, nq := c*bkp-s*bkq, s*bkp+c*bkq
		rp[k], rq[k] = np, nq
		b[k*n+p], b[k*n+q] = np, nq
	}
	// The block: column update (rows p and q), then row update.
	rp[p], rq[q] = rotBlock(c, s, bpp, bqq, bpq)
	rp[q], rq[p] = 0, 0
	for k := 0; k < n; k++ {
		vkp, vkq := v[k*n+p], v[k*n+q]
		v[k*n+p] = c*vkp - s*vkq
		v[k*n+q] = s*vkp + c*vkq
	}
	return c, s
}

// laterLanes[i] selects the lanes j > i of a row of 10 for mgs10 (-1: used, 0: kept).
var laterLanes = func() (t [10][12]int64) {
	for i := range t {
		for j := i + 1; j < 10; j++ {
			t[i][j] = -1
		}
	}
	return t
}()

// orthonormalise makes the columns of the n x n row-major matrix v orthonormal by modified
// Gram-Schmidt, in column order; vt is n x n scratch. It works on the transpose, so that the
// columns are contiguous rows; each dot product and update runs over the entries in the same
// order as the column loops did, so the result is the same to the bit (TestKernelBits).
//
// Columns are taken two at a time: column j+1's projections on the finished columns 0..j-1 do
// not depend on column j, so both run in one loop, two independent dot products instead of one
// chain of adds (each column still sees its projections in the same order); then column j is
// normalised and column j+1 projected on it. (Four at a time was slower at N = 10: more of the
// work is then the sequential finish within the block.)
func orthonormalise(v []float64, n int, vt []float64) {
	if fmaKernel && n == 10 {
		_ = v[99]
		mgs10(&v[0], &laterLanes)
		return
	}
	transpose(vt, v, n, n)
	j := 0
	for ; j+2 <= n; j += 2 {
		c1 := vt[j*n : j*n+n]
		c2 := vt[(j+1)*n : (j+1)*n+len(c1)]
		for i := 0; i < j; i++ {
			vi := vt[i*n : i*n+len(c1)]
			var d1, d2 float64
			for k, x := range vi {
				d1 += x * c1[k]
				d2 += x * c2[k]
			}
			for k, x := range vi {
				c1[k] -= d1 * x
				c2[k] -= d2 * x
			}
		}
		normalise(c1)
		project(c1, c2)
		normalise(c2)
	}
	if j < n {
		col := vt[j*n : j*n+n]
		for i := 0; i < j; i++ {
			project(vt[i*n:i*n+n], col)
		}
		normalise(col)
	}
	transpose(v, vt, n, n)
}

// project removes from col its component along the unit vector vi: col -= (vi . col) vi, the
// dot product summed in order from zero.
func project(vi, col []float64) {
	vi = vi[:len(col)]
	var d float64
	for k, x := range vi {
		d += x * col[k]
	}
	for k, x := range vi {
		col[k] -= d * x
	}
}

// normalise scales col to unit length (1 / sqrt of its dot product with itself, then a
// multiply per entry).
func normalise(col []float64) {
	nr := 1 / math.Sqrt(dot(col, col))
	for k := range col {
		col[k] *= nr
	}
}
