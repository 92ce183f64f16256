#!/usr/bin/python3
"""scipy side of the hamiltonian benchmarks: eigsh in shift-invert mode on the same matrices.

fd:      one rbm mode (mu^2 = 9, kappa = 5, g^2 = 0.001), finite-difference H_FP = (1/2) L^T L on
         200,000 cells over [0, 9], built here with the same formulas as hamiltonian.FD
         (assembly not timed, as on the Go side the benchmark times FD + Lowest; see README).
sg:      the same mode, symmetrised Scharfetter-Gummel H_FP (the [spectrum] stage's operator) on
         200,000 cells, 6 lowest; chamber: two rbm modes with Coulomb on the 256 x 256 chamber
         grid, symmetrised SG operator, 8 lowest; both read from the binary file that
         `go run ./benchmarks/hamiltonian` writes.
The shift is the one hamiltonian.Lowest picks: sigma = -1e-9 * median |diag H|.
Run from the repository root (Debian python3-scipy): /usr/bin/python3 benchmarks/hamiltonian/eigsh_bench.py [reps]
"""
import subprocess
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla


def fd_matrix(n, g2, mu2=9.0, kappa=5.0, lo=0.0, hi=9.0):
    h = (hi - lo) / n
    g = np.sqrt(g2)
    xf = lo + h * np.arange(1, n)           # interior faces
    k = (1.0 / kappa - 1.0 / (mu2 - xf)) * xf
    z = k / (4 * g)
    cp, cm = g / h - z, g / h + z
    diag = np.zeros(n)
    diag[:-1] += 0.5 * cm * cm
    diag[1:] += 0.5 * cp * cp
    off = -0.5 * cp * cm
    return sp.diags([off, diag, off], [-1, 0, 1], format="csc")


def read_csr(path):
    with open(path, "rb") as f:
        n, nnz = np.fromfile(f, dtype="<i8", count=2)
        indptr = np.fromfile(f, dtype="<i8", count=n + 1)
        ind = np.fromfile(f, dtype="<i8", count=nnz)
        data = np.fromfile(f, dtype="<f8", count=nnz)
    return sp.csr_matrix((data, ind, indptr), shape=(n, n))


def bench(name, hm, k, reps=3):
    sigma = -1e-9 * np.median(np.abs(hm.diagonal()))
    best, cpu = np.inf, np.inf
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        vals, vecs = sla.eigsh(hm, k=k, sigma=sigma, which="LM")
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    vals = np.sort(vals)
    res = [np.linalg.norm(hm @ vecs[:, i] - vals[i] * vecs[:, i]) for i in np.argsort(vals)]
    print(f"{name}: n={hm.shape[0]} k={k} best of {reps}: {best:.3f} s (cpu {cpu:.3f} s)")
    print("  E =", " ".join(f"{v:.7f}" for v in vals))
    print("  max residual = %.2e" % max(res))
    return best


def go_matrix(case, n, g2):
    path = f"/tmp/hamiltonian_{case}{n}.bin"
    subprocess.run(["go", "run", "./benchmarks/hamiltonian", "-case", case, "-n", str(n),
                    "-g2", str(g2), "-out", path], check=True)
    return read_csr(path).tocsc()


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    t0 = time.perf_counter()
    hm = fd_matrix(200000, 0.001)
    print(f"fd assembly (numpy): {time.perf_counter() - t0:.3f} s")
    bench("fd", hm, 6, reps)
    bench("sg", go_matrix("sg", 200000, 0.001), 6, reps)
    bench("chamber", go_matrix("chamber", 256, 0.01), 8, reps)


if __name__ == "__main__":
    sys.exit(main())
