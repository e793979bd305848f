"""Merge what the test processes observed into one order-independent record.

Under pytest-xdist every worker keeps its own :mod:`theory.report.evidence` store; the plugin
harvests it after every test, so the observations arrive as ``(source, store)`` pairs where
``source`` is the test's node id. The functions here combine those pairs so that the
result does not depend on which worker ran which test, nor on the order the workers
finished: sources are sorted, counts are summed, the worst case is the largest tightness
(ties broken by the source's node id and then by the canonical JSON text of the case), and a
figure payload recorded by several sources is taken from the largest source node id.
"""

from __future__ import annotations

import math

from .jsonsafe import NONFINITE, canonical, encode

__all__ = ["merge_evidence", "merge_data", "merge_collection", "tightness_value"]


def tightness_value(value):
    """The float behind an encoded tightness (``"-Infinity"`` → −∞; None → −∞)."""
    if value is None:
        return -math.inf
    if isinstance(value, str):
        if value not in NONFINITE:
            raise ValueError(f"tightness must be a number or one of {sorted(NONFINITE)}, got {value!r}")
        return NONFINITE[value]
    return float(value)


def _rank(tightness):
    """Sort key of a tightness: larger is worse; NaN (a broken measurement) is worst."""
    t = tightness_value(tightness)
    return (1, 0.0) if math.isnan(t) else (0, t)


def merge_evidence(pairs):
    """Combine evidence stores into one entry per claim.

    Parameters
    ----------
    pairs : iterable of (str, dict)
        ``(source, store)`` where ``store`` maps a claim ID to
        ``{"examples", "violations", "worst_tightness", "worst_case"}`` as returned by
        :func:`theory.report.evidence.snapshot`. The same source may appear more than once.

    Returns
    -------
    dict
        Claim ID → ``{"examples", "violations", "worst_tightness", "worst_case",
        "worst_source"}``, JSON-encoded, keys sorted. The worst case is the one with the
        largest tightness (NaN counts as largest); ties go to the smallest source, then to
        the smallest canonical case text, so the result is the same for every order of
        ``pairs``.
    """
    merged = {}
    # sorted: ties of (rank, source, case) can still differ in the tightness itself (0.0 and
    # -0.0 rank equal), and the first of them must not depend on the order of arrival
    for source, store in sorted(pairs, key=lambda p: (str(p[0]), canonical(p[1]))):
        if not isinstance(store, dict):
            raise ValueError(f"evidence store of {source!r} must be a dict, got {type(store).__name__}")
        for claim_id in sorted(store):
            entry = store[claim_id]
            examples = int(entry.get("examples", 0))
            violations = int(entry.get("violations", 0))
            tightness = encode(tightness_value(entry.get("worst_tightness")))
            case = encode(entry.get("worst_case"))
            m = merged.setdefault(
                claim_id,
                {"examples": 0, "violations": 0, "worst_tightness": None, "worst_case": None,
                 "worst_source": None},
            )
            m["examples"] += examples
            m["violations"] += violations
            if examples == 0 and case is None:
                continue
            candidate = (_rank(tightness), str(source), canonical(case))
            current = None if m["worst_source"] is None else (
                _rank(m["worst_tightness"]), m["worst_source"], canonical(m["worst_case"]))
            # larger rank wins; on equal rank the smaller (source, case) wins
            if current is None or candidate[0] > current[0] or (
                    candidate[0] == current[0] and candidate[1:] < current[1:]):
                m["worst_tightness"] = tightness
                m["worst_case"] = case
                m["worst_source"] = str(source)
    return {k: merged[k] for k in sorted(merged)}


def merge_data(pairs):
    """Combine figure payloads recorded with :func:`theory.report.evidence.record_data`.

    Parameters
    ----------
    pairs : iterable of (str, dict)
        ``(source, {key: payload})``.

    Returns
    -------
    data : dict
        Key → JSON-encoded payload. When several sources recorded the same key, the one
        with the largest source node id wins (then the largest canonical payload), which
        matches "a later call replaces the earlier one" for tests that run in file order.
    sources : dict
        Key → the node id of the test that recorded the payload.
    """
    data, sources = {}, {}
    for source, payloads in sorted(pairs, key=lambda p: (str(p[0]), canonical(p[1]))):
        if not isinstance(payloads, dict):
            raise ValueError(f"data of {source!r} must be a dict, got {type(payloads).__name__}")
        for key in sorted(payloads):
            data[str(key)] = encode(payloads[key])
            sources[str(key)] = str(source)
    keys = sorted(data)
    return {k: data[k] for k in keys}, {k: sources[k] for k in keys}


def merge_collection(outputs):
    """Union of the collection records of several processes.

    Parameters
    ----------
    outputs : iterable of dict
        Each with ``"collected"`` (node id → list of claim IDs on its markers, for
        selected and deselected tests), ``"selected"``, ``"deselected"`` and, optionally,
        ``"slow"`` (node ids of tests marked ``slow``).

    Returns
    -------
    dict
        The same four keys, sorted; a test selected in any process counts as selected.
    """
    collected, selected, deselected, slow = {}, set(), set(), set()
    for out in outputs:
        for nodeid, claims in (out.get("collected") or {}).items():
            collected.setdefault(nodeid, set()).update(claims)
        selected.update(out.get("selected") or ())
        deselected.update(out.get("deselected") or ())
        slow.update(out.get("slow") or ())
    deselected -= selected
    return {
        "collected": {k: sorted(collected[k]) for k in sorted(collected)},
        "selected": sorted(selected),
        "deselected": sorted(deselected),
        "slow": sorted(slow),
    }
