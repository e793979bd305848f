"""REPORT.md: run banner, summary table, how to reproduce, then one section per claim."""

from __future__ import annotations

import json

from .build import STATUSES
from .numbers import cite_sentence, log_text, ratio_text, status_label

__all__ = ["render_markdown"]


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _banner(results):
    run, summary = results["run"], results["summary"]
    lines = []
    if run["status"] == "failed":
        failed_tests = run["test_outcomes"].get("failed", 0) + run["test_outcomes"].get("error", 0)
        lines.append(f"> **RUN FAILED** — {summary['failed']} claim(s) failed, {failed_tests} test(s) "
                     f"failed or errored (pytest exit status {run['exit_status']}). Failed claims "
                     f"are listed first, with their counterexamples.")
    else:
        lines.append(f"> **RUN PASSED** — {summary['verified']} of {summary['claims']} claims verified, "
                     f"none failed.")
    if run["scope"] == "partial":
        reasons = "; ".join(run["partial_reasons"]) or "only some tests were selected"
        lines.append(">")
        lines.append(f"> **PARTIAL RUN** ({reasons}). Claims whose tests were not selected are "
                     f"marked NOT RUN; do not cite this report as a full verification.")
    hyp = results["provenance"].get("hypothesis") or {}
    if hyp.get("derandomize") is False:
        lines.append(">")
        lines.append(f"> Hypothesis profile `{hyp.get('profile')}` is not derandomized: these numbers "
                     f"change from run to run. For numbers to cite, run with `HYPOTHESIS_PROFILE=ci`.")
    if run["selected_not_run"]:
        lines.append(">")
        lines.append(f"> {len(run['selected_not_run'])} selected test(s) never ran (the session "
                     f"stopped early, e.g. -x or --maxfail).")
    return lines


def _provenance_rows(prov):
    git = prov.get("git") or {}
    hyp = prov.get("hypothesis") or {}
    versions = prov.get("versions") or {}
    commit = git.get("commit") or "unknown (not a git checkout)"
    if git.get("dirty"):
        commit += " **(dirty: uncommitted changes)**"
    hyp_text = f"profile `{hyp.get('profile')}`"
    if "derandomize" in hyp:
        hyp_text += (f", derandomize={hyp['derandomize']}, max_examples={hyp.get('max_examples')}, "
                     f"print_blob={hyp.get('print_blob')}")
    hyp_text += f", seed {hyp.get('seed') if hyp.get('seed') is not None else '— (none given)'}"
    libs = ", ".join(f"{k} {v}" for k, v in versions.items() if v)
    return [
        ("Package", f"{prov.get('package')} {prov.get('version')}"),
        ("Commit", commit),
        ("Date (UTC)", prov.get("date")),
        ("Hypothesis", hyp_text),
        ("Python", f"{prov.get('python_implementation')} {prov.get('python')}"),
        ("Libraries", libs),
        ("Platform", f"{prov.get('platform')} ({prov.get('machine')}), {prov.get('cpu_count')} CPUs, "
                     f"torch threads {prov.get('torch_threads')}, xdist workers {prov.get('xdist_workers')}"),
        ("pytest arguments", "`" + " ".join(prov.get("pytest_args") or []) + "`"),
    ]


def _claim_section(c, figures, prov):
    out = [f"### {c['id']} — {status_label(c['status'])}", ""]
    out.append(f"> {c['statement']}")
    out.append("")
    out.append(f"- **Status:** {status_label(c['status'])} — {c['status_reason']}")
    out.append(f"- **Hypotheses:** {c['hypotheses']}")
    out.append(f"- **Area:** {c['area']}")
    if c["references"]:
        out.append("- **References:** " + "; ".join(c["references"]))
    if c["theory"]:
        out.append("- **Theory:** " + ", ".join(f"`{t}`" for t in c["theory"]))
    out.append(f"- **Hypothesis examples:** {c['examples']:,}; **violations:** {c['violations']}")
    if c["worst_case"] is not None or c["worst_tightness"] is not None:
        out.append(f"- **Tightest case:** measured/bound = {ratio_text(c['worst_tightness'])} "
                   f"(log measured − log bound = {log_text(c['worst_tightness'])}), in "
                   f"`{c['worst_source']}`")
        out.append(f"  - case: `{json.dumps(c['worst_case'], ensure_ascii=False, sort_keys=True)}`")
    out.append("- **Tests:**")
    if not c["tests"]:
        out.append("  - (none linked)")
    for t in c["tests"]:
        out.append(f"  - `{t['nodeid']}` — {t['outcome']}")
    for t in c["tests"]:
        if t["outcome"] not in ("failed", "error"):
            continue
        out.append("")
        out.append(f"**Failure of `{t['nodeid']}`**")
        if t["counterexample"]:
            out += ["", "Counterexample:", "", "```text", t["counterexample"], "```"]
        if t["reproduce_failure"]:
            out += ["", "Reproduce it by adding this decorator to the test:", "", "```python",
                    t["reproduce_failure"], "```"]
        if t["failure"]:
            out += ["", "<details><summary>Failure output (trimmed)</summary>", "", "```text",
                    t["failure"], "```", "", "</details>"]
    for key in c["figures"]:
        if key in figures:
            f = figures[key]
            out += ["", f"![{f['title']}](figures/{f['png']}) ([SVG](figures/{f['svg']}))"]
    sentence = cite_sentence(c, prov)
    if sentence:
        out += ["", "Cite as:", "", f"> {sentence}"]
    out.append("")
    return out


