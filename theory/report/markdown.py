"""REPORT.md: run banner, summary table, how to reproduce, then one section per claim."""

from __future__ import annotations

import json
import math

from .build import STATUSES

__all__ = ["render_markdown", "FULL_RUN"]

#: The command of a full run that includes the slow tests (``-m ""`` selects every test).
FULL_RUN = 'HYPOTHESIS_PROFILE=ci python -m pytest -n auto -m ""'


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _banner(results):
    run, summary = results.run, results.summary
    lines = []
    if run.status == "failed":
        failed_tests = run.test_outcomes.get("failed", 0) + run.test_outcomes.get("error", 0)
        lines.append(f"> **RUN FAILED** — {summary['failed']} claim(s) failed, {failed_tests} test(s) "
                     f"failed or errored (pytest exit status {run.exit_status}); their sections "
                     f"below show the counterexamples.")
    else:
        lines.append(f"> **RUN PASSED** — {summary['verified']} of {summary['claims']} claims verified, "
                     f"none failed.")
    if run.scope == "partial":
        reasons = "; ".join(run.partial_reasons) or "only some tests were selected"
        lines += [">", f"> **PARTIAL RUN** ({reasons}). Claims whose tests were not selected are "
                       f"marked NOT RUN; do not cite this report as a full verification."]
    if run.slow_deselected:
        lines += [">", f"> This run left out {run.slow_deselected} slow test(s) (long experiments, "
                       f"marked slow): the claims they verify are NOT RUN. One run that includes them: "
                       f"`{FULL_RUN}`."]
    hyp = results.provenance.hypothesis
    if hyp.get("derandomize") is False:
        lines += [">", f"> Hypothesis profile `{hyp.get('profile')}` is not derandomized: these numbers "
                       f"change from run to run. For numbers to cite, run with `HYPOTHESIS_PROFILE=ci`."]
    if run.selected_not_run:
        lines += [">", f"> {len(run.selected_not_run)} selected test(s) never ran (the session "
                       f"stopped early, e.g. -x or --maxfail)."]
    return lines


def _provenance_rows(prov):
    commit = prov.commit or "unknown (not a git checkout)"
    if prov.dirty:
        commit += " **(dirty: uncommitted changes)**"
    hyp = prov.hypothesis
    hyp_text = f"profile `{hyp.get('profile')}`"
    if "derandomize" in hyp:
        hyp_text += (f", derandomize={hyp['derandomize']}, max_examples={hyp.get('max_examples')}, "
                     f"print_blob={hyp.get('print_blob')}")
    hyp_text += f", seed {hyp.get('seed') if hyp.get('seed') is not None else '— (none given)'}"
    return [
        ("Package", f"{prov.package} {prov.version}"),
        ("Commit", commit),
        ("Date (UTC)", prov.date),
        ("Hypothesis", hyp_text),
        ("Python", f"{prov.python_implementation} {prov.python}"),
        ("Libraries", ", ".join(f"{k} {v}" for k, v in prov.versions.items() if v)),
        ("Platform", f"{prov.platform} ({prov.machine}), {prov.cpu_count} CPUs, torch threads "
                     f"{prov.torch_threads}, xdist workers {prov.xdist_workers}"),
        ("pytest arguments", "`" + " ".join(prov.pytest_args) + "`"),
    ]


def _tightness_text(t):
    if math.isnan(t):
        return "NaN"
    return ("−∞" if t < 0 else "+∞") if math.isinf(t) else f"{t:.4g}"


def _failure_lines(t):
    out = ["", f"**Failure of `{t.nodeid}`**"]
    if t.counterexample:
        out += ["", "Counterexample:", "", "```text", t.counterexample, "```"]
    if t.reproduce_failure:
        out += ["", "Reproduce it by adding this decorator to the test:", "", "```python",
                t.reproduce_failure, "```"]
    if t.failure:
        out += ["", "<details><summary>Failure output (trimmed)</summary>", "", "```text",
                t.failure, "```", "", "</details>"]
    return out


def _claim_section(c, figures, results):
    out = [f"### {c.id} — {c.status.upper()}", "", f"> {c.statement}", "",
           f"- **Status:** {c.status.upper()} — {c.status_reason}",
           f"- **Evidence:** {c.evidence or '—'}",
           f"- **Hypotheses:** {c.hypotheses}",
           f"- **Area:** {c.area}"]
    if c.references:
        out.append("- **References:** " + "; ".join(c.references))
    if c.theory:
        out.append("- **Theory:** " + ", ".join(f"`{t}`" for t in c.theory))
    if c.worst_case is not None or c.worst_tightness is not None:
        tightness = "—" if c.worst_tightness is None else _tightness_text(c.worst_tightness)
        out.append(f"- **Worst case** (tightness {tightness}, in `{c.worst_source}`): "
                   f"`{json.dumps(c.worst_case, ensure_ascii=False, sort_keys=True)}`")
    out.append("- **Tests:**")
    out += [f"  - `{t.nodeid}` — {t.outcome}" for t in c.tests] or ["  - (none linked)"]
    for t in c.tests:
        if t.outcome in ("failed", "error"):
            out += _failure_lines(t)
    for key in c.figures:
        if key in figures:
            f = figures[key]
            out += ["", f"![{f['title']}](figures/{f['png']}) ([SVG](figures/{f['svg']}))"]
    if c.status == "verified":
        out += ["", "Cite as:", "", f"> {_cite_sentence(c, results)}"]
    return out + [""]


