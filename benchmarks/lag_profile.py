"""Benchmark: theory.lag_profile (all lags k = 0..T) against naive autograd and the floor.

Run from the repository root:

    python -m benchmarks.lag_profile            # every size (about 10-15 min on 2 cores)
    python -m benchmarks.lag_profile --quick    # n ∈ {16, 64}, T ∈ {100, 1000}

Every ratio is measured in the same run, on the same W (tanh, Gaussian, ‖W‖₂ = 1.2):
  (a) one torch.autograd.functional.jacobian per lag,
  (b) one torch.func.jacrev per lag,
  (c) the floor: T products of n×n matrices plus T spectral norms (batched SVD), which any
      method that reports ‖∂h_T/∂h_k‖₂ for every k must at least do.
Baselines (a) and (b) cost O(T²) steps; where they would take minutes, a sample of lags is
timed and the total extrapolated (time per lag is linear in the lag): marked '~'.
Peak memory of lag_profile is measured in a fresh subprocess: the resident set size,
polled every millisecond during the call, above its value just before the call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np
import torch

import theory

torch.set_num_threads(1)

SIZES_N = (16, 64, 256)
SIZES_T = (100, 1000, 10_000)
SAMPLE_LAGS = 6  # lags timed per baseline when extrapolating
SAMPLE_MAX_LAG = 400  # sampled lags stay ≤ this; the linear fit extrapolates beyond
BASELINE_BUDGET_S = 20.0  # time a baseline fully only if its estimate is below this


def problem(n, T, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n))
    W *= 1.2 / np.linalg.norm(W, 2)
    U = rng.standard_normal((n, 2)) / np.sqrt(2)
    x = rng.standard_normal((T, 2)) * 0.5
    b = rng.standard_normal(n) * 0.1
    return W, U, x, b


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def time_ours(W, U, x, b):
    return best_of(lambda: theory.lag_profile(W, "tanh", inputs=x, U=U, b=b), 1 if len(x) > 1000 else 3)


def _cell(W, U, b):
    cell = torch.nn.RNNCell(U.shape[1], W.shape[0], nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.as_tensor(W))
        cell.weight_ih.copy_(torch.as_tensor(U))
        cell.bias_ih.copy_(torch.as_tensor(b))
        cell.bias_hh.zero_()
    cell.requires_grad_(False)
    return cell


def _states(cell, xs, n):
    h = torch.zeros(n, dtype=torch.float64)
    states = [h]
    with torch.no_grad():
        for x in xs:
            h = cell(x, h)
            states.append(h)
    return states


def naive_per_lag(kind, W, U, x, b):
    """Return f(lag) -> seconds to get ‖∂h_T/∂h_{T−lag}‖₂ by one Jacobian call, and T."""
    n, T = W.shape[0], len(x)
    cell = _cell(W, U, b)
    xs = torch.as_tensor(x)
    states = _states(cell, xs, n)

    def one(lag):
        k = T - lag

        def run(h):
            for t in range(k, T):
                h = cell(xs[t], h)
            return h

        start = time.perf_counter()
        if kind == "functional.jacobian":
            jac = torch.autograd.functional.jacobian(run, states[k])
        else:
            jac = torch.func.jacrev(run)(states[k])
        torch.linalg.matrix_norm(jac, ord=2)
        return time.perf_counter() - start

    return one


def time_naive(kind, W, U, x, b):
    """Total time over lags 1..T, measured or extrapolated from a sample: (seconds, exact?)."""
    T = len(x)
    one = naive_per_lag(kind, W, U, x, b)
    one(1)  # warm-up
    lags = np.unique(np.linspace(1, min(T, SAMPLE_MAX_LAG), SAMPLE_LAGS).astype(int))
    sample = np.array([one(int(lag)) for lag in lags])
    slope, intercept = np.polyfit(lags, sample, 1) if len(lags) > 1 else (0.0, sample[0])
    estimate = float(slope * T * (T + 1) / 2 + intercept * T)
    if estimate <= BASELINE_BUDGET_S:
        start = time.perf_counter()
        for lag in range(1, T + 1):
            one(lag)
        return time.perf_counter() - start, True
    return estimate, False


def time_floor(W, T, chunk=256):
    """T n×n products P ← P·W plus the spectral norm of each P (batched SVD in chunks)."""
    Wt = torch.as_tensor(W)
    n = W.shape[0]

    def run():
        P = torch.eye(n, dtype=torch.float64)
        done = 0
        while done < T:
            size = min(chunk, T - done)
            block = torch.empty((size, n, n), dtype=torch.float64)
            for i in range(size):
                P = P @ Wt
                P = P / torch.linalg.matrix_norm(P, ord="fro")  # keep it finite, like any method
                block[i] = P
            torch.linalg.matrix_norm(block, ord=2)
            done += size

    return best_of(run, 1 if T > 1000 else 3)


def peak_memory_mib(n, T):
    code = (
        "import os, threading, time, numpy as np, torch, theory\n"
        "torch.set_num_threads(1)\n"
        "from benchmarks.lag_profile import problem\n"
        f"W, U, x, b = problem({n}, {T})\n"
        "theory.lag_profile(W, 'tanh', inputs=x[:10], U=U, b=b)\n"
        "page = os.sysconf('SC_PAGE_SIZE')\n"
        "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * page\n"
        "base, peak, done = rss(), [0], [False]\n"
        "def poll():\n"
        "    while not done[0]:\n"
        "        peak[0] = max(peak[0], rss()); time.sleep(0.001)\n"
        "thread = threading.Thread(target=poll); thread.start()\n"
        "theory.lag_profile(W, 'tanh', inputs=x, U=U, b=b)\n"
        "done[0] = True; thread.join()\n"
        "print(max(peak[0], rss()) / 2**20 - base / 2**20)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n ∈ {16, 64}, T ∈ {100, 1000} only")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    sizes_n = SIZES_N[:2] if args.quick else SIZES_N
    sizes_t = SIZES_T[:2] if args.quick else SIZES_T
    rows = []
    header = (f"{'n':>4} {'T':>6} {'ours s':>8} {'floor s':>8} {'ours/floor':>10} "
              f"{'jacobian s':>11} {'speedup':>8} {'jacrev s':>10} {'speedup':>8} {'peak MiB':>9}")
    print(header)
    print("-" * len(header))
    for n in sizes_n:
        for T in sizes_t:
            W, U, x, b = problem(n, T)
            ours = time_ours(W, U, x, b)
            floor = time_floor(W, T)
            jac, jac_exact = time_naive("functional.jacobian", W, U, x, b)
            rev, rev_exact = time_naive("jacrev", W, U, x, b)
            memory = peak_memory_mib(n, T)
            row = dict(n=n, T=T, ours_s=ours, floor_s=floor, jacobian_s=jac, jacobian_exact=jac_exact,
                       jacrev_s=rev, jacrev_exact=rev_exact, peak_mib=memory)
            rows.append(row)
            mark = lambda exact: " " if exact else "~"
            print(f"{n:>4} {T:>6} {ours:>8.3f} {floor:>8.3f} {ours / floor:>10.2f} "
                  f"{mark(jac_exact)}{jac:>10.2f} {jac / ours:>8.0f} {mark(rev_exact)}{rev:>9.2f} "
                  f"{rev / ours:>8.0f} {memory:>9.1f}", flush=True)
    print("\n~ = extrapolated from", SAMPLE_LAGS, "timed lags (time per lag is linear in the lag).")
    print("Targets: ≥ 100× faster than functional.jacobian at n = 64, T = 200 (see --target);")
    print("within 2× of the floor; peak memory O(n² + T·n).")
    target_W, target_U, target_x, target_b = problem(64, 200)
    ours = time_ours(target_W, target_U, target_x, target_b)
    jac, exact = time_naive("functional.jacobian", target_W, target_U, target_x, target_b)
    print(f"n = 64, T = 200: lag_profile {ours:.3f} s, functional.jacobian per lag "
          f"{'' if exact else '~'}{jac:.2f} s: {jac / ours:.0f}× faster")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
