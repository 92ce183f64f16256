package model

import "fmt"

// WindowSystem is the model during one time window [T0, T1) of a windowed drift table.
type WindowSystem struct {
	T0, T1 float64
	System System
}

// WindowSystems returns the model of each time window of a drift table: window w's system has
// mode k driven by wins[w].Tables[order[k]] (order maps the system's modes, for instance in
// ascending eigenvalue order, to the table's modes) with the noise strength G2 and the Coulomb
// term of base. Every table used gets the domain [lo, hi] (Table.SetDomain; the tables are
// modified). It returns an error if a window has too few modes, a domain is refused or a
// window's system does not validate.
func WindowSystems(wins []TimeWindow, base System, order []int, lo, hi float64) ([]WindowSystem, error) {
	out := make([]WindowSystem, len(wins))
	for w, win := range wins {
		sys := System{Coulomb: base.Coulomb, Modes: make([]Mode, len(order))}
		for k, i := range order {
			if i >= len(win.Tables) {
				return nil, fmt.Errorf("drift window %d has %d modes, the model needs %d", w, len(win.Tables), len(order))
			}
			tab := win.Tables[i]
			if err := tab.SetDomain(lo, hi); err != nil {
				return nil, err
			}
			sys.Modes[k] = Mode{Drift: tab, G2: base.Modes[k].G2}
		}
		if err := sys.Validate(); err != nil {
			return nil, fmt.Errorf("drift window %d: %v", w, err)
		}
		out[w] = WindowSystem{T0: win.T0, T1: win.T1, System: sys}
	}
	return out, nil
}
