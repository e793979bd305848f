"""Build the results document (the content of results.json) from merged observations.

This module is pure: it takes the claim registry, what was collected, the test outcomes,
the merged evidence and data, and returns a dict. The pytest plugin feeds it from a real
session; the tests feed it synthetic inputs.
"""

from __future__ import annotations

from collections import Counter

from .jsonsafe import decode, encode
from .merge import tightness_value
from .outcomes import NOT_RAN, base_nodeid
from .phrases import Observed
from .schema import SCHEMA_ID, SCHEMA_VERSION

__all__ = ["STATUSES", "claim_status", "build_results", "evidence_phrase", "figure_claims",
           "numbers_view"]

#: Claim statuses, in the order the report lists them.
STATUSES = ("failed", "verified", "not verified", "not run")

#: Top-level keys that are not claim numbers: they differ between two runs of the same
#: commit (dates, machine, times), or may (figure data can hold a test's own timings).
VOLATILE_KEYS = ("provenance", "timings", "data")


def claim_status(states, *, partial):
    """Status of a claim from the states of its linked tests.

    Parameters
    ----------
    states : list of str
        One per linked test: a test outcome (``"passed"``, ``"failed"``, ``"error"``,
        ``"skipped"``, ``"xfailed"``, ``"xpassed"``) or ``"deselected"``, ``"not run"``,
        ``"not collected"``.
    partial : bool
        Whether the run selected only some tests.

    Returns
    -------
    status : str
        ``"failed"`` if any linked test failed or errored; ``"verified"`` if there is at
        least one linked test and all of them passed; ``"not run"`` if none of them ran
        (deselected, not collected, stopped early); ``"not verified"`` otherwise (no linked
        test at all, in a full run only registry tests that do not exist, or some skipped
        or not run while others ran).
    reason : str
    """
    counts = Counter(states)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if counts.get("failed", 0) + counts.get("error", 0):
        return "failed", f"linked tests: {summary}"
    if not states:
        if partial:
            return "not run", "no linked test was collected in this partial run"
        return "not verified", "no test is linked to this claim (registry or marker)"
    if counts.get("passed", 0) == len(states):
        return "verified", f"all {len(states)} linked test(s) passed"
    if not partial and all(s == "not collected" for s in states):
        return "not verified", f"the registry's tests for it do not exist: {summary}"
    if all(s in NOT_RAN for s in states):
        return "not run", f"none of its linked tests ran: {summary}"
    return "not verified", f"not every linked test passed: {summary}"


def evidence_phrase(claim, entry, data):
    """The claim's evidence phrase for the numbers in ``entry`` (a results claim entry)."""
    worst = entry.get("worst_tightness")
    observed = Observed(
        examples=int(entry.get("examples", 0)),
        violations=int(entry.get("violations", 0)),
        worst_tightness=None if worst is None else tightness_value(worst),
        worst_case=decode(entry.get("worst_case")),
        data=decode(data or {}),
    )
    return claim.evidence.phrase(observed)


def _claim_dict(c):
    return {
        "id": c.id,
        "statement": c.statement,
        "hypotheses": c.hypotheses,
        "area": c.area,
        "references": list(c.references),
        "theory": list(c.theory),
        "registry_tests": list(c.tests),
    }


def _warning(kind, claim_id, nodeid, message):
    return {"kind": kind, "claim": claim_id, "nodeid": nodeid, "message": message}


def _linked(claim_id, listed, collected, by_base, warnings):
    """Collected node ids linked to a claim (marker or registry), warning about mismatches."""
    linked = {n for n, ids in collected.items() if claim_id in ids}
    for base in sorted(listed):
        for nodeid in by_base.get(base, ()):
            linked.add(nodeid)
            if claim_id not in collected[nodeid]:
                warnings.append(_warning(
                    "marker_missing", claim_id, nodeid,
                    f"{nodeid} is listed in the registry for {claim_id} but has no "
                    f"@pytest.mark.claim({claim_id!r})"))
    for nodeid in sorted(linked):
        if claim_id in collected[nodeid] and base_nodeid(nodeid) not in listed:
            warnings.append(_warning(
                "unlisted_marker", claim_id, nodeid,
                f"{nodeid} carries @pytest.mark.claim({claim_id!r}) but is not in the registry's "
                f"tests for {claim_id}"))
    return linked


def _tests(claim_id, listed, linked, state, outcomes, partial, warnings):
    """The linked tests' records, then the registry's tests that were not collected."""
    tests = []
    for nodeid in sorted(linked):
        rec = outcomes.get(nodeid, {})
        tests.append({"nodeid": nodeid, "outcome": state(nodeid), "failure": rec.get("failure"),
                      "counterexample": rec.get("counterexample"),
                      "reproduce_failure": rec.get("reproduce_failure")})
    for base in sorted(listed - {base_nodeid(n) for n in linked}):
        tests.append({"nodeid": base, "outcome": "not collected", "failure": None,
                      "counterexample": None, "reproduce_failure": None})
        if not partial:
            warnings.append(_warning(
                "listed_test_not_found", claim_id, base,
                f"the registry lists {base} for {claim_id} but no such test was collected"))
    return tests


