"""Synthetic inputs for the report tests: a small registry, collection, outcomes, evidence."""

from __future__ import annotations

import difflib
import math
import os
from pathlib import Path

from theory.report.claims import Claim
from theory.report.document import load_results, parse_results
from theory.report.jsonsafe import encode
from theory.report.phrases import upper_bound
from theory.report.build import build_results
from theory.report.merge import merge_data, merge_evidence

REGISTRY = {
    "A1": Claim(id="A1", statement="‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at |every| lag.",
                evidence=upper_bound(), hypotheses="vanilla RNN", references=("Ref 2013",),
                theory=("theory.log_upper_bound",), tests=("tests/test_a.py::test_a1",)),
    "B1": Claim(id="B1", statement="Fails on purpose.", evidence=upper_bound(), hypotheses="none",
                tests=("tests/test_a.py::test_b1",)),
    "C1": Claim(id="C1", statement="Deselected.", hypotheses="none", tests=("tests/test_c.py::test_c1",)),
    "D1": Claim(id="D1", statement="Has no test.", hypotheses="none"),
    "E1": Claim(id="E1", statement="Only skipped.", hypotheses="none", tests=("tests/test_a.py::test_e1",)),
}

COLLECTION = {
    "collected": {
        "tests/test_a.py::test_a1[1]": ["A1"],
        "tests/test_a.py::test_a1[2]": ["A1"],
        "tests/test_a.py::test_b1": ["B1"],
        "tests/test_a.py::test_e1": [],  # listed in the registry, marker missing
        "tests/test_a.py::test_extra": ["A1"],  # marker, not in the registry
        "tests/test_c.py::test_c1": ["C1"],
    },
    "selected": ["tests/test_a.py::test_a1[1]", "tests/test_a.py::test_a1[2]",
                 "tests/test_a.py::test_b1", "tests/test_a.py::test_e1",
                 "tests/test_a.py::test_extra"],
    "deselected": ["tests/test_c.py::test_c1"],
}

BLOB = "@reproduce_failure('6.155.2', b'AEE8')"


def _rec(outcome, duration=0.5, failure=None, counterexample=None, blob=None):
    return {"outcome": outcome, "failure": failure, "counterexample": counterexample,
            "reproduce_failure": blob, "duration_s": duration}


OUTCOMES = {
    "tests/test_a.py::test_a1[1]": _rec("passed", 1.25),
    "tests/test_a.py::test_a1[2]": _rec("passed", 0.75),
    "tests/test_a.py::test_b1": _rec("failed", 2.0, "[call] AssertionError: boom",
                                     "Falsifying example: test_b1(\n    n=60,\n)", BLOB),
    "tests/test_a.py::test_e1": _rec("skipped", 0.01),
    "tests/test_a.py::test_extra": _rec("passed", 0.1),
}

EVIDENCE_PAIRS = [
    ("tests/test_a.py::test_a1[1]", {"A1": {"examples": 10, "violations": 0, "worst_tightness": -0.03,
                                            "worst_case": {"n": 4, "T": 7}}}),
    ("tests/test_a.py::test_a1[2]", {"A1": {"examples": 5, "violations": 0, "worst_tightness": -0.5,
                                            "worst_case": {"n": 8, "T": 3}}}),
    ("tests/test_a.py::test_b1", {"B1": {"examples": 3, "violations": 1, "worst_tightness": 0.7,
                                         "worst_case": {"n": 60}}}),
    ("tests/test_a.py::test_extra", {"A1": {"examples": 1, "violations": 0, "worst_tightness": -math.inf,
                                            "worst_case": {"zero": True}}}),
]

DATA_PAIRS = [
    ("tests/test_a.py::test_a1[1]", {"lag_profile_example": {
        "lags": [0, 1, 2, 3], "measured": [0.0, -0.4, -0.9, -math.inf],
        "upper_a_priori": [0.0, -0.1, -0.2, -0.3], "upper_trajectory": [0.0, -0.3, -0.6, -0.9],
        "lower_trajectory": [0.0, -1.0, -2.0, -3.0], "case": "n=4, T=3"}}),
]

