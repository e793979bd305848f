"""``python -m theory.report RESULTS_JSON``: the report's command line.

Without options it re-renders the report folder (REPORT.md, claims.tex, ANSWER.md, figures)
from results.json alone. ``--claims V1,X1,Q7 --latex FILE`` writes those claims as a table
for one beamer frame (``--latex FILE`` alone: the full claims table); ``--answer OUT.md``
writes the answer page and its figures next to it; ``--slides DIR`` draws every figure
without its "Claim …" heading, at slide size; ``--numbers`` prints the claim numbers.

Exit status 0 on success, 2 on bad input (missing or invalid file, unknown claim, folder
that is not a report folder) or a file system error, with a one-line message instead of a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .build import numbers_view
from .document import load_results
from .latex import SLIDE_MAX_CLAIMS, render_latex, render_slide_table
from .render import draw_slides, render_answer, write_report

PROG = "python -m theory.report"


def _parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Regenerate the claim report (REPORT.md, claims.tex, ANSWER.md, figures) from a "
                    "results.json, or write one part of it.",
    )
    parser.add_argument("results", help="path to results.json (written by a pytest run)")
    parser.add_argument("--out", metavar="DIR",
                        help="report folder to write (default: the folder of RESULTS)")
    parser.add_argument("--numbers", action="store_true",
                        help="print only the claim numbers (the part two runs of the same commit "
                             "share) as canonical JSON, and write nothing")
    parser.add_argument("--claims", metavar="IDS",
                        help=f"comma-separated claim IDs (1 to {SLIDE_MAX_CLAIMS}) for --latex: a table "
                             f"that fits one beamer frame")
    parser.add_argument("--latex", metavar="FILE",
                        help="write a LaTeX table to FILE: the --claims for a slide, or every claim "
                             "that ran as a longtable")
    parser.add_argument("--answer", metavar="OUT.md",
                        help="write the answer page to OUT.md and its figures to figures/ beside it")
    parser.add_argument("--slides", metavar="DIR",
                        help="draw every figure (report and answer page) without its 'Claim ...' "
                             "heading, at slide size, as PNG and SVG into DIR")
    return parser


def _write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _parts(args, results):
    """Write what --latex, --answer and --slides ask for; return the lines to print."""
    said = []
    if args.latex:
        if args.claims:
            ids = [i.strip() for i in args.claims.split(",") if i.strip()]
            text = render_slide_table(results, ids)
        else:
            text = render_latex(results)
        said.append(f"wrote {_write(args.latex, text)}")
    if args.answer:
        out = Path(args.answer)
        out.parent.mkdir(parents=True, exist_ok=True)
        said.append(f"wrote {_write(out, render_answer(results, out.parent / 'figures'))} "
                    f"and its figures in {out.parent / 'figures'}")
    if args.slides:
        names, skipped = draw_slides(results, args.slides)
        said.append(f"wrote {len(names)} slide figure(s) (PNG and SVG) in {args.slides}")
        said += [f"  figure {key} not drawn: {reason}" for key, reason in skipped.items()]
    return said


def _folder(args, results):
    out = Path(args.out) if args.out else Path(args.results).resolve().parent
    log = write_report(results, out, carry=("partial",))
    said = [f"wrote {log['target']}: REPORT.md, claims.tex, ANSWER.md, results.json, "
            f"{len(log['figures'])} figure(s) (PNG and SVG)"]
    said += [f"  figure {key} not drawn: {reason}" for key, reason in log["skipped"].items()]
    return said + [f"  {note}" for note in log["notes"]]


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.claims and not args.latex:
        parser.error("--claims needs --latex FILE")
    try:
        results = load_results(args.results)
        if args.numbers:
            print(json.dumps(numbers_view(results.document), sort_keys=True, indent=1, ensure_ascii=False))
            return 0
        wanted = args.latex or args.answer or args.slides
        said = _parts(args, results) if wanted else _folder(args, results)
    except (ValueError, OSError) as exc:  # bad input, or a file that cannot be written
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(said))
    return 0


if __name__ == "__main__":
    sys.exit(main())
