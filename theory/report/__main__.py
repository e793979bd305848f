"""``python -m theory.report RESULTS_JSON``: re-render a report without rerunning the tests.

Exit status 0 on success, 2 on bad input (missing or invalid file, folder that is not a
report folder) or a file system error (an unreadable file, a folder that cannot be
created), with a one-line message instead of a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import numbers_view
from .render import load_results, write_report
from .writer import EXPERIMENTS


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m theory.report",
        description="Regenerate REPORT.md, claims.tex and the figures from a results.json.",
    )
    parser.add_argument("results", help="path to results.json (written by a pytest run)")
    parser.add_argument("--out", metavar="DIR",
                        help="report folder to write (default: the folder of RESULTS)")
    parser.add_argument("--numbers", action="store_true",
                        help="print only the claim numbers (the part two runs of the same commit "
                             "share) as canonical JSON, and write nothing")
    args = parser.parse_args(argv)
    try:
        results = load_results(args.results)
        if args.numbers:
            print(json.dumps(numbers_view(results), sort_keys=True, indent=1, ensure_ascii=False))
            return 0
        out = Path(args.out) if args.out else Path(args.results).resolve().parent
        log = write_report(results, out, carry=("partial", EXPERIMENTS))
    except (ValueError, OSError) as exc:  # bad input, or a folder that cannot be written
        print(f"python -m theory.report: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {log['target']}: REPORT.md, claims.tex, results.json, "
          f"{len(log['figures'])} figure(s) (PNG and SVG)")
    for key, reason in log["skipped"].items():
        print(f"  figure {key} not drawn: {reason}")
    for note in log["notes"]:
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
