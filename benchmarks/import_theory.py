"""Benchmark: what `import theory` costs, against loading everything it can load.

Run from the repository root:

    python -m benchmarks.import_theory            # 7 fresh interpreters per variant
    python -m benchmarks.import_theory --runs 15

Each variant runs in a fresh interpreter, alternating, and the medians are compared:
  (a) ``import numpy`` (the floor: every theorem needs it),
  (b) ``import theory`` (the lazy package: numpy, mean_field and regime only),
  (c) ``import theory`` then every public name (``from theory import *``: all theorem modules
      with scipy.optimize and scipy.special, the measurement module, not yet torch),
  (d) (c) plus ``import torch`` (what the first measurement call adds).
Times are wall-clock seconds of the whole interpreter; on a shared machine run it twice and
trust the ratios more than the seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = {
    "numpy": "import numpy",
    "import theory": "import theory",
    "every public name": "from theory import *",
    "every public name + torch": "from theory import *; import torch",
}


def _time_fresh(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); {code}"],
                   check=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per variant")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    times = {name: [] for name in VARIANTS}
    for _ in range(args.runs):
        for name, code in VARIANTS.items():
            times[name].append(_time_fresh(code))
    medians = {name: statistics.median(values) for name, values in times.items()}
    lazy = medians["import theory"]
    print(f"{'variant':<28} {'median s':>9} {'/ import theory':>16}")
    for name, value in medians.items():
        print(f"{name:<28} {value:9.3f} {value / lazy:16.2f}")
    print(f"\n`import theory` costs {lazy - medians['numpy']:.3f} s beyond numpy; loading every "
          f"public name costs {medians['every public name'] / lazy:.1f}× as much, and torch "
          f"{medians['every public name + torch'] / lazy:.1f}×.")


if __name__ == "__main__":
    main()
