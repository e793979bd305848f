"""Benchmark: theory.lyapunov_spectrum (all n exponents) against the floor and naive autograd.

Run from the repository root:

    python -m benchmarks.lyapunov            # n = 64, T = 1000, and the diagnose timing
    python -m benchmarks.lyapunov --quick    # n = 32, T = 300 (a smoke run)

Every ratio is measured in the same run, on the same tanh RNN (Gaussian W, ‖W‖₂ = 1.5,
two inputs):
  (a) the floor: T products J_t·Q and T QR factorisations of n × n matrices (the Jacobians
      given for free), which the QR method cannot avoid;
  (b) the same QR loop with each J_t from one ``torch.autograd.functional.jacobian`` call
      through the same ``torch.nn.RNNCell``;
and the time of ``theory.diagnose`` of a 2-layer ``torch.nn.LSTM`` with n = 128 on T = 500
steps of one input sequence (m = 16), weights as PyTorch initialises them.
The machine may be shared: ours and the floor are timed alternately, five times each, and
each keeps its best time, so that a burst of other load hits both alike; the naive baseline
and diagnose are timed once.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import theory

torch.set_num_threads(1)


def problem(n, T, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n))
    W *= 1.5 / np.linalg.norm(W, 2)
    U = rng.standard_normal((n, 2)) / np.sqrt(2)
    x = rng.standard_normal((T, 2))
    return W, U, x


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def qr_loop(jacobians, k):
    """The QR method over given Jacobians: T products and T QR factorisations."""
    basis = torch.eye(jacobians.shape[1], k, dtype=torch.float64)
    diagonals = torch.empty((jacobians.shape[0], k), dtype=torch.float64)
    for t in range(jacobians.shape[0]):
        basis, r = torch.linalg.qr(jacobians[t] @ basis)
        diagonals[t] = r.diagonal()
    return diagonals.abs().log().mean(dim=0)


def time_ours_and_floor(W, U, x, rounds=5):
    """Best of ``rounds`` alternating calls of lyapunov_spectrum and of the floor."""
    n, T = W.shape[0], len(x)
    jacobians = torch.randn(T, n, n, dtype=torch.float64) / np.sqrt(n)
    ours, floor = [], []
    for _ in range(rounds):
        ours.append(best_of(lambda: theory.lyapunov_spectrum(W, "tanh", inputs=x, U=U), 1))
        floor.append(best_of(lambda: qr_loop(jacobians, n), 1))
    return min(ours), min(floor)


def time_naive(W, U, x):
    """One torch.autograd.functional.jacobian per step through the real RNNCell, then QR."""
    n, m = U.shape
    cell = torch.nn.RNNCell(m, n, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.as_tensor(W))
        cell.weight_ih.copy_(torch.as_tensor(U))
        cell.bias_ih.zero_()
        cell.bias_hh.zero_()
    cell.requires_grad_(False)
    xs = torch.as_tensor(x)

    def run():
        h = torch.zeros(n, dtype=torch.float64)
        jacobians = torch.empty((len(x), n, n), dtype=torch.float64)
        for t in range(len(x)):
            jacobians[t] = torch.autograd.functional.jacobian(lambda s: cell(xs[t], s), h)
            with torch.no_grad():
                h = cell(xs[t], h)
        return qr_loop(jacobians, n)

    return best_of(run, 1)


def time_diagnose(n=128, layers=2, T=500, m=16):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(m, n, num_layers=layers)
    x = np.random.default_rng(0).standard_normal((T, m))
    return best_of(lambda: theory.diagnose(lstm, x), 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n = 32, T = 300, small diagnose")
    args = parser.parse_args(argv)
    n, T = (32, 300) if args.quick else (64, 1000)
    W, U, x = problem(n, T)
    ours, floor = time_ours_and_floor(W, U, x)
    naive = time_naive(W, U, x)
    print(f"full spectrum, n = {n}, T = {T} (tanh RNN):")
    print(f"  lyapunov_spectrum                          {ours:8.3f} s")
    print(f"  floor: T products + T QR of n × n          {floor:8.3f} s   ours/floor = {ours / floor:.2f}"
          "   (target ≤ 2)")
    print(f"  functional.jacobian per step, then QR      {naive:8.3f} s   naive/ours = {naive / ours:.0f}"
          "   (target ≥ 50)")
    size = dict(n=32, T=100) if args.quick else {}
    seconds = time_diagnose(**size)
    shape = "2-layer LSTM, n = 32, T = 100" if args.quick else "2-layer LSTM, n = 128, T = 500"
    print(f"diagnose, {shape}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
