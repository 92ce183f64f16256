package fokkerplanck

import (
	"strings"
	"testing"

	"fpsolve/model"
)

// TestRefusesPairTermsItCannotSolve: the operators take neither the geometric pair strength nor
// a configuration-dependent drift (model.System.Geometric, Extra), which only the Langevin
// integrator integrates; each refusal names the field.
func TestRefusesPairTermsItCannotSolve(t *testing.T) {
	t.Parallel()
	m := model.Mode{Drift: model.Harmonic{Omega: 1, C: 0}, G2: 0.1}
	ax := Axis{Lo: -3, Hi: 3, N: 16}
	for _, c := range []struct {
		sys  model.System
		name string
	}{
		{model.System{Modes: []model.Mode{m, m}, Coulomb: true, Geometric: true}, "Geometric"},
		{model.System{Modes: []model.Mode{m, m}, Coulomb: true, Extra: func(dst, x []float64) { clear(dst) }}, "Extra"},
	} {
		if _, err := NewOperator(c.sys, []Axis{ax, ax}); err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("NewOperator with %s: %v", c.name, err)
		}
		if _, err := NewClustered(c.sys, [][]int{{0, 1}}, ax, TRBDF2); err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("NewClustered with %s: %v", c.name, err)
		}
	}
}
