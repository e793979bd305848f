"""The answer page renders from any results document, with or without data."""

from __future__ import annotations

import json

import pytest

from theory.report import answer

_ACC = {
    "distances": [2, 30],
    "seeds": 1,
    "rnn": {"mean": [1.0, 0.51], "ci_low": [0.98, 0.45], "ci_high": [1.0, 0.57]},
    "lstm": {"mean": [1.0, 1.0], "ci_low": [0.98, 0.98], "ci_high": [1.0, 1.0]},
    "subject_grad": {"rnn": [0.02, 1e-11], "lstm": [0.02, 2e-4]},
    "per_seed": {"rnn": {"accuracy": [[1.0], [0.51]]}, "lstm": {"accuracy": [[1.0], [1.0]]}},
}


def _results(claims_as_list=True):
    claim = {"id": "Q7", "status": "verified", "examples": 1, "violations": 0,
             "worst_tightness": -0.4, "tests": [{"nodeid": "tests/test_agreement.py::t", "outcome": "passed"}]}
    claims = [claim] if claims_as_list else {"Q7": claim}
    return {"claims": claims, "data": {"agreement_accuracy": _ACC,
                                       "agreement_details": {"confidence": 0.99, "version": "fast"}}}


def test_empty_results_say_not_measured():
    page = answer.render({})
    assert answer.NOT_MEASURED in page
    for point in ("## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## 6.", "## 7.", "## The experiment"):
        assert point in page


@pytest.mark.parametrize("as_list", [True, False])
def test_numbers_come_from_the_results(as_list):
    page = answer.render(_results(as_list))
    assert "| 30 | 0 of 1 seed | 0.51 | 1 of 1 seed | 1.00 |" in page  # D = 30, from the payload
    assert "**Q7** — verified" in page
    assert "the vanilla RNN learned the agreement (accuracy ≥ 0.9) in every seed at D = 2 and in no seed at D = 30" in page
    assert "figures/agreement_accuracy.png" in page


def test_merge_prefers_passed_over_deselected_and_later_data():
    a = {"claims": [{"id": "Q7", "status": "not verified", "tests": [
        {"nodeid": "fast", "outcome": "passed"}, {"nodeid": "slow", "outcome": "deselected"}]}],
        "data": {"agreement_accuracy": {"distances": [2]}}}
    b = {"claims": [{"id": "Q7", "status": "not verified", "tests": [
        {"nodeid": "fast", "outcome": "deselected"}, {"nodeid": "slow", "outcome": "passed"}]}],
        "data": {"agreement_accuracy": _ACC}}
    m = answer.merge_results(a, b)
    assert m["claims"][0]["status"] == "verified"
    assert m["data"]["agreement_accuracy"] is _ACC
    c = {"claims": [{"id": "Q7", "tests": [{"nodeid": "slow", "outcome": "failed"}]}], "data": {}}
    assert answer.merge_results(a, b, c)["claims"][0]["status"] == "failed"


def test_command_line_writes_page_and_figures(tmp_path):
    src = tmp_path / "results.json"
    src.write_text(json.dumps(_results()), encoding="utf-8")
    out = tmp_path / "docs" / "page.md"
    assert answer.main([str(src), str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "figures/motivating_agreement_accuracy.png" in text
    assert (tmp_path / "docs" / "figures" / "motivating_agreement_accuracy.png").is_file()
    assert answer.main([str(tmp_path / "missing.json")]) == 2


def test_bad_input_raises():
    with pytest.raises(ValueError, match="results must be a dict"):
        answer.render([])


def test_merge_results_worked_out_by_hand():
    """Three runs: the best outcome of each test wins (failure first, then passed, xfailed,
    skipped, then not run/deselected; an unknown outcome or none ranks with not run, and a
    tie keeps the earlier run's record); a claim's evidence comes from the run with the
    most examples; its status is recomputed; later data wins; the first run's other keys stay."""
    a = {"provenance": {"run": "a"}, "data": {"k": 1, "j": 2}, "claims": [
        {"id": "Q1", "examples": 3, "worst_tightness": -1.0, "tests": [
            {"nodeid": "t1", "outcome": "passed"}, {"nodeid": "t2", "outcome": "deselected"}, "junk",
            {"nodeid": "t3"}, {"nodeid": "t4", "outcome": "passed", "run": "a"}, {"nodeid": "t5"}]},
        {"id": "Q2", "tests": [{"nodeid": "u1", "outcome": "error"}]},
    ]}
    b = {"data": {"k": 10}, "claims": [
        {"id": "Q1", "examples": 5, "worst_tightness": -0.5, "tests": [
            {"nodeid": "t2", "outcome": "passed"}, {"nodeid": "t1", "outcome": "skipped"},
            {"nodeid": "t3", "outcome": "weird"}, {"nodeid": "t4", "outcome": "passed", "run": "b"},
            {"nodeid": "t5", "outcome": "skipped"}]},
        {"id": "Q3", "tests": []},
        {"id": "Q2", "examples": 1, "tests": [{"nodeid": "u1", "outcome": "passed"}]},
    ]}
    c = {"claims": {"Q4": {"id": "Q4", "status": "verified", "tests": [{"nodeid": "v1", "outcome": "xfailed"}]}}}
    got = answer.merge_results(a, b, c)
    expected = {
        "provenance": {"run": "a"},
        "data": {"k": 10, "j": 2},
        "claims": [
            {"id": "Q1", "examples": 5, "worst_tightness": -0.5, "status": "not verified",
             "tests": [{"nodeid": "t1", "outcome": "passed"}, {"nodeid": "t2", "outcome": "passed"},
                       {"nodeid": "t3"}, {"nodeid": "t4", "outcome": "passed", "run": "a"},
                       {"nodeid": "t5", "outcome": "skipped"}],
             "status_reason": "merged over runs: t1: passed, t2: passed, t3: None, t4: passed, t5: skipped"},
            {"id": "Q2", "examples": 1, "status": "failed", "tests": [{"nodeid": "u1", "outcome": "error"}],
             "status_reason": "merged over runs: u1: error"},
            {"id": "Q3", "tests": []},
            {"id": "Q4", "status": "not verified", "tests": [{"nodeid": "v1", "outcome": "xfailed"}],
             "status_reason": "merged over runs: v1: xfailed"},
        ],
    }
    assert got == expected, f"merged:\n{json.dumps(got, indent=1)}"
    assert a["claims"][0]["examples"] == 3 and "status" not in a["claims"][0], "the inputs must not change"
