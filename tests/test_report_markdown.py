"""REPORT.md, rendered in-process and compared with a page checked line by line.

REPORT.md is what a reader opens first: the banner must say whether the run failed or was
partial, the table must give each claim's numbers, and each verified claim's "Cite as"
sentence is quoted in course material. The expected page below was read and checked by hand
against the synthetic run of `tests.report_fixtures` (see tests/test_report_build.py for its
numbers): B1 failed and is listed first, with its counterexample and blob; A1's tightest case
is e^−0.03 = 0.97; D1 has no test; C1 was deselected.
"""

from __future__ import annotations

import copy

from tests.report_fixtures import PROVENANCE, synthetic_results
from theory.report.markdown import render_markdown

FIGURES = {"lag_profile_example": {"name": "lag_profile_example", "title": "Lag profile", "png": "lag.png",
                                   "svg": "lag.svg"},
           "loose": {"name": "loose", "title": "Loose one", "png": "l.png", "svg": "l.svg"}}

EXPECTED_PAGE = "\n".join([
    '# Verification report — rnn-gradient-theory 0.1.0',
    '',
    '> **RUN FAILED** — 1 claim(s) failed, 1 test(s) failed or errored (pytest exit status 1). Failed claims are listed first, with their counterexamples.',
    '',
    'Commit `abc1234`, 2026-01-01T00:00:00Z, Hypothesis profile `ci`, full run: 5 tests selected of 6 collected; outcomes: 1 failed, 3 passed, 1 skipped.',
    '',
    '## Summary',
    '',
    '| Claims | FAILED | VERIFIED | NOT VERIFIED | NOT RUN |',
    '|---|---|---|---|---|',
    '| 5 | 1 | 1 | 2 | 1 |',
    '',
    '| Claim | Status | Tests passed | Examples | Violations | Tightest (measured/bound) | Statement |',
    '|---|---|---|---|---|---|---|',
    '| [B1](#b1--failed) | **FAILED** | 0/1 | 3 | 1 | 2.01 | Fails on purpose. |',
    '| [A1](#a1--verified) | VERIFIED | 3/3 | 16 | 0 | 0.97 | ‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at \\|every\\| lag. |',
    '| [D1](#d1--not-verified) | NOT VERIFIED | 0/0 | 0 | 0 | — | Has no test. |',
    '| [E1](#e1--not-verified) | NOT VERIFIED | 0/1 | 0 | 0 | — | Only skipped. |',
    '| [C1](#c1--not-run) | NOT RUN | 0/1 | 0 | 0 | — | Deselected. |',
    '',
    'Tightness is log(measured) − log(bound) in the worst case observed; the table shows e^tightness, the measured value as a fraction of the bound (≤ 1 means the bound held).',
    '',
    '## How to reproduce',
    '',
    '```bash',
    'git checkout abc1234def',
    'HYPOTHESIS_PROFILE=ci python -m pytest -n auto',
    '```',
    '',
    'Then regenerate this report from the JSON without rerunning the tests:',
    '',
    '```bash',
    'python -m theory.report reports/results.json',
    '```',
    '',
    'With `HYPOTHESIS_PROFILE=ci` (derandomized) two runs of the same commit give identical claim numbers; only the provenance (date, machine), the timings and timing fields inside figure data differ (`python -m theory.report reports/results.json --numbers` prints the part to compare).',
    '',
    '## Claims',
    '',
    '### B1 — FAILED',
    '',
    '> Fails on purpose.',
    '',
    '- **Status:** FAILED — linked tests: 1 failed',
    '- **Hypotheses:** none',
    '- **Area:** foundation',
    '- **Hypothesis examples:** 3; **violations:** 1',
    '- **Tightest case:** measured/bound = 2.01 (log measured − log bound = 0.7), in `tests/test_a.py::test_b1`',
    '  - case: `{"n": 60}`',
    '- **Tests:**',
    '  - `tests/test_a.py::test_b1` — failed',
    '',
    '**Failure of `tests/test_a.py::test_b1`**',
    '',
    'Counterexample:',
    '',
    '```text',
    'Falsifying example: test_b1(',
    '    n=60,',
    ')',
    '```',
    '',
    'Reproduce it by adding this decorator to the test:',
    '',
    '```python',
    "@reproduce_failure('6.155.2', b'AEE8')",
    '```',
    '',
    '<details><summary>Failure output (trimmed)</summary>',
    '',
    '```text',
    '[call] AssertionError: boom',
    '```',
    '',
    '</details>',
    '',
    '### A1 — VERIFIED',
    '',
    '> ‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at |every| lag.',
    '',
    '- **Status:** VERIFIED — all 3 linked test(s) passed',
    '- **Hypotheses:** vanilla RNN',
    '- **Area:** foundation',
    '- **References:** Ref 2013',
    '- **Theory:** `theory.log_upper_bound`',
    '- **Hypothesis examples:** 16; **violations:** 0',
    '- **Tightest case:** measured/bound = 0.97 (log measured − log bound = -0.03), in `tests/test_a.py::test_a1[1]`',
    '  - case: `{"T": 7, "n": 4}`',
    '- **Tests:**',
    '  - `tests/test_a.py::test_a1[1]` — passed',
    '  - `tests/test_a.py::test_a1[2]` — passed',
    '  - `tests/test_a.py::test_extra` — passed',
    '',
    '![Lag profile](figures/lag.png) ([SVG](figures/lag.svg))',
    '',
    'Cite as:',
    '',
    '> Claim A1 — ‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at |every| lag — verified on 16 Hypothesis examples, 0 violations, tightest case 0.97 of the bound (rnn-gradient-theory 0.1.0, commit abc1234, Hypothesis profile ci).',
    '',
    '### D1 — NOT VERIFIED',
    '',
    '> Has no test.',
    '',
    '- **Status:** NOT VERIFIED — no test is linked to this claim (registry or marker)',
    '- **Hypotheses:** none',
    '- **Area:** foundation',
    '- **Hypothesis examples:** 0; **violations:** 0',
    '- **Tests:**',
    '  - (none linked)',
    '',
    '### E1 — NOT VERIFIED',
    '',
    '> Only skipped.',
    '',
    '- **Status:** NOT VERIFIED — not every linked test passed: 1 skipped',
    '- **Hypotheses:** none',
    '- **Area:** foundation',
    '- **Hypothesis examples:** 0; **violations:** 0',
    '- **Tests:**',
    '  - `tests/test_a.py::test_e1` — skipped',
    '',
    '### C1 — NOT RUN',
    '',
    '> Deselected.',
    '',
    '- **Status:** NOT RUN — none of its linked tests ran: 1 deselected',
    '- **Hypotheses:** none',
    '- **Area:** foundation',
    '- **Hypothesis examples:** 0; **violations:** 0',
    '- **Tests:**',
    '  - `tests/test_c.py::test_c1` — deselected',
    '',
    '## Other figures',
    '',
    '![Loose one](figures/l.png) ([SVG](figures/l.svg))',
    '',
    '## Warnings',
    '',
    "- **marker_missing**: tests/test_a.py::test_e1 is listed in the registry for E1 but has no @pytest.mark.claim('E1')",
    "- **unlisted_marker**: tests/test_a.py::test_extra carries @pytest.mark.claim('A1') but is not in the registry's tests for A1",
    '',
    '## Notes',
    '',
    '- Figure for `bad` not drawn: no lags',
    '- ANSWER.md not written: x',
    '',
    '## Provenance',
    '',
    '| | |',
    '|---|---|',
    '| Package | rnn-gradient-theory 0.1.0 |',
    '| Commit | abc1234def |',
    '| Date (UTC) | 2026-01-01T00:00:00Z |',
    '| Hypothesis | profile `ci`, derandomize=True, max_examples=30, print_blob=True, seed — (none given) |',
    '| Python | CPython 3.11.7 |',
    '| Libraries | rnn-gradient-theory 0.1.0, numpy 2.0 |',
    '| Platform | Linux (x86_64), 2 CPUs, torch threads 1, xdist workers 2 |',
    '| pytest arguments | `-n auto` |',
    '',
])


