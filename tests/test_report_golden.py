"""REPORT.md, claims.tex, the slide table and the evidence phrases against golden files.

These are the texts lecturers read and cite: the banner must say whether the run failed or
was partial, every claim must show its evidence phrase, and each verified claim's "Cite as"
sentence quotes that phrase. The golden files in tests/golden/ were read and checked by hand
against the synthetic runs of `tests.report_fixtures` (B1 failed, with its counterexample and
blob; A1's tightest case is e^−0.03 = 0.97 of the bound; C1 was deselected; D1 has no test) and
against a recorded default run (tests/data/report_observed.json). Regenerate them with
``UPDATE_GOLDEN=1 pytest tests/test_report_golden.py`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report_fixtures import assert_golden, synthetic_results
from theory.report.claims import CLAIMS
from theory.report.document import parse_results
from theory.report.latex import render_latex, render_slide_table
from theory.report.markdown import render_markdown
from theory.report.phrases import Observed

FIGURES = {"lag_profile_example": {"name": "lag_profile_example", "title": "Lag profile", "png": "lag.png",
                                   "svg": "lag.svg"},
           "loose": {"name": "loose", "title": "Loose one", "png": "l.png", "svg": "l.svg"}}

RUNS = {
    "failed_full": lambda: synthetic_results(),
    "partial": lambda: synthetic_results(scope="partial", exit_status=0, outcomes={}),
    "passed_dirty_random": lambda: _passed_dirty_random(),
}


def _passed_dirty_random():
    """A passing run of a dirty checkout under a random Hypothesis profile that stopped early."""
    from tests.report_fixtures import OUTCOMES, PROVENANCE

    outcomes = {k: {**v, "outcome": "passed", "failure": None, "counterexample": None,
                    "reproduce_failure": None} for k, v in OUTCOMES.items() if "test_e1" not in k}
    provenance = {**PROVENANCE, "git": {"commit": None, "short": None, "dirty": True},
                  "hypothesis": {**PROVENANCE["hypothesis"], "profile": "dev", "derandomize": False}}
    return synthetic_results(exit_status=0, outcomes=outcomes, provenance=provenance)


@pytest.mark.parametrize("run", sorted(RUNS))
def test_report_md(run):
    results = parse_results(RUNS[run]())
    notes = ["ANSWER.md: a note"] if run == "failed_full" else ()
    skipped = {"mean_field_rates": "no data recorded in this run"} if run == "failed_full" else {}
    assert_golden(f"report_{run}.md", render_markdown(results, FIGURES, skipped, notes))


@pytest.mark.parametrize("run", sorted(RUNS))
def test_claims_tex(run):
    assert_golden(f"claims_{run}.tex", render_latex(parse_results(RUNS[run]())))


def test_slide_table():
    assert_golden("slide_failed_full.tex", render_slide_table(parse_results(synthetic_results()), ["B1", "A1"]))


def test_evidence_phrases_of_a_recorded_run():
    observed = json.loads((Path(__file__).parent / "data" / "report_observed.json").read_text(encoding="utf-8"))
    lines = []
    for claim_id, claim in CLAIMS.items():
        entry = observed["claims"].get(claim_id, {})
        phrase = claim.evidence.phrase(Observed(
            entry.get("examples", 0), entry.get("violations", 0), entry.get("worst_tightness"),
            entry.get("worst_case"), observed["data"]))
        lines.append(f"{claim_id}: {phrase}\n")
    assert_golden("evidence_phrases.txt", "".join(lines))
