package rmt

import (
	"errors"
	"fmt"
	"math"
)

// LineFit is the result of FitLine: y = A + B x.
type LineFit struct {
	A, B       float64 // intercept and slope
	AErr, BErr float64 // standard errors of A and B
	Cov        float64 // covariance of A and B
	Chi2       float64 // sum ((y - A - B x)/sigma)^2 at the optimum
	Dof        int     // degrees of freedom, len(x) - 2
}

// ProportionalFit is the result of FitProportional: y = Slope x.
type ProportionalFit struct {
	Slope    float64 // fitted slope
	SlopeErr float64 // standard error of Slope
	Chi2     float64 // sum ((y - Slope x)/sigma)^2 at the optimum
	Dof      int     // degrees of freedom, len(x) - 1
}

// FitLine fits y = a + b x by weighted least squares, minimising sum ((y - a - b x)/sigma)^2.
//
// If sigma is nil all weights are 1 and the errors are scaled by sqrt(chi2/dof), the usual
// estimate when the errors of y are unknown (this needs at least three points). FitLine returns an
// error for fewer than two points, non-finite data, a sigma that is not positive, or x all equal.
// It panics if the lengths of x, y and a non-nil sigma differ.
func FitLine(x, y, sigma []float64) (LineFit, error) {
	if err := checkFitData(x, y, sigma, 2); err != nil {
		return LineFit{}, err
	}
	var s, sx, sy float64
	for i := range x {
		w := weight(sigma, i)
		s += w
		sx += w * x[i]
		sy += w * y[i]
	}
	xm := sx / s
	var stt, sty float64
	for i := range x {
		w := weight(sigma, i)
		t := x[i] - xm
		stt += w * t * t
		sty += w * t * y[i]
	}
	if !(stt > 0) {
		return LineFit{}, errors.New("rmt: FitLine: all x are equal")
	}
	f := LineFit{B: sty / stt, Dof: len(x) - 2}
	f.A = (sy - sx*f.B) / s
	va := (1 + sx*sx/(s*stt)) / s
	vb := 1 / stt
	f.Cov = -sx / (s * stt)
	for i := range x {
		r := y[i] - f.A - f.B*x[i]
		f.Chi2 += weight(sigma, i) * r * r
	}
	if sigma == nil {
		if f.Dof == 0 {
			return LineFit{}, errors.New("rmt: FitLine: errors need three points when sigma is nil")
		}
		scale := f.Chi2 / float64(f.Dof)
		va *= scale
		vb *= scale
		f.Cov *= scale
	}
	f.AErr, f.BErr = math.Sqrt(va), math.Sqrt(vb)
	return f, nil
}

// FitProportional fits y = slope x by weighted least squares, minimising
// sum ((y - slope x)/sigma)^2. It is the fit of the mean spacing <S> against
// sqrt((alpha/|B|)(mu^2 - kappa)), whose slope is a_fit.
//
// If sigma is nil all weights are 1 and the error is scaled by sqrt(chi2/dof) (this needs at least
// two points). FitProportional returns an error for no points, non-finite data, a sigma that is not
// positive, or x all zero. It panics if the lengths of x, y and a non-nil sigma differ.
func FitProportional(x, y, sigma []float64) (ProportionalFit, error) {
	if err := checkFitData(x, y, sigma, 1); err != nil {
		return ProportionalFit{}, err
	}
	var sxx, sxy float64
	for i := range x {
		w := weight(sigma, i)
		sxx += w * x[i] * x[i]
		sxy += w * x[i] * y[i]
	}
	if !(sxx > 0) {
		return ProportionalFit{}, errors.New("rmt: FitProportional: all x are zero")
	}
	f := ProportionalFit{Slope: sxy / sxx, Dof: len(x) - 1}
	for i := range x {
		r := y[i] - f.Slope*x[i]
		f.Chi2 += weight(sigma, i) * r * r
	}
	v := 1 / sxx
	if sigma == nil {
		if f.Dof == 0 {
			return ProportionalFit{}, errors.New("rmt: FitProportional: error needs two points when sigma is nil")
		}
		v *= f.Chi2 / float64(f.Dof)
	}
	f.SlopeErr = math.Sqrt(v)
	return f, nil
}

func weight(sigma []float64, i int) float64 {
	if sigma == nil {
		return 1
	}
	return 1 / (sigma[i] * sigma[i])
}