def _lines(results, **kw):
    return render_markdown(results, **kw).split("\n")


def test_the_page_of_the_synthetic_run():
    got = render_markdown(synthetic_results(), figures=FIGURES, skipped={"bad": "no lags"},
                          notes=["ANSWER.md not written: x"])
    assert got == EXPECTED_PAGE, "REPORT.md differs:\n" + "\n".join(
        f"line {i}: got {g!r}\n        expected {e!r}"
        for i, (g, e) in enumerate(zip(got.split("\n"), EXPECTED_PAGE.split("\n"))) if g != e)


def test_a_passing_run_says_how_many_claims_were_verified():
    r = synthetic_results(exit_status=0)
    r["run"]["status"] = "passed"
    r["summary"] = {"failed": 0, "verified": 4, "not verified": 1, "not run": 0, "claims": 5}
    got = _lines(r)
    assert got[2] == "> **RUN PASSED** — 4 of 5 claims verified, none failed.", got[2]


def test_a_failed_run_counts_errored_tests_when_none_failed():
    r = synthetic_results()
    r["run"]["test_outcomes"] = {"error": 2, "passed": 3}
    got = _lines(r)[2]
    assert got.startswith("> **RUN FAILED** — 1 claim(s) failed, 2 test(s) failed or errored "), got


