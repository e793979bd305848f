"""The answer page on partial and boundary data, one paragraph at a time.

The pinned pages (tests/test_answer_page.py) are the pages of whole runs. A run can also stop
early or leave a payload without some of its numbers: a field is missing, a value is 0 or
infinite, a threshold is met exactly. Here each such case is built by hand (on the pinned
empty run, tests.report_fixtures.answer_results) and the sentence it gives is checked, so
that a fallback that prints a wrong word or number (or a threshold moved by one) is caught.
"""

from __future__ import annotations

import math

import pytest

from tests.report_fixtures import answer_results
from theory.report import answer
from theory.report.answer import NOT_MEASURED


def _page(data=None, **fields):
    return answer.render(answer_results(data=data, **fields), figures={})


def _line(page, start):
    """The one line of `page` that starts with `start` (None if there is none)."""
    found = [line for line in page.splitlines() if line.startswith(start)]
    assert len(found) <= 1, f"{len(found)} lines start with {start!r}: {found}"
    return found[0] if found else None


@pytest.mark.parametrize("results", [[], "results.json", None, 3])
def test_render_names_the_type_it_was_given_instead_of_results(results):
    with pytest.raises(ValueError, match=f"results must be a Results .*got {type(results).__name__}$"):
        answer.render(results)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"git": {"commit": "abc1234def", "short": "abc1234", "dirty": False}},
         "Run: commit `abc1234`, status passed, scope full; the test run took 32 s."),
        ({"git": {"commit": "abc1234def", "short": "abc1234", "dirty": True}, "status": "failed",
          "scope": "partial", "session_s": 7.49},
         "Run: commit `abc1234`, with uncommitted changes, status failed, scope partial; the test run took 7 s."),
        ({"git": {"commit": None, "short": None, "dirty": None}},
         "Run: commit `unknown`, status passed, scope full; the test run took 32 s."),
    ],
)
def test_the_run_line_names_commit_status_scope_and_time(fields, expected):
    run = {"status": fields.get("status", "passed"), "scope": fields.get("scope", "full")}
    page = _page(provenance={"git": fields["git"]}, run=run, timings={"session_s": fields.get("session_s", 32.0)})
    got = _line(page, "Run:")
    assert got == expected, f"{fields}: run line {got!r}, expected {expected!r}"


def _trained(*rows):
    return {"input_sensitivity_trained": list(rows)}


@pytest.mark.parametrize(
    "rows, expected",
    [
        # margins 3 and 0.5 decades: the closest is 0.5
        ([{"subject_log10_grad": -5.0, "subject_log10_bound": -2.0},
          {"subject_log10_grad": -4.0, "subject_log10_bound": -3.5}],
         "On the trained agreement RNNs (2 sequences) the bound holds; the closest case sits 0.5 decades "
         "below it at the subject."),
        # a row missing either value, or holding inf or None, was not measured: it is left out
        # (not given a bound of 10^0, nor a gradient of 0)
        ([{"subject_log10_grad": -6.0}, {"subject_log10_bound": 1.0},
          {"subject_log10_grad": -math.inf, "subject_log10_bound": -1.0},
          {"subject_log10_grad": None, "subject_log10_bound": -1.0}, "not a row",
          {"subject_log10_grad": -5.0, "subject_log10_bound": -2.0},
          {"subject_log10_grad": -4.0, "subject_log10_bound": -1.5}],
         "On the trained agreement RNNs (2 sequences) the bound holds; the closest case sits 2.5 decades "
         "below it at the subject."),
        # exactly on the bound still holds
        ([{"subject_log10_grad": -2.0, "subject_log10_bound": -2.0}],
         "On the trained agreement RNNs (1 sequence) the bound holds; the closest case sits 0 decades "
         "below it at the subject."),
        # above it does not, and the page says so rather than "holds"
        ([{"subject_log10_grad": -1.0, "subject_log10_bound": -2.0},
          {"subject_log10_grad": -5.0, "subject_log10_bound": -2.0}],
         "On the trained agreement RNNs the bound is exceeded at the subject on 1 of 2 sequences, by up "
         "to 1 decades."),
        ([{"subject_log10_grad": -6.0}, {"subject_log10_bound": 1.0}], f"On trained weights: {NOT_MEASURED}."),
        ([], f"On trained weights: {NOT_MEASURED}."),
    ],
)
def test_the_trained_weights_sentence(rows, expected):
    page = _page(_trained(*rows))
    got = _line(page, "On t")
    assert got == expected, f"rows {rows}:\n got      {got!r}\n expected {expected!r}"


LR = {"distances": [20, 40], "config": {"learning_rate": 0.01},
      "rnn": {"mean": [0.5, 0.55]}, "lstm": {"mean": [1.0, 0.98]}}
LR_MEANS = ("Sensitivity to the recipe (same budget, learning rate 0.01): at D = 20, the RNN 0.5 (mean over "
            "seeds), the LSTM 1 (mean over seeds); at D = 40, the RNN 0.55 (mean over seeds), the LSTM 0.98 "
            "(mean over seeds).")
