"""The answer page renders from any run's results, with or without data."""

from __future__ import annotations

import pytest

from tests.report_fixtures import answer_results
from theory.report import answer

_ACC = {
    "distances": [2, 30],
    "seeds": 1,
    "rnn": {"mean": [1.0, 0.51], "ci_low": [0.98, 0.45], "ci_high": [1.0, 0.57]},
    "lstm": {"mean": [1.0, 1.0], "ci_low": [0.98, 0.98], "ci_high": [1.0, 1.0]},
    "subject_grad": {"rnn": [0.02, 1e-11], "lstm": [0.02, 2e-4]},
    "per_seed": {"rnn": {"accuracy": [[1.0], [0.51]]}, "lstm": {"accuracy": [[1.0], [1.0]]}},
}


def _results():
    claim = {"id": "Q7", "status": "verified", "examples": 1, "violations": 0,
             "worst_tightness": -0.4, "tests": [{"nodeid": "tests/test_agreement.py::t", "outcome": "passed"}]}
    return answer_results([claim], {"agreement_accuracy": _ACC,
                                    "agreement_details": {"confidence": 0.99, "version": "fast"}})


def test_empty_results_say_not_measured():
    page = answer.render(answer_results())
    assert answer.NOT_MEASURED in page
    for point in ("## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## 6.", "## 7.", "## The experiment"):
        assert point in page


@pytest.mark.parametrize("parsed", [True, False], ids=["Results", "document"])
def test_numbers_come_from_the_results(parsed):
    results = _results()
    page = answer.render(results if parsed else dict(results.document))
    assert "| 30 | 0 of 1 seed | 0.51 | 1 of 1 seed | 1.00 |" in page  # D = 30, from the payload
    assert "**Q7** — verified" in page
    assert "the vanilla RNN learned the agreement (accuracy ≥ 0.9) in every seed at D = 2 and in no seed at D = 30" in page
    assert "figures/agreement_accuracy.png" in page


def test_bad_input_raises():
    with pytest.raises(ValueError, match="results must be a Results"):
        answer.render([])
    with pytest.raises(ValueError, match=r"does not match schema .*\$\.claims: 'claims' is not of type 'array'"):
        answer.render({**_results().document, "claims": "claims"})
