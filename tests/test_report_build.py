"""The results document, built in-process and compared with one written out by hand.

`build_results` turns what a run collected, how each test ended and what the tests observed
into the claim statuses and numbers that reports and citations quote. The end-to-end plugin
tests (tests/test_report_plugin.py) run it inside a separate pytest process; here it runs
in this process on the synthetic run of `tests.report_fixtures`, and the expected document
below was worked out from the rules in its docstring, not printed from the code:

* A1 is linked to ``test_a1[1]`` and ``test_a1[2]`` (registry, parametrized) and to
  ``test_extra`` (marker only): 3 passed, 10 + 5 + 1 = 16 examples, 0 violations; the
  tightest case is −0.03 from ``test_a1[1]``; its tests took 1.25 + 0.75 + 0.1 = 2.1 s.
* B1's one test failed: status "failed", with the failure text, counterexample and blob.
* C1's one test was deselected: "not run". D1 has no test: "not verified". E1's listed test
  was collected without its marker (a warning) and skipped: "not verified".
"""

from __future__ import annotations

import copy
import math

import pytest

from tests.report_fixtures import (BLOB, COLLECTION, DATA_PAIRS, EVIDENCE_PAIRS, OUTCOMES, PROVENANCE,
                                   REGISTRY, synthetic_results)
from theory.report.claims import Claim
from theory.report.build import STATUSES, build_results, claim_status
from theory.report.merge import merge_data, merge_evidence
from theory.report.schema import errors

A = "tests/test_a.py"


def _test(nodeid, outcome, failure=None, counterexample=None, blob=None):
    return {"nodeid": nodeid, "outcome": outcome, "failure": failure, "counterexample": counterexample,
            "reproduce_failure": blob}


def _claim(cid, statement, registry_tests, status, reason, tests, *, hypotheses="none", references=(),
           theory=(), examples=0, violations=0, worst=None, case=None, source=None, figures=(),
           evidence="no case recorded"):
    return {"id": cid, "statement": statement, "hypotheses": hypotheses, "area": "foundation",
            "references": list(references), "theory": list(theory), "registry_tests": list(registry_tests),
            "status": status, "status_reason": reason, "tests": tests, "examples": examples,
            "violations": violations, "worst_tightness": worst, "worst_case": case, "worst_source": source,
            "figures": list(figures), "evidence": evidence}


EXPECTED_CLAIMS = [
    _claim("A1", "‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at |every| lag.", [f"{A}::test_a1"], "verified",
           "all 3 linked test(s) passed",
           [_test(f"{A}::test_a1[1]", "passed"), _test(f"{A}::test_a1[2]", "passed"),
            _test(f"{A}::test_extra", "passed")],
           hypotheses="vanilla RNN", references=["Ref 2013"], theory=["theory.log_upper_bound"],
           examples=16, violations=0, worst=-0.03, case={"n": 4, "T": 7}, source=f"{A}::test_a1[1]",
           figures=["lag_profile_example"],
           evidence="16 examples, 0 violations; tightest case: measured value at 0.97 of the bound"),
    _claim("B1", "Fails on purpose.", [f"{A}::test_b1"], "failed", "linked tests: 1 failed",
           [_test(f"{A}::test_b1", "failed", "[call] AssertionError: boom",
                  "Falsifying example: test_b1(\n    n=60,\n)", BLOB)],
           examples=3, violations=1, worst=0.7, case={"n": 60}, source=f"{A}::test_b1",
           evidence="3 examples, 1 violation; worst case 0.7 beyond the bound in log terms: a violation"),
    _claim("C1", "Deselected.", ["tests/test_c.py::test_c1"], "not run",
           "none of its linked tests ran: 1 deselected", [_test("tests/test_c.py::test_c1", "deselected")]),
    _claim("D1", "Has no test.", [], "not verified", "no test is linked to this claim (registry or marker)", []),
    _claim("E1", "Only skipped.", [f"{A}::test_e1"], "not verified", "not every linked test passed: 1 skipped",
           [_test(f"{A}::test_e1", "skipped")]),
]

