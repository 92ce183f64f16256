#!/usr/bin/python3
"""NumPy reference for the teacher-student SGD update (package teacher, online data).

Teacher W_t = O diag(d) O^T with d = (2, ..., 2), which is 2 * 1_N for any orthogonal O; student
W_ij ~ N(0, 0.1^2) at the start. One update, written the way a NumPy user vectorises it:

    x = rng.standard_normal((B, N))                       # the batch of inputs
    g = rng.standard_normal((B, N, N))                    # the B noise matrices a_b:
    a = eps * (g + g.transpose(0, 2, 1)) / sqrt(2)        #   off-diagonal sd eps, diagonal sqrt(2) eps
    W += alpha * ((W_t - W) @ (x.T @ x / B) + a.mean(0))

at alpha = 0.1, eps = 0.1, |B| = 16, single thread (OMP/OPENBLAS/MKL threads set to 1 before
numpy is imported). Before timing it checks itself against the exact stationary second moment of
the linear recursion (teacher.StationaryCovariance): Var D_ij (i != j) = a_exact and
Var D_ii = a + b + c, D = W - W_t, and that W stays near W_t, so that a wrong reference is never
timed. It then times reps blocks of `updates` updates and keeps the best block.

Prints one line:
  "teacher: n=<N> batch=<B> updates=<per block> reps=<blocks> updates_per_s=<best> var_off=<measured>/<exact>"
Run with /usr/bin/python3 (Debian python3-numpy): python3 teacher_bench.py [N] [updates] [reps]
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ALPHA, EPS, BATCH, D = 0.1, 0.1, 16, 2.0


def exact_moments(n, alpha=ALPHA, eps=EPS, batch=BATCH):
    """The exact stationary E[D_ij D_kl] = a d_ik d_jl + b d_il d_jk + c d_ij d_kl (doc of teacher)."""
    kappa = alpha * (2 - alpha)
    beta = alpha * alpha / batch
    a = beta * eps**2 * kappa / ((kappa - beta) * (kappa - (n + 1) * beta))
    b = beta * eps**2 * kappa / ((kappa - beta) * (kappa + beta))
    c = beta * b / kappa
    return a, b, c


def train(w, wt, rng, steps, alpha=ALPHA, eps=EPS, batch=BATCH, record=None):
    n = w.shape[0]
    s = eps / math.sqrt(2.0)
    for k in range(steps):
        x = rng.standard_normal((batch, n))
        g = rng.standard_normal((batch, n, n))
        a = s * (g + g.transpose(0, 2, 1))
        w += alpha * ((wt - w) @ (x.T @ x / batch) + a.mean(axis=0))
        if record is not None:
            record[k] = w - wt
    return w


def check(n, rng):
    """Runs 4 students for 20000 updates after a 500-update burn-in (relaxation time 1/alpha = 10
    updates) and compares the second moments of D with the exact law."""
    a, b, c = exact_moments(n)
    wt = D * np.eye(n)
    off, diag = [], []
    for _ in range(4):
        w = wt + 0.1 * rng.standard_normal((n, n))
        train(w, wt, rng, 500)
        rec = np.empty((20000, n, n))
        train(w, wt, rng, 20000, record=rec)
        if not np.all(np.isfinite(w)) or np.abs(w - wt).max() > 0.2:
            raise SystemExit(f"teacher_bench: W left the teacher: max|W - W_t| = {np.abs(w - wt).max():.3g}")
        m = ~np.eye(n, dtype=bool)
        off.append(np.mean(rec[:, m] ** 2))
        diag.append(np.mean(rec[:, ~m] ** 2))
    voff, vdiag = float(np.mean(off)), float(np.mean(diag))
    # Tolerance 10%: 80000 correlated samples with a correlation time of about 1/(2 alpha) = 5
    # updates per element give a relative standard error of the variance of about
    # sqrt(2 * 2 * 5 / 80000) = 1.6% (less for N > 2, more elements); 10% is over 6 of those and
    # far below what a wrong noise scale (factor 2 in eps^2) or a missing term would show.
    for name, got, want in (("off-diagonal", voff, a), ("diagonal", vdiag, a + b + c)):
        if abs(got / want - 1) > 0.10:
            raise SystemExit(f"teacher_bench: {name} Var D = {got:.4g}, exact {want:.4g}: the reference is wrong")
    return voff, a


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    updates = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    rng = np.random.default_rng(1)
    voff, aex = check(n, rng)
    wt = D * np.eye(n)
    w = wt + 0.1 * rng.standard_normal((n, n))
    train(w, wt, rng, 1000)
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        train(w, wt, rng, updates)
        best = min(best, time.perf_counter() - t0)
    if np.abs(w - wt).max() > 0.2:
        raise SystemExit("teacher_bench: W left the teacher while timing")
    print(f"teacher: n={n} batch={BATCH} updates={updates} reps={reps} "
          f"updates_per_s={updates / best:.6g} var_off={voff:.4g}/{aex:.4g}")


if __name__ == "__main__":
    sys.exit(main())