def _claim_entry(c, tests, ev, figures, data, partial, warnings):
    status, reason = claim_status([t["outcome"] for t in tests], partial=partial)
    entry = {
        **_claim_dict(c), "status": status, "status_reason": reason, "tests": tests,
        "examples": int(ev.get("examples", 0)), "violations": int(ev.get("violations", 0)),
        "worst_tightness": ev.get("worst_tightness"), "worst_case": ev.get("worst_case"),
        "worst_source": ev.get("worst_source"), "figures": figures,
    }
    entry["evidence"] = evidence_phrase(c, entry, data)
    if entry["violations"] and status == "verified":
        warnings.append(_warning(
            "violations_with_passing_tests", c.id, None,
            f"{c.id}: {entry['violations']} of {entry['examples']} recorded examples are marked "
            f"as violations, yet all its tests passed"))
    return entry


def _run_record(run, collection, outcomes, partial):
    counts = Counter(rec["outcome"] for rec in outcomes.values())
    exit_status = int(run.get("exit_status", 0))
    deselected = set(collection.get("deselected", ()))
    # a claim fails only through a failed or erroring test, which the outcome counts include
    failed = exit_status != 0 or counts.get("failed", 0) + counts.get("error", 0) > 0
    return {
        "status": "failed" if failed else "passed",
        "scope": "partial" if partial else "full",
        "partial_reasons": list(run.get("partial_reasons", ())),
        "exit_status": exit_status,
        "tests_collected": len(collection.get("collected", {})),
        "tests_selected": len(collection.get("selected", ())),
        "tests_deselected": len(deselected),
        "selected_not_run": sorted(set(collection.get("selected", ())) - set(outcomes)),
        "slow_deselected": len(set(collection.get("slow", ())) & deselected),
        "test_outcomes": {k: counts[k] for k in sorted(counts)},
    }


def figure_claims(registry, collected, source):
    """The claims (registry order) whose figures show the data test ``source`` records.

    Those are the claims on the test's ``claim`` markers (``collected``: node id → claim IDs)
    and the claims that list the test; the figures' headings name them.
    """
    return [claim_id for claim_id, c in registry.items()
            if claim_id in collected.get(source, ()) or base_nodeid(source) in c.tests]


def build_results(registry, collection, outcomes, evidence, data, data_sources, provenance, run):
    """Assemble the results document.

    Parameters
    ----------
    registry : mapping
        Claim ID → :class:`theory.report.claims.Claim`, in the order the report lists them.
    collection : dict
        From :func:`theory.report.merge.merge_collection`.
    outcomes : dict
        Node id → ``{"outcome", "failure", "counterexample", "reproduce_failure",
        "duration_s"}`` (from :class:`theory.report.outcomes.OutcomeTally`).
    evidence : dict
        From :func:`theory.report.merge.merge_evidence`.
    data, data_sources : dict
        From :func:`theory.report.merge.merge_data`.
    provenance : dict
        From :func:`theory.report.provenance.collect_provenance`.
    run : dict
        ``{"scope": "full" | "partial", "partial_reasons": [...], "exit_status": int,
        "duration_s": float}``.

    Returns
    -------
    dict
        Valid against :data:`theory.report.schema.SCHEMA`.
    """
    partial = run.get("scope") != "full"
    collected = collection.get("collected", {})
    deselected = set(collection.get("deselected", ()))
    by_base = {}
    for nodeid in collected:
        by_base.setdefault(base_nodeid(nodeid), []).append(nodeid)

    def state(nodeid):
        if nodeid in outcomes:
            return outcomes[nodeid]["outcome"]
        return "deselected" if nodeid in deselected else "not run"

    warnings, claims, claim_durations = [], [], {}
    claims_of = {src: figure_claims(registry, collected, src) for src in set(data_sources.values())}
    for claim_id, c in registry.items():  # the registry's order is the report's order
        listed = set(c.tests)
        linked = _linked(claim_id, listed, collected, by_base, warnings)
        tests = _tests(claim_id, listed, linked, state, outcomes, partial, warnings)
        figures = sorted(k for k, src in data_sources.items() if claim_id in claims_of[src])
        claims.append(_claim_entry(c, tests, evidence.get(claim_id) or {}, figures, data, partial,
                                   warnings))
        claim_durations[claim_id] = round(sum(outcomes.get(n, {}).get("duration_s", 0.0) for n in linked), 6)
    for claim_id in sorted(set(evidence) - set(registry)):
        warnings.append(_warning("unknown_claim_evidence", claim_id, None,
                                 f"evidence was recorded for {claim_id!r}, which is not in the registry"))
    marker_claims = {c for ids in collected.values() for c in ids}
    for claim_id in sorted(marker_claims - set(registry)):
        warnings.append(_warning("unknown_claim_marker", claim_id, None,
                                 f"a test is marked with unknown claim {claim_id!r}"))
    summary = {s: sum(1 for c in claims if c["status"] == s) for s in STATUSES}
    summary["claims"] = len(claims)
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "provenance": encode(provenance),
        "run": _run_record(run, collection, outcomes, partial),
        "summary": summary,
        "claims": claims,
        "warnings": sorted(warnings, key=lambda w: (w["kind"], w["claim"] or "", w["nodeid"] or "")),
        "data": data,
        "data_sources": data_sources,
        "timings": {
            "session_s": round(float(run.get("duration_s", 0.0)), 6),
            "claims": claim_durations,
            "tests": {n: round(outcomes[n].get("duration_s", 0.0), 6) for n in sorted(outcomes)},
        },
    }


def numbers_view(results):
    """The claim numbers: the part of a results document two runs of the same commit share.

    Everything except the provenance (dates, versions, machine), the timings and the
    figure data (payloads may include the recording test's own timings).
    """
    return {k: v for k, v in results.items() if k not in VOLATILE_KEYS}