EXPECTED_WARNINGS = [
    {"kind": "marker_missing", "claim": "E1", "nodeid": f"{A}::test_e1",
     "message": f"{A}::test_e1 is listed in the registry for E1 but has no @pytest.mark.claim('E1')"},
    {"kind": "unlisted_marker", "claim": "A1", "nodeid": f"{A}::test_extra",
     "message": f"{A}::test_extra carries @pytest.mark.claim('A1') but is not in the registry's tests for A1"},
]


def _diff(got, expected):
    """The top-level keys (and claim IDs) where two documents differ, for assertion messages."""
    keys = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
    out = []
    for k in keys:
        if k == "claims" and isinstance(got.get(k), list):
            for g, e in zip(got[k], expected[k]):
                out += [f"claims[{e['id']}].{f}: got {g.get(f)!r}, expected {e[f]!r}"
                        for f in e if g.get(f) != e[f]]
        else:
            out.append(f"{k}: got {got.get(k)!r}, expected {expected.get(k)!r}")
    return "\n".join(out)


def test_the_synthetic_full_run_gives_the_document_worked_out_by_hand():
    got = synthetic_results()
    expected = {
        "schema": "rnn-gradient-theory/results",
        "schema_version": "1.1",
        "provenance": PROVENANCE,
        "run": {"status": "failed", "scope": "full", "partial_reasons": [], "exit_status": 1,
                "tests_collected": 6, "tests_selected": 5, "tests_deselected": 1, "selected_not_run": [],
                "slow_deselected": 0,
                "test_outcomes": {"failed": 1, "passed": 3, "skipped": 1}},
        "summary": {"failed": 1, "verified": 1, "not verified": 2, "not run": 1, "claims": 5},
        "claims": EXPECTED_CLAIMS,
        "warnings": EXPECTED_WARNINGS,
        "data": {"lag_profile_example": {
            "lags": [0, 1, 2, 3], "measured": [0.0, -0.4, -0.9, "-Infinity"],
            "upper_a_priori": [0.0, -0.1, -0.2, -0.3], "upper_trajectory": [0.0, -0.3, -0.6, -0.9],
            "lower_trajectory": [0.0, -1.0, -2.0, -3.0], "case": "n=4, T=3"}},
        "data_sources": {"lag_profile_example": f"{A}::test_a1[1]"},
        "timings": {"session_s": 12.5,
                    "claims": {"A1": 2.1, "B1": 2.0, "C1": 0.0, "D1": 0.0, "E1": 0.01},
                    "tests": {f"{A}::test_a1[1]": 1.25, f"{A}::test_a1[2]": 0.75, f"{A}::test_b1": 2.0,
                              f"{A}::test_e1": 0.01, f"{A}::test_extra": 0.1}},
    }
    assert got == expected, "the built document differs from the hand-written one:\n" + _diff(got, expected)
    assert list(got) == list(expected), f"top-level key order {list(got)}"
    assert [c["id"] for c in got["claims"]] == list(REGISTRY), "claims are listed in the registry's order"
    assert not errors(got), f"schema errors: {errors(got)}"