def _cite_sentence(c, results):
    """The sentence to quote in course material for a verified claim: "Claim ID — statement —
    verified: evidence (package version, commit …, Hypothesis profile …)."; the evidence is
    the claim's own phrase, as in results.json."""
    prov = results.provenance
    evidence = c.evidence or f"{c.tests_passed} linked test(s) passed"
    profile = f", Hypothesis profile {prov.profile}" if prov.profile else ""
    partial = ", partial run" if results.run.scope == "partial" else ""
    return (f"Claim {c.id} — {c.statement.rstrip('.')} — verified: {evidence} "
            f"({prov.package} {prov.version}, commit {prov.commit_text}{profile}{partial}).")


def _tables(results):
    summary = results.summary
    out = ["## Summary", "",
           "| Claims | " + " | ".join(s.upper() for s in STATUSES) + " |",
           "|---" * (len(STATUSES) + 1) + "|",
           f"| {summary['claims']} | " + " | ".join(str(summary[s]) for s in STATUSES) + " |",
           "", "| Claim | Status | Tests passed | Evidence | Statement |", "|---|---|---|---|---|"]
    for c in results.claims:
        status = c.status.upper()
        anchor = f"{c.id.lower()}--{status.lower().replace(' ', '-')}"
        shown = f"**{status}**" if c.status == "failed" else status
        out.append(f"| [{c.id}](#{anchor}) | {shown} | {c.tests_passed}/{len(c.tests)} "
                   f"| {_cell(c.evidence or '—')} | {_cell(c.statement)} |")
    out += ["", "Evidence: what the claim's tests recorded, in the claim's own units: Hypothesis "
            "examples (or parametrized cases) with their violations and the case closest to the "
            "claim's bound, or an experiment's accuracies and seeds. \"Attained to within "
            "rounding\" means the closest case met the bound up to float64 rounding (≤ 1e-9), "
            "above or below as stated.", ""]
    return out


def _reproduce(results):
    return ["## How to reproduce", "", "```bash", *results.provenance.reproduce, "```", "",
            "Then regenerate this report from the JSON without rerunning the tests:", "",
            "```bash", "python -m theory.report reports/results.json", "```", "",
            "With `HYPOTHESIS_PROFILE=ci` (derandomized) two runs of the same commit give identical "
            "claim numbers; only the provenance (date, machine), the timings and timing fields inside "
            "figure data differ (`python -m theory.report reports/results.json --numbers` prints the "
            "part to compare).", ""]


def _endings(results, figures, skipped, notes):
    out = []
    linked = {k for c in results.claims for k in c.figures}
    loose = [k for k in figures if k not in linked]
    if loose:
        out += ["## Other figures", ""]
        for k in loose:
            f = figures[k]
            out += [f"![{f['title']}](figures/{f['png']}) ([SVG](figures/{f['svg']}))", ""]
    if results.warnings:
        out += ["## Warnings", ""]
        out += [f"- **{w['kind']}**: {w['message']}" for w in results.warnings] + [""]
    if skipped or notes:
        out += ["## Notes", ""]
        out += [f"- Figure for `{k}` not drawn: {r}" for k, r in skipped.items()]
        out += [f"- {n}" for n in notes] + [""]
    out += ["## Provenance", "", "| | |", "|---|---|"]
    return out + [f"| {k} | {_cell(v)} |" for k, v in _provenance_rows(results.provenance)] + [""]


def render_markdown(results, figures=None, skipped=None, notes=()):
    """The text of REPORT.md.

    Parameters
    ----------
    results : Results
        A parsed results document (:func:`theory.report.document.parse_results`).
    figures : dict, optional
        Data key → ``{"name", "title", "png", "svg"}`` of the figures drawn.
    skipped : dict, optional
        Data key → reason, for figures not drawn.
    notes : iterable of str
        Further lines for the "Notes" section (e.g. ANSWER.md not written).

    Returns
    -------
    str
    """
    figures, skipped = figures or {}, skipped or {}
    prov, run = results.provenance, results.run
    outcomes = ", ".join(f"{n} {k}" for k, n in run.test_outcomes.items()) or "none"
    out = [f"# Verification report — {prov.package} {prov.version}", "", *_banner(results), "",
           f"Commit `{prov.short or 'unknown'}`{' (dirty)' if prov.dirty else ''}, {prov.date}, "
           f"Hypothesis profile `{prov.profile}`, {run.scope} run: {run.tests_selected} tests "
           f"selected of {run.tests_collected} collected; outcomes: {outcomes}.", ""]
    out += _tables(results) + _reproduce(results) + ["## Claims", ""]
    for c in results.claims:
        out += _claim_section(c, figures, results)
    out += _endings(results, figures, skipped, notes)
    return "\n".join(out)
