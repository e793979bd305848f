"""Benchmark: lag_profile and mean_field_rate_sweep on a CUDA device against the CPU.

Run from the repository root on a machine with a CUDA GPU:

    python -m benchmarks.cuda [--json FILE]

For each size it times the same call (same W, inputs and seed) on the CPU, with every CPU
thread torch is allowed, and on ``cuda``, and prints the ratio and the largest difference of
the log norms (or rates) between the two: at the rounding of float64 for lag_profile; for the
sweep's chaotic σ_w the two devices' trajectories part (rounding grows like e^{rate·t}), so
there the rates agree only as two samples of one mean-field rate (about 1e-2).
The CUDA time includes moving W, the inputs and the results between host and device; each
row is the best of a few repeats after one warm-up call. Without a CUDA device it says so and
exits with status 0: the project never needs a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

import theory
from benchmarks.lag_profile import problem

PROFILE_SIZES = ((64, 1000), (256, 1000), (512, 300))
SWEEP_SIZES = (256, 4096)
SWEEP_SIGMA_WS = (0.8, 1.5, 2.5)


def best_time(fn, repeats=2):
    fn()  # warm-up: CUDA context, kernel caches, allocator
    best, value = float("inf"), None
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        value = fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best, value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        print("no CUDA device here: nothing to compare")
        return 0
    torch.set_num_threads(os.cpu_count() or 1)
    print(f"device: {torch.cuda.get_device_name()}; torch {torch.__version__}; "
          f"CPU threads {torch.get_num_threads()}")
    rows = []
    print(f"{'call':<24}{'n':>6}{'T':>7}{'CPU s':>10}{'CUDA s':>10}{'CPU/CUDA':>10}{'max |Δ|':>11}")
    for n, T in PROFILE_SIZES:
        W, U, x, b = problem(n, T)
        kwargs = dict(inputs=x, U=U, b=b)
        cpu_s, cpu = best_time(lambda: theory.lag_profile(W, "tanh", **kwargs).log_norms)
        gpu_s, gpu = best_time(lambda: theory.lag_profile(W, "tanh", device="cuda", **kwargs).log_norms)
        rows.append(dict(call="lag_profile", n=n, T=T, cpu_s=cpu_s, cuda_s=gpu_s,
                         max_abs_diff=float(np.max(np.abs(cpu - gpu)))))
    for n in SWEEP_SIZES:
        cpu_s, cpu = best_time(lambda: theory.mean_field_rate_sweep(SWEEP_SIGMA_WS, n, seed=1), 1)
        gpu_s, gpu = best_time(
            lambda: theory.mean_field_rate_sweep(SWEEP_SIGMA_WS, n, seed=1, device="cuda"), 1)
        rows.append(dict(call="mean_field_rate_sweep", n=n, T=None, cpu_s=cpu_s, cuda_s=gpu_s,
                         max_abs_diff=float(np.max(np.abs(cpu - gpu)))))
    for r in rows:
        T = "" if r["T"] is None else r["T"]
        print(f"{r['call']:<24}{r['n']:>6}{T:>7}{r['cpu_s']:>10.3f}{r['cuda_s']:>10.3f}"
              f"{r['cpu_s'] / r['cuda_s']:>10.2f}{r['max_abs_diff']:>11.2e}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(device=torch.cuda.get_device_name(), torch=torch.__version__,
                           rows=rows), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
