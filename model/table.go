package model

import (
	"fmt"
	"io"
	"math"
	"sort"
)

// Table is a drift measured on a grid of x values: the Kramers-Moyal coefficients D1(x) (drift)
// and D2(x) (diffusion) per unit of t, as written by the rbm stage. Between nodes both are
// interpolated linearly; beyond the ends both are held at their end values (a linear
// extrapolation of a noisy end bin can flip the drift's sign and make a spurious trap).
//
// The Fokker-Planck equation of a table mode is the Ito form dP/dt = -d(D1 P) + d^2(D2 P), whose
// stationary density is exp(-Phi) with Phi(x) = log D2(x) - int^x D1/D2.
type Table struct {
	X  []float64 // nodes, strictly ascending
	D1 []float64 // drift at the nodes
	D2 []float64 // diffusion at the nodes, > 0

	cum    []float64 // int_{X[0]}^{X[k]} D1/D2
	lo, hi float64   // domain set by SetDomain (lo < hi), else the nodes' range
	step   float64   // the node spacing if the nodes are equally spaced (to 1e-9 of it), else 0
}

// SetDomain sets the domain that Domain reports (for a measured RBM drift, [0, mu^2/sigma_h^2):
// the range of the eigenvalues, wider than the bins that the ensemble happened to visit). Beyond
// the nodes the drift is extrapolated as described on Table.
func (t *Table) SetDomain(lo, hi float64) error {
	if !(lo < hi) || !finite(lo) || !finite(hi) {
		return fmt.Errorf("table: domain [%g, %g] is not a finite interval", lo, hi)
	}
	t.lo, t.hi = lo, hi
	return nil
}

// NewTable checks the nodes and returns a table drift. It copies nothing: the slices must not
// be changed afterwards.
func NewTable(x, d1, d2 []float64) (*Table, error) {
	if len(x) != len(d1) || len(x) != len(d2) {
		return nil, fmt.Errorf("table: %d nodes, %d drifts, %d diffusions", len(x), len(d1), len(d2))
	}
	if len(x) < 2 {
		return nil, fmt.Errorf("table: %d usable nodes, need at least 2", len(x))
	}
	for k := range x {
		if !finite(x[k]) || !finite(d1[k]) || !finite(d2[k]) {
			return nil, &NodeError{k, fmt.Sprintf("table: non-finite value at x = %g", x[k])}
		}
		if d2[k] <= 0 {
			return nil, &NodeError{k, fmt.Sprintf("table: diffusion %g at x = %g must be positive", d2[k], x[k])}
		}
		if k > 0 && !(x[k] > x[k-1]) {
			return nil, &NodeError{k, fmt.Sprintf("table: nodes not strictly ascending at x = %g", x[k])}
		}
	}
	t := &Table{X: x, D1: d1, D2: d2, cum: make([]float64, len(x))}
	if h := (x[len(x)-1] - x[0]) / float64(len(x)-1); h > 0 {
		t.step = h
		for k := range x {
			if math.Abs(x[k]-(x[0]+float64(k)*h)) > 1e-9*h {
				t.step = 0
				break
			}
		}
	}
	for k := 1; k < len(x); k++ {
		t.cum[k] = t.cum[k-1] + t.ratioIntegral(k-1, x[k-1], x[k])
		if !finite(t.cum[k]) {
			// The integral of D1/D2 overflows on this segment: blame its smaller diffusion.
			j := k - 1
			if d2[k] < d2[j] {
				j = k
			}
			return nil, &NodeError{j, fmt.Sprintf("table: the potential overflows between x = %g and %g: diffusion %g at x = %g is too small for its drift", x[k-1], x[k], d2[j], x[j])}
		}
	}
	// Finite nodes can still overflow: a range near 1e308 wide, or D1/D2 near 1e308. Refuse
	// tables whose drift or potential is not finite at the nodes, midpoints or domain ends.
	lo, hi := t.Domain()
	if !finite(lo) || !finite(hi) {
		return nil, fmt.Errorf("table: domain [%g, %g] is not finite (nodes too far apart)", lo, hi)
	}
	probe := []float64{lo, hi}
	for k := range x {
		probe = append(probe, x[k], x[k]-0.5*(x[k]-x[max(k-1, 0)]))
	}
	for _, v := range probe {
		if !finite(t.K(v)) || !finite(t.DK(v)) || !finite(t.Phi(v)) {
			return nil, fmt.Errorf("table: drift or potential overflows near x = %g (values too large)", v)
		}
	}
	return t, nil
}

// NodeError is an error of NewTable that a node causes; Node is its index.
type NodeError struct {
	Node int
	Msg  string
}