def render_markdown(results, figures=None, skipped=None, notes=()):
    """The text of REPORT.md.

    Parameters
    ----------
    results : dict
        A results document (valid against the schema).
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
    prov, run, summary = results["provenance"], results["run"], results["summary"]
    git = prov.get("git") or {}
    out = [f"# Verification report — {prov.get('package')} {prov.get('version')}", ""]
    out += _banner(results)
    out.append("")
    out.append(f"Commit `{git.get('short') or 'unknown'}`{' (dirty)' if git.get('dirty') else ''}, "
               f"{prov.get('date')}, Hypothesis profile `{(prov.get('hypothesis') or {}).get('profile')}`, "
               f"{run['scope']} run: {run['tests_selected']} tests selected of {run['tests_collected']} "
               f"collected; outcomes: "
               + (", ".join(f"{n} {k}" for k, n in run["test_outcomes"].items()) or "none") + ".")
    out += ["", "## Summary", ""]
    out.append("| Claims | " + " | ".join(status_label(s) for s in STATUSES) + " |")
    out.append("|---" * (len(STATUSES) + 1) + "|")
    out.append(f"| {summary['claims']} | " + " | ".join(str(summary[s]) for s in STATUSES) + " |")
    out += ["", "| Claim | Status | Tests passed | Examples | Violations | Tightest (measured/bound) | Statement |",
            "|---|---|---|---|---|---|---|"]
    order = {s: i for i, s in enumerate(STATUSES)}
    claims = sorted(results["claims"], key=lambda c: order.get(c["status"], 9))
    for c in claims:
        passed = sum(1 for t in c["tests"] if t["outcome"] == "passed")
        status = status_label(c["status"])
        status = f"**{status}**" if c["status"] in ("failed",) else status
        out.append(f"| [{c['id']}](#{c['id'].lower()}--{status_label(c['status']).lower().replace(' ', '-')}) "
                   f"| {status} | {passed}/{len(c['tests'])} | {c['examples']:,} | {c['violations']} "
                   f"| {ratio_text(c['worst_tightness'])} | {_cell(c['statement'])} |")
    out += ["", "Tightness is log(measured) − log(bound) in the worst case observed; the table shows "
            "e^tightness, the measured value as a fraction of the bound (≤ 1 means the bound held).", ""]
    out += ["## How to reproduce", "", "```bash", *prov.get("reproduce", []), "```", "",
            "Then regenerate this report from the JSON without rerunning the tests:", "",
            "```bash", "python -m theory.report reports/results.json", "```", "",
            "With `HYPOTHESIS_PROFILE=ci` (derandomized) two runs of the same commit give identical "
            "claim numbers; only the provenance (date, machine), the timings and timing fields inside figure data differ "
            "(`python -m theory.report reports/results.json --numbers` prints the part to compare).", ""]
    out += ["## Claims", ""]
    for c in claims:
        out += _claim_section(c, figures, prov)
    linked = {k for c in results["claims"] for k in c["figures"]}
    loose = [k for k in figures if k not in linked]
    if loose:
        out += ["## Other figures", ""]
        for k in loose:
            f = figures[k]
            out += [f"![{f['title']}](figures/{f['png']}) ([SVG](figures/{f['svg']}))", ""]
    if results["warnings"]:
        out += ["## Warnings", ""]
        out += [f"- **{w['kind']}**: {w['message']}" for w in results["warnings"]]
        out.append("")
    not_drawn = {k: r for k, r in skipped.items()}
    if not_drawn or notes:
        out += ["## Notes", ""]
        out += [f"- Figure for `{k}` not drawn: {r}" for k, r in not_drawn.items()]
        out += [f"- {n}" for n in notes]
        out.append("")
    out += ["## Provenance", "", "| | |", "|---|---|"]
    out += [f"| {k} | {_cell(v)} |" for k, v in _provenance_rows(prov)]
    out.append("")
    return "\n".join(out)
