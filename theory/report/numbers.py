"""How the report prints numbers: tightness as a ratio to the bound, counts, statuses."""

from __future__ import annotations

import math

from .merge import tightness_value

__all__ = ["ratio_text", "log_text", "status_label", "cite_sentence"]

def status_label(status):
    """Upper-case label of a claim status (``"failed"`` → ``"FAILED"``)."""
    return str(status).upper()


def ratio_text(tightness):
    """measured / bound = e^tightness, as text (``"0.97"``; ``"—"`` when nothing was observed)."""
    if tightness is None:
        return "—"
    t = tightness_value(tightness)
    if math.isnan(t):
        return "NaN"
    if t == -math.inf:
        return "0"
    if t > 700:
        return f"e^{t:.3g}"
    r = math.exp(t)
    # three significant digits up to 999.5, where "%.3g" itself would switch to "1e+03"
    text = f"{r:.3g}" if 1e-3 <= r < 999.5 else f"{r:.2e}"
    if text == "1" and t != 0.0:
        # e^t ≈ 1 + t rounds to 1: show the gap instead of rounding it away ("1 − 2.2e-16")
        return f"1 {'−' if t < 0 else '+'} {abs(t):.2g}"
    return text


def log_text(tightness):
    """The tightness itself (log measured − log bound), as text."""
    if tightness is None:
        return "—"
    t = tightness_value(tightness)
    if math.isinf(t):
        return "−∞" if t < 0 else "+∞"
    return "NaN" if math.isnan(t) else f"{t:.4g}"


def cite_sentence(claim, provenance):
    """The sentence to quote in course material for a verified claim (None otherwise)."""
    if claim["status"] != "verified":
        return None
    version = provenance.get("version", "?")
    git = provenance.get("git") or {}
    commit = git.get("short") or "unknown commit"
    if git.get("dirty"):
        commit += ", with uncommitted changes"
    hyp = provenance.get("hypothesis") or {}
    profile = f", Hypothesis profile {hyp['profile']}" if hyp.get("profile") else ""
    if claim["examples"]:
        numbers = (f"verified on {claim['examples']:,} Hypothesis examples, "
                   f"{claim['violations']} violations, tightest case "
                   f"{ratio_text(claim['worst_tightness'])} of the bound")
    else:
        numbers = f"verified by {len(claim['tests'])} passing test(s)"
    return (f"Claim {claim['id']} — {claim['statement'].rstrip('.')} — {numbers} "
            f"(rnn-gradient-theory {version}, commit {commit}{profile}).")