def test_a_partial_run_reports_its_reasons_and_unrun_tests_without_missing_test_warnings():
    """In a partial run (-k a1) a claim whose tests were not collected is "not run", the
    registry test that does not exist is not warned about, and a selected test without an
    outcome (the run stopped early) is listed."""
    registry = {**REGISTRY, "F1": Claim(id="F1", statement="Missing.", hypotheses="none",
                                           tests=(f"{A}::test_gone",))}
    collection = copy.deepcopy(COLLECTION)
    collection["selected"].append(f"{A}::test_late")
    collection["collected"][f"{A}::test_late"] = []
    run = {"scope": "partial", "partial_reasons": ["-k 'a1'"], "exit_status": 2, "duration_s": 3.0}
    got = build_results(registry, collection, OUTCOMES, merge_evidence(EVIDENCE_PAIRS), {}, {}, PROVENANCE, run)
    f1 = next(c for c in got["claims"] if c["id"] == "F1")
    assert (f1["status"], f1["status_reason"], f1["tests"]) == (
        "not run", "none of its linked tests ran: 1 not collected", [_test(f"{A}::test_gone", "not collected")]), (
        f"F1 in a partial run: {f1}")
    assert got["run"]["scope"] == "partial" and got["run"]["partial_reasons"] == ["-k 'a1'"], got["run"]
    assert got["run"]["selected_not_run"] == [f"{A}::test_late"], got["run"]
    assert got["run"]["tests_collected"] == 7 and got["run"]["tests_selected"] == 6, got["run"]
    assert got["run"]["exit_status"] == 2, got["run"]
    assert [w["kind"] for w in got["warnings"]] == ["marker_missing", "unlisted_marker"], got["warnings"]
    assert all(c["figures"] == [] for c in got["claims"]), "no data was recorded, so no figures"

    full = build_results(registry, collection, OUTCOMES, merge_evidence(EVIDENCE_PAIRS), {}, {}, PROVENANCE,
                         {**run, "scope": "full"})
    f1 = next(c for c in full["claims"] if c["id"] == "F1")
    assert (f1["status"], f1["status_reason"]) == (
        "not verified", "the registry's tests for it do not exist: 1 not collected"), f"F1 in a full run: {f1}"
    missing = [w for w in full["warnings"] if w["kind"] == "listed_test_not_found"]
    assert missing == [{"kind": "listed_test_not_found", "claim": "F1", "nodeid": f"{A}::test_gone",
                        "message": f"the registry lists {A}::test_gone for F1 but no such test was collected"}], (
        f"warnings of the full run: {full['warnings']}")
    assert full["run"]["partial_reasons"] == ["-k 'a1'"], "the reasons given are kept as they are"


def test_unknown_claims_and_violations_behind_passing_tests_are_warned_about():
    evidence = merge_evidence(EVIDENCE_PAIRS + [
        (f"{A}::test_a1[2]", {"A1": {"examples": 4, "violations": 2, "worst_tightness": -1.0,
                                     "worst_case": {"n": 2}}}),
        (f"{A}::test_extra", {"Z9": {"examples": 1, "violations": 0, "worst_tightness": -1.0,
                                     "worst_case": {}}}),
    ])
    collection = copy.deepcopy(COLLECTION)
    collection["collected"][f"{A}::test_extra"] = ["A1", "Y8"]
    data, sources = merge_data(DATA_PAIRS)
    got = build_results(REGISTRY, collection, OUTCOMES, evidence, data, sources, PROVENANCE,
                        {"scope": "full", "exit_status": 1, "duration_s": 1.0})
    extra = [w for w in got["warnings"] if w["kind"] not in ("marker_missing", "unlisted_marker")]
    assert extra == [
        {"kind": "unknown_claim_evidence", "claim": "Z9", "nodeid": None,
         "message": "evidence was recorded for 'Z9', which is not in the registry"},
        {"kind": "unknown_claim_marker", "claim": "Y8", "nodeid": None,
         "message": "a test is marked with unknown claim 'Y8'"},
        {"kind": "violations_with_passing_tests", "claim": "A1", "nodeid": None,
         "message": "A1: 2 of 20 recorded examples are marked as violations, yet all its tests passed"},
    ], f"warnings: {got['warnings']}"
    assert [c["id"] for c in got["claims"]] == sorted(REGISTRY), "unknown claims get no entry"


