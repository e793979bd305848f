"""How the report prints numbers, and the sentence a course cites, checked character by character.

"Claim X — verified on 1,000 random RNNs, 0 violations, tightest case 0.97 of the bound
(version, commit)" is what lecture notes quote; a wrong digit, a lost "uncommitted changes"
or a ratio rounded to 1 would be quoted with it.
"""

from __future__ import annotations

import math

import pytest

from theory.report.numbers import cite_sentence, log_text, ratio_text, status_label

PROVENANCE = {"version": "0.1.0", "git": {"short": "abc1234", "dirty": False},
              "hypothesis": {"profile": "ci"}}


def _claim(**kw):
    c = {"id": "U1", "status": "verified", "statement": "The bound holds.", "examples": 1234,
         "violations": 0, "worst_tightness": math.log(0.97), "tests": ["t::a", "t::b"]}
    c.update(kw)
    return c


@pytest.mark.parametrize(
    "claim, provenance, expected",
    [
        (_claim(), PROVENANCE,
         "Claim U1 — The bound holds — verified on 1,234 Hypothesis examples, 0 violations, tightest case "
         "0.97 of the bound (rnn-gradient-theory 0.1.0, commit abc1234, Hypothesis profile ci)."),
        (_claim(examples=0), PROVENANCE,
         "Claim U1 — The bound holds — verified by 2 passing test(s) (rnn-gradient-theory 0.1.0, commit "
         "abc1234, Hypothesis profile ci)."),
        (_claim(violations=3, worst_tightness="-Infinity", statement="No dot"),
         {"version": "0.2", "git": {"short": "f00", "dirty": True}},
         "Claim U1 — No dot — verified on 1,234 Hypothesis examples, 3 violations, tightest case 0 of the "
         "bound (rnn-gradient-theory 0.2, commit f00, with uncommitted changes)."),
        (_claim(examples=1), {},
         "Claim U1 — The bound holds — verified on 1 Hypothesis examples, 0 violations, tightest case 0.97 of "
         "the bound (rnn-gradient-theory ?, commit unknown commit)."),
        (_claim(), {"version": "1", "git": None, "hypothesis": {"profile": None}},
         "Claim U1 — The bound holds — verified on 1,234 Hypothesis examples, 0 violations, tightest case "
         "0.97 of the bound (rnn-gradient-theory 1, commit unknown commit)."),
        (_claim(statement="Holds for matrix X."), {"version": "1", "git": {"short": "abc"}},
         "Claim U1 — Holds for matrix X — verified on 1,234 Hypothesis examples, 0 violations, tightest case "
         "0.97 of the bound (rnn-gradient-theory 1, commit abc)."),
        (_claim(), {"version": "1", "git": {"short": None, "dirty": True}},
         "Claim U1 — The bound holds — verified on 1,234 Hypothesis examples, 0 violations, tightest case "
         "0.97 of the bound (rnn-gradient-theory 1, commit unknown commit, with uncommitted changes)."),
    ],
)
def test_cite_sentence(claim, provenance, expected):
    got = cite_sentence(claim, provenance)
    assert got == expected, f"cite_sentence({claim}, {provenance}):\n got      {got!r}\n expected {expected!r}"


@pytest.mark.parametrize("status", ["failed", "not verified", "not run"])
def test_only_verified_claims_get_a_sentence(status):
    got = cite_sentence(_claim(status=status), PROVENANCE)
    assert got is None, f"a {status} claim got a citation sentence: {got!r}"


@pytest.mark.parametrize(
    "tightness, expected",
    [
        (None, "—"), ("-Infinity", "0"), (-math.inf, "0"), ("NaN", "NaN"), (math.nan, "NaN"),
        (0.0, "1"), (-0.0, "1"), (math.log(0.97), "0.97"), (math.log(0.5), "0.5"),
        # where e^t rounds to 1 at three digits (0.9995 ≤ e^t < 1.005), the gap, not a rounded 1
        (-2.2e-16, "1 − 2.2e-16"), (3e-6, "1 + 3e-06"), (-5e-4, "1 − 0.0005"), (5e-4, "1 + 0.0005"),
        (-5.1e-4, "0.999"), (1.1e-3, "1 + 0.0011"), (math.log(1.006), "1.01"),
        # three significant digits from 1e-3 up to 999.5, scientific outside
        (math.log(1e-3), "0.001"), (math.log(9.9e-4), "9.90e-04"), (math.log(2.5e-5), "2.50e-05"),
        (math.log(123.4), "123"), (math.log(999.4), "999"), (math.log(999.6), "1.00e+03"),
        (math.log(9999.0), "1.00e+04"),
        # beyond e^700, exp overflows soon: print the exponent
        (700.0, "1.01e+304"), (700.5, "e^700"), (1e5, "e^1e+05"), ("Infinity", "e^inf"),
    ],
)
def test_ratio_text(tightness, expected):
    got = ratio_text(tightness)
    assert got == expected, f"ratio_text({tightness!r}) = {got!r}, expected {expected!r}"


@pytest.mark.parametrize(
    "tightness, expected",
    [(None, "—"), ("-Infinity", "−∞"), (-math.inf, "−∞"), ("Infinity", "+∞"), (math.inf, "+∞"),
     ("NaN", "NaN"), (-0.030459207484708574, "-0.03046"), (12345.6, "1.235e+04"), (0.0, "0")],
)
def test_log_text(tightness, expected):
    got = log_text(tightness)
    assert got == expected, f"log_text({tightness!r}) = {got!r}, expected {expected!r}"


@pytest.mark.parametrize(
    "status, expected",
    [("verified", "VERIFIED"), ("failed", "FAILED"), ("not run", "NOT RUN"), ("not verified", "NOT VERIFIED"),
     ("odd", "ODD"), (None, "NONE")],
)
def test_status_label(status, expected):
    got = status_label(status)
    assert got == expected, f"status_label({status!r}) = {got!r}, expected {expected!r}"


def test_a_bad_tightness_string_is_refused():
    with pytest.raises(ValueError, match=r"tightness must be a number or one of \['-Infinity', 'Infinity', 'NaN'\], got 'inf'"):
        ratio_text("inf")
