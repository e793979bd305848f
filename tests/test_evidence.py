"""The numbers a citation quotes, computed in-process against hand-written expectations.

"Claim X: N examples, V violations, tightest case t" comes from `theory.report.evidence.observe`
(per process) and the outcome of each test from `theory.report.outcomes.OutcomeTally`. The
report plugin's end-to-end tests (tests/test_report_plugin.py) run them in a separate pytest
process; these tests call them directly, so that a wrong count fails here and mutation
testing can see it.

The evidence store is process-global, and this process's report is being collected while
these tests run: each test swaps in empty stores (monkeypatch), never calling `reset()` on
the real ones.
"""

import math
from types import SimpleNamespace

import pytest

from theory.report import evidence
from theory.report.outcomes import OutcomeTally


@pytest.fixture
def store(monkeypatch):
    """Empty evidence stores for one test; the suite's own stores are put back after it."""
    monkeypatch.setattr(evidence, "_STORE", {})
    monkeypatch.setattr(evidence, "_DATA", {})


def test_observe_counts_examples_violations_and_the_tightest_case(store):
    """Five examples of one claim: violations counted by the sign of tightness unless the
    test says otherwise; the tightest (largest) tightness and its case are kept."""
    evidence.observe("U1", -2.0, {"seed": 1})
    evidence.observe("U1", -0.5, {"seed": 2})
    evidence.observe("U1", 0.25, {"seed": 3})  # > 0: a violation by default
    evidence.observe("U1", 0.5, {"seed": 4}, violated=False)  # within the test's tolerance
    evidence.observe("U1", -3.0, {"seed": 5}, violated=True)  # the test's own verdict wins
    got = evidence.snapshot()["U1"]
    expected = {"examples": 5, "violations": 2, "worst_tightness": 0.5, "worst_case": {"seed": 4}}
    assert got == expected, f"observed {got}, expected {expected}"


def test_observe_keeps_claims_apart_and_a_tie_takes_the_later_case(store):
    """Claims are counted separately; at equal tightness the later case is kept, and exactly
    0 is not a violation (the bound holds with equality)."""
    evidence.observe("L1", 0.0, {"k": "first"})
    evidence.observe("L1", 0.0, {"k": "second"})
    evidence.observe("U2", -1.0, {"k": "other"})
    got = evidence.snapshot()
    assert got["L1"] == {"examples": 2, "violations": 0, "worst_tightness": 0.0,
                         "worst_case": {"k": "second"}}, got
    assert got["U2"] == {"examples": 1, "violations": 0, "worst_tightness": -1.0,
                         "worst_case": {"k": "other"}}, got


def test_a_minus_infinite_tightness_still_records_its_case(store):
    """An exactly vanishing gradient has log measured = −inf: it is an example, not a
    violation, and the case is kept while no tighter one exists."""
    evidence.observe("V1", -math.inf, {"seed": 9})
    assert evidence.snapshot()["V1"] == {"examples": 1, "violations": 0,
                                         "worst_tightness": -math.inf, "worst_case": {"seed": 9}}


def test_observe_copies_the_case_and_snapshot_copies_the_store(store):
    """The case is copied when observed, and a snapshot is not the live store."""
    case = {"seed": 1}
    evidence.observe("M1", -1.0, case)
    case["seed"] = 99
    first = evidence.snapshot()
    assert first["M1"]["worst_case"] == {"seed": 1}, first
    first["M1"]["examples"] = 1000
    assert evidence.snapshot()["M1"]["examples"] == 1, "snapshot() returned the live store"


def test_record_data_replaces_and_reset_forgets(store):
    """A later payload under the same key replaces the earlier one (keys are strings);
    data_snapshot() is a copy; reset() empties both stores."""
    evidence.record_data("curve", [1, 2])
    evidence.record_data("curve", [3])
    evidence.record_data(7, "seven")
    data = evidence.data_snapshot()
    assert data == {"curve": [3], "7": "seven"}, data
    data["curve"] = None
    assert evidence.data_snapshot()["curve"] == [3], "data_snapshot() returned the live store"
    evidence.observe("U1", -1.0, {})
    evidence.reset()
    assert evidence.snapshot() == {} and evidence.data_snapshot() == {}


def _report(nodeid, when, outcome, duration=0.5, text="", sections=(), wasxfail=None):
    report = SimpleNamespace(nodeid=nodeid, when=when, outcome=outcome, duration=duration,
                             longreprtext=text, sections=list(sections))
    if wasxfail is not None:
        report.wasxfail = wasxfail
    return report


def test_outcome_tally_one_record_per_test():
    """Phase reports of four tests, in pytest's order, become one record each, sorted by node
    id, with the summed durations and the failure details of failed tests only."""
    falsifying = "Falsifying example: test_b(\n    n=3,\n)\n\nYou can reproduce ..."
    blob = "@reproduce_failure('6.1', b'AAE=')"
    tally = OutcomeTally()
    for report in [
        _report("t.py::test_b", "setup", "passed", 0.25),
        _report("t.py::test_b", "call", "failed", 1.0, text="[gw1] linux -- Python\nE   assert 2 < 1",
                sections=[("Captured stdout call", "nothing"),
                          ("Hypothesis", falsifying + "\n" + blob)]),
        _report("t.py::test_b", "teardown", "passed", 0.25),
        _report("t.py::test_a", "setup", "passed", 0.125),
        _report("t.py::test_a", "call", "passed", 0.5),
        _report("t.py::test_a", "teardown", "passed", 0.125),
        _report("t.py::test_c", "setup", "skipped", 0.0),
        _report("t.py::test_d", "setup", "passed", None),
        _report("t.py::test_d", "call", "skipped", 0.0, wasxfail="known"),
    ]:
        tally.add(report)
    records = tally.records()
    assert list(records) == ["t.py::test_a", "t.py::test_b", "t.py::test_c", "t.py::test_d"]
    assert records["t.py::test_a"] == {"outcome": "passed", "failure": None,
                                       "counterexample": None, "reproduce_failure": None,
                                       "duration_s": 0.75}, records["t.py::test_a"]
    b = records["t.py::test_b"]
    assert b["outcome"] == "failed" and b["duration_s"] == 1.5, b
    assert b["failure"].startswith("[call] E   assert 2 < 1"), b["failure"]  # worker header dropped
    assert "--- Hypothesis ---" in b["failure"] and "Captured stdout" not in b["failure"], b
    assert b["counterexample"] == "Falsifying example: test_b(\n    n=3,\n)", b["counterexample"]
    assert b["reproduce_failure"] == blob, b["reproduce_failure"]
    assert records["t.py::test_c"]["outcome"] == "skipped", records["t.py::test_c"]
    assert records["t.py::test_d"]["outcome"] == "xfailed", records["t.py::test_d"]


def test_outcome_tally_failed_teardown_is_an_error_with_its_text():
    tally = OutcomeTally()
    tally.add(_report("t.py::test_e", "setup", "passed"))
    tally.add(_report("t.py::test_e", "call", "passed"))
    tally.add(_report("t.py::test_e", "teardown", "failed", text="E   RuntimeError: leak"))
    record = tally.records()["t.py::test_e"]
    assert record["outcome"] == "error", record
    assert record["failure"] == "[teardown] E   RuntimeError: leak", record["failure"]
