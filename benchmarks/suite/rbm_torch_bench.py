#!/usr/bin/python3
"""PyTorch reference for the Gaussian-Gaussian RBM trainer (package rbmdrift, Trainer.Step with
the explicit Gibbs sampler, exact data), single thread, float64.

The update, written the way a PyTorch user writes it, with the B persistent chains as the rows
of one matrix phi (B x N_v):

    for _ in range(k):                                            # k full Gibbs steps
        h = s2 * phi @ W + sigma_h * randn(B, N_h)                # h | phi ~ N(s2 W^T phi, s2)
        phi = h @ W.T / mu2 + randn(B, N_v) / sqrt(mu2)           # phi | h ~ N(W h / mu2, 1/mu2)
    C_model = phi.T @ phi / B
    W += alpha * s2 * (C_t - C_model) @ W

with C_t = K_t^-1 the free-field target of rbmdrift (target.go: K_t = (m^2 + 2) 1 - shift -
shift^T on a periodic chain of N_v sites, m^2 = 4), N_v = N_h = N, mu^2 = 9, sigma_h = 1,
alpha = 0.1, W_ij ~ N(0, 0.1^2) at the start and the chains at phi = (1, ..., 1): the paper's
setting at N = 10, the same parameters at other N (mu^2 = 9 exceeds the largest kappa, 8, at
every N, so the model stays proper).

With measure_every M > 0, every M-th update also does what rbmdrift.TrainRunContext does when
it measures the drift: the spectrum of X = W^T W with its eigenvectors (torch.linalg.eigh)
before the update, the exact-gradient drift 2 s2 u^T (C_t - K^-1) u for u = W v_i (K = mu2 -
s2 W W^T, by a Cholesky factor of K), the spectrum after the update, and the single-step
increments binned by the eigenvalue before (60 bins on [0, mu2/s2), as rbmdrift's default: counts,
sums of dx, dx^2 and of the expected drift). As in the Go trainer, the spectrum after an update
is reused as the next one's "before" when the next update is measured too (M = 1), so the Go and
the PyTorch runs compute the same number of spectra. Unlike the Go trainer, which checks that K
is positive definite (a Cholesky factorisation) before every update, this reference checks only
at the end that the weights are finite: it does slightly less work per update.

Before timing, the script checks itself (not timed): (1) with W fixed at a trained value the
chains' second moment reproduces the model covariance K^-1 (the Gibbs sampler leaves N(0, K^-1)
invariant); (2) in the paper's setting (N = 10) 3000 updates bring the sorted spectrum of W^T W
at least 4 times closer to the target spectrum mu2 - kappa_k (Config.TargetSpectrum) than it was
at the start, and the spectrum stays finite; (3) at the requested N a short run stays finite.
Any failure exits with an error, so that a wrong reference is never timed.

Then, for each measure_every in the list, it times reps blocks of updates (each block about
0.3 s, sized from a short calibration run, after 500 warm-up updates from the start) on one
trainer and keeps the best block. Prints one line per measure_every:

  "rbm: n=<N> batch=<B> k=<k> measure_every=<M> updates=<per block> reps=<blocks> updates_per_s=<best>"

Run with /usr/bin/python3 (Debian python3-torch):
  python3 rbm_torch_bench.py [N] [measure_every list, e.g. 0,1,10] [reps] [block seconds]
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)

M2, MU2, SIGMA_H, ALPHA, INIT_SIGMA, BATCH, K_GIBBS, BINS = 4.0, 9.0, 1.0, 0.1, 0.1, 16, 3, 60


def target_covariance(n, m2=M2):
    """C_t = K_t^-1, K_t = (m^2 + 2) 1 - shift - shift^T on a periodic chain (rbmdrift.TargetKernel)."""
    k = torch.zeros(n, n)
    for i in range(n):
        k[i, i] += m2 + 2
        k[i, (i + 1) % n] -= 1
        k[(i + 1) % n, i] -= 1
    if n == 1:
        k[0, 0] = m2
    return torch.linalg.inv(k)


def free_field_kappa(n, m2=M2):
    return sorted(m2 + 2 - 2 * math.cos(2 * math.pi * j / n) for j in range(n))


class Trainer:
    def __init__(self, n, gen, batch=BATCH, k=K_GIBBS):
        self.n, self.batch, self.k, self.gen = n, batch, k, gen
        self.s2 = SIGMA_H * SIGMA_H
        self.ct = target_covariance(n)
        self.w = INIT_SIGMA * torch.randn(n, n, generator=gen)
        self.phi = torch.ones(batch, n)
        self.hi = MU2 / self.s2
        self.acc = torch.zeros(4, n * BINS)  # count, sum dx, sum dx^2, sum expected drift
        self.spec = None  # (values, vectors) of W^T W at the current W, or None

    def gibbs(self):
        w, gen, b, n = self.w, self.gen, self.batch, self.n
        phi = self.phi
        sm = 1 / math.sqrt(MU2)
        for _ in range(self.k):
            h = self.s2 * (phi @ w) + SIGMA_H * torch.randn(b, n, generator=gen)
            phi = (h @ w.T) / MU2 + sm * torch.randn(b, n, generator=gen)
        self.phi = phi
        return phi.T @ phi / b

    def step(self):
        cm = self.gibbs()
        self.w += (ALPHA * self.s2) * ((self.ct - cm) @ self.w)

    def expected_drift(self, vecs):
        u = self.w @ vecs
        qt = (u * (self.ct @ u)).sum(0)
        kmat = MU2 * torch.eye(self.n) - self.s2 * (self.w @ self.w.T)
        lk = torch.linalg.cholesky(kmat)
        y = torch.linalg.solve_triangular(lk, u, upper=False)
        return 2 * self.s2 * (qt - (y * y).sum(0))

    def train(self, steps, measure_every=0):
        for s in range(steps):
            meas = measure_every > 0 and s % measure_every == 0
            if meas:
                if self.spec is None:
                    self.spec = torch.linalg.eigh(self.w.T @ self.w)
                x, vecs = self.spec
                ex = self.expected_drift(vecs)
            self.step()
            self.spec = None
            if meas:
                if measure_every == 1:  # the next update is measured too: keep the vectors
                    self.spec = torch.linalg.eigh(self.w.T @ self.w)
                    xn = self.spec[0]
                else:
                    xn = torch.linalg.eigvalsh(self.w.T @ self.w)
                dx = xn - x
                b = (x * (BINS / self.hi)).long().clamp(0, BINS - 1) + BINS * torch.arange(self.n)
                self.acc.index_add_(1, b, torch.stack((torch.ones_like(dx), dx, dx * dx, ex)))

    def spectrum(self):
        return torch.linalg.eigvalsh(self.w.T @ self.w)


def check(n, gen):
    # (2) the paper's setting learns: spectrum towards mu2 - kappa.
    tr = Trainer(10, gen)
    want = torch.tensor([MU2 - kp for kp in reversed(free_field_kappa(10))])  # ascending
    d0 = float((tr.spectrum() - want).abs().max())
    tr.train(3000, measure_every=10)
    x = tr.spectrum()
    if not bool(torch.isfinite(x).all()):
        raise SystemExit("rbm_torch_bench: the spectrum is not finite after 3000 updates at N = 10")
    d1 = float((x - want).abs().max())
    # Factor 4: from W ~ 0 the distance starts near max(mu2 - kappa) = 5 (measured 4.5-4.7 over
    # seeds 1-4); the trained spectrum fluctuates about the target by the PCD noise of |B| = 16
    # chains at alpha = 0.1 (measured 0.56-0.64 after 3000 updates), so d0/4 (about 1.15) passes a
    # correct trainer with a margin of 2 and fails one that does not move (or moves away).
    if not d1 < d0 / 4:
        raise SystemExit(f"rbm_torch_bench: max|x - x_target| went from {d0:.3g} to {d1:.3g}: the reference does not learn")
    # (1) the Gibbs sampler's stationary covariance is K^-1 at the trained W.
    w = tr.w.clone()
    kinv = torch.linalg.inv(MU2 * torch.eye(10) - tr.s2 * (w @ w.T))
    tr.batch, tr.phi = 64, torch.zeros(64, 10)
    for _ in range(50):  # burn-in: T = s2 W W^T/mu2 has norm <= 5/9, (5/9)^150 is nothing
        tr.gibbs()
    c = torch.zeros(10, 10)
    sweeps = 1000
    for _ in range(sweeps):
        c += tr.gibbs()
    c /= sweeps
    err = float((c - kinv).abs().max() / kinv.diagonal().max())
    # Tolerance 5% of the largest variance: 64 x 1000 draws with a correlation time of a few
    # sweeps give a relative standard error of about sqrt(2 * 3 / 64000) = 1% per entry (the
    # largest of the 55 entries measured 0.9-1.7% over seeds 1-4); a wrong noise
    # scale (sigma_h or 1/mu2 off by a factor sqrt 2) moves the covariance by far more than 5%.
    if not err < 0.05:
        raise SystemExit(f"rbm_torch_bench: chain covariance differs from K^-1 by {err:.3g} of its scale: the sampler is wrong")
    # (3) a short run at the requested N stays finite.
    if n != 10:
        tr = Trainer(n, gen)
        tr.train(500, measure_every=10)
        if not bool(torch.isfinite(tr.spectrum()).all()) or not bool(torch.isfinite(tr.acc).all()):
            raise SystemExit(f"rbm_torch_bench: the spectrum is not finite after 500 updates at N = {n}")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    mlist = [int(v) for v in sys.argv[2].split(",")] if len(sys.argv) > 2 else [0, 1, 10]
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    block = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
    gen = torch.Generator().manual_seed(1)
    check(n, gen)
    for m in mlist:
        tr = Trainer(n, gen)
        tr.train(500, m)  # away from W ~ 0, as the Go rows' runs are
        t0 = time.perf_counter()
        tr.train(100, m)
        rate = 100 / (time.perf_counter() - t0)
        updates = max(100, int(rate * block))
        if m > 0:
            updates = max(m, updates // m * m)
        best = math.inf
        for _ in range(reps):
            t0 = time.perf_counter()
            tr.train(updates, m)
            best = min(best, time.perf_counter() - t0)
        if not bool(torch.isfinite(tr.w).all()):
            raise SystemExit("rbm_torch_bench: the weights stopped being finite while timing")
        print(f"rbm: n={n} batch={BATCH} k={K_GIBBS} measure_every={m} updates={updates} reps={reps} "
              f"updates_per_s={updates / best:.6g}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