LEARNED_NOTE = " Some vanilla-RNN seeds did learn the agreement at this distance"


@pytest.mark.parametrize(
    "per_seed, head, learned",
    [([[0.5, 0.9], [0.6, 0.7]], "at D = 20, the RNN learned in 1 of 2 seeds (accuracies 0.50, 0.90)", True),
     ([[0.5, 0.89], [0.6, 0.7]], "at D = 20, the RNN learned in 0 of 2 seeds (accuracies 0.50, 0.89)", False),
     ([[math.nan, 0.5]], "at D = 20, the RNN learned in 0 of 1 seed (accuracies ?, 0.50)", False)],
)
def test_the_learning_rate_paragraph_notes_seeds_that_learned(per_seed, head, learned):
    """A seed at exactly 0.9 has learned; a seed that gave no number is not counted."""
    lr = {**LR, "per_seed": {"rnn": {"accuracy": per_seed}},
          "training": {"per_seed": {"rnn": [[[1e-12, 1e-9], [1e-15, 1e-10]]]}}}
    got = _line(_page({"agreement_lr_sensitivity": lr}), "Sensitivity to the recipe")
    assert head in got, f"per seed {per_seed}: {got!r}"
    assert (LEARNED_NOTE in got) == learned, f"per seed {per_seed}: {got!r}"
    gradient = ("In that run the RNN's gradient reaching the subject stayed between 10^-15 and 10^-9 in every "
                "seed at every recorded step")
    assert (gradient in got) == learned, f"per seed {per_seed}: {got!r}"


def test_the_learning_rate_paragraph_without_per_seed_numbers():
    got = _line(_page({"agreement_lr_sensitivity": LR}), "Sensitivity to the recipe")
    assert got == LR_MEANS, f"\n got      {got!r}\n expected {LR_MEANS!r}"


GRAD_DECAY = (" Measured: from D = 5 to D = 20 the subject's gradient at initialisation falls by 6 decades for "
              "the RNN and by 1 decades for the LSTM (geometric means over seeds).")


def _why(subject_grad):
    acc = {"distances": [5, 10, 20], "subject_grad": subject_grad}
    return _line(_page({"agreement_accuracy": acc}), "Why, in the theory's terms")


def test_the_subject_gradient_decay_is_stated_in_decades():
    got = _why({"rnn": [1e-2, 1e-4, 1e-8], "lstm": [1e-1, 1e-1, 1e-2]})
    assert got.endswith("far more slowly." + GRAD_DECAY), got


@pytest.mark.parametrize(
    "subject_grad",
    [
        {"rnn": [0.0, 1.0, 0.5], "lstm": [1e-1, 1e-1, 1e-2]},   # the RNN's first end is 0
        {"rnn": [1.0, 0.5, 0.0], "lstm": [1e-1, 1e-1, 1e-2]},   # its last end is 0
        {"rnn": [1e-2, 1e-4, 1e-8], "lstm": [0.0, 1.0, 0.5]},   # the LSTM's first end
        {"rnn": [1e-2, 1e-4, 1e-8], "lstm": [1.0, 0.5, 0.0]},   # the LSTM's last end
        {"rnn": [1e-2, 1e-4, math.inf], "lstm": [1e-1, 1e-1, 1e-2]},
        {"rnn": [None, 1e-4, 1e-8], "lstm": [1e-1, 1e-1, 1e-2]},
        {"rnn": [1e-2, 1e-4, 1e-8]},                            # no LSTM numbers
        {"lstm": [1e-1, 1e-1, 1e-2]},                           # no RNN numbers
    ],
)
def test_the_subject_gradient_decay_is_left_out_without_two_positive_ends(subject_grad):
    got = _why(subject_grad)
    assert got.endswith("far more slowly."), f"{subject_grad}: {got!r}"


@pytest.mark.parametrize(
    "accuracy, expected",
    [([[1.0, 0.95], [0.9, 0.5], [0.5, 0.5]], "D = 10 (1 of 2), D = 20 (0 of 2)"),  # 0.9 has learned
     ([[1.0, 0.95], [0.9, 0.91], [math.nan, 1.0]], None)],  # every seed with a number learned
)
def test_the_lstm_limits_sentence(accuracy, expected):
    acc = {"distances": [5, 10, 20], "per_seed": {"lstm": {"accuracy": accuracy}}}
    got = _line(_page({"agreement_accuracy": acc}), "The LSTM is not immune")
    if expected is None:
        assert got is None, f"accuracies {accuracy}: {got!r}"
    else:
        assert got.startswith("The LSTM is not immune either: at this fixed budget it learned in only some "
                              f"or none of the seeds at {expected}. "), f"accuracies {accuracy}: {got!r}"


def test_a_document_that_does_not_match_the_schema_is_refused():
    document = dict(answer_results().document)
    for change, problem in (({"claims": "claims"}, "$.claims: 'claims' is not of type 'array'"),
                            ({"data": 7}, "$.data: 7 is not of type 'object'")):
        with pytest.raises(ValueError, match="does not match schema") as refused:
            answer.render({**document, **change})
        assert problem in str(refused.value), f"{change}: {refused.value}"