func (e *NodeError) Error() string { return e.Msg }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// segment returns the index k of the segment [X[k], X[k+1]] used for x (clamped to the ends):
// the last node strictly below x. On equally spaced nodes it starts from the arithmetic guess
// and corrects it by the same comparisons, so both paths give the same k.
func (t *Table) segment(x float64) int {
	var k int
	if n := len(t.X); t.step > 0 && x > t.X[0] && x <= t.X[n-1] {
		k = min(int((x-t.X[0])/t.step), n-1)
		for k+1 < n && t.X[k+1] < x {
			k++
		}
		for k > 0 && t.X[k] >= x {
			k--
		}
	} else {
		k = sort.SearchFloat64s(t.X, x) - 1
	}
	if k < 0 {
		k = 0
	}
	if k > len(t.X)-2 {
		k = len(t.X) - 2
	}
	return k
}

func (t *Table) lin(v []float64, k int, x float64) float64 {
	w := (x - t.X[k]) / (t.X[k+1] - t.X[k])
	return v[k] + w*(v[k+1]-v[k])
}

// K implements Drift: D1(x).
func (t *Table) K(x float64) float64 {
	if n := len(t.X); x <= t.X[0] || x >= t.X[n-1] {
		return t.D1[t.end(x)]
	}
	return t.lin(t.D1, t.segment(x), x)
}

// end returns the index of the end node nearest to x.
func (t *Table) end(x float64) int {
	if x <= t.X[0] {
		return 0
	}
	return len(t.X) - 1
}

// DK implements Drift: the slope of the interpolant of D1 (0 beyond the nodes).
func (t *Table) DK(x float64) float64 {
	if n := len(t.X); x < t.X[0] || x > t.X[n-1] {
		return 0
	}
	k := t.segment(x)
	return (t.D1[k+1] - t.D1[k]) / (t.X[k+1] - t.X[k])
}

// Diffusion returns D2(x).
func (t *Table) Diffusion(x float64) float64 {
	if x <= t.X[0] {
		return t.D2[0]
	}
	if x >= t.X[len(t.X)-1] {
		return t.D2[len(t.X)-1]
	}
	return t.lin(t.D2, t.segment(x), x)
}

// Domain implements Drift: the domain set by SetDomain, else the nodes' range widened by half
// a spacing at each end.
func (t *Table) Domain() (lo, hi float64) {
	if t.lo < t.hi {
		return t.lo, t.hi
	}
	n := len(t.X)
	return t.X[0] - 0.5*(t.X[1]-t.X[0]), t.X[n-1] + 0.5*(t.X[n-1]-t.X[n-2])
}

// Stable implements Drift: the zero of D1 where it changes sign from + to - with the deepest
// minimum of Phi; the node of least Phi when there is none.
func (t *Table) Stable() float64 {
	best, bestPhi := math.NaN(), math.Inf(1)
	for k := 0; k+1 < len(t.X); k++ {
		if t.D1[k] > 0 && t.D1[k+1] <= 0 {
			x := t.X[k] + t.D1[k]/(t.D1[k]-t.D1[k+1])*(t.X[k+1]-t.X[k])
			if p := t.Phi(x); p < bestPhi {
				best, bestPhi = x, p
			}
		}
	}
	if math.IsNaN(best) {
		for k, x := range t.X {
			if p := t.Phi(x); p < bestPhi || k == 0 {
				best, bestPhi = x, p
			}
		}
	}
	return best
}

// Phi returns the dimensionless potential log D2(x) - int_{X[0]}^x D1/D2 dx'.
func (t *Table) Phi(x float64) float64 {
	k := t.segment(x)
	return math.Log(t.Diffusion(x)) - (t.cum[k] + t.ratioIntegral(k, t.X[k], x))
}

// ratioIntegral integrates D1/D2 from a to b along segment k's linear interpolants, in closed
// form: with D1 = a0 + b0 u and D2 = c0 + d0 u (u = x - X[k]) and q = d0 (b-a)/D2(a),
//
//	int = (b-a) D1(a)/D2(a) + (a0 d0 - b0 c0) (b-a)^2/D2(a)^2 (log1p(q) - q)/q^2.
//
// D2 is held constant outside the nodes' range, as in Diffusion.
func (t *Table) ratioIntegral(k int, a, b float64) float64 {
	if a == b {
		return 0
	}
	w := t.X[k+1] - t.X[k]
	b0 := (t.D1[k+1] - t.D1[k]) / w
	a0 := t.D1[k]
	c0, d0 := t.D2[k], (t.D2[k+1]-t.D2[k])/w
	lo, hi := t.X[0], t.X[len(t.X)-1]
	if a < lo || b < lo || a > hi || b > hi {
		// Outside the nodes D2 is constant: split at the ends and integrate each part.
		if a < lo && b > lo {
			return t.ratioIntegral(k, a, lo) + t.ratioIntegral(k, lo, b)
		}
		if a < hi && b > hi {
			return t.ratioIntegral(k, a, hi) + t.ratioIntegral(k, hi, b)
		}
		if b < a {
			return -t.ratioIntegral(k, b, a)
		}
		// Beyond the nodes D1 and D2 are constant.
		c0, d0 = t.diffLin(k, a), 0
		a0, b0 = t.D1[t.end(a)], 0
	}
	ua := a - t.X[k]
	delta := b - a
	e := c0 + d0*ua
	q := d0 * delta / e
	var s float64
	if math.Abs(q) < 1e-3 {
		s = -0.5 + q/3 - q*q/4 + q*q*q/5
	} else {
		s = (math.Log1p(q) - q) / (q * q)
	}
	if d0 == 0 {
		c0 = e
	}
	return delta*(a0+b0*ua)/e + (a0*d0-b0*c0)*delta*delta/(e*e)*s
}

