package rmt

import (
	"math"
	"math/rand/v2"
)

// Moments of the two-mode density in units of sigma.
const (
	// TwoModeVar is <y^2>/sigma^2 of the pooled two-mode density TwoModeDensity.
	TwoModeVar = 1.5
	// TwoModeBinder is the Binder cumulant <y^4>/(3 <y^2>^2) - 1 of TwoModeDensity.
	TwoModeBinder = -4.0 / 27
)

// TwoModeDensity returns the pooled one-point density of two degenerate eigenvalues in a harmonic
// well (Gaussian Coulomb gas, beta = 1, N = 2, P(x_1, x_2) proportional to
// |x_1 - x_2| exp(-(y_1^2 + y_2^2)/(2 sigma^2))), at y = x - c:
//
//	rho(y) = e^(-y^2/(2 sigma^2))/(4 sqrt(pi) sigma) [2 e^(-y^2/(2 sigma^2)) + sqrt(2 pi) (y/sigma) erf(y/(sqrt(2) sigma))].
//
// It is the average of TwoModeLower and TwoModeUpper: the density of one eigenvalue picked at
// random. It integrates to 1, has <y^2> = TwoModeVar sigma^2 and Binder cumulant TwoModeBinder.
// TwoModeDensity panics if sigma is not positive.
func TwoModeDensity(y, sigma float64) float64 {
	checkSigma(sigma)
	u := y / sigma
	e := math.Exp(-u * u / 2)
	return e / sigma * (e/(2*math.SqrtPi) + math.Sqrt2/4*u*math.Erf(u/math.Sqrt2))
}

// TwoModeCDF returns the cumulative distribution of TwoModeDensity,
//
//	F(y) = erfc(-y/sigma)/2 - (sqrt(2)/4) e^(-y^2/(2 sigma^2)) erf(y/(sqrt(2) sigma)).
//
// TwoModeCDF panics if sigma is not positive.
func TwoModeCDF(y, sigma float64) float64 {
	checkSigma(sigma)
	u := y / sigma
	return math.Erfc(-u)/2 - math.Sqrt2/4*math.Exp(-u*u/2)*math.Erf(u/math.Sqrt2)
}

// TwoModeLower returns the density of the lower eigenvalue of the pair of TwoModeDensity at
// y = x - c:
//
//	rho_-(y) = e^(-y^2/(2 sigma^2))/(2 sqrt(pi) sigma) [e^(-y^2/(2 sigma^2)) - sqrt(pi/2) (y/sigma) erfc(y/(sqrt(2) sigma))].
//
// Its mean is -MeanSpacing(sigma)/2. TwoModeLower panics if sigma is not positive.
func TwoModeLower(y, sigma float64) float64 {
	checkSigma(sigma)
	u := y / sigma
	e := math.Exp(-u * u / 2)
	return e / (2 * math.SqrtPi * sigma) * (e - math.Sqrt(math.Pi/2)*u*math.Erfc(u/math.Sqrt2))
}

// TwoModeUpper returns the density of the upper eigenvalue of the pair of TwoModeDensity at
// y = x - c. It is the mirror image of the lower one, TwoModeUpper(y) = TwoModeLower(-y), and has
// mean +MeanSpacing(sigma)/2. TwoModeUpper panics if sigma is not positive.
func TwoModeUpper(y, sigma float64) float64 { return TwoModeLower(-y, sigma) }

// SampleTwoMode draws one exact sample of the two-mode Coulomb gas centred at c with scale sigma
// and returns its eigenvalues in increasing order. The centre of mass (lo+hi)/2 ~ N(c, sigma^2/2)
// and the spacing hi - lo ~ WignerSurmise(., sigma) are independent. Both eigenvalues pooled follow
// TwoModeDensity; note that lo and hi are correlated, so a pooled sample is not independent.
// SampleTwoMode panics if sigma is not positive.
func SampleTwoMode(rng *rand.Rand, c, sigma float64) (lo, hi float64) {
	checkSigma(sigma)
	mid := c + sigma/math.Sqrt2*rng.NormFloat64()
	s := WignerQuantile(rng.Float64(), sigma)
	return mid - s/2, mid + s/2
}
