"""One outcome per test, and the failure details a report shows for it.

A failed claim's report entry shows the end of the failure, Hypothesis's falsifying example
and the `@reproduce_failure` line to paste. These tests pin what is kept, what is trimmed and
which phase decides the outcome, with expected texts written out by hand.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from types import SimpleNamespace

import pytest

from theory.report.outcomes import (MAX_FAILURE_CHARS, MAX_FAILURE_LINES, NOT_RAN, OutcomeTally,
                                    base_nodeid, failure_details, final_outcome)
from theory.report import outcomes


def test_limits_and_outcome_names():
    assert (MAX_FAILURE_LINES, MAX_FAILURE_CHARS) == (60, 4000), (MAX_FAILURE_LINES, MAX_FAILURE_CHARS)
    assert NOT_RAN == ("deselected", "not run", "not collected"), NOT_RAN


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a\nb\n\n", "a\nb"),  # trailing blank lines dropped
        ("\n".join(f"l{i}" for i in range(60)), "\n".join(f"l{i}" for i in range(60))),  # 60 lines: kept
        ("\n".join(f"l{i}" for i in range(62)),
         "... (2 lines trimmed)\n" + "\n".join(f"l{i}" for i in range(2, 62))),
        ("x" * 4000, "x" * 4000),
        ("y" + "x" * 4000, "... (trimmed)\n" + "x" * 4000),
    ],
)
def test_trim_keeps_the_last_lines_and_characters(text, expected):
    got = outcomes._trim(text)
    assert got == expected, f"_trim of {len(text)} chars / {text.count(chr(10)) + 1} lines:\n{got[:200]!r}"


def test_trim_limits_are_arguments():
    got = outcomes._trim("a\nb\nc", max_lines=2, max_chars=100)
    assert got == "... (1 lines trimmed)\nb\nc", got
    got = outcomes._trim("abcdef", max_lines=5, max_chars=3)
    assert got == "... (trimmed)\ndef", got


@pytest.mark.parametrize("text", [None, "", "  \n\t\n"])
def test_no_failure_text_gives_no_details(text):
    got = failure_details(text)
    assert got == {"failure": None, "counterexample": None, "reproduce_failure": None}, f"{text!r} → {got}"


def test_the_last_falsifying_example_is_kept_and_E_prefixes_are_dropped():
    text = ("E   Falsifying example: first(\nE       n=1,\nE   )\n\n"
            "  Falsifying example: second(\nE        n=2,\nE   )\n"
            "You can reproduce this example by temporarily adding @reproduce_failure( '6.1' ,  b'AXB=' ) here\n")
    got = failure_details(text)
    assert got["counterexample"] == "Falsifying example: second(\n n=2,\n)", got["counterexample"]
    assert got["reproduce_failure"] == "@reproduce_failure( '6.1' ,  b'AXB=' )", got["reproduce_failure"]
    assert got["failure"] == text.rstrip(), got["failure"]


def test_newer_hypothesis_heading_is_a_counterexample_too():
    # Hypothesis 6.170 heads the case "Failing test case:" and ends with "You can reproduce this test case".
    text = ("E       AssertionError: W differs\nE       Failing test case: test_b(\nE           n=1,\nE       )\n"
            "E       \nE       You can reproduce this test case by temporarily adding @reproduce_failure('6.170.17', b'AX=')")
    got = failure_details(text)
    assert got["counterexample"] == "Failing test case: test_b(\n    n=1,\n)", got["counterexample"]
    assert got["reproduce_failure"] == "@reproduce_failure('6.170.17', b'AX=')", got["reproduce_failure"]


def test_a_counterexample_runs_to_the_end_of_the_text():
    got = failure_details("Falsifying example: f(\n    n=3,\n)")
    assert got["counterexample"] == "Falsifying example: f(\n    n=3,\n)", got
    assert got["reproduce_failure"] is None, got


def test_every_worker_header_is_dropped():
    text = "[gw0] linux -- Python 3.11\nfirst\n[gw12] darwin -- Python 3.12\nsecond\nnot [gw1] at start"
    got = failure_details(text)["failure"]
    assert got == "first\nsecond\nnot [gw1] at start", got


@pytest.mark.parametrize(
    "phases, wasxfail, expected",
    [
        ({"setup": "failed", "call": "failed"}, False, "error"),
        ({"setup": "passed", "call": "failed", "teardown": "failed"}, False, "failed"),
        ({"setup": "failed"}, True, "error"),
        ({"setup": "passed", "call": "failed"}, True, "failed"),
        ({"setup": "passed", "teardown": "passed"}, True, "xfailed"),
        ({"setup": "skipped"}, True, "xfailed"),
        ({"setup": "passed", "call": "passed", "teardown": "failed"}, True, "error"),
        ({"call": "skipped"}, False, "skipped"),
        ({"setup": "passed"}, False, "not run"),
        ({"setup": "passed", "teardown": "passed"}, False, "not run"),
        ({"call": "passed"}, False, "passed"),
    ],
)
def test_final_outcome_order_of_rules(phases, wasxfail, expected):
    got = final_outcome(phases, wasxfail)
    assert got == expected, f"phases {phases}, wasxfail={wasxfail} → {got!r}, expected {expected!r}"


def test_final_outcome_defaults_to_no_xfail():
    assert final_outcome({"setup": "passed", "call": "passed"}) == "passed"


@pytest.mark.parametrize(
    "nodeid, expected",
    [("t.py::test_f", "t.py::test_f"), ("t.py::test_f[1]", "t.py::test_f"), ("t.py::C::test_g[a-b]", "t.py::C::test_g"),
     ("t.py::test_f[x]y", "t.py::test_f[x]y"), (PurePosixPath("t.py"), "t.py")],
)
def test_base_nodeid(nodeid, expected):
    got = base_nodeid(nodeid)
    assert got == expected, f"base_nodeid({nodeid!r}) = {got!r}, expected {expected!r}"


def _report(nodeid, when, outcome, **kw):
    return SimpleNamespace(nodeid=nodeid, when=when, outcome=outcome, **kw)


def test_the_tally_survives_reports_without_duration_text_or_sections():
    tally = OutcomeTally()
    tally.add(_report("t::a", "setup", "failed", duration=None, sections=None))
    tally.add(_report("t::a", "teardown", "passed", duration=0.25))
    got = tally.records()["t::a"]
    assert got == {"outcome": "error", "failure": "[setup]", "counterexample": None, "reproduce_failure": None,
                   "duration_s": 0.25}, got


def test_the_tally_joins_the_texts_of_every_failed_phase_and_only_hypothesis_sections():
    tally = OutcomeTally()
    tally.add(_report("t::b", "call", "failed", duration=1.0, longreprtext="  E   boom  \n",
                      sections=[("Captured log", "noise"), ("blob", "@reproduce_failure('6.1', b'AA')"),
                                ("fx", "Falsifying example: g(\n  n=1,\n)")]))
    tally.add(_report("t::b", "teardown", "failed", duration=2.0, longreprtext="[gw3] linux -- py\nleak"))
    got = tally.records()["t::b"]
    # parts are separated by a blank line, so the counterexample stops at the end of its own
    expected_failure = ("[call] E   boom\n\n--- blob ---\n@reproduce_failure('6.1', b'AA')\n\n"
                        "--- fx ---\nFalsifying example: g(\n  n=1,\n)\n\n[teardown] leak")
    assert got == {"outcome": "failed", "failure": expected_failure,
                   "counterexample": "Falsifying example: g(\n  n=1,\n)",
                   "reproduce_failure": "@reproduce_failure('6.1', b'AA')", "duration_s": 3.0}, got


def test_the_tally_reports_an_xpass_and_keeps_no_text_of_a_passing_test():
    tally = OutcomeTally()
    tally.add(_report("t::c", "call", "passed", duration=0.5, wasxfail=""))
    tally.add(_report("t::d", "call", "passed", duration=0.5, longreprtext="ignored"))
    got = tally.records()
    assert got["t::c"]["outcome"] == "xpassed", got["t::c"]
    assert got["t::d"] == {"outcome": "passed", "failure": None, "counterexample": None,
                           "reproduce_failure": None, "duration_s": 0.5}, got["t::d"]
    assert OutcomeTally().records() == {}, "an empty tally has no records"


def test_an_indented_reproduce_line_ends_the_counterexample():
    got = failure_details("Falsifying example: f(\n    n=3,\n)\n    You can reproduce this example by ...")
    assert got["counterexample"] == "Falsifying example: f(\n    n=3,\n)", got