def test_a_partial_run_says_why_and_not_to_cite_it():
    r = synthetic_results(scope="partial")
    got = _lines(r)
    assert got[2:5] == [EXPECTED_PAGE.split("\n")[2], ">",
                        "> **PARTIAL RUN** (-k 'a1'). Claims whose tests were not selected are marked NOT RUN; "
                        "do not cite this report as a full verification."], got[2:5]
    r["run"]["partial_reasons"] = ["-k 'a'", "path tests/x.py"]
    assert _lines(r)[4].startswith("> **PARTIAL RUN** (-k 'a'; path tests/x.py)."), _lines(r)[4]
    r["run"]["partial_reasons"] = []
    assert _lines(r)[4].startswith("> **PARTIAL RUN** (only some tests were selected)."), _lines(r)[4]


def test_a_random_profile_and_an_early_stop_are_flagged():
    prov = copy.deepcopy(PROVENANCE)
    prov["hypothesis"].update(profile="dev", derandomize=False, seed="12")
    r = synthetic_results(provenance=prov)
    r["run"]["selected_not_run"] = ["t::x", "t::y"]
    got = _lines(r)
    assert got[3:7] == [
        ">", "> Hypothesis profile `dev` is not derandomized: these numbers change from run to run. For numbers "
             "to cite, run with `HYPOTHESIS_PROFILE=ci`.",
        ">", "> 2 selected test(s) never ran (the session stopped early, e.g. -x or --maxfail)."], got[3:7]
    assert "| Hypothesis | profile `dev`, derandomize=False, max_examples=30, print_blob=True, seed 12 |" in got, (
        [line for line in got if line.startswith("| Hypothesis")])


def test_a_dirty_or_unknown_commit_and_missing_provenance_fields():
    prov = copy.deepcopy(PROVENANCE)
    prov["git"] = {"commit": "abc1234def", "short": "abc1234", "dirty": True}
    got = _lines(synthetic_results(provenance=prov))
    assert got[4].startswith("Commit `abc1234` (dirty), 2026-01-01T00:00:00Z"), got[4]
    assert "| Commit | abc1234def **(dirty: uncommitted changes)** |" in got, got[-12:]
    prov = {"package": "p", "version": "9", "date": "d", "reproduce": []}
    got = _lines(synthetic_results(provenance=prov))
    assert got[0] == "# Verification report — p 9", got[0]
    assert got[4].startswith("Commit `unknown`, d, Hypothesis profile `None`, full run"), got[4]
    expected = ["| | |", "|---|---|", "| Package | p 9 |", "| Commit | unknown (not a git checkout) |",
                "| Date (UTC) | d |", "| Hypothesis | profile `None`, seed — (none given) |",
                "| Python | None None |", "| Libraries |  |",
                "| Platform | None (None), None CPUs, torch threads None, xdist workers None |",
                "| pytest arguments | `` |", ""]
    assert got[-11:] == expected, got[-11:]


