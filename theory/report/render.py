"""Render a results document into a report folder."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from .document import Results, parse_results
from .figures import FIGURES, draw_all, draw_one, fingerprint, payload_for
from .jsonsafe import decode
from .latex import render_latex
from .markdown import render_markdown
from .writer import atomic_dir

__all__ = ["draw_slides", "dump_results", "predraw", "render_answer", "render_into", "write_report"]


def dump_results(document):
    """results.json text: UTF-8 JSON, no NaN/Infinity tokens, key order kept, newline at end."""
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def render_answer(results, figures_folder=None, predrawn=None):
    """The answer page (ANSWER.md) for ``results``, drawing its figures into ``figures_folder``.

    Parameters
    ----------
    results : Results
    figures_folder : Path, optional
        Where :func:`theory.report.answer_figures.draw_figures` puts the page's figures;
        without it the page has no figures.
    predrawn : dict, optional
        Figures drawn already (:func:`predraw`).

    Returns
    -------
    str
    """
    from .answer import render
    from .answer_figures import draw_figures

    if figures_folder is None:
        return render(results)
    drawn = draw_figures({"data": results.data}, figures_folder, predrawn=predrawn)
    return render(results, {k: f"figures/{v}" for k, v in drawn.items()} or None)


def _claims_for_key(results):
    claims_for_key = {}
    for c in results.claims:
        for key in c.figures:
            claims_for_key.setdefault(key, []).append(c.id)
    return claims_for_key


def draw_slides(results, folder):
    """Draw every figure of the report and of the answer page for slides into ``folder``.

    Slide figures carry no "Claim …" heading and are drawn at the style's slide size (the
    text area of a 16:9 beamer frame under its title), as PNG and SVG.

    Parameters
    ----------
    results : Results
    folder : str or Path

    Returns
    -------
    tuple of (list of str, dict)
        The PNG file names written, and ``{key: reason}`` for report figures not drawn.
    """
    from .answer_figures import draw_figures

    folder = Path(folder)
    drawn, skipped = draw_all(results.document["data"], folder, _claims_for_key(results), titles=False)
    answer = draw_figures({"data": results.data}, folder, titles=False)
    names = sorted({info["png"] for info in drawn.values()} | set(answer.values()))
    return names, skipped


def predraw(data, claims_for_key, keys):
    """The report's and the answer page's figures that read data ``keys``, drawn to bytes.

    An xdist worker calls this right after a test records figure data, so that the figures
    are drawn while the other worker runs tests, not by the controller after the last test.
    :func:`render_into` writes a pre-drawn figure only where its
    :func:`~theory.report.figures.fingerprint` (payload, claims, title) is the one it would
    draw; any other figure it draws itself.

    Parameters
    ----------
    data : dict
        Key → payload encoded as in results.json's ``"data"``.
    claims_for_key : dict
        Key → the claim IDs the report figure's heading names.
    keys : iterable of str
        The keys just recorded; figures that read none of them are not drawn.

    Returns
    -------
    dict
        Fingerprint → ``{"png": bytes, "svg": bytes}``; a figure that fails to draw is left
        out (the controller draws it and says why it could not).
    """
    from . import answer_figures

    keys = set(keys)

    def reads(spec):
        return keys & {spec.key, *(other for _, other in spec.borrow)}

    todo = [(spec, payload_for(spec, data), tuple(claims_for_key.get(spec.key, ())))
            for spec in FIGURES if spec.key in data and reads(spec)]
    todo += [(spec, payload, ids) for _, spec, payload, ids in answer_figures.jobs({"data": decode(data)})
             if reads(spec)]
    drawn = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec, payload, ids in todo:
            try:
                png, svg = draw_one(spec, payload, Path(tmp, spec.name), ids)
            except Exception:  # noqa: BLE001 - see Returns
                continue
            drawn[fingerprint(spec, payload, ids)] = {"png": png.read_bytes(), "svg": svg.read_bytes()}
    return drawn


def render_into(results, folder, predrawn=None):
    """Write results.json, REPORT.md, claims.tex, ANSWER.md and figures/ into ``folder``.

    Parameters
    ----------
    results : Results or dict
        Parsed results, or a results document (validated and parsed here).
    folder : Path
        An existing folder (normally the temporary one of :func:`write_report`).
    predrawn : dict, optional
        Figures drawn already (:func:`predraw`), written instead of drawn again.

    Returns
    -------
    dict
        ``{"figures": {key: info}, "skipped": {key: reason}, "notes": [str]}``.
    """
    if not isinstance(results, Results):
        results = parse_results(results)
    folder = Path(folder)
    data = results.document["data"]
    drawn, skipped = draw_all(data, folder / "figures", _claims_for_key(results), predrawn=predrawn)
    figure_keys = {spec.key for spec in FIGURES}
    plain = sorted(k for k in data if k not in figure_keys)
    notes = ["data recorded without a figure (kept in results.json): "
             + ", ".join(f"`{k}`" for k in plain)] if plain else []
    (folder / "ANSWER.md").write_text(render_answer(results, folder / "figures", predrawn), encoding="utf-8")
    (folder / "claims.tex").write_text(render_latex(results), encoding="utf-8")
    (folder / "REPORT.md").write_text(render_markdown(results, drawn, skipped, notes), encoding="utf-8")
    (folder / "results.json").write_text(dump_results(results.document), encoding="utf-8")
    return {"figures": drawn, "skipped": skipped, "notes": notes}


def write_report(results, target, *, carry=(), predrawn=None):
    """Validate ``results`` and write the whole report folder ``target`` atomically.

    Parameters
    ----------
    results : Results or dict
    target : str or Path
        The report folder; replaced only once every file has been written.
    carry : iterable of str
        Entries of an existing ``target`` to keep (e.g. ``("partial",)``).
    predrawn : dict, optional
        Figures drawn already (:func:`predraw`).

    Returns
    -------
    dict
        As :func:`render_into`, plus ``"target"``.
    """
    if not isinstance(results, Results):
        results = parse_results(results)
    log = {}

    def fill(tmp):
        log.update(render_into(results, tmp, predrawn))

    log["target"] = atomic_dir(target, fill, carry=carry)
    return log
