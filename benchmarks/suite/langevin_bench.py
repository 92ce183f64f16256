#!/usr/bin/python3
"""NumPy reference for the eigenvalue-level Langevin update (langevin.Eigen, BenchmarkEigenN10).

The suite's row: 256 walkers of the 10-mode rbm system (mu^2 = 9, kappa = model.FreeFieldKappa(4,
10), all 45 Coulomb pairs), alpha = 0.01, g^2 = G2(0.01, 16, 1) = alpha/16. One update, written
the way a NumPy user vectorises it over walkers (x: walkers x 10, ascending in each row):

    dx = x[:, :, None] - x[:, None, :]                     # pair differences, diagonal masked
    c = (1 / dx masked).sum(axis=2)                        # sum_{j != i} 1/(x_i - x_j)
    y = x + alpha * (K(x) + g2 * c) + sqrt(2 g2 alpha) * xi
    y reflected at the walls 0 and mu^2 (kept at x if still outside), then np.sort(axis=1)

with K(x) = (1/kappa - 1/(mu^2 - x)) x (model.RBM), the rank-k column carrying the mode of the
k-th lowest stable point mu^2 - kappa, as langevin.Eigen orders them. It is the plain map: the
Go integrator's near-collision refinement is not reproduced (it seldom fires at this g^2; the
reference is the cheaper update). Single thread (OMP/OPENBLAS/MKL threads 1 before import).

Self-check before timing, through the same step function with a harmonic drift (see check):
two modes K = -Omega x with Coulomb repulsion; the centre-of-mass variance against the exact
discrete OU value, the median spacing against the exact pair law. Then the 10-mode run itself
must stay finite and inside [0, mu^2).

Prints one line:
  "langevin: walkers=<W> modes=10 updates=<per block> reps=<blocks> mode_updates_per_s=<best> median_spacing=<measured>/<exact>"
Run with /usr/bin/python3: python3 langevin_bench.py [updates] [reps]
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ALPHA, BATCH, MU2, M2, N, WALKERS = 0.01, 16, 9.0, 4.0, 10, 256
G2 = ALPHA / BATCH * 1.0


def step(x, drift, g2, alpha, lo, hi, rng, offdiag):
    """One plain eigenvalue-level update of all walkers (rows of x, ascending), in place."""
    dx = x[:, :, None] - x[:, None, :]
    with np.errstate(divide="ignore"):
        inv = np.where(offdiag, 1.0 / dx, 0.0)
    c = inv.sum(axis=2)
    y = x + alpha * (drift(x) + g2 * c) + math.sqrt(2 * g2 * alpha) * rng.standard_normal(x.shape)
    y = np.where(y < lo, 2 * lo - y, y)
    y = np.where(y >= hi, 2 * hi - y, y)
    y = np.where((y >= lo) & (y < hi), y, x)
    x[:] = np.sort(y, axis=1)
    return x


def rbm_params():
    k = np.sort(M2 + 2 - 2 * np.cos(2 * np.pi * np.arange(N) / N))
    stable = MU2 - k
    order = np.argsort(stable, kind="stable")  # rank order: lowest stable point first
    return k[order], stable[order]


def check(rng):
    """Two harmonic modes, Omega = 1, C = 0, g^2 = 0.01, alpha = 0.01 (alpha Omega as in the
    timed row's stiffest mode, ~0.003 to 0.01): 2000 walkers, 1000 updates of burn-in (relaxation
    time 1/(alpha Omega) = 100 updates), then 3000 updates measured.

    The centre of mass (x_1 + x_2)/2 does not feel the Coulomb term (it cancels in the sum), so it
    is an exact discrete OU process: Var = g^2 / (2 Omega (1 - alpha Omega / 2)). That checks the
    drift, the noise scale and the step. The spacing d = x_2 - x_1 checks the Coulomb term: its
    law is p(d) ~ d exp(-d^2 / (4 sigma^2)), sigma^2 = g^2/Omega, median 2 sigma sqrt(ln 2). The
    mean is not used: the plain map's kick alpha g^2 / d after a near collision is heavy-tailed
    (the reason langevin.Eigen refines there) and inflates the mean and variance of d."""
    omega, g2, alpha, w = 1.0, 0.01, 0.01, 2000
    off = ~np.eye(2, dtype=bool)
    x = np.sort(0.1 * rng.standard_normal((w, 2)), axis=1)
    drift = lambda v: -omega * v  # noqa: E731
    for _ in range(1000):
        step(x, drift, g2, alpha, -np.inf, np.inf, rng, off)
    com, med = 0.0, 0.0
    for _ in range(3000):
        step(x, drift, g2, alpha, -np.inf, np.inf, rng, off)
        com += float(np.mean((0.5 * (x[:, 0] + x[:, 1])) ** 2))
        med += float(np.median(x[:, 1] - x[:, 0]))
    com, med = com / 3000, med / 3000
    want_com = g2 / (2 * omega * (1 - alpha * omega / 2))
    want_med = 2 * math.sqrt(g2 / (omega * (1 - alpha * omega / 2)) * math.log(2))
    # Centre of mass, tolerance 5%: 2000 walkers x 3000 updates, correlation time of the square
    # ~1/(2 alpha Omega) = 50 updates, so ~1.2e5 effective samples and a standard error of
    # sqrt(2/1.2e5) = 0.4%; a wrong noise scale (factor 2 in g^2) or step is 50% or more off.
    if abs(com / want_com - 1) > 0.05:
        raise SystemExit(f"langevin_bench: centre-of-mass variance {com:.4g}, exact {want_com:.4g}: the reference is wrong")
    # Median spacing, tolerance 10%: the statistical error is below 0.5%, the plain map's
    # collision bias measured here at alpha Omega = 0.01 is about +4.5%; without the Coulomb term
    # the median of |d| would be 0.674 sqrt(2) sigma, 43% low, and a wrong sign or factor 2 in
    # the pair sum moves it by 20% or more.
    if abs(med / want_med - 1) > 0.10:
        raise SystemExit(f"langevin_bench: median pair spacing {med:.4g}, exact {want_med:.4g}: the reference is wrong")
    return med, want_med


def main():
    updates = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(1)
    got, want = check(rng)
    kappa, stable = rbm_params()
    curv = np.abs(1 / kappa - MU2 / (MU2 - stable) ** 2)
    sd = 0.1 * np.sqrt(G2 / curv)  # langevin.StableInit
    x = np.sort(stable + sd * rng.standard_normal((WALKERS, N)), axis=1)
    off = ~np.eye(N, dtype=bool)
    drift = lambda v: (1 / kappa - 1 / (MU2 - v)) * v  # noqa: E731
    for _ in range(200):
        step(x, drift, G2, ALPHA, 0.0, MU2, rng, off)
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(updates):
            step(x, drift, G2, ALPHA, 0.0, MU2, rng, off)
        best = min(best, time.perf_counter() - t0)
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() >= MU2:
        raise SystemExit("langevin_bench: a walker left [0, mu^2) while timing")
    print(f"langevin: walkers={WALKERS} modes={N} updates={updates} reps={reps} "
          f"mode_updates_per_s={updates * WALKERS * N / best:.6g} median_spacing={got:.4g}/{want:.4g}")


if __name__ == "__main__":
    sys.exit(main())
