// Command hamiltonian writes the matrices of the H_FP benchmarks in a simple binary CSR format
// for the scipy comparison (eigsh_bench.py): int64 n, int64 nnz, int64 indptr[n+1],
// int64 indices[nnz], float64 data[nnz], all little-endian.
//
//	go run ./benchmarks/hamiltonian -case chamber -n 256 -out /tmp/chamber.bin
//	go run ./benchmarks/hamiltonian -case fd -n 200000 -g2 0.001 -out /tmp/fd.bin
//	go run ./benchmarks/hamiltonian -case sg -n 200000 -g2 0.001 -out /tmp/sg.bin
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"os"

	"github.com/james-bowman/sparse"

	"fpsolve/fokkerplanck"
	"fpsolve/hamiltonian"
	"fpsolve/model"
)

func main() {
	which := flag.String("case", "chamber", "chamber (two rbm modes with Coulomb, symmetrised SG), sg (one rbm mode, symmetrised SG) or fd (one rbm mode, finite differences)")
	n := flag.Int("n", 256, "cells per axis")
	g2 := flag.Float64("g2", 0.01, "noise strength g^2")
	out := flag.String("out", "matrix.bin", "output file")
	flag.Parse()
	if err := run(*which, *n, *g2, *out); err != nil {
		fmt.Fprintln(os.Stderr, "hamiltonian:", err)
		os.Exit(1)
	}
}

func run(which string, n int, g2 float64, out string) error {
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: g2}
	ax := fokkerplanck.Axis{Lo: 0, Hi: 9, N: n}
	var h *sparse.CSR
	var err error
	switch which {
	case "chamber":
		var op *fokkerplanck.Operator
		op, err = fokkerplanck.NewOperator(model.System{Modes: []model.Mode{mode, mode}, Coulomb: true}, []fokkerplanck.Axis{ax, ax})
		if err == nil {
			h, err = hamiltonian.FromOperator(op)
		}
	case "sg":
		var op *fokkerplanck.Operator
		op, err = fokkerplanck.NewOperator(model.System{Modes: []model.Mode{mode}}, []fokkerplanck.Axis{ax})
		if err == nil {
			h, err = hamiltonian.FromOperator(op)
		}
	case "fd":
		h, err = hamiltonian.FD(mode, ax)
	default:
		err = fmt.Errorf("unknown case %q", which)
	}
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	raw := h.RawMatrix()
	nnz := raw.Indptr[raw.I]
	put := func(v any) {
		if err == nil {
			err = binary.Write(w, binary.LittleEndian, v)
		}
	}
	put(int64(raw.I))
	put(int64(nnz))
	for _, v := range raw.Indptr[:raw.I+1] {
		put(int64(v))
	}
	for _, v := range raw.Ind[:nnz] {
		put(int64(v))
	}
	put(raw.Data[:nnz])
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
