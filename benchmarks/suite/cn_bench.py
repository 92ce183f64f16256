#!/usr/bin/python3
"""scipy reference for the Fokker-Planck step: Crank-Nicolson with a pre-factorised SuperLU.

Two rbm modes (mu^2 = 9, kappa = 5, g^2 = 0.001) with the Coulomb term on the FULL n x n square
grid over [0, 9]^2 (n = 512 by default: 262,144 cells), the same exponentially fitted
(Scharfetter-Gummel) five-point generator G as fokkerplanck's, with cell-centre potentials
(diagonal cells: the cell average log h - 3/2 of log|x_1 - x_2|). The matrix I - (dt/2) G is
factorised once with scipy.sparse.linalg.splu (SuperLU, COLAMD ordering, not timed); one step is
p <- lu.solve((I + (dt/2) G) p), dt = 0.01, timed as the best of several steps.

Prints one line: "cn: n=<cells per axis> cells=<n^2> factor=<s> step_ms=<best ms per step>".
Run with /usr/bin/python3 (Debian python3-scipy): python3 cn_bench.py [n] [steps]
"""
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla
from scipy.special import exprel


def bern(z):
    """B(z) = z/(e^z - 1) = 1/exprel(z), stable for all z (0 where e^z overflows)."""
    with np.errstate(over="ignore"):
        return 1.0 / exprel(z)


def generator(n, g2=0.001, mu2=9.0, kappa=5.0, lo=0.0, hi=9.0):
    h = (hi - lo) / n
    x = lo + h * (np.arange(n) + 0.5)
    v = -x * x / (2 * kappa) - x - mu2 * np.log(mu2 - x)
    phi1 = v / g2
    d = np.abs(x[:, None] - x[None, :])
    logd = np.where(d > 0, np.log(np.where(d > 0, d, 1.0)), np.log(h) - 1.5)
    phi = (phi1[:, None] + phi1[None, :] - logd).ravel()
    idx = np.arange(n * n).reshape(n, n)
    rows, cols, vals = [], [], []
    t = g2 / (h * h)
    for a, b in ((idx[:-1, :], idx[1:, :]), (idx[:, :-1], idx[:, 1:])):
        a, b = a.ravel(), b.ravel()
        z = phi[b] - phi[a]
        ab = t * bern(z)   # rate a -> b
        ba = t * bern(-z)  # rate b -> a
        rows += [b, a, a, b]
        cols += [a, b, a, b]
        vals += [ab, ba, -ab, -ba]
    g = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n * n, n * n)).tocsc()
    ps = np.exp(-(phi - phi.min()))
    return g, ps / ps.sum()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 512
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    dt = 0.01
    g, p = generator(n)
    eye = sp.identity(n * n, format="csc")
    t0 = time.perf_counter()
    lu = sla.splu((eye - 0.5 * dt * g).tocsc())
    factor = time.perf_counter() - t0
    plus = (eye + 0.5 * dt * g).tocsr()
    p = lu.solve(plus @ p)
    best = np.inf
    for _ in range(steps):
        t0 = time.perf_counter()
        p = lu.solve(plus @ p)
        best = min(best, time.perf_counter() - t0)
    print(f"cn: n={n} cells={n * n} factor={factor:.3f} step_ms={best * 1e3:.3f} mass={p.sum():.12f}")


if __name__ == "__main__":
    sys.exit(main())
