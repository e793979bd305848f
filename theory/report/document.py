"""The results document as typed objects: parsed and validated once, read by every renderer.

:func:`parse_results` checks a results document against :data:`theory.report.schema.SCHEMA`
(with ``jsonschema``) and turns it into a :class:`Results`; :func:`load_results` does the
same for a results.json file. REPORT.md, claims.tex, the ``--claims`` table and the citation
sentences and the answer page all read these objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

from .claims import claim_order
from .jsonsafe import decode
from .merge import tightness_value
from .schema import validate

__all__ = ["LinkedTest", "ClaimResult", "Provenance", "Run", "Results", "parse_results",
           "load_results"]


@dataclass(frozen=True)
class LinkedTest:
    """One test linked to a claim, and how it ended."""

    nodeid: str
    outcome: str
    failure: Optional[str] = None
    counterexample: Optional[str] = None
    reproduce_failure: Optional[str] = None


@dataclass(frozen=True)
class ClaimResult:
    """One claim as a run verified it (the fields of ``claims[]`` in results.json)."""

    id: str
    statement: str
    hypotheses: str
    area: str
    references: Tuple[str, ...]
    theory: Tuple[str, ...]
    registry_tests: Tuple[str, ...]
    status: str
    status_reason: str
    tests: Tuple[LinkedTest, ...]
    examples: int
    violations: int
    worst_tightness: Optional[float]
    worst_case: Optional[Mapping[str, Any]]
    worst_source: Optional[str]
    figures: Tuple[str, ...]
    evidence: str

    @property
    def tests_passed(self):
        """How many linked tests passed."""
        return sum(1 for t in self.tests if t.outcome == "passed")


@dataclass(frozen=True)
class Provenance:
    """Where and how the run happened (``provenance`` in results.json)."""

    package: str
    version: str
    commit: Optional[str]
    short: Optional[str]
    dirty: Optional[bool]
    date: str
    hypothesis: Mapping[str, Any]
    python: str
    python_implementation: str
    platform: str
    machine: str
    cpu_count: Optional[int]
    torch_threads: Optional[int]
    xdist_workers: int
    versions: Mapping[str, Optional[str]]
    pytest_args: Tuple[str, ...]
    reproduce: Tuple[str, ...]

    @property
    def profile(self):
        """The Hypothesis profile's name (None when unknown)."""
        return self.hypothesis.get("profile")

    @property
    def commit_text(self):
        """The short commit as a citation names it (``"abc1234, with uncommitted changes"``)."""
        text = self.short or "unknown"
        return text + ", with uncommitted changes" if self.dirty else text


@dataclass(frozen=True)
class Run:
    """What the session ran (``run`` in results.json)."""

    status: str
    scope: str
    partial_reasons: Tuple[str, ...]
    exit_status: int
    tests_collected: int
    tests_selected: int
    tests_deselected: int
    selected_not_run: Tuple[str, ...]
    test_outcomes: Mapping[str, int]
    slow_deselected: int = 0


@dataclass(frozen=True)
class Results:
    """A validated results document."""

    schema_version: str
    provenance: Provenance
    run: Run
    summary: Mapping[str, int]
    claims: Tuple[ClaimResult, ...]
    warnings: Tuple[Mapping[str, Any], ...]
    data: Mapping[str, Any]
    data_sources: Mapping[str, str]
    timings: Mapping[str, Any]
    document: Mapping[str, Any] = field(repr=False)

    @property
    def session_seconds(self):
        """How long the test session took, in seconds."""
        return self.timings["session_s"]

    def claim(self, claim_id):
        """The :class:`ClaimResult` with this ID; ``ValueError`` naming the IDs present."""
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise ValueError(f"no claim {claim_id!r} in these results; present: "
                         f"{', '.join(c.id for c in self.claims)}")


def _claim(entry, data):
    worst = entry["worst_tightness"]
    evidence = entry.get("evidence")
    if evidence is None:
        evidence = _evidence_from_registry(entry, data)
    return ClaimResult(
        id=entry["id"], statement=entry["statement"], hypotheses=entry["hypotheses"],
        area=entry["area"], references=tuple(entry["references"]), theory=tuple(entry["theory"]),
        registry_tests=tuple(entry["registry_tests"]), status=entry["status"],
        status_reason=entry["status_reason"],
        tests=tuple(LinkedTest(**t) for t in entry["tests"]),
        examples=entry["examples"], violations=entry["violations"],
        worst_tightness=None if worst is None else tightness_value(worst),
        worst_case=decode(entry["worst_case"]), worst_source=entry["worst_source"],
        figures=tuple(entry["figures"]), evidence=evidence,
    )


def _evidence_from_registry(entry, data):
    """The phrase for a results file written before claims carried it (schema 1.0)."""
    from .build import evidence_phrase
    from .claims import CLAIMS

    c = CLAIMS.get(entry["id"])
    return "" if c is None else evidence_phrase(c, entry, data)


def _provenance(p):
    git = p["git"]
    return Provenance(
        package=p["package"], version=p["version"], commit=git["commit"], short=git["short"],
        dirty=git["dirty"], date=p["date"], hypothesis=dict(p["hypothesis"]), python=p["python"],
        python_implementation=p["python_implementation"], platform=p["platform"],
        machine=p["machine"], cpu_count=p["cpu_count"], torch_threads=p["torch_threads"],
        xdist_workers=p["xdist_workers"], versions=dict(p["versions"]),
        pytest_args=tuple(p["pytest_args"]), reproduce=tuple(p["reproduce"]),
    )


def parse_results(document):
    """Validate a results document and return it as a :class:`Results`.

    Parameters
    ----------
    document : dict
        A results document as :func:`json.load` returns it (non-finite numbers as the
        strings of :mod:`theory.report.jsonsafe`).

    Returns
    -------
    Results
        Claims in the document's order, which is the registry's; a schema 1.0 file (which
        sorted them by ID) is put in the registry's order
        (:func:`theory.report.claims.claim_order`).

    Raises
    ------
    ValueError
        If the document does not match the schema (the message names the first problem).
    """
    validate(document)
    run = document["run"]
    claims = [_claim(c, document["data"]) for c in document["claims"]]
    if document["schema_version"] == "1.0":  # 1.0 listed claims by ID
        claims.sort(key=lambda c: claim_order(c.id))
    return Results(
        schema_version=document["schema_version"],
        provenance=_provenance(document["provenance"]),
        run=Run(**{**run, "partial_reasons": tuple(run["partial_reasons"]),
                   "selected_not_run": tuple(run["selected_not_run"])}),
        summary=dict(document["summary"]),
        claims=tuple(claims),
        warnings=tuple(document["warnings"]),
        data=decode(document["data"]),
        data_sources=dict(document["data_sources"]),
        timings=dict(document["timings"]),
        document=document,
    )


def _refuse_constant(name):
    raise ValueError(f"non-finite number token {name} (results.json writes them as strings)")


def load_results(path):
    """Read, validate and parse a results.json file.

    Raises
    ------
    ValueError
        If the file is missing, is not JSON, or does not match the schema; the message
        starts with the path.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file (expected a results.json written by the test run)")
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    try:
        return parse_results(document)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
