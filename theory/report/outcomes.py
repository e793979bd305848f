"""What a pytest session ran: one outcome per test, with failure details, and whether the run
was full or only part of the suite."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

__all__ = ["OutcomeTally", "final_outcome", "failure_details", "base_nodeid", "NOT_RAN",
           "default_markexpr", "run_scope"]

#: States of a linked test that did not run in this session.
NOT_RAN = ("deselected", "not run", "not collected")

_BLOB = re.compile(r"@reproduce_failure\(\s*'[^']*'\s*,\s*b'[^']*'\s*\)")
_PARAMS = re.compile(r"\[.*\]$")
# the "[gw3] linux -- Python 3.11 /path/python" header xdist puts in failures: it names the
# worker, which changes from run to run, so it is dropped to keep reports reproducible
#: How Hypothesis heads the failing case it prints: "Falsifying example" (up to at least
#: 6.155), "Failing test case" (6.170).
COUNTEREXAMPLE_HEADINGS = ("Falsifying example", "Failing test case")
_WORKER_HEADER = re.compile(r"^\[gw\d+\] .*\n?", re.MULTILINE)
MAX_FAILURE_CHARS = 4000
MAX_FAILURE_LINES = 60


def base_nodeid(nodeid):
    """The node id without its parametrisation: ``a.py::test_f[x-1]`` → ``a.py::test_f``."""
    return _PARAMS.sub("", str(nodeid))


def _trim(text, max_lines=MAX_FAILURE_LINES, max_chars=MAX_FAILURE_CHARS):
    lines = text.rstrip().splitlines()
    if len(lines) > max_lines:
        lines = [f"... ({len(lines) - max_lines} lines trimmed)"] + lines[-max_lines:]
    out = "\n".join(lines)
    if len(out) > max_chars:
        out = "... (trimmed)\n" + out[-max_chars:]
    return out


def failure_details(text):
    """Extract the counterexample and the Hypothesis reproduction blob from a failure text.

    Parameters
    ----------
    text : str
        The failure's long representation (and captured sections), as pytest prints it.

    Returns
    -------
    dict
        ``failure`` (the text trimmed to its last lines), ``counterexample`` (the
        "Falsifying example: ..." block Hypothesis prints, headed "Failing test case: ..." in
        its newer releases, or None) and
        ``reproduce_failure`` (the ``@reproduce_failure(...)`` decorator line, or None).
    """
    text = _WORKER_HEADER.sub("", str(text or ""))
    blob = _BLOB.search(text)
    lines = [re.sub(r"^E\s{0,7}", "", line) for line in text.splitlines()]
    counterexample = None
    for i, line in enumerate(lines):
        if line.lstrip().startswith(COUNTEREXAMPLE_HEADINGS):
            block = []
            for follow in lines[i:]:
                if not follow.strip() or follow.lstrip().startswith("You can reproduce"):
                    break
                block.append(follow)
            counterexample = "\n".join(block).strip()
    return {
        "failure": _trim(text) if text.strip() else None,
        "counterexample": counterexample,
        "reproduce_failure": blob.group(0) if blob else None,
    }


def final_outcome(phases, wasxfail=False):
    """One outcome from the outcomes of the setup, call and teardown phases.

    Parameters
    ----------
    phases : dict
        Phase name (``"setup"``, ``"call"``, ``"teardown"``) → ``"passed"``, ``"failed"``
        or ``"skipped"``.
    wasxfail : bool
        Whether the call was an expected failure.

    Returns
    -------
    str
        ``"error"`` (setup or teardown failed), ``"failed"``, ``"xfailed"``, ``"xpassed"``,
        ``"skipped"``, ``"passed"`` or ``"not run"`` (no phase reported).
    """
    if not phases:
        return "not run"
    call = phases.get("call")
    if phases.get("setup") == "failed":
        return "error"
    if call == "failed":
        return "failed"
    if phases.get("teardown") == "failed":
        return "error"
    if wasxfail:
        return "xfailed" if call in (None, "skipped") else "xpassed"
    if phases.get("setup") == "skipped" or call == "skipped":
        return "skipped"
    if call == "passed":
        return "passed"
    return "not run"


class OutcomeTally:
    """Collects ``pytest_runtest_logreport`` reports into one record per test."""

    def __init__(self):
        self._phases = {}
        self._duration = {}
        self._wasxfail = {}
        self._texts = {}

    def add(self, report):
        """Record one phase report (a ``TestReport``)."""
        nodeid = report.nodeid
        self._phases.setdefault(nodeid, {})[report.when] = report.outcome
        self._duration[nodeid] = self._duration.get(nodeid, 0.0) + float(report.duration or 0.0)
        if hasattr(report, "wasxfail"):
            self._wasxfail[nodeid] = True
        if report.outcome == "failed":
            text = _WORKER_HEADER.sub("", str(getattr(report, "longreprtext", "") or "")).strip()
            parts = [f"[{report.when}] " + text]
            for title, content in getattr(report, "sections", ()) or ():
                if "reproduce_failure" in content or any(h in content for h in COUNTEREXAMPLE_HEADINGS):
                    parts.append(f"--- {title} ---\n{content}")
            self._texts.setdefault(nodeid, []).extend(parts)

    def records(self):
        """Node id → ``{"outcome", "failure", "counterexample", "reproduce_failure",
        "duration_s"}``, sorted by node id."""
        out = {}
        for nodeid in sorted(self._phases):
            outcome = final_outcome(self._phases[nodeid], self._wasxfail.get(nodeid, False))
            # a blank line between parts ends a counterexample block at its own part
            text = "\n\n".join(self._texts.get(nodeid, ()))
            details = failure_details(text) if outcome in ("failed", "error") else {
                "failure": None, "counterexample": None, "reproduce_failure": None}
            out[nodeid] = {"outcome": outcome, **details, "duration_s": self._duration[nodeid]}
        return out


def default_markexpr(addopts):
    """The ``-m`` expression that ``addopts`` (a list of arguments) sets, or ``""``."""
    if isinstance(addopts, str):
        addopts = shlex.split(addopts)
    expr = ""
    args = list(addopts)
    for i, arg in enumerate(args):
        if arg == "-m" and i + 1 < len(args):
            expr = args[i + 1]
        elif arg.startswith("-m") and len(arg) > 2:
            expr = arg[2:].lstrip("=")
    return expr


def run_scope(*, keyword, markexpr, default_mark, args, explicit_args, testpaths, rootdir,
              invocation_dir, deselect=(), ignore=(), last_failed=False):
    """Whether a run is full, and if not, why.

    A run is **full** when it selects what a bare ``pytest`` selects: no ``-k``; ``-m``
    absent, equal to the default of ``addopts`` or empty (which selects more); no
    ``--deselect``, ``--ignore`` or ``--lf``; and either no path arguments or only paths
    that are the rootdir or one of ``testpaths``. Anything else is **partial**.

    Parameters
    ----------
    keyword, markexpr, default_mark : str
        The ``-k`` and ``-m`` expressions, and the ``-m`` that ``addopts`` sets.
    args : list of str
        The positional arguments pytest collected from.
    explicit_args : bool
        False when pytest took ``args`` from ``testpaths`` (nothing given on the command line).
    testpaths : list of str
    rootdir, invocation_dir : Path
    deselect, ignore : list of str
    last_failed : bool

    Returns
    -------
    scope : str
        ``"full"`` or ``"partial"``.
    reasons : list of str
        Why the run is partial (empty for a full run).
    """
    reasons = []
    if keyword:
        reasons.append(f"-k {keyword!r}")
    if markexpr and markexpr != default_mark:
        reasons.append(f"-m {markexpr!r} instead of the default {default_mark!r}")
    if deselect:
        reasons.append(f"--deselect of {len(deselect)} test(s)")
    if ignore:
        reasons.append("--ignore " + " ".join(str(i) for i in ignore))
    if last_failed:
        reasons.append("--lf (last failed only)")
    if explicit_args:
        rootdir = Path(rootdir).resolve()
        full_paths = {rootdir} | {(rootdir / t).resolve() for t in testpaths}
        for arg in args:
            arg = str(arg)
            if "::" in arg:
                reasons.append(f"node id {arg}")
                continue
            path = Path(invocation_dir, arg).resolve()
            if path not in full_paths:
                reasons.append(f"path {arg}")
    return ("partial" if reasons else "full"), reasons
