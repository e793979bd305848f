"""The answer page's small readers and formatters, against values written out by hand.

The pinned pages (tests/test_answer_page.py) show these at the values of real runs; here
each is driven to its edges: boundaries of the number formats, list indices, missing
fields, and the training paragraph's verdict at exactly 3 decades.
"""

from __future__ import annotations

import math

import pytest

from tests.report_fixtures import answer_results
from theory.report import answer
from theory.report.answer import NOT_MEASURED


@pytest.mark.parametrize(
    "x, digits, expected",
    [(None, 3, NOT_MEASURED), (math.inf, 3, "inf"), ("text", 3, "text"), (True, 3, "True"),
     (0, 3, "0"), (0.0, 3, "0"), (1, 3, "1"), (1e-3, 3, "0.001"), (9.99e-4, 3, "9.99e-04"),
     (-2e-4, 3, "-2.00e-04"), (99999.0, 3, "1e+05"), (1e5, 3, "1.00e+05"), (100000.5, 3, "1.00e+05"),
     (1234.5, 2, "1.2e+03"), (1e-5, 1, "1.0e-05"), (1e-5, 2, "1.0e-05")],
)
def test_fmt(x, digits, expected):
    got = answer._fmt(x, digits)
    assert got == expected, f"_fmt({x!r}, {digits}) = {got!r}, expected {expected!r}"


@pytest.mark.parametrize(
    "d, path, expected",
    [({"a": [5, 6]}, ("a", 1), 6), ([1, 2, 3], (-3,), 1), ([1, 2, 3], (-4,), None), ([1, 2, 3], (3,), None),
     ([1, 2, 3], (2,), 3), ("abc", (0,), None), ({"a": 1}, ("b",), None), ([1], ("0",), None), ({}, (), {})],
)
def test_get(d, path, expected):
    got = answer._get(d, *path)
    assert got == expected, f"_get({d!r}, {path}) = {got!r}, expected {expected!r}"


def test_status_line():
    claims = answer_results([
        {"id": "A", "status": "not verified", "tests": [{"nodeid": "t::a", "outcome": "error"}], "examples": 2},
        {"id": "B", "registry_tests": ["t::b"], "worst_tightness": -0.25},
        {"id": "C", "status": "failed", "tests": [{"nodeid": "t::c", "outcome": "failed"}], "examples": 3,
         "violations": 1, "worst_tightness": "-Infinity"},
        {"id": "D", "status": "not run", "examples": 1, "violations": 0}]).claims
    got = answer._status_line({c.id: c for c in claims}, ["A", "B", "C", "D", "Z"])
    expected = "\n".join([
        "- **A** — not verified; 2 examples, 0 violations. Test(s): `t::a` (error)",
        "- **B** — verified; worst tightness -0.25. Test(s): `t::b`",
        "- **C** — failed; 3 examples, 1 violation. Test(s): `t::c` (failed)",
        f"- **D** — not run; 1 example, 0 violations. Test(s): {NOT_MEASURED}",
        f"- **Z**: {NOT_MEASURED}",
    ])
    assert got == expected, f"_status_line:\n{got}\nexpected\n{expected}"


TRAINING = {"steps": [0, 25, 50], "distances": [2, 30], "seeds": 2,
            "rnn": [[1.0, 1.0, 1.0], [1e-11, 1e-10, 1e-12]], "lstm": [[1.0, 1.0, 1.0], [1e-4, 1e-2, 1e-9]]}


def test_training_paragraph_at_exactly_three_decades_says_it_does_not():
    """At D = 30: RNN between 10^−12 and 10^−10, LSTM between 10^−9 and 10^−2, gaps 7, 8 and
    exactly 3 decades (at step 50): 3 is not below Q11's margin."""
    got = answer._training_paragraph(TRAINING)
    expected = (
        "One could object that initialisation is not the whole story: training changes W, and might lift the "
        "gradient. It does not. The gradient reaching the subject was measured every 25 of 50 training steps "
        "(geometric mean over 2 seeds). At D = 30 the RNN's stays between 10^-12 and 10^-10 throughout, while "
        "the LSTM's stays between 10^-9 and 10^-2. The smallest gap between them, at step 50, is 3 decades. "
        "Gradient descent "
        "on the RNN receives, at every step, a signal about the subject at least that much weaker than the "
        "LSTM's, swamped inside the shared gradient by the short-lag terms (point 5): there is almost nothing "
        "for it to follow.\n")
    assert got == expected, f"paragraph:\n{got}"


