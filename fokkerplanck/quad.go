package fokkerplanck

import (
	"math"
	"sync"
)

// bern returns the Bernoulli function B(z) = z/(e^z - 1), evaluated without overflow or
// cancellation: B(z) ~ -z for z -> -Inf and B(z) ~ z e^-z for z -> +Inf.
func bern(z float64) float64 {
	switch {
	case math.Abs(z) < 1e-5:
		return 1 - z/2 + z*z/12
	case z < 0:
		return z / math.Expm1(z)
	default:
		e := math.Exp(-z)
		return z * e / -math.Expm1(-z)
	}
}

// bernPair returns B(z) and B(-z) = e^z B(z) = B(z) + z with one exponential: with
// e = exp(-|z|) and |z| > 0.5, 1 - e has no cancellation, B(|z|) = |z| e/(1-e) and
// B(-|z|) = |z|/(1-e); near 0 expm1 keeps full precision.
func bernPair(z float64) (bz, bmz float64) {
	a := math.Abs(z)
	var bp, bm float64 // B(a), B(-a)
	switch {
	case a < 1e-5:
		bp, bm = 1-a/2+a*a/12, 1+a/2+a*a/12
	case a < 0.5:
		em1 := -math.Expm1(-a) // 1 - e^-a
		bm = a / em1
		bp = bm - a
	default:
		e := math.Exp(-a)
		bm = a / (1 - e)
		bp = bm * e
	}
	if z >= 0 {
		return bp, bm
	}
	return bm, bp
}

// glRule is a Gauss-Legendre rule on [0, 1].
type glRule struct{ x, w []float64 }

var (
	glMu    sync.Mutex
	glCache = map[int]glRule{}
)

// gaussLegendre returns the n-point Gauss-Legendre rule on [0, 1] (Newton iteration on the
// Legendre recurrence; nodes to rounding).
func gaussLegendre(n int) glRule {
	glMu.Lock()
	defer glMu.Unlock()
	if r, ok := glCache[n]; ok {
		return r
	}
	r := glRule{x: make([]float64, n), w: make([]float64, n)}
	for i := 0; i < (n+1)/2; i++ {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for it := 0; it < 100; it++ {
			p0, p1 := 1.0, z
			if n == 1 {
				p1, p0 = z, 1
			}
			for k := 2; k <= n; k++ {
				p0, p1 = p1, (float64(2*k-1)*z*p1-float64(k-1)*p0)/float64(k)
			}
			if n == 1 {
				p0, p1 = 1, z
			}
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		w := 2 / ((1 - z*z) * dp * dp)
		r.x[i], r.x[n-1-i] = 0.5*(1-z), 0.5*(1+z)
		r.w[i], r.w[n-1-i] = 0.5*w, 0.5*w
	}
	glCache[n] = r
	return r
}