func checkFitData(x, y, sigma []float64, min int) error {
	if len(x) != len(y) || (sigma != nil && len(sigma) != len(x)) {
		panic(fmt.Sprintf("rmt: length mismatch: %d x, %d y, %d sigma", len(x), len(y), len(sigma)))
	}
	if len(x) < min {
		return fmt.Errorf("rmt: fit needs at least %d points, got %d", min, len(x))
	}
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			return fmt.Errorf("rmt: fit point %d is not finite: (%v, %v)", i, x[i], y[i])
		}
		if sigma != nil && (!(sigma[i] > 0) || math.IsInf(sigma[i], 1)) {
			return fmt.Errorf("rmt: fit error %d = %v must be positive and finite", i, sigma[i])
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// TwoModeFit is the result of FitTwoModeDensity.
type TwoModeFit struct {
	C, Sigma       float64 // centre c and scale sigma of TwoModeDensity(x - c, sigma)
	CErr, SigmaErr float64 // standard errors from the inverse Hessian of -log likelihood
	Corr           float64 // correlation coefficient of the estimates of C and Sigma
	LogLike        float64 // maximum of sum_i log rho(x_i - C; Sigma)
}

// FitTwoModeDensity fits the pooled two-mode density TwoModeDensity(x - c, sigma) to the sample xs
// by maximum likelihood, maximising sum_i log rho(x_i - c; sigma) with a damped Newton method
// (analytic gradient and Hessian, in the variables c and log sigma) from c = mean,
// sigma = sqrt(var/TwoModeVar). The errors are from the inverse of the
// (analytic) Hessian of the negative log-likelihood at the optimum.
//
// The errors assume independent points. The two eigenvalues of one run are correlated (their
// covariance is sigma^2 (1/2 - (4 - pi)/4) > 0 at equal centre), so for a sample that pools both
// eigenvalues of each run the errors are conservative: measured, the Hessian error of C is about
// 10% too large and that of Sigma about 5%. Use Jackknife over runs, with both eigenvalues of a run
// in one block, when that matters.
//
// FitTwoModeDensity returns an error for fewer than three points, non-finite points, a sample with
// zero spread, or a failed optimisation.
func FitTwoModeDensity(xs []float64) (TwoModeFit, error) {
	if len(xs) < 3 {
		return TwoModeFit{}, fmt.Errorf("rmt: FitTwoModeDensity needs at least 3 points, got %d", len(xs))
	}
	for i, x := range xs {
		if !finite(x) {
			return TwoModeFit{}, fmt.Errorf("rmt: FitTwoModeDensity: point %d is %v", i, x)
		}
	}
	m := SampleMoments(xs)
	if !(m.Var > 0) {
		return TwoModeFit{}, errors.New("rmt: FitTwoModeDensity: sample has zero spread")
	}
	// Work in standardised units z = (x - mean)/sd with parameters (c, log sigma) and the mean
	// negative log-likelihood, so that the optimiser sees numbers of order one.
	sd := math.Sqrt(m.Var)
	z := make([]float64, len(xs))
	for i, x := range xs {
		z[i] = (x - m.Mean) / sd
	}
	c, s, err := twoModeNewton(z, 0, 1/math.Sqrt(TwoModeVar))
	if err != nil {
		return TwoModeFit{}, err
	}

	// Hessian of -log L in (c, sigma), standardised units.
	var hcc, hcs, hss float64
	for _, x := range z {
		u := (x - c) / s
		l1, l2 := twoModeL(u)
		hcc -= l2
		hcs -= l1 + u*l2
		hss -= 1 + 2*u*l1 + u*u*l2
	}
	hcc, hcs, hss = hcc/(s*s), hcs/(s*s), hss/(s*s)
	det := hcc*hss - hcs*hcs
	if !(hcc > 0 && det > 0) {
		return TwoModeFit{}, errors.New("rmt: FitTwoModeDensity: Hessian at the optimum is not positive definite")
	}
	vc, vs := hss/det, hcc/det
	return TwoModeFit{
		C:        m.Mean + sd*c,
		Sigma:    sd * s,
		CErr:     sd * math.Sqrt(vc),
		SigmaErr: sd * math.Sqrt(vs),
		Corr:     -hcs / det / math.Sqrt(vc*vs),
		LogLike:  twoModeLogLike(z, c, s) - float64(len(z))*math.Log(sd),
	}, nil
}

// twoModeLogLike returns sum_i log rho(z_i - c; s).
func twoModeLogLike(z []float64, c, s float64) float64 {
	var l float64
	for _, x := range z {
		u := (x - c) / s
		l += -u*u/2 + math.Log(twoModeG(u))
	}
	return l - float64(len(z))*math.Log(s)
}

// twoModeG returns g(u) with rho(y; sigma) = e^(-u^2/2) g(u)/sigma, u = y/sigma:
// g(u) = e^(-u^2/2)/(2 sqrt(pi)) + (sqrt(2)/4) u erf(u/sqrt(2)) > 0.
func twoModeG(u float64) float64 {
	return math.Exp(-u*u/2)/(2*math.SqrtPi) + math.Sqrt2/4*u*math.Erf(u/math.Sqrt2)
}

// twoModeL returns the first and second derivatives l1 = dL/du and l2 = d^2L/du^2 of
// L(u) = log(sigma rho) = -u^2/2 + log g(u): l1 = -u + g1/g and l2 = -1 + g2/g - (g1/g)^2 with
// g1 = dg/du = (sqrt(2)/4) erf(u/sqrt(2)) and g2 = d^2g/du^2 = e^(-u^2/2)/(2 sqrt(pi)).
func twoModeL(u float64) (l1, l2 float64) {
	g := twoModeG(u)
	r1 := math.Sqrt2 / 4 * math.Erf(u/math.Sqrt2) / g
	r2 := math.Exp(-u*u/2) / (2 * math.SqrtPi) / g
	return -u + r1, -1 + r2 - r1*r1
}

// twoModeNewton minimises the mean negative log-likelihood f(c, t) = -(1/n) sum log rho(z_i - c; e^t)
// of the standardised sample z by Newton steps, starting from (c0, sigma0). Far from the minimum a
// backtracking line search guards the step and a multiple of the identity is added where the
// Hessian is not positive definite; near it, where the predicted decrease of f is below what its
// rounding can resolve, full Newton steps are taken until the gradient or the step vanishes.
func twoModeNewton(z []float64, c0, sigma0 float64) (c, sigma float64, err error) {
	n := float64(len(z))
	f := func(c, t float64) float64 { return -twoModeLogLike(z, c, math.Exp(t)) / n }
	c, t := c0, math.Log(sigma0)
	fc := f(c, t)
	for iter := 0; iter < 100; iter++ {
		s := math.Exp(t)
		// Gradient and Hessian of f in (c, t = log sigma).
		var gc, gt, hcc, hct, htt float64
		for _, x := range z {
			u := (x - c) / s
			l1, l2 := twoModeL(u)
			gc += l1 / s
			gt += 1 + u*l1
			hcc -= l2 / (s * s)
			hct -= (l1 + u*l2) / s
			htt -= u*l1 + u*u*l2
		}
		gc, gt, hcc, hct, htt = gc/n, gt/n, hcc/n, hct/n, htt/n
		if math.Max(math.Abs(gc), math.Abs(gt)) < 1e-14 {
			return c, s, nil
		}
		// Newton direction, shifted to a descent direction if the Hessian is not positive definite.
		var dc, dt float64
		for tau := 0.0; ; tau = math.Max(2*tau, 1e-3) {
			a, b := hcc+tau, htt+tau
			det := a*b - hct*hct
			if a > 0 && det > 0 {
				dc = -(b*gc - hct*gt) / det
				dt = -(a*gt - hct*gc) / det
				break
			}
			if tau > 1e12 {
				return 0, 0, errors.New("rmt: FitTwoModeDensity: no descent direction")
			}
		}
		if math.Max(math.Abs(dc), math.Abs(dt)) < 1e-15*(1+math.Abs(c)+math.Abs(t)) {
			return c, s, nil
		}
		slope := gc*dc + gt*dt
		if -slope < 1e-10*math.Max(1, math.Abs(fc)) {
			// Quadratic regime: f cannot resolve the decrease, take the full step.
			c, t = c+dc, t+dt
			fc = f(c, t)
			continue
		}
		// Backtracking (Armijo) line search.
		step := 1.0
		for {
			fn := f(c+step*dc, t+step*dt)
			if fn <= fc+1e-4*step*slope {
				c, t, fc = c+step*dc, t+step*dt, fn
				break
			}
			step /= 2
			if step < 1e-10 {
				return 0, 0, errors.New("rmt: FitTwoModeDensity: line search failed")
			}
		}
	}
	return 0, 0, errors.New("rmt: FitTwoModeDensity: Newton iteration did not converge")
}
