"""Per-process store of what the property tests observed, for the report.

A test calls :func:`observe` once per example with the claim it verifies, the tightness of
the case (log measured − log bound: ≤ 0 means the bound held; closer to 0 is tighter) and
the case's parameters. The report plugin merges the stores of all xdist workers.
"""

from __future__ import annotations

import math
import threading

__all__ = ["observe", "record_data", "snapshot", "data_snapshot", "reset"]

_LOCK = threading.Lock()
_STORE = {}
_DATA = {}


def observe(claim_id, tightness, case, *, violated=None):
    """Record one example for ``claim_id``.

    Parameters
    ----------
    claim_id : str
    tightness : float
        log(measured) − log(bound) in the case's worst lag; the bound holds if it is ≤ the
        test's stated tolerance.
    case : dict
        JSON-serialisable parameters of the case (sizes, family, seed, ...).
    violated : bool, optional
        Whether the case violates the claim (default: tightness > 0).
    """
    tightness = float(tightness)
    if violated is None:
        violated = tightness > 0.0
    with _LOCK:
        entry = _STORE.setdefault(
            claim_id,
            {"examples": 0, "violations": 0, "worst_tightness": -math.inf, "worst_case": None},
        )
        entry["examples"] += 1
        entry["violations"] += int(bool(violated))
        if tightness >= entry["worst_tightness"] or entry["worst_case"] is None:
            entry["worst_tightness"] = tightness
            entry["worst_case"] = dict(case)


def snapshot():
    """A copy of everything observed in this process."""
    with _LOCK:
        return {k: {**v, "worst_case": v["worst_case"]} for k, v in _STORE.items()}


def record_data(key, payload):
    """Keep a JSON-serialisable payload (figure data, tables) under ``key`` for the report.

    Tests that measure a curve (a lag profile, rates against σ_w, accuracy against distance)
    record it here; the report draws its figures from these payloads. A later call with the
    same key replaces the earlier payload.
    """
    with _LOCK:
        _DATA[str(key)] = payload


def data_snapshot():
    """A shallow copy of every payload recorded in this process."""
    with _LOCK:
        return dict(_DATA)


def reset():
    """Forget everything observed and recorded in this process."""
    with _LOCK:
        _STORE.clear()
        _DATA.clear()