PROVENANCE = {
    "package": "rnn-gradient-theory", "version": "0.1.0",
    "git": {"commit": "abc1234def", "short": "abc1234", "dirty": False},
    "versions": {"rnn-gradient-theory": "0.1.0", "numpy": "2.0"},
    "python": "3.11.7", "python_implementation": "CPython", "platform": "Linux", "machine": "x86_64",
    "cpu_count": 2, "torch_threads": 1, "xdist_workers": 2,
    "hypothesis": {"profile": "ci", "derandomize": True, "max_examples": 30, "print_blob": True,
                   "database": None, "seed": None},
    "pytest_args": ["-n", "auto"], "date": "2026-01-01T00:00:00Z",
    "reproduce": ["git checkout abc1234def", "HYPOTHESIS_PROFILE=ci python -m pytest -n auto"],
}


def synthetic_results(*, scope="full", exit_status=1, evidence_pairs=None, data_pairs=None,
                      outcomes=None, provenance=None, duration=12.5):
    """A results document built by build_results from the synthetic inputs above."""
    data, sources = merge_data(DATA_PAIRS if data_pairs is None else data_pairs)
    return build_results(
        REGISTRY, COLLECTION, OUTCOMES if outcomes is None else outcomes,
        merge_evidence(EVIDENCE_PAIRS if evidence_pairs is None else evidence_pairs),
        data, sources, PROVENANCE if provenance is None else provenance,
        {"scope": scope, "partial_reasons": [] if scope == "full" else ["-k 'a1'"],
         "exit_status": exit_status, "duration_s": duration},
    )


# --- results for the answer page ------------------------------------------------------------

#: The pinned default run with no claims and no data (tests/test_answer_page.py pins it).
ANSWER_EMPTY = Path(__file__).resolve().parent / "data" / "answer_results_empty.json"
#: Values for the claim-entry fields a test leaves out (schema-valid placeholders, not a run's entry).
CLAIM_ENTRY = {"statement": "", "hypotheses": "", "area": "", "references": [], "theory": [],
               "registry_tests": [], "status": "verified", "status_reason": "", "tests": [],
               "examples": 0, "violations": 0, "worst_tightness": None, "worst_case": None,
               "worst_source": None, "figures": [], "evidence": ""}
LINKED_TEST = {"outcome": "passed", "failure": None, "counterexample": None, "reproduce_failure": None}


def answer_results(claims=(), data=None, **fields):
    """A parsed :class:`~theory.report.document.Results` for the answer page: the pinned empty
    run with these claims (entries completed from :data:`CLAIM_ENTRY`, their tests from
    :data:`LINKED_TEST`), these data payloads (non-finite numbers written as results.json
    writes them) and the keys of any other top-level object replaced (``run={"status":
    "failed"}`` changes the run's status and keeps the rest)."""
    document = dict(load_results(ANSWER_EMPTY).document)
    entries = [{**CLAIM_ENTRY, **c, "tests": [{**LINKED_TEST, **t} for t in c.get("tests", [])]} for c in claims]
    document.update({key: {**document[key], **value} for key, value in fields.items()})
    document.update(claims=entries, data=encode(data or {}))
    return parse_results(document)


# --- golden files -------------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name, text):
    """``text`` equals the golden file ``tests/golden/<name>``.

    With ``UPDATE_GOLDEN=1`` in the environment the file is (re)written instead, so that
    ``UPDATE_GOLDEN=1 pytest tests/test_report_golden.py`` regenerates every expected page;
    review the change with ``git diff tests/golden`` before committing it.
    """
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.is_file():
        raise AssertionError(f"no golden file {path}: create it with UPDATE_GOLDEN=1 and review it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"golden/{name}", "rendered now", n=1))
        raise AssertionError(f"{name} differs from its golden file (UPDATE_GOLDEN=1 regenerates it "
                             f"after review):\n{diff[:4000]}")
