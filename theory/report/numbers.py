"""The words the report uses for statuses, and the sentence a course cites for a claim."""

from __future__ import annotations

__all__ = ["status_label", "cite_sentence"]


def status_label(status):
    """Upper-case label of a claim status (``"failed"`` → ``"FAILED"``)."""
    return str(status).upper()


def cite_sentence(claim, provenance, run=None):
    """The sentence to quote in course material for a verified claim (None otherwise).

    Parameters
    ----------
    claim : ClaimResult
    provenance : Provenance
    run : Run, optional
        Adds "partial run" to the sentence of a partial run.

    Returns
    -------
    str or None
        ``"Claim ID — statement — verified: evidence (package version, commit …, Hypothesis
        profile …)."``; the evidence is the claim's own phrase, as in results.json.
    """
    if claim.status != "verified":
        return None
    evidence = claim.evidence or f"{claim.tests_passed} linked test(s) passed"
    profile = f", Hypothesis profile {provenance.profile}" if provenance.profile else ""
    partial = ", partial run" if run is not None and run.scope == "partial" else ""
    return (f"Claim {claim.id} — {claim.statement.rstrip('.')} — verified: {evidence} "
            f"({provenance.package} {provenance.version}, commit {provenance.commit_text}"
            f"{profile}{partial}).")