@pytest.mark.parametrize(
    "outcomes_change, exit_status, expected",
    [
        ({}, 0, "failed"),  # B1's test failed
        ({f"{A}::test_b1": "passed"}, 0, "passed"),
        ({f"{A}::test_b1": "passed"}, 1, "failed"),  # pytest itself said the run failed
        ({f"{A}::test_b1": "passed", f"{A}::test_e1": "error"}, 0, "failed"),
        ({f"{A}::test_b1": "passed", "tests/test_z.py::test_unlinked": "failed"}, 0, "failed"),
        ({f"{A}::test_b1": "passed", "tests/test_z.py::test_unlinked": "error"}, 0, "failed"),
    ],
)
def test_the_run_fails_on_any_failed_claim_test_or_exit_status(outcomes_change, exit_status, expected):
    outcomes = copy.deepcopy(OUTCOMES)
    for nodeid, outcome in outcomes_change.items():
        outcomes.setdefault(nodeid, {"failure": None, "counterexample": None, "reproduce_failure": None,
                                     "duration_s": 0.0})["outcome"] = outcome
    evidence = merge_evidence([p for p in EVIDENCE_PAIRS if "B1" not in p[1]])
    got = build_results(REGISTRY, COLLECTION, outcomes, evidence, {}, {}, PROVENANCE,
                        {"scope": "full", "exit_status": exit_status, "duration_s": 0.0})
    assert got["run"]["status"] == expected, (
        f"outcomes {outcomes_change}, exit {exit_status}: run {got['run']}, summary {got['summary']}")


def test_a_figure_belongs_to_the_claims_of_the_test_that_recorded_it():
    """By marker (test_extra carries A1) or by the registry (test_e1 is E1's listed test,
    though its marker is missing); a figure from an unlinked test belongs to no claim."""
    pairs = [(f"{A}::test_extra", {"by_marker": [1]}), (f"{A}::test_e1", {"by_registry": [2]}),
             ("tests/test_z.py::test_other", {"orphan": [3]})]
    data, sources = merge_data(pairs)
    got = build_results(REGISTRY, COLLECTION, OUTCOMES, {}, data, sources, PROVENANCE,
                        {"scope": "full", "exit_status": 0, "duration_s": 0.0})
    figures = {c["id"]: c["figures"] for c in got["claims"]}
    assert figures == {"A1": ["by_marker"], "B1": [], "C1": [], "D1": [], "E1": ["by_registry"]}, figures


def test_missing_run_fields_default_to_a_partial_passing_run_of_no_time():
    got = build_results(REGISTRY, {}, {}, {}, {}, {}, {}, {})
    assert got["run"] == {"status": "passed", "scope": "partial", "partial_reasons": [], "exit_status": 0,
                          "tests_collected": 0, "tests_selected": 0, "tests_deselected": 0,
                          "selected_not_run": [], "slow_deselected": 0, "test_outcomes": {}}, got["run"]
    assert got["timings"] == {"session_s": 0.0, "claims": {c: 0.0 for c in sorted(REGISTRY)}, "tests": {}}, (
        got["timings"])
    assert {c["id"]: c["status"] for c in got["claims"]} == {c: "not run" for c in REGISTRY}, got["claims"]


def test_numbers_are_rounded_to_microseconds_and_counts_are_integers():
    outcomes = {f"{A}::test_a1[1]": {"outcome": "passed", "duration_s": 1.23456789}}
    evidence = {"A1": {"examples": 3.0, "violations": 0.0, "worst_tightness": -0.5, "worst_case": {}}}
    got = build_results(REGISTRY, COLLECTION, outcomes, evidence, {}, {}, {},
                        {"scope": "full", "exit_status": 0, "duration_s": 2.0000004})
    a1 = got["claims"][0]
    assert type(a1["examples"]) is int and type(a1["violations"]) is int, f"A1 counts: {a1}"
    assert got["timings"]["tests"] == {f"{A}::test_a1[1]": 1.234568}, got["timings"]
    assert got["timings"]["session_s"] == 2.0, got["timings"]
    assert got["timings"]["claims"]["A1"] == 1.234568, got["timings"]
    assert got["run"]["selected_not_run"] == sorted(set(COLLECTION["selected"]) - {f"{A}::test_a1[1]"}), got["run"]