def test_no_outcomes_no_figures_no_warnings_no_notes():
    r = synthetic_results(outcomes={})
    r["warnings"] = []
    got = render_markdown(r)
    assert "outcomes: none." in got, got[:600]
    for section in ("## Other figures", "## Warnings", "## Notes", "![", "Cite as:"):
        assert section not in got, f"{section!r} appears in a page that has none"


def test_table_cells_escape_pipes_and_newlines():
    r = synthetic_results()
    r["claims"][3]["statement"] = "a | b\nc"
    got = _lines(r)
    assert "| [D1](#d1--not-verified) | NOT VERIFIED | 0/0 | 0 | 0 | — | a \\| b c |" in got, (
        [line for line in got if line.startswith("| [D1]")])


def test_a_claim_section_with_an_erroring_test_after_a_passing_one():
    """Errors count as failed tests in the banner and get a failure block like failures; a
    passing test listed first does not stop the blocks; references and theory functions
    are joined; a non-ASCII case is printed as is; a case without a tightness still shows."""
    r = synthetic_results()
    r["run"]["test_outcomes"] = {"error": 2, "failed": 1, "passed": 3}
    b1 = next(c for c in r["claims"] if c["id"] == "B1")
    b1["references"] = ["Ref A", "Ref B"]
    b1["theory"] = ["theory.f", "theory.g"]
    b1["worst_tightness"] = None
    b1["worst_case"] = {"activation": "σ"}
    b1["tests"] = [{"nodeid": "t::ok", "outcome": "passed", "failure": None, "counterexample": None,
                    "reproduce_failure": None},
                   {"nodeid": "t::err", "outcome": "error", "failure": "[setup] E   boom", "counterexample": None,
                    "reproduce_failure": None}]
    got = _lines(r)
    assert got[2].startswith("> **RUN FAILED** — 1 claim(s) failed, 3 test(s) failed or errored"), got[2]
    start = got.index("### B1 — FAILED")
    section = got[start:got.index("### A1 — VERIFIED")]
    assert section == [
        "### B1 — FAILED", "", "> Fails on purpose.", "",
        "- **Status:** FAILED — linked tests: 1 failed", "- **Hypotheses:** none", "- **Area:** foundation",
        "- **References:** Ref A; Ref B", "- **Theory:** `theory.f`, `theory.g`",
        "- **Hypothesis examples:** 3; **violations:** 1",
        "- **Tightest case:** measured/bound = — (log measured − log bound = —), in `tests/test_a.py::test_b1`",
        '  - case: `{"activation": "σ"}`',
        "- **Tests:**", "  - `t::ok` — passed", "  - `t::err` — error",
        "", "**Failure of `t::err`**",
        "", "<details><summary>Failure output (trimmed)</summary>", "", "```text", "[setup] E   boom", "```", "",
        "</details>", "",
    ], section


def test_an_unknown_status_is_listed_last_and_missing_reproduce_commands_leave_the_block_empty():
    r = synthetic_results()
    r["claims"][0]["status"] = "odd"  # A1
    prov = {k: v for k, v in PROVENANCE.items() if k != "reproduce"}
    r["provenance"] = prov
    got = _lines(r)
    table = [line.split(" | ")[0] for line in got if line.startswith("| [")]
    assert table == ["| [B1](#b1--failed)", "| [D1](#d1--not-verified)", "| [E1](#e1--not-verified)",
                     "| [C1](#c1--not-run)", "| [A1](#a1--odd)"], table
    start = got.index("## How to reproduce")
    assert got[start:start + 5] == ["## How to reproduce", "", "```bash", "```", ""], got[start:start + 5]


def test_a_figure_not_drawn_gets_a_notes_section_without_other_notes():
    got = _lines(synthetic_results(), skipped={"k": "no data"})
    start = got.index("## Notes")
    assert got[start:start + 4] == ["## Notes", "", "- Figure for `k` not drawn: no data", ""], got[start:start + 4]
