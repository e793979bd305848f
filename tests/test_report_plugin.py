"""The pytest plugin end to end: small inner pytest runs on a fake test file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import theory
from theory.report import numbers_view
from theory.report.schema import errors

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
pytest_plugins = ["theory.report.plugin"]

def pytest_configure(config):
    config.addinivalue_line("markers", "claim(id): claim")
    config.addinivalue_line("markers", "slow: slow")
"""

INI = """
[pytest]
testpaths = tests
addopts = -m 'not slow' -p no:cacheprovider
"""

TESTS = '''
import pytest
from hypothesis import given, settings, strategies as st
from theory.report import evidence

@pytest.mark.claim("U1")
@settings(max_examples=15, derandomize=True, database=None)
@given(st.integers(1, 50))
def test_upper(n):
    evidence.observe("U1", -1.0 / n, {"n": n})
    evidence.record_data("critical_line", {"activation": "tanh", "sigma_b2": [0.0, 1.0],
                                           "critical_sigma_w2": [1.0, 2.0]})

@pytest.mark.claim("L1")
@settings(max_examples=30, derandomize=True, database=None, print_blob=True)
@given(st.integers(0, 100))
def test_lower_fails(n):
    evidence.observe("L1", n / 100 - 0.5, {"n": n})
    assert n < 60, f"n={n}"

@pytest.mark.slow
def test_interrupt():
    raise KeyboardInterrupt
'''


@pytest.fixture
def project(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    (tmp_path / "pytest.ini").write_text(textwrap.dedent(INI))
    (tmp_path / "tests" / "test_fake.py").write_text(textwrap.dedent(TESTS))
    return tmp_path


def _pytest(project, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HYPOTHESIS_PROFILE": ""}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


def _results(folder):
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


# Independent tests, one inner run each (1.5–3.5 s apiece), so that xdist can spread them over
# its workers instead of one worker running the inner runs in a row. That `-m ""` makes a full
# run with nothing left out is run_scope's and build_results' to say (test_report_scope.py,
# test_report_build.py); it needs no inner run of its own.


def _existing_full_report(project):
    """A stand-in full report already in reports/: what a later run must leave alone."""
    reports = project / "reports"
    reports.mkdir()
    (reports / "results.json").write_text('{"stand-in": "an earlier full report"}\n', encoding="utf-8")
    (reports / "REPORT.md").write_text("# an earlier full report\n", encoding="utf-8")
    return {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file()}


def _unchanged(project, before):
    reports = project / "reports"
    return {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file()} == before


def test_plugin_writes_the_full_report(project):
    reports = project / "reports"
    done = _pytest(project, "-p", "no:xdist")
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    full = _results(reports)
    assert not errors(full), f"schema errors: {errors(full)}"
    by_id = {c["id"]: c for c in full["claims"]}
    assert full["run"]["scope"] == "full" and full["run"]["status"] == "failed", f"run: {full['run']}"
    assert by_id["L1"]["status"] == "failed", f"L1: {by_id['L1']['status']} ({by_id['L1']['status_reason']})"
    assert by_id["L1"]["tests"][0]["reproduce_failure"].startswith("@reproduce_failure("), (
        f"no blob: {by_id['L1']['tests'][0]}")
    assert by_id["U1"]["examples"] == 15 and by_id["U1"]["violations"] == 0, f"U1: {by_id['U1']}"
    assert by_id["U1"]["figures"] == ["critical_line"], f"U1 figures: {by_id['U1']['figures']}"
    assert (reports / "figures" / "critical_line.png").exists(), "the figure with data was not drawn"
    report_md = (reports / "REPORT.md").read_text(encoding="utf-8")
    assert "**RUN FAILED**" in report_md and (reports / "claims.tex").exists(), report_md[:800]
    assert "](figures/critical_line.png)" in report_md, "the claim's figure is not in REPORT.md"
    assert full["run"]["slow_deselected"] == 1, full["run"]
    assert "This run left out 1 slow test(s)" in report_md and '-m ""' in report_md, report_md[:1500]
    assert "theory report" in done.stdout, f"no terminal summary:\n{done.stdout[-2000:]}"
    assert full["provenance"]["version"] == theory.__version__, (
        f"results.json version {full['provenance']['version']}, package {theory.__version__}")


def test_partial_run_writes_to_partial_and_keeps_the_full_report(project):
    before = _existing_full_report(project)
    done = _pytest(project, "-p", "no:xdist", "-k", "lower")
    assert done.returncode == 1, f"exit {done.returncode}\n{done.stdout[-3000:]}"
    partial = _results(project / "reports" / "partial")
    assert partial["run"]["scope"] == "partial" and partial["run"]["partial_reasons"], f"run: {partial['run']}"
    statuses = {c["id"]: c["status"] for c in partial["claims"]}
    assert statuses["U1"] == "not run" and statuses["L1"] == "failed", f"statuses: {statuses}"
    assert _unchanged(project, before), "a partial run overwrote the full report"


def test_interrupted_run_writes_nothing(project):
    before = _existing_full_report(project)
    done = _pytest(project, "-p", "no:xdist", "-m", "slow", "--report-overwrite-partial")
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout[-2000:]}"
    assert _unchanged(project, before), "an interrupted run replaced the report"
    assert not (project / "reports" / "partial").exists(), "an interrupted run wrote a partial report"
    assert "report not written: the run was interrupted" in done.stdout, done.stdout[-2000:]
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".reports.")]
    assert not leftovers, f"temporary folders left: {leftovers}"


@pytest.mark.slow
def test_xdist_and_plain_runs_give_identical_numbers(project):
    """Two real runs, one with two xdist workers, one without: same claim numbers, and the
    same figure files, drawn by a worker in the one and at the end of the run in the other."""
    a = _pytest(project, "-p", "no:xdist", "--report-dir", "a")
    b = _pytest(project, "-n", "2", "--report-dir", "b")
    assert a.returncode == b.returncode == 1, f"exits {a.returncode}, {b.returncode}\n{b.stdout[-2000:]}"
    na, nb = numbers_view(_results(project / "a")), numbers_view(_results(project / "b"))
    diff = [k for k in na if na[k] != nb.get(k)]
    assert na == nb, f"claim numbers differ in {diff}"
    figures = {p.name: p.read_bytes() for p in (project / "a" / "figures").iterdir()}
    assert sorted(figures) == ["critical_line.png", "critical_line.svg"], sorted(figures)
    assert figures == {p.name: p.read_bytes() for p in (project / "b" / "figures").iterdir()}
