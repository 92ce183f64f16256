package rmt

import (
	"fmt"
	"math"
)

// WignerSurmise returns the Wigner surmise (GOE, beta = 1) for the spacing S of two eigenvalues
// with scale sigma,
//
//	P(S) = S/(2 sigma^2) exp(-S^2/(4 sigma^2))  for S >= 0,
//
// and 0 for S < 0. It is the exact spacing law of two degenerate modes in a harmonic well with
// sigma^2 = g^2/Omega; its mean is MeanSpacing(sigma) = sqrt(pi) sigma and <S^2> = 4 sigma^2.
// WignerSurmise panics if sigma is not positive.
func WignerSurmise(S, sigma float64) float64 {
	checkSigma(sigma)
	if S < 0 {
		return 0
	}
	a := 1 / (2 * sigma * sigma)
	return S * a * math.Exp(-S*S*a/2)
}

// WignerSurmiseUnit returns the Wigner surmise in units of the mean spacing, s = S/<S>,
//
//	P(s) = (pi/2) s exp(-pi s^2/4)  for s >= 0,
//
// and 0 for s < 0. It has <s> = 1.
func WignerSurmiseUnit(s float64) float64 {
	if s < 0 {
		return 0
	}
	return math.Pi / 2 * s * math.Exp(-math.Pi*s*s/4)
}

// WignerCDF returns the cumulative distribution of WignerSurmise,
// 1 - exp(-S^2/(4 sigma^2)) for S >= 0 and 0 for S < 0.
// WignerCDF panics if sigma is not positive.
func WignerCDF(S, sigma float64) float64 {
	checkSigma(sigma)
	if S < 0 {
		return 0
	}
	return -math.Expm1(-S * S / (4 * sigma * sigma))
}

// WignerCDFUnit returns the cumulative distribution of WignerSurmiseUnit,
// 1 - exp(-pi s^2/4) for s >= 0 and 0 for s < 0.
func WignerCDFUnit(s float64) float64 {
	if s < 0 {
		return 0
	}
	return -math.Expm1(-math.Pi * s * s / 4)
}

// WignerQuantile returns the inverse of WignerCDF, S = 2 sigma sqrt(-log(1 - p)), the spacing
// below which a fraction p of the spacings lie. Applied to p uniform on [0, 1) it samples the
// Wigner surmise. WignerQuantile panics if p is outside [0, 1] or sigma is not positive.
func WignerQuantile(p, sigma float64) float64 {
	checkSigma(sigma)
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("rmt: probability %v outside [0, 1]", p))
	}
	return 2 * sigma * math.Sqrt(-math.Log1p(-p))
}

// MeanSpacing returns the mean sqrt(pi) sigma of the Wigner surmise with scale sigma.
func MeanSpacing(sigma float64) float64 { return math.Sqrt(math.Pi) * sigma }

func checkSigma(sigma float64) {
	if !(sigma > 0) || math.IsInf(sigma, 1) {
		panic(fmt.Sprintf("rmt: sigma = %v must be positive and finite", sigma))
	}
}
