package rmt

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// RatioErr returns the ratio num/den of two estimates and its standard error by linear error
// propagation,
//
//	err^2 = (num/den^2)^2 denErr^2 + (1/den)^2 numErr^2 - 2 num/den^3 cov,
//
// where cov is the covariance of num and den (for example LineFit.Cov for the ratio B/A of a
// fitted slope to its intercept). A negative variance from an inconsistent covariance is taken
// as zero. The propagation is first order in the relative errors: it is accurate when
// denErr/|den| is small. The result is ±Inf or NaN when den is zero.
func RatioErr(num, den, numErr, denErr, cov float64) (ratio, err float64) {
	// d(num/den)/d den = -num/den^2, d(num/den)/d num = 1/den.
	dd, dn := -num/(den*den), 1/den
	v := dd*dd*denErr*denErr + dn*dn*numErr*numErr + 2*dd*dn*cov
	return num / den, math.Sqrt(math.Max(v, 0))
}

// RelativeLineFit is the result of FitRelativeLine: y = A (1 - B x), a straight line given by
// its intercept A and its slope relative to the intercept, -B.
type RelativeLineFit struct {
	A, AErr float64 // intercept and its standard error
	B, BErr float64 // relative slope and its standard error (from the covariance of the line)
	Chi2    float64 // sum ((y - A (1 - B x))/sigma)^2 at the optimum
	Dof     int     // degrees of freedom, len(x) - 2
}

// FitRelativeLine fits y = A (1 - B x) by weighted least squares: the straight line
// y = A + C x of FitLine with B = -C/A, whose error follows from the line's errors and
// covariance by RatioErr. Such a line is the leading correction of a scaling law, y/y0 = 1 - B x.
//
// sigma has the meaning it has for FitLine (nil: unit weights, errors scaled by chi2/dof).
// FitRelativeLine returns an error for fewer than three points, x all equal, no degree of
// freedom, a zero intercept, or any error of FitLine. It panics if the lengths of x, y and a
// non-nil sigma differ.
func FitRelativeLine(x, y, sigma []float64) (RelativeLineFit, error) {
	if len(x) < 3 {
		return RelativeLineFit{}, fmt.Errorf("rmt: FitRelativeLine: %d points, need 3", len(x))
	}
	if slices.Min(x) == slices.Max(x) {
		return RelativeLineFit{}, errors.New("rmt: FitRelativeLine: all x are equal")
	}
	f, err := FitLine(x, y, sigma)
	if err != nil {
		return RelativeLineFit{}, err
	}
	if f.Dof < 1 || f.A == 0 {
		return RelativeLineFit{}, errors.New("rmt: FitRelativeLine: no degrees of freedom or a zero intercept")
	}
	r, rErr := RatioErr(f.B, f.A, f.BErr, f.AErr, f.Cov)
	return RelativeLineFit{A: f.A, AErr: f.AErr, B: -r, BErr: rErr, Chi2: f.Chi2, Dof: f.Dof}, nil
}

// UsableErrors returns sigma if every error in it is positive and finite, and nil otherwise:
// the fits then weigh all points equally and estimate the errors from the scatter, rather than
// fail on one missing error.
func UsableErrors(sigma []float64) []float64 {
	for _, s := range sigma {
		if !(s > 0) || math.IsInf(s, 0) {
			return nil
		}
	}
	return sigma
}