// diffLin is D2 on segment k, held constant outside the nodes' range.
func (t *Table) diffLin(k int, x float64) float64 {
	if x <= t.X[0] {
		return t.D2[0]
	}
	if x >= t.X[len(t.X)-1] {
		return t.D2[len(t.X)-1]
	}
	return t.lin(t.D2, k, x)
}

// TableColumns are the columns of a drift table file, in order. "expected" (optional when
// reading) is the drift that the exact gradient gives at the visited weights, without the
// noise-induced Coulomb repulsion that the measured "drift" contains.
var TableColumns = []string{"mode", "x", "drift", "drift_err", "diffusion", "diffusion_err", "count", "expected"}

// ReadTables parses a drift table in CSV form (the columns of TableColumns, with that header
// line; a leading UTF-8 byte order mark is ignored) and returns one Table per mode, indexed by
// the mode column. Rows whose count is below MinCount are (nearly) empty bins and are skipped;
// a row with more increments whose drift or diffusion is NaN or infinite is an error.
// Modes must be numbered 0..n-1 without gaps. Errors name the line. A file with more than one time window (the
// WindowColumns) is refused: read it with ReadTimeTables.
func ReadTables(r io.Reader) ([]*Table, error) { return ReadTablesColumn(r, "drift") }

// ReadTablesColumn is ReadTables with D1 taken from the named column ("drift" or "expected").
func ReadTablesColumn(r io.Reader, driftColumn string) ([]*Table, error) {
	ws, err := ReadTimeTablesColumn(r, driftColumn)
	if err != nil {
		return nil, err
	}
	if len(ws) > 1 {
		return nil, fmt.Errorf("drift table has %d time windows; it needs a time-dependent reader (ReadTimeTables)", len(ws))
	}
	return ws[0].Tables, nil
}

// VaryingNoise returns the drift d with a diffusion that varies about its stable point x*,
// D2(x) = g2 exp(slope (x - x*)), as a Table on n nodes at the midpoints of n equal cells of
// [lo, hi] (so a domain end where d diverges is never a node) with domain [lo, hi]. The
// measured diffusion of an RBM eigenvalue grows with x (about 1.5 per unit x at x* for the
// lowest modes); the exponential keeps that first-order slope and stays positive. Between nodes
// D1 = d.K is interpolated linearly (error h^2/8 times the second derivative of K). It returns
// an error if g2 is not positive and finite, slope not finite, n < 2, [lo, hi] not a finite
// interval, or the table is refused.
func VaryingNoise(d Drift, g2, slope, lo, hi float64, n int) (*Table, error) {
	switch {
	case !(g2 > 0) || math.IsInf(g2, 0):
		return nil, fmt.Errorf("varying noise: g2 = %g must be positive and finite", g2)
	case !finite(slope):
		return nil, fmt.Errorf("varying noise: slope %g must be finite", slope)
	}
	xs := d.Stable()
	return NoiseTable(d, func(x float64) float64 { return g2 * math.Exp(slope*(x-xs)) }, lo, hi, n)
}

// NoiseTable returns the drift d with the diffusion D2 = d2(x), as a Table on n nodes at the
// midpoints of n equal cells of [lo, hi] with domain [lo, hi] (see VaryingNoise, its case of an
// exponential d2). It returns an error if n < 2, [lo, hi] is not a finite interval, or a node's
// d2 is not positive and finite (the table refuses it).
func NoiseTable(d Drift, d2 func(x float64) float64, lo, hi float64, n int) (*Table, error) {
	switch {
	case n < 2:
		return nil, fmt.Errorf("varying noise: %d nodes, need at least 2", n)
	case !(lo < hi) || !finite(lo) || !finite(hi):
		return nil, fmt.Errorf("varying noise: [%g, %g] is not a finite interval", lo, hi)
	}
	x, k1, k2 := make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range x {
		x[k] = lo + (float64(k)+0.5)*(hi-lo)/float64(n)
		k1[k] = d.K(x[k])
		k2[k] = d2(x[k])
	}
	t, err := NewTable(x, k1, k2)
	if err != nil {
		return nil, fmt.Errorf("varying noise: %v", err)
	}
	if err := t.SetDomain(lo, hi); err != nil {
		return nil, err
	}
	return t, nil
}