def test_training_paragraph_below_three_decades_one_step_and_no_seeds():
    training = {"steps": [10], "distances": [30], "rnn": [[1e-5]], "lstm": [[1e-3]]}
    got = answer._training_paragraph(training)
    assert got.startswith(
        "One could object that initialisation is not the whole story: training changes W, and might lift the "
        "gradient. In this run the gap to the LSTM did narrow below 3 decades (Q11's margin). The gradient "
        "reaching the subject was measured every ? of 10 training steps (geometric mean over ? seeds). "
        "At D = 30 the RNN's stays between 10^-5 and 10^-5 throughout"), got


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"steps": []}, f"The gradient reaching the subject during training: {NOT_MEASURED}.\n"),
        ({"distances": None}, f"The gradient reaching the subject during training: {NOT_MEASURED}.\n"),
        ({"rnn": [[1.0] * 3, [1e-11, 0.0, 1e-12]]},
         f"The gradient reaching the subject during training at D = 30: {NOT_MEASURED}.\n"),
        ({"lstm": [[1.0] * 3, [1e-4, -1.0, 1e-9]]},
         f"The gradient reaching the subject during training at D = 30: {NOT_MEASURED}.\n"),
        ({"lstm": [[1.0] * 3, [1e-4, math.inf, 1e-9]]},
         f"The gradient reaching the subject during training at D = 30: {NOT_MEASURED}.\n"),
        ({"rnn": [[1.0] * 3, [1e-11, 1e-12]]},
         f"The gradient reaching the subject during training at D = 30: {NOT_MEASURED}.\n"),
    ],
)
def test_training_paragraph_without_usable_values_says_not_measured(change, expected):
    got = answer._training_paragraph({**TRAINING, **change})
    assert got == expected, f"{change}: {got!r}"


def test_agreement_table_without_per_seed_numbers_gives_the_mean():
    got = answer._agreement_table({"distances": [2], "rnn": {"mean": [0.5], "ci_low": [0.4], "ci_high": [0.6]}})
    assert got.splitlines()[2] == ("| 2 | " + " | ".join([NOT_MEASURED, "mean 0.5"] + [NOT_MEASURED] * 6) + " |"), got
    details = {"per_seed": {"rnn": {"accuracy": [[0.9, 0.8999, math.nan]]}}}
    got = answer._agreement_table({"distances": [2]}, details)
    assert got.splitlines()[2].startswith("| 2 | 1 of 2 seeds | 0.90, 0.90, ? | "), got


def test_training_paragraph_per_seed_compares_the_largest_rnn_with_the_smallest_lstm_seed():
    """With per-seed rows the gap at each step is the smallest LSTM seed against the largest RNN
    seed: at step 25 that is 10^-6 against 10^-9, 3 decades, although the geometric means differ
    by far more."""
    training = {**TRAINING, "per_seed": {
        "rnn": [[[1.0] * 3] * 2, [[1e-11, 1e-9, 1e-12], [1e-13, 1e-12, 1e-12]]],
        "lstm": [[[1.0] * 3] * 2, [[1e-4, 1e-6, 1e-5], [1e-2, 1e-2, 1e-2]]]}}
    got = answer._training_paragraph(training)
    assert ("in each of the 2 seeds. At D = 30 the largest RNN seed's stays between 10^-12 and 10^-9 "
            "throughout, while the smallest LSTM seed's stays between 10^-6 and 10^-4. The smallest gap "
            "between them, at step 25, is 3 decades.") in got, got


@pytest.mark.parametrize(
    "steps, expected",
    [([10, 35, 60], "measured every 25 of 60 training steps"),  # the interval, not the first step's offset
     ([0, 50], "measured every 50 of 50 training steps")],      # two steps are enough for an interval
)
def test_training_paragraph_states_the_recording_interval(steps, expected):
    training = {"steps": steps, "distances": [30], "rnn": [[1e-9] * len(steps)], "lstm": [[1e-3] * len(steps)]}
    got = answer._training_paragraph(training)
    assert expected in got, f"steps {steps}: expected {expected!r} in\n{got}"


def test_outcome_sentence_at_the_thresholds():
    """Accuracy exactly 0.9 counts as learned, just below does not; a missing or NaN accuracy
    is not counted; a model without per-seed numbers is not measured; an empty group is left out."""
    acc = {"distances": [5, 10, 20],
           "per_seed": {"rnn": {"accuracy": [[0.9, 1.0], [0.8999, 0.9], [math.nan, 0.5]]},
                        "lstm": {"accuracy": [None, [], [math.nan]]}}}
    got = answer._outcome_sentence(acc)
    expected = (
        "the vanilla RNN learned the agreement (accuracy ≥ 0.9) in every seed at D = 5, in some seeds at "
        f"D = 10 (1 of 2) and in no seed at D = 20; the LSTM: {NOT_MEASURED}.")
    assert got == expected, f"outcome sentence of {acc}:\n{got}"


def test_figure_without_a_path_is_empty():
    for figures in (None, {}, {"agreement": ""}, {"training": "t.png"}):
        got = answer._figure(figures, "agreement", "caption")
        assert got == "", f"_figure({figures!r}, 'agreement') = {got!r}, expected nothing"
    got = answer._figure({"agreement": "a.png"}, "agreement", "caption")
    assert got == "\n![caption](a.png)\n\n*Figure: caption*\n", got