@pytest.mark.parametrize(
    "states, partial, expected",
    [
        (["passed", "passed"], False, ("verified", "all 2 linked test(s) passed")),
        (["passed", "failed", "error", "failed"], False, ("failed", "linked tests: 1 error, 2 failed, 1 passed")),
        (["error"], True, ("failed", "linked tests: 1 error")),
        (["failed", "error"], False, ("failed", "linked tests: 1 error, 1 failed")),
        ([], False, ("not verified", "no test is linked to this claim (registry or marker)")),
        ([], True, ("not run", "no linked test was collected in this partial run")),
        (["not collected", "not collected"], False,
         ("not verified", "the registry's tests for it do not exist: 2 not collected")),
        (["not collected", "deselected"], False, ("not run", "none of its linked tests ran: 1 deselected, 1 not collected")),
        (["not run"], False, ("not run", "none of its linked tests ran: 1 not run")),
        (["passed", "not run"], False, ("not verified", "not every linked test passed: 1 not run, 1 passed")),
        (["xpassed"], False, ("not verified", "not every linked test passed: 1 xpassed")),
    ],
)
def test_claim_status_gives_the_status_and_its_reason(states, partial, expected):
    got = claim_status(states, partial=partial)
    assert got == expected, f"claim_status({states}, partial={partial}) = {got}, expected {expected}"


def test_statuses_are_listed_worst_first():
    assert STATUSES == ("failed", "verified", "not verified", "not run"), STATUSES


def test_evidence_with_nonfinite_tightness_stays_encoded():
    evidence = merge_evidence([(f"{A}::test_a1[1]", {"A1": {"examples": 1, "violations": 0,
                                                            "worst_tightness": -math.inf, "worst_case": {}}})])
    got = build_results(REGISTRY, COLLECTION, OUTCOMES, evidence, {}, {}, PROVENANCE,
                        {"scope": "full", "exit_status": 0})
    assert got["claims"][0]["worst_tightness"] == "-Infinity", got["claims"][0]


def test_a_selected_linked_test_without_an_outcome_is_not_run():
    """A run stopped early (-x, Ctrl-C) leaves selected tests without an outcome: they are
    "not run", not "deselected", and the claim is not verified."""
    collection = copy.deepcopy(COLLECTION)
    collection["collected"][f"{A}::test_late"] = ["A1"]
    collection["selected"].append(f"{A}::test_late")
    got = build_results(REGISTRY, collection, OUTCOMES, {}, {}, {}, PROVENANCE,
                        {"scope": "full", "exit_status": 2, "duration_s": 0.0})
    a1 = got["claims"][0]
    assert a1["tests"][3] == _test(f"{A}::test_late", "not run"), a1["tests"]  # sorted: test_extra, test_late
    assert (a1["status"], a1["status_reason"]) == ("not verified", "not every linked test passed: 1 not run, 3 passed"), a1


def test_warnings_are_sorted_by_kind_claim_and_node_id():
    """Warnings come out sorted whatever order they were found in: here two missing markers
    of one claim, collected in reverse order, and a claim whose node id sorts first."""
    registry = {**REGISTRY, "G1": Claim(id="G1", statement="s", hypotheses="h", tests=(f"{A}::test_g",)),
                "H1": Claim(id="H1", statement="s", hypotheses="h", tests=(f"{A}::test_0",))}
    collection = {"collected": {f"{A}::test_g[2]": [], f"{A}::test_g[1]": [], f"{A}::test_0": []},
                  "selected": [], "deselected": []}
    got = build_results(registry, collection, {}, {}, {}, {}, PROVENANCE, {"scope": "partial"})
    order = [(w["kind"], w["claim"], w["nodeid"]) for w in got["warnings"]]
    assert order == [("marker_missing", "G1", f"{A}::test_g[1]"), ("marker_missing", "G1", f"{A}::test_g[2]"),
                     ("marker_missing", "H1", f"{A}::test_0")], order


def test_an_outcome_without_a_duration_counts_as_no_time():
    outcomes = {f"{A}::test_a1[1]": {"outcome": "passed"}}
    got = build_results(REGISTRY, COLLECTION, outcomes, {}, {}, {}, PROVENANCE, {"scope": "full"})
    assert got["timings"]["tests"] == {f"{A}::test_a1[1]": 0.0}, got["timings"]
    assert got["timings"]["claims"]["A1"] == 0.0, got["timings"]
